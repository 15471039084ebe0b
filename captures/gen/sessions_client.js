'use strict';
// socket.io-client 0.9.17 in node for the v0_sessions capture (see
// sessions_server.js for the timeline).
//
// usage: node sessions_client.js <A|B> <port>
//   A  transports ['xhr-polling'], no reconnect; "slow" (acked late),
//      "ignored" (never acked), "tick" 1..16 every 400 ms; disconnects when
//      the server says "finish"
//   B  transports ['websocket'], 'reconnect': true ('reconnection delay'
//      500); "chat" x3; blocks its event loop for 5 s inside the "block"
//      handler and never acks it; after the library's own reconnect it emits
//      "again" with an ack, then disconnects
// Both use 'force new connection': true (the 0.9 client otherwise shares one
// socket per host within a process).
var io = require('socket.io-client');

var role = process.argv[2];
var port = Number(process.argv[3]);
if ((role !== 'A' && role !== 'B') || !port) {
  console.error('usage: node sessions_client.js <A|B> <port>');
  process.exit(2);
}

var T0 = Date.now();
function log() {
  var a = Array.prototype.slice.call(arguments);
  console.log.apply(console, ['[client ' + role + ' +' + (Date.now() - T0) + 'ms]'].concat(a));
}
function fail(msg) {
  console.error('[client ' + role + '] FAIL: ' + msg);
  process.exit(1);
}
setTimeout(function () { fail('scenario did not finish within 26 s'); }, 26000);

var base = 'http://127.0.0.1:' + port;

// The 0.9 client merges the 'transports' option index by index into its
// default list (io.transports, which the merge even modifies), so
// transports: ['xhr-polling'] becomes ['xhr-polling', 'xhr-polling',
// 'websocket', ...]; intersected with a server offering both, that picks
// websocket. With one transport per process, set the default list itself.
io.transports = [role === 'A' ? 'xhr-polling' : 'websocket'];
var TICKS = 16;

function leave() {
  // let the last packets and the close go out, then stop
  setTimeout(function () { log('done'); process.exit(0); }, 800);
}

if (role === 'A') {
  var a = io.connect(base, {
    transports: ['xhr-polling'],
    'force new connection': true,
    reconnect: false
  });
  var tocks = 0;
  a.on('connect', function () {
    log('connected, sid', a.socket.sessionid);
    a.emit('hello', 'A');
  });
  a.on('welcome', function (r) { log('welcome as', r); });
  a.on('go', function () {
    var t = Date.now();
    a.emit('slow', 21, function (text, n) {
      var d = Date.now() - t;
      log('slow acked after', d, 'ms:', text, n);
      if (text !== 'slow result' || n !== 42) fail('bad slow ack');
      if (d < 600) fail('slow ack came too early');
      a.emit('ignored', 'no answer expected', function () { fail('"ignored" must not be acked'); });
      var n2 = 0;
      var timer = setInterval(function () {
        a.emit('tick', ++n2);
        if (n2 === TICKS) clearInterval(timer);
      }, 400);
    });
  });
  a.on('tock', function (n) { tocks++; if (n !== tocks) fail('tock out of order'); });
  a.on('finish', function (bSessions) {
    log('finish; B had', bSessions, 'sessions; tocks', tocks);
    if (tocks !== TICKS) fail('missing tocks');
    a.disconnect();
    leave();
  });
  a.on('disconnect', function (reason) { log('disconnect:', reason); });
} else {
  var b = io.connect(base, {
    transports: ['websocket'],
    'force new connection': true,
    reconnect: true,
    'reconnection delay': 500,
    'max reconnection attempts': 3
  });
  var connects = 0, blocked = false;
  b.on('connect', function () {
    connects++;
    log('connected, session', connects, 'sid', b.socket.sessionid);
    b.emit('hello', 'B');
    if (connects === 2) {
      if (!blocked) fail('second session before the block');
      b.emit('again', 1, function (text, n) {
        log('again acked:', text, n);
        if (text !== 'welcome back' || n !== 2) fail('bad again ack');
        b.disconnect();
        leave();
      });
    }
  });
  b.on('welcome', function (r) { log('welcome as', r); });
  b.on('go', function () {
    var i = 0;
    var timer = setInterval(function () {
      b.emit('chat', 'message ' + (++i) + ' from B');
      if (i === 3) clearInterval(timer);
    }, 150);
  });
  b.on('block', function (ms, ack) {
    if (typeof ack !== 'function') fail('block without an ack id');
    log('blocking the event loop for', ms, 'ms (no ack)');
    blocked = true;
    var end = Date.now() + ms;
    while (Date.now() < end) { /* busy-wait: no I/O, no timers */ }
    log('event loop free again');
  });
  b.on('disconnect', function (reason) { log('disconnect:', reason); });
  b.on('reconnecting', function (delay, n) { log('reconnecting, attempt', n, 'next delay', delay); });
  b.on('reconnect', function (transport, n) { log('reconnected via', transport, 'after', n, 'attempt(s)'); });
  b.on('reconnect_failed', function () { fail('reconnect failed'); });
  b.on('error', function (e) { log('error:', e); });
}

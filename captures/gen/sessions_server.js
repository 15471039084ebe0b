'use strict';
// socket.io 0.9.19 server for the v0_sessions capture: two clients at once,
// late and unanswered acks, a heartbeat timeout and a reconnect.
//
// usage: node sessions_server.js <port> <truth.jsonl>
//
// Client A (sessions_client.js A, xhr-polling) and client B (websocket) run
// as two processes, so that B can block its own event loop. Settings:
// transports websocket + xhr-polling, heartbeat interval 1, heartbeat
// timeout 3, close timeout 3, polling duration 2. The server drives the
// timeline:
//   - both clients say "hello"; once both have, the server emits "go" to both
//   - A: "slow" (ack wanted) is acked 700 ms later; then "ignored" (ack
//     wanted; never acked); then "tick" 1..N every 400 ms, each answered by
//     s2c "tock" n
//   - B: "chat" x3; 3 s later the server emits "block" (ack wanted) to B; B
//     busy-waits 5 s in that handler and never acks; the server ends B's
//     session for heartbeat timeout (websocket heartbeats are the library's)
//   - B's library reconnects (new handshake, new sid); B says "hello" and
//     emits "again" (acked at once), then disconnects
//   - when B's second session is gone and A's ticks are done, the server
//     emits "finish" to A, which disconnects
// Records the ground truth (truth_logger.js, with "sid" on every line and a
// final "expect" line) and exits once both clients are gone.

var truth = require('./truth_logger'); // must come before the server starts
var sio = require('socket.io');

var port = Number(process.argv[2]);
var truthPath = process.argv[3];
if (!port || !truthPath) {
  console.error('usage: node sessions_server.js <port> <truth.jsonl>');
  process.exit(2);
}

var base = require('../server_base').create({
  truth: truth, truthPath: truthPath, watchdogMs: 27000, timed: true,
  needed: ['A hello', 'B1 hello', 'slow acked', 'A ignored', 'A ticks', 'block sent',
    'B1 heartbeat timeout', 'B2 hello', 'again acked', 'B2 gone', 'A gone']
});
var log = base.log, fail = base.fail, step = base.step;

var SLOW_ACK_MS = 700;
var TICKS = 16;
var BLOCK_MS = 5000;
var BLOCK_AFTER_MS = 3000;   // a few heartbeat rounds on B's first session first

var io = sio.listen(base.server);
io.set('log level', 1);
io.set('transports', ['websocket', 'xhr-polling']);
io.set('heartbeat interval', 1);
io.set('heartbeat timeout', 3);
io.set('close timeout', 3);
io.set('polling duration', 2);

// ---------------------------------------------------------------- state
var who = {};                 // sid -> 'A' | 'B1' | 'B2'
var bSessions = 0;
var A = null, B = null;
var hellos = 0, ticksDone = false, b2Gone = false, gone = 0;

function maybeGo() {
  if (++hellos === 2) {
    log('both clients here: go');
    A.emit('go');
    B.emit('go');
  }
}
function maybeFinishA() {
  if (ticksDone && b2Gone && A) {
    log('telling A to finish');
    A.emit('finish', bSessions);
  }
}

io.sockets.on('connection', function (socket) {
  var sid = socket.id;
  var transport = io.transports[sid] ? io.transports[sid].name : '?';
  var role = transport === 'websocket' ? 'B' + (++bSessions) : 'A';
  who[sid] = role;
  log('connected', role, 'sid', sid, 'via', transport);

  socket.on('hello', function (name) {
    if (name !== role[0]) fail('hello from ' + name + ' on a ' + role + ' session');
    step(role + ' hello');
    if (role === 'A') { A = socket; maybeGo(); }
    else if (role === 'B1') { B = socket; maybeGo(); }
    else B = socket;
    socket.emit('welcome', role);
  });

  // ---- client A
  socket.on('slow', function (n, ack) {
    log(role, 'slow', n, '- acking in', SLOW_ACK_MS, 'ms');
    setTimeout(function () { ack('slow result', n * 2); step('slow acked'); }, SLOW_ACK_MS);
  });
  socket.on('ignored', function (x, ack) {
    // never calls ack: the request stays unanswered
    if (typeof ack !== 'function') fail('ignored without an ack id');
    step('A ignored');
  });
  socket.on('tick', function (n) {
    socket.emit('tock', n);
    if (n === TICKS) { step('A ticks'); ticksDone = true; maybeFinishA(); }
  });

  // ---- client B
  socket.on('chat', function (text) {
    log(role, 'chat', text);
    if (text === 'message 3 from B') {
      setTimeout(function () {
        step('block sent');
        // the callback declares a parameter: only then does socket.io 0.9
        // ask for a data ack ("5:1+::..."); a 0.9 client never acks an event
        // without "+" by itself
        socket.emit('block', BLOCK_MS, function (answer) { fail('block must not be acked'); });
      }, BLOCK_AFTER_MS);
    }
  });
  socket.on('again', function (n, ack) {
    ack('welcome back', bSessions);
    step('again acked');
  });

  socket.on('disconnect', function (reason) {
    log(role, 'disconnect:', reason);
    if (role === 'B1') {
      if (reason === 'heartbeat timeout') step('B1 heartbeat timeout');
      else fail('B1 ended by ' + reason);
    } else if (role === 'B2') {
      if (reason !== 'booted') fail('B2 ended by ' + reason);
      step('B2 gone'); b2Gone = true; maybeFinishA();
    } else {
      if (reason !== 'booted') fail('A ended by ' + reason);
      step('A gone');
    }
    if (++gone === 3) setTimeout(base.finish, 700);
  });
});

// ---------------------------------------------------------------- shutdown
base.onFinish(function () {
  var expect = truth.computeExpect(500);
  truth.setExpect(expect);
  log('expect', JSON.stringify(expect));
  function roles(list) {
    return list.map(function (x) {
      return who[x.sid] + (x.dir ? ' ' + x.dir + ' ' + x.event : '');
    }).sort().join(',');
  }
  if (roles(expect.late_acks) !== 'A c2s slow') fail('late acks: ' + roles(expect.late_acks));
  if (roles(expect.unanswered) !== 'A c2s ignored,B1 s2c block') fail('unanswered: ' + roles(expect.unanswered));
  if (roles(expect.timed_out_sessions) !== 'B1') fail('timed out: ' + roles(expect.timed_out_sessions));
  if (expect.sessions !== 3) fail('sessions: ' + expect.sessions);
});

base.listen(port);

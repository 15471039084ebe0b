'use strict';
// socket.io-client 0.9.17 in node for the v0_refused capture (see
// refused_server.js): three connections one after the other, each with
// 'force new connection', reconnect off and transports ['websocket'].
//   ?token=bad    expects the "error" event with "handshake unauthorized" (403)
//   ?token=crash  expects the "error" event with "handshake error" (500)
//   ?token=good   connects, emits "hello", waits for "welcome", disconnects
//
// usage: node refused_client.js <port>

var io = require('socket.io-client');

var port = Number(process.argv[2]);
if (!port) {
  console.error('usage: node refused_client.js <port>');
  process.exit(2);
}
function log(m) { console.log('[client] ' + m); }
function fail(m) {
  console.error('[client] FAIL: ' + m);
  process.exit(1);
}
var watchdog = setTimeout(function () { fail('scenario did not finish within 20 s'); }, 20000);

function open(token) {
  return io.connect('http://127.0.0.1:' + port + '/?token=' + token, {
    'force new connection': true,
    reconnect: false,
    transports: ['websocket']
  });
}

function refused(token, want, next) {
  var s = open(token);
  s.on('connect', function () { fail(token + ': connected'); });
  s.on('error', function (reason) {
    log(token + ': error ' + JSON.stringify(reason));
    if (reason !== want) fail(token + ': error ' + JSON.stringify(reason) + ', want ' + want);
    setTimeout(next, 200);
  });
}

refused('bad', 'handshake unauthorized', function () {
  refused('crash', 'handshake error', function () {
    var s = open('good');
    s.on('error', function (e) { fail('good: error ' + JSON.stringify(e)); });
    s.on('connect', function () {
      log('good: connected');
      s.emit('hello', 'good client');
    });
    s.on('welcome', function (who) {
      log('good: welcome ' + JSON.stringify(who));
      if (who !== 'good client') fail('welcome ' + JSON.stringify(who));
      s.disconnect();
      clearTimeout(watchdog);
      // let the disconnect packet and the close go out, then leave
      setTimeout(function () { process.exit(0); }, 800);
    });
  });
});

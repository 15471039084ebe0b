'use strict';
// socket.io 0.9.19 server for the v0_refused capture: a global
// `authorization` function that refuses one handshake, fails on another and
// accepts a third.
//
// usage: node refused_server.js <port> <truth.jsonl>
//
// The client (refused_client.js) shakes hands three times, one after the
// other, with a token in the query (socket.io-client sends the query of
// io.connect()'s URL with the handshake):
//   token=bad    the authorization callback says callback(null, false):
//                403 "handshake unauthorized"
//   token=crash  the callback gets an error, callback(new Error(...)):
//                500 "handshake error"
//   token=good   callback(null, true): 200 "sid:60:60:websocket"; then the
//                client connects over websocket, emits "hello" (the server
//                answers with "welcome") and disconnects
// Settings: transports websocket only; heartbeats, timeouts and the rest are
// the library defaults (heartbeat interval 25 s: none in this short run).
// Records the ground truth (truth_logger.js; the refused handshakes are
// "http_error" lines) and exits once the accepted client has disconnected.

var truth = require('./truth_logger'); // must come before the server starts
var sio = require('socket.io');

var port = Number(process.argv[2]);
var truthPath = process.argv[3];
if (!port || !truthPath) {
  console.error('usage: node refused_server.js <port> <truth.jsonl>');
  process.exit(2);
}

var base = require('../server_base').create({
  truth: truth, truthPath: truthPath, watchdogMs: 20000,
  needed: ['refused bad', 'failed crash', 'accepted good', 'hello', 'disconnect']
});
var log = base.log, fail = base.fail, step = base.step;

var io = sio.listen(base.server);
io.set('log level', 1);
io.set('transports', ['websocket']);

io.set('authorization', function (handshakeData, callback) {
  var token = handshakeData.query.token;
  log('authorization, token', token);
  if (token === 'bad') {
    step('refused bad');
    callback(null, false);                          // 403 handshake unauthorized
  } else if (token === 'crash') {
    step('failed crash');
    callback(new Error('token store unavailable')); // 500 handshake error
  } else if (token === 'good') {
    step('accepted good');
    callback(null, true);
  } else {
    fail('unexpected token ' + token);
    callback(null, false);
  }
});

io.sockets.on('connection', function (socket) {
  log('connected', socket.id);
  socket.on('hello', function (who) {
    if (who !== 'good client') fail('hello from ' + JSON.stringify(who));
    step('hello');
    socket.emit('welcome', who);
  });
  socket.on('disconnect', function (reason) {
    log('disconnect:', reason);
    step('disconnect');
    setTimeout(base.finish, 700);
  });
});

base.listen(port);

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

var http = require('http');
var truth = require('./truth_logger'); // must come before the server starts
var sio = require('socket.io');

var port = Number(process.argv[2]);
var truthPath = process.argv[3];
if (!port || !truthPath) {
  console.error('usage: node refused_server.js <port> <truth.jsonl>');
  process.exit(2);
}

function log() {
  var a = Array.prototype.slice.call(arguments);
  console.log.apply(console, ['[server]'].concat(a));
}
var failed = false;
function fail(msg) {
  console.error('[server] FAIL: ' + msg);
  failed = true;
}
var watchdog = setTimeout(function () {
  fail('scenario did not finish within 20 s');
  finish();
}, 20000);

var sockets = new Set();
var server = http.createServer(function (req, res) {
  res.writeHead(404, { 'Content-Type': 'text/plain' });
  res.end('not found');
});
server.on('connection', function (s) {
  sockets.add(s);
  s.on('close', function () { sockets.delete(s); });
});

var io = sio.listen(server);
io.set('log level', 1);
io.set('transports', ['websocket']);

var steps = {};
function step(name) { log('step', name); steps[name] = true; }
var needed = ['refused bad', 'failed crash', 'accepted good', 'hello', 'disconnect'];

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
    setTimeout(finish, 700);
  });
});

var finished = false;
function finish() {
  if (finished) return;
  finished = true;
  clearTimeout(watchdog);
  needed.forEach(function (n) { if (!steps[n]) fail('step not done: ' + n); });
  require('fs').writeFileSync(truthPath, truth.toJsonl());
  log('wrote ' + truth.records.length + ' truth records to ' + truthPath);
  server.close();
  sockets.forEach(function (s) { s.destroy(); });
  setTimeout(function () { process.exit(failed ? 1 : 0); }, 200);
}

server.listen(port, '127.0.0.1', function () { log('listening on 127.0.0.1:' + port); });

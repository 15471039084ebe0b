'use strict';
// socket.io-client 4.8.4 for the m4_stale_sid capture (see stale_server.js).
//
// usage: node stale_client.js <port>
//
// transports ['polling'], reconnection on (reconnectionDelay and
// reconnectionDelayMax 500, randomizationFactor 0, 3 attempts). On
// "restarting" the handler busy-waits BLOCK_MS: a client that is busy (or
// suspended) while the server process is restarted. Meanwhile the capture
// script starts the second server process on the same port. Afterwards the
// handler emits "after block", and the library polls again: both requests
// carry the old sid and are answered 400. The library then reconnects by
// itself; on the new session the client says "hello", emits "back" and
// disconnects.

const { io } = require('sio4-client');

const port = Number(process.argv[2]);
if (!port) {
  console.error('usage: node stale_client.js <port>');
  process.exit(2);
}
const BLOCK_MS = 3000;

const T0 = Date.now();
const log = (...a) => console.log(`[client +${Date.now() - T0}ms]`, ...a);
function fail(msg) {
  console.error('[client] FAIL: ' + msg);
  process.exit(1);
}
const watchdog = setTimeout(() => fail('scenario did not finish within 20 s'), 20000);

const socket = io('http://127.0.0.1:' + port, {
  transports: ['polling'],
  reconnection: true,
  reconnectionDelay: 500,
  reconnectionDelayMax: 500,
  randomizationFactor: 0,
  reconnectionAttempts: 3
});

const engineIds = [];
let connects = 0;
let disconnectReason = null;

socket.on('connect', () => {
  connects++;
  engineIds.push(socket.io.engine.id);
  log('connect #' + connects, 'socket', socket.id, 'engine sid', socket.io.engine.id);
  socket.emit('hello', 'stale client', (answer) => {
    log('hello acked:', answer);
    if (connects === 1) {
      if (answer !== 'hello from process 1') fail('first hello: ' + answer);
      return;
    }
    if (answer !== 'hello from process 2') fail('second hello: ' + answer);
    socket.emit('back', 1, (a) => {
      log('back acked:', a);
      if (a !== 'welcome back') fail('back: ' + a);
      socket.disconnect();
    });
  });
});

socket.on('restarting', (why) => {
  log('restarting:', why, '; busy for', BLOCK_MS, 'ms');
  const until = Date.now() + BLOCK_MS;
  while (Date.now() < until) { /* busy */ }
  log('free again; emitting "after block" (still', socket.connected ? 'connected' : 'disconnected', ')');
  socket.emit('after block', 'sent with the old sid');
});

socket.on('disconnect', (reason, details) => {
  log('disconnect:', reason, details && details.description ? String(details.description) : '');
  if (disconnectReason === null) {
    disconnectReason = reason;
    if (reason !== 'transport error') fail('first disconnect: ' + reason);
    return;
  }
  if (reason !== 'io client disconnect') fail('second disconnect: ' + reason);
  if (connects !== 2 || engineIds[0] === engineIds[1]) fail('no new session: ' + engineIds);
  clearTimeout(watchdog);
  // let the close POST finish, then leave
  setTimeout(() => process.exit(0), 800);
});
socket.io.on('reconnect_attempt', (n) => log('reconnect attempt', n));
socket.io.on('reconnect_failed', () => fail('reconnect failed'));
socket.on('connect_error', (e) => log('connect_error:', e && e.message));

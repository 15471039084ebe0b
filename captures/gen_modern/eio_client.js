'use strict';
// Plain engine.io-client 6.x in node (no Socket.IO) for the eio_plain_* captures.
//
// usage: node eio_client.js <mode: websocket|polling> <port>
//   websocket  transports ['polling', 'websocket']: the messages are sent
//              once the upgrade is done, so they go over the WebSocket
//   polling    transports ['polling']
//
// The client is the engine.io-client that socket.io-client 4.8.4 depends on
// (engine.io-client 6.6.8). It sends eio_data.js's messages, checks the
// server's (in order), stays idle for a few ping/pong rounds and closes.

const D = require('./eio_data');

const [mode, portArg] = process.argv.slice(2);
const port = Number(portArg);
if (!['websocket', 'polling'].includes(mode) || !port) {
  console.error('usage: node eio_client.js <websocket|polling> <port>');
  process.exit(2);
}
const clientMain = require.resolve('engine.io-client', { paths: [require.resolve('sio4-client')] });
const { Socket } = require(clientMain);

const log = (...a) => console.log('[client]', ...a);
function fail(msg) {
  console.error('[client] FAIL: ' + msg);
  process.exit(1);
}
const watchdog = setTimeout(() => fail('scenario did not finish within 25 s'), 25000);

const socket = new Socket('http://127.0.0.1:' + port, {
  transports: mode === 'websocket' ? ['polling', 'websocket'] : ['polling']
});

const show = (m) => (Buffer.isBuffer(m) ? '<' + m.toString('hex') + '>' : JSON.stringify(m));
const want = [...D.texts.map(D.received), Buffer.from(D.s2cBinary)];
const got = [];
let sentAll = false;

function sendAll() {
  if (sentAll) return;
  sentAll = true;
  log('sending over', socket.transport.name);
  for (const t of D.texts) socket.send(t);
  socket.send(Buffer.from(D.c2sBinary));
}

socket.on('open', () => {
  log('open, sid', socket.id, 'transport', socket.transport.name);
  if (mode === 'polling') sendAll();
});
socket.on('upgrade', (t) => {
  log('upgraded to', t.name);
  if (mode === 'websocket') sendAll();
});
socket.on('message', (m) => {
  const i = got.length;
  got.push(m);
  const w = want[i];
  const same = Buffer.isBuffer(w) ? Buffer.isBuffer(m) && m.equals(w) : m === w;
  if (!same) fail(`s2c message ${i}: got ${show(m)} want ${show(w)}`);
  log('s2c message', i, show(m), 'over', socket.transport.name);
  if (got.length === want.length) {
    log('all', got.length, 'server messages arrived; idle', D.idleMs, 'ms');
    setTimeout(() => socket.close(), D.idleMs);
  }
});
let pings = 0;
socket.on('ping', () => { pings++; });
socket.on('error', (e) => fail('socket error: ' + (e && e.message || e)));
socket.on('close', (reason) => {
  log('close:', reason, '; pings seen:', pings);
  if (reason !== 'forced close') fail('unexpected close: ' + reason);
  if (got.length !== want.length) fail('only ' + got.length + ' server messages');
  if (mode === 'websocket' && socket.transport && socket.transport.name !== 'websocket') {
    fail('the session was not upgraded');
  }
  clearTimeout(watchdog);
  // give the close time to reach the server, then leave
  setTimeout(() => process.exit(0), 800);
});

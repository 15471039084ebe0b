'use strict';
// Plain engine.io 6.x server (no Socket.IO) for the eio_plain_* captures.
//
// usage: node eio_server.js <mode: websocket|polling> <port> <truth.jsonl>
//   websocket  transports polling + websocket (the client upgrades)
//   polling    transports polling only
//
// The engine.io server is the one socket.io 4.8.4 depends on (engine.io
// 6.6.12), so truth_recorder.js (installEio6) hooks its transports. Default
// path /engine.io/, pingInterval 1000, pingTimeout 2000, perMessageDeflate off.
// The client sends eio_data.js's messages; once all have arrived (checked in
// order), the server sends the same texts and its binary message. The client
// closes the session after a few ping/pong rounds; the server then writes the
// ground truth and exits.

const http = require('http');
const recorder = require('./truth_recorder');
const D = require('./eio_data');

const [mode, portArg, truthPath] = process.argv.slice(2);
const port = Number(portArg);
if (!['websocket', 'polling'].includes(mode) || !port || !truthPath) {
  console.error('usage: node eio_server.js <websocket|polling> <port> <truth.jsonl>');
  process.exit(2);
}

const truth = recorder.installEio6();   // before the server is created
const eio = recorder.engineIo();

const log = (...a) => console.log('[server]', ...a);
let failed = false;
function fail(msg) {
  console.error('[server] FAIL: ' + msg);
  failed = true;
}
const watchdog = setTimeout(() => { fail('scenario did not finish within 25 s'); finish(); }, 25000);

const sockets = new Set();
const server = http.createServer((req, res) => {
  res.writeHead(404, { 'Content-Type': 'text/plain' });
  res.end('not found');
});
server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });

const engine = eio.attach(server, {
  pingInterval: 1000,
  pingTimeout: 2000,
  transports: mode === 'websocket' ? ['polling', 'websocket'] : ['polling'],
  perMessageDeflate: false
});
truth.recordHttpErrors(engine);
log('engine.io', recorder.engineIoVersion(), 'protocol', eio.protocol, '(default path /engine.io/)');

const show = (m) => (Buffer.isBuffer(m) ? '<' + m.toString('hex') + '>' : JSON.stringify(m));
const want = [...D.texts.map(D.received), Buffer.from(D.c2sBinary)];
let sent = false;
let closed = false;

engine.on('connection', (socket) => {
  log('engine connection', socket.id, 'transport', socket.transport.name);
  socket.on('upgrade', (t) => log('upgraded to', t.name));
  const got = [];
  socket.on('message', (m) => {
    const i = got.length;
    got.push(m);
    const w = want[i];
    const same = Buffer.isBuffer(w) ? Buffer.isBuffer(m) && m.equals(w) : m === w;
    if (!same) fail(`c2s message ${i}: got ${show(m)} want ${show(w)}`);
    log('c2s message', i, show(m), 'over', socket.transport.name);
    if (got.length === want.length) {
      log('all', got.length, 'client messages arrived');
      for (const t of D.texts) socket.send(t);
      socket.send(Buffer.from(D.s2cBinary));
      sent = true;
    } else if (got.length > want.length) {
      fail('more client messages than expected');
    }
  });
  socket.on('close', (reason) => {
    log('engine close:', reason);
    closed = true;
    setTimeout(finish, 700);
  });
});

let finished = false;
function finish() {
  if (finished) return;
  finished = true;
  clearTimeout(watchdog);
  if (!sent) fail('the server never sent its messages');
  if (!closed) fail('the session did not close');
  for (const n of truth.notes()) log('recorder note:', JSON.stringify(n));
  truth.write(truthPath);
  log('wrote ' + truth.records.length + ' truth records to ' + truthPath);
  server.close();
  sockets.forEach((s) => s.destroy());
  setTimeout(() => process.exit(failed ? 1 : 0), 200);
}

server.listen(port, '127.0.0.1', () => log('listening on 127.0.0.1:' + port));

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

const base = require('../server_base').create({ truth, truthPath, watchdogMs: 25000 });
const { log, fail } = base;

const engine = eio.attach(base.server, {
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
    setTimeout(base.finish, 700);
  });
});

base.onFinish(() => {
  if (!sent) fail('the server never sent its messages');
  if (!closed) fail('the session did not close');
});

base.listen(port);

'use strict';
// socket.io 4.8.4 server with socket.io-msgpack-parser 3.0.2 (the `parser`
// option) for the m4_msgpack_* captures: every Socket.IO packet is one
// MessagePack map {type, data, nsp, id, ...} in one binary Engine.IO message,
// its binary values inside the map (no attachments).
//
// usage: node msgpack_server.js <mode: websocket|default> <port> <truth.jsonl>
//   websocket  transports ['websocket'] only
//   default    polling then the upgrade to websocket
//
// The conversation (the client half is msgpack_client.js, the data
// msgpack_data.js): "/" and /chat (auth {token, room}) connect; /private is
// refused by a middleware (next(new Error('not allowed')): CONNECT_ERROR);
// the client's events without ack; acks both ways, with data and binary;
// the server's events; /chat join with ack; a few ping/pong rounds; the
// server disconnects /chat (s2c DISCONNECT), the client disconnects "/"
// (c2s DISCONNECT), which closes the Engine.IO session. Both sides check
// everything they receive. The server records the ground truth
// (truth_recorder.js, decoded with socket.io-msgpack-parser's own Decoder)
// and exits once the session has closed.

const http = require('http');
const recorder = require('./truth_recorder');
const M = require('./msgpack_data');

const [mode, portArg, truthPath] = process.argv.slice(2);
const port = Number(portArg);
if (!['websocket', 'default'].includes(mode) || !port || !truthPath) {
  console.error('usage: node msgpack_server.js <websocket|default> <port> <truth.jsonl>');
  process.exit(2);
}

const truth = recorder.installSio4({ msgpack: true });   // before the server is created

const log = (...a) => console.log('[server]', ...a);
let failed = false;
function fail(msg) {
  console.error('[server] FAIL: ' + msg);
  failed = true;
}
const watchdog = setTimeout(() => { fail('scenario did not finish within 25 s'); finish(); }, 25000);
function expectEqual(what, got, want) {
  const g = M.norm(got);
  const w = M.norm(want);
  if (g !== w) fail(`${what}: ${M.diff(g, w)}`);
}
const done = new Set();
function step(name) { log('step', name); done.add(name); }
const needed = ['client events', 'add', 'getfile', 'ready', 'question', 'need file',
  'server binary acked', 'join', 'kicked', 'private rejected', 'main left'];

const sockets = new Set();
const server = http.createServer((req, res) => {
  res.writeHead(404, { 'Content-Type': 'text/plain' });
  res.end('not found');
});
server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });

const { Server } = require('sio4');
const io = new Server(server, {
  pingInterval: 1000,
  pingTimeout: 2000,
  transports: mode === 'default' ? ['polling', 'websocket'] : ['websocket'],
  serveClient: false,
  perMessageDeflate: false,
  parser: require('socket.io-msgpack-parser')
});

// mode default: the WebSocket upgrade request (the client's probe, sent as
// soon as the session is open) is held until the server's batch is done, so
// that the first half of the conversation goes over polling (binary
// Engine.IO packets b<base64> in the text payloads) and the rest over the
// WebSocket. engine.io's attach() calls this.handleUpgrade for every upgrade.
let releaseUpgrade = () => {};
if (mode === 'default') {
  const gate = new Promise((res) => { releaseUpgrade = res; });
  const handleUpgrade = io.engine.handleUpgrade;
  io.engine.handleUpgrade = function (req, socket, head) {
    log('holding the WebSocket upgrade request until the batch is done');
    gate.then(() => { log('letting the upgrade request through'); handleUpgrade.call(this, req, socket, head); });
  };
}

// ---------------------------------------------------------------- "/"
io.on('connection', (socket) => {
  log('connected / as', socket.id);
  const got = [];
  for (const name of new Set(M.clientEvents.map((e) => e[0]))) {
    socket.on(name, (...args) => {
      got.push([name, ...args]);
      if (got.length === M.clientEvents.length) {
        expectEqual('client events', got, M.clientEvents);
        step('client events');
      }
    });
  }
  socket.on('add', (a, b, cb) => { cb(a + b, 'sum'); step('add'); });
  socket.on('getfile', (name, cb) => {
    expectEqual('getfile name', name, 'f');
    cb(Buffer.from(M.fileBytes), { name, size: M.fileBytes.length });   // binary in the ack
    step('getfile');
  });
  socket.on('ready', (cb) => {
    cb();
    step('ready');
    for (const ev of M.serverEvents) socket.emit(...M.toWire(ev));
    let pending = 3;
    const oneDone = () => {
      if (--pending) return;
      setTimeout(() => { socket.emit('batch done'); releaseUpgrade(); }, 100);
    };
    socket.emit('question', 'answer?', (n, obj) => {
      expectEqual('question ack', [n, obj], [42, { sure: true, score: -1.25 }]);
      step('question'); oneDone();
    });
    socket.emit('need file', 'client.bin', (buf) => {   // the client acks with binary
      expectEqual('need file ack', buf, { bin: M.clientFileBytes });
      step('need file'); oneDone();
    });
    socket.emit('server binary ack', Buffer.from([0xc0, 0xc1, 0xff]), (ok) => {
      expectEqual('server binary ack', ok, 'ok');
      step('server binary acked'); oneDone();
    });
  });
  socket.on('disconnect', (reason) => {
    log('/ disconnect:', reason);
    if (reason === 'client namespace disconnect') step('main left');
  });
});

// ---------------------------------------------------------------- "/chat"
io.of('/chat').on('connection', (socket) => {
  const auth = socket.handshake.auth;
  log('connected /chat, auth', JSON.stringify(auth));
  expectEqual('chat auth', auth, { token: M.adminToken, room: 'lobby' });
  socket.emit('chat welcome', auth.room, 1);
  socket.on('join', (room, cb) => {
    cb(true, { room, members: 1 });
    step('join');
  });
  socket.on('kick me', () => { step('kicked'); socket.disconnect(); });   // s2c DISCONNECT /chat
  socket.on('disconnect', (reason) => log('/chat disconnect:', reason));
});

// ---------------------------------------------------------------- "/private"
io.of('/private').use((socket, next) => {
  step('private rejected');
  next(new Error('not allowed'));               // CONNECT_ERROR
});
io.of('/private').on('connection', () => fail('/private must not connect'));

// ---------------------------------------------------------------- shutdown
io.engine.on('connection', (conn) => {
  log('engine connection', conn.id, 'EIO protocol', conn.protocol);
  conn.on('upgrade', (t) => log('upgraded to', t.name));
  conn.on('close', (reason) => {
    log('engine close:', reason);
    setTimeout(finish, 700);
  });
});

let finished = false;
function finish() {
  if (finished) return;
  finished = true;
  clearTimeout(watchdog);
  for (const n of needed) if (!done.has(n)) fail('step not done: ' + n);
  for (const n of truth.notes()) {
    log('recorder note:', JSON.stringify(n));
    if (n.sio_error) fail('the truth recorder could not decode a packet');
  }
  truth.write(truthPath);
  log('wrote ' + truth.records.length + ' truth records to ' + truthPath);
  server.close();
  sockets.forEach((s) => s.destroy());
  setTimeout(() => process.exit(failed ? 1 : 0), 200);
}

server.listen(port, '127.0.0.1', () => log('listening on 127.0.0.1:' + port));

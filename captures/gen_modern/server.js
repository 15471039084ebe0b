'use strict';
// socket.io 2.x / 4.x scenario server.
//
// usage: node server.js <gen: 2|4> <mode: default|polling|websocket> <port> <truth.jsonl>
//                       [browser] [deflate] [jsonp] [client4] [h2|tls certdir=D keylog=F]
//   browser  serve page.html + the socket.io-client 2.x bundle; the browser runs
//            the client half and reports its result to POST /result
//   client4  (gen 4, browser) the page runs the socket.io-client 4.x bundle that
//            socket.io serves itself (serveClient: true, /socket.io/socket.io.min.js)
//   h2       TLS, http2.createSecureServer({allowHTTP1: true}) (ALPN h2, http/1.1)
//   tls      TLS, https.createServer with ALPN http/1.1 only
//            both read D/key.pem and D/cert.pem and append the TLS secrets of
//            every connection (the server's "keylog" event) to F
//   deflate  (gen 4) perMessageDeflate { threshold: 0 } instead of false
//   jsonp    (gen 4) allowEIO3; the page forces the JSONP transport
//   path=/p/ (gen 4, node client) the server's `path` option instead of the
//            default /socket.io/; client.js takes the same flag
//
// Records the ground truth (truth_recorder.js), checks everything the client
// sends, and exits by itself once the client has closed the connection.

const fs = require('fs');
const path = require('path');
const http = require('http');
const recorder = require('./truth_recorder');
const S = require('./scenario_data');

const [gen, mode, portArg, truthPath, ...flags] = process.argv.slice(2);
const port = Number(portArg);
const deflate = flags.includes('deflate');
const jsonp = flags.includes('jsonp');
const browser = flags.includes('browser');
const client4 = flags.includes('client4');
const tlsMode = flags.includes('h2') ? 'h2' : flags.includes('tls') ? 'tls' : null;
const flagValue = (k) => (flags.find((f) => f.startsWith(k + '=')) || '').slice(k.length + 1);
if ((client4 && (gen !== '4' || !browser)) || (tlsMode && !(flagValue('certdir') && flagValue('keylog')))) {
  console.error('client4 needs gen 4 and browser; h2/tls need certdir= and keylog=');
  process.exit(2);
}
if (!['2', '4'].includes(gen) || !['default', 'polling', 'websocket'].includes(mode) ||
    !port || !truthPath) {
  console.error('usage: node server.js <2|4> <default|polling|websocket> <port> <truth.jsonl> [browser] [deflate] [jsonp]');
  process.exit(2);
}
const sioPath = flagValue('path');
if (sioPath && (gen !== '4' || browser || !sioPath.startsWith('/'))) {
  console.error('path= needs gen 4, a node client and a path starting with /');
  process.exit(2);
}

// the recorder must hook the transports before the server is created
const truth = gen === '2' ? recorder.installSio2() : recorder.installSio4();

const log = (...a) => console.log('[server]', ...a);
let failed = false;
function fail(msg) {
  console.error('[server] FAIL: ' + msg);
  failed = true;
}

const watchdog = setTimeout(() => { fail('scenario did not finish within 25 s'); finish(); }, 25000);

// ---------------------------------------------------------------- http server
const transports = mode === 'default' ? ['polling', 'websocket'] : [mode];
const sockets = new Set();
function createServer(handler) {
  if (!tlsMode) return http.createServer(handler);
  const dir = flagValue('certdir');
  const tlsOpts = { key: fs.readFileSync(path.join(dir, 'key.pem')),
    cert: fs.readFileSync(path.join(dir, 'cert.pem')) };
  const srv = tlsMode === 'h2'
    ? require('http2').createSecureServer(Object.assign({ allowHTTP1: true }, tlsOpts), handler)
    : require('https').createServer(Object.assign({ ALPNProtocols: ['http/1.1'] }, tlsOpts), handler);
  srv.on('keylog', (line) => fs.appendFileSync(flagValue('keylog'), line));
  srv.on('secureConnection', (s) => log('TLS connection', s.getProtocol(), 'ALPN', s.alpnProtocol));
  return srv;
}
const server = createServer((req, res) => {
  // only non-socket.io requests get here: the browser page
  const url = req.url.split('?')[0];
  const files = {
    '/': ['page.html', 'text/html; charset=utf-8'],
    '/scenario_data.js': ['scenario_data.js', 'application/javascript; charset=utf-8'],
    '/scenario_client.js': ['scenario_client.js', 'application/javascript; charset=utf-8'],
    '/sio2-client.js': [require.resolve('sio2-client/dist/socket.io.js'), 'application/javascript; charset=utf-8']
  };
  if (browser && files[url]) {
    let body = fs.readFileSync(path.resolve(__dirname, files[url][0]));
    if (url === '/') {
      body = body.toString('utf8').replace('%CONFIG%', JSON.stringify({ transports, jsonp,
        clientGen: client4 ? '4' : '2' })).replace('%CLIENT_SRC%',
        client4 ? '/socket.io/socket.io.min.js' : '/sio2-client.js');
    }
    res.writeHead(200, { 'Content-Type': files[url][1] });
    res.end(body);
  } else if (browser && url === '/result' && req.method === 'POST') {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      log('browser client reports:', body);
      if (body !== 'ok') fail('browser client: ' + body);
      res.writeHead(204); res.end();
      resultSeen = true;
      maybeFinish();
    });
  } else {
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('not found');
  }
});
server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });

let io;
if (gen === '2') {
  // socket.io 2.x: library defaults except the ping timing and transports
  io = require('sio2')(server, {
    pingInterval: 1000,
    pingTimeout: 2000,
    transports,
    serveClient: false
  });
} else {
  const { Server } = require('sio4');
  io = new Server(server, {
    pingInterval: 1000,
    pingTimeout: 2000,
    transports,
    serveClient: client4,
    perMessageDeflate: deflate ? { threshold: 0 } : false,
    // engine.io 6.6.12 streams a compressed polling response and lets go of
    // the request on the response's 'finish'; over HTTP/2 (node's compat API)
    // the request's 'close' comes first, and the session ends with "poll
    // connection closed prematurely" at the first response over 1 kB
    ...(tlsMode === 'h2' ? { httpCompression: false } : {}),
    allowEIO3: jsonp,
    ...(sioPath ? { path: sioPath } : {})
  });
  if (sioPath) log('socket.io path', io.path(), 'engine.io path', io.engine.opts.path);
}

// ---------------------------------------------------------------- checks
const norm = (v) => JSON.stringify(v, (k, x) => {
  if (x && x.type === 'Buffer' && Array.isArray(x.data)) return { bytes: x.data };
  if (x instanceof ArrayBuffer) return { bytes: Array.from(new Uint8Array(x)) };
  return x;
});
const bytes = (arr) => ({ bytes: arr });
function expectEqual(what, got, want) {
  const g = norm(got);
  const w = JSON.stringify(want);
  if (g !== w && g !== norm(want)) fail(`${what}: got ${g} want ${norm(want)}`);
}
const done = new Set();
function step(name) { log('step', name); done.add(name); }
const needed = ['client events', 'add', 'upload', 'upload2', 'getfile', 'ready', 'question',
  'need file', 'server binary acked', 'join', 'rate', 'kicked', 'chat reconnect',
  'chat left', 'private rejected'];
if (gen === '4' && (!browser || client4)) needed.push('admin whoami');   // else the browser runs client 2.x

// ---------------------------------------------------------------- namespaces
let mainSocket = null;
io.on('connection', (socket) => {
  log('connected / as', socket.id);
  mainSocket = socket;
  const got = [];
  const names = [...new Set(S.clientEvents.map((e) => e[0]))];
  for (const name of names) {
    socket.on(name, (...args) => {
      got.push([name, ...args]);
      if (got.length === S.clientEvents.length) {
        expectEqual('client events', got, S.clientEvents);
        step('client events');
      }
    });
  }
  socket.on('add', (a, b, cb) => { cb(a + b, 'sum'); step('add'); });
  socket.on('upload', (obj, cb) => {
    expectEqual('upload', obj, { name: 'f', data: bytes(S.uploadBytes) });
    cb('got ' + obj.data.length + ' bytes');
    step('upload');
  });
  socket.on('upload2', (a, obj, cb) => {
    expectEqual('upload2', [a, obj], [bytes(S.upload2A), { inner: bytes(S.upload2B) }]);
    cb('got 2 buffers');
    step('upload2');
  });
  socket.on('getfile', (name, cb) => {
    expectEqual('getfile name', name, 'f');
    cb(Buffer.from(S.fileBytes), { name });   // binary ack s2c
    step('getfile');
  });
  socket.on('ready', (cb) => {
    cb();
    step('ready');
    for (const ev of S.serverEvents) socket.emit(...ev);
    let pending = 3;
    const oneDone = () => {
      if (--pending) return;
      setTimeout(() => {
        socket.volatile.emit('tick', 1);
        setTimeout(() => socket.emit('batch done'), 150);
      }, 250);
    };
    socket.emit('question', 'answer?', (n, obj) => {
      expectEqual('question ack', [n, obj], [42, { sure: true }]);
      step('question'); oneDone();
    });
    socket.emit('need file', 'client.bin', (buf) => {   // client acks with binary
      expectEqual('need file ack', buf, bytes(S.clientFileBytes));
      step('need file'); oneDone();
    });
    socket.emit('server binary', Buffer.from(S.serverBinA), { b: Buffer.from(S.serverBinB), n: 2 },
      (ok) => { expectEqual('server binary ack', ok, 'ok'); step('server binary acked'); oneDone(); });
  });
  socket.on('disconnect', (reason) => log('/ disconnect:', reason));
});

let chatConnects = 0;
io.of('/chat').on('connection', (socket) => {
  chatConnects++;
  // socket.io 2.x merges a CONNECT query (protocol 4: "0/chat?room=lobby,")
  // into handshake.query; socket.io 4 puts it into handshake.auth for EIO3
  // clients and has only the Engine.IO handshake URL's query in
  // handshake.query.
  const q = socket.handshake.query;
  const auth = socket.handshake.auth || {};
  log('connected /chat, query', JSON.stringify(q), 'auth', JSON.stringify(auth));
  const room = q.room || auth.room;
  expectEqual('chat query room', room, 'lobby');
  socket.emit('chat welcome', room, chatConnects);
  if (chatConnects === 2) step('chat reconnect');
  socket.on('join', (room, cb) => {
    cb(true, { room, members: 1 });
    step('join');
    socket.emit('rate', 'how was it?', (stars) => {
      expectEqual('rate ack', stars, 5);
      step('rate');
      socket.emit('rated', stars);
    });
  });
  socket.on('kick me', () => { step('kicked'); socket.disconnect(); });
  socket.on('disconnect', (reason) => {
    log('/chat disconnect:', reason);
    if (reason === 'client namespace disconnect' && mainSocket) {
      step('chat left');
      mainSocket.emit('chat left', chatConnects);
    }
  });
});

io.of('/private').use((socket, next) => {
  step('private rejected');
  next(new Error('not authorized'));
});
io.of('/private').on('connection', () => fail('/private must not connect'));

if (gen === '4') {
  io.of('/admin').on('connection', (socket) => {
    expectEqual('admin auth', socket.handshake.auth, { token: S.adminToken });
    socket.on('whoami', (cb) => {
      cb({ token: socket.handshake.auth.token, admin: true });
      step('admin whoami');
    });
  });
}

// ---------------------------------------------------------------- shutdown
let engineClosed = false;
let resultSeen = false;
io.engine.on('connection', (conn) => {
  log('engine connection', conn.id, 'EIO protocol', conn.protocol || 3);
  conn.on('close', (reason) => {
    log('engine close:', reason);
    engineClosed = true;
    maybeFinish();
  });
});
function maybeFinish() {
  if (engineClosed && (resultSeen || !browser)) setTimeout(finish, 700);
}

let finished = false;
function finish() {
  if (finished) return;
  finished = true;
  clearTimeout(watchdog);
  for (const n of needed) if (!done.has(n)) fail('step not done: ' + n);
  for (const n of truth.notes()) log('recorder note:', JSON.stringify(n));
  truth.write(truthPath);
  log('wrote ' + truth.records.length + ' truth records to ' + truthPath);
  server.close();
  sockets.forEach((s) => s.destroy());
  setTimeout(() => process.exit(failed ? 1 : 0), 200);
}

server.listen(port, '127.0.0.1', () => log('listening on 127.0.0.1:' + port));

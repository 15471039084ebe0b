'use strict';
// socket.io-client 4.8.4 in node with socket.io-msgpack-parser 3.0.2 (the
// `parser` option): the client half of the m4_msgpack_* scenario (see
// msgpack_server.js).
//
// usage: node msgpack_client.js <mode: websocket|default> <port>

const M = require('./msgpack_data');
const { io } = require('sio4-client');

const [mode, portArg] = process.argv.slice(2);
const port = Number(portArg);
if (!['websocket', 'default'].includes(mode) || !port) {
  console.error('usage: node msgpack_client.js <websocket|default> <port>');
  process.exit(2);
}
const base = 'http://127.0.0.1:' + port;
const opts = {
  transports: mode === 'default' ? ['polling', 'websocket'] : ['websocket'],
  reconnection: false,
  parser: require('socket.io-msgpack-parser')
};
const log = (...a) => console.log('[client]', ...a);
const T = 6000;

function expectEqual(what, got, want) {
  const g = M.norm(got);
  const w = M.norm(want);
  if (g !== w) throw new Error(`${what}: ${M.diff(g, w)}`);
}
function timeout(p, what) {
  let t;
  return Promise.race([p, new Promise((_, rej) => {
    t = setTimeout(() => rej(new Error('time-out waiting for ' + what)), T);
  })]).finally(() => clearTimeout(t));
}
const once = (sock, ev) => new Promise((res) => sock.once(ev, (...a) => res(a)));
const emitAck = (sock, ev, ...args) =>
  timeout(new Promise((res) => sock.emit(ev, ...args, (...a) => res(a))), 'ack of ' + ev);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function run() {
  // one Manager (one Engine.IO session) for "/", /chat and /private. All
  // three CONNECTs and the events without ack are written at once, before
  // the session is open: socket.io-client sends the CONNECTs when the
  // Engine.IO session opens and each namespace's events once its CONNECT is
  // answered. In mode default the server holds the WebSocket upgrade
  // request until its batch is done (see msgpack_server.js): everything up
  // to there goes over polling, the rest over the WebSocket.
  const main = io(base, Object.assign({}, opts, { autoConnect: false }));
  const pUpgraded = new Promise((res) => main.io.once('open', () => {
    if (main.io.engine.transport.name === 'websocket') res();
    else main.io.engine.once('upgrade', () => res());
  }));
  // server-initiated things, registered before they can arrive
  const serverEvents = [];
  for (const name of new Set(M.serverEvents.map((e) => e[0]))) {
    main.on(name, (...a) => serverEvents.push([name, ...a]));
  }
  main.on('question', (q, cb) => { expectEqual('question', q, 'answer?'); cb(42, { sure: true, score: -1.25 }); });
  main.on('need file', (name, cb) => {
    expectEqual('need file', name, 'client.bin');
    cb(Buffer.from(M.clientFileBytes));                 // binary in the ack
  });
  const pServerBinaryAck = new Promise((res) => main.on('server binary ack', (buf, cb) => {
    cb('ok'); res(buf);
  }));
  const pBatchDone = once(main, 'batch done');
  const pMain = once(main, 'connect');

  // the Manager was made with autoConnect off: every socket is connected here
  const chat = io(base + '/chat', Object.assign({}, opts, { auth: { token: M.adminToken, room: 'lobby' } }));
  const pChat = once(chat, 'connect');
  const pWelcome = once(chat, 'chat welcome');
  const priv = io(base + '/private', opts);
  const pRefused = once(priv, 'connect_error');
  main.connect();
  chat.connect();
  priv.connect();
  for (const ev of M.clientEvents) main.emit(...M.toWire(ev));   // sent once "/" is connected

  await timeout(pMain, 'connect of /');
  await timeout(pChat, 'connect of /chat');
  expectEqual('chat welcome', await timeout(pWelcome, 'chat welcome'), ['lobby', 1]);
  log('connected / and /chat');
  const [err] = await timeout(pRefused, 'connect_error of /private');
  expectEqual('private connect_error', err.message, 'not allowed');
  log('/private refused');

  // acks with data, binary in an ack
  expectEqual('add ack', await emitAck(main, 'add', 2, 3), [5, 'sum']);
  expectEqual('getfile ack', await emitAck(main, 'getfile', 'f'),
    [{ bin: M.fileBytes }, { name: 'f', size: M.fileBytes.length }]);
  log('acks ok');

  // idle: ping/pong rounds (over polling in mode default)
  await sleep(1500);

  // the server's batch
  expectEqual('ready ack', await emitAck(main, 'ready'), []);
  await timeout(pBatchDone, 'batch done');
  expectEqual('server events', serverEvents, M.serverEvents);
  expectEqual('server binary ack', await pServerBinaryAck, { bin: [0xc0, 0xc1, 0xff] });
  log('server batch ok');
  await timeout(pUpgraded, 'transport upgrade');
  log('transport', main.io.engine.transport.name);

  // /chat: an ack with data
  expectEqual('join ack', await emitAck(chat, 'join', 'lobby'), [true, { room: 'lobby', members: 1 }]);

  // idle: ping/pong rounds
  await sleep(2500);

  // the server disconnects /chat; then the client disconnects "/", the last
  // namespace of the Manager, which closes the Engine.IO session
  const pKicked = once(chat, 'disconnect');
  chat.emit('kick me');
  expectEqual('kick reason', (await timeout(pKicked, '/chat disconnect'))[0], 'io server disconnect');
  priv.close();
  const pClosed = once(main, 'disconnect');
  main.disconnect();
  await timeout(pClosed, 'main disconnect');
}

const watchdog = setTimeout(() => { console.error('[client] FAIL: did not finish within 25 s'); process.exit(1); }, 25000);
run().then(() => {
  log('scenario ok');
  clearTimeout(watchdog);
  setTimeout(() => process.exit(0), 800);   // let the close handshake finish
}, (e) => {
  console.error('[client] FAIL:', e && e.stack || e);
  process.exit(1);
});

'use strict';
// socket.io-client 4.8.4 in node for the m4_sessions capture (see
// sessions_server.js for the timeline).
//
// usage: node sessions_client.js <A|B> <port>
//   A  transports ['polling'], reconnection on (500 ms, no jitter); blocks its
//      event loop for 4 s inside the "block" handler and never acks it; after
//      the library's own reconnect it emits "again" with an ack, then leaves
//   B  transports ['websocket']; "chat" x3, "ignored" (ack never comes),
//      "tick" 1..16 every 400 ms; disconnects when the server says "finish"

const { io } = require('sio4-client');

const [role, portArg] = process.argv.slice(2);
const port = Number(portArg);
if (!['A', 'B'].includes(role) || !port) {
  console.error('usage: node sessions_client.js <A|B> <port>');
  process.exit(2);
}

const T0 = Date.now();
const log = (...a) => console.log(`[client ${role} +${Date.now() - T0}ms]`, ...a);
function fail(msg) {
  console.error(`[client ${role}] FAIL: ${msg}`);
  process.exit(1);
}
setTimeout(() => fail('scenario did not finish within 26 s'), 26000);

const base = 'http://127.0.0.1:' + port;
const TICKS = 16;

function leave() {
  // let the last packets and the close handshake go out, then stop
  setTimeout(() => { log('done'); process.exit(0); }, 800);
}

if (role === 'A') {
  const socket = io(base, {
    transports: ['polling'],
    reconnection: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 500,
    randomizationFactor: 0,
    reconnectionAttempts: 3
  });
  let connects = 0;
  let slowAcked = false;
  let blocked = false;
  socket.on('connect', () => {
    connects++;
    log('connected, session', connects, 'engine sid', socket.io.engine.id);
    socket.emit('hello', 'A');
    if (connects === 2) {
      if (!blocked) fail('second session before the block');
      socket.emit('again', 1, (text, n) => {
        log('again acked:', text, n);
        if (text !== 'welcome back' || n !== 2) fail('bad again ack');
        socket.disconnect();
        leave();
      });
    }
  });
  socket.on('welcome', (r) => log('welcome as', r));
  socket.on('go', () => {
    const t = Date.now();
    socket.emit('slow', 21, (text, n) => {
      const d = Date.now() - t;
      log('slow acked after', d, 'ms:', text, n);
      if (text !== 'slow result' || n !== 42) fail('bad slow ack');
      if (d < 600) fail('slow ack came too early');
      slowAcked = true;
      socket.emit('slow done');
    });
  });
  socket.on('block', (ms, cb) => {
    if (!slowAcked) fail('block before the slow ack');
    if (typeof cb !== 'function') fail('block without an ack id');
    log('blocking the event loop for', ms, 'ms (no ack)');
    blocked = true;
    const end = Date.now() + ms;
    while (Date.now() < end) { /* busy-wait: no I/O, no timers */ }
    log('event loop free again');
  });
  socket.io.on('reconnect_attempt', (n) => log('reconnect attempt', n));
  socket.io.on('reconnect', (n) => log('reconnected after', n, 'attempt(s)'));
  socket.on('disconnect', (reason) => log('disconnect:', reason));
  socket.on('connect_error', (e) => log('connect_error:', e.message));
} else {
  const socket = io(base, { transports: ['websocket'], reconnection: false });
  let tocks = 0;
  socket.on('connect', () => {
    log('connected, engine sid', socket.io.engine.id);
    socket.emit('hello', 'B');
  });
  socket.on('welcome', (r) => log('welcome as', r));
  socket.on('go', async () => {
    const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
    for (let i = 1; i <= 3; i++) {
      socket.emit('chat', 'message ' + i + ' from B');
      await sleep(150);
    }
    socket.emit('ignored', 'no answer expected', () => fail('"ignored" must not be acked'));
    await sleep(300);
    for (let n = 1; n <= TICKS; n++) {
      socket.emit('tick', n);
      await sleep(400);
    }
  });
  socket.on('tock', (n) => { tocks++; if (n !== tocks) fail('tock out of order'); });
  socket.on('finish', (aSessions) => {
    log('finish; A had', aSessions, 'sessions; tocks', tocks);
    if (tocks !== TICKS) fail('missing tocks');
    socket.disconnect();
    leave();
  });
  socket.on('disconnect', (reason) => {
    log('disconnect:', reason);
    if (reason !== 'io client disconnect') fail('B lost its session: ' + reason);
  });
}

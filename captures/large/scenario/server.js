'use strict';
// Load-scenario server of one group (see plan.js): socket.io 4.8.4, 2.5.1 or
// 0.9.19 on 127.0.0.1:<port>. Started by run.js with an IPC channel; counts
// every Socket.IO packet on the wire (counters.js), checks what the clients
// send, answers each "burst end" with a burst of events, and on {cmd:
// 'finish'} reports its counts and exits.
//
// usage (from run.js): node server.js <group>

const http = require('http');
const mods = require('./mods');
const counters = require('./counters');
const { GROUPS } = require('./plan');
const { mulberry32, EVENT_NAMES, eventArgs, ackArgs } = require('./data');
const { autoCork } = require('./util');

const groupName = process.argv[2];
const G = GROUPS[groupName];
if (!G || !process.send) {
  console.error('usage: (forked by run.js) server.js <group>');
  process.exit(2);
}
const gen = G.gen;
const ADMIN_TOKEN = 'abc';

const errors = [];
function fail(msg) {
  if (errors.length < 50) errors.push(msg);
  console.error(`[server ${groupName}] FAIL: ${msg}`);
}
const stats = {
  connections: 0, eventsReceived: 0, messagesReceived: 0, acksSent: 0,
  eventsSent: 0, messagesSent: 0, acksRequested: 0, acksReceived: 0, bursts: 0,
  nspConnects: {}, refused: 0
};

// ---- counters: must hook the transports before the server exists ---------
let counts;
if (gen === 0) {
  counts = counters.install09(mods, G.serverTransports[0]);
} else if (gen === 2) {
  counts = counters.installEngineIo({ ...mods.eio3Internals(), eio3Parser: mods.eio3Internals().parser });
} else {
  counts = counters.installEngineIo(mods.eio4Internals());
}

// ---- http server -------------------------------------------------------------
const sockets = new Set();
const clientPorts = [];
const server = http.createServer((req, res) => {
  // the Socket.IO servers take their own requests; nothing else is asked for
  res.writeHead(404, { 'Content-Type': 'text/plain' });
  res.end('not found');
});
server.on('connection', (s) => {
  sockets.add(s);
  clientPorts.push(s.remotePort);
  if (!process.env.LARGE_NO_CORK) autoCork(s);   // server writes coalesced per loop turn
  s.on('close', () => sockets.delete(s));
});

// ---- per-client state (one Engine.IO / 0.9 connection) -------------------------
const clients = new Map();
function stateOf(key) {
  let st = clients.get(key);
  if (!st) {
    st = { socks: {}, received: 0, nextC2s: 0, nextS2c: 0 };
    clients.set(key, st);
  }
  return st;
}
const ackRng = (seq) => mulberry32((seq * 2654435761) ^ 0x1234567);

function attach(socket, key, nsp) {
  const st = stateOf(key);
  st.socks[nsp] = socket;
  stats.nspConnects[nsp] = (stats.nspConnects[nsp] || 0) + 1;
  const onEvent = (name) => function (...args) {
    stats.eventsReceived++;
    st.received++;
    const seq = args[0];
    if (seq !== st.nextC2s) fail(`${key} ${nsp} ${name}: seq ${seq}, want ${st.nextC2s}`);
    st.nextC2s = seq + 1;
    const last = args[args.length - 1];
    if (typeof last === 'function') {
      stats.acksSent++;
      last(...ackArgs(ackRng(seq), seq, gen !== 0));
    }
  };
  for (const name of EVENT_NAMES) socket.on(name, onEvent(name));
  if (gen === 0) {
    socket.on('message', (data) => {  // send() / json.send(): no ack requested
      stats.messagesReceived++;
      st.received++;
      const seq = typeof data === 'string' ? Number(data.split(' ')[0]) : data.seq;
      if (seq !== st.nextC2s) fail(`${key} ${nsp} message: seq ${seq}, want ${st.nextC2s}`);
      st.nextC2s = seq + 1;
    });
  }
  if (nsp === '/') socket.on('burst end', (info, ack) => burst(st, key, info, ack));
  socket.on('disconnect', () => { delete st.socks[nsp]; });
}

// answer a client burst with info.m events (the plan is drawn from info.seed)
function burst(st, key, info, ack) {
  stats.bursts++;
  if (st.received !== info.n) fail(`${key} burst ${info.b}: got ${st.received} events, want ${info.n}`);
  st.received = 0;
  const rng = mulberry32(info.seed);
  const nsps = Object.keys(st.socks).sort();
  for (let j = 0; j < info.m; j++) {
    const sock = st.socks[rng.pick(nsps)];
    const seq = st.nextS2c++;
    if (gen === 0 && rng.chance(G.msgP)) {
      stats.messagesSent++;
      if (rng.chance(0.5)) sock.send(seq + ' ' + JSON.stringify(eventArgs(rng, false)[0]));
      else sock.json.send({ seq, data: eventArgs(rng, false)[0] });
      continue;
    }
    const name = rng.pick(EVENT_NAMES);
    const args = [seq, ...eventArgs(rng, gen !== 0 && rng.chance(G.binP))];
    stats.eventsSent++;
    if (rng.chance(G.srvAckP)) {
      stats.acksRequested++;
      // a named parameter: socket.io 0.9 asks for ack data only if the
      // callback declares one (fn.length), otherwise it sends "5:N::" and
      // the 0.9 client never answers
      sock.emit(name, ...args, (r0) => {
        stats.acksReceived++;
        if (r0 !== seq) fail(`${key} ack of ${seq}: got ${JSON.stringify(r0)}`);
      });
    } else {
      sock.emit(name, ...args);
    }
  }
  stats.acksSent++;
  ack({ b: info.b, m: info.m });
}

// ---- the Socket.IO server ----------------------------------------------------------
if (gen === 0) {
  const io = counts.sio.listen(server, { 'log level': 0 });
  io.set('log level', process.env.LARGE_DEBUG ? 3 : 0);
  // socket.io 0.9.19's websocket frame parsers add the leftover of every
  // read to a byte counter again and again and never reset it, and kick the
  // client ("max buffer size reached") once it passes 'destroy buffer size'
  // (100 MB): with bursts that happens after a few MB. The limit is raised.
  io.set('destroy buffer size', 1e15);
  io.set('transports', G.serverTransports);
  io.set('heartbeat interval', 2);         // a few heartbeats on websocket
  io.set('heartbeat timeout', 30);
  io.set('close timeout', 30);
  io.set('polling duration', 10);
  const on = (nsp) => io.of(nsp === '/' ? '' : nsp).on('connection', (socket) => {
    if (nsp === '/') stats.connections++;
    attach(socket, socket.id, nsp);
  });
  ['/', '/chat', '/game'].forEach(on);
  io.of('/private').authorization((data, cb) => { stats.refused++; cb(null, false); });
  io.of('/private').on('connection', () => fail('/private must not connect'));
} else {
  const opts = {
    transports: G.serverTransports,
    pingInterval: 5000,
    pingTimeout: 20000,
    serveClient: false,
    perMessageDeflate: false,
    maxHttpBufferSize: 1e7
  };
  let io;
  if (gen === 2) io = mods.sio2()(server, opts);
  else io = new (mods.sio4().Server)(server, opts);
  const on = (nsp) => io.of(nsp).on('connection', (socket) => {
    if (nsp === '/') stats.connections++;
    attach(socket, socket.conn.id, nsp);
  });
  ['/', '/chat', '/game'].forEach(on);
  if (gen === 4) {
    io.of('/admin').use((socket, next) => {
      if (socket.handshake.auth && socket.handshake.auth.token === ADMIN_TOKEN) next();
      else next(new Error('bad token'));
    });
    on('/admin');
  }
  io.of('/private').use((socket, next) => { stats.refused++; next(new Error('not authorized')); });
  io.of('/private').on('connection', () => fail('/private must not connect'));
}

// ---- lifecycle ----------------------------------------------------------------------
process.on('message', (msg) => {
  if (!msg || msg.cmd !== 'finish') return;
  for (const [key, st] of clients) {
    if (Object.keys(st.socks).length) fail(`${key} still has namespaces ${Object.keys(st.socks)}`);
  }
  if (stats.acksReceived !== stats.acksRequested) {
    fail(`acks: requested ${stats.acksRequested}, received ${stats.acksReceived}`);
  }
  process.send({
    type: 'counts', group: groupName, counts: counts.byTransport,
    notOnWire: counts.notOnWire(), stats, clientPorts, errors
  }, () => {
    server.close();
    sockets.forEach((s) => s.destroy());
    setTimeout(() => process.exit(0), 100);
  });
});
process.on('disconnect', () => process.exit(1));   // orchestrator gone

server.listen(G.port, '127.0.0.1', () => process.send({ type: 'listening', group: groupName }));

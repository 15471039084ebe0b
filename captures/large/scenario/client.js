'use strict';
// Load-scenario clients of one group (see plan.js), all in this process:
// socket.io-client 4.8.4, 2.5.0 or 0.9.17 talking to server.js.
// Started by run.js with an IPC channel; reports what it sent and received.
//
// usage (from run.js): node client.js <group> <scale>

const mods = require('./mods');
const { GROUPS, burstsFor } = require('./plan');
const { mulberry32, EVENT_NAMES, eventArgs, ackArgs } = require('./data');
const { autoCork } = require('./util');

const groupName = process.argv[2];
const scale = Number(process.argv[3]);
const G = GROUPS[groupName];
if (!G || !(scale > 0) || !process.send) {
  console.error('usage: (forked by run.js) client.js <group> <scale>');
  process.exit(2);
}
const gen = G.gen;
const base = 'http://127.0.0.1:' + G.port;
const bursts = burstsFor(G, scale);
const ADMIN_TOKEN = 'abc';

const errors = [];
function fail(msg) {
  if (errors.length < 50) errors.push(msg);
  console.error(`[client ${groupName}] FAIL: ${msg}`);
}
const stats = {
  clients: G.clients.length, bursts: 0, eventsSent: 0, messagesSent: 0, acksRequested: 0,
  acksReceived: 0, eventsReceived: 0, messagesReceived: 0, acksSent: 0, refused: 0,
  corked: 0
};
const ackRng = (seq) => mulberry32((seq * 2246822519) ^ 0x7654321);
const hash = (s) => { let h = 2166136261; for (const c of s) h = Math.imul(h ^ c.charCodeAt(0), 16777619); return h >>> 0; };

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function timeoutPromise(p, ms, what) {
  let t;
  return Promise.race([p, new Promise((_, rej) => { t = setTimeout(() => rej(new Error(what + ' timed out')), ms); })])
    .finally(() => clearTimeout(t));
}

// handlers for everything a server may send on one namespace
function listen(sock, cs) {
  const onEvent = function (...args) {
    stats.eventsReceived++;
    cs.recv++;
    const seq = args[0];
    if (seq !== cs.nextS2c) fail(`client ${cs.idx}: s2c seq ${seq}, want ${cs.nextS2c}`);
    cs.nextS2c = seq + 1;
    const last = args[args.length - 1];
    if (typeof last === 'function') {
      stats.acksSent++;
      last(...ackArgs(ackRng(seq), seq, gen !== 0));
    }
  };
  for (const name of EVENT_NAMES) sock.on(name, onEvent);
  if (gen === 0) {
    sock.on('message', (data) => {
      stats.messagesReceived++;
      cs.recv++;
      const seq = typeof data === 'string' ? Number(data.split(' ')[0]) : data.seq;
      if (seq !== cs.nextS2c) fail(`client ${cs.idx}: s2c message seq ${seq}, want ${cs.nextS2c}`);
      cs.nextS2c = seq + 1;
    });
  }
}

// ---- connecting: resolves to { socks: {nsp: handle}, close(): Promise } ----------
function once(emitter, ok, bad) {
  return new Promise((resolve, reject) => {
    emitter.once(ok, resolve);
    for (const b of bad || []) emitter.once(b, (e) => reject(new Error(b + ': ' + (e && e.message || e))));
  });
}

async function connectModern(C, cs) {
  const io = gen === 4 ? mods.sio4Client().io : mods.sio2Client();
  const opts = { transports: C.transports, reconnection: false, forceNew: true, timeout: 20000 };
  if (gen === 4) opts.perMessageDeflate = false;
  const main = io(base, opts);
  listen(main, cs);
  const mgr = main.io;
  await once(main, 'connect', ['connect_error', 'error']);
  if (C.cork && !process.env.LARGE_NO_CORK) {
    const cork = (t) => { if (t && t.ws && t.ws._socket) { autoCork(t.ws._socket); stats.corked++; } };
    cork(mgr.engine.transport);
    mgr.engine.on('upgrade', cork);
  }
  const socks = { '/': main };
  const extra = C.nsps.concat(C.admin ? ['/admin'] : []);
  await Promise.all(extra.map((nsp) => {
    const s = nsp === '/admin' ? mgr.socket(nsp, { auth: { token: ADMIN_TOKEN } }) : mgr.socket(nsp);
    listen(s, cs);
    socks[nsp] = s;
    return once(s, 'connect', ['connect_error', 'error']);
  }));
  // refused namespace: CONNECT_ERROR (4.x) / ERROR (2.x)
  const priv = mgr.socket('/private');
  await once(priv, gen === 4 ? 'connect_error' : 'error');
  stats.refused++;
  if (gen === 2) priv.close();
  return {
    socks,
    async close() {
      const closed = once(mgr.engine, 'close');
      for (const nsp of Object.keys(socks)) if (nsp !== '/') socks[nsp].disconnect();
      main.disconnect();             // the last namespace: closes the Engine.IO session
      await closed;
      // 'close' fires before the last frames have left this process (corked
      // sockets flush at setImmediate): let them and the closing handshake go
      await sleep(500);
    }
  };
}

async function connect09(C, cs) {
  const io = mods.sio09Client();
  const main = io.connect(base, {
    'force new connection': true,
    transports: C.transports,
    reconnect: false,
    'try multiple transports': false,
    'connect timeout': 20000
  });
  listen(main, cs);
  await once(main, 'connect', ['connect_failed', 'error']);
  const socks = { '/': main };
  await Promise.all(C.nsps.map((nsp) => {
    const s = main.socket.of(nsp);
    listen(s, cs);
    socks[nsp] = s;
    return once(s, 'connect', ['connect_failed', 'error']);
  }));
  const priv = main.socket.of('/private');   // refused: 7::/private:2
  await once(priv, 'connect_failed');
  stats.refused++;
  return {
    socks,
    async close() {
      const closed = once(main, 'disconnect');
      for (const nsp of Object.keys(socks)) if (nsp !== '/') socks[nsp].disconnect();
      // the 0.9 client drops its send buffer when it disconnects: let the
      // namespace DISCONNECTs leave first (xhr-polling POSTs them)
      await sleep(300);
      main.disconnect();
      await closed;
      await sleep(500);
    }
  };
}

// ---- one client ------------------------------------------------------------------------
async function runClient(idx, C) {
  const rng = mulberry32(hash(groupName) + idx * 1000003);
  const cs = { idx, recv: 0, nextS2c: 0, nextC2s: 0 };
  const conn = await timeoutPromise(gen === 0 ? connect09(C, cs) : connectModern(C, cs), 30000,
    `client ${idx} connect`);
  const nspNames = Object.keys(conn.socks).sort();

  for (let b = 0; b < bursts; b++) {
    const n = rng.int(G.n[0], G.n[1]);
    const pending = [];
    for (let i = 0; i < n; i++) {
      const h = conn.socks[rng.pick(nspNames)];
      const seq = cs.nextC2s++;
      if (gen === 0 && rng.chance(G.msgP)) {
        stats.messagesSent++;
        if (rng.chance(0.5)) h.send(seq + ' ' + JSON.stringify(eventArgs(rng, false)[0]));
        else h.json.send({ seq, data: eventArgs(rng, false)[0] });
        continue;
      }
      const name = rng.pick(EVENT_NAMES);
      const args = [seq, ...eventArgs(rng, gen !== 0 && rng.chance(G.binP))];
      stats.eventsSent++;
      if (rng.chance(G.ackP)) {
        stats.acksRequested++;
        pending.push(new Promise((resolve) => h.emit(name, ...args, (...r) => {
          stats.acksReceived++;
          if (r[0] !== seq) fail(`client ${idx}: ack for ${seq} carried ${JSON.stringify(r[0])}`);
          resolve();
        })));
      } else {
        h.emit(name, ...args);
      }
    }
    const m = rng.int(G.m[0], G.m[1]);
    const seed = rng.int(1, 0x7fffffff);
    cs.recv = 0;
    stats.eventsSent++;
    stats.acksRequested++;
    await timeoutPromise(new Promise((resolve) => conn.socks['/'].emit('burst end', { b, n, m, seed }, (r) => {
      stats.acksReceived++;
      if (!r || r.b !== b || r.m !== m) fail(`client ${idx}: burst end ack ${JSON.stringify(r)}`);
      if (cs.recv !== m) fail(`client ${idx} burst ${b}: got ${cs.recv} server events, want ${m}`);
      resolve();
    })), 60000, `client ${idx} burst ${b}`);
    await timeoutPromise(Promise.all(pending), 60000, `client ${idx} acks of burst ${b}`);
    stats.bursts++;
  }
  await timeoutPromise(conn.close(), 30000, `client ${idx} close`);
}

const t0 = Date.now();
Promise.all(G.clients.map((C, i) => runClient(i, C).catch((e) => fail(`client ${i}: ${e && e.stack || e}`))))
  .then(() => {
    stats.seconds = (Date.now() - t0) / 1000;
    process.send({ type: 'done', group: groupName, stats, errors }, () => process.exit(errors.length ? 1 : 0));
  });
process.on('disconnect', () => process.exit(1));

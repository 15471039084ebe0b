'use strict';
// Orchestrates the load scenario: one server process and one client process
// per group (plan.js), all groups at the same time. Collects the servers'
// wire counts (ground truth) and the clients' own tallies, cross-checks them,
// and writes <counts.json>.
//
// usage: node run.js <scale> <counts.json> [decodes-tcp-ports.txt] [group,group...]
//   decodes-tcp-ports.txt: the tcp.port values of `tshark -G decodes`, one per
//   line; client ports found there are counted as collisions.

const fs = require('fs');
const path = require('path');
const { fork } = require('child_process');
const { GROUPS, burstsFor } = require('./plan');
const { SIO_TYPES, SIO09_TYPES } = require('./counters');

const [scaleArg, countsPath, decodesPath, only] = process.argv.slice(2);
const scale = Number(scaleArg);
if (!(scale > 0) || !countsPath) {
  console.error('usage: node run.js <scale> <counts.json> [decodes-tcp-ports.txt] [groups]');
  process.exit(2);
}
const names = only ? only.split(',') : Object.keys(GROUPS);
for (const n of names) if (!GROUPS[n]) { console.error('unknown group ' + n); process.exit(2); }

const GEN_LABEL = { 0: 'socket.io 0.9', 2: 'socket.io 2.x', 4: 'socket.io 4.x' };
const VERSIONS = {
  0: 'socket.io 0.9.19 server, socket.io-client 0.9.17',
  2: 'socket.io 2.5.1 server (engine.io 3.6.2, EIO3), socket.io-client 2.5.0',
  4: 'socket.io 4.8.4 server (engine.io 6.6.12, EIO4), socket.io-client 4.8.4'
};
const log = (...a) => console.error('[run]', ...a);
const t0 = Date.now();
let failed = false;
const problems = [];
function problem(msg) { failed = true; problems.push(msg); log('FAIL:', msg); }

// bounded: a stuck run is stopped (the bash driver has its own timeout too)
const limitMs = (60 + 240 * scale) * 1000;
const watchdog = setTimeout(() => {
  problem(`scenario did not finish within ${limitMs / 1000} s`);
  for (const c of children) c.kill('SIGKILL');
  process.exit(1);
}, limitMs);

const children = [];
function start(script, args) {
  const c = fork(path.join(__dirname, script), args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.push(c);
  return c;
}
const message = (child, type) => new Promise((resolve, reject) => {
  child.on('message', (m) => { if (m && m.type === type) resolve(m); });
  child.on('exit', (code) => reject(new Error(`${child.spawnargs.slice(-2).join(' ')} exited (${code}) before '${type}'`)));
});

async function runGroup(name) {
  const srv = start('server.js', [name]);
  const counts = message(srv, 'counts');
  counts.catch(() => {});
  await message(srv, 'listening');
  return async function clients() {
    const g0 = Date.now();
    const cli = start('client.js', [name, String(scale)]);
    let done;
    try {
      done = await message(cli, 'done');
    } catch (e) {
      problem(`${name}: ${e.message}`);
      done = { stats: {}, errors: [] };
    }
    await new Promise((r) => setTimeout(r, 1000));   // closing handshakes, last polls
    srv.send({ cmd: 'finish' });
    const c = await counts;
    return { name, client: done, server: c, seconds: (Date.now() - g0) / 1000 };
  };
}

function sum(o) { return Object.values(o || {}).reduce((a, b) => a + b, 0); }

function summarize(r) {
  const G = GROUPS[r.name];
  const byT = r.server.counts;
  const out = {
    generation: GEN_LABEL[G.gen], versions: VERSIONS[G.gen], port: G.port,
    clients: G.clients.length, bursts_per_client: burstsFor(G, scale),
    client_transports: G.clients.map((c) => c.transports.join('+')),
    seconds: r.seconds,
    socketio_packets: 0, by_transport: {}, wire: byT,
    client_stats: r.client.stats, server_stats: r.server.stats,
    not_on_wire: r.server.notOnWire, tcp_connections: r.server.clientPorts.length
  };
  for (const [t, d] of Object.entries(byT)) {
    const n = sum(d.c2s.sio) + sum(d.s2c.sio);
    out.by_transport[t] = {
      socketio_packets: n, c2s: sum(d.c2s.sio), s2c: sum(d.s2c.sio),
      engineio_packets: G.gen ? sum(d.c2s.eio) + sum(d.s2c.eio) : undefined,
      binary_attachments: G.gen ? d.c2s.attachments + d.s2c.attachments : undefined
    };
    out.socketio_packets += n;
  }
  // cross-check the wire counts against what the applications did
  const tot = (dir, types) => Object.values(byT).reduce((a, d) => a + types.reduce((x, k) => x + (d[dir].sio[k] || 0), 0), 0);
  const cs = r.client.stats || {};
  const checks = G.gen === 0 ? [
    ['c2s events', tot('c2s', ['event']), cs.eventsSent],
    ['c2s messages', tot('c2s', ['message', 'json']), cs.messagesSent],
    ['c2s acks', tot('c2s', ['ack']), cs.acksSent],
    ['s2c events', tot('s2c', ['event']), cs.eventsReceived],
    ['s2c messages', tot('s2c', ['message', 'json']), cs.messagesReceived],
    ['s2c acks', tot('s2c', ['ack']), cs.acksReceived]
  ] : [
    ['c2s events', tot('c2s', ['EVENT', 'BINARY_EVENT']), cs.eventsSent],
    ['c2s acks', tot('c2s', ['ACK', 'BINARY_ACK']), cs.acksSent],
    ['s2c events', tot('s2c', ['EVENT', 'BINARY_EVENT']), cs.eventsReceived],
    ['s2c acks', tot('s2c', ['ACK', 'BINARY_ACK']), cs.acksReceived]
  ];
  out.checks = {};
  for (const [what, wire, app] of checks) {
    out.checks[what] = { wire, app, ok: wire === app };
    if (wire !== app) problem(`${r.name}: ${what}: wire ${wire}, application ${app}`);
  }
  for (const e of (r.client.errors || [])) problem(`${r.name} client: ${e}`);
  for (const e of (r.server.errors || [])) problem(`${r.name} server: ${e}`);
  if (r.server.notOnWire) log(`${r.name}: ${r.server.notOnWire} packet(s) written to closed sockets (not counted)`);
  return out;
}

(async () => {
  let results;
  try {
    const starters = await Promise.all(names.map(runGroup));
    log(`${names.length} servers listening; clients start (scale ${scale})`);
    results = await Promise.all(starters.map((f) => f()));
  } catch (e) {
    problem(e.stack || String(e));
    for (const c of children) c.kill('SIGKILL');
    process.exit(1);
  }
  clearTimeout(watchdog);

  const groups = {};
  // every Engine.IO packet (2.x/4.x) or 0.9 packet on a WebSocket is one
  // text or binary WebSocket message
  const totals = { socketio_packets: 0, by_generation: {}, by_generation_transport: {},
    websocket_data_messages: 0 };
  let ports = [];
  for (const r of results) {
    const s = groups[r.name] = summarize(r);
    totals.socketio_packets += s.socketio_packets;
    totals.by_generation[s.generation] = (totals.by_generation[s.generation] || 0) + s.socketio_packets;
    for (const [t, v] of Object.entries(s.by_transport)) {
      const k = `${s.generation} / ${t}`;
      totals.by_generation_transport[k] = (totals.by_generation_transport[k] || 0) + v.socketio_packets;
    }
    const ws = r.server.counts.websocket;
    if (ws) {
      const k = GROUPS[r.name].gen ? 'eio' : 'sio';
      totals.websocket_data_messages += sum(ws.c2s[k]) + sum(ws.s2c[k]);
    }
    ports = ports.concat(r.server.clientPorts);
  }
  const portInfo = { tcp_connections: ports.length, distinct_client_ports: new Set(ports).size };
  if (decodesPath) {
    const reg = new Set(fs.readFileSync(decodesPath, 'utf8').split('\n').filter(Boolean).map(Number));
    const hits = ports.filter((p) => reg.has(p));
    portInfo.registered_tcp_ports = reg.size;
    portInfo.colliding_connections = hits.length;
    portInfo.colliding_ports = [...new Set(hits)].sort((a, b) => a - b);
  }
  const doc = {
    scale, wall_seconds: (Date.now() - t0) / 1000,
    note: 'Counts from the servers\' wire hooks (ground truth). socketio_packets counts ' +
      'Socket.IO packets (a BINARY_EVENT/BINARY_ACK counts once; its attachments are in ' +
      'binary_attachments); for 0.9 every packet type, heartbeats and noops included. ' +
      'Engine.IO-only packets (open, ping, pong, upgrade, noop, close) are under wire.*.eio.',
    sio_types: { modern: SIO_TYPES, v09: SIO09_TYPES },
    totals, client_ports: portInfo, groups, problems
  };
  fs.writeFileSync(countsPath, JSON.stringify(doc, null, 1) + '\n');

  for (const [k, v] of Object.entries(totals.by_generation_transport)) log(`${k}: ${v}`);
  log(`total Socket.IO packets: ${totals.socketio_packets} in ${doc.wall_seconds.toFixed(1)} s`);
  process.exit(failed ? 1 : 0);
})();

'use strict';
// Deterministic data for the load scenario: a seeded PRNG, the event names,
// and pools of argument values (small / 1-4 kB / 20-50 kB, and Buffers).
// Client and server build the same pools from the same seed, so either side
// can pick a payload by drawing from its PRNG.

function mulberry32(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  next.int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));   // inclusive
  next.pick = (arr) => arr[Math.floor(next() * arr.length)];
  next.chance = (p) => next() < p;
  return next;
}

// 48 distinct event names: separators, case styles, spaces, non-ASCII.
// None is reserved by any of the three client/server generations
// (no connect/disconnect/error/message/ping/pong/...).
const EVENT_NAMES = [
  'chat message', 'chat:typing', 'chat:read', 'presence.update', 'presence.leave',
  'cursor move', 'doc:patch', 'doc:snapshot', 'order/created', 'order/cancelled',
  'trade', 'quote', 'tick', 'metrics', 'metrics:batch', 'log line', 'alert',
  'notification', 'user:profile', 'user:settings', 'room.join', 'room.leave',
  'room.list', 'game:state', 'game:move', 'game:score', 'telemetry',
  'sensor/reading', 'sensor/batch', 'upload:chunk', 'download:chunk', 'sync',
  'sync:delta', 'rpc call', 'rpc:result', 'search', 'search:results', 'feed.item',
  'feed.page', 'app-heartbeat', 'status', 'stats', 'sessionUpdate', 'ΔPatch',
  'сообщение', 'メッセージ', 'évènement', 'emoji 🎉'
];

const WORDS = ('lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod ' +
  'tempor incididunt ut labore et dolore magna aliqua socket packet frame ' +
  'namespace engine transport upgrade payload ack binary event').split(' ');
const UNICODE = ['héllo wörld', 'naïve café', 'Grüße', 'Привет мир', 'こんにちは',
  '你好，世界', 'مرحبا', '✓ ✗ ★', '😀 🎉 🚀', 'ß∂ƒ©˙∆'];

function sentence(rng, n) {
  const w = [];
  for (let i = 0; i < n; i++) w.push(rng.chance(0.05) ? rng.pick(UNICODE) : rng.pick(WORDS));
  return w.join(' ');
}

function record(rng, i) {
  return {
    id: i,
    user: 'user' + rng.int(1, 5000),
    ts: 1700000000000 + rng.int(0, 1e9),
    score: Math.round(rng() * 1e6) / 100,
    ok: rng.chance(0.5),
    tags: [rng.pick(WORDS), rng.pick(WORDS)],
    text: sentence(rng, rng.int(3, 12)),
    pos: { x: rng.int(-1000, 1000), y: rng.int(-1000, 1000), z: null }
  };
}

// small: roughly 10-400 bytes of JSON
function small(rng) {
  switch (rng.int(0, 7)) {
    case 0: return { user: 'user' + rng.int(1, 5000), text: sentence(rng, rng.int(1, 15)) };
    case 1: return [rng.int(-1e6, 1e6), rng() * 1000, rng.chance(0.5)];
    case 2: return sentence(rng, rng.int(1, 6));
    case 3: return { x: rng.int(0, 1920), y: rng.int(0, 1080), id: rng.int(1, 99) };
    case 4: return { id: rng.int(1, 1e9), nested: { a: { b: [1, 2, { c: null, d: [true, false] }] } } };
    case 5: return rng.pick(UNICODE) + ' ' + rng.int(0, 999);
    case 6: return record(rng, rng.int(0, 100));
    default: return rng.int(0, 1e9);
  }
}

// a value whose JSON is about `target` bytes
function sized(rng, target) {
  if (rng.chance(0.3)) {
    let s = '';
    while (s.length < target) s += sentence(rng, 20) + '. ';
    return { kind: 'text', body: s.slice(0, target) };
  }
  const items = [];
  let len = 30;
  while (len < target) {
    const r = record(rng, items.length);
    len += JSON.stringify(r).length + 1;
    items.push(r);
  }
  return { kind: 'records', count: items.length, items };
}

function buffer(rng, size) {
  const b = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) b[i] = (rng() * 256) | 0;
  return b;
}

// Pools, built once per process from a fixed seed.
function buildPools() {
  const rng = mulberry32(0x5eed);
  const pools = { small: [], medium: [], large: [], bin: [] };
  for (let i = 0; i < 512; i++) pools.small.push(small(rng));
  for (let i = 0; i < 96; i++) pools.medium.push(sized(rng, rng.int(1000, 4000)));
  for (let i = 0; i < 12; i++) pools.large.push(sized(rng, rng.int(20000, 50000)));
  for (let i = 0; i < 48; i++) {
    const r = rng();
    pools.bin.push(buffer(rng, r < 0.7 ? rng.int(8, 256) : r < 0.95 ? rng.int(1024, 8192) : rng.int(16384, 32768)));
  }
  return pools;
}

const POOLS = buildPools();

// The argument list of one event (after its sequence number):
// 85 % small, 14 % 1-4 kB, 1 % 20-50 kB; with `binary`, 1 or 2 Buffers.
function eventArgs(rng, binary) {
  const r = rng();
  const v = r < 0.85 ? rng.pick(POOLS.small) : r < 0.99 ? rng.pick(POOLS.medium) : rng.pick(POOLS.large);
  if (binary) {
    if (rng.chance(0.7)) return [{ name: 'blob', data: rng.pick(POOLS.bin) }];
    return [rng.pick(POOLS.bin), { meta: v, inner: { buf: rng.pick(POOLS.bin) } }];
  }
  switch (rng.int(0, 4)) {
    case 0: return [v];
    case 1: return [v, rng.int(0, 1e6)];
    case 2: return [{ data: v, at: rng.int(0, 1e9) }];
    case 3: return [v, rng.pick(POOLS.small), rng.chance(0.5)];
    default: return [v];
  }
}

// Arguments of an ack reply: mostly tiny, sometimes 1-4 kB or binary.
function ackArgs(rng, seq, binary) {
  const r = rng();
  if (binary && r < 0.1) return [seq, rng.pick(POOLS.bin)];
  if (r < 0.15) return [seq, rng.pick(POOLS.medium)];
  if (r < 0.3) return [seq, 'ok', rng.pick(POOLS.small)];
  return [seq, 'ok'];
}

module.exports = { mulberry32, EVENT_NAMES, POOLS, eventArgs, ackArgs };

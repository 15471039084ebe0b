'use strict';
// The plan of the m4_busy capture: rounds of bursts of small events in both
// directions, drawn from a seeded PRNG so that client and server build the
// same plan and each side can check every event it receives exactly.
//
// The PRNG (mulberry32) and the 48 event names are those of the large
// benchmark capture (captures/large/scenario/data.js); the argument values
// here are kept tiny so that hundreds of messages fit in one TCP segment.

const { mulberry32, EVENT_NAMES } = require('../large/scenario/data');

const SEED = 0xb005;
const ROUNDS = 6;
const BURST_MIN = 300;
const BURST_MAX = 600;
const BINARY_SHARE = 0.05;    // a small Buffer argument: BINARY_EVENT + 1 attachment frame
const ACK_SHARE = 0.03;       // the event asks for an ack
const NAMESPACES = ['/', '/busy'];

const WORDS = ['ok', 'hi', 'go', 'up', 'ping', 'tick', 'né', '✓', 'ab', 'zz'];

function tinyArg(rng) {
  switch (rng.int(0, 5)) {
    case 0: return rng.int(0, 99999);
    case 1: return rng.pick(WORDS);
    case 2: return { x: rng.int(0, 999), y: rng.int(0, 999) };
    case 3: return [rng.int(0, 9), rng.chance(0.5)];
    case 4: return null;
    default: return rng.pick(WORDS) + rng.int(0, 99);
  }
}

function smallBuffer(rng) {
  const b = Buffer.alloc(rng.int(3, 12));
  for (let i = 0; i < b.length; i++) b[i] = rng.int(0, 255);
  return b;
}

// one event of a burst: emitted as (name, seq, arg[, buffer][, ack callback])
function makeEvent(rng, seq) {
  const ev = {
    seq,
    nsp: rng.pick(NAMESPACES),
    name: rng.pick(EVENT_NAMES),
    arg: tinyArg(rng)
  };
  if (rng.chance(BINARY_SHARE)) ev.buf = smallBuffer(rng);
  if (rng.chance(ACK_SHARE)) ev.ack = true;
  return ev;
}

// the arguments of the ack reply to event `seq`: none, plain data, or a
// Buffer (BINARY_ACK)
function ackReply(seq) {
  switch (seq % 4) {
    case 0: return [];
    case 1: return [seq];
    case 2: return [seq, 'ok', { n: seq % 7 }];
    default: return [seq, Buffer.from([seq & 0xff, (seq >> 8) & 0xff, 0xac, 0x4b])];
  }
}

function buildPlan() {
  const rng = mulberry32(SEED);
  const rounds = [];
  let c2sSeq = 0;
  let s2cSeq = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const c2s = [];
    const s2c = [];
    const n = rng.int(BURST_MIN, BURST_MAX);
    for (let i = 0; i < n; i++) c2s.push(makeEvent(rng, c2sSeq++));
    const m = rng.int(BURST_MIN, BURST_MAX);
    for (let i = 0; i < m; i++) s2c.push(makeEvent(rng, s2cSeq++));
    rounds.push({ c2s, s2c });
  }
  return rounds;
}

// the arguments an event is emitted with (without the ack callback)
const argsOf = (ev) => (ev.buf ? [ev.seq, ev.arg, ev.buf] : [ev.seq, ev.arg]);

// a comparable form of received arguments (Buffers as byte arrays)
function norm(v) {
  return JSON.stringify(v, (k, x) => {
    if (x && x.type === 'Buffer' && Array.isArray(x.data)) return { bytes: x.data };
    if (x instanceof ArrayBuffer) return { bytes: Array.from(new Uint8Array(x)) };
    return x;
  });
}

module.exports = { ROUNDS, NAMESPACES, EVENT_NAMES, buildPlan, ackReply, argsOf, norm };

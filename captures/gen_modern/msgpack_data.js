'use strict';
// Data of the MessagePack scenario (m4_msgpack_ws, m4_msgpack_polling): the
// values of scenario_data.js, plus values that pick the different MessagePack
// encodings of notepack.io (the encoder of socket.io-msgpack-parser 3.x):
// fixint / uint 8-64, negative fixint / int 8-64, float 64, fixstr / str 8 /
// str 16, bin 8 / bin 16, fixmap / map 16, fixarray / array 16, nil, true,
// false, and notepack's own "undefined" (fixext 1, type 0).
//
// Not here: integer-valued numbers of 2^64 or more (1e21, 6.02e23 of
// scenario_data.js, or 1.5e300). notepack.io 2.2.0 writes every integer-valued
// number as an integer, and those as uint 64 with a wrapped high word (1e21
// arrives as 3875820019684212700, 1.5e300 as 0), so the peers would not agree
// on them; every integer below stays within 2^53, and only numbers with a
// fraction go out as float 64.
const S = require('./scenario_data');

const bytes = (n, f) => Array.from({ length: n }, (_, i) => f(i) & 0xff);

// a map of 17 keys (map 16) and an array of 20 elements (array 16)
const wideMap = {};
for (let i = 0; i < 17; i++) wideMap['k' + String(i).padStart(2, '0')] = i * i;
const wideArray = Array.from({ length: 20 }, (_, i) => (i % 2 ? -i : i));

module.exports = {
  unicode: S.unicode,
  longString: S.longString,           // 2000 characters: str 16
  adminToken: S.adminToken,

  // client -> server events on "/" without ack: [name, ...args]; binary
  // values are byte arrays here ({bin: [...]}) and Buffers on the wire
  clientEvents: [
    ['hello'],
    ['chat message', 'hello'],
    ['chat message', S.unicode],
    ['nested', S.clientEvents[3][1]],
    ['numbers', 42, 3.14159, -17, -0.5, 0],
    ['integers', 0, 127, 128, 255, 256, 65535, 65536, 4294967295, 4294967296,
      9007199254740991],
    ['negatives', -1, -32, -33, -128, -129, -32768, -32769, -2147483648, -2147483649,
      -9007199254740991],
    ['floats', 0.1, -2.5, 123456.789, 1.5e-300, 6.02e-23, -1e-7],
    ['flags', true, false, null],
    ['empty', {}, [], ''],
    ['long', S.longString],
    ['multi', 'a', 1, { b: 2 }, [3], null, 'quote " backslash \\ colon : tab \t newline \n end'],
    ['wide', wideMap, wideArray],
    ['maybe', undefined, null],
    ['binary', { bin: S.uploadBytes }, { name: 'f', data: { bin: S.fileBytes } },
      [{ bin: S.upload2A }, { bin: S.upload2B }]],
    ['big binary', { bin: bytes(300, (i) => i * 7) }]          // bin 16
  ],

  // server -> client events on "/" without ack, after "ready"
  serverEvents: [
    ['server ping'],
    ['server says', S.unicode],
    ['mixed', { nested: { deep: [1, { x: 'y' }] } }, [1, 2.5, -3], true, false, null, {}, []],
    ['long from server', S.longString],
    ['numbers from server', -42, 0.001, -9007199254740991, -1.5e-300, 4294967296],
    ['server binary', { bin: S.serverBinA }, { b: { bin: S.serverBinB }, n: 2 }]
  ],

  fileBytes: S.fileBytes,              // the binary ack of getfile (s2c)
  clientFileBytes: S.clientFileBytes   // the binary ack of "need file" (c2s)
};

// {bin: [...]} -> Buffer, recursively (the values really sent)
module.exports.toWire = function toWire(v) {
  if (Array.isArray(v)) return v.map(toWire);
  if (v && typeof v === 'object') {
    if (Array.isArray(v.bin) && Object.keys(v).length === 1) return Buffer.from(v.bin);
    const o = {};
    for (const k of Object.keys(v)) o[k] = toWire(v[k]);
    return o;
  }
  return v;
};

// where two texts of norm() differ: "got ... want ..." around the first difference
module.exports.diff = function diff(g, w) {
  let i = 0;
  while (i < g.length && g[i] === w[i]) i++;
  const at = Math.max(0, i - 80);
  return `at character ${i}: got ...${g.slice(at, i + 120)} want ...${w.slice(at, i + 120)}`;
};

// a received value -> comparable text (Buffers and ArrayBuffers as {bin: [...]},
// undefined as {undefined: true}, which JSON would otherwise drop or turn into null)
module.exports.norm = function norm(v) {
  const walk = (x) => {
    if (x === undefined) return { undefined: true };
    if (Buffer.isBuffer(x)) return { bin: Array.from(x) };
    if (x instanceof ArrayBuffer) return { bin: Array.from(new Uint8Array(x)) };
    if (Array.isArray(x)) return x.map(walk);
    if (x && typeof x === 'object') {
      const o = {};
      for (const k of Object.keys(x)) o[k] = walk(x[k]);
      return o;
    }
    return x;
  };
  return JSON.stringify(walk(v));
};

'use strict';
// socket.io-client 2.x / 4.x in node, running scenario_client.js.
//
// usage: node client.js <gen: 2|4> <mode: default|polling|websocket> <port> [deflate] [path=/p/]
//   path=/p/  the Manager's `path` option (server.js takes the same flag)

const S = require('./scenario_data');
const { runScenario } = require('./scenario_client');

const [gen, mode, portArg, ...flags] = process.argv.slice(2);
const port = Number(portArg);
if (!['2', '4'].includes(gen) || !['default', 'polling', 'websocket'].includes(mode) || !port) {
  console.error('usage: node client.js <2|4> <default|polling|websocket> <port> [deflate]');
  process.exit(2);
}
const io = gen === '2' ? require('sio2-client') : require('sio4-client').io;

const opts = {
  transports: mode === 'default' ? ['polling', 'websocket'] : [mode],
  reconnection: false
};
if (flags.includes('deflate')) opts.perMessageDeflate = { threshold: 0 };
const pathFlag = flags.find((f) => f.startsWith('path='));
if (pathFlag) opts.path = pathFlag.slice('path='.length);

const watchdog = setTimeout(() => {
  console.error('[client] FAIL: scenario did not finish within 25 s');
  process.exit(1);
}, 25000);

runScenario({
  io,
  base: 'http://127.0.0.1:' + port,
  opts,
  clientGen: gen,
  S,
  mkBin: (arr) => Buffer.from(arr),
  toBytes: (x) => {
    if (x && x.type === 'Buffer' && Array.isArray(x.data)) return x.data;
    if (x instanceof ArrayBuffer) return Array.from(new Uint8Array(x));
    return Array.from(new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
  },
  log: (...a) => console.log('[client]', ...a)
}).then((r) => {
  console.log('[client] scenario ok', JSON.stringify(r));
  clearTimeout(watchdog);
  // give the close handshake time to finish, then leave
  setTimeout(() => process.exit(0), 800);
}, (err) => {
  console.error('[client] FAIL:', err && err.stack || err);
  process.exit(1);
});

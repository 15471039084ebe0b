'use strict';
// Resolve the npm packages installed by the two existing generator projects
// (captures/gen and captures/gen_modern) without touching their package files.
const path = require('path');

const GEN = path.resolve(__dirname, '../../gen');
const GEN_MODERN = path.resolve(__dirname, '../../gen_modern');

function from(base, name) {
  return require(require.resolve(name, { paths: [base] }));
}

module.exports = {
  GEN,
  GEN_MODERN,
  // socket.io 0.9.19 server / socket.io-client 0.9.17
  sio09: () => from(GEN, 'socket.io'),
  sio09Lib: (rel) => require(path.join(path.dirname(require.resolve('socket.io', { paths: [GEN] })), 'lib', rel)),
  sio09Client: () => from(GEN, 'socket.io-client'),
  // socket.io 2.5.1 / socket.io-client 2.5.0
  sio2: () => from(GEN_MODERN, 'sio2'),
  sio2Client: () => from(GEN_MODERN, 'sio2-client'),
  // socket.io 4.8.4 / socket.io-client 4.8.4
  sio4: () => from(GEN_MODERN, 'sio4'),
  sio4Client: () => from(GEN_MODERN, 'sio4-client'),
  // engine.io internals (transport classes) of each server generation
  eio3Internals() {
    const base = require.resolve('sio2', { paths: [GEN_MODERN] });
    const eioMain = require.resolve('engine.io', { paths: [base] });
    const dir = path.dirname(eioMain);
    return {
      Transport: require(path.join(dir, 'transport.js')),
      Polling: require(path.join(dir, 'transports/polling.js')),
      WebSocket: require(path.join(dir, 'transports/websocket.js')),
      parser: require(require.resolve('engine.io-parser', { paths: [eioMain] }))
    };
  },
  eio4Internals() {
    const base = require.resolve('sio4', { paths: [GEN_MODERN] });
    const dir = path.dirname(require.resolve('engine.io', { paths: [base] }));
    return {
      Transport: require(path.join(dir, 'transport.js')).Transport,
      Polling: require(path.join(dir, 'transports/polling.js')).Polling,
      WebSocket: require(path.join(dir, 'transports/websocket.js')).WebSocket
    };
  }
};

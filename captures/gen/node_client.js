'use strict';
// Node runner for the socket.io-client 0.9 half of the scenario.
// usage: node node_client.js <transport> <port>
var io = require('socket.io-client');
var S = require('./scenario_data');
var runScenario = require('./scenario_client').runScenario;

var transport = process.argv[2];
var port = Number(process.argv[3]);
if (!transport || !port) {
  console.error('usage: node node_client.js <transport> <port>');
  process.exit(2);
}

runScenario(io, S, {
  base: 'http://127.0.0.1:' + port,
  transport: transport,
  log: function (m) { console.log('[client] ' + m); }
}, function (err) {
  if (err) {
    console.error('[client] FAIL: ' + err);
    process.exit(1);
  }
  console.log('[client] scenario complete');
  process.exit(0);
});

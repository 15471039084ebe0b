'use strict';
// Ground-truth recorder for socket.io 0.9 (server side).
//
// Hooks the socket.io 0.9.19 server at the points where packet strings are
// actually handed to a live socket (s2c) or decoded from received wire data
// (c2s), and records every Socket.IO packet string exactly, in the order the
// server saw/sent them. Must be installed before the server handles requests.

// socket.io must be loaded first: lib/manager.js reads the protocol version
// from the exports of the module that first requires it (module.parent).
var sio = require('socket.io');
var parser = sio.parser || require('socket.io/lib/parser');
var Manager = sio.Manager;
var HTTPPolling = require('socket.io/lib/transports/http-polling');
var wsVersions = [
  require('socket.io/lib/transports/websocket/default'),
  require('socket.io/lib/transports/websocket/hybi-07-12'),
  require('socket.io/lib/transports/websocket/hybi-16')
];

var records = [];
var origDecodePacket = parser.decodePacket;
var origDecodePayload = parser.decodePayload;

// Split a 0.x payload exactly like socket.io 0.9's decodePayload does
// (lengths count UTF-16 code units, i.e. JavaScript string length).
function splitPayload(data) {
  if (data === undefined || data === null) return [];
  if (data[0] !== '\ufffd') return [data];
  var out = [];
  for (var i = 1, length = ''; i < data.length; i++) {
    if (data[i] === '\ufffd') {
      out.push(data.substr(i + 1, Number(length)));
      i += Number(length) + 1;
      length = '';
    } else {
      length += data[i];
    }
  }
  return out;
}

function record(dir, raw) {
  records.push({ dir: dir, raw: raw, pkt: origDecodePacket(raw) });
}

// ---- c2s: everything the server decodes came off the wire -------------
var inPayload = 0;
parser.decodePayload = function (data) {
  splitPayload(data).forEach(function (raw) { record('c2s', raw); });
  inPayload++;
  try { return origDecodePayload.apply(this, arguments); }
  finally { inPayload--; }
};
parser.decodePacket = function (data) {
  // websocket transports call decodePacket directly for each frame
  if (!inPayload) record('c2s', data);
  return origDecodePacket.apply(this, arguments);
};

// ---- s2c: websocket frames (one packet per frame) ---------------------
function socketAlive(sock) {
  return !!(sock && !sock.destroyed && sock.writable);
}
wsVersions.forEach(function (WS) {
  var origWrite = WS.prototype.write;
  WS.prototype.write = function (data) {
    // same condition the transport uses before framing and writing;
    // default.js (hixie) may buffer, which it does not in our scenarios
    if (this.open && socketAlive(this.socket) && !this.buffer) record('s2c', data);
    return origWrite.apply(this, arguments);
  };
});

// ---- s2c: polling responses (payload of one or more packets) ----------
var origPollWrite = HTTPPolling.prototype.write;
HTTPPolling.prototype.write = function (data) {
  var res = this.response;
  if (res && !res.writableEnded && !res.headersSent && socketAlive(res.socket)) {
    splitPayload(data).forEach(function (raw) { record('s2c', raw); });
  }
  return origPollWrite.apply(this, arguments);
};

// ---- handshake body ---------------------------------------------------
var origHandshake = Manager.prototype.handleHandshake;
Manager.prototype.handleHandshake = function (data, req, res) {
  var origEnd = res.end;
  res.end = function (body) {
    if (res.statusCode === 200 && typeof body === 'string') {
      records.push({ dir: 's2c', handshake: body });
    }
    return origEnd.apply(this, arguments);
  };
  return origHandshake.apply(this, arguments);
};

exports.records = records;
exports.splitPayload = splitPayload;
exports.toJsonl = function () {
  return records.map(function (r) { return JSON.stringify(r); }).join('\n') + '\n';
};

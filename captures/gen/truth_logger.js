'use strict';
// Ground-truth recorder for socket.io 0.9 (server side).
//
// Hooks the socket.io 0.9.19 server at the points where packet strings are
// actually handed to a live socket (s2c) or decoded from received wire data
// (c2s), and records every Socket.IO packet string exactly, in the order the
// server saw/sent them. Must be installed before the server handles requests.
//
// Every line also carries "sid": the handshake session id of the transport
// that received/sent the packet (for the handshake line: the id it hands
// out). computeExpect() derives, from the server's point of view, which
// requests with an ack id were acked late or never, and which sessions ended
// by a heartbeat timeout; setExpect() appends that as a last
// {"expect": ...} line.
//
// A handshake the server refuses (authorization: 403 "handshake
// unauthorized", 500 "handshake error"; 403 "handshake bad origin") is
// logged as {"dir":"s2c","http_error":{"method","status","body"}}, with the
// status and body the server wrote; it has no sid.

// socket.io must be loaded first: lib/manager.js reads the protocol version
// from the exports of the module that first requires it (module.parent).
var sio = require('socket.io');
var parser = sio.parser || require('socket.io/lib/parser');
var Manager = sio.Manager;
var HTTPPolling = require('socket.io/lib/transports/http-polling');
var Transport = require('socket.io/lib/transport');
var wsVersions = [
  require('socket.io/lib/transports/websocket/default'),
  require('socket.io/lib/transports/websocket/hybi-07-12'),
  require('socket.io/lib/transports/websocket/hybi-16')
];

var records = [];
var ends = [];             // sessions that ended: {sid, reason, t}
var expect = null;
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

function nowMs() { return Number(process.hrtime.bigint()) / 1e6; }

// time of a record, kept out of the JSON line
function stamp(rec) {
  Object.defineProperty(rec, 't', { value: nowMs(), enumerable: false });
  return rec;
}

// c2s records get their sid from the transport that handles them: both the
// websocket frame handler and HTTPTransport#onData call the transport's
// onMessage right after decoding (synchronously)
var pendingSid = [];
function record(dir, raw, sid) {
  var rec = stamp({ dir: dir, raw: raw, pkt: origDecodePacket(raw) });
  if (sid !== undefined) rec.sid = sid;
  else pendingSid.push(rec);
  records.push(rec);
}
var origOnMessage = Transport.prototype.onMessage;
Transport.prototype.onMessage = function () {
  var id = this.id;
  pendingSid.forEach(function (rec) { rec.sid = id; });
  pendingSid = [];
  return origOnMessage.apply(this, arguments);
};

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
    if (this.open && socketAlive(this.socket) && !this.buffer) record('s2c', data, this.id);
    return origWrite.apply(this, arguments);
  };
});

// ---- s2c: polling responses (payload of one or more packets) ----------
var origPollWrite = HTTPPolling.prototype.write;
HTTPPolling.prototype.write = function (data) {
  var res = this.response, id = this.id;
  if (res && !res.writableEnded && !res.headersSent && socketAlive(res.socket)) {
    splitPayload(data).forEach(function (raw) { record('s2c', raw, id); });
  }
  return origPollWrite.apply(this, arguments);
};

// ---- handshake body ---------------------------------------------------
var origHandshake = Manager.prototype.handleHandshake;
Manager.prototype.handleHandshake = function (data, req, res) {
  var origEnd = res.end;
  res.end = function (body) {
    if (res.statusCode === 200 && typeof body === 'string') {
      records.push(stamp({ dir: 's2c', handshake: body, sid: body.split(':')[0] }));
    } else if (res.statusCode !== 200) {
      records.push(stamp({ dir: 's2c', http_error: { method: req.method, status: res.statusCode,
        body: body === undefined || body === null ? '' : String(body) } }));
    }
    return origEnd.apply(this, arguments);
  };
  return origHandshake.apply(this, arguments);
};

// ---- how sessions end ------------------------------------------------
var origClientDisconnect = Manager.prototype.onClientDisconnect;
Manager.prototype.onClientDisconnect = function (id, reason) {
  if (!ends.some(function (e) { return e.sid === id; })) {
    ends.push({ sid: id, reason: reason, t: nowMs() });
  }
  return origClientDisconnect.apply(this, arguments);
};

// ---- expectations, from the server's point of view --------------------
// late: an ack that came (or went) lateMs or more after its request.
// nsp is the 0.x endpoint ('' for the main namespace), id a number.
function computeExpect(lateMs) {
  if (lateMs === undefined) lateMs = 500;
  var reqs = [], acks = {}, sids = {};
  records.forEach(function (r) {
    if (!r.sid) return;
    sids[r.sid] = true;
    var p = r.pkt;
    if (!p) return;
    if (p.type === 'ack') {
      var reqDir = r.dir === 'c2s' ? 's2c' : 'c2s';
      var k = [r.sid, reqDir, p.endpoint || '', Number(p.ackId)].join('|');
      if (!acks[k]) acks[k] = r;
    } else if (p.id) {
      reqs.push(r);
    }
  });
  var late = [], unanswered = [];
  reqs.forEach(function (r) {
    var p = r.pkt;
    var item = { sid: r.sid, dir: r.dir, nsp: p.endpoint || '', id: Number(p.id),
      event: p.type === 'event' ? p.name : null };
    if (p.type !== 'event') item.type = p.type;
    var a = acks[[r.sid, r.dir, item.nsp, item.id].join('|')];
    if (!a) unanswered.push(item);
    else if (a.t - r.t >= lateMs) {
      item.delay_ms = Math.round(a.t - r.t);
      late.push(item);
    }
  });
  var timedOut = [];
  ends.forEach(function (e) {
    if (e.reason !== 'heartbeat timeout') return;
    var last = null;
    records.forEach(function (r) {
      if (r.sid === e.sid && r.dir === 'c2s' && r.t <= e.t) last = r;
    });
    timedOut.push({ sid: e.sid, reason: e.reason,
      silent_ms: last ? Math.round(e.t - last.t) : null });
  });
  return {
    late_acks: late,
    unanswered: unanswered,
    timed_out_sessions: timedOut,
    sessions: Object.keys(sids).length,
    session_ends: ends.map(function (e) { return { sid: e.sid, reason: e.reason }; })
  };
}

exports.records = records;
exports.ends = ends;
exports.computeExpect = computeExpect;
exports.setExpect = function (e) { expect = e; };
exports.splitPayload = splitPayload;
exports.toJsonl = function () {
  var lines = records.map(function (r) { return JSON.stringify(r); });
  if (expect) lines.push(JSON.stringify({ expect: expect }));
  return lines.join('\n') + '\n';
};

'use strict';
// Ground-truth recorder for engine.io 3.x (socket.io 2.x) and engine.io 6.x
// (socket.io 4.x) servers.
//
// Engine.IO level: hooks the server's transports where packets really meet the
// wire:
//   s2c  Transport#send(packets)  (polling: the one HTTP response body; a
//        close packet that Polling#send appends itself is included;
//        websocket: one frame per packet). Logged only while the HTTP
//        response / the WebSocket is still open.
//   c2s  Polling#onData(payload)  (POST body; JSONP form already unwrapped)
//        and Transport#onData(frame) (websocket), decoded here with the
//        transport's own engine.io parser.
// This sees the handshake "open" packet, the probe ping/pong, upgrade and
// noop packets too (they bypass the socket's packet/packetCreate events).
//
// Socket.IO level: every Engine.IO "message" packet (text or binary
// attachment) of a connection is fed, per direction, into a Decoder of the
// server's own socket.io-parser; each decoded packet is logged right after the
// Engine.IO line that completed it.
//
// Every line also carries "sid": the Engine.IO session id of the connection.
//
// Requests the server turns away (a POST with a session id it no longer
// knows, answered 400 "Session ID unknown") are logged too, when
// watchRejected(engine) is used: their Engine.IO packets get
// "rejected": {status, code, message} and are not fed to the Socket.IO
// decoder (the server never processed them).
//
// HTTP error replies (a request with an unknown sid answered 400 and
// {"code":1,"message":"Session ID unknown"}, ...) are logged as lines of
// their own when recordHttpErrors(engine) is used: {"dir":"s2c",
// "http_error":{"method","status","body","code","message"},"transport",
// "sid"}, with the status and body engine.io really wrote.
//
// Without a sioParser (installEio6(): a plain engine.io server, no
// Socket.IO) only the Engine.IO lines are written.
//
// With socket.io-msgpack-parser (installSio4({msgpack: true}), for a server
// created with that `parser`), every Engine.IO message is one MessagePack
// Socket.IO packet, decoded with that parser's own Decoder; its "sio" line
// also gets a "msgpack" member (the map's keys in wire order, the keys other
// than type/nsp/id/data, the keys whose value is notepack.io's undefined).
//
// computeExpect() derives, from the server's point of view, which Socket.IO
// requests with an ack id were acked late or never, and which sessions ended
// by a ping timeout; setExpect() appends that as a last {"expect": ...} line.
//
// Must be installed before the server handles any request.

const fs = require('fs');

function toJsonable(v) {
  if (Buffer.isBuffer(v)) return { base64: v.toString('base64') };
  if (v instanceof ArrayBuffer) return { base64: Buffer.from(v).toString('base64') };
  if (ArrayBuffer.isView(v)) {
    return { base64: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
  }
  if (Array.isArray(v)) return v.map(toJsonable);
  if (v && typeof v === 'object') {
    const o = {};
    for (const k of Object.keys(v)) o[k] = toJsonable(v[k]);
    return o;
  }
  return v;
}

// MessagePack (socket.io-msgpack-parser: one map per Socket.IO packet, its
// binary values inside): notepack.io decodes its own "undefined" extension
// (fixext 1, type 0) to undefined, which JSON would drop or turn into null;
// in "data" it is written as {"undefined": true}
function msgpackJsonable(v) {
  if (v === undefined) return { undefined: true };
  if (Buffer.isBuffer(v) || v instanceof ArrayBuffer || ArrayBuffer.isView(v)) return toJsonable(v);
  if (Array.isArray(v)) return v.map(msgpackJsonable);
  if (v && typeof v === 'object') {
    const o = {};
    for (const k of Object.keys(v)) o[k] = msgpackJsonable(v[k]);
    return o;
  }
  return v;
}

// the decoded map itself, beyond the sio view: every key in the order of the
// map on the wire, the keys other than type/nsp/id/data with their values
// ("extra", e.g. the client's "options"), and the keys whose value is
// notepack's "undefined" ("undefined"; sio leaves such an id or data out)
function msgpackMap(p) {
  const keys = Object.keys(p);
  const m = { keys };
  const extra = {};
  for (const k of keys) {
    if (!['type', 'nsp', 'id', 'data'].includes(k)) extra[k] = msgpackJsonable(p[k]);
  }
  if (Object.keys(extra).length) m.extra = extra;
  const undef = keys.filter((k) => p[k] === undefined);
  if (undef.length) m.undefined = undef;
  return m;
}

/**
 * opts:
 *   Transport, Polling, WebSocket : transport classes/constructors
 *   Socket                        : engine.io Socket class/constructor
 *   eio3Parser                    : engine.io-parser 2.x (engine.io 3 only;
 *                                   engine.io 6 transports carry .parser)
 *   sioParser                     : the server's socket.io-parser module
 *                                   (or socket.io-msgpack-parser)
 *   msgpack                       : sioParser is socket.io-msgpack-parser:
 *                                   "sio" lines get a "msgpack" member
 *                                   (msgpackMap) and undefined values in
 *                                   data become {"undefined": true}
 */
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

// time of a record, kept out of the JSON line
function stamp(rec) {
  Object.defineProperty(rec, 't', { value: nowMs(), enumerable: false });
  return rec;
}

function install(opts) {
  const records = [];
  const ends = [];           // engine sessions that closed: {sid, reason, t}
  let expect = null;
  const { sioParser } = opts;
  let nextConn = 0;

  function newState() {
    const st = { conn: nextConn++, dec: {}, sid: undefined };
    if (!sioParser) return st;            // plain Engine.IO: no Socket.IO layer
    for (const dir of ['c2s', 's2c']) {
      const d = new sioParser.Decoder();
      const slot = { decoder: d, header: null };
      d.on('decoded', (p) => {
        // socket.io-parser 4.x turns a reconstructed BINARY_EVENT/BINARY_ACK
        // into EVENT/ACK and drops "attachments"; keep the header's values
        const out = { type: slot.header ? slot.header.type : p.type, nsp: p.nsp };
        if (p.id !== undefined && p.id !== null && !Number.isNaN(p.id)) out.id = p.id;
        if (p.data !== undefined) out.data = opts.msgpack ? msgpackJsonable(p.data) : toJsonable(p.data);
        if (slot.header) out.attachments = slot.header.attachments;
        slot.header = null;
        const rec = { dir, sio: out };
        if (opts.msgpack) rec.msgpack = msgpackMap(p);
        rec.sid = st.sid;
        records.push(stamp(rec));
      });
      st.dec[dir] = slot;
    }
    return st;
  }

  function stateOf(transport) {
    if (!transport.__truthState) transport.__truthState = newState();
    return transport.__truthState;
  }

  function feedSio(transport, dir, data) {
    const slot = stateOf(transport).dec[dir];
    if (typeof data === 'string') {
      const m = /^([56])(\d+)-/.exec(data);
      slot.header = m ? { type: Number(m[1]), attachments: Number(m[2]) } : null;
    } else if (!Buffer.isBuffer(data)) {
      data = Buffer.from(data instanceof ArrayBuffer ? data : data.buffer);
    }
    try {
      slot.decoder.add(data);
    } catch (e) {
      records.push({ dir, sio_error: String(e && e.message || e), sid: stateOf(transport).sid });
    }
  }

  const isBinary = (d) => Buffer.isBuffer(d) || d instanceof ArrayBuffer || ArrayBuffer.isView(d);

  function logEio(transport, dir, packet) {
    const eio = { type: packet.type };
    if (packet.data !== undefined && packet.data !== null && typeof packet.data !== 'string' &&
        !isBinary(packet.data)) {
      // the encoders write String(data) (socket.io 2.x hands the handshake's
      // initial CONNECT packet over as the array ['0'])
      packet = { type: packet.type, data: String(packet.data) };
    }
    if (packet.data !== undefined && packet.data !== null) {
      eio.data = typeof packet.data === 'string' ? packet.data : toJsonable(packet.data);
    }
    records.push(stamp({ dir, eio, transport: transport.name, sid: stateOf(transport).sid }));
    if (sioParser && packet.type === 'message' && packet.data !== undefined &&
        packet.data !== null) {
      feedSio(transport, dir, packet.data);
    }
  }

  function parserOf(transport) {
    return transport.parser || opts.eio3Parser;
  }

  // ---- connection <-> transport association ----------------------------
  const SP = opts.Socket.prototype;
  const origSetTransport = SP.setTransport;
  SP.setTransport = function (transport) {
    if (!this.__truthState) this.__truthState = transport.__truthState || newState();
    this.__truthState.sid = this.id;
    transport.__truthState = this.__truthState;
    return origSetTransport.apply(this, arguments);
  };
  for (const name of ['maybeUpgrade', '_maybeUpgrade']) {
    if (typeof SP[name] !== 'function') continue;
    const orig = SP[name];
    SP[name] = function (transport) {
      if (!this.__truthState) this.__truthState = newState();
      this.__truthState.sid = this.id;
      transport.__truthState = this.__truthState;
      return orig.apply(this, arguments);
    };
  }

  const origOnClose = SP.onClose;
  SP.onClose = function (reason) {
    if (this.readyState !== 'closed') ends.push({ sid: this.id, reason, t: nowMs() });
    return origOnClose.apply(this, arguments);
  };

  // ---- c2s ---------------------------------------------------------------
  const TP = opts.Transport.prototype;
  const origOnData = TP.onData;
  TP.onData = function (data) {          // websocket frames
    const p = parserOf(this).decodePacket(data);
    logEio(this, 'c2s', p);
    return origOnData.apply(this, arguments);
  };

  const PP = opts.Polling.prototype;
  const origPollOnData = PP.onData;
  PP.onData = function (data) {          // polling POST bodies
    const parser = parserOf(this);
    const packets = [];
    if (this.protocol === 4) {
      packets.push(...parser.decodePayload(data));
    } else {
      parser.decodePayload(data, (p) => { packets.push(p); });
    }
    for (const p of packets) logEio(this, 'c2s', p);
    return origPollOnData.apply(this, arguments);
  };

  // ---- s2c ---------------------------------------------------------------
  const origPollSend = PP.send;
  PP.send = function (packets) {
    const res = this.res;
    const alive = res && !res.writableEnded && !res.destroyed &&
      res.socket && !res.socket.destroyed;
    if (alive) {
      const all = packets.slice();
      if (this.shouldClose) all.push({ type: 'close' }); // appended by send()
      for (const p of all) logEio(this, 's2c', p);
    } else {
      records.push({ note: 'polling send without a live response (not on the wire)',
        types: packets.map((p) => p.type) });
    }
    return origPollSend.apply(this, arguments);
  };

  const WP = opts.WebSocket.prototype;
  const origWsSend = WP.send;
  WP.send = function (packets) {
    if (this.socket && this.socket.readyState === 1) {
      for (const p of packets) logEio(this, 's2c', p);
    } else {
      records.push({ note: 'websocket send on a closed socket (not on the wire)',
        types: packets.map((p) => p.type) });
    }
    return origWsSend.apply(this, arguments);
  };

  // ---- c2s requests the server turned away -----------------------------
  // engine.io emits "connection_error" right before it answers 400/403; the
  // body of such a POST is on the wire but never reaches a session.
  function watchRejected(engine) {
    engine.on('connection_error', ({ req, code, message }) => {
      const q = req._query || {};
      if (req.method !== 'POST' || !q.sid) return;
      const chunks = [];
      req.on('data', (d) => chunks.push(d));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const protocol = q.EIO === '4' ? 4 : 3;
        const rejected = { status: req.res ? req.res.statusCode : undefined, code, message };
        const packets = [];
        if (protocol === 4) {
          packets.push(...opts.eio4Parser.decodePayload(body.toString('utf8')));
        } else {
          opts.eio3Parser.decodePayload(body.toString('utf8'), (p) => { packets.push(p); });
        }
        for (const p of packets) {
          const eio = { type: p.type };
          if (p.data !== undefined && p.data !== null) {
            eio.data = typeof p.data === 'string' ? p.data : toJsonable(p.data);
          }
          records.push(stamp({ dir: 'c2s', eio, transport: q.transport, sid: q.sid, rejected }));
        }
      });
    });
  }

  // ---- HTTP error replies ------------------------------------------------
  // engine.io emits "connection_error" right before abortRequest() writes
  // the status and the JSON body: both are taken from the response itself.
  // (A refused WebSocket upgrade has no ServerResponse and is not logged.)
  function recordHttpErrors(engine) {
    engine.on('connection_error', ({ req, code, message }) => {
      const res = req.res;
      if (!res) return;
      const q = req._query || {};
      const origEnd = res.end;
      res.end = function (body) {
        res.end = origEnd;
        const err = { method: req.method, status: res.statusCode,
          body: body === undefined || body === null ? '' : String(body), code, message };
        const rec = { dir: 's2c', http_error: err, transport: q.transport };
        if (q.sid) rec.sid = q.sid;
        records.push(stamp(rec));
        return origEnd.apply(this, arguments);
      };
    });
  }

  // ---- expectations, from the server's point of view --------------------
  // late: an ack that came (or went) lateMs or more after its request
  function computeExpect(lateMs = 500) {
    const reqs = new Map();
    const acks = new Map();
    const sids = new Set();
    for (const r of records) {
      if (r.note || r.rejected || r.http_error || !r.sid) continue;
      sids.add(r.sid);
      if (!r.sio || r.sio.id === undefined) continue;
      const p = r.sio;
      if (p.type === 2 || p.type === 5) {
        reqs.set([r.sid, r.dir, p.nsp, p.id].join('|'), r);
      } else if (p.type === 3 || p.type === 6) {
        // an ack travels the other way from its request
        const reqDir = r.dir === 'c2s' ? 's2c' : 'c2s';
        const k = [r.sid, reqDir, p.nsp, p.id].join('|');
        if (!acks.has(k)) acks.set(k, r);
      }
    }
    const late = [];
    const unanswered = [];
    for (const [k, r] of reqs) {
      const item = { sid: r.sid, dir: r.dir, nsp: r.sio.nsp, id: r.sio.id,
        event: Array.isArray(r.sio.data) ? r.sio.data[0] : null };
      const a = acks.get(k);
      if (!a) unanswered.push(item);
      else if (a.t - r.t >= lateMs) late.push({ ...item, delay_ms: Math.round(a.t - r.t) });
    }
    const timedOut = [];
    for (const e of ends) {
      if (e.reason !== 'ping timeout') continue;
      let last = null;
      for (const r of records) {
        if (r.sid === e.sid && r.dir === 'c2s' && !r.rejected && r.t <= e.t) last = r;
      }
      timedOut.push({ sid: e.sid, reason: e.reason,
        silent_ms: last ? Math.round(e.t - last.t) : null });
    }
    return {
      late_acks: late,
      unanswered,
      timed_out_sessions: timedOut,
      sessions: sids.size,
      session_ends: ends.map((e) => ({ sid: e.sid, reason: e.reason }))
    };
  }

  return {
    records,
    ends,
    watchRejected,
    recordHttpErrors,
    computeExpect,
    setExpect(e) { expect = e; },
    // append: add to an existing truth file (a second server process on the
    // same port, m4_stale_sid)
    write(path, { append = false } = {}) {
      const lines = records.filter((r) => !r.note).map((r) => JSON.stringify(r));
      if (expect) lines.push(JSON.stringify({ expect }));
      (append ? fs.appendFileSync : fs.writeFileSync)(path, lines.join('\n') + '\n');
    },
    notes() { return records.filter((r) => r.note || r.sio_error); }
  };
}

// Convenience loaders for the two server generations of this project.
exports.installSio2 = function () {
  const base = require.resolve('sio2');
  const req = (m) => require(require.resolve(m, { paths: [base] }));
  const eioMain = require.resolve('engine.io', { paths: [base] });
  const eioReq = (m) => require(require.resolve(m, { paths: [eioMain] }));
  const path = require('path');
  const eioDir = path.dirname(eioMain);
  return install({
    Transport: require(path.join(eioDir, 'transport.js')),
    Polling: require(path.join(eioDir, 'transports/polling.js')),
    WebSocket: require(path.join(eioDir, 'transports/websocket.js')),
    Socket: require(path.join(eioDir, 'socket.js')),
    eio3Parser: eioReq('engine.io-parser'),
    sioParser: req('socket.io-parser')
  });
};

// over.msgpack: the server uses socket.io-msgpack-parser (parser option);
// the truth is decoded with it instead of socket.io-parser
exports.installSio4 = function (over = {}) {
  const path = require('path');
  const base = require.resolve('sio4');
  const eioMain = require.resolve('engine.io', { paths: [base] });
  const eioDir = path.dirname(eioMain);   // .../engine.io/build
  return install({
    Transport: require(path.join(eioDir, 'transport.js')).Transport,
    Polling: require(path.join(eioDir, 'transports/polling.js')).Polling,
    WebSocket: require(path.join(eioDir, 'transports/websocket.js')).WebSocket,
    Socket: require(path.join(eioDir, 'socket.js')).Socket,
    eio4Parser: require(require.resolve('engine.io-parser', { paths: [eioMain] })),
    sioParser: over.msgpack ? require('socket.io-msgpack-parser')
      : require(require.resolve('socket.io-parser', { paths: [base] })),
    msgpack: !!over.msgpack
  });
};

// engine.io 6.x alone (no Socket.IO): the engine.io that sio4 depends on, so
// that the server created from engineIo() is the one hooked here.
function eio6Main() {
  return require.resolve('engine.io', { paths: [require.resolve('sio4')] });
}
exports.engineIo = () => require(eio6Main());
exports.engineIoVersion = () => JSON.parse(require('fs').readFileSync(
  require('path').join(eio6Main(), '..', '..', 'package.json'), 'utf8')).version;
exports.installEio6 = function () {
  const path = require('path');
  const eioMain = eio6Main();
  const eioDir = path.dirname(eioMain);
  return install({
    Transport: require(path.join(eioDir, 'transport.js')).Transport,
    Polling: require(path.join(eioDir, 'transports/polling.js')).Polling,
    WebSocket: require(path.join(eioDir, 'transports/websocket.js')).WebSocket,
    Socket: require(path.join(eioDir, 'socket.js')).Socket,
    eio4Parser: require(require.resolve('engine.io-parser', { paths: [eioMain] })),
    sioParser: null
  });
};

exports.toJsonable = toJsonable;

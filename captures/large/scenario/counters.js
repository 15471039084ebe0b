'use strict';
// Ground-truth packet counters, hooked into the servers where packets meet
// the wire (the same hook points as captures/gen_modern/truth_recorder.js and
// captures/gen/truth_logger.js, but counting instead of recording):
//
//   engine.io 3.x / 6.x (socket.io 2.x / 4.x)
//     s2c  Transport#send(packets), only while the HTTP response / the
//          WebSocket is open (plus the close packet Polling#send appends);
//     c2s  Polling#onData(body) and Transport#onData(frame), decoded again
//          with the transport's own engine.io parser.
//     Each Engine.IO "message" is a Socket.IO packet (text: its type is the
//     first character) or a binary attachment (counted apart).
//   socket.io 0.9
//     c2s  parser.decodePayload / parser.decodePacket (websocket frames);
//     s2c  the websocket transports' write() and HTTPPolling#write(), only to
//          a live socket / response; payloads are split on \ufffd<len>\ufffd.
//
// Counts are kept per transport name and direction.

const SIO_TYPES = ['CONNECT', 'DISCONNECT', 'EVENT', 'ACK', 'ERROR', 'BINARY_EVENT', 'BINARY_ACK'];
const SIO09_TYPES = ['disconnect', 'connect', 'heartbeat', 'message', 'json', 'event', 'ack',
  'error', 'noop'];

function newDir() { return { eio: {}, sio: {}, attachments: 0 }; }

function makeStore() {
  const byTransport = {};
  const dirOf = (transport, dir) => {
    let t = byTransport[transport];
    if (!t) t = byTransport[transport] = { c2s: newDir(), s2c: newDir() };
    return t[dir];
  };
  const inc = (o, k, n = 1) => { o[k] = (o[k] || 0) + n; };
  return { byTransport, dirOf, inc };
}

const isBinary = (d) => Buffer.isBuffer(d) || d instanceof ArrayBuffer || ArrayBuffer.isView(d);

function installEngineIo(opts) {
  const { Transport, Polling, WebSocket, eio3Parser } = opts;
  const store = makeStore();
  let notOnWire = 0;

  function count(transport, dir, packet) {
    const d = store.dirOf(transport.name, dir);
    store.inc(d.eio, packet.type);
    if (packet.type !== 'message') return;
    let data = packet.data;
    if (data === undefined || data === null) return;
    if (isBinary(data)) { d.attachments++; return; }
    if (typeof data !== 'string') data = String(data);   // 2.x: ['0'] in the handshake
    store.inc(d.sio, SIO_TYPES[data.charCodeAt(0) - 48] || 'UNKNOWN');
  }
  const parserOf = (t) => t.parser || eio3Parser;

  const TP = Transport.prototype;
  const origOnData = TP.onData;
  TP.onData = function (data) {          // websocket frames
    count(this, 'c2s', parserOf(this).decodePacket(data));
    return origOnData.apply(this, arguments);
  };

  const PP = Polling.prototype;
  const origPollOnData = PP.onData;
  PP.onData = function (data) {          // POST bodies
    const parser = parserOf(this);
    if (this.protocol === 4) {
      for (const p of parser.decodePayload(data)) count(this, 'c2s', p);
    } else {
      parser.decodePayload(data, (p) => { count(this, 'c2s', p); });
    }
    return origPollOnData.apply(this, arguments);
  };

  const origPollSend = PP.send;
  PP.send = function (packets) {
    const res = this.res;
    if (res && !res.writableEnded && !res.destroyed && res.socket && !res.socket.destroyed) {
      for (const p of packets) count(this, 's2c', p);
      if (this.shouldClose) count(this, 's2c', { type: 'close' });
    } else {
      notOnWire += packets.length;
    }
    return origPollSend.apply(this, arguments);
  };

  const WP = WebSocket.prototype;
  const origWsSend = WP.send;
  WP.send = function (packets) {
    if (this.socket && this.socket.readyState === 1) {
      for (const p of packets) count(this, 's2c', p);
    } else {
      notOnWire += packets.length;
    }
    return origWsSend.apply(this, arguments);
  };

  return { byTransport: store.byTransport, notOnWire: () => notOnWire };
}

function install09(mods, transportName) {   // one transport per 0.9 server
  const sio = mods.sio09();            // must be loaded before its lib files
  const parser = sio.parser || mods.sio09Lib('parser');
  const HTTPPolling = mods.sio09Lib('transports/http-polling');
  const wsVersions = ['default', 'hybi-07-12', 'hybi-16']
    .map((v) => mods.sio09Lib('transports/websocket/' + v));
  const store = makeStore();
  let notOnWire = 0;

  function split(data) {   // same framing as socket.io 0.9's decodePayload
    if (data === undefined || data === null) return [];
    if (data[0] !== '\ufffd') return [data];
    const out = [];
    for (let i = 1, length = ''; i < data.length; i++) {
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
  function count(transport, dir, raw) {
    const d = store.dirOf(transport, dir);
    store.inc(d.sio, SIO09_TYPES[String(raw).charCodeAt(0) - 48] || 'UNKNOWN');
  }

  const name = () => transportName;
  const origDecodePacket = parser.decodePacket;
  const origDecodePayload = parser.decodePayload;
  let inPayload = 0;
  parser.decodePayload = function (data) {
    for (const raw of split(data)) count(name(), 'c2s', raw);
    inPayload++;
    try { return origDecodePayload.apply(this, arguments); } finally { inPayload--; }
  };
  parser.decodePacket = function (data) {
    if (!inPayload) count(name(), 'c2s', data);
    return origDecodePacket.apply(this, arguments);
  };
  const alive = (s) => !!(s && !s.destroyed && s.writable);
  for (const WS of wsVersions) {
    const orig = WS.prototype.write;
    WS.prototype.write = function (data) {
      if (this.open && alive(this.socket) && !this.buffer) count(name(), 's2c', data);
      else notOnWire++;
      return orig.apply(this, arguments);
    };
  }
  const origPollWrite = HTTPPolling.prototype.write;
  HTTPPolling.prototype.write = function (data) {
    const res = this.response;
    if (res && !res.writableEnded && !res.headersSent && alive(res.socket)) {
      for (const raw of split(data)) count(name(), 's2c', raw);
    } else {
      notOnWire++;
    }
    return origPollWrite.apply(this, arguments);
  };
  return { sio, byTransport: store.byTransport, notOnWire: () => notOnWire };
}

module.exports = { installEngineIo, install09, SIO_TYPES, SIO09_TYPES };

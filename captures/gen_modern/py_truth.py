"""Ground-truth recorder for python-engineio 4.x / python-socketio 5.x
AsyncServer on aiohttp (Debian bookworm: python3-engineio 4.3.4,
python3-socketio 5.7.2).

Engine.IO level, where packets meet the wire:
  s2c polling    AsyncServer._ok(packets)   (handshake and GET response bodies)
  c2s polling    engineio.payload.Payload.decode(body)   (POST bodies)
  s2c websocket  async_drivers.aiohttp.WebSocket.send(frame)
  c2s websocket  async_drivers.aiohttp.WebSocket.wait() -> frame
Each packet is logged from its encoded form (what is on the wire), so the
probe ping/pong, upgrade and noop packets of the upgrade are included.

Socket.IO level: every Engine.IO message of a connection is fed, per
direction, into socketio.packet.Packet (with add_attachment for binary
attachments) and logged after the Engine.IO line that completed it.
Install before the server is created.
"""
import base64
import contextvars
import json
import urllib.parse

from engineio import asyncio_server as eio_server
from engineio import payload as eio_payload
from engineio.async_drivers import aiohttp as eio_aiohttp
from socketio import packet as sio_packet

EIO_TYPES = ['open', 'close', 'ping', 'pong', 'message', 'upgrade', 'noop']

records = []
_sid = contextvars.ContextVar('truth_sid', default=None)
_pending = {}     # (sid, dir) -> socketio Packet waiting for attachments


def _jsonable(v):
    if isinstance(v, (bytes, bytearray)):
        return {'base64': base64.b64encode(bytes(v)).decode('ascii')}
    if isinstance(v, list):
        return [_jsonable(x) for x in v]
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    return v


def _log_sio(sid, direction, pkt):
    out = {'type': pkt.packet_type, 'nsp': pkt.namespace or '/'}
    if pkt.id is not None:
        out['id'] = pkt.id
    if pkt.data is not None:
        out['data'] = _jsonable(pkt.data)
    if pkt.packet_type in (sio_packet.BINARY_EVENT, sio_packet.BINARY_ACK):
        out['attachments'] = pkt.attachment_count
    records.append({'dir': direction, 'sio': out})


def _feed_sio(sid, direction, data):
    key = (sid, direction)
    try:
        if isinstance(data, (bytes, bytearray)):
            pkt = _pending.get(key)
            if pkt is None:
                records.append({'dir': direction, 'sio_error': 'unexpected attachment'})
                return
            if pkt.add_attachment(bytes(data)):
                del _pending[key]
                _log_sio(sid, direction, pkt)
            return
        pkt = sio_packet.Packet(encoded_packet=data)
        if pkt.attachment_count > 0:
            _pending[key] = pkt
        else:
            _log_sio(sid, direction, pkt)
    except Exception as e:  # keep the server running; the verifier will complain
        records.append({'dir': direction, 'sio_error': repr(e)})


def log_encoded(sid, direction, transport, enc):
    """enc: one encoded Engine.IO packet (str, or bytes for a binary frame)."""
    if isinstance(enc, (bytes, bytearray)):
        ptype, data = 'message', bytes(enc)
    elif enc.startswith('b'):
        ptype, data = 'message', base64.b64decode(enc[1:])
    else:
        ptype, data = EIO_TYPES[int(enc[0])], (enc[1:] or None)
    eio = {'type': ptype}
    if data is not None:
        eio['data'] = data if isinstance(data, str) else _jsonable(data)
    records.append({'dir': direction, 'eio': eio, 'transport': transport})
    if ptype == 'open' and sid is None:
        sid = json.loads(data)['sid']
        _sid.set(sid)
    if ptype == 'message' and data is not None:
        _feed_sio(sid, direction, data)


# ---- request context: which session a request belongs to ---------------
_orig_handle_request = eio_server.AsyncServer.handle_request


async def _handle_request(self, *args, **kwargs):
    request = args[0] if args else None
    sid = None
    try:
        q = urllib.parse.parse_qs(request.query_string)
        sid = q.get('sid', [None])[0]
    except Exception:
        pass
    _sid.set(sid)
    return await _orig_handle_request(self, *args, **kwargs)


eio_server.AsyncServer.handle_request = _handle_request

# ---- s2c polling -----------------------------------------------------------
_orig_ok = eio_server.AsyncServer._ok


def _ok(self, packets=None, headers=None, jsonp_index=None):
    if packets is not None:
        for p in packets:
            log_encoded(_sid.get(), 's2c', 'polling', p.encode(b64=True))
    return _orig_ok(self, packets, headers, jsonp_index)


eio_server.AsyncServer._ok = _ok

# ---- c2s polling -----------------------------------------------------------
_orig_payload_decode = eio_payload.Payload.decode


def _payload_decode(self, encoded_payload):
    body = encoded_payload
    if body.startswith('d='):
        body = urllib.parse.parse_qs(body)['d'][0]
    if body:
        for enc in body.split('\x1e'):
            log_encoded(_sid.get(), 'c2s', 'polling', enc)
    return _orig_payload_decode(self, encoded_payload)


eio_payload.Payload.decode = _payload_decode

# ---- websocket -------------------------------------------------------------
WS = eio_aiohttp.WebSocket
_orig_ws_send = WS.send
_orig_ws_wait = WS.wait


def _ws_sid(ws):
    sock = getattr(ws.handler, '__self__', None)
    return getattr(sock, 'sid', None)


async def _ws_send(self, message):
    if self._sock is not None and not self._sock.closed:
        log_encoded(_ws_sid(self), 's2c', 'websocket', message)
    return await _orig_ws_send(self, message)


async def _ws_wait(self):
    data = await _orig_ws_wait(self)
    if isinstance(data, (str, bytes)) and data != '':
        log_encoded(_ws_sid(self), 'c2s', 'websocket', data)
    return data


WS.send = _ws_send
WS.wait = _ws_wait
eio_aiohttp._async['websocket'] = WS


def write(path):
    with open(path, 'w', encoding='utf-8') as fh:
        for r in records:
            if 'sio_error' in r:
                continue
            fh.write(json.dumps(r, ensure_ascii=False, separators=(',', ':')) + '\n')


def problems():
    return [r for r in records if 'sio_error' in r] + \
        [{'pending': list(k)} for k in _pending]

"""Ground-truth recorder for python-engineio 4.x / python-socketio 5.x
servers (Debian bookworm: python3-engineio 4.3.4, python3-socketio 5.7.2):
the AsyncServer on aiohttp, and the WSGI Server on gevent with
gevent-websocket (which Flask-SocketIO uses with async_mode='gevent').

Import this module, then call install('aiohttp') or install('gevent') before
the server is created.

Engine.IO level, where packets meet the wire:
  s2c polling    Server._ok(packets)   (handshake and GET response bodies;
                 AsyncServer inherits it)
  c2s polling    engineio.payload.Payload.decode(body)   (POST bodies)
  s2c websocket  the driver's WebSocket.send(frame)
  c2s websocket  the driver's WebSocket.wait() -> frame
                 (async_drivers.aiohttp.WebSocket, async_drivers.gevent.WebSocketWSGI)
Each packet is logged from its encoded form (what is on the wire), so the
probe ping/pong, upgrade and noop packets of the upgrade are included.

HTTP errors: every response to an Engine.IO request with a status >= 400 is
logged as {"dir":"s2c","http_error":{"method":..,"status":..,"body":".."},
"transport":..}
where the server hands the response to its HTTP layer (aiohttp:
RequestHandler.finish_response, which also sends the 500 that aiohttp makes
from an exception in the handler; WSGI: the start_response/body of
Server.handle_request). The Engine.IO packets of a POST so refused never
reach a session: the server's request body is decoded with engineio's
Payload and logged with "rejected": {"status": ..} (not as Socket.IO).

Socket.IO level: every Engine.IO message of a connection is fed, per
direction, into socketio.packet.Packet (with add_attachment for binary
attachments) and logged after the Engine.IO line that completed it.

With STAMP_SID = True every line also carries "sid": the Engine.IO session
id (as in m4_sessions.truth.jsonl), for captures with several sessions.

MessagePack (install(driver, serializer='msgpack'), for a server created with
serializer='msgpack'): every Engine.IO message is one whole Socket.IO packet,
a MessagePack map, decoded with the library's own
socketio.msgpack_packet.MsgPackPacket; its "sio" line also gets a "msgpack"
member from the map itself (msgpack.loads, which MsgPackPacket.decode calls):
{"keys": [the map's keys in wire order], "extra": {keys other than
type/nsp/id/data: value}, "undefined": [keys whose value is the "undefined"
extension, fixext type 0]} ("extra" and "undefined" only when not empty).
"data" is in the sio view whenever the map has the key (nil as null).
"""
import base64
import contextvars
import json
import urllib.parse

from engineio import asyncio_server as eio_async_server
from engineio import payload as eio_payload
from engineio import server as eio_server
from socketio import packet as sio_packet

EIO_TYPES = ['open', 'close', 'ping', 'pong', 'message', 'upgrade', 'noop']

STAMP_SID = False
SERIALIZER = 'default'   # or 'msgpack' (install())
records = []
_sid = contextvars.ContextVar('truth_sid', default=None)
_pending = {}     # (sid, dir) -> socketio Packet waiting for attachments


def _jsonable(v):
    if isinstance(v, (bytes, bytearray)):
        return {'base64': base64.b64encode(bytes(v)).decode('ascii')}
    if SERIALIZER == 'msgpack':
        import msgpack
        if isinstance(v, msgpack.ExtType) and v.code == 0:
            return {'undefined': True}      # notepack.io's undefined (as truth_recorder.js)
    if isinstance(v, list):
        return [_jsonable(x) for x in v]
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    return v


def _record(rec, sid):
    if STAMP_SID:
        rec['sid'] = sid
    records.append(rec)


def _log_sio(sid, direction, pkt):
    out = {'type': pkt.packet_type, 'nsp': pkt.namespace or '/'}
    if pkt.id is not None:
        out['id'] = pkt.id
    if pkt.data is not None:
        out['data'] = _jsonable(pkt.data)
    if pkt.packet_type in (sio_packet.BINARY_EVENT, sio_packet.BINARY_ACK):
        out['attachments'] = pkt.attachment_count
    _record({'dir': direction, 'sio': out}, sid)


def _log_msgpack(sid, direction, data):
    import msgpack
    from socketio import msgpack_packet
    pkt = msgpack_packet.MsgPackPacket(encoded_packet=data)
    m = msgpack.loads(data)
    undef = [k for k, v in m.items() if isinstance(v, msgpack.ExtType) and v.code == 0]
    out = {'type': pkt.packet_type, 'nsp': pkt.namespace}
    if pkt.id is not None and 'id' not in undef:
        out['id'] = pkt.id
    if 'data' in m and 'data' not in undef:
        out['data'] = _jsonable(pkt.data)
    info = {'keys': list(m)}
    extra = {k: _jsonable(v) for k, v in m.items() if k not in ('type', 'nsp', 'id', 'data')}
    if extra:
        info['extra'] = extra
    if undef:
        info['undefined'] = undef
    _record({'dir': direction, 'sio': out, 'msgpack': info}, sid)


def _feed_sio(sid, direction, data):
    key = (sid, direction)
    if SERIALIZER == 'msgpack':
        try:
            _log_msgpack(sid, direction, bytes(data) if isinstance(data, bytearray) else data)
        except Exception as e:
            records.append({'dir': direction, 'sio_error': repr(e)})
        return
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


def _split_encoded(enc):
    """one encoded Engine.IO packet (str, or bytes for a binary frame)
    -> (type name, data or None)"""
    if isinstance(enc, (bytes, bytearray)):
        return 'message', bytes(enc)
    if enc.startswith('b'):
        return 'message', base64.b64decode(enc[1:])
    return EIO_TYPES[int(enc[0])], (enc[1:] or None)


def _eio_obj(ptype, data):
    eio = {'type': ptype}
    if data is not None:
        eio['data'] = data if isinstance(data, str) else _jsonable(data)
    return eio


def log_encoded(sid, direction, transport, enc):
    """enc: one encoded Engine.IO packet (str, or bytes for a binary frame)."""
    ptype, data = _split_encoded(enc)
    if ptype == 'open' and sid is None:
        sid = json.loads(data)['sid']
        _sid.set(sid)
    _record({'dir': direction, 'eio': _eio_obj(ptype, data), 'transport': transport}, sid)
    if ptype == 'message' and data is not None:
        _feed_sio(sid, direction, data)


def _query(qs):
    try:
        return urllib.parse.parse_qs(qs or '')
    except Exception:
        return {}


def log_http_error(sid, transport, status, body, method, request_body):
    """A response with status >= 400 to an Engine.IO request, and the
    packets of a POST that it refused (request_body: str or None)."""
    if isinstance(body, (bytes, bytearray)):
        body = bytes(body).decode('utf-8', 'replace')
    if method == 'POST' and request_body:
        for enc in request_body.split('\x1e'):
            ptype, data = _split_encoded(enc)
            _record({'dir': 'c2s', 'eio': _eio_obj(ptype, data), 'transport': transport,
                     'rejected': {'status': status}}, sid)
    _record({'dir': 's2c', 'http_error': {'method': method, 'status': status, 'body': body},
             'transport': transport}, sid)


# ---- request context: which session a request belongs to ---------------
_orig_async_handle_request = eio_async_server.AsyncServer.handle_request


async def _async_handle_request(self, *args, **kwargs):
    request = args[0] if args else None
    _sid.set(_query(getattr(request, 'query_string', '')).get('sid', [None])[0])
    return await _orig_async_handle_request(self, *args, **kwargs)


eio_async_server.AsyncServer.handle_request = _async_handle_request

_orig_handle_request = eio_server.Server.handle_request


def _handle_request(self, environ, start_response):
    q = _query(environ.get('QUERY_STRING'))
    sid = q.get('sid', [None])[0]
    _sid.set(sid)
    status = []

    def _start_response(st, headers, *a):
        status.append(int(st.split()[0]))
        return start_response(st, headers, *a)
    body = _orig_handle_request(self, environ, _start_response)
    if status and status[0] >= 400:
        body = b''.join(body)
        method = environ.get('REQUEST_METHOD')
        req = None
        if method == 'POST':
            try:
                n = int(environ.get('CONTENT_LENGTH') or 0)
                req = environ['wsgi.input'].read(n).decode('utf-8')
            except Exception as e:
                records.append({'dir': 'c2s', 'sio_error': 'refused POST body: %r' % (e,)})
        log_http_error(sid, q.get('transport', ['polling'])[0], status[0], body, method, req)
        body = [body]
    return body


eio_server.Server.handle_request = _handle_request

# ---- s2c polling -----------------------------------------------------------
_orig_ok = eio_server.Server._ok


def _ok(self, packets=None, headers=None, jsonp_index=None):
    if packets is not None:
        for p in packets:
            log_encoded(_sid.get(), 's2c', 'polling', p.encode(b64=True))
    return _orig_ok(self, packets, headers, jsonp_index)


eio_server.Server._ok = _ok       # AsyncServer inherits it

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


# ---- websocket and the HTTP layer, per driver -------------------------------
def _hook_websocket(WS, sid_of):
    orig_send, orig_wait = WS.send, WS.wait
    is_async = hasattr(orig_send, '__code__') and orig_send.__code__.co_flags & 0x80

    def log_send(self, message):
        sock = getattr(self, '_sock', None)
        if sock is not None and not getattr(sock, 'closed', False):
            log_encoded(sid_of(self), 's2c', 'websocket', message)

    def log_wait(self, data):
        if isinstance(data, (str, bytes, bytearray)) and data != '':
            log_encoded(sid_of(self), 'c2s', 'websocket', data)

    if is_async:
        async def send(self, message):
            log_send(self, message)
            return await orig_send(self, message)

        async def wait(self):
            data = await orig_wait(self)
            log_wait(self, data)
            return data
    else:
        def send(self, message):
            log_send(self, message)
            return orig_send(self, message)

        def wait(self):
            data = orig_wait(self)
            log_wait(self, data)
            return data
    WS.send, WS.wait = send, wait


def _install_aiohttp():
    from aiohttp import web_protocol
    from engineio.async_drivers import aiohttp as eio_aiohttp
    WS = eio_aiohttp.WebSocket
    # the socket object's bound _websocket_handler is the WebSocket's handler
    _hook_websocket(WS, lambda ws: getattr(getattr(ws.handler, '__self__', None), 'sid', None))
    eio_aiohttp._async['websocket'] = WS

    RH = web_protocol.RequestHandler
    orig_finish = RH.finish_response

    async def finish_response(self, request, resp, start_time):
        status = getattr(resp, 'status', 0)
        if status >= 400 and request.path.startswith('/socket.io'):
            q = _query(request.query_string)
            req = None
            if request.method == 'POST':
                try:
                    req = (await request.read()).decode('utf-8')
                except Exception as e:
                    records.append({'dir': 'c2s', 'sio_error': 'refused POST body: %r' % (e,)})
            log_http_error(q.get('sid', [None])[0], q.get('transport', ['polling'])[0],
                           status, resp.body or b'', request.method, req)
        return await orig_finish(self, request, resp, start_time)
    RH.finish_response = finish_response


def _install_gevent():
    from engineio.async_drivers import gevent as eio_gevent
    WS = eio_gevent.WebSocketWSGI
    # the socket object's bound _websocket_handler is the WebSocketWSGI's app
    _hook_websocket(WS, lambda ws: getattr(getattr(ws.app, '__self__', None), 'sid', None))
    eio_gevent._async['websocket'] = WS


def install(driver, serializer='default'):
    global SERIALIZER
    SERIALIZER = serializer
    {'aiohttp': _install_aiohttp, 'gevent': _install_gevent}[driver]()


def write(path):
    with open(path, 'w', encoding='utf-8') as fh:
        for r in records:
            if 'sio_error' in r:
                continue
            fh.write(json.dumps(r, ensure_ascii=False, separators=(',', ':')) + '\n')


def problems():
    return [r for r in records if 'sio_error' in r] + \
        [{'pending': list(k)} for k in _pending]

#!/usr/bin/env python3
"""Check a Socket.IO 2.x/3.x/4.x (Engine.IO 3/4) capture against its ground truth.

usage: verify_truth_modern.py [--path P] [--engine-io] [--msgpack] <capture.pcapng> <truth.jsonl> <server-port>
       verify_truth_modern.py --counts <truth.jsonl>...   (packet counts only)

  --path P      the Engine.IO request path (default /socket.io/), e.g.
                /realtime/ for a server with `path: '/realtime/'`, /engine.io/
                for a plain engine.io server; requests to other paths are
                listed as "other request" and not read
  --engine-io   plain Engine.IO (no Socket.IO): the messages are not decoded as
                Socket.IO, and the truth must have no "sio" lines
  --msgpack     MessagePack Socket.IO (socket.io-msgpack-parser, python-socketio's
                serializer='msgpack'): every Engine.IO message must be binary
                and is one whole Socket.IO packet, a MessagePack map decoded
                here (a strict decoder of its own, stdlib only): type, nsp, id
                (when present and not nil), data (when present; nil as null),
                binary values as {"base64": ...}, notepack.io's "undefined"
                (fixext 1, type 0) as {"undefined": true}; every "sio" line of
                the truth must carry "msgpack": {"keys": [the map's keys in
                wire order], "extra": {other keys: value}, "undefined": [keys
                with that value]}, and it is compared too; the MessagePack
                formats seen are listed per direction

Extracts every Engine.IO packet that is on the wire using only stock tshark
(PDML: raw bytes of http.file_data, websocket.payload.text and, for binary
WebSocket frames, the data dissector's data.data; all unmasked, and inflated
when permessage-deflate is on), then compares the multiset of
(direction, transport, Engine.IO type, data) with the truth file's "eio"
lines. It then decodes the Engine.IO message packets of each connection and
direction in wire order with a Socket.IO packet decoder (types, namespace, ack
id, binary attachment count, JSON data with placeholders replaced by the
attachments) and compares the multiset with the truth file's "sio" lines.

Session-aware checks (truth files whose every packet line has a "sid"):
  the multisets above are compared per Engine.IO session id; the wire's sid
  comes from the request's sid= parameter, the handshake's open packet, or
  (websocket without polling) the open packet sent over the WebSocket.
  Packets in a POST that the server refused (non-200 response) are compared
  with truth lines that carry "rejected": {"status": ...} and are not decoded
  as Socket.IO. A final {"expect": {...}} line is checked against the wire:
  "sessions" = number of session ids on the wire; every "late_acks" request
  and its ack are on the wire, delay_ms apart (+-250 ms, frame times); every
  "unanswered" request is on the wire and no ack for it is; a
  "timed_out_sessions" session has no Engine.IO close (in a request the
  server accepted or from the server) and no Socket.IO DISCONNECT on the wire.

HTTP error replies: when the truth has "http_error" lines
  ({"dir":"s2c","http_error":{"method","status","body",...},"sid"...}), the
  multiset of (sid, method, status, body) of every non-200 reply to an
  Engine.IO request on the wire must equal them ("method" is optional: when
  a line has none, the methods are left out of the comparison). A truth without such lines
  (written before they existed) only gets a note about the wire's errors.

Wire formats handled:
  polling, EIO=3  text payload   <len>:<packet>...   (len in UTF-16 code units)
                                 binary as  b<type><base64>
                  binary payload (application/octet-stream, XHR2):
                                 <0|1><len digits as bytes><0xFF><data>...
                                 (0 = UTF-8 string packet, 1 = binary packet
                                 whose first byte is the packet type)
                  JSONP          GET  ___eio[N]("<JSON string>");
                                 POST d=<urlencoded>, "\\\\n" unescaped like
                                 the server does
  polling, EIO=4  text payload   packets separated by \\x1e, binary as b<base64>
  websocket       one packet per frame; text: <type><data>; binary: EIO=3 a
                  leading type byte, EIO=4 the whole frame is a message
TLS captures (a ClientHello in the capture): no "Decode As" is given; stock
  tshark decrypts with the secrets embedded in the pcapng (editcap
  --inject-secrets) and follows ALPN, so HTTP/1.1 and the WebSocket after its
  upgrade are read as above, and HTTP/2 (ALPN h2) from tshark's http2 layer:
  the HEADERS (:method, :path, :status, content-type, content-encoding) and the
  DATA frames (http2.data.data) of each stream id, per direction, up to
  END_STREAM; a request is an Engine.IO one when its query has EIO= and
  transport=. An HTTP/2 body with content-encoding gzip/deflate is inflated
  here (zlib).
Python 3 stdlib only.
"""
import base64
import collections
import gzip
import json
import os
import re
import struct
import subprocess
import sys
import tempfile
import urllib.parse
import xml.etree.ElementTree as ET
import zlib

from truth_expect import check_acks

EIO_TYPES = ['open', 'close', 'ping', 'pong', 'message', 'upgrade', 'noop']
JSONP_BODY = re.compile(r'^___eio\[(\d*)\]\((.*)\);$', re.S)


class WireError(Exception):
    pass


# ------------------------------------------------------------ Engine.IO
def b64(data):
    return base64.b64encode(data).decode('ascii')


def packet_from_string(s, eio):
    """One Engine.IO packet in string form -> (type, data)."""
    if s == '':
        raise WireError('empty packet')
    if s[0] == 'b':
        if eio == 3:
            return EIO_TYPES[int(s[1])], ('b', b64(base64.b64decode(s[2:])))
        return 'message', ('b', b64(base64.b64decode(s[1:])))
    t = int(s[0])
    if t >= len(EIO_TYPES):
        raise WireError('bad packet type %r' % s[:10])
    return EIO_TYPES[t], (('s', s[1:]) if len(s) > 1 else None)


def packet_from_binary(data, eio):
    if eio == 3:
        return EIO_TYPES[data[0]], (('b', b64(data[1:])) if len(data) > 1 else None)
    return 'message', ('b', b64(data))


def split_eio3_text(data):
    """<len>:<packet>... with len counted in UTF-16 code units."""
    units = data.encode('utf-16-le', 'surrogatepass')
    n = len(units) // 2
    out = []
    i = 0
    while i < n:
        j = i
        while j < n and units[2 * j:2 * j + 2] != b':\x00':
            j += 1
        if j == n:
            raise WireError('EIO3 payload without ":" near unit %d' % i)
        length = units[2 * i:2 * j].decode('utf-16-le')
        if not length.isdigit():
            raise WireError('EIO3 payload bad length %r' % length)
        ln = int(length)
        start = j + 1
        if start + ln > n:
            raise WireError('EIO3 payload frame overruns data')
        out.append(units[2 * start:2 * (start + ln)].decode('utf-16-le', 'surrogatepass'))
        i = start + ln
    return out


def split_eio3_binary(data):
    """XHR2 binary payload -> list of str or bytes packets."""
    out = []
    i = 0
    while i < len(data):
        is_string = data[i] == 0
        if data[i] not in (0, 1):
            raise WireError('EIO3 binary payload: bad marker %d' % data[i])
        j = i + 1
        digits = ''
        while data[j] != 0xFF:
            if data[j] > 9:
                raise WireError('EIO3 binary payload: bad length digit')
            digits += str(data[j])
            j += 1
        ln = int(digits)
        chunk = data[j + 1:j + 1 + ln]
        if len(chunk) != ln:
            raise WireError('EIO3 binary payload frame overruns data')
        out.append(chunk.decode('utf-8') if is_string else chunk)
        i = j + 1 + ln
    return out


def decode_payload(body, ctype, eio, notes, label):
    """HTTP polling body -> list of (type, data)."""
    if ctype and ctype.startswith('application/octet-stream'):
        if eio != 3:
            raise WireError('binary polling body with EIO=4')
        notes['%s: XHR2 binary payload (0x00/0x01 + length digits + 0xFF)' % label] += 1
        out = []
        for item in split_eio3_binary(body):
            if isinstance(item, str):
                out.append(packet_from_string(item, 3))
            else:
                out.append(packet_from_binary(item, 3))
        return out
    text = body.decode('utf-8')
    if eio == 3:
        parts = split_eio3_text(text)
    else:
        parts = text.split('\x1e')
    if len(parts) > 1:
        notes['%s: payload with several packets' % label] += 1
    out = [packet_from_string(p, eio) for p in parts]
    if any(d and d[0] == 'b' for _, d in out):
        notes['%s: base64 binary packet (%s) in a text payload'
              % (label, 'b<type><base64>' if eio == 3 else 'b<base64>')] += 1
    return out


def jsonp_post_unwrap(body):
    form = urllib.parse.parse_qs(body.decode('utf-8'), keep_blank_values=True)
    data = form['d'][0]
    data = re.sub(r'(\\)?\\n', lambda m: m.group(0) if m.group(1) else '\n', data)
    return data.replace('\\\\n', '\\n').encode('utf-8')


# ------------------------------------------------------------ tshark
# Stock tshark: an empty HOME, so that no personal plugin (e.g. this project's
# own, which run.sh installs into ~/.local/lib/wireshark/plugins) and no
# personal preference is loaded
_STOCK_HOME = tempfile.TemporaryDirectory(prefix='verify-tshark-home-')
STOCK_ENV = dict(os.environ, HOME=_STOCK_HOME.name, XDG_CONFIG_HOME=_STOCK_HOME.name)


def run_tshark(pcap, port):
    cmd = ['tshark', '-n', '-r', pcap,
           '-d', 'tcp.port==%d,http' % port,
           '-o', 'tcp.desegment_tcp_streams:TRUE',
           '-o', 'http.desegment_headers:TRUE',
           '-o', 'http.desegment_body:TRUE',
           '-o', 'http.dechunk_body:TRUE',
           '-o', 'http.decompress_body:TRUE',
           # tshark 4.0 spends one protocol layer per WebSocket message and stops a
           # frame at gui.max_tree_depth (default 500: 494 messages, then "Dissector
           # bug ... saved_layers_len"); m4_busy has segments of more than 500
           '-o', 'gui.max_tree_depth:5000',
           '-T', 'pdml']
    if is_tls(pcap):
        # tshark finds TLS by itself, decrypts it with the embedded secrets and
        # follows ALPN; "Decode As" HTTP would hide the TLS layer
        i = cmd.index('-d')
        del cmd[i:i + 2]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=STOCK_ENV)
    if p.returncode != 0:
        sys.exit('tshark failed: ' + p.stderr.decode(errors='replace'))
    return p.stdout


def is_tls(pcap):
    """Whether the capture has a TLS ClientHello."""
    p = subprocess.run(['tshark', '-n', '-r', pcap, '-Y', 'tls.handshake.type == 1',
                        '-T', 'fields', '-e', 'frame.number'],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=STOCK_ENV)
    if p.returncode != 0:
        sys.exit('tshark failed: ' + p.stderr.decode(errors='replace'))
    return bool(p.stdout.strip())


def hexval(f):
    return bytes.fromhex(f.get('value') or '')


class W(tuple):
    """One Engine.IO packet on the wire."""
    __slots__ = ()
    frame = property(lambda s: s[0])
    sid = property(lambda s: s[1])
    dir = property(lambda s: s[2])
    transport = property(lambda s: s[3])
    type = property(lambda s: s[4])
    data = property(lambda s: s[5])


class Wire(list):
    """Wire packets; plus frame times and refused requests."""

    def __init__(self):
        super().__init__()
        self.times = {}        # frame -> epoch seconds
        self.rejected = {}     # index in the list -> HTTP status
        self.by_request = collections.defaultdict(list)   # request frame -> indexes
        self.http_errors = []  # (frame, sid, method, status, body) of non-200 replies

    def add(self, frame, sid, direction, transport, t, d, request_frame=None):
        if request_frame is not None:
            self.by_request[request_frame].append(len(self))
        self.append(W((frame, sid, direction, transport, t, d)))


def extract_wire(pcap, port, eio_path='/socket.io/'):
    """-> Wire of (frame, sid, dir, transport, type, data), notes."""
    root = ET.fromstring(run_tshark(pcap, port))
    wire = Wire()
    notes = collections.Counter()
    requests = {}          # frame -> dict(method, query, path)
    ws_streams = {}        # tcp.stream -> (eio, sid)
    h2_streams = {}        # HTTP/2 messages being read and requests seen (handle_h2)
    for pkt in root.iter('packet'):
        protos = pkt.findall('proto')
        top = {}
        for proto in protos:
            if proto.get('name') in ('frame', 'tcp'):
                for f in proto.iter('field'):
                    top.setdefault(f.get('name'), f.get('show'))
        frame = int(top['frame.number'])
        wire.times[frame] = float(top['frame.time_epoch'])
        stream = top.get('tcp.stream')
        direction = 'c2s' if int(top.get('tcp.dstport', 0)) == port else 's2c'
        for k, proto in enumerate(protos):
            name = proto.get('name')
            if name == 'http':
                handle_http(proto, frame, stream, direction, requests, ws_streams, wire, notes,
                            eio_path)
            elif name == 'websocket':
                handle_ws(protos, k, frame, stream, direction, ws_streams, wire, notes)
            elif name == 'http2':
                handle_h2(proto, frame, stream, direction, h2_streams, wire, notes)
            elif name == 'tls' and direction == 's2c':
                for f in proto.iter('field'):
                    if f.get('name') == 'tls.handshake.extensions_alpn_str':
                        notes['TLS connection, server ALPN %s (decrypted EncryptedExtensions)'
                              % f.get('show')] += 1
    return wire, notes


def handle_http(proto, frame, stream, direction, requests, ws_streams, wire, notes, eio_path):
    fields = collections.defaultdict(list)
    body = None
    for f in proto.iter('field'):
        n = f.get('name')
        if n == 'http.file_data':
            body = hexval(f)
        else:
            fields[n].append(f.get('show'))
    get = lambda n: fields[n][0] if fields[n] else None
    method = get('http.request.method')
    ctype = get('http.content_type')
    if method:
        uri = get('http.request.uri')
        u = urllib.parse.urlsplit(uri)
        query = dict(urllib.parse.parse_qsl(u.query, keep_blank_values=True))
        requests[frame] = dict(method=method, path=u.path, query=query)
        # (socket.io's own /socket.io/socket.io.min.js has no transport=)
        if not u.path.startswith(eio_path) or 'transport' not in query:
            notes['other request: %s %s' % (method, u.path)] += 1
            return
        eio = int(query.get('EIO', '3'))
        transport = query.get('transport')
        sid = query.get('sid')
        if transport == 'websocket':
            ws_streams[stream] = (eio, sid)
            ext = get('http.sec_websocket_extensions')
            notes['websocket upgrade request EIO=%d (extensions: %s)' % (eio, ext)] += 1
            return
        if method == 'POST':
            label = 'POST EIO=%d%s' % (eio, ' jsonp' if 'j' in query else '')
            notes['%s request content-type: %s' % (label, ctype)] += 1
            data = body or b''
            if 'j' in query:
                data = jsonp_post_unwrap(data)
                ctype = 'text/plain'
            for t, d in decode_payload(data, ctype, eio, notes, label):
                wire.add(frame, sid, direction, 'polling', t, d, request_frame=frame)
        return
    resp_uri = get('http.response_for.uri')
    if not resp_uri:
        return
    code = get('http.response.code')
    req_in = get('http.request_in')
    req = requests.get(int(req_in)) if req_in else None
    if req is None:
        raise WireError('frame %d: response without its request' % frame)
    if not req['path'].startswith(eio_path) or 'transport' not in req['query']:
        return
    query = req['query']
    eio = int(query.get('EIO', '3'))
    if query.get('transport') == 'websocket':
        notes['websocket upgrade response %s (extensions: %s)'
              % (code, get('http.sec_websocket_extensions'))] += 1
        return
    jsonp = 'j' in query
    label = '%s EIO=%d%s' % (req['method'], eio, ' jsonp' if jsonp else '')
    enc = get('http.content_encoding')
    if code != '200':
        notes['%s response %s' % (label, code)] += 1
        wire.http_errors.append((frame, query.get('sid'), req['method'], int(code),
                                 (body or b'').decode('utf-8', 'replace')))
        if req['method'] == 'POST':
            # the server refused the request: its packets never reached a session
            for i in wire.by_request.get(int(req_in), []):
                wire.rejected[i] = int(code)
            notes['%s refused (%s): its packets are not part of a session' % (label, code)] += 1
        return
    if req['method'] == 'POST':
        notes['%s response body %r content-type: %s' % (label, (body or b'').decode(), ctype)] += 1
        return
    notes['%s response content-type: %s%s' % (label, ctype,
                                               ', content-encoding: %s' % enc if enc else '')] += 1
    data = body or b''
    if jsonp:
        m = JSONP_BODY.match(data.decode('utf-8'))
        if not m:
            raise WireError('frame %d: bad JSONP body %r' % (frame, data[:80]))
        data = json.loads(m.group(2)).encode('utf-8')
        ctype = 'text/plain'
    sid = query.get('sid')
    packets = decode_payload(data, ctype, eio, notes, label)
    if sid is None:   # handshake: the open packet names the session
        for t, d in packets:
            if t == 'open':
                sid = json.loads(d[1])['sid']
                notes['handshake response (%s): %d packet(s)' % (label, len(packets))] += 1
    for t, d in packets:
        wire.add(frame, sid, direction, 'polling', t, d)


def handle_ws(protos, k, frame, stream, direction, ws_streams, wire, notes):
    proto = protos[k]
    opcode = text = None
    rsv = None
    masked = None
    for f in proto.iter('field'):
        n = f.get('name')
        if n == 'websocket.opcode':
            opcode = int(f.get('show'))
        elif n == 'websocket.payload.text':
            text = hexval(f).decode('utf-8')
        elif n == 'websocket.rsv':
            rsv = int(f.get('show'), 16)
        elif n == 'websocket.mask':
            masked = f.get('show') == '1'
    if stream not in ws_streams:
        raise WireError('frame %d: websocket frame on an unknown stream' % frame)
    eio, sid = ws_streams[stream]
    comp = ' compressed' if rsv and rsv & 4 else ''
    if opcode == 1:
        if text is None:
            raise WireError('frame %d: text frame without websocket.payload.text' % frame)
        notes['websocket %s text frames%s%s' % (direction, comp, ' masked' if masked else '')] += 1
        t, d = packet_from_string(text, eio)
        if d and d[0] == 'b':
            notes['websocket base64 binary packet in a text frame'] += 1
        if sid is None and t == 'open':
            # websocket without polling: the open packet names the session
            sid = json.loads(d[1])['sid']
            ws_streams[stream] = (eio, sid)
            notes['handshake over websocket (open packet in a text frame)'] += 1
        wire.add(frame, sid, direction, 'websocket', t, d)
    elif opcode == 2:
        data = None
        # the binary payload is handed to the data dissector: next protos
        for nxt in protos[k + 1:]:
            if nxt.get('name') == 'websocket':
                break
            for f in nxt.iter('field'):
                if f.get('name') == 'data.data':
                    data = hexval(f)
                    break
            if data is not None:
                break
        if data is None:
            raise WireError('frame %d: binary frame without data.data' % frame)
        lead = ' (leading type byte 0x%02x)' % data[0] if eio == 3 else ''
        notes['websocket %s binary frames%s%s' % (direction, comp, lead)] += 1
        t, d = packet_from_binary(data, eio)
        wire.add(frame, sid, direction, 'websocket', t, d)
    else:
        notes['websocket %s opcode %s frames' % (direction, opcode)] += 1


def handle_h2(proto, frame, stream, direction, h2_streams, wire, notes):
    """HTTP/2 frames of one packet (tshark's http2 layer, after TLS).

    Headers and DATA are collected per (TCP stream, HTTP/2 stream id,
    direction); a request or response is read when END_STREAM arrives. Its
    packets get the frame of its last non-empty DATA frame (or of END_STREAM).
    When tshark has reassembled a body of several DATA frames, the frame with
    END_STREAM carries the whole body (http2.body.reassembled.data, and its
    http2.data.data is that body too): it replaces what was collected.
    """
    for st in proto.iter('field'):
        if st.get('name') != 'http2.stream':
            continue
        h2id = ftype = hname = reassembled = None
        end = False
        headers, data = [], b''
        for f in st.iter('field'):
            n = f.get('name')
            if n == 'http2.streamid':
                h2id = int(f.get('show'))
            elif n == 'http2.type':
                ftype = int(f.get('show'))
            elif n == 'http2.flags.end_stream':
                end = f.get('show') == '1'
            elif n == 'http2.header.name':
                hname = f.get('show')
            elif n == 'http2.header.value':
                headers.append((hname, f.get('show')))
            elif n == 'http2.data.data':
                data += hexval(f)
            elif n == 'http2.body.reassembled.data':
                reassembled = hexval(f)
        if not h2id or ftype not in (0, 1, 9):     # DATA, HEADERS, CONTINUATION
            continue
        key = (stream, h2id)
        msg = h2_streams.setdefault(key + (direction,),
                                    dict(headers={}, body=b'', frame=None))
        for hn, hv in headers:
            msg['headers'][hn] = hv
        if ftype == 1 and direction == 'c2s' and ':path' in msg['headers']:
            h = msg['headers']
            u = urllib.parse.urlsplit(h[':path'])
            h2_streams[('request',) + key] = dict(
                method=h.get(':method'), path=u.path,
                query=dict(urllib.parse.parse_qsl(u.query, keep_blank_values=True)))
        if reassembled is not None:
            msg['body'] = reassembled
            msg['frame'] = msg['frame'] or frame
        elif data:
            msg['body'] += data
            msg['frame'] = frame
        if end:
            del h2_streams[key + (direction,)]
            h2_message(key, msg, msg['frame'] or frame, direction, h2_streams, wire, notes)


def h2_message(key, msg, frame, direction, h2_streams, wire, notes):
    """One complete HTTP/2 request or response (see handle_h2)."""
    req = h2_streams.get(('request',) + key)
    if req is None:
        raise WireError('frame %d: HTTP/2 stream %d without a request' % (frame, key[1]))
    query = req['query']
    if 'EIO' not in query or 'transport' not in query:
        if direction == 'c2s':
            notes['other request (HTTP/2): %s %s' % (req['method'], req['path'])] += 1
        return
    eio = int(query['EIO'])
    sid = query.get('sid')
    h = msg['headers']
    ctype = h.get('content-type')
    label = 'HTTP/2 %s EIO=%d' % (req['method'], eio)
    if query['transport'] != 'polling' or 'j' in query:
        raise WireError('frame %d: %s transport=%s%s is not read over HTTP/2'
                        % (frame, label, query['transport'], ' (JSONP)' if 'j' in query else ''))
    if direction == 'c2s':
        if req['method'] == 'POST':
            notes['%s request content-type: %s' % (label, ctype)] += 1
            for t, d in decode_payload(msg['body'], ctype, eio, notes, label):
                wire.add(frame, sid, direction, 'polling', t, d, request_frame=('h2',) + key)
        return
    code = h.get(':status')
    body = msg['body']
    enc = h.get('content-encoding')
    if enc == 'gzip':
        body = gzip.decompress(body)
    elif enc == 'deflate':
        try:
            body = zlib.decompress(body)
        except zlib.error:
            body = zlib.decompress(body, -zlib.MAX_WBITS)
    elif enc:
        raise WireError('frame %d: HTTP/2 body with content-encoding %s' % (frame, enc))
    if code != '200':
        notes['%s response %s' % (label, code)] += 1
        errs = getattr(wire, 'http_errors', None)
        if errs is not None:
            errs.append((frame, sid, req['method'], int(code), body.decode('utf-8', 'replace')))
        if req['method'] == 'POST':
            for i in wire.by_request.get(('h2',) + key, []):
                wire.rejected[i] = int(code)
            notes['%s refused (%s): its packets are not part of a session' % (label, code)] += 1
        return
    if req['method'] == 'POST':
        notes['%s response body %r content-type: %s' % (label, body.decode(), ctype)] += 1
        return
    notes['%s response content-type: %s%s' % (label, ctype,
                                               ', content-encoding: %s' % enc if enc else '')] += 1
    packets = decode_payload(body, ctype, eio, notes, label)
    if sid is None:   # handshake: the open packet names the session
        for t, d in packets:
            if t == 'open':
                sid = json.loads(d[1])['sid']
                notes['handshake response (%s): %d packet(s)' % (label, len(packets))] += 1
    for t, d in packets:
        wire.add(frame, sid, direction, 'polling', t, d)


# ------------------------------------------------------------ Socket.IO
class SioDecoder:
    """socket.io-parser (protocol 4 and 5) decoder over Engine.IO messages."""

    def __init__(self):
        self.pending = None
        self.buffers = []

    def add(self, d):
        """d = ('s', str) or ('b', base64) -> decoded packet dict or None."""
        if d is None:
            raise WireError('message packet without data')
        if d[0] == 'b':
            if self.pending is None:
                raise WireError('binary attachment without a pending packet')
            self.buffers.append(d[1])
            if len(self.buffers) == self.pending['attachments']:
                p = self.pending
                p['data'] = self.reconstruct(p.get('data'))
                self.pending = None
                self.buffers = []
                return p
            return None
        if self.pending is not None:
            raise WireError('got a string while reconstructing a binary packet')
        p = self.decode_string(d[1])
        if p['type'] in (5, 6) and p['attachments'] > 0:
            self.pending = p
            return None
        return p

    @staticmethod
    def decode_string(s):
        i = 0
        p = {'type': int(s[0])}
        if p['type'] in (5, 6):
            j = s.index('-', 1)
            p['attachments'] = int(s[1:j])
            i = j
        if i + 1 < len(s) and s[i + 1] == '/':
            j = s.find(',', i + 1)
            if j < 0:
                j = len(s)
            p['nsp'] = s[i + 1:j]
            i = j
        else:
            p['nsp'] = '/'
        m = re.match(r'\d+', s[i + 1:])
        if m:
            p['id'] = int(m.group(0))
            i += len(m.group(0))
        rest = s[i + 1:]
        if rest:
            p['data'] = json.loads(rest)
        return p

    def reconstruct(self, v):
        if isinstance(v, dict):
            if v.get('_placeholder') is True and isinstance(v.get('num'), int):
                return {'base64': self.buffers[v['num']]}
            return {k: self.reconstruct(x) for k, x in v.items()}
        if isinstance(v, list):
            return [self.reconstruct(x) for x in v]
        return v


# ------------------------------------------------------------ MessagePack
class _Undefined:
    """notepack.io's "undefined": fixext 1, type 0, data 0x00"""


UNDEFINED = _Undefined()


class MsgpackReader:
    """A strict MessagePack decoder (the whole format but the ext types other
    than notepack.io's undefined); counts the formats it meets."""

    def __init__(self, data, formats, direction):
        self.b, self.i, self.formats, self.dir = data, 0, formats, direction

    def take(self, n):
        if self.i + n > len(self.b):
            raise WireError('MessagePack: value runs past the end of the message')
        v = self.b[self.i:self.i + n]
        self.i += n
        return v

    def uint(self, n):
        return int.from_bytes(self.take(n), 'big')

    def seen(self, fmt):
        self.formats[(self.dir, fmt)] += 1

    def value(self, depth=0):
        if depth > 100:
            raise WireError('MessagePack: nested too deep')
        c = self.take(1)[0]
        if c <= 0x7f:
            self.seen('positive fixint')
            return c
        if c >= 0xe0:
            self.seen('negative fixint')
            return c - 0x100
        if 0x80 <= c <= 0x8f:
            return self.map(c & 0x0f, 'fixmap', depth)
        if 0x90 <= c <= 0x9f:
            return self.array(c & 0x0f, 'fixarray', depth)
        if 0xa0 <= c <= 0xbf:
            return self.str(c & 0x1f, 'fixstr')
        simple = {0xc0: ('nil', None), 0xc2: ('false', False), 0xc3: ('true', True)}
        if c in simple:
            self.seen(simple[c][0])
            return simple[c][1]
        if c in (0xc4, 0xc5, 0xc6):
            n = self.uint(1 << (c - 0xc4))
            self.seen('bin %d' % (8 << (c - 0xc4)))
            return bytes(self.take(n))
        if c in (0xca, 0xcb):
            self.seen('float %d' % (32 if c == 0xca else 64))
            return struct.unpack('>f' if c == 0xca else '>d', self.take(4 if c == 0xca else 8))[0]
        if 0xcc <= c <= 0xcf:
            self.seen('uint %d' % (8 << (c - 0xcc)))
            return self.uint(1 << (c - 0xcc))
        if 0xd0 <= c <= 0xd3:
            self.seen('int %d' % (8 << (c - 0xd0)))
            return int.from_bytes(self.take(1 << (c - 0xd0)), 'big', signed=True)
        if c in (0xd9, 0xda, 0xdb):
            return self.str(self.uint(1 << (c - 0xd9)), 'str %d' % (8 << (c - 0xd9)))
        if c in (0xdc, 0xdd):
            return self.array(self.uint(2 if c == 0xdc else 4),
                              'array %d' % (16 if c == 0xdc else 32), depth)
        if c in (0xde, 0xdf):
            return self.map(self.uint(2 if c == 0xde else 4),
                            'map %d' % (16 if c == 0xde else 32), depth)
        if 0xd4 <= c <= 0xd8 or c in (0xc7, 0xc8, 0xc9):
            if c >= 0xd4:
                n, fmt = 1 << (c - 0xd4), 'fixext %d' % (1 << (c - 0xd4))
            else:
                n, fmt = self.uint(1 << (c - 0xc7)), 'ext %d' % (8 << (c - 0xc7))
            code = int.from_bytes(self.take(1), 'big', signed=True)
            data = bytes(self.take(n))
            if c == 0xd4 and code == 0 and data == b'\x00':
                self.seen('fixext 1 type 0 (notepack.io undefined)')
                return UNDEFINED
            raise WireError('MessagePack: %s type %d (%s) is not expected here'
                            % (fmt, code, data.hex()))
        raise WireError('MessagePack: byte 0x%02x is never used' % c)

    def str(self, n, fmt):
        self.seen(fmt)
        try:
            return bytes(self.take(n)).decode('utf-8')
        except UnicodeDecodeError as e:
            raise WireError('MessagePack: %s not UTF-8: %s' % (fmt, e))

    def array(self, n, fmt, depth):
        self.seen(fmt)
        return [self.value(depth + 1) for _ in range(n)]

    def map(self, n, fmt, depth):
        self.seen(fmt)
        out = {}
        for _ in range(n):
            k = self.value(depth + 1)
            if not isinstance(k, str):
                raise WireError('MessagePack: map key %r is not a string' % (k,))
            if k in out:
                raise WireError('MessagePack: map key %r twice' % k)
            out[k] = self.value(depth + 1)
        return out


def msgpack_jsonable(v):
    """A decoded MessagePack value as in the truth files."""
    if isinstance(v, bytes):
        return {'base64': b64(v)}
    if v is UNDEFINED:
        return {'undefined': True}
    if isinstance(v, list):
        return [msgpack_jsonable(x) for x in v]
    if isinstance(v, dict):
        return {k: msgpack_jsonable(x) for k, x in v.items()}
    return v


def msgpack_packet(d, frame, direction, formats):
    """One Engine.IO message ('b', base64) -> a Socket.IO packet dict with its
    "msgpack" member (see --msgpack)."""
    if d is None or d[0] != 'b':
        raise WireError('frame %d: a text Engine.IO message in a MessagePack session' % frame)
    raw = base64.b64decode(d[1])
    r = MsgpackReader(raw, formats, direction)
    m = r.value()
    if r.i != len(raw):
        raise WireError('frame %d: %d bytes after the MessagePack value' % (frame, len(raw) - r.i))
    if not isinstance(m, dict):
        raise WireError('frame %d: MessagePack message is not a map' % frame)
    for k, want in (('type', int), ('nsp', str)):
        if not isinstance(m.get(k), want) or isinstance(m.get(k), bool):
            raise WireError('frame %d: MessagePack map without a valid %r: %r' % (frame, k, m))
    p = {'type': m['type'], 'nsp': m['nsp']}
    if m.get('id') is not None and m['id'] is not UNDEFINED:
        p['id'] = m['id']
    if 'data' in m and m['data'] is not UNDEFINED:
        p['data'] = msgpack_jsonable(m['data'])
    info = {'keys': list(m)}
    extra = {k: msgpack_jsonable(v) for k, v in m.items() if k not in ('type', 'nsp', 'id', 'data')}
    if extra:
        info['extra'] = extra
    undef = [k for k, v in m.items() if v is UNDEFINED]
    if undef:
        info['undefined'] = undef
    p['msgpack'] = info
    return p


def canon(obj):
    return json.dumps(obj, sort_keys=True, ensure_ascii=False)


def sio_from_wire(wire, msgpack=None):
    """-> list of (frame, sid, dir, packet dict) in wire order.

    msgpack: a collections.Counter of MessagePack formats per direction, to
    decode every message as one MessagePack Socket.IO packet (--msgpack)"""
    decoders = {}
    out = []
    for i, (frame, sid, d, transport, t, data) in enumerate(wire):
        if t != 'message' or i in wire.rejected:
            continue
        if msgpack is not None:
            out.append((frame, sid, d, msgpack_packet(data, frame, d, msgpack)))
            continue
        dec = decoders.setdefault((sid, d), SioDecoder())
        p = dec.add(data)
        if p is not None:
            out.append((frame, sid, d, p))
    for (sid, d), dec in decoders.items():
        if dec.pending is not None:
            raise WireError('%s %s: binary packet still waiting for attachments' % (sid, d))
    return out


# ------------------------------------------------------------ truth
def load_truth(path, http_errors=None):
    """-> eio keys, sio keys, errors, expect (or None), whether every line has a sid.

    eio key: (sid, dir, transport, type, data, rejected status or None)
    sio key: (sid, dir, canonical JSON); sid is None where the truth has none.
    http_error lines go to the list http_errors (if given) as
    (sid, method, status, body); they do not count for "every line has a sid"
    (a refused handshake has none).
    """
    eio, sio, errors = [], [], []
    expect = None
    all_sid = True
    with open(path, encoding='utf-8') as fh:
        for ln, line in enumerate(fh, 1):
            if not line.strip():
                continue
            rec = json.loads(line)
            if 'expect' in rec:
                if expect is not None:
                    errors.append('truth line %d: second expect line' % ln)
                expect = rec['expect']
                continue
            if 'http_error' in rec:
                h = rec['http_error']
                if rec.get('dir') != 's2c' or not isinstance(h.get('status'), int):
                    errors.append('truth line %d: bad http_error line' % ln)
                if http_errors is not None:
                    http_errors.append((rec.get('sid'), h.get('method'), h.get('status'),
                                        h.get('body')))
                continue
            if not rec.get('sid'):
                all_sid = False
            if rec.get('dir') not in ('c2s', 's2c'):
                errors.append('truth line %d: bad dir' % ln)
                continue
            if 'eio' in rec:
                e = rec['eio']
                if e['type'] not in EIO_TYPES:
                    errors.append('truth line %d: bad eio type' % ln)
                data = e.get('data')
                if data is None or data == '':
                    key = None
                elif isinstance(data, str):
                    key = ('s', data)
                else:
                    key = ('b', data['base64'])
                if rec.get('transport') not in ('polling', 'websocket'):
                    errors.append('truth line %d: bad transport' % ln)
                rej = rec.get('rejected')
                if rej is not None and not isinstance(rej.get('status'), int):
                    errors.append('truth line %d: rejected without an HTTP status' % ln)
                eio.append((rec.get('sid'), rec['dir'], rec.get('transport'), e['type'], key,
                            rej['status'] if rej else None))
            elif 'sio' in rec:
                if rec.get('rejected'):
                    errors.append('truth line %d: a rejected Socket.IO packet' % ln)
                view = rec['sio']
                if 'msgpack' in rec:     # MessagePack: the map's keys are compared too
                    view = dict(view, msgpack=rec['msgpack'])
                sio.append((rec.get('sid'), rec['dir'], canon(view)))
            else:
                errors.append('truth line %d: neither eio nor sio' % ln)
    return eio, sio, errors, expect, all_sid


def short(k):
    s = repr(k)
    return s if len(s) < 160 else s[:157] + '...'


def compare(name, truth, wire, errors):
    tc, wc = collections.Counter(truth), collections.Counter(wire)
    for k in sorted(set(tc) | set(wc), key=repr):
        if tc[k] != wc[k]:
            errors.append('%s %s: truth x%d, wire x%d' % (name, short(k), tc[k], wc[k]))
    # order per session (where sids are known) and direction
    for sd in sorted({x[:2] for x in truth}, key=repr):
        t = [x for x in truth if x[:2] == sd]
        w = [x for x in wire if x[:2] == sd]
        if t != w and collections.Counter(t) == collections.Counter(w):
            print('  note: %s %s order differs between truth and wire'
                  % (name, ' '.join(p for p in sd if p)))


SIO_TYPES = {0: 'CONNECT', 1: 'DISCONNECT', 2: 'EVENT', 3: 'ACK', 4: 'ERROR/CONNECT_ERROR',
             5: 'BINARY_EVENT', 6: 'BINARY_ACK'}


def counts(truth_path):
    http_errors = []
    eio, sio, _, expect, _ = load_truth(truth_path, http_errors)
    ec = collections.Counter((t + (' probe' if data == ('s', 'probe') else '')
                              + (' refused' if rej else ''), tr, d)
                             for _, d, tr, t, data, rej in eio)
    sc = collections.Counter((json.loads(p)['type'], d) for _, d, p in sio)
    sids = {x[0] for x in eio if x[0]}
    print('%s: %d Engine.IO packets, %d Socket.IO packets%s'
          % (truth_path, len(eio), len(sio),
             ', %d session(s)' % len(sids) if sids else ''))
    for t in [x for e in EIO_TYPES for x in (e, e + ' probe', e + ' refused')]:
        row = ['%s %s=%d' % (tr, d, ec[(t, tr, d)]) for tr in ('polling', 'websocket')
               for d in ('c2s', 's2c') if ec[(t, tr, d)]]
        if row:
            print('  eio %-11s %s' % (t, ', '.join(row)))
    for t in sorted(SIO_TYPES):
        if sc[(t, 'c2s')] or sc[(t, 's2c')]:
            print('  sio %d %-20s c2s=%d s2c=%d' % (t, SIO_TYPES[t], sc[(t, 'c2s')], sc[(t, 's2c')]))
    for (method, status, body), n in sorted(collections.Counter(
            h[1:] for h in http_errors).items(), key=repr):
        print('  http_error %s %s %s x%d' % (method, status, body, n))
    if expect is not None:
        print('  expect: %s' % json.dumps(expect, sort_keys=True))


def check_expect(expect, wire, wire_sio, errors):
    """Check the truth's expect line against the wire (see the module doc)."""
    sids = {w.sid for w in wire}
    if expect.get('sessions') != len(sids):
        errors.append('expect: %r sessions, wire has %d session id(s)'
                      % (expect.get('sessions'), len(sids)))
    reqs, acks = {}, {}
    for frame, sid, d, p in wire_sio:
        if p.get('id') is None:
            continue
        if p['type'] in (2, 5):
            reqs.setdefault((sid, d, p['nsp'], p['id']), (frame, p))
        elif p['type'] in (3, 6):
            rd = 'c2s' if d == 's2c' else 's2c'
            acks.setdefault((sid, rd, p['nsp'], p['id']), frame)

    def event_of(p):
        data = p.get('data')
        return data[0] if isinstance(data, list) and data else None

    check_acks(expect, reqs, acks, lambda f: wire.times[f], event_of, errors)
    for item in expect.get('timed_out_sessions', []):
        sid = item['sid']
        if sid not in sids:
            errors.append('expect timed_out_sessions: %s is not on the wire' % sid)
            continue
        closes = [w.frame for i, w in enumerate(wire)
                  if w.sid == sid and w.type == 'close' and i not in wire.rejected]
        discs = [f for f, s, d, p in wire_sio if s == sid and p['type'] == 1]
        refused = [w.frame for i, w in enumerate(wire) if w.sid == sid and i in wire.rejected]
        if closes or discs:
            errors.append('expect timed_out_sessions: %s has close (frames %s) / DISCONNECT '
                          '(frames %s) on the wire' % (sid, closes, discs))
        else:
            print('  expect: session %s timed out: no close/DISCONNECT on the wire%s'
                  % (sid, '; refused packets after it in frame(s) %s' % refused if refused else ''))


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == '--counts':
        for p in sys.argv[2:]:
            counts(p)
        return
    args = sys.argv[1:]
    eio_path, engine_io_only, msgpack_formats = '/socket.io/', False, None
    while args and args[0].startswith('--'):
        if args[0] == '--path' and len(args) > 1:
            eio_path = args[1]
            args = args[2:]
        elif args[0] == '--engine-io':
            engine_io_only = True
            args = args[1:]
        elif args[0] == '--msgpack':
            msgpack_formats = collections.Counter()
            args = args[1:]
        else:
            sys.exit(__doc__)
    if len(args) != 3 or not eio_path.startswith('/'):
        sys.exit(__doc__)
    pcap, truth_path, port = args[0], args[1], int(args[2])
    truth_http = []
    truth_eio, truth_sio, errors, expect, use_sid = load_truth(truth_path, truth_http)
    if engine_io_only and truth_sio:
        errors.append('--engine-io: the truth has %d Socket.IO lines' % len(truth_sio))
    n_mp = sum('"msgpack":' in k[2] for k in truth_sio)
    if msgpack_formats is not None and n_mp != len(truth_sio):
        errors.append('--msgpack: %d of the truth\'s %d Socket.IO lines have no "msgpack"'
                      % (len(truth_sio) - n_mp, len(truth_sio)))
    elif msgpack_formats is None and n_mp:
        errors.append('the truth has %d MessagePack Socket.IO lines: use --msgpack' % n_mp)
    try:
        wire, notes = extract_wire(pcap, port, eio_path)
        wire_sio = [] if engine_io_only else sio_from_wire(wire, msgpack_formats)
    except (WireError, ValueError, KeyError, IndexError) as e:
        print('FAIL %s: cannot read the wire: %s: %s' % (pcap, type(e).__name__, e))
        sys.exit(1)
    # without sids in the truth, compare without them
    sid_of = (lambda s: s) if use_sid else (lambda s: None)
    wire_eio = [(sid_of(w.sid), w.dir, w.transport, w.type, w.data, wire.rejected.get(i))
                for i, w in enumerate(wire)]
    if not use_sid:
        truth_eio = [(None,) + k[1:] for k in truth_eio]
        truth_sio = [(None,) + k[1:] for k in truth_sio]
    compare('eio', truth_eio, wire_eio, errors)
    compare('sio', truth_sio, [(sid_of(s), d, canon(p)) for _, s, d, p in wire_sio], errors)
    wire_http = [(sid_of(s), m, st, b) for _, s, m, st, b in wire.http_errors]
    if truth_http:
        if any(h[1] is None for h in truth_http):   # lines without "method": compare without
            wire_http = [(s, None, st, b) for s, _, st, b in wire_http]
            truth_http = [(h[0], None) + h[2:] for h in truth_http]
        compare('http_error', [(sid_of(h[0]),) + h[1:] for h in truth_http], wire_http, errors)
    elif wire_http:
        print('  note: the wire has %d HTTP error repl%s; the truth records none (no http_error lines)'
              % (len(wire_http), 'y' if len(wire_http) == 1 else 'ies'))
    if expect is not None:
        check_expect(expect, wire, wire_sio, errors)
    sids = {w.sid for w in wire}
    for d in ('c2s', 's2c'):
        if msgpack_formats:
            print('  wire: MessagePack %s: %s' % (d, ', '.join(
                '%s x%d' % (f, n) for (dd, f), n in sorted(msgpack_formats.items()) if dd == d)))
    for k, v in sorted(notes.items()):
        print('  wire: %s (x%d)' % (k, v))
    if errors:
        print('FAIL %s:' % pcap)
        for e in errors:
            print('  ' + e)
        sys.exit(1)
    print('OK   %s: %d Engine.IO + %d Socket.IO packets%s (%d connection(s)%s) match %s'
          % (pcap, len(truth_eio), len(truth_sio),
             ' + %d HTTP error replies' % len(truth_http) if truth_http else '', len(sids),
             ', per session id' if use_sid else '', truth_path))


if __name__ == '__main__':
    main()

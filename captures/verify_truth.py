#!/usr/bin/env python3
"""Check a Socket.IO 0.x capture against its ground-truth file.

usage: verify_truth.py <capture.pcapng> <truth.jsonl> <server-port>

Extracts every Socket.IO 0.x packet string that is on the wire, using only
stock tshark (PDML output, raw bytes of http.file_data and of the unmasked
websocket.payload.text), then compares the multiset of (direction, packet)
with the truth file written by the server. Also checks the handshake body(s),
that each truth 'pkt' agrees with its 'raw' on type/id/endpoint, and reports
(as warnings) any difference in per-direction order.

Session-aware checks (truth files whose every line has a "sid"): the
multiset is compared per session id; the wire's sid comes from the polling
URL (/socket.io/1/<transport>/<sid>), from the WebSocket upgrade URL of the
TCP stream, or from the handshake body. A final {"expect": {...}} line is
checked against the wire: "sessions" = number of handshakes; every
"late_acks" request and its ack are on the wire, delay_ms apart (+-250 ms,
frame times); every "unanswered" request is on the wire and no ack for it
is; a "timed_out_sessions" session has no disconnect packet (0::) on the
wire.

HTTP error replies: a handshake the server refused (403 "handshake
unauthorized", 500 "handshake error", ...) is a truth line
{"dir":"s2c","http_error":{"method","status","body"}} with no sid. The
multiset of (method, status, body) of the non-200 replies to socket.io
requests (handshake and polling URLs) on the wire must equal these lines.

Wire formats handled:
  websocket      one packet per text frame
  xhr-polling    GET response / POST request body is a payload
  jsonp-polling  GET response body is  io.j[N]("<JSON string>");
                 POST request body is  d=<urlencoded JSON string>
A payload is either one packet or repeated  \\ufffd<len>\\ufffd<packet>  where
<len> counts UTF-16 code units. Python 3 stdlib only.
"""
import collections
import json
import re
import subprocess
import sys
import urllib.parse
import xml.etree.ElementTree as ET

from truth_expect import check_acks

PACKET_TYPES = ['disconnect', 'connect', 'heartbeat', 'message', 'json',
                'event', 'ack', 'error', 'noop']
POLL_PATH = re.compile(r'^/socket\.io/1/(xhr-polling|jsonp-polling)/([^/?]+)/?$')
WS_PATH = re.compile(r'^/socket\.io/1/websocket/([^/?]+)/?$')
HANDSHAKE_PATH = re.compile(r'^/socket\.io/1/?$')
JSONP_BODY = re.compile(r'^io\.j\[(\d+)\]\((.*)\);$', re.S)


def split_payload(data):
    """Split like socket.io 0.9 decodePayload: lengths in UTF-16 code units."""
    if not data.startswith('\ufffd'):
        return [data]
    units = data.encode('utf-16-le', 'surrogatepass')
    n = len(units) // 2

    def unit(i):
        return units[2 * i] | (units[2 * i + 1] << 8)

    out = []
    i = 1
    length = ''
    while i < n:
        u = unit(i)
        if u == 0xFFFD:
            if not length.isdigit():
                raise ValueError('bad payload framing near unit %d' % i)
            ln = int(length)
            if i + 1 + ln > n:
                raise ValueError('payload frame overruns data')
            out.append(units[2 * (i + 1):2 * (i + 1 + ln)]
                       .decode('utf-16-le', 'surrogatepass'))
            i += ln + 1
            length = ''
        else:
            length += chr(u)
        i += 1
    if length:
        raise ValueError('trailing garbage in payload: %r' % length)
    return out


def field_bytes(f):
    v = f.get('value') or ''
    return bytes.fromhex(v)


def run_tshark(pcap, port):
    cmd = ['tshark', '-n', '-r', pcap,
           '-d', 'tcp.port==%d,http' % port,
           '-o', 'tcp.desegment_tcp_streams:TRUE',
           '-o', 'http.desegment_headers:TRUE',
           '-o', 'http.desegment_body:TRUE',
           '-T', 'pdml']
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        sys.exit('tshark failed: ' + p.stderr.decode(errors='replace'))
    return p.stdout


def extract_wire(pcap, port):
    """Return (list of (frame, dir, raw, sid), list of handshake bodies, notes,
    frame times, list of (method, status, body) of non-200 socket.io replies)."""
    root = ET.fromstring(run_tshark(pcap, port))
    wire = []
    handshakes = []
    notes = collections.Counter()
    times = {}    # frame number -> epoch seconds
    methods = {}  # request frame number -> [method, ...]
    ws_sid = {}   # tcp.stream -> sid of its websocket upgrade
    http_errors = []
    for pkt in root.iter('packet'):
        fields = {}
        protos = []
        for proto in pkt.findall('proto'):
            protos.append(proto)
            if proto.get('name') in ('frame', 'tcp'):
                for f in proto.iter('field'):
                    fields.setdefault(f.get('name'), f.get('show'))
        frame = int(fields['frame.number'])
        times[frame] = float(fields['frame.time_epoch'])
        stream = fields.get('tcp.stream')
        dstport = int(fields.get('tcp.dstport', 0))
        direction = 'c2s' if dstport == port else 's2c'
        for proto in protos:
            name = proto.get('name')
            if name == 'http':
                method = uri = resp_uri = req_in = body = ctype = code = None
                for f in proto.iter('field'):
                    n = f.get('name')
                    if n == 'http.request.method':
                        method = f.get('show')
                    elif n == 'http.request.uri':
                        uri = f.get('show')
                    elif n == 'http.response_for.uri':
                        resp_uri = f.get('show')
                    elif n == 'http.request_in':
                        req_in = int(f.get('show'))
                    elif n == 'http.file_data':
                        body = field_bytes(f).decode('utf-8')
                    elif n == 'http.content_type':
                        ctype = f.get('show')
                    elif n == 'http.response.code':
                        code = int(f.get('show'))
                if method:
                    methods.setdefault(frame, []).append(method)
                    path = urllib.parse.urlsplit(uri).path
                    wm = WS_PATH.match(path)
                    if wm:
                        ws_sid[stream] = wm.group(1)
                    m = POLL_PATH.match(path)
                    if method == 'POST' and m:
                        notes['POST %s content-type: %s' % (m.group(1), ctype)] += 1
                        data = body or ''
                        if m.group(1) == 'jsonp-polling':
                            form = urllib.parse.parse_qs(data, keep_blank_values=True)
                            data = json.loads(form['d'][0])
                        for raw in split_payload(data):
                            wire.append((frame, direction, raw, m.group(2)))
                elif resp_uri:
                    path = urllib.parse.urlsplit(resp_uri).path
                    req_methods = methods.get(req_in, [])
                    if code != 200 and (HANDSHAKE_PATH.match(path) or POLL_PATH.match(path)):
                        notes['%s reply %d %r' % ('handshake' if HANDSHAKE_PATH.match(path)
                                                  else 'polling', code, body)] += 1
                        http_errors.append((req_methods[0] if len(req_methods) == 1 else None,
                                            code, body or ''))
                        continue
                    if HANDSHAKE_PATH.match(path):
                        notes['handshake response content-type: %s' % ctype] += 1
                        handshakes.append(body)
                        continue
                    m = POLL_PATH.match(path)
                    if not m:
                        continue
                    if req_methods == ['POST'] or (not req_methods and body == '1'):
                        notes['POST %s response body %r content-type: %s'
                              % (m.group(1), body, ctype)] += 1
                        continue
                    notes['GET %s response content-type: %s' % (m.group(1), ctype)] += 1
                    data = body or ''
                    if data == '':
                        notes['GET %s empty response body' % m.group(1)] += 1
                        continue
                    if m.group(1) == 'jsonp-polling':
                        jm = JSONP_BODY.match(data)
                        if not jm:
                            raise ValueError('frame %d: bad JSONP body %r' % (frame, data[:80]))
                        data = json.loads(jm.group(2))
                    for raw in split_payload(data):
                        wire.append((frame, direction, raw, m.group(2)))
            elif name == 'websocket':
                opcode = None
                text = None
                for f in proto.iter('field'):
                    n = f.get('name')
                    if n == 'websocket.opcode':
                        opcode = int(f.get('show'))
                    elif n == 'websocket.payload.text':
                        text = field_bytes(f).decode('utf-8')
                if opcode == 1 and text is not None:
                    wire.append((frame, direction, text, ws_sid.get(stream)))
                else:
                    notes['websocket opcode %s frame' % opcode] += 1
    return wire, handshakes, notes, times, http_errors


def check_pkt(rec):
    raw, pkt = rec['raw'], rec['pkt']
    m = re.match(r'^([^:]+):([0-9]+)?(\+)?:([^:]+)?', raw)
    if not m:
        return 'raw does not look like a 0.x packet'
    if pkt.get('type') != PACKET_TYPES[int(m.group(1))]:
        return 'pkt.type %r != raw type %s' % (pkt.get('type'), m.group(1))
    if pkt.get('endpoint') != (m.group(4) or ''):
        return 'pkt.endpoint mismatch'
    if (pkt.get('id') or '') != (m.group(2) or ''):
        return 'pkt.id mismatch'
    return None


def ack_key(raw):
    """'6:::1+[...]' / '6::/chat:1' -> (endpoint, id)."""
    m = re.match(r'^6::([^:]*):(\d+)', raw)
    return (m.group(1), int(m.group(2))) if m else None


def request_key(raw):
    """'5:1+::{...}' -> (endpoint, id, event name or None), or None."""
    m = re.match(r'^([345]):(\d+)\+?:([^:]*):?(.*)$', raw, re.S)
    if not m:
        return None
    name = None
    if m.group(1) == '5':
        name = json.loads(m.group(4)).get('name')
    return m.group(3), int(m.group(2)), name


def check_expect(expect, wire, wire_hs, times, errors):
    """Check the truth's expect line against the wire (see the module doc)."""
    if expect.get('sessions') != len(wire_hs):
        errors.append('expect: %r sessions, wire has %d handshake(s)'
                      % (expect.get('sessions'), len(wire_hs)))
    reqs, acks = {}, {}
    for frame, d, raw, sid in wire:
        a = ack_key(raw)
        if a:
            rd = 'c2s' if d == 's2c' else 's2c'
            acks.setdefault((sid, rd) + a, frame)
            continue
        r = request_key(raw)
        if r:
            reqs.setdefault((sid, d, r[0], r[1]), (frame, r[2]))

    check_acks(expect, reqs, acks, lambda f: times[f], lambda event: event, errors)
    hs_sids = {h.split(':')[0] for h in wire_hs}
    for item in expect.get('timed_out_sessions', []):
        sid = item['sid']
        if sid not in hs_sids:
            errors.append('expect timed_out_sessions: no handshake for %s on the wire' % sid)
            continue
        discs = [(f, d) for f, d, raw, s in wire if s == sid and raw.startswith('0:')]
        if discs:
            errors.append('expect timed_out_sessions: %s has disconnect packets on the wire: %s'
                          % (sid, discs))
        else:
            last = max(f for f, d, raw, s in wire if s == sid)
            print('  expect: session %s timed out: no disconnect packet on the wire '
                  '(its last packet: frame %d)' % (sid, last))


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    pcap, truth_path, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    truth = []
    truth_hs = []
    errors = []
    expect = None
    use_sid = True
    truth_http = []
    with open(truth_path, encoding='utf-8') as fh:
        for ln, line in enumerate(fh, 1):
            if not line.strip():
                continue
            rec = json.loads(line)
            if 'expect' in rec:
                expect = rec['expect']
                continue
            if 'http_error' in rec:   # a refused handshake: no sid, no packet
                h = rec['http_error']
                if rec.get('dir') != 's2c' or not isinstance(h.get('status'), int):
                    errors.append('truth line %d: bad http_error line' % ln)
                truth_http.append((h.get('method'), h.get('status'), h.get('body')))
                continue
            if not rec.get('sid'):
                use_sid = False
            if 'handshake' in rec:
                truth_hs.append(rec['handshake'])
                if rec.get('sid') and rec['sid'] != rec['handshake'].split(':')[0]:
                    errors.append('truth line %d: sid differs from the handshake' % ln)
                continue
            if rec.get('dir') not in ('c2s', 's2c'):
                errors.append('truth line %d: bad dir' % ln)
            problem = check_pkt(rec)
            if problem:
                errors.append('truth line %d: %s' % (ln, problem))
            truth.append((rec['dir'], rec['raw'], rec.get('sid')))

    wire, wire_hs, notes, times, wire_http = extract_wire(pcap, port)
    wire_pairs = [(d, r) for (_, d, r, _) in wire]
    if use_sid:
        keys_t = truth
        keys_w = [(d, r, sid) for (_, d, r, sid) in wire]
    else:
        keys_t = [(d, r, None) for (d, r, _) in truth]
        keys_w = [(d, r, None) for (d, r) in wire_pairs]

    tc = collections.Counter(keys_t)
    wc = collections.Counter(keys_w)
    for k in sorted(set(tc) | set(wc), key=repr):
        if tc[k] != wc[k]:
            errors.append('%s %r%s: truth x%d, wire x%d' % (
                k[0], k[1][:100], ' sid %s' % k[2] if k[2] else '', tc[k], wc[k]))
    # HTTP error replies (refused handshakes), as a multiset
    hc, hw = collections.Counter(truth_http), collections.Counter(wire_http)
    for k in sorted(set(hc) | set(hw), key=repr):
        if hc[k] != hw[k]:
            errors.append('http_error %r: truth x%d, wire x%d' % (k, hc[k], hw[k]))
    # several clients may shake hands in either order
    if sorted(truth_hs) != sorted(wire_hs):
        errors.append('handshake mismatch: truth %r wire %r' % (truth_hs, wire_hs))

    # order per session (where sids are known) and direction
    for sd in sorted({(k[2], k[0]) for k in keys_t}, key=repr):
        t = [k for k in keys_t if (k[2], k[0]) == sd]
        w = [k for k in keys_w if (k[2], k[0]) == sd]
        if t != w and collections.Counter(t) == collections.Counter(w):
            print('  warning: %s order differs between truth and wire'
                  % ' '.join(x for x in sd if x))
    if expect is not None:
        check_expect(expect, wire, wire_hs, times, errors)

    for k, v in sorted(notes.items()):
        print('  wire: %s (x%d)' % (k, v))
    by_type = collections.Counter((d, r.split(':', 1)[0]) for d, r in wire_pairs)
    print('  wire packets: %d (%s)' % (len(wire_pairs), ', '.join(
        '%s %s=%d' % (d, PACKET_TYPES[int(t)], n) for (d, t), n in sorted(by_type.items()))))
    if errors:
        print('FAIL %s:' % pcap)
        for e in errors:
            print('  ' + e)
        sys.exit(1)
    print('OK   %s: %d packets + %d handshake(s)%s%s match %s'
          % (pcap, len(truth), len(truth_hs),
             ' + %d HTTP error replies' % len(truth_http) if truth_http else '',
             ' (per session id)' if use_sid else '', truth_path))


if __name__ == '__main__':
    main()

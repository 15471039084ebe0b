#!/usr/bin/env python3
"""Check a Socket.IO 0.x capture against its ground-truth file.

usage: verify_truth.py <capture.pcapng> <truth.jsonl> <server-port>

Extracts every Socket.IO 0.x packet string that is on the wire, using only
stock tshark (PDML output, raw bytes of http.file_data and of the unmasked
websocket.payload.text), then compares the multiset of (direction, packet)
with the truth file written by the server. Also checks the handshake body(s),
that each truth 'pkt' agrees with its 'raw' on type/id/endpoint, and reports
(as warnings) any difference in per-direction order.

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

PACKET_TYPES = ['disconnect', 'connect', 'heartbeat', 'message', 'json',
                'event', 'ack', 'error', 'noop']
POLL_PATH = re.compile(r'^/socket\.io/1/(xhr-polling|jsonp-polling)/[^/?]+/?$')
WS_PATH = re.compile(r'^/socket\.io/1/websocket/[^/?]+/?$')
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
    """Return (list of (frame, dir, raw), list of handshake bodies, notes)."""
    root = ET.fromstring(run_tshark(pcap, port))
    wire = []
    handshakes = []
    notes = collections.Counter()
    methods = {}  # request frame number -> [method, ...]
    for pkt in root.iter('packet'):
        fields = {}
        protos = []
        for proto in pkt.findall('proto'):
            protos.append(proto)
            if proto.get('name') in ('frame', 'tcp'):
                for f in proto.iter('field'):
                    fields.setdefault(f.get('name'), f.get('show'))
        frame = int(fields['frame.number'])
        dstport = int(fields.get('tcp.dstport', 0))
        direction = 'c2s' if dstport == port else 's2c'
        for proto in protos:
            name = proto.get('name')
            if name == 'http':
                method = uri = resp_uri = req_in = body = ctype = None
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
                if method:
                    methods.setdefault(frame, []).append(method)
                    path = urllib.parse.urlsplit(uri).path
                    m = POLL_PATH.match(path)
                    if method == 'POST' and m:
                        notes['POST %s content-type: %s' % (m.group(1), ctype)] += 1
                        data = body or ''
                        if m.group(1) == 'jsonp-polling':
                            form = urllib.parse.parse_qs(data, keep_blank_values=True)
                            data = json.loads(form['d'][0])
                        for raw in split_payload(data):
                            wire.append((frame, direction, raw))
                elif resp_uri:
                    path = urllib.parse.urlsplit(resp_uri).path
                    req_methods = methods.get(req_in, [])
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
                        wire.append((frame, direction, raw))
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
                    wire.append((frame, direction, text))
                else:
                    notes['websocket opcode %s frame' % opcode] += 1
    return wire, handshakes, notes


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


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    pcap, truth_path, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    truth = []
    truth_hs = []
    errors = []
    with open(truth_path, encoding='utf-8') as fh:
        for ln, line in enumerate(fh, 1):
            if not line.strip():
                continue
            rec = json.loads(line)
            if 'handshake' in rec:
                truth_hs.append(rec['handshake'])
                continue
            if rec.get('dir') not in ('c2s', 's2c'):
                errors.append('truth line %d: bad dir' % ln)
            problem = check_pkt(rec)
            if problem:
                errors.append('truth line %d: %s' % (ln, problem))
            truth.append((rec['dir'], rec['raw']))

    wire, wire_hs, notes = extract_wire(pcap, port)
    wire_pairs = [(d, r) for (_, d, r) in wire]

    tc = collections.Counter(truth)
    wc = collections.Counter(wire_pairs)
    for k in sorted(set(tc) | set(wc)):
        if tc[k] != wc[k]:
            errors.append('%s %r: truth x%d, wire x%d' % (k[0], k[1][:100], tc[k], wc[k]))
    if truth_hs != wire_hs:
        errors.append('handshake mismatch: truth %r wire %r' % (truth_hs, wire_hs))

    for d in ('c2s', 's2c'):
        t = [r for (dd, r) in truth if dd == d]
        w = [r for (dd, r) in wire_pairs if dd == d]
        if t != w and collections.Counter(t) == collections.Counter(w):
            print('  warning: %s order differs between truth and wire' % d)

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
    print('OK   %s: %d packets + %d handshake(s) match %s'
          % (pcap, len(truth), len(truth_hs), truth_path))


if __name__ == '__main__':
    main()

#!/usr/bin/env python3
"""Packet counts of a modern truth file (gen_modern/truth_recorder.js format), as JSON.

usage: truth_counts_modern.py <truth.jsonl> [out.json]     (stdout without out.json)

Counts, per direction, every Engine.IO line by type (message split into text and
binary: a binary message is one attachment of a BINARY_EVENT / BINARY_ACK) and
every Socket.IO line by type, also per namespace; acks with and without
arguments; and the number of WebSocket data messages (the Engine.IO lines of the
websocket transport: one WebSocket message each). Everything is derived from
the truth file alone. Python 3 stdlib only.
"""
import collections
import json
import sys

EIO_TYPES = ['open', 'close', 'ping', 'pong', 'message', 'upgrade', 'noop']
SIO_TYPES = ['CONNECT', 'DISCONNECT', 'EVENT', 'ACK', 'CONNECT_ERROR', 'BINARY_EVENT', 'BINARY_ACK']
DIRS = ('c2s', 's2c')


def zero(keys):
    return {d: {k: 0 for k in keys} for d in DIRS}


def counts(path):
    eio = zero(EIO_TYPES + ['message (text)', 'message (binary)'])
    eio_by_transport = collections.defaultdict(lambda: zero(EIO_TYPES))
    sio = zero(SIO_TYPES)
    sio_nsp = {}
    acks = zero(['with arguments', 'without arguments'])
    attachments = {d: 0 for d in DIRS}
    ws_messages = {d: 0 for d in DIRS}
    sids = set()
    lines = 0
    with open(path, encoding='utf-8') as fh:
        for ln, line in enumerate(fh, 1):
            if not line.strip():
                continue
            rec = json.loads(line)
            lines += 1
            if 'expect' in rec or 'http_error' in rec:
                continue
            d = rec['dir']
            if rec.get('sid'):
                sids.add(rec['sid'])
            if 'eio' in rec:
                t = rec['eio']['type']
                eio[d][t] += 1
                eio_by_transport[rec['transport']][d][t] += 1
                if rec['transport'] == 'websocket':
                    ws_messages[d] += 1
                if t == 'message':
                    binary = isinstance(rec['eio'].get('data'), dict)
                    eio[d]['message (binary)' if binary else 'message (text)'] += 1
            elif 'sio' in rec:
                p = rec['sio']
                name = SIO_TYPES[p['type']]
                sio[d][name] += 1
                sio_nsp.setdefault(p['nsp'], zero(SIO_TYPES))[d][name] += 1
                attachments[d] += p.get('attachments', 0)
                if name in ('ACK', 'BINARY_ACK'):
                    acks[d]['with arguments' if p.get('data') else 'without arguments'] += 1
            else:
                raise SystemExit('%s line %d: neither eio nor sio' % (path, ln))
    return {
        'truth': path.rsplit('/', 1)[-1],
        'truth_lines': lines,
        'sessions': len(sids),
        'totals': {
            'engine_io_packets': {d: sum(v for k, v in eio[d].items() if k in EIO_TYPES) for d in DIRS},
            'socket_io_packets': {d: sum(sio[d].values()) for d in DIRS},
            'binary_attachments': attachments,
            'websocket_data_messages': ws_messages,
        },
        'engine_io': eio,
        'engine_io_by_transport': dict(eio_by_transport),
        'socket_io': sio,
        'socket_io_by_namespace': sio_nsp,
        'socket_io_acks': acks,
    }


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    out = json.dumps(counts(sys.argv[1]), indent=1, ensure_ascii=False) + '\n'
    if len(sys.argv) == 3:
        with open(sys.argv[2], 'w', encoding='utf-8') as fh:
            fh.write(out)
    else:
        sys.stdout.write(out)


if __name__ == '__main__':
    main()

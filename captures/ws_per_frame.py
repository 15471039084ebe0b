#!/usr/bin/env python3
"""How many WebSocket messages stock tshark decodes per TCP segment (frame).

usage: ws_per_frame.py <capture.pcapng> <server-port> [--min-over N:K]... [tshark -o options...]

Runs `tshark -r X -d tcp.port==P,http -T fields -e frame.number -e websocket.opcode`
(plus any extra arguments, e.g. -o gui.max_tree_depth:5000) and counts the
websocket.opcode values of each frame. Prints the largest count, a histogram, and
how many frames tshark marked malformed (_ws.malformed; a "Dissector bug" such as
the gui.max_tree_depth layer limit of tshark 4.0 ends a frame that way).

--min-over N:K   fail (exit 1) unless at least K frames carry more than N messages.
Python 3 stdlib only.
"""
import collections
import subprocess
import sys

BINS = [(1, 1), (2, 16), (17, 64), (65, 128), (129, 256), (257, 512), (513, 1024), (1025, 10 ** 9)]


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    pcap, port = args[0], int(args[1])
    rest = args[2:]
    needs = []
    extra = []
    i = 0
    while i < len(rest):
        if rest[i] == '--min-over':
            n, k = rest[i + 1].split(':')
            needs.append((int(n), int(k)))
            i += 2
        else:
            extra.append(rest[i])
            i += 1
    cmd = ['tshark', '-n', '-r', pcap, '-d', 'tcp.port==%d,http' % port] + extra + [
        '-T', 'fields', '-E', 'occurrence=a', '-e', 'frame.number', '-e', 'websocket.opcode',
        '-e', '_ws.malformed', '-e', 'tcp.len']
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit('tshark failed: ' + p.stderr)
    per_frame = {}
    malformed = []
    seg_bytes = {}
    for line in p.stdout.splitlines():
        cols = line.split('\t')
        frame = int(cols[0])
        ops = [x for x in cols[1].split(',') if x] if len(cols) > 1 else []
        if ops:
            per_frame[frame] = len(ops)
            seg_bytes[frame] = int(cols[3] or 0) if len(cols) > 3 else 0
        if len(cols) > 2 and cols[2]:
            malformed.append(frame)
    counts = sorted(per_frame.values())
    total = sum(counts)
    print('%s %s' % (pcap, ' '.join(extra) or '(default settings)'))
    print('  frames with WebSocket messages: %d, messages: %d' % (len(counts), total))
    if counts:
        top = max(per_frame, key=lambda f: per_frame[f])
        print('  max per frame: %d (frame %d, %d TCP payload bytes)' % (per_frame[top], top, seg_bytes[top]))
        hist = collections.Counter()
        for c in counts:
            for lo, hi in BINS:
                if lo <= c <= hi:
                    hist[(lo, hi)] += 1
        for lo, hi in BINS:
            if hist[(lo, hi)]:
                label = str(lo) if lo == hi else '%d-%s' % (lo, hi if hi < 10 ** 9 else '')
                print('  %-10s messages: %5d frames' % (label, hist[(lo, hi)]))
        for n in (128, 256, 400, 495):
            print('  frames with more than %d: %d' % (n, sum(1 for c in counts if c > n)))
    print('  malformed frames: %d%s' % (len(malformed), (' (%s)' % ' '.join(map(str, malformed[:20])))
                                          if malformed else ''))
    bad = False
    for n, k in needs:
        got = sum(1 for c in counts if c > n)
        if got < k:
            print('FAIL: %d frame(s) with more than %d messages, want at least %d' % (got, n, k))
            bad = True
    sys.exit(1 if bad else 0)


if __name__ == '__main__':
    main()

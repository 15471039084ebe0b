#!/usr/bin/env python3
"""Compares the Socket.IO packets the plugin decodes with the generator's ground truth.

stdin: tshark -Y sio -T fields -E occurrence=a -E aggregator=, -e sio.version -e sio.type -e sio.direction
argv[1]: the capture's <OUT>.counts.json (captures/large/generate.sh)

All Socket.IO packets of one frame share a connection and a direction (one TCP segment, or one
reassembled HTTP message), so a frame's first sio.version and first sio.direction hold for each of
its sio.type values. Counts are compared per protocol revision, type and direction; any difference
fails (exit 1).
"""
import collections
import json
import sys

REVISION = {"sio4": 5, "sio2": 4, "sio09": 1}  # group name prefix -> sio.version
GENERATION = {5: "4.x", 4: "2.x", 1: "0.9"}
DIRECTION = {"1": "c2s", "2": "s2c"}


def truth(path):
    counts = collections.Counter()
    with open(path) as f:
        c = json.load(f)
    for group, g in c["groups"].items():
        rev = REVISION[group.rsplit("_", 1)[0]]
        for transport in g["wire"].values():
            for d in ("c2s", "s2c"):
                for t, n in transport[d]["sio"].items():
                    counts[(rev, t.upper(), d)] += n
    return counts, c["totals"]["socketio_packets"]


def decoded(lines):
    counts = collections.Counter()
    for line in lines:
        f = line.rstrip("\n").split("\t")
        if len(f) < 3 or not f[1]:
            continue  # a frame with no Socket.IO packet (a 0.x handshake)
        rev, d = int(f[0].split(",")[0]), DIRECTION.get(f[2].split(",")[0], "?")
        for t in f[1].split(","):
            # the truth names 4.x's CONNECT_ERROR as ERROR
            t = "ERROR" if t == "connect_error" else t.upper()
            counts[(rev, t, d)] += 1
    return counts


def main():
    want, total = truth(sys.argv[1])
    got = decoded(sys.stdin)
    bad = 0
    print(f"{'revision':>8} {'type':<14} {'dir':<4} {'truth':>8} {'decoded':>8}")
    for k in sorted(set(want) | set(got), key=lambda k: (-k[0], k[1], k[2])):
        if not want[k] and not got[k]:
            continue
        mark = "" if want[k] == got[k] else "  <-- differs"
        bad += mark != ""
        print(f"{GENERATION.get(k[0], k[0]):>8} {k[1]:<14} {k[2]:<4} {want[k]:>8} {got[k]:>8}{mark}")
    print(f"total: truth {total} (per type {sum(want.values())}), decoded {sum(got.values())}")
    if bad:
        print(f"FAIL: {bad} count(s) differ from the generator's truth")
        return 1
    print("OK: every count equals the generator's truth")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Sessions, directions, ack matching, heartbeat experts and statistics, against the ground truth."""

import collections
import json
import os
import re
import unittest

from siotshark import Tshark, field

V0 = ["v0_websocket", "v0_xhr_polling", "v0_jsonp_polling"]
MODERN = {"m4_sessions": 5, "m2_default": 4, "m2_polling": 4, "m4_default": 5, "m4_deflate": 5, "m4_polling": 5, "m5_python": 5,
          "m4_jsonp": 4, "m2_browser_polling": 4, "m4_h2_polling": 5, "m4_h2_upgrade": 5,
          "m4_msgpack_ws": 5, "m4_msgpack_polling": 5, "m5_python_msgpack": 5}
SIO_TYPES = {4: ["connect", "disconnect", "event", "ack", "error", "binary_event", "binary_ack"],
             5: ["connect", "disconnect", "event", "ack", "connect_error", "binary_event", "binary_ack"]}
DIRS = {"1": "c2s", "2": "s2c"}


def captures(ts):
    """The single-session captures (the *_sessions ones have their own tests)."""
    return [c for c in V0 + list(MODERN) if os.path.exists(ts.capture(c + ".pcapng")) and "sessions" not in c]


def truth_packets(ts, cap):
    """(direction, version, type, endpoint, name) of every Socket.IO packet in the truth, and the sids."""
    out, sids = [], []
    for line in ts.truth(cap + ".truth.jsonl"):
        if "handshake" in line:
            sids.append(line["handshake"].split(":")[0])
        elif "pkt" in line:
            p = line["pkt"]
            ep = p.get("endpoint", "") or "/"
            if p["type"] == "connect":
                ep = ep.split("?")[0] or "/"
            out.append((line["dir"], 1, p["type"], ep, p.get("name") if p["type"] == "event" else None))
        elif "sio" in line:
            protocol = MODERN[cap]
            p = line["sio"]
            t = SIO_TYPES[protocol][p["type"]]
            ep = p.get("nsp", "/").split("?")[0]
            name = str(p["data"][0]) if t in ("event", "binary_event") else None
            out.append((line["dir"], protocol, t, ep, name))
        elif "eio" in line and line["eio"]["type"] == "open":
            sids.append(json.loads(line["eio"]["data"])["sid"])
    return out, sids


class Sessions(unittest.TestCase):
    maxDiff = None

    def test_every_packet_carries_its_session_and_direction(self):
        ts = Tshark.get()
        for cap in captures(ts):
            _, sids = truth_packets(ts, cap)
            self.assertEqual(len(sids), 1, cap)
            seen = collections.Counter()
            for info, items in ts.pdml_items(cap + ".pcapng"):
                port_dir = "c2s" if 18400 <= int(info["tcp.dstport"]) < 18500 else "s2c"
                for name, fields, _ in items:
                    self.assertEqual(field(fields, "sio.session"), sids[0], (cap, info["frame.number"], name))
                    self.assertEqual(DIRS[field(fields, "sio.direction")], port_dir, (cap, info["frame.number"]))
                    seen[name] += 1
            self.assertGreater(seen["sio"], 40, cap)
            out = ts.run(["-r", ts.capture(cap + ".pcapng"), "-Y", f'sio.session == "{sids[0]}"'])
            self.assertEqual(out, ts.run(["-r", ts.capture(cap + ".pcapng"), "-Y", "sio || eio"]), cap)

    def test_acks_linked_both_ways(self):
        ts = Tshark.get()
        for cap in captures(ts):
            for passes in ((), ("-2",)):
                requests, acks = {}, []
                for info, items in ts.pdml_items(cap + ".pcapng", passes):
                    frame = int(info["frame.number"])
                    for name, fields, _ in items:
                        if name != "sio":
                            continue
                        if field(fields, "sio.ack_id") is not None:
                            acks.append((frame, fields))
                        elif field(fields, "sio.id") is not None:
                            requests.setdefault(frame, []).append(fields)
                self.assertTrue(acks, cap)
                for frame, fields in acks:
                    to = field(fields, "sio.ack_to")
                    self.assertIsNotNone(to, (cap, frame, passes))
                    # the request in that frame with this id and namespace (a polling body holds several)
                    reqs = [r for r in requests[int(to)] if field(r, "sio.id") == field(fields, "sio.ack_id") and
                            field(r, "sio.endpoint") == field(fields, "sio.endpoint")]
                    self.assertEqual(len(reqs), 1, (cap, frame))
                    req = reqs[0]
                    self.assertNotEqual(field(req, "sio.direction"), field(fields, "sio.direction"), (cap, frame))
                    self.assertLess(int(to), frame)
                    self.assertTrue(0 <= float(field(fields, "sio.ack_time")) < 5, (cap, frame))
                    if passes:
                        self.assertEqual(field(req, "sio.ack_in"), str(frame), (cap, frame))
                # every request of these captures is answered
                self.assertEqual(sum(len(r) for r in requests.values()), len(acks), (cap, passes))
            out = ts.run(["-r", ts.capture(cap + ".pcapng"), "-2", "-Y",
                          "sio.ack.unmatched || sio.ack.missing || sio.ack.id_reused"])
            self.assertEqual(out, "", cap)
            out = ts.run(["-r", ts.capture(cap + ".pcapng"), "-Y", "sio.ack_time > 5"])
            self.assertEqual(out, "", cap)

    def test_no_heartbeat_experts_on_healthy_sessions(self):
        ts = Tshark.get()
        for cap in captures(ts):
            out = ts.run(["-r", ts.capture(cap + ".pcapng"), "-2", "-Y", "sio.heartbeat.late"])
            self.assertEqual(out, "", cap)
            gaps = ts.run(["-r", ts.capture(cap + ".pcapng"), "-Y", "sio.heartbeat_gap", "-T", "fields",
                           "-e", "sio.heartbeat_gap"]).split()
            self.assertTrue(gaps, cap)


def parse_stats(text):
    """tshark -z sio,tree output as {section: {item: count}} plus {section: count}; sub-items as 'item/sub'."""
    sections, totals = {}, {}
    current, parent = None, None
    for line in text.splitlines():
        m = re.match(r"^( *)(\S.*?)\s{2,}(\d+)\s", line)
        if not m or line.startswith("Topic"):
            continue
        indent, name, count = len(m.group(1)), m.group(2), int(m.group(3))
        if indent == 0:
            current = name
            sections[current] = {}
            totals[current] = count
        elif indent == 1:
            parent = name
            sections[current][name] = count
        else:
            sections[current][parent + "/" + name] = count
    return sections, totals


class Statistics(unittest.TestCase):
    maxDiff = None

    def test_statistics_equal_ground_truth_counts(self):
        ts = Tshark.get()
        for cap in captures(ts) + ["v0_sessions", "m4_sessions"]:
            packets, _ = truth_packets(ts, cap)
            out = ts.run(["-r", ts.capture(cap + ".pcapng"), "-q", "-z", "sio,tree"])
            stats, totals = parse_stats(out)
            self.assertEqual(totals["Packets by type"], len(packets), cap)
            self.assertEqual(stats["Packets by protocol revision"],
                             dict(collections.Counter(str(p[1]) for p in packets)), cap)
            self.assertEqual(stats["Packets by type"], dict(collections.Counter(p[2] for p in packets)), cap)
            self.assertEqual(stats["Packets by namespace"], dict(collections.Counter(p[3] for p in packets)), cap)
            events = collections.Counter()
            for d, _, t, _, name in packets:
                if name is not None:
                    events[name] += 1
                    events[name + "/" + ("client-to-server" if d == "c2s" else "server-to-client")] += 1
            self.assertEqual(stats["Events by name"], dict(events), cap)
            latency = stats.get("Ack latency by event name (ms)", {})
            acks = sum(1 for p in packets if p[2] in ("ack", "binary_ack"))
            self.assertEqual(totals.get("Ack latency by event name (ms)", 0), acks, cap)
            self.assertEqual(sum(latency.values()), acks, cap)


if __name__ == "__main__":
    unittest.main()

"""Hostile sizes, counts and depths through the real tshark with the plugin: deep JSON, hundreds of thousands
of packets in one body, thousands of attachments, namespaces and event names, and an endless session.

Each input is a synthetic pcap written here (synth.py): a test fixture, not traffic. Nothing here times
anything; memory is read from the peak resident size that /usr/bin/time reports, with the plugin and with
its protocols disabled, in the same run."""

import collections
import os
import unittest

from siotshark import Tshark
from synth import polling, websocket, ws_frame
from test_sessions import parse_stats

OPEN = b'0{"sid":"%s","upgrades":[],"pingInterval":25000,"pingTimeout":20000}'
TREE_LIMIT = "The tree item limit (gui.max_tree_items = 1000000) is reached"
DISABLED = ["--disable-protocol", "sio", "--disable-protocol", "eio"]


DEPTHS = (10, 255, 256, 300, 100000)


def rows(out):
    return [line.split("\t") for line in out.splitlines()]


# The hostile inputs, also run through the sanitized plugin (test_plugin_fuzz).
def build_deep(pc):
    ws = websocket(pc, 40001)
    ws.send(False, ws_frame(OPEN % b"d1"))
    for d in DEPTHS:
        ws.send(False, ws_frame(b'42["deep",' + b"[" * d + b"]" * d + b"]"))
    pv = pc.tcp(40002)
    for d in DEPTHS:
        polling(pv, "/socket.io/1/xhr-polling/d2", b'5:::{"name":"deep","args":[' + b"[" * d + b"]" * d + b"]}")


def build_tiny(n):
    def build(pc):
        pv = pc.tcp(40003)
        polling(pv, "/socket.io/?EIO=4&transport=polling&sid=t1", b"\x1e".join([b"2"] * n))
        pv = pc.tcp(40004)
        polling(pv, "/socket.io/1/xhr-polling/t2", b"\xef\xbf\xbd3\xef\xbf\xbd2::" * n)
    return build


def build_attachments(n):
    def build(pc):
        ws = websocket(pc, 40005)
        ws.send(False, ws_frame(OPEN % b"a1"))
        ph = b",".join(b'{"_placeholder":true,"num":%d}' % i for i in range(n))
        ws.send(False, ws_frame(b"45%d-[\"up\",%s]" % (n, ph)))
        for i in range(n):
            ws.send(False, ws_frame(b"\x01\x02" + str(i).encode(), binary=True), step_usec=10)
    return build


def build_names(n):
    def build(pc):
        ws = websocket(pc, 40006)
        ws.send(False, ws_frame(OPEN % b"s1"))
        for i in range(n):
            ws.send(False, ws_frame(b'42/ns%d,["ev%d",%d]' % (i, i, i)))
    return build


def build_masked(pc):
    ws = websocket(pc, 40007)
    # a Socket.IO session (its CONNECT first): there a message that does not decode is malformed
    ws.send(False, ws_frame(OPEN % b"m1") + ws_frame(b"40"))
    ws.send(True, ws_frame(b'42["big",[' + b",".join([b'"abcdefgh"'] * 40000) + b"]]", masked=True))


class ResourceBounds(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.ts = Tshark.get()

    def assert_no_dissector_bug(self, args):
        rc, out, err = self.ts.run(args, full=True)
        self.assertEqual(rc, 0, err[-2000:])
        self.assertNotIn("Dissector bug", out + err)
        self.assertNotIn("Malformed Packet", out)
        return out

    def test_deep_json_is_bounded_and_named(self):
        path = self.ts.synth("deep.pcap", build_deep)
        out = self.assert_no_dissector_bug(["-r", path, "-Y", "sio", "-T", "fields", "-e", "sio.name", "-e",
                                            "_ws.expert.message", "-E", "occurrence=a", "-E", "aggregator=|"])
        got = [(name, [m for m in messages.split("|") if m.startswith("Malformed")]) for name, messages in rows(out)]
        # the outer array counts as one level: up to 255 nested arrays inside it decode
        deep = "Malformed Socket.IO packet: JSON nested too deeply (at byte %d)"
        self.assertEqual(got, [("deep", []), ("deep", [])] + [("", [deep % 2])] * 3 +
                         # 0.x: the event object and its args array are two levels more
                         [("deep", [])] + [("", [deep % 4])] * 4)
        # every field built, Wireshark's JSON dissector included, in two passes
        self.assert_no_dissector_bug(["-r", path, "-2", "-V"])

    def test_hundreds_of_thousands_of_packets_in_one_body(self):
        n = 300000
        path = self.ts.synth("tiny.pcap", build_tiny(n))
        out = self.assert_no_dissector_bug(["-r", path, "-Y", "http.response", "-T", "fields", "-e",
                                            "_ws.expert.message", "-E", "occurrence=a", "-E", "aggregator=|"])
        for row in out.splitlines():
            # more than the tree can hold: said once per frame, and no Dissector bug
            self.assertEqual(sum(m.startswith(TREE_LIMIT) for m in row.split("|")), 1, row)
        # decoded in full all the same: the statistics count every packet
        stats, _ = parse_stats(self.ts.run(["-r", path, "-q", "-z", "sio,tree"]))
        self.assertEqual(stats["Packets by type"], {"heartbeat": n})
        self.assert_no_dissector_bug(["-r", path, "-V"])

    def test_thousands_of_attachments_are_linked(self):
        n = 10000
        path = self.ts.synth("attachments.pcap", build_attachments(n))
        out = self.assert_no_dissector_bug(["-r", path, "-2", "-Y", "websocket", "-T", "fields", "-e", "frame.number",
                                            "-e", "sio.attachments", "-e", "sio.attachment.num", "-e",
                                            "sio.attachment.event", "-e", "_ws.expert.message", "-E", "occurrence=a"])
        got = rows(out)
        event = [r for r in got if r[1]]
        self.assertEqual(len(event), 1)
        self.assertEqual(event[0][1], str(n))
        binary = [r for r in got if r[2]]
        self.assertEqual([int(r[2]) for r in binary], list(range(n)))
        self.assertTrue(all(r[3] == event[0][0] for r in binary))
        self.assertFalse([r for r in got if "no binary event" in r[4]])
        # the event links each placeholder to its frame
        links = self.ts.run(["-r", path, "-2", "-Y", "frame.number == %s" % event[0][0], "-T", "fields", "-e",
                             "sio.attachment.frame", "-E", "occurrence=a", "-E", "aggregator=,"])
        self.assertEqual(links.strip().split(","), [r[0] for r in binary])

    def test_statistics_with_thousands_of_namespaces_and_names(self):
        n = 5000
        path = self.ts.synth("names.pcap", build_names(n))
        stats, totals = parse_stats(self.ts.run(["-r", path, "-q", "-z", "sio,tree"]))
        self.assertEqual(totals["Packets by namespace"], n)
        self.assertEqual(stats["Packets by namespace"], {"/ns%d" % i: 1 for i in range(n)})
        self.assertEqual({k: v for k, v in stats["Events by name"].items() if "/" not in k},
                         {"ev%d" % i: 1 for i in range(n)})

    def test_masked_message_cut_by_websocket_unmasking_is_named_truncated(self):
        # Wireshark 4.0 and 4.4 unmask at most 256 KiB of a client frame and hand that on: the JSON then ends
        # early, and says so. 4.6's WebSocket dissector stops at that limit itself ("Packet size limited during
        # capture: WebSocket truncated"), with or without the plugin, and hands nothing on.
        path = self.ts.synth("masked.pcap", build_masked)
        out = self.assert_no_dissector_bug(["-r", path, "-Y", "sio", "-T", "fields", "-e", "_ws.expert.message"])
        if out.strip():
            self.assertIn("Malformed Socket.IO packet: JSON text ends before its arrays and objects close (at byte "
                          "262144)", out)
        else:
            self.assertGreaterEqual(self.ts.version, (4, 6))
            for extra in ([], DISABLED):
                short = self.ts.run(["-r", path, "-Y", "websocket && _ws.short", *extra, "-T", "fields",
                                     "-e", "frame.number"])
                self.assertEqual(short.split(), ["17"], extra)

    def test_many_messages_in_one_segment(self):
        # tshark stops a frame at gui.max_tree_depth (500) protocol layers. Socket.IO over WebSocket adds no
        # layer of its own to the websocket one; the JSON tree adds one, but only in the first half. 600
        # messages in one segment decode in full with default settings (stock tshark itself, which adds a
        # text layer to each, stops after about 495 of them: checked below).
        n = 600

        def build(pc):
            ws = websocket(pc, 40009)
            ws.send(False, ws_frame(OPEN % b"l1"))
            ws.send(False, b"".join(ws_frame(b'42["m",{"i":%d}]' % i) for i in range(n)))

        path = self.ts.synth("packed.pcap", build)
        for args in ([], ["-V"], ["-2", "-V"]):
            out = self.ts.run(["-r", path, "-Y", "frame.number == 4", "-T", "fields", "-e", "sio.type", "-e",
                               "_ws.malformed", "-e", "_ws.expert.message", "-e", "json.value.number",
                               "-E", "occurrence=a", "-E", "aggregator=|"] + args)
            types, malformed, messages, numbers = out.rstrip("\n").split("\t")
            self.assertEqual(types.split("|"), ["event"] * n, args)
            self.assertEqual(malformed, "", args)
            # the JSON tree: for the first messages only, and the tree says where it stops
            shown = numbers.split("|") if numbers else []
            self.assertGreater(len(shown), 50, args)
            self.assertLess(len(shown), n, args)
            self.assertEqual(shown, [str(i) for i in range(len(shown))], args)
            self.assertIn("JSON trees of the arguments are left out from here on", messages)
        code, _, err = self.ts.run(["-r", path, "-Y", "frame.number == 4", *DISABLED], full=True)
        self.assertNotEqual(code, 0)
        self.assertIn("saved_layers_len < prefs.gui_max_tree_depth", err)

    def peak_kb(self, path, args=()):
        _, _, err = self.ts.run(["-r", path, *args], wrapper=("/usr/bin/time", "-f", "%M"), full=True)
        return int(err.split()[-1])

    def test_endless_session_memory_follows_acks_not_packets(self):
        def build(n, acks):
            def f(pc):
                ws = websocket(pc, 40008)
                ws.send(False, ws_frame(OPEN % b"e1"))
                ws.send(True, ws_frame(b"40", masked=True))
                ws.send(False, ws_frame(b'40{"sid":"x"}'))
                for i in range(n):
                    if i % 50 == 0:
                        ws.send(False, ws_frame(b"2"))
                        ws.send(True, ws_frame(b"3", masked=True))
                    if acks and i % 2:
                        ws.send(True, ws_frame(b'42%d["req",%d]' % (i, i), masked=True))
                        ws.send(False, ws_frame(b'43%d["ok"]' % i))
                    else:
                        ws.send(False, ws_frame(b'42["tick",{"n":%d,"pad":"%s"}]' % (i, b"x" * (i % 40))))
            return f

        small, large = 25000, 100000
        for acks in (False, True):
            extra = {}
            for n in (small, large):
                path = self.ts.synth("endless.pcap", build(n, acks))
                for passes in ((), ("-2",)):
                    extra[n, passes] = self.peak_kb(path, passes) - self.peak_kb(path, (*passes, *DISABLED))
            for passes in ((), ("-2",)):
                growth = (extra[large, passes] - extra[small, passes]) * 1024
                if acks:
                    # kept for later passes: about half a kilobyte per answered request (its link both ways)
                    self.assertLess(growth / ((large - small) // 2), 1024, (passes, extra))
                else:
                    # no acks: nothing kept per packet (allocator noise only, a few MB at most)
                    self.assertLess(growth / (large - small), 64, (passes, extra))


if __name__ == "__main__":
    unittest.main()

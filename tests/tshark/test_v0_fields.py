"""Filters, columns, byte highlighting and detection on the 0.x captures."""

import json
import os
import subprocess
import unittest

from siotshark import Tshark, field

CAPTURES = ["v0_websocket", "v0_xhr_polling", "v0_jsonp_polling"]
# generated from the session, whatever their value
GENERATED_ANY = {"sio.session", "sio.session.index", "sio.direction", "sio.session.start", "sio.ack_in", "sio.ack_to",
                 "sio.ack_time", "sio.heartbeat_gap"}
GENERATED = {("sio.version", "1"), ("sio.endpoint", "/"), ("sio.ack", "auto"), ("sio.args", "[]"),
             ("sio.qs", ""), ("sio.data", "")}


def frames_with(ts, capture, pred):
    return [info["frame.number"] for info, items in ts.pdml(capture + ".pcapng") if any(pred(i) for i in items)]


class Filters(unittest.TestCase):
    def test_type_event_unquoted_selects_exactly_event_frames(self):
        ts = Tshark.get()
        for cap in CAPTURES:
            want = frames_with(ts, cap, lambda i: field(i, "sio.type") == "event")
            got = ts.run(["-r", ts.capture(cap + ".pcapng"), "-Y", "sio.type == event", "-T", "fields",
                          "-e", "frame.number"]).split()
            self.assertTrue(want, cap)
            self.assertEqual(got, want, cap)

    def test_quoted_json_type_and_name_filters(self):
        ts = Tshark.get()
        for cap in CAPTURES:
            want = frames_with(ts, cap, lambda i: field(i, "sio.type") == "json")
            got = ts.run(["-r", ts.capture(cap + ".pcapng"), "-Y", 'sio.type == "json"', "-T", "fields",
                          "-e", "frame.number"]).split()
            self.assertTrue(want)
            self.assertEqual(got, want, cap)
            want = frames_with(ts, cap, lambda i: field(i, "sio.name") == "chat message")
            got = ts.run(["-r", ts.capture(cap + ".pcapng"), "-Y", 'sio.name == "chat message"', "-T", "fields",
                          "-e", "frame.number"]).split()
            self.assertTrue(want)
            self.assertEqual(got, want, cap)

    def test_fields_output_for_scripts(self):
        ts = Tshark.get()
        truth = ts.truth("v0_websocket.truth.jsonl")
        events = [t["pkt"] for t in truth if t.get("pkt", {}).get("type") == "event"]
        out = ts.run(["-r", ts.capture("v0_websocket.pcapng"), "-Y", "sio.type == event", "-T", "fields",
                      "-e", "sio.type", "-e", "sio.endpoint", "-e", "sio.name", "-e", "sio.args"])
        rows = ts.field_rows(out)
        # over WebSocket each frame carries one packet: one row per event
        self.assertEqual(len(rows), len(events))
        for row, pkt in zip(sorted(rows, key=lambda r: r[2]), sorted(events, key=lambda p: p["name"])):
            self.assertEqual(row[0], "event")
            self.assertEqual(row[1], pkt["endpoint"] or "/")
        names = sorted(r[2] for r in rows)
        self.assertEqual(names, sorted(p["name"] for p in events))
        for r in rows:
            json.loads(r[3])  # sio.args is one JSON array text

    def test_info_and_protocol_columns(self):
        ts = Tshark.get()
        out = ts.run(["-r", ts.capture("v0_websocket.pcapng"), "-Y", "sio", "-T", "fields", "-e", "_ws.col.Protocol",
                      "-e", "_ws.col.Info"])
        lines = out.splitlines()
        self.assertTrue(all(line.startswith("Socket.IO\t") for line in lines), lines[:3])
        infos = [line.split("\t", 1)[1] for line in lines]
        self.assertIn('event "chat message"', infos)
        self.assertTrue(any(i.startswith('event "add" id=') and i.endswith("+") for i in infos), infos)
        self.assertTrue(any(i.startswith("connect /chat") for i in infos), infos)
        # a polling body with several packets lists them all on one line
        out = ts.run(["-r", ts.capture("v0_xhr_polling.pcapng"), "-Y", "sio", "-T", "fields", "-e", "_ws.col.Info"])
        self.assertTrue(any(line.count(", ") >= 2 for line in out.splitlines()))

    def test_args_json_subtree(self):
        ts = Tshark.get()
        out = ts.run(["-r", ts.capture("v0_websocket.pcapng"), "-Y", "sio && json", "-T", "fields",
                      "-e", "json.value.string"])
        self.assertIn("héllo wörld ✓ 😀", out)

    def test_fields_highlight_their_bytes(self):
        ts = Tshark.get()
        checked = 0
        for cap in CAPTURES:
            for _, items in ts.pdml(cap + ".pcapng"):
                for item in items:
                    for name, show, value, size in item:
                        if not size:
                            # only values that have no bytes of their own are generated
                            if name not in GENERATED_ANY:
                                self.assertIn((name, show), GENERATED, cap)
                            continue
                        if name in ("sio.args", "sio.arg", "sio.data", "sio.qs", "sio.sid", "sio.transports"):
                            self.assertEqual(bytes.fromhex(value).decode("utf-8"), show, (cap, name))
                            checked += 1
                        elif name in ("sio.id", "sio.ack_id", "sio.type_code", "sio.length"):
                            self.assertEqual(bytes.fromhex(value).decode(), show, (cap, name))
                            checked += 1
                        elif name == "sio.name" and "\\" not in bytes.fromhex(value).decode("utf-8"):
                            self.assertEqual(bytes.fromhex(value).decode("utf-8"), show, (cap, name))
                            checked += 1
                        elif name == "sio.endpoint" and size:
                            self.assertEqual(bytes.fromhex(value).decode("utf-8"), show, (cap, name))
                            checked += 1
        self.assertGreater(checked, 300)


class Detection(unittest.TestCase):
    def test_control_capture_has_no_sio_and_keeps_its_dissection(self):
        ts = Tshark.get()
        cap = ts.capture("control_plain.pcapng")
        self.assertEqual(ts.run(["-r", cap, "-Y", "sio"]), "")
        with_plugin = ts.run(["-r", cap, "-T", "fields", "-e", "frame.protocols", "-e", "_ws.col.Info"])
        without = ts.run(["-r", cap, "--disable-protocol", "sio", "-T", "fields", "-e", "frame.protocols",
                          "-e", "_ws.col.Info"])
        self.assertEqual(with_plugin, without)
        self.assertIn("websocket", with_plugin)
        self.assertIn("data-text-lines", with_plugin)

    def test_disabled_protocol_restores_stock_dissection(self):
        ts = Tshark.get()
        cap = ts.capture("v0_xhr_polling.pcapng")
        out = ts.run(["-r", cap, "--disable-protocol", "sio", "-Y", "sio"])
        self.assertEqual(out, "")
        protos = ts.run(["-r", cap, "--disable-protocol", "sio", "-T", "fields", "-e", "frame.protocols"])
        self.assertIn("data-text-lines", protos)

    def test_preference_switches_http_detection_off(self):
        ts = Tshark.get()
        cap = ts.capture("v0_xhr_polling.pcapng")
        self.assertNotEqual(ts.run(["-r", cap, "-Y", "sio"]), "")
        self.assertEqual(ts.run(["-r", cap, "-o", "sio.detect_http:FALSE", "-Y", "sio"]), "")

    def test_responses_alone_are_detected_from_content(self):
        """Without the requests (no /socket.io/ URI in the capture), strict content checks still find
        the server's packets, and the tree says the detection is a guess."""
        ts = Tshark.get()
        truth = ts.truth("v0_xhr_polling.truth.jsonl")
        s2c = [t for t in truth if t["dir"] == "s2c" and "pkt" in t]
        src = ts.capture("v0_xhr_polling.pcapng")
        derived = os.path.join(ts.capdir, "derived_responses_only.pcapng")
        if not os.path.exists(derived):
            ts.run(["-r", src, "-Y", "tcp.srcport >= 18400 && tcp.srcport < 18500", "-w", derived])
        decoded = 0
        guessed = 0
        for info, items in ts.pdml("derived_responses_only.pcapng"):
            for item in items:
                if field(item, "sio.type") is not None:
                    decoded += 1
                if field(item, "sio.heuristic") is not None:
                    guessed += 1
        self.assertEqual(decoded, len(s2c))
        self.assertGreater(guessed, 0)


if __name__ == "__main__":
    unittest.main()

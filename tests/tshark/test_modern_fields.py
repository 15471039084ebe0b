"""Filters and detection across generations."""

import os
import unittest

from siotshark import Tshark, field

MODERN = ["m2_default", "m2_polling", "m4_default", "m4_deflate", "m4_polling", "m5_python", "m4_jsonp",
          "m2_browser_polling"]
ALL = ["v0_websocket", "v0_xhr_polling", "v0_jsonp_polling"] + MODERN


def present(ts, name):
    return os.path.exists(ts.capture(name + ".pcapng"))


class Filters(unittest.TestCase):
    def frames_where(self, ts, cap, pred):
        return [info["frame.number"] for info, items in ts.pdml_items(cap + ".pcapng")
                if any(pred(name, fields) for name, fields, _ in items)]

    def test_type_event_selects_events_of_every_generation(self):
        ts = Tshark.get()
        seen = 0
        for cap in ALL:
            if not present(ts, cap):
                continue
            want = self.frames_where(ts, cap, lambda n, f: n == "sio" and field(f, "sio.type") == "event")
            got = ts.run(["-r", ts.capture(cap + ".pcapng"), "-Y", "sio.type == event", "-T", "fields",
                          "-e", "frame.number"]).split()
            self.assertTrue(want, cap)
            self.assertEqual(got, want, cap)
            seen += 1
        self.assertGreaterEqual(seen, 8)

    def test_eio_type_ping_unquoted(self):
        ts = Tshark.get()
        for cap in MODERN:
            if not present(ts, cap):
                continue
            want = self.frames_where(ts, cap, lambda n, f: n == "eio" and field(f, "eio.type") == "2")
            got = ts.run(["-r", ts.capture(cap + ".pcapng"), "-Y", "eio.type == ping", "-T", "fields",
                          "-e", "frame.number"]).split()
            self.assertTrue(want, cap)
            self.assertEqual(got, want, cap)

    def test_open_handshake_fields(self):
        ts = Tshark.get()
        for cap in MODERN:
            if not present(ts, cap):
                continue
            out = ts.run(["-r", ts.capture(cap + ".pcapng"), "-Y", "eio.type == open", "-T", "fields", "-E", "occurrence=f",
                          "-e", "eio.version", "-e", "eio.sid", "-e", "eio.ping_interval", "-e", "eio.ping_timeout",
                          "-e", "eio.upgrades"])
            rows = [line.split("\t") for line in out.splitlines()]
            self.assertTrue(rows, cap)
            for version, sid, interval, timeout, upgrades in rows:
                self.assertIn(version, ("3", "4"))
                self.assertTrue(sid)
                self.assertGreater(int(interval), 0)
                self.assertGreater(int(timeout), 0)
                self.assertTrue(upgrades.startswith("["))

    def test_binary_attachments_linked_both_ways(self):
        ts = Tshark.get()
        for cap in MODERN:
            if not present(ts, cap):
                continue
            # two passes: the event learns where its attachments are
            out = ts.run(["-r", ts.capture(cap + ".pcapng"), "-2", "-Y", "sio.attachments", "-T", "fields",
                          "-e", "frame.number", "-e", "sio.attachments", "-e", "sio.attachment.frame"])
            rows = [line.split("\t") for line in out.splitlines()]
            self.assertTrue(rows, cap)
            for frame, count, linked in rows:
                if "," in count:
                    continue  # several binary packets in one polling body
                self.assertEqual(len(linked.split(",")), int(count), (cap, frame))
            out = ts.run(["-r", ts.capture(cap + ".pcapng"), "-Y", "sio.attachment.event", "-T", "fields",
                          "-e", "sio.attachment.event"])
            self.assertTrue(out.strip(), cap)
            self.assertEqual(ts.run(["-r", ts.capture(cap + ".pcapng"), "-2", "-Y",
                                     "sio.attachment.orphan || sio.attachment.missing"]), "", cap)

    def test_control_capture_has_no_eio(self):
        ts = Tshark.get()
        self.assertEqual(ts.run(["-r", ts.capture("control_plain.pcapng"), "-Y", "eio || sio"]), "")


if __name__ == "__main__":
    unittest.main()

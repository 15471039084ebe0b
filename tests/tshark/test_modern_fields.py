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

    def test_argument_fields_filter_alone(self):
        # A filter on one argument field builds only that field: it must select the frames whose shown tree has it.
        ts = Tshark.get()
        for cap in ["v0_websocket", "m2_default", "m4_default", "m4_polling"]:
            frames = ts.pdml_items(cap + ".pcapng")
            for name in ("sio.arg", "sio.args"):
                want = [info["frame.number"] for info, items in frames
                        if any(f[0] == name for _, fields, _ in items for f in fields)]
                got = ts.run(["-r", ts.capture(cap + ".pcapng"), "-Y", name, "-T", "fields",
                              "-e", "frame.number"]).split()
                self.assertTrue(want, (cap, name))
                self.assertEqual(got, want, (cap, name))
            # the JSON tree of the arguments, asked for by a filter alone
            with_json = ts.run(["-r", ts.capture(cap + ".pcapng"), "-Y", "sio && json", "-T", "fields",
                                "-e", "frame.number"]).split()
            want = [info["frame.number"] for info, items in frames
                    if "json" in info.get("frame.protocols", "").split(":") and any(n == "sio" for n, _, _ in items)]
            self.assertTrue(want, cap)
            self.assertEqual(with_json, want, cap)

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
            rows = ts.field_rows(out)
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
            rows = ts.field_rows(out)
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

    def test_attachment_experts_on_derived_captures(self):
        """Real captures with one frame removed (editcap): a placeholder whose attachment is gone, and an
        attachment whose event is gone, are flagged."""
        import subprocess
        ts = Tshark.get()
        for cap in ("m2_default", "m4_default"):
            src = ts.capture(cap + ".pcapng")
            out = ts.run(["-r", src, "-Y", "sio.attachment.event", "-T", "fields", "-e", "frame.number",
                          "-e", "sio.attachment.event", "-e", "sio.attachment.num"])
            rows = ts.field_rows(out)
            # an event whose attachment 0 travels alone in a later frame
            att_frame, ev_frame = next((int(a), int(e)) for a, e, n in rows if n == "0" and a != e)
            # frames after a dropped one move up by one: the attachment lands on att_frame - 1
            for drop, expert, flagged in ((att_frame, "sio.attachment.missing", ev_frame),
                                          (ev_frame, "sio.attachment.orphan", att_frame - 1)):
                derived = ts.file(f"derived-{cap}-{drop}.pcapng")
                subprocess.run(["editcap", src, derived, str(drop)], check=True, capture_output=True)
                ts.chown(derived)
                got = ts.run(["-r", derived, "-2", "-Y", expert, "-T", "fields", "-e", "frame.number"]).split()
                self.assertIn(str(flagged), got, (cap, drop, expert))

    def test_upgrade_links_the_polling_phase_it_replaces(self):
        ts = Tshark.get()
        for cap in ("m2_default", "m4_default", "m4_h2_upgrade"):
            out = ts.run(["-r", ts.capture(cap + ".pcapng"), "-Y", "eio.type == upgrade", "-T", "fields",
                          "-e", "frame.number", "-e", "sio.upgrade.replaces", "-e", "sio.session"])
            rows = ts.field_rows(out)
            self.assertEqual(len(rows), 1, cap)
            frame, replaces, session = rows[0]
            self.assertLess(int(replaces), int(frame))
            # that frame is HTTP polling of the same session
            out = ts.run(["-r", ts.capture(cap + ".pcapng"), "-Y", f"frame.number == {replaces}", "-T", "fields",
                          "-e", "frame.protocols", "-e", "sio.session", "-E", "occurrence=f"])
            protocols, polled = out.strip().split("\t")
            self.assertIn(":http2" if "_h2_" in cap else ":http", protocols)  # HTTP/2 polling, TLS WebSocket
            self.assertEqual(polled, session)

    def test_control_capture_has_no_eio(self):
        ts = Tshark.get()
        self.assertEqual(ts.run(["-r", ts.capture("control_plain.pcapng"), "-Y", "eio || sio"]), "")


if __name__ == "__main__":
    unittest.main()

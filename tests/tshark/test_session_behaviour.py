"""Two clients at once, late and missing acks, a heartbeat failure and a reconnect, on real captures whose
ground truth names each packet's session and what the server saw happen (captures/*_sessions.*)."""

import collections
import os
import unittest

from siotshark import Tshark, field

CAPTURES = ["v0_sessions", "m4_sessions"]


def truth(ts, cap):
    lines = ts.truth(cap + ".truth.jsonl")
    expect = [line["expect"] for line in lines if "expect" in line][0]
    packets = collections.Counter()
    for line in lines:
        if "pkt" in line or "sio" in line:
            packets[line["sid"]] += 1
    return lines, expect, packets


class SessionBehaviour(unittest.TestCase):
    maxDiff = None

    def items(self, ts, cap, passes=("-2",)):
        """(frame, time, fields) of every sio item."""
        out = []
        for info, items in ts.pdml_items(cap + ".pcapng", passes):
            for name, fields, _ in items:
                out.append((int(info["frame.number"]), name, fields))
        return out

    def test_sessions_separate_the_clients(self):
        ts = Tshark.get()
        for cap in CAPTURES:
            _, expect, per_sid = truth(ts, cap)
            decoded = collections.Counter()
            for frame, name, fields in self.items(ts, cap, ()):
                if name == "sio" and field(fields, "sio.type") is not None:
                    decoded[field(fields, "sio.session")] += 1
            self.assertEqual(len(per_sid), expect["sessions"], cap)
            self.assertEqual(dict(decoded), dict(per_sid), cap)

    def request_frames(self, ts, cap, want):
        """Frames of the requests described by the truth's expect entries."""
        found = {}
        for frame, name, fields in self.items(ts, cap):
            if name != "sio" or field(fields, "sio.id") is None:
                continue
            for i, w in enumerate(want):
                ep = w["nsp"] or "/"
                direction = "1" if w["dir"] == "c2s" else "2"
                if (field(fields, "sio.session") == w["sid"] and field(fields, "sio.id") == str(w["id"]) and
                        field(fields, "sio.endpoint") == ep and field(fields, "sio.direction") == direction and
                        field(fields, "sio.name") == w["event"]):
                    found[i] = (frame, fields)
        self.assertEqual(sorted(found), list(range(len(want))), (cap, want))
        return [found[i] for i in range(len(want))]

    def test_late_acks_are_linked_with_their_delay(self):
        ts = Tshark.get()
        for cap in CAPTURES:
            _, expect, _ = truth(ts, cap)
            self.assertTrue(expect["late_acks"], cap)
            acks = {frame: fields for frame, name, fields in self.items(ts, cap)
                    if name == "sio" and field(fields, "sio.ack_to") is not None}
            for (frame, fields), want in zip(self.request_frames(ts, cap, expect["late_acks"]), expect["late_acks"]):
                ack_frame = int(field(fields, "sio.ack_in"))
                ack = acks[ack_frame]
                self.assertEqual(field(ack, "sio.ack_to"), str(frame))
                delay = float(field(ack, "sio.ack_time")) * 1000
                self.assertLess(abs(delay - want["delay_ms"]), 250, (cap, delay, want))
            # the filter a user types finds them
            out = ts.run(["-r", ts.capture(cap + ".pcapng"), "-Y", "sio.ack_time > 0.5", "-T", "fields",
                          "-e", "sio.ack_to"]).split()
            self.assertEqual(len(out), len(expect["late_acks"]), cap)

    def test_unanswered_requests_are_flagged(self):
        ts = Tshark.get()
        for cap in CAPTURES:
            _, expect, _ = truth(ts, cap)
            requests = self.request_frames(ts, cap, expect["unanswered"])
            flagged = set()
            for frame, fields in requests:
                self.assertIsNone(field(fields, "sio.ack_in"), (cap, frame))
            out = ts.run(["-r", ts.capture(cap + ".pcapng"), "-2", "-Y", "sio.ack.missing", "-T", "fields",
                          "-e", "frame.number"]).split()
            flagged = {int(f) for f in out}
            # "ignored" goes unanswered while its session goes on: always flagged
            for (frame, _), want in zip(requests, expect["unanswered"]):
                if want["event"] == "ignored":
                    self.assertIn(frame, flagged, cap)
            # and nothing that was answered is flagged
            self.assertTrue(flagged <= {frame for frame, _ in requests}, (cap, flagged))

    def test_heartbeat_failure_shows_only_in_its_session(self):
        ts = Tshark.get()
        for cap in CAPTURES:
            _, expect, per_sid = truth(ts, cap)
            timed_out = {t["sid"] for t in expect["timed_out_sessions"]}
            self.assertEqual(len(timed_out), 1, cap)
            late, unclosed = set(), set()
            for frame, name, fields in self.items(ts, cap):
                if field(fields, "sio.heartbeat.late") is not None:
                    late.add(field(fields, "sio.session"))
                if field(fields, "sio.session.unclosed") is not None:
                    unclosed.add(field(fields, "sio.session"))
            # the timed-out session shows a late heartbeat or ends without close; no other session does either
            self.assertTrue(late | unclosed, cap)
            self.assertEqual((late | unclosed) - timed_out, set(), cap)

    def test_reconnect_is_a_second_session(self):
        ts = Tshark.get()
        for cap in CAPTURES:
            _, expect, _ = truth(ts, cap)
            starts = {}
            for frame, name, fields in self.items(ts, cap, ()):
                sid = field(fields, "sio.session")
                start = field(fields, "sio.session.start")
                if sid and start:
                    starts.setdefault(sid, set()).add(start)
            self.assertEqual(len(starts), expect["sessions"], cap)
            self.assertTrue(all(len(v) == 1 for v in starts.values()), starts)


if __name__ == "__main__":
    unittest.main()

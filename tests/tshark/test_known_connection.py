"""Every WebSocket message of a connection known to be Engine.IO (its upgrade request had EIO=) shows an
Engine.IO item, with the malformed expert when it does not decode, and what decodes around it is shown.

The pcap is synthetic and made here (synth.py): a test fixture, not traffic, never kept in captures/."""

import unittest

from siotshark import Tshark
from synth import Pcap, websocket, ws_frame

OPEN = b'0{"sid":"%s","upgrades":[],"pingInterval":25000,"pingTimeout":20000}'

# (message, expected expert on its frame or None)
SOCKETIO_SESSION = [
    (b'42["ok"]', None),
    (b"x1", "Malformed Engine.IO packet: unknown packet type"),  # unknown type character
    (b'{"a":1}', "Malformed Engine.IO packet: unknown packet type"),  # JSON without a type digit
    (b"4\xff\xfe", "Malformed Engine.IO packet: invalid UTF-8"),  # invalid UTF-8 in a text packet
    (b"0", "Malformed Engine.IO packet: bad Engine.IO open handshake (at byte 1)"),  # an open packet without its JSON
    (b"4", "Malformed Socket.IO packet: empty packet"),  # an empty Socket.IO message
    (b'42["after",1]', None),
]


class KnownConnection(unittest.TestCase):
    def test_every_message_has_an_item_and_faults_are_named(self):
        ts = Tshark.get()
        path = ts.file("known.pcap")
        with Pcap(path) as pc:
            ws = websocket(pc, 40011)
            ws.send(False, ws_frame(OPEN % b"k1"))
            ws.send(True, ws_frame(b"40", masked=True))  # a Socket.IO session: its CONNECT first
            ws.send(False, ws_frame(b'40{"sid":"x"}'))
            for message, _ in SOCKETIO_SESSION:
                ws.send(False, ws_frame(message))
        ts.chown(path)
        out = ts.run(["-r", path, "-Y", "websocket", "-T", "fields", "-e", "frame.number", "-e", "eio.version",
                      "-e", "sio.type", "-e", "_ws.expert.message", "-E", "occurrence=a", "-E", "aggregator=|"])
        rows = ts.field_rows(out)
        messages = rows[3:]  # after the open packet and the two CONNECTs
        self.assertEqual(len(messages), len(SOCKETIO_SESSION), rows)
        for (message, expert), (frame, eio_version, sio_type, experts) in zip(SOCKETIO_SESSION, messages):
            self.assertEqual(eio_version, "4", (message, frame))  # an Engine.IO item, always
            malformed = [e for e in experts.split("|") if e.startswith("Malformed")]
            if expert is None:
                self.assertEqual(malformed, [], message)
                self.assertEqual(sio_type, "event", message)
            else:
                self.assertEqual(len(malformed), 1, (message, experts))
                self.assertTrue(malformed[0].startswith(expert), (message, malformed))
        # the open packet and both CONNECTs decode
        self.assertEqual([r[2] for r in rows[1:3]], ["connect", "connect"])

    def test_plain_session_shows_text_without_faults(self):
        # the same texts in a session that never carried Socket.IO: the application's own messages
        ts = Tshark.get()
        path = ts.file("plain.pcap")
        texts = [b"4hello", b'4{"a":1}', b"442 is the answer", b"4", b"4caf\xc3\xa9"]
        with Pcap(path) as pc:
            ws = websocket(pc, 40012, uri="/engine.io/?EIO=4&transport=websocket")
            ws.send(False, ws_frame(OPEN % b"p1"))
            for t in texts:
                ws.send(False, ws_frame(t))
        ts.chown(path)
        out = ts.run(["-r", path, "-Y", "eio.type == message", "-T", "fields", "-e", "eio.data", "-e", "sio.type",
                      "-e", "_ws.expert.message"])
        rows = ts.field_rows(out)
        self.assertEqual([r[0] for r in rows], ["hello", '{"a":1}', "42 is the answer", "", "café"])
        self.assertEqual([r[1:] for r in rows], [["", ""]] * len(texts))

    def test_plain_engine_io_capture_is_named_engine_io(self):
        # the Protocol column of a plain Engine.IO session (two passes: decided by its first message)
        ts = Tshark.get()
        for cap in ("eio_plain_ws", "eio_plain_polling"):
            out = ts.run(["-r", ts.capture(cap + ".pcapng"), "-2", "-Y", "eio", "-T", "fields",
                          "-e", "_ws.col.Protocol"])
            self.assertEqual(set(out.split()), {"Engine.IO"}, cap)
        out = ts.run(["-r", ts.capture("m4_default.pcapng"), "-2", "-Y", "eio", "-T", "fields", "-e", "_ws.col.Protocol"])
        self.assertEqual(set(out.split()), {"Socket.IO"})


if __name__ == "__main__":
    unittest.main()

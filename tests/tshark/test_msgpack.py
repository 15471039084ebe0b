"""Socket.IO in MessagePack through the real tshark: the fields over their bytes, the binary values, Wireshark's
MessagePack subtree, the encoding preference, and hostile inputs (deep, huge, many).

The real captures (m4_msgpack_ws, m4_msgpack_polling, m5_python_msgpack) are compared packet for packet with
their truth in test_modern_truth; the synthetic pcaps here (synth.py) are test fixtures, not traffic."""

import base64
import json
import struct
import unittest

from siotshark import Tshark, field, field_bytes, fields_of
from synth import polling, websocket, ws_frame

CAPTURES = ("m4_msgpack_ws", "m4_msgpack_polling", "m5_python_msgpack")
OPEN = b'0{"sid":"%s","upgrades":[],"pingInterval":25000,"pingTimeout":20000}'


def pack(v):
    """A small MessagePack encoder for the fixtures: dict, list, str, bytes, non-negative int, None."""
    if v is None:
        return b"\xc0"
    if isinstance(v, bool):
        return b"\xc3" if v else b"\xc2"
    if isinstance(v, int):
        return bytes([v]) if v < 128 else b"\xcf" + struct.pack(">Q", v)
    if isinstance(v, str):
        b = v.encode()
        return (bytes([0xA0 | len(b)]) if len(b) < 32 else b"\xdb" + struct.pack(">I", len(b))) + b
    if isinstance(v, bytes):
        return b"\xc6" + struct.pack(">I", len(v)) + v
    if isinstance(v, list):
        return b"\xdd" + struct.pack(">I", len(v)) + b"".join(pack(x) for x in v)
    if isinstance(v, dict):
        return b"\xdf" + struct.pack(">I", len(v)) + b"".join(pack(k) + pack(x) for k, x in v.items())
    raise TypeError(v)


def event(name, *args, nsp="/", **extra):
    return pack({"type": 2, "nsp": nsp, "data": [name, *args], **extra})


CONNECT = pack({"type": 0, "nsp": "/"})


def nested(depth):
    """An event whose one argument is `depth` nested arrays (fixarray 1 headers, an empty one inside)."""
    return b"\x83\xa4type\x02\xa3nsp\xa1/\xa4data\x92\xa4deep" + b"\x91" * (depth - 1) + b"\x90"


# The hostile inputs, also run through the sanitized plugin (test_plugin_fuzz).
DEPTHS = (10, 254, 255, 300, 100000)
SEGMENT = 600


def build_msgpack(n):
    def build(pc):
        ws = websocket(pc, 40011)
        ws.send(False, ws_frame(OPEN % b"k1") + ws_frame(CONNECT, binary=True))
        for d in DEPTHS:
            ws.send(False, ws_frame(nested(d), binary=True))
        # declared lengths far past the end (str32, bin32, array32, map32)
        for head in (b"\xdb", b"\xc6", b"\xdd", b"\xdf"):
            ws.send(False, ws_frame(b"\x83\xa4type\x02\xa3nsp\xa1/\xa4data\x92\xa1e" + head + b"\xff\xff\xff\xff",
                                    binary=True))
        # many packets: one polling body of n binary packets, and 600 messages in one TCP segment (as many as
        # test_resource_bounds puts in one for JSON: the WebSocket layers of a frame are bounded)
        pv = pc.tcp(40012)
        polling(pv, "/socket.io/?EIO=4&transport=polling&sid=k2", b"b" + base64.b64encode(CONNECT))
        polling(pv, "/socket.io/?EIO=4&transport=polling&sid=k2",
                b"\x1e".join(b"b" + base64.b64encode(event("tick", i, b"\x00\x01")) for i in range(n)))
        ws = websocket(pc, 40013)
        ws.send(False, ws_frame(OPEN % b"k3") + ws_frame(CONNECT, binary=True))
        ws.send(False, b"".join(ws_frame(event("m", {"i": i}), binary=True) for i in range(SEGMENT)))
    return build


class Msgpack(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.ts = Tshark.get()

    def test_fields_cover_their_bytes(self):
        """Each field's bytes are the MessagePack value it shows: the type integer, the nsp and name strings,
        the id integer, each binary value's bytes (in sio.args as {"_binary": base64} in the same order)."""
        for cap in CAPTURES:
            names = binaries = 0
            for info, items in self.ts.pdml_items(cap + ".pcapng"):
                for proto, fields, _ in items:
                    if proto != "sio":
                        continue
                    code = int(field(fields, "sio.type_code"))
                    self.assertEqual(field_bytes(fields, "sio.type_code"), bytes([code]), info)  # a positive fixint
                    ep = field(fields, "sio.endpoint")
                    self.assertEqual(field_bytes(fields, "sio.endpoint"), ep.encode(), info)
                    if field(fields, "sio.name") is not None:
                        self.assertEqual(field_bytes(fields, "sio.name"), field(fields, "sio.name").encode(), info)
                        names += 1
                    for f in ("sio.id", "sio.ack_id"):
                        if field(fields, f) is not None:
                            raw = field_bytes(fields, f)
                            self.assertEqual(int.from_bytes(raw if len(raw) == 1 else raw[1:], "big"),
                                             int(field(fields, f)), info)
                    shown = [bytes.fromhex(f[2]) for f in fields if f[0] == "sio.binary_value"]
                    text = (field(fields, "sio.args") or "") + (field(fields, "sio.data") or "")
                    in_args = []

                    def walk(v):
                        if isinstance(v, dict):
                            if set(v) == {"_binary"}:
                                in_args.append(base64.b64decode(v["_binary"]))
                            for x in v.values():
                                walk(x)
                        elif isinstance(v, list):
                            for x in v:
                                walk(x)

                    for part in ([field(fields, "sio.args")] + [field(fields, "sio.data")]):
                        if part is not None:
                            walk(json.loads(part))
                    self.assertEqual(shown, in_args, (info, text))
                    binaries += len(shown)
            self.assertGreater(names, 20, cap)
            self.assertGreaterEqual(binaries, 5, cap)

    def test_type_filters_and_ack_links(self):
        for cap in CAPTURES:
            truth = [line for line in self.ts.truth(cap + ".truth.jsonl") if "sio" in line]
            events = sum(1 for line in truth if line["sio"]["type"] == 2)
            out = self.ts.run(["-r", self.ts.capture(cap + ".pcapng"), "-Y", "sio.type == event", "-T", "fields",
                               "-e", "sio.type", "-E", "occurrence=a", "-E", "aggregator=,"])
            self.assertEqual(sum(r.split(",").count("event") for r in out.split()), events, cap)
            acks = sum(1 for line in truth if line["sio"]["type"] == 3)
            out = self.ts.run(["-r", self.ts.capture(cap + ".pcapng"), "-2", "-Y", "sio.ack_to", "-T", "fields",
                               "-e", "sio.ack_to", "-E", "occurrence=a", "-E", "aggregator=,"])
            self.assertEqual(len(",".join(out.split()).split(",")), acks, cap)
            self.assertGreater(acks, 0, cap)

    def test_msgpack_subtree_under_the_json_preference(self):
        for cap in CAPTURES:
            cmd = ["-r", self.ts.capture(cap + ".pcapng"), "-Y", "sio.type == event", "-T", "fields", "-e",
                   "msgpack.string", "-E", "occurrence=a", "-E", "aggregator=|"]
            shown = self.ts.run(cmd).splitlines()
            self.assertTrue(shown, cap)
            for row in shown:  # every event's first key, as that dissector shows it (4.0's stops at some formats)
                self.assertIn("type", row.split("|"), (cap, row))
            off = [r for r in self.ts.run(cmd + ["-o", "sio.json_subtree:FALSE"]).splitlines() if r]
            self.assertEqual(off, [], cap)

    def test_preference_json_reads_binary_messages_as_the_applications(self):
        """Forced JSON: the MessagePack captures are plain Engine.IO sessions of binary messages."""
        for cap in CAPTURES:
            base = ["-r", self.ts.capture(cap + ".pcapng")]
            auto = self.ts.run(base + ["-Y", "sio.type"])
            self.assertTrue(auto, cap)
            forced = self.ts.run(base + ["-o", "sio.encoding:json", "-Y", "sio.type || sio.malformed || "
                                         "sio.attachment.orphan || eio.malformed"])
            self.assertEqual(forced, "", cap)
            binary = self.ts.run(base + ["-o", "sio.encoding:json", "-Y", "eio.binary", "-T", "fields", "-e",
                                         "_ws.col.Protocol"])
            self.assertEqual(set(binary.split("\n")) - {""}, {"Engine.IO"}, cap)

    def test_preference_msgpack_when_the_first_message_does_not_tell(self):
        """A session whose first binary message is no Socket.IO packet is plain Engine.IO by default; forced
        MessagePack, that message is malformed and the others are decoded."""
        def build(pc):
            ws = websocket(pc, 40010, "/socket.io/?EIO=4&transport=websocket&sid=p1")
            ws.send(False, ws_frame(pack([1, 2]), binary=True))
            ws.send(False, ws_frame(CONNECT, binary=True))
            ws.send(False, ws_frame(event("hi", "there", b"\x01\x02"), binary=True))

        path = self.ts.synth("msgpack_forced.pcap", build)
        cmd = ["-r", path, "-Y", "websocket", "-T", "fields", "-e", "sio.type", "-e", "sio.args", "-e",
               "_ws.expert.message", "-E", "occurrence=a", "-E", "aggregator=|"]
        self.assertEqual(self.ts.field_rows(self.ts.run(cmd)), [["", "", ""]] * 3)
        for extra in ([], ["-2"]):
            got = self.ts.field_rows(self.ts.run(cmd + ["-o", "sio.encoding:msgpack"] + extra))
            self.assertEqual(got[0][:2], ["", ""], extra)
            self.assertIn("Malformed Socket.IO packet: MessagePack packet is not a map (at byte 0)", got[0][2])
            self.assertEqual(got[1][:2], ["connect", ""], extra)
            self.assertEqual(got[2][:2], ["event", '["there",{"_binary":"AQI="}]'], extra)

    def test_malformed_keeps_what_decoded_around_it(self):
        def build(pc):
            ws = websocket(pc, 40014, "/socket.io/?EIO=4&transport=websocket&sid=q1")
            ws.send(False, ws_frame(CONNECT, binary=True))
            # cut inside data: type and nsp came first
            ws.send(False, ws_frame(b"\x83\xa4type\x02\xa3nsp\xa5/chat\xa4data\x92\xa5hello\xa5wo", binary=True))
            # an unknown type, nsp after it
            ws.send(False, ws_frame(b"\x82\xa4type\x09\xa3nsp\xa2/x", binary=True))

        path = self.ts.synth("msgpack_cut.pcap", build)
        for extra in ([], ["-2"]):
            got = self.ts.field_rows(self.ts.run(["-r", path, "-Y", "websocket", "-T", "fields", "-e", "sio.type", "-e",
                                    "sio.endpoint", "-e", "_ws.expert.message", "-e", "_ws.col.Info",
                                    "-E", "occurrence=a", "-E", "aggregator=|"] + extra))
            self.assertEqual(got[1][:2], ["event", "/chat"], extra)
            self.assertIn("Malformed Socket.IO packet: MessagePack value cut short by the end of the message "
                          "(at byte 29)", got[1][2])
            self.assertEqual(got[1][3], "event /chat [malformed]")
            self.assertIn("Malformed Socket.IO packet: unknown packet type (at byte 6)", got[2][2])
            self.assertEqual(got[2][1], "/x")

    def test_hostile_inputs_are_bounded_and_named(self):
        n = 20000
        path = self.ts.synth("msgpack_hostile.pcap", build_msgpack(n))
        out = self.ts.run(["-r", path, "-Y", "tcp.port == 40011 && websocket", "-T", "fields", "-e", "sio.type",
                           "-e", "_ws.expert.message", "-E", "occurrence=a", "-E", "aggregator=|"])
        got = [(t, [m for m in msgs.split("|") if m.startswith("Malformed")]) for t, msgs in self.ts.field_rows(out)]
        # the packet's map and its data array count: 254 nested arrays inside decode (256 levels); the first
        # one too many is at byte 24 + 254 (the arrays start after the name)
        deep = "Malformed Socket.IO packet: MessagePack nested too deeply (at byte 278)"
        cut = "Malformed Socket.IO packet: MessagePack value cut short by the end of the message (at byte 21)"
        past = "Malformed Socket.IO packet: length runs past the end of the payload (at byte 21)"
        self.assertEqual(got, [("connect", []), ("event", []), ("event", []), ("event", [deep]), ("event", [deep]),
                               ("event", [deep]), ("event", [cut]), ("event", [cut]), ("event", [past]),
                               ("event", [past])])
        for args in (["-q", "-z", "sio,tree"], ["-2", "-V"]):
            rc, out, err = self.ts.run(["-r", path] + args, full=True)
            self.assertEqual(rc, 0, err[-2000:])
            self.assertNotIn("Dissector bug", out + err)
            self.assertNotIn("Malformed Packet", out)
            self.assertIn("tick", out)
        # every packet of the body and of the segment decoded, in two passes, the whole tree built
        for args in ([], ["-2", "-V"]):
            out = self.ts.run(["-r", path, "-Y", "(tcp.port == 40012 && http.response) || "
                               "(tcp.port == 40013 && websocket)", "-T", "fields", "-e", "sio.name", "-e",
                               "_ws.malformed", "-e", "sio.malformed", "-E", "occurrence=a", "-E", "aggregator=,"]
                              + args)
            counts = {}
            for r in self.ts.field_rows(out):
                for name in r[0].split(","):
                    counts[name] = counts.get(name, 0) + 1
                self.assertEqual(r[1:], ["", ""])
            self.assertEqual(counts.get("tick"), n, args)
            self.assertEqual(counts.get("m"), SEGMENT, args)


if __name__ == "__main__":
    unittest.main()

"""Every modern capture (Engine.IO 3/4, Socket.IO 4/5) decodes to exactly what its server recorded.

The ground truth (captures/<name>.truth.jsonl) holds one line per Engine.IO packet the server sent or
received, and one per Socket.IO packet as the server's own socket.io-parser decoded it (binary
attachments put back in place as {"base64": ...}). The dissector's items, read from tshark's PDML,
must be the same multisets; binary attachments are resolved through the links the dissector shows.
"""

import base64
import collections
import json
import os
import unittest

from siotshark import Tshark, field, fields_of

SERVER_PORTS = range(18420, 18500)
EIO_TYPES = ["open", "close", "ping", "pong", "message", "upgrade", "noop"]
SIO_TYPES = {4: ["connect", "disconnect", "event", "ack", "error", "binary_event", "binary_ack"],
             5: ["connect", "disconnect", "event", "ack", "connect_error", "binary_event", "binary_ack"]}
CAPTURES = {  # name: (Engine.IO version, Socket.IO protocol)
    "m2_default": (3, 4), "m2_polling": (3, 4), "m4_default": (4, 5), "m4_deflate": (4, 5),
    "m4_polling": (4, 5), "m5_python": (4, 5), "m4_jsonp": (3, 4), "m2_browser_polling": (3, 4), "m4_sessions": (4, 5),
}


def canon(d):
    return json.dumps(d, sort_keys=True, ensure_ascii=False)


def b64norm(text):
    return base64.b64encode(base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_")).decode()


def truth_bin(value):
    """{"base64": X} -> "<bin:X>", recursively."""
    if isinstance(value, dict):
        if set(value) == {"base64"}:
            return "<bin:%s>" % b64norm(value["base64"])
        return {k: truth_bin(v) for k, v in value.items()}
    if isinstance(value, list):
        return [truth_bin(v) for v in value]
    return value


def resolve_placeholders(value, attachments):
    if isinstance(value, dict):
        if value.get("_placeholder") is True and "num" in value:
            num = value["num"]
            return "<bin:%s>" % base64.b64encode(attachments[num]).decode() if num < len(attachments) else "<missing>"
        return {k: resolve_placeholders(v, attachments) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve_placeholders(v, attachments) for v in value]
    return value


def expected_sio(direction, pkt, protocol):
    t = SIO_TYPES[protocol][pkt["type"]]
    out = {"dir": direction, "type": t}
    nsp = pkt.get("nsp", "/")
    if t == "connect" and "?" in nsp:
        nsp, qs = nsp.split("?", 1)
        out["qs"] = qs
    out["endpoint"] = nsp
    data = truth_bin(pkt.get("data"))
    if t in ("ack", "binary_ack"):
        out["ack_id"] = pkt["id"]
        out["args"] = data
    else:
        if "id" in pkt and pkt["id"] is not None:
            out["id"] = pkt["id"]
        if t in ("event", "binary_event"):
            out["name"] = str(data[0])
            out["args"] = data[1:]
        elif "data" in pkt:
            out["data"] = data
    if pkt.get("attachments"):
        out["attachments"] = pkt["attachments"]
    return out


def decoded_sio(direction, item, attachments):
    t = field(item, "sio.type")
    out = {"dir": direction, "type": t, "endpoint": field(item, "sio.endpoint")}
    if field(item, "sio.qs") is not None:
        out["qs"] = field(item, "sio.qs")
    if t in ("ack", "binary_ack"):
        out["ack_id"] = int(field(item, "sio.ack_id"))
    elif field(item, "sio.id") is not None:
        out["id"] = int(field(item, "sio.id"))
        assert field(item, "sio.ack") == "data", item
    if t in ("event", "binary_event", "ack", "binary_ack"):
        args = json.loads(field(item, "sio.args"))
        assert [json.loads(a) for a in fields_of(item, "sio.arg")] == args, item
        out["args"] = resolve_placeholders(args, attachments)
        if t in ("event", "binary_event"):
            out["name"] = field(item, "sio.name")
    elif field(item, "sio.data") is not None:
        out["data"] = json.loads(field(item, "sio.data"))
    if field(item, "sio.attachments") is not None:
        out["attachments"] = int(field(item, "sio.attachments"))
    return out


class ModernTruth(unittest.TestCase):
    maxDiff = None

    def decode(self, name, extra):
        """Decoded Engine.IO and Socket.IO packets, as canonical strings."""
        ts = Tshark.get()
        eio_version, protocol = CAPTURES[name]
        eio, sio, malformed = [], [], []
        pending = {"c2s": collections.deque(), "s2c": collections.deque()}  # binary events awaiting data
        events = []  # (direction, sio item, attachments list, frame)
        for info, items in ts.pdml_items(name + ".pcapng", extra):
            direction = "c2s" if int(info["tcp.dstport"]) in SERVER_PORTS else "s2c"
            frame = int(info["frame.number"])
            for proto, fields, parent in items:
                if field(fields, "eio.malformed") is not None or field(fields, "sio.malformed") is not None:
                    malformed.append((frame, fields))
                if field(fields, "sio.jsonp.callback") is not None:
                    self.assertEqual(proto, "eio", frame)  # the JSONP wrapper is Engine.IO's
                    continue
                if proto == "eio":
                    if field(fields, "eio.post_reply") is not None:
                        continue
                    self.assertEqual(field(fields, "eio.version"), str(eio_version), frame)
                    etype = EIO_TYPES[int(field(fields, "eio.type"))]
                    entry = {"dir": direction, "type": etype}
                    binary = field(fields, "eio.binary")
                    if binary is not None:
                        data = bytes.fromhex([f[2] for f in fields if f[0] == "eio.binary"][0] or "")
                        entry["data"] = "<bin:%s>" % base64.b64encode(data).decode()
                        queue = pending[direction]
                        self.assertTrue(queue, f"attachment without event in frame {frame}")
                        ev_frame, attachments, total = queue[0]
                        self.assertEqual(field(fields, "sio.attachment.event"), str(ev_frame), frame)
                        self.assertEqual(field(fields, "sio.attachment.num"), str(len(attachments)), frame)
                        attachments.append(data)
                        if len(attachments) == total:
                            queue.popleft()
                    elif etype != "message" and field(fields, "eio.data") is not None:
                        entry["data"] = field(fields, "eio.data")
                    eio.append(canon(entry))
                else:
                    # each Socket.IO packet sits inside the Engine.IO packet that carries it
                    self.assertIsNotNone(parent, frame)
                    self.assertEqual(items[parent][0], "eio", frame)
                    self.assertEqual(field(fields, "sio.version"), str(protocol), frame)
                    attachments = []
                    n = field(fields, "sio.attachments")
                    if n is not None:
                        pending[direction].append((frame, attachments, int(n)))
                    events.append((direction, fields, attachments, frame))
        for direction, fields, attachments, frame in events:
            sio.append(canon(decoded_sio(direction, fields, attachments)))
        self.assertEqual(malformed, [])
        return eio, sio

    def expected(self, name):
        ts = Tshark.get()
        _, protocol = CAPTURES[name]
        eio, sio = [], []
        for line in ts.truth(name + ".truth.jsonl"):
            if "eio" in line:
                e = line["eio"]
                entry = {"dir": line["dir"], "type": e["type"]}
                data = e.get("data")
                if isinstance(data, dict):
                    entry["data"] = truth_bin(data)
                elif data is not None and e["type"] != "message":
                    entry["data"] = data
                eio.append(canon(entry))
            elif "sio" in line:
                sio.append(canon(expected_sio(line["dir"], line["sio"], protocol)))
        return eio, sio

    def check(self, name):
        if not os.path.exists(Tshark.get().capture(name + ".pcapng")):
            self.skipTest(f"{name}.pcapng is not in captures/")
        want_eio, want_sio = self.expected(name)
        for extra in ((), ("-2",)):
            got_eio, got_sio = self.decode(name, extra)
            for got, want, what in ((got_eio, want_eio, "Engine.IO"), (got_sio, want_sio, "Socket.IO")):
                missing = collections.Counter(want) - collections.Counter(got)
                extra_items = collections.Counter(got) - collections.Counter(want)
                self.assertEqual((dict(missing), dict(extra_items)), ({}, {}), f"{name} {what} {extra}")
            self.assertTrue(got_sio)

    def test_m2_default(self):
        self.check("m2_default")

    def test_m2_polling(self):
        self.check("m2_polling")

    def test_m4_default(self):
        self.check("m4_default")

    def test_m4_deflate(self):
        self.check("m4_deflate")

    def test_m4_polling(self):
        self.check("m4_polling")

    def test_m5_python(self):
        self.check("m5_python")

    def test_m4_jsonp(self):
        self.check("m4_jsonp")

    def test_m2_browser_polling(self):
        self.check("m2_browser_polling")

    def test_m4_sessions(self):
        self.check("m4_sessions")


if __name__ == "__main__":
    unittest.main()

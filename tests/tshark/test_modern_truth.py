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
import re
import unittest

from siotshark import Tshark, field, field_bytes, fields_of

SERVER_PORTS = range(18420, 18500)
EIO_TYPES = ["open", "close", "ping", "pong", "message", "upgrade", "noop"]
SIO_TYPES = {4: ["connect", "disconnect", "event", "ack", "error", "binary_event", "binary_ack"],
             5: ["connect", "disconnect", "event", "ack", "connect_error", "binary_event", "binary_ack"]}
CAPTURES = {  # name: (Engine.IO version, Socket.IO protocol; None: plain Engine.IO, no Socket.IO)
    "m2_default": (3, 4), "m2_polling": (3, 4), "m4_default": (4, 5), "m4_deflate": (4, 5),
    "m4_polling": (4, 5), "m5_python": (4, 5), "m4_jsonp": (3, 4), "m2_browser_polling": (3, 4), "m4_sessions": (4, 5),
    "m4_custom_path": (4, 5), "m4_stale_sid": (4, 5), "m5_python_polling": (4, 5), "m5_flask_gevent": (4, 5),
    "m5_python_stale_sid": (4, 5), "m4_busy": (4, 5), "m4_tls": (4, 5),
    "m4_h2_polling": (4, 5), "m4_h2_upgrade": (4, 5),
    "eio_plain_ws": (4, None), "eio_plain_polling": (4, None),
    "m4_msgpack_ws": (4, 5), "m4_msgpack_polling": (4, 5), "m5_python_msgpack": (4, 5),
}

# Socket.IO in MessagePack: every binary Engine.IO message is one whole Socket.IO packet, its sio item inside.
MSGPACK = {"m4_msgpack_ws", "m4_msgpack_polling", "m5_python_msgpack"}


# Captures whose server logs every HTTP error reply (none is also a count to match).
ERROR_REPLY_TRUTH = {"m4_custom_path", "m4_stale_sid", "m5_python_stale_sid", "eio_plain_ws", "eio_plain_polling",
                     "m5_python_polling", "m5_flask_gevent"}


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


def sio_from_text(text):
    """A Socket.IO packet as socket.io-parser would decode it, from the text of an Engine.IO message that
    the server refused unread (a stale session's POST): type, [namespace ","], [id], [JSON]."""
    m = re.match(r"(\d)(/[^,]*,)?(\d+)?(.*)$", text, re.S)
    pkt = {"type": int(m.group(1)), "nsp": m.group(2)[:-1] if m.group(2) else "/"}
    if m.group(3):
        pkt["id"] = int(m.group(3))
    if m.group(4):
        pkt["data"] = json.loads(m.group(4))
    return pkt


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


def msgpack_values(value):
    """The dissector's JSON text of MessagePack values in the truth's form: {"_binary": X} -> "<bin:X>",
    notepack's undefined {"_undefined": true} -> {"undefined": true}, recursively."""
    if isinstance(value, dict):
        if set(value) == {"_binary"}:
            return "<bin:%s>" % b64norm(value["_binary"])
        if value == {"_undefined": True}:
            return {"undefined": True}
        return {k: msgpack_values(v) for k, v in value.items()}
    if isinstance(value, list):
        return [msgpack_values(v) for v in value]
    return value


def decoded_sio(direction, item, attachments, msgpack=False):
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
        out["args"] = msgpack_values(args) if msgpack else resolve_placeholders(args, attachments)
        if t in ("event", "binary_event"):
            out["name"] = field(item, "sio.name")
    elif field(item, "sio.data") is not None:
        data = json.loads(field(item, "sio.data"))
        out["data"] = msgpack_values(data) if msgpack else data
    if field(item, "sio.attachments") is not None:
        out["attachments"] = int(field(item, "sio.attachments"))
    return out


class ModernTruth(unittest.TestCase):
    maxDiff = None

    def decode(self, name, extra):
        """Decoded Engine.IO and Socket.IO packets, as canonical strings."""
        ts = Tshark.get()
        eio_version, protocol = CAPTURES[name]
        eio, sio, malformed, errors = [], [], [], []
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
                if field(fields, "sio.error_reply") is not None:
                    # a server's refusal (non-2xx answer): its status and body, as the server wrote them
                    body = field_bytes(fields, "sio.error_reply").decode()
                    errors.append(canon({"dir": direction, "status": int(field(fields, "sio.http_status")),
                                         "body": body}))
                    continue
                if proto == "eio":
                    if field(fields, "eio.post_reply") is not None:
                        continue
                    self.assertEqual(field(fields, "eio.version"), str(eio_version), frame)
                    etype = EIO_TYPES[int(field(fields, "eio.type"))]
                    entry = {"dir": direction, "type": etype}
                    binary = field(fields, "eio.binary")
                    if binary is not None:
                        data = field_bytes(fields, "eio.binary")
                        entry["data"] = "<bin:%s>" % base64.b64encode(data).decode()
                        if protocol is None or name in MSGPACK:
                            # plain Engine.IO: the application's own binary message; MessagePack: a Socket.IO
                            # packet (its sio item follows), never an attachment
                            self.assertIsNone(field(fields, "sio.attachment.event"), frame)
                            self.assertIsNone(field(fields, "sio.attachment.orphan"), frame)
                            eio.append(canon(entry))
                            continue
                        queue = pending[direction]
                        self.assertTrue(queue, f"attachment without event in frame {frame}")
                        ev_frame, attachments, total = queue[0]
                        self.assertEqual(field(fields, "sio.attachment.event"), str(ev_frame), frame)
                        self.assertEqual(field(fields, "sio.attachment.num"), str(len(attachments)), frame)
                        attachments.append(data)
                        if len(attachments) == total:
                            queue.popleft()
                    elif field(fields, "eio.data") is not None:
                        # other packets' text; a message's own text only in plain Engine.IO sessions
                        self.assertTrue(etype != "message" or protocol is None, frame)
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
            sio.append(canon(decoded_sio(direction, fields, attachments, name in MSGPACK)))
        self.assertEqual(malformed, [])
        return eio, sio, errors

    def expected(self, name):
        ts = Tshark.get()
        _, protocol = CAPTURES[name]
        eio, sio, errors = [], [], []
        for line in ts.truth(name + ".truth.jsonl"):
            if "eio" in line:
                e = line["eio"]
                entry = {"dir": line["dir"], "type": e["type"]}
                data = e.get("data")
                if isinstance(data, dict):
                    entry["data"] = truth_bin(data)
                elif data is not None and (e["type"] != "message" or protocol is None):
                    entry["data"] = data
                eio.append(canon(entry))
                if "rejected" in line and e["type"] == "message" and protocol is not None:
                    # refused unread by the server, but on the wire all the same
                    sio.append(canon(expected_sio(line["dir"], sio_from_text(data), protocol)))
            elif "sio" in line:
                sio.append(canon(expected_sio(line["dir"], line["sio"], protocol)))
            elif "http_error" in line:
                h = line["http_error"]
                errors.append(canon({"dir": line["dir"], "status": h["status"], "body": h["body"]}))
        return eio, sio, errors

    def check(self, name, options=()):
        if not os.path.exists(Tshark.get().capture(name + ".pcapng")):
            self.skipTest(f"{name}.pcapng is not in captures/")
        want_eio, want_sio, want_errors = self.expected(name)
        for extra in (options, ("-2", *options)):
            got_eio, got_sio, got_errors = self.decode(name, extra)
            checks = [(got_eio, want_eio, "Engine.IO"), (got_sio, want_sio, "Socket.IO")]
            if want_errors or name in ERROR_REPLY_TRUTH:
                # the recorders that log the server's error replies (older truth files do not have them)
                checks.append((got_errors, want_errors, "error replies"))
            for got, want, what in checks:
                missing = collections.Counter(want) - collections.Counter(got)
                extra_items = collections.Counter(got) - collections.Counter(want)
                self.assertEqual((dict(missing), dict(extra_items)), ({}, {}), f"{name} {what} {extra}")
            if CAPTURES[name][1] is None:
                self.assertEqual(got_sio, [])  # plain Engine.IO: no Socket.IO item at all
            else:
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

    def test_m4_custom_path(self):
        """socket.io 4 with path '/realtime/': found with default settings (EIO= and transport= in the query)."""
        self.check("m4_custom_path")

    def test_m4_stale_sid(self):
        """400 {"code":1,"message":"Session ID unknown"} answers to a stale sid: error replies, not faults."""
        self.check("m4_stale_sid")

    def test_m5_python_polling(self):
        """python-engineio answers every polling POST with OK."""
        self.check("m5_python_polling")

    def test_m5_flask_gevent(self):
        self.check("m5_flask_gevent")

    def test_m5_python_stale_sid(self):
        self.check("m5_python_stale_sid")

    def test_m4_busy(self):
        """Hundreds of WebSocket messages per TCP segment (up to 537): every one decoded, binary attachments
        included, with default settings and with the layer limit raised; stock tshark itself decodes fewer
        WebSocket messages than the capture holds with default settings (about 494 a frame)."""
        self.check("m4_busy")
        self.check("m4_busy", ("-o", "gui.max_tree_depth:5000"))
        ts = Tshark.get()
        stock = ts.run(["-r", ts.capture("m4_busy.pcapng"), "--disable-protocol", "sio", "--disable-protocol", "eio",
                        "-T", "fields", "-e", "websocket.opcode", "-E", "occurrence=a", "-E", "aggregator=,"],
                       env_extra={"WIRESHARK_ABORT_ON_DISSECTOR_BUG": None}, check=False)
        stock_text = sum(row.split(",").count("1") for row in stock.split())
        want = sum(1 for line in ts.truth("m4_busy.truth.jsonl")
                   if "eio" in line and not isinstance(line["eio"].get("data"), dict))
        self.assertLess(stock_text, want)

    def test_m4_tls(self):
        """TLS with the key log embedded in the capture: decrypted with no setting, then polling and wss."""
        self.check("m4_tls")

    def test_m4_h2_polling(self):
        """Headless Chromium polling over HTTP/2 (TLS, secrets embedded): every body decoded from its stream's
        :path, :method and direction."""
        self.check("m4_h2_polling")

    def test_m4_h2_upgrade(self):
        """Polling over HTTP/2, then the WebSocket upgrade over an HTTP/1.1 connection."""
        self.check("m4_h2_upgrade")

    def test_m4_h2_streams_preference(self):
        """sio.http2_streams (on by default) reads each body's stream headers; off, the bodies are decoded from
        their content alone: the same Engine.IO packets, each flagged as guessed, with the direction taken from
        the ports and no session from the URI."""
        ts = Tshark.get()
        cap = ts.capture("m4_h2_polling.pcapng")

        def eio_rows(*opts):
            out = ts.run(["-r", cap, *opts, "-Y", "eio", "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,",
                          "-e", "tcp.dstport", "-e", "eio.type", "-e", "sio.direction", "-e", "sio.session"])
            return ts.field_rows(out)

        on, off = eio_rows(), eio_rows("-o", "sio.http2_streams:FALSE")
        count = lambda rows: sum(len([t for t in r[1].split(",") if t]) for r in rows)
        self.assertEqual(count(on), 75)  # every Engine.IO packet of the truth (test_m4_h2_polling)
        self.assertEqual(count(off), 75)
        for rows in (on, off):
            for port, _, dirs, _ in rows:
                want = "1" if int(port) in SERVER_PORTS else "2"
                self.assertEqual(set(dirs.split(",")) - {""}, {want})
        self.assertEqual(ts.run(["-r", cap, "-Y", "eio.heuristic || sio.heuristic"]), "")
        self.assertTrue(ts.run(["-r", cap, "-o", "sio.http2_streams:FALSE", "-Y", "eio.heuristic"]))
        self.assertTrue(all(r[3] for r in on))

    def test_eio_plain_ws(self):
        """engine.io without Socket.IO: every message's text (digits, JSON-looking, empty) and binary
        message as the application sent it, no sio item and no malformed expert."""
        self.check("eio_plain_ws")

    def test_eio_plain_polling(self):
        self.check("eio_plain_polling")

    def test_m4_msgpack_ws(self):
        """socket.io-msgpack-parser over WebSocket only: each binary message a MessagePack Socket.IO packet,
        found with default settings (bin values, notepack's undefined, unicode, acks, namespaces)."""
        self.check("m4_msgpack_ws")

    def test_m4_msgpack_polling(self):
        """The same over polling (b<base64> packets) then the upgrade to WebSocket."""
        self.check("m4_msgpack_polling")

    def test_m5_python_msgpack(self):
        """python-socketio with serializer='msgpack', server and client."""
        self.check("m5_python_msgpack")

    def test_encoding_preference_forced(self):
        """MessagePack forced: the MessagePack captures decode the same; a JSON capture's binary attachments
        stay attachments (a binary event waits for them)."""
        self.check("m4_msgpack_polling", ("-o", "sio.encoding:msgpack"))
        self.check("m4_default", ("-o", "sio.encoding:msgpack"))


if __name__ == "__main__":
    unittest.main()

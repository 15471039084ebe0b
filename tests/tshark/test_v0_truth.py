"""Every Socket.IO 0.x capture decodes to exactly the packets its peers recorded.

The ground truth (captures/<name>.truth.jsonl) is what the real server logged
as sent and received, with socket.io 0.9's own parser output for each packet.
The dissector's packets, read back from tshark's PDML, must be the same
multiset: same count, same direction, same fields.
"""

import collections
import json
import unittest

from siotshark import Tshark, field, field_bytes, fields_of

CAPTURES = ["v0_websocket", "v0_xhr_polling", "v0_jsonp_polling"]
SERVER_PORTS = range(18400, 18500)
REASONS = ["transport not supported", "client not handshaken", "unauthorized"]
ADVICE = ["reconnect"]


def canon(d):
    return json.dumps(d, sort_keys=True, ensure_ascii=False)


def expected_packet(direction, pkt):
    """The fields the dissector must show, from socket.io 0.9's parser output."""
    t = pkt["type"]
    endpoint = pkt.get("endpoint", "")
    out = {"dir": direction, "type": t}
    qs = None
    if t == "connect" and "?" in endpoint:
        endpoint, qs = endpoint.split("?", 1)
    if t == "connect" and pkt.get("qs"):
        qs = pkt["qs"][1:] if pkt["qs"].startswith("?") else pkt["qs"]
    out["endpoint"] = endpoint or "/"
    if qs is not None:
        out["qs"] = qs
    if "id" in pkt:
        out["id"] = int(pkt["id"])
        out["ack"] = "data" if pkt.get("ack") == "data" else "auto"
    if t == "event":
        out["name"] = pkt["name"]
        out["args"] = pkt.get("args") or []
    elif t == "ack":
        out["ack_id"] = int(pkt["ackId"])
        out["args"] = pkt.get("args") or []
    elif t == "message":
        out["data"] = pkt.get("data", "")
    elif t == "json":
        out["data"] = pkt["data"]
    elif t == "error":
        if pkt.get("reason"):
            out["reason"] = pkt["reason"]
        if pkt.get("advice"):
            out["advice"] = pkt["advice"]
    return out


def decoded_packet(direction, item):
    t = field(item, "sio.type")
    out = {"dir": direction, "type": t, "endpoint": field(item, "sio.endpoint")}
    qs = field(item, "sio.qs")
    if qs:
        out["qs"] = qs
    if field(item, "sio.id") is not None:
        out["id"] = int(field(item, "sio.id"))
        out["ack"] = field(item, "sio.ack")
    if t in ("event", "ack"):
        if t == "event":
            out["name"] = field(item, "sio.name")
        else:
            out["ack_id"] = int(field(item, "sio.ack_id"))
        args = json.loads(field(item, "sio.args"))
        # each sio.arg is one element of sio.args, with its exact text
        assert [json.loads(a) for a in fields_of(item, "sio.arg")] == args, item
        out["args"] = args
    elif t == "message":
        out["data"] = field(item, "sio.data", "")
    elif t == "json":
        out["data"] = json.loads(field(item, "sio.data"))
    elif t == "error":
        if field(item, "sio.reason") is not None:
            out["reason"] = REASONS[int(field(item, "sio.reason"))]
        if field(item, "sio.advice") is not None:
            out["advice"] = ADVICE[int(field(item, "sio.advice"))]
    return out


def direction_of(info):
    return "c2s" if int(info["tcp.dstport"]) in SERVER_PORTS else "s2c"


class V0Truth(unittest.TestCase):
    maxDiff = None

    def check_capture(self, name, all_types=True):
        one = self.check_pass(name, (), all_types)
        two = self.check_pass(name, ("-2",), all_types)  # two passes, as the GUI dissects
        self.assertEqual(one, two)

    def check_pass(self, name, extra, all_types):
        ts = Tshark.get()
        truth = ts.truth(name + ".truth.jsonl")
        expected, handshakes, want_errors = [], [], []
        for line in truth:
            if "http_error" in line:
                h = line["http_error"]
                want_errors.append(canon({"dir": line["dir"], "status": h["status"], "body": h["body"]}))
            elif "handshake" in line:
                handshakes.append(line["handshake"])
            elif "pkt" in line:
                expected.append(canon(expected_packet(line["dir"], line["pkt"])))
        decoded, decoded_hs, malformed, errors = [], [], [], []
        for info, items in ts.pdml(name + ".pcapng", extra):
            for item in items:
                if field(item, "sio.malformed") is not None:
                    malformed.append((info, item))
                if field(item, "sio.error_reply") is not None:
                    # a refused handshake: the server's status and text, not a malformed handshake
                    body = field_bytes(item, "sio.error_reply").decode()
                    errors.append(canon({"dir": direction_of(info), "status": int(field(item, "sio.http_status")),
                                         "body": body}))
                elif field(item, "sio.sid") is not None:
                    decoded_hs.append(":".join([field(item, "sio.sid"), field(item, "sio.heartbeat_timeout"),
                                                field(item, "sio.close_timeout"), field(item, "sio.transports")]))
                elif field(item, "sio.type") is not None:
                    self.assertEqual(field(item, "sio.version"), "1")
                    decoded.append(canon(decoded_packet(direction_of(info), item)))
        self.assertEqual(malformed, [])
        self.assertEqual(sorted(errors), sorted(want_errors))
        self.assertEqual(sorted(decoded_hs), sorted(handshakes))
        missing = collections.Counter(expected) - collections.Counter(decoded)
        extra = collections.Counter(decoded) - collections.Counter(expected)
        self.assertEqual((dict(missing), dict(extra)), ({}, {}))
        self.assertEqual(len(decoded), len(expected))
        # every packet type of the scenario is there
        types = {json.loads(p)["type"] for p in decoded}
        for t in ("connect", "disconnect", "heartbeat", "message", "json", "event", "ack", "error") if all_types else ():
            self.assertIn(t, types, name)
        return sorted(decoded)

    def test_websocket(self):
        self.check_capture("v0_websocket")

    def test_xhr_polling(self):
        self.check_capture("v0_xhr_polling")

    def test_jsonp_polling(self):
        self.check_capture("v0_jsonp_polling")

    def test_refused(self):
        """socket.io 0.9 refusing handshakes (403 handshake unauthorized, 500 handshake error): error replies."""
        self.check_capture("v0_refused", all_types=False)

    def test_sessions(self):
        self.check_capture("v0_sessions", all_types=False)


if __name__ == "__main__":
    unittest.main()

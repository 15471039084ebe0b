"""Socket.IO in Wireshark's analysis tools, against the truth files.

Follow (tshark -z follow,sio,MODE,N): the transcripts of all sessions together hold every Socket.IO
packet the peers logged, once, each line decoded back into the packet's fields; each session's
transcript has as many lines as there are sio items with that sio.session.index, and the sessions are
numbered in order of first appearance. Export Objects (tshark --export-objects sio,DIR): one file per
binary attachment, holding exactly the bytes the peers logged, named after its frame, event and slot.
"""

import base64
import collections
import json
import os
import re
import shlex
import shutil
import subprocess
import urllib.parse
import unittest

import test_modern_truth as modern
import test_v0_truth as v0
from siotshark import Tshark, field

MODERN = [name for name, (_, protocol) in modern.CAPTURES.items() if protocol is not None]
V0 = ["v0_websocket", "v0_xhr_polling", "v0_jsonp_polling", "v0_sessions"]
JSON = json.JSONDecoder()
LINE = re.compile(r"(c2s|s2c) (\S+) (\w+)")
TOKEN = re.compile(r' (id|ack|attachments)=(\d+)(\+?)| (reason|advice)="([^"]*)"')


def canon(d):
    return json.dumps(d, sort_keys=True, ensure_ascii=False)


def parse_line(text):
    """A transcript line back into its fields:
    DIR NAMESPACE[?QS] TYPE ["NAME"] [id=N[+]] [ack=N] [attachments=N] [reason=".."] [advice=".."] [PAYLOAD]"""
    m = LINE.match(text)
    assert m, text
    out = {"dir": m.group(1), "type": m.group(3)}
    nsp = m.group(2)
    if "?" in nsp:
        nsp, out["qs"] = nsp.split("?", 1)
    out["endpoint"] = nsp
    rest = text[m.end():]
    if out["type"] in ("event", "binary_event") and rest.startswith(' "'):  # a payload can be a JSON string
        out["name"], end = JSON.raw_decode(rest, 1)
        rest = rest[end:]
    while True:
        t = TOKEN.match(rest)
        if not t:
            break
        if t.group(1):
            out[t.group(1)] = int(t.group(2))
            if t.group(1) == "id":
                out["marker"] = t.group(3)
        else:
            out[t.group(4)] = t.group(5)
        rest = rest[t.end():]
    assert "[malformed" not in rest, text
    if rest:
        assert rest.startswith(" "), text
        out["payload"] = rest[1:]
    return out


def follow_blocks(out):
    """tshark's follow output: {session number: (client port, server port, [records])}, a record
    (is_server, text) in the given mode's print."""
    blocks = {}
    for block in out.split("=" * 67 + "\n"):
        m = re.search(r"^Filter: sio\.session\.index == (\d+)\n", block, re.M)
        if not m:
            continue
        body = block.split("\n", 4)[4] if block.count("\n") >= 4 else ""
        blocks[int(m.group(1))] = (re.search(r"^Node 0: .*:(\d+)$", block, re.M).group(1),
                                   re.search(r"^Node 1: .*:(\d+)$", block, re.M).group(1), body)
    return blocks


def raw_records(body):
    return [(line.startswith("\t"), bytes.fromhex(line.strip())) for line in body.splitlines() if line.strip()]


def bins_placeholders(value):
    """Binary values, as the peers log them ("<bin:...>") or as the transcript shows them (placeholders): "<bin>"."""
    if isinstance(value, dict):
        if value.get("_placeholder") is True and "num" in value:
            return "<bin>"
        if set(value) == {"_binary"}:  # a MessagePack bin value, as the transcript writes it
            return "<bin>"
        return {k: bins_placeholders(v) for k, v in value.items()}
    if isinstance(value, list):
        return [bins_placeholders(v) for v in value]
    if isinstance(value, str) and value.startswith("<bin:"):
        return "<bin>"
    return value


def modern_packet(line):
    """A transcript line as test_modern_truth's decoded packet (binary values as "<bin>")."""
    p = parse_line(line)
    out = {"dir": p["dir"], "type": p["type"], "endpoint": p["endpoint"]}
    if "qs" in p:
        out["qs"] = p["qs"]
    if p["type"] in ("ack", "binary_ack"):
        out["ack_id"] = p["ack"]
    elif "id" in p:
        out["id"] = p["id"]
    if p["type"] in ("event", "binary_event", "ack", "binary_ack"):
        out["args"] = bins_placeholders(modern.msgpack_values(json.loads(p["payload"])))
        if p["type"] in ("event", "binary_event"):
            out["name"] = p["name"]
    elif "payload" in p:
        out["data"] = modern.msgpack_values(json.loads(p["payload"]))
    if "attachments" in p:
        out["attachments"] = p["attachments"]
    return canon(out)


def v0_packet(line):
    """A transcript line as test_v0_truth's decoded packet."""
    p = parse_line(line)
    out = {"dir": p["dir"], "type": p["type"], "endpoint": p["endpoint"]}
    if p.get("qs"):
        out["qs"] = p["qs"]
    if "id" in p:
        out["id"] = p["id"]
        out["ack"] = "data" if p["marker"] == "+" else "auto"
    if p["type"] == "event":
        out["name"] = p["name"]
        out["args"] = json.loads(p["payload"])
    elif p["type"] == "ack":
        out["ack_id"] = p["ack"]
        out["args"] = json.loads(p["payload"])
    elif p["type"] == "message":
        out["data"] = p.get("payload", "")
    elif p["type"] == "json":
        out["data"] = json.loads(p["payload"])
    elif p["type"] == "error":
        for k in ("reason", "advice"):
            if k in p:
                out[k] = p[k]
    return canon(out)


def truth_attachments(ts, name):
    """(label, slot, bytes) of every binary attachment the peers logged: the binary values of an event
    or ack, numbered in the order socket.io's parser numbers placeholders (depth first, in order).
    In MessagePack captures, the bin values of every packet (events, acks, CONNECT data), in wire order."""
    msgpack = "msgpack" in name
    out = []
    for line in ts.truth(name + ".truth.jsonl"):
        pkt = line.get("sio")
        if not pkt or (pkt.get("type") not in (5, 6) and not msgpack):
            continue
        found = []

        def walk(v):
            if isinstance(v, dict):
                if set(v) == {"base64"}:
                    found.append(base64.b64decode(v["base64"] + "=" * (-len(v["base64"]) % 4), altchars=b"-_"))
                    return
                for x in v.values():
                    walk(x)
            elif isinstance(v, list):
                for x in v:
                    walk(x)

        data = pkt.get("data")
        if pkt["type"] in (2, 5) and isinstance(data, list) and data:
            label, args = str(data[0]), data[1:]
        elif pkt["type"] in (3, 6):
            label, args = "ack-%d" % pkt["id"], data
        else:
            label, args = "data", data
        walk(args)
        out += [(label, slot, b) for slot, b in enumerate(found)]
    return out


class Follow(unittest.TestCase):
    maxDiff = None

    def sessions(self, name, extra=()):
        """{session number: [sio items' frames]}, {session number: its first frame} and
        {session number: frames of all its items (eio included)}, from PDML."""
        ts = Tshark.get()
        sio_items, first_frame, all_frames = collections.defaultdict(list), {}, collections.defaultdict(set)
        for info, items in ts.pdml_items(name + ".pcapng", extra):
            frame = int(info["frame.number"])
            for proto, fields, _ in items:
                n = field(fields, "sio.session.index")
                if n is None:
                    continue
                first_frame.setdefault(int(n), frame)
                all_frames[int(n)].add(frame)
                if proto == "sio" and field(fields, "sio.type") is not None:
                    sio_items[int(n)].append(frame)
        self.all_frames = all_frames
        return sio_items, first_frame

    def follow(self, name, mode, numbers, extra=()):
        ts = Tshark.get()
        args = ["-r", ts.capture(name + ".pcapng"), "-q", *extra]
        for n in numbers:
            args += ["-z", f"follow,sio,{mode},{n}"]
        blocks = follow_blocks(ts.run(args))
        self.assertEqual(sorted(blocks), sorted(numbers), name)
        return blocks

    def check(self, name, expected, convert):
        sio_items, first_frame = self.sessions(name)
        numbers = sorted(first_frame)
        # numbered 0, 1, ... in order of first appearance
        self.assertEqual(numbers, list(range(len(numbers))), name)
        self.assertEqual([first_frame[n] for n in numbers], sorted(first_frame.values()), name)
        for extra in ((), ("-2",)):
            blocks = self.follow(name, "raw", numbers, extra)
            got = []
            for n in numbers:
                records = raw_records(blocks[n][2])
                # one record per sio item of the session, and nothing else
                self.assertEqual(len(records), len(sio_items.get(n, [])), f"{name} session {n} {extra}")
                for is_server, data in records:
                    line = data.decode("utf-8")
                    self.assertEqual(line.startswith("s2c "), is_server, line)
                    got.append(convert(line))
            missing = collections.Counter(expected) - collections.Counter(got)
            extra_lines = collections.Counter(got) - collections.Counter(expected)
            self.assertEqual((dict(missing), dict(extra_lines)), ({}, {}), f"{name} {extra}")
        return blocks, sio_items

    def test_modern(self):
        for name in MODERN:
            with self.subTest(name):
                if not os.path.exists(Tshark.get().capture(name + ".pcapng")):
                    self.skipTest(f"{name}.pcapng is not in captures/")
                want = [canon(bins_placeholders(json.loads(s)))
                        for s in modern.ModernTruth("check").expected(name)[1]]
                self.check(name, want, modern_packet)

    def test_v0(self):
        ts = Tshark.get()
        for name in V0:
            with self.subTest(name):
                want = [canon(v0.expected_packet(line["dir"], line["pkt"]))
                        for line in ts.truth(name + ".truth.jsonl") if "pkt" in line]
                self.check(name, want, v0_packet)

    def test_filter_selects_the_session(self):
        """-Y 'sio.session.index == N' selects the frames of session N: those of its transcript's packets
        and of its Engine.IO packets (open, ping, upgrade) and polling replies."""
        ts = Tshark.get()
        sio_items, _ = self.sessions("m4_sessions")
        self.assertGreater(len(sio_items), 2)
        for n, frames in sio_items.items():
            out = ts.run(["-r", ts.capture("m4_sessions.pcapng"), "-Y", f"sio.session.index == {n}",
                          "-T", "fields", "-e", "frame.number"])
            selected = {int(f) for f in out.split()}
            self.assertEqual(selected, self.all_frames[n], n)
            self.assertTrue(set(frames) <= selected, n)

    def test_modes(self):
        """ascii and hex print the same records as raw, as tshark prints any stream: ascii a length line,
        then the bytes with non-printable ones as '.'; hex a hex dump; server records indented by a tab."""
        name = "m4_default"  # non-ASCII arguments
        _, first = self.sessions(name)
        n = min(first)
        raw = raw_records(self.follow(name, "raw", [n])[n][2])
        ascii_body = self.follow(name, "ascii", [n])[n][2]
        pos, got = 0, []
        while pos < len(ascii_body):
            nl = ascii_body.index("\n", pos)
            head = ascii_body[pos:nl]
            length = int(head.strip())
            got.append((head.startswith("\t"), ascii_body[nl + 1:nl + 1 + length]))
            pos = nl + 1 + length + 1
        want = [(s, "".join(chr(b) if 0x20 <= b < 0x7f else "." for b in data)) for s, data in raw]
        self.assertEqual(got, want)
        self.assertTrue(any("." in text for _, text in got if "h..llo" in text))
        hex_body = self.follow(name, "hex", [n])[n][2]
        dumped = {False: b"", True: b""}
        for line in hex_body.splitlines():
            server = line.startswith("\t")
            body = line[1:] if server else line
            # offset, two spaces, 16 bytes in hex (an extra space after the 8th), two spaces, the text
            self.assertEqual(int(body[:8], 16), len(dumped[server]), line)
            dumped[server] += bytes.fromhex("".join(body[10:59].split()))
        for server in (False, True):
            self.assertEqual(dumped[server], b"".join(d for s, d in raw if s == server))

    def test_nodes(self):
        """The Node lines name the client and the server of the session's first packet."""
        blocks = self.follow("m4_default", "raw", [0])
        client, server = blocks[0][0], blocks[0][1]
        self.assertIn(int(server), modern.SERVER_PORTS)
        self.assertNotIn(int(client), modern.SERVER_PORTS)


class ExportObjects(unittest.TestCase):
    maxDiff = None

    def export(self, name, extra=()):
        ts = Tshark.get()
        out = ts.file("eo-" + name)
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(out)
        ts.chown(out)
        ts.run(["-r", ts.capture(name + ".pcapng"), "-q", *extra, "--export-objects", f"sio,{out}"])
        files = {}
        for f in sorted(os.listdir(out)):
            with open(os.path.join(out, f), "rb") as fh:
                files[f] = fh.read()
        return files

    def test_attachments(self):
        ts = Tshark.get()
        total = 0
        for name in MODERN:
            with self.subTest(name):
                want = truth_attachments(ts, name)
                attachment_frames = {int(f) for f in ts.run(
                    ["-r", ts.capture(name + ".pcapng"), "-2", "-Y", "sio.attachment.num || sio.binary_value",
                     "-T", "fields", "-e", "frame.number"]).split()}
                for extra in ((), ("-2",)):
                    files = self.export(name, extra)
                    got = []
                    for fname, data in files.items():
                        m = re.fullmatch(r"(\d+)(?:-\d+)?_(.*)_(\d+)\.bin", fname)
                        self.assertIsNotNone(m, fname)
                        self.assertIn(int(m.group(1)), attachment_frames, fname)
                        # tshark writes characters a file name cannot hold (/ : ...) as %xx
                        got.append((urllib.parse.unquote(m.group(2)), int(m.group(3)), data))
                    self.assertEqual(collections.Counter(got), collections.Counter(want), f"{name} {extra}")
                total += len(want)
        # the captures hold attachments of events and of acks, over WebSocket and polling
        self.assertGreater(total, 20)


README = os.path.join(os.path.dirname(__file__), "..", "..", "README.md")


def readme_json_recipe():
    """The README's one-record-per-packet command: (tshark arguments after the capture, jq arguments)."""
    with open(README, encoding="utf-8") as f:
        for line in f:
            if "--no-duplicate-keys" in line and "| jq" in line:
                tshark, jq = line.strip().split(" | ", 1)
                args = shlex.split(tshark)
                assert args[:3] == ["tshark", "-r", "some.pcapng"], args
                return args[3:], shlex.split(jq)
    raise AssertionError("no JSON recipe in the README")


class JsonRecipe(unittest.TestCase):
    """The README's recipe gives one JSON record per Socket.IO packet, also where one frame holds hundreds."""

    def records(self, name):
        ts = Tshark.get()
        args, jq = readme_json_recipe()
        out = ts.run(["-r", ts.capture(name + ".pcapng"), *args])
        proc = subprocess.run(jq, input=out.encode(), capture_output=True, check=True)
        return [json.loads(line) for line in proc.stdout.decode().splitlines()]

    def test_m4_busy(self):
        ts = Tshark.get()
        records = self.records("m4_busy")
        want = [json.loads(s) for s in modern.ModernTruth("check").expected("m4_busy")[1]]
        self.assertEqual(len(records), len(want))
        per_frame = collections.Counter(r["frame"] for r in records)
        self.assertGreater(max(per_frame.values()), 400)  # hundreds of packets in one frame
        got = collections.Counter()
        for r in records:
            p = {"dir": r["dir"], "type": r["type"], "endpoint": r["nsp"]}
            if r["type"] in ("ack", "binary_ack"):
                p["ack_id"] = int(r["ack"])
                p["args"] = bins_placeholders(r["args"])
            elif r["type"] in ("event", "binary_event"):
                p["name"] = r["name"]
                p["args"] = bins_placeholders(r["args"])
            got[canon(p)] += 1
        keep = ("dir", "type", "endpoint", "name", "args", "ack_id")
        expected = collections.Counter(canon({k: bins_placeholders(v) for k, v in w.items() if k in keep})
                                       for w in want)
        self.assertEqual(got, expected)
        self.assertEqual({r["session"] for r in records} - {None}, set(
            ts.run(["-r", ts.capture("m4_busy.pcapng"), "-Y", "sio", "-T", "fields", "-e", "sio.session",
                    "-E", "occurrence=f"]).split()))

    def test_v0(self):
        ts = Tshark.get()
        records = self.records("v0_xhr_polling")
        want = [line for line in ts.truth("v0_xhr_polling.truth.jsonl") if "pkt" in line]
        self.assertEqual(len(records), len(want))
        self.assertEqual(collections.Counter((r["dir"], r["type"], r["name"]) for r in records),
                         collections.Counter((w["dir"], w["pkt"]["type"], w["pkt"].get("name")) for w in want))


if __name__ == "__main__":
    unittest.main()

"""Every malformed input of the unit-test tables, carried as an HTTP polling body through the real tshark,
yields the expert text that names its fault, at its byte.

The pcap is synthetic and made here (synth.py: one keep-alive connection, a polling GET and its answer per
input); it is a test fixture, not traffic, and it is not kept in captures/."""

import ast
import base64
import os
import re
import unittest

import synth
from siotshark import Tshark

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
LITERAL = r'"(?:[^"\\\n]|\\.)*"'


def c_string(parts):
    return "".join(ast.literal_eval(p) for p in parts).encode("latin-1")


def table(path, name, struct="Case"):
    """Entries of `const <struct> name[] = {...};` as lists of fields (bytes for strings, str for the rest)."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    head = "const %s %s[] = {" % (struct, name)
    start = text.index(head) + len(head)
    end = text.index("\n};", start)
    body = text[start:end]
    entries, fields, parts, depth, i = [], [], [], 0, 0
    other = ""
    while i < len(body):
        c = body[i]
        if c == '"':
            m = re.match(LITERAL, body[i:])
            parts.append(m.group(0))
            i += len(m.group(0))
            continue
        if body.startswith("//", i):
            i = body.index("\n", i)
            continue
        if c == "{":
            depth += 1
            fields, parts, other = [], [], ""
        elif c in ",}" and depth == 1:
            if parts:
                fields.append(c_string(parts))
            elif other.strip():
                fields.append(other.strip())
            parts, other = [], ""
            if c == "}":
                depth -= 1
                entries.append(fields)
        elif depth == 1 and not c.isspace() and c not in "#":
            other += c
        i += 1
    return entries


def describe():
    with open(os.path.join(ROOT, "core", "src", "text.cpp"), encoding="utf-8") as f:
        text = f.read()
    return dict(re.findall(r'case Error::(\w+): return "([^"]*)";', text))


def fault_of(expect):
    m = re.search(r"(?:fault=|=> )(\w+)@(\d+)\s*$", expect)
    return (m.group(1), int(m.group(2))) if m and m.group(1) != "ok" else None


class Malformed(unittest.TestCase):
    def cases(self):
        """(request URI, body, expected expert text)."""
        text = describe()
        unit = os.path.join(ROOT, "tests", "unit")
        out = []
        for inp, expect in table(os.path.join(unit, "v1_test.cpp"), "kPackets"):
            f = fault_of(expect.decode("latin-1"))
            if f and inp:
                out.append(("/socket.io/1/xhr-polling/s1", inp,
                            "Malformed Socket.IO packet: %s (at byte %d)" % (text[f[0]], f[1])))
        for inp, expect in table(os.path.join(unit, "v1_test.cpp"), "kPayloads"):
            f = fault_of(expect.decode("latin-1"))
            if f and inp and inp.startswith(b"\xef\xbf\xbd"):
                out.append(("/socket.io/1/xhr-polling/s1", inp,
                            "Malformed Socket.IO payload framing: %s (at byte %d)" % (text[f[0]], f[1])))
        for inp, _, version, expect in table(os.path.join(unit, "modern_test.cpp"), "kModern"):
            f = fault_of(expect.decode("latin-1"))
            if f and inp and version == "5":
                if f[0] == "bad_utf8":
                    # invalid UTF-8 already breaks the Engine.IO text packet around it
                    out.append(("/socket.io/?EIO=4&transport=polling&sid=s2", b"4" + inp,
                                "Malformed Engine.IO packet: %s (at byte " % text[f[0]]))
                    continue
                # inside an Engine.IO 4 message: one byte further
                out.append(("/socket.io/?EIO=4&transport=polling&sid=s2", b"4" + inp,
                            "Malformed Socket.IO packet: %s (at byte %d)" % (text[f[0]], f[1] + 1)))
        for inp, _, version, expect in table(os.path.join(unit, "modern_test.cpp"), "kEioText"):
            f = fault_of(expect.decode("latin-1"))
            if f and inp and version == "4":
                out.append(("/socket.io/?EIO=4&transport=polling&sid=s2", inp,
                            "Malformed Engine.IO packet: %s (at byte %d)" % (text[f[0]], f[1])))
        for _, length, inp, expect in table(os.path.join(unit, "msgpack_test.cpp"), "kBad", "Bad"):
            self.assertEqual(len(inp), int(length))
            f = fault_of(expect.decode("latin-1"))
            if f and inp:
                # a binary Engine.IO 4 message (b<base64>) of a MessagePack session: at its byte in the decoded data
                out.append(("/socket.io/?EIO=4&transport=polling&sid=s3", b"b" + base64.b64encode(inp),
                            "Malformed Socket.IO packet: %s (at byte %d)" % (text[f[0]], f[1])))
        return out

    def test_every_malformed_input_is_named_in_the_tree(self):
        ts = Tshark.get()
        cases = self.cases()
        self.assertGreater(len(cases), 40)

        pcap = ts.file("malformed.pcap")
        with synth.Pcap(pcap) as out:
            # one keep-alive connection, a polling GET and its answer per input (a client port that no
            # version maps to another protocol: 4.4 takes 40000 for SAP NI)
            conn = out.tcp(40002)
            # The Engine.IO session opens with a Socket.IO CONNECT, as every Socket.IO session does: only in
            # a session known to carry Socket.IO is a message that does not decode as such malformed.
            opening = [("/socket.io/?EIO=4&transport=polling&sid=s2", b"40", None),
                       # a MessagePack session: its first message a MessagePack CONNECT {type: 0, nsp: "/"}
                       ("/socket.io/?EIO=4&transport=polling&sid=s3",
                        b"b" + base64.b64encode(b"\x82\xa4type\x00\xa3nsp\xa1/"), None)]
            for uri, body, _ in opening + cases:
                conn.send(True, b"GET %s HTTP/1.1\r\nHost: test\r\n\r\n" % uri.encode())
                conn.send(False, b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                                 b"Content-Length: %d\r\n\r\n" % len(body) + body)
        ts.chown(pcap)
        out = ts.run(["-r", pcap, "-Y", "http.response", "-T", "fields", "-e", "_ws.expert.message",
                      "-E", "occurrence=a", "-E", "aggregator=|"])
        rows = out.splitlines()[len(opening):]
        self.assertEqual(len(rows), len(cases))
        for (uri, body, want), row in zip(cases, rows):
            messages = row.split("|")
            if want.endswith("(at byte "):
                self.assertTrue(any(m.startswith(want) for m in messages), (uri, body, messages))
            else:
                self.assertIn(want, messages, (uri, body))
        # each of them is also flagged malformed, the way filters find it
        flagged = ts.run(["-r", pcap, "-Y", "sio.malformed || eio.malformed", "-T", "fields", "-e", "frame.number"])
        self.assertEqual(len(flagged.split()), len(cases))


if __name__ == "__main__":
    unittest.main()

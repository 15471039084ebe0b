"""The plugin, built with ASan and UBSan, on every capture mutated by editcap -E (as Wireshark's own
fuzzing does), in one pass and in two, building every field (-V), with WIRESHARK_ABORT_ON_DISSECTOR_BUG.
No sanitizer report, no dissector bug, no crash."""

import os
import subprocess
import unittest

from siotshark import Tshark
from synth import Pcap
import test_resource_bounds as hostile
import test_msgpack

ROUNDS = int(os.environ.get("SIO_FUZZ_ROUNDS", "2"))
PROBABILITIES = ["0.002", "0.02", "0.1"]  # per byte
BAD = ("AddressSanitizer", "runtime error:", "LeakSanitizer", "DissectorBug", "dissector bug", "Segmentation",
       "Aborted", "assertion")


def editable(ts, cap):
    """A copy of the capture that editcap can write: editcap 4.0 refuses the files that editcap
    --inject-secrets made (the TLS captures), tshark's own rewrite of them (secrets kept) it takes."""
    src = os.path.join(ts.capdir, cap)
    if subprocess.run(["editcap", src, os.devnull], capture_output=True).returncode == 0:
        return src
    copy = ts.file("editable-" + cap)
    if not os.path.exists(copy):
        subprocess.run(["tshark", "-r", src, "-w", copy], check=True, capture_output=True)
    return copy


class PluginFuzz(unittest.TestCase):
    def test_mutated_captures(self):
        ts = Tshark.sanitized()
        caps = sorted(c for c in os.listdir(ts.capdir) if c.endswith(".pcapng") and not c.startswith("fuzz-"))
        self.assertGreaterEqual(len(caps), 10)
        runs = 0
        for prob in PROBABILITIES:
            for rnd in range(ROUNDS):
                parts = []
                for i, cap in enumerate(caps):
                    out = ts.file(f"fuzz-{prob}-{rnd}-{i}.pcapng")
                    subprocess.run(["editcap", "-E", prob, "--seed", str(1000 * rnd + i + 1),
                                    editable(ts, cap), out], check=True, capture_output=True)
                    parts.append(out)
                merged = ts.file(f"fuzz-{prob}-{rnd}.pcapng")
                subprocess.run(["mergecap", "-a", "-w", merged] + parts, check=True, capture_output=True)
                for p in parts:
                    os.unlink(p)
                ts.chown(merged)
                for passes in ([], ["-2"]):
                    code, out, err = ts.run(["-r", merged, "-V"] + passes, full=True, env_extra=ts.sanitizer_env())
                    runs += 1
                    self.assertEqual(code, 0, f"{merged} {passes}: exit {code}\n{err[-3000:]}")
                    for word in BAD:
                        self.assertNotIn(word, err, f"{merged} {passes}:\n{err[-3000:]}")
                    if prob == PROBABILITIES[0]:
                        self.assertIn("Socket.IO", out)  # lightly mutated captures still hold Socket.IO
                os.unlink(merged)
        print(f"{runs} tshark runs over {len(caps)} captures x {len(PROBABILITIES)} probabilities x {ROUNDS} rounds")

    def test_hostile_inputs(self):
        # the resource-bound inputs (smaller counts), every field built, in two passes
        ts = Tshark.sanitized()
        for name, build in (("deep", hostile.build_deep), ("tiny", hostile.build_tiny(20000)),
                            ("attachments", hostile.build_attachments(2000)), ("names", hostile.build_names(2000)),
                            ("masked", hostile.build_masked), ("msgpack", test_msgpack.build_msgpack(2000))):
            path = ts.file(f"hostile-{name}.pcap")
            with Pcap(path) as pc:
                build(pc)
            ts.chown(path)
            for passes in ([], ["-2"]):
                # a low tree item limit, so that the path that stops at it runs too
                code, out, err = ts.run(["-r", path, "-V", "-o", "gui.max_tree_items:30000"] + passes, full=True,
                                        env_extra=ts.sanitizer_env())
                self.assertEqual(code, 0, f"{name} {passes}: exit {code}\n{err[-3000:]}")
                for word in BAD:
                    self.assertNotIn(word, err, f"{name} {passes}:\n{err[-3000:]}")
                self.assertIn("Socket.IO", out)
                self.assertNotIn("Malformed Packet", out, name)
                if name == "tiny":
                    self.assertIn("The tree item limit (gui.max_tree_items = 30000) is reached", out)
            os.unlink(path)


if __name__ == "__main__":
    unittest.main()

"""The plugin, built with ASan and UBSan, on every capture mutated by editcap -E (as Wireshark's own
fuzzing does), in one pass and in two, building every field (-V), with WIRESHARK_ABORT_ON_DISSECTOR_BUG.
No sanitizer report, no dissector bug, no crash."""

import os
import subprocess
import unittest

from siotshark import Tshark

ROUNDS = int(os.environ.get("SIO_FUZZ_ROUNDS", "2"))
PROBABILITIES = ["0.002", "0.02", "0.1"]  # per byte
BAD = ("AddressSanitizer", "runtime error:", "LeakSanitizer", "DissectorBug", "dissector bug", "Segmentation",
       "Aborted", "assertion")


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
                                    os.path.join(ts.capdir, cap), out], check=True, capture_output=True)
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


if __name__ == "__main__":
    unittest.main()

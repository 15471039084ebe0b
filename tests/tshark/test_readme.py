"""The tshark examples in the README work as written on the bundled captures."""

import os
import re
import shlex
import unittest

from siotshark import Tshark

README = os.path.join(os.path.dirname(__file__), "..", "..", "README.md")


def readme_examples():
    with open(README, encoding="utf-8") as f:
        text = f.read()
    cmds = []
    for line in text.splitlines():
        line = line.split("  #")[0].strip()
        if line.startswith("tshark -r captures/"):
            cmds.append(shlex.split(line)[1:])
    return cmds


class ReadmeExamples(unittest.TestCase):
    def test_examples_decode(self):
        ts = Tshark.get()
        cmds = readme_examples()
        self.assertGreaterEqual(len(cmds), 6)
        for args in cmds:
            args = [ts.capture(a[len("captures/"):]) if a.startswith("captures/") else a for a in args]
            out = ts.run(args)
            self.assertTrue(out.strip(), f"no output from tshark {' '.join(args)}")
            if "-Y" in args:
                flt = args[args.index("-Y") + 1]
                # every line printed belongs to a Socket.IO frame
                if "-T" not in args:
                    self.assertTrue(all("Socket.IO" in l for l in out.splitlines()), flt)


if __name__ == "__main__":
    unittest.main()

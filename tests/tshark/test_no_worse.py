"""The plugin never makes another protocol's dissection worse: on every capture in captures/ (control ones
included, TLS and HTTP/2 ones too), the frames tshark marks malformed with the plugin are those it marks
without it (--disable-protocol sio --disable-protocol eio), apart from the plugin's own experts, which are
expert items (sio.malformed, eio.malformed) and never a "Malformed Packet" exception. The one way they may
differ is fewer: a frame of many WebSocket messages that stock tshark stops at its protocol layer limit
decodes in full with the plugin (m4_busy on 4.0), which adds no layer of its own to a WebSocket message."""

import os
import unittest

from siotshark import Tshark

DISABLED = ["--disable-protocol", "sio", "--disable-protocol", "eio"]


class NoWorse(unittest.TestCase):
    def malformed_frames(self, ts, name, extra=()):
        out = ts.run(["-r", ts.capture(name), "-Y", "_ws.malformed", *extra, "-T", "fields", "-e", "frame.number"],
                     env_extra={"WIRESHARK_ABORT_ON_DISSECTOR_BUG": None})
        return out.split()

    def test_every_capture_malformed_frames_as_without_the_plugin(self):
        ts = Tshark.get()
        names = sorted(n for n in os.listdir(ts.capdir) if n.endswith(".pcapng"))
        self.assertGreater(len(names), 20)
        for name in names:
            for passes in ((), ("-2",)):
                with_plugin = self.malformed_frames(ts, name, passes)
                without = self.malformed_frames(ts, name, (*passes, *DISABLED))
                self.assertEqual([f for f in with_plugin if f not in without], [], (name, passes))
                if name != "m4_busy.pcapng":
                    self.assertEqual(with_plugin, without, (name, passes))
                else:
                    # stock tshark 4.0 stops 3 of its frames at the layer limit, 4.4 and 4.6 none
                    self.assertEqual(with_plugin, [], passes)


if __name__ == "__main__":
    unittest.main()

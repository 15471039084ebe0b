"""The plugin in the real Wireshark GUI, under Xvfb.

Wireshark (Qt) runs with the freshly built plugin as the unprivileged test user
(personal plugin folders are ignored for root), in a HOME of its own with a clean
profile. It opens captures/m4_default.pcapng with a Socket.IO packet selected;
the test then opens Statistics › Socket.IO › Packets and File › Export Objects ›
Socket.IO with xdotool key presses, checks each window by its title, and saves
all exported objects from the GUI, which must be the bytes `tshark
--export-objects sio,DIR` writes. Screenshots of the root window and of each
window are kept in $SIO_GUI_SHOTS (build/gui-screenshots/).

Needs Xvfb (xvfb), wireshark (wireshark-qt), xdotool and import (imagemagick).
"""

import os
import re
import select
import shutil
import signal
import subprocess
import time
import unittest

from siotshark import Tshark

CAPTURE = "m4_default.pcapng"
FRAME = 42  # event "whoami" id=0 /admin, answered by frame 43
SCREEN = (1280, 900)
PROGRAMS = {"Xvfb": "xvfb", "wireshark": "wireshark-qt", "xdotool": "xdotool", "import": "imagemagick"}

# A clean profile: no recent files, fixed window geometry, details pane under the list.
PREFERENCES = """\
gui.update.enabled: FALSE
gui.ask_unsaved: FALSE
gui.layout_type: 2
gui.layout_content_1: PLIST
gui.layout_content_2: PDETAILS
gui.layout_content_3: NONE
"""
RECENT_COMMON = f"""\
gui.geometry_main_x: 0
gui.geometry_main_y: 0
gui.geometry_main_width: {SCREEN[0]}
gui.geometry_main_height: {SCREEN[1]}
gui.geometry_main_maximized: FALSE
privs.warn_if_elevated: FALSE
sys.warn_if_no_capture: FALSE
"""
RECENT = """\
gui.geometry_main_upper_pane: 330
gui.byte_view_show: FALSE
gui.packet_diagram_show: FALSE
"""


def wait_for(what, probe, timeout, interval=0.2):
    """probe()'s first true value, polled until timeout seconds have passed."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


class WiresharkGui(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        missing = [f"{p} ({pkg})" for p, pkg in PROGRAMS.items() if not shutil.which(p)]
        if missing:
            raise AssertionError("missing programs: " + ", ".join(missing))
        cls.tshark = Tshark.get()  # HOME with only this plugin; checks tshark loads it
        cls.shots = os.environ.get("SIO_GUI_SHOTS") or os.path.join(cls.tshark.home, "shots")
        os.makedirs(cls.shots, exist_ok=True)
        for name in os.listdir(cls.shots):
            if name.endswith(".png"):
                os.remove(os.path.join(cls.shots, name))
        cls.xvfb = cls.wireshark = cls.xvfb_pipe = cls.log = cls.xvfb_log = None
        try:
            cls._start()
        except BaseException:
            cls._stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls._stop()

    # -- processes ---------------------------------------------------------

    @classmethod
    def _start(cls):
        home = cls.tshark.home
        profile = os.path.join(home, ".config", "wireshark")
        os.makedirs(profile, exist_ok=True)
        for name, text in (("preferences", PREFERENCES), ("recent_common", RECENT_COMMON), ("recent", RECENT)):
            with open(os.path.join(profile, name), "w", encoding="utf-8") as f:
                f.write(text)
        runtime = os.path.join(home, "xdg-runtime")
        os.makedirs(runtime, mode=0o700, exist_ok=True)
        cls.exported = os.path.join(home, "gui-export")
        os.makedirs(cls.exported, exist_ok=True)
        cls.tshark.chown(home)

        # Xvfb picks a free display and writes its number, then a newline, to the pipe once it
        # accepts clients. The read end stays open while Xvfb runs: a write to a closed pipe kills it.
        rfd, wfd = os.pipe()
        cls.xvfb_pipe = rfd
        cls.xvfb_log = open(os.path.join(cls.shots, "xvfb.log"), "wb")
        cls.xvfb = subprocess.Popen(
            ["Xvfb", "-displayfd", str(wfd), "-screen", "0", f"{SCREEN[0]}x{SCREEN[1]}x24", "-nolisten", "tcp"],
            pass_fds=(wfd,), stdout=subprocess.DEVNULL, stderr=cls.xvfb_log, start_new_session=True)
        os.close(wfd)
        number = b""
        deadline = time.monotonic() + 30
        while not number.endswith(b"\n"):
            ready, _, _ = select.select([rfd], [], [], max(0.0, deadline - time.monotonic()))
            chunk = os.read(rfd, 64) if ready else b""
            if not chunk:
                raise AssertionError(f"Xvfb did not report its display within 30 s (exit {cls.xvfb.poll()})")
            number += chunk
        number = number.decode().strip()
        if not number.isdigit():
            raise AssertionError(f"Xvfb reported display {number!r}")
        cls.display = f":{number}"

        env = {"HOME": home, "PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8",
               "DISPLAY": cls.display, "XDG_RUNTIME_DIR": runtime, "QT_QPA_PLATFORM": "xcb",
               "WIRESHARK_PLUGIN_DIR": cls.tshark.global_plugins,
               "WIRESHARK_EXTCAP_DIR": cls.tshark.global_plugins}
        cls.log = open(os.path.join(cls.shots, "wireshark.log"), "wb")
        cls.wireshark = subprocess.Popen(
            cls.tshark.prefix + ["wireshark", "-r", cls.tshark.capture(CAPTURE), "-g", str(FRAME)],
            env=env, cwd=home, stdout=cls.log, stderr=subprocess.STDOUT, start_new_session=True)
        cls.main = wait_for("Wireshark's main window", lambda: cls._window(r"^" + re.escape(CAPTURE) + r"$"), 90)

    @classmethod
    def _stop(cls):
        for proc in (cls.wireshark, cls.xvfb):
            if proc is None or proc.poll() is not None:
                continue
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
            except ProcessLookupError:
                pass
        for log in (cls.log, cls.xvfb_log):
            if log is not None:
                log.close()
        if getattr(cls, "xvfb_pipe", None) is not None:
            os.close(cls.xvfb_pipe)
            cls.xvfb_pipe = None

    # -- X helpers ---------------------------------------------------------

    @classmethod
    def _x(cls, *args, check=True):
        proc = subprocess.run(list(args), env={"DISPLAY": cls.display, "PATH": "/usr/bin:/bin"},
                              capture_output=True, timeout=30)
        if check and proc.returncode != 0:
            raise AssertionError(f"{' '.join(args)} failed: {proc.stderr.decode(errors='replace')}")
        return proc.stdout.decode(errors="replace")

    @classmethod
    def _windows(cls):
        """{window id: title} of every named window."""
        if cls.wireshark.poll() is not None:
            raise AssertionError(f"wireshark exited ({cls.wireshark.returncode}); see wireshark.log")
        ids = cls._x("xdotool", "search", "--name", ".", check=False).split()
        names = {}
        for wid in ids:
            name = cls._x("xdotool", "getwindowname", wid, check=False).strip()
            if name:
                names[wid] = name
        return names

    @classmethod
    def _window(cls, pattern):
        """The id of a window whose title matches pattern, or None."""
        for wid, name in cls._windows().items():
            if re.search(pattern, name):
                return wid
        return None

    def keys(self, window, *keys):
        self._x("xdotool", "windowfocus", "--sync", window)
        self._x("xdotool", "key", "--delay", "150", *keys)

    def shot(self, name, window="root"):
        path = os.path.join(self.shots, name + ".png")
        self._x("import", "-window", window, path)
        self.assertGreater(os.path.getsize(path), 1000)
        return path

    def close(self, window):
        """Closes a dialog with Escape and waits until it is gone."""
        def gone():
            if window not in self._windows():
                return True
            self.keys(window, "Escape")
            return False
        wait_for(f"window {window} to close", gone, 20, interval=0.5)

    def open_by_keys(self, what, title, keys, attempts=3, timeout=15):
        """Presses keys in the main window until a window whose title matches title appears;
        returns (id, title). Other windows opened on the way are closed."""
        before = set(self._windows())
        for _ in range(attempts):
            self.keys(self.main, *keys)
            try:
                return wait_for(what, lambda: self._new_window(before, title), timeout, interval=0.3)
            except AssertionError:
                self.shot(f"failed-{re.sub(r'[^a-z]+', '-', what.lower())}")
                self.keys(self.main, "Escape", "Escape", "Escape")
        raise AssertionError(f"no window titled /{title}/ appeared for {what}; windows: {self._windows()}")

    def _new_window(self, before, title):
        for wid, name in self._windows().items():
            if wid not in before and re.search(title, name):
                return wid, name
        return None

    # -- the tests ---------------------------------------------------------

    def test_1_packet_tree(self):
        """The capture opens with the Socket.IO packet selected; its tree is expanded and photographed."""
        self.assertEqual(self._windows()[self.main], CAPTURE)
        geometry = self._x("xdotool", "getwindowgeometry", self.main)
        size = re.search(r"Geometry: (\d+)x(\d+)", geometry)
        self.assertIsNotNone(size, geometry)
        width, height = int(size.group(1)), int(size.group(2))
        # the details pane fills the lower part of the main window: a click there focuses it,
        # End selects its last top-level item (Engine.IO, holding Socket.IO), Shift+Right expands it all
        self._x("xdotool", "mousemove", "--window", self.main, str(width // 4), str(height * 3 // 4), "click", "1")
        self.keys(self.main, "End", "shift+Right")
        time.sleep(0.5)  # let the tree repaint before the picture (nothing to poll for)
        self.shot("1-main-window", self.main)

    def test_2_statistics(self):
        """Statistics › Socket.IO (the last group, added by the plugin) › Packets opens the stats tree."""
        wid, name = self.open_by_keys("the Socket.IO statistics window", r"Packets · " + re.escape(CAPTURE),
                                      ["alt+s", "Up", "Right", "Return"])
        time.sleep(0.5)
        self.shot("2-statistics", wid)
        self.shot("2-statistics-screen")
        self.close(wid)

    def test_3_export_objects(self):
        """File › Export Objects › Socket.IO lists the attachments; Save All writes tshark's bytes."""
        # Export Objects is the third item from the bottom of the File menu; its submenu lists the
        # export-object taps alphabetically, so the Socket.IO entry is found from the bottom up.
        found, seen = None, set()
        for ups in range(1, 30):
            wid, name = self.open_by_keys("an Export Objects list", r"Export · .* object list",
                                          ["alt+f", "Up", "Up", "Up", "Right"] + ["Up"] * ups + ["Return"])
            if re.search(r"Export · Socket\.IO object list", name):
                found = wid
                break
            self.close(wid)
            if name in seen:  # round the whole submenu
                break
            seen.add(name)
        self.assertIsNotNone(found, "File › Export Objects has no Socket.IO entry")
        time.sleep(0.5)
        self.shot("3-export-objects", found)
        self.shot("3-export-objects-screen")

        # Save All: four Tabs from the text filter, which has the focus; the folder dialog's name
        # field has the focus, and the folder typed there is taken.
        before = set(self._windows())
        self.keys(found, "Tab", "Tab", "Tab", "Tab", "space")
        dialog, _ = wait_for("the Save All folder dialog", lambda: self._new_window(before, r"Save All Objects"), 15)
        self._x("xdotool", "windowfocus", "--sync", dialog)
        self._x("xdotool", "type", "--delay", "20", self.exported + "/")
        self.shot("3-save-all-dialog", dialog)
        self._x("xdotool", "key", "Return")

        expected_dir = self.tshark.file("tshark-export")
        os.makedirs(expected_dir, exist_ok=True)
        self.tshark.chown(expected_dir)
        self.tshark.run(["-r", self.tshark.capture(CAPTURE), "-q", "--export-objects", f"sio,{expected_dir}"])
        expected = {n: open(os.path.join(expected_dir, n), "rb").read() for n in os.listdir(expected_dir)}
        self.assertEqual(len(expected), 7, sorted(expected))

        def saved():
            names = os.listdir(self.exported)
            return len(names) >= len(expected) and names
        wait_for("the GUI's exported files", saved, 20)
        time.sleep(0.5)  # the last file may still be being written
        got = {n: open(os.path.join(self.exported, n), "rb").read() for n in os.listdir(self.exported)}
        self.assertEqual(got, expected)
        self.close(found)


if __name__ == "__main__":
    unittest.main()

"""Runs the real tshark with the freshly built plugin.

tshark ignores personal plugin folders when started as root, so as root the
tests run tshark as an unprivileged user ("siotest", created if missing) with
a HOME of its own that holds only the plugin under test and copies of the
captures. Every run checks that the plugin loaded from that folder.
"""

import atexit
import json
import os
import pwd
import re
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET

TEST_USER = "siotest"


def _env(name):
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"{name} is not set (run the tests through ctest)")
    return value


class Tshark:
    _instance = None

    @classmethod
    def get(cls):
        if cls._instance is None:
            cls._instance = cls(_env("SIO_PLUGIN"), _env("SIO_CAPTURES"), _env("SIO_WIRESHARK_ABI"))
        return cls._instance

    @classmethod
    def sanitized(cls):
        """tshark with the plugin built with AddressSanitizer and UndefinedBehaviorSanitizer."""
        if getattr(cls, "_sanitized", None) is None:
            cls._sanitized = cls(_env("SIO_ASAN_PLUGIN"), _env("SIO_CAPTURES"), _env("SIO_WIRESHARK_ABI"),
                                 preload=_env("SIO_ASAN_RUNTIME"))
        return cls._sanitized

    def __init__(self, plugin, captures, abi, preload=None):
        self.preload = preload
        self.captures_src = captures
        self.home = tempfile.mkdtemp(prefix="sio-tshark-")
        atexit.register(shutil.rmtree, self.home, True)
        os.chmod(self.home, 0o755)
        # An empty global plugin folder: no other copy of the plugin can load.
        self.global_plugins = os.path.join(self.home, "global-plugins")
        os.makedirs(self.global_plugins)
        self.plugin_dir = os.path.join(self.home, ".local", "lib", "wireshark", "plugins", abi, "epan")
        os.makedirs(self.plugin_dir)
        self.plugin = os.path.join(self.plugin_dir, "sio.so")
        shutil.copy2(plugin, self.plugin)
        self.capdir = os.path.join(self.home, "captures")
        os.makedirs(self.capdir)
        for name in os.listdir(captures):
            if name.endswith((".pcapng", ".jsonl")):
                shutil.copy2(os.path.join(captures, name), self.capdir)
        self.prefix = []
        if os.geteuid() == 0:
            try:
                pwd.getpwnam(TEST_USER)
            except KeyError:
                subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                                TEST_USER], check=True)
            subprocess.run(["chown", "-R", f"{TEST_USER}:", self.home], check=True)
            self.prefix = ["setpriv", f"--reuid={TEST_USER}", f"--regid={TEST_USER}", "--init-groups"]
        self._check_loaded()

    def sanitizer_env(self):
        if not self.preload:
            return {}
        # tshark itself is not instrumented: its leaks at exit are not ours
        return {"LD_PRELOAD": self.preload,
                "ASAN_OPTIONS": "detect_leaks=0:abort_on_error=1:allocator_may_return_null=1",
                "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1"}

    def capture(self, name):
        return os.path.join(self.capdir, name)

    def truth(self, name):
        with open(os.path.join(self.capdir, name), encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]

    def run(self, args, check=True, env_extra=None, wrapper=(), full=False):
        """tshark's standard output; with full=True, (returncode, stdout, stderr)."""
        # an empty global plugin folder and no extcap programs: only this plugin, no child processes
        env = {"HOME": self.home, "PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8",
               "WIRESHARK_ABORT_ON_DISSECTOR_BUG": "1", "WIRESHARK_PLUGIN_DIR": self.global_plugins,
               "WIRESHARK_EXTCAP_DIR": self.global_plugins}
        for k, v in (env_extra or {}).items():  # None: leave the variable out
            if v is None:
                env.pop(k, None)
            else:
                env[k] = v
        proc = subprocess.run(self.prefix + list(wrapper) + ["tshark"] + args, env=env, cwd=self.home,
                              capture_output=True, timeout=900)
        if full:
            return proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")
        if check and proc.returncode != 0:
            raise AssertionError(f"tshark {' '.join(args)} failed ({proc.returncode}): "
                                 f"{proc.stderr.decode(errors='replace')}")
        return proc.stdout.decode("utf-8", errors="replace")

    @property
    def version(self):
        """tshark's (major, minor)."""
        if getattr(self, "_version", None) is None:
            first = self.run(["-v"]).split("\n", 1)[0]  # "TShark (Wireshark) 4.4.19 ..."
            self._version = tuple(int(x) for x in first.split()[2].rstrip(".").split(".")[:2])
        return self._version

    def field_rows(self, out):
        """-T fields output as rows of values. tshark 4.4 and 4.6 escape backslash, tab, newline and
        carriage return in values (\\ \t \n \r), 4.0 does not (taken here to start with 4.2, which no
        Debian suite ships to check); the escapes are undone, so values read the same on every version."""
        rows = [line.split("\t") for line in out.splitlines()]
        if self.version < (4, 2):
            return rows
        unescape = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}
        return [[re.sub(r"\\(.)", lambda m: unescape.get(m.group(1), m.group(0)), v) for v in row] for row in rows]

    def synth(self, name, build):
        """A synthetic capture in the test home: build(pcap) writes its packets (synth.Pcap)."""
        from synth import Pcap
        path = self.file(name)
        with Pcap(path) as pc:
            build(pc)
        self.chown(path)
        return path

    def file(self, name):
        """A path in the test home, writable by the user tshark runs as."""
        path = os.path.join(self.home, name)
        return path

    def chown(self, path):
        if self.prefix:
            subprocess.run(["chown", "-R", f"{TEST_USER}:", path], check=True)

    def _check_loaded(self):
        out = self.run(["-G", "plugins"], env_extra=self.sanitizer_env())
        if self.plugin not in out:
            raise AssertionError(f"tshark did not load {self.plugin}:\n{out}")
        protos = self.run(["-G", "protocols"], env_extra=self.sanitizer_env())
        if "\tsio\t" not in protos and not any(line.split("\t")[2:3] == ["sio"] for line in protos.splitlines()):
            raise AssertionError("protocol sio is not registered")

    def pdml_items(self, capture, extra=()):
        """Frames as (fields, items): items are the sio and eio protocol items in
        document order, each (name, fields, parent index or None); fields are
        (name, show, hex value, size) of that item only, not of items inside it."""
        xml = self.run(["-r", self.capture(capture), "-T", "pdml", *extra])
        root = ET.fromstring(xml)
        frames = []
        for packet in root.iter("packet"):
            info = {}
            for field in packet.iter("field"):
                fname = field.get("name")
                if fname in ("frame.number", "tcp.srcport", "tcp.dstport", "frame.protocols"):
                    info.setdefault(fname, field.get("show"))
            items = []

            def walk(node, parent):
                for child in node:
                    if child.tag == "proto" and child.get("name") in ("sio", "eio"):
                        items.append((child.get("name"), [], parent))
                        walk(child, len(items) - 1)
                    elif child.tag == "field" and parent is not None:
                        name = child.get("name", "")
                        if name.startswith(("sio.", "eio.")):
                            items[parent][1].append((name, child.get("show"), child.get("value"),
                                                     int(child.get("size", "0"))))
                        walk(child, parent)
                    else:
                        walk(child, parent)

            walk(packet, None)
            frames.append((info, items))
        return frames

    def pdml(self, capture, extra=()):
        """Frames as (fields, sio items), each sio item a list of (name, show, hex value, size)."""
        xml = self.run(["-r", self.capture(capture), "-T", "pdml", *extra])
        root = ET.fromstring(xml)
        frames = []
        for packet in root.iter("packet"):
            info = {}
            items = []
            for proto in packet.findall("proto"):
                name = proto.get("name")
                if name == "sio":
                    fields = []
                    for field in proto.iter("field"):
                        if field.get("name", "").startswith("sio."):
                            fields.append((field.get("name"), field.get("show"), field.get("value"),
                                           int(field.get("size", "0"))))
                    items.append(fields)
                for field in proto.iter("field"):
                    fname = field.get("name")
                    if fname in ("frame.number", "tcp.srcport", "tcp.dstport", "frame.protocols"):
                        info.setdefault(fname, field.get("show"))
            frames.append((info, items))
        return frames


def fields_of(item, name):
    return [f[1] for f in item if f[0] == name]


def field(item, name, default=None):
    values = fields_of(item, name)
    return values[0] if values else default


def field_bytes(item, name):
    """The bytes of the first `name` field of an item (its hex value in the PDML), or None."""
    values = [f[2] for f in item if f[0] == name]
    return bytes.fromhex(values[0] or "") if values else None

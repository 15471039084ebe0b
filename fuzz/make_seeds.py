#!/usr/bin/env python3
"""Seed corpora for the fuzzers: the inputs of the unit tests and the payloads of the captures.

usage: make_seeds.py OUT_DIR TESTS_DIR CAPTURES_DIR
Writes OUT_DIR/raw/<sha1> (payload bytes) and OUT_DIR/corpus/<harness>/<sha1> (a selector byte, then the
payload) for each harness.
"""
import ast
import base64
import hashlib
import json
import os
import re
import subprocess
import sys

out, tests, captures = sys.argv[1], sys.argv[2], sys.argv[3]
raw = os.path.join(out, "raw")
os.makedirs(raw, exist_ok=True)
seeds = set()

# C string literals of the unit tests (adjacent literals joined, as C does)
literal = r'"(?:[^"\\\n]|\\.)*"'
for name in sorted(os.listdir(tests)):
    if not name.endswith(".cpp"):
        continue
    text = open(os.path.join(tests, name), encoding="utf-8").read()
    for m in re.finditer(r"(?:%s\s*)+" % literal, text):
        parts = re.findall(literal, m.group(0))
        try:
            value = "".join(ast.literal_eval(p) for p in parts)
        except (ValueError, SyntaxError):
            continue
        seeds.add(value.encode("latin-1", errors="ignore") if all(ord(c) < 256 for c in value)
                  else value.encode("utf-8"))

# payloads of the captures: WebSocket messages and HTTP bodies, as stock tshark reassembles them
for name in sorted(os.listdir(captures)):
    if not name.endswith(".pcapng"):
        continue
    path = os.path.join(captures, name)
    for fields in (["-Y", "websocket.payload", "-e", "websocket.payload"], ["-Y", "http.file_data", "-e", "http.file_data"]):
        res = subprocess.run(["tshark", "-r", path, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=|",
                              "-d", "tcp.port==18400-18499,http"] + fields,
                             capture_output=True, text=True)
        for line in res.stdout.splitlines():
            for item in line.split("|"):
                item = item.replace(":", "").strip()
                try:
                    data = bytes.fromhex(item)
                except ValueError:
                    data = item.encode("utf-8")
                if data and len(data) < 65536:
                    seeds.add(data)

# Engine.IO messages of the truth files (base64: the binary ones, such as MessagePack packets)
for name in sorted(os.listdir(captures)):
    if not name.endswith(".truth.jsonl"):
        continue
    for line in open(os.path.join(captures, name), encoding="utf-8"):
        data = json.loads(line).get("eio", {}).get("data")
        if isinstance(data, dict) and isinstance(data.get("base64"), str):
            seeds.add(base64.b64decode(data["base64"]))

for data in seeds:
    with open(os.path.join(raw, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)

# Each harness's first input byte picks an entry point; every seed goes in once,
# under a selector derived from its hash (libFuzzer mutates that byte too).
SELECTORS = {"fuzz_v1": 3, "fuzz_eio": 10, "fuzz_transport": 5, "fuzz_json": 4, "fuzz_msgpack": 2}
for harness, n in SELECTORS.items():
    corpus = os.path.join(out, "corpus", harness)
    os.makedirs(corpus, exist_ok=True)
    for data in seeds:
        digest = hashlib.sha1(data).digest()
        with open(os.path.join(corpus, digest.hex()), "wb") as f:
            f.write(bytes([digest[0] % n]) + data)
print(f"{len(seeds)} seeds in {raw}, corpora in {os.path.join(out, 'corpus')}")

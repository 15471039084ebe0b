#!/usr/bin/env bash
# run.sh, the README's first command, builds, installs and shows a capture decoded.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(mktemp -d /tmp/sio-runsh.XXXXXX)"
trap 'rm -rf "$build"' EXIT
out="$(SIO_BUILD_DIR="$build" "$root/run.sh" "$root/captures/v0_jsonp_polling.pcapng")"
user="${SUDO_USER:-$(id -un)}"
home="$(getent passwd "$user" | cut -d: -f6)"
installed="$home/.local/lib/wireshark/plugins/$(cat "$build/wireshark_abi.txt")/epan/sio.so"
cmp "$build/plugin/sio.so" "$installed" || { echo "FAIL: $installed is not the plugin just built"; exit 1; }
grep -q 'Socket.IO .*handshake sid=' <<<"$out" || { echo "FAIL: no handshake line"; echo "$out"; exit 1; }
grep -q 'event "chat message"' <<<"$out" || { echo "FAIL: no chat message event"; exit 1; }
grep -q '^    Event name: ' <<<"$out" || { echo "FAIL: no field tree"; exit 1; }
grep -qP '^event[^\t]*\t/[^\t]*\t[^\t]*chat message' <<<"$out" || { echo "FAIL: no fields row"; exit 1; }
echo "run.sh OK"

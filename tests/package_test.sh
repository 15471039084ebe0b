#!/usr/bin/env bash
# The .deb package: built for this Wireshark, installed, listed by `tshark -G plugins`
# from the global plugin folder, and decoding a capture as root (root's tshark reads
# only the global folder); then removed again. Needs root (or sudo).
#   package_test.sh BUILD_DIR
set -euo pipefail
build=$1
root="$(cd "$(dirname "$0")/.." && pwd)"
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }

deb="$(cmake --build "$build" --target deb 2>&1 | grep '\.deb$' | tail -n 1)"
[ -f "$deb" ] || { echo "FAIL: no package built"; exit 1; }
echo "package: $deb"
info="$(dpkg-deb -I "$deb")"
sed -n 's/^ \(Package\|Version\|Depends\):/  \1:/p' <<<"$info"
abi="$(cat "$build/wireshark_abi.txt")"
grep -q "^ Depends:.*libwireshark[0-9]* (>= $abi)" <<<"$info" ||
  { echo "FAIL: the package does not depend on libwireshark $abi"; exit 1; }

trap 'as_root dpkg -r wireshark-plugin-socketio >/dev/null 2>&1 || true' EXIT
as_root dpkg -i "$deb" >/dev/null
so="$(dpkg -L wireshark-plugin-socketio | grep '/sio\.so$')"
case "$so" in */plugins/"$abi"/epan/sio.so) ;; *) echo "FAIL: installed at $so"; exit 1 ;; esac
cmp "$so" "$build/plugin/sio.so" >/dev/null 2>&1 || echo "  (installed copy is stripped)"

listed="$(as_root tshark -G plugins 2>/dev/null | awk -F'\t' '{n = $1; sub(/ +$/, "", n)} n == "sio.so"')"
echo "tshark -G plugins: $listed"
grep -q "$so" <<<"$listed" || { echo "FAIL: tshark -G plugins does not list $so"; exit 1; }

capture="$root/captures/v0_websocket.pcapng"
expected="$(grep -c '"pkt"' "${capture%.pcapng}.truth.jsonl")"
decoded="$(as_root tshark -r "$capture" -Y sio -T fields -e sio.type 2>/dev/null | tr ',' '\n' | grep -c .)"
echo "decoded $decoded Socket.IO packets of $(basename "$capture"), truth has $expected"
[ "$decoded" = "$expected" ] || { echo "FAIL: decoded $decoded, expected $expected"; exit 1; }
echo "package OK"

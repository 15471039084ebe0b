#!/usr/bin/env bash
# Installs what is missing, builds the plugin, installs it into your personal
# Wireshark plugin folder and shows tshark decoding a capture.
#   ./run.sh                 decode the bundled captures/v0_websocket.pcapng
#   ./run.sh some.pcapng     decode that file instead
source "$(dirname "$0")/scripts/common.sh"

capture="${1:-$ROOT/captures/v0_websocket.pcapng}"
[ -f "$capture" ] || { echo "error: no such capture: $capture" >&2; exit 1; }

ensure_packages "${BUILD_PACKAGES[@]}"
build -DSIO_BUILD_TESTS=OFF

# The personal plugin folder of the user who asked (under sudo: the sudo user).
user="${SUDO_USER:-$(id -un)}"
home="$(getent passwd "$user" | cut -d: -f6)"
dest="$home/.local/lib/wireshark/plugins/$(wireshark_abi)/epan"
mkdir -p "$dest"
install -m 0755 "$BUILD/plugin/sio.so" "$dest/sio.so"
[ "$user" != "$(id -un)" ] && chown -R "$user": "$home/.local/lib/wireshark"
echo "== installed $dest/sio.so"
if [ "$user" = root ]; then
  echo "   note: Wireshark and tshark ignore personal plugins when run as root;"
  echo "   run them as a normal user, or copy sio.so to $(tshark -G folders 2>/dev/null | awk -F'\t+' '/^Global Plugins/ {print $2}')/epan"
fi

echo "== tshark -r $(basename "$capture") -Y sio"
tshark_with_plugin -r "$capture" -Y sio
echo
echo "== the Socket.IO fields of the first event with arguments (tshark -Y 'sio.type == event && sio.arg' -O sio)"
tshark_with_plugin -r "$capture" -Y "sio.type == event && sio.arg" -O sio | awk '/^Frame /{n++} n==1 && /^Socket.IO/{p=1} n>1{p=0} p'
echo
echo "== for scripts: tshark -Y sio -T fields -e sio.type -e sio.endpoint -e sio.name -e sio.args"
tshark_with_plugin -r "$capture" -Y sio -T fields -e sio.type -e sio.endpoint -e sio.name -e sio.args | awk 'NR <= 20'

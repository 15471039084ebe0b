#!/usr/bin/env bash
# Builds a Debian package of the plugin for the Wireshark it was built against
# (run through `cmake --build build --target deb`):
#   make_deb.sh SIO_SO PLUGIN_DIR VERSION WIRESHARK_ABI OUT_DIR
# The package installs SIO_SO as PLUGIN_DIR/sio.so (Wireshark's global plugin
# folder: loaded for root and every user) and depends on the packages of the
# libraries it links, the libwireshark one pinned to this major.minor version
# (a plugin loads only into the Wireshark version it was built for).
set -euo pipefail
so=$1 plugin_dir=$2 version=$3 abi=$4 out=$5

arch="$(dpkg --print-architecture)"
name=wireshark-plugin-socketio
pkg_version="$version+ws$abi"

# The package owning a library: dpkg knows it under /usr/lib or /lib (merged /usr).
owner() {
  local p=$1 alt
  dpkg -S "$p" 2>/dev/null && return 0
  case "$p" in /usr/lib/*) alt="${p#/usr}" ;; /lib/*) alt="/usr$p" ;; *) return 1 ;; esac
  dpkg -S "$alt" 2>/dev/null
}

deps=()
while read -r lib; do
  [[ $lib == ld-linux* ]] && continue   # the dynamic loader comes with libc6
  path="$(ldd "$so" | awk -v l="$lib" '$1 == l {print $3; exit}')"
  [ -n "$path" ] || { echo "error: $lib (needed by sio.so) not found" >&2; exit 1; }
  pkg="$(owner "$path" | head -n 1 | cut -d: -f1)"
  [ -n "$pkg" ] || { echo "error: no package owns $path" >&2; exit 1; }
  if [[ $lib == libwireshark.so.* ]]; then
    next="${abi%.*}.$(( ${abi#*.} + 1 ))"
    deps+=("$pkg (>= $abi), $pkg (<< $next)")
  else
    deps+=("$pkg")
  fi
done < <(objdump -p "$so" | awk '$1 == "NEEDED" {print $2}')
depends="$(printf '%s\n' "${deps[@]}" | sort -u | paste -sd, | sed 's/,\([^ ]\)/, \1/g')"

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
install -d "$stage/DEBIAN" "$stage$plugin_dir" "$stage/usr/share/doc/$name"
install -m 0644 -s "$so" "$stage$plugin_dir/sio.so" 2>/dev/null || install -m 0644 "$so" "$stage$plugin_dir/sio.so"
cat >"$stage/DEBIAN/control" <<CONTROL
Package: $name
Version: $pkg_version
Architecture: $arch
Maintainer: Socket.IO dissector developers <socketio-dissector@localhost>
Depends: $depends
Section: net
Priority: optional
Installed-Size: $(du -sk "$stage" | cut -f1)
Description: Socket.IO and Engine.IO dissector for Wireshark $abi
 A Wireshark plugin that decodes Socket.IO (0.x and 1.x-4.x) and Engine.IO
 traffic over WebSocket and HTTP long-polling into fields that can be read,
 filtered and scripted (sio.*, eio.*). Built for Wireshark $abi.
CONTROL
deb="$out/${name}_${pkg_version}_${arch}.deb"
dpkg-deb --root-owner-group --build "$stage" "$deb" >/dev/null
echo "$deb"

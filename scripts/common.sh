# Shared by run.sh and test.sh: installing what is missing, building, and
# running tshark with the freshly built plugin.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${SIO_BUILD_DIR:-$ROOT/build}"

# Debian packages: what the plugin's build needs (run.sh), and what the tests add
# (test.sh): GoogleTest, Google Benchmark, and for the host-only checks clang's
# fuzzer runtime, valgrind, debootstrap (the other Wireshark versions' chroots) and
# the GUI test's Xvfb, Wireshark (Qt), xdotool and ImageMagick (screenshots). The
# chroots' own list is in scripts/chroot.sh.
# msgpack-c's development package is libmsgpack-c-dev from trixie on, libmsgpack-dev on bookworm:
# the one installed already, else the first that apt has a candidate for.
msgpack_package() {
  local p
  for p in libmsgpack-c-dev libmsgpack-dev; do
    if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then echo "$p"; return 0; fi
  done
  for p in libmsgpack-c-dev libmsgpack-dev; do
    if apt-cache policy "$p" 2>/dev/null | grep -q '^  Candidate: [^(]'; then echo "$p"; return 0; fi
  done
  echo libmsgpack-dev
}
BUILD_PACKAGES=(cmake g++ make pkg-config tshark wireshark-dev libglib2.0-dev libsimdjson-dev "$(msgpack_package)"
                util-linux)
TEST_PACKAGES=(python3 time jq googletest libgtest-dev libbenchmark-dev clang valgrind debootstrap
               xvfb wireshark-qt xdotool imagemagick)

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "error: need root (or sudo) to install: $*" >&2; return 1; fi
}

# Installs those of the named packages that are missing.
ensure_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "== installing: ${missing[*]}"
  # tshark asks whether non-root users may capture; answer no without a prompt.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | as_root debconf-set-selections
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

build() {
  echo "== building in $BUILD"
  cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
  cmake --build "$BUILD" -j"$(nproc)"
}

# The fuzzers' runtime for the clang at hand (libclang-rt-14-dev on bookworm).
clang_runtime_package() { echo "libclang-rt-$(clang -dumpversion | cut -d. -f1)-dev"; }

wireshark_abi() { cat "$BUILD/wireshark_abi.txt"; }

# tshark with the plugin just built. Root's tshark ignores personal plugin
# folders, so as root it runs as the unprivileged user "siotest" with a HOME
# of its own holding only this plugin.
tshark_with_plugin() {
  local home
  home="$(mktemp -d /tmp/sio-run.XXXXXX)"
  mkdir -p "$home/.local/lib/wireshark/plugins/$(wireshark_abi)/epan" "$home/global"
  cp "$BUILD/plugin/sio.so" "$home/.local/lib/wireshark/plugins/$(wireshark_abi)/epan/"
  local args=() a
  for a in "$@"; do
    if [ -f "$a" ]; then cp "$a" "$home/"; args+=("$home/$(basename "$a")"); else args+=("$a"); fi
  done
  chmod -R a+rX "$home"
  if [ "$(id -u)" = 0 ]; then
    id siotest >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin siotest
    chown -R siotest: "$home"
    (cd "$home" && setpriv --reuid=siotest --regid=siotest --init-groups \
      env HOME="$home" WIRESHARK_PLUGIN_DIR="$home/global" tshark "${args[@]}") || { rm -rf "$home"; return 1; }
  else
    (cd "$home" && HOME="$home" WIRESHARK_PLUGIN_DIR="$home/global" tshark "${args[@]}") || { rm -rf "$home"; return 1; }
  fi
  rm -rf "$home"
}

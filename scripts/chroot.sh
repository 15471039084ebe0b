#!/usr/bin/env bash
# Debian chroots with other Wireshark versions (trixie: 4.4, sid: 4.6), for
# building and testing the plugin against them.
#
#   scripts/chroot.sh make SUITE        make the chroot (cached; made again when missing or stale)
#   scripts/chroot.sh test SUITE        build and run the unit and tshark tests inside it
#   scripts/chroot.sh run SUITE CMD...  run a command inside it, the source tree at /src
#
# Needs root (or sudo) and the Debian archive that apt already uses on this machine:
# the mirror is read from apt's own configuration. Chroots live under
# $SIO_CHROOT_DIR (default /var/tmp/sio-chroots), one folder per suite.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CHROOTS="${SIO_CHROOT_DIR:-/var/tmp/sio-chroots}"

# What the build and the tests need inside a chroot (the host-only tools —
# clang for the fuzzers, valgrind — are left out).
# msgpack-c's development package is picked inside the chroot (msgpack_package): the
# "msgpack-c" entry stands for it (and changes the stamp of chroots made without it).
CHROOT_PACKAGES=(cmake g++ make pkg-config python3 time jq tshark wireshark-dev libglib2.0-dev libsimdjson-dev
                 googletest libgtest-dev libbenchmark-dev util-linux passwd msgpack-c)

log() { printf '== %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    die "need root (or sudo) for chroots: $*"; fi
}

# The Debian mirror apt uses here: the archive that serves this release's main suite.
debian_mirror() {
  local codename url
  codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
  url="$(apt-cache policy 2>/dev/null |
         awk -v s="$codename/main" '$3 == s && $2 ~ /^https?:\/\// {print $2; exit}')"
  if [ -z "$url" ]; then
    # no package lists yet: the sources themselves (deb822 URIs:, or one-line deb entries)
    url="$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
           awk 'tolower($1) == "uris:" && $2 !~ /security/ {print $2; exit}')"
    [ -n "$url" ] || url="$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
           awk -v c="$codename" '$1 == "deb" && $3 == c {print $2; exit}')"
  fi
  [ -n "$url" ] || die "no Debian mirror found in apt's configuration"
  echo "${url%/}"
}

APT_OPTS=(-y -q -o Acquire::Check-Valid-Until=false -o APT::Install-Recommends=false -o Dpkg::Use-Pty=0)

# Runs CMD inside the chroot of SUITE in a private mount namespace (/proc, /dev
# and the source tree at /src are mounted there and vanish with it).
in_chroot() {
  local dir=$1; shift
  as_root unshare --mount --propagation private -- bash -c '
    set -e
    dir=$1 src=$2; shift 2
    mount -t proc proc "$dir/proc"
    mount --rbind /dev "$dir/dev"
    mkdir -p "$dir/src"
    mount --bind "$src" "$dir/src"
    cp /etc/resolv.conf "$dir/etc/resolv.conf" 2>/dev/null || true
    exec chroot "$dir" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 \
      DEBIAN_FRONTEND=noninteractive "$@"
  ' bash "$dir" "$ROOT" "$@"
}

# msgpack-c's development package in the chroot at DIR: libmsgpack-c-dev where apt has a
# candidate for it (trixie: 6.x, sid: 7.x), else libmsgpack-dev (bookworm: 4.0).
msgpack_package() {
  in_chroot "$1" sh -c 'for p in libmsgpack-c-dev libmsgpack-dev; do
      if apt-cache policy "$p" 2>/dev/null | grep -q "^  Candidate: [^(]"; then echo "$p"; exit 0; fi
    done; echo libmsgpack-dev'
}

# The packages to install in the chroot at DIR, the msgpack-c entry resolved.
chroot_packages() {
  local p
  for p in "${CHROOT_PACKAGES[@]}"; do
    if [ "$p" = msgpack-c ]; then msgpack_package "$1"; else echo "$p"; fi
  done
}

# The stamp names what a ready chroot holds; a different package list makes it again.
stamp_of() { printf '%s\n' "$1" "${CHROOT_PACKAGES[@]}" | sha256sum | cut -c1-16; }

make_chroot() {
  local suite=$1 dir="$CHROOTS/$1" stamp
  stamp="$(stamp_of "$suite")"
  if [ -f "$dir/.sio-ready" ] && [ "$(cat "$dir/.sio-ready")" = "$stamp" ]; then
    return 0
  fi
  command -v debootstrap >/dev/null || {
    log "installing debootstrap"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null ||
      { as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive \
          apt-get install -y -qq --no-install-recommends debootstrap >/dev/null; }
  }
  local mirror tmp="$CHROOTS/.$suite.new"
  mirror="$(debian_mirror)"
  log "making the $suite chroot in $dir (debootstrap from apt's mirror)"
  as_root mkdir -p "$CHROOTS"
  as_root rm -rf "$tmp"
  as_root debootstrap --variant=minbase "$suite" "$tmp" "$mirror" >"$CHROOTS.$suite.log" 2>&1 ||
    { tail -n 20 "$CHROOTS.$suite.log" >&2; die "debootstrap $suite failed"; }
  # tshark asks whether non-root users may capture: no, without a prompt.
  in_chroot "$tmp" sh -c 'echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections'
  in_chroot "$tmp" apt-get "${APT_OPTS[@]}" update >/dev/null
  # in sid, a first install can leave packages unconfigured: apt-get -f install finishes it
  local packages
  mapfile -t packages < <(chroot_packages "$tmp")
  log "installing in the $suite chroot: ${packages[*]}"
  in_chroot "$tmp" apt-get "${APT_OPTS[@]}" install "${packages[@]}" >"$CHROOTS.$suite.log" 2>&1 ||
    in_chroot "$tmp" apt-get "${APT_OPTS[@]}" -f install >>"$CHROOTS.$suite.log" 2>&1 ||
    { tail -n 20 "$CHROOTS.$suite.log" >&2; die "installing packages in the $suite chroot failed"; }
  in_chroot "$tmp" apt-get "${APT_OPTS[@]}" clean
  echo "$stamp" | as_root tee "$tmp/.sio-ready" >/dev/null
  as_root rm -rf "$dir"
  as_root mv "$tmp" "$dir"
}

test_in_chroot() {
  local suite=$1
  make_chroot "$suite"
  in_chroot "$CHROOTS/$suite" tshark --version | head -n 1 >&2
  # Build outside the source tree (it is the host's), then run the unit and
  # tshark tests; the sanitizer, valgrind and fuzzing tests stay on the host.
  in_chroot "$CHROOTS/$suite" bash -c '
    set -e
    build=/var/tmp/sio-build
    cmake -S /src -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSIO_HOST_CHECKS=OFF >/dev/null
    cmake --build "$build" -j"$(nproc)"
    cd "$build" && ctest --output-on-failure -j"$(nproc)"
  '
}

cmd=${1:-}; suite=${2:-}
[ -n "$suite" ] || die "usage: $0 make|test|run SUITE [CMD...]"
case "$cmd" in
  make) make_chroot "$suite" ;;
  test) test_in_chroot "$suite" ;;
  run) shift 2; make_chroot "$suite"; in_chroot "$CHROOTS/$suite" "$@" ;;
  *) die "usage: $0 make|test|run SUITE [CMD...]" ;;
esac

#!/usr/bin/env bash
# Generate a LARGE real Socket.IO capture for benchmarking: real npm peers
# (socket.io 4.x, 2.x and 0.9 servers and clients, in node) talking over
# 127.0.0.1, recorded by dumpcap on "lo".
#
#   captures/large/generate.sh [OUT.pcapng] [SCALE]
#     OUT    default captures/large/out/large.pcapng
#     SCALE  default 1 (about 220,000 Socket.IO packets); it multiplies the
#            number of bursts linearly; 0.01 gives a tiny capture for smoke tests
#   VERIFY=1 captures/large/generate.sh ...   also counts WebSocket / HTTP
#            frames with stock tshark afterwards
#
# Writes OUT and OUT.counts.json (ground-truth counts from the servers' wire
# hooks, cross-checked against the clients' own tallies). Needs root (or
# capture rights on lo); the one-time installs need the Debian archive and
# the npm registry. Idempotent; every step is bounded; exits non-zero on any
# failure and then leaves a previous OUT untouched.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)          # captures/large
CAPTURES=$(dirname "$HERE")                   # captures
export LC_ALL=C.UTF-8

OUT=${1:-$HERE/out/large.pcapng}
SCALE=${2:-1}

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

[[ "$SCALE" =~ ^[0-9]*\.?[0-9]+$ ]] && awk -v s="$SCALE" 'BEGIN { exit !(s > 0 && s <= 100) }' \
  || die "SCALE must be a number in (0, 100], got '$SCALE'"
case "$OUT" in /*) ;; *) OUT="$PWD/$OUT" ;; esac
mkdir -p "$(dirname "$OUT")"

# ------------------------------------------------------------------ installs
install_deps() {
  local pkgs=()
  command -v dumpcap  >/dev/null 2>&1 || pkgs+=(tshark)
  command -v tshark   >/dev/null 2>&1 || pkgs+=(tshark)
  command -v capinfos >/dev/null 2>&1 || pkgs+=(wireshark-common)
  command -v node     >/dev/null 2>&1 || pkgs+=(nodejs)
  command -v npm      >/dev/null 2>&1 || pkgs+=(npm)
  command -v timeout  >/dev/null 2>&1 || pkgs+=(coreutils)
  command -v ss       >/dev/null 2>&1 || pkgs+=(iproute2)
  if ((${#pkgs[@]})); then
    log "apt-get install ${pkgs[*]}"
    export DEBIAN_FRONTEND=noninteractive
    timeout 900 apt-get install -y --no-install-recommends "${pkgs[@]}" \
      || { timeout 300 apt-get update && timeout 900 apt-get install -y --no-install-recommends "${pkgs[@]}"; }
  fi
  # the node modules of the two existing generator projects, used as they are
  local d m missing
  for d in gen gen_modern; do
    missing=0
    case $d in
      gen)        for m in socket.io socket.io-client; do [[ -f "$CAPTURES/$d/node_modules/$m/package.json" ]] || missing=1; done ;;
      gen_modern) for m in sio2 sio2-client sio4 sio4-client; do [[ -f "$CAPTURES/$d/node_modules/$m/package.json" ]] || missing=1; done ;;
    esac
    if ((missing)); then
      log "npm ci --ignore-scripts (captures/$d)"
      (cd "$CAPTURES/$d" && timeout 600 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
    fi
  done
}
install_deps

# ------------------------------------------------------------------ helpers
TMP=$(mktemp -d)
PARTIAL="$OUT.partial.$$"
DUMPCAP_PID=
RUN_PID=
cleanup() {
  [[ -n "$RUN_PID" ]] && kill -0 "$RUN_PID" 2>/dev/null && kill -TERM "$RUN_PID" 2>/dev/null || true
  [[ -n "$DUMPCAP_PID" ]] && kill -0 "$DUMPCAP_PID" 2>/dev/null && kill -INT "$DUMPCAP_PID" 2>/dev/null || true
  [[ -n "$DUMPCAP_PID" ]] && wait "$DUMPCAP_PID" 2>/dev/null || true
  rm -f "$PARTIAL" "$PARTIAL.counts.json"
  rm -rf "$TMP"
}
trap cleanup EXIT

PORTS=$(cd "$HERE/scenario" && node -e \
  "console.log(Object.values(require('./plan').GROUPS).map((g) => g.port).join(' '))")
FILTER=
for p in $PORTS; do
  ((p >= 18450 && p <= 18499)) || die "port $p outside 18450-18499"
  ss -Hltn "sport = :$p" | grep -q . && die "port $p is already in use"
  FILTER+="${FILTER:+ or }tcp port $p"
done

# registered TCP ports of stock tshark: a client port among them could make
# tshark try that dissector before the HTTP heuristic
tshark -G decodes 2>/dev/null | awk -F'\t' '$1 == "tcp.port" { print $2 }' | sort -un >"$TMP/decodes.txt"
[[ -s "$TMP/decodes.txt" ]] || die "tshark -G decodes gave no tcp.port entries"

# ------------------------------------------------------------------ capture
log "dumpcap on lo, filter: $FILTER"
dumpcap -q -i lo -B 256 -f "$FILTER" -w "$PARTIAL" 2>"$TMP/dumpcap.log" &
DUMPCAP_PID=$!
for ((i = 0; i < 100; i++)); do
  [[ -s "$PARTIAL" ]] && grep -q "Capturing on" "$TMP/dumpcap.log" && break
  kill -0 "$DUMPCAP_PID" 2>/dev/null || { cat "$TMP/dumpcap.log" >&2; die "dumpcap did not start"; }
  sleep 0.1
done
((i < 100)) || { cat "$TMP/dumpcap.log" >&2; die "dumpcap did not start"; }
sleep 1                                      # let the capture settle

LIMIT=$(awk -v s="$SCALE" 'BEGIN { printf "%d", 120 + 300 * s }')
log "load scenario, SCALE=$SCALE (limit ${LIMIT} s)"
T0=$(date +%s.%N)
rc=0
timeout "$LIMIT" node "$HERE/scenario/run.js" "$SCALE" "$PARTIAL.counts.json" "$TMP/decodes.txt" &
RUN_PID=$!
wait "$RUN_PID" || rc=$?
RUN_PID=
T1=$(date +%s.%N)

sleep 0.5                                    # last FIN/ACKs
kill -INT "$DUMPCAP_PID"
wait "$DUMPCAP_PID" || die "dumpcap exited with status $?"
DUMPCAP_PID=
grep -q "Packets captured" "$TMP/dumpcap.log" || { cat "$TMP/dumpcap.log" >&2; die "dumpcap log incomplete"; }
((rc == 0)) || die "load scenario failed (status $rc); previous output left in place"

DROPPED=$(sed -n "s/^Packets received\/dropped on interface '[^']*': [0-9]*\/\([0-9]*\) .*/\1/p" "$TMP/dumpcap.log")
[[ -n "$DROPPED" ]] || DROPPED=unknown
[[ "$DROPPED" == 0 || "$DROPPED" == unknown ]] \
  || die "dumpcap dropped $DROPPED packets: the capture is incomplete; previous output left in place"

mv -f "$PARTIAL" "$OUT"
mv -f "$PARTIAL.counts.json" "$OUT.counts.json"
chmod 644 "$OUT" "$OUT.counts.json"

# ------------------------------------------------------------------ summary
FRAMES=$(capinfos -c -M "$OUT" 2>/dev/null | awk -F': *' '/Number of packets/ { print $2 }')
SIZE=$(stat -c %s "$OUT")
{
  printf '\n%s\n' "$OUT"
  printf '  file size     %s bytes (%s MiB)\n' "$SIZE" "$(awk -v b="$SIZE" 'BEGIN { printf "%.1f", b / 1048576 }')"
  printf '  frames        %s (dumpcap drops: %s)\n' "$FRAMES" "$DROPPED"
  printf '  scenario      %.1f s wall time\n' "$(awk -v a="$T0" -v b="$T1" 'BEGIN { print b - a }')"
  node -e '
    const d = require(process.argv[1]);
    const pad = (s, n) => String(s).padEnd(n);
    console.log("  Socket.IO packets (ground truth, " + process.argv[1].replace(/.*\//, "") + "):");
    for (const [k, v] of Object.entries(d.totals.by_generation_transport)) console.log("    " + pad(k, 32) + v);
    for (const [k, v] of Object.entries(d.totals.by_generation)) console.log("    " + pad(k + " (all)", 32) + v);
    console.log("    " + pad("total", 32) + d.totals.socketio_packets);
    const p = d.client_ports;
    console.log("  TCP connections " + p.tcp_connections + "; client ports registered in tshark -G decodes: " +
      p.colliding_connections + (p.colliding_ports.length ? " (ports " + p.colliding_ports.join(", ") + ")" : ""));
  ' "$OUT.counts.json"
} >&2

if [[ "${VERIFY:-0}" == 1 ]]; then
  log "stock tshark: frames with WebSocket / HTTP"
  printf '  -Y websocket  %s\n' "$(tshark -r "$OUT" -Y websocket 2>/dev/null | wc -l)" >&2
  printf '  -Y http       %s\n' "$(tshark -r "$OUT" -Y http 2>/dev/null | wc -l)" >&2
  # every text/binary WebSocket message that tshark finds, against the truth
  WS_TSHARK=$(tshark -r "$OUT" -Y websocket -T fields -e websocket.opcode 2>/dev/null | tr ',' '\n' | grep -c '^[12]$' || true)
  WS_TRUTH=$(node -e 'console.log(require(process.argv[1]).totals.websocket_data_messages)' "$OUT.counts.json")
  printf '  WebSocket text+binary messages: tshark %s, ground truth %s\n' "$WS_TSHARK" "$WS_TRUTH" >&2
  [[ "$WS_TSHARK" == "$WS_TRUTH" ]] || die "tshark sees $WS_TSHARK WebSocket data messages, the servers sent/received $WS_TRUTH"
fi

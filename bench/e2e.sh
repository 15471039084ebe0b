#!/usr/bin/env bash
# End-to-end benchmark: tshark over a large capture with the plugin, against the
# same tshark with the plugin's protocols disabled, in the same run. Medians of
# wall time and peak memory over several repetitions, and their ratios.
#   bench/e2e.sh [CAPTURE] [REPETITIONS]
# CAPTURE defaults to captures/large/out/large.pcapng (made by captures/large/generate.sh
# when missing). The plugin is the one in build/ (run ./test.sh or ./run.sh first).
set -euo pipefail
source "$(dirname "$0")/../scripts/common.sh"

capture="${1:-$ROOT/captures/large/out/large.pcapng}"
reps="${2:-5}"
[ -f "$capture" ] || "$ROOT/captures/large/generate.sh" "$capture" 1
[ -f "$BUILD/plugin/sio.so" ] || build -DSIO_BUILD_TESTS=OFF

home="$(mktemp -d /tmp/sio-bench.XXXXXX)"
trap 'rm -rf "$home"' EXIT
mkdir -p "$home/.local/lib/wireshark/plugins/$(wireshark_abi)/epan" "$home/empty"
cp "$BUILD/plugin/sio.so" "$home/.local/lib/wireshark/plugins/$(wireshark_abi)/epan/"
ln -s "$(readlink -f "$capture")" "$home/capture.pcapng"
chmod -R a+rX "$home"
run=(env HOME="$home" WIRESHARK_PLUGIN_DIR="$home/empty" WIRESHARK_EXTCAP_DIR="$home/empty")
if [ "$(id -u)" = 0 ]; then
  id siotest >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin siotest
  chown -R siotest: "$home"
  run=(setpriv --reuid=siotest --regid=siotest --init-groups "${run[@]}")
fi
off=(--disable-protocol sio --disable-protocol eio)

# one measurement: "wall_seconds peak_kB cpu_seconds" (CPU time, user + system, is less disturbed by other load)
measure() {
  "${run[@]}" /usr/bin/time -f "%e %M %U %S" tshark "$@" 2>&1 >/dev/null | tail -n 1 | awk '{print $1, $2, $3 + $4}'
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

printf '%-52s %9s %9s %7s %9s %9s %7s %10s %10s %7s\n' "command (capture: $(basename "$capture"))" "base s" \
  "plugin s" ratio "base cpu" "plug cpu" ratio "base MB" "plugin MB" ratio
while IFS='|' read -r label args; do
  read -r -a a <<<"$args"
  bt=() bm=() bc=() pt=() pm=() pc=()
  for ((i = 0; i < reps; i++)); do
    read -r t m c < <(measure -r "$home/capture.pcapng" "${off[@]}" "${a[@]}"); bt+=("$t"); bm+=("$m"); bc+=("$c")
    read -r t m c < <(measure -r "$home/capture.pcapng" "${a[@]}"); pt+=("$t"); pm+=("$m"); pc+=("$c")
  done
  b=$(printf '%s\n' "${bt[@]}" | median) p=$(printf '%s\n' "${pt[@]}" | median)
  bC=$(printf '%s\n' "${bc[@]}" | median) pC=$(printf '%s\n' "${pc[@]}" | median)
  B=$(printf '%s\n' "${bm[@]}" | median) P=$(printf '%s\n' "${pm[@]}" | median)
  awk -v l="$label" -v b="$b" -v p="$p" -v bc="$bC" -v pc="$pC" -v B="$B" -v P="$P" 'BEGIN {
    printf "%-52s %9.2f %9.2f %7.2f %9.2f %9.2f %7.2f %10.1f %10.1f %7.2f\n", l, b, p, p / b, bc, pc, pc / bc,
      B / 1024, P / 1024, P / B }'
done <<'EOF'
tshark -r|
tshark -r -Y 'sio.type == event'|-Y sio.type==event
tshark -r -T fields -e sio.name -e sio.args|-T fields -e sio.name -e sio.args
tshark -r -T fields ... -o sio.json_subtree:FALSE|-T fields -e sio.name -e sio.args -o sio.json_subtree:FALSE
tshark -r -2|-2
EOF

# How many Socket.IO packets decode with default settings, against the generator's count.
counts="${capture}.counts.json"
decoded=$("${run[@]}" tshark -r "$home/capture.pcapng" -Y sio -T fields -E occurrence=a -E aggregator=, -e sio.type \
  | tr ',' '\n' | grep -c .)
malformed=$("${run[@]}" tshark -r "$home/capture.pcapng" -Y '_ws.malformed' | wc -l)
stock_malformed=$("${run[@]}" tshark -r "$home/capture.pcapng" "${off[@]}" -Y '_ws.malformed' | wc -l)
echo "Socket.IO packets decoded (default settings): $decoded"
[ -f "$counts" ] && python3 -c "import json,sys; c=json.load(open(sys.argv[1])); print('generator count:', c.get('totals', {}).get('socketio_packets', '?'))" "$counts"
echo "frames marked malformed: $malformed with the plugin, $stock_malformed without"

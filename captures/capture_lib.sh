# Helpers shared by the capture scripts (regenerate.sh, regenerate_modern.sh): a scratch
# directory, background processes stopped on exit, dumpcap on lo, and publishing a finished
# capture with its ground truth. Sourced from captures/ after log() and die() are defined.

TMP=$(mktemp -d)
BG_PIDS=()
cleanup() {
  local p
  for p in "${BG_PIDS[@]:-}"; do
    [[ -n "$p" ]] && kill -0 "$p" 2>/dev/null && kill -TERM "$p" 2>/dev/null || true
  done
  rm -rf "$TMP"
}
trap cleanup EXIT

# shellcheck source=port_check.sh
source ./port_check.sh          # port_collisions, capture_until_clean

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait for the server's "listening" line (probing the port would put an
# extra TCP connection into the capture)
wait_listen() {   # logfile timeout_s
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    grep -q "listening on" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

wait_pid() {      # pid timeout_s  -> exit status of pid, 124 on timeout
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    kill -0 "$1" 2>/dev/null || { wait "$1"; return $?; }
    sleep 0.1
  done
  return 124
}

DUMPCAP_PID=
start_capture() { # port out.pcapng
  rm -f "$2"
  dumpcap -q -i lo -f "tcp port $1" -w "$2" 2>"$TMP/dumpcap.log" &
  DUMPCAP_PID=$!
  BG_PIDS+=("$DUMPCAP_PID")
  local i
  for ((i = 0; i < 100; i++)); do
    if [[ -s "$2" ]] && grep -q "Capturing on" "$TMP/dumpcap.log"; then
      sleep 1          # let the capture settle before any traffic
      return 0
    fi
    kill -0 "$DUMPCAP_PID" 2>/dev/null || break
    sleep 0.1
  done
  cat "$TMP/dumpcap.log" >&2
  die "dumpcap did not start"
}

stop_capture() {
  sleep 0.5            # let the last segments (FIN/ACK) be captured
  kill -INT "$DUMPCAP_PID"
  wait "$DUMPCAP_PID" || die "dumpcap exited with status $?"
  grep -q "Packets captured" "$TMP/dumpcap.log" || { cat "$TMP/dumpcap.log" >&2; die "dumpcap log incomplete"; }
  sed -n 's/^/    dumpcap: /p' "$TMP/dumpcap.log" | grep -v "Capturing on\|^    dumpcap: File:" >&2 || true
}

publish() {       # move a finished capture + truth into captures/
  mv "$TMP/$1.pcapng" "$1.pcapng"
  mv "$TMP/$1.truth.jsonl" "$1.truth.jsonl"
  chmod 644 "$1.pcapng" "$1.truth.jsonl"
}

# Helpers shared by the capture scripts (regenerate.sh, regenerate_modern.sh): a scratch
# directory, background processes stopped on exit, dumpcap on lo, a server with one client,
# two clients or headless Chromium, and publishing a finished capture with its ground truth. Sourced from captures/ after log() and die() are defined.

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

start_server() {  # name cmd...   (sets SRV; the server's output goes to $TMP/name.server.log)
  local name=$1; shift
  timeout 30 "$@" >"$TMP/$name.server.log" 2>&1 &
  SRV=$!
  BG_PIDS+=("$SRV")
  wait_listen "$TMP/$name.server.log" 10 || { cat "$TMP/$name.server.log" >&2; die "server for $name did not listen"; }
}

# One client process against the server $SRV; then the capture stops.
finish_with_client() {  # name cmd...
  local name=$1 rc=0 src=0; shift
  timeout 30 "$@" >"$TMP/$name.client.log" 2>&1 || rc=$?
  wait_pid "$SRV" 30 || src=$?
  stop_capture
  if ((rc != 0 || src != 0)); then
    cat "$TMP/$name.server.log" "$TMP/$name.client.log" >&2
    die "$name: client status $rc, server status $src"
  fi
}

# Two node clients at once (node script A|B port); then the capture stops.
finish_with_two_clients() {  # name port script
  local name=$1 port=$2 script=$3 rca=0 rcb=0 src=0
  timeout 30 node "$script" A "$port" >"$TMP/$name.clientA.log" 2>&1 &
  local ca=$!
  BG_PIDS+=("$ca")
  timeout 30 node "$script" B "$port" >"$TMP/$name.clientB.log" 2>&1 &
  local cb=$!
  BG_PIDS+=("$cb")
  wait_pid "$ca" 30 || rca=$?
  wait_pid "$cb" 30 || rcb=$?
  wait_pid "$SRV" 30 || src=$?
  stop_capture
  if ((rca != 0 || rcb != 0 || src != 0)); then
    cat "$TMP/$name.server.log" "$TMP/$name.clientA.log" "$TMP/$name.clientB.log" >&2
    die "$name: client A status $rca, client B status $rcb, server status $src"
  fi
}

# Headless Chromium on the page the server $SRV serves, until the server ends; then the capture stops.
# The page is http://127.0.0.1:PORT/ unless a URL is given; extra Chromium flags may follow it.
finish_with_browser() {  # name port [url [chromium flags...]]
  local name=$1 port=$2 src=0 url=${3:-"http://127.0.0.1:$2/"}
  shift $(($# < 3 ? $# : 3))
  local profile="$TMP/chromium-profile"
  rm -rf "$profile"; mkdir -p "$profile"
  # own session/process group so the whole browser can be stopped by its id
  setsid chromium --headless --no-sandbox --disable-gpu --disable-quic \
    --no-first-run --disable-background-networking --disable-component-update \
    --disable-sync --disable-extensions --disable-default-apps \
    --user-data-dir="$profile" "$@" "$url" \
    >"$TMP/$name.chromium.log" 2>&1 &
  local chr=$!
  BG_PIDS+=("$chr")
  wait_pid "$SRV" 30 || src=$?
  kill -TERM -- "-$chr" 2>/dev/null || true
  wait_pid "$chr" 10 || { kill -KILL -- "-$chr" 2>/dev/null || true; wait "$chr" 2>/dev/null || true; }
  stop_capture
  if ((src != 0)); then
    cat "$TMP/$name.server.log" >&2
    grep -v "dbus\|Fontconfig" "$TMP/$name.chromium.log" | tail -20 >&2 || true
    die "$name: server status $src"
  fi
}

# Embed the TLS secrets into a capture (a pcapng Decryption Secrets Block) so that stock
# tshark decrypts it with no key log option. The key logs (NSS key log format: Chromium's
# --ssl-key-log-file, node's "keylog" event) are merged; every ClientHello in the capture
# must have secrets for its client random.
embed_tls_secrets() {  # in.pcapng out.pcapng keylog...
  local in=$1 out=$2 keys="$TMP/tls-secrets.keylog" r f missing=0
  shift 2
  for f in "$@"; do [[ -s $f ]] || die "no TLS key log $f"; done
  LC_ALL=C sort -u "$@" >"$keys"
  for r in $(tshark -n -r "$in" -Y 'tls.handshake.type == 1' -T fields -e tls.handshake.random); do
    grep -q " $r " "$keys" || { log "no TLS secrets for client random $r"; missing=1; }
  done
  ((missing == 0)) || die "TLS secrets missing for some connections"
  log "TLS secrets: $(for f in "$@"; do printf '%s %s lines, ' "${f##*/}" "$(wc -l <"$f")"; done)merged $(wc -l <"$keys")"
  editcap --inject-secrets "tls,$keys" "$in" "$out" || die "editcap --inject-secrets failed"
}

#!/usr/bin/env bash
# Regenerate the modern Socket.IO test captures (socket.io 2.x / 4.x and
# python-socketio 5) from real peers talking over loopback.
#
#   captures/regenerate_modern.sh                       # all captures
#   captures/regenerate_modern.sh m4_default m2_polling # only some
#   captures/regenerate_modern.sh m4_sessions          # just the sessions capture
#
# Needs root (or capture rights on "lo") and access to the Debian archive and
# the npm registry for the one-time installs. Every scenario stops by itself
# (well under 30 s); the script exits non-zero on any failure and checks every
# capture against its ground truth with verify_truth_modern.py.
set -euo pipefail

cd "$(dirname "$0")"            # captures/
export LC_ALL=C.UTF-8

DEB_PY=/usr/bin/python3      # Debian's interpreter, which python3-socketio is for

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# ------------------------------------------------------------------ installs
install_deps() {
  local pkgs=() want_python=$1 want_browser=$2 want_flask=${3:-0} want_msgpack=${4:-0}
  command -v dumpcap  >/dev/null 2>&1 || pkgs+=(tshark)
  command -v tshark   >/dev/null 2>&1 || pkgs+=(tshark)
  command -v node     >/dev/null 2>&1 || pkgs+=(nodejs)
  command -v npm      >/dev/null 2>&1 || pkgs+=(npm)
  command -v python3  >/dev/null 2>&1 || pkgs+=(python3)
  command -v timeout  >/dev/null 2>&1 || pkgs+=(coreutils)
  command -v setsid   >/dev/null 2>&1 || pkgs+=(util-linux)
  if ((want_browser)); then
    command -v chromium >/dev/null 2>&1 || pkgs+=(chromium)
    command -v openssl  >/dev/null 2>&1 || pkgs+=(openssl)            # the TLS captures' certificate
    command -v editcap  >/dev/null 2>&1 || pkgs+=(wireshark-common)   # their embedded secrets
  fi
  if ((want_python)); then
    # python-socketio 5.7 (Socket.IO protocol 5 / Engine.IO 4) on aiohttp,
    # for Debian's own interpreter (a python3 earlier in PATH may be another)
    "$DEB_PY" -c 'import socketio, engineio, aiohttp' >/dev/null 2>&1 \
      || pkgs+=(python3 python3-socketio python3-engineio python3-aiohttp)
  fi
  if ((want_msgpack)); then
    # python-socketio's serializer='msgpack' (m5_python_msgpack)
    "$DEB_PY" -c 'import msgpack' >/dev/null 2>&1 || pkgs+=(python3 python3-msgpack)
  fi
  if ((want_flask)); then
    # Flask-SocketIO 5.3 with async_mode='gevent' and gevent-websocket
    "$DEB_PY" -c 'import flask_socketio, gevent, geventwebsocket' >/dev/null 2>&1 \
      || pkgs+=(python3 python3-flask-socketio python3-gevent python3-gevent-websocket)
  fi
  if ((${#pkgs[@]})); then
    log "apt-get install ${pkgs[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y --no-install-recommends "${pkgs[@]}" \
      || { apt-get update && apt-get install -y --no-install-recommends "${pkgs[@]}"; }
  fi
  if ((want_node)); then
    log "npm ci (captures/gen_modern)"
    (cd gen_modern && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
  fi
}

# ------------------------------------------------------------------ helpers
# shellcheck source=capture_lib.sh
source ./capture_lib.sh   # TMP, BG_PIDS, start_capture, start_server, finish_with_*, stop_capture, publish

# ------------------------------------------------------------------ scenarios
# node server + node client: name port gen mode [flags...]
run_node() {
  local name=$1 port=$2 gen=$3 mode=$4
  shift 4
  port_free "$port" || die "port $port busy"
  start_capture "$port" "$TMP/$name.pcapng"
  start_server "$name" node gen_modern/server.js "$gen" "$mode" "$port" "$TMP/$name.truth.jsonl" "$@"
  finish_with_client "$name" node gen_modern/client.js "$gen" "$mode" "$port" "$@"
  grep -h "volatile\|recorder note" "$TMP/$name.client.log" "$TMP/$name.server.log" | sed 's/^/    /' >&2 || true
}

# python server + python-socketio client (aiohttp):
# name port [server.py [client.py [client args...]]]   (default py_server.py, py_client.py)
run_python() {
  local name=$1 port=$2 server=${3:-py_server.py} client=${4:-py_client.py}
  shift $(($# < 4 ? $# : 4))
  port_free "$port" || die "port $port busy"
  start_capture "$port" "$TMP/$name.pcapng"
  start_server "$name" "$DEB_PY" "gen_modern/$server" "$port" "$TMP/$name.truth.jsonl"
  finish_with_client "$name" "$DEB_PY" "gen_modern/$client" "$port" "$@"
  grep -h "timeout\|http errors" "$TMP/$name.server.log" | sed 's/^/    /' >&2 || true
}

# node server + socket.io-client 2.x bundle in headless Chromium:
# name port gen mode [flags...]   (the server serves the page)
run_browser() {
  local name=$1 port=$2 gen=$3 mode=$4
  shift 4
  port_free "$port" || die "port $port busy"
  start_capture "$port" "$TMP/$name.pcapng"
  start_server "$name" node gen_modern/server.js "$gen" "$mode" "$port" "$TMP/$name.truth.jsonl" browser "$@"
  finish_with_browser "$name" "$port"
  grep -h "volatile\|recorder note" "$TMP/$name.server.log" | sed 's/^/    /' >&2 || true
}

# socket.io 4.x server over TLS + the socket.io-client 4.x bundle that it
# serves itself (serveClient), in headless Chromium: name port tls mode
#   tls  h2  = http2.createSecureServer({allowHTTP1: true}): ALPN h2 for the
#              page and polling, http/1.1 for Chromium's WebSocket connection
#        tls = https.createServer, ALPN http/1.1 only
# The certificate is made here into the scratch dir (never kept). The TLS
# secrets of every connection (Chromium's --ssl-key-log-file plus the server's
# "keylog" events) are embedded into the capture (embed_tls_secrets), so stock
# tshark decrypts it without any option.
run_tls_browser() {
  local name=$1 port=$2 tls=$3 mode=$4 cert="$TMP/tls-cert"
  port_free "$port" || die "port $port busy"
  if [[ ! -s $cert/cert.pem ]]; then
    mkdir -p "$cert"
    timeout 30 openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
      -keyout "$cert/key.pem" -out "$cert/cert.pem" -days 1 -subj /CN=127.0.0.1 \
      -addext subjectAltName=IP:127.0.0.1 >"$TMP/openssl.log" 2>&1 \
      || { cat "$TMP/openssl.log" >&2; die "openssl could not make the certificate"; }
  fi
  rm -f "$TMP/$name.chromium.keylog" "$TMP/$name.server.keylog"
  start_capture "$port" "$TMP/$name.raw.pcapng"
  start_server "$name" node gen_modern/server.js 4 "$mode" "$port" "$TMP/$name.truth.jsonl" \
    browser client4 "$tls" "certdir=$cert" "keylog=$TMP/$name.server.keylog"
  finish_with_browser "$name" "$port" "https://127.0.0.1:$port/" --headless=new \
    --ignore-certificate-errors --ssl-key-log-file="$TMP/$name.chromium.keylog"
  grep -h "TLS connection\|recorder note" "$TMP/$name.server.log" | sed 's/^/    /' >&2 || true
  embed_tls_secrets "$TMP/$name.raw.pcapng" "$TMP/$name.pcapng" \
    "$TMP/$name.chromium.keylog" "$TMP/$name.server.keylog"
}

# socket.io 4.x server + two socket.io-client 4.x processes at once (client A
# polling, client B websocket): name port
run_sessions() {
  local name=$1 port=$2
  port_free "$port" || die "port $port busy"
  start_capture "$port" "$TMP/$name.pcapng"
  start_server "$name" node gen_modern/sessions_server.js "$port" "$TMP/$name.truth.jsonl"
  finish_with_two_clients "$name" "$port" gen_modern/sessions_client.js
  grep -h "engine close\|reconnect\|recorder note\|connection_error" "$TMP/$name.server.log" \
    "$TMP/$name.clientA.log" | sed 's/^/    /' >&2 || true
}

# socket.io 4.x server + socket.io-client 4.x, websocket only, Nagle on, bursts
# of hundreds of small events each way (m4_busy): name port
run_busy() {
  local name=$1 port=$2
  port_free "$port" || die "port $port busy"
  start_capture "$port" "$TMP/$name.pcapng"
  start_server "$name" node gen_modern/busy_server.js "$port" "$TMP/$name.truth.jsonl" nagle
  finish_with_client "$name" node gen_modern/busy_client.js "$port" nagle
  grep -h "round\|recorder note" "$TMP/$name.server.log" | sed 's/^/    /' >&2 || true
  # what this capture is for: many WebSocket messages per TCP segment (stock
  # tshark with its default gui.max_tree_depth stops a frame after 494)
  python3 ws_per_frame.py "$TMP/$name.pcapng" "$port" | sed 's/^/    /' >&2
  python3 ws_per_frame.py "$TMP/$name.pcapng" "$port" -o gui.max_tree_depth:5000 \
    --min-over 256:3 --min-over 128:8 | sed 's/^/    /' >&2 \
    || die "$name: too few TCP segments with many WebSocket messages"
}

# plain engine.io 6.x server + engine.io-client 6.x in node, no Socket.IO:
# name port mode (websocket = polling then upgrade, or polling)
run_eio() {
  local name=$1 port=$2 mode=$3
  port_free "$port" || die "port $port busy"
  start_capture "$port" "$TMP/$name.pcapng"
  start_server "$name" node gen_modern/eio_server.js "$mode" "$port" "$TMP/$name.truth.jsonl"
  finish_with_client "$name" node gen_modern/eio_client.js "$mode" "$port"
}

# socket.io 4.x server + socket.io-client 4.x, both with socket.io-msgpack-parser
# (one MessagePack map per Socket.IO packet, binary Engine.IO messages):
# name port mode (websocket = websocket only; default = polling, then the
# upgrade, which the server holds until its batch is done)
run_msgpack() {
  local name=$1 port=$2 mode=$3
  port_free "$port" || die "port $port busy"
  start_capture "$port" "$TMP/$name.pcapng"
  start_server "$name" node gen_modern/msgpack_server.js "$mode" "$port" "$TMP/$name.truth.jsonl"
  finish_with_client "$name" node gen_modern/msgpack_client.js "$mode" "$port"
  grep -h "upgrade\|recorder note" "$TMP/$name.server.log" | sed 's/^/    /' >&2 || true
}

# m5_python's server and client (py_server.py, py_client.py) run by
# py_msgpack.py with python-socketio's serializer='msgpack' on both ends: name port
run_python_msgpack() {
  local name=$1 port=$2
  port_free "$port" || die "port $port busy"
  start_capture "$port" "$TMP/$name.pcapng"
  start_server "$name" "$DEB_PY" gen_modern/py_msgpack.py py_server.py "$port" "$TMP/$name.truth.jsonl"
  finish_with_client "$name" "$DEB_PY" gen_modern/py_msgpack.py py_client.py "$port"
}

# socket.io 4.x server process restarted on the same port while its polling
# client (socket.io-client 4.x) is busy: the client's next requests carry the
# old sid and get 400 "Session ID unknown"; it then reconnects. Both server
# processes write into one truth file (the second appends). name port
run_stale_sid() {
  local name=$1 port=$2 rc=0 src=0
  port_free "$port" || die "port $port busy"
  start_capture "$port" "$TMP/$name.pcapng"
  start_server "$name.1" node gen_modern/stale_server.js 1 "$port" "$TMP/$name.truth.jsonl"
  local srv1=$SRV
  timeout 30 node gen_modern/stale_client.js "$port" >"$TMP/$name.client.log" 2>&1 &
  local cl=$!
  BG_PIDS+=("$cl")
  # the first process exits by itself once the client is busy; the second
  # one must listen before the client is free again (3 s)
  wait_pid "$srv1" 30 || src=$?
  ((src == 0)) || { cat "$TMP/$name.1.server.log" "$TMP/$name.client.log" >&2; die "$name: first server status $src"; }
  start_server "$name.2" node gen_modern/stale_server.js 2 "$port" "$TMP/$name.truth.jsonl"
  wait_pid "$cl" 30 || rc=$?
  wait_pid "$SRV" 30 || src=$?
  stop_capture
  if ((rc != 0 || src != 0)); then
    cat "$TMP/$name.1.server.log" "$TMP/$name.2.server.log" "$TMP/$name.client.log" >&2
    die "$name: client status $rc, second server status $src"
  fi
  grep -h "connection_error\|engine close\|disconnect\|reconnect" "$TMP/$name.2.server.log" \
    "$TMP/$name.client.log" | sed 's/^/    /' >&2 || true
}

declare -A PORT=(
  [m2_default]=18421 [m2_polling]=18422
  [m4_default]=18423 [m4_deflate]=18424 [m4_polling]=18425
  [m5_python]=18426 [m4_jsonp]=18427 [m2_browser_polling]=18428
  [m4_sessions]=18440
  [m4_custom_path]=18450 [eio_plain_ws]=18451 [eio_plain_polling]=18452 [m4_stale_sid]=18453
  [m4_busy]=18480
  [m5_python_polling]=18470 [m5_flask_gevent]=18471 [m5_python_stale_sid]=18472
)
ALL=(m2_default m2_polling m4_default m4_deflate m4_polling m5_python m4_jsonp m2_browser_polling
  m4_sessions m5_python_polling m5_flask_gevent m5_python_stale_sid m4_busy)
# TLS: headless Chromium with the socket.io-client 4.x bundle, secrets embedded
PORT+=([m4_h2_polling]=18460 [m4_h2_upgrade]=18461 [m4_tls]=18462)
ALL+=(m4_h2_polling m4_h2_upgrade m4_tls)

# verify_truth_modern.py options of the captures that need them
declare -A VERIFY_OPTS=(
  [m4_custom_path]="--path /realtime/"
  [eio_plain_ws]="--path /engine.io/ --engine-io" [eio_plain_polling]="--path /engine.io/ --engine-io"
)
ALL+=(m4_custom_path eio_plain_ws eio_plain_polling m4_stale_sid)
# MessagePack (socket.io-msgpack-parser on both ends)
# and python-socketio's serializer='msgpack' on both ends
PORT+=([m4_msgpack_ws]=18490 [m4_msgpack_polling]=18491 [m5_python_msgpack]=18492)
VERIFY_OPTS+=([m4_msgpack_ws]="--msgpack" [m4_msgpack_polling]="--msgpack"
  [m5_python_msgpack]="--msgpack")
ALL+=(m4_msgpack_ws m4_msgpack_polling m5_python_msgpack)

generate() {
  local n=$1 p=${PORT[$1]:-}
  case "$n" in
    m2_default)  run_node "$n" "$p" 2 default ;;
    m2_polling)  run_node "$n" "$p" 2 polling ;;
    m4_default)  run_node "$n" "$p" 4 default ;;
    m4_deflate)  run_node "$n" "$p" 4 websocket deflate ;;
    m4_polling)  run_node "$n" "$p" 4 polling ;;
    m5_python)   run_python "$n" "$p" ;;
    m5_python_polling) run_python "$n" "$p" py_server.py py_client.py polling ;;
    m5_flask_gevent) run_python "$n" "$p" py_flask_server.py py_client.py ;;
    m5_python_stale_sid) run_python "$n" "$p" py_stale_server.py py_stale_client.py ;;
    m4_jsonp)    run_browser "$n" "$p" 4 polling jsonp ;;
    m2_browser_polling) run_browser "$n" "$p" 2 polling ;;
    m4_sessions) run_sessions "$n" "$p" ;;
    m4_custom_path) run_node "$n" "$p" 4 default path=/realtime/ ;;
    eio_plain_ws)      run_eio "$n" "$p" websocket ;;
    eio_plain_polling) run_eio "$n" "$p" polling ;;
    m4_stale_sid) run_stale_sid "$n" "$p" ;;
    m4_busy)     run_busy "$n" "$p" ;;
    m4_h2_polling) run_tls_browser "$n" "$p" h2 polling ;;
    m4_h2_upgrade) run_tls_browser "$n" "$p" h2 default ;;
    m4_tls)        run_tls_browser "$n" "$p" tls default ;;
    m4_msgpack_ws)      run_msgpack "$n" "$p" websocket ;;
    m4_msgpack_polling) run_msgpack "$n" "$p" default ;;
    m5_python_msgpack)  run_python_msgpack "$n" "$p" ;;
    *) die "unknown capture $n" ;;
  esac
}

# ------------------------------------------------------------------ main
NAMES=("$@")
((${#NAMES[@]})) || NAMES=("${ALL[@]}")
want_python=0 want_browser=0 want_flask=0 want_node=0 want_msgpack=0   # python-only runs skip npm ci
for n in "${NAMES[@]}"; do
  [[ -n "${PORT[$n]:-}" ]] || die "unknown capture $n (known: ${ALL[*]})"
  [[ $n == m5_python* || $n == m5_flask_gevent ]] && want_python=1
  [[ $n == m5_flask_gevent ]] && want_flask=1
  [[ $n == m5_python_msgpack ]] && want_msgpack=1
  [[ $n == m5_* ]] || want_node=1
  [[ $n == m4_jsonp || $n == m2_browser_polling || $n == m4_h2_* || $n == m4_tls ]] && want_browser=1
done

install_deps "$want_python" "$want_browser" "$want_flask" "$want_msgpack"
for n in "${NAMES[@]}"; do
  log "capturing $n (port ${PORT[$n]})"
  # redo the capture if a client port is one that stock tshark maps to
  # another dissector (see port_check.sh); publish only a clean one
  capture_until_clean "$n" "$TMP/$n.pcapng" "${PORT[$n]}" generate "$n"
  publish "$n"
  if [[ $n == m4_busy ]]; then     # its packet counts, derived from the truth
    python3 truth_counts_modern.py "$n.truth.jsonl" "$n.counts.json"
  fi
done

log "verifying ground truth against the captures"
for n in "${NAMES[@]}"; do
  # shellcheck disable=SC2086  # the options are words
  python3 verify_truth_modern.py ${VERIFY_OPTS[$n]:-} "$n.pcapng" "$n.truth.jsonl" "${PORT[$n]}"
done
ls -l "${NAMES[@]/%/.pcapng}" >&2
log "done"

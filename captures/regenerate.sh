#!/usr/bin/env bash
# Regenerate the Socket.IO test captures from real peers talking over loopback.
#
#   captures/regenerate.sh            # all captures
#   captures/regenerate.sh v0_xhr_polling control_plain   # only some
#   captures/regenerate.sh v0_sessions                    # just the sessions capture
#
# Needs root (or capture rights on "lo") and network access to the Debian
# archive and the npm registry for the one-time installs. Every scenario stops
# by itself (well under 30 s); the script exits non-zero on any failure.
set -euo pipefail

cd "$(dirname "$0")"            # captures/
export LC_ALL=C.UTF-8

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# ------------------------------------------------------------------ installs
install_deps() {
  local pkgs=()
  command -v dumpcap >/dev/null 2>&1 || pkgs+=(tshark)
  command -v tshark  >/dev/null 2>&1 || pkgs+=(tshark)
  command -v chromium >/dev/null 2>&1 || pkgs+=(chromium)
  command -v node    >/dev/null 2>&1 || pkgs+=(nodejs)
  command -v npm     >/dev/null 2>&1 || pkgs+=(npm)
  command -v python3 >/dev/null 2>&1 || pkgs+=(python3)
  command -v timeout >/dev/null 2>&1 || pkgs+=(coreutils)
  command -v setsid  >/dev/null 2>&1 || pkgs+=(util-linux)
  if ((${#pkgs[@]})); then
    log "apt-get install ${pkgs[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y --no-install-recommends "${pkgs[@]}" \
      || { apt-get update && apt-get install -y --no-install-recommends "${pkgs[@]}"; }
  fi
  log "npm ci (captures/gen)"
  (cd gen && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
}

# ------------------------------------------------------------------ helpers
# shellcheck source=capture_lib.sh
source ./capture_lib.sh   # TMP, BG_PIDS, start_capture, start_server, finish_with_*, stop_capture, publish

# ------------------------------------------------------------------ scenarios
# socket.io 0.9 server + socket.io-client 0.9 in node
run_node_sio() {  # name port transport
  local name=$1 port=$2 transport=$3
  port_free "$port" || die "port $port busy"
  start_capture "$port" "$TMP/$name.pcapng"
  start_server "$name" node gen/sio_server.js "$transport" "$port" "$TMP/$name.truth.jsonl"
  finish_with_client "$name" node gen/node_client.js "$transport" "$port"
}

# socket.io 0.9 server + the client it serves, in headless Chromium
run_browser_sio() { # name port transport
  local name=$1 port=$2 transport=$3
  port_free "$port" || die "port $port busy"
  start_capture "$port" "$TMP/$name.pcapng"
  start_server "$name" node gen/sio_server.js "$transport" "$port" "$TMP/$name.truth.jsonl" browser
  finish_with_browser "$name" "$port"
}

# plain ws + plain http (no Socket.IO)
run_control() {   # name port
  local name=$1 port=$2 rc=0
  port_free "$port" || die "port $port busy"
  start_capture "$port" "$TMP/$name.pcapng"
  timeout 30 node gen/control.js "$port" "$TMP/$name.truth.jsonl" >"$TMP/$name.log" 2>&1 || rc=$?
  stop_capture
  ((rc == 0)) || { cat "$TMP/$name.log" >&2; die "$name: status $rc"; }
}

# socket.io 0.9 server + two socket.io-client 0.9 processes at once (client A
# xhr-polling, client B websocket): name port
run_sessions() {
  local name=$1 port=$2
  port_free "$port" || die "port $port busy"
  start_capture "$port" "$TMP/$name.pcapng"
  start_server "$name" node gen/sessions_server.js "$port" "$TMP/$name.truth.jsonl"
  finish_with_two_clients "$name" "$port" gen/sessions_client.js
}

# socket.io 0.9 server with an authorization function + one socket.io-client
# 0.9 process: a refused handshake (403), a failed one (500), an accepted one
run_refused() {   # name port
  local name=$1 port=$2
  port_free "$port" || die "port $port busy"
  start_capture "$port" "$TMP/$name.pcapng"
  start_server "$name" node gen/refused_server.js "$port" "$TMP/$name.truth.jsonl"
  finish_with_client "$name" node gen/refused_client.js "$port"
}

declare -A PORT=(
  [v0_websocket]=18401 [v0_xhr_polling]=18402 [v0_jsonp_polling]=18403
  [control_plain]=18410
  [v0_sessions]=18441
  [v0_refused]=18454
)

generate() {
  case "$1" in
    v0_websocket)     run_node_sio "$1" "${PORT[$1]}" websocket ;;
    v0_xhr_polling)   run_node_sio "$1" "${PORT[$1]}" xhr-polling ;;
    v0_jsonp_polling) run_browser_sio "$1" "${PORT[$1]}" jsonp-polling ;;
    control_plain)    run_control "$1" "${PORT[$1]}" ;;
    v0_sessions)      run_sessions "$1" "${PORT[$1]}" ;;
    v0_refused)       run_refused "$1" "${PORT[$1]}" ;;
    *) die "unknown capture $1" ;;
  esac
}

# ------------------------------------------------------------------ main
NAMES=("$@")
((${#NAMES[@]})) || NAMES=(v0_websocket v0_xhr_polling v0_jsonp_polling control_plain v0_sessions
  v0_refused)

install_deps
for n in "${NAMES[@]}"; do
  log "capturing $n (port ${PORT[$n]:-?})"
  # redo the capture if a client port is one that stock tshark maps to
  # another dissector (see port_check.sh); publish only a clean one
  capture_until_clean "$n" "$TMP/$n.pcapng" "${PORT[$n]}" generate "$n"
  publish "$n"
done

log "verifying ground truth against the captures"
for n in "${NAMES[@]}"; do
  case "$n" in
    v0_*) python3 verify_truth.py "$n.pcapng" "$n.truth.jsonl" "${PORT[$n]}" ;;
  esac
done
ls -l "${NAMES[@]/%/.pcapng}" >&2
log "done"

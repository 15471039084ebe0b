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
source ./capture_lib.sh   # TMP, BG_PIDS, wait_listen, wait_pid, start_capture, stop_capture, publish

# ------------------------------------------------------------------ scenarios
# socket.io 0.9 server + socket.io-client 0.9 in node
run_node_sio() {  # name port transport
  local name=$1 port=$2 transport=$3 rc=0
  port_free "$port" || die "port $port busy"
  start_capture "$port" "$TMP/$name.pcapng"
  timeout 30 node gen/sio_server.js "$transport" "$port" "$TMP/$name.truth.jsonl" \
    >"$TMP/$name.server.log" 2>&1 &
  local srv=$!
  BG_PIDS+=("$srv")
  wait_listen "$TMP/$name.server.log" 10 || { cat "$TMP/$name.server.log" >&2; die "server for $name did not listen"; }
  timeout 30 node gen/node_client.js "$transport" "$port" >"$TMP/$name.client.log" 2>&1 || rc=$?
  local src=0
  wait_pid "$srv" 30 || src=$?
  stop_capture
  if ((rc != 0 || src != 0)); then
    cat "$TMP/$name.server.log" "$TMP/$name.client.log" >&2
    die "$name: client status $rc, server status $src"
  fi
}

# socket.io 0.9 server + the client it serves, in headless Chromium
run_browser_sio() { # name port transport
  local name=$1 port=$2 transport=$3 src=0
  port_free "$port" || die "port $port busy"
  start_capture "$port" "$TMP/$name.pcapng"
  timeout 30 node gen/sio_server.js "$transport" "$port" "$TMP/$name.truth.jsonl" browser \
    >"$TMP/$name.server.log" 2>&1 &
  local srv=$!
  BG_PIDS+=("$srv")
  wait_listen "$TMP/$name.server.log" 10 || { cat "$TMP/$name.server.log" >&2; die "server for $name did not listen"; }
  local profile="$TMP/chromium-profile"
  rm -rf "$profile"; mkdir -p "$profile"
  # own session/process group so the whole browser can be stopped by its id
  setsid chromium --headless --no-sandbox --disable-gpu --disable-quic \
    --no-first-run --disable-background-networking --disable-component-update \
    --disable-sync --disable-extensions --disable-default-apps \
    --user-data-dir="$profile" "http://127.0.0.1:$port/" \
    >"$TMP/$name.chromium.log" 2>&1 &
  local chr=$!
  BG_PIDS+=("$chr")
  wait_pid "$srv" 30 || src=$?
  kill -TERM -- "-$chr" 2>/dev/null || true
  wait_pid "$chr" 10 || { kill -KILL -- "-$chr" 2>/dev/null || true; wait "$chr" 2>/dev/null || true; }
  stop_capture
  if ((src != 0)); then
    cat "$TMP/$name.server.log" >&2
    grep -v "dbus\|Fontconfig" "$TMP/$name.chromium.log" | tail -20 >&2 || true
    die "$name: server status $src"
  fi
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
  local name=$1 port=$2 rca=0 rcb=0 src=0
  port_free "$port" || die "port $port busy"
  start_capture "$port" "$TMP/$name.pcapng"
  timeout 30 node gen/sessions_server.js "$port" "$TMP/$name.truth.jsonl" \
    >"$TMP/$name.server.log" 2>&1 &
  local srv=$!
  BG_PIDS+=("$srv")
  wait_listen "$TMP/$name.server.log" 10 || { cat "$TMP/$name.server.log" >&2; die "server for $name did not listen"; }
  timeout 30 node gen/sessions_client.js A "$port" >"$TMP/$name.clientA.log" 2>&1 &
  local ca=$!
  BG_PIDS+=("$ca")
  timeout 30 node gen/sessions_client.js B "$port" >"$TMP/$name.clientB.log" 2>&1 &
  local cb=$!
  BG_PIDS+=("$cb")
  wait_pid "$ca" 30 || rca=$?
  wait_pid "$cb" 30 || rcb=$?
  wait_pid "$srv" 30 || src=$?
  stop_capture
  if ((rca != 0 || rcb != 0 || src != 0)); then
    cat "$TMP/$name.server.log" "$TMP/$name.clientA.log" "$TMP/$name.clientB.log" >&2
    die "$name: client A status $rca, client B status $rcb, server status $src"
  fi
  grep -h "disconnect\|reconnect" "$TMP/$name.server.log" "$TMP/$name.clientB.log" \
    | sed 's/^/    /' >&2 || true
}

declare -A PORT=(
  [v0_websocket]=18401 [v0_xhr_polling]=18402 [v0_jsonp_polling]=18403
  [control_plain]=18410
  [v0_sessions]=18441
)

generate() {
  case "$1" in
    v0_websocket)     run_node_sio "$1" "${PORT[$1]}" websocket ;;
    v0_xhr_polling)   run_node_sio "$1" "${PORT[$1]}" xhr-polling ;;
    v0_jsonp_polling) run_browser_sio "$1" "${PORT[$1]}" jsonp-polling ;;
    control_plain)    run_control "$1" "${PORT[$1]}" ;;
    v0_sessions)      run_sessions "$1" "${PORT[$1]}" ;;
    *) die "unknown capture $1" ;;
  esac
}

# ------------------------------------------------------------------ main
NAMES=("$@")
((${#NAMES[@]})) || NAMES=(v0_websocket v0_xhr_polling v0_jsonp_polling control_plain v0_sessions)

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

# shellcheck shell=bash
# Shared by regenerate.sh and regenerate_modern.sh (sourced, not run).
#
# Stock tshark maps some TCP ports to other dissectors (its "Decode As" table
# for tcp.port, e.g. 44322 -> pmproxy, 34980 -> ecatf). A client's random
# ephemeral port that happens to be in that table makes stock tshark decode
# that stream as something else. These helpers find such ports in a capture
# and redo a capture until none of its ports (other than the server's) are in
# the table.
#
# Needs: tshark; the sourcing script's log() and die().

PORT_CHECK_ATTEMPTS=${PORT_CHECK_ATTEMPTS:-5}
_TSHARK_TCP_PORTS=

# tshark's tcp.port table, one port a line, sorted as text (for comm)
tshark_tcp_ports() {
  if [[ -z "$_TSHARK_TCP_PORTS" ]]; then
    _TSHARK_TCP_PORTS=$(tshark -G decodes 2>/dev/null \
      | awk -F'\t' '$1=="tcp.port"{print $2}' | LC_ALL=C sort -u)
    [[ -n "$_TSHARK_TCP_PORTS" ]] || die "tshark -G decodes gave no tcp.port entries"
  fi
  printf '%s\n' "$_TSHARK_TCP_PORTS"
}

# port_collisions capture.pcapng server_port
# Prints the capture's TCP ports (server port excluded) that are in tshark's
# tcp.port table, space separated. Status 0 if there are none, 1 otherwise.
port_collisions() {
  local pcap=$1 server_port=$2 ports bad
  ports=$(tshark -n -r "$pcap" -T fields -e tcp.srcport -e tcp.dstport 2>/dev/null \
    | tr '\t' '\n' | grep -x '[0-9][0-9]*' | grep -vx "$server_port" | LC_ALL=C sort -u) \
    || true
  bad=$(LC_ALL=C comm -12 <(printf '%s\n' "$ports") <(tshark_tcp_ports) | tr '\n' ' ')
  bad=${bad% }
  [[ -z "$bad" ]] && return 0
  printf '%s\n' "$bad"
  return 1
}

# capture_until_clean name capture.pcapng server_port cmd [args...]
# Runs cmd (which must write capture.pcapng, and exit the script on failure)
# up to PORT_CHECK_ATTEMPTS times until the capture has no colliding port.
capture_until_clean() {
  local name=$1 pcap=$2 server_port=$3 attempt bad
  shift 3
  for ((attempt = 1; attempt <= PORT_CHECK_ATTEMPTS; attempt++)); do
    "$@"
    [[ -s "$pcap" ]] || die "$name: no capture file $pcap"
    if bad=$(port_collisions "$pcap" "$server_port"); then
      ((attempt == 1)) || log "$name: no port collision on attempt $attempt"
      return 0
    fi
    log "$name: client port(s) $bad are in tshark's tcp.port table; redoing the capture (attempt $attempt of $PORT_CHECK_ATTEMPTS)"
  done
  die "$name: every one of $PORT_CHECK_ATTEMPTS attempts used a port in tshark's tcp.port table"
}

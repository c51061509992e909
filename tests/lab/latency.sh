#!/usr/bin/env bash
# latency.sh: puts round-trip time between the probe and chosen lab
# addresses, on a lab that is up (tests/lab/lab.sh up). tc netem does not
# exist on these kernels; lab_delayd (delayd.c) does the delaying on a TUN
# device in the isp namespace, and policy routing there sends it only the
# forwarded packets between probe0 and world0 that go to or come from the
# listed prefixes. Everything else (the ISP resolver, the censor's own
# servers, other sites) keeps its path untouched.
#
#   latency.sh up --rtt CIDR=MS [--rtt CIDR=MS ...] [--lifetime SECONDS]
#                 [--delayd PATH] [--max-packets N]
#   latency.sh down
#   latency.sh status
#
# --lifetime (default 600) bounds the emulator: it exits by itself, its
# device and route vanish, and the lab falls back to no delay. `down` ends
# it early and removes the rules; `lab.sh down` also ends it (it kills every
# process in the lab's namespaces). LAB_PREFIX and LAB_DIR select the lab
# as for lab.sh. The censor's rules still apply (they see each packet before
# it is delayed), and the htb/tbf throttle on probe0 stays in place.
set -Eeuo pipefail

LAB_PREFIX="${LAB_PREFIX:-aplab-}"
if [[ "${LAB_PREFIX}" == "aplab-" ]]; then
  LAB_DIR="${LAB_DIR:-/tmp/aplab-state}"
else
  LAB_DIR="${LAB_DIR:-/tmp/${LAB_PREFIX}state}"
fi
LAB_DIR="${LAB_DIR%/}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
NS_ISP="${LAB_PREFIX}isp"
DEV=apdelay0
TABLE=113
PREF_UP=1130        # probe -> a listed prefix
PREF_DOWN=1131      # a listed prefix -> probe
PIDFILE="${LAB_DIR}/run/delayd.pid"
LOG="${LAB_DIR}/logs/delayd.log"

log() { printf 'latency.sh[%s]: %s\n' "${LAB_PREFIX}" "$*" >&2; }
die() { log "error: $*"; exit 1; }
nsx() { ip netns exec "${NS_ISP}" "$@"; }

usage() {
  sed -n '10,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

need_lab() {
  [[ "$(id -u)" == 0 ]] || die "needs root (network namespaces)"
  [[ -f "${LAB_DIR}/lab.env" ]] || die "the lab is not up (no ${LAB_DIR}/lab.env)"
  ip netns list 2>/dev/null | awk '{print $1}' | grep -qx -- "${NS_ISP}" \
    || die "the lab is not up (no namespace ${NS_ISP})"
}

# The emulator's pid, only if it is alive and inside the isp namespace.
delayd_pid() {
  local pid
  [[ -s "${PIDFILE}" ]] || return 1
  pid="$(tr -dc '0-9' <"${PIDFILE}")"
  [[ -n "${pid}" ]] && kill -0 "${pid}" 2>/dev/null || return 1
  ip netns identify "${pid}" 2>/dev/null | grep -qx -- "${NS_ISP}" || return 1
  echo "${pid}"
}

do_down() {
  local pid i pref
  for pref in "${PREF_UP}" "${PREF_DOWN}"; do
    for (( i = 0; i < 300; i++ )); do
      nsx ip rule del pref "${pref}" 2>/dev/null || break
    done
  done
  nsx ip route flush table "${TABLE}" 2>/dev/null || true
  if pid="$(delayd_pid)"; then
    kill -TERM "${pid}" 2>/dev/null || true
    for (( i = 0; i < 50; i++ )); do
      kill -0 "${pid}" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "${pid}" 2>/dev/null && kill -KILL "${pid}" 2>/dev/null
  fi
  rm -f -- "${PIDFILE}"
  return 0
}

find_delayd() {
  local c
  for c in "${HERE}/../../build/tests/lab/lab_delayd" "${HERE}/../../build-lab/tests/lab/lab_delayd"; do
    [[ -x "${c}" ]] && { echo "${c}"; return 0; }
  done
  return 1
}

do_up() {
  local rtts=() lifetime=600 delayd="" max_packets=20000 spec
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --rtt) [[ $# -ge 2 ]] || usage; rtts+=("$2"); shift 2 ;;
      --lifetime) [[ $# -ge 2 && "$2" =~ ^[0-9]+$ ]] || usage; lifetime="$2"; shift 2 ;;
      --delayd) [[ $# -ge 2 ]] || usage; delayd="$2"; shift 2 ;;
      --max-packets) [[ $# -ge 2 && "$2" =~ ^[0-9]+$ ]] || usage; max_packets="$2"; shift 2 ;;
      *) usage ;;
    esac
  done
  (( ${#rtts[@]} > 0 )) || usage
  [[ -n "${delayd}" ]] || delayd="$(find_delayd)" \
    || die "no lab_delayd built (cmake --build build --target lab_delayd), or pass --delayd"
  [[ -x "${delayd}" ]] || die "${delayd} is not executable"
  for spec in "${rtts[@]}"; do
    [[ "${spec}" =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+(/[0-9]+)?=[0-9]+$ ]] \
      || die "--rtt wants CIDR=MS (IPv4), not '${spec}'"
  done
  do_down
  mkdir -p "${LAB_DIR}/run" "${LAB_DIR}/logs"
  local args=(--dev "${DEV}" --lifetime "${lifetime}" --max-packets "${max_packets}"
    --pidfile "${PIDFILE}" --daemon)
  for spec in "${rtts[@]}"; do args+=(--rtt "${spec}"); done
  # No stdio of ours (nor the lab lock's fd 9) for the daemon: a caller
  # reading our pipes is not held up by it.
  nsx "${delayd}" "${args[@]}" </dev/null >>"${LOG}" 2>&1 9>&- \
    || { tail -n 5 "${LOG}" >&2; die "lab_delayd did not start (see ${LOG})"; }
  # Packets written back into the device arrive from it: a strict reverse
  # path check would drop them (the probe is reached via probe0).
  nsx sysctl -qw net.ipv4.conf.all.rp_filter=0 "net.ipv4.conf.${DEV}.rp_filter=0"
  nsx ip link set "${DEV}" txqueuelen 10000 up
  nsx ip route add default dev "${DEV}" table "${TABLE}"
  for spec in "${rtts[@]}"; do
    nsx ip rule add pref "${PREF_UP}" iif probe0 to "${spec%%=*}" lookup "${TABLE}"
    nsx ip rule add pref "${PREF_DOWN}" iif world0 from "${spec%%=*}" lookup "${TABLE}"
  done
  log "up: ${rtts[*]} (pid $(delayd_pid), for at most ${lifetime} s)"
}

do_status() {
  local pid
  if pid="$(delayd_pid)"; then
    echo "lab_delayd: running (pid ${pid})"
    nsx ip rule show | grep -E "^(${PREF_UP}|${PREF_DOWN}):" || true
    return 0
  fi
  echo "lab_delayd: not running"
  return 1
}

[[ $# -ge 1 ]] || usage
cmd="$1"; shift
case "${cmd}" in
  up) need_lab; do_up "$@" ;;
  down) need_lab; do_down; log "down" ;;
  status) need_lab; do_status ;;
  *) usage ;;
esac

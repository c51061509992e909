#!/usr/bin/env bash
# lab.sh: the censorship lab (first form) -- network namespaces joined by
# veth pairs, with real servers in "world", an ISP resolver in "isp" and the
# probe under test in "probe":
#
#   [probe 198.18.1.2] --- [198.18.1.1 isp 198.18.2.1] --- [198.18.2.2 world]
#                          the censor                       sites 198.19.0.0/24
#                          198.18.3.0/24                    bench 198.19.1.0/24
#                                                           control 198.19.0.250
#
# The ISP is also the censor: iptables string matching on the SNI and the
# Host header, address blocking, forged TCP resets, a lying resolver, an
# interception TLS server with a fake national CA (and one whose
# intermediate has expired), a blockpage server and an HTTP injector, tc tbf
# for throttling, and an uplink that dies when the probe looks up
# uplinkcut.lab.test. Every rule is scoped to its own lab site's address or
# name, so every scenario coexists with every other case in one lab.
#
# plus two namespaces for "probe offline" tests: "offline" (only lo) and
# "dark" (a link whose only neighbour, "void", drops everything).
#
# Usage: lab.sh up [--sites-bench N] [--helper PATH] | down | status | uplink-restore
#
#   --helper PATH   the accessprobe binary whose `helper` subcommand runs in
#                   world as the control (default: ../../build/probe/accessprobe
#                   when it exists; without one there is no control)
#   uplink-restore  ends an uplink cut early (clears the trigger's list)
#
# Environment:
#   LAB_PREFIX  namespace name prefix (default "aplab-")
#   LAB_DIR     state dir: certs, configs, pid files, logs
#               (default /tmp/aplab-state, or /tmp/${LAB_PREFIX}state)
#
# Safety: no namespace gets a link to the host's namespace, and none has a
# route leaving the lab; every wait loop is bounded. Nothing here sends a
# packet from the host's own namespace.
set -Eeuo pipefail

LAB_PREFIX="${LAB_PREFIX:-aplab-}"
if [[ ! "${LAB_PREFIX}" =~ ^[a-z0-9][a-z0-9-]{0,15}$ ]]; then
  echo "lab.sh: LAB_PREFIX must be 1-16 of [a-z0-9-]: '${LAB_PREFIX}'" >&2
  exit 2
fi
if [[ "${LAB_PREFIX}" == "aplab-" ]]; then
  LAB_DIR="${LAB_DIR:-/tmp/aplab-state}"
else
  LAB_DIR="${LAB_DIR:-/tmp/${LAB_PREFIX}state}"
fi
case "${LAB_DIR}" in
  /?*/?*|/tmp/?*) ;;
  *) echo "lab.sh: LAB_DIR must be an absolute path two levels deep: '${LAB_DIR}'" >&2; exit 2 ;;
esac
LAB_DIR="${LAB_DIR%/}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MARKER=".aplab-state"

NS_PROBE="${LAB_PREFIX}probe"
NS_ISP="${LAB_PREFIX}isp"
NS_WORLD="${LAB_PREFIX}world"
NS_OFFLINE="${LAB_PREFIX}offline"
NS_DARK="${LAB_PREFIX}dark"
NS_VOID="${LAB_PREFIX}void"
RECENT_LIST="uplinkcut"
ALL_NS=("${NS_PROBE}" "${NS_ISP}" "${NS_WORLD}" "${NS_OFFLINE}" "${NS_DARK}" "${NS_VOID}")

# Addresses (198.18.0.0/15, RFC 2544 benchmarking range).
PROBE_IP=198.18.1.2
ISP_PROBE_SIDE=198.18.1.1      # also the ISP resolver
ISP_WORLD_SIDE=198.18.2.1
WORLD_ISP_SIDE=198.18.2.2
WORLD_DNS=198.19.0.1           # authoritative DNS for .test
SITE_IPS=(198.19.0.10 198.19.0.11 198.19.0.12 198.19.0.13)
REFUSED_IP=198.19.0.20         # nothing listens: RST
BLACKHOLE_IP=198.19.0.21       # SYNs dropped in world
BAD_IP=198.19.0.30             # badserver.py, plain HTTP misbehaviour
SILENT_IP=198.19.0.31          # badserver.py, accepts and never answers
DARK_IP=198.18.9.2
VOID_IP=198.18.9.1
BENCH_IP_COUNT=16              # bench sites on 198.19.1.1 .. 198.19.1.16

# Scenario sites (world) come from the scenario table, tests/lab/scenarios.py:
# SCN_NAMES, SCN_HOSTS, SCN_IPS, SCN_CENSORS, SCN_SERVERS, one element per
# scenario. Each has its own address, so each censor rule is scoped to its
# own site (scenarios on the lab's dead address or sharing one add none).
scenario_table="$(python3 "${HERE}/scenarios.py" --shell)" \
  || { echo "lab.sh: cannot read ${HERE}/scenarios.py" >&2; exit 1; }
eval "${scenario_table}"
SCENARIO_IPS=()
for ip in "${SCN_IPS[@]}"; do
  case " ${SITE_IPS[*]} ${SCENARIO_IPS[*]} ${BLACKHOLE_IP} " in
    *" ${ip} "*) ;;
    *) SCENARIO_IPS+=("${ip}") ;;
  esac
done
SITE_IPS+=("${SCENARIO_IPS[@]}")
HELPER_IP=198.19.0.250         # the control: accessprobe helper (world)
DEAD_CONTROL_IP=198.19.0.251   # a control the censor blocks (isp drops it)
HELPER_SMALL_IP=198.19.0.252   # a second helper with --max-inflight 1
# The censor's own servers (isp, on lo).
BLOCKPAGE_IP=198.18.3.10       # blockpage server (http, any Host)
CENSOR_LOCATION=http://qca.kz/instructions/  # where its 302s send the user
MITM_IP=198.18.3.11            # interception TLS server, valid national chain
MITM_OLD_IP=198.18.3.12        # same, the intermediate expired in 2023
THROTTLE_RATE=2mbit
UPLINK_CUT_SECONDS=90          # how long an uplink cut lasts at most

log() { printf 'lab.sh[%s]: %s\n' "${LAB_PREFIX}" "$*" >&2; }
die() { log "error: $*"; exit 1; }

need_root() {
  if [[ "$(id -u)" != 0 ]]; then
    if [[ "${CI:-}" == "true" ]]; then
      die "must run as root (CI=true: the lab must run, not be skipped)"
    fi
    log "not root: skipping (exit 77)"
    exit 77
  fi
  if ! unshare --net true 2>/dev/null; then
    if [[ "${CI:-}" == "true" ]]; then
      die "network namespaces are unavailable here (unshare --net failed); CI=true: the lab must run"
    fi
    log "network namespaces are unavailable (unshare --net failed): skipping (exit 77)"
    exit 77
  fi
  local t
  for t in ip nginx dnsmasq iptables openssl python3 curl sysctl flock unshare; do
    command -v "${t}" >/dev/null 2>&1 || die "missing tool '${t}' (install the packages listed in tests/lab/README.md)"
  done
}

nsx() { local ns="$1"; shift; ip netns exec "${ns}" "$@"; }
ns_exists() { ip netns list 2>/dev/null | awk '{print $1}' | grep -qx -- "$1"; }

# A single lock per prefix so concurrent up/down of the same lab serialise.
take_lock() {
  exec 9>"/tmp/${LAB_PREFIX}lab.lock"
  flock -w 300 9 || die "could not take /tmp/${LAB_PREFIX}lab.lock within 300 s"
}

# ---------------------------------------------------------------- down --
kill_ns_procs() {
  local ns="$1" pids i
  ns_exists "${ns}" || return 0
  for i in 1 2 3 4 5 6 7 8 9 10; do
    pids="$(ip netns pids "${ns}" 2>/dev/null || true)"
    [[ -z "${pids}" ]] && return 0
    if (( i < 8 )); then
      # shellcheck disable=SC2086
      kill -TERM ${pids} 2>/dev/null || true
    else
      # shellcheck disable=SC2086
      kill -KILL ${pids} 2>/dev/null || true
    fi
    sleep 0.3
  done
  pids="$(ip netns pids "${ns}" 2>/dev/null || true)"
  [[ -z "${pids}" ]] || log "warning: processes still in ${ns}: ${pids}"
}

do_down() {
  local ns
  # Pid files first (processes that left the namespace cannot exist, but be
  # thorough), then whatever still lives in each lab namespace.
  if [[ -d "${LAB_DIR}/run" ]]; then
    local f pid
    for f in "${LAB_DIR}"/run/*.pid; do
      [[ -f "${f}" ]] || continue
      pid="$(tr -dc '0-9' <"${f}" || true)"
      [[ -n "${pid}" ]] || continue
      # Only a process inside one of our namespaces is ours.
      for ns in "${ALL_NS[@]}"; do
        if ns_exists "${ns}" && ip netns identify "${pid}" 2>/dev/null | grep -qx -- "${ns}"; then
          kill -TERM "${pid}" 2>/dev/null || true
        fi
      done
    done
  fi
  for ns in "${ALL_NS[@]}"; do
    kill_ns_procs "${ns}"
  done
  for ns in "${ALL_NS[@]}"; do
    if ns_exists "${ns}"; then
      ip netns del "${ns}" 2>/dev/null || log "warning: could not delete netns ${ns}"
    fi
    rm -rf -- "/etc/netns/${ns}"
  done
  if [[ -d "${LAB_DIR}" ]]; then
    if [[ -f "${LAB_DIR}/${MARKER}" ]]; then
      rm -rf -- "${LAB_DIR}"
    else
      log "warning: ${LAB_DIR} has no ${MARKER} marker; not removing it"
    fi
  fi
}

# ----------------------------------------------------------------- up --
sites_bench=0
helper_bin=""

# Without --helper, the build tree's binary when there is one.
default_helper() {
  local b="${HERE}/../../build/probe/accessprobe"
  if [[ -z "${helper_bin}" && -x "${b}" ]]; then
    helper_bin="$(cd "$(dirname "${b}")" && pwd)/accessprobe"
  fi
  [[ -n "${helper_bin}" ]] || log "warning: no accessprobe binary for the control (--helper): the lab has no control"
}

helper_from_env() {
  [[ -f "${LAB_DIR}/lab.env" ]] && helper_bin="$(sed -n 's/^HELPER_BIN=//p' "${LAB_DIR}/lab.env")"
  return 0
}

make_namespaces() {
  local ns
  for ns in "${ALL_NS[@]}"; do
    ip netns add "${ns}"
    nsx "${ns}" ip link set lo up
  done
  # probe <-> isp, isp <-> world, dark <-> void; created directly inside the
  # namespaces, so nothing ever appears in the host's namespace.
  ip link add name isp0 netns "${NS_PROBE}" type veth peer name probe0 netns "${NS_ISP}"
  ip link add name world0 netns "${NS_ISP}" type veth peer name isp0 netns "${NS_WORLD}"
  ip link add name void0 netns "${NS_DARK}" type veth peer name dark0 netns "${NS_VOID}"

  nsx "${NS_PROBE}" ip addr add "${PROBE_IP}/24" dev isp0
  nsx "${NS_PROBE}" ip link set isp0 up
  nsx "${NS_PROBE}" ip route add default via "${ISP_PROBE_SIDE}"

  nsx "${NS_ISP}" ip addr add "${ISP_PROBE_SIDE}/24" dev probe0
  nsx "${NS_ISP}" ip addr add "${ISP_WORLD_SIDE}/24" dev world0
  nsx "${NS_ISP}" ip link set probe0 up
  nsx "${NS_ISP}" ip link set world0 up
  nsx "${NS_ISP}" ip route add 198.19.0.0/16 via "${WORLD_ISP_SIDE}"
  nsx "${NS_ISP}" sysctl -qw net.ipv4.ip_forward=1

  nsx "${NS_WORLD}" ip addr add "${WORLD_ISP_SIDE}/24" dev isp0
  nsx "${NS_WORLD}" ip link set isp0 up
  nsx "${NS_WORLD}" ip route add 198.18.1.0/24 via "${ISP_WORLD_SIDE}"
  local ip
  for ip in "${WORLD_DNS}" "${SITE_IPS[@]}" "${REFUSED_IP}" "${BLACKHOLE_IP}" "${BAD_IP}" "${SILENT_IP}" \
      "${HELPER_IP}" "${HELPER_SMALL_IP}"; do
    nsx "${NS_WORLD}" ip addr add "${ip}/32" dev lo
  done
  if (( sites_bench > 0 )); then
    local i
    for (( i = 1; i <= BENCH_IP_COUNT; i++ )); do
      nsx "${NS_WORLD}" ip addr add "198.19.1.${i}/32" dev lo
    done
  fi
  nsx "${NS_WORLD}" sysctl -qw net.core.somaxconn=4096
  nsx "${NS_WORLD}" sysctl -qw net.ipv4.tcp_max_syn_backlog=8192
  # A TCP timeout: every SYN to the black-hole address vanishes.
  nsx "${NS_WORLD}" iptables -w 5 -A INPUT -d "${BLACKHOLE_IP}" -p tcp -j DROP

  # The probe: many short connections to few servers need TIME_WAIT reuse.
  nsx "${NS_PROBE}" sysctl -qw net.ipv4.tcp_tw_reuse=1

  # Offline probe #2: link up, default route, but the next hop eats all.
  nsx "${NS_DARK}" ip addr add "${DARK_IP}/24" dev void0
  nsx "${NS_DARK}" ip link set void0 up
  nsx "${NS_DARK}" ip route add default via "${VOID_IP}"
  nsx "${NS_VOID}" ip addr add "${VOID_IP}/24" dev dark0
  nsx "${NS_VOID}" ip link set dark0 up
  nsx "${NS_VOID}" iptables -w 5 -P INPUT DROP
  nsx "${NS_VOID}" iptables -w 5 -P FORWARD DROP
  nsx "${NS_VOID}" iptables -w 5 -P OUTPUT DROP

  # Resolvers, through ip netns exec's bind mount of /etc/netns/NAME/*.
  mkdir -p "/etc/netns/${NS_PROBE}" "/etc/netns/${NS_OFFLINE}" "/etc/netns/${NS_DARK}"
  printf 'nameserver %s\noptions timeout:2 attempts:1\n' "${ISP_PROBE_SIDE}" >"/etc/netns/${NS_PROBE}/resolv.conf"
  printf 'nameserver %s\noptions timeout:2 attempts:1\n' "${ISP_PROBE_SIDE}" >"/etc/netns/${NS_OFFLINE}/resolv.conf"
  printf 'nameserver %s\noptions timeout:2 attempts:1\n' "${VOID_IP}" >"/etc/netns/${NS_DARK}/resolv.conf"
  # The control (world) resolves with the world's authoritative DNS.
  mkdir -p "/etc/netns/${NS_WORLD}"
  printf 'nameserver %s\noptions timeout:2 attempts:1\n' "${WORLD_DNS}" >"/etc/netns/${NS_WORLD}/resolv.conf"
  make_censor
}

# ------------------------------------------------------------ censor --
# The censor lives in isp, between the probe and everything else.
make_censor() {
  local ip
  for ip in "${BLOCKPAGE_IP}" "${MITM_IP}" "${MITM_OLD_IP}"; do
    nsx "${NS_ISP}" ip addr add "${ip}/32" dev lo
  done
  local ipt=(nsx "${NS_ISP}" iptables -w 5)
  # The probe's own uplink dies (the uplink_cut means): its DNS query for
  # the scenario's host (after the preflight, while measuring) puts it on a
  # list, and for UPLINK_CUT_SECONDS nothing passes to or from it.
  # `lab.sh uplink-restore` ends it early.
  local cut
  cut="$(scenario_host uplink_cut)"
  if [[ -n "${cut}" ]]; then
    "${ipt[@]}" -A INPUT -s "${PROBE_IP}" -p udp --dport 53 \
      -m string --algo bm --icase --hex-string "$(dns_wire_hex "${cut}")" \
      -m recent --name "${RECENT_LIST}" --rsource --set -j DROP
  fi
  "${ipt[@]}" -A INPUT -m recent --name "${RECENT_LIST}" --rsource --rcheck \
    --seconds "${UPLINK_CUT_SECONDS}" -j DROP
  "${ipt[@]}" -A OUTPUT -m recent --name "${RECENT_LIST}" --rdest --rcheck \
    --seconds "${UPLINK_CUT_SECONDS}" -j DROP
  "${ipt[@]}" -A FORWARD -m recent --name "${RECENT_LIST}" --rsource --rcheck \
    --seconds "${UPLINK_CUT_SECONDS}" -j DROP
  "${ipt[@]}" -A FORWARD -m recent --name "${RECENT_LIST}" --rdest --rcheck \
    --seconds "${UPLINK_CUT_SECONDS}" -j DROP

  "${ipt[@]}" -N CENSOR
  "${ipt[@]}" -A FORWARD -s "${PROBE_IP}" -j CENSOR
  # The censor also blocks a control.
  "${ipt[@]}" -A CENSOR -d "${DEAD_CONTROL_IP}" -j DROP
  # Throttling: what a throttled site sends to the probe goes through a
  # token bucket (class 1:20, filters below); everything else through an
  # unlimited class.
  nsx "${NS_ISP}" tc qdisc add dev probe0 root handle 1: htb default 10
  nsx "${NS_ISP}" tc class add dev probe0 parent 1: classid 1:10 htb rate 10gbit quantum 200000
  nsx "${NS_ISP}" tc class add dev probe0 parent 1: classid 1:20 htb rate 10gbit quantum 200000
  nsx "${NS_ISP}" tc qdisc add dev probe0 parent 1:20 handle 20: tbf rate "${THROTTLE_RATE}" \
    burst 16kb latency 1s
  local i
  for (( i = 0; i < ${#SCN_NAMES[@]}; i++ )); do
    make_censor_rule "${SCN_CENSORS[i]}" "${SCN_HOSTS[i]}" "${SCN_IPS[i]}"
  done
}

# One scenario's rule: what the censor does to the site host at ip. Every
# rule is scoped to that address (and the SNI and Host rules also to the
# port and the name), and applies only to traffic from the probe.
make_censor_rule() { # means host ip
  local means="$1" host="$2" ip="$3"
  local ipt=(nsx "${NS_ISP}" iptables -w 5)
  case "${means}" in
    none) ;;
    # SNI filtering: the hostname is in clear in the ClientHello.
    sni_drop)
      "${ipt[@]}" -A CENSOR -d "${ip}" -p tcp --dport 443 \
        -m string --algo bm --string "${host}" -j DROP ;;
    sni_reset)
      "${ipt[@]}" -A CENSOR -d "${ip}" -p tcp --dport 443 \
        -m string --algo bm --string "${host}" -j REJECT --reject-with tcp-reset ;;
    # Address blocking: a black hole, and forged resets for every SYN.
    ip_drop) "${ipt[@]}" -A CENSOR -d "${ip}" -j DROP ;;
    syn_reset) "${ipt[@]}" -A CENSOR -d "${ip}" -p tcp --syn -j REJECT --reject-with tcp-reset ;;
    # The ISP resolver lies (make_dns_conf); nothing to do on the path.
    dns_nxdomain|dns_blockpage) ;;
    # HTTP injection: the request never reaches the server; injector.py
    # answers it with the blockpage (forged segments from the server's
    # address; started in start_services).
    http_inject)
      "${ipt[@]}" -A CENSOR -d "${ip}" -p tcp --dport 80 \
        -m string --algo bm --icase --string "Host: ${host}" -j DROP ;;
    # TLS interception: connections go to the censor's TLS server
    # (make_nginx_isp_conf), whose intermediate is valid or expired.
    tls_intercept|tls_intercept_expired)
      nsx "${NS_ISP}" iptables -w 5 -t nat -A PREROUTING -s "${PROBE_IP}" -d "${ip}" \
        -p tcp --dport 443 -j DNAT --to-destination "$(mitm_ip "${means}"):443" ;;
    throttle)
      nsx "${NS_ISP}" tc filter add dev probe0 parent 1: protocol ip prio 1 u32 \
        match ip src "${ip}/32" flowid 1:20 ;;
    # The probe's own uplink dies: its DNS query for host (after the
    # preflight, while measuring) puts it on a list, and for
    # UPLINK_CUT_SECONDS nothing passes to or from it.
    uplink_cut) ;;               # the rules stand before CENSOR (make_censor)
    *) die "scenario ${host}: unknown censor means '${means}' (tests/lab/scenarios.py)" ;;
  esac
}

# The censor's TLS server for an interception means.
mitm_ip() {
  if [[ "$1" == tls_intercept_expired ]]; then echo "${MITM_OLD_IP}"; else echo "${MITM_IP}"; fi
}

# The first scenario host whose means is $1 ("" when none).
scenario_host() {
  local i
  for (( i = 0; i < ${#SCN_NAMES[@]}; i++ )); do
    if [[ "${SCN_CENSORS[i]}" == "$1" ]]; then echo "${SCN_HOSTS[i]}"; return; fi
  done
}

# A DNS name as it stands in a query: |09|uplinkcut|03|lab|04|test|00|.
dns_wire_hex() {
  local label out="|"
  IFS=. read -ra labels <<<"$1"
  for label in "${labels[@]}"; do
    out+="$(printf '%02x' "${#label}")|${label}|"
  done
  echo "${out}00|"
}

do_uplink_restore() {
  ns_exists "${NS_ISP}" || die "the lab is not up (no ${NS_ISP})"
  nsx "${NS_ISP}" sh -c "echo / >/proc/net/xt_recent/${RECENT_LIST}"
}

# Lab names -> address, and which of them get a good certificate.
# (name ip) pairs; nxdomain.lab.test is deliberately absent.
LAB_HOSTS=(
  http.lab.test "${SITE_IPS[0]}"
  https.lab.test "${SITE_IPS[1]}"
  redir1.lab.test "${SITE_IPS[2]}"
  redir2.lab.test "${SITE_IPS[3]}"
  redir3.lab.test "${SITE_IPS[0]}"
  canary1.lab.test "${SITE_IPS[1]}"
  canary2.lab.test "${SITE_IPS[2]}"
  wrongname.lab.test "${SITE_IPS[2]}"
  expired.lab.test "${SITE_IPS[3]}"
  unknownca.lab.test "${SITE_IPS[1]}"
  gzipbomb.lab.test "${SITE_IPS[3]}"
  binary.lab.test "${SITE_IPS[3]}"
  loop.lab.test "${SITE_IPS[0]}"
  loop2.lab.test "${SITE_IPS[1]}"
  loopback.lab.test "${SITE_IPS[2]}"
  echoip.lab.test "${SITE_IPS[3]}"
  large.lab.test "${SITE_IPS[0]}"
  refused.lab.test "${REFUSED_IP}"
  blackhole.lab.test "${BLACKHOLE_IP}"
  drip.lab.test "${BAD_IP}"
  endless.lab.test "${BAD_IP}"
  headers.lab.test "${BAD_IP}"
  stall.lab.test "${BAD_IP}"
  abrupt.lab.test "${BAD_IP}"
  eofbody.lab.test "${BAD_IP}"
  silent.lab.test "${SILENT_IP}"
)
# The scenario sites (the censor's rules name their addresses); those with a
# server get a good certificate.
SCENARIO_NAMES=()
for (( i = 0; i < ${#SCN_HOSTS[@]}; i++ )); do
  LAB_HOSTS+=("${SCN_HOSTS[i]}" "${SCN_IPS[i]}")
  [[ "${SCN_SERVERS[i]}" == dead ]] || SCENARIO_NAMES+=("${SCN_HOSTS[i]}")
done
GOOD_CERT_NAMES=(http.lab.test https.lab.test redir1.lab.test redir2.lab.test redir3.lab.test
  canary1.lab.test canary2.lab.test gzipbomb.lab.test binary.lab.test loop.lab.test
  loop2.lab.test loopback.lab.test echoip.lab.test large.lab.test "${SCENARIO_NAMES[@]}")

write_ca_conf() {
  local dir="$1"
  mkdir -p "${dir}/newcerts"
  : >"${dir}/index.txt"
  printf '1000\n' >"${dir}/serial"
  cat >"${dir}/ca.cnf" <<EOF
[ca]
default_ca = lab_ca
[lab_ca]
dir = ${dir}
database = \$dir/index.txt
new_certs_dir = \$dir/newcerts
serial = \$dir/serial
certificate = \$dir/ca.pem
private_key = \$dir/ca.key
default_md = sha256
default_days = 825
policy = policy_any
unique_subject = no
copy_extensions = copy
email_in_dn = no
[policy_any]
commonName = supplied
[leaf_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[int_ext]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
}

make_ca() {
  local dir="$1" cn="$2"
  write_ca_conf "${dir}"
  openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "${dir}/ca.key" -out "${dir}/ca.pem" -days 3650 -subj "/CN=${cn}" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash" 2>/dev/null
}

# issue CA_DIR OUT_BASENAME CN SAN [startdate enddate]
issue() {
  local ca="$1" out="$2" cn="$3" san="$4" start="${5:-}" end="${6:-}"
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "${out}.key" -out "${out}.csr" -subj "/CN=${cn}" \
    -addext "subjectAltName=${san}" 2>/dev/null
  local dates=()
  if [[ -n "${start}" ]]; then dates=(-startdate "${start}" -enddate "${end}"); fi
  openssl ca -batch -notext -config "${ca}/ca.cnf" -extensions leaf_ext \
    "${dates[@]}" -in "${out}.csr" -out "${out}.crt" 2>"${out}.calog" \
    || { cat "${out}.calog" >&2; die "openssl ca failed for ${cn}"; }
  rm -f "${out}.csr" "${out}.calog"
  chmod 0600 "${out}.key"
}

make_certs() {
  local ca="${LAB_DIR}/ca" rogue="${LAB_DIR}/rogue-ca" certs="${LAB_DIR}/certs" n
  mkdir -p "${ca}" "${rogue}" "${certs}"
  make_ca "${ca}" "accessprobe lab CA"
  make_ca "${rogue}" "accessprobe lab rogue CA (not trusted)"
  for n in "${GOOD_CERT_NAMES[@]}"; do
    issue "${ca}" "${certs}/${n}" "${n}" "DNS:${n}"
  done
  # Valid chain, but for another name.
  issue "${ca}" "${certs}/wrongname.lab.test" "elsewhere.lab.test" "DNS:elsewhere.lab.test"
  # Right name, expired in 2021.
  issue "${ca}" "${certs}/expired.lab.test" "expired.lab.test" "DNS:expired.lab.test" \
    20200101000000Z 20210101000000Z
  # Right name, issued by a CA the probe is not told about.
  issue "${rogue}" "${certs}/unknownca.lab.test" "unknownca.lab.test" "DNS:unknownca.lab.test"
  # badserver's https side: one leaf for every name it serves.
  issue "${ca}" "${certs}/badserver" "badserver.lab.test" \
    "DNS:drip.lab.test,DNS:endless.lab.test,DNS:headers.lab.test,DNS:stall.lab.test,DNS:abrupt.lab.test,DNS:eofbody.lab.test"
  # Fallback for unknown SNI.
  issue "${ca}" "${certs}/default.lab.test" "default.lab.test" "DNS:default.lab.test"
  if (( sites_bench > 0 )); then
    issue "${ca}" "${certs}/wild.bench.test" "*.bench.test" "DNS:*.bench.test"
  fi
  make_national_ca
}

# The censor's fake national CA, named like the real one in
# lists/interception-certs.csv (ISCA: C=KZ, O=ISCA, CN=Information Security
# Certification Authority), two intermediates (one valid, one expired in
# 2023 as ISCA's were for months), and forged leaves that copy the real
# sites' names. The probe is never told to trust any of it.
make_national_ca() {
  local root="${LAB_DIR}/national-ca" certs="${LAB_DIR}/certs" v
  write_ca_conf "${root}"
  openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "${root}/ca.key" -out "${root}/ca.pem" -days 7300 \
    -subj "/C=KZ/O=ISCA/CN=Information Security Certification Authority" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash" 2>/dev/null
  for v in valid expired; do
    local int="${LAB_DIR}/national-int-${v}" dates=()
    [[ "${v}" == expired ]] && dates=(-startdate 20230809063335Z -enddate 20231023063335Z)
    write_ca_conf "${int}"
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
      -keyout "${int}/ca.key" -out "${int}/ca.csr" \
      -subj "/C=KZ/O=ISCA/CN=ISCA Security Certificate (lab, ${v})" 2>/dev/null
    openssl ca -batch -notext -preserveDN -config "${root}/ca.cnf" -extensions int_ext \
      "${dates[@]}" -in "${int}/ca.csr" -out "${int}/ca.pem" 2>"${int}/calog" \
      || { cat "${int}/calog" >&2; die "openssl ca failed for the ${v} national intermediate"; }
  done
  # A forged leaf for each interception scenario, under the valid or the
  # expired intermediate.
  local i h int
  for (( i = 0; i < ${#SCN_HOSTS[@]}; i++ )); do
    h="${SCN_HOSTS[i]}"
    case "${SCN_CENSORS[i]}" in
      tls_intercept) int="${LAB_DIR}/national-int-valid" ;;
      tls_intercept_expired) int="${LAB_DIR}/national-int-expired" ;;
      *) continue ;;
    esac
    issue "${int}" "${certs}/mitm-${h}" "${h}" "DNS:${h}"
    cat "${certs}/mitm-${h}.crt" "${int}/ca.pem" >"${certs}/mitm-${h}.chain"
  done
}

make_content() {
  local www="${LAB_DIR}/www"
  mkdir -p "${www}"
  # gzip bomb: 64 MiB of zeros in about 64 KiB, served as Content-Encoding: gzip.
  python3 - "${www}/bomb.html.gz" <<'EOF'
import gzip, sys
with open(sys.argv[1], "wb") as f:
    with gzip.GzipFile(fileobj=f, mode="wb", compresslevel=9, mtime=0) as g:
        block = b"\0" * (1 << 20)
        for _ in range(64):
            g.write(block)
EOF
  # A body that is not UTF-8 (latin-1 text, a NUL, invalid sequences).
  printf '<html><head><title>Bin\xe4r</title></head><body>\xff\xfe\x00\x80\xc3\x28 caf\xe9</body></html>\n' >"${www}/binary.bin"
  # The censor's blockpage (served by nginx in isp, injected by injector.py),
  # sent with a 302 to ${CENSOR_LOCATION}: the redirect matches the shipped
  # fingerprint accessprobe.kz_0 (scope nat, KZ), which confirms blocking
  # in KZ; "Страница заблокирована" alone is cp.d_corp_kz_ps, a corporate
  # filter's page (scope inst), which confirms nothing.
  cat >"${www}/blockpage.html" <<'HTML'
<!DOCTYPE html><html><head><meta charset="utf-8"><title>Доступ ограничен</title></head><body><h1>Страница заблокирована</h1><p>Доступ к ресурсу ограничен по решению уполномоченного органа. (accessprobe lab censor)</p></body></html>
HTML
  # A 400 KiB page for the throttled site.
  python3 - "${www}/big.html" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write('<!DOCTYPE html><html><head><meta charset="utf-8"><title>Throttled lab site</title></head><body>\n')
    line = "<p>accessprobe lab: a large page, so that a slow link shows in the download rate.</p>\n"
    n = 0
    while n < 400 * 1024:
        f.write(line)
        n += len(line)
    f.write("</body></html>\n")
PY
  # A page longer than the 512 KiB a fetch keeps: 900,000 bytes exactly, so
  # the helper's body_length can be checked against its size.
  python3 - "${www}/large.html" <<'PY'
import sys
head = b'<!DOCTYPE html><html><head><meta charset="utf-8"><title>Large lab page</title></head><body>\n'
tail = b"</body></html>\n"
line = b"<p>accessprobe lab: a page longer than the part a fetch keeps.</p>\n"
size = 900000
body = (line * (size // len(line) + 1))[:size - len(head) - len(tail)]
with open(sys.argv[1], "wb") as f:
    f.write(head + body + tail)
PY
  chmod -R a+rX "${www}"
}

# What the world serves at a scenario site (scenarios.py's server).
scenario_site() { # host server
  local host="$1"
  case "$2" in
    page) nginx_site "${host}" "    location / { return 200 $(page "Scenario site ${host%%.*}"); }" ;;
    # Visitors from the probe's network get another page (a regional
    # edition): different, but the site's own, over valid https.
    geo) nginx_site "${host}" "    location / {
      if (\$remote_addr ~ \"^198\\.18\\.1\\.\") {
        return 200 '<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Regional edition for Kazakhstan</title></head><body><h1>Regional edition</h1><p>Visitors from this region see the regional edition of the lab site, with local news, local weather and local advertising, which makes this page rather longer than the international one.</p><p>More regional text, and more, and more, so the body lengths clearly differ.</p></body></html>\\n';
      }
      return 200 $(page 'International edition');
    }" ;;
    big) nginx_site "${host}" "    location / { root ${LAB_DIR}/www; try_files /big.html =404; }" ;;
    dead) ;;                    # the lab's dead address: nothing listens
    *) die "scenario ${host}: unknown server '$2' (tests/lab/scenarios.py)" ;;
  esac
}

nginx_site() { # name, then the body of the server block
  local name="$1" body="$2" tls="${3:-both}"
  {
    echo "  server {"
    [[ "${tls}" != https ]] && echo "    include ${LAB_DIR}/nginx/listen80.conf;"
    if [[ "${tls}" != http ]]; then
      echo "    include ${LAB_DIR}/nginx/listen443.conf;"
      echo "    ssl_certificate ${LAB_DIR}/certs/${name}.crt;"
      echo "    ssl_certificate_key ${LAB_DIR}/certs/${name}.key;"
    fi
    echo "    server_name ${name};"
    printf '%s\n' "${body}"
    echo "  }"
  }
}

page() { # title -> an HTML body for nginx's return
  printf "'<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>%s</title></head><body><h1>%s</h1><p>accessprobe lab</p></body></html>\\\\n'" "$1" "$1"
}

make_nginx_conf() {
  local d="${LAB_DIR}/nginx" ip workers=1 i
  mkdir -p "${d}/tmp" "${LAB_DIR}/logs"
  chmod 0755 "${d}" "${d}/tmp"
  : >"${d}/listen80.conf"; : >"${d}/listen443.conf"; : >"${d}/listen-default.conf"
  for ip in "${SITE_IPS[@]}"; do
    echo "listen ${ip}:80;" >>"${d}/listen80.conf"
    echo "listen ${ip}:443 ssl;" >>"${d}/listen443.conf"
    echo "listen ${ip}:80 default_server backlog=4096;" >>"${d}/listen-default.conf"
    echo "listen ${ip}:443 ssl default_server backlog=4096;" >>"${d}/listen-default.conf"
  done
  (( sites_bench > 0 )) && workers=2
  {
    cat <<EOF
# generated by tests/lab/lab.sh
user nobody nogroup;
worker_processes ${workers};
worker_rlimit_nofile 16384;
pid ${LAB_DIR}/run/nginx.pid;
lock_file ${d}/nginx.lock;
error_log ${LAB_DIR}/logs/nginx-error.log warn;
events { worker_connections 8192; }
http {
  access_log $( (( sites_bench > 0 )) && echo off || echo "${LAB_DIR}/logs/nginx-access.log" );
  client_body_temp_path ${d}/tmp/body;
  proxy_temp_path ${d}/tmp/proxy;
  fastcgi_temp_path ${d}/tmp/fastcgi;
  uwsgi_temp_path ${d}/tmp/uwsgi;
  scgi_temp_path ${d}/tmp/scgi;
  default_type text/html;
  server_tokens off;
  keepalive_timeout 5s;
  ssl_protocols TLSv1.2 TLSv1.3;
  ssl_session_cache off;
  ssl_session_tickets off;

  server {
    include ${d}/listen-default.conf;
    ssl_certificate ${LAB_DIR}/certs/default.lab.test.crt;
    ssl_certificate_key ${LAB_DIR}/certs/default.lab.test.key;
    server_name _;
    return 404 'no such lab site\\n';
  }
EOF
    nginx_site http.lab.test "    location / { return 200 $(page 'Lab HTTP site'); }"
    nginx_site https.lab.test "    location / { return 200 $(page 'Lab HTTPS site'); }"
    nginx_site canary1.lab.test "    location / { return 200 $(page 'Lab canary one'); }"
    nginx_site canary2.lab.test "    location / { return 200 $(page 'Lab canary two'); }"
    # Redirect chain: http://redir1/start -> https://redir2/hop2 -> https://redir3/final
    nginx_site redir1.lab.test "    location / { return 301 https://redir2.lab.test/hop2; }"
    nginx_site redir2.lab.test "    location / { return 302 https://redir3.lab.test/final; }"
    nginx_site redir3.lab.test "    location / { return 200 $(page 'Redirect chain end'); }"
    nginx_site wrongname.lab.test "    location / { return 200 $(page 'Wrong name'); }" https
    nginx_site expired.lab.test "    location / { return 200 $(page 'Expired'); }" https
    nginx_site unknownca.lab.test "    location / { return 200 $(page 'Unknown CA'); }" https
    nginx_site gzipbomb.lab.test "    location / { root ${LAB_DIR}/www; try_files /bomb.html.gz =404; add_header Content-Encoding gzip always; }"
    nginx_site binary.lab.test "    location / { root ${LAB_DIR}/www; default_type 'text/html; charset=iso-8859-1'; try_files /binary.bin =404; }"
    nginx_site large.lab.test "    location / { root ${LAB_DIR}/www; try_files /large.html =404; }"
    # A redirect loop between two hosts, forever.
    nginx_site loop.lab.test "    location / { return 302 http://loop2.lab.test/; }"
    nginx_site loop2.lab.test "    location / { return 302 http://loop.lab.test/; }"
    nginx_site loopback.lab.test "    location / { return 302 http://127.0.0.1/; }"
    nginx_site echoip.lab.test "    location / {
      add_header X-Client-IP \$remote_addr always;
      add_header X-Forwarded-For \$remote_addr always;
      return 200 '<!DOCTYPE html><html><head><title>Your address</title></head><body><p>Your address is \$remote_addr.</p><p>Seen from \$remote_addr port \$remote_port.</p></body></html>\\n';
    }"
    # Scenario sites: the real servers behind the censor.
    local n
    for (( n = 0; n < ${#SCN_HOSTS[@]}; n++ )); do
      scenario_site "${SCN_HOSTS[n]}" "${SCN_SERVERS[n]}"
    done
    if (( sites_bench > 0 )); then
      echo "  server {"
      for (( i = 1; i <= BENCH_IP_COUNT; i++ )); do
        echo "    listen 198.19.1.${i}:443 ssl backlog=4096;"
      done
      echo "    ssl_certificate ${LAB_DIR}/certs/wild.bench.test.crt;"
      echo "    ssl_certificate_key ${LAB_DIR}/certs/wild.bench.test.key;"
      echo "    server_name *.bench.test;"
      echo "    location / { return 200 '<!DOCTYPE html><html><head><title>Bench \$host</title></head><body><p>bench site \$host</p></body></html>\\n'; }"
      echo "  }"
    fi
    echo "}"
  } >"${d}/nginx.conf"
}

# The censor's servers in isp: the blockpage (plain http, any Host), and the
# interception TLS servers, which decrypt, forge a certificate for the name
# from the fake national CA, and fetch the real page from world over https.
make_nginx_isp_conf() {
  local d="${LAB_DIR}/nginx-isp" c="${LAB_DIR}/certs" n ip
  mkdir -p "${d}/tmp"
  chmod 0755 "${d}" "${d}/tmp"
  {
    cat <<EOF
# generated by tests/lab/lab.sh: the censor's servers (isp namespace)
user nobody nogroup;
worker_processes 1;
pid ${LAB_DIR}/run/nginx-isp.pid;
lock_file ${d}/nginx.lock;
error_log ${LAB_DIR}/logs/nginx-isp-error.log warn;
events { worker_connections 1024; }
http {
  access_log ${LAB_DIR}/logs/nginx-isp-access.log;
  client_body_temp_path ${d}/tmp/body;
  proxy_temp_path ${d}/tmp/proxy;
  fastcgi_temp_path ${d}/tmp/fastcgi;
  uwsgi_temp_path ${d}/tmp/uwsgi;
  scgi_temp_path ${d}/tmp/scgi;
  default_type text/html;
  charset utf-8;
  server_tokens off;
  keepalive_timeout 5s;
  ssl_protocols TLSv1.2 TLSv1.3;
  ssl_session_cache off;
  ssl_session_tickets off;
  server {
    listen ${BLOCKPAGE_IP}:80 default_server;
    server_name _;
    location / { root ${LAB_DIR}/www; error_page 418 =302 /blockpage.html;
                 add_header Location "${CENSOR_LOCATION}" always; return 418; }
    location = /blockpage.html { root ${LAB_DIR}/www; internal;
                 add_header Location "${CENSOR_LOCATION}" always; }
  }
EOF
    local i name real
    for (( i = 0; i < ${#SCN_HOSTS[@]}; i++ )); do
      [[ "${SCN_CENSORS[i]}" == tls_intercept* ]] || continue
      name="${SCN_HOSTS[i]%.lab.test}" ip="$(mitm_ip "${SCN_CENSORS[i]}")" real="${SCN_IPS[i]}"
      cat <<EOF
  server {
    listen ${ip}:443 ssl default_server;
    server_name ${name}.lab.test;
    ssl_certificate ${c}/mitm-${name}.lab.test.chain;
    ssl_certificate_key ${c}/mitm-${name}.lab.test.key;
    location / {
      proxy_pass https://${real};
      proxy_set_header Host ${name}.lab.test;
      proxy_ssl_server_name on;
      proxy_ssl_name ${name}.lab.test;
      proxy_ssl_verify off;
      proxy_connect_timeout 3s;
      proxy_read_timeout 5s;
    }
  }
EOF
    done
    echo "}"
  } >"${d}/nginx.conf"
}

make_dns_conf() {
  local d="${LAB_DIR}/dns" i n ip
  mkdir -p "${d}"
  {
    echo "# world: authoritative for .test (generated by tests/lab/lab.sh)"
    echo "no-resolv"
    echo "no-hosts"
    echo "no-poll"
    echo "bind-interfaces"
    echo "listen-address=${WORLD_DNS}"
    echo "port=53"
    echo "local=/test/"
    echo "local-ttl=60"
    echo "cache-size=0"
    echo "user=root"
    echo "pid-file=${LAB_DIR}/run/dns-world.pid"
    echo "log-facility=${LAB_DIR}/logs/dns-world.log"
    for (( i = 0; i < ${#LAB_HOSTS[@]}; i += 2 )); do
      echo "host-record=${LAB_HOSTS[i]},${LAB_HOSTS[i+1]}"
    done
    for (( n = 0; n < sites_bench; n++ )); do
      ip="198.19.1.$(( n % BENCH_IP_COUNT + 1 ))"
      echo "host-record=s${n}.bench.test,${ip}"
    done
  } >"${d}/world.conf"
  {
    echo "# isp: the resolver the probe uses; forwards .test to world"
    echo "no-resolv"
    echo "no-hosts"
    echo "no-poll"
    echo "bind-interfaces"
    echo "listen-address=${ISP_PROBE_SIDE}"
    echo "port=53"
    echo "server=/test/${WORLD_DNS}"
    echo "# the censor's lies"
    for (( i = 0; i < ${#SCN_HOSTS[@]}; i++ )); do
      case "${SCN_CENSORS[i]}" in
        dns_nxdomain) echo "address=/${SCN_HOSTS[i]}/" ;;
        dns_blockpage)
          echo "address=/${SCN_HOSTS[i]}/${BLOCKPAGE_IP}"
          echo "local=/${SCN_HOSTS[i]}/" ;;
      esac
    done
    echo "no-negcache"
    echo "cache-size=10000"
    echo "dns-forward-max=4096"
    echo "user=root"
    echo "pid-file=${LAB_DIR}/run/dns-isp.pid"
    echo "log-facility=${LAB_DIR}/logs/dns-isp.log"
  } >"${d}/isp.conf"
}

# Daemons get no stdio of ours and not the lock's descriptor (9), so that a
# caller waiting on our pipes (ctest) or on the lock is not held up by them.
start_daemon() { # ns logname cmd...
  local ns="$1" logf="${LAB_DIR}/logs/$2.out"; shift 2
  ip netns exec "${ns}" "$@" </dev/null >>"${logf}" 2>&1 9>&- \
    || { tail -n 20 "${logf}" >&2 || true; return 1; }
}

start_services() {
  mkdir -p "${LAB_DIR}/run" "${LAB_DIR}/logs"
  start_daemon "${NS_WORLD}" dns-world dnsmasq --conf-file="${LAB_DIR}/dns/world.conf" \
    || die "world dnsmasq failed (see ${LAB_DIR}/logs/dns-world.*)"
  start_daemon "${NS_ISP}" dns-isp dnsmasq --conf-file="${LAB_DIR}/dns/isp.conf" \
    || die "isp dnsmasq failed (see ${LAB_DIR}/logs/dns-isp.*)"
  start_daemon "${NS_WORLD}" nginx-t nginx -t -q -c "${LAB_DIR}/nginx/nginx.conf" -p "${LAB_DIR}/nginx" \
    || die "nginx config invalid"
  start_daemon "${NS_WORLD}" nginx nginx -c "${LAB_DIR}/nginx/nginx.conf" -p "${LAB_DIR}/nginx" \
    || die "nginx failed (see ${LAB_DIR}/logs/nginx-error.log)"
  # badserver daemonises itself once bound; it writes its own pid file.
  start_daemon "${NS_WORLD}" badserver python3 "${HERE}/badserver.py" \
    --http "${BAD_IP}:80" --https "${BAD_IP}:443" \
    --cert "${LAB_DIR}/certs/badserver.crt" --key "${LAB_DIR}/certs/badserver.key" \
    --silent "${SILENT_IP}:80" --silent "${SILENT_IP}:443" \
    --pidfile "${LAB_DIR}/run/badserver.pid" --log "${LAB_DIR}/logs/badserver.log" \
    --daemon || die "badserver.py failed (see ${LAB_DIR}/logs/badserver.*)"
  # The censor's servers (isp).
  start_daemon "${NS_ISP}" nginx-isp-t nginx -t -q -c "${LAB_DIR}/nginx-isp/nginx.conf" -p "${LAB_DIR}/nginx-isp" \
    || die "isp nginx config invalid"
  start_daemon "${NS_ISP}" nginx-isp nginx -c "${LAB_DIR}/nginx-isp/nginx.conf" -p "${LAB_DIR}/nginx-isp" \
    || die "isp nginx failed (see ${LAB_DIR}/logs/nginx-isp-error.log)"
  local inject i
  inject="$(scenario_host http_inject)"
  for (( i = 0; i < ${#SCN_HOSTS[@]}; i++ )); do
    if [[ "${SCN_HOSTS[i]}" == "${inject}" ]]; then
      inject="${SCN_IPS[i]}:80 --host ${inject}"
    fi
  done
  [[ -n "${inject}" ]] || die "no http_inject scenario in tests/lab/scenarios.py"
  # shellcheck disable=SC2086  # "IP:80 --host NAME", two arguments
  start_daemon "${NS_ISP}" injector python3 "${HERE}/injector.py" --iface probe0 \
    --target ${inject} --page "${LAB_DIR}/www/blockpage.html" \
    --location "${CENSOR_LOCATION}" \
    --pidfile "${LAB_DIR}/run/injector.pid" --log "${LAB_DIR}/logs/injector.log" \
    --daemon || die "injector.py failed (see ${LAB_DIR}/logs/injector.*)"
  # The controls (world): accessprobe helper, which does not daemonise.
  if [[ -n "${helper_bin}" ]]; then
    start_helper helper "${HELPER_IP}" 64
    start_helper helper-small "${HELPER_SMALL_IP}" 1
  fi
}

start_helper() { # name ip max-inflight
  local name="$1" ip="$2" n="$3"
  # A MaxMind DB naming the lab's networks: the helper tells a probe which
  # network it is on (the lab ISP) without the probe configuring it.
  if [[ ! -f "${LAB_DIR}/lab.mmdb" ]]; then
    python3 "${HERE}/../data/make_mmdb.py" "${LAB_DIR}/lab.mmdb" \
      "198.18.0.0/16=65550,KZ,accessprobe lab ISP" \
      "198.19.0.0/16=64500,NL,accessprobe lab world" \
      || die "cannot write the lab's MaxMind DB"
  fi
  ip netns exec "${NS_WORLD}" "${helper_bin}" helper --listen "${ip}:80" --allow-bogons \
    --ca-file "${LAB_DIR}/ca/ca.pem" --step-timeout 2000 --max-inflight "${n}" \
    --mmdb "${LAB_DIR}/lab.mmdb" \
    </dev/null >>"${LAB_DIR}/logs/${name}.out" 2>&1 9>&- &
  echo "$!" >"${LAB_DIR}/run/${name}.pid"
}

# The services healthy() and status look at.
services() {
  echo nginx dns-world dns-isp badserver nginx-isp injector
  if [[ -n "${helper_bin}" ]]; then echo helper helper-small; fi
}

write_env() {
  cat >"${LAB_DIR}/lab.env" <<EOF
LAB_PREFIX=${LAB_PREFIX}
LAB_DIR=${LAB_DIR}
NS_PROBE=${NS_PROBE}
NS_ISP=${NS_ISP}
NS_WORLD=${NS_WORLD}
NS_OFFLINE=${NS_OFFLINE}
NS_DARK=${NS_DARK}
PROBE_IP=${PROBE_IP}
ISP_RESOLVER=${ISP_PROBE_SIDE}
WORLD_DNS=${WORLD_DNS}
CA_FILE=${LAB_DIR}/ca/ca.pem
CERT_DIR=${LAB_DIR}/certs
WWW_DIR=${LAB_DIR}/www
SITES_BENCH=${sites_bench}
HELPER_BIN=${helper_bin}
CONTROL_URL=$( [[ -n "${helper_bin}" ]] && echo "http://${HELPER_IP}/" )
CONTROL_SMALL_URL=$( [[ -n "${helper_bin}" ]] && echo "http://${HELPER_SMALL_IP}/" )
DEAD_CONTROL_URL=http://${DEAD_CONTROL_IP}/
BLOCKPAGE_IP=${BLOCKPAGE_IP}
MITM_IP=${MITM_IP}
MITM_OLD_IP=${MITM_OLD_IP}
NATIONAL_CA=${LAB_DIR}/national-ca/ca.pem
EOF
}

# Checks run from inside the probe namespace (lab traffic only).
self_check() {
  local ca="${LAB_DIR}/ca/ca.pem" i out ok=0
  for (( i = 0; i < 40; i++ )); do
    if out="$(nsx "${NS_PROBE}" curl -sS --max-time 3 --cacert "${ca}" https://https.lab.test/ 2>&1)" \
        && [[ "${out}" == *"Lab HTTPS site"* ]]; then
      ok=1; break
    fi
    sleep 0.25
  done
  (( ok )) || die "self-check failed: https://https.lab.test/ from ${NS_PROBE}: ${out}"
  nsx "${NS_PROBE}" curl -sS --max-time 3 -o /dev/null http://http.lab.test/ \
    || die "self-check failed: http://http.lab.test/"
  out="$(nsx "${NS_PROBE}" curl -sS -i --max-time 3 "http://$(scenario_host dns_blockpage)/" 2>&1 || true)"
  [[ "${out}" == *"Страница заблокирована"* && "${out}" == *"Location: ${CENSOR_LOCATION}"* ]] \
    || die "self-check failed: the blockpage server: ${out}"
  if [[ -n "${helper_bin}" ]]; then
    ok=0
    for (( i = 0; i < 40; i++ )); do
      if nsx "${NS_PROBE}" curl -sS --max-time 2 -o /dev/null "http://${HELPER_IP}/" 2>/dev/null \
          && nsx "${NS_PROBE}" curl -sS --max-time 2 -o /dev/null "http://${HELPER_SMALL_IP}/" 2>/dev/null; then
        ok=1; break
      fi
      sleep 0.25
    done
    (( ok )) || die "self-check failed: the control helpers do not answer (see ${LAB_DIR}/logs/helper*.out)"
  fi
  if (( sites_bench > 0 )); then
    nsx "${NS_PROBE}" curl -sS --max-time 3 --cacert "${ca}" -o /dev/null "https://s$(( sites_bench - 1 )).bench.test/" \
      || die "self-check failed: bench site"
  fi
}

healthy() {
  local ns f
  [[ -f "${LAB_DIR}/lab.env" ]] || return 1
  for ns in "${ALL_NS[@]}"; do ns_exists "${ns}" || return 1; done
  [[ "$(sed -n 's/^HELPER_BIN=//p' "${LAB_DIR}/lab.env")" == "${helper_bin}" ]] || return 1
  for f in $(services); do
    [[ -s "${LAB_DIR}/run/${f}.pid" ]] || return 1
    kill -0 "$(tr -dc '0-9' <"${LAB_DIR}/run/${f}.pid")" 2>/dev/null || return 1
  done
  local want
  want="$(sed -n 's/^SITES_BENCH=//p' "${LAB_DIR}/lab.env")"
  [[ "${want}" == "${sites_bench}" ]] || return 1
  nsx "${NS_PROBE}" curl -sS --max-time 3 --cacert "${LAB_DIR}/ca/ca.pem" -o /dev/null https://https.lab.test/ 2>/dev/null || return 1
}

up_failed() {
  local rc=$?
  trap - EXIT
  (( rc == 0 )) && return 0
  log "up failed (exit ${rc}); last lines of the lab logs:"
  local f
  for f in "${LAB_DIR}"/logs/*; do
    [[ -s "${f}" ]] || continue
    echo "---- ${f}" >&2
    tail -n 15 "${f}" >&2 || true
  done
  log "tearing the partial lab down"
  do_down
  exit "${rc}"
}

do_up() {
  if healthy; then
    log "already up (${LAB_DIR})"
    return 0
  fi
  do_down
  trap 'up_failed' EXIT
  mkdir -p "${LAB_DIR}"
  chmod 0755 "${LAB_DIR}"
  : >"${LAB_DIR}/${MARKER}"
  mkdir -p "${LAB_DIR}/run" "${LAB_DIR}/logs"
  make_namespaces
  make_certs
  make_content
  make_nginx_conf
  make_nginx_isp_conf
  make_dns_conf
  start_services
  write_env
  self_check
  trap - EXIT
  log "up: namespaces ${NS_PROBE} ${NS_ISP} ${NS_WORLD} (+ ${NS_OFFLINE} ${NS_DARK} ${NS_VOID}); CA ${LAB_DIR}/ca/ca.pem"
}

do_status() {
  local ns f rc=0
  echo "prefix ${LAB_PREFIX}, state ${LAB_DIR}"
  for ns in "${ALL_NS[@]}"; do
    if ns_exists "${ns}"; then echo "netns ${ns}: present"; else echo "netns ${ns}: absent"; rc=1; fi
  done
  for f in $(services); do
    if [[ -s "${LAB_DIR}/run/${f}.pid" ]] && kill -0 "$(tr -dc '0-9' <"${LAB_DIR}/run/${f}.pid")" 2>/dev/null; then
      echo "${f}: running (pid $(tr -dc '0-9' <"${LAB_DIR}/run/${f}.pid"))"
    else
      echo "${f}: not running"; rc=1
    fi
  done
  if (( rc == 0 )); then
    if nsx "${NS_PROBE}" curl -sS --max-time 3 --cacert "${LAB_DIR}/ca/ca.pem" -o /dev/null https://https.lab.test/; then
      echo "reachability from ${NS_PROBE}: ok"
    else
      echo "reachability from ${NS_PROBE}: FAILED"; rc=1
    fi
  fi
  return "${rc}"
}

usage() {
  echo "usage: lab.sh up [--sites-bench N] [--helper PATH] | down | status | uplink-restore" >&2
  exit 2
}

main() {
  [[ $# -ge 1 ]] || usage
  local cmd="$1"; shift
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --sites-bench)
        [[ $# -ge 2 && "$2" =~ ^[0-9]+$ && "$2" -le 20000 ]] || usage
        sites_bench="$2"; shift 2 ;;
      --helper)
        [[ $# -ge 2 && -x "$2" ]] || { log "--helper needs an executable accessprobe"; usage; }
        helper_bin="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"; shift 2 ;;
      *) usage ;;
    esac
  done
  case "${cmd}" in
    up) need_root; default_helper; take_lock; do_up ;;
    down) need_root; take_lock; do_down; log "down" ;;
    status) need_root; helper_from_env; do_status ;;
    uplink-restore) need_root; do_uplink_restore ;;
    *) usage ;;
  esac
}

main "$@"

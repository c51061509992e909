#!/usr/bin/env python3
"""scenarios.py: the censorship lab's scenarios, one entry each: the site
(its URL and its address in the world namespace), what the censor does to
it, and what the probe must conclude. Data only (stdlib, no test logic).

    scenarios.py --shell    the table as bash arrays (lab.sh reads them)
    scenarios.py --table    the table for people (Markdown)

lab.sh builds each site (DNS name, address, certificate, web server) and
the censor's rule from its entry; run_case.py makes one ctest case,
lab.scenario_<name>, that measures the URL with a control and checks
`want`; scripts/demo measures every site and prints what the probe
concluded next to `means`.

A new scenario is one entry here. `censor` names a means lab.sh already
knows (make_censor_rule: none, sni_drop, sni_reset, ip_drop, syn_reset,
dns_nxdomain, dns_blockpage, http_inject, tls_intercept,
tls_intercept_expired, throttle, uplink_cut); a new means is one more case
there. Checks beyond `want` (what the means leaves in the record) go in
run_case.py under the scenario's name.
"""

import sys


class Want:
    """What the record must say: x_analysis (verdict, method, detail,
    confirmed) and OONI's keys (blocking, accessible, dns_consistency; None
    for dns: not checked)."""

    def __init__(self, verdict, method=None, detail=None, confirmed=False, blocking=False,
                 accessible=True, dns=None):
        self.verdict, self.method, self.detail = verdict, method, detail
        self.confirmed, self.blocking, self.accessible = confirmed, blocking, accessible
        self.dns = dns


class Scenario:
    """server: what the world serves there: "page" (a page titled
    "Scenario site LABEL"), "geo" (another page for the probe's network),
    "big" (a 400 KiB page), "dead" (nothing: the lab's dead address).
    case: "single" (run_case measures the URL alone) or "custom" (run_case
    has its own case for it)."""

    def __init__(self, name, url, ip, censor, means, want, server="page", extra=(),
                 case="single"):
        self.name, self.url, self.ip, self.censor = name, url, ip, censor
        self.means, self.want, self.server = means, want, server
        self.extra, self.case = list(extra), case
        self.host = url.split("/")[2]


SCENARIOS = [
    Scenario("reachable", "https://open.lab.test/", "198.19.0.40", "none",
             "none: the site passes untouched",
             Want("ok", dns="consistent")),
    Scenario("sni_drop", "https://snidrop.lab.test/", "198.19.0.41", "sni_drop",
             "iptables -m string 'snidrop.lab.test' on :443 -j DROP (ClientHello dropped)",
             Want("blocked", "tls", "tls.sni_filtered", True, "http-failure", False,
                  "consistent")),
    Scenario("sni_reset", "https://snireset.lab.test/", "198.19.0.42", "sni_reset",
             "iptables -m string 'snireset.lab.test' on :443 -j REJECT --reject-with tcp-reset",
             Want("blocked", "tls", "tls.sni_filtered", True, "http-failure", False,
                  "consistent")),
    Scenario("ip_blackhole", "https://ipblock.lab.test/", "198.19.0.43", "ip_drop",
             "iptables -d 198.19.0.43 -j DROP",
             Want("blocked", "tcp", "tcp.timeout", False, "tcp_ip", False, "consistent")),
    # A forged RST in answer to the SYN is, to the client, a refused
    # connection (ECONNREFUSED, OONI's connection_refused): tcp.refused.
    Scenario("tcp_reset", "https://tcpreset.lab.test/", "198.19.0.44", "syn_reset",
             "iptables -d 198.19.0.44 -p tcp --syn -j REJECT --reject-with tcp-reset",
             Want("blocked", "tcp", "tcp.refused", False, "tcp_ip", False, "consistent")),
    Scenario("dns_nxdomain", "https://dnsnx.lab.test/", "198.19.0.45", "dns_nxdomain",
             "ISP resolver: address=/dnsnx.lab.test/ (NXDOMAIN)",
             Want("blocked", "dns", "dns.nxdomain", False, "dns", False, "inconsistent")),
    # The censor's means is DNS; the blockpage it leads to confirms it (its
    # redirect to qca.kz matches accessprobe.kz_0, scope nat, KZ).
    Scenario("dns_blockpage", "http://dnsbp.lab.test/", "198.19.0.46", "dns_blockpage",
             "ISP resolver: dnsbp.lab.test -> 198.18.3.10, the censor's blockpage server "
             "(a 302 to qca.kz with the page)",
             Want("blocked", "dns", "dns.bogus_answer", True, "dns", False, "inconsistent")),
    Scenario("http_blockpage", "http://inject.lab.test/", "198.19.0.47", "http_inject",
             "iptables -m string 'Host: inject.lab.test' -j DROP + injector.py forges the answer "
             "(a 302 to qca.kz with the page)",
             Want("blocked", "http", "http.blockpage", True, "http-diff", False,
                  "consistent")),
    Scenario("tls_interception", "https://intercept.lab.test/", "198.19.0.48",
             "tls_intercept",
             "DNAT :443 to the censor's TLS server; leaf forged by a fake ISCA CA",
             Want("blocked", "tls", "tls.interception", True, "http-failure", False,
                  "consistent")),
    Scenario("tls_interception_expired", "https://intercept-old.lab.test/", "198.19.0.49",
             "tls_intercept_expired",
             "as tls_interception, the ISCA intermediate expired in 2023",
             Want("blocked", "tls", "tls.interception", True, "http-failure", False,
                  "consistent")),
    Scenario("down", "https://down.lab.test/", "198.19.0.21", "none",
             "none: the server is dead for everyone (world drops its SYNs)",
             Want("down", None, None, False, False, False, "consistent"), server="dead"),
    Scenario("legit_diff", "https://geo.lab.test/", "198.19.0.50", "none",
             "none: the site itself serves the probe's network another page",
             Want("ok", None, None, False, False, True, "consistent"), server="geo"),
    Scenario("throttled", "https://throttle.lab.test/", "198.19.0.51", "throttle",
             "tc htb + tbf 2mbit on isp->probe for 198.19.0.51 (400 KiB page)",
             Want("throttled", None, None, False, False, True, "consistent"), server="big",
             extra=["--step-timeout", "8000"]),
    # The uplink dies while the probe measures: looking this name up (after
    # the preflight and a few measurements) cuts the probe off.
    Scenario("uplink_cut", "https://uplinkcut.lab.test/", "198.19.0.40", "uplink_cut",
             "every packet to/from the probe dropped once it looks this name up",
             Want("probe_offline", None, None, False, None, None), case="custom"),
]

BY_NAME = {s.name: s for s in SCENARIOS}

# scenario_control_unreachable: the censor also blocks the control. Without
# it only the fingerprints and the decoy handshake may say blocked. A
# confirming blockpage fingerprint sets OONI's keys too, control or not.
CONTROL_BLOCKED = [
    (BY_NAME["reachable"].url, Want("inconclusive", None, None, False, False, True)),
    (BY_NAME["ip_blackhole"].url, Want("inconclusive", None, None, False, None, None)),
    (BY_NAME["http_blockpage"].url,
     Want("blocked", "http", "http.blockpage", True, "http-diff", False)),
    (BY_NAME["sni_drop"].url, Want("blocked", "tls", "tls.sni_filtered", True, None, None)),
]

# scenario_uplink_cut: these are measured first (-p 1), then the site whose
# lookup cuts the uplink.
UPLINK_FILLER = ["https://throttle.lab.test/?n=%d" % i for i in range(3)]


def shell():
    """Bash arrays for lab.sh, one element per scenario, index by index."""
    def arr(name, values):
        q = " ".join("'%s'" % v.replace("'", "'\\''") for v in values)
        print("%s=(%s)" % (name, q))
    arr("SCN_NAMES", [s.name for s in SCENARIOS])
    arr("SCN_HOSTS", [s.host for s in SCENARIOS])
    arr("SCN_IPS", [s.ip for s in SCENARIOS])
    arr("SCN_CENSORS", [s.censor for s in SCENARIOS])
    arr("SCN_SERVERS", [s.server for s in SCENARIOS])


def _json(v):
    return "null" if v is None else str(v).lower() if isinstance(v, bool) else v


def table():
    print("| case | URL | censor's means | verdict / method / detail, confirmed; "
          "blocking, accessible |")
    print("|---|---|---|---|")
    for s in SCENARIOS:
        w = s.want
        print("| scenario_%s | %s (%s) | %s | %s / %s / %s, %s; %s, %s |" % (
            s.name, s.url, s.ip, s.means, w.verdict, w.method or "null", w.detail or "null",
            "yes" if w.confirmed else "no", _json(w.blocking), _json(w.accessible)))
    print("| scenario_control_unreachable | %s with --control http://198.19.0.251/ (dropped) "
          "| the censor blocks the control | %s |" % (
              ", ".join(u for u, _ in CONTROL_BLOCKED),
              ", ".join("%s %s" % (w.verdict, w.detail or "") for _, w in CONTROL_BLOCKED)))


if __name__ == "__main__":
    if sys.argv[1:] == ["--shell"]:
        shell()
    elif sys.argv[1:] == ["--table"]:
        table()
    else:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)

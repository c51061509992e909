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
tls_intercept_expired, throttle, throttle_hard, uplink_cut); a new means is
one more case there. Checks beyond `want` (what the means leaves in the
record) go in run_case.py under the scenario's name.

Each scenario says what the probe concludes with the control (`want`) and
while the censor blocks the control too (`blind`, the case
scenario_control_unreachable), and what `accessprobe report` counts for
one run (`Want.report`: the day's status; an unconfirmed blocked or down
verdict gets its second look, so one run is two measurements). A month of
daily runs built from these runs (scenario_month_report) must give the
blocked-day counts MONTH_EXPECTED derives from them.
"""

import sys


class Want:
    """What the record must say: x_analysis (verdict, method, detail,
    confirmed) and OONI's keys (blocking, accessible, dns_consistency; None
    for dns: not checked); `evidence`, a phrase one evidence sentence must
    hold; `report`, the status `accessprobe report` gives the day of one
    run (default: the verdict's; an inconclusive one has no say)."""

    def __init__(self, verdict, method=None, detail=None, confirmed=False, blocking=False,
                 accessible=True, dns=None, evidence=None, report=None):
        self.verdict, self.method, self.detail = verdict, method, detail
        self.confirmed, self.blocking, self.accessible = confirmed, blocking, accessible
        self.dns, self.evidence = dns, evidence
        self.report = report or {"inconclusive": "no_verdict",
                                 "probe_offline": None}.get(verdict, verdict)

    def second_look(self):
        """Whether one run measures the URL twice (blocked without
        confirmation, or down: the probe's second look)."""
        return (self.verdict == "blocked" and not self.confirmed) or self.verdict == "down"


class Scenario:
    """server: what the world serves there: "page" (a page titled
    "Scenario site LABEL"), "geo" (another page for the probe's network),
    "big" (a 400 KiB page), "huge" (an 880,000-byte page), "slow" (that
    page at 48 KB/s to everyone: nginx's limit_rate), "dead" (nothing: the
    lab's dead address). case: "single" (run_case measures the URL alone)
    or "custom" (run_case has its own case for it). blind: what the probe
    concludes while the control is blocked (no control: only fingerprints
    and the SNI test say blocked, nothing says down, a page over valid
    https says ok)."""

    def __init__(self, name, url, ip, censor, means, want, server="page", extra=(),
                 case="single", blind=None):
        self.name, self.url, self.ip, self.censor = name, url, ip, censor
        self.means, self.want, self.server = means, want, server
        self.extra, self.case, self.blind = list(extra), case, blind
        self.host = url.split("/")[2]


# Without a control: what a page over valid https, and a measurement that
# nothing confirms, say.
OWN_HTTPS = Want("ok", None, None, False, False, True, evidence="not confirmed by a control")
NOTHING_TO_COMPARE = Want("inconclusive", None, None, False, None, None,
                          evidence="no control measurement")


SCENARIOS = [
    Scenario("reachable", "https://open.lab.test/", "198.19.0.40", "none",
             "none: the site passes untouched",
             Want("ok", dns="consistent", evidence="the page matches"), blind=OWN_HTTPS),
    Scenario("sni_drop", "https://snidrop.lab.test/", "198.19.0.41", "sni_drop",
             "iptables -m string 'snidrop.lab.test' on :443 -j DROP (ClientHello dropped)",
             Want("blocked", "tls", "tls.sni_filtered", True, "http-failure", False,
                  "consistent", evidence="the name is filtered"),
             blind=Want("blocked", "tls", "tls.sni_filtered", True, None, None,
                        evidence="the name is filtered")),
    Scenario("sni_reset", "https://snireset.lab.test/", "198.19.0.42", "sni_reset",
             "iptables -m string 'snireset.lab.test' on :443 -j REJECT --reject-with tcp-reset",
             Want("blocked", "tls", "tls.sni_filtered", True, "http-failure", False,
                  "consistent", evidence="the name is filtered"),
             blind=Want("blocked", "tls", "tls.sni_filtered", True, None, None,
                        evidence="the name is filtered")),
    Scenario("ip_blackhole", "https://ipblock.lab.test/", "198.19.0.43", "ip_drop",
             "iptables -d 198.19.0.43 -j DROP",
             Want("blocked", "tcp", "tcp.timeout", False, "tcp_ip", False, "consistent",
                  evidence="the control connected"), blind=NOTHING_TO_COMPARE),
    # A forged RST in answer to the SYN is, to the client, a refused
    # connection (ECONNREFUSED, OONI's connection_refused): tcp.refused.
    Scenario("tcp_reset", "https://tcpreset.lab.test/", "198.19.0.44", "syn_reset",
             "iptables -d 198.19.0.44 -p tcp --syn -j REJECT --reject-with tcp-reset",
             Want("blocked", "tcp", "tcp.refused", False, "tcp_ip", False, "consistent",
                  evidence="the control connected"), blind=NOTHING_TO_COMPARE),
    Scenario("dns_nxdomain", "https://dnsnx.lab.test/", "198.19.0.45", "dns_nxdomain",
             "ISP resolver: address=/dnsnx.lab.test/ (NXDOMAIN)",
             Want("blocked", "dns", "dns.nxdomain", False, "dns", False, "inconsistent",
                  evidence="the control resolved it"), blind=NOTHING_TO_COMPARE),
    # The censor's means is DNS; the blockpage it leads to confirms it (its
    # redirect to qca.kz matches accessprobe.kz_0, scope nat, KZ).
    Scenario("dns_blockpage", "http://dnsbp.lab.test/", "198.19.0.46", "dns_blockpage",
             "ISP resolver: dnsbp.lab.test -> 198.18.3.10, the censor's blockpage server "
             "(a 302 to qca.kz with the page)",
             Want("blocked", "dns", "dns.bogus_answer", True, "dns", False, "inconsistent",
                  evidence="the resolver lies"),
             # without the control DNS cannot be compared: the blockpage
             # alone still confirms
             blind=Want("blocked", "http", "http.blockpage", True, "http-diff", False,
                        evidence="blockpage fingerprint")),
    Scenario("http_blockpage", "http://inject.lab.test/", "198.19.0.47", "http_inject",
             "iptables -m string 'Host: inject.lab.test' -j DROP + injector.py forges the answer "
             "(a 302 to qca.kz with the page)",
             Want("blocked", "http", "http.blockpage", True, "http-diff", False,
                  "consistent", evidence="blockpage fingerprint"),
             blind=Want("blocked", "http", "http.blockpage", True, "http-diff", False,
                        evidence="blockpage fingerprint")),
    Scenario("tls_interception", "https://intercept.lab.test/", "198.19.0.48",
             "tls_intercept",
             "DNAT :443 to the censor's TLS server; leaf forged by a fake ISCA CA",
             Want("blocked", "tls", "tls.interception", True, "http-failure", False,
                  "consistent", evidence="interception certificate"),
             blind=Want("blocked", "tls", "tls.interception", True, None, None,
                        evidence="interception certificate")),
    Scenario("tls_interception_expired", "https://intercept-old.lab.test/", "198.19.0.49",
             "tls_intercept_expired",
             "as tls_interception, the ISCA intermediate expired in 2023",
             Want("blocked", "tls", "tls.interception", True, "http-failure", False,
                  "consistent", evidence="interception certificate"),
             blind=Want("blocked", "tls", "tls.interception", True, None, None,
                        evidence="interception certificate")),
    Scenario("down", "https://down.lab.test/", "198.19.0.21", "none",
             "none: the server is dead for everyone (world drops its SYNs)",
             Want("down", None, None, False, False, False, "consistent",
                  evidence="could not connect either"), server="dead",
             blind=NOTHING_TO_COMPARE),
    Scenario("legit_diff", "https://geo.lab.test/", "198.19.0.50", "none",
             "none: the site itself serves the probe's network another page",
             Want("ok", None, None, False, False, True, "consistent",
                  evidence="by status and headers"), server="geo", blind=OWN_HTTPS),
    Scenario("throttled", "https://throttle.lab.test/", "198.19.0.51", "throttle",
             "tc htb + tbf 2mbit on isp->probe for 198.19.0.51 (400 KiB page)",
             Want("throttled", None, None, False, False, True, "consistent",
                  evidence="bytes/s"), server="big",
             extra=["--step-timeout", "8000"], blind=OWN_HTTPS),
    # The page is still flowing when the step's deadline ends the GET
    # (~100 KB of 880,000 in 2 s), while the control fetches it whole at
    # full speed: slow, not stopped. OONI's v0.4 rules call the cut request
    # an http-failure.
    Scenario("throttled_cut", "https://throttlecut.lab.test/", "198.19.0.52",
             "throttle_hard",
             "tc htb + tbf 400kbit on isp->probe for 198.19.0.52 (880,000-byte page; "
             "the step's deadline ends it while flowing)",
             Want("throttled", None, None, False, "http-failure", False, "consistent",
                  evidence="throttled, not blocked"), server="huge",
             blind=Want("inconclusive", None, None, False, None, None,
                        evidence="slow, not stopped")),
    # Slow for everyone: the server sends 48 KB/s to all, so the control's
    # fetch is cut by its deadline too, as slowly: neither throttled nor
    # blocked.
    Scenario("slow_everyone", "https://slow.lab.test/", "198.19.0.53", "none",
             "none: nginx sends the 880,000-byte page at 48 KB/s to everyone "
             "(limit_rate)",
             Want("ok", None, None, False, None, None, "consistent",
                  evidence="slow for everyone"), server="slow",
             blind=Want("inconclusive", None, None, False, None, None,
                        evidence="slow, not stopped")),
    # The uplink dies while the probe measures: looking this name up (after
    # the preflight and a few measurements) cuts the probe off.
    Scenario("uplink_cut", "https://uplinkcut.lab.test/", "198.19.0.40", "uplink_cut",
             "every packet to/from the probe dropped once it looks this name up",
             Want("probe_offline", None, None, False, None, None), case="custom"),
]

BY_NAME = {s.name: s for s in SCENARIOS}

# scenario_control_unreachable: the censor also blocks the control, and
# every scenario stands behind it. Without it only the fingerprints and the
# decoy handshake may say blocked, nothing says down, and a page over valid
# https is ok. A confirming blockpage fingerprint sets OONI's keys too,
# control or not.
CONTROL_BLOCKED = [(s.url, s.blind) for s in SCENARIOS if s.case == "single"]


def month_expected(days, without_second_look):
    """Blocked days a monitor expects per (scenario, network) from a month
    of one daily run per network: network "control" (the control
    answers; on `without_second_look` of the days the run ended before
    its second looks) and network "blind" (the censor blocks the
    control). A confirmed block counts every day; an unconfirmed one only
    on the days its second look agreed; nothing else is blocked."""
    out = {}
    for s in SCENARIOS:
        if s.case != "single":
            continue
        w, b = s.want, s.blind
        out[(s.name, "control")] = (
            0 if w.verdict != "blocked" else
            days if w.confirmed else days - without_second_look)
        out[(s.name, "blind")] = days if b.verdict == "blocked" and b.confirmed else 0
    return out

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
    bad = [s.name for s in SCENARIOS
           if s.case == "single" and (s.blind is None or
                                      (s.blind.verdict == "blocked" and not s.blind.confirmed)
                                      or s.blind.verdict == "down")]
    if bad:
        raise SystemExit("scenarios.py: without a control nothing may say down or blocked "
                         "unconfirmed (blind): %s" % ", ".join(bad))


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

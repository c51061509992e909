#!/usr/bin/env python3
"""Writes the report fixtures under tests/report/fixtures/ (deterministic).

feb/   February 2024 from two networks: a probe's JSONL, a gzip file, OONI
       Probe records (no x_analysis) and malformed lines. The scenarios and
       the counts they must give are in test_report.py.
edge/  a truncated gzip file; records with long Cyrillic header names; a
       time-zone offset; gzip with trailing data and with two members; a
       stray record years before the rest (stray/, for the HTML grid);
       networks named by the records, the control or nothing (names.jsonl).
jan/   January 2024, the month before feb/: what changed (test_report.py).

Records start from template.json (a record the probe wrote in the lab) and
change only what a scenario needs, so every "ours" record stays valid
against results/schema/measurement.schema.json.
"""
import copy
import gzip
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, "fixtures")
TEMPLATE = json.load(open(os.path.join(FIX, "template.json")))

NETS = {
    "AS9198": "JSC Kazakhtelecom",
    "AS21299": "Kar-Tel LLP",
    "AS12389": "PJSC Rostelecom",
    "AS65001": "", "AS65002": "", "AS65003": "", "AS65004": "", "AS0": "",
}

DETAIL = {"dns": "dns.nxdomain", "tcp": "tcp.timeout",
          "tls": "tls.timeout_after_clienthello", "http": "http.diff"}
BLOCKING = {"dns": "dns", "tcp": "tcp_ip", "tls": "http-failure",
            "http": "http-diff"}


def ours(url, day, asn, verdict, method=None, confirmed=False, cat="NEWS",
         cc="KZ", hour=10):
    r = copy.deepcopy(TEMPLATE)
    ts = "2024-%s %02d:00:00" % (day, hour)
    r["input"] = url
    r["measurement_start_time"] = ts
    r["test_start_time"] = ts
    r["probe_asn"] = asn
    r["probe_cc"] = cc
    r["probe_network_name"] = NETS[asn]
    r["report_id"] = "2024%sT%02d0000Z_webconnectivity_%s_%s_n0_Fixture%s" % (
        day.replace("-", ""), hour, cc, asn[2:], "0123456789"[hour % 10] * 7)
    tk = r["test_keys"]
    tk["x_category_code"] = cat
    blocked = verdict == "blocked"
    tk["blocking"] = BLOCKING[method] if blocked else (
        False if verdict in ("ok", "down", "throttled") else None)
    tk["accessible"] = {"ok": True, "throttled": True, "down": False,
                        "blocked": False}.get(verdict)
    tk["x_analysis"] = {
        "verdict": verdict,
        "method": method if blocked else None,
        "detail": (("dns.bogus_answer" if confirmed and method == "dns"
                    else DETAIL[method]) if blocked else None),
        "confirmed": bool(confirmed and blocked),
        "evidence": ["fixture: %s" % verdict],
    }
    return r


PAGE = ("<html><head><title>Fixture news site</title></head><body>"
        "News of the day.</body></html>")


def ooni_keys(host, kind):
    """OONI Probe's web_connectivity 0.4 test keys for one scenario, with
    the evidence the report judges: what the probe saw and the control's
    view. kind: dns (NXDOMAIN here, resolved and fetched by the control),
    tls (the handshake fails ssl_invalid_hostname here, works there), ok,
    down (nobody connects), null (the control failed)."""
    ip = "203.0.113.7"
    url = "https://%s/" % host
    ctl = {"dns": {"addrs": [ip], "failure": None},
           "tcp_connect": {ip + ":443": {"status": True, "failure": None}},
           "http_request": {"body_length": len(PAGE), "failure": None,
                            "status_code": 200, "title": "Fixture news site",
                            "headers": {"Content-Type": "text/html"}}}
    answer = [{"answer_type": "A", "ipv4": ip, "ttl": 300}]
    query = {"engine": "system", "failure": None, "hostname": host,
             "query_type": "A", "answers": answer, "resolver_address": ""}
    tcp = [{"ip": ip, "port": 443, "status": {"failure": None,
                                              "success": True}}]
    tls = [{"address": ip + ":443", "server_name": host, "failure": None,
            "tls_version": "TLSv1.3", "peer_certificates": None}]
    req = {"failure": None, "request": {"url": url, "method": "GET"},
           "response": {"code": 200, "body": PAGE,
                        "headers": {"Content-Type": "text/html"}}}
    tk = {"queries": [query], "tcp_connect": tcp, "tls_handshakes": tls,
          "requests": [req], "control": ctl, "control_failure": None,
          "dns_experiment_failure": None, "http_experiment_failure": None,
          "blocking": False, "accessible": True}
    if kind == "dns":
        query.update(answers=None, failure="dns_nxdomain_error")
        tk.update(tcp_connect=[], tls_handshakes=[],
                  dns_experiment_failure="dns_nxdomain_error",
                  blocking="dns", accessible=False)
        req.update(failure="dns_nxdomain_error", response=None)
    elif kind == "tls":
        tls[0].update(failure="ssl_invalid_hostname", tls_version="")
        req.update(failure="ssl_invalid_hostname", response=None)
        tk.update(http_experiment_failure="ssl_invalid_hostname",
                  blocking="http-failure", accessible=False)
    elif kind == "down":
        tcp[0]["status"] = {"failure": "generic_timeout_error",
                            "success": False}
        ctl["tcp_connect"][ip + ":443"] = {"status": False,
                                           "failure": "generic_timeout_error"}
        ctl["http_request"] = {"body_length": -1, "status_code": -1,
                               "failure": "generic_timeout_error",
                               "headers": {}}
        req.update(failure="generic_timeout_error", response=None)
        tk.update(tls_handshakes=[], accessible=False,
                  http_experiment_failure="generic_timeout_error")
    elif kind == "null":
        tk.update(control={}, control_failure="connection_reset",
                  blocking=None, accessible=None)
    return tk


def ooni(url, day, asn, kind, test="web_connectivity", minute=0):
    """A record as OONI Probe writes it: no x_ keys."""
    ts = "2024-%s 12:%02d:00" % (day, minute)
    return {
        "annotations": {"engine_name": "ooniprobe-engine",
                        "platform": "linux"},
        "data_format_version": "0.2.0",
        "input": url,
        "measurement_start_time": ts,
        "probe_asn": asn,
        "probe_cc": "KZ",
        "probe_ip": "127.0.0.1",
        "probe_network_name": NETS[asn],
        "report_id": "2024%sT120000Z_webconnectivity_KZ_%s_n1_OoniFixture12345"
                     % (day.replace("-", ""), asn[2:]),
        "software_name": "ooniprobe-cli",
        "software_version": "3.20.0",
        "test_keys": ooni_keys(url.split("/")[2], kind),
        "test_name": test,
        "test_start_time": ts,
        "test_version": "0.4.3",
    }


def line(r):
    return json.dumps(r, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False) + "\n"


def main():
    K, B = "AS9198", "AS21299"
    a = []   # probe A: feb/probe-kazakhtelecom.jsonl
    g = []   # probe B: feb/probe-kartel.jsonl.gz
    # 1 vlast.kz: TLS-blocked three days on K (2 each), fine on B
    for d in ("02-05", "02-06", "02-07"):
        a += [ours("https://vlast.kz/", d, K, "blocked", "tls", hour=h)
              for h in (9, 15)]
    g += [ours("https://vlast.kz/", "02-05", B, "ok", hour=h) for h in (9, 15)]
    # 2 www.Example-News.kz and example-news.kz are one site; one confirmed
    # DNS measurement blocks it on B, a plain http URL is fine on K
    g.append(ours("https://www.Example-News.kz/politics?id=1", "02-10", B,
                  "blocked", "dns", confirmed=True))
    a.append(ours("http://example-news.kz/", "02-10", K, "ok"))
    # 3 contra.kz: 1 blocked vs 2 ok (ok day), then 1 vs 1 (anomaly day)
    a += [ours("https://contra.kz/", "02-12", K, "blocked", "http", hour=8),
          ours("https://contra.kz/", "02-12", K, "ok", hour=12),
          ours("https://contra.kz/", "02-12", K, "ok", hour=16),
          ours("https://contra.kz/", "02-13", K, "blocked", "http", hour=8),
          ours("https://contra.kz/", "02-13", K, "ok", hour=12)]
    # 4 lone.kz: a single unconfirmed blocked measurement: anomaly
    a.append(ours("https://lone.kz/", "02-14", K, "blocked", "tcp"))
    # 5 downthen.kz: down on the 1st, DNS-blocked on the 2nd
    a += [ours("https://downthen.kz/", "02-01", K, "down", hour=h)
          for h in (9, 15)]
    a += [ours("https://downthen.kz/", "02-02", K, "blocked", "dns", hour=h)
          for h in (9, 15)]
    # 6 disagree.kz: blocked (tcp) x3 on K, ok x3 on B, same day
    a += [ours("https://disagree.kz/", "02-20", K, "blocked", "tcp", hour=h,
               cat="HUMR") for h in (8, 12, 16)]
    g += [ours("https://disagree.kz/", "02-20", B, "ok", hour=h, cat="HUMR")
          for h in (8, 12, 16)]
    # 7 outage.kz: down on both networks
    a += [ours("https://outage.kz/", "02-15", K, "down", hour=h)
          for h in (9, 15)]
    g += [ours("https://outage.kz/", "02-15", B, "down", hour=h)
          for h in (9, 15)]
    # 8 slow.kz: throttled on B
    g += [ours("https://slow.kz/", "02-16", B, "throttled", hour=h)
          for h in (9, 15)]
    # 9 ok.kz: fine everywhere; one probe_offline record says nothing
    a += [ours("https://ok.kz/", d, K, "ok") for d in ("02-01", "02-29")]
    g += [ours("https://ok.kz/", "02-01", B, "ok")]
    a.append(ours("https://ok.kz/", "02-03", K, "probe_offline"))
    # 10 nocontrol.kz: only inconclusive measurements
    a += [ours("https://nocontrol.kz/", "02-03", K, "inconclusive", hour=h)
          for h in (9, 15)]
    # outside the period or the country: filtered
    a.append(ours("https://vlast.kz/", "03-01", K, "blocked", "tls"))
    a.append(ours("https://vlast.kz/", "01-31", K, "blocked", "tls"))
    g.append(ours("https://ok.kz/", "02-01", "AS12389", "blocked", "dns",
                  cc="RU"))

    o = []   # feb/ooni-probe.jsonl
    # two measurements each of the blocked ones (a few minutes apart)
    o += [ooni("https://ooni-dns.kz/", "02-21", K, "dns", minute=m)
          for m in (0, 5)]
    o += [ooni("https://ooni-tls.kz/", "02-22", K, "tls", minute=m)
          for m in (0, 5)]
    o.append(ooni("https://ooni-ok.kz/", "02-22", K, "ok"))
    o.append(ooni("https://ooni-down.kz/", "02-22", K, "down"))
    o.append(ooni("https://ooni-null.kz/", "02-22", K, "null"))
    o.append(ooni("https://ooni-tg.kz/", "02-22", K, "null",
                  test="telegram"))

    os.makedirs(os.path.join(FIX, "feb"), exist_ok=True)
    os.makedirs(os.path.join(FIX, "edge"), exist_ok=True)
    with open(os.path.join(FIX, "feb", "probe-kazakhtelecom.jsonl"), "w") as f:
        for i, r in enumerate(a):
            f.write(line(r))
            if i == 3:
                f.write("\n")                        # blank: not a record
                f.write("{not json\n")               # malformed 1
            if i == 7:
                f.write('{"input":"https://x.kz/","test_name":'
                        '"web_connectivity"}\n')     # malformed 2: no time
                f.write('[1,2,3]\n')                 # malformed 3
    with open(os.path.join(FIX, "feb", "ooni-probe.jsonl"), "w") as f:
        for r in o:
            f.write(line(r))
        bad = dict(o[-2])
        bad["measurement_start_time"] = "22/02/2024 12:00"
        f.write(line(bad))                           # malformed 4
        f.write(line(o[0])[:200] + "\n")             # malformed 5: cut
    # gzip, fixed mtime so the file is reproducible
    with open(os.path.join(FIX, "feb", "probe-kartel.jsonl.gz"), "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0,
                           filename="") as z:
            for r in g:
                z.write(line(r).encode())
    # edge/truncated.jsonl.gz: 40 ok records, the gzip cut in the middle
    recs = [ours("https://trunc%d.kz/" % i, "02-0%d" % (1 + i % 9), K, "ok",
                 hour=i % 24) for i in range(40)]
    for i, r in enumerate(recs):   # less repetitive: deflate emits more
        r["test_keys"]["x_analysis"]["evidence"] = [
            "fixture %d: %s" % (i, "".join(chr(97 + (i * j * 7) % 26)
                                          for j in range(600)))]
    data = gzip.compress("".join(line(r) for r in recs).encode(), mtime=0)
    with open(os.path.join(FIX, "edge", "truncated.jsonl.gz"), "wb") as f:
        f.write(data[:len(data) * 3 // 4])
    edge_more()
    january()


def january():
    """jan/: the month before feb/. vlast.kz blocked then too; gone.kz
    blocked then and not measured in February; disagree.kz and slow.kz
    accessible then (disagree.kz is blocked in February)."""
    K = "AS9198"
    recs = []
    for d in ("01-10", "01-11"):
        recs += [ours("https://vlast.kz/", d, K, "blocked", "tls", hour=h)
                 for h in (9, 15)]
    recs += [ours("https://gone.kz/", "01-15", K, "blocked", "dns", hour=h)
             for h in (9, 15)]
    recs += [ours("https://disagree.kz/", "01-20", K, "ok", hour=h,
                  cat="HUMR") for h in (9, 15)]
    recs += [ours("https://slow.kz/", "01-21", "AS21299", "ok", hour=h)
             for h in (9, 15)]
    os.makedirs(os.path.join(FIX, "jan"), exist_ok=True)
    with open(os.path.join(FIX, "jan", "probe-january.jsonl"), "w") as f:
        for r in recs:
            f.write(line(r))


def names_records():
    """edge/names.jsonl: who names a network. AS65001: only the control
    (x_probe_network_name); AS65002: only a DNS answer's as_org_name;
    AS65003: the control first, then a record's probe_network_name, which
    wins; AS65004: nobody (a --network-names file can); AS0: unknown."""
    def rec(asn, hour, name="", control=None, answer=None):
        r = ours("https://names%d.kz/" % hour, "02-01", asn, "ok", hour=hour)
        r["probe_network_name"] = name
        if control is not None:
            r["test_keys"]["control"] = control
        if answer:
            r["test_keys"]["queries"][0]["answers"][0].update(answer)
        return r
    ctl = {"x_probe_asn": "AS65001", "x_probe_cc": "KZ",
           "x_probe_network_name": "Control Named Net"}
    recs = [
        rec("AS65001", 1, control=ctl),
        rec("AS65002", 2, answer={"asn": 65002,
                                  "as_org_name": "Answer Named Net"}),
        rec("AS65003", 3, control=dict(ctl, x_probe_asn="AS65003",
                                       x_probe_network_name="Other Name")),
        rec("AS65003", 4, name="Records Named Net"),
        rec("AS65004", 5),
        rec("AS0", 6),
        # the control naming another network than the record's: no name
        rec("AS65004", 7, control=dict(ctl, x_probe_network_name="Wrong")),
    ]
    with open(os.path.join(FIX, "edge", "names.jsonl"), "w") as f:
        for r in recs:
            f.write(line(r))


def gz_member(recs):
    return gzip.compress("".join(line(r) for r in recs).encode(), mtime=0)


def edge_more():
    K = "AS9198"
    edge = os.path.join(FIX, "edge")
    # cyrillic-headers.jsonl: header names longer than the scanner's key
    # buffers, cut mid-character there; both records count
    recs = []
    for i, name in enumerate(("ЖЖ", "Жжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжж")):
        r = ours("https://hostile.kz/", "02-0%d" % (i + 1), K, "ok")
        resp = r["test_keys"]["requests"][0]["response"]
        resp["headers"][name] = "1"
        resp["headers_list"].append([name, "1"])
        recs.append(r)
    with open(os.path.join(edge, "cyrillic-headers.jsonl"), "w") as f:
        for r in recs:
            f.write(line(r))
    # tz-offset.jsonl: OONI's form and ISO's T/Z count; an offset is
    # malformed (line 3), not counted on the day before the offset
    recs = [ours("https://tz.kz/", "02-01", K, "ok", hour=h) for h in (2, 3, 4)]
    recs[1]["measurement_start_time"] = "2024-02-01T03:00:00Z"
    recs[2]["measurement_start_time"] = "2024-02-01T04:00:00+05"
    with open(os.path.join(edge, "tz-offset.jsonl"), "w") as f:
        for r in recs:
            f.write(line(r))
    # trailing.jsonl.gz: a whole gzip member of 3 records, then garbage;
    # concat.jsonl.gz: two members (cat a.gz b.gz), 3 + 2 records
    recs = [ooni("https://gz%d.kz/" % i, "02-01", K, "ok") for i in range(5)]
    with open(os.path.join(edge, "trailing.jsonl.gz"), "wb") as f:
        f.write(gz_member(recs[:3]) + b"garbage after the stream\n")
    with open(os.path.join(edge, "concat.jsonl.gz"), "wb") as f:
        f.write(gz_member(recs[:3]) + gz_member(recs[3:]))
    # stray/: February 2024, and one record from 2014: without --month the
    # data spans ten years; the grid must not
    os.makedirs(os.path.join(edge, "stray"), exist_ok=True)
    recs = [ours("https://stray.kz/", "02-%02d" % d, K, "ok")
            for d in (1, 10, 29)]
    old = ours("https://stray.kz/", "02-01", K, "blocked", "dns")
    old["measurement_start_time"] = old["test_start_time"] = \
        "2014-03-01 10:00:00"
    recs.append(old)
    with open(os.path.join(edge, "stray", "stray.jsonl"), "w") as f:
        for r in recs:
            f.write(line(r))
    names_records()


if __name__ == "__main__":
    main()

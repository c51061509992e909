#!/usr/bin/env python3
"""accessprobe report against the fixtures, with exact expected counts.

Usage: test_report.py --probe PATH/accessprobe [--workdir DIR]

The February 2024 scenarios (see make_fixtures.py), with --month 2024-02
--cc KZ, and what the counting rule must make of them:

  vlast.kz         tls-blocked 3 days x2 on AS9198, ok x2 on AS21299: blocked
  example-news.kz  (www.Example-News.kz too) 1 confirmed dns on AS21299:
                   blocked, confirmed; ok x1 on AS9198
  contra.kz        1 blocked/2 ok (ok day), 1/1 (anomaly day): inconclusive
  lone.kz          1 unconfirmed blocked: anomaly day: inconclusive
  downthen.kz      down x2 on the 1st, dns-blocked x2 on the 2nd: blocked
  disagree.kz      tcp-blocked x3 on AS9198, ok x3 on AS21299: blocked
  outage.kz        down x2 on both networks: down
  slow.kz          throttled x2: throttled
  ok.kz            ok x3 (+1 probe_offline, not counted): ok
  nocontrol.kz     inconclusive x2: inconclusive
  ooni-*.kz        OONI Probe records: dns x2 / tls (ssl_*) x2 blocked,
                   ok, down, null: inconclusive; a telegram record skipped
  filtered         2 out of the month, 1 from RU
  malformed        5 lines (3 in the probe file, 2 in the OONI file)
"""
import argparse
import csv
import io
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
FEB = os.path.join(HERE, "fixtures", "feb")
EDGE = os.path.join(HERE, "fixtures", "edge")
LAB = os.path.join(HERE, "fixtures", "lab")

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, HERE)
from checks import check, eq, failures, run  # noqa: E402

def test_json(probe):
    rc, out, err = run(probe, "--month", "2024-02", "--cc", "KZ", "-F",
                       "json", FEB)
    eq(rc, 0, "json exit status")
    d = json.loads(out)
    i = d["input"]
    eq(i["files"], 3, "files")
    eq(i["records"], 45, "records (probe_offline included)")
    eq(i["malformed"], 5, "malformed lines")
    eq(i["other_tests"], 1, "other tests")
    eq(i["filtered_out"], 3, "filtered out")
    eq(i["probe_offline"], 1, "probe_offline")
    eq(i["derived_verdicts"], 7, "verdicts derived from OONI keys")
    eq(d["period"], {"from": "2024-02-01", "to": "2024-02-29", "days": 29},
       "period")
    s = d["summary"]
    want = {
        "sites_measured": (15, 44), "sites_with_problems": (13, 40),
        "blocked": (6, 24), "blocked_confirmed": (1, 2),
        "blocked_unconfirmed": (5, 22), "throttled": (1, 2),
        "down": (2, 5), "inconclusive": (4, 9), "ok": (2, 4),
    }
    for k, (sites, meas) in want.items():
        eq((s[k]["sites"], s[k]["measurements"]), (sites, meas), k)
    bym = {k: (v["sites"], v["measurements"])
           for k, v in s["blocked_by_method"].items()}
    eq(bym, {"dns": (3, 5), "tcp": (1, 3), "tls": (2, 8), "http": (0, 0),
             "unknown": (0, 0)}, "blocked by method")
    eq(s["networks"], 2, "networks")
    eq(s["networks_with_blocking"], 2, "networks with blocking")
    eq(s["blocked_measurements"], 19,
       "measurements saying blocked, on any site (contra, lone too)")
    nets = {n["asn"]: (n["sites"], n["sites_blocked"], n["measurements"])
            for n in d["networks"]}
    eq(nets, {"AS9198": (14, 5, 33), "AS21299": (6, 1, 11)}, "networks")
    eq([n["asn"] for n in d["networks"]], ["AS9198", "AS21299"],
       "networks ordered by number")
    sites = {x["site"]: x for x in d["sites"]}
    eq(sorted(sites), sorted([
        "contra.kz", "disagree.kz", "downthen.kz", "example-news.kz",
        "lone.kz", "nocontrol.kz", "ok.kz", "ooni-dns.kz", "ooni-down.kz",
        "ooni-null.kz", "ooni-ok.kz", "ooni-tls.kz", "outage.kz", "slow.kz",
        "vlast.kz"]), "sites (www. stripped, host lower-cased)")
    status = {k: (v["status"], v["confirmed"], v["methods"], v["blocked_on"],
                  v["first_blocked"], v["last_blocked"], v["measurements"])
              for k, v in sites.items()}
    eq(status["vlast.kz"], ("blocked", False, ["tls"], ["AS9198"],
                            "2024-02-05", "2024-02-07", 8), "vlast.kz")
    eq(status["example-news.kz"], ("blocked", True, ["dns"], ["AS21299"],
                                   "2024-02-10", "2024-02-10", 2),
       "example-news.kz")
    eq(status["contra.kz"][:2], ("inconclusive", False), "contra.kz")
    eq(status["lone.kz"][:2], ("inconclusive", False), "lone.kz")
    eq(status["downthen.kz"], ("blocked", False, ["dns"], ["AS9198"],
                               "2024-02-02", "2024-02-02", 4), "downthen.kz")
    eq(status["disagree.kz"][:4], ("blocked", False, ["tcp"], ["AS9198"]),
       "disagree.kz")
    eq(status["outage.kz"][0], "down", "outage.kz")
    eq(status["slow.kz"][0], "throttled", "slow.kz")
    eq(status["ok.kz"][0], "ok", "ok.kz")
    eq(status["ok.kz"][6], 3, "ok.kz measurements (offline not counted)")
    eq(status["nocontrol.kz"][0], "inconclusive", "nocontrol.kz")
    eq(status["ooni-tls.kz"][2], ["tls"], "OONI http-failure with ssl_*")
    eq(status["ooni-null.kz"][0], "inconclusive", "OONI null/null")
    eq(status["ooni-down.kz"][0], "down", "OONI false/false")
    eq(status["ooni-ok.kz"][0], "ok", "OONI false/true")
    # days of contra.kz: one ok day (1 blocked vs 2 ok), one anomaly day
    contra = sites["contra.kz"]["networks"][0]
    eq([(x["day"], x["status"]) for x in contra["daily"]],
       [("2024-02-12", "ok"), ("2024-02-13", "anomaly")], "contra days")
    down = sites["downthen.kz"]["networks"][0]["days"]
    eq((down["down"], down["blocked"]), (1, 1), "downthen days")
    # two networks disagreeing
    dis = {n["asn"]: n["status"] for n in sites["disagree.kz"]["networks"]}
    eq(dis, {"AS9198": "blocked", "AS21299": "ok"}, "disagree per network")
    # traceability: every measurement of vlast.kz on AS9198, file and line
    ev = sites["vlast.kz"]["networks"][0]["evidence"]
    eq((ev["total"], ev["listed"]), (6, 6), "vlast evidence count")
    first = ev["measurements"][0]
    eq(os.path.basename(first["file"]), "probe-kazakhtelecom.jsonl",
       "evidence file")
    eq(first["input"], "https://vlast.kz/", "evidence input")
    check(first["report_id"].startswith("20240205T09"), "evidence report_id")
    with open(first["file"]) as f:
        line = f.readlines()[first["line"] - 1]
    rec = json.loads(line)
    eq((rec["input"], rec["test_keys"]["x_analysis"]["verdict"]),
       ("https://vlast.kz/", "blocked"), "evidence line is the record")
    # www.Example-News.kz is traced with its own input
    en = {n["asn"]: n for n in sites["example-news.kz"]["networks"]}
    eq(en["AS21299"]["evidence"]["measurements"][0]["input"],
       "https://www.Example-News.kz/politics?id=1", "evidence keeps input")
    eq(os.path.basename(en["AS21299"]["evidence"]["measurements"][0]["file"]),
       "probe-kartel.jsonl.gz", "evidence in a gzip file")
    # malformed lines named on stderr and listed
    for want_line in ("probe-kazakhtelecom.jsonl:6: invalid JSON",
                      "probe-kazakhtelecom.jsonl:11: measurement_start_time",
                      "probe-kazakhtelecom.jsonl:12: not a JSON object",
                      "ooni-probe.jsonl:9: measurement_start_time",
                      "ooni-probe.jsonl:10: invalid JSON"):
        check(want_line in err, "stderr names " + want_line)
    eq(d["skipped"]["total"], 5, "skipped total")
    eq(len(d["skipped"]["listed"]), 5, "skipped listed")


def test_refs_cap(probe):
    rc, out, _ = run(probe, "--month", "2024-02", "--max-refs", "2", "-F",
                     "json", FEB)
    d = json.loads(out)
    v = [x for x in d["sites"] if x["site"] == "vlast.kz"][0]
    ev = v["networks"][0]["evidence"]
    eq((ev["total"], ev["listed"], len(ev["measurements"])), (6, 2, 2),
       "--max-refs caps the list, not the count")


def test_filters(probe):
    rc, out, _ = run(probe, "--month", "2024-02", "--asn", "21299", "-F",
                     "json", FEB)
    d = json.loads(out)
    eq((d["summary"]["sites_measured"]["sites"],
        d["summary"]["blocked"]["sites"],
        d["summary"]["sites_measured"]["measurements"]), (6, 1, 11),
       "--asn 21299")
    rc, out, _ = run(probe, "--month", "2024-02", "--category", "HUMR", "-F",
                     "json", FEB)
    d = json.loads(out)
    eq([(x["site"], x["status"], x["measurements"]) for x in d["sites"]],
       [("disagree.kz", "blocked", 6)], "--category HUMR")
    rc, out, _ = run(probe, "--from", "2024-02-05", "--to", "2024-02-06",
                     "-F", "json", FEB)
    d = json.loads(out)
    v = [x for x in d["sites"] if x["site"] == "vlast.kz"][0]
    eq((v["measurements"], v["first_blocked"], v["last_blocked"]),
       (6, "2024-02-05", "2024-02-06"), "--from/--to")
    eq(d["period"]["days"], 2, "--from/--to period")
    # no filter at all: the RU record and the January/March ones count
    rc, out, _ = run(probe, "-F", "json", FEB)
    d = json.loads(out)
    eq((d["period"]["from"], d["period"]["to"], d["input"]["filtered_out"],
        d["summary"]["networks"]), ("2024-01-31", "2024-03-01", 0, 3),
       "no filter: period from the data")
    rc, out, _ = run(probe, "--month", "2024-02", "--min-blocked", "3", "-F",
                     "json", FEB)
    d = json.loads(out)
    eq(d["summary"]["blocked"]["sites"], 2,
       "--min-blocked 3: disagree.kz (3) and example-news.kz (confirmed)")


def test_csv(probe):
    rc, out, _ = run(probe, "--month", "2024-02", "--cc", "KZ", "-F", "csv",
                     FEB)
    eq(rc, 0, "csv exit status")
    rows = list(csv.DictReader(io.StringIO(out)))
    eq(len(rows), 20, "csv: one row per site and network")
    v = [r for r in rows if r["site"] == "vlast.kz" and r["asn"] == "AS9198"]
    eq(len(v), 1, "csv vlast row")
    r = v[0]
    eq((r["status"], r["dominant_method"], r["days_blocked"],
        r["first_blocked"], r["last_blocked"], r["measurements"],
        r["blocked_tls"], r["network_name"]),
       ("blocked", "tls", "3", "2024-02-05", "2024-02-07", "6", "6",
        "JSC Kazakhtelecom"), "csv vlast.kz")


def test_md_lang(probe):
    rc, out, _ = run(probe, "--month", "2024-02", "--cc", "KZ", FEB)
    # the records' software, most records first (OONI's records are in)
    check("accessprobe and ooniprobe-cli measured 15 websites on 2 networks "
          "(44 measurements)" in out, "md en paragraph")
    check("Failed measurements (nothing measured, the control failed or the "
          "probe's own error) count as inconclusive: 1." in out,
          "md en: failed measurements (ooni-null.kz)")
    check("| vlast.kz | News Media | TLS handshake | no | JSC Kazakhtelecom "
          "(AS9198) | 2024-02-05 | 2024-02-07 | 3 | 8 |" in out,
          "md en blocked table row")
    rc, out, _ = run(probe, "--month", "2024-02", "--cc", "KZ", "-l", "ru",
                     FEB)
    check("accessprobe и ooniprobe-cli проверили 15 сайтов в 2 сетях "
          "(44 измерения)" in out, "md ru plural forms")
    rc, out, _ = run(probe, "--from", "2024-02-05", "--to", "2024-02-05",
                     "-l", "ru", FEB)
    check("проверил 1 сайт в 2 сетях (4 измерения)" in out,
          "md ru plural one/few: " + out[:400])
    rc, out, _ = run(probe, "--from", "2024-02-05", "--to", "2024-02-05",
                     "--asn", "AS9198", "-l", "ru", FEB)
    check("проверил 1 сайт в 1 сети (2 измерения)" in out,
          "md ru plural one: " + out[:400])
    rc, out, _ = run(probe, "--month", "2024-02", "--cc", "KZ", FEB, FEB)
    check("Records seen more than once were counted once (45 repeats)" in out,
          "md en: the same files twice")
    rc, out, _ = run(probe, "--month", "2024-02", "--cc", "KZ", "-l", "kk",
                     FEB)
    check("2 желіде 15 сайтты тексерді (44 өлшеу)" in out, "md kk")
    check("Бұғатталған сайттар" in out, "md kk heading")


def test_errors(probe, work):
    rc, _, err = run(probe)
    eq(rc, 2, "no file: usage")
    rc, _, _ = run(probe, "--month", "2024-13", FEB)
    eq(rc, 2, "bad month: usage")
    rc, _, _ = run(probe, "-F", "pdf", FEB)
    eq(rc, 2, "bad format: usage")
    rc, out, err = run(probe, "-F", "json", os.path.join(work, "missing.jsonl"),
                       os.path.join(FEB, "ooni-probe.jsonl"))
    eq(rc, 3, "missing input: 3")
    check("missing.jsonl" in err, "missing input named")
    d = json.loads(out)
    eq(d["summary"]["sites_measured"]["sites"], 5,
       "the other inputs are still counted")
    rc, _, err = run(probe, "-o", os.path.join(work, "no", "dir", "x.md"),
                     FEB)
    eq(rc, 4, "unwritable output: 4")
    if os.path.exists("/dev/full"):
        rc, _, _ = run(probe, "-o", "/dev/full", FEB)
        eq(rc, 4, "full disk: 4")
    rc, out, err = run(probe, "-F", "json",
                       os.path.join(EDGE, "truncated.jsonl.gz"))
    eq(rc, 3, "truncated gzip: 3")
    check("truncated gzip stream after line 22" in err,
          "truncated gzip named: " + err)
    d = json.loads(out)
    eq((d["input"]["lines"], d["summary"]["sites_measured"]["sites"]),
       (22, 22), "lines before the truncation counted")
    # a line over 16 MiB is skipped and named, the next one counted
    big = os.path.join(work, "big.jsonl")
    good = open(os.path.join(FEB, "ooni-probe.jsonl")).readline()
    with open(big, "w") as f:
        f.write('{"x":"' + "a" * (17 * 1024 * 1024) + '"}\n')
        f.write(good)
    rc, out, err = run(probe, "-F", "json", big)
    eq(rc, 0, "long line: exit 0")
    check("big.jsonl:1: line longer than 16 MiB" in err, "long line named")
    eq(json.loads(out)["input"]["records"], 1, "line after a long one")


def test_lab(probe):
    rc, out, _ = run(probe, "-F", "json", LAB)
    eq(rc, 0, "lab records")
    d = json.loads(out)
    eq((d["summary"]["sites_measured"]["sites"],
        d["summary"]["inconclusive"]["sites"], d["input"]["malformed"]),
       (5, 5, 0), "lab records (no control in the lab: inconclusive)")


def test_scan_edges(probe):
    # a header name cut mid-character in the scanner's key buffer
    path = os.path.join(EDGE, "cyrillic-headers.jsonl")
    rc, out, err = run(probe, "-F", "json", path)
    eq((rc, err), (0, ""), "long Cyrillic header names: exit 0, no complaint")
    d = json.loads(out)
    eq((d["input"]["records"], d["input"]["malformed"]), (2, 0),
       "long Cyrillic header names: both records counted")
    eq([(x["site"], x["measurements"]) for x in d["sites"]],
       [("hostile.kz", 2)], "long Cyrillic header names: the site")
    # a time-zone offset after the seconds: malformed, named
    path = os.path.join(EDGE, "tz-offset.jsonl")
    rc, out, err = run(probe, "-F", "json", path)
    eq(rc, 0, "tz offset: exit 0")
    eq(err, path + ':3: measurement_start_time is not "YYYY-MM-DD '
       'hh:mm:ss"\n', "tz offset: line 3 named")
    d = json.loads(out)
    eq((d["input"]["records"], d["input"]["malformed"]), (2, 1),
       "tz offset: OONI form and T/Z counted, the offset skipped")
    eq([(x["line"], x["reason"]) for x in d["skipped"]["listed"]],
       [(3, 'measurement_start_time is not "YYYY-MM-DD hh:mm:ss"')],
       "tz offset: listed")


def test_gzip_edges(probe):
    path = os.path.join(EDGE, "trailing.jsonl.gz")
    rc, out, err = run(probe, "-F", "json", path)
    eq(rc, 3, "trailing data after gzip: exit 3")
    eq(err, "accessprobe report: %s: trailing data after the gzip stream\n"
       % path, "trailing data named")
    d = json.loads(out)
    eq((d["input"]["lines"], d["input"]["records"],
        d["input"]["files_unreadable"]), (3, 3, 1),
       "trailing data: the stream before it counted")
    path = os.path.join(EDGE, "concat.jsonl.gz")
    rc, out, err = run(probe, "-F", "json", path)
    eq((rc, err), (0, ""), "two gzip members: exit 0")
    eq(json.loads(out)["input"]["records"], 5, "two gzip members: both read")


def test_utf8_names(probe, work):
    """File names and filter values in any bytes: every format still works
    and the JSON carries them with U+FFFD."""
    d = os.path.join(work, "names")
    os.makedirs(d)
    bad = os.path.join(os.fsencode(d), b"r\xff.jsonl")
    with open(bad, "wb") as f:
        f.write(open(os.path.join(FEB, "ooni-probe.jsonl"), "rb").read())
    want_file = os.path.join(d, "r\ufffd.jsonl")
    p = subprocess.run([probe, "report", "-F", "json", bad],
                       capture_output=True, timeout=120)
    eq(p.returncode, 0, "non-UTF-8 file name: exit 0")
    if p.returncode:
        return
    j = json.loads(p.stdout.decode("utf-8"))
    refs = [m["file"] for s in j["sites"] for n in s["networks"]
            for m in n["evidence"]["measurements"]]
    eq((len(refs), set(refs)), (7, {want_file}),
       "non-UTF-8 file name in the evidence")
    eq([x["file"] for x in j["skipped"]["listed"]], [want_file] * 2,
       "non-UTF-8 file name in the skipped lines")
    p = subprocess.run([probe, "report", "-F", "json", "--cc", b"K\xffZ,KZ",
                        "--category", b"\xd0,NEWS", bad],
                       capture_output=True, timeout=120)
    eq(p.returncode, 0, "non-UTF-8 filters: exit 0")
    eq(json.loads(p.stdout.decode("utf-8"))["filters"],
       {"cc": ["K\ufffdZ", "KZ"], "asn": [], "category": ["\ufffd", "NEWS"]},
       "non-UTF-8 filters cleaned")
    for fmt in ("md", "csv", "html"):
        p = subprocess.run([probe, "report", "-F", fmt, "--cc", b"K\xffZ,KZ",
                            bad], capture_output=True, timeout=120)
        eq(p.returncode, 0, "non-UTF-8 names, %s: exit 0" % fmt)
        try:
            p.stdout.decode("utf-8")
        except UnicodeDecodeError as e:
            check(False, "%s output is not UTF-8: %s" % (fmt, e))


def test_empty(probe, work):
    """Nothing to count (an empty file, an empty directory): every format
    writes an empty report (once a NULL array reached qsort: UBSan)."""
    empty = os.path.join(work, "empty.jsonl")
    open(empty, "w").close()
    emptydir = os.path.join(work, "emptydir")
    os.makedirs(emptydir)
    for what in (empty, emptydir):
        rc, out, err = run(probe, "-F", "json", what)
        eq((rc, err), (0, ""), "empty %s: exit 0" % what)
        d = json.loads(out)
        eq((d["period"], d["summary"]["sites_measured"], d["sites"],
            d["networks"], d["input"]["records"]),
           ({"from": None, "to": None, "days": 0},
            {"sites": 0, "measurements": 0}, [], [], 0),
           "empty %s: json" % what)
        rc, out, _ = run(probe, "-F", "csv", what)
        eq((rc, out.count("\r\n")), (0, 1), "empty %s: csv header only" % what)
        for fmt in ("md", "html"):
            rc, out, _ = run(probe, "-F", fmt, what)
            eq(rc, 0, "empty %s: %s exit 0" % (what, fmt))


def test_html_grid(probe):
    """One record from 2014 among February 2024's: the grid is the last 92
    days with data (said so), or the period asked for, at most 366 days."""
    stray = os.path.join(EDGE, "stray")
    for args, days, first, last, note in (
            ((), 92, "2023-11-30", "2024-02-29", True),
            (("--month", "2024-02"), 29, "2024-02-01", "2024-02-29", False),
            (("--from", "2014-01-01", "--to", "2024-12-31"), 366,
             "2023-03-01", "2024-02-29", True)):
        rc, out, _ = run(probe, "-F", "html", *args, stray)
        eq(rc, 0, "grid %s: exit 0" % (args,))
        cells = re.findall(r'<td class="c [a-z]+" data-day="([0-9-]+)"', out)
        eq((len(cells), cells[:1], cells[-1:]), (days, [first], [last]),
           "grid %s: its days" % (args,))
        eq('id="grid-window"' in out, note, "grid %s: the note" % (args,))
        if note:
            check("%s – %s (%d days)" % (first, last, days) in out,
                  "grid %s: the note names the days" % (args,))
        check(len(out) < 200000, "grid %s: %d bytes" % (args, len(out)))
    # the counts still cover every day
    rc, out, _ = run(probe, "-F", "json", stray)
    d = json.loads(out)
    eq((d["period"]["from"], d["period"]["to"],
        d["sites"][0]["first_blocked"]), ("2014-03-01", "2024-02-29", None),
       "the stray record is counted (one unconfirmed: not a blocked day)")
    eq(d["sites"][0]["measurements"], 4, "stray: every measurement")


def peak_rss_kb(cmd):
    # an ASan build would keep freed memory in quarantine: not ours to count
    env = dict(os.environ)
    env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + \
        ":quarantine_size_mb=0:thread_local_quarantine_size_kb=0"
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, env=env)
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    return p.returncode, ru.ru_maxrss


def test_json_memory(probe, work):
    """The JSON is streamed: its peak memory stays near the CSV's, not
    ~3 KB per site, network and day more."""
    path = os.path.join(work, "year.jsonl")
    nets = ["AS9198", "AS21299", "AS48716", "AS206026"]
    day0 = 19723   # 2024-01-01
    with open(path, "w") as f:
        for site in range(30):
            for net in nets:
                for d in range(365):
                    y, m, dd = __import__("datetime").date.fromordinal(
                        719163 + day0 + d).timetuple()[:3]
                    f.write('{"input":"https://s%d.kz/","test_name":'
                            '"web_connectivity","measurement_start_time":'
                            '"%04d-%02d-%02d 10:00:00","probe_asn":"%s",'
                            '"probe_cc":"KZ","test_keys":{"blocking":false,'
                            '"accessible":true}}\n' % (site, y, m, dd, net))
    rc_csv, csv_kb = peak_rss_kb([probe, "report", "-F", "csv", "-o",
                                  os.devnull, path])
    rc_json, json_kb = peak_rss_kb([probe, "report", "-F", "json", "-o",
                                    os.devnull, path])
    eq((rc_csv, rc_json), (0, 0), "year of records: exit 0")
    print("peak RSS: csv %.1f MB, json %.1f MB" % (csv_kb / 1024,
                                                   json_kb / 1024))
    check(json_kb < csv_kb + 32 * 1024,
          "json peak %d KB vs csv %d KB: streamed" % (json_kb, csv_kb))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--probe", required=True)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as work:
        test_json(a.probe)
        test_refs_cap(a.probe)
        test_filters(a.probe)
        test_csv(a.probe)
        test_md_lang(a.probe)
        test_errors(a.probe, work)
        test_lab(a.probe)
        test_scan_edges(a.probe)
        test_gzip_edges(a.probe)
        test_utf8_names(a.probe, work)
        test_empty(a.probe, work)
        test_html_grid(a.probe)
        test_json_memory(a.probe, work)
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

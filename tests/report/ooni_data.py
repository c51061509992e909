#!/usr/bin/env python3
"""Checks the OONI ground truth in tests/data/ooni/ hangs together: every
record has its source (sources.csv, README.md) and its expectations
(expected.csv), the expectations quote the record's own OONI keys, and each
expected verdict is one of ours, stated consistently, with its reason.

  ooni_data.py DIR

The verdicts themselves are judged by accessprobe against expect_* (the
analyze tests); this keeps the table they are judged against honest.
"""
import csv
import json
import os
import sys

OURS = {"ok", "blocked", "throttled", "down", "probe_offline", "inconclusive"}
METHODS = {"dns", "tcp", "tls", "http"}
OONI = {"ok", "blocked", "blocked-confirmed", "down", "failed"}
# Our verdict next to OONI's (fastpath's anomaly/failure, else the probe's
# blocking/accessible): the same conclusion in each one's words.
SAME = {"ok": {"ok"}, "blocked": {"blocked", "blocked-confirmed"},
        "down": {"down"}, "inconclusive": {"failed"}, "throttled": {"ok"},
        "probe_offline": {"failed"}}
TOOLS = {"README.md", "LICENSE-OONI-BSD.md", "expected.csv", "sources.csv",
         "fastpath_score.py"}


def js(v):
    return "null" if v is None else str(v).lower() if isinstance(v, bool) else str(v)


def main():
    d = sys.argv[1]
    problems = []

    def check(ok, msg):
        if not ok:
            problems.append(msg)

    with open(os.path.join(d, "sources.csv"), encoding="utf-8") as f:
        sources = {r["file"]: r for r in csv.DictReader(f)}
    with open(os.path.join(d, "expected.csv"), encoding="utf-8") as f:
        expected = list(csv.DictReader(f))
    with open(os.path.join(d, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    files = sorted(set(os.listdir(d)) - TOOLS)
    records = [f for f in files if f.endswith(".jsonl")]
    check(len(records) >= 20, "only %d records" % len(records))
    for f in files:
        check(f in sources, "%s: no row in sources.csv" % f)
        stem = f.split(".")[0]
        check(stem + ".jsonl" in records, "%s: no record %s.jsonl" % (f, stem))
    for f, r in sources.items():
        check(f in files, "sources.csv names %s, which is not here" % f)
        check(r["repository"] and len(r["commit"]) == 40 and r["path"] and
              r["licence"], "sources.csv: %s lacks repository, commit, path or licence" % f)
    by_file = {}
    for e in expected:
        check(e["file"] not in by_file, "expected.csv: %s twice" % e["file"])
        by_file[e["file"]] = e
    for f in records:
        check(f in by_file, "%s: no row in expected.csv" % f)
        check("`%s`" % f[:-6] in readme, "%s: not in README.md" % f)
        with open(os.path.join(d, f), encoding="utf-8") as fh:
            lines = fh.read().splitlines()
        check(len(lines) == 1, "%s: %d lines, one record expected" % (f, len(lines)))
        rec = json.loads(lines[0])
        e = by_file.get(f)
        if not e:
            continue
        tk = rec.get("test_keys") or {}
        for col, val in (("input", rec.get("input")), ("test_version", rec.get("test_version")),
                         ("probe_cc", rec.get("probe_cc")),
                         ("ooni_blocking", js(tk.get("blocking"))),
                         ("ooni_accessible", js(tk.get("accessible")))):
            check(e[col] == val, "%s: expected.csv %s %r, the record says %r"
                  % (f, col, e[col], val))
        meta = os.path.join(d, f[:-6] + ".meta.json")
        if os.path.exists(meta):
            with open(meta, encoding="utf-8") as fh:
                m = json.load(fh)
            db = "anomaly=%s confirmed=%s failure=%s" % (js(m["anomaly"]), js(m["confirmed"]),
                                                         js(m["failure"]))
            check(e["ooni_db"] == db, "%s: ooni_db %r, the API said %r" % (f, e["ooni_db"], db))
    for e in expected:
        f, v, m = e["file"], e["expect_verdict"], e["expect_method"]
        check(v in OURS, "%s: verdict %r" % (f, v))
        check(e["ooni_verdict"] in OONI, "%s: ooni_verdict %r" % (f, e["ooni_verdict"]))
        check(e["expect_confirmed"] in ("true", "false"), "%s: confirmed %r" % (f, e["expect_confirmed"]))
        if v == "blocked":
            check(m in METHODS, "%s: blocked without a method" % f)
            check(e["expect_detail"].startswith(m + "."),
                  "%s: detail %r is not a %s detail" % (f, e["expect_detail"], m))
        else:
            check(not m and not e["expect_detail"] and e["expect_confirmed"] == "false",
                  "%s: %s with a method, detail or confirmation" % (f, v))
        same = e["ooni_verdict"] in SAME.get(v, ())
        check(e["agrees_with_ooni"] == ("yes" if same else "no"),
              "%s: agrees_with_ooni %r, but ours is %s and OONI's %s"
              % (f, e["agrees_with_ooni"], v, e["ooni_verdict"]))
        check(bool(e["ooni_differs_because"]) == (not same),
              "%s: ooni_differs_because must say why exactly when we differ" % f)
        check(len(e["reason"]) > 20, "%s: no reason" % f)
        if e["ooni_verdict"] == "blocked-confirmed":
            check(e["fastpath_confirmed"] == "true" and e["fastpath_fingerprints"],
                  "%s: confirmed by OONI without a fingerprint" % f)
    for p in problems:
        print(p)
    agree = sum(e["agrees_with_ooni"] == "yes" for e in expected)
    print("%d records, %d agree with OONI, %d differ (each with its reason), %d problem(s)"
          % (len(expected), agree, len(expected) - agree, len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

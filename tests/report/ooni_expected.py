#!/usr/bin/env python3
"""The real OONI records of tests/data/ooni/ through `accessprobe analyze`
and `accessprobe report`: both must reach the verdict, method, detail and
confirmation expected.csv gives for accessprobe (its expect_* columns).

  ooni_expected.py --probe BIN --data tests/data/ooni --workdir DIR

analyze: every record in one run, compared field by field; a second run
over its own output keeps the verdicts and moves the first x_analysis to
x_analysis_previous. report: each record alone with --min-blocked 1 (one
record is then one day's verdict) gives the site status the verdict
makes; all records together make one site of the two spellings of
яндекс.рф, and the same files twice count each record once.
"""
import argparse
import csv
import json
import os
import subprocess
import sys

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def analyze(probe, paths, out, summary):
    p = subprocess.run([probe, "analyze", "-q", "-o", out, "--summary",
                        summary] + paths, capture_output=True, text=True,
                       timeout=120)
    check(p.returncode == 0, "analyze exit %d: %s" % (p.returncode,
                                                      p.stderr[-500:]))
    with open(out) as f:
        recs = [json.loads(line) for line in f]
    with open(summary) as f:
        return recs, json.load(f)


def want_of(row):
    return (row["expect_verdict"], row["expect_method"] or None,
            row["expect_detail"] or None, row["expect_confirmed"] == "true")


def got_of(rec):
    x = (rec.get("test_keys") or {}).get("x_analysis")
    if x is None:       # test_keys null: left as it was, nothing measured
        return ("inconclusive", None, None, False)
    return (x["verdict"], x["method"], x["detail"], x["confirmed"])


# a single record's verdict as the report's site status (--min-blocked 1)
SITE_STATUS = {"ok": "ok", "blocked": "blocked", "down": "down",
               "inconclusive": "inconclusive", "throttled": "throttled"}


def report(probe, paths, *extra):
    p = subprocess.run([probe, "report", "-F", "json"] + list(extra) + paths,
                       capture_output=True, text=True, timeout=120)
    check(p.returncode == 0, "report exit %d: %s" % (p.returncode,
                                                     p.stderr[-500:]))
    return json.loads(p.stdout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--probe", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--workdir", required=True)
    a = ap.parse_args()
    os.makedirs(a.workdir, exist_ok=True)
    with open(os.path.join(a.data, "expected.csv")) as f:
        rows = list(csv.DictReader(f))
    paths = [os.path.join(a.data, r["file"]) for r in rows]
    out1 = os.path.join(a.workdir, "analyzed.jsonl")
    recs, s = analyze(a.probe, paths, out1,
                      os.path.join(a.workdir, "summary.json"))
    check(len(recs) == len(rows), "analyze wrote %d records for %d" %
          (len(recs), len(rows)))
    for row, rec in zip(rows, recs):
        got, want = got_of(rec), want_of(row)
        check(got == want, "analyze %s: got %r, want %r" %
              (row["file"], got, want))
        tk = rec.get("test_keys")
        if isinstance(tk, dict):
            x = tk["x_analysis"]
            check("x_analysis_previous" not in tk,
                  "%s: a previous analysis out of nothing" % row["file"])
            check(any("decoy-SNI" in n for n in x.get("not_judged", [])),
                  "%s: not_judged does not name the missing decoy test" %
                  row["file"])
            check(tk.get("blocking") is not None or
                  "blocking" in tk, "%s: OONI's keys kept" % row["file"])
    n = len(rows)
    check(s["records"] == n and s["malformed"] == 0,
          "summary records %r malformed %r" % (s["records"], s["malformed"]))
    agree = sum(r["agrees_with_ooni"] == "yes" for r in rows)
    check(s["versus_ooni"]["agree"] + s["versus_ooni"]["differ"] == n,
          "summary versus OONI adds up")
    print("analyze: %d records, %d agree with OONI's own keys "
          "(expected.csv: %d agree with OONI's analysis)" %
          (n, s["versus_ooni"]["agree"], agree))
    # again, over its own output: same verdicts, the first kept as previous
    out2 = os.path.join(a.workdir, "analyzed-twice.jsonl")
    recs2, s2 = analyze(a.probe, [out1], out2,
                        os.path.join(a.workdir, "summary2.json"))
    had = sum(isinstance(r.get("test_keys"), dict) for r in recs)
    check(s2["versus_previous"] == {"records": had, "changed": 0,
                                    "changes": {}},
          "second pass: %r" % s2["versus_previous"])
    for r1, r2 in zip(recs, recs2):
        if isinstance(r1.get("test_keys"), dict):
            check(r2["test_keys"]["x_analysis_previous"] ==
                  r1["test_keys"]["x_analysis"],
                  "second pass keeps the first as x_analysis_previous")
            check({k: v for k, v in r2.items() if k != "test_keys"} ==
                  {k: v for k, v in r1.items() if k != "test_keys"},
                  "second pass changes nothing outside test_keys")
    # lines that are not records to judge go through untouched
    mixed = os.path.join(a.workdir, "mixed.jsonl")
    null_rec = open(os.path.join(a.data, "fastpath-test-keys-none.jsonl")).read()
    first = open(paths[0]).read()
    other = json.dumps({"test_name": "telegram", "input": None})
    with open(mixed, "w") as f:
        f.write(first + "{not json\n" + other + "\n\n" + null_rec)
    p = subprocess.run([a.probe, "analyze", "-o",
                        os.path.join(a.workdir, "mixed-out.jsonl"), mixed],
                       capture_output=True, text=True, timeout=60)
    out_lines = open(os.path.join(a.workdir, "mixed-out.jsonl")).read()
    want = ["{not json", other, "", null_rec.rstrip("\n")]
    check(p.returncode == 0 and out_lines.split("\n")[1:5] == want,
          "analyze passes other lines through: %r" % out_lines[-600:])
    check("mixed.jsonl:2: invalid JSON" in p.stderr,
          "analyze names the malformed line: %r" % p.stderr)
    check("2 records (1 malformed, 1 other tests)" in p.stderr,
          "analyze's summary: %r" % p.stderr)
    # the report, one record at a time
    for row, path in zip(rows, paths):
        d = report(a.probe, [path], "--min-blocked", "1")
        sites = d["sites"]
        v, m, _, conf = want_of(row)
        ok = len(sites) == 1 and sites[0]["status"] == SITE_STATUS[v]
        if ok and v == "blocked":
            ok = sites[0]["methods"] == [m] and sites[0]["confirmed"] == conf
        check(ok, "report %s: got %r, want %s/%s%s" % (
            row["file"], [(x["status"], x["methods"], x["confirmed"])
                          for x in sites], v, m, " confirmed" if conf else ""))
        check(d["input"]["derived_verdicts"] == 1,
              "report %s: judged by the report" % row["file"])
    # all together: one site for both spellings of яндекс.рф
    d = report(a.probe, paths)
    names = {x["site"]: x["measurements"] for x in d["sites"]}
    check(names.get("яндекс.рф") == 2, "IDN: %r" %
          {k: v for k, v in names.items() if "xn--" in k or "ндекс" in k})
    failed = sum(r["expect_verdict"] == "inconclusive" and
                 r["ooni_verdict"] == "failed" for r in rows)
    check(d["input"]["failed_measurements"] == failed,
          "failed measurements: got %r, want %d" %
          (d["input"]["failed_measurements"], failed))
    soft = {x["name"] for x in d["input"]["software"]}
    check({"ooniprobe-android", "ooniprobe", "miniooni"} <= soft,
          "software named: %r" % soft)
    # OONI's records carry no category: lists/ give rutor.org its own
    d3 = report(a.probe, paths, "--category", "FILE")
    check([(x["site"], x["category"], x["status"], x["confirmed"])
           for x in d3["sites"]] == [("rutor.org", "FILE", "blocked", True)],
          "--category FILE: %r" % [(x["site"], x["category"])
                                   for x in d3["sites"]])
    d2 = report(a.probe, paths + paths)
    check((d2["input"]["records"], d2["input"]["duplicates"]) == (n, n),
          "every file twice: %r records, %r duplicates" %
          (d2["input"]["records"], d2["input"]["duplicates"]))
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

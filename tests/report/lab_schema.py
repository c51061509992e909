#!/usr/bin/env python3
"""Runs the probe over the lab's sites, without a control and then with the
lab's control over the censorship scenarios, validates every record it
writes against our strict schema and against the input schema (what OONI's
tools and our reader accept), then counts them with `accessprobe report`.
Then the records are judged again from the file alone: without their
x_analysis, `accessprobe analyze` must reach the verdict written at
measurement time for every record, and the report over the stripped
records (which it judges itself) must count what it counts over the
originals.

  lab_schema.py --probe BIN --ca CA --canaries CSV --schema S
                --input-schema I --workdir DIR

Needs root and a lab that is up (ctest's lab fixture); LAB_PREFIX names its
namespaces and LAB_DIR its state (lab.env names the control). The records
stay in DIR (lab-records.jsonl, lab-records-control.jsonl). Not root: exit
77 (skipped) unless CI=true.
"""
import argparse
import json
import os
import subprocess
import sys

URLS = [
    "http://http.lab.test/", "https://https.lab.test/",
    "http://redir1.lab.test/start", "https://nxdomain.lab.test/",
    "http://refused.lab.test/", "https://wrongname.lab.test/",
    "https://expired.lab.test/", "https://unknownca.lab.test/",
    "https://silent.lab.test/", "http://blackhole.lab.test/",
    "http://binary.lab.test/", "https://echoip.lab.test/",
    "http://loop.lab.test/", "http://loopback.lab.test/",
    "https://gzipbomb.lab.test/",
]
# With the control: a record of every kind of verdict and blocking.
CONTROL_URLS = [
    "https://open.lab.test/", "https://snidrop.lab.test/",
    "https://ipblock.lab.test/", "https://tcpreset.lab.test/",
    "https://dnsnx.lab.test/", "http://dnsbp.lab.test/",
    "http://inject.lab.test/", "https://intercept.lab.test/",
    "https://down.lab.test/", "https://geo.lab.test/",
]


def lab_env():
    path = os.path.join(os.environ.get("LAB_DIR", "/tmp/aplab-state"), "lab.env")
    env = {}
    with open(path) as f:
        for line in f:
            k, _, v = line.strip().partition("=")
            env[k] = v
    return env


def measure(a, prefix, urls, out, extra=()):
    if os.path.exists(out):
        os.unlink(out)
    cmd = ["ip", "netns", "exec", prefix + "probe", a.probe, "run",
           "--ca-file", a.ca, "--canaries", a.canaries, "--step-timeout",
           "2000", "--probe-asn", "AS65550", "--probe-cc", "KZ", "-q",
           "-o", out] + list(extra) + urls
    p = subprocess.run(cmd, capture_output=True, timeout=150)
    if p.returncode != 0:
        print("probe run failed (%d): %s" % (p.returncode,
                                             p.stderr.decode()[-2000:]))
        return False
    return True


def validate(schema, n, paths):
    here = os.path.dirname(os.path.abspath(__file__))
    return subprocess.run([sys.executable, os.path.join(here,
                           "validate_records.py"), "--schema", schema,
                           "--min", str(n)] + paths).returncode == 0


def main():
    ap = argparse.ArgumentParser()
    for k in ("--probe", "--ca", "--canaries", "--schema", "--input-schema",
              "--workdir"):
        ap.add_argument(k, required=True)
    a = ap.parse_args()
    if os.geteuid() != 0:
        print("needs root")
        return 1 if os.environ.get("CI") == "true" else 77
    prefix = os.environ.get("LAB_PREFIX", "aplab-")
    control = lab_env().get("CONTROL_URL")
    if not control:
        print("the lab has no control (CONTROL_URL empty in lab.env)")
        return 1
    os.makedirs(a.workdir, exist_ok=True)
    out = os.path.join(a.workdir, "lab-records.jsonl")
    out_ctl = os.path.join(a.workdir, "lab-records-control.jsonl")
    if not (measure(a, prefix, URLS, out) and
            measure(a, prefix, CONTROL_URLS, out_ctl, ["--control", control])):
        return 1
    n = len(URLS) + len(CONTROL_URLS)
    print("strict schema (ours):")
    ok = validate(a.schema, n, [out, out_ctl])
    print("input schema (what OONI's tools and our reader accept):")
    ok = validate(a.input_schema, n, [out, out_ctl]) and ok
    if not ok:
        return 1
    r = subprocess.run([a.probe, "report", "-F", "json", out, out_ctl],
                       capture_output=True, timeout=60)
    d = json.loads(r.stdout)
    ok = (r.returncode == 0 and d["input"]["records"] == n and
          d["input"]["malformed"] == 0 and
          d["summary"]["sites_measured"]["sites"] == n)
    print("report over the lab records: exit %d, %d records, %d sites, "
          "%d malformed" % (r.returncode, d["input"]["records"],
                            d["summary"]["sites_measured"]["sites"],
                            d["input"]["malformed"]))
    return 0 if reanalyze(a, [out, out_ctl], d) and ok else 1


def verdict_of(rec):
    x = rec["test_keys"]["x_analysis"]
    return (x["verdict"], x["method"], x["detail"], x["confirmed"])


def reanalyze(a, paths, report_before):
    """Every record without x_analysis, judged again: the same verdict."""
    originals = []
    for path in paths:
        with open(path) as f:
            originals += [json.loads(line) for line in f]
    stripped = os.path.join(a.workdir, "lab-stripped.jsonl")
    with open(stripped, "w") as f:
        for rec in originals:
            tk = {k: v for k, v in rec["test_keys"].items()
                  if k != "x_analysis"}
            f.write(json.dumps(dict(rec, test_keys=tk),
                               ensure_ascii=False) + "\n")
    again = os.path.join(a.workdir, "lab-reanalyzed.jsonl")
    p = subprocess.run([a.probe, "analyze", "-o", again, stripped],
                       capture_output=True, text=True, timeout=120)
    print(p.stderr.strip())
    ok = p.returncode == 0
    with open(again) as f:
        redone = [json.loads(l) for l in f]
    ok = ok and len(redone) == len(originals)
    for old, new in zip(originals, redone):
        if verdict_of(old) != verdict_of(new):
            ok = False
            print("%s: written %r, judged again %r" % (
                old["input"], verdict_of(old), verdict_of(new)))
            for e in new["test_keys"]["x_analysis"]["evidence"]:
                print("    " + e)
        if "not_judged" in new["test_keys"]["x_analysis"]:
            ok = False
            print("%s: our own record lacks %r" % (
                old["input"], new["test_keys"]["x_analysis"]["not_judged"]))
    r = subprocess.run([a.probe, "report", "-F", "json", stripped],
                       capture_output=True, timeout=60)
    d = json.loads(r.stdout)
    same = (d["summary"] == report_before["summary"] and
            d["input"]["derived_verdicts"] == len(originals))
    if not same:
        print("report over the stripped records: %r\nover the originals: %r"
              % (d["summary"], report_before["summary"]))
    print("judged again from the file: %d records, %s; the report agrees: %s"
          % (len(redone), "same verdicts" if ok else "DIFFERENT", same))
    return ok and same


if __name__ == "__main__":
    sys.exit(main())

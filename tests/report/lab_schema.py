#!/usr/bin/env python3
"""Runs the probe over the lab's sites and validates every record it
writes against the JSON Schema, then counts them with `accessprobe report`.

  lab_schema.py --probe BIN --ca CA --canaries CSV --schema S --workdir DIR

Needs root and a lab that is up (ctest's lab fixture); LAB_PREFIX names its
namespaces. Not root: exit 77 (skipped) unless CI=true.
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


def main():
    ap = argparse.ArgumentParser()
    for k in ("--probe", "--ca", "--canaries", "--schema", "--workdir"):
        ap.add_argument(k, required=True)
    a = ap.parse_args()
    if os.geteuid() != 0:
        print("needs root")
        return 1 if os.environ.get("CI") == "true" else 77
    prefix = os.environ.get("LAB_PREFIX", "aplab-")
    os.makedirs(a.workdir, exist_ok=True)
    out = os.path.join(a.workdir, "lab-records.jsonl")
    if os.path.exists(out):
        os.unlink(out)
    cmd = ["ip", "netns", "exec", prefix + "probe", a.probe, "run",
           "--ca-file", a.ca, "--canaries", a.canaries, "--step-timeout",
           "2000", "--probe-asn", "AS65550", "--probe-cc", "KZ", "-q",
           "-o", out] + URLS
    p = subprocess.run(cmd, capture_output=True, timeout=150)
    if p.returncode != 0:
        print("probe run failed (%d): %s" % (p.returncode,
                                             p.stderr.decode()[-2000:]))
        return 1
    here = os.path.dirname(os.path.abspath(__file__))
    v = subprocess.run([sys.executable, os.path.join(here,
                        "validate_records.py"), "--schema", a.schema,
                        "--min", str(len(URLS)), out])
    if v.returncode:
        return 1
    r = subprocess.run([a.probe, "report", "-F", "json", out],
                       capture_output=True, timeout=60)
    d = json.loads(r.stdout)
    ok = (r.returncode == 0 and d["input"]["records"] == len(URLS) and
          d["input"]["malformed"] == 0 and
          d["summary"]["sites_measured"]["sites"] == len(URLS))
    print("report over the lab records: exit %d, %d records, %d sites, "
          "%d malformed" % (r.returncode, d["input"]["records"],
                            d["summary"]["sites_measured"]["sites"],
                            d["input"]["malformed"]))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""version_check.py: one version number, CMake's project VERSION, in the
Debian changelog (the packages' version), `accessprobe --version`, the man
page and the records' software_version.

    version_check.py --version V --src SRC --probe BUILD/probe/accessprobe

The record comes from a run in a new network namespace with no link (as
root, or in a user namespace otherwise): the probe sends nothing anywhere.
Exit status: 0 pass, 1 fail, 77 skip (no namespace, outside CI only).
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "lab"))
import labutil  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description="Check that every version number agrees.")
    ap.add_argument("--version", required=True, help="CMake's project VERSION")
    ap.add_argument("--src", required=True)
    ap.add_argument("--probe", required=True)
    args = ap.parse_args()
    args.probe = os.path.abspath(args.probe)
    v, problems = args.version, []

    def eq(got, what):
        if got != v:
            problems.append("%s: %r, but CMake's project VERSION is %r" % (what, got, v))

    with open(os.path.join(args.src, "debian", "changelog")) as f:
        m = re.match(r"accessprobe \(([^)]+)\) ", f.readline())
    eq(m and m.group(1), "debian/changelog (the packages' version)")
    with open(os.path.join(args.src, "docs", "accessprobe.1")) as f:
        m = re.search(r'^\.TH ACCESSPROBE 1 "[^"]*" "accessprobe ([^"]+)"', f.read(), re.M)
    eq(m and m.group(1), "docs/accessprobe.1 .TH")
    p = subprocess.run([args.probe, "--version"], capture_output=True, text=True, timeout=30)
    m = re.match(r"accessprobe (\S+) \(", p.stdout)
    eq(m and m.group(1), "accessprobe --version")

    ns = ["unshare", "--net"] if os.geteuid() == 0 else ["unshare", "--user", "--map-root-user",
                                                         "--net"]
    if subprocess.run(ns + ["true"], capture_output=True, timeout=30).returncode != 0:
        labutil.skip_or_fail("no network namespace (%s) for the record's check" % " ".join(ns),
                             "package")
    with tempfile.TemporaryDirectory() as d:
        p = subprocess.run(ns + [args.probe, "run", "--no-preflight", "--no-control", "-q",
                                 "-o", "-", "http://127.0.0.1/"],
                           capture_output=True, text=True, timeout=60, cwd=d)
    try:
        rec = json.loads(p.stdout.splitlines()[0])
    except (IndexError, ValueError):
        problems.append("no record from %s: %r %r" % (p.args, p.stdout, p.stderr))
        rec = {}
    if rec:
        eq(rec.get("software_version"), "the record's software_version")
        eq((rec.get("annotations") or {}).get("engine_version"),
           "the record's annotations.engine_version")
    for pr in problems:
        print("FAIL: " + pr)
    if not problems:
        print("version %s: CMake, debian/changelog, --version, man page, records" % v)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Validates records against results/schema/measurement.schema.json with
python3-jsonschema (Draft 2020-12).

  validate_records.py --schema S [--min N] [--ours-only] FILE...

Every line must be a JSON object valid against the schema, unless
--ours-only: then lines that are not JSON objects carrying
test_keys.x_analysis (malformed-line and OONI Probe fixtures) are passed
over and only the rest are validated. Fails when fewer than N records were
validated. .gz files are read through gzip (a truncated one up to where it
breaks).
"""
import argparse
import gzip
import json
import sys

import jsonschema


def lines(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", errors="strict") as f:
        try:
            for n, line in enumerate(f, 1):
                yield n, line
        except (EOFError, OSError):
            return


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--schema", required=True)
    ap.add_argument("--min", type=int, default=1)
    ap.add_argument("--ours-only", action="store_true")
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    schema = json.load(open(a.schema))
    jsonschema.Draft202012Validator.check_schema(schema)
    v = jsonschema.Draft202012Validator(schema)
    bad = checked = 0
    for path in a.files:
        for n, line in lines(path):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except ValueError as e:
                if a.ours_only:
                    continue
                print("%s:%d: not JSON: %s" % (path, n, e))
                bad += 1
                continue
            if a.ours_only and not (
                    isinstance(rec, dict) and
                    isinstance(rec.get("test_keys"), dict) and
                    "x_analysis" in rec["test_keys"]):
                continue
            checked += 1
            for e in sorted(v.iter_errors(rec), key=lambda e: e.path):
                print("%s:%d: %s: %s" % (path, n, e.json_path, e.message[:300]))
                bad += 1
    print("%d record(s) validated, %d error(s)" % (checked, bad))
    if checked < a.min:
        print("expected at least %d record(s)" % a.min)
        return 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""fastpath_score.py: OONI's own scoring of web_connectivity records, by
running OONI's fastpath (ooni/backend, fastpath/fastpath/core.py) from a
checkout of it. Nothing of OONI's code is in this tree; this only calls it.

    fastpath_score.py BACKEND_CHECKOUT FILE...

FILE: JSON Lines (one record a line, .gz read too) or one pretty-printed
record. Prints one JSON object per record: file, line, input, and the
fastpath's anomaly (blocking_general > 0.5), confirmed (a fingerprint
matched under its scope/country rule), failure (accuracy < 0.5),
blocking_type and the fingerprint names, with the fingerprints of the
checkout's fastpath/fastpath/tests/data/fingerprints_{dns,http}.json.

It needs the fastpath's Python modules, all in Debian 12: python3-ujson
python3-lz4 python3-boto3 python3-statsd python3-packaging
python3-clickhouse-driver gunicorn python3-yaml. Run it with /usr/bin/python3.
The fastpath_* columns of expected.csv were made with it (ooni/backend at
32d8349); it is a maintainer's tool, not part of the test suite (the
checkout is not).
"""
import gzip
import json
import os
import sys
from unittest import mock


def records(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        text = f.read()
    try:
        yield 1, json.loads(text)
        return
    except ValueError:
        pass
    for n, line in enumerate(text.splitlines(), 1):
        if line.strip():
            yield n, json.loads(line)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    fastpath = os.path.join(sys.argv[1], "fastpath")
    sys.path.insert(0, fastpath)
    import fastpath.core as core  # noqa: E402 (OONI's, from the checkout)
    core.metrics = mock.Mock()
    data = os.path.join(fastpath, "fastpath", "tests", "data")
    with open(os.path.join(data, "fingerprints_dns.json")) as f:
        dns = json.load(f)
    with open(os.path.join(data, "fingerprints_http.json")) as f:
        http = json.load(f)
    core.fingerprints = core.prepare_fingerprints(dns, http)
    for path in sys.argv[2:]:
        for n, rec in records(path):
            s = core.score_measurement(rec)
            print(json.dumps({
                "file": os.path.basename(path), "line": n, "input": rec.get("input"),
                "anomaly": s.get("blocking_general", 0) > 0.5,
                "confirmed": bool(s.get("confirmed", False)),
                "failure": s.get("accuracy", 1.0) < 0.5,
                "blocking_type": (s.get("analysis") or {}).get("blocking_type"),
                "fingerprints": [fp["name"] for fp in s.get("fingerprints", [])],
            }, ensure_ascii=False))


if __name__ == "__main__":
    main()

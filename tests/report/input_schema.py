#!/usr/bin/env python3
"""The input schema (results/schema/web-connectivity-input.schema.json)
accepts what OONI really emits and still rejects what no web_connectivity
record is: each case takes a real OONI record from tests/data/ooni/, changes
one thing, and checks the verdict.

  input_schema.py --schema S --data DIR
"""
import argparse
import copy
import json
import os
import sys

import jsonschema


def load(data, name):
    with open(os.path.join(data, name), encoding="utf-8") as f:
        return json.loads(f.readline())


def tk(r):
    return r["test_keys"]


def drop(d, key):
    d.pop(key, None)


def setitem(d, key, value):
    d[key] = value


# (record, what OONI does, change) that must stay valid: each is in OONI's
# data (the record named shows it) or its documented format.
ACCEPTED = [
    ("lte-dnsBlockingNXDOMAIN.jsonl", "answers: null (Go's nil slice)",
     lambda r: setitem(tk(r)["queries"][0], "answers", None)),
    ("lte-successWithHTTPS.jsonl", "answers[].ttl: null",
     lambda r: setitem(tk(r)["queries"][0]["answers"][0], "ttl", None)),
    ("lte-throttlingWithHTTPS.jsonl", "t0 left out (omitempty when 0)",
     lambda r: drop(tk(r)["tcp_connect"][0], "t0")),
    ("lte-successWithHTTPS.jsonl", "null instead of an array",
     lambda r: [setitem(tk(r), k, None) for k in
                ("tls_handshakes", "requests", "tcp_connect", "network_events")]),
    ("lte-successWithHTTPS.jsonl", "tags and peer_certificates null",
     lambda r: [setitem(tk(r)["tls_handshakes"][0], k, None)
                for k in ("tags", "peer_certificates")]),
    ("lte-real-polito.jsonl", "body_proportion absent (v0.5.26)",
     lambda r: drop(tk(r), "body_proportion")),
    ("explorer-ru-pokerroom.jsonl", "retries: 1 (legacy probe)",
     lambda r: setitem(tk(r), "retries", 1)),
    ("fastpath-no-body.jsonl", "\"ssl_error: ...\" failure (legacy)",
     lambda r: None),
    ("lte-redirectWithBrokenLocationForHTTPS.jsonl",
     "http_invalid_redirect_location_host", lambda r: None),
    ("fastpath-bug352.jsonl", "connect_error (Measurement Kit)", lambda r: None),
    ("fastpath-test-keys-none.jsonl", "test_keys: null", lambda r: None),
    ("fastpath-b64-hdr.jsonl", "a header value as base64 BinaryData",
     lambda r: None),
    ("lte-successWithHTTPS.jsonl", "unknown keys anywhere (df-000)",
     lambda r: [setitem(r, "x_new", {"a": 1}), setitem(tk(r), "x_new", [1]),
                setitem(tk(r)["queries"][0], "x_new", None)]),
    ("lte-successWithHTTPS.jsonl", "ISO 8601 time, T and Z",
     lambda r: setitem(r, "measurement_start_time", "2024-02-21T12:00:00Z")),
]

# (record, change) that must be refused, with the part of the record the
# error must point at.
REFUSED = [
    ("lte-successWithHTTPS.jsonl", "another test", "$.test_name",
     lambda r: setitem(r, "test_name", "dns_consistency")),
    ("lte-successWithHTTPS.jsonl", "no test_keys", "$",
     lambda r: drop(r, "test_keys")),
    ("lte-successWithHTTPS.jsonl", "a date OONI never writes",
     "$.measurement_start_time",
     lambda r: setitem(r, "measurement_start_time", "21/02/2024 12:00")),
    ("lte-successWithHTTPS.jsonl", "an ASN without AS", "$.probe_asn",
     lambda r: setitem(r, "probe_asn", "30722")),
    ("lte-successWithHTTPS.jsonl", "a blocking value OONI never had",
     "$.test_keys.blocking", lambda r: setitem(tk(r), "blocking", "tls")),
    ("lte-successWithHTTPS.jsonl", "accessible as a string",
     "$.test_keys.accessible", lambda r: setitem(tk(r), "accessible", "true")),
    ("lte-successWithHTTPS.jsonl", "answers as a string",
     "$.test_keys.queries[0].answers",
     lambda r: setitem(tk(r)["queries"][0], "answers", "93.184.216.34")),
    ("lte-successWithHTTPS.jsonl", "a port as a string",
     "$.test_keys.tcp_connect[0].port",
     lambda r: setitem(tk(r)["tcp_connect"][0], "port", "443")),
    ("lte-successWithHTTPS.jsonl", "status.success as a string",
     "$.test_keys.tcp_connect[0].status.success",
     lambda r: setitem(tk(r)["tcp_connect"][0]["status"], "success", "yes")),
    ("lte-successWithHTTPS.jsonl", "a failure that is free text",
     "$.test_keys.http_experiment_failure",
     lambda r: setitem(tk(r), "http_experiment_failure", "Connection refused")),
    ("lte-successWithHTTPS.jsonl", "a certificate not in base64 form",
     "$.test_keys.tls_handshakes[0].peer_certificates[0].format",
     lambda r: setitem(tk(r)["tls_handshakes"][0], "peer_certificates",
                       [{"format": "hex", "data": "00"}])),
    ("lte-successWithHTTPS.jsonl", "a body proportion over 1",
     "$.test_keys.body_proportion",
     lambda r: setitem(tk(r), "body_proportion", 1.5)),
    ("lte-successWithHTTPS.jsonl", "the control's status code as a string",
     "$.test_keys.control.http_request.status_code",
     lambda r: setitem(tk(r)["control"]["http_request"], "status_code", "200")),
    ("lte-successWithHTTPS.jsonl", "a header pair of three",
     "$.test_keys.requests[0].response.headers_list[0]",
     lambda r: setitem(tk(r)["requests"][0]["response"], "headers_list",
                       [["Server", "nginx", "extra"]])),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--schema", required=True)
    ap.add_argument("--data", required=True)
    a = ap.parse_args()
    with open(a.schema) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    v = jsonschema.Draft202012Validator(schema)
    bad = 0
    for name, what, change in ACCEPTED:
        r = copy.deepcopy(load(a.data, name))
        change(r)
        errs = list(v.iter_errors(r))
        if errs:
            bad += 1
            print("REFUSED but OONI emits it (%s, %s): %s: %s"
                  % (what, name, errs[0].json_path, errs[0].message[:200]))
    for name, what, where, change in REFUSED:
        r = copy.deepcopy(load(a.data, name))
        if list(v.iter_errors(r)):
            bad += 1
            print("the unchanged %s is refused" % name)
            continue
        change(r)
        paths = [e.json_path for e in v.iter_errors(r)]
        if not paths:
            bad += 1
            print("ACCEPTED: %s (%s)" % (what, name))
        elif not any(p == where or p.startswith(where + ".") or
                     p.startswith(where + "[") for p in paths):
            bad += 1
            print("%s: refused at %r, not at %s" % (what, paths, where))
    print("%d accepted and %d refused cases, %d wrong"
          % (len(ACCEPTED), len(REFUSED), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

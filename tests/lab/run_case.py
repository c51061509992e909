#!/usr/bin/env python3
"""run_case.py: run the real accessprobe binary in the censorship lab and
check the record it writes.

    run_case.py --probe PATH/accessprobe --ca LAB_CA.pem CASE
    run_case.py --list

The lab must be up (tests/lab/lab.sh up); LAB_PREFIX and LAB_DIR select it
the same way lab.sh does. Exit status: 0 pass, 1 fail, 77 skip (only outside
CI, when not root or without network namespaces; under CI=true that fails).

Every probe run is bounded (subprocess timeout); all traffic stays inside the
lab's namespaces.
"""

import argparse
import base64
import json
import os
import re
import shlex
import shutil
import ssl
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from labutil import Checks, load_lab_env, run_checks  # noqa: E402  (next to this script)
import labutil  # noqa: E402
import scenarios  # noqa: E402  (the scenario table, next to this script)

HERE = os.path.dirname(os.path.abspath(__file__))
STEP_TIMEOUT_MS = 2000
RUN_TIMEOUT_S = 120
PROBE_ASN = "AS65550"
PROBE_CC = "KZ"
# The world's network in the lab helper's MaxMind DB (lab.sh start_helper).
LAB_WORLD_ASN = 64500
LAB_WORLD_ORG = "accessprobe lab world"
BODY_CAP = 512 * 1024


# ------------------------------------------------------------ utilities --

def skip_or_fail(msg):
    labutil.skip_or_fail(msg, "lab")


def leaf_der_b64(cert_dir, name):
    with open(os.path.join(cert_dir, name + ".crt")) as f:
        pem = f.read()
    start = pem.index("-----BEGIN CERTIFICATE-----")
    return base64.b64encode(ssl.PEM_cert_to_DER_cert(pem[start:])).decode()


def body_bytes(body):
    """The response body as bytes, and which form it had ('str'/'base64')."""
    if body is None:
        return None, None
    if isinstance(body, str):
        return body.encode("utf-8"), "str"
    if isinstance(body, dict) and body.get("format") == "base64":
        return base64.b64decode(body.get("data", "")), "base64"
    return None, type(body).__name__


def header_value(resp, name):
    if not isinstance(resp, dict):
        return None
    hdrs = resp.get("headers") or {}
    for k, v in hdrs.items():
        if k.lower() == name.lower():
            return v
    for pair in resp.get("headers_list") or []:
        if isinstance(pair, list) and len(pair) == 2 and str(pair[0]).lower() == name.lower():
            return pair[1]
    return None


def walk(obj):
    """Yields (key, value) for every key of every object inside obj."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield k, v
            yield from walk(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from walk(v)


SENTINEL = r"""
import select, socket, sys, time
socks = []
for port in (80, 443):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port)); s.listen(16); s.setblocking(False)
    socks.append(s)
print("ready", flush=True)
n = 0
deadline = time.monotonic() + float(sys.argv[1])
while time.monotonic() < deadline:
    r, _, _ = select.select(socks + [sys.stdin], [], [], 0.2)
    for s in r:
        if s is sys.stdin:
            deadline = 0
        else:
            try:
                conn, _ = s.accept(); conn.close(); n += 1
            except OSError:
                pass
print("accepted %d" % n, flush=True)
"""


def start_sentinel(case, ns):
    """A listener on 127.0.0.1:80 and :443 inside the probe namespace for the
    length of a run: the probe must never connect to loopback, and this
    proves it (not only that nothing was recorded)."""
    p = subprocess.Popen(["ip", "netns", "exec", ns, sys.executable, "-c", SENTINEL,
                          str(RUN_TIMEOUT_S + 30)],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    ready = p.stdout.readline().strip()
    if ready != "ready":
        p.kill()
        _, err = p.communicate()
        case.expect(False, "loopback sentinel did not start: %r %r" % (ready, err))
        return None
    return p


def stop_sentinel(case, p):
    try:
        out, _ = p.communicate(input="", timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        out, _ = p.communicate()
    m = re.search(r"accepted (\d+)", out or "")
    case.expect(m is not None, "loopback sentinel gave no count: %r" % out)
    if m:
        case.expect(int(m.group(1)) == 0, "%s connection(s) reached 127.0.0.1:80/443 in the "
                    "probe namespace" % m.group(1))


class Run:
    def __init__(self, cmd, rc, stdout, stderr, elapsed, text, records, parse_errors):
        self.cmd, self.rc, self.stdout, self.stderr = cmd, rc, stdout, stderr
        self.elapsed, self.text, self.records = elapsed, text, records
        self.parse_errors = parse_errors

    def record_for(self, url):
        found = [r for r in self.records if isinstance(r, dict) and r.get("input") == url]
        return found


class Case(Checks):
    """One case: runs the probe, collects every failed expectation."""

    def __init__(self, ctx, name):
        self.ctx, self.name = ctx, name
        self.problems = []
        self.runs = []
        self.prefix = ""

    # -- running the probe --
    def probe(self, urls, ns=None, extra=(), timeout=RUN_TIMEOUT_S):
        ctx = self.ctx
        ns = ns or ctx.env["NS_PROBE"]
        out = os.path.join(ctx.workdir, "out-%d.jsonl" % len(self.runs))
        cmd = ["ip", "netns", "exec", ns, ctx.probe, "run",
               "--ca-file", ctx.ca, "--canaries", ctx.canaries,
               "--step-timeout", str(STEP_TIMEOUT_MS),
               "--probe-asn", PROBE_ASN, "--probe-cc", PROBE_CC,
               "--probe-network-name", "accessprobe lab ISP",
               "-o", out] + list(extra) + list(urls)
        sentinel = start_sentinel(self, ns) if ns == ctx.env["NS_PROBE"] else None
        t0 = time.monotonic()
        try:
            p = subprocess.run(cmd, cwd=ctx.workdir, stdin=subprocess.DEVNULL,
                               capture_output=True, timeout=timeout)
            rc, so, se = p.returncode, p.stdout, p.stderr
        except subprocess.TimeoutExpired as e:
            rc, so, se = None, e.stdout or b"", e.stderr or b""
        finally:
            elapsed = time.monotonic() - t0
            if sentinel:
                stop_sentinel(self, sentinel)
        text = ""
        if os.path.exists(out):
            with open(out, "rb") as f:
                raw = f.read()
            text = raw.decode("utf-8", errors="replace")
            self.expect(raw == b"" or raw.endswith(b"\n"), "output does not end with a newline")
            self.expect(b"\0" not in raw, "output contains a NUL byte")
        records, errors = [], []
        for i, line in enumerate(text.splitlines()):
            try:
                records.append(json.loads(line))
            except ValueError as e:
                errors.append("line %d: %s" % (i + 1, e))
        run = Run(cmd, rc, so.decode("utf-8", "replace"), se.decode("utf-8", "replace"),
                  elapsed, text, records, errors)
        self.runs.append(run)
        self.expect(rc is not None, "the probe did not finish within %d s (killed)" % timeout)
        self.expect(not errors, "output lines that are not JSON: %s" % errors[:3])
        return run

    def one_record(self, url, ns=None, extra=(), expect_rc=0, timeout=RUN_TIMEOUT_S):
        """Runs the probe on one URL; returns (run, record or {})."""
        run = self.probe([url], ns=ns, extra=extra, timeout=timeout)
        if expect_rc is not None:
            self.eq(run.rc, expect_rc, "exit code")
        recs = run.record_for(url)
        self.eq(len(recs), 1, "number of records with input %s" % url)
        rec = recs[0] if recs else {}
        if recs:
            self.common(rec, url)
        return run, rec

    def common(self, rec, url):
        self.eq(rec.get("input"), url, "input")
        self.eq(rec.get("probe_ip"), "127.0.0.1", "probe_ip")
        self.eq(rec.get("probe_asn"), PROBE_ASN, "probe_asn")
        self.eq(rec.get("probe_cc"), PROBE_CC, "probe_cc")
        self.eq(rec.get("test_name"), "web_connectivity", "test_name")
        self.expect(isinstance(rec.get("test_keys"), dict), "test_keys is not an object")
        # A decoy handshake never sits among the real ones, where a consumer
        # that ignores our tag would read it as the site's.
        self.expect(not [h for h in lst(rec, "tls_handshakes") if isinstance(h, dict)
                         and "decoy_sni" in (h.get("tags") or [])],
                    "a decoy-SNI handshake in tls_handshakes")

    def report(self):
        if not self.problems:
            print("PASS lab.%s" % self.name)
            return 0
        print("FAIL lab.%s" % self.name)
        for p in self.problems:
            print("  - %s" % p)
        for i, run in enumerate(self.runs):
            print("  run %d: %s" % (i, shlex.join(run.cmd)))
            print("    exit %s after %.2f s" % (run.rc, run.elapsed))
            if run.stderr.strip():
                print("    stderr: %s" % run.stderr.strip()[-2000:].replace("\n", "\n            "))
            if run.text:
                t = run.text if len(run.text) < 6000 else run.text[:6000] + "... (%d bytes)" % len(run.text)
                print("    output: %s" % t.rstrip())
        print("  (work dir kept: %s)" % self.ctx.workdir)
        return 1


def tk(rec):
    t = rec.get("test_keys")
    return t if isinstance(t, dict) else {}


def lst(rec, key):
    v = tk(rec).get(key)
    return v if isinstance(v, list) else []


def real_tls(rec):
    """TLS handshakes with the real SNI (the decoys have a key of their own)."""
    return [h for h in lst(rec, "tls_handshakes") if isinstance(h, dict)]


def tcp_to(rec, ip, port):
    return [c for c in lst(rec, "tcp_connect")
            if isinstance(c, dict) and c.get("ip") == ip and c.get("port") == port]


def status(c):
    s = c.get("status")
    return s if isinstance(s, dict) else {}


def req(rec, i=0):
    r = lst(rec, "requests")
    return r[i] if len(r) > i and isinstance(r[i], dict) else {}


def resp(r):
    v = r.get("response")
    return v if isinstance(v, dict) else {}


def req_url(r):
    q = r.get("request")
    return q.get("url") if isinstance(q, dict) else None


def no_http_response(case, rec):
    codes = [resp(r).get("code") for r in lst(rec, "requests") if isinstance(r, dict)]
    case.expect(all(not c for c in codes), "an HTTP response was recorded (codes %r) although "
                "the step before it failed" % codes)


def check_dns_ok(case, rec, host, ip):
    case.eq(tk(rec).get("dns_experiment_failure"), None, "dns_experiment_failure")
    a = [q for q in lst(rec, "queries") if isinstance(q, dict)
         and q.get("hostname") == host and q.get("query_type") == "A"]
    case.expect(a, "no A query for %s in queries" % host)
    ips = [x.get("ipv4") for q in a for x in (q.get("answers") or []) if isinstance(x, dict)]
    case.expect(ip in ips, "A answers for %s: expected %s among %r" % (host, ip, ips))
    for q in a:
        case.eq(q.get("failure"), None, "A query failure for %s" % host)


def check_cert(case, handshake, cert_name):
    chain = handshake.get("peer_certificates") or []
    case.expect(chain, "peer_certificates is empty (%s)" % cert_name)
    if chain and isinstance(chain[0], dict):
        case.eq(chain[0].get("format"), "base64", "peer_certificates[0].format")
        case.expect(chain[0].get("data") == leaf_der_b64(case.ctx.env["CERT_DIR"], cert_name),
                    "peer_certificates[0] is not the lab's %s leaf" % cert_name)


def check_tls_failure(case, rec, host, ip, failure, cert_name):
    hs = [h for h in real_tls(rec) if h.get("server_name") == host]
    case.expect(hs, "no TLS handshake with server_name %s" % host)
    for h in hs:
        case.eq(h.get("address"), "%s:443" % ip, "tls address")
        case.eq(h.get("failure"), failure, "tls_handshakes failure")
        check_cert(case, h, cert_name)
    no_http_response(case, rec)


# ---------------------------------------------------------------- cases --

SINGLE = {}  # name -> (url, check(c, run, rec, url))


def single(url, also=()):
    """Registers a one-URL case: the probe measures url alone, check() judges
    its record. all_at_once applies the same checks to one concurrent run.
    also: (name, url) pairs of more cases judged by the same check."""
    def deco(fn):
        SINGLE[fn.__name__[len("check_"):]] = (url, fn)
        for name, other in also:
            SINGLE[name] = (other, fn)
        return fn
    return deco


@single("http://http.lab.test/")
def check_http_ok(c, run, rec, url):
    check_dns_ok(c, rec, "http.lab.test", "198.19.0.10")
    conns = tcp_to(rec, "198.19.0.10", 80)
    c.expect(conns, "no tcp_connect to 198.19.0.10:80")
    for t in conns:
        c.eq(status(t).get("success"), True, "tcp_connect success")
        c.eq(status(t).get("failure"), None, "tcp_connect failure")
    c.eq(real_tls(rec), [], "tls_handshakes for an http URL")
    r = req(rec)
    c.eq(req_url(r), url, "requests[0].request.url")
    c.eq(r.get("failure"), None, "requests[0].failure")
    c.eq(resp(r).get("code"), 200, "requests[0].response.code")
    b, _ = body_bytes(resp(r).get("body"))
    c.expect(b and b"Lab HTTP site" in b, "body lacks the page text")
    c.eq(tk(rec).get("x_title"), "Lab HTTP site", "x_title")
    c.eq(tk(rec).get("http_experiment_failure"), None, "http_experiment_failure")


@single("https://https.lab.test/")
def check_https_ok(c, run, rec, url):
    check_dns_ok(c, rec, "https.lab.test", "198.19.0.11")
    conns = tcp_to(rec, "198.19.0.11", 443)
    c.expect(conns and all(status(t).get("success") is True for t in conns),
             "tcp_connect to 198.19.0.11:443 did not succeed: %r" % conns)
    hs = real_tls(rec)
    c.expect(hs, "no TLS handshake recorded")
    for h in hs:
        c.eq(h.get("address"), "198.19.0.11:443", "tls address")
        c.eq(h.get("server_name"), "https.lab.test", "tls server_name")
        c.eq(h.get("failure"), None, "tls failure")
        c.expect(h.get("tls_version") in ("TLSv1.3", "TLSv1.2"),
                 "tls_version: expected TLSv1.3 or TLSv1.2, got %r" % h.get("tls_version"))
        c.expect(isinstance(h.get("cipher_suite"), str) and h.get("cipher_suite"),
                 "cipher_suite missing: %r" % h.get("cipher_suite"))
        check_cert(c, h, "https.lab.test")
    r = req(rec)
    c.eq(req_url(r), url, "requests[0].request.url")
    c.eq(r.get("failure"), None, "requests[0].failure")
    c.eq(resp(r).get("code"), 200, "requests[0].response.code")
    c.eq(tk(rec).get("x_title"), "Lab HTTPS site", "x_title")
    c.eq(tk(rec).get("http_experiment_failure"), None, "http_experiment_failure")
    # One handshake per endpoint: the GET went over the measured connection
    # (its transaction, after its handshake), which offered http/1.1 only.
    c.eq(r.get("alpn"), "http/1.1", "requests[0].alpn")
    for h in hs:
        c.eq(h.get("negotiated_protocol"), "http/1.1", "tls negotiated_protocol")
    c.expect(any(h.get("transaction_id") == r.get("transaction_id") for h in hs),
             "the request's transaction_id %r is no handshake's %r" % (
                 r.get("transaction_id"), [h.get("transaction_id") for h in hs]))
    c.expect(all(isinstance(h.get("t"), (int, float)) and isinstance(r.get("t0"), (int, float))
                 and r["t0"] >= h["t"] for h in hs
                 if h.get("transaction_id") == r.get("transaction_id")),
             "the request started before its handshake ended")
    check_arrival(c, r)


def check_arrival(c, r):
    """How the response arrived: first and last byte within the request,
    samples in order, the last one at everything received."""
    n = r.get("x_bytes_received")
    first, last, t0, t = (r.get(k) for k in ("x_t_first_byte", "x_t_last_byte", "t0", "t"))
    prog = r.get("x_progress")
    c.expect(isinstance(n, int) and n > 0, "x_bytes_received %r" % n)
    c.expect(all(isinstance(v, (int, float)) for v in (first, last, t0, t))
             and t0 <= first <= last <= t,
             "x_t_first_byte %r, x_t_last_byte %r not within t0 %r .. t %r" % (first, last, t0, t))
    c.expect(isinstance(prog, list) and 0 < len(prog) <= 16, "x_progress %r" % prog)
    if isinstance(prog, list) and prog:
        ts = [p[0] for p in prog]
        bs = [p[1] for p in prog]
        c.expect(ts == sorted(ts) and bs == sorted(bs), "x_progress not in order: %r" % prog)
        c.eq(bs[-1], n, "the last x_progress sample's bytes (x_bytes_received)")


@single("http://https.lab.test:443/")
def check_http_to_tls_port(c, run, rec, url):
    """http:// to a port measured with TLS (443, as OONI's helper does):
    the handshake is measured, and the GET gets a plain connection of its
    own, which nginx's TLS port answers with 400."""
    hs = real_tls(rec)
    c.expect(hs and all(h.get("failure") is None for h in hs),
             "the TLS handshake on 443 is not recorded as done: %r" % hs)
    r = req(rec)
    c.eq(req_url(r), url, "requests[0].request.url")
    c.eq(r.get("address"), "198.19.0.11:443", "requests[0].address")
    c.eq(r.get("failure"), None, "requests[0].failure")
    c.eq(resp(r).get("code"), 400, "requests[0].response.code (plain HTTP to a TLS port)")


@single("http://redir1.lab.test/start")
def check_redirect_chain(c, run, rec, url):
    reqs = lst(rec, "requests")
    c.eq(len(reqs), 3, "number of requests")
    want = ["https://redir3.lab.test/final", "https://redir2.lab.test/hop2", url]
    c.eq([req_url(r) for r in reqs if isinstance(r, dict)], want, "request URLs, newest first")
    c.eq([resp(r).get("code") for r in reqs if isinstance(r, dict)], [200, 302, 301],
         "response codes, newest first")
    if len(reqs) == 3:
        c.eq(header_value(resp(reqs[2]), "Location"), want[1], "first hop Location")
    c.eq(tk(rec).get("x_title"), "Redirect chain end", "x_title")
    c.eq(tk(rec).get("http_experiment_failure"), None, "http_experiment_failure")


@single("https://nxdomain.lab.test/")
def check_nxdomain(c, run, rec, url):
    c.eq(tk(rec).get("dns_experiment_failure"), "dns_nxdomain_error", "dns_experiment_failure")
    qs = [q for q in lst(rec, "queries") if isinstance(q, dict)
          and q.get("hostname") == "nxdomain.lab.test"]
    c.expect(qs, "no query for nxdomain.lab.test")
    c.expect(any(q.get("failure") == "dns_nxdomain_error" for q in qs),
             "no query with failure dns_nxdomain_error: %r" % [q.get("failure") for q in qs])
    c.eq(lst(rec, "tcp_connect"), [], "tcp_connect")
    no_http_response(c, rec)


@single("https://refused.lab.test/")
def check_refused(c, run, rec, url):
    conns = tcp_to(rec, "198.19.0.20", 443)
    c.expect(conns, "no tcp_connect to 198.19.0.20:443")
    for t in conns:
        c.eq(status(t).get("success"), False, "tcp_connect success")
        c.eq(status(t).get("failure"), "connection_refused", "tcp_connect failure")
    c.eq(real_tls(rec), [], "tls_handshakes after a refused connect")
    no_http_response(c, rec)


@single("https://wrongname.lab.test/")
def check_wrong_name(c, run, rec, url):
    check_tls_failure(c, rec, "wrongname.lab.test", "198.19.0.12", "ssl_invalid_hostname",
                      "wrongname.lab.test")


@single("https://expired.lab.test/")
def check_expired(c, run, rec, url):
    check_tls_failure(c, rec, "expired.lab.test", "198.19.0.13", "ssl_invalid_certificate",
                      "expired.lab.test")


@single("https://unknownca.lab.test/")
def check_unknown_ca(c, run, rec, url):
    check_tls_failure(c, rec, "unknownca.lab.test", "198.19.0.11", "ssl_unknown_authority",
                      "unknownca.lab.test")


@single("https://silent.lab.test/")
def check_silent(c, run, rec, url):
    conns = tcp_to(rec, "198.19.0.31", 443)
    c.expect(conns and all(status(t).get("success") is True for t in conns),
             "tcp_connect to the silent server did not succeed: %r" % conns)
    seen = [h.get("failure") for h in real_tls(rec)]
    seen += [req(rec).get("failure"), tk(rec).get("http_experiment_failure")]
    c.expect("generic_timeout_error" in seen,
             "no generic_timeout_error on the TLS or HTTP step (saw %r)" % seen)
    no_http_response(c, rec)
    c.expect(run.elapsed < 20, "run took %.1f s with a 2 s step timeout" % run.elapsed)


@single("https://blackhole.lab.test/")
def check_syn_drop(c, run, rec, url):
    conns = tcp_to(rec, "198.19.0.21", 443)
    c.expect(conns, "no tcp_connect to 198.19.0.21:443")
    for t in conns:
        c.eq(status(t).get("success"), False, "tcp_connect success")
        c.eq(status(t).get("failure"), "generic_timeout_error", "tcp_connect failure")
    c.eq(real_tls(rec), [], "tls_handshakes after a failed connect")
    c.expect(run.elapsed < 20, "run took %.1f s with a 2 s step timeout" % run.elapsed)


@single("http://drip.lab.test/", also=[("https_drip", "https://drip.lab.test/")])
def check_drip(c, run, rec, url):
    r = req(rec)
    seen = [r.get("failure"), tk(rec).get("http_experiment_failure")]
    c.expect("generic_timeout_error" in seen,
             "no generic_timeout_error for the dripping body (saw %r)" % seen)
    # The deadline covers the whole step: a per-read timeout would never fire
    # (a byte arrives every second) and the server drips for 300 s.
    c.expect(run.elapsed < 15, "run took %.1f s; the HTTP step deadline is 2 s" % run.elapsed)
    t0, t1 = r.get("t0"), r.get("t")
    if isinstance(t0, (int, float)) and isinstance(t1, (int, float)):
        c.expect(t1 - t0 <= STEP_TIMEOUT_MS / 1000 + 1.0,
                 "the request lasted %.2f s (t - t0), step deadline 2 s" % (t1 - t0))
    # What came before the deadline is kept, and the record says the
    # transfer was still flowing (slow, not stalled: throttling's data).
    rs = resp(r)
    c.eq(rs.get("code"), 200, "response code")
    b, _ = body_bytes(rs.get("body"))
    c.expect(b is not None and b.startswith(b"<html><head><title>Drip</title>"),
             "the body that came before the deadline is not kept: %r" % (b[:60] if b else b))
    c.eq(r.get("x_timeout_progress"), "flowing", "x_timeout_progress")
    check_arrival(c, r)


@single("http://endless.lab.test/", also=[("https_endless", "https://endless.lab.test/")])
def check_endless(c, run, rec, url):
    rs = resp(req(rec))
    c.eq(rs.get("code"), 200, "response code")
    c.eq(rs.get("body_is_truncated"), True, "body_is_truncated")
    c.eq(rs.get("x_body_length"), BODY_CAP, "x_body_length")
    b, _ = body_bytes(rs.get("body"))
    c.expect(b is not None and len(b) == BODY_CAP,
             "recorded body length %r, expected %d" % (None if b is None else len(b), BODY_CAP))
    c.expect(run.elapsed < 30, "run took %.1f s" % run.elapsed)
    c.eq(req(rec).get("failure"), None, "requests[0].failure (the cap is no failure)")
    c.eq(req(rec).get("x_timeout_progress"), None, "x_timeout_progress")


@single("http://headers.lab.test/", also=[("https_header_flood", "https://headers.lab.test/")])
def check_header_flood(c, run, rec, url):
    lines = run.text.splitlines()
    c.expect(all(len(l) < (1 << 20) for l in lines),
             "a record line is %d bytes (headers not capped)" % max([len(l) for l in lines] or [0]))
    r = req(rec)
    seen = [r.get("failure"), tk(rec).get("http_experiment_failure")]
    c.expect(any(seen), "~500 KB of response headers produced no failure (saw %r)" % seen)
    c.eq(r.get("failure"), "http_request_failed", "requests[0].failure")
    c.eq(r.get("x_protocol_error"), "head_too_large", "x_protocol_error")
    hl = resp(r).get("headers_list") or []
    c.expect(len(json.dumps(hl)) <= 300 * 1024,
             "headers_list holds %d bytes of JSON (over the 300 KiB cap)" % len(json.dumps(hl)))
    c.expect(0 < len(hl) <= 100, "%d headers kept (cap 100)" % len(hl))
    c.eq(resp(r).get("x_headers_truncated"), True, "x_headers_truncated")
    c.expect(run.elapsed < 30, "run took %.1f s" % run.elapsed)


# abrupt: closed in the middle of a Content-Length body (over TLS without
# close_notify, which is the same to HTTP).
@single("http://abrupt.lab.test/", also=[("https_abrupt", "https://abrupt.lab.test/")])
def check_http_abrupt(c, run, rec, url):
    """Closed in the middle of a Content-Length body: eof_error, and the
    bytes that came are kept."""
    r = req(rec)
    c.eq(r.get("failure"), "eof_error", "requests[0].failure")
    c.eq(tk(rec).get("http_experiment_failure"), "eof_error", "http_experiment_failure")
    rs = resp(r)
    c.eq(rs.get("code"), 200, "response code")
    b, _ = body_bytes(rs.get("body"))
    c.eq(b, b"A" * 1000, "the body that came before the close")
    c.eq(r.get("x_protocol_error"), None, "x_protocol_error")
    check_arrival(c, r)


@single("https://eofbody.lab.test/")
def check_https_eof_body(c, run, rec, url):
    """A body that runs to the close, closed without close_notify (as many
    servers do): the page, whole, and no failure."""
    r = req(rec)
    c.eq(r.get("failure"), None, "requests[0].failure")
    c.eq(tk(rec).get("http_experiment_failure"), None, "http_experiment_failure")
    rs = resp(r)
    c.eq(rs.get("code"), 200, "response code")
    c.eq(rs.get("body_is_truncated"), False, "body_is_truncated")
    b, _ = body_bytes(rs.get("body"))
    c.expect(b is not None and b.endswith(b"</body></html>\n") and len(b) > 20000,
             "the body is not the whole page: %r bytes" % (None if b is None else len(b)))
    c.eq(tk(rec).get("x_title"), "Ended by the close", "x_title")
    check_arrival(c, r)


@single("http://gzipbomb.lab.test/")
def check_gzip_bomb(c, run, rec, url):
    with open(os.path.join(c.ctx.env["WWW_DIR"], "bomb.html.gz"), "rb") as f:
        bomb = f.read()
    rs = resp(req(rec))
    c.eq(rs.get("code"), 200, "response code")
    c.eq(str(header_value(rs, "Content-Encoding")).lower(), "gzip", "Content-Encoding header")
    b, form = body_bytes(rs.get("body"))
    c.eq(form, "base64", "body form (gzip bytes are not UTF-8)")
    c.expect(b == bomb, "recorded body is not the raw gzip bytes (%r bytes, first %r; raw is %d bytes)"
             % (None if b is None else len(b), None if b is None else b[:8], len(bomb)))
    c.eq(rs.get("x_body_length"), len(bomb), "x_body_length (raw, not decoded)")
    c.eq(rs.get("body_is_truncated"), False, "body_is_truncated")


@single("http://loop.lab.test/")
def check_redirect_loop(c, run, rec, url):
    reqs = lst(rec, "requests")
    c.expect(10 <= len(reqs) <= 11, "%d requests recorded; the probe follows at most 10 "
             "redirects (10 or 11 requests)" % len(reqs))
    urls = [req_url(r) for r in reqs if isinstance(r, dict)]
    c.expect(set(urls) <= {"http://loop.lab.test/", "http://loop2.lab.test/"},
             "unexpected URLs in the loop: %r" % sorted(set(urls)))
    c.expect(run.elapsed < 60, "run took %.1f s" % run.elapsed)




@single("http://loopback.lab.test/")
def check_loopback_redirect(c, run, rec, url):
    seen = [req(rec).get("failure"), tk(rec).get("http_experiment_failure")]
    c.expect("address_refused_by_policy" in seen,
             "no address_refused_by_policy on the final hop (saw %r)" % seen)
    loop_conns = [t for t in lst(rec, "tcp_connect") if isinstance(t, dict)
                  and str(t.get("ip", "")).startswith("127.")]
    c.eq(loop_conns, [], "tcp_connect entries to loopback")
    first = [r for r in lst(rec, "requests") if isinstance(r, dict) and req_url(r) == url]
    c.expect(first and resp(first[0]).get("code") == 302,
             "the first hop (302 from loopback.lab.test) is not recorded")
    # (every run in the probe namespace also asserts that its loopback
    # sentinel accepted nothing: see Case.probe)


@single("http://binary.lab.test/")
def check_binary_body(c, run, rec, url):
    with open(os.path.join(c.ctx.env["WWW_DIR"], "binary.bin"), "rb") as f:
        raw = f.read()
    rs = resp(req(rec))
    c.eq(rs.get("code"), 200, "response code")
    body = rs.get("body")
    c.expect(isinstance(body, dict) and body.get("format") == "base64",
             "body is not {format: base64, data}: %r" % (body if not isinstance(body, str) else body[:80]))
    b, _ = body_bytes(body)
    c.expect(b == raw, "decoded body differs from the served bytes")
    c.eq(rs.get("x_body_length"), len(raw), "x_body_length")


@single("http://echoip.lab.test/")
def check_client_ip_echo(c, run, rec, url):
    ip = c.ctx.env["PROBE_IP"]
    c.eq(resp(req(rec)).get("code"), 200, "response code")
    c.expect(ip not in run.text, "the probe's address %s appears in the output file" % ip)
    c.expect("[scrubbed]" in run.text, "no [scrubbed] in the output file")
    hv = header_value(resp(req(rec)), "X-Client-IP")
    c.expect(hv is None or ip not in str(hv), "X-Client-IP still carries the address")


def offline_case(c, ns_key):
    url = "https://https.lab.test/"
    run = c.probe([url], ns=c.ctx.env[ns_key], timeout=90)
    c.eq(run.rc, 5, "exit code (probe offline)")
    c.expect(run.elapsed < 60, "offline run took %.1f s (limit 60 s)" % run.elapsed)
    msg = run.stderr + run.stdout
    c.expect(re.search(r"network", msg, re.I) and re.search(r"unavailable", msg, re.I),
             "no message saying the network is unavailable (stderr: %r)" % msg.strip()[-400:])
    for rec in run.records:
        for k, v in walk(rec):
            c.expect(not (k == "verdict" and v == "blocked"), "a record says verdict blocked")
            c.expect(not (k == "blocking" and isinstance(v, str)),
                     "a record says blocking=%r" % v)


def case_offline_nolink(c):
    offline_case(c, "NS_OFFLINE")


def case_offline_blackhole(c):
    offline_case(c, "NS_DARK")


def case_batch(c):
    urls = ["http://http.lab.test/", "https://https.lab.test/",
            "https://nxdomain.lab.test/", "https://refused.lab.test/"]
    csv_path = os.path.join(c.ctx.workdir, "batch.csv")
    with open(csv_path, "w") as f:
        f.write("url,category_code,category_description,date_added,source,notes\n")
        for u in urls:
            f.write("%s,MISC,Miscellaneous content,2025-01-01,accessprobe lab,\n" % u)
    run = c.probe([], extra=["-f", csv_path, "-p", "4"])
    c.eq(run.rc, 0, "exit code")
    c.eq(len(run.records), len(urls), "number of records")
    c.eq(sorted(r.get("input") for r in run.records if isinstance(r, dict)), sorted(urls),
         "inputs")
    by = {r.get("input"): r for r in run.records if isinstance(r, dict)}
    if urls[0] in by:
        c.eq(resp(req(by[urls[0]])).get("code"), 200, "http.lab.test code")
    if urls[1] in by:
        c.eq(tk(by[urls[1]]).get("x_title"), "Lab HTTPS site", "https.lab.test x_title")
    if urls[2] in by:
        c.eq(tk(by[urls[2]]).get("dns_experiment_failure"), "dns_nxdomain_error",
             "nxdomain dns_experiment_failure")
    if urls[3] in by:
        f = [status(t).get("failure") for t in tcp_to(by[urls[3]], "198.19.0.20", 443)]
        c.expect(f and all(x == "connection_refused" for x in f),
                 "refused tcp_connect failures %r" % f)


def case_all_at_once(c):
    """Every one-URL case in a single run, all in flight together: a dripping,
    endless or silent server must not disturb the other measurements."""
    urls = [u for u, _ in SINGLE.values()]
    run = c.probe(urls, extra=["-p", str(len(urls))])
    c.eq(run.rc, 0, "exit code")
    c.eq(len(run.records), len(urls), "number of records")
    for name, (url, check) in sorted(SINGLE.items()):
        c.prefix = "[%s] " % name
        recs = run.record_for(url)
        c.eq(len(recs), 1, "number of records with input %s" % url)
        if recs:
            c.common(recs[0], url)
            check(c, run, recs[0], url)
    c.prefix = ""


# ------------------------------------------------------------ scenarios --
#
# The censor (isp namespace) against the probe, with the control helper in
# world. Each scenario (site, the censor's means, what the record must say)
# is one entry of the table in scenarios.py; lab.scenario_<name> measures
# its URL with the control and checks `want`, then what the means leaves
# in the record (the checks below, by scenario name).

SCENARIO_STEP_MS = 2000
Want = scenarios.Want
CHECKS = {}  # scenario name -> check(c, rec, scenario)


def checks(name):
    def deco(fn):
        if name not in scenarios.BY_NAME:
            raise SystemExit("run_case.py: checks for %r, which scenarios.py does not list"
                             % name)
        CHECKS[name] = fn
        return fn
    return deco


def xa(rec):
    v = tk(rec).get("x_analysis")
    return v if isinstance(v, dict) else {}


def check_want(c, rec, want):
    a = xa(rec)
    c.eq(a.get("verdict"), want.verdict, "x_analysis.verdict")
    c.eq(a.get("method"), want.method, "x_analysis.method")
    c.eq(a.get("detail"), want.detail, "x_analysis.detail")
    c.eq(a.get("confirmed"), want.confirmed, "x_analysis.confirmed")
    ev = a.get("evidence")
    c.expect(isinstance(ev, list) and ev and all(isinstance(s, str) and s for s in ev),
             "x_analysis.evidence is not a non-empty list of sentences: %r" % ev)
    c.eq(tk(rec).get("blocking"), want.blocking, "blocking (OONI)")
    c.eq(tk(rec).get("accessible"), want.accessible, "accessible (OONI)")
    if want.dns is not None:
        c.eq(tk(rec).get("dns_consistency"), want.dns, "dns_consistency (OONI)")


def check_control_answered(c, rec):
    c.eq(tk(rec).get("control_failure"), None, "control_failure (the world helper must answer)")
    c.expect(isinstance(tk(rec).get("control"), dict) and tk(rec).get("control"),
             "no control reply in test_keys.control")
    c.eq(rec.get("test_helpers"), {"backend": {"address": control_url(c), "type": "http"}},
         "test_helpers (the control that answered, in OONI's shape)")


def status_blocked(c, rec, ip, port, want):
    """OONI's tcp_connect[].status.blocked: the control connected, we did not."""
    got = [status(t).get("blocked", "absent") for t in tcp_to(rec, ip, port)]
    c.expect(got and all(b is want for b in got),
             "tcp_connect[%s:%d].status.blocked %r, want %r" % (ip, port, got, want))


def check_answer_network(c, rec, host, ip):
    """The control's database names the network of the probe's DNS answer."""
    ans = [x for q in lst(rec, "queries") if isinstance(q, dict) and q.get("hostname") == host
           for x in (q.get("answers") or []) if isinstance(x, dict) and x.get("ipv4") == ip]
    c.expect(ans, "no A answer %s for %s" % (ip, host))
    for x in ans:
        c.eq(x.get("asn"), LAB_WORLD_ASN, "answer %s asn" % ip)
        c.eq(x.get("as_org_name"), LAB_WORLD_ORG, "answer %s as_org_name" % ip)


def ctl(rec, key):
    v = (tk(rec).get("control") or {}).get(key) if isinstance(tk(rec).get("control"), dict) else None
    return v if isinstance(v, dict) else {}


def decoys(rec):
    return [h for h in lst(rec, "x_decoy_tls_handshakes") if isinstance(h, dict)]


def control_url(c):
    u = c.ctx.env.get("CONTROL_URL")
    c.expect(u, "the lab has no control helper (CONTROL_URL empty in lab.env): "
             "bring it up with tests/lab/lab.sh up --helper build/probe/accessprobe")
    return u or "http://198.19.0.250/"


def sni_filtered(c, rec, host, ip, failure):
    real = [h for h in real_tls(rec) if h.get("server_name") == host]
    c.expect(real, "no real-SNI handshake with %s" % host)
    for h in real:
        c.eq(h.get("address"), "%s:443" % ip, "real handshake address")
        c.eq(h.get("failure"), failure, "real handshake failure")
    d = decoys(rec)
    c.expect(d, "no decoy-SNI handshake recorded in x_decoy_tls_handshakes")
    c.expect(all("decoy_sni" in (h.get("tags") or []) for h in d),
             "a decoy handshake without its decoy_sni tag")
    c.expect(not any(h.get("server_name") == "example.com" for h in real_tls(rec)),
             "the decoy name in tls_handshakes")
    c.expect(any(h.get("address") == "%s:443" % ip and h.get("server_name") == "example.com"
                 for h in d), "no decoy handshake with SNI example.com to %s:443: %r"
             % (ip, [(h.get("address"), h.get("server_name")) for h in d]))
    c.expect(any(h.get("failure") in (None, "ssl_invalid_hostname", "ssl_unknown_authority",
                                      "ssl_invalid_certificate") for h in d),
             "no decoy handshake completed: %r" % [h.get("failure") for h in d])
    conns = tcp_to(rec, ip, 443)
    c.expect(conns and all(status(t).get("success") is True for t in conns),
             "tcp_connect to %s:443 did not succeed: %r" % (ip, conns))
    c.eq(ctl(rec, "tls_handshake").get("%s:443" % ip, {}).get("status"), True,
         "the control's handshake with %s:443" % ip)
    no_http_response(c, rec)


@checks("reachable")
def sc_reachable(c, rec, s):
    check_control_answered(c, rec)
    c.eq(resp(req(rec)).get("code"), 200, "response code")
    status_blocked(c, rec, s.ip, 443, False)
    check_answer_network(c, rec, s.host, s.ip)
    c.eq(tk(rec).get("x_title"), "Scenario site open", "x_title")


@checks("sni_drop")
def sc_sni_drop(c, rec, s):
    check_control_answered(c, rec)
    sni_filtered(c, rec, s.host, s.ip, "generic_timeout_error")


@checks("sni_reset")
def sc_sni_reset(c, rec, s):
    check_control_answered(c, rec)
    sni_filtered(c, rec, s.host, s.ip, "connection_reset")


def tcp_blocked(c, rec, s, failure):
    check_control_answered(c, rec)
    f = [status(t).get("failure") for t in tcp_to(rec, s.ip, 443)]
    c.expect(f and all(x == failure for x in f), "tcp_connect failures %r" % f)
    c.eq(ctl(rec, "tcp_connect").get("%s:443" % s.ip, {}).get("status"), True,
         "the control's connect to %s:443" % s.ip)
    status_blocked(c, rec, s.ip, 443, True)


@checks("ip_blackhole")
def sc_ip_blackhole(c, rec, s):
    tcp_blocked(c, rec, s, "generic_timeout_error")


@checks("tcp_reset")
def sc_tcp_reset(c, rec, s):
    tcp_blocked(c, rec, s, "connection_refused")


@checks("dns_nxdomain")
def sc_dns_nxdomain(c, rec, s):
    check_control_answered(c, rec)
    c.eq(tk(rec).get("dns_experiment_failure"), "dns_nxdomain_error", "dns_experiment_failure")
    c.expect(s.ip in (ctl(rec, "dns").get("addrs") or []),
             "the control did not resolve %s to %s: %r" % (s.host, s.ip, ctl(rec, "dns")))


def check_censor_redirect(c, rec, who):
    """The censor's answer: a 302 to qca.kz carrying the blockpage (the
    first request; the hop to qca.kz goes nowhere in the lab)."""
    first = [r for r in lst(rec, "requests") if isinstance(r, dict)][-1:]
    r = resp(first[0]) if first else {}
    b, _ = body_bytes(r.get("body"))
    c.eq(r.get("code"), 302, "%s answer's status" % who)
    c.expect(str((r.get("headers") or {}).get("Location", "")).startswith(
        "http://qca.kz/"), "%s answer does not redirect to qca.kz: %r" %
        (who, r.get("headers")))
    c.expect(b and "Страница заблокирована".encode() in b,
             "%s blockpage is not the body" % who)


@checks("dns_blockpage")
def sc_dns_blockpage(c, rec, s):
    check_control_answered(c, rec)
    check_dns_ok(c, rec, s.host, "198.18.3.10")   # the censor's blockpage server
    check_censor_redirect(c, rec, "the blockpage server's")


@checks("http_blockpage")
def sc_http_blockpage(c, rec, s):
    check_control_answered(c, rec)
    check_dns_ok(c, rec, s.host, s.ip)
    check_censor_redirect(c, rec, "the injected")
    c.eq(ctl(rec, "http_request").get("title"), "Scenario site inject", "the control's title")


def interception(c, rec, s):
    check_control_answered(c, rec)
    hs = [h for h in real_tls(rec) if h.get("server_name") == s.host]
    c.expect(hs, "no real-SNI handshake with %s" % s.host)
    for h in hs:
        c.eq(h.get("address"), "%s:443" % s.ip, "tls address (the site's, DNAT'd by the censor)")
        c.expect(h.get("failure") in ("ssl_unknown_authority", "ssl_invalid_certificate"),
                 "handshake failure %r, expected a verification error" % h.get("failure"))
        check_cert(c, h, "mitm-" + s.host)
        chain = h.get("peer_certificates") or []
        c.expect(len(chain) >= 2, "the national intermediate is not in the recorded chain")
    c.eq(ctl(rec, "tls_handshake").get("%s:443" % s.ip, {}).get("status"), True,
         "the control's handshake with %s:443" % s.ip)
    no_http_response(c, rec)


CHECKS["tls_interception"] = interception
CHECKS["tls_interception_expired"] = interception


@checks("down")
def sc_down(c, rec, s):
    check_control_answered(c, rec)
    c.eq(ctl(rec, "tcp_connect").get("%s:443" % s.ip, {}).get("status"), False,
         "the control's connect to %s:443" % s.ip)
    status_blocked(c, rec, s.ip, 443, False)   # dead for the control too
    c.expect(not any(k == "verdict" and v == "blocked" for k, v in walk(rec)),
             "a dead site is called blocked")


@checks("legit_diff")
def sc_legit_diff(c, rec, s):
    check_control_answered(c, rec)
    c.eq(tk(rec).get("x_title"), "Regional edition for Kazakhstan", "x_title")
    c.eq(ctl(rec, "http_request").get("title"), "International edition", "the control's title")


@checks("throttled")
def sc_throttled(c, rec, s):
    check_control_answered(c, rec)
    rs = resp(req(rec))
    c.eq(rs.get("code"), 200, "response code")
    c.eq(rs.get("body_is_truncated"), False, "body_is_truncated")
    c.expect((rs.get("x_body_length") or 0) >= 400 * 1024, "body %r bytes" % rs.get("x_body_length"))
    ev = " ".join(xa(rec).get("evidence") or [])
    c.expect("bytes/s" in ev, "no download rates in the evidence: %r" % ev)


def _scenario_case(s):
    def case(c):
        run, rec = c.one_record(s.url, extra=["--control", control_url(c)] + s.extra)
        check_want(c, rec, s.want)
        if s.name in CHECKS:
            CHECKS[s.name](c, rec, s)
    return case


def case_client_ip_echo_nat(c):
    """Behind NAT the probe cannot see its public address; the control tells
    it (x_probe_address), and it must then appear nowhere in the output."""
    public = "198.18.2.1"        # isp's world side: what sites see with NAT
    isp = c.ctx.env["NS_ISP"]
    rule = ["POSTROUTING", "-s", "198.18.1.0/24", "-d", "198.19.0.0/16",
            "-j", "MASQUERADE"]
    subprocess.run(["ip", "netns", "exec", isp, "iptables", "-t", "nat", "-A"]
                   + rule, check=True)
    try:
        run = c.probe(["http://echoip.lab.test/"],
                      extra=["--control", control_url(c)])
    finally:
        subprocess.run(["ip", "netns", "exec", isp, "iptables", "-t", "nat",
                        "-D"] + rule, check=False)
    c.eq(run.rc, 0, "exit code")
    recs = run.record_for("http://echoip.lab.test/")
    c.eq(len(recs), 1, "number of records")
    if recs:
        c.eq(resp(req(recs[0])).get("code"), 200, "response code")
        c.expect("x_probe_address" not in run.text,
                 "the control's x_probe_address was kept in the record")
    c.expect(public not in run.text,
             "the public (NAT) address %s appears in the output file" % public)
    c.expect("[scrubbed]" in run.text, "no [scrubbed] in the output file")


def case_network_from_control(c):
    """No --probe-asn/--probe-cc: the control names the network (from its
    MaxMind DB), and every record and the report_id say so; the address
    the control saw appears nowhere."""
    out = os.path.join(c.ctx.workdir, "out-network.jsonl")
    cmd = ["ip", "netns", "exec", c.ctx.env["NS_PROBE"], c.ctx.probe, "run",
           "--ca-file", c.ctx.ca, "--canaries", c.ctx.canaries,
           "--step-timeout", str(STEP_TIMEOUT_MS), "--control", control_url(c),
           "-o", out, "https://https.lab.test/", "http://http.lab.test/"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    c.eq(p.returncode, 0, "exit code (stderr: %s)" % p.stderr[-300:])
    with open(out, encoding="utf-8") as f:
        text = f.read()
    recs = [json.loads(l) for l in text.splitlines() if l.strip()]
    c.eq(len(recs), 2, "number of records")
    for r in recs:
        c.eq(r.get("probe_asn"), "AS65550", "probe_asn")
        c.eq(r.get("probe_cc"), "KZ", "probe_cc")
        c.eq(r.get("probe_network_name"), "accessprobe lab ISP",
             "probe_network_name")
        c.expect("_KZ_65550_" in r.get("report_id", ""),
                 "report_id %r does not name the network" % r.get("report_id"))
    c.expect(c.ctx.env["PROBE_IP"] not in text,
             "the probe's address appears in the output")


# Keys a record's test_keys.control may hold: the sections the probe reads
# and the helper's word on the probe's network.
CONTROL_KEPT = {"dns", "tcp_connect", "tls_handshake", "http_request", "ip_info",
                "x_timing", "x_probe_asn", "x_probe_cc", "x_probe_network_name"}


def case_control_hostile_reply(c):
    """A control whose reply is valid but hostile (badserver.py's
    /hostile-control: a 62-deep unknown key). Only what the probe reads
    enters the record, and the report counts the measurement."""
    url = "http://http.lab.test/"
    run, rec = c.one_record(url, extra=["--control", "http://headers.lab.test/hostile-control"])
    ctl = tk(rec).get("control")
    c.eq(tk(rec).get("control_failure"), None, "control_failure (the reply is valid)")
    c.expect(isinstance(ctl, dict) and ctl.get("dns") is not None,
             "no control reply in test_keys.control: %r" % (ctl,))
    if isinstance(ctl, dict):
        c.eq(sorted(set(ctl) - CONTROL_KEPT), [], "keys of the control's reply kept in the record")
    path = os.path.join(c.ctx.workdir, "hostile-control.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        f.write(run.text)
    p = subprocess.run([c.ctx.probe, "report", "-F", "json", path], capture_output=True,
                       text=True, timeout=60)
    c.eq(p.returncode, 0, "report exit code (stderr: %s)" % p.stderr[-300:])
    c.expect("nested" not in p.stderr, "the report refused the record: %s" % p.stderr[-300:])
    try:
        counts = json.loads(p.stdout)["input"]
    except (ValueError, KeyError, TypeError):
        counts = {}
    c.eq(counts.get("records"), 1, "records the report counted")
    c.eq(counts.get("malformed"), 0, "malformed lines in the report")


def case_scenario_control_unreachable(c):
    urls = [u for u, _ in scenarios.CONTROL_BLOCKED]
    run = c.probe(urls, extra=["--control", c.ctx.env["DEAD_CONTROL_URL"], "-p", str(len(urls))])
    c.eq(run.rc, 0, "exit code")
    c.expect(run.elapsed < 60, "run took %.1f s" % run.elapsed)
    for url, want in scenarios.CONTROL_BLOCKED:
        c.prefix = "[%s] " % url
        recs = run.record_for(url)
        c.eq(len(recs), 1, "number of records")
        if recs:
            c.common(recs[0], url)
            check_want(c, recs[0], want)
            c.expect(tk(recs[0]).get("control_failure"), "control_failure is empty")
            c.expect(not tk(recs[0]).get("control"), "a control reply is recorded")
    c.prefix = ""


# The uplink dies while the probe measures. The censor cuts it when the probe
# looks up the uplink_cut scenario's site (after the preflight and a few
# measurements): a canary check only counts for measurements that started
# before it, so the failure right after the cut must be re-checked and found
# offline.
def case_scenario_uplink_cut(c):
    cut = scenarios.BY_NAME["uplink_cut"]
    url, filler = cut.url, scenarios.UPLINK_FILLER
    try:
        run = c.probe(filler + [url], extra=["--control", control_url(c), "-p", "1"],
                      timeout=150)
    finally:
        subprocess.run(["bash", os.path.join(HERE, "lab.sh"), "uplink-restore"],
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
    c.eq(run.rc, 5, "exit code (the probe's network went down)")
    msg = run.stderr + run.stdout
    c.expect(re.search(r"network went down|network", msg, re.I),
             "no message about the probe's own network (stderr: %r)" % msg.strip()[-400:])
    recs = run.record_for(url)
    c.eq(len(recs), 1, "number of records with input %s" % url)
    if recs:
        c.common(recs[0], url)
        check_want(c, recs[0], cut.want)
    for rec in run.records:
        c.expect(xa(rec).get("verdict") != "blocked", "a record says blocked: %s" % rec.get("input"))
    early = [r for r in run.records if r.get("input") in filler]
    c.eq(len(early), len(filler), "records before the cut")
    c.expect(run.elapsed < 60, "run took %.1f s" % run.elapsed)


# ---------------------------------------------------- the helper, as a server --

HTTP_CLIENT = r"""
import json, sys, threading, time, urllib.request, urllib.error
spec = json.loads(sys.argv[1])
def one(r, out, i):
    data = None
    if r.get("body") is not None:
        data = r["body"].encode("utf-8")
    elif r.get("body_size"):
        data = b"{" + b" " * (r["body_size"] - 2) + b"}"
    q = urllib.request.Request(r["url"], data=data, method=r.get("method", "POST"),
                               headers={"Content-Type": "application/json"})
    t0 = time.monotonic()
    try:
        with urllib.request.urlopen(q, timeout=r.get("timeout", 30)) as f:
            out[i] = {"status": f.status, "body": f.read().decode("utf-8", "replace"),
                      "type": f.headers.get("Content-Type"),
                      "retry_after": f.headers.get("Retry-After")}
    except urllib.error.HTTPError as e:
        out[i] = {"status": e.code, "body": e.read().decode("utf-8", "replace"),
                  "type": e.headers.get("Content-Type"),
                  "retry_after": e.headers.get("Retry-After")}
    except Exception as e:
        out[i] = {"status": None, "error": repr(e)}
    out[i]["elapsed"] = time.monotonic() - t0
out = [None] * len(spec)
ts = []
for i, r in enumerate(spec):
    t = threading.Thread(target=one, args=(spec[i], out, i))
    t.start(); ts.append(t)
    if r.get("then_wait"):
        time.sleep(r["then_wait"])
for t in ts:
    t.join(60)
print(json.dumps(out))
"""


def helper_call(c, spec):
    cmd = ["ip", "netns", "exec", c.ctx.env["NS_PROBE"], sys.executable, "-c", HTTP_CLIENT,
           json.dumps(spec)]
    t0 = time.monotonic()
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=90)
    c.runs.append(Run(cmd, p.returncode, p.stdout.decode(), p.stderr.decode(),
                      time.monotonic() - t0, "", [], []))
    try:
        out = json.loads(p.stdout)
    except ValueError:
        c.expect(False, "the HTTP client printed no JSON: %r %r" % (p.stdout[-300:], p.stderr[-300:]))
        return [{}] * len(spec)
    return [o or {} for o in out]


def body_json(c, r):
    try:
        v = json.loads(r.get("body") or "")
    except ValueError:
        c.expect(False, "the answer is not JSON: %r" % (r.get("body") or "")[:200])
        return {}
    c.expect(isinstance(v, dict), "the answer is not a JSON object: %r" % v)
    return v if isinstance(v, dict) else {}


def check_error_answer(c, r, code):
    c.eq(r.get("status"), code, "HTTP status")
    c.eq((r.get("type") or "").split(";")[0], "application/json", "Content-Type")
    e = body_json(c, r).get("error")
    c.expect(isinstance(e, str) and e, "no error message in %r" % r.get("body"))


def case_helper_bad_json(c):
    r, = helper_call(c, [{"url": control_url(c), "body": "{\"http_request\": \"https://"}])
    check_error_answer(c, r, 400)
    r, = helper_call(c, [{"url": control_url(c), "body": "{\"http_request\": 42}"}])
    check_error_answer(c, r, 400)


def case_helper_too_large(c):
    r, = helper_call(c, [{"url": control_url(c), "body_size": 70 * 1024}])
    check_error_answer(c, r, 413)


def case_helper_health(c):
    r, = helper_call(c, [{"url": control_url(c), "method": "GET"}])
    c.eq(r.get("status"), 200, "HTTP status")
    v = body_json(c, r)
    c.eq(v.get("status"), "ok", "health status")
    c.expect(str(v.get("software", "")).startswith("accessprobe"), "software: %r" % v.get("software"))


def case_helper_over_capacity(c):
    """The --max-inflight 1 helper: one slow request measured, the next
    waits for its slot (then measured), a third finds no room to wait and
    gets 503 at once, with Retry-After; then it serves again."""
    url = c.ctx.env.get("CONTROL_SMALL_URL") or control_url(c)
    slow = json.dumps({"http_request": "https://silent.lab.test/", "tcp_connect": []})
    a, b, d = helper_call(c, [{"url": url, "body": slow, "then_wait": 0.3},
                              {"url": url, "body": slow, "then_wait": 0.3},
                              {"url": url, "body": slow}])
    c.eq(a.get("status"), 200, "the first slow request (measured)")
    c.eq(b.get("status"), 200, "the second slow request (waited for the slot)")
    check_error_answer(c, d, 503)
    c.expect(d.get("retry_after", "") and d["retry_after"].isdigit(),
             "503 without a Retry-After: %r" % d.get("retry_after"))
    c.expect((d.get("elapsed") or 99) < 1.5, "the 503 took %s s: not at once" % d.get("elapsed"))
    # and it serves again once the first is done
    r, = helper_call(c, [{"url": url, "body": json.dumps({"http_request": "http://http.lab.test/"})}])
    c.eq(r.get("status"), 200, "a request after the slow one")


def case_helper_valid(c):
    req_body = {"http_request": "https://https.lab.test/", "http_request_headers": {},
                "tcp_connect": ["198.19.0.11:443"]}
    r, = helper_call(c, [{"url": control_url(c), "body": json.dumps(req_body)}])
    c.eq(r.get("status"), 200, "HTTP status")
    v = body_json(c, r)
    dns = v.get("dns") or {}
    c.eq(dns.get("failure"), None, "dns.failure")
    c.expect("198.19.0.11" in (dns.get("addrs") or []), "dns.addrs %r" % dns.get("addrs"))
    t = (v.get("tcp_connect") or {}).get("198.19.0.11:443") or {}
    c.eq(t.get("status"), True, "tcp_connect[198.19.0.11:443].status")
    c.eq(t.get("failure"), None, "tcp_connect[198.19.0.11:443].failure")
    h = (v.get("tls_handshake") or {}).get("198.19.0.11:443") or {}
    c.eq(h.get("status"), True, "tls_handshake[198.19.0.11:443].status")
    c.eq(h.get("server_name"), "https.lab.test", "tls_handshake server_name")
    hr = v.get("http_request") or {}
    c.eq(hr.get("status_code"), 200, "http_request.status_code")
    c.eq(hr.get("failure"), None, "http_request.failure")
    c.expect(isinstance(hr.get("body_length"), int) and hr.get("body_length") > 0,
             "http_request.body_length %r" % hr.get("body_length"))
    c.eq(hr.get("title"), "Lab HTTPS site", "http_request.title")
    c.expect(isinstance(hr.get("headers"), dict) and hr.get("headers"), "http_request.headers")


def helper_page(c, url):
    """Asks the control about url, a page longer than the part it keeps:
    returns its http_request and the seconds the answer took."""
    body = {"http_request": url, "tcp_connect": []}
    t0 = time.monotonic()
    r, = helper_call(c, [{"url": control_url(c), "body": json.dumps(body)}])
    c.eq(r.get("status"), 200, "HTTP status")
    hr = body_json(c, r).get("http_request") or {}
    c.eq(hr.get("status_code"), 200, "http_request.status_code")
    c.eq(hr.get("failure"), None, "http_request.failure")
    c.eq(hr.get("x_body_is_truncated"), True, "x_body_is_truncated (the part kept)")
    return hr, time.monotonic() - t0


def case_helper_body_length(c):
    """A page longer than the part kept: the helper reports its real length
    (OONI clients compare it with their whole body), not the cap."""
    size = os.path.getsize(os.path.join(c.ctx.env["WWW_DIR"], "large.html"))
    c.expect(size > 512 * 1024, "the large page (%d bytes) is not over the cap" % size)
    hr, _ = helper_page(c, "http://large.lab.test/")
    c.eq(hr.get("body_length"), size, "http_request.body_length (the page's size)")
    c.eq(hr.get("title"), "Large lab page", "http_request.title")


def case_helper_body_endless(c):
    """A body that never ends is counted up to 16 MiB (as OONI's helper reads
    it), then the helper stops: the page, with a length that is a lower bound."""
    hr, _ = helper_page(c, "http://endless.lab.test/")
    n = hr.get("body_length")
    c.expect(isinstance(n, int) and 16 << 20 <= n < (16 << 20) + (1 << 20),
             "http_request.body_length %r, expected 16 MiB and at most a read more" % n)


def case_helper_body_stall(c):
    """600 KiB, then the tail never comes: counting it runs out of time (the
    helper's 2 s step), which leaves the page fetched, its length what came."""
    hr, elapsed = helper_page(c, "http://stall.lab.test/")
    c.eq(hr.get("body_length"), 600 * 1024, "http_request.body_length (the bytes that came)")
    c.expect(elapsed < 10, "the helper took %.1f s (step timeout 2 s)" % elapsed)


def case_helper_dns_failure(c):
    """A name the control cannot resolve: no GET is made, and the HTTP step
    says why (the DNS failure), as OONI's helper does."""
    body = {"http_request": "https://nxdomain.lab.test/", "tcp_connect": []}
    r, = helper_call(c, [{"url": control_url(c), "body": json.dumps(body)}])
    c.eq(r.get("status"), 200, "HTTP status")
    v = body_json(c, r)
    c.eq((v.get("dns") or {}).get("failure"), "dns_nxdomain_error", "dns.failure")
    hr = v.get("http_request") or {}
    c.eq(hr.get("failure"), "dns_nxdomain_error", "http_request.failure")
    c.eq(hr.get("body_length"), -1, "http_request.body_length")
    c.eq(hr.get("status_code"), -1, "http_request.status_code")


def _single_case(url, check):
    def case(c):
        run, rec = c.one_record(url)
        check(c, run, rec, url)
    return case


CASES = {name[5:]: fn for name, fn in globals().items()
         if name.startswith("case_") and callable(fn)}
CASES.update({name: _single_case(url, fn) for name, (url, fn) in SINGLE.items()})
CASES.update({"scenario_" + s.name: _scenario_case(s)
              for s in scenarios.SCENARIOS if s.case == "single"})
CASES = dict(sorted(CASES.items()))


class Ctx:
    pass


def main():
    ap = argparse.ArgumentParser(description="Run one lab case against accessprobe.")
    ap.add_argument("--probe", help="path to the accessprobe binary")
    ap.add_argument("--ca", help="the lab CA (PEM)")
    ap.add_argument("--canaries", default=os.path.join(HERE, "canaries.csv"))
    ap.add_argument("--list", action="store_true", help="print the case names")
    ap.add_argument("case", nargs="?")
    args = ap.parse_args()
    if args.list:
        print(";".join(CASES))
        return 0
    if args.case not in CASES:
        ap.error("unknown case %r; cases: %s" % (args.case, ", ".join(CASES)))
    if not args.probe:
        ap.error("--probe is required")
    if os.geteuid() != 0:
        skip_or_fail("the lab needs root (network namespaces)")
    if shutil.which("ip") is None:
        skip_or_fail("no 'ip' command (iproute2): cannot use network namespaces")
    try:
        ns_ok = subprocess.run(["unshare", "--net", "true"], stdin=subprocess.DEVNULL,
                               capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        ns_ok = False
    if not ns_ok:
        skip_or_fail("network namespaces are unavailable (unshare --net failed)")
    ctx = Ctx()
    ctx.env = load_lab_env()
    ctx.probe = os.path.abspath(args.probe)
    if not os.access(ctx.probe, os.X_OK):
        print("FAIL: probe binary %s is missing or not executable" % ctx.probe, file=sys.stderr)
        return 1
    ctx.ca = os.path.abspath(args.ca or ctx.env["CA_FILE"])
    if not os.path.isfile(ctx.ca):
        print("FAIL: lab CA %s is missing (is the lab up?)" % ctx.ca, file=sys.stderr)
        return 1
    ctx.canaries = os.path.abspath(args.canaries)
    ctx.workdir = tempfile.mkdtemp(prefix="aplab-case-%s-" % args.case)
    return run_checks(Case(ctx, args.case), CASES[args.case], ctx.workdir)


if __name__ == "__main__":
    sys.exit(main())

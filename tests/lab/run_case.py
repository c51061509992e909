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

HERE = os.path.dirname(os.path.abspath(__file__))
EXIT_SKIP = 77
STEP_TIMEOUT_MS = 2000
RUN_TIMEOUT_S = 120
PROBE_ASN = "AS65550"
PROBE_CC = "KZ"
BODY_CAP = 512 * 1024

IN_CI = os.environ.get("CI") == "true"


# ------------------------------------------------------------ utilities --

def skip_or_fail(msg):
    if IN_CI:
        print("FAIL (CI=true, the lab tests must run): %s" % msg, file=sys.stderr)
        sys.exit(1)
    print("SKIP: %s" % msg, file=sys.stderr)
    sys.exit(EXIT_SKIP)


def load_lab_env():
    prefix = os.environ.get("LAB_PREFIX", "aplab-")
    default_dir = "/tmp/aplab-state" if prefix == "aplab-" else "/tmp/%sstate" % prefix
    lab_dir = os.environ.get("LAB_DIR", default_dir).rstrip("/")
    path = os.path.join(lab_dir, "lab.env")
    env = {}
    try:
        with open(path) as f:
            for line in f:
                k, sep, v = line.strip().partition("=")
                if sep:
                    env[k] = v
    except OSError as e:
        raise SystemExit("FAIL: the lab is not up (%s: %s); run tests/lab/lab.sh up "
                         "with LAB_PREFIX=%s" % (path, e.strerror, prefix))
    if not os.path.exists("/run/netns/" + env.get("NS_PROBE", "?")):
        raise SystemExit("FAIL: lab state exists but namespace %s does not; "
                         "run tests/lab/lab.sh up" % env.get("NS_PROBE"))
    return env


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


class Case:
    """One case: runs the probe, collects every failed expectation."""

    def __init__(self, ctx, name):
        self.ctx, self.name = ctx, name
        self.problems = []
        self.runs = []
        self.prefix = ""

    # -- expectations (all are checked; the case fails if any is false) --
    def expect(self, cond, what):
        if not cond:
            self.problems.append(self.prefix + what)
        return bool(cond)

    def eq(self, actual, expected, what):
        return self.expect(actual == expected, "%s: expected %r, got %r" % (what, expected, actual))

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
    """TLS handshakes with the real SNI (decoy handshakes left out)."""
    return [h for h in lst(rec, "tls_handshakes")
            if isinstance(h, dict) and "decoy_sni" not in (h.get("tags") or [])]


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


def single(url):
    """Registers a one-URL case: the probe measures url alone, check() judges
    its record. all_at_once applies the same checks to one concurrent run."""
    def deco(fn):
        SINGLE[fn.__name__[len("check_"):]] = (url, fn)
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


@single("http://drip.lab.test/")
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


@single("http://endless.lab.test/")
def check_endless(c, run, rec, url):
    rs = resp(req(rec))
    c.eq(rs.get("code"), 200, "response code")
    c.eq(rs.get("body_is_truncated"), True, "body_is_truncated")
    c.eq(rs.get("x_body_length"), BODY_CAP, "x_body_length")
    b, _ = body_bytes(rs.get("body"))
    c.expect(b is not None and len(b) == BODY_CAP,
             "recorded body length %r, expected %d" % (None if b is None else len(b), BODY_CAP))
    c.expect(run.elapsed < 30, "run took %.1f s" % run.elapsed)


@single("http://headers.lab.test/")
def check_header_flood(c, run, rec, url):
    lines = run.text.splitlines()
    c.expect(all(len(l) < (1 << 20) for l in lines),
             "a record line is %d bytes (headers not capped)" % max([len(l) for l in lines] or [0]))
    r = req(rec)
    seen = [r.get("failure"), tk(rec).get("http_experiment_failure")]
    c.expect(any(seen), "~500 KB of response headers produced no failure (saw %r)" % seen)
    hl = resp(r).get("headers_list") or []
    c.expect(len(json.dumps(hl)) <= 300 * 1024,
             "headers_list holds %d bytes of JSON (over the 300 KiB cap)" % len(json.dumps(hl)))
    c.expect(run.elapsed < 30, "run took %.1f s" % run.elapsed)


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


def _single_case(url, check):
    def case(c):
        run, rec = c.one_record(url)
        check(c, run, rec, url)
    return case


CASES = {name[5:]: fn for name, fn in globals().items()
         if name.startswith("case_") and callable(fn)}
CASES.update({name: _single_case(url, fn) for name, (url, fn) in SINGLE.items()})
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
    case = Case(ctx, args.case)
    try:
        CASES[args.case](case)
    except Exception as e:  # a crash in the checks is a failure with context
        import traceback
        case.problems.append("driver error: %s\n%s" % (e, traceback.format_exc()))
    rc = case.report()
    if rc == 0:
        shutil.rmtree(ctx.workdir, ignore_errors=True)
    return rc


if __name__ == "__main__":
    sys.exit(main())

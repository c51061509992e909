#!/usr/bin/env python3
"""hostile.py: our public server (`accessprobe helper`) against a hostile
client, in the censorship lab.

    hostile.py --probe PATH/accessprobe CASE
    hostile.py --list

Each case starts its own helpers in the lab's ctl namespace (on the
addresses lab.sh keeps for this suite, 198.19.0.60-.63) with the flags it
needs, attacks them from the probe namespace (hostile_client.py, two client
addresses: 198.18.1.2 and .3), stops them with SIGTERM and checks that they
exit cleanly: status 0 and no sanitizer report (under the ASan build that
includes LeakSanitizer's check at exit). The figures a case measured are
printed with its result.

The lab must be up (lab.sh up); LAB_PREFIX and LAB_DIR select it. Exit
status: 0 pass, 1 fail, 77 skip (only outside CI). Every wait is bounded,
and all traffic stays inside the lab's namespaces.
"""

import argparse
import ipaddress
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from labutil import Checks, load_lab_env, run_checks  # noqa: E402  (next to this script)
import labutil  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
CLIENT = os.path.join(HERE, "hostile_client.py")
REFUSED = "address_refused_by_policy"
SANITIZER = re.compile(r"AddressSanitizer|LeakSanitizer|runtime error:|UndefinedBehavior")


class Helper:
    """One `accessprobe helper` in ctl, started and stopped by a case."""

    def __init__(self, case, ip, flags):
        ctx = case.ctx
        self.case, self.ip, self.addr = case, ip, "%s:80" % ip
        self.log = os.path.join(ctx.workdir, "helper-%s.log" % ip)
        self.cmd = (["ip", "netns", "exec", ctx.env["NS_CTL"], ctx.probe, "helper",
                     "--listen", self.addr, "--ca-file", ctx.ca, "--step-timeout", "2000"]
                    + list(flags))
        self.err = open(self.log, "w+")
        self.p = subprocess.Popen(self.cmd, stdin=subprocess.DEVNULL,
                                  stdout=subprocess.DEVNULL, stderr=self.err)
        self.stats = {}
        case.helpers.append(self)

    def wait_ready(self):
        """True once it answers a GET from the probe namespace (20 s)."""
        code = ("import socket,sys,time\n"
                "t=time.monotonic()\n"
                "while time.monotonic()-t<20:\n"
                "  try:\n"
                "    s=socket.create_connection(('%s',80),1)\n"
                "    s.sendall(b'GET / HTTP/1.1\\r\\nHost: h\\r\\nConnection: close\\r\\n\\r\\n')\n"
                "    s.settimeout(2)\n"
                "    if s.recv(12).startswith(b'HTTP/1.1 200'): sys.exit(0)\n"
                "  except OSError: pass\n"
                "  time.sleep(0.1)\n"
                "sys.exit(1)\n" % self.ip)
        ok = subprocess.run(["ip", "netns", "exec", self.case.ctx.env["NS_PROBE"],
                             sys.executable, "-c", code], timeout=40).returncode == 0
        return self.case.expect(ok, "helper %s never answered (log %s)" % (self.ip, self.log))

    def rss_kib(self):
        try:
            with open("/proc/%d/status" % self.p.pid) as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        except OSError:
            pass
        return None

    def sanitized(self):
        """True when it runs under AddressSanitizer (its RSS is then no
        measure of leaks: the quarantine keeps freed memory)."""
        try:
            with open("/proc/%d/maps" % self.p.pid) as f:
                return "libasan" in f.read()
        except OSError:
            return False

    def stop(self):
        """SIGTERM; it must exit 0 within 20 s with no sanitizer report.
        Its closing log line gives the figures (self.stats)."""
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
        try:
            rc = self.p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.p.kill()
            rc = self.p.wait(timeout=10)
            self.case.expect(False, "helper %s ignored SIGTERM for 20 s" % self.ip)
        self.err.seek(0)
        text = self.err.read()
        self.err.close()
        self.case.eq(rc, 0, "helper %s exit status" % self.ip)
        bad = [ln for ln in text.splitlines() if SANITIZER.search(ln)]
        self.case.expect(not bad, "helper %s: sanitizer report: %s" % (self.ip, bad[:5]))
        m = re.search(r"stopping after (\d+) measurements \((\d+) requests; refused: "
                      r"(\d+) for capacity, (\d+) connections; closed: (\d+) too slow, "
                      r"(\d+) for room; (\d+) clients left", text)
        if self.case.expect(m, "helper %s: no closing log line in %r" % (self.ip, text[-500:])):
            keys = ["measured", "requests", "busy", "refused_conns", "timed_out", "evicted",
                    "gone"]
            self.stats = dict(zip(keys, map(int, m.groups())))
        return self.stats


class Case(Checks):
    def __init__(self, ctx, name):
        self.ctx, self.name = ctx, name
        self.problems, self.figures, self.helpers = [], [], []
        self.prefix = ""

    def helper(self, index, flags=()):
        h = Helper(self, self.ctx.hostile_ips[index], flags)
        h.wait_ready()
        return h

    def client(self, attack, args, timeout=120):
        """Runs one attack of hostile_client.py in the probe namespace."""
        cmd = ["ip", "netns", "exec", self.ctx.env["NS_PROBE"], sys.executable, CLIENT,
               attack, json.dumps(args)]
        try:
            p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                               text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            self.expect(False, "attack %s did not end within %d s" % (attack, timeout))
            return {}
        try:
            return json.loads(p.stdout)
        except ValueError:
            self.expect(False, "attack %s printed no JSON (exit %s): %s %s"
                        % (attack, p.returncode, p.stdout[-500:], p.stderr[-1500:]))
            return {}

    def figure(self, text):
        self.figures.append(text)

    def finish(self):
        for h in self.helpers:
            if h.p.returncode is None:
                h.stop()

    def report(self):
        for f in self.figures:
            print("  figure: %s" % f)
        if self.verdict("lab." + self.name):
            return 0
        for h in self.helpers:
            print("  helper: %s (log %s)" % (" ".join(h.cmd), h.log))
        print("  (work dir kept: %s)" % self.ctx.workdir)
        return 1


def json_of(r):
    try:
        v = json.loads(r.get("body") or "")
    except (ValueError, AttributeError):
        return {}
    return v if isinstance(v, dict) else {}


def check_503(c, r, what, fast=1.0):
    """A clean refusal: 503 at once, JSON with an error, Retry-After."""
    c.eq(r.get("status"), 503, "%s: status" % what)
    h = r.get("headers") or {}
    c.expect((h.get("retry-after") or "").isdigit(),
             "%s: no Retry-After (%r)" % (what, h.get("retry-after")))
    c.expect(json_of(r).get("error"), "%s: no error in %r" % (what, r.get("body")))
    c.expect((r.get("elapsed") or 99) < fast, "%s: took %.2f s, not at once"
             % (what, r.get("elapsed") or 99))


# ---------------------------------------------------------------- cases --

def case_hostile_limit_trip(c):
    """Connections up to the cap, then closed: the server is never deaf.
    Default caps behind a proxy (144 from one address), then
    --max-inflight 1 (18: 9 from each of two addresses)."""
    env = c.ctx.env
    h = c.helper(0, ["--trust-forwarded-for"])
    out = c.client("limit_trip", {"helper": h.addr, "n": 144, "srcs": [env["PROBE_IP"]],
                                  "evict": 2.5})
    check_503(c, out.get("at_cap") or {}, "a request at the cap (144 idle)")
    c.expect(out.get("recovery", 99) < 1.0, "service %.2f s after the idle connections "
             "closed (tries %r): not within a second" % (out.get("recovery", 99),
                                                          out.get("recovery_tries")))
    after = out.get("after_idle") or {}
    c.eq(after.get("status"), 200, "a request when the cap is full of connections idle "
         "for 2.5 s (one makes room)")
    c.expect((after.get("elapsed") or 99) < 1.0, "that request took %.2f s"
             % (after.get("elapsed") or 99))
    c.figure("default caps: 503 at the cap in %.3f s; served %.3f s after 144 idle "
             "connections closed; at a cap of idle ones served in %.3f s"
             % ((out.get("at_cap") or {}).get("elapsed", -1), out.get("recovery", -1),
                after.get("elapsed", -1)))
    s = h.stop()
    c.expect(s.get("refused_conns", 0) >= 1 and s.get("evicted", 0) >= 1,
             "the helper counted no refusal or no eviction: %r" % s)

    h = c.helper(1, ["--max-inflight", "1"])
    out = c.client("limit_trip", {"helper": h.addr, "n": 18,
                                  "srcs": [env["PROBE_IP"], env["PROBE_IP2"]]})
    check_503(c, out.get("at_cap") or {}, "a request at the cap (--max-inflight 1: 18)")
    c.expect(out.get("recovery", 99) < 1.0, "--max-inflight 1: service %.2f s after the "
             "idle connections closed" % out.get("recovery", 99))
    c.figure("--max-inflight 1: served %.3f s after 18 idle connections closed"
             % out.get("recovery", -1))
    h.stop()


def slowloris(c, h, real_src, real_headers, real_delay):
    env = c.ctx.env
    out = c.client("slowloris", {
        "helper": h.addr, "n": 500, "src": env["PROBE_IP"], "drip": 2.0, "duration": 14,
        "real_src": real_src, "real_url": "http://http.lab.test/",
        "real_headers": real_headers, "real_delay": real_delay, "real_every": 1.0})
    real = out.get("real") or []
    slow = out.get("slow") or {}
    c.expect(len(real) >= 7, "only %d real requests were made" % len(real))
    bad = [r for r in real if r.get("status") != 200]
    c.expect(not bad, "real requests not served during slowloris: %r" % bad)
    worst = max([r.get("elapsed", 99) for r in real] or [99])
    c.expect(worst < 3.0, "a real request took %.2f s during slowloris" % worst)
    c.eq(slow.get("still_open"), 0, "slow connections the server left open after 14 s")
    c.eq(slow.get("connect_failed"), 0, "slow connections that could not connect")
    return real, slow, worst


def case_hostile_slowloris(c):
    """500 connections from one address dripping a byte of their request
    head every 2 s for 14 s, default flags: the address's share is taken at
    once, the rest refused at once, the slow ones closed at the 10 s
    deadline; another client is served throughout."""
    h = c.helper(0, ["--allow-bogons"])
    real, slow, worst = slowloris(c, h, c.ctx.env["PROBE_IP2"], {}, 1.0)
    c.expect(slow.get("refused_at_once", 0) >= 400, "only %s slow connections refused at "
             "once (the address's share is 72)" % slow.get("refused_at_once"))
    c.expect(slow.get("closed_by_server", 0) >= 1 and
             (slow.get("closed_after_max") or 99) < 12.5,
             "slow connections not closed by their deadline: %r" % slow)
    c.figure("slowloris (500 from one address): %d/%d real requests served, slowest "
             "%.2f s; %s refused at once, %s closed after %s-%s s"
             % (len([r for r in real if r.get("status") == 200]), len(real), worst,
                slow.get("refused_at_once"), slow.get("closed_by_server"),
                slow.get("closed_after_min"), slow.get("closed_after_max")))
    s = h.stop()
    c.expect(s.get("timed_out", 0) >= 1, "the helper counted no slow connection: %r" % s)


def case_hostile_slowloris_proxy(c):
    """The same behind a proxy (--trust-forwarded-for: no per-address cap,
    the slow connections fill all 144): a real request finds room by
    replacing the oldest slow one."""
    h = c.helper(1, ["--allow-bogons", "--trust-forwarded-for"])
    real, slow, worst = slowloris(c, h, c.ctx.env["PROBE_IP"],
                                  {"X-Forwarded-For": "203.0.113.5"}, 3.0)
    c.figure("slowloris behind a proxy (500, cap 144): %d/%d real requests served, "
             "slowest %.2f s; %s refused at once, %s closed by the server"
             % (len([r for r in real if r.get("status") == 200]), len(real), worst,
                slow.get("refused_at_once"), slow.get("closed_by_server")))
    s = h.stop()
    c.expect(s.get("evicted", 0) >= 1, "no slow connection made room: %r" % s)


def case_hostile_abandoned(c):
    """--max-inflight 4: a client asks for 8 slow measurements and leaves
    after 0.3 s; another client is served within 2 s (the abandoned ones
    were cancelled). Then the first holds 4 slow ones: it gets at most 3
    slots, the other client the fourth."""
    env = c.ctx.env
    h = c.helper(2, ["--allow-bogons", "--max-inflight", "4"])
    out = c.client("abandon", {
        "helper": h.addr, "n": 8, "src": env["PROBE_IP"], "victim": env["PROBE_IP2"],
        "slow_url": "https://silent.lab.test/", "fast_url": "http://http.lab.test/",
        "abandon_after": 0.3, "then_wait": 1.0, "hold": 4})
    for key, what in (("victim", "after 8 abandoned slow requests"),
                      ("victim_while_held", "while the other client holds 4 slow ones")):
        r = out.get(key) or {}
        c.eq(r.get("status"), 200, "another client's request %s" % what)
        c.expect((r.get("elapsed") or 99) < 2.0, "another client's request %s took "
                 "%.2f s" % (what, r.get("elapsed") or 99))
    held = out.get("held") or []
    ok = [r for r in held if r and r.get("status") == 200]
    c.expect(len(ok) >= 3, "the holding client's own slow requests: %r"
             % [r and r.get("status") for r in held])
    for r in held:
        if r and r.get("status") == 503:
            check_503(c, r, "the holding client's 4th request", fast=7)
    c.figure("abandoned: the other client served in %.2f s; while 4 slow held, in %.2f s"
             % ((out.get("victim") or {}).get("elapsed", -1),
                (out.get("victim_while_held") or {}).get("elapsed", -1)))
    s = h.stop()
    c.expect(s.get("gone", 0) >= 3, "the helper noticed no client leaving: %r" % s)


def raw(method_line, headers, body=""):
    return method_line + "\r\n" + "".join("%s: %s\r\n" % kv for kv in headers) + "\r\n" + body


def case_hostile_http(c):
    """Oversized, smuggled and odd requests: each answered at once and
    correctly, never served as two, never dropped without an answer."""
    h = c.helper(3)
    host = [("Host", "h")]
    big = 100 * 1024 * 1024
    reqs = {
        "expect_huge": {"raw": raw("POST / HTTP/1.1", host + [
            ("Content-Length", big), ("Expect", "100-continue")])},
        "huge_streamed": {"raw": raw("POST / HTTP/1.1", host + [("Content-Length", big)]),
                          "stream_body": big},
        "two_lengths": {"raw": raw("POST / HTTP/1.1", host + [
            ("Content-Length", 2), ("Content-Length", 33)],
            "{}GET / HTTP/1.1\r\nHost: h\r\n\r\n"), "all": True},
        "equal_lengths": {"raw": raw("POST / HTTP/1.1", host + [
            ("Content-Length", 2), ("Content-Length", 2)], "{}")},
        "length_and_chunked": {"raw": raw("POST / HTTP/1.1", host + [
            ("Content-Length", 5), ("Transfer-Encoding", "chunked")], "0\r\n\r\n")},
        "chunked": {"raw": raw("POST / HTTP/1.1", host + [("Transfer-Encoding", "chunked")],
                               "2\r\n{}\r\n0\r\n\r\n")},
        "put": {"raw": raw("PUT / HTTP/1.1", host + [("Content-Length", 2)], "{}")},
        "delete": {"raw": raw("DELETE / HTTP/1.1", host)},
        "get_with_body": {"raw": raw("GET / HTTP/1.1", host + [("Content-Length", 4)],
                                     "abcd")},
        "no_host": {"raw": raw("GET / HTTP/1.1", [])},
        "two_hosts": {"raw": raw("GET / HTTP/1.1", host + host)},
        "http10_no_host": {"raw": raw("GET / HTTP/1.0", [])},
        "pipelined": {"raw": raw("GET / HTTP/1.1", host) + raw("GET / HTTP/1.1", host +
                      [("Connection", "close")]), "all": True},
        "big_header": {"raw": raw("GET / HTTP/1.1", host + [("X-Big", "a" * 40000)])},
        "garbage": {"raw": "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + "\x00" * 64},
        "bad_length": {"raw": raw("POST / HTTP/1.1", host + [("Content-Length", "5, 5")],
                                  "{}{}{")},
    }
    out = c.client("raw", {"helper": h.addr, "requests": reqs})
    r = out.get("expect_huge") or {}
    c.eq(r.get("status"), 413, "100 MB with Expect: 100-continue: status")
    c.eq(r.get("interim"), [], "100 MB with Expect: 100-continue: interim answers")
    c.expect((r.get("elapsed") or 99) < 1.0, "the early 413 took %.2f s"
             % (r.get("elapsed") or 99))
    r = out.get("huge_streamed") or {}
    c.expect((r.get("first_line") or "").startswith("HTTP/1.1 413"),
             "100 MB body: first line %r" % r.get("first_line"))
    c.expect(r.get("sent", big) < 16 * 1024 * 1024, "100 MB body: %s bytes went out before "
             "the 413 (read, not refused)" % r.get("sent"))
    c.figure("100 MB POST: 413 after %.2f s with %.1f MiB sent (socket buffers); with "
             "Expect: 413 in %.3f s, no 100 Continue"
             % (r.get("elapsed", -1), r.get("sent", 0) / 1048576.0,
                (out.get("expect_huge") or {}).get("elapsed", -1)))
    r = out.get("two_lengths") or {}
    c.eq(r.get("status"), 400, "two different Content-Lengths: status")
    c.eq(len(r.get("responses") or []), 1, "two different Content-Lengths: answers on the "
         "connection (the smuggled GET must not be served): %r" % r.get("responses"))
    for name in ("equal_lengths", "length_and_chunked", "no_host", "two_hosts",
                 "bad_length"):
        c.eq((out.get(name) or {}).get("status"), 400, "%s: status" % name)
    c.eq((out.get("chunked") or {}).get("status"), 411, "chunked body: status")
    for name in ("put", "delete"):
        r = out.get(name) or {}
        c.eq(r.get("status"), 405, "%s: status" % name)
        c.eq((r.get("headers") or {}).get("allow"), "GET, HEAD, POST", "%s: Allow" % name)
    for name in ("get_with_body", "http10_no_host"):
        r = out.get(name) or {}
        c.eq(r.get("status"), 200, "%s: status" % name)
        c.eq(json_of(r).get("status"), "ok", "%s: the health answer" % name)
    r = out.get("pipelined") or {}
    c.eq([s.split(" ")[1] for s in r.get("responses") or []], ["200", "200"],
         "two pipelined GETs: answers")
    c.expect((out.get("big_header") or {}).get("status") in (None, 400, 413, 431),
             "a 40 KB header: %r" % (out.get("big_header") or {}).get("status"))
    c.expect((out.get("garbage") or {}).get("status") in (None, 400),
             "TLS bytes on plain HTTP: %r" % (out.get("garbage") or {}).get("status"))
    ours = [n for n in ("expect_huge", "two_lengths", "equal_lengths", "length_and_chunked",
                        "chunked", "put", "delete", "get_with_body", "no_host", "two_hosts",
                        "http10_no_host")]
    for name in ours:
        hd = (out.get(name) or {}).get("headers") or {}
        c.eq(hd.get("cache-control"), "no-store", "%s: Cache-Control" % name)
        c.eq((hd.get("content-type") or "").split(";")[0], "application/json",
             "%s: Content-Type" % name)
        c.expect(json_of(out.get(name) or {}), "%s: not a JSON answer" % name)
    h.stop()


# Where a control must never connect, and a listener there (ns, address,
# port) that must see nothing. {self}/{lan}/... are filled from lab.env.
LISTENERS = [
    ("NS_CTL", "127.0.0.1", 80), ("NS_CTL", "127.0.0.1", 81), ("NS_CTL", "::1", 80),
    ("NS_CTL", "{ctl}", 80), ("NS_CTL", "{self0}", 81), ("NS_CTL", "{self1}", 81),
    ("NS_CTL", "169.254.169.254", 80),
    ("NS_WORLD", "{lan}", 80),
    ("NS_PROBE", "{client}", 80),
]

SENTINEL = r"""
import json, select, socket, sys, time
socks, unbound = [], []
for host, port in json.loads(sys.argv[1]):
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind((host, port)); s.listen(64); s.setblocking(False)
        socks.append((s, "%s:%d" % (host, port)))
    except OSError as e:
        unbound.append("%s:%d %s" % (host, port, e)); s.close()
print(json.dumps({"ready": True, "unbound": unbound}), flush=True)
seen = {}
deadline = time.monotonic() + float(sys.argv[2])
while time.monotonic() < deadline:
    r, _, _ = select.select([s for s, _ in socks] + [sys.stdin], [], [], 0.2)
    for s in r:
        if s is sys.stdin:
            deadline = 0
            continue
        name = dict((id(a), b) for a, b in socks)[id(s)]
        try:
            conn, _ = s.accept(); conn.close()
            seen[name] = seen.get(name, 0) + 1
        except OSError:
            pass
print(json.dumps({"seen": seen}), flush=True)
"""


def start_listeners(c, where):
    """One sentinel per namespace; returns [(ns, process, unbound)]."""
    out = []
    by_ns = {}
    for ns, host, port in where:
        by_ns.setdefault(ns, []).append((host, port))
    for ns, addrs in by_ns.items():
        p = subprocess.Popen(["ip", "netns", "exec", c.ctx.env[ns], sys.executable, "-c",
                              SENTINEL, json.dumps(addrs), "300"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        first = json.loads(p.stdout.readline() or "{}")
        c.expect(first.get("ready"), "listener in %s did not start" % ns)
        out.append((ns, p, first.get("unbound") or []))
    return out


def stop_listeners(c, listeners):
    seen = {}
    for ns, p, unbound in listeners:
        try:
            text, _ = p.communicate(input="", timeout=15)
        except subprocess.TimeoutExpired:
            p.kill()
            text, _ = p.communicate()
        last = (text or "").strip().splitlines()[-1:] or ["{}"]
        got = json.loads(last[0]).get("seen")
        c.expect(got is not None, "listener in %s gave no count" % ns)
        for k, v in (got or {}).items():
            seen["%s %s" % (ns, k)] = v
        # ::1 needs IPv6 in the namespace; every other address must be watched
        c.expect(all(u.startswith("::1:") for u in unbound),
                 "listeners that could not bind in %s: %r" % (ns, unbound))
    return seen


def six_to_four(ipv4):
    """The 6to4 address (2002::/16) that carries ipv4, as the helper
    writes it."""
    v4 = ipaddress.IPv4Address(ipv4).packed
    return str(ipaddress.IPv6Address(b"\x20\x02" + v4 + bytes(10)))


def case_hostile_ssrf(c):
    """Asked by a client, a control connects to no loopback, no address of
    its own host (its own port included), not its LAN, not the asking
    client, not the metadata address: by literal, by name, by redirect and
    by tcp_connect, in default mode and with --allow-bogons. Listeners on
    each of those addresses must see nothing; each answer must say
    address_refused_by_policy."""
    env = c.ctx.env
    ips = c.ctx.hostile_ips
    fill = {"ctl": env["CTL_WORLD_SIDE"], "self0": ips[0], "self1": ips[1],
            "lan": env["WORLD_CTL_SIDE"], "client": env["PROBE_IP"]}
    where = [(ns, host.format(**fill), port) for ns, host, port in LISTENERS]
    meta = ["ip", "netns", "exec", env["NS_CTL"], "ip", "addr"]
    subprocess.run(meta + ["replace", "169.254.169.254/32", "dev", "lo"], check=True)
    listeners = start_listeners(c, where)
    try:
        plain = c.helper(0)
        bogons = c.helper(1, ["--allow-bogons"])
        # this host's own address carried inside IPv6 ones (mapped, 6to4)
        self_v6 = ["[::ffff:%s]:81" % ips[0], "[%s]:81" % six_to_four(ips[0])]
        literal = ["http://127.0.0.1/", "http://127.0.0.1:81/", "http://[::1]/",
                   "http://[::ffff:127.0.0.1]/", "http://[2002:7f00:1::]/",
                   "http://[64:ff9b::7f00:1]/", "http://169.254.169.254/",
                   "http://%s/" % fill["ctl"], "http://%s:81/" % ips[0],
                   "http://%s:81/" % ips[1], "http://%s/" % fill["lan"],
                   "http://%s/" % fill["client"], "http://0.0.0.0/"] + [
                       "http://%s/" % ep for ep in self_v6]
        names = ["http://ssrf-loop4.lab.test/", "http://ssrf-loop6.lab.test/",
                 "http://ssrf-mapped.lab.test/", "http://ssrf-6to4.lab.test/",
                 "http://ssrf-self.lab.test:81/", "http://ssrf-lan.lab.test/",
                 "http://ssrf-client.lab.test/", "http://ssrf-meta.lab.test/"]
        redirects = ["http://ssrf-redirect.lab.test/?to=" + u for u in
                     ["http://127.0.0.1/", "http://[::1]/", "http://%s/" % fill["ctl"],
                      "http://%s:81/" % ips[0], "http://%s/" % fill["lan"],
                      "http://%s/" % fill["client"], "http://ssrf-loop4.lab.test/",
                      "http://ssrf-lan.lab.test/", "http://169.254.169.254/"]]
        endpoints = ["127.0.0.1:80", "127.0.0.1:81", "[::1]:80", "[::ffff:127.0.0.1]:80",
                     "[2002:7f00:1::]:80", "[64:ff9b::7f00:1]:80", "169.254.169.254:80",
                     "%s:80" % fill["ctl"], "%s:81" % ips[0], "%s:81" % ips[1],
                     "%s:80" % fill["lan"], "%s:80" % fill["client"]] + self_v6
        urls = literal + names + redirects
        for h in (plain, bogons):
            reqs = [{"body": {"http_request": u}} for u in urls]
            reqs.append({"body": {"http_request": "http://http.lab.test/",
                                  "tcp_connect": endpoints}})
            out = c.client("posts", {"helper": h.addr, "requests": [
                dict(r, src=env["PROBE_IP"]) for r in reqs]}, timeout=300)
            mode = "default" if h is plain else "--allow-bogons"
            if not c.expect(isinstance(out, list) and len(out) == len(reqs),
                            "%s: answers %r" % (mode, out)):
                continue
            for u, r in zip(urls, out):
                hr = (r.get("json") or {}).get("http_request") or {}
                c.eq(r.get("status"), 200, "%s %s: status" % (mode, u))
                c.expect(hr.get("status_code") in (-1, 302) or hr.get("status_code") is None,
                         "%s %s: fetched (status_code %r)" % (mode, u, hr.get("status_code")))
                c.eq(hr.get("failure"), REFUSED, "%s %s: http_request.failure" % (mode, u))
            tcp = (out[-1].get("json") or {}).get("tcp_connect") or {}
            for ep in endpoints:
                got = tcp.get(ep) or {}
                c.eq(got.get("failure"), REFUSED, "%s tcp_connect %s: failure" % (mode, ep))
        plain.stop()
        bogons.stop()
    finally:
        seen = stop_listeners(c, listeners)
        subprocess.run(meta + ["del", "169.254.169.254/32", "dev", "lo"], check=False)
    c.eq(seen, {}, "connections the listeners accepted")
    c.figure("SSRF: %d URLs and %d tcp_connect endpoints, each in both modes; %d "
             "connections reached the %d listeners" % (len(urls), len(endpoints),
                                                      sum(seen.values()), len(where)))


def case_hostile_forwarded(c):
    """--trust-forwarded-for: the client is the last X-Forwarded-For entry
    (the one our proxy added), also across two header lines and as
    ip:port; an unreadable one leaves the client unknown rather than
    trusting an earlier entry; without the flag the header is ignored.
    The helper never connects to the client it names."""
    env = c.ctx.env
    mmdb = os.path.join(env["LAB_DIR"], "lab.mmdb")
    hx = c.helper(2, ["--trust-forwarded-for", "--mmdb", mmdb, "--allow-bogons"])
    hn = c.helper(3, ["--mmdb", mmdb])
    cases = [
        ("one entry", "198.18.7.7", "198.18.7.7", "AS65550"),
        ("appended", "127.0.0.1, 198.19.0.99", "198.19.0.99", "AS64500"),
        ("with a port", "1.1.1.1, 198.18.7.7:51234", "198.18.7.7", "AS65550"),
        ("IPv6 with a port", "[2001:db8::5]:443", "2001:db8::5", None),
        ("unreadable last", "198.18.7.7, unknown", None, None),
    ]
    reqs = [{"method": "GET", "headers": {"X-Forwarded-For": xff}} for _, xff, _, _ in cases]
    reqs.append({"method": "GET"})
    out = c.client("posts", {"helper": hx.addr, "requests": reqs})
    if c.expect(isinstance(out, list) and len(out) == len(reqs), "answers: %r" % out):
        for (what, xff, addr, asn), r in zip(cases, out):
            j = r.get("json") or {}
            c.eq(r.get("status"), 200, "%s: status" % what)
            c.eq(j.get("x_probe_address"), addr, "%s (%s): x_probe_address" % (what, xff))
            c.eq(j.get("x_probe_asn"), asn, "%s (%s): x_probe_asn" % (what, xff))
        c.eq((out[-1].get("json") or {}).get("x_probe_address"), None,
             "no X-Forwarded-For behind the proxy: x_probe_address")
    # two header lines: a client's own, then the proxy's
    two = raw("GET / HTTP/1.1", [("Host", "h"), ("X-Forwarded-For", "127.0.0.1"),
                                  ("X-Forwarded-For", "198.18.7.7")])
    r = (c.client("raw", {"helper": hx.addr, "requests": {"two": {"raw": two}}})
         .get("two") or {})
    c.eq(json_of(r).get("x_probe_address"), "198.18.7.7",
         "two X-Forwarded-For lines: x_probe_address")
    # the client it names is never measured
    out = c.client("posts", {"helper": hx.addr, "requests": [{
        "body": {"http_request": "http://http.lab.test/", "tcp_connect": ["198.19.0.10:80"]},
        "headers": {"X-Forwarded-For": "198.19.0.10"}}]})
    j = (out[0].get("json") or {}) if out else {}
    c.eq(((j.get("tcp_connect") or {}).get("198.19.0.10:80") or {}).get("failure"), REFUSED,
         "tcp_connect to the asking client's own address")
    c.eq((j.get("http_request") or {}).get("failure"), REFUSED,
         "fetching from the asking client's own address")
    # without --trust-forwarded-for the header is nobody's word
    out = c.client("posts", {"helper": hn.addr, "requests": [
        {"method": "GET", "headers": {"X-Forwarded-For": "203.0.113.9"}}]})
    j = (out[0].get("json") or {}) if out else {}
    c.eq(j.get("x_probe_address"), env["PROBE_IP"], "X-Forwarded-For not trusted: "
         "x_probe_address")
    hx.stop()
    hn.stop()


def case_hostile_tcp_connect(c):
    """64 tcp_connect entries: the helper connects to a bounded number and
    names every other one in the reply."""
    h = c.helper(0, ["--allow-bogons"])
    eps = ["198.19.0.%d:80" % i for i in range(100, 164)]
    out = c.client("posts", {"helper": h.addr, "requests": [
        {"body": {"http_request": "http://http.lab.test/", "tcp_connect": eps}}]})
    j = (out[0].get("json") or {}) if out else {}
    tcp = j.get("tcp_connect") or {}
    skipped = j.get("x_tcp_connect_not_measured") or []
    measured = [e for e in eps if e in tcp]
    c.eq(sorted(measured + skipped), sorted(eps), "measured and not measured: every "
         "endpoint exactly once")
    c.expect(len(tcp) <= 24, "%d connects for one request" % len(tcp))
    c.figure("64 tcp_connect entries: %d measured, %d named as not measured"
             % (len(measured), len(skipped)))
    h.stop()


def case_hostile_memory(c):
    """Thousands of requests of every kind: memory does not grow, and the
    helper exits clean (under ASan: no leak at exit)."""
    h = c.helper(1)
    warm = c.client("many", {"helper": h.addr, "n": 300})
    rss1 = h.rss_kib()
    out = c.client("many", {"helper": h.addr, "n": 3000}, timeout=300)
    rss2 = h.rss_kib()
    st = out.get("statuses") or {}
    c.eq(st, {"200": 1200, "400": 600, "405": 600, "413": 600},
         "answers to 3,000 requests (GET, bad JSON, a refused measurement, PUT, 413)")
    c.expect(warm.get("statuses"), "no warm-up answers")
    if c.expect(rss1 and rss2, "no RSS for the helper"):
        c.figure("memory: RSS %d KiB after 300 requests, %d KiB after 3,000 more "
                 "(%.1f s, %.0f requests/s)" % (rss1, rss2, out.get("elapsed", 0),
                                                3000 / max(out.get("elapsed", 1), 0.001)))
        if h.sanitized():
            c.figure("under AddressSanitizer: its quarantine keeps freed memory, so "
                     "LeakSanitizer's check at exit judges leaks, not the RSS")
        else:
            c.expect(rss2 - rss1 < 8 * 1024, "RSS grew by %d KiB over 3,000 requests"
                     % (rss2 - rss1))
    h.stop()


CASES = {name[5:]: fn for name, fn in sorted(globals().items())
         if name.startswith("case_") and callable(fn)}


class Ctx:
    pass


def main():
    args = labutil.case_args(
        argparse.ArgumentParser(description="Attack accessprobe helper in the lab."), CASES)
    if os.geteuid() != 0:
        labutil.skip_or_fail("the lab needs root (network namespaces)", "lab")
    ctx = Ctx()
    ctx.env = load_lab_env()
    if "NS_CTL" not in ctx.env or "HOSTILE_IPS" not in ctx.env:
        print("FAIL: the lab has no ctl namespace (an old lab.sh?)", file=sys.stderr)
        return 1
    ctx.hostile_ips = ctx.env["HOSTILE_IPS"].split()
    ctx.probe = os.path.abspath(args.probe)
    ctx.ca = os.path.abspath(args.ca or ctx.env["CA_FILE"])
    ctx.workdir = tempfile.mkdtemp(prefix="aplab-hostile-%s-" % args.case)
    case = Case(ctx, args.case)

    def run(c):
        try:
            CASES[args.case](c)
        finally:
            c.finish()
    return run_checks(case, run, ctx.workdir)


if __name__ == "__main__":
    sys.exit(main())

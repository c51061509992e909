"""colutil.py: what the collector tests share (stdlib only).

- PgCluster: a real PostgreSQL cluster of the test's own: initdb into a
  temporary folder as an unprivileged user, listening only on a Unix
  socket in that folder (so a collector inside a lab namespace reaches it
  too, and no port is shared with anything), stopped and removed after.
- Collector: `accessprobe collector` started, waited for, killed.
- http(): one request with urllib, bounded.
- expected_uid(): the measurement_uid computed independently of the C code
  (from the record's text, as bytes), to compare uids with.
- archive_lines() and report_counts(): what the archive holds and what
  `accessprobe report` makes of a set of records.
"""

import calendar
import copy
import glob
import gzip
import hashlib
import json
import os
import pwd
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(SRC, "tests", "lab"))
import labutil  # noqa: E402


def skip_or_fail(msg):
    labutil.skip_or_fail(msg, "collector")


def drive(cases, make, why_root, lab_args=False):
    """A driver's main: --list, or one case (needs root) made by
    make(args) and checked, its cleanup() run whatever happens."""
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("--probe")
    if lab_args:
        ap.add_argument("--ca")
        ap.add_argument("--canaries")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("case", nargs="?")
    args = ap.parse_args()
    if args.list:
        print(";".join(cases))
        return 0
    if args.case not in cases or not args.probe:
        ap.error("give --probe and one of: " + ", ".join(cases))
    if os.geteuid() != 0:
        skip_or_fail(why_root)
    case = make(args)

    def check(c):
        try:
            cases[args.case](c)
        finally:
            c.cleanup()
    return labutil.run_checks(case, check, case.work)


def pg_bindir():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return os.path.dirname(found[-1]) if found else None


class PgCluster:
    """A PostgreSQL cluster in base/pg, owned by an unprivileged user."""

    def __init__(self, base):
        self.bindir = pg_bindir()
        if not self.bindir:
            skip_or_fail("PostgreSQL's server is not installed (Debian package "
                         "postgresql; scripts/setup --tests installs it)")
        self.dir = os.path.join(base, "pg")
        self.data = os.path.join(self.dir, "data")
        self.log = os.path.join(self.dir, "log")
        self.user = None
        if os.geteuid() == 0:
            name = "postgres"
            try:
                pwd.getpwnam(name)
            except KeyError:
                name = "nobody"
            self.user = pwd.getpwnam(name)
        self.url = "postgresql:///postgres?host=%s&port=5432&user=postgres" % self.dir

    def _as_owner(self, cmd, timeout=120):
        if self.user:
            cmd = ["setpriv", "--reuid=%d" % self.user.pw_uid, "--regid=%d" % self.user.pw_gid,
                   "--clear-groups", "--"] + cmd
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL, cwd="/")

    def init(self):
        os.makedirs(self.dir, exist_ok=True)
        os.chmod(os.path.dirname(self.dir), 0o755)
        os.chmod(self.dir, 0o755)
        if self.user:
            os.chown(self.dir, self.user.pw_uid, self.user.pw_gid)
        p = self._as_owner([os.path.join(self.bindir, "initdb"), "-D", self.data, "-U",
                            "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8",
                            "--no-sync"])
        if p.returncode != 0:
            raise RuntimeError("initdb failed:\n%s%s" % (p.stdout, p.stderr))
        return self.start()

    def start(self):
        opts = "-k %s -c listen_addresses='' -p 5432 -c max_connections=40" % self.dir
        p = self._as_owner([os.path.join(self.bindir, "pg_ctl"), "-D", self.data, "-o", opts,
                            "-l", self.log, "-w", "-t", "60", "start"])
        if p.returncode != 0:
            raise RuntimeError("pg_ctl start failed:\n%s%s\n%s" % (p.stdout, p.stderr,
                                                                   self.log_tail()))
        return self

    def stop(self, mode="fast"):
        self._as_owner([os.path.join(self.bindir, "pg_ctl"), "-D", self.data, "-m", mode,
                        "-w", "-t", "60", "stop"])

    def log_tail(self):
        try:
            with open(self.log) as f:
                return f.read()[-3000:]
        except OSError:
            return ""

    def sql(self, query, timeout=120):
        """Rows of a query (psql, unaligned, tab-separated)."""
        p = subprocess.run([os.path.join(self.bindir, "psql"), "-X", "-q", "-A", "-t", "-F",
                            "\t", "-h", self.dir, "-p", "5432", "-U", "postgres", "-d",
                            "postgres", "-v", "ON_ERROR_STOP=1", "-c", query],
                           capture_output=True, text=True, timeout=timeout)
        if p.returncode != 0:
            raise RuntimeError("psql %r: %s" % (query, p.stderr))
        return [line.split("\t") for line in p.stdout.splitlines() if line]

    def destroy(self):
        if os.path.isdir(self.data):
            self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self.init()

    def __exit__(self, *exc):
        self.destroy()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Collector:
    """`accessprobe collector` as a child process (prefix: e.g. ip netns exec)."""

    def __init__(self, probe, archive, listen, db=None, extra=(), prefix=(), log=None):
        self.cmd = list(prefix) + [probe, "collector", "--archive", archive, "--listen", listen]
        if db:
            self.cmd += ["--db", db]
        self.db = db
        self.cmd += list(extra)
        self.listen = listen
        self.base = "http://%s/" % listen
        self.logpath = log
        self.proc = None

    def start(self, wait=True, probe_from=None):
        logf = open(self.logpath, "ab") if self.logpath else subprocess.DEVNULL
        self.proc = subprocess.Popen(self.cmd, stdin=subprocess.DEVNULL, stdout=logf,
                                     stderr=logf, start_new_session=True)
        if logf is not subprocess.DEVNULL:
            logf.close()
        if wait:
            self.wait_ready(probe_from)
        return self

    def wait_ready(self, probe_from=None, timeout=30):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise RuntimeError("the collector exited with %s:\n%s" %
                                   (self.proc.returncode, self.log_text()))
            st, _, body = http("GET", self.base, timeout=2, prefix=probe_from)
            # With a database, ready once it is connected and its schema in
            # place ("ok"): it answers before that, with 503 to records.
            if st == 200 and (not self.db or b'"status":"ok"' in body):
                return
            time.sleep(0.1)
        raise RuntimeError("the collector did not answer within %d s:\n%s" %
                           (timeout, self.log_text()))

    def log_text(self):
        if not self.logpath:
            return ""
        try:
            with open(self.logpath, errors="replace") as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    def kill9(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill9()
        return self.proc.returncode if self.proc else None


def http(method, url, body=None, headers=None, timeout=20, prefix=None):
    """(status, headers dict (lower-case names), body bytes); status 0 when
    no answer. With prefix (e.g. ip netns exec NS), curl runs there."""
    if prefix:
        cmd = list(prefix) + ["curl", "-sS", "-o", "-", "-D", "/dev/stderr", "-X", method,
                              "--max-time", str(timeout), "-H", "Expect:"]
        for k, v in (headers or {}).items():
            cmd += ["-H", "%s: %s" % (k, v)]
        if body is not None:
            cmd += ["--data-binary", "@-"]
        try:
            p = subprocess.run(cmd + [url], input=body, capture_output=True,
                               timeout=timeout + 5)
        except subprocess.TimeoutExpired:
            return 0, {}, b""
        hdr = p.stderr.decode("latin-1").split("\r\n")
        status = 0
        hd = {}
        for line in hdr:
            if line.startswith("HTTP/"):
                status = int(line.split()[1])
                hd = {}
            elif ":" in line:
                k, v = line.split(":", 1)
                hd[k.strip().lower()] = v.strip()
        return status, hd, p.stdout
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()
    except (urllib.error.URLError, OSError):
        return 0, {}, b""


def post_json(url, obj, headers=None, timeout=20):
    body = obj if isinstance(obj, bytes) else json.dumps(obj).encode()
    h = {"Content-Type": "application/json"}
    h.update(headers or {})
    st, hd, b = http("POST", url, body, h, timeout)
    try:
        j = json.loads(b) if b else None
    except ValueError:
        j = None
    return st, hd, j


# --------------------------------------------------------------- records --

TEMPLATE = os.path.join(SRC, "tests", "report", "fixtures", "template.json")


def synth(path, n, seed, start="2026-11-20 08:00:00", asn="AS65550"):
    """n records like the lab's (template.json) in a new results file: each
    its own input and time, over a few hours; returns their lines."""
    with open(TEMPLATE) as f:
        tpl = json.load(f)
    rnd = random.Random(seed)
    base = calendar.timegm(time.strptime(start, "%Y-%m-%d %H:%M:%S"))
    lines = []
    tpl["test_start_time"] = start
    tpl["probe_asn"] = asn
    for i in range(n):
        r = copy.deepcopy(tpl)
        r["input"] = "https://site%d.lab.test/%d/%d" % (rnd.randrange(300), seed, i)
        t = base + i * 7 + rnd.randrange(5)
        r["measurement_start_time"] = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t))
        r["test_keys"]["x_analysis"]["verdict"] = rnd.choice(["ok", "ok", "blocked", "down"])
        lines.append(json.dumps(r, separators=(",", ":"), ensure_ascii=False))
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return lines


# ------------------------------------------------------------------ uids --

def compact(text):
    """The JSON text without blanks between tokens (strings untouched)."""
    out, in_str, esc = [], False, False
    for ch in text:
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch in " \t\r\n":
            continue
        out.append(ch)
    return "".join(out)


def members(text):
    """[(key, member text)] of a compact JSON object's top level."""
    dec = json.JSONDecoder()
    i, out = 1, []
    while text[i] != "}":
        key, kend = dec.raw_decode(text, i)
        _, vend = dec.raw_decode(text, kend + 1)
        out.append((key, text[i:vend]))
        i = vend + (1 if text[vend] == "," else 0)
    return out


def expected_uid(record_text):
    """measurement_uid as the collector must give it: the start time,
    country, test, and SHA-512 of the record without report_id and
    measurement_uid, as bytes."""
    c = compact(record_text)
    kept = [m for k, m in members(c) if k not in ("report_id", "measurement_uid")]
    body = ("{" + ",".join(kept) + "}").encode("utf-8")
    h = hashlib.sha512(body).digest()
    rec = json.loads(record_text)
    ts = "".join(ch for ch in rec["measurement_start_time"] if ch.isdigit())
    frac = int.from_bytes(h[8:12], "big") % 1000000
    return "%s.%06d_%s_%s_%s" % (ts, frac, rec["probe_cc"], rec["test_name"].replace("_", ""),
                                 h[:8].hex())


# --------------------------------------------------------------- archive --

def archive_lines(root):
    """Every line of every *.jsonl.gz under root: [(relative file, text)].
    A file that is not whole gzip raises."""
    out = []
    for path in sorted(glob.glob(os.path.join(root, "*", "*", "*", "*", "*.jsonl.gz"))):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            data = f.read()
        if data and not data.endswith("\n"):
            raise ValueError("%s: a last line without a newline" % path)
        for line in data.splitlines():
            out.append((os.path.relpath(path, root), line))
    return out


def archive_uids(root):
    return [json.loads(line)["measurement_uid"] for _, line in archive_lines(root)]


def db_uids(pg):
    return [r[0] for r in pg.sql("SELECT measurement_uid FROM measurements")]


# ---------------------------------------------------------------- report --

def report_json(probe, args, timeout=300):
    p = subprocess.run([probe, "report", "-F", "json"] + list(args), capture_output=True,
                       timeout=timeout)
    if p.returncode not in (0, 3):
        raise RuntimeError("report %s: exit %d: %s" % (args, p.returncode,
                                                        p.stderr.decode(errors="replace")))
    return json.loads(p.stdout)


WHERE_READ = ("files", "files_unreadable", "lines", "bytes", "malformed")


def counts_of(rep):
    """The report's counts, without what depends on where the records were
    read from: the input's files, lines and bytes, malformed lines, and the
    references to lines (file, line, and the report_id, which the collector
    gives anew)."""
    def strip(o):
        if isinstance(o, dict):
            return {k: strip(v) for k, v in o.items() if k not in ("evidence", "skipped")}
        if isinstance(o, list):
            return [strip(v) for v in o]
        return o
    out = strip(rep)
    out["input"] = {k: v for k, v in out.get("input", {}).items() if k not in WHERE_READ}
    return out


def diff(a, b, path=""):
    """The first few places where two JSON values differ."""
    out = []
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                out.append("%s/%s: only in %s" % (path, k, "first" if k in a else "second"))
            else:
                out += diff(a[k], b[k], path + "/" + str(k))
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            out += diff(x, y, "%s[%d]" % (path, i))
    elif a != b:
        out.append("%s: %r != %r" % (path, str(a)[:200], str(b)[:200]))
    return out[:10]


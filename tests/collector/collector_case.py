#!/usr/bin/env python3
"""collector_case.py: `accessprobe collector` and `accessprobe upload` with
the real parts, on loopback: a PostgreSQL cluster of the test's own, the
real binary as collector and as uploader.

    collector_case.py --probe PATH/accessprobe CASE
    collector_case.py --list

Cases:
  protocol      OONI's collector protocol: report_ids, uids derived from the
                record (a record sent again, into another report or laid out
                otherwise, is one row and one archive line), the new
                /api/v1/submit_measurement, close, 404/405, no-store
  hostile       oversized, malformed, wrong cc/asn/test, a probe address,
                the client's own address in the record, invalid UTF-8,
                NUL, duplicate and escaped keys, AS0, a flood from one
                client: each refused clearly, nothing else affected
  database_down PostgreSQL stopped and started during an upload: 503 with
                Retry-After meanwhile, then every record stored once
  disk_full     the archive's disk full (a small tmpfs): 503, nothing
                half-written, every record stored once when there is room
  report_db     `report --db` gives the counts `report` gives over the
                archive and over the same records as files (the report
                fixtures and lab records)
  kill9         the collector killed mid-batch, then the uploader killed
                mid-upload: after recovery every record stored exactly once
  answers       a collector that answers badly (HTML, malformed JSON, a
                slow drip, a redirect, one record refused): each named, the
                drip cut off, the redirect not followed, the rest uploaded
  init_db       --init-db makes and keeps the schema; report --db without it
                says what to do

Exit status: 0 pass, 1 fail, 77 skip (not root outside CI; under CI=true a
missing requirement fails). Everything is bounded in time and count; all
traffic is on 127.0.0.1.
"""

import copy
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
import colutil  # noqa: E402
from colutil import (Collector, PgCluster, archive_lines, archive_uids,  # noqa: E402
                     counts_of, db_uids, diff, expected_uid, http, post_json,
                     report_json, synth)
from labutil import Checks  # noqa: E402

SRC = colutil.SRC
FIXTURES = os.path.join(SRC, "tests", "report", "fixtures")
EXIT_OK, EXIT_WAITING = 0, 12
RID_RE = r"^\d{8}T\d{6}Z_webconnectivity_KZ_65550_n1_[A-Za-z0-9]{16}$"

TPL = {"data_format_version": "0.2.0", "format": "json", "probe_asn": "AS65550",
       "probe_cc": "KZ", "software_name": "accessprobe", "software_version": "0.1.0",
       "test_name": "web_connectivity", "test_start_time": "2026-11-28 10:14:45",
       "test_version": "0.4.3"}


def first_record():
    with open(os.path.join(FIXTURES, "lab", "lab-records.jsonl")) as f:
        return [line.rstrip("\n") for line in f]


class Case(Checks):
    def __init__(self, args, name):
        self.args, self.name, self.problems = args, name, []
        self.probe = args.probe
        self.work = tempfile.mkdtemp(prefix="collector-%s." % name)
        os.chmod(self.work, 0o755)
        self.pg = None
        self.colls = []

    def report(self):
        if self.problems:
            print("FAIL %s: %d problem(s):" % (self.name, len(self.problems)))
            for p in self.problems:
                print("  - " + p)
            for c in self.colls:
                print("--- collector log (%s) ---\n%s" % (c.logpath, c.log_text()))
            if self.pg:
                print("--- postgres log ---\n%s" % self.pg.log_tail()[-1500:])
            print("work dir kept: %s" % self.work)
            return 1
        print("PASS %s" % self.name)
        return 0

    def cleanup(self):
        # A clean stop says no sanitizer found anything at exit either.
        for c in self.colls:
            self.eq(c.stop(), 0, "the collector's exit status after SIGTERM")
        if self.pg:
            self.pg.destroy()

    # -- parts --
    def database(self):
        self.pg = PgCluster(self.work).init()
        return self.pg

    def collector(self, db=True, extra=(), archive=None, prefix=()):
        port = colutil.free_port()
        c = Collector(self.probe, archive or os.path.join(self.work, "archive"),
                      "127.0.0.1:%d" % port, self.pg.url if db and self.pg else None,
                      extra=extra, prefix=prefix,
                      log=os.path.join(self.work, "collector-%d.log" % len(self.colls)))
        self.colls.append(c)
        return c.start()

    def upload(self, collector_url, files, extra=(), state=None, timeout=300, wait=True):
        cmd = [self.probe, "upload", "--state-dir", state or os.path.join(self.work, "state"),
               "--collector", collector_url, "--retry-base", "1", "--timeout", "10"] + \
            list(extra) + list(files)
        if not wait:
            return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, start_new_session=True)
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        return p

    def open_report(self, base, tpl=None):
        st, hd, j = post_json(base + "report", tpl or TPL)
        self.eq(st, 200, "POST /report status")
        return (j or {}).get("report_id", "")

    def submit(self, base, rid, record_text, headers=None):
        body = ('{"format":"json","content":%s}' % record_text).encode()
        return post_json(base + "report/" + rid, body, headers)

    def exactly_once(self, expected, what):
        """The archive and the table hold exactly the expected uids, once each."""
        arch = archive_uids(os.path.join(self.work, "archive"))
        self.eq(len(arch), len(set(arch)), "%s: archive uids are unique" % what)
        self.eq(set(arch), set(expected), "%s: archive uids are the records'" % what)
        if self.pg:
            db = db_uids(self.pg)
            self.eq(len(db), len(set(db)), "%s: table uids are unique" % what)
            self.eq(set(db), set(expected), "%s: table uids are the records'" % what)


# ------------------------------------------------------------------ cases --

def case_protocol(c):
    c.database()
    col = c.collector(extra=["--trust-forwarded-for"])
    base = col.base
    import re
    rid = c.open_report(base)
    c.expect(re.match(RID_RE, rid), "report_id %r in OONI's format" % rid)
    recs = first_record()
    st, hd, j = c.submit(base, rid, recs[0])
    c.eq(st, 200, "submit status")
    uid = (j or {}).get("measurement_uid")
    c.eq(uid, expected_uid(recs[0]), "measurement_uid derived from the record")
    c.eq(hd.get("cache-control"), "no-store", "Cache-Control of an answer")
    # Again, into the same report; into a new one; laid out otherwise.
    st2, _, j2 = c.submit(base, rid, recs[0])
    rid2 = c.open_report(base)
    c.expect(rid2 != rid, "a new report_id per report")
    st3, _, j3 = c.submit(base, rid2, recs[0])
    # Blanks and newlines between its members: the same record's bytes.
    pretty = "{\n  " + ",\n  ".join(m.replace('":', '" :', 1) for _, m in
                                     colutil.members(recs[0])) + "\n}\n"
    st4, _, j4 = c.submit(base, rid2, pretty)
    for s, jj, what in ((st2, j2, "again"), (st3, j3, "in another report"),
                        (st4, j4, "pretty-printed")):
        c.eq((s, (jj or {}).get("measurement_uid")), (200, uid), "sent %s: same uid" % what)
    # The newer endpoint: content as a string, and as an object.
    st5, _, j5 = post_json(base + "api/v1/submit_measurement",
                           {"format": "json", "content": recs[1]})
    c.eq(st5, 200, "submit_measurement status")
    c.eq((j5 or {}).get("measurement_uid"), expected_uid(recs[1]), "submit_measurement uid")
    st6, _, j6 = post_json(base + "api/v1/submit_measurement",
                           ('{"format":"json","content":%s}' % recs[2]).encode())
    c.eq((st6, (j6 or {}).get("measurement_uid")), (200, expected_uid(recs[2])),
         "submit_measurement with an object")
    st, _, j = post_json(base + "report/%s/close" % rid, {})
    c.eq((st, j), (200, {}), "close")
    # What is stored: once, with the first report's id, columns from the record.
    lines = archive_lines(os.path.join(c.work, "archive"))
    c.eq(len(lines), 3, "archive lines (one per record)")
    stored = json.loads(lines[0][1]) if lines else {}
    byuid = {json.loads(t)["measurement_uid"]: (f, json.loads(t)) for f, t in lines}
    f, first = byuid.get(uid, ("", {}))
    c.eq(first.get("report_id"), rid, "the stored record carries the first report_id")
    c.eq(f, "20261128/10/KZ/webconnectivity/2026112810_KZ_webconnectivity.n1.0.jsonl.gz",
         "OONI's layout, the measurement's own hour")
    orig = json.loads(recs[0])
    for k in ("input", "probe_asn", "test_keys", "measurement_start_time"):
        c.eq(first.get(k), orig.get(k), "stored %s as sent" % k)
    rows = c.pg.sql("SELECT measurement_uid, report_id, input, domain, probe_cc, probe_asn, "
                    "test_name, verdict, confirmed, raw->>'input' FROM measurements "
                    "WHERE measurement_uid = '%s'" % uid)
    c.eq(len(rows), 1, "one row for the uid")
    if rows:
        r = rows[0]
        xa = orig["test_keys"]["x_analysis"]
        c.eq(r[1:], [rid, orig["input"], "nxdomain.lab.test", "KZ", "AS65550",
                     "web_connectivity", xa["verdict"], "t" if xa["confirmed"] else "f",
                     orig["input"]], "the row's columns")
    c.eq(c.pg.sql("SELECT count(*) FROM measurements"), [["3"]], "rows in the table")
    c.expect(stored, "an archive line is JSON")
    # Routes that do not exist or take other methods.
    c.eq(http("DELETE", base + "report")[0], 405, "DELETE /report")
    c.eq(http("GET", base + "report")[0], 405, "GET /report")
    c.eq(http("GET", base + "nothing")[0], 404, "GET /nothing")
    st, _, j = post_json(base + "report", dict(TPL, format="yaml"))
    c.eq(st, 400, "a YAML report is refused")
    st, _, body = http("GET", base)
    c.expect(st == 200 and json.loads(body).get("database") == "up", "GET / health: %r" % body)


def hostile_records(recs):
    """(name, body bytes, the words the refusal must use) for one report of
    AS65550/KZ."""
    good = json.loads(recs[3])

    def env(rec):
        return ('{"format":"json","content":%s}' % json.dumps(rec)).encode()

    def changed(**kv):
        r = copy.deepcopy(good)
        r.update(kv)
        return env(r)
    out = [
        ("malformed JSON", b'{"format":"json","content":{"a":', "not valid JSON"),
        ("wrong cc", changed(probe_cc="RU"), "probe_cc RU differs"),
        ("wrong asn", changed(probe_asn="AS9198"), "probe_asn AS9198 differs"),
        ("wrong test", changed(test_name="telegram"), "test_name telegram differs"),
        ("probe_ip", changed(probe_ip="95.56.1.2"), "probe_ip"),
        ("future", changed(measurement_start_time="2099-01-01 00:00:00"), "future"),
        ("no content", b'{"format":"json"}', "content"),
        ("not json format", changed() .replace(b'"format":"json"', b'"format":"yaml"'),
         "format"),
    ]
    raw = env(good)
    # Invalid UTF-8 inside a string, NUL, a duplicate key, an escaped key.
    out.append(("invalid UTF-8", raw.replace(b'"https://', b'"https://\xff\xfe', 1), "UTF-8"))
    out.append(("NUL", raw.replace(b'"https://', b'"https://\\u0000', 1), "NUL"))
    out.append(("duplicate key", raw.replace(b'{"format"', b'{"format":"json","format"', 1),
                "duplicate"))
    out.append(("escaped key", raw.replace(b'"probe_network_name"', b'"probe_network\\u005fname"',
                                           1), "escape"))
    return out


def case_hostile(c):
    c.database()
    col = c.collector(extra=["--trust-forwarded-for"])
    base = col.base
    recs = first_record()
    rid = c.open_report(base)
    for name, body, words in hostile_records(recs):
        st, hd, j = post_json(base + "report/" + rid, body)
        why = (j or {}).get("error", "")
        c.expect(st == 400 and words.lower() in why.lower(),
                 "%s: want 400 naming %r, got %d %r" % (name, words, st, why))
    st, _, j = c.submit(base, "not_a_report", recs[3])
    c.expect(st == 400 and "report_id" in (j or {}).get("error", ""), "a bad report_id: %d %r"
             % (st, j))
    st, _, j = post_json(base + "report", dict(TPL, probe_asn="AS0"))
    c.expect(st == 400 and "AS0" in (j or {}).get("error", ""), "AS0 report: %d %r" % (st, j))
    # Oversized: refused from Content-Length before the body is read, and
    # while it streams in when the length is not announced.
    big = b'{"format":"json","content":{"x":"' + b"a" * (5 * 1024 * 1024) + b'"}}'
    c.eq(announce(col.listen, "/report/" + rid, len(big)), 413,
         "a 5 MiB submission, refused on its Content-Length alone")
    st = chunked_post(col.listen, "/report/" + rid, big)
    c.eq(st, 411, "a chunked submission (no length announced)")
    # The address it is uploaded from, inside the record.
    me = {"X-Forwarded-For": "10.9.8.7, 203.0.113.77"}
    rec = json.loads(recs[3])
    rec["test_keys"]["requests"] = [{"response": {"headers": {"X-Client-IP": "203.0.113.77"}}}]
    st, _, j = c.submit(base, rid, json.dumps(rec), me)
    c.expect(st == 400 and "address" in (j or {}).get("error", ""),
             "the client's address in the record: %d %r" % (st, j))
    # A flood of connections from one address (no proxy in front): past
    # its share each is refused at once, 503 with Retry-After; another
    # address is served meanwhile.
    plain = c.collector(extra=["--max-connections", "16"],
                        archive=os.path.join(c.work, "archive-plain"))
    held = flood(plain.listen, 14)
    try:
        answers = [first_answer(s) for s in held]
        refused = [a for a in answers if a.startswith(b"HTTP/1.1 503")]
        c.eq(len(refused), 6, "connections past the per-address share (8 of 16) refused")
        c.expect(all(b"Retry-After" in a for a in refused), "each refusal has Retry-After")
        t0 = time.monotonic()
        st, _, j = post_json_from("127.0.0.2", plain.listen, "/report", TPL)
        c.eq(st, 200, "another address during the flood")
        c.expect(time.monotonic() - t0 < 5, "another address served quickly during the "
                 "flood")
    finally:
        for s in held:
            s.close()
    # Nothing else was affected: a good record goes in, and is all there is.
    st, _, j = c.submit(col.base, rid, recs[3], {"X-Forwarded-For": "198.51.100.10"})
    c.eq((st, (j or {}).get("measurement_uid")), (200, expected_uid(recs[3])),
         "a good record after the hostile ones")
    c.exactly_once([expected_uid(recs[3])], "after the hostile uploads")
    log = col.log_text() + plain.log_text()
    c.expect("203.0.113.77" not in log and "127.0.0.2" not in log,
             "no client address in the collectors' logs")


def chunked_post(listen, path, body):
    host, port = listen.rsplit(":", 1)
    s = socket.create_connection((host, int(port)), timeout=20)
    try:
        s.sendall(("POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                   "Transfer-Encoding: chunked\r\n\r\n" % path).encode())
        for i in range(0, len(body), 65536):
            part = body[i:i + 65536]
            try:
                s.sendall(b"%x\r\n%s\r\n" % (len(part), part))
            except OSError:
                break
        try:
            s.sendall(b"0\r\n\r\n")
        except OSError:
            pass
        data = s.recv(4096)
        return int(data.split()[1]) if data.startswith(b"HTTP/") else 0
    except OSError:
        return 0
    finally:
        s.close()


def announce(listen, path, length):
    """The status answered to headers announcing length bytes, before any
    byte of the body is sent."""
    host, port = listen.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=20) as s:
        s.sendall(("POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                   "Content-Length: %d\r\n\r\n" % (path, length)).encode())
        data = s.recv(4096)
    return int(data.split()[1]) if data.startswith(b"HTTP/") else 0


def flood(listen, n):
    """n connections each announcing a body and sending none of it."""
    host, port = listen.rsplit(":", 1)
    held = []
    for _ in range(n):
        s = socket.create_connection((host, int(port)), timeout=10)
        s.sendall(b"POST /report HTTP/1.1\r\nHost: x\r\nContent-Type: "
                  b"application/json\r\nContent-Length: 1000\r\n\r\n{")
        held.append(s)
        time.sleep(0.02)
    return held


def first_answer(s, wait=1.0):
    """What the server sent on s within wait seconds (b"" for nothing)."""
    s.settimeout(wait)
    try:
        return s.recv(4096)
    except OSError:
        return b""


def post_json_from(source, listen, path, obj):
    """POST from a chosen local address (127.0.0.2: another client)."""
    host, port = listen.rsplit(":", 1)
    body = json.dumps(obj).encode()
    with socket.create_connection((host, int(port)), timeout=10,
                                  source_address=(source, 0)) as s:
        s.sendall(b"POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: %d\r\nConnection: close\r\n\r\n%s"
                  % (path.encode(), len(body), body))
        data = b""
        while True:
            part = s.recv(65536)
            if not part:
                break
            data += part
    head, _, rest = data.partition(b"\r\n\r\n")
    st = int(head.split()[1]) if head.startswith(b"HTTP/") else 0
    try:
        return st, head, json.loads(rest)
    except ValueError:
        return st, head, None


def case_database_down(c):
    c.database()
    col = c.collector()
    files = [os.path.join(c.work, "a.jsonl"), os.path.join(c.work, "b.jsonl")]
    lines = synth(files[0], 300, 1) + synth(files[1], 300, 2, start="2026-11-21 09:00:00")
    up = c.upload(col.base, files, ["--max-time", "240", "--parallel", "2"], wait=False)
    # Stop the database while the upload runs, check the answers, start it.
    wait_for(lambda: len(archive_uids(os.path.join(c.work, "archive"))) > 100, 60)
    c.pg.stop("fast")
    time.sleep(1.5)
    rid = c.open_report(col.base)
    st, hd, j = c.submit(col.base, rid, first_record()[0])
    c.expect(st == 503 and int(hd.get("retry-after", "0")) >= 1 and
             "database" in (j or {}).get("error", ""),
             "a submission while the database is down: %d %r %r" % (st, hd, j))
    time.sleep(3)
    c.pg.start()
    so, se = up.communicate(timeout=300)
    c.eq(up.returncode, EXIT_OK, "the upload ends with everything stored:\n%s" % se.decode())
    c.exactly_once([expected_uid(x) for x in lines], "database stopped and started")
    c.expect("PostgreSQL unavailable" in col.log_text(), "the collector logged the outage")


def wait_for(cond, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.2)
    return False


def case_disk_full(c):
    c.database()
    arch = os.path.join(c.work, "archive")
    os.makedirs(arch)
    # The archive on a 600 KiB tmpfs in the collector's own mount namespace.
    col = c.collector(prefix=["unshare", "-m", "--propagation", "private", "sh", "-c",
                              "mount -t tmpfs -o size=600k tmpfs '%s' && exec \"$@\"" % arch,
                              "sh"], archive=arch)
    f = os.path.join(c.work, "a.jsonl")
    lines = synth(f, 1200, 3)
    p = c.upload(col.base, [f], ["--max-time", "20", "--parallel", "2"])
    c.eq(p.returncode, EXIT_WAITING, "an upload into a full disk ends with records waiting")
    c.expect("disk is full" in p.stderr, "the uploader names the full disk:\n%s" % p.stderr[-800:])
    c.expect("disk is full" in col.log_text(), "the collector logs the full disk")
    # What is in the archive is whole, and it is what the table holds.
    pid = col.proc.pid
    lines_in = tmpfs_lines(pid, arch)
    c.expect(lines_in is not None, "the archive reads whole while the disk is full")
    stored = [json.loads(x)["measurement_uid"] for x in lines_in or []]
    c.expect(0 < len(stored) < 1200, "some records stored before the disk filled (%d)" %
             len(stored))
    c.eq(sorted(stored), sorted(db_uids(c.pg)), "the table holds what the archive holds")
    subprocess.run(["nsenter", "-t", str(pid), "-m", "mount", "-o", "remount,size=64m", arch],
                   check=True, timeout=30)
    p = c.upload(col.base, [f], ["--max-time", "120"])
    c.eq(p.returncode, EXIT_OK, "with room again everything goes:\n%s" % p.stderr[-800:])
    lines_in = tmpfs_lines(pid, arch) or []
    uids = [json.loads(x)["measurement_uid"] for x in lines_in]
    want = set(expected_uid(x) for x in lines)
    c.eq((len(uids), set(uids)), (len(want), want), "archive: every record once")
    db = db_uids(c.pg)
    c.eq((len(db), set(db)), (len(want), want), "table: every record once")


def tmpfs_lines(pid, arch):
    """The archive's lines as seen inside the collector's mount namespace
    (None when a file is not whole gzip)."""
    p = subprocess.run(["nsenter", "-t", str(pid), "-m", "sh", "-c",
                        "for f in $(find '%s' -name '*.jsonl.gz' | sort); do "
                        "gzip -dc \"$f\" || exit 1; done" % arch],
                       capture_output=True, timeout=60)
    if p.returncode != 0:
        return None
    return p.stdout.decode().splitlines()


def accepted_copy(files, uids, out_dir):
    """The lines of files whose uid (computed here, from the line) is among
    uids, each record once, as files: the same records as the archive's, as
    the probe wrote them (a fixture repeating a record holds it twice; the
    collector keeps it once)."""
    os.makedirs(out_dir)
    seen = set()
    for i, f in enumerate(files):
        keep = []
        with open(f, "rb") as fh:
            for raw in fh:
                try:
                    uid = expected_uid(raw.decode("utf-8").rstrip("\n"))
                    if uid in uids and uid not in seen:
                        seen.add(uid)
                        keep.append(raw)
                except (ValueError, KeyError, TypeError, AttributeError, IndexError):
                    pass                    # not a record: never stored either
        with open(os.path.join(out_dir, "%d.jsonl" % i), "wb") as fh:
            fh.writelines(keep)


def case_report_db(c):
    c.database()
    col = c.collector()
    files = [os.path.join(FIXTURES, p) for p in
             ("lab/lab-records.jsonl", "feb/probe-kazakhtelecom.jsonl", "feb/ooni-probe.jsonl",
              "edge/cyrillic-headers.jsonl", "edge/tz-offset.jsonl")]
    synthetic = os.path.join(c.work, "synth.jsonl")
    synth(synthetic, 400, 9)
    files.append(synthetic)
    p = c.upload(col.base, files)
    c.eq(p.returncode, EXIT_OK, "upload of the fixtures:\n%s" % p.stderr[-1500:])
    same = os.path.join(c.work, "same")
    arch = os.path.join(c.work, "archive")
    accepted_copy(files, set(archive_uids(arch)), same)
    for extra in ([], ["--month", "2024-02", "--cc", "KZ"], ["--asn", "AS9198"],
                  ["--min-blocked", "1", "--category", "NEWS"]):
        a = counts_of(report_json(c.probe, extra + ["--db", c.pg.url]))
        b = counts_of(report_json(c.probe, extra + [arch]))
        f = counts_of(report_json(c.probe, extra + [same]))
        c.expect(a["input"]["records"] > 0 or extra, "records counted %s" % extra)
        c.expect(a == b, "report --db == report ARCHIVE %s: %s" % (extra, diff(a, b)))
        c.expect(a == f, "report --db == report over the same records as files %s: %s"
                 % (extra, diff(a, f)))
    a = report_json(c.probe, ["--db", c.pg.url])
    c.eq(a["input"]["records"] + a["input"]["other_tests"],
         int(c.pg.sql("SELECT count(*) FROM measurements")[0][0]), "every row read once")


def progress(path):
    try:
        return len(archive_uids(path))
    except (OSError, EOFError, ValueError):
        return 0


def case_kill9(c):
    c.database()
    col = c.collector()
    files = [os.path.join(c.work, "a.jsonl"), os.path.join(c.work, "b.jsonl")]
    lines = synth(files[0], 800, 4) + synth(files[1], 800, 5, start="2026-11-22 07:00:00")
    arch = os.path.join(c.work, "archive")
    up = c.upload(col.base, files, ["--max-time", "240", "--parallel", "8"], wait=False)
    c.expect(wait_for(lambda: progress(arch) > 300, 90), "the upload makes progress")
    col.kill9()                                   # in the middle of a batch
    time.sleep(1)
    col.start()                                   # same archive, same port
    c.expect(wait_for(lambda: progress(arch) > 900, 120), "the upload goes on after it")
    os.killpg(up.pid, 9)                          # the probe killed mid-upload
    up.communicate(timeout=30)
    p = c.upload(col.base, files, ["--max-time", "240"])
    c.eq(p.returncode, EXIT_OK, "the next upload finishes:\n%s" % p.stderr[-800:])
    c.exactly_once([expected_uid(x) for x in lines], "collector and uploader killed")
    # The cursors say everything is taken: nothing is sent a second time.
    p = c.upload(col.base, files, ["--max-time", "60"])
    c.expect(p.returncode == EXIT_OK and "0 records stored" in p.stderr and
             "0 waiting" in p.stderr, "a third upload sends nothing:\n%s" % p.stderr)


def case_answers(c):
    bad = os.path.join(HERE, "badcollector.py")
    port = colutil.free_port()
    hits = os.path.join(c.work, "hits")
    srv = subprocess.Popen([sys.executable, bad, "--port", str(port), "--hits", hits],
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_for(lambda: http("GET", "http://127.0.0.1:%d/health/" % port)[0] == 200, 20)
        f = os.path.join(c.work, "a.jsonl")
        lines = synth(f, 6, 6)
        for mode, words in (("html", "HTML page"), ("malformed", "malformed JSON"),
                            ("drip", "no complete answer within 3 s"),
                            ("redirect", "redirect to http://127.0.0.1:1/elsewhere"),
                            ("busy", "HTTP 503")):
            url = "http://127.0.0.1:%d/%s/" % (port, mode)
            t0 = time.monotonic()
            p = c.upload(url, [f], ["--max-time", "8", "--timeout", "3"],
                         state=os.path.join(c.work, "state-" + mode), timeout=60)
            took = time.monotonic() - t0
            c.eq(p.returncode, EXIT_WAITING, "%s: the records wait" % mode)
            c.expect(words in p.stderr, "%s: the log says %r:\n%s" % (mode, words,
                                                                     p.stderr[-600:]))
            c.expect(took < 20, "%s: the upload ends on its budget (%.1f s)" % (mode, took))
            c.expect("6 waiting" in p.stderr, "%s: all 6 still wait" % mode)
        with open(hits) as fh:
            seen = fh.read()
        c.expect("/elsewhere" not in seen, "the redirect was not followed")
        # One record refused (400): the others go, the refused one is kept
        # out with its reason.
        url = "http://127.0.0.1:%d/refuse-one/" % port
        p = c.upload(url, [f], ["--max-time", "30"], state=os.path.join(c.work, "state-r"))
        c.eq(p.returncode, EXIT_OK, "refuse-one: nothing waits:\n%s" % p.stderr[-600:])
        c.expect("5 records stored, 1 refused" in p.stderr and "no such thing here" in
                 p.stderr, "refuse-one: one refused with its reason:\n%s" % p.stderr[-600:])
        c.expect(len(lines) == 6, "six records")
    finally:
        os.killpg(srv.pid, 9)
        srv.wait(timeout=10)


def case_init_db(c):
    c.database()
    p = subprocess.run([c.probe, "report", "--db", c.pg.url], capture_output=True, text=True,
                       timeout=60)
    c.expect(p.returncode == 3 and "--init-db" in p.stderr,
             "report --db without a schema says what to do: %d %s" % (p.returncode, p.stderr))
    for want in ("created or migrated", "already in place"):
        p = subprocess.run([c.probe, "collector", "--db", c.pg.url, "--init-db"],
                           capture_output=True, text=True, timeout=60)
        c.expect(p.returncode == 0 and want in p.stdout, "--init-db: %r in %r %r" %
                 (want, p.stdout, p.stderr))
    c.eq(c.pg.sql("SELECT version, projection FROM accessprobe_schema"), [["1", "3"]],
         "the schema's version")
    # Rows made by the first projection (a record without x_analysis cut
    # down like ours): report --db refuses them until --init-db remakes
    # every row's scan from raw, the OONI record then whole.
    ooni = {"input": "https://example.org/", "measurement_start_time": "2024-02-03 04:05:06",
            "probe_cc": "KZ", "probe_asn": "AS9198", "test_name": "web_connectivity",
            "report_id": "20240203T040506Z_webconnectivity_KZ_9198_n1_AAAAAAAAAAAAAAAA",
            "test_keys": {"blocking": "dns", "accessible": False,
                          "queries": [{"hostname": "example.org", "answers": []}]}}
    c.pg.sql("CREATE TABLE measurements_2024_02 PARTITION OF measurements FOR VALUES "
             "FROM ('2024-02-01') TO ('2024-03-01'); INSERT INTO measurements "
             "(measurement_uid, measurement_start_time, report_id, probe_cc, probe_asn, "
             "test_name, raw, scan) VALUES ('uid-1', '2024-02-03 04:05:06', 'r', 'KZ', "
             "'AS9198', 'web_connectivity', $j$%s$j$, '{}'); "
             "UPDATE accessprobe_schema SET projection = 1" % json.dumps(ooni))
    p = subprocess.run([c.probe, "report", "--db", c.pg.url], capture_output=True, text=True,
                       timeout=60)
    c.expect(p.returncode == 3 and "--init-db" in p.stderr,
             "report --db over an older projection says what to do: %d %s" %
             (p.returncode, p.stderr))
    p = subprocess.run([c.probe, "collector", "--db", c.pg.url, "--init-db"],
                       capture_output=True, text=True, timeout=60)
    c.expect(p.returncode == 0 and "created or migrated" in p.stdout,
             "--init-db migrates the projection: %r %r" % (p.stdout, p.stderr))
    c.eq(c.pg.sql("SELECT projection FROM accessprobe_schema"), [["3"]], "projection now")
    c.eq(c.pg.sql("SELECT scan::jsonb = raw FROM measurements"), [["t"]],
         "a record without x_analysis is kept whole in scan")
    # Ours (with x_analysis): what names networks stays, the rest goes.
    ours = copy.deepcopy(ooni)
    ours["test_keys"].update({
        "x_analysis": {"verdict": "blocked", "method": "dns", "evidence": ["x" * 100]},
        "control": {"x_probe_asn": "AS9198", "x_probe_network_name": "JSC Kazakhtelecom",
                    "ip_info": {"203.0.113.7": {"asn": 21299, "x_as_org_name": "Kar-Tel"}},
                    "http_request": {"body_length": 5}},
        "queries": [{"hostname": "example.org", "answers": [{"asn": 13335,
                                                           "as_org_name": "Cloudflare"}]}, 7],
        "requests": [{"response": {"body": "y" * 1000}}]})
    c.pg.sql("INSERT INTO measurements (measurement_uid, measurement_start_time, report_id, "
             "probe_cc, probe_asn, test_name, raw, scan) VALUES ('uid-2', "
             "'2024-02-03 04:05:06', 'r', 'KZ', 'AS9198', 'web_connectivity', $j$%s$j$, "
             "accessprobe_scan($j$%s$j$)::text)" % (json.dumps(ours), json.dumps(ours)))
    got = json.loads(c.pg.sql("SELECT scan FROM measurements WHERE measurement_uid = "
                              "'uid-2'")[0][0])["test_keys"]
    c.eq((got.get("control"), got.get("queries"), "requests" in got,
          "evidence" in got.get("x_analysis", {})),
         ({"x_probe_asn": "AS9198", "x_probe_network_name": "JSC Kazakhtelecom",
           "ip_info": {"203.0.113.7": {"asn": 21299, "x_as_org_name": "Kar-Tel"}}},
          [{"answers": [{"asn": 13335, "as_org_name": "Cloudflare"}]}, 7], False, False),
         "our record's scan keeps what names networks, and only that")
    c.pg.sql("DELETE FROM measurements")
    idx = c.pg.sql("SELECT indexdef FROM pg_indexes WHERE tablename = 'measurements'")
    for col in ("report_id", "input", "domain", "probe_cc", "probe_asn", "test_name",
                "measurement_start_time", "verdict", "method", "detail", "confirmed"):
        c.expect(any("(%s)" % col in r[0] for r in idx), "an index on %s" % col)
    c.eq(c.pg.sql("SELECT partstrat FROM pg_partitioned_table"), [["r"]],
         "range partitions")
    p = subprocess.run([c.probe, "report", "--db", c.pg.url, "-F", "json"],
                       capture_output=True, text=True, timeout=60)
    c.eq(p.returncode, 0, "report --db on an empty table")
    p = subprocess.run([c.probe, "report", "--db", "postgresql:///none?host=/nonexistent"],
                       capture_output=True, text=True, timeout=60)
    c.expect(p.returncode == 3 and "PostgreSQL" in p.stderr, "an unreachable database is "
             "named: %s" % p.stderr)


CASES = {
    "protocol": case_protocol, "hostile": case_hostile, "database_down": case_database_down,
    "disk_full": case_disk_full, "report_db": case_report_db, "kill9": case_kill9,
    "answers": case_answers, "init_db": case_init_db,
}


def main():
    return colutil.drive(CASES, lambda a: Case(a, a.case),
                         "needs root (a PostgreSQL cluster as another user, a tmpfs)")


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""collector_lab.py: many volunteers to one count, in the censorship lab.

    collector_lab.py --probe PATH/accessprobe --ca LAB_CA --canaries FILE CASE
    collector_lab.py --list

Three probes on three networks (the lab's probe namespace and two more this
test adds beside it, each with its own link to the ISP) measure lab sites
with the lab's control and upload, as a state-folder run does after
measuring, to `accessprobe collector` in the world namespace, which stores
into its archive and a PostgreSQL cluster of the test's own (reached
through its Unix socket).

  e2e     the counts from the probes' own files, from the archive and from
          PostgreSQL (`report --db`) are identical; `results` shows what
          each collector took and that nothing waits
  faults  the three probes upload 1,800 more records at once while the
          network to the collector is cut, the collector is killed (-9)
          and started again, PostgreSQL is stopped and started and one
          probe is killed mid-upload: after recovery every record is
          stored exactly once (uids compared), and the counts agree

Needs root and the lab (tests/lab/lab.sh up). Exit status: 0 pass, 1 fail,
77 skip (only outside CI). Everything is bounded; traffic stays in the
lab's namespaces (and on the cluster's Unix socket).
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
import colutil  # noqa: E402
from colutil import (Collector, PgCluster, archive_uids, counts_of, db_uids, diff,  # noqa: E402
                     expected_uid, report_json, synth)
from labutil import Checks, load_lab_env  # noqa: E402

COLLECTOR_IP = "198.19.0.240"
# (namespace suffix, probe address, ISP side, AS number); "" is the lab's own.
PROBES = [("", None, None, "AS65550"),
          ("cp1", "198.18.5.2", "198.18.5.1", "AS65551"),
          ("cp2", "198.18.6.2", "198.18.6.1", "AS65552")]
URLS = ["http://http.lab.test/", "https://https.lab.test/", "http://nxdomain.lab.test/",
        "https://refused.lab.test/", "https://wrongname.lab.test/"]
# The three that are down (nxdomain, refused, wrongname) get a second look
# at the end of each run (after --second-look-pause), a record each.
RECORDS = len(URLS) + 3


class Lab(Checks):
    def __init__(self, args, env, name):
        self.args, self.env, self.name, self.problems = args, env, name, []
        self.probe = args.probe
        self.work = tempfile.mkdtemp(prefix="collector-lab-%s." % name)
        os.chmod(self.work, 0o755)
        self.pg = None
        self.col = None
        self.prefix = env["LAB_PREFIX"]
        self.world = env["NS_WORLD"]
        self.isp = env["NS_ISP"]
        self.made = []

    def report(self):
        if self.problems:
            print("FAIL %s: %d problem(s):" % (self.name, len(self.problems)))
            for p in self.problems:
                print("  - " + p)
            if self.col:
                print("--- collector log ---\n%s" % self.col.log_text())
            print("work dir kept: %s" % self.work)
            return 1
        print("PASS %s" % self.name)
        return 0

    def ns(self, suffix):
        return self.env["NS_PROBE"] if not suffix else self.prefix + suffix

    def sh(self, *cmd, check=True):
        p = subprocess.run(list(cmd), capture_output=True, text=True, timeout=60)
        if check and p.returncode != 0:
            raise RuntimeError("%s: %s" % (" ".join(cmd), p.stderr))
        return p

    # -- the extra probes' networks, the collector's address --
    def networks(self):
        self.teardown_networks()
        for suffix, addr, gw, _ in PROBES[1:]:
            ns = self.ns(suffix)
            self.sh("ip", "netns", "add", ns)
            self.made.append(ns)
            self.sh("ip", "-n", ns, "link", "set", "lo", "up")
            self.sh("ip", "link", "add", "name", "isp0", "netns", ns, "type", "veth", "peer",
                    "name", suffix, "netns", self.isp)
            self.sh("ip", "-n", ns, "addr", "add", addr + "/24", "dev", "isp0")
            self.sh("ip", "-n", ns, "link", "set", "isp0", "up")
            self.sh("ip", "-n", ns, "route", "add", "default", "via", gw)
            self.sh("ip", "-n", self.isp, "addr", "add", gw + "/24", "dev", suffix)
            self.sh("ip", "-n", self.isp, "link", "set", suffix, "up")
            self.sh("ip", "-n", self.world, "route", "add", addr.rsplit(".", 1)[0] + ".0/24",
                    "via", "198.18.2.1")
            os.makedirs("/etc/netns/" + ns, exist_ok=True)
            with open("/etc/netns/%s/resolv.conf" % ns, "w") as f:
                f.write("nameserver %s\noptions timeout:2 attempts:1\n"
                        % self.env["ISP_RESOLVER"])
        self.sh("ip", "-n", self.world, "addr", "add", COLLECTOR_IP + "/32", "dev", "lo")

    def teardown_networks(self):
        for suffix, addr, _, _ in PROBES[1:]:
            ns = self.prefix + suffix
            self.sh("ip", "-n", self.world, "route", "del", addr.rsplit(".", 1)[0] + ".0/24",
                    check=False)
            if subprocess.run(["ip", "netns", "pids", ns], capture_output=True).returncode == 0:
                for pid in subprocess.run(["ip", "netns", "pids", ns], capture_output=True,
                                          text=True).stdout.split():
                    subprocess.run(["kill", "-9", pid], capture_output=True)
                self.sh("ip", "netns", "del", ns, check=False)
            shutil.rmtree("/etc/netns/" + ns, ignore_errors=True)
        self.sh("ip", "-n", self.world, "addr", "del", COLLECTOR_IP + "/32", "dev", "lo",
                check=False)
        self.cut(False)

    def cut(self, on):
        """The network between the probes and the collector, cut or mended."""
        rule = ["-d", COLLECTOR_IP, "-p", "tcp", "-j", "DROP"]
        while self.sh("ip", "netns", "exec", self.isp, "iptables", "-w", "5", "-D",
                      "FORWARD", *rule, check=False).returncode == 0:
            pass
        if on:
            self.sh("ip", "netns", "exec", self.isp, "iptables", "-w", "5", "-I", "FORWARD",
                    *rule)

    def cleanup(self):
        if self.col:
            self.eq(self.col.stop(), 0, "the collector's exit status after SIGTERM")
        if self.pg:
            self.pg.destroy()
        self.teardown_networks()

    # -- the parts --
    def start(self):
        self.networks()
        self.pg = PgCluster(self.work).init()
        self.col = Collector(self.probe, os.path.join(self.work, "archive"),
                             COLLECTOR_IP + ":80", self.pg.url,
                             prefix=["ip", "netns", "exec", self.world],
                             log=os.path.join(self.work, "collector.log"))
        self.col.start(probe_from=["ip", "netns", "exec", self.ns("")])

    def state(self, i):
        return os.path.join(self.work, "probe%d" % i)

    def config(self, i):
        d = self.state(i)
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, "config.json")
        with open(path, "w") as f:
            f.write('{"version": 1, "collectors": ["http://%s/"], "network": {"asn": "%s", '
                    '"cc": "KZ"}}\n' % (COLLECTOR_IP, PROBES[i][3]))
        return path

    def in_ns(self, i, args):
        return ["ip", "netns", "exec", self.ns(PROBES[i][0]), self.probe] + args

    def measure(self):
        """Each probe measures, then uploads (a state-folder run does)."""
        procs = []
        for i in range(len(PROBES)):
            cmd = self.in_ns(i, ["run", "--config", self.config(i), "--state-dir",
                                 self.state(i), "--ca-file", self.args.ca, "--canaries",
                                 self.args.canaries, "--step-timeout", "2000",
                                 "--second-look-pause", "1", "--control",
                                 self.env["CONTROL_URL"]] + URLS)
            procs.append(subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                          stdout=subprocess.PIPE, stderr=subprocess.PIPE))
        for i, p in enumerate(procs):
            try:
                _, err = p.communicate(timeout=180)
            except subprocess.TimeoutExpired:
                p.kill()
                _, err = p.communicate()
            err = err.decode(errors="replace")
            self.eq(p.returncode, 0, "probe %d's run:\n%s" % (i, err[-1500:]))
            self.expect("%d records stored" % RECORDS in err and "0 waiting" in err,
                        "probe %d uploaded after measuring:\n%s" % (i, err[-800:]))

    def results_files(self):
        out = []
        for i in range(len(PROBES)):
            for root, _, names in os.walk(os.path.join(self.state(i), "results")):
                out += [os.path.join(root, n) for n in names if n.endswith(".jsonl")]
        return sorted(out)

    def record_lines(self, files):
        lines = []
        for f in files:
            with open(f, encoding="utf-8") as fh:
                lines += [x.rstrip("\n") for x in fh if x.strip()]
        return lines

    def same_counts(self, files, what):
        arch = os.path.join(self.work, "archive")
        a = counts_of(report_json(self.probe, files))
        b = counts_of(report_json(self.probe, [arch]))
        d = counts_of(report_json(self.probe, ["--db", self.pg.url]))
        self.expect(a["input"]["records"] > 0, "%s: records counted" % what)
        self.expect(a == b, "%s: the probes' files and the archive: %s" % (what, diff(a, b)))
        self.expect(a == d, "%s: the probes' files and PostgreSQL: %s" % (what, diff(a, d)))

    def exactly_once(self, lines, what):
        want = set(expected_uid(x) for x in lines)
        arch = archive_uids(os.path.join(self.work, "archive"))
        db = db_uids(self.pg)
        self.eq((len(arch), set(arch)), (len(want), want), "%s: archive, every record once"
                % what)
        self.eq((len(db), set(db)), (len(want), want), "%s: PostgreSQL, every record once"
                % what)


def case_e2e(lab):
    lab.start()
    lab.measure()
    files = lab.results_files()
    lines = lab.record_lines(files)
    lab.eq(len(lines), RECORDS * len(PROBES), "records measured")
    lab.exactly_once(lines, "after measuring")
    lab.same_counts(files, "measured records")
    nets = lab.pg.sql("SELECT probe_asn, count(*) FROM measurements GROUP BY 1 ORDER BY 1")
    lab.eq(nets, [[p[3], str(RECORDS)] for p in PROBES], "one network per probe")
    for i in range(len(PROBES)):
        p = subprocess.run([lab.probe, "results", "--config", lab.config(i), "--state-dir",
                            lab.state(i)], capture_output=True, text=True, timeout=60)
        lab.expect("upload: http://%s/ %d stored, 0 waiting" % (COLLECTOR_IP, RECORDS)
                   in p.stdout, "probe %d's results show the upload:\n%s" % (i, p.stdout))


def grow(lab, n, seconds=120):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            if len(archive_uids(os.path.join(lab.work, "archive"))) >= n:
                return True
        except (OSError, EOFError, ValueError):
            pass
        time.sleep(0.2)
    return False


def case_faults(lab):
    lab.start()
    extra = []
    uploads = []

    def upload(i):
        cmd = lab.in_ns(i, ["upload", "--config", lab.config(i), "--state-dir", lab.state(i),
                            "--retry-base", "1", "--timeout", "5", "--max-time", "200",
                            "--parallel", "4", extra[i]])
        return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, start_new_session=True)
    lines = []
    for i in range(len(PROBES)):
        f = os.path.join(lab.state(i), "synthetic.jsonl")
        lab.config(i)
        lines += synth(f, 600, 20 + i, start="2026-11-2%d 06:00:00" % i, asn=PROBES[i][3])
        extra.append(f)
    uploads = [upload(i) for i in range(len(PROBES))]
    lab.expect(grow(lab, 250), "uploads make progress")
    lab.cut(True)                                  # the network cut mid-upload
    time.sleep(6)
    lab.cut(False)
    lab.expect(grow(lab, 700), "uploads go on after the network came back")
    lab.col.kill9()                                # the collector killed mid-batch
    time.sleep(1)
    lab.col.start(probe_from=["ip", "netns", "exec", lab.ns("")])
    lab.expect(grow(lab, 1000), "uploads go on after the collector came back")
    lab.pg.stop("fast")                            # the database stopped
    time.sleep(3)
    lab.pg.start()
    lab.expect(grow(lab, 1300), "uploads go on after the database came back")
    os.killpg(uploads[1].pid, 9)                   # a probe killed mid-upload
    uploads[1].communicate(timeout=30)
    uploads[1] = upload(1)
    said = ""
    for i, p in enumerate(uploads):
        try:
            _, err = p.communicate(timeout=240)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, 9)
            _, err = p.communicate()
        err = err.decode(errors="replace")
        said += err
        lab.eq(p.returncode, 0, "probe %d's upload ends with nothing waiting:\n%s"
               % (i, err[-1200:]))
    # The faults did happen, and were seen as what they were.
    lab.expect("trying again in" in said, "an uploader paused and tried again")
    log = lab.col.log_text()
    for words in ("did not stop cleanly", "PostgreSQL unavailable", "PostgreSQL connected"):
        lab.expect(words in log, "the collector's log says %r" % words)
    lab.exactly_once(lines, "after the faults")
    lab.same_counts(extra, "after the faults")


CASES = {"e2e": case_e2e, "faults": case_faults}


def main():
    return colutil.drive(CASES, lambda a: Lab(a, load_lab_env(), "lab_" + a.case),
                         "needs root and the lab", lab_args=True)


if __name__ == "__main__":
    sys.exit(main())

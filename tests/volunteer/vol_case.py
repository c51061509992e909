#!/usr/bin/env python3
"""vol_case.py: what a volunteer's probe must survive, checked on the real
binary: the consent gate, the lock, kill -9 then resume, a full disk, the
time budget, retention, no address in state or logs, results readable by
the volunteer, configuration errors, the systemd units.

    vol_case.py --probe PATH/accessprobe [--ca LAB_CA.pem] CASE
    vol_case.py --list

Cases that measure need the censorship lab (tests/lab/lab.sh up; LAB_PREFIX
and LAB_DIR select it) and root. Exit status: 0 pass, 1 fail, 77 skip
(only outside CI; under CI=true a missing requirement is a failure).
Every probe run is bounded; all traffic stays inside the lab's namespaces.
"""

import argparse
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))
RUN_TIMEOUT_S = 120

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(SRC, "tests", "lab"))
from labutil import Checks, load_lab_env, run_checks  # noqa: E402
import labutil  # noqa: E402

EXIT_OK, EXIT_OUTPUT, EXIT_INTERRUPTED = 0, 4, 6
EXIT_DISK_FULL, EXIT_BUSY, EXIT_NO_CONSENT, EXIT_CONFIG = 8, 9, 10, 11


def skip_or_fail(msg):
    labutil.skip_or_fail(msg, "volunteer")


def read_jsonl(path):
    """(records, problems) of a results file: every line must be whole JSON."""
    if not os.path.exists(path):
        return [], []
    with open(path, "rb") as f:
        raw = f.read()
    problems = []
    if raw and not raw.endswith(b"\n"):
        problems.append("%s does not end with a newline" % path)
    recs = []
    for i, line in enumerate(raw.split(b"\n")[:-1] if raw else []):
        try:
            recs.append(json.loads(line))
        except ValueError as e:
            problems.append("%s line %d is not JSON: %s" % (path, i + 1, e))
    return recs, problems


class Proc:
    def __init__(self, cmd, rc, out, err, elapsed):
        self.cmd, self.rc, self.out, self.err, self.elapsed = cmd, rc, out, err, elapsed


class Case(Checks):
    def __init__(self, ctx, name):
        self.ctx, self.name = ctx, name
        self.problems, self.procs = [], []
        self.work = ctx.workdir

    # -- running the probe --
    def lab_args(self):
        c = self.ctx
        return ["--ca-file", c.ca, "--canaries", c.canaries, "--step-timeout", "2000",
                "--probe-asn", "AS65550", "--probe-cc", "KZ"]

    def cmd(self, args, netns=True):
        base = [self.ctx.probe] + list(args)
        if netns:
            return ["ip", "netns", "exec", self.ctx.env["NS_PROBE"]] + base
        return base

    def run(self, args, netns=True, timeout=RUN_TIMEOUT_S, stdin=None, prefix=None, env=None):
        cmd = (prefix or []) + self.cmd(args, netns)
        t0 = time.monotonic()
        try:
            p = subprocess.run(cmd, cwd=self.work, input=stdin, capture_output=True,
                               timeout=timeout, env=env)
            rc, so, se = p.returncode, p.stdout, p.stderr
        except subprocess.TimeoutExpired as e:
            rc, so, se = None, e.stdout or b"", e.stderr or b""
        pr = Proc(cmd, rc, so.decode("utf-8", "replace"), se.decode("utf-8", "replace"),
                  time.monotonic() - t0)
        self.procs.append(pr)
        self.expect(rc is not None, "%s did not finish within %d s" % (shlex.join(cmd), timeout))
        return pr

    def start(self, args):
        cmd = self.cmd(args)
        p = subprocess.Popen(cmd, cwd=self.work, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        p.cmdline = cmd
        return p

    def collect(self, p, timeout=60):
        try:
            so, se = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            so, se = p.communicate()
        pr = Proc(p.cmdline, p.returncode, so.decode("utf-8", "replace"),
                  se.decode("utf-8", "replace"), 0.0)
        self.procs.append(pr)
        return pr

    # -- the volunteer's set-up --
    def config(self, name="config.json", **keys):
        cfg = {"version": 1}
        cfg.update(keys)
        path = os.path.join(self.work, name)
        with open(path, "w") as f:
            json.dump(cfg, f, indent=1)
        return path

    def consent(self, state):
        pr = self.run(["onboard", "--yes", "--lang", "en", "--state-dir", state], netns=False)
        self.eq(pr.rc, 0, "onboard --yes exit code")

    def index(self, state):
        path = os.path.join(state, "runs.json")
        try:
            with open(path) as f:
                return json.load(f).get("runs", [])
        except (OSError, ValueError) as e:
            self.expect(False, "run index %s unreadable: %s" % (path, e))
            return []

    def run_file(self, state, entry):
        return os.path.join(state, entry.get("file", "?"))

    def report(self):
        if not self.problems:
            print("PASS volunteer.%s" % self.name)
            return 0
        print("FAIL volunteer.%s" % self.name)
        for p in self.problems:
            print("  - %s" % p)
        for i, pr in enumerate(self.procs):
            print("  run %d: %s" % (i, shlex.join(pr.cmd)))
            print("    exit %s after %.2f s" % (pr.rc, pr.elapsed))
            for label, text in (("stdout", pr.out), ("stderr", pr.err)):
                if text.strip():
                    print("    %s: %s" % (label, text.strip()[-3000:].replace("\n", "\n            ")))
        print("  (work dir kept: %s)" % self.work)
        return 1


def fast(n, tag="f"):
    return ["http://http.lab.test/%s%d" % (tag, i) for i in range(n)]


def slow(n, tag="s"):
    return ["http://silent.lab.test/%s%d" % (tag, i) for i in range(n)]


def write_list(c, name, urls):
    path = os.path.join(c.work, name)
    with open(path, "w") as f:
        f.write("# test list\n" + "\n".join(urls) + "\n")
    return path


def wait_for(pred, timeout, step=0.1):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(step)
    return pred()


def lock_held(folder):
    """True when some process holds folder's lock (we try a shared lock)."""
    import fcntl
    path = os.path.join(folder, ".accessprobe.lock")
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        return False
    except OSError:
        return True
    finally:
        os.close(fd)


def count_lines(path):
    try:
        with open(path, "rb") as f:
            return f.read().count(b"\n")
    except OSError:
        return 0


# ------------------------------------------------------------------ cases --

def case_consent_gate(c):
    state = os.path.join(c.work, "state")
    cfg = c.config(state_dir=state)
    url = "http://http.lab.test/"
    pr = c.run(["run", "--scheduled", "--config", cfg] + c.lab_args() + [url])
    c.eq(pr.rc, EXIT_NO_CONSENT, "exit code without consent")
    c.expect("consent" in pr.err and "accessprobe onboard" in pr.err,
             "the refusal does not say why and what to do")
    c.expect(not os.path.exists(os.path.join(state, "results")) or
             not any(f for _, _, fs in os.walk(os.path.join(state, "results")) for f in fs),
             "a results file was written without consent")
    # 'y' is not a yes, nor a no: nothing is stored.
    pr = c.run(["onboard", "--state-dir", state, "--lang", "ru"], netns=False, stdin=b"y\n")
    c.eq(pr.rc, EXIT_NO_CONSENT, "onboard answered 'y'")
    c.expect("публикует" in pr.out, "the Russian text was not shown")
    c.expect(not os.path.exists(os.path.join(state, "consent.json")),
             "an unclear answer was stored")
    # An explicit no is stored and still refuses.
    pr = c.run(["onboard", "--state-dir", state, "--lang", "ru"], netns=False,
               stdin="y\nнет\n".encode())
    c.eq(pr.rc, EXIT_NO_CONSENT, "onboard answered 'y', then 'нет'")
    pr = c.run(["run", "--scheduled", "--config", cfg] + c.lab_args() + [url])
    c.eq(pr.rc, EXIT_NO_CONSENT, "exit code after a refusal")
    # In the language the volunteer answered in.
    c.expect("волонтёр отказался" in pr.err,
             "the refusal does not say (in Russian) that the volunteer declined")
    # A damaged consent file is neither a yes nor silently reset.
    with open(os.path.join(state, "consent.json"), "w") as f:
        f.write('{"consent": tr')
    pr = c.run(["run", "--scheduled", "--config", cfg] + c.lab_args() + [url])
    c.eq(pr.rc, EXIT_NO_CONSENT, "exit code with a damaged consent file")
    c.expect(re.search(r"consent\.json:1:", pr.err), "no FILE:LINE for the damaged consent file")
    with open(os.path.join(state, "consent.json")) as f:
        c.eq(f.read(), '{"consent": tr', "damaged consent file content (must be left alone)")
    # Kazakh from the locale, an explicit yes.
    env = dict(os.environ, LANG="kk_KZ.UTF-8", LC_ALL="", LC_MESSAGES="")
    pr = c.run(["onboard", "--state-dir", state], netns=False, stdin="иә\n".encode(), env=env)
    c.eq(pr.rc, 0, "onboard answered 'иә'")
    c.expect("IP-мекенжайыңыз" in pr.out, "the Kazakh text was not shown")
    with open(os.path.join(state, "consent.json")) as f:
        stored = json.load(f)
    c.eq(stored.get("consent"), True, "stored consent")
    c.eq(stored.get("lang"), "kk", "stored language")
    c.expect(stored.get("date") and stored.get("text_version"), "date or text version missing")
    # Unclear answers later never overwrite that yes.
    pr = c.run(["onboard", "--state-dir", state], netns=False, stdin="y\nиа\nДа.\n".encode(),
               env=env)
    c.eq(pr.rc, EXIT_NO_CONSENT, "onboard answered only unclearly")
    with open(os.path.join(state, "consent.json")) as f:
        c.eq(json.load(f), stored, "the stored yes after unclear answers")
    pr = c.run(["run", "--scheduled", "--config", cfg] + c.lab_args() + [url])
    c.eq(pr.rc, 0, "exit code with consent")
    runs = c.index(state)
    c.eq(len(runs), 1, "runs in the index")
    if runs:
        recs, probs = read_jsonl(c.run_file(state, runs[0]))
        c.eq(len(recs), 1, "records")
        c.eq(probs, [], "results file problems")
        c.eq(runs[0].get("status"), "complete", "run status")
        c.expect(re.match(r"results/\d{4}-\d\d-\d\d/[^/]+\.jsonl$", runs[0].get("file", "")),
                 "results file is not results/YYYY-MM-DD/RUN.jsonl: %r" % runs[0].get("file"))


def case_lock(c):
    state = os.path.join(c.work, "state")
    cfg = c.config(state_dir=state)
    c.consent(state)
    urls = slow(6)
    a = c.start(["run", "--scheduled", "-p", "1", "--config", cfg] + c.lab_args() + urls)
    try:
        c.expect(wait_for(lambda: lock_held(state), 20), "the first run never took the lock")
        pr = c.run(["run", "--scheduled", "--config", cfg] + c.lab_args() + fast(1), timeout=30)
        c.eq(pr.rc, EXIT_BUSY, "second scheduled run exit code")
        c.expect(pr.elapsed < 5, "second run took %.1f s to give up" % pr.elapsed)
        c.expect(re.search(r"another accessprobe run \(process \d+\) is already writing", pr.err),
                 "no clear message naming the other run")
        # A plain run into the same kind of folder: the lock is per folder.
        out = os.path.join(c.work, "plain")
        os.makedirs(out)
        p2 = c.start(["run", "-p", "1", "-o", os.path.join(out, "a.jsonl")] + c.lab_args() + slow(4, "p"))
        try:
            c.expect(wait_for(lambda: lock_held(out), 20), "the plain run never took the lock")
            pr = c.run(["run", "-o", os.path.join(out, "b.jsonl")] + c.lab_args() + fast(1), timeout=30)
            c.eq(pr.rc, EXIT_BUSY, "second plain run into the same folder")
            pr = c.run(["run", "-o", os.path.join(c.work, "elsewhere.jsonl")] + c.lab_args() + fast(1))
            c.eq(pr.rc, 0, "a run into another folder")
        finally:
            p2.send_signal(signal.SIGTERM)
            c.collect(p2)
    finally:
        a.send_signal(signal.SIGTERM)
        first = c.collect(a)
    c.eq(first.rc, EXIT_INTERRUPTED, "first run stopped by SIGTERM")
    c.expect(wait_for(lambda: not lock_held(state), 5), "the lock outlived its run")
    runs = c.index(state)
    c.eq(len(runs), 1, "runs in the index (the busy run must not add one)")


def case_kill_resume(c):
    state = os.path.join(c.work, "state")
    cfg = c.config(state_dir=state)
    c.consent(state)
    urls = []
    for f, s in zip(fast(6), slow(6)):
        urls += [f, s]
    lst = write_list(c, "list.txt", urls)
    args = ["run", "--scheduled", "-p", "1", "--config", cfg, "-f", lst] + c.lab_args()
    p = c.start(args)
    path = {}

    def some_written():
        runs = _index_quiet(state)
        if not runs:
            return False
        path["f"] = c.run_file(state, runs[-1])
        return count_lines(path["f"]) >= 3

    ok = wait_for(lambda: some_written() or p.poll() is not None, 60)
    died_early = p.poll() is not None
    if not died_early:
        os.kill(p.pid, signal.SIGKILL)   # ip netns exec execs the probe: same pid
    killed = c.collect(p)
    c.expect(not died_early, "the run ended by itself before it was killed (rc %r)" % p.returncode)
    c.expect(ok, "no 3 records within 60 s")
    c.expect(killed.rc == -signal.SIGKILL, "the run was not killed (rc %r)" % killed.rc)
    if "f" not in path:
        return
    f = path["f"]
    with open(f, "rb") as fh:
        before = fh.read()
    kept = before.count(b"\n")
    c.expect(kept >= 3 and kept < len(urls), "records before the kill: %d" % kept)
    # A power cut in the middle of a write: a torn last line.
    torn = b'{"annotations":{},"input":"http://silent.lab.test/s5","test_keys":{"queri'
    with open(f, "ab") as fh:
        fh.write(torn)
    runs = c.index(state)
    c.eq(runs[-1].get("status") if runs else None, "running", "index status after kill -9")
    pr = c.run(["results", "--state-dir", state], netns=False)
    c.expect("interrupted" in pr.out, "results does not show the killed run as interrupted")
    pr = c.run(args)
    c.eq(pr.rc, 0, "resumed run exit code")
    c.expect("moved aside" in pr.err, "no message about the torn line")
    c.expect("resuming" in pr.err, "no message about resuming")
    with open(f + ".partial", "rb") as fh:
        c.expect(torn in fh.read(), "the torn line is not in %s.partial" % f)
    recs, probs = read_jsonl(f)
    c.eq(probs, [], "results file problems")
    inputs = [r.get("input") for r in recs]
    c.eq(sorted(inputs), sorted(urls), "inputs recorded (each once)")
    c.eq(len(inputs), len(set(inputs)), "no input recorded twice")
    with open(f, "rb") as fh:
        c.expect(fh.read().startswith(before), "records written before the kill changed")
    runs = c.index(state)
    c.eq(len(runs), 1, "runs in the index (the resumed run is the same run)")
    if runs:
        c.eq(runs[-1].get("status"), "complete", "status after resume")
        c.eq(runs[-1].get("resumed"), 1, "times resumed")
    # An explicit --resume of a finished run measures nothing again.
    pr = c.run(["run", "--resume", "--state-dir", state, "--config", cfg, "-f", lst] + c.lab_args())
    c.eq(pr.rc, 0, "--resume of a complete run")
    c.eq(len(c.index(state)), 2, "a new run after a complete one")


def _index_quiet(state):
    try:
        with open(os.path.join(state, "runs.json")) as f:
            return json.load(f).get("runs", [])
    except (OSError, ValueError):
        return []


def same_second_env():
    """An environment in which every probe run's clock starts at the same
    second (libfaketime), as on a machine that finishes a short run within
    a second: runs then share their start time, and only the run index's
    order tells which ran last. None when libfaketime is missing."""
    import glob
    libs = sorted(glob.glob("/usr/lib/*/faketime/libfaketimeMT.so.1"))
    if not libs:
        return None
    t0 = time.time()
    if t0 % 86400 > 86400 - 600:        # stay on today's UTC date
        t0 -= 600
    env = dict(os.environ)
    env.update({"LD_PRELOAD": libs[0], "TZ": "UTC", "DONT_FAKE_MONOTONIC": "1",
                "FAKETIME": time.strftime("@%Y-%m-%d %H:%M:%S", time.gmtime(t0))})
    return env


def case_disk_full(c):
    mnt = os.path.join(c.work, "small")
    os.makedirs(mnt)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m,mode=0755", "tmpfs", mnt],
                       capture_output=True)
    if r.returncode != 0:
        c.expect(False, "cannot mount a tmpfs: %s" % r.stderr.decode(errors="replace"))
        return
    try:
        disk_full_on(c, mnt)
    finally:
        subprocess.run(["umount", "-l", mnt])


def disk_full_on(c, mnt):
    # Every run starts in the same second, whatever the machine's speed:
    # the run that hit the full disk must still be the one resumed.
    env = same_second_env()
    if env is None:
        skip_or_fail("libfaketime is missing (apt-get install faketime)")
    state = os.path.join(mnt, "state")
    cfg = c.config(state_dir=state)
    c.consent(state)
    pr = c.run(["run", "--scheduled", "--config", cfg] + c.lab_args() + fast(3), env=env)
    c.eq(pr.rc, 0, "first run exit code")
    runs = c.index(state)
    first = c.run_file(state, runs[0]) if runs else None
    with open(first, "rb") as fh:
        first_bytes = fh.read()
    # Leave about 1.3 MiB: enough to start, not for four 0.5 MiB records.
    st = os.statvfs(mnt)
    free = st.f_bavail * st.f_frsize
    filler = os.path.join(mnt, "filler")
    with open(filler, "wb") as fh:
        fh.write(b"\0" * max(0, free - 1300 * 1024))
    big = ["http://endless.lab.test/%d" % i for i in range(4)]
    lst = write_list(c, "big.txt", big)
    args = ["run", "--scheduled", "-p", "1", "--config", cfg, "-f", lst] + c.lab_args()
    pr = c.run(args, env=env)
    c.eq(pr.rc, EXIT_DISK_FULL, "exit code on a full disk")
    c.expect(re.search(r"disk .* is full", pr.err), "no clear disk-full message")
    with open(first, "rb") as fh:
        c.expect(fh.read() == first_bytes, "the earlier run's records changed")
    runs = _index_quiet(state)
    c.expect(len(runs) == 2, "runs in the index: %d" % len(runs))
    if len(runs) == 2:
        c.eq(runs[0].get("started"), runs[1].get("started"),
             "start times (libfaketime must make them the same second)")
        c.eq([r.get("status") for r in runs], ["complete", "disk_full"],
             "run statuses, in the order the runs ran")
        f = c.run_file(state, runs[1])
        recs, probs = read_jsonl(f)
        c.eq(probs, [], "problems in the file of the run that hit the full disk")
        c.expect(1 <= len(recs) < len(big), "records kept on the full disk: %d" % len(recs))
        c.expect(not os.path.exists(f + ".partial"), "a partial record was left beside it")
    # Space again: the next scheduled run finishes that run.
    os.unlink(filler)
    pr = c.run(args, env=env)
    c.eq(pr.rc, 0, "exit code once there is space")
    c.expect("resuming" in pr.err, "the run after the full disk did not resume it")
    runs = _index_quiet(state)
    if len(runs) == 2:
        recs, probs = read_jsonl(c.run_file(state, runs[1]))
        c.eq(probs, [], "problems after resuming")
        c.eq(sorted(r.get("input") for r in recs), sorted(big), "inputs after resuming")
        c.eq(runs[1].get("status"), "complete", "status after resuming")


def case_time_budget(c):
    state = os.path.join(c.work, "state")
    cfg = c.config(state_dir=state, max_runtime=3)
    c.consent(state)
    urls = slow(8)
    lst = write_list(c, "slow.txt", urls)
    args = ["run", "--scheduled", "-p", "2", "--config", cfg, "-f", lst] + c.lab_args()
    pr = c.run(args)
    c.eq(pr.rc, 0, "exit code when the budget is spent")
    c.expect(pr.elapsed < 15, "a 3 s budget took %.1f s" % pr.elapsed)
    m = re.search(r"time budget of 3 s reached: (\d+) complete records kept .*; (\d+) inputs left",
                  pr.err)
    c.expect(m, "no message saying how many inputs were left")
    runs = c.index(state)
    if not runs:
        return
    recs, probs = read_jsonl(c.run_file(state, runs[0]))
    c.eq(probs, [], "results file problems")
    c.expect(1 <= len(recs) < len(urls), "records within the budget: %d" % len(recs))
    c.eq(runs[0].get("status"), "budget", "status")
    c.eq(runs[0].get("left"), len(urls) - len(recs), "inputs left in the index")
    if m:
        c.eq(int(m.group(2)), len(urls) - len(recs), "inputs left in the message")
    pr = c.run(["results", "--state-dir", state], netns=False)
    c.expect("left unmeasured" in pr.out, "results does not say inputs were left")
    # The next scheduled run measures the rest.
    pr = c.run(args + ["--max-runtime", "120"])
    c.eq(pr.rc, 0, "exit code of the run that finishes the list")
    recs, probs = read_jsonl(c.run_file(state, runs[0]))
    c.eq(sorted(r.get("input") for r in recs), sorted(urls), "inputs after the second run")


def case_retention(c):
    state = os.path.join(c.work, "state")
    cfg = c.config(state_dir=state, retention={"days": 30, "max_mb": 1})
    c.consent(state)
    today = time.strftime("%Y-%m-%d", time.gmtime())
    old = [("old1", "2001-01-01"), ("old2", "2001-02-01"), ("big", today)]
    runs = []
    for rid, day in old:
        d = os.path.join(state, "results", day)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, rid + ".jsonl"), "w") as f:
            f.write(("x" * 1023 + "\n") * (1500 if rid == "big" else 10))
        runs.append({"id": rid, "file": "results/%s/%s.jsonl" % (day, rid),
                     "started": day + "T10:00:00Z", "status": "complete"})
    with open(os.path.join(state, "runs.json"), "w") as f:
        json.dump({"version": 1, "runs": runs}, f)
    pr = c.run(["run", "--scheduled", "--config", cfg] + c.lab_args() + fast(2))
    c.eq(pr.rc, 0, "exit code")
    c.eq(len(re.findall(r"retention: deleted run", pr.err)), 3, "runs deleted by retention")
    for rid, day in old:
        c.expect(not os.path.exists(os.path.join(state, "results", day, rid + ".jsonl")),
                 "run %s was not deleted" % rid)
    c.expect(not os.path.exists(os.path.join(state, "results", "2001-01-01")),
             "an empty dated folder was left")
    now = c.index(state)
    c.eq(len(now), 1, "runs left in the index")
    if now:
        recs, _ = read_jsonl(c.run_file(state, now[0]))
        c.eq(len(recs), 2, "records of the current run")


def case_private_state(c):
    """The probe's address is nowhere: not in records (client_ip_echo checks
    those), not in the state folder, not in the logs, text or JSON."""
    ip = c.ctx.env["PROBE_IP"]
    state = os.path.join(c.work, "state")
    cfg = c.config(state_dir=state)
    c.consent(state)
    urls = ["http://echoip.lab.test/", "http://http.lab.test/"]
    text = c.run(["run", "--scheduled", "--config", cfg] + c.lab_args() + urls)
    c.eq(text.rc, 0, "exit code (text log)")
    js = c.run(["run", "--scheduled", "--log-format", "json", "--config", cfg] + c.lab_args() + urls)
    c.eq(js.rc, 0, "exit code (JSON log)")
    types = []
    for line in js.err.splitlines():
        try:
            types.append(json.loads(line).get("type"))
        except ValueError:
            c.expect(False, "a --log-format json line is not JSON: %r" % line)
    c.eq(types.count("progress"), 2, "JSON progress lines")
    c.eq(types[-1:], ["summary"], "last JSON line")
    res = c.run(["results", "--state-dir", state], netns=False)
    show = c.run(["results", "--state-dir", state, "show", "latest"], netns=False)
    c.expect("echoip.lab.test" in show.out, "results show does not list the site")
    for pr in (text, js, res, show):
        c.expect(ip not in pr.out and ip not in pr.err,
                 "the probe's address %s is in the output of %s" % (ip, shlex.join(pr.cmd)))
    for root, _, files in os.walk(state):
        for name in files:
            p = os.path.join(root, name)
            with open(p, "rb") as f:
                data = f.read()
            c.expect(ip.encode() not in data, "the probe's address %s is in %s" % (ip, p))
    recs, _ = read_jsonl(c.run_file(state, c.index(state)[-1]))
    c.expect(any("[scrubbed]" in json.dumps(r) for r in recs), "nothing was scrubbed: was the "
             "address echoed at all?")


def case_results_other_user(c):
    """The scheduler's user writes; the volunteer, in its group, reads."""
    if shutil.which("setpriv") is None:
        c.expect(False, "setpriv (util-linux) is missing")
        return
    os.chmod(c.work, 0o755)
    state = os.path.join(c.work, "state")
    cfg = c.config(state_dir=state)
    c.consent(state)
    pr = c.run(["run", "--scheduled", "--config", cfg] + c.lab_args() +
               ["http://http.lab.test/", "https://nxdomain.lab.test/"])
    c.eq(pr.rc, 0, "scheduled run")
    gid = 4242                           # the "accessprobe" group, by number
    for root, dirs, files in os.walk(state):
        for n in dirs + files + [""]:
            p = os.path.join(root, n) if n else root
            os.chown(p, 0, gid)
    member = ["setpriv", "--reuid", "65534", "--regid", "65534", "--groups", str(gid), "--"]
    outsider = ["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups", "--"]
    pr = c.run(["results", "--state-dir", state], netns=False, prefix=member)
    c.eq(pr.rc, 0, "results as a member of the group")
    c.expect(re.search(r"\n\s+1\s+\d{4}-\d\d-\d\d .*AS65550 KZ\s+complete\s+no\s+2\b",
                       pr.out), "the run is not listed with its network and 2 sites")
    pr = c.run(["results", "--state-dir", state, "show", "1"], netns=False, prefix=member)
    c.eq(pr.rc, 0, "results show as a member of the group")
    c.expect("http://http.lab.test/" in pr.out and "dns_nxdomain_error" in pr.out,
             "results show lacks the sites or their reasons")
    pr = c.run(["results", "--state-dir", state], netns=False, prefix=outsider)
    c.eq(pr.rc, 3, "results as a user outside the group")
    c.expect("accessprobe group" in pr.err, "no hint about the accessprobe group")


def case_config_errors(c):
    cases = [
        ('{"version": 1,\n "lists": ["a.csv",]\n}\n', 2, "unexpected token"),
        ('{"version": 1,\n "parallel": 8,\n "paralel": 3\n}\n', 3, 'unknown key "paralel"'),
        ('{"version": 1,\n "network": {\n   "asn": "AS-9"}}\n', 3, "network.asn"),
        ('{"version": 1,\n "max_runtime": -5}\n', 2, "max_runtime"),
        ('{"version": 7}\n', 1, "newer than this accessprobe"),
        ('{"version": 1,\n "informed_consent": true}\n', 2, "accessprobe onboard"),
    ]
    state = os.path.join(c.work, "state")
    c.consent(state)
    with open(os.path.join(state, "consent.json"), "rb") as f:
        consent = f.read()
    for i, (text, line, why) in enumerate(cases):
        path = os.path.join(c.work, "bad%d.json" % i)
        with open(path, "w") as f:
            f.write(text)
        for mode in (["run"], ["run", "--scheduled", "--state-dir", state], ["results"]):
            pr = c.run(mode + ["--config", path, "http://http.lab.test/"] if mode[0] == "run"
                       else mode + ["--config", path], netns=False, timeout=20)
            c.eq(pr.rc, EXIT_CONFIG, "%s with %s" % (" ".join(mode), os.path.basename(path)))
            first = pr.err.splitlines()[0] if pr.err else ""
            c.expect(first.startswith("%s:%d: " % (path, line)) and why in first,
                     "%s: expected '%s:%d: ...%s...', got %r" % (" ".join(mode), path, line, why, first))
        with open(path) as f:
            c.eq(f.read(), text, "the malformed file was changed")
    with open(os.path.join(state, "consent.json"), "rb") as f:
        c.eq(f.read(), consent, "the consent changed")
    c.expect(not os.path.exists(os.path.join(state, "runs.json")), "a run started")


def case_retention_unlisted(c):
    """Runs on disk that runs.json does not list (it was never written, or
    their entries are malformed) still count for retention."""
    state = os.path.join(c.work, "state")
    cfg = c.config(state_dir=state, retention={"days": 30, "max_mb": 1})
    c.consent(state)
    today = time.strftime("%Y-%m-%d", time.gmtime())
    files = {}
    for rid, day, lines in (("old1", "2001-01-01", 10), ("big", today, 1500)):
        d = os.path.join(state, "results", day)
        os.makedirs(d, exist_ok=True)
        files[rid] = os.path.join(d, rid + ".jsonl")
        with open(files[rid], "w") as f:
            f.write(("x" * 1023 + "\n") * lines)
    # No runs.json at all.
    pr = c.run(["run", "--scheduled", "--config", cfg] + c.lab_args() + fast(1))
    c.eq(pr.rc, 0, "exit code without runs.json")
    c.expect(not os.path.exists(files["old1"]), "an unlisted old run was not deleted")
    c.expect(not os.path.exists(files["big"]), "an unlisted big run was not deleted")
    # An index whose entry for a big file is malformed (no id).
    d = os.path.join(state, "results", today)
    with open(os.path.join(d, "big2.jsonl"), "w") as f:
        f.write(("x" * 1023 + "\n") * 1500)
    runs = c.index(state)
    runs.append({"file": "results/%s/big2.jsonl" % today, "status": "complete"})
    with open(os.path.join(state, "runs.json"), "w") as f:
        json.dump({"version": 1, "runs": runs}, f)
    pr = c.run(["run", "--scheduled", "--config", cfg] + c.lab_args() + fast(1, "g"))
    c.eq(pr.rc, 0, "exit code with a malformed entry")
    c.expect(not os.path.exists(os.path.join(d, "big2.jsonl")),
             "the file of a malformed entry escaped the size limit")


def case_network_name(c):
    state = os.path.join(c.work, "state")
    cfg = c.config(state_dir=state)
    c.consent(state)
    long_name = "Ж" * 64                                   # 128 bytes
    pr = c.run(["run", "--scheduled", "--config", cfg, "--probe-network-name", long_name] +
               c.lab_args() + fast(1), timeout=30)
    c.eq(pr.rc, 2, "exit code with a 128-byte --probe-network-name")
    c.expect("at most 127 bytes" in pr.err, "no clear message about the name's length")
    bad = c.config("bad.json", state_dir=state, network={"name": long_name})
    pr = c.run(["run", "--scheduled", "--config", bad] + c.lab_args() + fast(1), timeout=30)
    c.eq(pr.rc, EXIT_CONFIG, "exit code with a 128-byte network.name")
    c.expect("network.name: at most 127 bytes" in pr.err, "no clear message for network.name")
    name = "Ж" * 63 + "a"                                  # 127 bytes
    pr = c.run(["run", "--scheduled", "--config", cfg, "--probe-network-name", name] +
               c.lab_args() + fast(1))
    c.eq(pr.rc, 0, "exit code with a 127-byte name")
    c.expect("cannot update the run index" not in pr.err, "the run index was not saved")
    pr = c.run(["results", "--json", "--state-dir", state], netns=False)
    c.eq(pr.rc, 0, "results --json")
    lines = [json.loads(l) for l in pr.out.splitlines() if l.strip()]
    c.eq([l.get("probe_network_name") for l in lines], [name], "network names listed")


def _owners(root):
    bad = []
    for d, dirs, files in os.walk(root):
        for n in dirs + files + [""]:
            p = os.path.join(d, n) if n else d
            st = os.lstat(p)
            if (st.st_uid, st.st_gid) != (65534, 65534):
                bad.append("%s is %d:%d" % (p, st.st_uid, st.st_gid))
    return bad


def case_root_run_owner(c):
    """sudo accessprobe onboard / run --state-dir in the service's folder
    leave files the service user can still read and write."""
    if shutil.which("setpriv") is None:
        c.expect(False, "setpriv (util-linux) is missing")
        return
    os.chmod(c.work, 0o755)
    state = os.path.join(c.work, "state")
    os.makedirs(state, mode=0o750)
    os.chown(state, 65534, 65534)
    cfg = c.config(state_dir=state)
    os.chmod(cfg, 0o644)
    c.consent(state)                                   # as root
    slow_urls = fast(2) + slow(2)
    p = c.start(["run", "--state-dir", state, "-p", "1", "--config", cfg] + c.lab_args() +
                slow_urls)
    wait_for(lambda: any(n.endswith(".jsonl") for _, _, fs in os.walk(state) for n in fs), 30)
    time.sleep(2)
    os.kill(p.pid, signal.SIGKILL)                     # leaves "running"
    c.collect(p)
    runs = c.index(state)
    if runs:
        with open(c.run_file(state, runs[-1]), "ab") as f:
            f.write(b'{"input":"torn')                 # resumed: .partial
    c.eq(_owners(state), [], "files not owned by the folder's owner after root runs")
    ns = c.ctx.env["NS_PROBE"]
    cmd = ["ip", "netns", "exec", ns, "setpriv", "--reuid", "65534", "--regid", "65534",
           "--clear-groups", "--", c.ctx.probe, "run", "--scheduled", "--config", cfg] + \
        c.lab_args() + slow_urls
    t0 = time.monotonic()
    r = subprocess.run(cmd, cwd=c.work, capture_output=True, timeout=RUN_TIMEOUT_S)
    c.procs.append(Proc(cmd, r.returncode, r.stdout.decode(errors="replace"),
                        r.stderr.decode(errors="replace"), time.monotonic() - t0))
    c.eq(r.returncode, 0, "scheduled run as the service user after root runs")
    pr = c.run(["run", "--resume", "--state-dir", state, "--config", cfg] + c.lab_args() +
               slow_urls)
    c.eq(_owners(state), [], "files not owned by the folder's owner after a root resume")


def case_resume_new_day(c):
    """The timer carries on only today's unfinished run; a rebuilt index
    (every run "recovered") resumes nothing."""
    state = os.path.join(c.work, "state")
    cfg = c.config(state_dir=state)
    c.consent(state)
    urls = fast(2)
    y = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 86400))
    d = os.path.join(state, "results", y)
    os.makedirs(d)
    old = os.path.join(d, "yday.jsonl")
    rec = json.dumps({"input": urls[0], "report_id": "yday", "test_keys": {}}) + "\n"
    with open(old, "w") as f:
        f.write(rec)
    with open(os.path.join(state, "runs.json"), "w") as f:
        json.dump({"version": 1, "runs": [{"id": "yday", "file": "results/%s/yday.jsonl" % y,
                                           "started": y + "T23:50:00Z",
                                           "status": "interrupted"}]}, f)
    args = ["run", "--scheduled", "--config", cfg] + c.lab_args() + urls
    pr = c.run(args)
    c.eq(pr.rc, 0, "scheduled run after yesterday's interrupted run")
    runs = c.index(state)
    c.eq(len(runs), 2, "runs (a new day is a new run)")
    with open(old) as f:
        c.expect(f.read() == rec, "yesterday's file changed")
    if len(runs) == 2:
        recs, _ = read_jsonl(c.run_file(state, runs[1]))
        c.eq(sorted(r.get("input") for r in recs), sorted(urls), "today's records")
    # The index is lost: rebuilt runs are "recovered", never carried on.
    os.unlink(os.path.join(state, "runs.json"))
    pr = c.run(args)
    c.eq(pr.rc, 0, "scheduled run after the index was lost")
    c.expect("already complete" not in pr.err, "a recovered run was resumed")
    runs = c.index(state)
    c.eq(len(runs), 3, "runs after the rebuild")
    if len(runs) == 3:
        recs, _ = read_jsonl(c.run_file(state, runs[-1]))
        c.eq(len(recs), len(urls), "records measured today after the rebuild")


def case_state_file_lock(c):
    """run --resume -o STATE/results/DAY/RUN.jsonl takes the state folder's
    lock, the one a scheduled run holds."""
    import fcntl
    state = os.path.join(c.work, "state")
    cfg = c.config(state_dir=state)
    c.consent(state)
    pr = c.run(["run", "--scheduled", "--config", cfg] + c.lab_args() + fast(1))
    c.eq(pr.rc, 0, "first run")
    runs = c.index(state)
    if not runs:
        return
    f = c.run_file(state, runs[0])
    with open(f, "rb") as fh:
        before = fh.read()
    fd = os.open(os.path.join(state, ".accessprobe.lock"), os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)   # as a scheduled run does
        via = os.path.join(state, "results", "..", "results",
                           os.path.relpath(f, os.path.join(state, "results")))
        for out in (f, via):
            pr = c.run(["run", "--resume", "-o", out] + c.lab_args() + fast(2), timeout=30)
            c.eq(pr.rc, EXIT_BUSY, "run --resume -o %s while the state folder is locked" % out)
    finally:
        os.close(fd)
    with open(f, "rb") as fh:
        c.expect(fh.read() == before, "the locked run's file changed")


def case_offline_visible(c):
    """Offline runs exit 5, a success for systemd: results says so first."""
    state = os.path.join(c.work, "state")
    os.makedirs(os.path.join(state, "results"))
    runs = [{"id": "ok1", "file": "", "started": "2025-03-01T10:00:00Z", "status": "complete"}]
    for i in range(3):
        runs.append({"id": "off%d" % i, "file": "", "started": "2025-03-0%dT10:00:00Z" % (i + 2),
                     "status": "offline"})
    with open(os.path.join(state, "runs.json"), "w") as f:
        json.dump({"version": 1, "runs": runs}, f)
    pr = c.run(["results", "--state-dir", state], netns=False)
    c.eq(pr.rc, 0, "results")
    first = pr.out.splitlines()[0] if pr.out else ""
    c.expect("OFFLINE" in first and "last 3 runs measured nothing" in first,
             "the offline streak is not the first thing shown: %r" % first)
    c.expect("2025-03-01T10:00:00Z" in pr.out, "the last run that measured is not named")
    c.expect("install-schedule" in pr.out, "no hint about a local resolver")
    runs.append({"id": "ok2", "file": "", "started": "2025-03-09T10:00:00Z", "status": "complete"})
    with open(os.path.join(state, "runs.json"), "w") as f:
        json.dump({"version": 1, "runs": runs}, f)
    pr = c.run(["results", "--state-dir", state], netns=False)
    c.expect("OFFLINE" not in pr.out, "an old offline streak is still shown")


def loopback_dropin(c, root, units, resolv, sa, env, verify):
    """A resolver on 127.0.0.1 / ::1 (dnsmasq, unbound, Pi-hole) is allowed by
    a drop-in, exactly that address; the stub 127.0.0.53 needs none."""
    dropin = os.path.join(root, "etc/systemd/system/accessprobe.service.d/resolver.conf")
    try:
        with open(dropin) as f:
            text = f.read()
    except OSError as e:
        c.expect(False, "no drop-in for the loopback resolver: %s" % e)
        return
    allow = re.findall(r"^IPAddressAllow=(\S+)$", text, re.M)
    c.eq(sorted(allow), ["127.0.0.1/32", "::1/128"], "addresses allowed by the drop-in")
    c.expect("[Service]" in text, "the drop-in has no [Service] section")
    # The unit with its drop-in still verifies and scores the same.
    shutil.copytree(os.path.dirname(dropin), os.path.join(units, "accessprobe.service.d"))
    try:
        p = subprocess.run(verify, capture_output=True, text=True, env=env, timeout=60)
        c.procs.append(Proc(verify, p.returncode, p.stdout, p.stderr, 0))
        c.eq(p.returncode, 0, "systemd-analyze verify with the drop-in")
        c.eq(p.stderr.strip(), "", "systemd-analyze verify messages with the drop-in")
        svc = os.path.join(units, "accessprobe.service")
        p = subprocess.run([sa, "security", "--offline=true", svc], capture_output=True,
                           text=True, timeout=60)
        m = re.search(r"Overall exposure level for accessprobe.service: ([\d.]+)",
                      p.stdout + p.stderr)
        c.expect(m and float(m.group(1)) <= 2.0, "exposure level with the drop-in %s" %
                 (m.group(1) if m else "not found"))
    finally:
        shutil.rmtree(os.path.join(units, "accessprobe.service.d"))
    # A resolver that is systemd-resolved's stub, or elsewhere: no drop-in.
    with open(resolv, "w") as f:
        f.write("nameserver 127.0.0.53\nnameserver 10.0.0.1\n")
    p = subprocess.run([os.path.join(SRC, "scripts", "install-schedule"), "--systemd", "--root",
                        root, "--yes", "--lang", "en", "--bin", c.ctx.probe, "--resolv-conf",
                        resolv], capture_output=True, text=True, timeout=60)
    c.procs.append(Proc(["install-schedule", "(stub resolver)"], p.returncode, p.stdout,
                        p.stderr, 0))
    c.eq(p.returncode, 0, "install-schedule with the stub resolver")
    c.expect(not os.path.exists(dropin), "a drop-in was left for the stub resolver")


def case_units(c):
    sa = shutil.which("systemd-analyze")
    if not sa:
        c.expect(False, "systemd-analyze is missing (Debian package systemd)")
        return
    d = os.path.join(c.work, "units")
    man = os.path.join(c.work, "man", "man1")
    os.makedirs(d)
    os.makedirs(man)
    shutil.copy(os.path.join(SRC, "docs", "accessprobe.1"), man)
    with open(os.path.join(SRC, "dist", "systemd", "accessprobe.service")) as f:
        unit = f.read()
    c.expect("ExecStart=/usr/bin/accessprobe run --scheduled" in unit, "ExecStart changed")
    with open(os.path.join(d, "accessprobe.service"), "w") as f:
        f.write(unit.replace("ExecStart=/usr/bin/accessprobe", "ExecStart=" + c.ctx.probe))
    shutil.copy(os.path.join(SRC, "dist", "systemd", "accessprobe.timer"), d)
    env = dict(os.environ, MANPATH=os.path.join(c.work, "man"))
    files = [os.path.join(d, "accessprobe.service"), os.path.join(d, "accessprobe.timer")]
    # verify checks Documentation=man:accessprobe(1) with man(1) (man-db),
    # against the page in this tree; without man-db that check is skipped.
    verify = [sa, "verify"] + ([] if shutil.which("man") else ["--man=no"]) + files
    p = subprocess.run(verify, capture_output=True, text=True, env=env, timeout=60)
    c.procs.append(Proc(verify, p.returncode, p.stdout, p.stderr, 0))
    c.eq(p.returncode, 0, "systemd-analyze verify")
    c.eq(p.stderr.strip(), "", "systemd-analyze verify messages")
    p = subprocess.run([sa, "security", "--offline=true", files[0]], capture_output=True,
                       text=True, timeout=60)
    c.procs.append(Proc([sa, "security", "--offline=true", files[0]], p.returncode,
                        p.stdout[-600:], p.stderr, 0))
    m = re.search(r"Overall exposure level for accessprobe.service: ([\d.]+)", p.stdout + p.stderr)
    c.expect(m and float(m.group(1)) <= 2.0, "exposure level %s (want <= 2.0)" %
             (m.group(1) if m else "not found"))
    if m:
        print("systemd-analyze security: %s" % m.group(1))
    with open(os.path.join(d, "accessprobe.timer")) as f:
        timer = f.read()
    for key in ("Persistent=true", "FixedRandomDelay=true", "RandomizedDelaySec=",
                "OnCalendar=daily"):
        c.expect(key in timer, "timer lacks %s" % key)
    for key in ("After=network-online.target time-sync.target", "IPAddressDeny=localhost",
                "ProtectSystem=strict", "PrivateTmp=yes", "NoNewPrivileges=yes",
                "SystemCallFilter=@system-service", "TimeoutStartSec=", "StateDirectory=accessprobe",
                "User=accessprobe"):
        c.expect(key in unit, "service lacks %s" % key)
    # install-schedule into a scratch root, both ways.
    resolv = os.path.join(c.work, "resolv.conf")
    with open(resolv, "w") as f:
        f.write("# dnsmasq\nnameserver 127.0.0.1\nnameserver ::1\nnameserver 10.0.0.1\n")
    for mode in ("--systemd", "--cron"):
        root = os.path.join(c.work, "root" + mode)
        p = subprocess.run([os.path.join(SRC, "scripts", "install-schedule"), mode, "--root", root,
                            "--yes", "--lang", "ru", "--bin", c.ctx.probe,
                            "--resolv-conf", resolv, "--control", "https://th.example.org/",
                            "--collector", "https://c.example.org/"],
                           capture_output=True, text=True, timeout=60)
        c.procs.append(Proc(["install-schedule", mode], p.returncode, p.stdout, p.stderr, 0))
        c.eq(p.returncode, 0, "install-schedule %s" % mode)
        cons = os.path.join(root, "var/lib/accessprobe/consent.json")
        try:
            with open(cons) as f:
                c.eq(json.load(f).get("consent"), True, "consent stored by install-schedule")
        except (OSError, ValueError) as e:
            c.expect(False, "consent file %s: %s" % (cons, e))
        conf = os.path.join(root, "etc/accessprobe/config.json")
        pr = c.run(["results", "--config", conf, "--state-dir", os.path.join(root, "st")],
                   netns=False)
        c.eq(pr.rc, 0, "the installed config.json loads")
        with open(conf) as f:
            servers = json.load(f)
        c.eq((servers.get("controls"), servers.get("collectors"), servers.get("ooni_upload")),
             (["https://th.example.org/"], ["https://c.example.org/"], None),
             "servers written by install-schedule %s" % mode)
        if mode == "--systemd":
            with open(os.path.join(root, "etc/systemd/system/accessprobe.service")) as f:
                c.expect("ExecStart=%s run --scheduled" % c.ctx.probe in f.read(),
                         "installed unit does not run the given binary")
            c.expect(os.path.exists(os.path.join(root, "etc/systemd/system/accessprobe.timer")),
                     "timer not installed")
            loopback_dropin(c, root, d, resolv, sa, env, verify)
        else:
            with open(os.path.join(root, "etc/cron.d/accessprobe")) as f:
                cron = f.read()
            c.expect(re.search(r"^\d+ \d+ \* \* \* accessprobe umask 027; %s run --scheduled"
                               % re.escape(c.ctx.probe), cron, re.M), "cron line: %r" % cron)


NEEDS_LAB = {"consent_gate", "lock", "kill_resume", "disk_full", "time_budget", "retention",
             "private_state", "results_other_user", "retention_unlisted", "network_name",
             "root_run_owner", "resume_new_day", "state_file_lock"}
NEEDS_ROOT = NEEDS_LAB
CASES = {name[5:]: fn for name, fn in sorted(globals().items())
         if name.startswith("case_") and callable(fn)}


class Ctx:
    pass


def main(cases=None, needs_lab=None, needs_root=None):
    """The driver: vol_case.py's own cases, or another driver's (first_week.py)."""
    cases = CASES if cases is None else cases
    needs_lab = NEEDS_LAB if needs_lab is None else needs_lab
    needs_root = NEEDS_ROOT if needs_root is None else needs_root
    ap = argparse.ArgumentParser(description="Run one volunteer case against accessprobe.")
    ap.add_argument("--probe")
    ap.add_argument("--ca")
    ap.add_argument("--canaries", default=os.path.join(SRC, "tests", "lab", "canaries.csv"))
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--list-lab", action="store_true", help="cases that need the lab")
    ap.add_argument("case", nargs="?")
    args = ap.parse_args()
    if args.list or args.list_lab:
        names = [n for n in cases if (n in needs_lab) == bool(args.list_lab)]
        print(";".join(names))
        return 0
    if args.case not in cases:
        ap.error("unknown case %r; cases: %s" % (args.case, ", ".join(cases)))
    if not args.probe:
        ap.error("--probe is required")
    ctx = Ctx()
    ctx.probe = os.path.abspath(args.probe)
    if not os.access(ctx.probe, os.X_OK):
        print("FAIL: %s is missing or not executable" % ctx.probe, file=sys.stderr)
        return 1
    if args.case in needs_root and os.geteuid() != 0:
        skip_or_fail("this case needs root (network namespaces, mounts)")
    ctx.env = load_lab_env() if args.case in needs_lab else {}
    ctx.ca = os.path.abspath(args.ca or ctx.env.get("CA_FILE", ""))
    if args.case in needs_lab and not os.path.isfile(ctx.ca):
        print("FAIL: lab CA %s is missing (is the lab up?)" % ctx.ca, file=sys.stderr)
        return 1
    ctx.canaries = os.path.abspath(args.canaries)
    ctx.workdir = tempfile.mkdtemp(prefix="apvol-%s-" % args.case)
    return run_checks(Case(ctx, args.case), cases[args.case], ctx.workdir)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""first_week.py: a volunteer's first week, as a newcomer lives it, on the
real binary (vol_case.py's driver and helpers, more cases):

    first_week.py --probe PATH/accessprobe [--ca LAB_CA.pem] CASE
    first_week.py --list | --list-lab

- consent_pages: the consent pages on a 24-line terminal in kk, ru and en,
  an unclear answer is asked again, the control is asked for; through
  install-schedule the network hint comes after the consent, and the
  control given lands in the configuration;
- newcomer_errors: a mistyped option or command gets one line and "did you
  mean", a URL without scheme is named, a trailing comma or a // comment
  in the configuration is named on its own line;
- results_table: `results` and `results show` in three languages:
  throttled counted apart, the network's whole name, a run without a
  control said, `show 2` with one run an error;
- install_schedule_help: --help is the comment block, no shell;
- control_said (lab): a run without a control says so at its start, in its
  summary and in results; with the lab's control the records hold its
  answer; a blocked control is counted; "1 site", not "1 URLs"; the
  summary in the volunteer's language;
- progress_tty (lab): the terminal's progress line counts throttled apart;
- fresh_machine (lab, root): docs/volunteers.md on a fresh machine, in a
  throw-away overlay of /usr, /etc, /var and /run: cmake --install, then
  install-schedule refusing the systemd timer without systemd, refusing
  cron without a cron daemon, undoing everything when a step fails, and
  installing the cron entry with the lab's control; then cron itself
  runs the entry and the records show that the control answered.

Exit status: 0 pass, 1 fail, 77 skip (only outside CI).
"""

import fcntl
import glob
import json
import os
import pwd
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import termios
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, HERE)
import vol_case as V  # noqa: E402

SRC = V.SRC
ROWS = 24
INSTALL = os.path.join(SRC, "scripts", "install-schedule")
ENTER = {"en": r"-- Enter: more --", "ru": r"-- Enter: дальше --",
         "kk": r"-- Enter: әрі қарай --"}
AGREE = {"en": r'Type "yes" to agree', "ru": r"Введите «да»",
         "kk": r"Келісу үшін «иә»"}


# ------------------------------------------------------------- terminals --

def pty_run(c, cmd, script, rows=ROWS, cols=100, timeout=60, env=None, cwd=None):
    """Runs cmd on a pseudo-terminal of rows x cols. script: (regex, reply)
    pairs in order; when the output after the previous match matches regex,
    reply is typed. Returns (exit status, output with \\r\\n as \\n)."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    p = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave, env=env,
                         cwd=cwd or c.work, close_fds=True)
    os.close(slave)
    out, at, step = b"", 0, 0
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        r, _, _ = select.select([master], [], [], 0.2)
        if r:
            try:
                data = os.read(master, 65536)
            except OSError:
                data = b""
            if not data:
                break
            out += data
        text = out.decode("utf-8", "replace")
        while step < len(script):
            m = re.compile(script[step][0]).search(text, at)
            if not m:
                break
            os.write(master, script[step][1].encode())
            at, step = m.end(), step + 1
        if not r and p.poll() is not None:
            break
    if p.poll() is None:
        p.kill()
    p.wait()
    os.close(master)
    text = out.decode("utf-8", "replace").replace("\r\n", "\n")
    c.procs.append(V.Proc(cmd, p.returncode, text, "", 0.0))
    c.expect(step == len(script), "%s: the terminal never showed %r" %
             (" ".join(cmd[:3]), script[step][0] if step < len(script) else ""))
    return p.returncode, text


def screens_fit(c, text, enter, last, what):
    """Every screen of a paged text fits ROWS lines: the text up to the
    first Enter prompt, between two prompts (plus the prompt line above),
    and from the last one to the yes/no prompt `last`."""
    marks = [m.start() for m in re.finditer(re.escape(enter), text)]
    c.expect(marks, "%s: not paged on a %d-line terminal" % (what, ROWS))
    q = text.find(last)
    c.expect(q > 0, "%s: no yes/no prompt" % what)
    bounds = [0] + marks + [q]
    for i in range(len(bounds) - 1):
        # From the prompt above (still on screen) to this screen's prompt.
        lines = text[bounds[i]:bounds[i + 1]].count("\n") + 1
        c.expect(lines <= ROWS, "%s: screen %d takes %d lines on a %d-line terminal"
                 % (what, i + 1, lines, ROWS))


def case_consent_pages(c):
    cfg = c.config("config.json")
    for lang in ("kk", "ru", "en"):
        state = os.path.join(c.work, "state-" + lang)
        script = [(ENTER[lang], "\n")] * 2 + [(AGREE[lang], "y\n"), (AGREE[lang], "yes\n"),
                                             (r"\(Enter: [^)]*\): ", "\n"),
                                             (r"\(Enter: [^)]*\): ", "\n")]
        rc, text = pty_run(c, [c.ctx.probe, "onboard", "--lang", lang, "--state-dir", state,
                               "--config", cfg], script)
        c.eq(rc, 0, "onboard --lang %s on a terminal" % lang)
        screens_fit(c, text, ENTER[lang], AGREE[lang], "onboard --lang " + lang)
        c.eq(len(re.findall(AGREE[lang], text)), 2, "%s: times asked ('y' is asked again)" % lang)
        with open(os.path.join(state, "consent.json")) as f:
            stored = json.load(f)
        c.eq((stored.get("consent"), stored.get("lang"), stored.get("text_version")),
             (True, lang, 2), "%s: the stored answer" % lang)
    # Through install-schedule: the consent, the control asked for and
    # written, and the network hint last.
    root = os.path.join(c.work, "root")
    script = [(ENTER["en"], "\n")] * 2 + [(AGREE["en"], "yes\n"),
                                         (r"control .*\(Enter: none\): ",
                                          "https://control.example.org/\n"),
                                         (r"collector.*\(Enter: none\): ", "\n")]
    rc, text = pty_run(c, ["bash", INSTALL, "--cron", "--root", root, "--lang", "en",
                           "--bin", c.ctx.probe], script)
    c.eq(rc, 0, "install-schedule on a terminal")
    screens_fit(c, text, ENTER["en"], AGREE["en"], "install-schedule")
    hint = text.find("add your network's ASN")
    c.expect(hint > text.find(AGREE["en"]) > 0, "the network hint is not after the consent")
    c.expect("no control is set" not in text, "a control was given, yet it says none is set")
    c.expect(not re.search(r"^\(/\S*consent\.json\)$", text, re.M),
             "an unexplained (.../consent.json) line")
    with open(os.path.join(root, "etc/accessprobe/config.json")) as f:
        conf = json.load(f)
    c.eq(conf.get("controls"), ["https://control.example.org/"], "controls written")
    c.expect("collectors" not in conf, "a collector was written though none was given")


# ------------------------------------------------------- newcomer errors --

def one_line_error(c, pr, rc, *words):
    c.eq(pr.rc, rc, "exit status of %s" % " ".join(pr.cmd[1:4]))
    lines = [ln for ln in pr.err.splitlines() if ln.strip()]
    c.expect(1 <= len(lines) <= 2, "%s: %d lines of error, want one or two: %r" %
             (" ".join(pr.cmd[1:4]), len(lines), pr.err[:400]))
    c.expect("Usage" not in pr.err, "%s: the usage instead of one line" % " ".join(pr.cmd[1:4]))
    for w in words:
        c.expect(w in pr.err, "%s: %r not in %r" % (" ".join(pr.cmd[1:4]), w, pr.err))


def case_newcomer_errors(c):
    cfg = c.config("config.json")
    en = dict(os.environ, LANG="C.UTF-8", LC_ALL="", LC_MESSAGES="")
    pr = c.run(["run", "--config", cfg, "--paralel", "3", "http://x.test/"], netns=False, env=en)
    one_line_error(c, pr, 2, "unknown option --paralel", "did you mean --parallel?",
                   "(accessprobe run --help)")
    pr = c.run(["run", "--config", cfg, "--step-timout=50", "http://x.test/"], netns=False,
               env=en)
    one_line_error(c, pr, 2, "--step-timout", "did you mean --step-timeout?")
    pr = c.run(["run", "--config", cfg, "http://x.test/", "--control"], netns=False, env=en)
    one_line_error(c, pr, 2, "--control needs a value", "(accessprobe run --help)")
    pr = c.run(["run", "--config", cfg, "--control", "th.example.org", "http://x.test/"],
               netns=False, env=en)
    one_line_error(c, pr, 2, '"th.example.org": missing scheme')
    pr = c.run(["rn", "http://x.test/"], netns=False, env=en)
    one_line_error(c, pr, 2, "unknown command 'rn'; did you mean 'run'?")
    pr = c.run(["results", "--config", cfg, "--state-dir", c.work, "shwo", "1"],
               netns=False, env=en)
    c.eq(pr.rc, 2, "results shwo")
    c.expect("did you mean show?" in pr.err, "results shwo: no suggestion: %r" % pr.err)
    # A URL without scheme is named; nothing valid: nothing measured.
    pr = c.run(["run", "--config", cfg, "-o", os.path.join(c.work, "o.jsonl"), "vlast.kz"],
               netns=False, env=en)
    c.eq(pr.rc, 3, "run with only a URL without scheme")
    c.expect("argument: vlast.kz: missing scheme" in pr.err, "the URL is not named: %r" % pr.err)
    # The configuration: the line to look at, and what to do.
    cases = [
        ('{"version": 1,\n "parallel": 8,\n}\n', 2, "a comma after the last entry"),
        ('{"version": 1,\n "lists": [\n  "a.csv",\n ]\n}\n', 3, "a comma after the last entry"),
        ('{"version": 1,\n // my network\n "parallel": 8\n}\n', 2, '"_comment"'),
        ('{"version": 1,\n "parallel": 8\n "max_runtime": 60\n}\n', 2, "a comma is missing"),
        ('{"version": 1,\n "colectors": []\n}\n', 2, 'did you mean "collectors"?'),
    ]
    for i, (text, line, why) in enumerate(cases):
        path = os.path.join(c.work, "bad%d.json" % i)
        with open(path, "w") as f:
            f.write(text)
        pr = c.run(["results", "--config", path], netns=False, env=en)
        c.eq(pr.rc, V.EXIT_CONFIG, "results with %s" % os.path.basename(path))
        first = pr.err.splitlines()[0] if pr.err else ""
        c.expect(first.startswith("%s:%d: " % (path, line)) and why in first,
                 "expected '%s:%d: ...%s...', got %r" % (path, line, why, first))


# ------------------------------------------------------------- results --

def record(url, verdict, control=True, method=None):
    tk = {"x_analysis": {"verdict": verdict, "method": method, "detail": None},
          "control": {"dns": {"addrs": []}} if control else None, "control_failure": None,
          "dns_experiment_failure": None, "http_experiment_failure": None, "requests": []}
    return {"input": url, "report_id": "r", "probe_asn": "AS9198", "probe_cc": "KZ",
            "test_keys": tk}


def fake_state(c, name, control):
    state = os.path.join(c.work, name)
    day = time.strftime("%Y-%m-%d", time.gmtime())
    rid = "%sT101500Z_webconnectivity_KZ_9198_n0_%s" % (day.replace("-", ""), name)
    os.makedirs(os.path.join(state, "results", day))
    recs = [record("https://a.test/", "ok", control),
            record("https://b.test/", "blocked", control, "tls"),
            record("https://c.test/", "throttled", control),
            record("https://d.test/", "inconclusive", control)]
    with open(os.path.join(state, "results", day, rid + ".jsonl"), "w") as f:
        for r in recs:
            f.write(json.dumps(r) + "\n")
    counts = {"ok": 1, "blocked": 1, "throttled": 1, "inconclusive": 1}
    run = {"id": rid, "file": "results/%s/%s.jsonl" % (day, rid),
           "started": day + "T10:15:00Z", "finished": day + "T10:16:00Z",
           "status": "complete", "probe_asn": "AS9198", "probe_cc": "KZ",
           "probe_network_name": "Kazakhtelecom JSC", "inputs": 4, "left": 0,
           "resumed": 0, "verdicts": counts, "control": "with" if control else "without"}
    with open(os.path.join(state, "runs.json"), "w") as f:
        json.dump({"version": 1, "runs": [run]}, f)
    return state, rid


def case_results_table(c):
    en = dict(os.environ, LANG="C.UTF-8", LC_ALL="", LC_MESSAGES="")
    state, rid = fake_state(c, "without", False)
    pr = c.run(["results", "--state-dir", state], netns=False, env=en)
    c.eq(pr.rc, 0, "results")
    head = pr.out.splitlines()[0] if pr.out else ""
    c.expect(re.search(r"\bthrottled\b.*\bdown\b.*\bother\b", head),
             "throttled is not a column of its own: %r" % head)
    row = next((ln for ln in pr.out.splitlines() if ln.strip().startswith("1 ")), "")
    c.expect("AS9198 KZ Kazakhtelecom JSC" in row, "the network's name is cut: %r" % row)
    c.expect(re.search(r"complete\s+no\s+4\s+1\s+1\s+1\s+0\s+1$", row),
             "columns (control no, 4 sites, ok 1, blocked 1, throttled 1, down 0, other 1): %r"
             % row)
    c.expect("Runs without a control" in pr.out, "results does not explain a run without control")
    # "show 2" with one run: an error, never run 1 (whose id starts with 2).
    pr = c.run(["results", "--state-dir", state, "show", "2"], netns=False, env=en)
    c.eq(pr.rc, 2, "results show 2 with one run")
    c.expect("there is no run 2" in pr.err and "holds 1 run " in pr.err,
             "results show 2: %r" % pr.err)
    c.eq(pr.out, "", "results show 2 printed a run")
    for which in ("1", "latest", rid[:20]):
        pr = c.run(["results", "--state-dir", state, "show", which], netns=False, env=en)
        c.eq(pr.rc, 0, "results show %s" % which)
        c.expect(re.search(r"^throttled\s+https://c\.test/", pr.out, re.M),
                 "results show %s lacks the throttled site" % which)
        c.expect("measured without a control" in pr.out,
                 "results show %s does not say the run had no control" % which)
    pr = c.run(["results", "--json", "--state-dir", state], netns=False, env=en)
    c.eq([json.loads(ln).get("control") for ln in pr.out.splitlines()], ["without"],
         "results --json control")
    # In Russian from the locale; in Kazakh from the consent, whatever the
    # locale says.
    ru = dict(en, LANG="ru_RU.UTF-8")
    pr = c.run(["results", "--state-dir", state], netns=False, env=ru)
    c.expect("заблокировано" in pr.out and "замедлено" in pr.out and "нет" in pr.out,
             "results in Russian: %r" % pr.out[:300])
    pr = c.run(["results", "--state-dir", state, "show", "5"], netns=False, env=ru)
    c.expect("запуска 5" in pr.err and "1 запуск " in pr.err, "show 5 in Russian: %r" % pr.err)
    with open(os.path.join(state, "consent.json"), "w") as f:
        json.dump({"version": 1, "consent": True, "text_version": 2, "lang": "kk"}, f)
    pr = c.run(["results", "--state-dir", state, "show", "1"], netns=False, env=ru)
    c.expect("баяулатылған" in pr.out and "бақылау серверінсіз" in pr.out,
             "results show in Kazakh (the consent's language): %r" % pr.out[-400:])
    state2, _ = fake_state(c, "with", True)
    pr = c.run(["results", "--state-dir", state2, "show", "1"], netns=False, env=en)
    c.expect("without a control" not in pr.out and "The control answered" not in pr.out,
             "a run whose control answered every site is said to lack one")


def case_install_schedule_help(c):
    p = subprocess.run(["bash", INSTALL, "--help"], capture_output=True, text=True, timeout=30)
    c.procs.append(V.Proc(["install-schedule", "--help"], p.returncode, p.stdout, p.stderr, 0))
    c.eq(p.returncode, 0, "install-schedule --help")
    c.expect(not re.search(r"^\s*(set|here|mode)\b", p.stdout, re.M),
             "--help prints shell code: %r" % p.stdout[-300:])
    for w in ("--cron", "--control URL", "--collector URL", "half-installed"):
        c.expect(w in p.stdout, "--help does not mention %s" % w)
    p = subprocess.run(["bash", INSTALL, "--bogus"], capture_output=True, text=True, timeout=30)
    c.eq(p.returncode, 2, "install-schedule --bogus")
    c.eq(len(p.stderr.splitlines()), 1, "lines of error for an unknown option")


# ------------------------------------------------------------ lab cases --

def case_control_said(c):
    env = c.ctx.env
    state = os.path.join(c.work, "state")
    cfg = c.config(state_dir=state)
    c.consent(state)
    en = dict(os.environ, LANG="C.UTF-8", LC_ALL="", LC_MESSAGES="")
    args = ["run", "--scheduled", "--config", cfg] + c.lab_args()
    pr = c.run(args + ["http://http.lab.test/"], env=en)
    c.eq(pr.rc, 0, "a run without a control")
    lines = pr.err.splitlines()
    c.expect(lines and "without a control" in lines[0],
             "the run does not start by saying it has no control: %r" % lines[:2])
    c.expect(re.search(r"1 site measured in \S+: ok 0, blocked 0, throttled 0, down 0, "
                       r"inconclusive 1", pr.err), "summary: %r" % pr.err)
    c.expect("URLs" not in pr.err and "1 sites" not in pr.err, "a plural for one: %r" % pr.err)
    c.expect(re.search(r"measured without a control: \"inconclusive\" means", pr.err),
             "the summary does not say what no control means")
    # With the lab's control: its answer is in every record.
    pr = c.run(args + ["--control", env["CONTROL_URL"], "http://http.lab.test/",
                       "https://nxdomain.lab.test/"], env=en)
    c.eq(pr.rc, 0, "a run with the lab's control")
    c.expect("without a control" not in pr.err, "a run with a control says it has none")
    c.expect("2 sites measured" in pr.err, "summary for two: %r" % pr.err)
    runs = c.index(state)
    recs, _ = V.read_jsonl(c.run_file(state, runs[-1])) if runs else ([], [])
    c.eq(sorted(r["test_helpers"].get("backend", {}).get("address", "") for r in recs),
         [env["CONTROL_URL"]] * 2, "the control named in the records")
    c.expect(all(isinstance(r["test_keys"].get("control"), dict) for r in recs),
             "a record without the control's answer")
    c.eq([r.get("control") for r in runs], ["without", "with"], "the index's control")
    # A control the censor blocks: counted, and said.
    pr = c.run(args + ["--control", env["DEAD_CONTROL_URL"], "http://http.lab.test/"], env=en,
               timeout=120)
    c.expect("the control answered for 0 of 1 sites" in pr.err,
             "a control that never answered is not said: %r" % pr.err[-400:])
    pr = c.run(["results", "--state-dir", state], netns=False, env=en)
    rows = [ln for ln in pr.out.splitlines() if re.match(r"\s+\d+\s+\d{4}-", ln)]
    c.eq([re.search(r"complete\s+(\S+)\s", r).group(1) if re.search(r"complete\s+(\S+)\s", r)
          else None for r in rows], ["no", "yes", "yes"], "results' control column")
    pr = c.run(["results", "--state-dir", state, "show", "3"], netns=False, env=en)
    c.expect("The control answered for 0 of 1 sites" in pr.out, "show 3: %r" % pr.out[-300:])
    # The summary in the volunteer's language: Russian from the locale for a
    # plain run; the run itself stays in English in JSON.
    ru = dict(en, LANG="ru_RU.UTF-8")
    out = os.path.join(c.work, "plain.jsonl")
    pr = c.run(["run", "--config", c.config("plain.json"), "-o", out] + c.lab_args() +
               ["--control", env["CONTROL_URL"], "http://http.lab.test/"], env=ru)
    c.expect(re.search(r"1 сайт измерен за \d+ с: доступно 1", pr.err),
             "the summary is not in Russian: %r" % pr.err)
    pr = c.run(["run", "--config", c.config("plain.json"), "-o", out, "--log-format", "json"]
               + c.lab_args() + ["--control", env["CONTROL_URL"], "http://http.lab.test/"],
               env=ru)
    last = json.loads(pr.err.splitlines()[-1]) if pr.err.strip() else {}
    c.eq((last.get("type"), last.get("controls"), last.get("control_answered"),
          last.get("verdicts", {}).get("ok")), ("summary", 1, 1, 1), "JSON summary")


def case_progress_tty(c):
    """The line redrawn on a terminal counts throttled apart."""
    env = c.ctx.env
    urls = ["https://throttle.lab.test/", "http://http.lab.test/", "https://snidrop.lab.test/"]
    cmd = c.cmd(["run", "-o", os.path.join(c.work, "t.jsonl"), "--control",
                 env["CONTROL_URL"]] + c.lab_args() + urls)
    rc, text = pty_run(c, cmd, [], timeout=120,
                       env=dict(os.environ, LANG="C.UTF-8", TERM="xterm"))
    c.eq(rc, 0, "the run on a terminal")
    plain = re.sub(r"\x1b\[K", "", text)
    draws = [d for d in re.split(r"[\r\n]", plain) if d.startswith("[")]
    c.expect(draws, "no progress line on the terminal: %r" % plain[-300:])
    c.expect(draws and re.search(r"\[3/3 100%\] ok 1  blocked 1  throttled 1  down 0  other 0",
                                 draws[-1]),
             "the last progress line: %r" % (draws[-1] if draws else None))
    c.expect(re.search(r"3 sites measured in \S+: ok 1, blocked 1, throttled 1", plain),
             "the summary: %r" % plain[-400:])


# ------------------------------------------------------ a fresh machine --

def mount_tmpfs_over(path):
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", path], check=True)


def case_fresh_machine(c):
    """Runs fresh_machine_inside in a private mount namespace, where /usr,
    /etc, /var and /run are throw-away overlays: nothing on this machine
    changes."""
    for tool in ("unshare", "cmake", "cron"):
        if not shutil.which(tool) and not os.path.exists("/usr/sbin/" + tool):
            c.expect(False, "%s is missing (scripts/setup --tests installs it)" % tool)
            return
    cmd = ["unshare", "--mount", "--propagation", "private", sys.executable,
           os.path.abspath(__file__), "--probe", c.ctx.probe, "--ca", c.ctx.ca,
           "--canaries", c.ctx.canaries, "fresh_machine_inside"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=400,
                       env=dict(os.environ, APVOL_INSIDE="1"))
    print(p.stdout, end="")
    c.procs.append(V.Proc(cmd, p.returncode, "", p.stderr, 0))
    c.eq(p.returncode, 0, "the fresh machine, in its own mount namespace (above)")


def cron_running():
    """Some process on this machine is a cron daemon."""
    for f in glob.glob("/proc/[0-9]*/comm"):
        try:
            with open(f) as fh:
                if fh.read().strip() in ("cron", "crond"):
                    return True
        except OSError:
            continue                    # it ended meanwhile
    return False


def nothing_installed(c, what, volunteer):
    c.expect(subprocess.run(["getent", "passwd", "accessprobe"],
                            capture_output=True).returncode != 0,
             "%s: the user accessprobe was left" % what)
    for path in ("/var/lib/accessprobe", "/etc/accessprobe", "/etc/cron.d/accessprobe",
                 "/etc/systemd/system/accessprobe.service"):
        c.expect(not os.path.lexists(path), "%s: %s was left" % (what, path))
    groups = subprocess.run(["id", "-nG", volunteer], capture_output=True, text=True).stdout
    c.expect("accessprobe" not in groups.split(), "%s: %s left in the group" % (what, volunteer))


def install(c, args, what, rc):
    p = subprocess.run(["bash", INSTALL] + args, capture_output=True, text=True, timeout=120,
                       stdin=subprocess.DEVNULL)
    c.procs.append(V.Proc(["install-schedule"] + args, p.returncode, p.stdout, p.stderr, 0))
    c.eq(p.returncode, rc, "install-schedule %s" % what)
    return p


def case_fresh_machine_inside(c):
    if os.environ.get("APVOL_INSIDE") != "1":
        c.expect(False, "fresh_machine_inside runs only inside fresh_machine")
        return
    sys.path.insert(0, os.path.join(SRC, "tests", "package"))
    import deb_case
    ovl = os.path.join(c.work, "ovl")
    os.mkdir(ovl)
    deb_case.overlay_root(ovl, ("usr", "etc", "var", "run"))
    env = c.ctx.env
    build = os.path.dirname(os.path.dirname(c.ctx.probe))
    # The guide: `sudo cmake --install build`.
    p = subprocess.run(["cmake", "--install", build, "--prefix", "/usr/local"],
                       capture_output=True, text=True, timeout=120)
    if not c.expect(p.returncode == 0, "cmake --install: %s" % p.stderr[-500:]):
        return
    c.expect(shutil.which("accessprobe") == "/usr/local/bin/accessprobe",
             "accessprobe is not /usr/local/bin/accessprobe on PATH")
    subprocess.run(["useradd", "--create-home", "aigerim"], check=True)
    # No systemd here (whatever runs this machine): the timer is refused
    # before anything changes.
    shutil.rmtree("/run/systemd/system", ignore_errors=True)
    p = install(c, ["--yes", "--control", env["CONTROL_URL"], "--user", "aigerim"],
                "without systemd", 2)
    c.expect("systemd is not running" in p.stderr and "--cron" in p.stderr,
             "no pointer to --cron: %r" % p.stderr)
    nothing_installed(c, "without systemd", "aigerim")
    # No cron daemon either: --cron is refused.
    cron = shutil.which("cron") or "/usr/sbin/cron"
    os.rename(cron, cron + ".hidden")
    p = install(c, ["--cron", "--yes", "--control", env["CONTROL_URL"]], "without cron", 2)
    c.expect("no cron daemon" in p.stderr, "no word about the missing cron: %r" % p.stderr)
    os.rename(cron + ".hidden", cron)
    nothing_installed(c, "without cron", "aigerim")
    # The last step fails: every earlier one is undone.
    # (Moved by copying: overlayfs renames no folder of the lower layer.)
    shutil.move("/etc/cron.d", "/etc/cron.d.hidden")
    open("/etc/cron.d", "w").close()
    p = install(c, ["--cron", "--yes", "--control", env["CONTROL_URL"], "--user", "aigerim"],
                "with /etc/cron.d unusable", 1)
    c.expect("undoing" in p.stderr, "no word about undoing: %r" % p.stderr)
    os.remove("/etc/cron.d")
    shutil.move("/etc/cron.d.hidden", "/etc/cron.d")
    nothing_installed(c, "after the failed step", "aigerim")
    # And now as documented, with the control the organisation gave.
    host_cron = cron_running()
    p = install(c, ["--cron", "--yes", "--lang", "en", "--control", env["CONTROL_URL"],
                    "--user", "aigerim"], "--cron --control", 0)
    if not host_cron:
        c.expect("cron is installed but not running" in p.stderr,
                 "no word about the stopped cron daemon: %r" % p.stderr)
    conf_path = "/etc/accessprobe/config.json"
    with open(conf_path) as f:
        conf = json.load(f)
    c.eq(conf.get("controls"), [env["CONTROL_URL"]], "controls in %s" % conf_path)
    c.eq(oct(os.stat(conf_path).st_mode & 0o777), "0o644", "mode of %s" % conf_path)
    c.expect("accessprobe" in subprocess.run(["id", "-nG", "aigerim"], capture_output=True,
                                             text=True).stdout.split(),
             "the volunteer is not in the accessprobe group")
    # The volunteer adds the network, as the guide says; the lab adds its
    # CA, canaries and sites (readable by the service user).
    for src, name in ((c.ctx.ca, "lab-ca.pem"), (c.ctx.canaries, "lab-canaries.csv")):
        shutil.copy(src, "/etc/accessprobe/" + name)
        os.chmod("/etc/accessprobe/" + name, 0o644)
    sites = ["http://http.lab.test/", "https://https.lab.test/", "https://nxdomain.lab.test/"]
    with open("/etc/accessprobe/lab-sites.txt", "w") as f:
        f.write("\n".join(sites) + "\n")
    os.chmod("/etc/accessprobe/lab-sites.txt", 0o644)
    conf.update({"network": {"asn": "AS65550", "cc": "KZ", "name": "Lab Telecom"},
                 "lists": ["/etc/accessprobe/lab-sites.txt"],
                 "ca_file": "/etc/accessprobe/lab-ca.pem",
                 "canaries": "/etc/accessprobe/lab-canaries.csv", "step_timeout_ms": 2000})
    with open(conf_path, "w") as f:
        json.dump(conf, f, indent=2)
    # The entry as installed, its time moved to every minute so that the
    # test need not wait for the night; only it in cron's folders.
    with open("/etc/cron.d/accessprobe") as f:
        entry = f.read()
    m = re.search(r"^(\d+ \d+ \* \* \*) (accessprobe umask 027; /usr/local/bin/accessprobe run "
                  r"--scheduled --state-dir /var/lib/accessprobe 2>&1 \| logger -t accessprobe)$",
                  entry, re.M)
    if not c.expect(m, "the cron entry: %r" % entry):
        return
    for name in os.listdir("/etc/cron.d"):
        if name != "accessprobe":
            os.remove(os.path.join("/etc/cron.d", name))
    os.remove("/etc/crontab")
    with open("/etc/cron.d/accessprobe", "w") as f:
        f.write(entry.replace(m.group(1), "* * * * *"))
    # /var/run is a link to /run, overlaid like the rest: cron's pid file
    # stays in the throw-away layer.
    daemon = subprocess.Popen(["ip", "netns", "exec", env["NS_PROBE"], "unshare", "--pid",
                               "--fork", "--kill-child", "--mount-proc", cron, "-f"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    state = "/var/lib/accessprobe"
    try:
        done = V.wait_for(lambda: any(r.get("status") == "complete"
                                      for r in V._index_quiet(state)), 150, step=1)
    finally:
        daemon.send_signal(signal.SIGKILL)
        daemon.wait()
    if not c.expect(done, "cron did not complete a scheduled run within 150 s (runs: %r)"
                    % V._index_quiet(state)):
        return
    runs = V._index_quiet(state)
    c.eq(runs[0].get("control"), "with", "the scheduled run's control")
    path = os.path.join(state, runs[0]["file"])
    c.eq(os.stat(path).st_uid, pwd.getpwnam("accessprobe").pw_uid,
         "owner of the records (the service user, as cron ran it)")
    recs, probs = V.read_jsonl(path)
    c.eq(probs, [], "problems in the scheduled run's records")
    c.eq(sorted(r.get("input") for r in recs), sorted(sites), "sites the scheduled run measured")
    for r in recs:
        c.eq(r.get("test_helpers", {}).get("backend", {}).get("address"), env["CONTROL_URL"],
             "the control that answered for %s" % r.get("input"))
        c.expect(isinstance(r.get("test_keys", {}).get("control"), dict),
                 "no answer of the control in the record of %s" % r.get("input"))
    verdicts = {r["input"]: r["test_keys"]["x_analysis"]["verdict"] for r in recs}
    c.eq(verdicts, {"http://http.lab.test/": "ok", "https://https.lab.test/": "ok",
                    "https://nxdomain.lab.test/": "down"}, "verdicts with the control")
    p = subprocess.run(["setpriv", "--reuid", "aigerim", "--regid", "aigerim", "--init-groups",
                        "/usr/local/bin/accessprobe", "results"], capture_output=True,
                       text=True, timeout=30, env=dict(os.environ, LANG="C.UTF-8"))
    c.procs.append(V.Proc(["accessprobe results (as aigerim)"], p.returncode, p.stdout,
                          p.stderr, 0))
    c.expect(p.returncode == 0 and re.search(r"Lab Telecom\s+complete\s+yes\s+3\s+2\s", p.stdout),
             "the volunteer's results do not show the run with its control: %r" % p.stdout)


NEEDS_LAB = {"control_said", "progress_tty", "fresh_machine", "fresh_machine_inside"}
NEEDS_ROOT = NEEDS_LAB
CASES = {name[5:]: fn for name, fn in sorted(globals().items())
         if name.startswith("case_") and callable(fn) and not name.endswith("_inside")}
ALL = dict(CASES, fresh_machine_inside=case_fresh_machine_inside)


if __name__ == "__main__":
    listing = "--list" in sys.argv or "--list-lab" in sys.argv
    sys.exit(V.main(CASES if listing else ALL, NEEDS_LAB, NEEDS_ROOT))

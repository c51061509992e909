#!/usr/bin/env python3
"""deb_case.py: the Debian packages, built, linted, installed, used, purged.

    deb_case.py --src SRC --probe BUILD/probe/accessprobe --version V \\
                --lab-prefix PREFIX

1. Copies SRC (without build folders) and builds it: dpkg-source -b, then
   dpkg-buildpackage -us -uc -b (DEB_BUILD_OPTIONS="nocheck parallel=2").
2. lintian on the source and binary packages, as nobody: no error and no
   warning (--fail-on error,warning); every override carries a reason.
   Prints dpkg -c and the sizes; checks that no build path is compiled in.
3. In a private mount namespace where /usr, /etc and /var are overlays on
   a tmpfs, so that this machine is never changed whatever happens:
   apt-get install of both .debs; --version, man, systemd-analyze verify
   and security of the installed units; the system user, the state
   folder, the conffiles; the timer not enabled, and the service's command
   refusing to measure without consent; onboard, then the documented
   `systemctl enable accessprobe.timer`; the lists found where installed
   (and, for the build tree's binary, in the source tree); a scheduled run
   as the service user in the censorship lab (tests/lab/lab.sh, its
   control the installed binary); the helper and the collector as their
   units start them; then
   apt-get purge, and every change left in the overlays' upper layers is
   judged: only Debian's bookkeeping and the system user and group (which
   Debian keeps) may remain.

Exit status: 0 pass, 1 fail, 77 skip (only when not root outside CI; under
CI=true every missing requirement fails). Every command is bounded; lab
traffic stays inside the lab's namespaces, the offline checks run in a
fresh network namespace with no link at all.
"""

import argparse
import glob
import grp
import json
import os
import pwd
import re
import shlex
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "lab"))
import labutil  # noqa: E402

TOOLS = ["dpkg-buildpackage", "dpkg-source", "dpkg-deb", "dh", "lintian", "apt-get",
         "unshare", "setpriv", "systemd-analyze", "systemctl", "man", "ip", "curl", "nice"]
PKGS = ("accessprobe", "accessprobe-server")
STATE = "/var/lib/accessprobe"
LISTS = "/usr/share/accessprobe/lists"
BUILD_TIMEOUT_S = 900
EXIT_OFFLINE, EXIT_INPUT, EXIT_NO_CONSENT = 5, 3, 10

# What apt, dpkg, man-db and the system user may leave behind after a purge.
# Debian keeps a package's system user and group (their files elsewhere must
# not pass to a later user with the same id); the rest is bookkeeping.
ALLOWED_LEFT = [re.compile(p) for p in (
    r"^/etc/(passwd|group|shadow|gshadow)-?$", r"^/etc/\.pwd\.lock$",
    r"^/etc/ld\.so\.cache$", r"^/var/cache/ldconfig/",
    r"^/var/lib/dpkg/", r"^/var/lib/apt/", r"^/var/cache/apt/", r"^/var/cache/debconf/",
    r"^/var/log/(dpkg\.log|alternatives\.log|apt/)",
    # man-db's cache: its index, and the page `man accessprobe` formatted
    # (mandb expires a page whose source is gone).
    r"^/var/cache/man/",
)]


class Case(labutil.Checks):
    def __init__(self, name):
        self.name, self.problems = name, []

    def report(self):
        if self.problems:
            print("FAIL %s: %d problem(s):" % (self.name, len(self.problems)))
            for p in self.problems:
                print("  - " + p)
            return 1
        print("PASS %s" % self.name)
        return 0


def run(cmd, timeout=120, **kw):
    """Runs cmd (bounded), returns the CompletedProcess (text); a timeout is
    returncode None with what was read."""
    kw.setdefault("capture_output", True)
    try:
        return subprocess.run(cmd, text=True, timeout=timeout, stdin=subprocess.DEVNULL, **kw)
    except subprocess.TimeoutExpired as e:
        return subprocess.CompletedProcess(cmd, None, e.stdout or "", e.stderr or "")


def shown(p, tail=2000):
    return "%s -> %s\n--- stdout ---\n%s\n--- stderr ---\n%s" % (
        " ".join(shlex.quote(str(a)) for a in p.args), p.returncode,
        (p.stdout or "")[-tail:], (p.stderr or "")[-tail:])


def expect_run(c, p, rc, what):
    return c.expect(p.returncode == rc, "%s: exit %r, want %d\n%s" % (what, p.returncode, rc,
                                                                        shown(p)))


# ------------------------------------------------------------------ build --

def copy_tree(src, dst):
    """The tracked and untracked-but-not-ignored files of src (git), else
    everything but build folders and VCS data."""
    p = run(["git", "-C", src, "ls-files", "-z", "-co", "--exclude-standard"], timeout=60) \
        if shutil.which("git") and os.path.exists(os.path.join(src, ".git")) else None
    if p is not None and p.returncode == 0:
        for rel in p.stdout.split("\0"):
            if rel and os.path.lexists(os.path.join(src, rel)):
                os.makedirs(os.path.join(dst, os.path.dirname(rel)), exist_ok=True)
                shutil.copy2(os.path.join(src, rel), os.path.join(dst, rel), follow_symlinks=False)
        return
    top = re.compile(r"^(build.*|\.git|obj-.*)$")
    shutil.copytree(src, dst, symlinks=True, ignore=lambda d, names: [
        n for n in names if (d == src and top.match(n)) or n == "__pycache__"])


def build(c, args, work):
    srcdir = os.path.join(work, "accessprobe-" + args.version)
    copy_tree(args.src, srcdir)
    log = os.path.join(work, "build.log")
    t0 = time.monotonic()
    p = run(["dpkg-source", "-b", os.path.basename(srcdir)], cwd=work, timeout=300)
    if not expect_run(c, p, 0, "dpkg-source -b"):
        return None
    env = dict(os.environ, DEB_BUILD_OPTIONS="nocheck parallel=2")
    with open(log, "w") as f:
        p = run(["nice", "-n", "10", "dpkg-buildpackage", "-us", "-uc", "-b"], cwd=srcdir,
                env=env, timeout=BUILD_TIMEOUT_S, capture_output=False, stdout=f,
                stderr=subprocess.STDOUT)
    took = time.monotonic() - t0
    with open(log, errors="replace") as f:
        text = f.read()
    if not c.expect(p.returncode == 0, "dpkg-buildpackage -us -uc -b: exit %r after %.0f s; "
                    "end of %s:\n%s" % (p.returncode, took, log, text[-4000:])):
        return None
    print("package build (dpkg-source -b, dpkg-buildpackage -b): %.1f s" % took)
    arch = run(["dpkg", "--print-architecture"]).stdout.strip()
    debs = {"accessprobe": os.path.join(work, "accessprobe_%s_%s.deb" % (args.version, arch)),
            "accessprobe-server": os.path.join(work, "accessprobe-server_%s_all.deb"
                                               % args.version)}
    for name, path in debs.items():
        c.expect(os.path.isfile(path), "%s was not built (%s)" % (name, path))
    return debs if all(os.path.isfile(p) for p in debs.values()) else None


def lint(c, args, work):
    nobody = pwd.getpwnam("nobody")
    home = os.path.join(work, "lintian-home")
    os.makedirs(home)
    os.chown(home, nobody.pw_uid, nobody.pw_gid)
    files = glob.glob(os.path.join(work, "*.dsc")) + glob.glob(os.path.join(work, "*.changes"))
    # (Not --show-overrides: with it, lintian 2.116 fails on overridden tags.)
    p = run(["setpriv", "--reuid=%d" % nobody.pw_uid, "--regid=%d" % nobody.pw_gid,
             "--clear-groups", "env", "HOME=" + home, "TMPDIR=" + home,
             "lintian", "--fail-on", "error,warning", "--display-info"]
            + files, timeout=600)
    print("lintian %s:\n%s%s" % (" ".join(os.path.basename(f) for f in files), p.stdout,
                                 p.stderr))
    expect_run(c, p, 0, "lintian --fail-on error,warning")
    bad = [ln for ln in p.stdout.splitlines() if re.match(r"^[EW]: ", ln)]
    c.expect(not bad, "lintian errors or warnings: %r" % bad)
    # Every override says why, on the comment lines above it.
    for path in glob.glob(os.path.join(args.src, "debian", "**", "*lintian-overrides"),
                          recursive=True):
        prev = ""
        with open(path) as f:
            for n, line in enumerate(f, 1):
                line = line.strip()
                if line and not line.startswith("#"):
                    c.expect(prev.startswith("#"), "%s:%d: an override without a reason "
                             "(a comment above it)" % (path, n))
                prev = line


def inspect(c, args, debs, work):
    """Contents, sizes, versions and conffiles of the .debs."""
    listing = {}
    for name, deb in debs.items():
        p = run(["dpkg-deb", "-c", deb])
        listing[name] = p.stdout
        size = os.path.getsize(deb)
        isize = run(["dpkg-deb", "-f", deb, "Installed-Size"]).stdout.strip()
        print("\n%s: %d bytes (%.1f KiB), Installed-Size %s KiB\n%s" %
              (os.path.basename(deb), size, size / 1024.0, isize, p.stdout))
        c.eq(run(["dpkg-deb", "-f", deb, "Version"]).stdout.strip(), args.version,
             "%s version (CMake's project VERSION)" % name)
    paths = {n: set(re.findall(r" \.(/\S*)$", t, re.M)) for n, t in listing.items()}
    for path in ("/usr/bin/accessprobe", "/usr/share/man/man1/accessprobe.1.gz",
                 LISTS + "/kz-media.csv", LISTS + "/canaries.csv",
                 LISTS + "/fingerprints-http.csv", LISTS + "/interception-certs.csv",
                 "/usr/share/accessprobe/schema/measurement.schema.json",
                 "/lib/systemd/system/accessprobe.service",
                 "/lib/systemd/system/accessprobe.timer", "/usr/lib/sysusers.d/accessprobe.conf",
                 "/usr/lib/tmpfiles.d/accessprobe.conf", "/etc/accessprobe/config.json",
                 "/usr/share/doc/accessprobe/volunteers.md.gz",
                 "/usr/share/doc/accessprobe/examples/cron.d/accessprobe"):
        c.expect(path in paths["accessprobe"], "accessprobe lacks %s" % path)
    for path in ("/lib/systemd/system/accessprobe-helper.service",
                 "/etc/default/accessprobe-helper",
                 "/lib/systemd/system/accessprobe-collector.service",
                 "/etc/default/accessprobe-collector",
                 "/usr/share/doc/accessprobe-server/deploy.md.gz"):
        c.expect(path in paths["accessprobe-server"], "accessprobe-server lacks %s" % path)
    for name, ps in paths.items():
        c.expect(not any("install-schedule" in x or "/dist/" in x for x in ps),
                 "%s ships the source install's files (install-schedule, dist/)" % name)
    for name, conf in (("accessprobe", ["/etc/accessprobe/config.json"]),
                       ("accessprobe-server", ["/etc/default/accessprobe-collector",
                                               "/etc/default/accessprobe-helper"])):
        p = run(["dpkg-deb", "--info", debs[name], "conffiles"])
        c.eq(sorted(p.stdout.split()), conf, "%s conffiles" % name)
    # The packaged binary looks for its lists where they are installed only.
    x = os.path.join(work, "x")
    run(["dpkg-deb", "-x", debs["accessprobe"], x])
    with open(os.path.join(x, "usr/bin/accessprobe"), "rb") as f:
        data = f.read()
    c.expect(b"/usr/share/accessprobe" in data, "the binary does not name /usr/share/accessprobe")
    for d in (work, os.path.realpath(args.src)):
        c.expect(d.encode() not in data, "the packaged binary contains the build path %s" % d)


# ---------------------------------------------------- the throw-away root --

def mount_points():
    with open("/proc/self/mountinfo") as f:
        return [re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), ln.split()[4])
                for ln in f]


def overlay_root(ovl, dirs=("usr", "etc", "var")):
    """/usr, /etc and /var (or dirs) become overlays whose upper layers are
    on a tmpfs at ovl (this mount namespace only); ovl/lower shows the real
    root as it was. Mounts below those folders (a container's
    /etc/resolv.conf) are carried over."""
    subprocess.run(["mount", "-t", "tmpfs", "-o", "mode=0755", "tmpfs", ovl], check=True)
    lower = os.path.join(ovl, "lower")
    os.mkdir(lower)
    subprocess.run(["mount", "--bind", "/", lower], check=True)
    subprocess.run(["mount", "-o", "remount,bind,ro", lower], check=True)
    for d in dirs:
        subs = sorted({m for m in mount_points() if m.startswith("/%s/" % d)}, key=len)
        kept = []
        for i, m in enumerate(subs):
            k = os.path.join(ovl, "keep-%s-%d" % (d, i))
            if os.path.isdir(m):
                os.mkdir(k)
            else:
                open(k, "w").close()
            subprocess.run(["mount", "--rbind", m, k], check=True)
            kept.append((k, m))
        up, wk = os.path.join(ovl, d + ".up"), os.path.join(ovl, d + ".wk")
        os.mkdir(up)
        os.mkdir(wk)
        subprocess.run(["mount", "-t", "overlay", "overlay", "-o",
                        "lowerdir=/%s,upperdir=%s,workdir=%s" % (d, up, wk), "/" + d], check=True)
        for k, m in kept:
            subprocess.run(["mount", "--rbind", k, m], check=True)
    return lower


def leftovers(c, ovl, lower):
    """Every change left in the upper layers, judged; returns how many files
    each allowed pattern let through."""
    allowed = {}
    for d in ("usr", "etc", "var"):
        up = os.path.join(ovl, d + ".up")
        for root, dirs, files in os.walk(up):
            for n in dirs + files:
                full = os.path.join(root, n)
                path = "/" + d + full[len(up):]
                st = os.lstat(full)
                if stat.S_ISDIR(st.st_mode):
                    c.expect(os.path.isdir(lower + path), "left after purge: the folder %s" % path)
                    continue
                whiteout = stat.S_ISCHR(st.st_mode) and st.st_rdev == 0
                ok = any(r.match(path) for r in ALLOWED_LEFT)
                ours = "accessprobe" in path and not path.startswith("/var/cache/man/")
                if whiteout:
                    c.expect(ok, "removed from this system by install or purge: %s" % path)
                elif c.expect(ok and not ours, "left after purge: %s" % path):
                    rule = next(r.pattern for r in ALLOWED_LEFT if r.match(path))
                    allowed[rule] = allowed.get(rule, 0) + 1
    # The accounts files differ by the system user and group only.
    for name in ("passwd", "group", "shadow", "gshadow"):
        try:
            with open(lower + "/etc/" + name) as f:
                before = set(f.read().splitlines())
            with open("/etc/" + name) as f:
                after = set(f.read().splitlines())
        except OSError as e:
            c.expect(False, "cannot compare /etc/%s: %s" % (name, e))
            continue
        c.eq(sorted(ln.split(":")[0] for ln in after - before), ["accessprobe"],
             "accounts added to /etc/%s (the system user stays)" % name)
        c.eq(sorted(before - after), [], "lines removed from /etc/%s" % name)
    return allowed


# --------------------------------------------------------------- installed --

def unit_keys(unit):
    """The Key=value lines of an installed unit (the last of each key)."""
    with open("/lib/systemd/system/" + unit) as f:
        return dict(re.findall(r"^(\w+)=(.*)$", f.read(), re.M))


def as_unit(unit):
    """A command prefix that runs what the unit's ExecStart= runs as systemd
    would, as far as the test can: its User= (nobody for DynamicUser=), its
    UMask=, $STATE_DIRECTORY for its StateDirectory=."""
    k = unit_keys(unit)
    pw = pwd.getpwnam(k.get("User") or "nobody")
    cmd = ["setpriv", "--reuid=%d" % pw.pw_uid, "--regid=%d" % pw.pw_gid, "--init-groups", "env"]
    if "StateDirectory" in k:
        cmd.append("STATE_DIRECTORY=/var/lib/" + k["StateDirectory"])
    return cmd + ["sh", "-c", 'umask %s && exec "$@"' % k.get("UMask", "0022"), "sh"]


def exec_start(unit):
    return unit_keys(unit).get("ExecStart", "").split()


def check_installed(c, args):
    v = run(["accessprobe", "--version"])
    c.expect(v.returncode == 0 and v.stdout.startswith("accessprobe %s (" % args.version),
             "installed --version: %s" % shown(v))
    c.eq(shutil.which("accessprobe"), "/usr/bin/accessprobe", "accessprobe on PATH")
    m = run(["man", "-P", "cat", "accessprobe"], env=dict(os.environ, LC_ALL="C.UTF-8",
                                                           MANWIDTH="80"))
    c.expect(m.returncode == 0 and re.search(r"accessprobe [-\u2010\u2212] measure website "
                                             r"blocking", m.stdout), "man accessprobe: %s" % shown(m))
    c.expect("accessprobe %s" % args.version in m.stdout, "the man page does not say version %s"
             % args.version)
    units = ["/lib/systemd/system/" + u for u in
             ("accessprobe.service", "accessprobe.timer", "accessprobe-helper.service",
              "accessprobe-collector.service")]
    p = run(["systemd-analyze", "verify"] + units, timeout=60)
    expect_run(c, p, 0, "systemd-analyze verify (installed units)")
    c.eq(p.stderr.strip(), "", "systemd-analyze verify messages")
    for u in (units[0], units[2], units[3]):
        p = run(["systemd-analyze", "security", "--offline=true", u], timeout=60)
        m = re.search(r"Overall exposure level for \S+: ([\d.]+)", p.stdout + p.stderr)
        c.expect(m and float(m.group(1)) <= 2.0, "exposure level of %s: %s (want <= 2.0)"
                 % (u, m.group(1) if m else shown(p)))
        if m:
            print("systemd-analyze security %s: %s" % (os.path.basename(u), m.group(1)))
    # The system user (systemd-sysusers) and the state folder (tmpfiles).
    try:
        pw = pwd.getpwnam("accessprobe")
        c.eq(pw.pw_dir, STATE, "home of the accessprobe user")
        c.eq(pw.pw_shell, "/usr/sbin/nologin", "shell of the accessprobe user")
        c.expect(pw.pw_uid < 1000, "accessprobe is not a system user (uid %d)" % pw.pw_uid)
        st = os.stat(STATE)
        c.eq((st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)), (pw.pw_uid, pw.pw_gid, 0o750),
             "owner, group and mode of " + STATE)
    except (KeyError, OSError) as e:
        c.expect(False, "system user or state folder: %s" % e)
    for pkg, conf in (("accessprobe", "/etc/accessprobe/config.json"),
                      ("accessprobe-server", "/etc/default/accessprobe-helper"),
                      ("accessprobe-server", "/etc/default/accessprobe-collector")):
        p = run(["dpkg-query", "-W", "-f", "${Conffiles}", pkg])
        c.expect(conf in p.stdout, "%s is not a conffile of %s: %r" % (conf, pkg, p.stdout))
    # Installing enabled nothing.
    for u in ("accessprobe.timer", "accessprobe-helper.service",
              "accessprobe-collector.service"):
        p = run(["systemctl", "is-enabled", u])
        c.eq(p.stdout.strip(), "disabled", "systemctl is-enabled %s after installing" % u)
    links = [p for p in glob.glob("/etc/systemd/system/**", recursive=True) if "accessprobe" in p]
    c.eq(links, [], "links to our units after installing")
    # The source tree's installer defers to the package.
    p = run(["bash", os.path.join(args.src, "scripts", "install-schedule"), "--yes"], timeout=60)
    c.expect(p.returncode == 2 and "package is installed" in p.stderr,
             "install-schedule with the package installed: %s" % shown(p))


def check_consent(c, env):
    """Before onboard, the timer's command measures nothing; after it, the
    documented enabling works."""
    cmd = exec_start("accessprobe.service")
    c.eq(cmd, ["/usr/bin/accessprobe", "run", "--scheduled"], "accessprobe.service ExecStart")
    p = run(["ip", "netns", "exec", env["NS_PROBE"]] + as_unit("accessprobe.service") + cmd,
            timeout=60)
    expect_run(c, p, EXIT_NO_CONSENT, "the service's command before consent")
    c.expect("no consent recorded" in p.stderr, "no reason given without consent: %r" % p.stderr)
    c.eq(sorted(os.listdir(STATE)), [], "%s after a run without consent" % STATE)
    p = run(["accessprobe", "onboard", "--yes", "--lang", "en"])
    expect_run(c, p, 0, "sudo accessprobe onboard --yes (state folder from the conffile)")
    cons = os.path.join(STATE, "consent.json")
    try:
        with open(cons) as f:
            c.eq(json.load(f).get("consent"), True, "consent in " + cons)
        st = os.stat(cons)
        c.eq(pwd.getpwuid(st.st_uid).pw_name, "accessprobe", "owner of " + cons)
    except (OSError, ValueError, KeyError) as e:
        c.expect(False, "%s: %s" % (cons, e))
    p = run(["systemctl", "enable", "accessprobe.timer"])
    expect_run(c, p, 0, "systemctl enable accessprobe.timer")
    c.eq(run(["systemctl", "is-enabled", "accessprobe.timer"]).stdout.strip(), "enabled",
         "systemctl is-enabled accessprobe.timer after enabling")


def offline_run(binary, hide, work):
    """binary run (the default list, the default canaries) in a new network
    namespace with no link; hide: folders covered by an empty tmpfs."""
    script = "".join("mount -t tmpfs -o size=1m tmpfs %s && " % shlex.quote(h) for h in hide)
    d = tempfile.mkdtemp(dir=work)
    return run(["unshare", "--net", "--mount", "sh", "-c", script + 'exec "$0" run', binary],
               cwd=d, timeout=90)


def check_lists(c, args, work):
    """Installed binary: installed lists; build tree's binary: source tree."""
    p = offline_run("/usr/bin/accessprobe", [], work)
    expect_run(c, p, EXIT_OFFLINE, "installed binary, offline, default list")
    c.expect(LISTS + "/canaries.csv" in p.stderr,
             "the installed binary did not read %s/canaries.csv: %r" % (LISTS, p.stderr))
    p = offline_run("/usr/bin/accessprobe", [LISTS], work)
    expect_run(c, p, EXIT_INPUT, "installed binary with %s hidden" % LISTS)
    c.expect("kz-media.csv was not found" in p.stderr, "no missing-list message: %r" % p.stderr)
    src_lists = os.path.join(os.path.realpath(args.src), "lists")
    # The build tree's binary looks in its install prefix first; hide it.
    prefix = "/usr/local/share/accessprobe/lists"
    hide = [prefix] if os.path.isdir(prefix) else []
    p = offline_run(args.probe, hide, work)
    expect_run(c, p, EXIT_OFFLINE, "build tree's binary, offline, default list")
    c.expect(src_lists + "/canaries.csv" in p.stderr,
             "the build tree's binary did not read %s/canaries.csv: %r" % (src_lists, p.stderr))
    p = offline_run(args.probe, hide + [src_lists], work)
    expect_run(c, p, EXIT_INPUT, "build tree's binary with %s hidden" % src_lists)


SITES = {  # url -> (verdict, detail, confirmed); confirmed by the installed lists
    "https://open.lab.test/": ("ok", None, False),
    "https://intercept.lab.test/": ("blocked", "tls.interception", True),
    "http://inject.lab.test/": ("blocked", "http.blockpage", True),
}


def check_measurement(c, args, env, work):
    """A scheduled run, as the timer starts it, by the service user."""
    lab = os.path.join(work, "lab")
    os.makedirs(lab)
    os.chmod(lab, 0o755)
    for src, name in ((env["CA_FILE"], "ca.pem"),
                      (os.path.join(os.path.dirname(HERE), "lab", "canaries.csv"), "canaries.csv")):
        shutil.copy(src, os.path.join(lab, name))
        os.chmod(os.path.join(lab, name), 0o644)
    cmd = (["ip", "netns", "exec", env["NS_PROBE"]] + as_unit("accessprobe.service") +
           exec_start("accessprobe.service") +
           ["--ca-file", lab + "/ca.pem", "--canaries", lab + "/canaries.csv",
            "--step-timeout", "2000", "--probe-asn", "AS65550", "--probe-cc", "KZ",
            "--control", env.get("CONTROL_URL") or "http://198.19.0.250/"] + list(SITES))
    t0 = time.monotonic()
    p = run(cmd, timeout=180)
    print("lab measurement (%d sites, installed binary as the service user): %.1f s, exit %r"
          % (len(SITES), time.monotonic() - t0, p.returncode))
    if not expect_run(c, p, 0, "scheduled run in the lab"):
        return
    files = glob.glob(os.path.join(STATE, "results", "*", "*.jsonl"))
    if not c.eq(len(files), 1, "results files in %s/results" % STATE):
        return
    st = os.stat(files[0])
    c.eq((pwd.getpwuid(st.st_uid).pw_name, stat.S_IMODE(st.st_mode)), ("accessprobe", 0o640),
         "owner and mode of " + files[0])
    with open(files[0]) as f:
        text = f.read()
    c.expect("198.18.1.2" not in text, "the probe's address is in the records")
    recs = [json.loads(ln) for ln in text.splitlines()]
    c.eq(sorted(r.get("input") for r in recs), sorted(SITES), "inputs measured")
    for r in recs:
        want = SITES.get(r.get("input"))
        a = (r.get("test_keys") or {}).get("x_analysis") or {}
        c.eq(r.get("software_version"), args.version, "%s software_version" % r.get("input"))
        c.eq(r.get("probe_ip"), "127.0.0.1", "%s probe_ip" % r.get("input"))
        if want:
            c.eq((a.get("verdict"), a.get("detail"), a.get("confirmed")), want,
                 "%s (verdict, detail, confirmed)" % r.get("input"))
    p = run(["accessprobe", "results", "--json"])
    expect_run(c, p, 0, "accessprobe results --json")
    runs = [json.loads(ln) for ln in p.stdout.splitlines() if ln.strip()]
    c.eq([r.get("status") for r in runs], ["complete"], "runs listed by accessprobe results")


def unit_command(unit, default_file, var):
    """What the unit's ExecStart= runs, with the options of its conffile."""
    args_line = ""
    with open(default_file) as f:
        for tok in shlex.split(f.read(), comments=True):
            k, _, v = tok.partition("=")
            if k == var:
                args_line = v
    return [a for a in exec_start(unit) if a != "$" + var] + shlex.split(args_line)


def serve_as_unit(c, env, unit, cmd, url, use):
    """Runs cmd in the lab's world namespace as the unit would, waits for
    url to answer JSON, calls use(answer) and stops it with SIGTERM (it
    must exit 0)."""
    ns = ["ip", "netns", "exec", env["NS_WORLD"]]
    h = subprocess.Popen(ns + as_unit(unit) + cmd, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    try:
        body = ""
        for _ in range(50):
            p = run(ns + ["curl", "-s", "--max-time", "2", url], timeout=10)
            if p.returncode == 0:
                body = p.stdout
                break
            time.sleep(0.2)
        try:
            j = json.loads(body)
        except ValueError:
            j = {"answer": body}
        use(j, ns)
    finally:
        h.send_signal(signal.SIGTERM)
        try:
            h.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            h.kill()
            h.communicate()
    c.eq(h.returncode, 0, "%s's exit status after SIGTERM" % unit)


def check_helper(c, args, env):
    """The helper as its unit runs it: the options of its conffile."""
    cmd = unit_command("accessprobe-helper.service", "/etc/default/accessprobe-helper",
                       "ACCESSPROBE_HELPER_ARGS")
    c.eq(cmd[:2], ["/usr/bin/accessprobe", "helper"], "accessprobe-helper.service ExecStart")
    serve_as_unit(c, env, "accessprobe-helper.service", cmd, "http://127.0.0.1:8080/",
                  lambda j, ns: c.eq((j.get("status"), j.get("software")),
                                     ("ok", "accessprobe " + args.version),
                                     "the helper's health answer with its default options "
                                     "(%r)" % j))


def check_collector(c, args, env):
    """The collector as its unit runs it: the options of its conffile, its
    archive in its state folder; it answers a health check and opens a
    report."""
    unit = "accessprobe-collector.service"
    cmd = unit_command(unit, "/etc/default/accessprobe-collector",
                       "ACCESSPROBE_COLLECTOR_ARGS")
    c.eq(cmd[:2], ["/usr/bin/accessprobe", "collector"], unit + " ExecStart")
    state = "/var/lib/" + unit_keys(unit)["StateDirectory"]
    os.makedirs(state, exist_ok=True)                 # systemd would make it
    nobody = pwd.getpwnam("nobody")
    os.chown(state, nobody.pw_uid, nobody.pw_gid)
    tpl = json.dumps({"data_format_version": "0.2.0", "format": "json",
                      "probe_asn": "AS65550", "probe_cc": "KZ", "software_name": "accessprobe",
                      "software_version": args.version, "test_name": "web_connectivity",
                      "test_start_time": "2026-01-01 00:00:00", "test_version": "0.4.3"})

    def use(j, ns):
        c.eq((j.get("status"), j.get("database")), ("ok", "none"),
             "the collector's health answer with its default options (%r)" % j)
        p = run(ns + ["curl", "-s", "--max-time", "5", "-H", "Content-Type: application/json",
                      "--data-binary", tpl, "http://127.0.0.1:8081/report"], timeout=10)
        c.expect("_webconnectivity_KZ_65550_n1_" in p.stdout,
                 "the installed collector opens a report: %s" % shown(p))
    serve_as_unit(c, env, unit, cmd, "http://127.0.0.1:8081/", use)
    c.expect(os.path.isdir(os.path.join(state, "archive")), "the collector's archive in %s"
             % state)
    shutil.rmtree(state, ignore_errors=True)


def lab(cmd, args):
    env = dict(os.environ, LAB_PREFIX=args.lab_prefix, LAB_DIR="/tmp/%sstate" % args.lab_prefix)
    return run(["bash", os.path.join(os.path.dirname(HERE), "lab", "lab.sh")] + cmd,
               env=env, timeout=300)


def installed(pkg):
    """Installed, or its configuration files left (not purged)."""
    p = run(["dpkg-query", "-W", "-f", "${Status}", pkg])
    return p.returncode == 0 and not p.stdout.endswith("not-installed")


def inside(args):
    """Runs in the private mount namespace."""
    c = Case("package: install, use, purge")
    ovl = os.path.join(args.work, "ovl")
    lower = overlay_root(ovl)
    policy, made_policy, lab_up = "/usr/sbin/policy-rc.d", False, False
    debs = [os.path.join(args.work, os.path.basename(p)) for p in args.deb]
    try:
        # No service of any package starts here (and none can: no systemd).
        if not os.path.exists(policy):
            with open(policy, "w") as f:
                f.write("#!/bin/sh\nexit 101\n")
            os.chmod(policy, 0o755)
            made_policy = True
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        sim = run(["apt-get", "install", "-s", "--no-install-recommends"] + debs, env=env)
        c.expect(re.search(r"\b0 upgraded, 2 newly installed, 0 to remove", sim.stdout),
                 "installing would change more than our two packages (missing dependencies? "
                 "run scripts/setup): %s" % shown(sim))
        t0 = time.monotonic()
        p = run(["apt-get", "install", "-y", "-q", "--no-install-recommends"] + debs, env=env,
                timeout=300)
        print("apt-get install: %.1f s" % (time.monotonic() - t0))
        if not expect_run(c, p, 0, "apt-get install ./accessprobe*.deb"):
            return c.report()
        owned = run(["dpkg", "-L"] + list(PKGS)).stdout.split()
        check_installed(c, args)
        check_lists(c, args, args.work)
        p = lab(["up", "--helper", "/usr/bin/accessprobe"], args)
        lab_up = True
        if expect_run(c, p, 0, "lab.sh up (control: the installed helper)"):
            os.environ.update(LAB_PREFIX=args.lab_prefix, LAB_DIR="/tmp/%sstate" % args.lab_prefix)
            lab_env = labutil.load_lab_env()
            check_consent(c, lab_env)
            check_measurement(c, args, lab_env, args.work)
            check_helper(c, args, lab_env)
            check_collector(c, args, lab_env)
        lab(["down"], args)
        lab_up = False
        # Purge, then only what Debian keeps may remain.
        if made_policy:
            os.remove(policy)
            made_policy = False
        p = run(["apt-get", "purge", "-y", "-q"] + list(PKGS), env=env, timeout=300)
        expect_run(c, p, 0, "apt-get purge")
        for pkg in PKGS:
            c.expect(not installed(pkg), "%s still known to dpkg after purge" % pkg)
        for path in owned:
            c.expect(not os.path.lexists(path) or
                     (os.path.isdir(path) and os.path.isdir(lower + path)),
                     "left after purge: %s" % path)
        for path in (STATE, "/etc/accessprobe", "/etc/systemd/system/timers.target.wants/"
                     "accessprobe.timer"):
            c.expect(not os.path.lexists(path), "left after purge: %s" % path)
        kept = leftovers(c, ovl, lower)
        print("left after purge (files, by the rule that allows them): " +
              ", ".join("%s %d" % kv for kv in sorted(kept.items())))
    finally:
        if lab_up:
            lab(["down"], args)
        if any(installed(p) for p in PKGS):
            run(["apt-get", "purge", "-y", "-q"] + list(PKGS), timeout=300)
    return c.report()


# -------------------------------------------------------------------- main --

def main():
    ap = argparse.ArgumentParser(description="Build, lint, install, use and purge the .debs.")
    ap.add_argument("--src", required=True, help="the source tree")
    ap.add_argument("--probe", required=True, help="the build tree's accessprobe")
    ap.add_argument("--version", required=True, help="CMake's project VERSION")
    ap.add_argument("--lab-prefix", required=True, help="namespace prefix of this test's lab")
    ap.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--work", help=argparse.SUPPRESS)
    ap.add_argument("--deb", action="append", default=[], help=argparse.SUPPRESS)
    args = ap.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # in order with the commands' output
    args.src, args.probe = os.path.abspath(args.src), os.path.abspath(args.probe)
    if os.geteuid() != 0:
        labutil.skip_or_fail("the package test needs root (apt-get install in a mount "
                             "namespace, the lab)", "package")
    if args.inside:
        return inside(args)
    missing = [t for t in TOOLS if not shutil.which(t)]
    if missing:
        print("FAIL: missing %s: run scripts/setup --tests" % ", ".join(missing))
        return 1
    there = [p for p in PKGS if installed(p)]
    if there:
        print("FAIL: %s already installed on this machine; remove it first (the test "
              "installs and purges its own build)" % ", ".join(there))
        return 1
    c = Case("package: build, lint, contents")
    work = tempfile.mkdtemp(prefix="appkg-")
    os.chmod(work, 0o755)
    os.mkdir(os.path.join(work, "ovl"))
    debs = build(c, args, work)
    if debs:
        lint(c, args, work)
        inspect(c, args, debs, work)
        cmd = ["unshare", "--mount", "--propagation", "private", sys.executable,
               os.path.abspath(__file__), "--inside", "--work", work] + sys.argv[1:]
        for d in debs.values():
            cmd += ["--deb", d]
        p = subprocess.run(cmd, timeout=1200, stdin=subprocess.DEVNULL)
        c.eq(p.returncode, 0, "the install, use and purge phase (above)")
    rc = c.report()
    if rc == 0:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print("kept for a look: %s (build.log, the packages)" % work)
    return rc


if __name__ == "__main__":
    sys.exit(main())

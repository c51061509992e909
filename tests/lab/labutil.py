"""labutil.py: what the lab's Python scripts share (stdlib only).

For the test drivers (run_case.py, tests/volunteer/vol_case.py): skipping
or failing when the lab cannot run, the lab's state (lab.env), collecting
a case's failed expectations and running its checks. For the lab's own
servers (badserver.py, injector.py): starting as a daemon with a pid file.

Importers set sys.dont_write_bytecode first, so that no __pycache__ is
left in the source tree (the lab runs as root).
"""

import os
import shutil
import signal
import sys
import traceback

EXIT_SKIP = 77
IN_CI = os.environ.get("CI") == "true"


# ----------------------------------------------------------- test drivers --

def skip_or_fail(msg, suite):
    """Exits 77 (skip) because msg; under CI=true, where the `suite` tests
    must run, exits 1 (fail) instead."""
    if IN_CI:
        print("FAIL (CI=true, the %s tests must run): %s" % (suite, msg), file=sys.stderr)
        sys.exit(1)
    print("SKIP: %s" % msg, file=sys.stderr)
    sys.exit(EXIT_SKIP)


def load_lab_env():
    """The lab's lab.env as a dict; LAB_PREFIX and LAB_DIR select the lab
    the same way lab.sh does. Exits (fail) when the lab is not up."""
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


class Checks:
    """Expectations of one case: all are checked, every false one is kept in
    self.problems (which the subclass makes), after self.prefix."""

    prefix = ""

    def expect(self, cond, what):
        if not cond:
            self.problems.append(self.prefix + what)
        return bool(cond)

    def eq(self, actual, expected, what):
        return self.expect(actual == expected, "%s: expected %r, got %r" % (what, expected, actual))

    def verdict(self, name):
        """Prints PASS name, or FAIL name and every problem; True on a pass
        (the caller then adds what helps to look into a failure)."""
        if not self.problems:
            print("PASS %s" % name)
            return True
        print("FAIL %s" % name)
        for p in self.problems:
            print("  - %s" % p)
        return False


def run_checks(case, check, workdir):
    """Runs check(case) and returns case.report()'s exit status. A crash in
    the checks is a failure with its traceback; workdir is removed only when
    the case passes (kept to look at otherwise)."""
    try:
        check(case)
    except Exception as e:  # a crash in the checks is a failure with context
        case.problems.append("driver error: %s\n%s" % (e, traceback.format_exc()))
    rc = case.report()
    if rc == 0:
        shutil.rmtree(workdir, ignore_errors=True)
    return rc


def case_args(ap, cases):
    """The command line of a case runner: ap (argparse, with any options of
    its own) gets --probe, --ca, --list and the case name. Prints the case
    names and exits for --list; refuses an unknown case or no --probe."""
    ap.add_argument("--probe", help="path to the accessprobe binary")
    ap.add_argument("--ca", help="the lab CA (PEM)")
    ap.add_argument("--list", action="store_true", help="print the case names")
    ap.add_argument("case", nargs="?")
    args = ap.parse_args()
    if args.list:
        print(";".join(cases))
        sys.exit(0)
    if args.case not in cases:
        ap.error("unknown case %r; cases: %s" % (args.case, ", ".join(cases)))
    if not args.probe:
        ap.error("--probe is required")
    return args


# ------------------------------------------------------------ lab servers --

def daemonize(pidfile, logfile):
    """Detaches (double fork, new session), sends stdout and stderr to
    logfile and writes the daemon's pid to pidfile atomically."""
    if os.fork() > 0:
        os._exit(0)
    os.setsid()
    if os.fork() > 0:
        os._exit(0)
    fd = os.open(logfile, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    os.close(null)
    with open(pidfile + ".tmp", "w") as f:
        f.write("%d\n" % os.getpid())
    os.rename(pidfile + ".tmp", pidfile)


def start_server(ap, args):
    """After a server has bound what it needs: becomes a daemon with
    --daemon (which needs --pidfile), else writes --pidfile when given; then
    SIGTERM and SIGINT end it at once. ap is the argparse parser, args its
    result (with pidfile, log and daemon)."""
    if args.daemon:
        if not args.pidfile:
            ap.error("--daemon needs --pidfile")
        daemonize(args.pidfile, args.log)
    elif args.pidfile:
        with open(args.pidfile, "w") as f:
            f.write("%d\n" % os.getpid())
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    signal.signal(signal.SIGINT, lambda *_: os._exit(0))

"""What the report's test scripts share: failures gathered, not raised,
so one run lists every wrong figure; and accessprobe report run with a
bound on its time."""
import subprocess

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def eq(got, want, what):
    check(got == want, "%s: got %r, want %r" % (what, got, want))


def run(probe, *args):
    """accessprobe report ARGS: (exit status, stdout, stderr)."""
    p = subprocess.run([probe, "report", *args], capture_output=True,
                       timeout=120)
    return p.returncode, p.stdout.decode(), p.stderr.decode()

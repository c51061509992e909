#!/usr/bin/env python3
"""latency_check.py: the lab's latency emulator (latency.sh + lab_delayd)
adds the round-trip time it is given, to the addresses it is given only,
holds no more than its queue bound, and goes away by itself.

    latency_check.py --delayd PATH/lab_delayd

A correctness test, not a benchmark: a delayed packet can never arrive
early, so every sample must be at least the configured RTT; the upper
band is wide enough for a loaded 2-core machine. The lab must be up
(LAB_PREFIX and LAB_DIR select it as for lab.sh). Exit 0 pass, 1 fail, 77
skip (only outside CI, when not root).
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import labutil  # noqa: E402  (next to this script)

HERE = os.path.dirname(os.path.abspath(__file__))
LATENCY = os.path.join(HERE, "latency.sh")
OPEN_IP = "198.19.0.40"      # open.lab.test (http and https)
HTTP_IP = "198.19.0.10"      # http.lab.test
OTHER_IP = "198.19.0.11"     # https.lab.test, never given a delay here
RTT_FAR, RTT_NEAR = 200, 60  # ms
SLACK_MS = 80                # upper band: scheduling on a loaded machine
SAMPLES = 7

# Connect times (ms) from inside the probe namespace, as JSON.
CONNECT = r"""
import json, socket, sys, time
out = {}
for ip in sys.argv[2:]:
    ts = []
    for _ in range(int(sys.argv[1])):
        s = socket.socket()
        s.settimeout(5)
        t = time.monotonic()
        try:
            s.connect((ip, 80))
            ts.append((time.monotonic() - t) * 1000)
        except OSError:
            ts.append(None)
        s.close()
    out[ip] = ts
print(json.dumps(out))
"""

# A burst of UDP datagrams towards an address (nothing listens on port 9).
BURST = r"""
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(int(sys.argv[2])):
    s.sendto(b"x" * 100, (sys.argv[1], 9))
"""


class Case(labutil.Checks):
    def __init__(self):
        self.problems = []

    def report(self):
        if not self.problems:
            print("PASS: latency emulator")
            return 0
        print("FAIL: latency emulator")
        for p in self.problems:
            print("  - " + p)
        return 1


def sh(args, timeout=60, check=True):
    p = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    if check and p.returncode != 0:
        raise RuntimeError("%s: exit %d\n%s%s" % (" ".join(args), p.returncode, p.stdout, p.stderr))
    return p


def latency(*args, timeout=60):
    return sh(["bash", LATENCY] + list(args), timeout=timeout)


def connect_times(ns, ips, n=SAMPLES):
    p = sh(["ip", "netns", "exec", ns, sys.executable, "-c", CONNECT, str(n)] + ips,
           timeout=n * len(ips) * 6 + 10)
    return json.loads(p.stdout)


def check_band(case, times, rtt, what):
    ok = [t for t in times if t is not None]
    if not case.expect(len(ok) == len(times), "%s: %d of %d connects failed" % (what, len(times) - len(ok), len(times))):
        return
    case.expect(min(ok) >= rtt - 1.0,
                "%s: a connect took %.1f ms, less than the %d ms RTT (samples %s)" % (what, min(ok), rtt, ok))
    med = statistics.median(ok)
    case.expect(med <= rtt + SLACK_MS,
                "%s: median connect %.1f ms, above %d + %d ms (samples %s)" % (what, med, rtt, SLACK_MS, ok))
    print("%s: RTT %d ms configured, connect min %.1f / median %.1f / max %.1f ms"
          % (what, rtt, min(ok), med, max(ok)))


def check_undelayed(case, times, what):
    ok = [t for t in times if t is not None]
    case.expect(ok and statistics.median(ok) < RTT_NEAR / 2,
                "%s: should have no delay, connect times %s ms" % (what, times))


def delayd_log_tail(lab_dir):
    try:
        with open(os.path.join(lab_dir, "logs", "delayd.log")) as f:
            return f.read().splitlines()[-1:]
    except OSError:
        return []


def wait_gone(pid, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def check(case, env, delayd):
    ns, ns_isp, lab_dir = env["NS_PROBE"], env["NS_ISP"], env["LAB_DIR"]
    ca = env["CA_FILE"]

    # 1. Two prefixes, two RTTs; a third address untouched.
    latency("up", "--delayd", delayd, "--lifetime", "60",
            "--rtt", "%s/32=%d" % (OPEN_IP, RTT_FAR), "--rtt", "%s/32=%d" % (HTTP_IP, RTT_NEAR))
    t = connect_times(ns, [OPEN_IP, HTTP_IP, OTHER_IP])
    check_band(case, t[OPEN_IP], RTT_FAR, "open.lab.test")
    check_band(case, t[HTTP_IP], RTT_NEAR, "http.lab.test")
    check_undelayed(case, t[OTHER_IP], "https.lab.test (no --rtt)")

    # 2. Data is delayed both ways, not only SYNs: TLS 1.3 takes one more
    # RTT after the connect and the response one more after that.
    p = sh(["ip", "netns", "exec", ns, "curl", "-sS", "--max-time", "10", "--cacert", ca,
            "--tlsv1.3", "-o", "/dev/null", "-w", "%{time_connect} %{time_appconnect} %{time_starttransfer}",
            "https://open.lab.test/"], timeout=20)
    conn, app, first = (float(x) * 1000 for x in p.stdout.split())
    print("https://open.lab.test/ through %d ms: connect %.1f, TLS done %.1f, first byte %.1f ms"
          % (RTT_FAR, conn, app, first))
    case.expect(app - conn >= RTT_FAR - 1, "TLS handshake took %.1f ms after the connect, less than one RTT" % (app - conn))
    case.expect(first - app >= RTT_FAR - 1, "first byte came %.1f ms after the handshake, less than one RTT" % (first - app))
    case.expect(first <= 3 * RTT_FAR + 3 * SLACK_MS, "first byte after %.1f ms: far above 3 RTT" % first)

    # 3. down: no delay left anywhere, no rule left.
    latency("down")
    t = connect_times(ns, [OPEN_IP, HTTP_IP])
    check_undelayed(case, t[OPEN_IP], "open.lab.test after down")
    check_undelayed(case, t[HTTP_IP], "http.lab.test after down")
    rules = sh(["ip", "netns", "exec", ns_isp, "ip", "rule", "show"]).stdout
    case.expect(not re.search(r"lookup 113\b", rules), "policy rules left after down:\n" + rules)

    # 4. The queue bound: a burst of 60 datagrams into a queue of 4 leaves
    # at most 4 held, the rest dropped and counted.
    latency("up", "--delayd", delayd, "--lifetime", "60", "--max-packets", "4",
            "--rtt", "%s/32=2000" % OPEN_IP)
    sh(["ip", "netns", "exec", ns, sys.executable, "-c", BURST, OPEN_IP, "60"])
    latency("down")
    tail = delayd_log_tail(lab_dir)
    m = re.search(r"dropped (\d+) \(queue full\).*peak (\d+) packets", " ".join(tail))
    if case.expect(m, "no statistics line from lab_delayd: %r" % tail):
        dropped, peak = int(m.group(1)), int(m.group(2))
        case.expect(peak <= 4, "peak queue %d packets, above --max-packets 4" % peak)
        case.expect(dropped >= 50, "only %d of 60 datagrams dropped by a 4-packet queue" % dropped)
        print("queue bound: peak %d packets held, %d dropped" % (peak, dropped))

    # 5. The lifetime: it exits by itself, and its device with it.
    latency("up", "--delayd", delayd, "--lifetime", "2", "--rtt", "%s/32=%d" % (OPEN_IP, RTT_FAR))
    with open(os.path.join(lab_dir, "run", "delayd.pid")) as f:
        pid = int(f.read().strip())
    case.expect(wait_gone(pid, 15), "lab_delayd (pid %d) still runs 15 s after a 2 s lifetime" % pid)
    links = sh(["ip", "netns", "exec", ns_isp, "ip", "-o", "link", "show"]).stdout
    case.expect("apdelay0" not in links, "the TUN device outlived lab_delayd")
    t = connect_times(ns, [OPEN_IP], n=3)
    check_undelayed(case, t[OPEN_IP], "open.lab.test after the lifetime")
    case.expect("stopped by its lifetime" in " ".join(delayd_log_tail(lab_dir)),
                "lab_delayd did not say it stopped by its lifetime: %r" % delayd_log_tail(lab_dir))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--delayd", required=True, help="the lab_delayd binary")
    args = ap.parse_args()
    if os.geteuid() != 0:
        labutil.skip_or_fail("not root (network namespaces)", "lab")
    env = labutil.load_lab_env()
    env.setdefault("NS_ISP", env["LAB_PREFIX"] + "isp")
    case = Case()
    try:
        check(case, env, os.path.abspath(args.delayd))
    except Exception as e:  # a crash in the checks is a failure with context
        case.problems.append("driver error: %s" % e)
    finally:
        try:
            latency("down")
        except Exception as e:
            case.problems.append("latency.sh down failed: %s" % e)
    return case.report()


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""bench.py: the measuring half of scripts/bench, which builds the lab and
calls this with its paths; see scripts/bench for the parts and options.

Every run is a real process in the lab's probe namespace, measured by GNU
time (user+sys CPU, peak RSS) and a wall clock, and killed after --timeout
seconds. All traffic stays inside the lab's namespaces.
"""

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import bench_callgrind  # noqa: E402  (next to this script)

# The goals, printed beside the figures (never asserted unless
# --strict).
GOAL_WALL_RATIO = 1.0       # accessprobe wall / curl wall
GOAL_CPU_RATIO = 0.8        # accessprobe CPU / curl CPU
GOAL_CPU_MS = 1.5           # client CPU per https URL
GOAL_BOUND_RATIO = 1.2      # wall / physical bound with latency

BENCH_IPS = 16              # lab.sh: s<n>.bench.test is on 198.19.1.(n % 16 + 1)
DEAD_IP = 15                # the latency mix: SYNs dropped in world
SNI_IP = 16                 # the latency mix: ClientHellos dropped in isp
MIX_TAG = "accessprobe-bench-mix"

REQUEST_HEADERS = [         # what accessprobe sends (probe/engine/http1.c)
    "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language: en-US,en;q=0.9",
    "User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
]


def load1():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def site_ip(n):
    return n % BENCH_IPS + 1


def url(n):
    return "https://s%d.bench.test/" % n


class Bench:
    def __init__(self, a):
        self.a = a
        self.ns = a.ns_prefix + "probe"
        self.ca = os.path.join(a.lab_dir, "ca", "ca.pem")
        self.work = os.path.join(a.lab_dir, "bench")
        os.makedirs(self.work, exist_ok=True)
        # curl's trust anchors are the lab CA alone, like ours: an empty
        # CApath replaces Debian's default /etc/ssl/certs.
        self.empty_capath = os.path.join(self.work, "empty-capath")
        os.makedirs(self.empty_capath, exist_ok=True)
        self.goals = []

    # ---- lists and commands ------------------------------------------

    def write_list(self, name, numbers):
        path = os.path.join(self.work, name + ".txt")
        with open(path, "w") as f:
            for n in numbers:
                f.write(url(n) + "\n")
        cfg = os.path.join(self.work, name + ".curl")
        with open(cfg, "w") as f:
            for n in numbers:
                f.write('url = "%s"\noutput = "/dev/null"\n' % url(n))
        return path, cfg

    def probe_cmd(self, urls, out, parallel, extra=()):
        # --no-preflight: no canary check before the run; the lab's
        # canaries still serve the checks during it. --no-control: curl
        # asks no control either.
        return [self.a.probe, "run", "-f", urls, "--no-preflight", "--no-control",
                "--canaries", self.a.canaries, "--ca-file", self.ca, "--quiet",
                "-o", out, "-p", str(parallel)] + list(extra)

    def curl_cmd(self, cfg, parallel, max_time=10):
        cmd = ["curl", "-Z", "--parallel-max", str(parallel), "--parallel-immediate",
               "-s", "--http1.1", "--cacert", self.ca, "--capath", self.empty_capath,
               "--connect-timeout", str(max_time), "--max-time", str(max_time),
               "-w", "%{http_code}\\n"]
        for h in REQUEST_HEADERS:
            cmd += ["-H", h]
        return cmd + ["-K", cfg]

    # ---- one process -------------------------------------------------

    def run(self, cmd, label, stdout=None, on_start=None, sample=None):
        """Runs cmd in the probe namespace; wall, CPU, peak RSS, exit. With
        sample (a path), also (RSS kB, size of that file) every 50 ms.

        GNU time forks cmd and reports its rusage: a child forked from this
        (large) Python process would inherit its peak RSS across exec."""
        err = os.path.join(self.work, "stderr-%s.txt" % label)
        usage = os.path.join(self.work, "rusage-%s.txt" % label)
        full = ["ip", "netns", "exec", self.ns, "/usr/bin/time", "-f", "%e %U %S %M %x",
                "-o", usage] + cmd
        ld = load1()
        with open(err, "wb") as ef, open(stdout or os.devnull, "wb") as of:
            t0 = time.monotonic()
            pid = os.fork()
            if pid == 0:
                try:
                    import resource
                    os.setpgid(0, 0)
                    resource.setrlimit(resource.RLIMIT_NOFILE, (20000, 20000))
                    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
                    os.dup2(of.fileno(), 1)
                    os.dup2(ef.fileno(), 2)
                    os.execvp(full[0], full)
                finally:
                    os._exit(127)
            extra = on_start(pid) if on_start else None
            killed = False
            samples, next_sample = [], t0
            while True:
                wpid, status, _ = os.wait4(pid, os.WNOHANG)
                if wpid == pid:
                    break
                if time.monotonic() - t0 > self.a.timeout and not killed:
                    os.killpg(pid, signal.SIGKILL)
                    killed = True
                if sample and time.monotonic() >= next_sample:
                    next_sample += 0.05
                    rss = vm_kb(child_of(pid), "VmRSS")
                    if rss:
                        samples.append((rss, os.path.getsize(sample) if os.path.exists(sample) else 0))
                time.sleep(0.01)
            wall = time.monotonic() - t0
        user = sys_s = rss_kb = 0.0
        rc = os.waitstatus_to_exitcode(status)
        try:
            with open(usage) as f:
                fields = f.read().split("\n")[-2].split()
            user, sys_s, rss_kb, rc = float(fields[1]), float(fields[2]), float(fields[3]), int(fields[4])
        except (OSError, IndexError, ValueError):
            pass
        return dict(label=label, rc=rc, killed=killed, wall=wall, cpu=user + sys_s, user=user,
                    sys=sys_s, rss_mb=rss_kb / 1024.0, load=ld, err=err, extra=extra,
                    samples=samples)

    def run_probe(self, urls, n, parallel, label, extra=(), sample=False):
        out = os.path.join(self.work, "out-%s.jsonl" % label)
        if os.path.exists(out):
            os.unlink(out)
        r = self.run(self.probe_cmd(urls, out, parallel, extra), label,
                     sample=out if sample else None)
        r["out_size"] = os.path.getsize(out) if os.path.exists(out) else 0
        r["records"] = read_records(out)
        r["n"] = n
        r["ok"] = sum(1 for rec in r["records"] if rec["ok"])
        return r

    def run_curl(self, cfg, n, parallel, label):
        codes = os.path.join(self.work, "codes-%s.txt" % label)
        r = self.run(self.curl_cmd(cfg, parallel), label, stdout=codes)
        with open(codes) as f:
            r["ok"] = sum(1 for line in f if line.strip() == "200")
        r["n"] = n
        return r

    def quiet_lab(self):
        """Stops the lab's HTTP injector: a Python packet sniffer on isp's
        link to the probe, needed only by inject.lab.test, that wakes for
        every packet of every run and takes the shared cores' time (about
        0.3 ms of CPU per URL)."""
        pidfile = os.path.join(self.a.lab_dir, "run", "injector.pid")
        try:
            with open(pidfile) as f:
                pid = int(f.read().strip())
            ns = subprocess.run(["ip", "netns", "identify", str(pid)], capture_output=True,
                                text=True).stdout.strip()
            if ns == self.a.ns_prefix + "isp":
                os.kill(pid, signal.SIGTERM)
                print("(the lab's HTTP injector, a packet sniffer on the probe's link, is stopped for the bench)")
        except (OSError, ValueError):
            pass

    def goal(self, name, got, goal, met):
        self.goals.append((name, got, goal, met))

    def complain(self, r):
        if r["rc"] != 0 or r["killed"] or r["ok"] != r["n"]:
            print("  ! %s: exit %s%s, %d/%d fetched 200 OK (stderr: %s)" % (
                r["label"], r["rc"], " KILLED at timeout" if r["killed"] else "",
                r["ok"], r["n"], r["err"]))
            return True
        return False

    # ---- the parts ---------------------------------------------------

    def part_compare(self):
        n, p = 500, self.a.parallel
        urls, cfg = self.write_list("compare", range(n))
        print("\n== compare: accessprobe run -p %d vs curl -Z --parallel-max %d, %d https URLs, "
              "%d alternating runs each" % (p, p, n, self.a.runs))
        print("   Both: the same %d lab sites (s0..s%d.bench.test, nginx on 16 addresses, same 2 cores),\n"
              "   the lab CA as the only trust anchor (curl: --cacert CA --capath <empty dir>), one GET\n"
              "   per URL over HTTP/1.1 with accessprobe's three request headers, no redirects followed.\n"
              "   accessprobe also resolves A+AAAA itself (c-ares), measures TCP+TLS (chain, verify\n"
              "   result, timings), fetches over that same connection, classifies, writes and fsyncs\n"
              "   a JSON record per URL with the body; curl resolves (threaded getaddrinfo), fetches\n"
              "   (--parallel-immediate, --http1.1) and discards the body (-o /dev/null)."
              % (n, n - 1))
        ours, theirs = [], []
        for i in range(self.a.runs):
            order = [("accessprobe", ours), ("curl", theirs)]
            if i % 2:
                order.reverse()
            for tool, acc in order:
                label = "cmp-%s-%d" % (tool, i)
                r = self.run_probe(urls, n, p, label) if tool == "accessprobe" \
                    else self.run_curl(cfg, n, p, label)
                acc.append(r)
                print("   run %d %-11s wall %6.2f s  CPU %5.2f ms/URL (user %.2f s, sys %.2f s)  "
                      "RSS %5.1f MB  %d/%d OK  load %.2f" % (
                          i + 1, tool, r["wall"], 1000 * r["cpu"] / n, r["user"], r["sys"],
                          r["rss_mb"], r["ok"], n, r["load"]))
                self.complain(r)
        mw_o, mw_c = med(ours, "wall"), med(theirs, "wall")
        mc_o, mc_c = 1000 * med(ours, "cpu") / n, 1000 * med(theirs, "cpu") / n
        print("   %-24s %10s %14s %10s" % ("median of %d" % self.a.runs, "wall s", "CPU ms/URL", "RSS MB"))
        print("   %-24s %10.2f %14.2f %10.1f" % ("accessprobe", mw_o, mc_o, med(ours, "rss_mb")))
        print("   %-24s %10.2f %14.2f %10.1f" % ("curl -Z", mw_c, mc_c, med(theirs, "rss_mb")))
        print("   %-24s %9.2fx %13.2fx" % ("ratio accessprobe/curl", mw_o / mw_c, mc_o / mc_c))
        print("   load (1 min) during the runs: %.2f .. %.2f" % (
            min(r["load"] for r in ours + theirs), max(r["load"] for r in ours + theirs)))
        self.goal("wall vs curl -Z", "%.2fx" % (mw_o / mw_c), "<= %.1fx" % GOAL_WALL_RATIO,
                  mw_o / mw_c <= GOAL_WALL_RATIO)
        self.goal("CPU vs curl -Z", "%.2fx" % (mc_o / mc_c), "<= %.1fx" % GOAL_CPU_RATIO,
                  mc_o / mc_c <= GOAL_CPU_RATIO)
        self.goal("client CPU per URL", "%.2f ms" % mc_o, "<= %.1f ms" % GOAL_CPU_MS, mc_o <= GOAL_CPU_MS)

    def part_callgrind(self):
        n1, n2 = (40, 120) if self.a.quick else (100, 300)
        p = 16
        print("\n== callgrind: instructions per URL (load-independent), marginal cost between "
              "%d and %d URLs, -p %d" % (n1, n2, p))
        print("   (instructions executed in user space; the kernel's share, about a fifth of the\n"
              "   CPU time here, is not counted)")
        profiles = {}
        for tool in ("accessprobe", "curl"):
            for n in (n1, n2):
                label = "cg-%s-%d" % (tool, n)
                urls, cfg = self.write_list(label, range(n))
                outf = os.path.join(self.work, "callgrind-%s.out" % label)
                vg = ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + outf]
                if tool == "accessprobe":
                    out = os.path.join(self.work, "out-%s.jsonl" % label)
                    if os.path.exists(out):
                        os.unlink(out)
                    # Thirty-second steps: under valgrind nothing may time out.
                    r = self.run(vg + self.probe_cmd(urls, out, p, ["--step-timeout", "30000"]), label)
                    r["ok"] = sum(1 for rec in read_records(out) if rec["ok"])
                else:
                    codes = os.path.join(self.work, "codes-%s.txt" % label)
                    r = self.run(vg + self.curl_cmd(cfg, p, max_time=60), label, stdout=codes)
                    with open(codes) as f:
                        r["ok"] = sum(1 for line in f if line.strip() == "200")
                r["n"] = n
                if self.complain(r):
                    print("   (the %s figure below is not valid)" % label)
                profiles[(tool, n)] = bench_callgrind.parse(outf)
        per = {}
        for tool in ("accessprobe", "curl"):
            a, b = profiles[(tool, n1)], profiles[(tool, n2)]
            per[tool] = (b.total - a.total) / (n2 - n1)
            print("   %-12s %6.2f M instructions/URL   (runs: %.0f M at %d, %.0f M at %d URLs)" % (
                tool, per[tool] / 1e6, a.total / 1e6, n1, b.total / 1e6, n2))
        print("   ratio accessprobe/curl: %.2fx" % (per["accessprobe"] / per["curl"]))
        bench_callgrind.report(profiles[("accessprobe", n1)], profiles[("accessprobe", n2)],
                               n2 - n1, sys.stdout)

    def part_scale(self):
        p = self.a.parallel
        sizes = [500, 2000] if self.a.quick else [500, 2000, 5000]
        sizes = [s for s in sizes if s <= self.a.sites]
        print("\n== scale: accessprobe run -p %d on %s https URLs" % (p, ", ".join(map(str, sizes))))
        print("   %7s %9s %12s %10s %10s %6s" % ("URLs", "wall s", "CPU ms/URL", "peak MB", "200 OK", "load"))
        full, listonly = {}, {}
        for n in sizes:
            urls, _ = self.write_list("scale-%d" % n, range(n))
            r = self.run_probe(urls, n, p, "scale-%d" % n, sample=True)
            full[n] = r
            print("   %7d %9.2f %12.2f %10.1f %10d %6.2f" % (
                n, r["wall"], 1000 * r["cpu"] / n, r["rss_mb"], r["ok"], r["load"]))
            self.complain(r)
        lo, hi = sizes[0], sizes[-1]
        for n in (lo, hi):
            listonly[n] = self.list_rss(os.path.join(self.work, "scale-%d.txt" % n), n)
        growth = rss_growth(full[hi])
        if growth is not None:
            print("   RSS during the %d-URL run, from 20%% to 95%% of its records: %+.0f bytes per URL"
                  % (hi, growth))
        if hi > lo:
            slope_list = (listonly[hi] - listonly[lo]) * 1048576 / (hi - lo)
            print("   the input list: %.0f bytes per URL (RSS with one measurement in flight, %d vs %d URLs)"
                  % (slope_list, hi, lo))
            if growth is not None:
                print("   so %.0f bytes per URL remain beyond the input list (RSS moves in 4 KiB pages\n"
                      "   and with the records in flight: a few hundred bytes is noise)" % growth)
            cpu_lo, cpu_hi = (1000 * full[s]["cpu"] / s for s in (lo, hi))
            print("   CPU per URL at %d vs %d URLs: %.2f vs %.2f ms (%+.0f%%)" % (
                hi, lo, cpu_hi, cpu_lo, 100 * (cpu_hi / cpu_lo - 1)))
        urls, _ = self.write_list("scale-500", range(500))
        r = self.run_probe(urls, 500, 256, "peak256")
        print("   -p 256, 500 URLs: peak RSS %.1f MB, wall %.2f s, CPU %.2f ms/URL, %d/500 OK, load %.2f" % (
            r["rss_mb"], r["wall"], 1000 * r["cpu"] / 500, r["ok"], r["load"]))
        self.complain(r)

    def list_rss(self, urls, n):
        """RSS (MB) of a run with one measurement in flight, once its first
        record is out: the program, the engine and the input list."""
        out = os.path.join(self.work, "out-listonly-%d.jsonl" % n)
        if os.path.exists(out):
            os.unlink(out)

        def sample(pid):
            end = time.monotonic() + 30
            while time.monotonic() < end:
                if os.path.exists(out) and os.path.getsize(out) > 0:
                    break
                time.sleep(0.02)
            probe = child_of(pid)
            rss = vm_kb(probe, "VmRSS") / 1024.0
            if probe:
                os.kill(probe, signal.SIGTERM)
            return rss
        r = self.run(self.probe_cmd(urls, out, 1), "listonly-%d" % n, on_start=sample)
        return r["extra"]

    def part_latency(self):
        a, p = self.a, self.a.parallel
        m = 200 if a.quick else 500
        n_sni, n_dead = m // 10, m // 20
        n_ok = m - n_sni - n_dead
        pools = {"sni": [], "dead": [], "ok": []}
        for n in range(a.sites):
            ip = site_ip(n)
            pools["sni" if ip == SNI_IP else "dead" if ip == DEAD_IP else "ok"].append(n)
        if len(pools["sni"]) < n_sni or len(pools["dead"]) < n_dead or len(pools["ok"]) < n_ok:
            print("\n== latency: the lab has too few sites for a mix of %d" % m)
            return
        chosen = pools["ok"][:n_ok] + pools["sni"][:n_sni] + pools["dead"][:n_dead]
        random.Random(13).shuffle(chosen)
        urls, _ = self.write_list("latency", chosen)
        rtt = {ip: 100 + round((ip - 1) * 200 / (BENCH_IPS - 1)) for ip in range(1, BENCH_IPS + 1)}
        print("\n== latency: %d https URLs through the latency emulator, -p %d, default 10 s steps" % (m, p))
        print("   RTT per site address 100..300 ms (16 addresses); %d blocked by SNI (isp drops the\n"
              "   ClientHello: a TLS timeout, then the decoy handshake), %d dead (SYNs dropped), %d reachable"
              % (n_sni, n_dead, n_ok))
        self.mix_rules(True)
        try:
            spec = []
            for ip, ms in rtt.items():
                spec += ["--rtt", "198.19.1.%d/32=%d" % (ip, ms)]
            sh(["bash", a.latency_sh, "up", "--delayd", a.delayd,
                "--lifetime", str(a.timeout + 120)] + spec)
            lab0 = lab_cpu(a.ns_prefix)
            r = self.run_probe(urls, m, p, "latency")
            lab_s = lab_cpu(a.ns_prefix) - lab0
        finally:
            subprocess.run(["bash", a.latency_sh, "down"], capture_output=True, timeout=60)
            self.mix_rules(False)
        self.complain_mix(r, n_ok)
        self.latency_report(r, rtt, p, lab_s)

    def complain_mix(self, r, n_ok):
        if r["rc"] != 0 or r["killed"] or len(r["records"]) != r["n"]:
            print("  ! latency run: exit %s%s, %d/%d records (stderr: %s)" % (
                r["rc"], " KILLED" if r["killed"] else "", len(r["records"]), r["n"], r["err"]))
        if r["ok"] != n_ok:
            print("  ! latency run: %d reachable sites fetched 200 OK, %d expected" % (r["ok"], n_ok))

    def latency_report(self, r, rtt, p, lab_s):
        times, by_class, dev = [], {"ok": [], "sni": [], "dead": []}, []
        for rec in r["records"]:
            t = rec["runtime"]
            times.append(t)
            ip = int(rec["input"].split(".")[0][len("https://s"):]) % BENCH_IPS + 1
            by_class["sni" if ip == SNI_IP else "dead" if ip == DEAD_IP else "ok"].append((t, rtt[ip]))
            dev += [ms - rtt[ip] for ms in rec["connects_ms"]]
        if not times:
            print("   no records")
            return
        cores = os.cpu_count() or 1
        cpu = r["cpu"] + lab_s
        terms = [("sum of per-URL times / %d" % p, sum(times) / p),
                 ("longest measurement", max(times)),
                 ("CPU / %d cores (probe %.2f s + lab servers %.2f s)" % (cores, r["cpu"], lab_s), cpu / cores)]
        bound = max(v for _, v in terms)
        for name, v in terms:
            print("   bound term %-52s %7.2f s" % (name, v))
        ratio = r["wall"] / bound
        print("   wall %.2f s vs bound %.2f s: %.2fx (goal <= %.1fx)   load %.2f" % (
            r["wall"], bound, ratio, GOAL_BOUND_RATIO, r["load"]))
        for cls, name in (("ok", "reachable"), ("sni", "SNI-blocked"), ("dead", "dead")):
            v = by_class[cls]
            if v:
                print("   %-12s %4d URLs: median %.2f s per URL, %.1f RTTs" % (
                    name, len(v), statistics.median(t for t, _ in v),
                    statistics.median(t * 1000 / ms for t, ms in v)))
        print("   client CPU %.2f ms/URL; peak RSS %.1f MB" % (1000 * r["cpu"] / len(times), r["rss_mb"]))
        if dev:
            dev.sort()
            print("   emulator: TCP connect time minus the configured RTT over %d connects: min %+.1f, "
                  "median %+.1f, p95 %+.1f ms" % (len(dev), dev[0], statistics.median(dev),
                                                  dev[int(0.95 * (len(dev) - 1))]))
        self.goal("latency: wall / bound", "%.2fx" % ratio, "<= %.1fx" % GOAL_BOUND_RATIO,
                  ratio <= GOAL_BOUND_RATIO)

    def mix_rules(self, add):
        """The mix's censor and its dead sites: one bench address has its
        ClientHellos dropped by isp (SNI filtering), another its SYNs
        dropped in world."""
        op = "-I" if add else "-D"
        pre = self.a.ns_prefix
        rules = [
            [pre + "isp", "CENSOR"] + (["1"] if add else []) +
            ["-d", "198.19.1.%d" % SNI_IP, "-p", "tcp", "--dport", "443",
             "-m", "string", "--algo", "bm", "--string", ".bench.test"],
            [pre + "world", "INPUT"] + (["1"] if add else []) +
            ["-d", "198.19.1.%d" % DEAD_IP, "-p", "tcp"],
        ]
        for rule in rules:
            cmd = ["ip", "netns", "exec", rule[0], "iptables", "-w", "5", op] + rule[1:] + \
                  ["-m", "comment", "--comment", MIX_TAG, "-j", "DROP"]
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
            if add and p.returncode != 0:
                raise RuntimeError("%s: %s" % (" ".join(cmd), p.stderr))

    def summary(self):
        if not self.goals:
            return True
        print("\n%-26s %-12s %-10s %s" % ("goal (issue 13)", "measured", "goal", "result"))
        for name, got, goal, met in self.goals:
            print("%-26s %-12s %-10s %s" % (name, got, goal, "met" if met else "MISSED"))
        return all(g[3] for g in self.goals)


# ---- helpers -------------------------------------------------------------

def sh(cmd, timeout=120):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if p.returncode != 0:
        raise RuntimeError("%s: exit %d: %s" % (" ".join(cmd), p.returncode, p.stderr.strip()))
    return p.stdout


def med(runs, key):
    return statistics.median(r[key] for r in runs)


def read_records(path):
    """What the bench needs of each record: input, test_runtime, whether
    the first request got a 200, successful TCP connect times (ms)."""
    recs = []
    try:
        with open(path, "rb") as f:
            for line in f:
                try:
                    rec = json.loads(line)
                except ValueError:
                    continue
                tk = rec.get("test_keys") or {}
                reqs = tk.get("requests") or []
                ok = bool(reqs) and (reqs[0].get("response") or {}).get("code") == 200 \
                    and not reqs[0].get("failure")
                connects = [1000 * (c["t"] - c["t0"]) for c in tk.get("tcp_connect") or []
                            if (c.get("status") or {}).get("success") and "t" in c and "t0" in c]
                recs.append(dict(input=rec.get("input", ""), runtime=float(rec.get("test_runtime") or 0),
                                 ok=ok, connects_ms=connects))
    except OSError:
        pass
    return recs


def rss_growth(r):
    """Bytes of RSS per record written between 20% and 95% of a run's
    output (the samples' file sizes tell how far it was), or None."""
    n, size = r["n"], r.get("out_size", 0)
    pts = [(kb, sz * n / size) for kb, sz in r["samples"]] if size else []
    a = [kb for kb, done in pts if 0.15 * n <= done <= 0.25 * n]
    b = [kb for kb, done in pts if 0.90 * n <= done <= 0.97 * n]
    if not a or not b:
        return None
    return (statistics.median(b) - statistics.median(a)) * 1024 / (0.75 * n)


def child_of(pid):
    """The first child of pid (GNU time's: the measured program), or 0."""
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            kids = f.read().split()
        return int(kids[0]) if kids else 0
    except (OSError, ValueError):
        return 0


def vm_kb(pid, field):
    if not pid:
        return 0
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def lab_cpu(prefix):
    """CPU seconds used so far by the lab's servers (isp and world)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for ns in ("isp", "world"):
        p = subprocess.run(["ip", "netns", "pids", prefix + ns], capture_output=True, text=True)
        for pid in p.stdout.split():
            try:
                with open("/proc/%s/stat" % pid) as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])
            except (OSError, IndexError, ValueError):
                pass
    return total / tick


def main():
    ap = argparse.ArgumentParser(description="scripts/bench's measuring half")
    ap.add_argument("--probe", required=True)
    ap.add_argument("--delayd", required=True)
    ap.add_argument("--latency-sh", required=True)
    ap.add_argument("--lab-dir", required=True)
    ap.add_argument("--ns-prefix", required=True)
    ap.add_argument("--canaries", required=True)
    ap.add_argument("--sites", type=int, required=True)
    ap.add_argument("--parts", required=True)
    ap.add_argument("--parallel", type=int, default=64)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--timeout", type=int, default=300)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--strict", action="store_true")
    a = ap.parse_args()
    b = Bench(a)
    print("accessprobe bench: probe %s, %d lab https sites, %d cores, load %.2f at start" % (
        a.probe, a.sites, os.cpu_count() or 1, load1()))
    print("(the machine may be shared: every timed figure shows the 1-minute load beside it)")
    b.quiet_lab()
    for part in a.parts.split(","):
        getattr(b, "part_" + part)()
        sys.stdout.flush()
    met = b.summary()
    if a.strict and not met:
        sys.exit(3)


if __name__ == "__main__":
    main()

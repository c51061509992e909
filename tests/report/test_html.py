#!/usr/bin/env python3
"""The HTML report in headless Chromium.

  test_html.py --probe BIN --outdir DIR [--chromium PATH]

Writes DIR/report.html (February fixtures, --month 2024-02 --cc KZ), checks
it is self-contained, opens it in Chromium with a phone-sized window and
checks: it loads without console errors or blocked loads; the grid has one
cell per site and day (15 x 29); each cell's computed colour is the one of
its status; known cells have the status the counting rule gives; the page
does not overflow the phone's width. Screenshots (phone and desktop) are
kept in DIR for people to look at. No Chromium: exit 77 (skipped) unless
CI=true.
"""
import argparse
import html.parser
import json
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FEB = os.path.join(HERE, "fixtures", "feb")

COLOURS = {
    "blocked": "rgb(224, 49, 49)", "confirmed": "rgb(224, 49, 49)",
    "anomaly": "rgb(245, 159, 0)", "throttled": "rgb(245, 159, 0)",
    "down": "rgb(173, 181, 189)", "ok": "rgb(64, 192, 87)",
    "noverdict": "rgb(233, 236, 239)", "none": "rgb(248, 249, 250)",
}
EXPECT = {
    ("vlast.kz", "2024-02-05"): "blocked",
    ("vlast.kz", "2024-02-08"): "none",
    ("example-news.kz", "2024-02-10"): "confirmed",
    ("contra.kz", "2024-02-12"): "ok",
    ("contra.kz", "2024-02-13"): "anomaly",
    ("lone.kz", "2024-02-14"): "anomaly",
    ("downthen.kz", "2024-02-01"): "down",
    ("downthen.kz", "2024-02-02"): "blocked",
    ("disagree.kz", "2024-02-20"): "blocked",
    ("outage.kz", "2024-02-15"): "down",
    ("slow.kz", "2024-02-16"): "throttled",
    ("ok.kz", "2024-02-29"): "ok",
    ("nocontrol.kz", "2024-02-03"): "noverdict",
}
PROBE_JS = """
<script>
window.addEventListener('load', function () {
  var out = {cells: [], rows: 0};
  document.querySelectorAll('#grid tr').forEach(function (tr) {
    var th = tr.querySelector('th.site');
    var cells = tr.querySelectorAll('td.c');
    if (!cells.length) return;
    out.rows++;
    cells.forEach(function (td) {
      out.cells.push([th.textContent, td.dataset.day, td.dataset.status,
                      getComputedStyle(td).backgroundColor]);
    });
  });
  out.scrollWidth = document.documentElement.scrollWidth;
  out.innerWidth = window.innerWidth;
  var pre = document.createElement('pre');
  pre.id = 'probe-result';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>
"""

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


class Refs(html.parser.HTMLParser):
    """Collects anything that would load a resource."""
    def __init__(self):
        super().__init__()
        self.refs = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts += 1
        for k, v in attrs:
            if k in ("src", "href", "srcset", "poster", "data") and v:
                self.refs.append((tag, k, v))


def chromium(browser, *args, timeout=90):
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu",
           "--no-first-run", "--disable-extensions", "--hide-scrollbars",
           "--enable-logging=stderr", "--v=0", *args]
    return subprocess.run(cmd, capture_output=True, timeout=timeout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--probe", required=True)
    ap.add_argument("--outdir", required=True)
    ap.add_argument("--chromium")
    a = ap.parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    page = os.path.join(a.outdir, "report.html")
    p = subprocess.run([a.probe, "report", "--month", "2024-02", "--cc", "KZ",
                        "-F", "html", "-o", page, FEB], capture_output=True)
    check(p.returncode == 0, "report -F html exit %d" % p.returncode)
    text = open(page, encoding="utf-8").read()
    refs = Refs()
    refs.feed(text)
    check(not refs.refs, "self-contained: no src/href: %r" % refs.refs[:3])
    check(refs.scripts == 0, "no script in the report")
    check(not re.search(r"url\(|@import", text), "no url() or @import in CSS")
    check('name="viewport"' in text, "viewport meta for phones")
    for lang in ("ru", "kk"):
        q = subprocess.run([a.probe, "report", "--month", "2024-02", "-F",
                            "html", "-l", lang, FEB], capture_output=True)
        check(q.returncode == 0 and ('lang="%s"' % lang).encode() in q.stdout,
              "html in " + lang)
    # escaping: a hostile host and network name
    hostile = os.path.join(a.outdir, "hostile.jsonl")
    rec = json.loads(open(os.path.join(FEB, "ooni-probe.jsonl")).readline())
    rec["input"] = "https://<script>alert(1)</script>.kz/"
    rec["probe_network_name"] = "\"><img src=x onerror=alert(1)>"
    with open(hostile, "w") as f:
        f.write(json.dumps(rec) + "\n")
    q = subprocess.run([a.probe, "report", "-F", "html", hostile],
                       capture_output=True)
    check(b"<script>" not in q.stdout and b"<img" not in q.stdout and
          b"&lt;script&gt;" in q.stdout, "hostile text escaped")

    browser = a.chromium or shutil.which("chromium") or \
        shutil.which("chromium-browser")
    if not browser:
        print("chromium not found")
        return 1 if os.environ.get("CI") == "true" else 77
    url = "file://" + os.path.abspath(page)
    # 1 the page as shipped: loads, no console errors, nothing refused
    for name, size in (("report-phone.png", "412,915"),
                       ("report-desktop.png", "1280,1000")):
        shot = os.path.join(a.outdir, name)
        r = chromium(browser, "--window-size=" + size,
                     "--screenshot=" + shot, url)
        log = r.stderr.decode(errors="replace")
        check(r.returncode == 0 and os.path.getsize(shot) > 10000,
              "screenshot %s (exit %d)" % (name, r.returncode))
        check("Refused to" not in log and "Uncaught" not in log and
              "CONSOLE" not in log, "console clean: " + log[-500:])
    # 2 a copy with a measuring script (the report itself has none and its
    #   CSP would forbid one)
    probe_page = os.path.join(a.outdir, "report-probe.html")
    t2 = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", text)
    t2 = t2.replace("</body>", PROBE_JS + "</body>")
    open(probe_page, "w", encoding="utf-8").write(t2)
    r = chromium(browser, "--window-size=412,915", "--dump-dom",
                 "file://" + os.path.abspath(probe_page))
    m = re.search(r'<pre id="probe-result">(.*?)</pre>',
                  r.stdout.decode(errors="replace"), re.S)
    check(m is not None, "measuring script ran")
    if m:
        res = json.loads(html.unescape(m.group(1)))
        cells = res["cells"]
        check(res["rows"] == 15, "grid rows: %d, want 15" % res["rows"])
        check(len(cells) == 15 * 29, "grid cells: %d, want 435" % len(cells))
        seen = {(c[0], c[1]) for c in cells}
        check(len(seen) == 15 * 29, "one cell per site and day")
        for site, day, status, colour in cells:
            if COLOURS.get(status) != colour:
                check(False, "%s %s: %s is %s, want %s" % (
                    site, day, status, colour, COLOURS.get(status)))
                break
        got = {(c[0], c[1]): c[2] for c in cells}
        for k, want in EXPECT.items():
            check(got.get(k) == want, "%s %s: %s, want %s" % (
                k[0], k[1], got.get(k), want))
        check(res["scrollWidth"] <= res["innerWidth"] + 1,
              "page fits the phone (%d > %d): wide tables scroll inside" %
              (res["scrollWidth"], res["innerWidth"]))
    print("%d failure(s); screenshots in %s" % (len(failures), a.outdir))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""The HTML report in headless Chromium, on screen and printed to PDF.

  test_html.py --probe BIN --outdir DIR [--chromium PATH]

Writes, in DIR, the February fixtures' report (--month 2024-02 --cc KZ,
with January's records for the change) in en, ru and kk, and a report of
eight networks with long names, then checks each page:

- self-contained: no script, no src/href, no url() or @import;
- in Chromium at a phone's width: loads without console errors, does not
  overflow the width (wide tables scroll inside);
- the grid has one cell per site and day (15 x 29), each cell's computed
  colour is its status's, known cells have the status the counting rule
  gives;
- the legend: each status has its own colour, and the palette passes a
  colour-blind check (cvd.py: CIEDE2000 after simulating protanopia,
  deuteranopia and tritanopia): statuses at least 20 apart, the pale
  "no verdict" and "not measured" at least 10 from them and told apart
  by a hatch;
- the chart: one SVG a network that blocked, its bars the blocked
  websites per day the JSON output gives;
- one card a network;
- printed to PDF (Chromium --print-to-pdf): A4 pages holding every
  website, every network and every column (pdftotext), and rendered to
  PNG (pdftoppm).

Screenshots (phone, desktop), the PDFs and their pages as PNG stay in DIR
for people to look at. No Chromium or poppler-utils: exit 77 (skipped)
unless CI=true.
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
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, HERE)
import cvd  # noqa: E402
from checks import check, failures  # noqa: E402
import make_fixtures as mf  # noqa: E402

FEB = os.path.join(HERE, "fixtures", "feb")
JAN = os.path.join(HERE, "fixtures", "jan")

STATUSES = ("confirmed", "blocked", "anomaly", "throttled", "down", "ok")
PALE = ("noverdict", "none")
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
# What a printed page must hold, by language (besides sites and networks).
PRINTED = {
    "en": ("Blocked websites", "Days blocked", "Measurements", "By category",
           "News Media", "Websites by network", "no verdict"),
    "ru": ("Заблокированные сайты", "Дней блокировки", "Измерения",
           "По категориям", "Новостные СМИ", "Сайты по сетям",
           "нет заключения"),
    "kk": ("Бұғатталған сайттар", "Бұғатталған күн саны", "Өлшеулер",
           "Санаттар бойынша", "Жаңалықтар БАҚ-ы", "Желілер бойынша сайттар",
           "қорытынды жоқ"),
}
PROBE_JS = """
<script>
window.addEventListener('load', function () {
  var out = {cells: [], rows: 0, legend: [], cards: [], charts: []};
  document.querySelectorAll('#grid tbody tr').forEach(function (tr) {
    var th = tr.querySelector('th.site');
    var cells = tr.querySelectorAll('td.c');
    if (!cells.length) return;
    out.rows++;
    cells.forEach(function (td) {
      out.cells.push([th.textContent, td.dataset.day, td.dataset.status,
                      getComputedStyle(td).backgroundColor]);
    });
  });
  document.querySelectorAll('#legend span').forEach(function (s) {
    var st = getComputedStyle(s.querySelector('i'));
    out.legend.push([s.dataset.status, st.backgroundColor,
                     st.backgroundImage]);
  });
  document.querySelectorAll('#cards section.card').forEach(function (c) {
    out.cards.push([c.dataset.asn, c.getBoundingClientRect().right]);
  });
  document.querySelectorAll('#charts figure.chart').forEach(function (f) {
    var days = [];
    f.querySelectorAll('g.day').forEach(function (g) {
      var h = 0;
      g.querySelectorAll('rect').forEach(function (r) {
        h += r.getBoundingClientRect().height;
      });
      days.push([g.dataset.day, +g.dataset.blocked, +g.dataset.confirmed,
                 h]);
    });
    out.charts.push([f.dataset.asn, days,
                     f.querySelector('svg').getBoundingClientRect().right]);
  });
  out.scrollWidth = document.documentElement.scrollWidth;
  out.innerWidth = window.innerWidth;
  out.height = document.documentElement.scrollHeight;
  var pre = document.createElement('pre');
  pre.id = 'probe-result';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>
"""

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
            if k in ("src", "href", "xlink:href", "srcset", "poster",
                     "data") and v:
                self.refs.append((tag, k, v))


def chromium(browser, *args, timeout=120):
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu",
           "--no-first-run", "--disable-extensions", "--hide-scrollbars",
           "--enable-logging=stderr", "--v=0", *args]
    return subprocess.run(cmd, capture_output=True, timeout=timeout)


def report(probe, out, *args):
    p = subprocess.run([probe, "report", "-F", "html", "-o", out, *args],
                       capture_output=True, timeout=120)
    check(p.returncode == 0, "report %s: exit %d" % (args, p.returncode))
    return open(out, encoding="utf-8").read()


def self_contained(name, text):
    refs = Refs()
    refs.feed(text)
    check(not refs.refs, "%s self-contained: %r" % (name, refs.refs[:3]))
    check(refs.scripts == 0, "%s: no script" % name)
    check(not re.search(r"url\(|@import", text), "%s: no url()" % name)
    check('name="viewport"' in text, "%s: viewport meta" % name)


def measure(browser, outdir, name, text, width):
    """The page with a measuring script added (the report has none and its
    CSP would forbid one), in Chromium at width: what PROBE_JS collects."""
    page = os.path.join(outdir, name + "-probe.html")
    t = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", text)
    open(page, "w", encoding="utf-8").write(
        t.replace("</body>", PROBE_JS + "</body>"))
    r = chromium(browser, "--window-size=%d,900" % width, "--dump-dom",
                 "file://" + os.path.abspath(page))
    m = re.search(r'<pre id="probe-result">(.*?)</pre>',
                  r.stdout.decode(errors="replace"), re.S)
    check(m is not None, "%s: measuring script ran" % name)
    return json.loads(html.unescape(m.group(1))) if m else None


def shots(browser, outdir, name, page, height):
    """Phone and desktop screenshots of the whole page, console clean."""
    url = "file://" + os.path.abspath(page)
    for kind, size in (("phone", "412,915"),
                       ("desktop", "1280,%d" % min(max(height, 800), 16000))):
        shot = os.path.join(outdir, "%s-%s.png" % (name, kind))
        r = chromium(browser, "--window-size=" + size, "--screenshot=" + shot,
                     url)
        log = r.stderr.decode(errors="replace")
        check(r.returncode == 0 and os.path.exists(shot) and
              os.path.getsize(shot) > 10000,
              "screenshot %s (exit %d)" % (shot, r.returncode))
        check("Refused to" not in log and "Uncaught" not in log and
              "CONSOLE" not in log, "%s console clean: %s" % (name, log[-500:]))


def in_order(words, phrase, gap=3):
    """phrase's words in words, in order, at most gap words apart: a table
    header wrapped over two lines reads "Days Measurements blocked"."""
    for i, w in enumerate(words):
        if w != phrase[0]:
            continue
        at = i
        for p in phrase[1:]:
            nxt = [j for j in range(at + 1, min(at + 2 + gap, len(words)))
                   if words[j] == p]
            if not nxt:
                break
            at = nxt[0]
        else:
            return True
    return False


def printed(browser, outdir, name, page, want):
    """The page printed to PDF: A4, every string of want in its text; its
    pages as PNG."""
    pdf = os.path.join(outdir, name + ".pdf")
    r = chromium(browser, "--no-pdf-header-footer", "--print-to-pdf=" + pdf,
                 "file://" + os.path.abspath(page))
    check(r.returncode == 0 and os.path.exists(pdf), "%s: printed" % name)
    if not os.path.exists(pdf):
        return
    info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True)
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info.stdout)
    check(size and abs(float(size.group(1)) - 595) < 2 and
          abs(float(size.group(2)) - 842) < 2, "%s: A4 pages: %s" % (
              name, size and size.group(0)))
    words = subprocess.run(["pdftotext", pdf, "-"], capture_output=True,
                           text=True).stdout.split()
    for w in want:
        check(in_order(words, w.split()), "%s: printed page shows %r" % (
            name, w))
    for old in os.listdir(outdir):
        if old.startswith(name + "-page-"):
            os.remove(os.path.join(outdir, old))
    subprocess.run(["pdftoppm", "-r", "70", "-png", pdf,
                    os.path.join(outdir, name + "-page")], check=False)
    pages = [f for f in os.listdir(outdir) if f.startswith(name + "-page-")]
    check(len(pages) >= 1, "%s: pages as PNG" % name)


def check_palette(name, legend):
    """Each status its own colour, and one a colour-blind reader tells
    apart."""
    colours = {s: c for s, c, _ in legend}
    images = {s: i for s, _, i in legend}
    check(set(colours) == set(STATUSES + PALE), "%s legend: %r" % (
        name, sorted(colours)))
    check(len(set(colours.values())) == len(colours),
          "%s: a colour a status: %r" % (name, colours))
    if set(colours) != set(STATUSES + PALE):
        return
    d = cvd.distances(colours)
    for (a, b), by in d.items():
        need = 20 if a in STATUSES and b in STATUSES else \
            5 if a in PALE and b in PALE else 10
        worst = min(by, key=by.get)
        check(by[worst] >= need, "%s: %s and %s only %.1f apart for %s "
              "vision (want %d)" % (name, a, b, by[worst], worst, need))
    check("repeating-linear-gradient" in images["noverdict"] and
          images["none"] == "none", "%s: no verdict hatched" % name)


def blocked_days(probe, *args):
    """{asn: {day: (blocked, confirmed)}} from the JSON output."""
    p = subprocess.run([probe, "report", "-F", "json", *args],
                       capture_output=True, timeout=120)
    out = {}
    for s in json.loads(p.stdout)["sites"]:
        for n in s["networks"]:
            for d in n["daily"]:
                if d["status"] == "blocked":
                    b, c = out.setdefault(n["asn"], {}).get(d["day"], (0, 0))
                    out[n["asn"]][d["day"]] = (b + 1, c + d["confirmed"])
    return out


def check_page(res, name, want_cards, want_charts):
    phone_width = res["innerWidth"]    # headless Chromium's narrowest
    check(res["scrollWidth"] <= phone_width + 1,
          "%s fits the phone (%d > %d): wide tables scroll inside" %
          (name, res["scrollWidth"], phone_width))
    eq_cards = sorted(a for a, _ in res["cards"])
    check(eq_cards == sorted(want_cards), "%s cards: %r, want %r" % (
        name, eq_cards, sorted(want_cards)))
    check(all(right <= phone_width + 1 for _, right in res["cards"]),
          "%s: cards within the width" % name)
    got = {asn: {d: (b, c) for d, b, c, _ in days}
           for asn, days, _ in res["charts"]}
    check(got == want_charts, "%s chart: %r, want %r" % (
        name, got, want_charts))
    for asn, days, right in res["charts"]:
        check(all(h > 0 for *_, h in days), "%s chart %s: bars drawn" % (
            name, asn))
        check(right <= phone_width + 1, "%s chart %s: within the width" % (
            name, asn))


def many_networks(outdir):
    """Eight networks, long names, the same February records each."""
    path = os.path.join(outdir, "many.jsonl")
    recs = []
    with open(os.path.join(FEB, "probe-kazakhtelecom.jsonl")) as f:
        base = [json.loads(x) for x in f if x.startswith('{"')]
    for i in range(8):
        for r in base:
            r = dict(r, probe_asn="AS%d" % (64600 + i),
                     probe_network_name="Regional Broadband Operator "
                     "Number %d Limited Liability Partnership" % i)
            recs.append(r)
    with open(path, "w") as f:
        for r in recs:
            f.write(mf.line(r))
    return path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--probe", required=True)
    ap.add_argument("--outdir", required=True)
    ap.add_argument("--chromium")
    a = ap.parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    for problem in cvd.self_check():
        check(False, "colour-vision simulation: " + problem)
    args = ("--month", "2024-02", "--cc", "KZ", FEB, JAN)
    pages = {}
    for lang in ("en", "ru", "kk"):
        name = "report" if lang == "en" else "report-" + lang
        pages[name] = (lang, report(a.probe, os.path.join(
            a.outdir, name + ".html"), "-l", lang, *args))
        check(('lang="%s"' % lang) in pages[name][1], "html in " + lang)
    many = many_networks(a.outdir)
    pages["report-many"] = ("en", report(
        a.probe, os.path.join(a.outdir, "report-many.html"), "--month",
        "2024-02", many))
    for name, (_, text) in pages.items():
        self_contained(name, text)
    # escaping: a hostile host and network name
    hostile = os.path.join(a.outdir, "hostile.jsonl")
    rec = json.loads(open(os.path.join(FEB, "ooni-probe.jsonl")).readline())
    rec["input"] = "https://<script>alert(1)</script>.kz/"
    rec["probe_network_name"] = "\"><img src=x onerror=alert(1)>"
    with open(hostile, "w") as f:
        f.write(json.dumps(rec) + "\n")
    q = subprocess.run([a.probe, "report", "-F", "html", "--title",
                        "<script>x</script>", hostile], capture_output=True)
    check(b"<script>" not in q.stdout and b"<img" not in q.stdout and
          b"&lt;script&gt;" in q.stdout, "hostile text escaped")

    browser = a.chromium or shutil.which("chromium") or \
        shutil.which("chromium-browser")
    tools = browser and shutil.which("pdftotext") and shutil.which("pdftoppm")
    if not tools:
        print("chromium or poppler-utils (pdftotext, pdftoppm) not found")
        return 1 if os.environ.get("CI") == "true" else 77
    feb_charts = blocked_days(a.probe, *args)
    many_charts = blocked_days(a.probe, "--month", "2024-02", many)
    nets = ["AS9198", "AS21299"]
    many_nets = ["AS%d" % (64600 + i) for i in range(8)]
    for name, (lang, text) in pages.items():
        page = os.path.join(a.outdir, name + ".html")
        res = measure(browser, a.outdir, name, text, 412)
        if not res:
            continue
        is_many = name == "report-many"
        check_page(res, name, many_nets if is_many else nets,
                   many_charts if is_many else feb_charts)
        check_palette(name, res["legend"])
        colours = {s: c for s, c, _ in res["legend"]}
        cells = res["cells"]
        nsites = 9 if is_many else 15     # one file of feb/, or all
        check(res["rows"] == nsites, "%s grid rows: %d, want %d" % (
            name, res["rows"], nsites))
        check(len(cells) == nsites * 29, "%s grid cells: %d" % (
            name, len(cells)))
        check(len({(c[0], c[1]) for c in cells}) == nsites * 29,
              "%s: one cell per site and day" % name)
        bad = [c for c in cells if colours.get(c[2]) != c[3]]
        check(not bad, "%s: cell colour not its status's: %r" % (
            name, bad[:2]))
        if not is_many:
            got = {(c[0], c[1]): c[2] for c in cells}
            for k, want in EXPECT.items():
                check(got.get(k) == want, "%s %s %s: %s, want %s" % (
                    name, k[0], k[1], got.get(k), want))
        shots(browser, a.outdir, name, page, res["height"])
        sites = sorted({c[0] for c in cells})
        if is_many:
            want = sites + ["Number %d Limited Liability Partnership (AS%d)"
                            % (i, 64600 + i) for i in range(8)]
        else:
            want = sites + ["JSC Kazakhtelecom (AS9198)",
                            "Kar-Tel LLP (AS21299)"] + list(PRINTED[lang])
        printed(browser, a.outdir, name, page, want)
    print("%d failure(s); screenshots and PDFs in %s" % (len(failures),
                                                         a.outdir))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""The monthly report as a monitor pastes it (issue 15), with exact
expectations:

  test_monthly.py --probe PATH/accessprobe

- days blocked count days, not network-days;
- the change against the previous period (feb/ with jan/);
- categories and methods in words, in en, ru and kk, for every code of
  lists/category-codes.csv;
- network names: the records', the control's, a DNS answer's, the
  monitor's list (--network-names), and none;
- --title;
- a state folder is read under results/ only;
- a period with no data says why and where the data is; an empty folder
  has no period line.
"""
import argparse
import csv
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, HERE)
import make_fixtures as mf  # noqa: E402  (the fixtures' record builders)
from checks import check, eq, failures, run  # noqa: E402

FIX = os.path.join(HERE, "fixtures")
FEB, JAN, EDGE = (os.path.join(FIX, d) for d in ("feb", "jan", "edge"))
LISTS = os.path.join(os.path.dirname(os.path.dirname(HERE)), "lists")

def write(path, recs):
    with open(path, "w") as f:
        for r in recs:
            f.write(mf.line(r))
    return path


def md_rows(md, heading):
    """The rows of the table under '## heading' as lists of cells."""
    m = re.search(r"^## %s[^\n]*\n\n((?:\|[^\n]*\n)+)" % re.escape(heading),
                  md, re.M)
    if not m:
        return None
    return [[c.strip() for c in line.strip("|").split(" | ")]
            for line in m.group(1).splitlines()[2:]]


def test_days_blocked(probe, work):
    """A site blocked on two networks the same day is blocked one day."""
    K, B = "AS9198", "AS21299"
    recs = [mf.ours("https://two.kz/", d, n, "blocked", "tls", hour=h)
            for d, n in (("02-05", K), ("02-05", B), ("02-06", K))
            for h in (9, 15)]
    path = write(os.path.join(work, "two.jsonl"), recs)
    rc, out, err = run(probe, "--month", "2024-02", path)
    eq((rc, err), (0, ""), "two networks: exit 0")
    rows = md_rows(out, "Blocked websites")
    eq(rows and [(r[0], r[4], r[7], r[8]) for r in rows],
       [("two.kz", "JSC Kazakhtelecom (AS9198), Kar-Tel LLP (AS21299)", "2",
         "6")], "days blocked: 2 days (not 3 network-days)")
    rc, out, _ = run(probe, "--month", "2024-02", "-F", "json", path)
    s = json.loads(out)["sites"][0]
    eq((s["days_blocked"], [n["days"]["blocked"] for n in s["networks"]]),
       (2, [2, 1]), "json: days_blocked and per network")
    rc, out, _ = run(probe, "--month", "2024-02", "-F", "html", path)
    check(re.search(r'<td class="d">2024-02-06</td><td class="n">2</td>',
                    out), "html: days blocked 2")
    # blocked on more networks than the table names: their number and ASNs
    recs = [mf.ours("https://many.kz/", "02-05", n, "blocked", "tls", hour=h)
            for n in ("AS9198", "AS21299", "AS12389", "AS65001")
            for h in (9, 15)]
    path = write(os.path.join(work, "many.jsonl"), recs)
    rc, out, _ = run(probe, "--month", "2024-02", path)
    rows = md_rows(out, "Blocked websites")
    eq(rows and (rows[0][4], rows[0][7]), ("4 networks: AS9198, AS12389, "
                                           "AS21299, AS65001", "1"),
       "blocked on 4 networks, 1 day")
    rc, out, _ = run(probe, "--month", "2024-02", "-l", "ru", path)
    check("| 4 сети: AS9198, AS12389, AS21299, AS65001 |" in out,
          "ru: 4 сети")
    # the feb fixtures: blocked one network each, as before
    rc, out, _ = run(probe, "--month", "2024-02", "--cc", "KZ", "-F", "json",
                     FEB)
    eq({x["site"]: x["days_blocked"] for x in json.loads(out)["sites"]
        if x["status"] == "blocked"},
       {"disagree.kz": 1, "downthen.kz": 1, "example-news.kz": 1,
        "ooni-dns.kz": 1, "ooni-tls.kz": 1, "vlast.kz": 3},
       "feb: days blocked")


def test_previous(probe):
    rc, out, err = run(probe, "--month", "2024-02", "--cc", "KZ", FEB, JAN)
    eq(rc, 0, "feb+jan: exit 0")
    rows = md_rows(out, "Change against the previous period")
    eq(rows, [["Media websites measured", "15", "4", "+11"],
              ["Blocked", "6", "2", "+4"],
              ["— confirmed", "1", "0", "+1"],
              ["Throttled", "1", "0", "+1"],
              ["Down everywhere (outage or attack)", "2", "0", "+2"],
              ["Inconclusive", "4", "0", "+4"],
              ["Networks with blocking", "2", "1", "+1"],
              ["Measurements", "44", "11", "+33"]], "change table")
    check("## Change against the previous period (2024-01-01 – 2024-01-31)"
          in out, "change: the previous month named")
    check("**Blocked now, not in the previous period:** disagree.kz, "
          "downthen.kz, example-news.kz, ooni-dns.kz, ooni-tls.kz.\n" in out,
          "newly blocked (vlast.kz was blocked in January too)")
    check("**Blocked in the previous period, not now:** gone.kz (not "
          "measured in this period).\n" in out, "no longer blocked")
    # the figures of this period do not move
    rc, out, _ = run(probe, "--month", "2024-02", "--cc", "KZ", "-F", "json",
                     FEB, JAN)
    d = json.loads(out)
    eq((d["summary"]["sites_measured"]["sites"], d["summary"]["blocked"]
        ["sites"], d["input"]["records"]), (15, 6, 45),
       "feb's figures with jan read too")
    p = d["previous_period"]
    eq((p["period"], p["summary"]["sites_measured"]["sites"],
        p["summary"]["blocked"]["sites"]),
       ({"from": "2024-01-01", "to": "2024-01-31", "days": 31}, 4, 2),
       "json previous_period")
    # --from/--to: as many days before
    rc, out, _ = run(probe, "--from", "2024-02-05", "--to", "2024-02-10",
                     "-F", "json", FEB, JAN)
    eq(json.loads(out)["previous_period"]["period"],
       {"from": "2024-01-30", "to": "2024-02-04", "days": 6},
       "--from/--to: the six days before")
    # no records for the previous month: no comparison
    kartel = os.path.join(FEB, "probe-kartel.jsonl.gz")
    rc, out, _ = run(probe, "--month", "2024-02", kartel)
    check("Change against" not in out, "no previous records: no change")
    rc, out, _ = run(probe, "--month", "2024-02", "-F", "json", kartel)
    eq(json.loads(out)["previous_period"], None, "json: previous null")
    # ru and kk, in html too
    for lang, head in (("ru", "Изменения по сравнению с предыдущим периодом "
                              "(01.01.2024 – 31.01.2024)"),
                       ("kk", "Алдыңғы кезеңмен салыстырғандағы өзгеріс "
                              "(01.01.2024 – 31.01.2024)")):
        rc, out, _ = run(probe, "--month", "2024-02", "--cc", "KZ", "-l",
                         lang, FEB, JAN)
        check(head in out, "change heading in " + lang)
        rc, out, _ = run(probe, "--month", "2024-02", "--cc", "KZ", "-l",
                         lang, "-F", "html", FEB, JAN)
        check('id="change"' in out and 'id="no-longer-blocked"' in out,
              "html change in " + lang)


def test_words(probe, work):
    """Every category code in words in every language; methods in words."""
    with open(os.path.join(LISTS, "category-codes.csv"), newline="") as f:
        codes = [(r["New Code"], r["Category Description"])
                 for r in csv.DictReader(f)]
    recs = [mf.ours("https://cat-%s.kz/" % c.lower(), "02-01", "AS9198", "ok",
                    cat=c) for c, _ in codes]
    path = write(os.path.join(work, "categories.jsonl"), recs)
    names = {}
    for lang in ("en", "ru", "kk"):
        rc, out, _ = run(probe, "-l", lang, path)
        heading = {"en": "By category", "ru": "По категориям",
                   "kk": "Санаттар бойынша"}[lang]
        rows = md_rows(out, heading) or []
        names[lang] = sorted(r[0] for r in rows)
        eq(len(rows), len(codes), "%s: one row a category" % lang)
        bare = [r[0] for r in rows if r[0] in {c for c, d in codes
                                                if c != d.strip()}]
        eq(bare, [], "%s: no bare category code" % lang)
        if lang != "en":
            check(all(re.search("[а-яёәғқңөұүһі]", r[0], re.I)
                      for r in rows), "%s: categories in Cyrillic: %r"
                  % (lang, [r[0] for r in rows]))
    want = sorted(mf_escape(d.strip()) for _, d in codes)
    eq(names["en"], want, "en: the words of category-codes.csv")
    eq(len(set(names["ru"])), len(codes), "ru: one word a category")
    eq(len(set(names["kk"])), len(codes), "kk: one word a category")
    # methods and categories in the blocked table, in words
    for lang, words in (("ru", ("Новостные СМИ", "TLS-рукопожатие",
                                "TCP-соединение", "Права человека")),
                        ("kk", ("Жаңалықтар БАҚ-ы", "TLS қол алысуы",
                                "TCP қосылымы", "Адам құқықтары"))):
        rc, out, _ = run(probe, "--month", "2024-02", "--cc", "KZ", "-l",
                         lang, FEB)
        for w in words:
            check(w in out, "%s: %s in the report" % (lang, w))
        check(not re.search(r"\| (tls|tcp|dns|NEWS|HUMR|POLR) \|", out),
              "%s: no method or category code in a table" % lang)
        rc, out, _ = run(probe, "--month", "2024-02", "--cc", "KZ", "-l",
                         lang, "-F", "html", FEB)
        check(not re.search(r"<t[dh][^>]*>(tls|tcp|dns|NEWS|HUMR)<", out),
              "%s html: no method or category code in a cell" % lang)
        # grid dates in the language's form, never "02-05"
        check(not re.search(r"<th[^>]*>\d\d-\d\d</th>", out),
              "%s html: no MM-DD grid header" % lang)
        check('title="vlast.kz 05.02.2024: ' in out,
              "%s html: cell dates as 05.02.2024" % lang)
    rc, out, _ = run(probe, "--month", "2024-02", "-l", "ru", "-F", "html",
                     FEB)
    check('<th class="month" colspan="29">февраль 2024</th>' in out,
          "ru html: the month in words over the days")


def mf_escape(s):
    """A category description as the Markdown writer escapes it."""
    return re.sub(r"([|\\*_`\[\]#~!()])", r"\\\1", s.replace("&", "&amp;"))


def test_language_notes(probe):
    """The issue's notes on the Kazakh and Russian wording."""
    rc, kk, _ = run(probe, "--month", "2024-02", "--cc", "KZ", "-l", "kk",
                    FEB)
    for want in ("жартысынан көбі", "Өлшеулер", "нақты нәтиже берген "
                 "өлшеулердің", "сигнатурамен расталғаны", "Бұғатталған күн "
                 "саны", "Қай желілерде бұғатталған", "жұмыс істемейді"):
        check(want in kk, "kk: " + want)
    for gone in ("басым көпшілігі", "өлшем ", "Өлшемдер", "белгімен",
                 "Бұғатталған күндер", "| істемейді"):
        check(gone not in kk, "kk: no more " + gone)
    rc, ru, _ = run(probe, "--month", "2024-02", "--cc", "KZ", "-l", "ru",
                    FEB)
    for want in ("измерений с определённым результатом",
                 "подтверждено сигнатурой блокировки",
                 "больше половины", "показывает блокировку"):
        check(want in ru, "ru: " + want)
    for gone in ("результативных", "отпечатк", "строгое большинство"):
        check(gone not in ru, "ru: no more " + gone)
    rc, html, _ = run(probe, "--month", "2024-02", "-l", "ru", "-F", "html",
                      FEB)
    check("нет заключения" in html and "нет вывода" not in html,
          "ru legend: нет заключения")


def test_names(probe, work):
    path = os.path.join(EDGE, "names.jsonl")
    rc, out, err = run(probe, "-F", "json", path)
    eq((rc, err), (0, ""), "names: exit 0")
    eq([(n["asn"], n["name"], n["name_source"])
        for n in json.loads(out)["networks"]],
       [("AS0", "", None), ("AS65001", "Control Named Net", "control"),
        ("AS65002", "Answer Named Net", "control"),
        ("AS65003", "Records Named Net", "records"), ("AS65004", "", None)],
       "names from the records, the control, an answer")
    lst = os.path.join(work, "names.csv")
    with open(lst, "w") as f:
        f.write("asn,name\nAS65004,Listed Net\n65003,Our Name\nbad,x\n"
                "AS65004,Again\n")
    rc, out, err = run(probe, "-F", "json", "--network-names", lst, path)
    eq(rc, 0, "--network-names: exit 0")
    eq(err, "%s:4: asn: expected AS and digits, e.g. AS9198, not \"bad\"\n"
       "%s:5: AS65004 is named twice: the first name stays\n" % (lst, lst),
       "--network-names: bad rows named")
    eq([(n["asn"], n["name"], n["name_source"])
        for n in json.loads(out)["networks"]][3:],
       [("AS65003", "Our Name", "list"), ("AS65004", "Listed Net", "list")],
       "--network-names over the records")
    rc, out, _ = run(probe, path)
    for row in ("| AS0 | unknown network | 1 | 0 | 1 |",
                "| AS65001 | Control Named Net\\* | 1 | 0 | 1 |",
                "| AS65004 |  | 2 | 0 | 2 |"):
        check(row in out, "md networks: " + row)
    check("Network names marked * are those the control's IP address "
          "database (MaxMind) gives" in out, "md: what * means")
    rc, out, _ = run(probe, "-F", "html", path)
    check('<h3>Control Named Net* (AS65001)</h3>' in out and
          '<h3>unknown network (AS0)</h3>' in out and '<h3>AS65004</h3>' in out,
          "html: networks by name in the cards")
    for bad in (os.path.join(work, "missing.csv"), path):
        rc, _, err = run(probe, "--network-names", bad, FEB)
        eq(rc, 2, "--network-names %s: usage error" % os.path.basename(bad))
        check(bad in err, "--network-names: the file named: " + err)


def test_title(probe):
    rc, out, _ = run(probe, "--month", "2024-02", "--title",
                     "Monthly <b>report</b> | February", FEB)
    check(out.startswith("# Monthly &lt;b&gt;report&lt;/b&gt; \\| "
                         "February\n"), "md title escaped: " + out[:80])
    rc, out, _ = run(probe, "--month", "2024-02", "-F", "html", "--title",
                     "Мониторинг: февраль <2024>", FEB)
    check("<h1>Мониторинг: февраль &lt;2024&gt;</h1>" in out and
          "<title>Мониторинг: февраль &lt;2024&gt; 2024-02-01 – 2024-02-29"
          "</title>" in out, "html title")
    p = subprocess.run([probe, "report", "--title", b"bad \xff", FEB],
                       capture_output=True, timeout=60)
    eq(p.returncode, 2, "--title: not UTF-8 is a usage error")
    rc, _, _ = run(probe, "--title", "x" * 201, FEB)
    eq(rc, 2, "--title: too long")


def test_state_folder(probe, work):
    """accessprobe run's state folder: consent.json and runs.json are no
    records (they were read as such: "not a JSON object" a line)."""
    state = os.path.join(work, "parent", "state")
    res = os.path.join(state, "results", "2024-02-05")
    os.makedirs(res)
    with open(os.path.join(state, "consent.json"), "w") as f:
        json.dump({"version": 2, "answer": "yes", "lang": "en"}, f, indent=2)
    with open(os.path.join(state, "runs.json"), "w") as f:
        json.dump({"version": 1, "runs": [{"id": "r1", "file":
                   "results/2024-02-05/r1.jsonl"}]}, f, indent=2)
    recs = [mf.ours("https://vlast.kz/", "02-05", "AS9198", "blocked", "tls",
                    hour=h) for h in (9, 15)]
    write(os.path.join(res, "r1.jsonl"), recs)
    with open(os.path.join(res, "r1.jsonl.partial"), "w") as f:
        f.write('{"cut')
    for where in (state, os.path.dirname(state)):
        rc, out, err = run(probe, "-F", "json", where)
        eq((rc, err), (0, ""), "state folder %s: no complaint" % where)
        d = json.loads(out)["input"]
        eq((d["files"], d["records"], d["malformed"]), (1, 2, 0),
           "state folder %s: its results file only" % where)


def test_no_data(probe, work):
    rc, out, err = run(probe, "--month", "2024-05", FEB)
    eq(rc, 0, "empty month: exit 0")
    check("No measurement falls in this period: the files hold measurements "
          "from 2024-01-31 to 2024-03-01 (UTC); their last month is --month "
          "2024-03." in out, "empty month: the dates the files hold")
    check("measured 0" not in out and "## Summary" not in out,
          "empty month: no table of zeros")
    rc, out, _ = run(probe, "--month", "2024-05", "-l", "ru", "-F", "html",
                     FEB)
    check("в файлах есть измерения с 31.01.2024 по 01.03.2024 (UTC); "
          "последний месяц с данными — --month 2024-03." in out,
          "empty month in ru html")
    rc, out, _ = run(probe, "--month", "2024-02", "--cc", "UZ", "-l", "kk",
                     FEB)
    check("Бұл кезеңнің бірде-бір өлшеуі сүзгілерге (--cc, --asn, "
          "--category) сәйкес келмейді." in out, "filters left nothing (kk)")
    offline = write(os.path.join(work, "offline.jsonl"),
                    [mf.ours("https://ok.kz/", "02-03", "AS9198",
                             "probe_offline", hour=h) for h in (1, 2)])
    rc, out, _ = run(probe, offline)
    check("Every measurement of this period (2) was made while the probe's "
          "own network was down" in out, "only offline measurements")
    empty = os.path.join(work, "emptydir")
    os.makedirs(empty)
    for fmt in ("md", "html"):
        rc, out, err = run(probe, "-F", fmt, empty)
        eq((rc, err), (0, ""), "empty folder %s: exit 0" % fmt)
        check("–" not in out and "Period" not in out,
              "empty folder %s: no period line" % fmt)
        check("The files read hold no measurement." in out,
              "empty folder %s: says so" % fmt)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--probe", required=True)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as work:
        test_days_blocked(a.probe, work)
        test_previous(a.probe)
        test_words(a.probe, work)
        test_language_notes(a.probe)
        test_names(a.probe, work)
        test_title(a.probe)
        test_state_folder(a.probe, work)
        test_no_data(a.probe, work)
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

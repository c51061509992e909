#!/usr/bin/env python3
"""words.py: every sentence the volunteer's commands translate has its
Russian and Kazakh, and every translation has a sentence.

    words.py PROBE_DIR

The volunteer's commands print through prb_tr("...") and
prb_trn("...", "...", n) (probe/volunteer/words.h), and config.c's
bad(x, parent, key, "...", ...) through prb_tr; their table is
probe/volunteer/words_table.c, T(en, ru, kk) and N(en1, en2, ru1, ru2,
ru5, kk). This fails, naming file and line, on a literal passed to prb_tr
or prb_trn that has no entry (it would print in English to a Kazakh or
Russian volunteer), on an entry no code uses, on a counted text passed to
prb_tr (or the reverse), and on a duplicate entry. That each translation
keeps the printf conversions of its English is tests/unit/test_words.c's.
"""

import os
import re
import sys

# Texts looked up with a variable rather than a literal (words.c).
BY_NAME = {"ok", "blocked", "throttled", "down", "probe_offline", "inconclusive",
           "unclassified", "running", "complete", "budget", "interrupted", "disk_full",
           "failed", "offline", "recovered"}


def literals(text, i):
    """The raw text of the adjacent string literals starting at text[i]
    (after blanks), and the index after them; None when none is there."""
    parts = []
    while True:
        m = re.compile(r'\s*"').match(text, i)
        if not m:
            break
        j = m.end()
        while text[j] != '"':
            j += 2 if text[j] == "\\" else 1
        parts.append(text[m.end():j])
        i = j + 1
    return ("".join(parts), i) if parts else (None, i)


# Functions that translate their format argument: config.c's
# bad(x, parent, key, FORMAT, ...) and progress.c's
# prb_progress_message(p, level, FORMAT, ...).
BAD = re.compile(r"\b(?:bad\((?:[^,()]+,){3}|prb_progress_message\((?:[^,()]+,){2})")
# engine/run.c's say(r, error, FORMAT, ...) reach the volunteer through
# run_cmd.c's hook, which translates them: their entries count as used, but
# a new engine message without one is printed in English, not an error.
SAY = re.compile(r"\bsay\((?:[^,()]+,){2}")


def calls(path):
    """(line, kind, [literal texts]) of every prb_tr( and prb_trn( call,
    and of config.c's bad( calls."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    for m in BAD.finditer(text):
        first, _ = literals(text, m.end())
        if first is not None:
            yield text.count("\n", 0, m.start()) + 1, "T", [first]
    for m in re.finditer(r"\bprb_trn?\(", text):
        kind = "N" if m.group(0).startswith("prb_trn") else "T"
        line = text.count("\n", 0, m.start()) + 1
        first, i = literals(text, m.end())
        if first is None:
            continue                  # a variable: see BY_NAME
        args = [first]
        if kind == "N":
            m2 = re.compile(r"\s*,").match(text, i)
            second, _ = literals(text, m2.end()) if m2 else (None, i)
            args.append(second)
        yield line, kind, args


def table(path):
    """(line, kind, [arguments]) of every T( and N( entry."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    for m in re.finditer(r"^\s*([TN])\(", text, re.M):
        kind = m.group(1)
        line = text.count("\n", 0, m.start()) + 1
        args, i = [], m.end()
        while True:
            lit, i = literals(text, i)
            args.append(lit)
            m2 = re.compile(r"\s*([,)])").match(text, i)
            if not m2 or m2.group(1) == ")":
                break
            i = m2.end()
        yield line, kind, args


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    vol = os.path.join(os.path.abspath(sys.argv[1]), "volunteer")
    tpath = os.path.join(vol, "words_table.c")
    problems = []
    entries = {}
    for line, kind, args in table(tpath):
        want = 3 if kind == "T" else 6
        if len(args) != want or None in args:
            problems.append("%s:%d: %s( takes %d string arguments" % (tpath, line, kind, want))
            continue
        if args[0] in entries:
            problems.append("%s:%d: a second entry for %r" % (tpath, line, args[0]))
        entries[args[0]] = (kind, line)
    used = set(BY_NAME)
    for name in sorted(os.listdir(vol)):
        if not name.endswith(".c") or name == "words_table.c":
            continue
        path = os.path.join(vol, name)
        for line, kind, args in calls(path):
            if None in args:
                problems.append("%s:%d: prb_trn needs two literal texts" % (path, line))
                continue
            used.add(args[0])
            e = entries.get(args[0])
            if not e:
                problems.append("%s:%d: no Russian or Kazakh for %r (add it to %s)"
                                % (path, line, args[0], tpath))
            elif e[0] != kind:
                problems.append("%s:%d: %r is a %s entry but called with %s" %
                                (path, line, args[0], e[0],
                                 "prb_trn" if kind == "N" else "prb_tr"))
    run_c = os.path.join(os.path.dirname(vol), "engine", "run.c")
    with open(run_c, encoding="utf-8") as f:
        text = f.read()
    for m in SAY.finditer(text):
        lit, _ = literals(text, m.end())
        if lit is not None:
            used.add(lit)
    for name in sorted(BY_NAME - set(entries)):
        problems.append("%s: no entry for %r (looked up by name in words.c)" % (tpath, name))
    for en, (kind, line) in sorted(entries.items(), key=lambda kv: kv[1][1]):
        if en not in used:
            problems.append("%s:%d: %r is used nowhere" % (tpath, line, en))
    for p in problems:
        print(p)
    print("%d entries, %d problems" % (len(entries), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

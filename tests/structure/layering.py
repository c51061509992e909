#!/usr/bin/env python3
"""layering.py: the include rules of probe/, checked on every build tree.

    layering.py PROBE_DIR

probe/ is laid out by family (probe/README.md). Every quoted include names
its folder ("engine/loop.h") and runs downward in the family order below;
report, volunteer and servers are siblings that never include each other;
main.c sits on top. This fails, naming file and line, on an include that
runs upward or sideways, names no folder or a file that does not exist, on
a folder that has no place in the order, on an include cycle between
headers, and on __has_include (a subcommand is never optional).
"""

import os
import re
import sys

# Lower ranks are included by higher ones, never the other way round.
FAMILIES = {
    "common": 0,
    "ooni": 1,
    "analysis": 2,
    "lists": 3,
    "engine": 4,
    "store": 5,
    "report": 6, "volunteer": 6, "servers": 6,
    "": 7,  # main.c, at the top of probe/
}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def family(rel):
    return rel.split("/", 1)[0] if "/" in rel else ""


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    root = os.path.abspath(sys.argv[1])
    problems = []
    edges = {}  # header or source -> headers it includes
    for dirpath, _, names in os.walk(root):
        for name in sorted(names):
            if not name.endswith((".c", ".h")):
                continue
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root)
            fam = family(rel)
            if fam not in FAMILIES:
                problems.append("%s: folder %s/ has no place in the family order "
                                "(tests/structure/layering.py, probe/README.md)"
                                % (rel, fam))
                continue
            edges[rel] = []
            with open(path, encoding="utf-8", errors="replace") as f:
                for no, line in enumerate(f, 1):
                    if "__has_include" in line:
                        problems.append("%s:%d: __has_include: every part of the "
                                        "program is always built" % (rel, no))
                    m = INCLUDE.match(line)
                    if not m:
                        continue
                    inc = m.group(1)
                    where = "%s:%d: includes \"%s\"" % (rel, no, inc)
                    ifam = family(inc)
                    if not ifam:
                        problems.append("%s: an include names its folder" % where)
                        continue
                    if ifam not in FAMILIES:
                        problems.append("%s: no such family folder" % where)
                        continue
                    if not os.path.isfile(os.path.join(root, inc)):
                        problems.append("%s: no such file under probe/" % where)
                        continue
                    edges[rel].append(inc)
                    if ifam == fam:
                        continue
                    if FAMILIES[ifam] > FAMILIES[fam]:
                        problems.append("%s: %s/ is above %s/ (upward include)"
                                        % (where, ifam, fam or "main.c"))
                    elif FAMILIES[ifam] == FAMILIES[fam]:
                        problems.append("%s: %s/ and %s/ are siblings (sideways "
                                        "include)" % (where, ifam, fam))
    problems += cycles(edges)
    if problems:
        print("FAIL: probe/ breaks its layering:")
        for p in problems:
            print("  " + p)
        return 1
    n = sum(len(v) for v in edges.values())
    print("PASS: %d files, %d includes, all downward, no cycle" % (len(edges), n))
    return 0


def cycles(edges):
    """Every include cycle between files, once each."""
    found, state, stack = [], {}, []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for nxt in edges.get(node, []):
            if state.get(nxt) == 1:
                loop = stack[stack.index(nxt):] + [nxt]
                found.append("include cycle: " + " -> ".join(loop))
            elif not state.get(nxt):
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if not state.get(node):
            visit(node)
    return found


if __name__ == "__main__":
    sys.exit(main())

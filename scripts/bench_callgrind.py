"""bench_callgrind.py: reads callgrind output files (the documented
"callgrind format": name compression, call lines followed by the call's
inclusive cost) and tells where accessprobe's instructions per URL go.

Only the Ir event is used. Self costs are kept per (object, file,
function), call costs per (caller object, caller function, callee object,
callee function); a function's inclusive cost is the sum of the calls into
it from other functions.
"""

import collections
import os


class Profile:
    def __init__(self):
        self.total = 0
        self.self_cost = collections.Counter()   # (ob, fl, fn) -> Ir
        self.calls = collections.Counter()       # (ob, fn, cob, cfn) -> Ir

    def by_object(self):
        c = collections.Counter()
        for (ob, _, _), v in self.self_cost.items():
            c[os.path.basename(ob)] += v
        return c

    def own_files(self, binary):
        c = collections.Counter()
        for (ob, fl, _), v in self.self_cost.items():
            if os.path.basename(ob) == binary:
                c[fl] += v
        return c

    def into(self, callee=None, caller_ob=None, callee_ob=None):
        """Instructions spent in calls into a function (a name or a set of
        names; not counting its calls to itself), or from one object into
        another (basename prefixes, e.g. "libssl")."""
        names = {callee} if isinstance(callee, str) else callee
        total = 0
        for (ob, fn, cob, cfn), v in self.calls.items():
            b_ob, b_cob = os.path.basename(ob), os.path.basename(cob)
            if names is not None and (cfn not in names or fn in names):
                continue
            if caller_ob and not b_ob.startswith(caller_ob):
                continue
            if callee_ob and (not b_cob.startswith(callee_ob) or b_ob.startswith(callee_ob)):
                continue
            total += v
        return total


def _name(tables, kind, value):
    """'(12) name' defines id 12 of its table; '(12)' refers to it."""
    value = value.strip()
    if value.startswith("("):
        end = value.index(")")
        ident, rest = value[1:end], value[end + 1:].strip()
        if rest:
            tables[kind][ident] = rest
            return rest
        return tables[kind].get(ident, "?")
    return value


_TABLE = {"ob": "ob", "cob": "ob", "fl": "fl", "fi": "fl", "fe": "fl", "cfi": "fl",
          "cfl": "fl", "fn": "fn", "cfn": "fn"}


def parse(path):
    p = Profile()
    tables = {"ob": {}, "fl": {}, "fn": {}}
    ob = fl = fn = "?"
    cur_file = "?"
    cob = cfn = None
    in_call = False
    try:
        f = open(path, errors="replace")
    except OSError:
        return p
    with f:
        for line in f:
            c = line[:1]
            if c.isdigit() or c in "+-*":
                parts = line.split()
                cost = int(parts[1]) if len(parts) > 1 else 0
                if in_call:
                    p.calls[(ob, fn, cob or ob, cfn)] += cost
                    in_call = False
                    cob = cfn = None
                else:
                    p.self_cost[(ob, cur_file, fn)] += cost
                    p.total += cost
                continue
            key, sep, value = line.rstrip("\n").partition("=")
            if not sep or key not in _TABLE and key != "calls":
                continue
            if key == "calls":
                in_call = True
                continue
            name = _name(tables, _TABLE[key], value)
            if key == "ob":
                ob = name
            elif key == "fl":
                fl = cur_file = name
            elif key in ("fi", "fe"):
                cur_file = name
            elif key == "fn":
                fn = name
                cur_file = fl
            elif key == "cob":
                cob = name
            elif key == "cfn":
                cfn = name
    return p


# What the breakdown names, as calls into these functions or objects.
# Inclusive: a row counts everything below it, so rows may overlap where
# marked (the verification is part of both handshakes).
def _rows(p, binary):
    hs = p.into({"SSL_do_handshake", "SSL_new", "SSL_free", "SSL_shutdown"}, caller_ob=binary)
    io = p.into({"SSL_read", "SSL_write"}, caller_ob=binary)
    parse = p.into("prb_h1p_feed")
    curl_all = p.into(caller_ob=binary, callee_ob="libcurl")
    return [
        ("TLS handshake, one per endpoint (conn.c: SSL_do_handshake, SSL_new, SSL_free...)", hs, ""),
        ("  of which parsing the server's certificate (d2i_X509; OpenSSL 3.0's decoders)",
         p.into("d2i_X509", caller_ob="libssl"), "  "),
        ("  of which verifying the chain (X509_verify_cert)", p.into("X509_verify_cert"), "  "),
        ("HTTP/1.1 GET over that connection (http1.c: SSL_read, SSL_write, parsing)", io + parse, ""),
        ("  of which the response parser (prb_h1p_feed)", parse, "  "),
        ("libcurl (the control's requests only; none with --no-control)", curl_all, ""),
        ("c-ares DNS (A and AAAA)", p.into(caller_ob=binary, callee_ob="libcares"), ""),
        ("classification (prb_analyze)", p.into("prb_analyze"), ""),
        ("  of which fingerprint matching (prb_fp_match_*)",
         p.into({"prb_fp_match_http", "prb_fp_match_dns"}), "  "),
        ("record JSON building (prb_record_build)", p.into("prb_record_build"), ""),
        ("record serialising and scrubbing (prb_record_dump)", p.into("prb_record_dump"), ""),
        ("  of which json_dumps (sorted keys, reals)", p.into("json_dumps", caller_ob=binary), "  "),
        ("  of which scrubbing (prb_scrub_finds, prb_scrub_text)",
         p.into({"prb_scrub_finds", "prb_scrub_text"}), "  "),
        ("record writing (prb_writer_add, prb_writer_flush)",
         p.into({"prb_writer_add", "prb_writer_flush"}), ""),
        ("our chain copy (i2d_X509 from conn.c)", p.into("i2d_X509", caller_ob=binary), ""),
    ]


def report(short, long, n, out, binary="accessprobe"):
    """Per-URL instructions between two runs n URLs apart."""
    total = (long.total - short.total) / n
    if total <= 0:
        out.write("   (no marginal cost: the profiles are empty or equal)\n")
        return
    rs, rl = _rows(short, binary), _rows(long, binary)
    out.write("   where accessprobe's %.2f M instructions per URL go (inclusive; indented rows are\n"
              "   parts of the row above):\n" % (total / 1e6))
    for (name, a, _), (_, b, _) in zip(rs, rl):
        v = (b - a) / n
        out.write("     %-76s %6.2f M %5.1f%%\n" % (name, v / 1e6, 100 * v / total))
    out.write("   by library (self instructions, adds up to 100%):\n")
    oa, ob = short.by_object(), long.by_object()
    rows = sorted(((ob[k] - oa.get(k, 0)) / n, k) for k in ob)
    for v, k in reversed(rows):
        if v / total >= 0.005:
            out.write("     %-40s %6.2f M %5.1f%%\n" % (k, v / 1e6, 100 * v / total))
    out.write("   accessprobe's own code by source file (self instructions):\n")
    fa, fb = short.own_files(binary), long.own_files(binary)
    rows = sorted(((fb[k] - fa.get(k, 0)) / n, k) for k in fb)
    for v, k in reversed(rows[-8:]):
        if v > 0:
            out.write("     %-40s %6.3f M %5.1f%%\n" % (k.split("/probe/")[-1], v / 1e6, 100 * v / total))

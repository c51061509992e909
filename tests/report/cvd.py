#!/usr/bin/env python3
"""Colours as people with a colour-vision deficiency see them, and how far
apart two colours look (CIEDE2000).

  cvd.py '#d55e00' '#009e73' ...   prints each pair's distance for normal
                                   vision and the three dichromacies

Protanopia and deuteranopia are simulated as Viénot, Brettel and Mollon
(1999) do: one projection in LMS space, the plane derived here through
black, white and sRGB blue. Tritanopia follows Brettel, Viénot and Mollon
(1997): two half-planes. The LMS model (sRGB primaries, Smith & Pokorny
1975 cone fundamentals) and the 1997 tritan half-planes are the
precomputed values of libDaltonLens (github.com/DaltonLens/libDaltonLens,
public domain); self_check() verifies the derived 1999 projections against
that library's published matrices.
"""
import sys

# linear sRGB -> LMS (libDaltonLens, from sRGB's XYZ and Smith & Pokorny)
LMS_FROM_RGB = ((0.17886, 0.43997, 0.03597),
                (0.03380, 0.27515, 0.03621),
                (0.00031, 0.00192, 0.01528))
# Brettel 1997 tritan: S from L and M on one of two half-planes, chosen by
# the side of the separation plane (libDaltonLens)
TRITAN_PLANE1 = (-0.00213, 0.05477, 0.0)
TRITAN_PLANE2 = (-0.06195, 0.16826, 0.0)
TRITAN_NORMAL = (0.34516, -0.65480, 0.0)
# libDaltonLens's Viénot 1999 matrices (linear RGB), to check ours against
PUBLISHED_VIENOT = {
    "protan": ((0.10889, 0.89111, 0.0), (0.10889, 0.89111, 0.0),
               (0.00447, -0.00447, 1.0)),
    "deutan": ((0.29031, 0.70969, 0.0), (0.29031, 0.70969, 0.0),
               (-0.02197, 0.02197, 1.0)),
}
XYZ_FROM_RGB = ((0.4124564, 0.3575761, 0.1804375),
                (0.2126729, 0.7151522, 0.0721750),
                (0.0193339, 0.1191920, 0.9503041))
WHITE_D65 = (0.95047, 1.0, 1.08883)


def mul(m, v):
    return tuple(sum(m[i][k] * v[k] for k in range(3)) for i in range(3))


def matmul(a, b):
    return tuple(tuple(sum(a[i][k] * b[k][j] for k in range(3))
                       for j in range(3)) for i in range(3))


def inverse(m):
    (a, b, c), (d, e, f), (g, h, i) = m
    det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g)
    return ((( e * i - f * h) / det, -(b * i - c * h) / det,
             ( b * f - c * e) / det),
            (-(d * i - f * g) / det, ( a * i - c * g) / det,
             -(a * f - c * d) / det),
            (( d * h - e * g) / det, -(a * h - b * g) / det,
             ( a * e - b * d) / det))


RGB_FROM_LMS = inverse(LMS_FROM_RGB)


def parse(colour):
    """'#rrggbb' or 'rgb(r, g, b)' to a tuple of 0..255."""
    c = colour.strip()
    if c.startswith("#"):
        return tuple(int(c[i:i + 2], 16) for i in (1, 3, 5))
    inner = c[c.index("(") + 1:c.rindex(")")]
    return tuple(int(float(x)) for x in inner.split(",")[:3])


def linear(rgb):
    out = []
    for v in rgb:
        v /= 255.0
        out.append(v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4)
    return tuple(out)


def vienot_matrix(kind):
    """The 1999 projection as a linear-RGB matrix: the missing cone's
    response from the two others, on the plane through black, white and
    blue."""
    w = mul(LMS_FROM_RGB, (1.0, 1.0, 1.0))
    b = mul(LMS_FROM_RGB, (0.0, 0.0, 1.0))
    lost, (i, j) = (0, (1, 2)) if kind == "protan" else (1, (0, 2))
    # solve x*w[i] + y*w[j] = w[lost], x*b[i] + y*b[j] = b[lost]
    det = w[i] * b[j] - w[j] * b[i]
    x = (w[lost] * b[j] - w[j] * b[lost]) / det
    y = (w[i] * b[lost] - w[lost] * b[i]) / det
    proj = [[1.0 if r == c else 0.0 for c in range(3)] for r in range(3)]
    proj[lost] = [0.0, 0.0, 0.0]
    proj[lost][i], proj[lost][j] = x, y
    return matmul(RGB_FROM_LMS, matmul(tuple(map(tuple, proj)),
                                       LMS_FROM_RGB))


VIENOT = {k: vienot_matrix(k) for k in ("protan", "deutan")}


def simulate(rgb, kind):
    """rgb (0..255) as a dichromat of kind sees it, as linear RGB."""
    lin = linear(rgb)
    if kind == "normal":
        return lin
    if kind in VIENOT:
        out = mul(VIENOT[kind], lin)
    else:
        lms = list(mul(LMS_FROM_RGB, lin))
        side = sum(a * b for a, b in zip(lms, TRITAN_NORMAL))
        plane = TRITAN_PLANE1 if side >= 0 else TRITAN_PLANE2
        lms[2] = sum(a * b for a, b in zip(plane, lms))
        out = mul(RGB_FROM_LMS, lms)
    return tuple(min(1.0, max(0.0, v)) for v in out)


def lab(lin):
    xyz = mul(XYZ_FROM_RGB, lin)

    def f(t):
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116
    fx, fy, fz = (f(xyz[k] / WHITE_D65[k]) for k in range(3))
    return (116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz))


def de2000(a, b):
    """CIEDE2000 colour difference (Sharma, Wu and Dalal's formulation)."""
    import math
    L1, a1, b1 = a
    L2, a2, b2 = b
    c1, c2 = math.hypot(a1, b1), math.hypot(a2, b2)
    cm = (c1 + c2) / 2
    g = 0.5 * (1 - math.sqrt(cm ** 7 / (cm ** 7 + 25 ** 7)))
    a1p, a2p = a1 * (1 + g), a2 * (1 + g)
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if c2p else 0.0
    dl, dc = L2 - L1, c2p - c1p
    if not c1p * c2p:
        dh = 0.0
    elif abs(h2p - h1p) <= 180:
        dh = h2p - h1p
    else:
        dh = h2p - h1p - 360 if h2p > h1p else h2p - h1p + 360
    dH = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dh / 2))
    lm, cmp_ = (L1 + L2) / 2, (c1p + c2p) / 2
    if not c1p * c2p:
        hm = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        hm = (h1p + h2p) / 2
    else:
        hm = (h1p + h2p + 360) / 2 if h1p + h2p < 360 else \
            (h1p + h2p - 360) / 2
    t = (1 - 0.17 * math.cos(math.radians(hm - 30)) +
         0.24 * math.cos(math.radians(2 * hm)) +
         0.32 * math.cos(math.radians(3 * hm + 6)) -
         0.20 * math.cos(math.radians(4 * hm - 63)))
    sl = 1 + 0.015 * (lm - 50) ** 2 / math.sqrt(20 + (lm - 50) ** 2)
    sc = 1 + 0.045 * cmp_
    sh = 1 + 0.015 * cmp_ * t
    dtheta = 30 * math.exp(-(((hm - 275) / 25) ** 2))
    rc = 2 * math.sqrt(cmp_ ** 7 / (cmp_ ** 7 + 25 ** 7))
    rt = -math.sin(math.radians(2 * dtheta)) * rc
    return math.sqrt((dl / sl) ** 2 + (dc / sc) ** 2 + (dH / sh) ** 2 +
                     rt * (dc / sc) * (dH / sh))


KINDS = ("normal", "protan", "deutan", "tritan")


def distances(palette):
    """{(name1, name2): {kind: CIEDE2000}} for every pair of palette
    ({name: colour})."""
    names = sorted(palette)
    seen = {k: {n: lab(simulate(parse(palette[n]), k)) for n in names}
            for k in KINDS}
    out = {}
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            out[(a, b)] = {k: de2000(seen[k][a], seen[k][b]) for k in KINDS}
    return out


def contrast(fg, bg):
    """WCAG 2 contrast ratio of two colours."""
    def lum(c):
        r, g, b = linear(parse(c))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    hi, lo = sorted((lum(fg), lum(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def self_check():
    """The derived 1999 projections against libDaltonLens's published
    ones, and the textbook confusions: pure red and green come close for
    protanopes and closer for deuteranopes, not for tritanopes; blue and
    green come closest for tritanopes. Returns a list of problems."""
    problems = []
    for kind, want in PUBLISHED_VIENOT.items():
        got = VIENOT[kind]
        err = max(abs(got[i][j] - want[i][j]) for i in range(3)
                  for j in range(3))
        if err > 2e-3:
            problems.append("%s projection differs from libDaltonLens's by "
                            "%.4f" % (kind, err))
    d = distances({"red": "#ff0000", "green": "#00ff00"})[("green", "red")]
    if not (d["normal"] > 80 and d["protan"] < 0.6 * d["normal"] and
            d["deutan"] < 0.3 * d["normal"] and d["tritan"] > 0.8 * d["normal"]):
        problems.append("red/green not confused by protan/deutan: %r" % d)
    d = distances({"a": "#0072b2", "b": "#009e73"})[("a", "b")]
    if not d["tritan"] < min(d["protan"], d["deutan"]):
        problems.append("blue/green not closest for tritan: %r" % d)
    return problems


def main(argv):
    probs = self_check()
    for p in probs:
        print("SELF-CHECK FAILED:", p)
    pal = {c: c for c in argv}
    for (a, b), d in sorted(distances(pal).items(),
                            key=lambda x: min(x[1].values())):
        print("%s %s  " % (a, b) + "  ".join(
            "%s %5.1f" % (k, d[k]) for k in KINDS))
    return 1 if probs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""How much a box hides: characters (and a plausible range) or, for paragraph boxes, lines.

* The reference font is the font of the text next to the box on its line (nearest glyph first),
  else of the nearest line above or below that overlaps the box horizontally.
* Its metrics come from the standard font of the same family (Courier for monospaced or
  ``Courier``/``Mono`` names, Times for serif names, Helvetica otherwise), calibrated against the
  glyphs of that font actually printed on the page (median ratio of printed to standard advance),
  so that Arial, Calibri or a condensed face are measured in their own widths.
* The average advance of a character depends on what is hidden: digits for a phone number,
  capitals and lower case for a name.  The mix is taken from the field's sample strings in
  ``redactlens/data/char_samples.json`` (``unknown`` uses a mixture).  ``est_chars`` = box width /
  mean advance; the range uses the narrowest and widest sample mixes.
* A box taller than ~1.7 lines of the reference text is a paragraph/page box: ``est_lines`` =
  box height / line pitch, and no character count -- unless that count is one (a box one line
  pitch tall on double-spaced text is one line and its leading: it gets characters).
"""
from __future__ import annotations

import json
import math
from collections import Counter
from functools import lru_cache
from importlib import resources
from statistics import median

import pymupdf

from .. import geometry as g
from ..page import Char

PARAGRAPH_LINES = 1.7
#: the margin a drawn box leaves on each side of the text it covers, in em (boxes are drawn a
#: little wider than the glyphs; glyph-position widths have no margin)
PAD_EM = 0.1
#: the widest margin allowed for in the plausible range of a drawn box, in em per side
MAX_PAD_EM = 0.4
#: relative spread of the per-character advance of running text (for the plausible range)
PROSE_SPREAD = 0.12
#: characters of running text needed to measure its advance (else the field's sample mix is used)
PROSE_MIN_CHARS = 40
#: line pitch assumed on a page without any text to measure (12 pt: 10 pt type, 1.2 leading)
BLIND_PITCH = 12.0


def most_common_font(chars) -> str:
    """The font most of ``chars`` are set in; a tie goes to the font met first in ``chars``, so the
    answer never depends on Python's hash seed (it did: a set's order chose among tied fonts)."""
    return Counter(c.font for c in chars).most_common(1)[0][0]


@lru_cache(maxsize=1)
def samples() -> dict:
    f = resources.files("redactlens").joinpath("data").joinpath("char_samples.json")
    return {k: v for k, v in json.loads(f.read_text(encoding="utf-8")).items() if not k.startswith("_")}


def family(fontname: str, chars: list[Char] | None = None) -> str:
    """Base-14 font code standing in for ``fontname``."""
    n = fontname.lower()
    bold = "bold" in n or "black" in n or "heavy" in n
    if any(k in n for k in ("courier", "mono", "consol", "typewriter", "fixed")) or _looks_mono(chars):
        return "cobo" if bold else "cour"
    if any(k in n for k in ("times", "serif", "roman", "georgia", "garamond", "cambria", "book", "minion",
                            "palatino", "century", "schoolbook")) and "sans" not in n:
        return "tibo" if bold else "tiro"
    return "hebo" if bold else "helv"


def _looks_mono(chars) -> bool:
    if not chars:
        return False
    adv = {}
    for c in chars:
        if c.c.strip() and c.size > 0:
            adv.setdefault(c.c, (c.bbox[2] - c.bbox[0]) / c.size)
    if len(adv) < 6:
        return False
    vals = list(adv.values())
    return max(vals) - min(vals) < 0.02


@lru_cache(maxsize=16)
def base_font(code: str) -> pymupdf.Font:
    return pymupdf.Font(code)


def calibration(code: str, chars: list[Char]) -> float:
    """Median ratio of printed glyph advances to the standard font's advances (1.0 if unknown)."""
    f = base_font(code)
    ratios = []
    for c in chars:
        if not c.c.strip() or c.size <= 0 or len(c.c) != 1:
            continue
        std = f.glyph_advance(ord(c.c)) * c.size
        w = c.bbox[2] - c.bbox[0]
        if std > 0.5 and w > 0:
            ratios.append(w / std)
    if len(ratios) < 3:
        return 1.0
    return min(1.5, max(0.6, median(ratios)))


@lru_cache(maxsize=256)
def _advances(code: str, fld: str) -> tuple[float, float, float]:
    """(pooled mean, narrowest, widest) advance per character in em for a field's samples."""
    f = base_font(code)
    strs = samples().get(fld) or samples()["unknown"]
    per = [f.text_length(s, 1.0) / len(s) for s in strs if s]
    pooled = sum(f.text_length(s, 1.0) for s in strs) / sum(len(s) for s in strs)
    return pooled, min(per), max(per)


def text_width(s: str, code: str, size: float) -> float:
    return base_font(code).text_length(s, size)


def ref_chars(box: g.Box, rows, row_of_box) -> list[Char]:
    """Chars of the reference text: the box's own line nearest the box, else the nearest line."""
    same = [c for r in row_of_box for run in r.runs for c in run.chars if c.c.strip()]
    if same:
        def dist(c):
            return max(0.0, box[0] - c.bbox[2], c.bbox[0] - box[2])
        same.sort(key=dist)
        near = same[:12]
        font = most_common_font(near)
        return [c for c in same if c.font == font][:40]
    best, best_d = None, 1e9
    for r in rows:
        if not r.runs:
            continue
        d = max(0.0, box[1] - r.bottom, r.top - box[3])
        hov = min(box[2], r.x1) - max(box[0], r.x0)
        if hov < 0:
            d += 50.0 - max(hov, -50.0)     # prefer lines over the same column
        if d < best_d:
            best, best_d = r, d
    if best is None:
        return []
    return [c for run in best.runs for c in run.chars if c.c.strip()][:60]


def line_pitch(rows, box: g.Box, size: float) -> float:
    """Median baseline distance of neighbouring text lines near the box (1.2 x size otherwise)."""
    text_rows = sorted((r for r in rows if r.runs), key=lambda r: r.top)
    diffs = []
    for a, b in zip(text_rows, text_rows[1:]):
        d = b.bottom - a.bottom
        near = min(abs(a.top - box[1]), abs(a.bottom - box[3]), abs(b.top - box[1]), abs(b.bottom - box[3]))
        if 0.9 * size <= d <= 2.2 * size and near <= 120:
            diffs.append(d)
    return median(diffs) if diffs else 1.2 * size


def ref_font(chars) -> str | None:
    """The font of the reference glyphs (None without any)."""
    chars = [c for c in chars or [] if c.size and c.size > 0]
    return most_common_font(chars) if chars else None


def prose_advance(rows, font: str | None = None) -> float | None:
    """The mean advance per character (spaces included) of running text, measured on the given
    lines: total run width / characters, over runs of at least 20 characters.  None if too little.

    ``font``: only runs set mostly in that font (the reference font of the box) count, when they
    hold enough characters; a page's running header, bold headings or a letter-spaced footer are
    other faces and widths (the Palantir declaration: its one regular Times line measures 4.74 pt
    per character, its Helvetica header 6.16 and bold lines 5.15; pooled, the hidden lines were
    under-counted by 12 %)."""
    def measure(keep) -> tuple[float, float]:
        width = count = 0.0
        for r in rows:
            for run in r.runs:
                ink = [c for c in run.chars if c.c.strip()]
                if len(run.text) < 20 or not ink or any(len(c.c) != 1 for c in ink) or not keep(ink):
                    continue
                width += run.bbox[2] - run.bbox[0]      # first glyph's left to last glyph's right:
                count += len(run.text)                  # about one advance per character
        return width, count
    if font:
        width, count = measure(lambda ink: sum(c.font == font for c in ink) * 2 > len(ink))
        if count >= PROSE_MIN_CHARS:
            return width / count
    width, count = measure(lambda ink: True)
    return width / count if count >= PROSE_MIN_CHARS else None


def estimate(box: g.Box, chars: list[Char], fld: str, rows, width: float | None = None,
             pad: float | None = None, advance: float | None = None) -> dict:
    """{'est_chars', 'est_chars_range', 'est_lines', 'font', 'size'} for one box.

    ``width`` replaces the box width (an exact width from glyph positions); ``pad`` is the margin
    a box leaves on *each* side of the text it covers (default :data:`PAD_EM` x font size);
    ``advance`` is a measured mean advance per character of the running text around the box (pt),
    used instead of the field's sample mix (see :func:`prose_advance`)."""
    chars = [c for c in chars if c.size and c.size > 0]
    if not chars:
        return {}
    size = median(c.size for c in chars) or 10.0
    fontname = most_common_font(chars)
    code = family(fontname, chars)
    h = box[3] - box[1]
    line_h = 1.15 * size
    if h > PARAGRAPH_LINES * line_h and fld not in ("signature",):
        pitch = line_pitch(rows, box, size)
        n = int(round((h + (pitch - line_h)) / pitch))
        # a box one line pitch tall on double-spaced text (Palantir declaration: 12 pt type,
        # 24 pt pitch, each bar 24 pt tall) covers one line and its leading: one line, so
        # characters, not "2 lines"
        if n >= 2:
            return {"est_lines": n, "font": fontname, "size": size}
    drawn = pad is None                    # a drawn box: its margin is not known exactly
    if pad is None:
        pad = PAD_EM * size
    w0 = width if width is not None else box[2] - box[0]
    w = max(w0 - 2 * pad, 0.5 * w0)
    # the range allows for margins from none to MAX_PAD_EM on each side of a drawn box
    w_lo = max(w0 - 2 * MAX_PAD_EM * size, 0.5 * w0) if drawn else w
    w_hi = w0 if drawn else w
    scale = calibration(code, chars)
    pooled, narrow, wide = _advances(code, fld if fld in samples() else "unknown")
    em = size * scale
    if advance:
        est, lo, hi = w / advance, w_lo / (advance * (1 + PROSE_SPREAD)), w_hi / (advance * (1 - PROSE_SPREAD))
    else:
        est = w / (pooled * em)
        lo = w_lo / (wide * em)
        hi = w_hi / (narrow * em)
    n = max(1, int(round(est)))
    # a bound within 0.2 character of a whole number is that number (a monospaced 2.04 is 2)
    rng = [max(1, int(math.floor(min(lo, est) + 0.2))), max(1, int(math.ceil(max(hi, est) - 0.2)))]
    rng = [min(rng[0], n), max(rng[1], n)]
    return {"est_chars": n, "est_chars_range": rng, "font": fontname, "size": size, "family": code,
            "scale": scale}


def length_text(est_chars: int | None = None, est_chars_range=None, est_lines: int | None = None) -> str:
    """How a box's hidden length is phrased, in every output (CSV log, HTML, exhibit index,
    consistency evidence): ``"~14 chars (11\u201317)"`` for an estimate with a range, ``"14 chars"``
    when it is exact (the range is one number: recovered text, glyph positions), ``"3 lines"`` for a
    paragraph box (``est_lines``), ``""`` when nothing is known.  One place decides it, so that
    the same box reads the same everywhere."""
    if est_lines:
        return f"{est_lines} line" + ("" if est_lines == 1 else "s")
    if est_chars is None:
        return ""
    unit = "char" if est_chars == 1 else "chars"
    rng = list(est_chars_range or [])
    if len(rng) == 2 and rng[0] == rng[1] == est_chars:
        return f"{est_chars} {unit}"
    if len(rng) == 2:
        return f"~{est_chars} {unit} ({range_text(rng)})"
    return f"~{est_chars} {unit}"


def range_text(rng) -> str:
    """``[11, 17]`` as ``"11\u201317"``, ``""`` for none."""
    rng = list(rng or [])
    return f"{rng[0]}\u2013{rng[1]}" if len(rng) == 2 else ""


def length_of(r) -> str:
    """:func:`length_text` of a :class:`~redactlens.model.Redaction` (or anything with its three
    attributes)."""
    return length_text(getattr(r, "est_chars", None), getattr(r, "est_chars_range", None),
                       getattr(r, "est_lines", None))


#: glyphs of one writing direction needed before a sideways page is measured in that direction
MIN_SIDEWAYS_CHARS = 12


def _to_reading(pt_xy: tuple[float, float], d: tuple[float, float]) -> tuple[float, float]:
    """A displayed point in the frame where writing direction ``d`` runs left to right and the next
    line is below (the same ``along``/``across`` axes as :class:`~redactlens.page.Char`)."""
    x, y = pt_xy
    dx, dy = d
    return x * dx + y * dy, -x * dy + y * dx


def _box_to_reading(b, d) -> g.Box:
    pts = [_to_reading((x, y), d) for x in (b[0], b[2]) for y in (b[1], b[3])]
    return (min(p[0] for p in pts), min(p[1] for p in pts), max(p[0] for p in pts), max(p[1] for p in pts))


def sideways_rows(pm, box: g.Box):
    """``(box, rows, rows_of_box)`` in the reading frame of a page whose text runs sideways as
    displayed (a page shown with /Rotate 90 or 270, a landscape table printed across): the page's
    visible glyphs of its dominant non-horizontal writing direction, turned so that they read left
    to right, grouped into lines and runs as :class:`~redactlens.enrich.context.PageText` does for
    upright text.  None when the page has no such text (fewer than :data:`MIN_SIDEWAYS_CHARS`)."""
    from dataclasses import replace as _replace

    from .context import RUN_GAP, Row, Run
    chars = [c for c in getattr(pm, "visible_chars", None) or [] if c.c.strip() and c.size and c.size > 0]
    dirs = Counter(c.dir for c in chars if not (c.dir[0] > 0.99 and abs(c.dir[1]) <= 0.1))
    if not dirs:
        return None
    d, n = dirs.most_common(1)[0]
    upright = len(chars) - sum(dirs.values())
    # the page's text is mostly in that direction: a sideways margin stamp on an upright page
    # ("Received ...", an e-filing header along the edge) is not the text its boxes are in
    if n < MIN_SIDEWAYS_CHARS or n < sum(dirs.values()) / 2 or n <= upright:
        return None
    tbox = _box_to_reading(box, d)
    turned = []
    for c in pm.visible_chars:
        if c.dir != d or g.covered_fraction(c.bbox, box) >= 0.5:
            continue
        ox, oy = _to_reading((c.origin_x, c.origin_y), d)
        turned.append(_replace(c, bbox=_box_to_reading(c.bbox, d), dir=(1.0, 0.0), origin_x=ox, origin_y=oy))
    from ..page import group_lines
    rows = []
    for ln in (line.chars for line in group_lines(turned)):
        ink = [c for c in ln if c.c.strip()]
        if not ink:
            continue
        bb = g.union(c.bbox for c in ink)
        row = Row(ln, top=bb[1], bottom=bb[3])
        runs, prev = [], None
        for c in sorted(ln, key=lambda c: c.bbox[0]):
            if prev is None or c.bbox[0] - prev.bbox[2] > RUN_GAP * max(4.0, min(c.size, prev.size)) \
                    or (prev.bbox[2] <= tbox[0] + 1 and c.bbox[0] >= tbox[2] - 1):
                runs.append([])
            runs[-1].append(c)
            prev = c
        row.runs = [Run(r) for r in runs if any(c.c.strip() for c in r)]
        rows.append(row)
    rows.sort(key=lambda r: (r.top, r.bottom))

    def vov(r):
        ov = min(r.bottom, tbox[3]) - max(r.top, tbox[1])
        h = min(r.bottom - r.top, tbox[3] - tbox[1])
        return ov / h if h > 0 else 0.0
    on = [r for r in rows if vov(r) >= 0.5 and (r.bottom - r.top) <= 1.8 * max(1.0, tbox[3] - tbox[1]) + 2]
    return tbox, rows, on


def estimate_blind(box: g.Box, pm=None, fld: str = "unknown") -> dict:
    """A box without upright text to measure by.  When the page's text runs sideways as displayed
    (:func:`sideways_rows`), the box is measured in that text's reading frame exactly as an upright
    box is (:func:`estimate`; ``est_chars`` counts along the sideways line, ``est_lines`` across
    it).  A page with no readable text at all: only a paragraph/page box gets an estimate (lines
    at an assumed 12 pt pitch); a single-line box gets none -- there is no font to measure by."""
    turned = sideways_rows(pm, box) if pm is not None else None
    if turned:
        tbox, rows, on = turned
        ref = ref_chars(tbox, rows, on)
        if ref:
            est = estimate(tbox, ref, fld, rows)
            if est:
                return dict(est, reading="sideways")
        return {}       # sideways text but no font near the box: no guess at an upright pitch
    h = box[3] - box[1]
    if h > PARAGRAPH_LINES * BLIND_PITCH:
        return {"est_lines": max(2, int(round(h / BLIND_PITCH))), "assumed_pitch": BLIND_PITCH}
    return {}

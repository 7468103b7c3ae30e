"""The glyph-position side channel ("Story Beyond the Eye: Glyph Positions Break PDF Text
Redaction", PETS 2023).

When a word is removed from a line but the glyphs after it keep their positions, the distance from
the end of the last glyph before the box to the origin of the first glyph after it is the exact
rendered width of what was removed (the word and any spaces removed with it).  Boxes are drawn
with a margin; glyph positions are not, so this width is much sharper than the box.

:func:`fixed_width` measures it on one page, under strict conditions (see its docstring);
:func:`rank_documents` then ranks values of the same field printed in the clear elsewhere in the batch
(``DocumentReport.printed_values``) by how well their rendered width in that font fits.  A ranked
value is a *candidate* with its width evidence, never recovered text: ``leak.text`` stays empty.
"""
from __future__ import annotations

from dataclasses import replace
from statistics import median

from ..leaks import admits_candidates
from ..model import Leak
from . import size as sz

#: fields whose values are short strings worth ranking (narratives are not)
RANKED_FIELDS = ("person_name", "address", "phone", "email", "date_of_birth", "ssn", "license_plate",
                 "id_number", "date")
MAX_CANDIDATES = 10


def fixed_width(pm, box, rows) -> dict | None:
    """The exact hidden width at ``box``, or None unless all of these hold:

    * the box sits on one text line (not a paragraph box) of the page's *visible* text layer (OCR
      words carry no glyph positions);
    * the glyphs just before and just after the box are on the same baseline, in the same font and
      size, and belong to the same text object (MuPDF's ``seqno``: one text-showing sequence, so
      the second was positioned from the first through the removed text);
    * nothing visible is left between them and the box spans the gap between them (within a third
      of an em plus a word space) without being much wider than it.
    """
    if not rows or len(rows) > 1:
        return None
    row_chars = [c for c in rows[0].chars if c.c.strip() and c.size > 0]
    if not row_chars:
        return None
    base = sorted(c.origin_y for c in row_chars)[len(row_chars) // 2]
    size0 = sorted(c.size for c in row_chars)[len(row_chars) // 2]
    vis = _visible_ids(pm)
    # every visible glyph on this baseline, spaces included (PageText leaves out glyphs under a box)
    chars = [c for c in _horizontal_visible(pm) if abs(c.origin_y - base) <= 0.15 * size0
             and abs(c.size - size0) <= 0.15 * size0 and len(c.c) == 1 and id(c) in vis]
    if not chars:
        return None
    cx = (box[0] + box[2]) / 2

    def inside(c):
        w = c.bbox[2] - c.bbox[0]
        ov = min(c.bbox[2], box[2]) - max(c.bbox[0], box[0])
        return ov >= 0.7 * w if w > 0 else box[0] < c.bbox[0] < box[2]
    # dark text left under the box is a different leak; light text on it is its label
    if any(inside(c) and c.c.strip() and c.lum < 0.6 for c in chars):
        return None
    chars = [c for c in chars if not (inside(c) and c.c.strip())]
    left = [c for c in chars if (c.bbox[0] + c.bbox[2]) / 2 < cx]
    right = [c for c in chars if (c.bbox[0] + c.bbox[2]) / 2 > cx]
    if not left or not right:
        return None
    a = max(left, key=lambda c: (c.bbox[2], c.bbox[0]))
    b = min(right, key=lambda c: (c.bbox[0], c.bbox[2]))
    size = a.size
    if a.seqno != b.seqno or a.font != b.font or abs(a.size - b.size) > 0.01 \
            or abs(a.origin_y - b.origin_y) > 0.05 * size:
        return None
    if box[3] - box[1] > 2.2 * size:
        return None
    start, end = a.bbox[2], b.origin_x
    gap = end - start
    if gap < 0.5 * size:
        return None
    # the box spans the gap: its edges are within a word space (up to 0.6 em in Courier) plus a
    # little of the neighbouring glyphs, and it is not much wider than the gap
    if box[0] > start + 0.75 * size or box[2] < end - 0.75 * size or (box[2] - box[0]) > gap + 1.5 * size:
        return None
    same = [c for c in pm.visible_chars if c.font == a.font and abs(c.size - size) < 0.01][:400]
    code = sz.family(a.font, same)
    scale = sz.calibration(code, same)
    advances = {}
    for c in same:
        if len(c.c) == 1 and c.c != " " and c.bbox[2] > c.bbox[0]:
            advances.setdefault(c.c, []).append((c.bbox[2] - c.bbox[0]) / size)
    adv = {k: round(median(v), 4) for k, v in sorted(advances.items())}
    space = _space(chars, a.font, code, size, scale)
    # in running text a word boundary needs a space: when none is left next to the gap, it was
    # removed with the word (the text's own width is the gap less those spaces)
    spaces = int(a.c != " " and a.c not in "([\"'/-") + int(b.c != " " and (b.c.isalnum() or b.c in "([\"'"))
    text_w = gap - spaces * space
    if text_w < 0.3 * size:
        text_w, spaces = gap, 0
    return {
        "width_pt": round(gap, 2), "text_width_pt": round(text_w, 2), "spaces_removed": spaces,
        "font": a.font, "size": round(size, 2), "family": code,
        "scale": round(scale, 4), "space_pt": round(space, 3),
        "from_x": round(start, 2), "to_x": round(end, 2), "advances_em": adv,
        "evidence": f"'{a.c}' ends at x={start:.2f} and '{b.c}' starts at x={end:.2f} on one baseline, "
                    f"same text object, {a.font} {size:g} pt",
    }


def _horizontal_visible(pm) -> list:
    """The page's visible glyphs written left to right (cached on ``pm.caches``)."""
    c = pm.caches
    if c.horizontal_visible is None:
        c.horizontal_visible = [ch for ch in pm.visible_chars if ch.dir == (1.0, 0.0)]
    return c.horizontal_visible


def _visible_ids(pm) -> set:
    """Identities of the page's visible glyphs (cached on ``pm.caches``)."""
    c = pm.caches
    if c.visible_ids is None:
        c.visible_ids = {id(ch) for ch in pm.visible_chars}
    return c.visible_ids


def _space(chars, font, code, size, scale) -> float:
    """The advance of a word space on this line (justified lines stretch it)."""
    steps = []
    srt = sorted(chars, key=lambda c: c.bbox[0])
    for c, d in zip(srt, srt[1:]):
        if c.c == " " and c.font == font and d.c.strip():
            steps.append(d.origin_x - c.origin_x)
    if steps:
        return median(steps)
    return sz.text_width(" ", code, size) * scale


def rendered_width(text: str, glyph: dict) -> float:
    """Width of ``text`` in the glyph record's font: advances measured on the page where known,
    else the standard font of the same family scaled by the page calibration."""
    size, adv = glyph["size"], glyph.get("advances_em") or {}
    base = sz.base_font(glyph.get("family") or "helv")
    scale = glyph.get("scale") or 1.0
    w = 0.0
    for ch in text:
        if ch == " ":
            w += glyph.get("space_pt") or base.glyph_advance(32) * size * scale
        elif ch in adv:
            w += adv[ch] * size
        else:
            w += base.glyph_advance(ord(ch)) * size * scale
    return w


def tolerance(glyph: dict) -> float:
    """How close a candidate's width must come: tight for fonts measured on the page or standard,
    looser when the width is modelled with a scaled stand-in font."""
    w = glyph["width_pt"]
    exact = (glyph.get("scale") or 1.0) == 1.0
    return max(0.3, (0.004 if exact else 0.02) * w)


def fit(text: str, glyph: dict) -> tuple[float, str, float]:
    """(|delta| in pt, variant, width) of the best way ``text`` fills the gap: alone, or with the
    word space(s) a redaction tool removes next to it."""
    sp = glyph.get("space_pt") or 0.0
    w = rendered_width(text, glyph)
    best = None
    for variant, width in (("text", w), ("space+text", w + sp), ("text+space", w + sp),
                           ("space+text+space", w + 2 * sp)):
        d = abs(width - glyph["width_pt"])
        if best is None or d < best[0] - 1e-9:
            best = (d, variant, width)
    return best


def build_pool(docs) -> dict:
    """{field: {value: [where printed]}} from the ``printed_values`` of some documents."""
    pool: dict[str, dict[str, list[str]]] = {}
    for d in docs:
        name = (d.path or "").replace("\\", "/").rsplit("/", 1)[-1]
        for pv in d.printed_values or []:
            fld, text = pv.get("field"), " ".join(str(pv.get("text", "")).split())
            if fld in RANKED_FIELDS and 1 < len(text) <= 60:
                where = pool.setdefault(fld, {}).setdefault(text, [])
                tag = f"{name} p{pv.get('page')}"
                if tag not in where:
                    where.append(tag)
    return pool


def rank_documents(docs: list, pool: dict | None = None) -> list:
    """Each document with its exact widths ranked against ``pool`` (default: the printed values
    of all of ``docs``); new reports, ``docs`` are not changed."""
    if pool is None:
        pool = build_pool(docs)
    return [replace(d, redactions=rank_redactions(d.redactions, pool)) for d in docs]


def rank_redactions(reds: list, pool: dict) -> list:
    """``reds`` with a ``glyph_positions`` leak where an exact hidden width has fitting candidates
    (new redactions where something changed)."""
    out = []
    for r in reds:
        leak = rank_one(r, pool)
        out.append(r if leak is r.leak else replace(r, leak=leak))
    return out


def rank_one(r, pool: dict):
    """The leak ``r`` should carry: a ``glyph_positions`` leak listing the candidates whose
    rendered width fits the exact hidden width (ranked by the difference), when at least one fits
    and nothing was recovered there (:func:`redactlens.leaks.admits_candidates`); else its leak
    as it is.  ``leak.text`` stays empty: a fitting width is not recovered text."""
    g = r.glyph
    if not g or r.field not in pool or not admits_candidates(r.leak):
        return r.leak
    tol = tolerance(g)
    scored = []
    for text, where in pool[r.field].items():
        d, variant, width = fit(text, g)
        if d <= tol:
            scored.append((d, text, variant, width, where))
    if not scored:
        return None
    scored.sort(key=lambda t: (t[0], t[1]))
    cands = [
        {"text": text, "candidate": True, "field": r.field, "rank": k, "width_pt": round(width, 2),
         "delta_pt": round(d, 2), "fits_as": variant, "printed_in": where[:5],
         "evidence": f"rendered width {width:.2f} pt vs hidden {g['width_pt']:.2f} pt (tolerance {tol:.2f})"}
        for k, (d, text, variant, width, where) in enumerate(scored[:MAX_CANDIDATES], 1)]
    return Leak(how="glyph_positions", text="", candidates=cands,
                detail=f"glyph positions fix the hidden width at {g['width_pt']:.2f} pt in {g['font']} "
                       f"{g['size']:g} pt; {len(scored)} value(s) of the same field printed in the clear "
                       "fit that width: candidates only, not recovered text")

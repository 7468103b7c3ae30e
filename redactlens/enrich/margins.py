"""Exemption codes written in the margin level with a box, typed or by hand, on text pages and scans.

Runs after the per-box rules of :mod:`redactlens.enrich.core` (:func:`refine`, one call per page):

* **margin tails** -- a code list at the end of a line of body text, in the right margin and set
  apart from the text by at least :data:`TAIL_GAP` (OCR joins a margin code to the body line it is
  level with: "... a state holiday  3-3 (h)( 2)", CIA bulletin p3), is a margin code like a run
  of its own;
* **OCR slips** -- in such a margin list only (:func:`ocr_normal`): spaces and dashes inside a
  section ("3-3 (h)( 2)", "3.  3(h  )(2)", "3. 3-(-h-- )-(2)" -> "3.3(h)(2)") and the letter/digit confusions of a
  handwritten compact FOIA code listed in ``exemptions_us_foia.json`` ``ocr_confusions``
  ("bé" -> "b6"; "56, b7C" -> "b6, b7C" only beside a code read as printed);
* **codes stacked beside a tall bar** ("b6" over "b7C", each on a line of its own): every margin
  code level with the box and with no other box counts, in order down the page;
* **a code level with no box** (an orphan: the typist put it a line off) goes to the nearest box
  without a code, when that box is the only one that close (:data:`ORPHAN_REACH`);
* **reading the margin again** -- on a page read from OCR words (a scan without a text layer) that
  carries margin codes, a box still without a code gets the margin strip level with it read again
  on its own (one small Tesseract call; Tesseract drops a lone handwritten "b6" from a whole-page
  read);
* the printed margin text is kept in ``label`` when the box has none (the code as printed, as for
  a code beside the box), so a reader sees "3.3(h)(2)" and not only "EO 13526 3.3(h)(2)".

A margin code beats a page note and a footer/header list (weaker), never a code printed on or
right next to the box or a letter's section (letters run later, on boxes left without codes).
"""
from __future__ import annotations

import json
import re
from dataclasses import replace
from functools import lru_cache
from importlib import resources

from .. import geometry as g
from ..model import Redaction
from . import exemptions as ex
from .core import _near_level as _level     # the per-box rules' test of a margin code level with a box

#: share of the page width past which (or before which, 1 - it) a line's words lie in the margin
#: (the CIA bulletin's labels start at 0.87 W, its body text ends at 0.91 W at most; the generated
#: FD-302 pages' codes at 0.85 W, their text at 0.81 W)
MARGIN_SHARE = 0.82
#: x text size: a code at the end of a body line is set this far apart from the line's text (the CIA
#: bulletin's OCR layer: '3-3(h)(2)' 0.74 em after 'holiday', '3.3(h)(2)' 1.0 em after 'North'; its
#: word spaces and those of typeset prose: 0.25-0.4 em)
TAIL_GAP = 0.6
#: x code height: a margin code level with no box goes to the nearest box without a code this close
#: (CIA p3: the '3.3(h)(2)' of item 1 sits 16 pt = 1.0 x its height above its box)
ORPHAN_REACH = 1.5
#: x code height: the next box without a code must be this much farther for the orphan to choose
ORPHAN_MARGIN = 0.5
#: x box height (at least 6 pt): vertical slack of the margin strip read again level with a box
REREAD_SLACK = 0.5
#: x code height: a margin code starting this far right of the page's margin column (the left edge
#: of its leftmost code) has lost a word before it in the page's OCR ("b6, b7C" read as "b7C")
DROPPED = 1.0
#: x the page's code height: a bar this tall may have codes stacked beside it, some of which the
#: page's OCR dropped: its margin strip is read again
STACKED = 2.5
#: resolutions (x the OCR resolution) the margin strip is read again at, until one gives codes: a
#: slanted handwritten "b7E" of the generated FD-302 page reads "b7JE" at 300 dpi, "Ps" at 450 and
#: "b7E" at 225
REREAD_SCALES = (1.0, 0.75, 1.5)
#: sources a margin code may replace (weaker, page-wide claims) or fill (none)
WEAK = ("", "note", "footer", "header")


@lru_cache(maxsize=1)
def _confusions() -> dict:
    f = resources.files("redactlens").joinpath("data", "exemptions_us_foia.json")
    try:
        return json.loads(f.read_text(encoding="utf-8")).get("ocr_confusions", {})
    except (OSError, ValueError):
        return {}


_SPLIT_SECTION = re.compile(r"(?<![\d.])(\d)\s*(?:[.\-\u2013,]\s*|\s+)(\d)(?=\s*\()")


def ocr_normal(text: str) -> str:
    """A margin code list as OCR read it, with the slips of :mod:`margins` undone (margin lists
    only: never applied to running text)."""
    t = " ".join(text.split())
    # strokes of an underline or a scribble read into the code: "3. 3-(-h-- )-(2)_;C" (CIA p3)
    t = re.sub(r"[-_~]+\s*(?=\()|(?<=\()\s*[-_~]+|[-_~]+\s*(?=\))|(?<=\))\s*[-_~]+", "", t)
    t = _SPLIT_SECTION.sub(r"\1.\2", t)
    t = re.sub(r"\(\s+", "(", t)
    t = re.sub(r"\s+\)", ")", t)
    t = re.sub(r"\)\s+\(", ")(", t)
    conf = _confusions()
    digit = {c: d for d, cs in conf.get("digit", {}).items() for c in cs}
    if digit:
        cls = "".join(re.escape(c) for c in digit)
        t = re.sub(rf"(?<![A-Za-z0-9])([bB])([{cls}])(?=[A-Fa-f]?(?![A-Za-z0-9]))",
                   lambda m: m.group(1) + digit[m.group(2)], t)
    b_like = conf.get("b", [])
    if b_like and ex.parse_codes(t):    # a misread "b" only beside a code read as printed
        cls = "".join(re.escape(c) for c in b_like)
        t = re.sub(rf"(?<![A-Za-z0-9])[{cls}]([1-9][A-Fa-f]?)(?=\s*[,;/&]|\s+and\b|\s+[bB]\d)", r"b\1", t)
    return t


def _words(chars) -> list[list]:
    """The run's characters cut into words (spaces, or gaps wider than a quarter of the size)."""
    out, cur, prev = [], [], None
    for c in sorted(chars, key=lambda c: c.bbox[0]):
        if not c.c.strip():
            if cur:
                out.append(cur)
            cur, prev = [], None
            continue
        if prev is not None and c.bbox[0] - prev.bbox[2] > 0.25 * max(c.size, 1.0):
            out.append(cur)
            cur = []
        cur.append(c)
        prev = c
    if cur:
        out.append(cur)
    return out


def margin_codes(pt, pm) -> list[dict]:
    """Code lists in the page margins: whole runs or the margin end of a body line (see the
    module docstring), each ``{"where": "margin", "text", "codes", "bbox"}``."""
    folders = pm.settings.exemption_tables
    right = MARGIN_SHARE * pm.width
    out = []
    for row in pt.rows:
        for run in row.runs:
            words = _words(run.chars)
            if not words:
                continue
            # the run itself when it lies in the right margin, else a tail of its words that starts
            # there set apart from the line's text (TAIL_GAP: prose citing "... 552(b)(6)" at a line
            # end is at word spacing); the code list with the most codes, the shortest of those
            parts = [words[k:] for k in range(len(words) - 1, -1, -1) if words[k][0].bbox[0] >= right
                     and (k == 0 or words[k][0].bbox[0] - words[k - 1][-1].bbox[2] >= TAIL_GAP * max(4.0, run.size))]
            best = None
            for part in parts:
                raw = " ".join("".join(c.c for c in w) for w in part)
                text = ocr_normal(raw)
                if not ex.is_code_list(text, folders):
                    continue
                codes = ex.parse_codes(text, folders)
                if best is None or len(codes) > len(best[1]):
                    best = (raw, codes, g.union(c.bbox for w in part for c in w))
            if best:
                out.append({"where": "margin", "text": best[0], "codes": best[1], "bbox": best[2]})
    return out


def _printed_inside(pm, box, codes: list[str]) -> bool:
    """The page's text inside the box cites ``codes`` (a label printed on it; a release banner
    crossing the box is no label)."""
    inside = []
    for ln in pm.context_lines:
        lb = ln.bbox
        if lb[2] < box[0] or lb[0] > box[2] or lb[3] < box[1] or lb[1] > box[3]:
            continue
        inside.append("".join(c.c for c in ln.chars if g.covered_fraction(c.bbox, box) >= 0.5))
    text = ocr_normal(" ".join(inside))
    return bool(text.strip()) and set(codes) <= set(ex.parse_codes(text, pm.settings.exemption_tables))


def _gap(lb, box) -> float:
    return max(0.0, lb[1] - box[3], box[1] - lb[3])


def _set(r: Redaction, codes: list[str], text: str, how: str = "") -> Redaction:
    """``exemption_text``: the margin as read (and how it was placed); ``label``: the code list as
    printed, OCR slips undone (when the box has none)."""
    label = ocr_normal(text)
    bare = re.sub(r"[\s;:,_.'\u00b7]+[A-Za-z]?\W*$", "", label)      # a stroke read after it: ";C"
    if bare != label and ex.parse_codes(bare) == ex.parse_codes(label):
        label = bare
    return replace(r, exemptions=list(codes), exemption_source="margin", exemption_basis="margin",
                   exemption_text=text + how, label=r.label or label)


def _level_codes(items: list[dict], boxes: list, i: int) -> tuple[list[str], str] | None:
    """(codes, printed text) of the margin codes level with ``boxes[i]``: all of those level with
    no other box, in order down the page, else the one nearest the box's middle; None if none."""
    b = boxes[i]
    level = [it for it in items if _level(it["bbox"], b)]
    if not level:
        return None
    own = sorted((it for it in level if not any(_level(it["bbox"], o) for j, o in enumerate(boxes) if j != i)),
                 key=lambda it: it["bbox"][1])
    if len(own) > 1:
        codes: list[str] = []
        for it in own:
            codes += [c for c in it["codes"] if c not in codes]
        return codes, " / ".join(it["text"] for it in own)
    best = min(level, key=lambda it: abs((it["bbox"][1] + it["bbox"][3]) - (b[1] + b[3])))
    return list(best["codes"]), best["text"]


def refine(pt, reds: list[Redaction], pm) -> list[Redaction]:
    """New redactions of one page with the margin codes the per-box rules missed (module
    docstring).  Boxes with a code on or beside them, or from a margin already, are kept."""
    items = margin_codes(pt, pm)
    boxes = [tuple(r.bbox) for r in reds]
    out = list(reds)
    open_ = [i for i, r in enumerate(out) if r.exemption_source in WEAK]
    # 1. margin codes level with the box: those level with no other box together, top to bottom
    # (codes stacked beside a tall bar: "b6" / "b7C"), else the nearest; a list the per-box rules
    # read in part ("56, b7C": only b7C as printed) is read whole
    for i, r in enumerate(out):
        if r.exemption_source not in WEAK + ("margin",):
            continue
        level = _level_codes(items, boxes, i)
        if not level:
            continue
        codes, text = level
        if r.exemption_source in WEAK or set(codes) > set(r.exemptions):
            out[i] = _set(r, codes, text)
            if i in open_:
                open_.remove(i)
    # 2. a code level with no box: the nearest box without a code, when it alone is that close
    for it in items:
        if any(_level(it["bbox"], b) for b in boxes) or not open_:
            continue
        h = max(4.0, it["bbox"][3] - it["bbox"][1])
        near = sorted(open_, key=lambda i: _gap(it["bbox"], boxes[i]))
        d0 = _gap(it["bbox"], boxes[near[0]])
        d1 = _gap(it["bbox"], boxes[near[1]]) if len(near) > 1 else float("inf")
        if d0 <= ORPHAN_REACH * h and d1 - d0 > ORPHAN_MARGIN * h:
            i = near[0]
            out[i] = _set(out[i], it["codes"], it["text"], " (the code is level with no box; this is the nearest box without one)")
            open_.remove(i)
    # 3. a scan whose margins carry codes: read the margin strip level with an uncoded box again,
    # and with a box whose code starts right of the margin column (a word before it was dropped)
    if items:
        col = min(it["bbox"][0] for it in items if it["bbox"][0] >= MARGIN_SHARE * pm.width) \
            if any(it["bbox"][0] >= MARGIN_SHARE * pm.width for it in items) else None
        ch = sorted(it["bbox"][3] - it["bbox"][1] for it in items)[len(items) // 2]
        late = [i for i, r in enumerate(out) if r.exemption_source == "margin" and col is not None
                and (boxes[i][3] - boxes[i][1] >= STACKED * ch
                     or any(_level(it["bbox"], boxes[i]) and it["bbox"][0] > col + DROPPED * (it["bbox"][3] - it["bbox"][1])
                            for it in items))]
        if open_ or late:
            out = _reread(pt, pm, out, open_ + late, items)
    # a label the detector took from the margin (an outlined box with its code beside it, the CIA
    # style) was printed in the margin, not on the box: that is its basis
    for i, r in enumerate(out):
        lab = ex.parse_codes(ocr_normal(r.label or ""), pm.settings.exemption_tables)
        if r.exemption_source == "label" and lab and not _printed_inside(pm, boxes[i], lab):
            b = boxes[i]
            if any(_level(it["bbox"], b) and it["codes"] == lab and (it["bbox"][0] >= b[2] - 2 or it["bbox"][2] <= b[0] + 2)
                   for it in items):
                out[i] = replace(r, exemption_source="margin", exemption_basis="margin",
                                 exemption_text=r.exemption_text or r.label)
    # the margin list as printed is the box's label when it has none
    return [replace(r, label=ocr_normal(r.exemption_text)) if r.exemption_source == "margin" and not r.label
            and r.exemption_text else r for r in out]


def _reread(pt, pm, out: list[Redaction], open_: list[int], items: list[dict]) -> list[Redaction]:
    from . import reread
    if not reread.possible(pm):
        return out
    folders = pm.settings.exemption_tables
    right = [it for it in items if it["bbox"][0] >= MARGIN_SHARE * pm.width]
    if not right:
        return out
    x0 = min(it["bbox"][0] for it in right) - 12.0
    boxes = [tuple(r.bbox) for r in out]
    for i in sorted(set(open_)):
        b = boxes[i]
        if b[2] >= x0:
            continue
        slack = max(6.0, REREAD_SLACK * (b[3] - b[1]))
        for scale in REREAD_SCALES:
            words = reread._read(pm, (x0, b[1] - slack, pm.width, b[3] + slack), boxes, scale=scale)
            if not words:
                continue
            raw = " ".join(w[1] for w in sorted(words, key=lambda w: (w[0][1] // 4, w[0][0])))
            text = ocr_normal(raw)
            codes = ex.parse_codes(text, folders) if ex.is_code_list(text, folders) else []
            if codes and set(codes) > set(out[i].exemptions):
                out[i] = _set(out[i], codes, raw, " (margin read again by OCR)")
                break
    return out

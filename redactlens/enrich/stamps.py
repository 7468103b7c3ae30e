"""One stamp, many pages: a sideways bar at the place where other pages' stamps had a signature.

A receipt stamp ("RECEIVED / Check # / For $ / Date / Signature:") is pressed on every page of a
batch of payment memos at about the same place, and its ``Signature:`` line is redacted with a
tall narrow bar.  The close reading of :mod:`redactlens.enrich.reread` reads the sideways label
on most pages but not on all (the stamp's ink is faint, or a handwritten figure crosses it).  A
careful reader types the remaining bars by the stamp they sit on: an untyped bar of the same
shape at the same place of the page as the bars that at least ``MIN_TYPED`` other pages of the
document typed ``signature`` from a sideways ``Signature:`` label is a ``signature`` too; so is
one where a single page's bar was read so, when the same bar lies at the same place on at least
``MIN_PAGES`` other pages (the label read on one page, the stamp pressed on all of them).

Measured on the Chicago PD memos (15-7067, 16-0190): the stamps' bars are 15-40 pt wide and 50-120
pt long; their centres move up to 25 pt across and 50 pt along the page from one page to the next
(the stamp is pressed by hand).
"""
from __future__ import annotations

from dataclasses import replace

from ..model import Redaction
from .reread import TALL_MAX_WIDTH, is_tall, may_be_sideways

MIN_TYPED = 2           # pages whose bar the sideways label typed: one reading alone is no stamp ...
MIN_PAGES = 3           # ... unless the same bar lies at the same place on this many other pages too
NEAR_X = 30.0           # pt: the centres of the bars lie this close across the page ...
NEAR_Y = 60.0           # ... and this close along it
SHAPE = 2.0             # the bars' heights differ at most by this factor
SIDEWAYS = "sideways text reading"   # what the sideways-label evidence of core.reread_scan says
#: a bar typed by the place of the stamp may be stubbier than the bars whose label was read (the
#: hand that draws it stops early): Chicago 15-7067 p8's bar over the stamp's signature is 28 x 55 pt,
#: 1.96 x as tall as wide, at 10-29 pt from three typed bars; the bars read are 2.3-4.0 x
CANDIDATE_RATIO = 1.5


def _candidate(b) -> bool:
    w, h = b[2] - b[0], b[3] - b[1]
    return is_tall(b) or (0 < w <= TALL_MAX_WIDTH and h >= CANDIDATE_RATIO * w)


def _centre(b) -> tuple[float, float]:
    return (b[0] + b[2]) / 2, (b[1] + b[3]) / 2


def same_stamp(reds: list[Redaction]) -> list[Redaction]:
    """New redactions: an ``unknown`` tall narrow bar next to where other pages' sideways
    ``Signature:`` bars are gets ``signature`` (see the module docstring); the rest as they were."""
    typed = [r for r in reds if r.field == "signature" and SIDEWAYS in (r.field_evidence or "")
             and may_be_sideways(r.bbox)]
    if not typed:
        return list(reds)
    untyped = [r for r in reds if r.field in ("unknown", "") and _candidate(r.bbox)]

    def near(r, others):
        cx, cy = _centre(r.bbox)
        h = r.bbox[3] - r.bbox[1]
        return [o for o in others if o.page != r.page
                and abs(_centre(o.bbox)[0] - cx) <= NEAR_X and abs(_centre(o.bbox)[1] - cy) <= NEAR_Y
                and max(h, o.bbox[3] - o.bbox[1]) <= SHAPE * min(h, o.bbox[3] - o.bbox[1])]

    out = []
    for r in reds:
        if r.field not in ("unknown", "") or not _candidate(r.bbox):
            out.append(r)
            continue
        read = near(r, typed)
        pages = sorted({o.page for o in read})
        if len(pages) >= MIN_TYPED:
            why = f"sideways bar at the place of the stamp's 'Signature:' bars of pages {', '.join(map(str, pages[:4]))}"
        else:
            # one page's reading, and the same bar at the same place on several other pages: the
            # stamp was pressed on every page (Chicago 15-6523: read on p8, bars on p6, p7, p9)
            same = sorted({o.page for o in read + near(r, untyped)})
            if not read or len(same) < MIN_PAGES:
                out.append(r)
                continue
            why = (f"sideways bar at the place of the stamp's bars of pages {', '.join(map(str, same[:4]))}"
                   f" (page {pages[0]}'s bar read as 'Signature:')")
        out.append(replace(r, field="signature", field_evidence=why))
    return out

"""An independent check of the coordinate convention: the contract's boxes are pdfplumber's
``(x0, top, x1, bottom)`` with the CropBox applied.  pdfplumber (pdfminer) parses the fixtures on
its own; its filled dark shapes, shifted to the CropBox's corner (pdfplumber measures from the
MediaBox's), must coincide with redactlens's vector boxes on the displayed page."""
import pdfplumber
import pytest

import redactlens
from redactlens import geometry as g

CASES = ["styles.pdf", "cropbox.pdf", "mediabox-origin.pdf", "rot90.pdf", "rot180.pdf", "rot270.pdf"]


def _dark(color) -> bool:
    if color is None:
        return False
    c = list(color) if isinstance(color, (list, tuple)) else [color]
    if not all(isinstance(v, (int, float)) for v in c):  # a pattern name such as 'P46'
        return False
    if len(c) == 1:
        return c[0] <= 0.35
    if len(c) == 3:
        return g.luminance(tuple(c)) <= 0.35
    if len(c) == 4:  # CMYK
        return c[3] >= 0.65 or min(c[:3]) >= 0.65
    return False


@pytest.mark.parametrize("name", CASES)
def test_vector_boxes_match_pdfplumber(core_fixtures, name):
    out, _ = core_fixtures
    rep = redactlens.scan(str(out / name))
    ours = [(r.page, tuple(r.bbox)) for r in rep.redactions if r.method == "vector" and r.style == "solid"]
    assert ours
    with pdfplumber.open(out / name) as pdf:
        theirs = [(p.page_number, (o["x0"] - p.cropbox[0], o["top"] - p.cropbox[1],
                                   o["x1"] - p.cropbox[0], o["bottom"] - p.cropbox[1]))
                  for p in pdf.pages for o in p.rects + p.curves if o.get("fill")
                  and _dark(o.get("non_stroking_color")) and min(o["width"], o["height"]) >= 3]
        # marker-style bars: one thick dark stroke, widened by half its line width
        theirs += [(p.page_number, (o["x0"] - p.cropbox[0] - o["linewidth"] / 2 * (o["width"] < 1),
                                   o["top"] - p.cropbox[1] - o["linewidth"] / 2 * (o["height"] < 1),
                                   o["x1"] - p.cropbox[0] + o["linewidth"] / 2 * (o["width"] < 1),
                                   o["bottom"] - p.cropbox[1] + o["linewidth"] / 2 * (o["height"] < 1)))
                   for p in pdf.pages for o in p.lines
                   if o.get("linewidth", 0) >= 3 and _dark(o.get("stroking_color"))]
    for page, box in ours:
        best = max((g.iou(box, b) for p, b in theirs if p == page), default=0.0)
        if best < 0.9:  # a box made of several abutting rectangles: their union
            parts = [b for p, b in theirs if p == page and g.covered_fraction(b, box) > 0.9]
            best = g.iou(box, g.union(parts)) if parts else 0.0
        assert best >= 0.9, (name, page, box)

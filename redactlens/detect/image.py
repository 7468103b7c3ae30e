"""Image redactions: a small, opaque, uniformly dark image placed as a box."""
from __future__ import annotations

import numpy as np
import pymupdf

from .. import geometry as g
from ..page import PageModel
from . import Candidate
from ..errors import PDF_ERRORS

MAX_DECODE_PIXELS = 4_000_000


def image_candidates(pm: PageModel) -> list[Candidate]:
    out: list[Candidate] = []
    doc = pm.page.parent
    page_area = g.area(pm.box)
    for info in pm.images:
        box = g.clip(pm.to_display(info["bbox"]), pm.box)
        if box is None or min(g.width(box), g.height(box)) < 3:
            continue
        if g.area(box) > 0.5 * page_area:
            continue  # page scans are the raster detector's job
        xref = info.get("xref") or 0
        w, h = info.get("width", 0), info.get("height", 0)
        if not xref or w * h > MAX_DECODE_PIXELS or w * h == 0:
            continue
        try:
            pix = pymupdf.Pixmap(doc, xref)
            if pix.alpha or pix.n != 1:
                pix = pymupdf.Pixmap(pymupdf.csGRAY, pix)
            arr = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.width, pix.n)[..., 0]
        except PDF_ERRORS:
            continue
        mean = float(arr.mean()) / 255
        dark_share = float((arr < 90).mean())
        if mean <= 0.25 and dark_share >= 0.9:
            out.append(Candidate(box, "image", "solid", (mean, mean, mean),
                                 detail=f"opaque dark image xref {xref} ({w}x{h} px, {dark_share:.0%} dark)"))
    return out

"""The reader's check of every recovered string: no leaked glyph is visible on the page as shown.

    python tests/leak_check.py FILE_OR_DIR ...      (prints every offending glyph; exit 1 if any)

For each redaction whose leak is live text, the glyphs the leak was read from (the pipeline's own
detection of the page, :func:`redactlens.pipeline.detect_page`) are compared in three renders of the
page (grey, 3x):

* ``A`` the page as shown;
* ``B`` the page without any text (every glyph removed, drawings and images kept): where ``A`` and
  ``B`` differ inside a glyph's box, the glyph puts ink on the page as shown;
* ``C`` the page without the box (the box's vector paths removed, or its annotation deleted): where
  ``A`` and ``C`` are the same inside the glyph's box, the box does not paint over the glyph.

A leaked glyph that shows ink (A != B) where the box changes nothing (A == C) is visible on the page
outside the box: a wrong leak.  Evaluation code, not part of the runtime package.
"""
from __future__ import annotations

import os
import sys

import numpy as np
import pymupdf

from redactlens import geometry as g
from redactlens.page import PageModel
from redactlens.pipeline import detect_page
from redactlens.render import render_gray

ZOOM = 3
#: grey levels a pixel must change by to count (anti-aliasing at glyph edges changes a few levels)
DIFF = 48
#: pixels of a glyph's box that must change for the glyph to count as inked / as covered
MIN_PIXELS = 3


def _render(doc, pno: int) -> np.ndarray:
    return render_gray(doc[pno], zoom=ZOOM).pixels.astype(np.int16)


def _without(data: bytes, pno: int, rects, *, text: bool, annots: list | None = None) -> np.ndarray:
    doc = pymupdf.open(stream=data, filetype="pdf")
    page = doc[pno]
    if annots:
        for a in list(page.annots() or []):
            if any(g.iou(tuple(a.rect), tuple(r)) > 0.9 for r in annots):
                page.delete_annot(a)
    if rects:
        for r in rects:
            page.add_redact_annot(pymupdf.Rect(r), fill=False, cross_out=False)
        page.apply_redactions(images=0, graphics=0 if text else 2, text=0 if text else 1)
    return _render(doc, pno)


def _changed(a: np.ndarray, b: np.ndarray, box) -> int:
    x0, y0, x1, y1 = (int(round(v * ZOOM)) for v in box)
    w, h = x1 - x0, y1 - y0
    x0, y0, x1, y1 = x0 + w // 6, y0 + h // 6, x1 - w // 6, y1 - h // 6   # the glyph's core
    if x1 <= x0 or y1 <= y0:
        return 0
    return int((np.abs(a[y0:y1, x0:x1] - b[y0:y1, x0:x1]) > DIFF).sum())


def visible_leak_glyphs(path: str) -> list[tuple]:
    """(page, box, char) of every leaked glyph a reader sees on the page as shown."""
    data = open(path, "rb").read()
    doc = pymupdf.open(stream=data, filetype="pdf")
    bad = []
    for pno in range(doc.page_count):
        page = doc[pno]
        pm = PageModel(page, pno + 1)
        found, _ = detect_page(pm)
        leaky = [f for f in found if f.cand.method in ("vector", "annotation")
                 and any(ch.c.strip() and not ch.invisible for ch in f.verdict.hidden)]
        if not leaky:
            continue
        a = _render(doc, pno)
        # every glyph removed: displayed-page boxes -> the unrotated page space redactions take
        b = _without(data, pno, [g.from_display(pm.box, page)], text=True)
        for f in leaky:
            if f.cand.method == "annotation":
                c = _without(data, pno, [], text=False, annots=[g.from_display(f.cand.bbox, page)])
            else:
                c = _without(data, pno, [g.from_display(bx, page) for bx, _ in f.cand.painted_parts()], text=False)
            for ch in f.verdict.hidden:
                if not ch.c.strip() or ch.invisible:
                    continue
                if _changed(a, b, ch.bbox) >= MIN_PIXELS and _changed(a, c, ch.bbox) < MIN_PIXELS:
                    bad.append((pno + 1, g.rounded(f.cand.bbox), ch.c))
    return bad


def main(argv: list[str]) -> int:
    files = []
    for p in argv:
        files += [os.path.join(p, n) for n in sorted(os.listdir(p)) if n.endswith(".pdf")] if os.path.isdir(p) else [p]
    total = 0
    for fn in files:
        bad = visible_leak_glyphs(fn)
        total += len(bad)
        print(f"{os.path.basename(fn)[:60]:60s} visible leaked glyphs: {len(bad)} {bad[:6] if bad else ''}")
    print(f"ALL: {total} visible leaked glyphs in {len(files)} files")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

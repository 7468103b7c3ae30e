"""The reader's check of every recovered string, letter by letter, against renders of the page.

    python tests/leak_check.py FILE_OR_DIR ...      (prints every failure; exit 1 if any)

It reads what :func:`redactlens.scan` reports (the whole pipeline: detection, OCR, the leak resolver,
the document's text layers), then, for every redaction whose leak has text, checks it against the
page as a reader sees it.  Renders of the page (grey, 3x):

* ``A`` the page as shown;
* ``B`` the page without any text (every glyph removed, drawings and images kept): where ``A`` and
  ``B`` differ inside a glyph's box, the glyph puts ink on the page as shown;
* ``C`` the page without the box (its vector paths removed, or its annotation deleted): where ``A``
  and ``C`` are the same inside a glyph's box, the box does not paint over the glyph.

Failure classes (each failure is ``(class, page, box, detail)``):

* ``no_parts``          a text leak without ``leak.parts`` (a reader cannot check it part by part);
* ``parts_text``        the parts' texts together are not the leak's text;
* ``part_outside_box``  a part's bbox is not inside the box;
* ``letter_not_under_part`` a letter of a part's text has no glyph of that letter (of the layer the
  leak was read from: live text, or the invisible OCR layer) whose centre lies in the part;
* ``visible_letter``    a leaked glyph a reader sees: live text that shows ink (A != B) where the
  box changes nothing (A == C); OCR-layer text over which the box changes nothing (the scan shows
  the word in the clear) or, for a box burned into a scan (``raster``, nothing to remove), whose
  core is not mostly dark on the page as shown;
* ``part_not_painted``  the box changes nothing anywhere in a part that holds leaked letters;
* ``part_not_opaque``   a part of an ``image_under_box`` leak read by OCR does not show one colour
  on the page as shown (the image's words shine through: they are visible, not recovered).

``visible_letter`` and ``part_not_painted`` do not apply to ``annotation_not_applied``: a Redact
annotation never applied marks text that viewers may well show, and the text still being there is
the leak.

Letters of an ``image_under_box`` leak read by OCR (no glyph in the file) are checked part by part
(inside the box, painted by it), not letter by letter.  Evaluation code, not part of the runtime
package.
"""
from __future__ import annotations

import os
import sys
from collections import Counter

import numpy as np
import pymupdf

from redactlens import geometry as g
from redactlens.page import PageModel
from redactlens.render import render_gray

ZOOM = 3
#: grey levels a pixel must change by to count (anti-aliasing at glyph edges changes a few levels)
DIFF = 48
#: pixels of a glyph's box that must change for the glyph to count as inked / as covered
MIN_PIXELS = 3
#: a part's bbox may stand this far (pt) outside the box's (rounding of both)
TOL = 1.0
#: a glyph under a box burned into a scan shows mostly dark pixels in its core
RASTER_DARK = 0.5
#: a box painted over a page image hides it when this share of its core shows one grey level
OPAQUE = 0.95
TEXT_KINDS = ("text_under_box", "annotation_not_applied", "ocr_layer", "image_under_box")


def _render(doc, pno: int) -> np.ndarray:
    return render_gray(doc[pno], zoom=ZOOM).pixels.astype(np.int16)


def _without(data: bytes, pno: int, rects, *, text: bool, annots: list | None = None,
             images: bool = False) -> np.ndarray:
    doc = pymupdf.open(stream=data, filetype="pdf")
    page = doc[pno]
    if annots:
        for a in list(page.annots() or []):
            if any(g.iou(tuple(a.rect), tuple(r)) > 0.9 for r in annots):
                page.delete_annot(a)
    if rects:
        for r in rects:
            page.add_redact_annot(pymupdf.Rect(r), fill=False, cross_out=False)
        page.apply_redactions(images=1 if images else 0, graphics=0 if text else 2, text=0 if text else 1)
    return _render(doc, pno)


def _core(box, shape) -> tuple[int, int, int, int] | None:
    x0, y0, x1, y1 = (int(round(v * ZOOM)) for v in box)
    w, h = x1 - x0, y1 - y0
    x0, y0, x1, y1 = max(0, x0 + w // 6), max(0, y0 + h // 6), min(shape[1], x1 - w // 6), min(shape[0], y1 - h // 6)
    return (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else None


def _changed(a: np.ndarray, b: np.ndarray, box) -> int:
    k = _core(box, a.shape)
    if k is None:
        return 0
    x0, y0, x1, y1 = k
    return int((np.abs(a[y0:y1, x0:x1] - b[y0:y1, x0:x1]) > DIFF).sum())


def _dark(a: np.ndarray, box) -> float:
    k = _core(box, a.shape)
    if k is None:
        return 1.0
    x0, y0, x1, y1 = k
    return float((a[y0:y1, x0:x1] < 128).mean())


def _uniform(a: np.ndarray, box) -> float:
    """Share of the core of ``box`` whose grey level is within :data:`DIFF` of its median (a box
    painted over an image shows one colour; words of the image shining through do not)."""
    k = _core(box, a.shape)
    if k is None:
        return 1.0
    x0, y0, x1, y1 = k
    crop = a[y0:y1, x0:x1]
    return float((np.abs(crop - np.median(crop)) <= DIFF).mean())


def _inside(inner, outer, tol=TOL) -> bool:
    return (inner[0] >= outer[0] - tol and inner[1] >= outer[1] - tol
            and inner[2] <= outer[2] + tol and inner[3] <= outer[3] + tol)


def _centre_in(ch, box) -> bool:
    cx, cy = (ch.bbox[0] + ch.bbox[2]) / 2, (ch.bbox[1] + ch.bbox[3]) / 2
    return box[0] - 0.5 <= cx <= box[2] + 0.5 and box[1] - 0.5 <= cy <= box[3] + 0.5


def _letters(s: str) -> str:
    return "".join(s.split())


def _removed(data, doc, pno, r, page):
    """Render C of one redaction (None for a box burned into a scan: nothing to remove)."""
    if r.method == "annotation":
        return _without(data, pno, [], text=False, annots=[g.from_display(tuple(r.bbox), page)])
    if r.method in ("vector", "image"):
        rects = [p["bbox"] for p in r.leak.parts] or [r.bbox]
        return _without(data, pno, [g.from_display(tuple(b), page) for b in rects], text=False,
                        images=r.method == "image")
    return None


def check_report(path: str, rep) -> list[tuple]:
    """Every failure of the leaks of ``rep`` (the report of ``path``), see the module docstring."""
    data = open(path, "rb").read()
    doc = pymupdf.open(stream=data, filetype="pdf")
    bad: list[tuple] = []
    by_page: dict[int, list] = {}
    for r in rep.redactions:
        if r.leak is not None and r.leak.how in TEXT_KINDS and _letters(r.leak.text):
            by_page.setdefault(r.page, []).append(r)
    for pno1, reds in sorted(by_page.items()):
        pno = pno1 - 1
        page = doc[pno]
        pm = PageModel(page, pno1)
        a = _render(doc, pno)
        b = _without(data, pno, [g.from_display(pm.box, page)], text=True)
        for r in reds:
            box, lk = tuple(r.bbox), r.leak
            where = (pno1, g.rounded(box))
            if not lk.parts:
                if lk.how != "image_under_box":
                    bad.append(("no_parts", *where, lk.how))
                continue
            if Counter(_letters("".join(p["text"] for p in lk.parts))) != Counter(_letters(lk.text)):
                bad.append(("parts_text", *where, f"{lk.text[:40]!r} vs parts"))
            c = _removed(data, doc, pno, r, page)
            invisible_layer = lk.how in ("ocr_layer", "image_under_box")
            for p in lk.parts:
                pb = tuple(p["bbox"])
                if not _inside(pb, box):
                    bad.append(("part_outside_box", *where, pb))
                if (c is not None and lk.how != "annotation_not_applied"
                        and _changed(a, c, (pb[0] - 1, pb[1] - 1, pb[2] + 1, pb[3] + 1)) < MIN_PIXELS):
                    bad.append(("part_not_painted", *where, pb))
                pool = [ch for ch in pm.chars if ch.c.strip() and _centre_in(ch, pb)
                        and ch.invisible == invisible_layer]
                if lk.how == "image_under_box" and not pool:
                    # read by OCR from the image: checked part by part only, the box must hide it
                    if _uniform(a, pb) < OPAQUE:
                        bad.append(("part_not_opaque", *where, pb))
                    continue
                free = list(pool)
                for letter in _letters(p["text"]):
                    ch = next((x for x in free if x.c == letter), None)
                    if ch is None:
                        bad.append(("letter_not_under_part", *where, letter))
                        continue
                    free.remove(ch)
                    # a Redact annotation never applied marks text a viewer may well show: that
                    # the text is still there is the leak, whether or not it shows
                    if lk.how != "annotation_not_applied" and _visible(ch, a, b, c):
                        bad.append(("visible_letter", *where, letter))
    return bad


def _visible(ch, a, b, c) -> bool:
    if not ch.invisible:
        inked = _changed(a, b, ch.bbox) >= MIN_PIXELS
        return inked and c is not None and _changed(a, c, ch.bbox) < MIN_PIXELS
    if c is None:                      # burned into the scan: the glyph's place must be dark
        return _dark(a, ch.bbox) < RASTER_DARK
    return _changed(a, c, ch.bbox) < MIN_PIXELS


def check_file(path: str) -> list[tuple]:
    import redactlens
    return check_report(path, redactlens.scan(path))


def visible_leak_glyphs(path: str) -> list[tuple]:
    """(page, box, char) of every leaked glyph a reader sees on the page as shown."""
    return [(p, bx, d) for cls, p, bx, d in check_file(path) if cls == "visible_letter"]


def main(argv: list[str]) -> int:
    files = []
    for p in argv:
        files += [os.path.join(p, n) for n in sorted(os.listdir(p)) if n.endswith(".pdf")] if os.path.isdir(p) else [p]
    total = Counter()
    for fn in files:
        bad = check_file(fn)
        total.update(cls for cls, *_ in bad)
        print(f"{os.path.basename(fn)[:60]:60s} failures: {len(bad)} {bad[:6] if bad else ''}", flush=True)
    print(f"ALL: {sum(total.values())} failures in {len(files)} files {dict(total)}")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

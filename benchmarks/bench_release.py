"""Deterministic generator of a realistic public-records release for the benchmarks.

``make_release(folder, pages, seed=..., mix=...)`` writes documents of 1-12 pages until the release
has ``pages`` pages, and returns a manifest (documents, pages per kind).  Page kinds:

* ``form``      -- a call/incident form: label/value rows; values withheld with black boxes (some
  labelled ``(b)(6)`` in white), a few boxes drawn over live text (leaks), Redact annotations
  (some never applied), text masks (``XXXXXX``, ``█████``, ``[REDACTED]``); a dark header bar
  with white text (a negative control);
* ``table``     -- a ruled table with a shaded header row, cells withheld with boxes;
* ``narrative`` -- paragraphs of running text with word- and line-sized boxes, white Square
  annotations pasted over text, an occasional whole-paragraph box;
* ``scan``      -- a scanned page: one greyscale JPEG image covering the page, black bars burned
  into the pixels, no text layer.

The same seed writes the same bytes.  Run as a script: ``python3 benchmarks/bench_release.py OUT N``.
"""
from __future__ import annotations

import functools
import json
import os
import random
import sys

import pymupdf

FONT, BOLD = "helv", "hebo"
W, H = 612, 792
LEFT = 72
WORDS = ("the unit responded to a call from the residence and spoke with the reporting party who stated "
         "that a vehicle had been parked near the driveway for several days officer contacted the "
         "registered owner by phone and advised them of the complaint no further action was taken "
         "dispatch logged the call at the station and the sergeant reviewed the report before release "
         "witness described a male in a dark jacket walking toward the park at approximately").split()
NAMES = ["Mauro Perez", "Ann Lee", "Tom Reyes", "Rosa Diaz", "Ken Wu", "Ida Moss", "Lou Park", "Eva Stone",
         "Sam Ortiz", "Joy Nash", "Ray Cole", "Amy Tran", "Owen Pritchard", "Lena Brooks"]
LABELS = ["Incident #", "Date", "Time", "Nature", "Location", "Caller", "Phone", "DOB", "Suspect", "Vehicle",
          "Plate", "Officer", "Unit", "Disposition", "Witness", "Address"]
MASKS = ["XXXXXXXX", "\u2588\u2588\u2588\u2588\u2588\u2588", "[REDACTED]", "********"]
DEFAULT_MIX = {"form": 0.35, "table": 0.2, "narrative": 0.3, "scan": 0.15}


@functools.lru_cache(maxsize=None)
def _len(text: str, size: float = 10, font: str = FONT) -> float:
    return pymupdf.get_text_length(text, fontname=font, fontsize=size)


class Canvas:
    """Page content drawn through one Shape (one content-stream write per page, in paint order),
    then annotations.  ``page.insert_text``/``draw_rect`` would commit a Shape per call."""

    def __init__(self, page):
        self.page, self.shape, self.annots = page, page.new_shape(), []

    def insert_text(self, point, text, fontname=FONT, fontsize=10, color=(0, 0, 0)):
        self.shape.insert_text(point, text, fontname=fontname, fontsize=fontsize, color=color)

    def draw_rect(self, rect, color=None, fill=None, width=0):
        self.shape.draw_rect(rect)
        self.shape.finish(color=color, fill=fill, width=width)

    def draw_line(self, p1, p2, color=(0, 0, 0), width=1):
        self.shape.draw_line(p1, p2)
        self.shape.finish(color=color, width=width)

    def add_annot(self, kind, rect, apply=False):
        self.annots.append((kind, rect, apply))

    def close(self):
        self.shape.commit()
        applied = [rect for kind, rect, do_apply in self.annots if kind == "redact" and do_apply]
        for rect in applied:
            self.page.add_redact_annot(rect, fill=(0, 0, 0))
        if applied:   # the text under these is removed for real
            self.page.apply_redactions(images=pymupdf.PDF_REDACT_IMAGE_NONE)
        for kind, rect, do_apply in self.annots:
            if kind == "redact" and not do_apply:   # never applied: the text is still there
                self.page.add_redact_annot(rect, fill=(0, 0, 0)).update()
            elif kind == "square":
                a = self.page.add_rect_annot(rect)
                a.set_colors(stroke=(1, 1, 1), fill=(1, 1, 1))
                a.update()


def _box(page, rect, label=None, color=(0, 0, 0)):
    page.draw_rect(rect, color=color, fill=color, width=0)
    if label:
        page.insert_text((rect.x0 + 2, rect.y1 - 3), label, fontname=FONT, fontsize=7, color=(1, 1, 1))


def _value_text(rng: random.Random, label: str) -> str:
    if label in ("Caller", "Suspect", "Witness", "Officer"):
        return rng.choice(NAMES)
    if label in ("Phone",):
        return f"555-{rng.randrange(100, 999)}-{rng.randrange(1000, 9999)}"
    if label in ("DOB", "Date"):
        return f"{rng.randrange(1950, 2010)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
    if label in ("Location", "Address"):
        return f"{rng.randrange(1, 9999)} {rng.choice(['Main St', 'Oak Ave', 'Pine Rd', 'Elm St', 'Bay Dr'])}"
    if label == "Plate":
        return f"{rng.randrange(1, 9)}ABC{rng.randrange(100, 999)}"
    return " ".join(rng.choice(WORDS) for _ in range(rng.randrange(1, 4)))


def _redact_value(rng, page, x, y, value, size=10):
    """Write a value withheld in one of the ways agencies do it."""
    width = max(36.0, _len(value, size) + 4)
    rect = pymupdf.Rect(x - 1, y - size, x - 1 + width, y + 3)
    r = rng.random()
    if r < 0.45:
        _box(page, rect, "(b)(6)" if rng.random() < 0.4 else None)           # box over nothing
    elif r < 0.60:
        page.insert_text((x, y), value, fontname=FONT, fontsize=size)           # box over live text: a leak
        _box(page, rect)
    elif r < 0.72:
        page.insert_text((x, y), value, fontname=FONT, fontsize=size)           # Redact annotation:
        page.add_annot("redact", rect, apply=rng.random() < 0.5)                 # applied, or never (a leak)
    elif r < 0.86:
        page.insert_text((x, y), rng.choice(MASKS), fontname=FONT, fontsize=size)  # text mask
    else:
        page.insert_text((x, y), value, fontname=FONT, fontsize=size)           # white Square annot pasted over
        page.add_annot("square", rect)


def form_page(doc, rng: random.Random, n: int) -> None:
    page = Canvas(doc.new_page(width=W, height=H))
    try:
        _form_page(page, rng, n)
    finally:
        page.close()


def _form_page(page, rng: random.Random, n: int) -> None:
    bar = pymupdf.Rect(LEFT - 6, 40, W - LEFT + 6, 62)
    page.draw_rect(bar, color=(0.15, 0.15, 0.3), fill=(0.15, 0.15, 0.3), width=0)
    page.insert_text((LEFT, 56), f"CALL FOR SERVICE REPORT  No. 24-{n:05d}", fontname=BOLD, fontsize=13,
                     color=(1, 1, 1))
    y = 95
    for label in rng.sample(LABELS, rng.randrange(9, 15)):
        page.insert_text((LEFT, y), label + ":", fontname=BOLD, fontsize=10)
        value = _value_text(rng, label)
        if rng.random() < 0.45:
            _redact_value(rng, page, 190, y, value)
        else:
            page.insert_text((190, y), value, fontname=FONT, fontsize=10)
        page.draw_line((188, y + 4), (W - LEFT, y + 4), color=(0.6, 0.6, 0.6), width=0.5)
        y += 22
    y += 10
    page.insert_text((LEFT, y), "Remarks:", fontname=BOLD, fontsize=10)
    y += 16
    _paragraph(page, rng, y, rng.randrange(5, 10))
    page.insert_text((LEFT, H - 30), f"Released under public records law - page {n}", fontname=FONT, fontsize=8)


def table_page(doc, rng: random.Random, n: int) -> None:
    page = Canvas(doc.new_page(width=W, height=H))
    try:
        _table_page(page, rng, n)
    finally:
        page.close()


def _table_page(page, rng: random.Random, n: int) -> None:
    page.insert_text((LEFT, 60), "DISPATCH LOG", fontname=BOLD, fontsize=14)
    cols = [LEFT, LEFT + 80, LEFT + 190, LEFT + 330, W - LEFT]
    top, row_h = 80, 20
    rows = rng.randrange(12, 28)
    header = pymupdf.Rect(cols[0], top, cols[-1], top + row_h)
    page.draw_rect(header, color=(0.2, 0.2, 0.2), fill=(0.2, 0.2, 0.2), width=0)
    for c, title in zip(cols, ("Time", "Unit", "Caller", "Location")):
        page.insert_text((c + 4, top + 14), title, fontname=BOLD, fontsize=10, color=(1, 1, 1))
    for r in range(1, rows + 1):
        y0 = top + r * row_h
        if r % 2 == 0:
            page.draw_rect(pymupdf.Rect(cols[0], y0, cols[-1], y0 + row_h), color=None, fill=(0.93, 0.93, 0.93))
        vals = [f"{rng.randrange(0, 24):02d}:{rng.randrange(0, 60):02d}", f"{rng.randrange(1, 40)}",
                rng.choice(NAMES), _value_text(rng, "Location")]
        for ci, v in enumerate(vals):
            x = cols[ci] + 4
            if ci >= 2 and rng.random() < 0.4:
                _redact_value(rng, page, x, y0 + 14, v)
            else:
                page.insert_text((x, y0 + 14), v, fontname=FONT, fontsize=10)
    for c in cols:
        page.draw_line((c, top), (c, top + (rows + 1) * row_h), color=(0, 0, 0), width=0.6)
    for r in range(rows + 2):
        page.draw_line((cols[0], top + r * row_h), (cols[-1], top + r * row_h), color=(0, 0, 0), width=0.6)


def _paragraph(page, rng: random.Random, y: float, lines: int, size: float = 10) -> float:
    for _ in range(lines):
        x = LEFT
        words = []
        while True:
            w = rng.choice(WORDS) if rng.random() > 0.08 else rng.choice(NAMES)
            if x + _len(w + " ", size) > W - LEFT:
                break
            words.append((x, w))
            x += _len(w + " ", size)
        page.insert_text((LEFT, y), " ".join(w for _, w in words), fontname=FONT, fontsize=size)
        if rng.random() < 0.25:   # a word withheld
            wx, w = rng.choice(words)
            rect = pymupdf.Rect(wx - 1, y - size, wx + _len(w, size) + 1, y + 3)
            if rng.random() < 0.7:
                _box(page, rect)               # drawn over the live word: a leak
            else:
                page.add_annot("square", rect)
        y += size * 1.35
    return y


def narrative_page(doc, rng: random.Random, n: int) -> None:
    page = Canvas(doc.new_page(width=W, height=H))
    try:
        _narrative_page(page, rng, n)
    finally:
        page.close()


def _narrative_page(page, rng: random.Random, n: int) -> None:
    page.insert_text((LEFT, 60), "NARRATIVE SUPPLEMENT", fontname=BOLD, fontsize=13)
    y = 90
    for _ in range(rng.randrange(3, 6)):
        lines = rng.randrange(4, 9)
        top = y
        y = _paragraph(page, rng, y, lines)
        if rng.random() < 0.12:    # a whole paragraph withheld (labelled)
            _box(page, pymupdf.Rect(LEFT - 2, top - 11, W - LEFT + 2, y - 10), "(b)(7)(C)")
        y += 12
        if y > H - 120:
            break


_SCANS: dict = {}


def _scan_template(k: int) -> bytes:
    """A greyscale JPEG of a form page with black bars burned in (built once per variant)."""
    if k in _SCANS:
        return _SCANS[k]
    rng = random.Random(1000 + k)
    src = pymupdf.open()
    form_page(src, rng, 9000 + k)
    p = src[0]
    p.apply_redactions(images=pymupdf.PDF_REDACT_IMAGE_NONE)
    for a in list(p.annots()):
        p.delete_annot(a)
    for _ in range(rng.randrange(3, 8)):     # bars burned in by the scanner
        x0, y0 = rng.randrange(180, 420), rng.randrange(90, 700)
        p.draw_rect(pymupdf.Rect(x0, y0, x0 + rng.randrange(40, 160), y0 + rng.randrange(10, 30)),
                    color=(0, 0, 0), fill=(0, 0, 0), width=0)
    pix = p.get_pixmap(dpi=150, colorspace=pymupdf.csGRAY)
    _SCANS[k] = pix.tobytes("jpeg", jpg_quality=70)
    src.close()
    return _SCANS[k]


def scan_page(doc, rng: random.Random, n: int) -> None:
    page = doc.new_page(width=W, height=H)
    page.insert_image(page.rect, stream=_scan_template(rng.randrange(8)))


KINDS = {"form": form_page, "table": table_page, "narrative": narrative_page, "scan": scan_page}


def make_release(folder: str, pages: int, seed: int = 8, mix: dict | None = None) -> dict:
    """Write a release of exactly ``pages`` pages into ``folder``; return its manifest.  Reuses a
    folder already written with the same arguments (its ``MANIFEST.json`` says so)."""
    mix = mix or DEFAULT_MIX
    key = {"pages": pages, "seed": seed, "mix": mix, "version": 4}
    man_path = os.path.join(folder, "MANIFEST.json")
    if os.path.exists(man_path):
        with open(man_path) as fh:
            man = json.load(fh)
        if man.get("key") == key:
            return man
    os.makedirs(folder, exist_ok=True)
    for fn in os.listdir(folder):
        if fn.endswith(".pdf") or fn == "MANIFEST.json":
            os.unlink(os.path.join(folder, fn))
    rng = random.Random(seed)
    kinds, weights = list(mix), [mix[k] for k in mix]
    left, d = pages, 0
    man = {"key": key, "documents": [], "pages": 0, "by_kind": {k: 0 for k in KINDS}}
    while left > 0:
        n = min(left, rng.randrange(1, 13))
        doc = pymupdf.open()
        page_kinds = []
        for i in range(n):
            kind = rng.choices(kinds, weights)[0]
            KINDS[kind](doc, rng, man["pages"] + i + 1)
            page_kinds.append(kind)
            man["by_kind"][kind] += 1
        name = f"rec-{d:05d}.pdf"
        doc.set_metadata({"producer": "redactlens bench", "creationDate": "D:20240311000000",
                          "modDate": "D:20240311000000"})
        doc.save(os.path.join(folder, name), garbage=3, deflate=True, no_new_id=True)
        doc.close()
        man["documents"].append({"name": name, "pages": n, "kinds": page_kinds})
        man["pages"] += n
        left -= n
        d += 1
    with open(man_path, "w") as fh:
        json.dump(man, fh, indent=1)
    return man


if __name__ == "__main__":
    out, n = sys.argv[1], int(sys.argv[2])
    m = make_release(out, n)
    print(f"{len(m['documents'])} documents, {m['pages']} pages: {m['by_kind']}")

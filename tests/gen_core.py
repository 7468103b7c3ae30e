"""Deterministic generator of labelled PDFs for the core scan (issue 3).

Every style of redaction, every negative control and every geometry case is drawn with PyMuPDF
on an unrotated Letter page; the truth is recorded in drawing coordinates and mapped to the
displayed page with *hand-written* formulas (not redactlens's own geometry module), after the
page's /Rotate, /CropBox and /MediaBox are edited directly in the PDF objects.

    python tests/gen_core.py OUTDIR      # writes *.pdf and truth.json
"""
from __future__ import annotations

import io
import json
import os
import sys
from dataclasses import asdict, dataclass, field

import pymupdf

W, H = 612.0, 792.0
FONT = "helv"


@dataclass
class Truth:
    page: int
    bbox: list            # displayed-page box
    method: str           # expected method
    style: str = ""
    leak: str | None = None       # exact recoverable text, None when nothing leaks
    leak_how: str | None = None
    label: str | None = None


@dataclass
class Negative:
    page: int
    bbox: list
    kind: str


@dataclass
class Fixture:
    name: str
    truth: list = field(default_factory=list)
    negatives: list = field(default_factory=list)
    rotation: int = 0
    crop: tuple | None = None        # PDF-space CropBox (x0, y0, x1, y1), y up
    media_shift: tuple | None = None  # (dx, dy): MediaBox becomes [dx dy W+dx H+dy]


class Canvas:
    """Draws on an unrotated page and records truth in drawing coordinates (y down)."""

    def __init__(self, page: "pymupdf.Page", pno: int, fx: Fixture):
        self.page, self.pno, self.fx = page, pno, fx
        self.y = 72.0

    # text ---------------------------------------------------------------
    def text(self, x, y, s, size=10, color=(0, 0, 0), font=FONT, render_mode=0):
        self.page.insert_text((x, y), s, fontname=font, fontsize=size, color=color, render_mode=render_mode)
        return x + pymupdf.get_text_length(s, fontname=font, fontsize=size)

    @staticmethod
    def span_box(x, y, s, size=10, font=FONT, pad=1.5):
        w = pymupdf.get_text_length(s, fontname=font, fontsize=size)
        return (x - pad, y - 0.80 * size - pad / 2, x + w + pad, y + 0.25 * size + pad / 2)

    # records ------------------------------------------------------------
    def want(self, box, method, style="", leak=None, leak_how=None, label=None):
        self.fx.truth.append(Truth(self.pno, list(box), method, style, leak,
                                   leak_how or ("text_under_box" if leak else None), label))

    def neg(self, box, kind):
        self.fx.negatives.append(Negative(self.pno, list(box), kind))

    # shapes ---------------------------------------------------------------
    def rect(self, box, fill=(0, 0, 0), color=None, width=0, even_odd=False):
        self.page.draw_rect(pymupdf.Rect(box), color=color, fill=fill, width=width)

    def pattern_rect(self, box, cell=6.0):
        """Fill ``box`` with a tiling pattern of black squares (a checkerboard-like box that does
        not render solid), written as raw PDF operators in a content stream of its own."""
        doc, page = self.page.parent, self.page
        pat = doc.get_new_xref()
        half = cell / 2
        doc.update_object(pat, f"<< /Type /Pattern /PatternType 1 /PaintType 1 /TilingType 1 "
                               f"/BBox [0 0 {cell:g} {cell:g}] /XStep {cell:g} /YStep {cell:g} /Resources << >> >>")
        doc.update_stream(pat, f"0 0 0 rg 0 0 {half:g} {cell:g} re f 0 0 {cell:g} {half:g} re f".encode())
        kind, val = doc.xref_get_key(page.xref, "Resources")
        if kind == "xref":
            doc.xref_set_key(int(val.split()[0]), f"Pattern/P{pat}", f"{pat} 0 R")
        else:
            doc.xref_set_key(page.xref, f"Resources/Pattern/P{pat}", f"{pat} 0 R")
        x0, top, x1, bottom = box
        ops = f"q /Pattern cs /P{pat} scn {x0:g} {H - bottom:g} {x1 - x0:g} {bottom - top:g} re f Q".encode()
        cs = doc.get_new_xref()
        doc.update_object(cs, "<< >>")
        doc.update_stream(cs, ops)
        contents = page.get_contents()
        doc.xref_set_key(page.xref, "Contents", "[" + " ".join(f"{x} 0 R" for x in contents + [cs]) + "]")

    def redact_word(self, x, y, s, fill=(0, 0, 0), leave_text=False, size=10, style="solid"):
        """Write a line fragment, then black it out; returns the box."""
        box = self.span_box(x, y, s, size)
        if leave_text:
            self.text(x, y, s, size)
        self.rect(box, fill=fill)
        self.want(box, "vector", style, leak=s if leave_text else None)
        return box


# ---------------------------------------------------------------------------
# page recipes


def page_vector_styles(cv: Canvas):
    x, y = 72, 90
    cv.text(x, y, "CALL RECORD 2024-118  (vector styles)", 12)
    y += 24
    e = cv.text(x, y, "Suspect Name: ")
    cv.redact_word(e, y, "Mauro Perez")                       # text removed, solid black
    y += 20
    e = cv.text(x, y, "Caller: ")
    cv.redact_word(e, y, "Dana Whitfield", leave_text=True)   # text left under the box
    y += 20
    e = cv.text(x, y, "Address: ")
    cv.redact_word(e, y, "1418 Orchard Lane", fill=(0.1, 0.1, 0.1))       # near-black
    y += 20
    e = cv.text(x, y, "Phone: ")
    cv.redact_word(e, y, "(502) 555-0142", fill=(0.0, 0.0, 0.45))          # navy
    y += 20
    e = cv.text(x, y, "Vehicle: ")
    cv.redact_word(e, y, "KY 4HJ-220", fill=(0.3, 0.3, 0.3), leave_text=True)  # dark grey
    y += 20
    # closed polygon (quad drawn with lines)
    e = cv.text(x, y, "Witness: ")
    b = cv.span_box(e, y, "Leonard Osei")
    cv.page.draw_polyline([(b[0], b[1]), (b[2], b[1]), (b[2], b[3]), (b[0], b[3]), (b[0], b[1])],
                          color=None, fill=(0, 0, 0), closePath=True)
    cv.want(b, "vector", "solid")
    y += 20
    # cluster of three abutting rectangles that form one box
    e = cv.text(x, y, "Victim: ")
    b = cv.span_box(e, y, "Rosalind Achterberg")
    third = (b[2] - b[0]) / 3
    for i in range(3):
        cv.rect((b[0] + i * third, b[1], b[0] + (i + 1) * third, b[3]))
    cv.want(b, "vector", "solid")
    y += 20
    # box over blank space only
    e = cv.text(x, y, "Notes: ")
    b = (e + 4, y - 9, e + 120, y + 3)
    cv.rect(b)
    cv.want(b, "vector", "solid")
    y += 28
    # a narrative paragraph blacked out as abutting line rectangles (one box)
    cv.text(x, y, "Narrative:")
    y += 14
    top = y - 10
    for i in range(3):
        cv.rect((x, top + i * 14, 520 if i < 2 else 460, top + (i + 1) * 14))
    cv.want((x, top, 520, top + 42), "vector", "solid")
    y += 50
    # hatched box (outline + diagonal strokes)
    e = cv.text(x, y, "Informant: ")
    b = cv.span_box(e, y, "Gordon Pike-Ellison", pad=2)
    sh = cv.page.new_shape()
    sh.draw_rect(pymupdf.Rect(b))
    step = 4
    xx = b[0]
    while xx < b[2] + (b[3] - b[1]):
        # 45-degree strokes clipped to the box
        x0, y0 = xx, b[1]
        x1, y1 = xx - (b[3] - b[1]), b[3]
        if x1 < b[0]:
            y1 = b[1] + (xx - b[0])
            x1 = b[0]
        if x0 > b[2]:
            y0 = b[1] + (x0 - b[2])
            x0 = b[2]
        sh.draw_line((x0, y0), (x1, y1))
        xx += step
    sh.finish(color=(0, 0, 0), width=0.8)
    sh.commit()
    cv.want(b, "vector", "hatched")
    y += 24
    # outlined white box with an exemption label inside (FOIA style)
    e = cv.text(x, y, "Agent: ")
    b = (e + 2, y - 10, e + 110, y + 4)
    cv.rect(b, fill=(1, 1, 1), color=(0, 0, 0), width=0.7)
    cv.text(b[0] + 38, y, "(b)(6)", 9)
    cv.want(b, "vector", "outlined-label", label="(b)(6)")
    y += 22
    # black box with a white label
    e = cv.text(x, y, "Officer: ")
    b = (e + 2, y - 10, e + 120, y + 4)
    cv.rect(b)
    cv.text(b[0] + 30, y, "(b)(7)(C)", 9, color=(1, 1, 1))
    cv.want(b, "vector", "solid", label="(b)(7)(C)")
    y += 22
    # white box painted over live text (white-out)
    e = cv.text(x, y, "DOB: ")
    cv.text(e, y, "03/14/1987")
    b = cv.span_box(e, y, "03/14/1987")
    cv.rect(b, fill=(1, 1, 1))
    cv.want(b, "vector", "white-cover", leak="03/14/1987")
    y += 22
    # a marker-style bar: one thick black stroke
    e = cv.text(x, y, "Employer: ")
    b = cv.span_box(e, y, "Northgate Salvage LLC")
    mid = (b[1] + b[3]) / 2
    cv.page.draw_line((b[0], mid), (b[2], mid), color=(0, 0, 0), width=b[3] - b[1])
    cv.want(b, "vector", "stroke")
    y += 22
    # a box filled with a tiling pattern, drawn over live text (does not render solid)
    e = cv.text(x, y, "Contact: ")
    cv.text(e, y, "Ines Barros")
    b = cv.span_box(e, y, "Ines Barros")
    cv.pattern_rect(b)
    cv.want(b, "vector", "pattern", leak="Ines Barros")
    y += 22
    # a grey box with an outline and a label, drawn over live text
    e = cv.text(x, y, "Witness: ")
    cv.text(e + 3, y, "Olga Brandt")
    b = (e + 2, y - 10, e + 110, y + 4)
    cv.rect(b, fill=(0.7, 0.7, 0.7), color=(0, 0, 0), width=0.7)
    cv.text(b[0] + 38, y, "(b)(6)", 9)
    cv.want(b, "vector", "outlined-label", leak="Olga Brandt", label="(b)(6)")
    y += 22
    # a grey box without an outline carrying a label (text removed)
    e = cv.text(x, y, "Source: ")
    b = (e + 2, y - 10, e + 110, y + 4)
    cv.rect(b, fill=(0.55, 0.55, 0.55))
    cv.text(b[0] + 30, y, "(b)(7)(D)", 9)
    cv.want(b, "vector", "label-box", label="(b)(7)(D)")


def pattern_page(cv: Canvas):
    """Pattern-filled boxes on a page that is rotated and cropped by its fixture."""
    x, y = 150, 220
    e = cv.text(x, y, "Suspect: ")
    b = cv.span_box(e, y, "Tomas Wierzba")
    cv.pattern_rect(b)
    cv.want(b, "vector", "pattern")
    y += 40
    e = cv.text(x, y, "Address: ")
    cv.text(e, y, "77 Quarry Road")
    b = cv.span_box(e, y, "77 Quarry Road")
    cv.pattern_rect(b)
    cv.want(b, "vector", "pattern", leak="77 Quarry Road")


def page_annotations(cv: Canvas):
    x, y = 72, 90
    cv.text(x, y, "INCIDENT SUPPLEMENT (annotation styles)", 12)
    y += 26
    e = cv.text(x, y, "Reporting party: ")
    cv.text(e, y, "Harriet Quon")
    b = cv.span_box(e, y, "Harriet Quon")
    a = cv.page.add_redact_annot(pymupdf.Rect(b), fill=(0, 0, 0))
    cv.want(b, "annotation", "redact-annotation", leak="Harriet Quon", leak_how="annotation_not_applied")
    y += 22
    e = cv.text(x, y, "Contact: ")
    b = cv.span_box(e, y, "quon.h@example.org")
    a = cv.page.add_rect_annot(pymupdf.Rect(b))
    a.set_colors(stroke=(0, 0, 0), fill=(0, 0, 0))
    a.update()
    cv.want(b, "annotation", "solid")
    y += 22
    e = cv.text(x, y, "Badge: ")
    cv.text(e, y, "4471-B")
    b = cv.span_box(e, y, "4471-B")
    a = cv.page.add_rect_annot(pymupdf.Rect(b))
    a.set_colors(stroke=(1, 1, 1), fill=(1, 1, 1))
    a.update()
    cv.want(b, "annotation", "white-cover", leak="4471-B")
    y += 26
    e = cv.text(x, y, "Signature: ")
    pts = [[(e + 4 + i * 6, y - 6 + (i % 2) * 8) for i in range(14)]]
    a = cv.page.add_ink_annot(pts)
    a.set_border(width=6)
    a.set_colors(stroke=(0, 0, 0))
    a.update()
    r = a.rect
    cv.want((r.x0, r.y0, r.x1, r.y1), "annotation", "ink")
    y += 30
    # negative: a highlight annotation on ordinary text
    s = "This sentence is highlighted, not redacted."
    cv.text(x, y, s)
    hb = cv.span_box(x, y, s)
    cv.page.add_highlight_annot(pymupdf.Rect(hb))
    cv.neg(hb, "highlight annotation")


def page_text_masks(cv: Canvas):
    x, y = 72, 90
    cv.text(x, y, "TRANSCRIPT (mask characters in the text layer)", 12)
    y += 26
    for lead, mask in [("Name: ", "XXXXXXXX"), ("SSN: ", "*********"), ("Location: ", "[REDACTED]"),
                       ("Plate: ", "REDACTED")]:
        e = cv.text(x, y, lead)
        cv.text(e, y, mask)
        w = pymupdf.get_text_length(mask, fontname=FONT, fontsize=10)
        cv.want((e, y - 9, e + w, y + 2.5), "text", "mask-text")
        y += 20
    # block glyphs: written with MuPDF's built-in fallback font, which has U+2588
    e = cv.text(x, y, "Witness: ")
    blocks = "\u2588" * 8
    font = pymupdf.Font("cjk")
    tw = pymupdf.TextWriter(cv.page.rect)
    tw.append((e, y), blocks, font=font, fontsize=10)
    tw.write_text(cv.page)
    cv.want((e, y - 9, e + font.text_length(blocks, fontsize=10), y + 2.5), "text", "mask-text")
    y += 26
    # negatives: prose mentioning redaction, and a court-filing title
    s = "The agency redacted the records before release."
    cv.text(x, y, s)
    y += 18
    s2 = "PUBLIC REDACTED VERSION"
    cv.text(x, y, s2)
    cv.neg(cv.span_box(x, y, s2), "title with the word REDACTED")


def page_image_box(cv: Canvas):
    x, y = 72, 90
    cv.text(x, y, "PROPERTY FORM (image box)", 12)
    y += 26
    e = cv.text(x, y, "Owner: ")
    b = cv.span_box(e, y, "Miguel Arroyo-Santos")
    from PIL import Image
    buf = io.BytesIO()
    Image.new("L", (60, 10), 5).save(buf, format="PNG")
    cv.page.insert_image(pymupdf.Rect(b), stream=buf.getvalue(), keep_proportion=False)
    cv.want(b, "image", "solid")
    y += 30
    # negative: a small photo-like image (not uniform) and a logo image
    import numpy as np
    rng = np.random.default_rng(7)
    arr = (rng.random((40, 60)) * 255).astype("uint8")
    buf = io.BytesIO()
    Image.fromarray(arr, "L").save(buf, format="PNG")
    pb = (x, y, x + 90, y + 60)
    cv.page.insert_image(pymupdf.Rect(pb), stream=buf.getvalue())
    cv.neg(pb, "photo image")


def page_negatives(cv: Canvas):
    x, y = 72, 72
    # page border drawn as one even-odd path of two nested rectangles
    sh = cv.page.new_shape()
    sh.draw_rect(pymupdf.Rect(20, 20, W - 20, H - 20))
    sh.draw_rect(pymupdf.Rect(24, 24, W - 24, H - 24))
    sh.finish(fill=(0, 0, 0), color=None, even_odd=True)
    sh.commit()
    cv.neg((20, 20, W - 20, H - 20), "page border (even-odd frame)")
    # table header bar carrying white text
    hb = (x, y, 540, y + 16)
    cv.rect(hb, fill=(0.05, 0.05, 0.05))
    cv.text(x + 6, y + 12, "PERSONS ASSOCIATED", 10, color=(1, 1, 1))
    cv.neg(hb, "header bar with white text")
    y += 30
    # header row of dark cells, one of them empty
    xs = [72, 200, 300, 420, 540]
    for i, (a, b) in enumerate(zip(xs, xs[1:])):
        cv.rect((a, y, b - 1, y + 16), fill=(0.15, 0.15, 0.3))
        if i != 3:
            cv.text(a + 4, y + 12, ["Name", "DOB", "Phone"][i], 10, color=(1, 1, 1))
        cv.neg((a, y, b - 1, y + 16), "header row cell")
    y += 16
    # shaded table cells (light grey with black text; dark grey with white text)
    for r in range(3):
        fill = (0.85, 0.85, 0.85) if r % 2 == 0 else (0.3, 0.3, 0.3)
        col = (0, 0, 0) if r % 2 == 0 else (1, 1, 1)
        cv.rect((72, y, 539, y + 16), fill=fill)
        cv.text(76, y + 12, f"Row {r + 1}   Jane Roe   01/02/1990   555-0100", 10, color=col)
        cv.neg((72, y, 539, y + 16), "shaded table cell")
        y += 16
    y += 20
    # horizontal rules and underlines
    cv.rect((72, y, 540, y + 0.7))
    cv.rect((72, y + 10, 540, y + 12))
    cv.neg((72, y, 540, y + 12), "rules")
    y += 30
    s = "Underlined heading"
    e = cv.text(x, y, s, 11)
    cv.rect((x, y + 2, e, y + 3.2))
    cv.neg((x, y + 2, e, y + 3.2), "underline")
    y += 26
    # checkboxes, one checked (filled), one empty
    for i, filled in enumerate([True, False]):
        bx = (x + i * 80, y - 8, x + i * 80 + 8, y)
        cv.rect(bx, fill=(0, 0, 0) if filled else None, color=(0, 0, 0), width=0.8)
        cv.text(bx[2] + 4, y, "Yes" if i == 0 else "No")
        cv.neg(bx, "checkbox")
    y += 30
    # logo: filled circle and a star polygon
    cv.page.draw_circle((x + 20, y + 20), 18, color=None, fill=(0.05, 0.05, 0.2))
    cv.neg((x + 2, y + 2, x + 38, y + 38), "logo circle")
    import math
    pts = []
    for k in range(10):
        rr = 18 if k % 2 == 0 else 7
        a = math.pi / 2 + k * math.pi / 5
        pts.append((x + 80 + rr * math.cos(a), y + 20 - rr * math.sin(a)))
    cv.page.draw_polyline(pts + [pts[0]], color=None, fill=(0, 0, 0), closePath=True)
    cv.neg((x + 62, y + 2, x + 98, y + 38), "logo star")
    y += 60
    # vertical bar chart with an axis
    base = y + 80
    for i, hgt in enumerate([30, 55, 42, 70, 25]):
        bx = (x + 20 + i * 30, base - hgt, x + 38 + i * 30, base)
        cv.rect(bx, fill=(0.1, 0.1, 0.35))
        cv.neg(bx, "bar chart bar")
    cv.rect((x + 10, base, x + 180, base + 0.8))
    cv.text(x + 20, base + 12, "2019  2020  2021  2022  2023", 8)
    y = base + 30
    cv.text(x, y, "End of negative controls.", 10)


def geometry_page(cv: Canvas):
    """Two boxes (one over live text) placed well inside any crop used below."""
    x, y = 150, 200
    cv.text(x, y, "GEOMETRY CASE", 12)
    y += 30
    e = cv.text(x, y, "Name: ")
    cv.redact_word(e, y, "Ines Batista", leave_text=True)
    y += 40
    e = cv.text(x, y, "Address: ")
    cv.redact_word(e, y, "77 Harbor Road")


# ---------------------------------------------------------------------------
# document assembly


def _display(box, fx: Fixture):
    """Map a drawing-space box to the displayed page, by hand (independent of redactlens)."""
    x0, y0, x1, y1 = box
    if fx.media_shift:
        dx, dy = fx.media_shift
        # content stays at its PDF coordinates; the page origin moves to (dx, H + dy)
        x0, x1 = x0 - dx, x1 - dx
        y0, y1 = y0 + dy, y1 + dy
    cw, ch = W, H
    if fx.crop:
        cx0, cy0, cx1, cy1 = fx.crop
        x0, x1 = x0 - cx0, x1 - cx0
        y0, y1 = y0 - (H - cy1), y1 - (H - cy1)
        cw, ch = cx1 - cx0, cy1 - cy0
    r = fx.rotation
    if r == 90:
        x0, y0, x1, y1 = ch - y1, x0, ch - y0, x1
    elif r == 180:
        x0, y0, x1, y1 = cw - x1, ch - y1, cw - x0, ch - y0
    elif r == 270:
        x0, y0, x1, y1 = y0, cw - x1, y1, cw - x0
    return [round(v, 2) for v in (x0, y0, x1, y1)]


def build(fx: Fixture, recipes, outdir: str) -> str:
    doc = pymupdf.open()
    for i, recipe in enumerate(recipes, 1):
        page = doc.new_page(width=W, height=H)
        recipe(Canvas(page, i, fx))
    for page in doc:
        xref = page.xref
        if fx.media_shift:
            dx, dy = fx.media_shift
            doc.xref_set_key(xref, "MediaBox", f"[{dx} {dy} {W + dx} {H + dy}]")
        if fx.crop:
            doc.xref_set_key(xref, "CropBox", "[%g %g %g %g]" % fx.crop)
        if fx.rotation:
            doc.xref_set_key(xref, "Rotate", str(fx.rotation))
    for t in fx.truth:
        t.bbox = _display(t.bbox, fx)
    for n in fx.negatives:
        n.bbox = _display(n.bbox, fx)
    doc.set_metadata({"producer": "redactlens test generator", "creationDate": "D:20240101000000Z",
                      "modDate": "D:20240101000000Z"})
    path = os.path.join(outdir, fx.name + ".pdf")
    doc.save(path, garbage=3, deflate=True, no_new_id=True)
    return path


def build_all(outdir: str) -> dict:
    """Write every fixture into ``outdir``; return ``{file name: {truth, negatives}}`` (also
    saved as ``truth.json``)."""
    os.makedirs(outdir, exist_ok=True)
    specs = [
        (Fixture("styles"), [page_vector_styles, page_annotations, page_text_masks, page_image_box]),
        (Fixture("negatives"), [page_negatives]),
        (Fixture("rot90", rotation=90), [geometry_page]),
        (Fixture("rot180", rotation=180), [geometry_page]),
        (Fixture("rot270", rotation=270), [geometry_page]),
        (Fixture("cropbox", crop=(100, 150, 500, 650)), [geometry_page]),
        (Fixture("mediabox-origin", media_shift=(40, -60)), [geometry_page]),
        (Fixture("crop-rot90", rotation=90, crop=(100, 150, 500, 650)), [geometry_page]),
        (Fixture("pattern-crop-rot270", rotation=270, crop=(100, 150, 500, 650)), [pattern_page]),
    ]
    index = {}
    for fx, recipes in specs:
        build(fx, recipes, outdir)
        index[fx.name + ".pdf"] = {"truth": [asdict(t) for t in fx.truth],
                                   "negatives": [asdict(n) for n in fx.negatives],
                                   "rotation": fx.rotation}
    with open(os.path.join(outdir, "truth.json"), "w") as fh:
        json.dump(index, fh, indent=1)
    return index


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "tests/_generated/core"
    idx = build_all(out)
    print(f"wrote {len(idx)} fixtures to {out}")

"""Deterministic fixtures for exactly what a box hides (issue 18), one page per class:

* ``hatched``  cross-hatched bars over 12 consecutive lines (the hatch rows touch), ragged: each
  line's text beside its bar is printed in the clear and is no part of the leak;
* ``overlay``  covers with text laid over them: a white cover with a typed correction on top, a black
  box with white text on top, a white cover with a printed label, a white Square annotation; the
  leak is only the text painted over, the rest is the box's overlay or label;
* ``filler``   a tiny date layer under 8 boxes of different widths (no box leaks it: one document
  finding) and, as the control, one name under 3 equal boxes (each box leaks it);
* ``columns``  mask runs in adjacent table columns (``(XXX) XXX-XXXX`` then ``XXXXXXX``), far apart
  and 0.7 em apart: one box per cell;
* ``masked``   value-shaped masks in sentences with ``*``, ``#``, ``_``, ``X``: dates, SSN, phone,
  account, fully or partly masked (the masked part is the box); blank form fields are not masks.

Each is written on an unrotated page, on a ``/Rotate 90`` page and on a cropped ``/Rotate 270`` page
(:func:`gen_core.build` maps the truth to the displayed page by hand).  ``Truth.style`` holds the
class.

    python tests/gen_leaks.py OUTDIR [--score]
"""
from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict

import pymupdf

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_core import FONT, Canvas, Fixture, build  # noqa: E402

SIZE = 10.0
CLASSES = ("hatched", "hatched-clipped", "fill-clipped", "overlay", "filler", "filler-control", "filler-scan", "stamp", "columns", "masked", "masked-any")


def _w(s: str, size: float = SIZE) -> float:
    return pymupdf.get_text_length(s, fontname=FONT, fontsize=size)


def _glyphs(x: float, base: float, s: str, size: float = SIZE):
    """The box of a run of helv glyphs as the page model reports it (MuPDF's text trace: 0.8 of the
    size above the baseline, 0.2 below; drawing space)."""
    return (x, base - 0.8 * size, x + _w(s, size), base + 0.2 * size)


def _hatch(page, box, step=3.0, width=0.6):
    """A cross-hatch of black diagonals clipped to ``box`` (one path)."""
    x0, y0, x1, y1 = box
    sh = page.new_shape()
    c = y0 - x1
    while c <= y1 - x0:                       # y = x + c
        a, b = max(x0, y0 - c), min(x1, y1 - c)
        if b - a > 3:
            sh.draw_line((a, a + c), (b, b + c))
        c += step
    c = y0 + x0
    while c <= y1 + x1:                       # y = -x + c
        a, b = max(x0, c - y1), min(x1, c - y0)
        if b - a > 3:
            sh.draw_line((a, c - a), (b, c - b))
        c += step
    sh.finish(color=(0, 0, 0), width=width)
    sh.commit()


HATCH_LINES = [
    ("Agent Miller met the source", "at the diner on Route 9."), ("near the old depot", "and then drove north."),
    ("on March 4 with two", "witnesses present."), ("informant CS-1147", "who had asked"),
    ("for payment of $2,500", "in cash."), ("The vehicle, a grey", "sedan, was"),
    ("registered to Dana K. Ortiz", "of Elm Street."), ("Ortiz", "was not interviewed."),
    ("Surveillance resumed at 0900", "on the 6th."), ("under file 44-B-2231", "by order."),
    ("Report by SA J. Reyes", "filed later."), ("and SA T. Brooks", "reviewed it."),
]


def page_hatched(cv: Canvas):
    x, base, lead = 116.0, 180.0, 14.0
    rows, covered = [], []
    for k, (hid, clear) in enumerate(HATCH_LINES):
        b = base + k * lead
        cv.text(x, b, hid)
        end = x + _w(hid)
        cv.text(end + 8, b, clear)                       # beside the bar: in the clear
        rows.append((x - 1, b - 10.5, end + 1.5, b + 3.5))  # 14 pt rows: each touches the next
        covered.append(hid)
    for r, hid in zip(rows, covered):
        _hatch(cv.page, r)                       # one path per hatched line, as a tool draws them
        cv.want(r, "vector", "hatched", leak=hid)   # ragged: one box per line (the rule of fills)
    # a hatched block over a paragraph, one path across 3 lines of one width: one box
    b = base + len(HATCH_LINES) * lead + 30
    lines = ("Confidential source Nora", "Pike reported the sale", "of 40 rifles in June.")
    for k, t in enumerate(lines):
        cv.text(x, b + k * lead, t)
    block = (x - 1, b - 10.5, x + max(_w(t) for t in lines) + 1.5, b + 2 * lead + 3.5)
    _hatch(cv.page, block)
    cv.want(block, "vector", "hatched", leak="\n".join(lines))


def page_overlay(cv: Canvas):
    x = 130.0
    # a white cover over a name, a typed correction laid over it
    b = 190.0
    cv.text(x, b, "Officer:")
    s = "TROOPER J. SMITH"
    cv.text(x + 50, b, s)
    box = (x + 48, b - 11.5, x + 52 + _w(s), b + 4)
    cv.rect(box, fill=(1, 1, 1))
    cv.text(x + 52, b, "TROOPER")
    cv.want(box, "vector", "overlay", leak=s)
    # a white cover over two lines, a typed correction on each line, half a glyph off the text
    # under it (the glyphs of both interleave along the line: "TTRROOOO..." when read together)
    b1, b2 = 205.0, 219.0
    under = ("Sgt. PERRY LANE", "Badge 4471")
    for bb, u in zip((b1, b2), under):
        cv.text(x + 50, bb, u)
    box2 = (x + 48, b1 - 11.5, x + 52 + max(_w(u) for u in under), b2 + 4)
    cv.rect(box2, fill=(1, 1, 1))
    cv.text(x + 53.5, b1, "CORRECTED")
    cv.text(x + 53.5, b2, "N/A")
    cv.want(box2, "vector", "overlay", leak="\n".join(under))
    # a black box over a phone number, white text laid over it
    b = 240.0
    cv.text(x, b, "Phone:")
    s = "555-0142 ext 9"
    cv.text(x + 50, b, s)
    box = (x + 48, b - 11.5, x + 52 + _w(s), b + 4)
    cv.rect(box, fill=(0, 0, 0))
    cv.text(x + 54, b, "WITHHELD PER", color=(1, 1, 1), size=7)
    cv.want(box, "vector", "overlay", leak=s)
    # a white cover with a printed exemption label on it
    b = 290.0
    cv.text(x, b, "Witness:")
    s = "Maria Gonzales"
    cv.text(x + 50, b, s)
    box = (x + 48, b - 11.5, x + 52 + _w(s), b + 4)
    cv.rect(box, fill=(1, 1, 1), color=(0, 0, 0), width=0.5)
    cv.text(x + 54, b, "(b)(6)")
    cv.want(box, "vector", "overlay", leak=s, label="(b)(6)")
    # a white Square annotation over a plate number (annotations are painted above the page)
    b = 340.0
    cv.text(x, b, "Plate:")
    s = "7XKR214"
    cv.text(x + 50, b, s)
    box = (x + 48, b - 11.5, x + 52 + _w(s), b + 4)
    a = cv.page.add_rect_annot(pymupdf.Rect(box))
    a.set_colors(stroke=(0, 0, 0), fill=(1, 1, 1))
    a.update()
    cv.want(box, "annotation", "overlay", leak=s, leak_how="text_under_box")
    # a white cover only 8 pt tall over a 10 pt SSN in a ruled form cell (x-ray's bankruptcy form)
    b = 365.0
    cv.text(x, b, "SSN:")
    s = "123-45-6789"
    cv.text(x + 50, b, s)
    cv.rect((x + 46, b - 12, x + 56 + _w(s) + 20, b + 5), fill=None, color=(0, 0, 0), width=0.5)
    box = (x + 48, b - 7.5, x + 52 + _w(s), b + 0.5)
    cv.rect(box, fill=(1, 1, 1))
    cv.want(box, "vector", "overlay", leak=s)
    # negative: white text under a white fill (white on white: never visible, nothing covered)
    b = 380.0
    cv.text(x, b, "Other (Specify)", color=(1, 1, 1))
    wb = (x - 2, b - 11, x + 90, b + 3)
    cv.rect(wb, fill=(1, 1, 1))
    cv.neg(wb, "white on white")
    # negative: a header bar (white text on black, nothing under it) and a white field background
    b = 400.0
    hb = (x - 2, b - 12, x + 200, b + 4)
    cv.rect(hb, fill=(0, 0, 0))
    cv.text(x, b, "CASE SUMMARY", color=(1, 1, 1))
    cv.neg(hb, "header bar")
    b = 440.0
    fb = (x - 2, b - 12, x + 200, b + 4)
    cv.rect(fb, fill=(1, 1, 1), color=(0.6, 0.6, 0.6), width=0.5)
    cv.text(x, b, "Notes entered on the form")
    cv.neg(fb, "form field background")


#: (hidden, clear beside it) per hatched line; a line of clear text is printed between each two
CLIPPED_LINES = [
    ("Special Agent R. Vance", "interviewed"), ("the witness at 14 Oak Lane", "on the porch."),
    ("Her brother Eli Marsh", "arrived later"), ("with plate KJR-4471", "and left."),
    ("Phone 555-0188", "was given."), ("Account 0044-7781", "at First Bank"),
    ("SSN 123-45-6789", "on the form."), ("born 04/11/1979", "in Toledo."),
    ("employer Acme Tool Co.", "since 2011."), ("case 19-CR-0457", "was opened."),
    ("informant CS-22", "was paid."), ("by SA Ruth Klein", "in person."),
]


def _raw_stream(page, ops: str) -> None:
    """Append raw PDF operators (drawing space, y up) to the page as a content stream of its own,
    painted after everything the page had."""
    doc = page.parent
    xref = doc.get_new_xref()
    doc.update_object(xref, "<< >>")
    doc.update_stream(xref, ops.encode())
    contents = page.get_contents()
    doc.xref_set_key(page.xref, "Contents", "[" + " ".join(f"{x} 0 R" for x in contents + [xref]) + "]")


def page_hatched_clipped(cv: Canvas):
    """One cross-hatch of long diagonals laid over 12 lines and clipped to one rectangle per line
    (a single path: MuPDF reports its strokes unclipped, across all 12 lines); between each two
    hatched lines a line of clear text, beside each hatched rectangle the rest of its line, both in
    the clear.  Each hatched rectangle is a box that leaks exactly its own line's hidden text."""
    x, base, lead = 116.0, 170.0, 26.0
    H = cv.page.rect.height
    rects = []
    for k, (hid, clear) in enumerate(CLIPPED_LINES):
        b = base + k * lead
        cv.text(x, b, hid)
        end = x + _w(hid)
        cv.text(end + 8, b, clear)
        cv.text(x, b + 13, f"(clear line {k + 1} between the hatched lines, in full view)", size=8)
        r = (x - 1, b - 10, end + 1.5, b + 3.5)
        rects.append(r)
        cv.want(r, "vector", "hatched-clipped", leak=hid)
    clip = " ".join(f"{r[0]:g} {H - r[3]:g} {r[2] - r[0]:g} {r[3] - r[1]:g} re" for r in rects)
    top, bot = rects[0][1], rects[-1][3]
    x0, x1 = x - 1, max(r[2] for r in rects)
    lines = []
    c = x0 - (bot - top)
    while c <= x1:                                    # 45-degree strokes across the whole block
        lines.append(f"{c:g} {H - bot:g} m {c + (bot - top):g} {H - top:g} l")
        lines.append(f"{c + (bot - top):g} {H - bot:g} m {c:g} {H - top:g} l")
        c += 3.0
    _raw_stream(cv.page, f"q {clip} W n 0 0 0 RG 0.6 w {' '.join(lines)} S Q")


#: lines of a paragraph under one black fill clipped to rectangles: (text, hidden part or None)
FILL_CLIPPED = [
    ("The informant, Dana Whitfield, met", "The informant, Dana Whitfield,"),
    ("her handler at 14 Oak Lane near", "her handler at 14 Oak Lane"),
    ("the depot; this line is in the clear.", None),
    ("Her phone 555-0188 was logged", "Her phone 555-0188"),
    ("and the meeting ended; in the clear.", None),
    ("Payment of $2,500 went to", "Payment of $2,500"),
    ("account 0044-7781 at First Bank", "account 0044-7781"),
    ("and this last line is in the clear.", None),
]


def page_fill_clipped(cv: Canvas):
    """One black rectangle over a whole paragraph, clipped to one rectangle per withheld line (each
    cut to the withheld words, the rest of the line beside it in the clear); the lines between are
    in the clear.  Touching rectangles of consecutive lines form one box."""
    x, base, lead = 116.0, 190.0, 14.0
    H = cv.page.rect.height
    rects, group = [], []
    for k, (line, hid) in enumerate(FILL_CLIPPED):
        b = base + k * lead
        cv.text(x, b, line)
        if hid is None:
            if group:
                rects.append(group)
                group = []
            continue
        group.append(((x - 1, b - 10.5, x + _w(hid) + 1.5, b + 3.5), hid))
    if group:
        rects.append(group)
    for grp in rects:
        box = (min(r[0] for r, _ in grp), grp[0][0][1], max(r[2] for r, _ in grp), grp[-1][0][3])
        cv.want(box, "vector", "fill-clipped", leak="\n".join(h for _, h in grp))
    flat = [r for grp in rects for r, _ in grp]
    clip = " ".join(f"{r[0]:g} {H - r[3]:g} {r[2] - r[0]:g} {r[3] - r[1]:g} re" for r in flat)
    top, bot = base - 12, base + lead * len(FILL_CLIPPED)
    _raw_stream(cv.page, f"q {clip} W n 0 0 0 rg {x - 2:g} {H - bot:g} 260 {bot - top:g} re f Q")


STAMP = "Case 1:19-cv-04129-JPO Document 41 Filed 03/23/2019 Page 2 of 9"


def page_stamp(cv: Canvas):
    """A court's header stamp printed last, in black, across two black bars: one over nothing at
    the top (the stamp's '03/23/' under it is not what it withholds: no leak), one over a name
    drawn before it (the leak is the name only).  Controls: text shaded in black the common bad
    way (the bar first, the words after it in black, covered word by word, 'Smith,' with its comma
    outside) leaks those words."""
    x, top = 110.0, 160.0          # inside the cropped page's view too
    pre = STAMP[:STAMP.index("03/23/")]
    a = x + _w(pre, 9)
    bar = (a - 0.3, top - 8, a + _w("03/23/", 9) + 0.3, top + 3)
    cv.rect(bar, fill=(0, 0, 0))
    cv.want(bar, "vector", "stamp", leak=None)
    # a bar over a name on the stamp's own line, the name drawn before it
    name = "R. Vance"
    nx = x + _w(STAMP, 9) + 12
    cv.text(nx, top, name, size=9)
    bar2 = (nx - 1, top - 8, nx + _w(name, 9) + 1, top + 3)
    cv.rect(bar2, fill=(0, 0, 0))
    cv.want(bar2, "vector", "stamp", leak=name)
    # shading the common bad way: the bar first, then the line in black over it
    b = 220.0
    lead = "The witness "
    hid = "Maria Smith"
    sx = 116.0 + _w(lead)
    bar3 = (sx - 0.5, b - 9, sx + _w(hid) + 0.5, b + 2.5)
    cv.rect(bar3, fill=(0, 0, 0))
    cv.text(116.0, b, lead + hid + ", of Erie, was heard.")
    cv.want(bar3, "vector", "stamp", leak=hid)
    cv.text(x, top, STAMP, size=9)                    # the stamp, printed after everything


FILLER_WIDTHS = (40, 65, 90, 120, 55, 140, 75, 100)


def page_filler(cv: Canvas):
    x = 120.0
    for k, w in enumerate(FILLER_WIDTHS):
        b = 170.0 + k * 24
        cv.text(x, b, f"Entry {k + 1}:")
        bx = x + 60
        cv.text(bx + 2, b - 4, "03/23/2019", size=3)    # the file's layer: a tiny date
        box = (bx, b - 11, bx + w, b + 3)
        cv.rect(box, fill=(0, 0, 0))
        cv.want(box, "vector", "filler", leak=None)
    name = "Jane Q. Public"
    for k in range(3):
        b = 400.0 + k * 24
        cv.text(x, b, f"Reported by {'' if k else ''}")
        bx = x + 70
        cv.text(bx + 2, b, name)
        box = (bx, b - 11.5, bx + 4 + _w(name), b + 4)
        cv.rect(box, fill=(0, 0, 0))
        cv.want(box, "vector", "filler-control", leak=name)


def page_columns(cv: Canvas):
    for x_dob_gap, top in ((30.0, 180.0), (7.0, 360.0)):
        xn, xp = 116.0, 200.0
        phone = "(XXX) XXX-XXXX"
        xd = xp + _w(phone) + x_dob_gap
        cv.text(xn, top, "Name")
        cv.text(xp, top, "Phone")
        cv.text(xd, top, "DOB")
        for k, name in enumerate(("Ann Lee", "Bo Diaz", "Cy Park", "Di Moss")):
            b = top + 18 * (k + 1)
            cv.text(xn, b, name)
            cv.text(xp, b, phone)
            cv.text(xd, b, "XXXXXXX")
            cv.want(_glyphs(xp, b, phone), "text", "columns")
            cv.want(_glyphs(xd, b, "XXXXXXX"), "text", "columns")


def page_filler_scan(cv: Canvas):
    """A scanned page (one JPEG of the page, black bars burned into its pixels over names and
    numbers) with an invisible OCR layer that holds the page's words and, under each of the 8 bars
    of different widths, the same tiny date: a layer of the file, not what each bar withholds."""
    src = pymupdf.open()
    sp = src.new_page(width=cv.page.rect.width, height=cv.page.rect.height)
    x = 120.0
    values = ("K. Wu", "555-0123", "Luis Ortega", "Dana K. Whitfield", "R. Tanaka", "Ann Marie Collins",
              "19-CR-0457", "Mauro Perez")
    assert all(_w(v) <= w - 4 for v, w in zip(values, FILLER_WIDTHS))   # each value under its bar
    rows = []
    for k, (w, v) in enumerate(zip(FILLER_WIDTHS, values)):
        b = 170.0 + k * 26
        label = f"Item {k + 1}:"
        sp.insert_text((x, b), label, fontname=FONT, fontsize=SIZE)
        cv.text(x, b, label, render_mode=3)
        bx = x + 60
        sp.insert_text((bx + 2, b), v, fontname=FONT, fontsize=SIZE)
        box = (bx, b - 11, bx + w, b + 3)
        sp.draw_rect(pymupdf.Rect(box), color=None, fill=(0, 0, 0))
        rows.append((bx, b, box))
    pix = sp.get_pixmap(dpi=150, colorspace=pymupdf.csGRAY)
    cv.page.insert_image(cv.page.rect, stream=pix.tobytes("jpeg", jpg_quality=85))
    for bx, b, box in rows:
        cv.text(bx + 2, b - 4, "03/23/2019", size=3, render_mode=3)
        cv.want(box, "raster", "filler-scan", leak=None)


#: (before, masked value, after, the masked part that is the box)
MASKED = [
    ("The subject (DOB ", "**/**/****", " ) was interviewed.", "**/**/****"),
    ("SSN ", "***-**-1234", " was on file.", "***-**"),
    ("Call ", "(***) ***-0199", " after noon.", "(***) ***"),
    ("Account ", "####-####-####-5678", " was closed.", "####-####-####"),
    ("Born ", "03/__/19__", " in Ohio.", "__/19__"),
    ("Phone ", "XXX.XXX.4410", " (cell).", "XXX.XXX"),
    ("Seen on ", "12/**/2020", " by staff.", "**"),
    ("Card ", "xxxx xxxx xxxx 0042", " expired.", "xxxx xxxx xxxx"),
]


def page_masked(cv: Canvas):
    x = 116.0
    for k, (pre, val, post, part) in enumerate(MASKED):
        b = 180.0 + 24 * k
        cv.text(x, b, pre + val + post)
        start = x + _w(pre) + _w(val[:val.index(part)])
        cv.want(_glyphs(start, b, part), "text", "masked")
    # negatives: blank form fields and arithmetic
    b = 180.0 + 24 * len(MASKED) + 20
    for s in ("Date: __/__/____", "Total: 2 * 3 = 6 items", "SSN: ___-__-____"):
        cv.text(x, b, s)
        cv.neg((x + 2, b - 10.75, x + _w(s), b + 3), "blank form field")
        b += 24


#: value masks with every mask character, fully and partly masked, in sentences (written in MuPDF's
#: built-in fallback font, which has the bullet and the full block): (before, value, after, box part)
MASKED_ANY = [
    ("Call her at ", "(\u2022\u2022\u2022) \u2022\u2022\u2022-\u2022\u2022\u2022\u2022", " at home.",
     "(\u2022\u2022\u2022) \u2022\u2022\u2022-\u2022\u2022\u2022\u2022"),
    ("The card ", "\u2022\u2022\u2022\u2022-\u2022\u2022\u2022\u2022-4321", " was used.",
     "\u2022\u2022\u2022\u2022-\u2022\u2022\u2022\u2022"),
    ("SSN ", "\u2588\u2588\u2588-\u2588\u2588-\u2588\u2588\u2588\u2588", " on file.",
     "\u2588\u2588\u2588-\u2588\u2588-\u2588\u2588\u2588\u2588"),
    ("Her SSN ", "\u2588\u2588\u2588-\u2588\u2588-6789", " again.", "\u2588\u2588\u2588-\u2588\u2588"),
    ("Born on ", "03/\u2588\u2588/1981", " in Erie.", "\u2588\u2588"),
    ("The subject (DOB ", "##/##/####", " ) arrived.", "##/##/####"),
    ("Witness (DOB ", "XX/XX/1990", ") left.", "XX/XX"),
    ("Account ", "____-____-7781", " was closed.", "____-____"),
    ("Seen (DOB ", "**/**/****", " ) at noon.", "**/**/****"),
]


def page_masked_any(cv: Canvas):
    font = pymupdf.Font("cjk")
    tw = pymupdf.TextWriter(cv.page.rect)
    x = 116.0
    for k, (pre, val, post, part) in enumerate(MASKED_ANY):
        b = 180.0 + 26 * k
        tw.append((x, b), pre + val + post, font=font, fontsize=SIZE)
        start = x + font.text_length(pre + val[:val.index(part)], fontsize=SIZE)
        box = (start, b - 0.8 * SIZE, start + font.text_length(part, fontsize=SIZE), b + 0.2 * SIZE)
        cv.want(box, "text", "masked-any")
    tw.write_text(cv.page)


RECIPES = [page_hatched, page_hatched_clipped, page_fill_clipped, page_overlay, page_filler, page_filler_scan, page_stamp, page_columns, page_masked, page_masked_any]


def page_of(recipe) -> int:
    """The page number a recipe draws in every fixture file."""
    return RECIPES.index(recipe) + 1


def build_all(outdir: str) -> dict:
    os.makedirs(outdir, exist_ok=True)
    index = {}
    for fx in (Fixture("leaks"), Fixture("leaks-rot90", rotation=90),
               Fixture("leaks-crop-rot270", rotation=270, crop=(100, 130, 510, 660))):
        build(fx, RECIPES, outdir)
        index[fx.name + ".pdf"] = {"truth": [asdict(t) for t in fx.truth],
                                   "negatives": [asdict(n) for n in fx.negatives]}
    with open(os.path.join(outdir, "truth.json"), "w") as fh:
        json.dump(index, fh, indent=1)
    return index


def score(outdir: str, index: dict | None = None) -> dict:
    """Per class: leak precision / recall (a leak is right when its text is exactly the truth's),
    box matches, negative controls hit, and text-layer findings."""
    import redactlens
    from redactlens import geometry as g
    index = index or build_all(outdir)
    stats = {c: {"leak_tp": 0, "leak_fp": 0, "leak_fn": 0, "box_tp": 0, "box_fn": 0} for c in CLASSES}
    stats["negatives_hit"] = []
    stats["extra_boxes"] = []          # boxes reported that no truth box matches (exact box count)
    stats["layer_findings"] = 0
    for name, spec in index.items():
        rep = redactlens.scan(os.path.join(outdir, name))
        stats["layer_findings"] += sum(1 for f in rep.findings if f.type == "text_layer")
        used = set()
        for t in spec["truth"]:
            s = stats[t["style"]]
            r = max((r for r in rep.redactions if r.page == t["page"] and id(r) not in used),
                    key=lambda r: g.iou(tuple(r.bbox), tuple(t["bbox"])), default=None)
            if r is None or g.iou(tuple(r.bbox), tuple(t["bbox"])) < 0.5:
                s["box_fn"] += 1
                s["leak_fn"] += bool(t["leak"])
                continue
            used.add(id(r))
            s["box_tp"] += 1
            s["max_edge_err"] = round(max(s.get("max_edge_err", 0.0),
                                          *(abs(a - b) for a, b in zip(r.bbox, t["bbox"]))), 2)
            got = r.leak.text if r.leak and r.leak.how in ("text_under_box", "annotation_not_applied") else None
            if t["leak"] and got == t["leak"]:
                s["leak_tp"] += 1
            else:
                s["leak_fp"] += got is not None
                s["leak_fn"] += bool(t["leak"])
        stats["extra_boxes"] += [(name, r.page, r.bbox) for r in rep.redactions if id(r) not in used]
        for n in spec["negatives"]:
            for r in rep.redactions:
                if r.page == n["page"] and (g.iou(tuple(r.bbox), tuple(n["bbox"])) > 0.1
                                            or g.covered_fraction(tuple(r.bbox), tuple(n["bbox"])) > 0.5):
                    stats["negatives_hit"].append((name, n["kind"], r.bbox))
    return stats


def report(stats: dict) -> str:
    rows = []
    for c in CLASSES:
        s = stats[c]
        p = s["leak_tp"] / (s["leak_tp"] + s["leak_fp"]) if s["leak_tp"] + s["leak_fp"] else 1.0
        r = s["leak_tp"] / (s["leak_tp"] + s["leak_fn"]) if s["leak_tp"] + s["leak_fn"] else 1.0
        rows.append(f"  {c:<15} boxes {s['box_tp']}/{s['box_tp'] + s['box_fn']}  leaks tp={s['leak_tp']} "
                    f"fp={s['leak_fp']} fn={s['leak_fn']}  P={p:.3f} R={r:.3f}  max edge error {s.get('max_edge_err')} pt")
    rows.append(f"  negative controls hit: {len(stats['negatives_hit'])} {stats['negatives_hit'][:4]}")
    rows.append(f"  boxes matching no truth: {len(stats['extra_boxes'])} {stats['extra_boxes'][:4]}")
    rows.append(f"  text_layer findings: {stats['layer_findings']}")
    return "\n".join(rows)


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "tests/_generated/leaks"
    idx = build_all(out)
    print(f"wrote {len(idx)} fixtures to {out}")
    if "--score" in sys.argv:
        print(report(score(out, idx)))

"""Randomised (but seeded, so deterministic) form pages for the core scan: many redactions in
varied colours, fonts, sizes, constructions and page rotations, among negative controls.

Where :mod:`gen_core` draws one example of each style, this generator draws hundreds in random
combinations, so that rules tuned to one drawing show up as misses.  ``build(seed, path)`` writes a
3-page PDF and returns its truth: ``(truth, negatives)`` with displayed-page boxes; a truth item is
``(page, bbox, method, leak_text_or_None, leak_how_or_None)``.
"""
from __future__ import annotations

import random

import pymupdf

FONTS = ["helv", "tiro", "cour"]
DARK = [(0, 0, 0), (0.1, 0.1, 0.1), (0.2, 0.2, 0.22), (0, 0, 0.45), (0.05, 0.05, 0.3), (0.25, 0.25, 0.25)]
WORDS = ("John Smith 1234 Elm Street Springfield 555-0134 officer reported vehicle suspect witness "
         "Maria Lopez 22 Oak Ave 04/17/1984 KY-4471 Ortiz").split()
LABELS = ["Name:", "Address:", "Phone:", "Notes:", "Witness:", "Plate:"]
MODES = ["over", "removed", "removed", "label", "poly", "split", "redact-annot", "square-annot", "mask"]


def _page(doc, rnd: random.Random, pno: int, truth: list, negs: list) -> None:
    p = doc.new_page(width=612, height=792)
    y = 60.0
    font = rnd.choice(FONTS)
    size = rnd.choice([8, 9, 10, 11, 12])
    if rnd.random() < 0.6:  # table header bar carrying white text
        col = rnd.choice(DARK)
        p.draw_rect(pymupdf.Rect(50, y, 560, y + 16), color=None, fill=col)
        p.insert_text((55, y + 12), "Name        Date of Birth        Phone", fontname=font, fontsize=10,
                      color=(1, 1, 1))
        negs.append((pno, [50, y, 560, y + 16], "header bar"))
        y += 30
    if rnd.random() < 0.6:  # shaded cell with text
        p.draw_rect(pymupdf.Rect(50, y, 300, y + 14), color=None, fill=(0.85, 0.85, 0.85))
        p.insert_text((55, y + 11), "Shaded cell text", fontname=font, fontsize=9)
        negs.append((pno, [50, y, 300, y + 14], "shaded cell"))
        y += 24
    for _ in range(rnd.randint(4, 9)):
        label = rnd.choice(LABELS)
        p.insert_text((60, y), label, fontname=font, fontsize=size)
        x = 60 + pymupdf.get_text_length(label + " ", fontname=font, fontsize=size)
        val = " ".join(rnd.sample(WORDS, rnd.randint(1, 3)))
        w = pymupdf.get_text_length(val, fontname=font, fontsize=size)
        mode = rnd.choice(MODES)
        if mode == "label" and w < pymupdf.get_text_length("(b)(6)", fontname="helv", fontsize=6):
            mode = "removed"  # a label must fit inside its box
        col = rnd.choice(DARK)
        box = pymupdf.Rect(x - 1, y - size * 0.85, x + w + 1, y + size * 0.3)
        if mode in ("over", "redact-annot", "square-annot"):
            p.insert_text((x, y), val, fontname=font, fontsize=size)
        if mode == "poly":
            sh = p.new_shape()
            sh.draw_polyline([box.tl, box.tr, box.br, box.bl, box.tl])
            sh.finish(fill=col, color=None, closePath=True)
            sh.commit()
        elif mode == "split":  # two abutting rectangles that form one box
            mid = (box.x0 + box.x1) / 2
            p.draw_rect(pymupdf.Rect(box.x0, box.y0, mid, box.y1), color=None, fill=col)
            p.draw_rect(pymupdf.Rect(mid, box.y0, box.x1, box.y1), color=None, fill=col)
        elif mode == "redact-annot":
            p.add_redact_annot(box, fill=(0, 0, 0))
        elif mode == "square-annot":
            a = p.add_rect_annot(box)
            a.set_colors(stroke=col, fill=col)
            a.update()
        elif mode == "mask":
            mask = rnd.choice(["XXXXXXXX", "[REDACTED]", "*****", "xxxxxxx"])
            p.insert_text((x, y), mask, fontname="helv", fontsize=size)
            mw = pymupdf.get_text_length(mask, fontname="helv", fontsize=size)
            box = pymupdf.Rect(x, y - size, x + mw, y + size * 0.3)
        else:
            p.draw_rect(box, color=None, fill=col)
        if mode == "label":
            fit = min(size, box.height * 0.8, size * w / pymupdf.get_text_length("(b)(6)", fontname="helv", fontsize=size))
            p.insert_text((x + 1, y - 1), "(b)(6)", fontname="helv", fontsize=fit, color=(1, 1, 1))
        method = {"redact-annot": "annotation", "square-annot": "annotation", "mask": "text"}.get(mode, "vector")
        leak = val if mode in ("over", "redact-annot", "square-annot") else None
        how = ("annotation_not_applied" if mode == "redact-annot" else "text_under_box") if leak else None
        truth.append((pno, [box.x0, box.y0, box.x1, box.y1], method, leak, how))
        p.insert_text((x + max(w, box.width) + 8, y), "end.", fontname=font, fontsize=size)
        y += size * 2.2
    p.draw_line((50, y), (560, y), width=rnd.choice([0.5, 1, 2]))
    negs.append((pno, [50, y - 1, 560, y + 1], "rule"))
    y += 12
    for k in range(3):
        r = pymupdf.Rect(60 + k * 30, y, 69 + k * 30, y + 9)
        p.draw_rect(r, color=(0, 0, 0), fill=(0, 0, 0) if k == 1 else None, width=0.8)
        negs.append((pno, list(r), "checkbox"))
    y += 20
    if rnd.random() < 0.5:  # coloured bar chart
        for k, hgt in enumerate([30, 55, 20, 42]):
            r = pymupdf.Rect(320 + k * 22, y + 60 - hgt, 334 + k * 22, y + 60)
            p.draw_rect(r, color=None, fill=(0.1, 0.1, 0.1) if rnd.random() < 0.5 else (0.2, 0.4, 0.8))
            negs.append((pno, list(r), "bar chart bar"))
        y += 70
    if rnd.random() < 0.5:  # page border
        p.draw_rect(pymupdf.Rect(20, 20, 592, 772), color=(0, 0, 0), width=1.5)
    if rnd.random() < 0.5 and y < 650:  # a paragraph withheld in full, text removed
        for k in range(4):
            p.insert_text((60, y + 40 + k * 14), "A sentence of the narrative that stays in the clear.",
                          fontname=font, fontsize=10)
        p.draw_rect(pymupdf.Rect(58, y - 10, 400, y + 24), color=None, fill=(0, 0, 0))
        truth.append((pno, [58, y - 10, 400, y + 24], "vector", None, None))


def build(seed: int, path: str):
    """Write the random document for ``seed`` to ``path``; return ``(truth, negatives)``."""
    rnd = random.Random(seed)
    doc = pymupdf.open()
    truth: list = []
    negs: list = []
    for pno in range(1, 4):
        _page(doc, rnd, pno, truth, negs)
    for page in doc:
        page.set_rotation(rnd.choice([0, 0, 90, 180, 270]))

    def shown(pno, b):
        r = pymupdf.Rect(b) * doc[pno - 1].rotation_matrix
        return [r.x0, r.y0, r.x1, r.y1]

    truth = [(p, shown(p, b), m, leak, how) for p, b, m, leak, how in truth]
    negs = [(p, shown(p, b), k) for p, b, k in negs]
    doc.save(path)
    return truth, negs

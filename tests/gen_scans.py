"""Deterministic generator of labelled *scanned* pages for the raster detector and OCR (issue 5).

Each page is laid out with PyMuPDF (text, form labels, a header bar with white text, shaded cells,
checkboxes, thick rules, a page border), rendered to grey pixels at 150 or 200 dpi, and then
"printed, redacted and scanned" with NumPy/OpenCV: burned-in bars (black and dark grey, single and
stacked), hand-drawn marker strokes, a logo, a signature and a photo are painted into the pixels;
the page is skewed (<= 0.8 degrees), blurred, given noise and JPEG-compressed, and placed as the only
content of a PDF page (optionally with an invisible OCR text layer, render mode 3, that either still
holds the redacted words -- a leak -- or was cleaned).  One page is stored with /Rotate 90.

The truth is recorded in the pixel space of the unskewed render and mapped to the displayed page by
hand-written formulas here (not redactlens's geometry module).

    python tests/gen_scans.py OUTDIR            # writes *.pdf and truth.json
    python tests/gen_scans.py OUTDIR --score    # ... and prints the figures (OCR off, then on)
"""
from __future__ import annotations

import json
import math
import os
import sys

import cv2
import numpy as np
import pymupdf

W, H = 612.0, 792.0
FONT = "helv"
WORDS = ("the of and to in report officer vehicle was observed at approximately hours on street "
         "subject stated that he had been walking north when contact made with unit responding "
         "evidence collected from scene property returned owner case number follow up assigned "
         "detective division witness interview scheduled next week supervisor reviewed").split()
NAMES = ["Mauro Perez", "Dana K. Whitfield", "Luis Ortega Jr.", "Ann Marie Collins", "R. Tanaka"]
FIELDS = [("Suspect Name:", "person_name", NAMES), ("Address:", "address",
          ["1452 W. Division St.", "88 Lake Shore Dr. Apt 4", "2210 N. Clark St."]),
          ("Phone:", "phone", ["(312) 555-0187", "773-555-0142"]),
          ("DOB:", "date_of_birth", ["04/12/1987", "11/30/1979"]),
          ("Plate:", "license_plate", ["IL 7KZ 318", "BV 40223"])]


class Page:
    """One generated scan page: a source render plus the truth in unskewed pixel space."""

    def __init__(self, rng: np.random.Generator, dpi: int):
        self.rng, self.dpi = rng, dpi
        self.k = dpi / 72.0
        self.src = pymupdf.open()
        self.p = self.src.new_page(width=W, height=H)
        self.boxes: list[dict] = []       # truth: {"px": box, "kind", "leak": text, "field"}
        self.negatives: list[dict] = []   # {"px": box, "kind"}
        self.ocr_words: list[tuple] = []  # (x0, baseline, size, text, redacted?) in points
        self.bars_pt: list[tuple] = []    # bars to burn in after rendering (points) + grey value
        self.y = 60.0

    # --- layout in points (PyMuPDF) ---------------------------------------------------------
    def text(self, x, y, s, size=10.0, color=(0, 0, 0), ocr=True):
        self.p.insert_text((x, y), s, fontsize=size, fontname=FONT, color=color)
        if ocr:
            for wx, word in self._word_x(x, s, size):
                self.ocr_words.append([wx, y, size, word, False])
        return x + pymupdf.get_text_length(s, fontname=FONT, fontsize=size)

    def _word_x(self, x, s, size):
        out, pos = [], x
        for part in s.split(" "):
            if part:
                out.append((pos, part))
            pos += pymupdf.get_text_length(part + " ", fontname=FONT, fontsize=size)
        return out

    def redact_words(self, x, y, words: list[str], size, grey, field=None, kind="bar"):
        """Print ``words`` at (x, y) and burn a bar over them later; truth leak = the words."""
        s = " ".join(words)
        x1 = self.text(x, y, s, size)
        for w in self.ocr_words:
            if abs(w[1] - y) < 0.1 and x - 0.1 <= w[0] < x1:
                w[4] = True
        box = (x - 1.5, y - 0.95 * size, x1 + 1.5, y + 0.32 * size)
        self.bars_pt.append((box, grey, kind, s, field))
        return x1

    def border(self):
        self.p.draw_rect(pymupdf.Rect(28, 28, W - 28, H - 28), color=(0, 0, 0), width=2.8)
        self.negatives.append({"pt": (26, 26, W - 26, H - 26), "kind": "border", "frame": True})

    def header_bar(self, title, text_grey=1.0):
        r = pymupdf.Rect(54, self.y, W - 54, self.y + 17)
        self.p.draw_rect(r, color=None, fill=(0.05, 0.05, 0.05))
        self.text(60, self.y + 12.5, title, 11, color=(text_grey,) * 3, ocr=False)
        self.negatives.append({"pt": tuple(r), "kind": "header_bar"})
        self.y += 30

    def thick_rule(self):
        y = self.y
        self.p.draw_line((54, y), (W - 54, y), color=(0, 0, 0), width=4.5)
        self.negatives.append({"pt": (54, y - 2.5, W - 54, y + 2.5), "kind": "thick_rule"})
        self.y += 16

    def shaded_cells(self):
        x = 54
        for label in ("TOTAL  1,234.50", "CODE 7A-221", "DIST 019"):
            r = pymupdf.Rect(x, self.y, x + 150, self.y + 18)
            self.p.draw_rect(r, color=(0, 0, 0), fill=(0.38, 0.38, 0.38), width=0.6)
            self.text(x + 6, self.y + 13, label, 10, ocr=False)
            self.negatives.append({"pt": tuple(r), "kind": "shaded_cell"})
            x += 160
        self.y += 30

    def checkboxes(self):
        x = 54
        self.text(x, self.y + 8, "Arrest made:", 10)
        for filled, lab in ((True, "Yes"), (False, "No"), (True, "Unknown")):
            x += 80
            r = pymupdf.Rect(x, self.y - 1, x + 10, self.y + 9)
            self.p.draw_rect(r, color=(0, 0, 0), fill=(0, 0, 0) if filled else None, width=1)
            self.text(x + 14, self.y + 8, lab, 10)
            self.negatives.append({"pt": (r.x0 - 1, r.y0 - 1, r.x1 + 1, r.y1 + 1), "kind": "checkbox"})
        self.y += 24

    def field_rows(self, n, redact_every=1):
        rng = self.rng
        for i in range(n):
            lab, fld, values = FIELDS[(i + int(rng.integers(0, 5))) % len(FIELDS)]
            val = values[int(rng.integers(0, len(values)))]
            self.text(54, self.y, lab, 10)
            if i % redact_every == 0:
                grey = int(rng.choice([8, 20, 35, 70, 95]))
                self.redact_words(160, self.y, val.split(), 10, grey, field=fld)
            else:
                self.text(160, self.y, val, 10)
            self.y += 18

    def paragraph(self, n_lines, redactions=2, marker=False, stacked=False):
        rng = self.rng
        lines = []
        for _ in range(n_lines):
            lines.append([str(rng.choice(WORDS)) for _ in range(int(rng.integers(11, 14)))])
        # redacted lines are never adjacent: touching bars on neighbouring lines are one blob
        red_lines = set(sorted(rng.choice(np.arange(0, n_lines, 2), size=min(redactions, (n_lines + 1) // 2),
                                          replace=False).tolist()))
        start_y = self.y
        for li, words in enumerate(lines):
            y = self.y
            if li in red_lines:
                a = int(rng.integers(1, 6))
                b = a + int(rng.integers(1, 4))
                x = self.text(54, y, " ".join(words[:a]) + " ", 10)
                kind = "marker" if marker and li == min(red_lines) else "bar"
                x = self.redact_words(x, y, words[a:b], 10, int(rng.choice([5, 25, 45])), kind=kind)
                self.text(x, y, " " + " ".join(words[b:]), 10)
            else:
                self.text(54, y, " ".join(words), 10)
            self.y += 14
        if stacked:
            # two stacked, touching bars of different widths over two whole lines (one box each)
            y0 = self.y
            for j, target in enumerate((400, 170)):   # union well under 85 % filled: two boxes
                words = [str(rng.choice(WORDS)) for _ in range(12)]
                self.text(54, y0 + 14 * j, " ".join(words), 10)
                # the bar ends after the last whole word that fits in the target width
                end = 54.0
                for ow in self.ocr_words:
                    if abs(ow[1] - (y0 + 14 * j)) < 0.1:
                        x_end = ow[0] + pymupdf.get_text_length(ow[3], fontname=FONT, fontsize=10)
                        ow[4] = x_end <= 54 + target
                        if ow[4]:
                            end = max(end, x_end)
                top = y0 + 14 * j - 10.5
                box = (52.0, top, end + 1.5, top + 14.0)
                hidden = " ".join(ow[3] for ow in self.ocr_words if abs(ow[1] - (y0 + 14 * j)) < 0.1 and ow[4])
                self.bars_pt.append((box, 10, "stacked", hidden, None))
            self.y += 30
        return start_y

    def block(self, x0, y0, x1, n_lines):
        """A whole paragraph under one bar (one box); its hidden text is the lines, one per line."""
        rng = self.rng
        lines = []
        for i in range(n_lines):
            words, y = [], y0 + 14 * i
            while True:
                w = str(rng.choice(WORDS))
                if pymupdf.get_text_length(" ".join(words + [w]), fontname=FONT, fontsize=10) > x1 - x0:
                    break
                words.append(w)
            self.text(x0, y, " ".join(words), 10)
            for ow in self.ocr_words:
                if abs(ow[1] - y) < 0.1:
                    ow[4] = True
            lines.append(" ".join(words))
        box = (x0 - 2, y0 - 11, x1 + 2, y0 + 14 * (n_lines - 1) + 4.5)
        self.bars_pt.append((box, 12, "block", "\n".join(lines), None))

    def vertical_bar(self, x0, y0, h, cross=False):
        """A tall narrow bar over blank paper (a signature line redacted sideways): hides nothing.
        With ``cross`` a wider horizontal bar crosses it (two boxes that overlap)."""
        self.bars_pt.append(((x0, y0, x0 + 16, y0 + h), 15, "vertical", "", None))
        if not cross:
            # a thick form rule drawn through the bar and out of it below: not part of the box
            self.p.draw_line((x0 + 4, y0 + 30), (x0 + 4, y0 + h + 45), color=(0, 0, 0), width=5)
            self.negatives.append({"pt": (x0 + 1, y0 + h + 3, x0 + 7, y0 + h + 45), "kind": "thick_rule"})
        if cross:
            self.bars_pt.append(((x0 - 40, y0 + h / 3, x0 + 30, y0 + h / 3 + 12), 15, "cross", "", None))

    def bold_heading(self, y, s="CONFIDENTIAL"):
        self.p.insert_text((54, y), s, fontsize=30, fontname="hebo", color=(0, 0, 0))
        w = pymupdf.get_text_length(s, fontname="hebo", fontsize=30)
        self.negatives.append({"pt": (52, y - 24, 56 + w, y + 4), "kind": "bold_heading"})

    # --- render and paint in pixels ------------------------------------------------------------
    def render(self) -> np.ndarray:
        pix = self.p.get_pixmap(dpi=self.dpi, colorspace=pymupdf.csGRAY, alpha=False)
        img = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.stride)[:, :pix.width].copy()
        return img

    def px(self, box):
        k = self.k
        return (box[0] * k, box[1] * k, box[2] * k, box[3] * k)

    def paint(self, img: np.ndarray) -> None:
        rng = self.rng
        k = self.k
        for box, grey, kind, hidden, fld in self.bars_pt:
            x0, y0, x1, y1 = (int(round(v)) for v in self.px(box))
            if kind == "marker":
                mask = np.zeros_like(img)
                # three overlapping strokes of a felt-tip marker, wobbly ends (round caps kept
                # inside the word box, so that exactly the words under it are covered)
                th = int(round((y1 - y0) / 2.2))
                for s in range(3):
                    yy = y0 + (y1 - y0) * (s + 0.5) / 3
                    pts = []
                    for t in np.linspace(0, 1, 12):
                        pts.append((x0 + th / 2 + t * (x1 - x0 - th) + rng.normal(0, 0.6 * k),
                                    yy + rng.normal(0, 0.5 * k)))
                    cv2.polylines(mask, [np.int32(pts)], False, 255, th, cv2.LINE_AA)
                img[mask > 128] = np.minimum(img[mask > 128], grey + 10)
                ys, xs = np.nonzero(mask > 128)
                pxbox = (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1)
            else:
                img[y0:y1, x0:x1] = grey
                pxbox = (x0, y0, x1, y1)
            self.boxes.append({"px": pxbox, "kind": kind, "leak": hidden, "field": fld})
        for n in self.negatives:
            n["px"] = self.px(n["pt"])

    def logo(self, img, cx_pt, cy_pt):
        k = self.k
        cx, cy, r = int(cx_pt * k), int(cy_pt * k), int(26 * k)
        cv2.circle(img, (cx, cy), r, 15, -1, cv2.LINE_AA)
        cv2.circle(img, (cx, cy), int(r * 0.78), 240, max(1, int(1.2 * k)), cv2.LINE_AA)
        cv2.putText(img, "CPD", (cx - int(17 * k), cy + int(5 * k)), cv2.FONT_HERSHEY_SIMPLEX,
                    0.55 * k / 2.08 * 2, 245, max(1, int(1.3 * k)), cv2.LINE_AA)
        self.negatives.append({"px": (cx - r, cy - r, cx + r, cy + r), "kind": "logo"})

    def square_logo(self, img, x_pt, y_pt):
        """A dark square seal with light lettering."""
        k = self.k
        x0, y0, n = int(x_pt * k), int(y_pt * k), int(40 * k)
        img[y0:y0 + n, x0:x0 + n] = 25
        cv2.putText(img, "FBI", (x0 + int(4 * k), y0 + int(26 * k)), cv2.FONT_HERSHEY_SIMPLEX,
                    0.6 * k / 2.08 * 2, 235, max(1, int(1.4 * k)), cv2.LINE_AA)
        self.negatives.append({"px": (x0, y0, x0 + n, y0 + n), "kind": "logo"})

    def signature(self, img, x_pt, y_pt):
        k = self.k
        rng = self.rng
        pts = []
        for t in np.linspace(0, 1, 80):
            pts.append((x_pt * k + t * 150 * k, y_pt * k + 9 * k * math.sin(t * 23 + rng.normal(0, 0.2))
                        + 6 * k * math.sin(t * 5)))
        cv2.polylines(img, [np.int32(pts)], False, 20, max(2, int(1.4 * k)), cv2.LINE_AA)
        cv2.line(img, (int(x_pt * k), int((y_pt + 14) * k)), (int((x_pt + 160) * k), int((y_pt + 12) * k)), 25,
                 max(2, int(1.2 * k)), cv2.LINE_AA)
        self.negatives.append({"px": ((x_pt - 2) * k, (y_pt - 18) * k, (x_pt + 162) * k, (y_pt + 18) * k),
                               "kind": "signature"})

    def photo(self, img, x_pt, y_pt):
        k = self.k
        w, h = int(110 * k), int(82 * k)
        noise = self.rng.normal(0, 1, (h // 8 + 2, w // 8 + 2)).astype(np.float32)
        tone = cv2.resize(noise, (w, h), interpolation=cv2.INTER_CUBIC)
        tone = (tone - tone.min()) / (np.ptp(tone) + 1e-6) * 215 + 20
        # a dark silhouette in the middle (a head and shoulders)
        cv2.ellipse(tone, (w // 2, int(h * 0.4)), (int(w * 0.13), int(h * 0.2)), 0, 0, 360, 22, -1)
        cv2.ellipse(tone, (w // 2, h), (int(w * 0.3), int(h * 0.3)), 0, 180, 360, 30, -1)
        x0, y0 = int(x_pt * k), int(y_pt * k)
        img[y0:y0 + h, x0:x0 + w] = tone.astype(np.uint8)
        self.negatives.append({"px": (x0, y0, x0 + w, y0 + h), "kind": "photo"})


def degrade(img: np.ndarray, rng, angle: float, quality: int, noise: float):
    """Skew (about the image centre), blur, noise, JPEG.  Returns (jpeg bytes, 2x3 skew matrix)."""
    h, w = img.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    out = cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
    out = cv2.GaussianBlur(out, (3, 3), 0.6)
    out = np.clip(out.astype(np.float32) + rng.normal(0, noise, out.shape), 0, 255).astype(np.uint8)
    ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return buf.tobytes(), m


def skew_box(b, m) -> tuple:
    xs, ys = [], []
    for x, y in ((b[0], b[1]), (b[2], b[1]), (b[2], b[3]), (b[0], b[3])):
        xs.append(m[0, 0] * x + m[0, 1] * y + m[0, 2])
        ys.append(m[1, 0] * x + m[1, 1] * y + m[1, 2])
    return (min(xs), min(ys), max(xs), max(ys))


def skew_pt(x, y, m):
    return (m[0, 0] * x + m[0, 1] * y + m[0, 2], m[1, 0] * x + m[1, 1] * y + m[1, 2])


def build_page(rng, dpi, variant: int) -> tuple[Page, np.ndarray]:
    pg = Page(rng, dpi)
    if variant % 2 == 0:
        pg.border()
    pg.text(54, pg.y, "CHICAGO POLICE DEPARTMENT - CASE SUPPLEMENTARY REPORT", 13)
    pg.y += 26
    pg.header_bar("SECTION 1 - SUBJECT INFORMATION")
    pg.field_rows(4)
    pg.y += 6
    pg.checkboxes()
    pg.thick_rule()
    pg.header_bar("SECTION 2 - NARRATIVE", text_grey=0.72 if variant % 3 == 0 else 1.0)
    pg.paragraph(8, redactions=3, marker=variant % 3 != 2, stacked=variant % 2 == 1)
    pg.y += 8
    pg.shaded_cells()
    pg.paragraph(4, redactions=1)
    if variant % 2 == 1:
        pg.block(54, 575, 300, 4)
        pg.vertical_bar(540, 560, 110, cross=variant % 4 == 1)
    pg.bold_heading(735)
    img = pg.render()
    pg.paint(img)
    pg.logo(img, W - 95, 58 if variant % 2 else 60)
    pg.signature(img, 330, min(pg.y + 40, 700))
    if variant % 2 == 0:
        pg.photo(img, 380, min(pg.y + 70, 640))
    pg.square_logo(img, 480, 690)
    return pg, img


CONFIGS = [
    # name, dpi, skew (deg), jpeg quality, noise sigma, ocr layer ("dirty", "clean", None), rotate
    ("scan150-a", 150, 0.0, 80, 6.0, None, 0),
    ("scan150-b", 150, 0.6, 60, 10.0, "dirty", 0),
    ("scan150-c", 150, -0.8, 70, 8.0, "clean", 0),
    ("scan200-a", 200, 0.3, 75, 8.0, "dirty", 0),
    ("scan200-b", 200, -0.5, 55, 12.0, None, 0),
    ("scan200-c", 200, 0.8, 85, 5.0, None, 0),
    ("scan150-rot90", 150, 0.4, 70, 8.0, None, 90),
    ("scan200-d", 200, -0.2, 65, 9.0, "dirty", 0),
    ("scan300-rot270", 300, 0.5, 70, 8.0, None, 270),
    ("scan150-e", 150, -0.4, 50, 14.0, "clean", 0),
]


def build_all(outdir: str, configs=CONFIGS) -> dict:
    os.makedirs(outdir, exist_ok=True)
    index = {}
    for ci, (name, dpi, angle, q, noise, ocr, rot) in enumerate(configs):
        rng = np.random.default_rng(1000 + ci)
        pg, img = build_page(rng, dpi, ci)
        jpeg, m = degrade(img, rng, angle, q, noise)
        k = pg.k
        doc = pymupdf.open()
        if rot in (90, 270):
            # landscape MediaBox with /Rotate 90 or 270: displayed portrait.  The image is placed
            # rotated so that it shows upright on the displayed page.
            page = doc.new_page(width=H, height=W)
            page.set_rotation(rot)
            page.insert_image(pymupdf.Rect(0, 0, H, W), stream=jpeg, rotate=rot)
        else:
            page = doc.new_page(width=W, height=H)
            page.insert_image(page.rect, stream=jpeg)
        truth, negs, leaks = [], [], []
        for b in pg.boxes:
            d = skew_box(b["px"], m)
            box = [round(v / k, 2) for v in d]
            truth.append({"page": 1, "bbox": box, "kind": b["kind"], "field": b["field"],
                          "leak": b["leak"] if ocr == "dirty" else None})
        for n in pg.negatives:
            d = skew_box(n["px"], m)
            negs.append({"page": 1, "bbox": [round(v / k, 2) for v in d], "kind": n["kind"],
                         "frame": n.get("frame", False)})
        if ocr:
            redacted = {id(w) for w in pg.ocr_words if w[4]}
            for w in pg.ocr_words:
                if ocr == "clean" and id(w) in redacted:
                    continue
                x, y = skew_pt(w[0] * k, w[1] * k, m)
                page.insert_text((x / k, y / k), w[3] + " ", fontsize=w[2], fontname=FONT, render_mode=3)
        fn = f"{name}.pdf"
        doc.save(os.path.join(outdir, fn), garbage=3, deflate=True)
        index[fn] = {"dpi": dpi, "skew": angle, "jpeg": q, "ocr_layer": ocr, "rotate": rot,
                     "truth": truth, "negatives": negs}
    with open(os.path.join(outdir, "truth.json"), "w") as fh:
        json.dump(index, fh, indent=1)
    return index


def build_outlined(outdir: str, dpi: int = 200) -> dict:
    """An image-only page (no OCR layer) whose redactions are empty white boxes with a thin outline
    and an exemption label in the right margin (the CIA style), plus an empty outlined form field
    without a label (not a redaction).  Only OCR can read the labels.  Returns its truth."""
    rng = np.random.default_rng(77)
    pg = Page(rng, dpi)
    p = pg.p
    p.insert_text((54, 60), "INTELLIGENCE SUMMARY - DISTRIBUTION LIMITED", fontsize=13, fontname=FONT)
    truth, negs = [], []
    y = 100.0
    for i, (lab, code) in enumerate([("Source:", "(b)(6)"), ("Case officer:", "(b)(7)(C)"),
                                     ("Location:", "(b)(6)")]):
        p.insert_text((54, y), lab, fontsize=11, fontname=FONT)
        r = pymupdf.Rect(150, y - 11, 150 + 140 + 30 * i, y + 4)
        p.draw_rect(r, color=(0, 0, 0), width=0.8)
        p.insert_text((500, y), code, fontsize=11, fontname=FONT)
        truth.append({"page": 1, "bbox": [r.x0 - 0.4, r.y0 - 0.4, r.x1 + 0.4, r.y1 + 0.4], "label": code})
        y += 34
    for _ in range(6):
        p.insert_text((54, y), " ".join(str(rng.choice(WORDS)) for _ in range(12)), fontsize=11, fontname=FONT)
        y += 16
    y += 20
    p.insert_text((54, y), "Signature of reviewing officer:", fontsize=11, fontname=FONT)
    r = pymupdf.Rect(230, y - 12, 420, y + 6)
    p.draw_rect(r, color=(0, 0, 0), width=0.8)
    negs.append({"page": 1, "bbox": [r.x0, r.y0, r.x1, r.y1], "kind": "empty_form_field"})
    img = pg.render()
    jpeg, _m = degrade(img, rng, 0.0, 80, 5.0)
    doc = pymupdf.open()
    page = doc.new_page(width=W, height=H)
    page.insert_image(page.rect, stream=jpeg)
    fn = "scan-outlined.pdf"
    doc.save(os.path.join(outdir, fn))
    return {"file": fn, "truth": truth, "negatives": negs}


def build_outlined_cases(outdir: str, rotate: int = 0, dpi: int = 150) -> dict:
    """A scanned page with an invisible OCR layer (the CIA bulletin's case) whose redactions are thin
    grey outlines: a box crossed by a release banner (the banner's white ground knocks out the
    outline's corner), two outlines that touch (a box on a text line sitting on a box below it),
    labelled boxes, and two boxes without a label drawn and placed like the labelled ones (one inside
    a text line, one aligned with the text below it).  Negative: an outlined form field of the same
    style after a prompt ("Signature ...:"), without a label.  ``rotate`` 90 stores the page
    sideways under /Rotate 90.  Returns its truth (boxes in the displayed page)."""
    rng = np.random.default_rng(91 + rotate)
    pg = Page(rng, dpi)
    p = pg.p
    grey, width = (0.45, 0.45, 0.45), 0.6
    truth, negs = [], []

    def box(r, label=None, kind="outlined"):
        p.draw_rect(r, color=grey, width=width)
        (truth if kind == "outlined" else negs).append(
            {"page": 1, "bbox": [r.x0 - 0.3, r.y0 - 0.3, r.x1 + 0.3, r.y1 + 0.3], "kind": kind, "label": label})

    def words(n):
        return " ".join(str(rng.choice(WORDS)) for _ in range(n))

    # header: a labelled box crossed by the release banner (printed on a white ground)
    pg.text(72, 66, "TOP SECRET", size=16)
    box(pymupdf.Rect(360, 40, 462, 74), "(b)(1)")
    pg.text(548, 62, "(b)(1)")
    ban = "Approved for Release: 2019/03/14 C03175207"
    bx = 392 - pymupdf.get_text_length(ban, fontname=FONT, fontsize=9)
    p.draw_rect(pymupdf.Rect(bx - 1, 36, 393, 48), color=None, fill=(1, 1, 1))
    pg.text(bx, 46, ban, size=9)
    y = 110.0
    for _ in range(3):
        pg.text(72, y, words(11))
        y += 14
    # an unlabelled box inside a text line
    x = pg.text(72, y, "be the major celebration of the year.")
    box(pymupdf.Rect(x + 4, y - 10, x + 150, y + 3))
    pg.text(x + 154, y, "the " + words(3))
    y += 14
    for _ in range(2):
        pg.text(72, y, words(11))
        y += 14
    # touching outlines: a box ending a text line sits on a paragraph box below it
    x = pg.text(72, y, "motors and other electrical equipment.")
    box(pymupdf.Rect(x + 6, y - 10, 520, y + 3), "(b)(3)")
    pg.text(526, y, "(b)(3)")
    box(pymupdf.Rect(72, y + 3, 540, y + 70), "(b)(6)")
    pg.text(548, y + 40, "(b)(6)")
    y += 100
    # a labelled box beside an indented block, and an unlabelled one aligned with that block
    box(pymupdf.Rect(72, y - 10, 190, y + 50), "(b)(7)(C)")
    box(pymupdf.Rect(200, y - 10, 540, y + 6))
    for i in range(4):
        pg.text(200, y + 18 + 14 * i, words(8))
    pg.text(548, y + 40, "(b)(7)(C)")
    y += 90
    for _ in range(2):
        pg.text(72, y, words(11))
        y += 14
    y += 20
    # negative: an outlined form field of the same style after its prompt, no label
    x = pg.text(72, y, "Signature of reviewing officer:")
    box(pymupdf.Rect(x + 20, y - 12, x + 200, y + 6), kind="empty_form_field")
    return _save_scan(pg, rng, rotate, os.path.join(outdir, f"scan-outlined-cases-r{rotate}.pdf"), truth, negs)


def build_outlined_form(outdir: str, rotate: int = 0, dpi: int = 150) -> dict:
    """Negative control for unlabelled outlines: a scanned form (OCR layer) with one labelled
    outlined redaction and four empty fields of the same style, each under its prompt and aligned
    with the text column.  Only the labelled box is a redaction (a form has more empty fields than
    labelled boxes)."""
    rng = np.random.default_rng(191 + rotate)
    pg = Page(rng, dpi)
    p = pg.p
    grey, width = (0.45, 0.45, 0.45), 0.6
    truth, negs = [], []
    pg.text(72, 70, "REQUEST FOR RECORDS - FORM 12", size=14)
    y = 110.0
    x = pg.text(72, y, "Requester reference:")
    r = pymupdf.Rect(x + 6, y - 10, x + 160, y + 3)
    p.draw_rect(r, color=grey, width=width)
    pg.text(548, y, "(b)(6)")
    truth.append({"page": 1, "bbox": [r.x0 - 0.3, r.y0 - 0.3, r.x1 + 0.3, r.y1 + 0.3], "kind": "outlined"})
    y += 40
    for prompt in ("Name of requester", "Mailing address", "Records requested", "Date of request"):
        pg.text(72, y, prompt)
        r = pymupdf.Rect(72, y + 6, 420, y + 24)
        p.draw_rect(r, color=grey, width=width)
        negs.append({"page": 1, "bbox": [r.x0, r.y0, r.x1, r.y1], "kind": "empty_form_field"})
        pg.text(72, y + 40, " ".join(str(rng.choice(WORDS)) for _ in range(9)))
        y += 70
    return _save_scan(pg, rng, rotate, os.path.join(outdir, f"scan-outlined-form-r{rotate}.pdf"), truth, negs)


def _save_scan(pg, rng, rotate: int, path: str, truth: list, negs: list) -> dict:
    """Render ``pg`` as a lightly degraded JPEG scan, place it upright on a page with /Rotate
    ``rotate``, add its invisible OCR layer and save it; the index entry of the file."""
    jpeg, _m = degrade(pg.render(), rng, 0.0, 85, 3.0)
    doc = pymupdf.open()
    if rotate:
        page = doc.new_page(width=H, height=W)
        page.set_rotation(rotate)
        page.insert_image(pymupdf.Rect(0, 0, H, W), stream=jpeg, rotate=rotate)
    else:
        page = doc.new_page(width=W, height=H)
        page.insert_image(page.rect, stream=jpeg)
    for w in pg.ocr_words:
        # an OCR layer of a sideways scan is written in the stored (unrotated) page, turned with it
        page.insert_text(pymupdf.Point(w[0], w[1]) * page.derotation_matrix, w[3] + " ", fontsize=w[2],
                         fontname=FONT, render_mode=3, rotate=rotate)
    doc.save(path, garbage=3, deflate=True)
    return {"file": os.path.basename(path), "truth": truth, "negatives": negs}


def score(outdir: str, index: dict) -> None:
    """Scan the generated files with OCR off and on and print the issue-5 figures."""
    import time

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    import redactlens
    from redactlens import geometry as geo
    from redactlens import ocr
    from redactlens.settings import Settings
    from scoring import Score, leak_recovered, match_boxes

    for mode in ("off", "auto"):
        if mode == "auto" and not ocr.available():
            print("OCR: tesseract not found, skipped")
            continue
        settings = Settings(ocr=mode)
        total, cov, n, neg, leak_ok, leak_n, fld_ok, fld_n = Score(), 0, 0, 0, 0, 0, 0, 0
        t0 = time.time()
        reps = {fn: redactlens.scan(os.path.join(outdir, fn), settings=settings) for fn in index}
        dt = time.time() - t0
        for fn, spec in index.items():
            reds = reps[fn].redactions
            total.add(match_boxes([(r.page, r.bbox) for r in reds], [(t["page"], t["bbox"]) for t in spec["truth"]]))
            for t in spec["truth"]:
                n += 1
                parts = [geo.intersection(tuple(t["bbox"]), tuple(r.bbox)) for r in reds]
                cov += geo.union_area([p for p in parts if p]) / geo.area(tuple(t["bbox"])) >= 0.7
                if t["leak"]:
                    leak_n += 1
                    leak_ok += leak_recovered([r for r in reds if r.leak and r.leak.how == "ocr_layer"],
                                              t["page"], t["bbox"], t["leak"])
                if t["field"]:
                    fld_n += 1
                    hit = [r for r in reds if geo.iou(tuple(r.bbox), tuple(t["bbox"])) >= 0.5]
                    fld_ok += bool(hit) and hit[0].field == t["field"]
            for ng in spec["negatives"]:
                nb = tuple(ng["bbox"])
                for r in reds:
                    rb = tuple(r.bbox)
                    if ng["frame"]:
                        hit = (geo.covered_fraction(rb, nb) > 0.9 and not any(geo.iou(rb, tuple(t["bbox"])) >= 0.3
                                                                            for t in spec["truth"])
                               and min(rb[0] - nb[0], nb[2] - rb[2], rb[1] - nb[1], nb[3] - rb[3]) < 8)
                    else:
                        hit = geo.inter_area(rb, nb) > 0.3 * min(geo.area(rb), geo.area(nb))
                    neg += hit
        pages = sum(r.pages for r in reps.values())
        print(f"OCR {mode}: raster {total.row()}  coverage recall {cov}/{n} = {cov / n:.3f}  negatives hit {neg}  "
              f"ocr_layer leaks {leak_ok}/{leak_n}  fields {fld_ok}/{fld_n} = {fld_ok / max(fld_n, 1):.3f}  "
              f"{pages} pages in {dt:.2f} s = {pages / dt:.1f} pages/s (one process)")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    out = args[0] if args else "scans-out"
    idx = build_all(out)
    print(f"wrote {len(idx)} files to {out}")
    if "--score" in sys.argv:
        score(out, idx)

"""Scanned pages whose exemption codes are written in the margin level with each bar (FBI/DOJ
style: "b7C", "b6, b7C", "(b)(7)(D)" by hand or typed beside the line), read only by OCR.

``build_margin_scan(path, rotate, seed)`` writes a one-page image-only PDF (no text layer): a typed
memo (Courier) with black bars burned into the image, codes printed in the right margin level with
most bars in a script-like, slanted, noisy hand (OpenCV's Hershey script face, sheared), and
look-alike negatives:

* a bar with no code anywhere near its line (must get no exemption);
* a body sentence citing "Rule 12(b)(6)" and "5 U.S.C. 552(b)(6)" in prose (never an exemption);
* a margin note that is not a code ("see p. 4").

``rotate`` 90 stores the scan sideways under /Rotate 90 (displayed upright).  Returns the truth:
``[{"bbox" (displayed page, points), "codes" (normalised), "case"}]``.
"""
from __future__ import annotations

import cv2
import numpy as np
import pymupdf

W, H = 612.0, 792.0
DPI = 200
FONT, SIZE = "cour", 10.5

#: (code written in the margin, its normalised citations); None: a bar with no code
CODES = [("b6", ["5 USC 552(b)(6)"]),
         ("b6, b7C", ["5 USC 552(b)(6)", "5 USC 552(b)(7)(C)"]),
         ("(b)(7)(D)", ["5 USC 552(b)(7)(D)"]),
         ("b7C", ["5 USC 552(b)(7)(C)"]),
         ("b7E", ["5 USC 552(b)(7)(E)"])]

BODY = ("On the date above the reporting agent met with the source at the field office and "
        "discussed the matter under investigation in some detail with the case agent present "
        "while the subject was described as cooperative and the interview lasted two hours").split()


def _hand(img, text, x_pt, y_pt, rng, k):
    """Write ``text`` with its baseline at (x_pt, y_pt) in a sheared, jittered script face."""
    scale = 1.25 * k / (200 / 72.0)     # about 11 pt tall letters
    th = 2
    (tw, tht), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SCRIPT_SIMPLEX, scale, th)
    pad = 12
    tile = np.full((tht + base + 2 * pad, tw + 2 * pad), 255, np.uint8)
    cv2.putText(tile, text, (pad, pad + tht), cv2.FONT_HERSHEY_SCRIPT_SIMPLEX, scale, 25, th, cv2.LINE_AA)
    shear = float(rng.uniform(0.12, 0.28))           # a right-leaning hand
    angle = float(rng.uniform(-2.5, 2.5))
    h, w = tile.shape
    m = np.float32([[1, -shear, shear * h], [0, 1, 0]])
    tile = cv2.warpAffine(tile, m, (int(w + shear * h), h), borderValue=255)
    rot = cv2.getRotationMatrix2D((tile.shape[1] / 2, tile.shape[0] / 2), angle, 1.0)
    tile = cv2.warpAffine(tile, rot, (tile.shape[1], tile.shape[0]), borderValue=255)
    x0, y0 = int(x_pt * k) - pad, int(y_pt * k) - pad - tht
    hh, ww = tile.shape
    hh, ww = min(hh, img.shape[0] - y0), min(ww, img.shape[1] - x0)
    region = img[y0:y0 + hh, x0:x0 + ww]
    np.minimum(region, tile[:hh, :ww], out=region)


def build_margin_scan(path: str, rotate: int = 0, seed: int = 0, typed: bool = False) -> list[dict]:
    rng = np.random.default_rng(900 + seed + rotate)
    src = pymupdf.open()
    p = src.new_page(width=W, height=H)
    k = DPI / 72.0

    def text(x, y, s):
        p.insert_text((x, y), s, fontsize=SIZE, fontname=FONT)
        return x + pymupdf.get_text_length(s, fontname=FONT, fontsize=SIZE)

    text(72, 60, "FEDERAL BUREAU OF INVESTIGATION")
    text(72, 76, "FD-302 (Rev. 5-8-10)")
    text(400, 60, "Date of entry 03/14/2012")
    truth: list[dict] = []
    bars: list[tuple] = []
    margins: list[tuple] = []
    y = 120.0
    plan = [0, 1, None, 2, "prose", 3, "note", 4, "stack"]
    words = list(BODY)
    for step in plan:
        for _line in range(2):          # two lines of body text between bars
            s = " ".join(words[:9])
            words = words[9:] + words[:9]
            text(72, y, s)
            y += 15
        y += 8
        if step == "prose":             # statutes and court rules cited in prose: no exemption
            text(72, y, "The motion was dismissed under Rule 12(b)(6) and the request")
            y += 15
            text(72, y, "was answered under 5 U.S.C. 552(b)(6) in the usual manner.")
            y += 23
            continue
        if step == "note":              # a margin note that names no exemption
            text(72, y, "Further details of the meeting are in the notes.")
            margins.append(("see p. 4", 520.0, y))
            y += 23
            continue
        if step == "stack":             # a bar over three lines, two codes stacked beside it
            r = (72.0, y - SIZE, 72.0 + float(rng.uniform(300, 380)), y + 2 * 15 + 0.35 * SIZE)
            bars.append(r)
            margins.append(("b6", 520.0, y + 4))
            margins.append(("b7C", 520.0, y + 24))
            truth.append({"bbox": list(r), "codes": ["5 USC 552(b)(6)", "5 USC 552(b)(7)(C)"],
                          "case": "codes stacked beside a tall bar"})
            y += 2 * 15 + 23
            continue
        x = text(72, y, "The source identified")
        bw = float(rng.uniform(90, 150))
        r = (x + 5, y - SIZE, x + 5 + bw, y + 0.35 * SIZE)
        bars.append(r)
        text(r[2] + 5, y, "as a contact.")
        if step is None:
            truth.append({"bbox": list(r), "codes": [], "case": "bar without a code"})
        else:
            code, norm = CODES[step]
            margins.append((code, 520.0, y))
            truth.append({"bbox": list(r), "codes": norm, "case": f"margin code '{code}'"})
        y += 23
    pix = p.get_pixmap(dpi=DPI, colorspace=pymupdf.csGRAY, alpha=False)
    img = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.stride)[:, :pix.width].copy()
    for r in bars:
        img[int(r[1] * k):int(r[3] * k), int(r[0] * k):int(r[2] * k)] = 15
    for code, x, yy in margins:
        if typed:
            cv2.putText(img, code, (int(x * k), int(yy * k)), cv2.FONT_HERSHEY_SIMPLEX, 0.85, 20, 2, cv2.LINE_AA)
        else:
            _hand(img, code, x, yy, rng, k)
    img = cv2.GaussianBlur(img, (3, 3), 0.7)
    img = np.clip(img.astype(np.float32) + rng.normal(0, 6.0, img.shape), 0, 255).astype(np.uint8)
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 80])
    assert ok
    doc = pymupdf.open()
    if rotate:
        page = doc.new_page(width=H, height=W)
        page.set_rotation(rotate)
        page.insert_image(pymupdf.Rect(0, 0, H, W), stream=buf.tobytes(), rotate=rotate)
    else:
        page = doc.new_page(width=W, height=H)
        page.insert_image(page.rect, stream=buf.tobytes())
    doc.save(path, garbage=3, deflate=True)
    return truth



def build_margin_text(path: str, crop: bool = False) -> list[dict]:
    """A born-digital page (text layer) with black vector bars and codes typed in the right margin
    (the CIA bulletin's layout): a code on the bar's own line; a code at the end of a body line
    that runs into the margin; a code typed a line above its bar (level with no box); and
    negatives: a bar far from any code, a margin code level with body text far from any bar, a
    margin note naming no exemption, court rules and a statute cited in prose (one at the end of a
    line that runs into the margin), a court filing's exhibit citation "(Ex. 1 at p. 62)" under a
    bar.  ``crop`` sets a CropBox 30 pt in from every edge (boxes are reported in
    the displayed, cropped page).  Returns the truth ``[{"bbox", "codes", "case"}]``."""
    doc = pymupdf.open()
    page = doc.new_page(width=W, height=H)
    font, size = "helv", 10.0
    truth: list[dict] = []
    rects: list[tuple] = []

    def text(x, y, s):
        page.insert_text((x, y), s, fontsize=size, fontname=font)
        return x + pymupdf.get_text_length(s, fontname=font, fontsize=size)

    def bar(x0, y, w, codes, case):
        r = (x0, y - size, x0 + w, y + 0.3 * size)
        rects.append(r)
        truth.append({"bbox": list(r), "codes": codes, "case": case})
        return r

    filler = "the committee reviewed the shipments and reported on the progress of the talks"
    y = 80.0
    text(72, y, "CURRENT INTELLIGENCE SUMMARY")
    y += 30
    for _ in range(2):
        text(72, y, filler)
        y += 14
    # 1. a code on the bar's own line, in the margin
    x = text(72, y, "Reports from")
    bar(x + 4, y, 150, ["EO 13526 3.3(h)(2)"], "margin code on the bar's line")
    text(x + 160, y, "indicate a change.")
    text(520, y, "3.3(h)(2)")
    y += 28
    for _ in range(2):
        text(72, y, filler)
        y += 14
    # 2. a bar in a line that runs on into the margin and ends with the code
    x = text(72, y, "The meeting with")
    r = bar(x + 4, y, 90, ["EO 13526 3.5(c)"], "code at the end of a body line in the margin")
    tail = "was held in the capital"
    for w in "on the first day of the new round of the talks".split():
        if r[2] + 4 + pymupdf.get_text_length(tail, fontname=font, fontsize=size) >= 492:
            break
        tail += " " + w
    end = text(r[2] + 4, y, tail)
    text(end + 8, y, "3.5(c)")            # 0.8 em on: the text layer joins it to the line (runs break at 1.6 em)
    y += 28
    for _ in range(2):
        text(72, y, filler)
        y += 14
    # 3. a code typed a line above its bar, level with no box
    text(72, y, "Item two: shipments of strategic goods")
    text(520, y, "3.3(h)(2)")
    y += 16
    bar(72, y, 200, ["EO 13526 3.3(h)(2)"], "code a line above its bar")
    text(280, y, "reports received this month.")
    y += 70
    # negatives
    for s in ("The motion was dismissed under Rule 12(b)(6) and Fed. R. Civ. P. 26(b)(5),",
              "while the request was answered under 5 U.S.C. 552(b)(6) as the statute provides."):
        text(72, y, s)
        y += 14
    y += 10
    text(72, y, filler)
    text(520, y, "see p. 4")
    y += 14
    text(72, y, filler)
    text(520, y, "(b)(6)")            # a code level with body text, far from every bar
    y += 90
    x = text(72, y, "The courier was")
    bar(x + 4, y, 120, [], "bar far from any code")
    text(x + 130, y, "in the city.")
    y += 40
    # a bar over three lines, two codes stacked beside it
    r = (72.0, y - size, 400.0, y + 28 + 0.3 * size)
    rects.append(r)
    truth.append({"bbox": list(r), "codes": ["5 USC 552(b)(6)", "5 USC 552(b)(7)(C)"],
                  "case": "codes stacked beside a tall bar"})
    text(520, y + 4, "(b)(6)")
    text(520, y + 20, "(b)(7)(C)")
    y += 70
    # a statute cited at the end of a prose line that runs into the margin, at word spacing
    x = text(72, y, "The witness")
    r = bar(x + 4, y, 80, [], "bar on a line ending with a statute cited in prose")
    tail = "was interviewed as the statute"
    for w in "provides for such requests in".split():
        if r[2] + 4 + pymupdf.get_text_length(tail, fontname=font, fontsize=size) >= 470:
            break
        tail += " " + w
    text(r[2] + 4, y, tail + " 5 U.S.C. 552(b)(6).")
    y += 28
    # a court filing's exhibit citation opening the line under a bar
    x = text(72, y, "She answered but did not disclose")
    bar(x + 4, y, 120, [], "bar above an exhibit citation")
    y += 14
    text(72, y, "(Ex. 1 at p. 62 of 68; Ex. 2 at p. 46 of 52).")
    for r in rects:
        page.draw_rect(pymupdf.Rect(*r), color=(0, 0, 0), fill=(0, 0, 0))
    if crop:
        page.set_cropbox(pymupdf.Rect(30, 30, W - 30, H - 30))
        for t in truth:
            b = t["bbox"]
            t["bbox"] = [b[0] - 30, b[1] - 30, b[2] - 30, b[3] - 30]
    doc.save(path, garbage=3, deflate=True)
    return truth


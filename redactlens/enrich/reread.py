"""Reading again, closely, the scan around a box that the page's OCR left without context.

Tesseract reads a whole scanned page in one pass (``--psm 3``): it reads horizontal lines only,
and a handwritten signature crossing a typed name block often makes it drop the block.  Two
layouts a careful reader still sees on such pages:

* **sideways labels** -- a check or receipt stamp printed across the page ("RECEIVED / Check # /
  For $ / Date / Signature:") with a tall narrow bar over the value after ``Signature:``.  The
  strip along the bar is rendered, turned a quarter both ways and read as lines; a label that ends
  right before the bar in the reading direction types it like a label left of a box
  (:func:`sideways_label`);
* **typed signature blocks under a bar** -- the region under the bar is rendered with every box of
  the page painted white (a black bar confuses Tesseract's layout analysis) and read on its own;
  the lines found go through the same typed-signature-block rule as the page's text
  (:func:`lines_below`, :func:`redactlens.enrich.core.typed_block`).

Only on pages whose context comes from OCR words (no text layer, no invisible OCR layer), only
for boxes no other cue typed, and never when OCR is off.  Each read is one small Tesseract call
(0.1-0.3 s at 300 dpi on the Chicago PD memos).  What is under the boxes is never read here:
every box is painted white before reading.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .. import geometry as g
from ..errors import MUPDF_ERRORS

# sideways stamps: the Chicago PD RECEIVED stamps' signature bars are 15-40 pt wide and 50-120 pt
# long; their 'Signature:' label is 45-60 pt long and ends 0-6 pt before the bar
TALL_RATIO = 2.0        # x width: a bar this much taller than wide may hold sideways text
TALL_MAX_WIDTH = 45.0   # pt: wider bars are columns or paragraphs, not one sideways line
# (pt the strip is wider than the bar on each side, pt read along it past each end of the bar), tried
# in order: the tight strip reads 7 of the 9 labels of Chicago 15-7067 (horizontal text that crosses
# a stamp confuses a wider one); the wider ones read labels printed beside the bar's axis (16-0190:
# a 14 pt bar over the handwriting right of its 'Signature:' line)
# A third value halves the resolution: Tesseract reads nothing of the 16-0190 stamps' large letters
# (about 40 px tall at 300 dpi) but reads them at 150 dpi
STRIPS = ((0.0, 80.0, 1.0), (7.0, 110.0, 1.0), (7.0, 110.0, 0.5), (14.0, 110.0, 0.5))
BESIDE = 0.8            # x text height: a label's line may lie this far beside the bar's axis
LABEL_GAP = 3.0         # x text height: the label ends this close to the bar along the line
LABEL_CONF = 60         # Tesseract confidence a label word needs
# the region under a bar: a typed name block starts 0-2 lines (<= 26 pt) under the bar, is up to
# three 12 pt lines tall and may start up to 5 em left of the bar
BELOW_LEFT = 60.0       # pt left of the bar (a name block may start 5 em left of it: core.SIG_LEFT)
BELOW_RIGHT = 72.0      # pt right of the bar (plus 0.8 x its width, as the block rule allows)
BELOW_DEPTH = 58.0      # pt under the bar
BELOW_CONF = 50         # Tesseract confidence a word of the block needs


@dataclass
class Line:
    """One line of words: its top and bottom (pt), text height and words as (x0, x1, text)."""

    top: float
    bottom: float
    size: float
    runs: list = field(default_factory=list)


def possible(pm) -> bool:
    """The page is read from OCR words (a scan without a text or OCR layer) and OCR may run."""
    s = pm.settings
    if s.ocr == "off" or pm.ocr is None:
        return False
    if pm.visible_chars or any(c.invisible for c in pm.chars):
        return False
    from .. import ocr
    return ocr.available(s)


def _read(pm, clip: g.Box, boxes, turn: int = 0, scale: float = 1.0):
    """Words of the displayed-page region ``clip`` with every box painted white, the image turned
    ``turn`` quarter turns counter-clockwise, rendered at ``scale`` x the OCR resolution; each as
    (page box, text, confidence, line key).  None when the region cannot be read."""
    import cv2

    from .. import ocr
    from ..render import render_gray
    s = pm.settings
    clip = (max(0.0, clip[0]), max(0.0, clip[1]), min(pm.width, clip[2]), min(pm.height, clip[3]))
    if clip[2] - clip[0] < 4 or clip[3] - clip[1] < 4:
        return None
    try:
        gray, sx, sy = render_gray(pm.page, dpi=max(72, int(s.ocr_dpi * scale)), clip=clip, annots=False,
                                   max_pixels=s.max_render_pixels)
        gray = np.array(gray, copy=True)
        H, W = gray.shape
        for b in boxes:
            x0, y0 = int((b[0] - clip[0]) * sx) - 1, int((b[1] - clip[1]) * sy) - 1
            x1, y1 = int((b[2] - clip[0]) * sx) + 2, int((b[3] - clip[1]) * sy) + 2
            if x1 > 0 and y1 > 0 and x0 < W and y0 < H:
                gray[max(0, y0):y1, max(0, x0):x1] = 255
        img = np.ascontiguousarray(np.rot90(gray, turn)) if turn else gray
        words = ocr.read_words(img, s.ocr_dpi, s)
    except (ocr.OcrFailed, cv2.error) + MUPDF_ERRORS:
        return None
    out = []
    for w in words:
        l, t, r, b = w.box
        if turn == 1:      # B[i, j] = A[j, W-1-i]
            px = (W - 1 - b, l, W - 1 - t, r)
        elif turn == 3:    # B[i, j] = A[H-1-j, i]
            px = (t, H - 1 - r, b, H - 1 - l)
        else:
            px = (l, t, r, b)
        out.append(((clip[0] + px[0] / sx, clip[1] + px[1] / sy, clip[0] + px[2] / sx, clip[1] + px[3] / sy),
                    w.text, w.conf, w.line))
    return out


#: a bar read for a sideways label may be stubbier: the hand drawing it over a stamp's signature stops
#: early (Chicago 15-6523 p6: 36 x 62 pt, 1.75 x; p8: 30 x 56 pt, 1.88 x)
SIDEWAYS_RATIO = 1.5


def may_be_sideways(box: g.Box) -> bool:
    """A narrow bar that may lie along a line of sideways text (see :data:`SIDEWAYS_RATIO`)."""
    w, h = box[2] - box[0], box[3] - box[1]
    return 0 < w <= TALL_MAX_WIDTH and h >= SIDEWAYS_RATIO * w


def is_tall(box: g.Box) -> bool:
    w, h = box[2] - box[0], box[3] - box[1]
    return 0 < w <= TALL_MAX_WIDTH and h >= TALL_RATIO * w


def sideways_label(pm, i: int, boxes, accept=lambda text: True) -> tuple[str, str] | None:
    """(label text, reading direction) of a sideways label ending right before the tall bar
    ``boxes[i]`` along its line, read by OCR of strips along the bar (:data:`STRIPS`, first that
    gives a label ``accept`` takes), or None."""
    for pad, reach, scale in STRIPS:
        hit = _sideways(pm, i, boxes, pad, reach, scale)
        if hit and accept(hit[0]):
            return hit
    return None


def _sideways(pm, i: int, boxes, pad: float, reach: float, scale: float = 1.0) -> tuple[str, str] | None:
    b = boxes[i]
    best = None
    # turn 1: text reads downwards (label above the bar); turn 3: upwards (label below it)
    for turn, clip in ((1, (b[0] - pad, b[1] - reach, b[2] + pad, b[3] + 2)),
                       (3, (b[0] - pad, b[1] - 2, b[2] + pad, b[3] + reach))):
        words = _read(pm, clip, boxes, turn, scale)
        if not words:
            continue
        lines: dict = {}
        for wb, text, conf, key in words:
            if not any(ch.isalnum() for ch in text):
                continue      # the rule of a 'Signature: ____' line read as '_' or '—'
            # on the bar's line: the word's middle across the line is on the bar, or beside it
            # by less than a text height (the bar covers the value written on the label's line)
            mid, hw = (wb[0] + wb[2]) / 2, wb[2] - wb[0]
            if not (b[0] - BESIDE * hw <= mid <= b[2] + BESIDE * hw):
                continue
            lines.setdefault(key, []).append((wb, text, conf))
        for items in lines.values():
            # position along the reading direction: distance before the bar's start
            if turn == 1:
                seq = sorted((wb[1], wb[3], t, c, wb) for wb, t, c in items if wb[3] <= b[1] + 3)
                start_of_bar = b[1]
                gaps = [(start_of_bar - e) for s_, e, *_ in seq]
            else:
                seq = sorted(((-wb[3], -wb[1], t, c, wb) for wb, t, c in items if wb[1] >= b[3] - 3))
                start_of_bar = -b[3]
                gaps = [(start_of_bar - e) for s_, e, *_ in seq]
            if not seq:
                continue
            height = max(4.0, min(wb[2] - wb[0] for *_, wb in seq))
            if gaps[-1] > LABEL_GAP * height:
                continue
            label = [seq[-1]]
            for k in range(len(seq) - 2, -1, -1):     # the words right before, at word spacing
                if len(label) >= 4 or label[0][0] - seq[k][1] > 1.5 * height:
                    break
                label.insert(0, seq[k])
            if any(c < LABEL_CONF for _, _, _, c, _ in label):
                continue
            text = " ".join(t for _, _, t, _, _ in label)
            conf = min(c for _, _, _, c, _ in label)
            if best is None or conf > best[2]:
                best = (text, "downwards" if turn == 1 else "upwards", conf)
    return (best[0], best[1]) if best else None


def lines_below(pm, i: int, boxes) -> list[Line]:
    """The lines of words under the bar ``boxes[i]``, read on their own with every box painted
    white (top to bottom)."""
    b = boxes[i]
    clip = (b[0] - BELOW_LEFT, b[3] - 3.0, b[2] + 0.8 * (b[2] - b[0]) + BELOW_RIGHT, b[3] + BELOW_DEPTH)
    words = _read(pm, clip, boxes)
    if not words:
        return []
    groups: dict = {}
    for wb, text, conf, key in words:
        if conf >= BELOW_CONF and text.strip():
            groups.setdefault(key, []).append((wb, text))
    out = []
    for items in groups.values():
        items.sort(key=lambda it: it[0][0])
        hs = sorted(wb[3] - wb[1] for wb, _ in items)
        out.append(Line(top=min(wb[1] for wb, _ in items), bottom=max(wb[3] for wb, _ in items),
                        size=max(4.0, hs[len(hs) // 2] * 1.15),
                        runs=[(wb[0], wb[2], t) for wb, t in items]))
    return sorted(out, key=lambda l: l.top)

"""Raster redactions: dark regions burned into a scanned page image (and outlined white boxes).

Only pages that *are* scans are looked at: pages on which one or more placed images cover at least
half of the displayed page (:func:`scan_images`).  Such a page is rendered **once**, grey, at
:data:`DETECT_DPI`, and the render is cached on the page model (:class:`ScanPage`) for the outlined-box
pass and the ``image_under_box`` check (:mod:`redactlens.scanned`); OCR, which needs ~300 dpi, reads the
scan image itself or renders once more at its own resolution, and only when it runs.  Rendering
rather than decoding the image XObject composes multi-layer (MRC) scans, image masks, /Rotate and the
CropBox in one step; a render pixel maps to the displayed page by one scale
(:func:`geometry.pixel_box_to_display`).

Dark boxes (every rule and threshold, and which negative control each one rejects: docs/scans.md):

* ink = grey < :data:`DARK_GRAY`; a 2-px closing (JPEG speckle in bars), then a morphological
  opening with a ~3 pt square removes text strokes, rules, handwriting and signatures;
* the page is deskewed from its long straight solid shapes, boxes are mapped back (envelopes);
* each connected component is a candidate region; thick lines running out of a bar are cut off; a
  region whose row extents change in steps is split into bars of stable extent (stacked redactions
  of different widths), each of which must be rectangular; irregular regions (marker blobs) stay one
  box; a narrow bar crossed by a wider one is two overlapping boxes;
* rejected: too small; thick rules; checkboxes; low fill; round seals; letter-sized irregular shapes;
  scan-edge shadows; light lettering inside (header bars, logos); a grey region with darker marks
  inside (shaded cells); a smooth continuous-tone surround (photos).

Outlined white boxes (the CIA style: a thin rectangular outline around an empty area) are found from
long thin horizontal and vertical runs that close a rectangle with an (almost) empty interior.  They
are only reported when an exemption label (``3.5(c)``, ``(b)(6)`` ...) sits in the same band of the
page, in the text layer, the OCR layer or OCR words: an empty outlined rectangle alone is a form field.
"""
from __future__ import annotations

import cv2
import numpy as np

from .. import geometry as g
from .. import ocr
from ..labels import is_label_text
from ..page import PageModel
from ..render import capped_dpi, render_gray
from . import Candidate

DETECT_DPI = 150
SCAN_COVER = 0.5          # images covering >= half of the page make it a scanned page
DARK_GRAY = 125           # ink threshold (0 black .. 255 white)
OPEN_PT = 3.0             # opening size: strokes thinner than this are not boxes
MIN_W_PT, MIN_H_PT = 8.0, 5.0
MIN_FILL = 0.6
MIN_FILL_BLOB = 0.45      # large marker blobs (at least BLOB_PT) are ragged: a lower fill will do
BLOB_PT = (60.0, 30.0)
SPLIT_FILL = 0.85
JAG_PT = 0.6
BAR_FILL = 0.9            # each bar of a split region must be this solid
STEP_PT = 3.0
MIN_DESKEW = 0.1        # degrees: smaller skews are left alone
MAX_SKEW = 3.0          # degrees: steeper long shapes are not skew evidence
SKEW_MIN_LEN_PT = 40.0
RULE_PT = 7.0             # thinner long shapes are rules
CHECKBOX_PT = 12.0        # square shapes up to this size are checkboxes
LIGHT_DELTA = 45           # marks this much lighter than a dark region are printed on it
OUTLINE_GRAY = 205        # thin outlines render light grey at 150 dpi
LABEL_BAND_PT = 12.0      # an exemption label this close above/below an outlined box is its label
SIDE_COVER = 0.8          # outlined boxes: share of each side that must be drawn
# A side broken where printed text crosses it (a release banner stamped over the box's corner) counts
# as drawn under the text, but what is really drawn must stay >= OCCLUDED_DRAWN on every side and two
# sides must be whole (CIA bulletin p2 header box: top 0.41 and left 0.70 drawn, the rest under the
# banner; bottom and right 1.00).
OCCLUDED_DRAWN = 0.3
# Gaps of up to 5 pt between the printed marks along a side still count as under the text (the
# curved "3" of a "3.3(h)(2)" label printed across the right side of the CIA p3 step-shaped box
# leaves 4.3 pt between its ink rows).
OCCLUDED_GAP_PT = 5.0
# Unlabelled outlines are redactions only beside labelled ones of the same style on the page: outline
# grey within STYLE_GREY levels and stroke width within STYLE_WIDTH_PX render pixels of a labelled one
# (measured, median darkest grey / width at 150 dpi: CIA bulletin p3 labelled 147..166 / 1-1.5 px and
# its unlabelled ones 147..165 / 1-1.5 px; generated grey 0.6 pt outlines 158..178 / 1.5-2 px; a black
# outline renders below 60), its left side within COLUMN_PT of the left edge of a text line just
# above or below it, or a word within TEXT_GAP_PT on both sides of it in its row, and never more
# unlabelled than labelled ones on the page (a form has many empty fields).
STYLE_GREY = 40
STYLE_WIDTH_PX = 1.0
COLUMN_PT = 6.0
TEXT_GAP_PT = 15.0     # a word this close beside an outline runs into it
TAIL_PT = 10.0            # a thin line reaching this far out of a bar is not part of it
LETTER_PT = 30.0          # irregular shapes up to this size are bold letters, not marker blobs
SMALL_PT2 = 150.0         # regions smaller than this (pt^2) must be solid rectangles
PHOTO_SMOOTH = 0.35      # share of smooth mid-tone pixels around a dark patch of a photo


class ScanPage:
    """The one render of a scanned page, shared by the raster detector, OCR and leak checks."""

    def __init__(self, pm: PageModel, dpi: int):
        self.dpi = dpi
        self.gray, self.scale_x, self.scale_y = render_gray(pm.page, dpi=dpi, annots=False)
        self.dark_regions: list[g.Box] = []   # display boxes of all accepted dark regions
        self.outlines: list[g.Box] = []       # empty thin outlines (labelled or not)

    @property
    def px_per_pt(self) -> float:
        return (self.scale_x + self.scale_y) / 2

    def to_display(self, x0: float, y0: float, x1: float, y1: float) -> g.Box:
        return g.pixel_box_to_display((x0, y0, x1, y1), self.scale_x, self.scale_y)

    def to_pixels(self, box: g.Box) -> tuple[int, int, int, int]:
        return g.display_box_to_pixels(box, self.scale_x, self.scale_y, self.gray.shape[1], self.gray.shape[0])


def scan_images(pm: PageModel) -> list[dict]:
    """Placed images of the page (display ``box`` added) when they cover >= half the page."""
    cache = pm.caches.scan_images
    if cache is not None:
        return cache
    out = []
    page_area = g.area(pm.box) or 1.0
    for info in pm.images:
        box = g.clip(pm.to_display(info["bbox"]), pm.box)
        if box is None:
            continue
        if g.area(box) >= 0.25 * page_area:
            out.append({**info, "box": box})
    if not out or g.union_area([i["box"] for i in out]) < SCAN_COVER * page_area:
        out = []
    pm.caches.scan_images = out
    return out


def is_scanned(pm: PageModel) -> bool:
    return bool(scan_images(pm))


def is_image_only(pm: PageModel) -> bool:
    """A scanned page without any text layer (visible or invisible): the pages OCR is for."""
    return is_scanned(pm) and not any(c.c.strip() for c in pm.chars)


def scan_page(pm: PageModel, dpi: int | None = None) -> ScanPage | None:
    """The cached render of a scanned page (None for other pages); the first caller fixes the dpi."""
    sp = pm.caches.scan_page
    if sp is not None or not is_scanned(pm):
        return sp
    dpi = capped_dpi(pm.width, pm.height, dpi or DETECT_DPI, pm.settings.max_render_pixels)
    sp = ScanPage(pm, dpi)
    pm.caches.scan_page = sp
    return sp


# --------------------------------------------------------------------------------------------
# dark boxes


def raster_candidates(pm: PageModel) -> list[Candidate]:
    sp = scan_page(pm)
    if sp is None:
        return []
    out = dark_boxes(pm, sp) + outlined_boxes(pm, sp)
    # a dark region that is a filled vector path painted over the scan is the vector detector's to
    # judge (a header cell it rejected must not come back as a raster box)
    fills = _dark_vector_fills(pm)
    if fills:
        out = [c for c in out if c.style == "outlined-box"
               or sum(g.inter_area(c.bbox, f) for f in fills) < 0.5 * g.area(c.bbox)]
    sp.dark_regions = [c.bbox for c in out if c.style != "outlined-box"]
    return out


def _dark_vector_fills(pm: PageModel) -> list[g.Box]:
    out = []
    for d in pm.drawings:
        fill = d.get("fill")
        if fill is None or (d.get("fill_opacity") or 1.0) < 0.5 or g.luminance(g.to_rgb(fill)) > 0.5:
            continue
        box = g.clip(pm.to_display(d["rect"]), pm.box)
        if box is not None and g.area(box) >= 20:
            out.append(box)
    return out


def _kernel(n: int):
    return cv2.getStructuringElement(cv2.MORPH_RECT, (max(1, n), max(1, n)))


def _scan_mask(pm: PageModel, sp: ScanPage) -> np.ndarray:
    """1 inside the scan images' display area (so vector content beside a scan is ignored)."""
    mask = np.zeros(sp.gray.shape, np.uint8)
    for info in scan_images(pm):
        x0, y0, x1, y1 = sp.to_pixels(info["box"])
        mask[y0:y1, x0:x1] = 1
    return mask


def dark_boxes(pm: PageModel, sp: ScanPage, rejected: list | None = None) -> list[Candidate]:
    """Dark boxes in the render; ``rejected`` (if given) collects ``(box, reason)`` of the rest."""
    gray = sp.gray
    s = sp.px_per_pt
    mask = _scan_mask(pm, sp)
    ink = ((gray < DARK_GRAY) & (mask > 0)).astype(np.uint8)
    ink_c = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, _kernel(2))
    solid = cv2.morphologyEx(ink_c, cv2.MORPH_OPEN, _kernel(int(round(OPEN_PT * s))))
    page_area = g.area(pm.box) or 1.0
    img_px = [sp.to_pixels(i["box"]) for i in scan_images(pm) if g.area(i["box"]) >= SCAN_COVER * page_area]
    # deskew: bars, rules and header bars give the page's skew; work in deskewed pixels and map
    # every box back through the inverse rotation (its envelope on the page as shown)
    cc = cv2.connectedComponentsWithStats(solid, connectivity=8)
    angle = _skew_angle(cc, s)
    inv = None
    if abs(angle) >= MIN_DESKEW:
        h_, w_ = solid.shape
        rot = cv2.getRotationMatrix2D((w_ / 2, h_ / 2), angle, 1.0)
        solid = cv2.warpAffine(solid, rot, (w_, h_), flags=cv2.INTER_NEAREST, borderValue=0)
        gray = cv2.warpAffine(gray, rot, (w_, h_), flags=cv2.INTER_LINEAR, borderValue=255)
        inv = cv2.invertAffineTransform(rot)
        cc = cv2.connectedComponentsWithStats(solid, connectivity=8)
    n, labels, stats, _ = cc
    out: list[Candidate] = []
    for i in range(1, n):
        x, y, w, h, area = (int(v) for v in stats[i])
        if w < MIN_W_PT * s or h < MIN_H_PT * s:
            continue
        comp = labels[y:y + h, x:x + w] == i
        comp, (x, y) = _cut_tails(comp, x, y, s)
        for (bx0, by0, bx1, by1) in _split(comp, s):
            sub = comp[by0:by1, bx0:bx1]
            # trim empty margins left by splitting
            rows, cols = np.flatnonzero(sub.any(1)), np.flatnonzero(sub.any(0))
            if not len(rows):
                continue
            by0, by1 = by0 + rows[0], by0 + rows[-1] + 1
            bx0, bx1 = bx0 + cols[0], bx0 + cols[-1] + 1
            sub = comp[by0:by1, bx0:bx1]
            px = (x + bx0, y + by0, x + bx1, y + by1)
            why = _reject(gray, sub, px, s, img_px)
            page_px = g.affine_envelope(px, inv) if inv is not None else px
            box = g.clip(sp.to_display(*page_px), pm.box)
            if why or box is None:
                if rejected is not None and box is not None:
                    rejected.append((box, why))
                continue
            region = gray[px[1]:px[3], px[0]:px[2]][sub]
            m = float(np.median(region)) / 255 if region.size else 0.0
            fill = float(sub.mean())
            out.append(Candidate(box, "raster", "solid" if fill >= SPLIT_FILL else "marker", (m, m, m),
                                 detail=f"dark region in the page scan ({g.width(box):.0f}x{g.height(box):.0f} pt, "
                                        f"{fill:.0%} filled, grey {m * 255:.0f}"
                                        + (f", page skew {angle:+.2f} deg" if inv is not None else "") + ")",
                                 extra={"skew": round(angle, 3)}))
    return out


def _cut_tails(comp: np.ndarray, x: int, y: int, s: float):
    """A bar with a thick line running out of it (a signature or form rule drawn through the bar and
    beyond) loses the line: the part thinner than a rule that reaches >= TAIL_PT out of the bar's
    solid core is cut off.  Returns the (possibly smaller) mask and its new origin."""
    k = int(round(RULE_PT * s))
    h, w = comp.shape
    if min(h, w) <= k:
        return comp, (x, y)
    core = cv2.morphologyEx(comp.astype(np.uint8), cv2.MORPH_OPEN, _kernel(k)).astype(bool)
    if not core.any():
        return comp, (x, y)
    rows, cols = np.flatnonzero(core.any(1)), np.flatnonzero(core.any(0))
    cy0, cy1, cx0, cx1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    tail = TAIL_PT * s
    if max(cy0, h - cy1, cx0, w - cx1) < tail or core.sum() < 0.6 * comp.sum():
        return comp, (x, y)
    # keep the core's box, and inside it everything of the region (ragged edges stay)
    return comp[cy0:cy1, cx0:cx1], (x + int(cx0), y + int(cy0))


def _skew_angle(cc, s: float) -> float:
    """Skew of the scan in degrees (``cv2.getRotationMatrix2D`` angle that straightens it), from the
    long straight solid shapes (bars, header bars, rules); 0 when there are none.  ``cc`` is
    ``cv2.connectedComponentsWithStats`` of the solid-ink mask."""
    n, labels, stats, _ = cc
    angles, weights = [], []
    for i in range(1, n):
        x, y, w, h, area = (int(v) for v in stats[i])
        if max(w, h) < SKEW_MIN_LEN_PT * s:
            continue
        comp = (labels[y:y + h, x:x + w] == i).astype(np.uint8)
        cnts, _ = cv2.findContours(comp, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        if not cnts:
            continue
        (cx, cy), (rw, rh), _a = cv2.minAreaRect(max(cnts, key=cv2.contourArea))
        if min(rw, rh) <= 0 or max(rw, rh) / min(rw, rh) < 3 or area < 0.85 * rw * rh:
            continue
        pts = cv2.boxPoints(((cx, cy), (rw, rh), _a))
        edges = [(pts[(j + 1) % 4] - pts[j]) for j in range(4)]
        e = max(edges, key=lambda v: float(v[0] ** 2 + v[1] ** 2))
        ang = np.degrees(np.arctan2(float(e[1]), float(e[0])))
        ang = (ang + 90) % 180 - 90          # a direction, not a vector
        if abs(ang) > 45:                    # vertical bar: its long side is near 90 degrees
            ang = ang - 90 if ang > 0 else ang + 90
        if abs(ang) <= MAX_SKEW:
            angles.append(ang)
            weights.append(max(rw, rh))
    if not angles:
        return 0.0
    order = np.argsort(angles)
    a, wts = np.asarray(angles)[order], np.asarray(weights)[order]
    k = int(np.searchsorted(np.cumsum(wts), wts.sum() / 2))
    return float(a[min(k, len(a) - 1)])


def _split(comp: np.ndarray, s: float) -> list[tuple[int, int, int, int]]:
    """Split a region into bars of stable extent (first by rows, else by columns) when every bar
    is rectangular; otherwise (marker blobs) keep it whole."""
    h, w = comp.shape
    if comp.mean() >= SPLIT_FILL:
        return [(0, 0, w, h)]
    bars = _split_rows(comp, s)
    if bars is None:
        cols = _split_rows(comp.T, s)
        bars = [(b[1], b[0], b[3], b[2]) for b in cols] if cols is not None else None
    return bars or [(0, 0, w, h)]


def _split_rows(comp: np.ndarray, s: float):
    h, w = comp.shape
    rows = comp.any(1)
    left = np.where(rows, comp.argmax(1), -1)
    right = np.where(rows, w - 1 - comp[:, ::-1].argmax(1), -1)
    tol = STEP_PT * s
    runs: list[list[int]] = []
    for r in range(h):
        if not rows[r]:
            continue
        if runs and runs[-1][1] == r and abs(left[r] - left[r - 1]) <= tol and abs(right[r] - right[r - 1]) <= tol:
            runs[-1][1] = r + 1
        else:
            runs.append([r, r + 1])
    # short runs are the seams where two bars overlap or touch: they belong to no bar
    longs = [r for r in runs if r[1] - r[0] >= MIN_H_PT * s * 0.8]
    if len(longs) < 2 or len(longs) > 8:
        return None
    covered = sum(r[1] - r[0] for r in longs)
    if covered < 0.65 * rows.sum():
        return None
    bars = []
    for k, (r0, r1) in enumerate(longs):
        l0, r_ = int(np.median(left[r0:r1])), int(np.median(right[r0:r1])) + 1
        if comp[r0:r1, l0:r_].mean() < BAR_FILL:
            return None
        # typed bars have straight ends; hand-drawn marker strokes do not (one blob, one box)
        jag = (np.abs(left[r0:r1] - l0).mean() + np.abs(right[r0:r1] - (r_ - 1)).mean()) / 2
        if jag > JAG_PT * s:
            return None
        # extend over the seams up to the neighbouring bars
        top = longs[k - 1][1] if k else 0
        bot = longs[k + 1][0] if k + 1 < len(longs) else h
        bars.append((l0, top if r0 - top <= STEP_PT * s else r0, r_, bot if bot - r1 <= STEP_PT * s else r1))
    # re-merge neighbours whose union is still a solid block
    merged = [bars[0]]
    for b in bars[1:]:
        a = merged[-1]
        u = (min(a[0], b[0]), a[1], max(a[2], b[2]), b[3])
        if comp[u[1]:u[3], u[0]:u[2]].mean() >= SPLIT_FILL:
            merged[-1] = u
        else:
            merged.append(b)
    # a cross: a narrow bar cut in two by a wider bar across it is one bar (overlapping the other)
    k = 0
    while k + 2 < len(merged):
        a, b, c = merged[k], merged[k + 1], merged[k + 2]
        if (abs(a[0] - c[0]) <= tol and abs(a[2] - c[2]) <= tol and b[0] <= a[0] + tol and b[2] >= a[2] - tol
                and (b[2] - b[0]) > (a[2] - a[0]) + 2 * tol
                and comp[a[1]:c[3], max(a[0], c[0]):min(a[2], c[2])].mean() >= BAR_FILL):
            merged[k:k + 3] = [(min(a[0], c[0]), a[1], max(a[2], c[2]), c[3]), b]
        k += 1
    return merged


def _reject(gray: np.ndarray, sub: np.ndarray, px, s: float, img_px) -> str:
    """Why a dark region is not a redaction ("" when it is one).  ``px`` is its pixel box in the
    (deskewed) render ``gray``, ``sub`` its mask inside that box."""
    x0, y0, x1, y1 = px
    w, h = x1 - x0, y1 - y0
    wpt, hpt = w / s, h / s
    if wpt < MIN_W_PT or hpt < MIN_H_PT:
        return "too small"
    if min(wpt, hpt) < RULE_PT and max(wpt, hpt) / min(wpt, hpt) > 25:
        return "thick rule"
    if max(wpt, hpt) <= CHECKBOX_PT and 0.7 <= wpt / hpt <= 1.4:
        return "checkbox"
    fill = float(sub.mean())
    big = wpt >= BLOB_PT[0] and hpt >= BLOB_PT[1]
    if fill < (MIN_FILL_BLOB if big else MIN_FILL):
        return "not box-like"
    if wpt * hpt < SMALL_PT2 and fill < SPLIT_FILL:
        return "small irregular mark"
    if max(wpt, hpt) <= LETTER_PT and fill < 0.75:
        return "letter-sized irregular shape (bold print, stamp)"
    if 0.75 <= wpt / hpt <= 1.33 and fill < 0.88:
        c = max(1, int(round(0.2 * min(w, h))))
        corners = [sub[:c, :c], sub[:c, -c:], sub[-c:, :c], sub[-c:, -c:]]
        if all(float(k.mean()) < 0.2 for k in corners):
            return "round shape (seal or logo)"
    # scan-edge shadow: a long dark band hugging the border of the scan image
    edge = 4 * s
    for (ix0, iy0, ix1, iy1) in img_px:
        near_lr = x0 - ix0 <= edge or ix1 - x1 <= edge
        near_tb = y0 - iy0 <= edge or iy1 - y1 <= edge
        if (near_lr and h > 3 * w) or (near_tb and w > 3 * h):
            return "scan-edge shadow"
    crop = gray[y0:y1, x0:x1]
    # the interior: the region with its holes filled, less a 1 pt rim (blur and JPEG ringing)
    filled = _fill_holes(sub)
    e = max(1, int(round(1.0 * s)))
    interior = cv2.erode(filled.astype(np.uint8), _kernel(2 * e + 1)).astype(bool)
    if interior.sum() < 10:
        return ""
    vals = crop[interior]
    med = float(np.median(vals))
    # light marks shaped like text inside a dark region: a header bar with white text, a logo
    light = ((crop > med + LIGHT_DELTA) & interior).astype(np.uint8)
    if light.any() and _text_row(light, s):
        return "light text inside (header bar or logo)"
    # dark shaded cell: a grey region holding much darker marks (printed text)
    if med > 60:
        darker = float((vals < med - 30).mean())
        if darker >= 0.02:
            return "grey region with dark text inside (shaded cell)"
    # photo: smooth continuous tone around the region (text around a bar has mid-tones only at
    # its sharp stroke edges; a dark patch of a photograph is surrounded by smooth mid-tones)
    pad_in, pad_out = int(round(1.5 * s)), int(round(6 * s))
    H, W = gray.shape
    ox0, oy0, ox1, oy1 = max(0, x0 - pad_out), max(0, y0 - pad_out), min(W, x1 + pad_out), min(H, y1 + pad_out)
    ring = np.ones((oy1 - oy0, ox1 - ox0), bool)
    ring[max(0, y0 - pad_in - oy0):y1 + pad_in - oy0, max(0, x0 - pad_in - ox0):x1 + pad_in - ox0] = False
    if ring.any():
        area = cv2.GaussianBlur(gray[oy0:oy1, ox0:ox1], (5, 5), 0)
        grad = np.hypot(cv2.Sobel(area, cv2.CV_32F, 1, 0), cv2.Sobel(area, cv2.CV_32F, 0, 1)) / 8
        rv, rg = area[ring], grad[ring]
        smooth_mid = float(((rv > 50) & (rv < 200) & (rg < 12)).mean())
        if smooth_mid > PHOTO_SMOOTH:
            return "continuous-tone surround (photo)"
    return ""


def _text_row(light: np.ndarray, s: float) -> bool:
    """True when >= 3 light marks of letter size sit in one row (horizontal, or vertical for text
    printed sideways)."""
    return _text_row_h(light, s) or _text_row_h(light.T.copy(), s)


def _text_row_h(light: np.ndarray, s: float) -> bool:
    h, w = light.shape
    nl, _, st, cen = cv2.connectedComponentsWithStats(light, connectivity=8)
    ys = [float(cen[j][1]) for j in range(1, nl)
          if int(st[j][4]) >= 3 and max(1.5 * s, 0.2 * h) <= int(st[j][3]) <= 0.8 * h and int(st[j][2]) <= 3 * int(st[j][3])]
    if len(ys) < 3:
        return False
    med = float(np.median(ys))
    return sum(1 for y in ys if abs(y - med) <= 0.2 * h) >= 3


def _fill_holes(mask: np.ndarray) -> np.ndarray:
    """``mask`` with every enclosed hole filled (flood fill of the background from the border)."""
    m = np.pad(mask.astype(np.uint8), 1)
    ff = m.copy()
    cv2.floodFill(ff, np.zeros((m.shape[0] + 2, m.shape[1] + 2), np.uint8), (0, 0), 1)
    return ((m | (1 - ff)) > 0)[1:-1, 1:-1]


# --------------------------------------------------------------------------------------------
# outlined white boxes


def outlined_boxes(pm: PageModel, sp: ScanPage, rejected: list | None = None) -> list[Candidate]:
    """Outlined white boxes with an exemption label in their band (``rejected`` collects the rest).

    On an image-only page the labels can only come from OCR, which runs after detection: the empty
    outlines are then kept on the render (``sp.outlines``) and labelled later by
    :func:`label_outlines` (their presence is also a reason to run OCR)."""
    labels = _labels(pm)
    if not labels and not (is_image_only(pm) and pm.settings.ocr != "off" and ocr.available(pm.settings)):
        return []  # no exemption label on the page, and none can come from OCR: skip the work
    sp.outlines = _empty_outlines(pm, sp, rejected)
    return label_outlines(pm, sp, labels, rejected) if labels else []


def label_outlines(pm: PageModel, sp: ScanPage, labels=None, rejected: list | None = None) -> list[Candidate]:
    """Candidates for the empty outlines of ``sp`` that have an exemption label in their band, and
    for the unlabelled ones that match the labelled ones (:func:`_like_labelled`)."""
    labels = _labels(pm) if labels is None else labels
    out: list[Candidate] = []
    bare = []
    for box in sp.outlines:
        lab = _band_label(box, labels, pm)
        if not lab:
            bare.append(box)
            continue
        out.append(Candidate(box, "raster", "outlined-box", (1.0, 1.0, 1.0), label=lab,
                             detail=f"empty outlined box in the page scan with exemption label {lab!r} in its band"))
    for box, why in _like_labelled(pm, sp, [c.bbox for c in out], bare):
        if why is None:
            out.append(Candidate(box, "raster", "outlined-box", (1.0, 1.0, 1.0),
                                 detail="empty outlined box in the page scan like the labelled ones on the page "
                                        "(outline, inside and place in the text)"))
        elif rejected is not None:
            rejected.append((box, why))
    return out


def _like_labelled(pm: PageModel, sp: ScanPage, labelled: list[g.Box], bare: list[g.Box]):
    """(box, None) for each unlabelled outline that is drawn like the page's labelled ones and sits in
    the text as they do; (box, reason) for the rest.

    An empty outlined rectangle alone is a form field: it is a redaction only when the page has
    labelled outlines, at least as many as the unlabelled ones (a form has many empty fields), its
    outline has the grey and width of a labelled one (``STYLE_GREY``, ``STYLE_WIDTH_PX``), and it stands
    in the running text: its left side on the left edge of a text line just above or below it
    (``COLUMN_PT``), or text running on both sides of it in its row (not a field prompt ending in ':')."""
    if not bare:
        return []
    def distinct(boxes):
        return [b for i, b in enumerate(boxes) if not any(g.iou(b, q) >= 0.8 for q in boxes[:i])]

    if not labelled or len(distinct(bare)) > len(distinct(labelled)):
        return [(b, "no exemption label in its band (and not like labelled outlines on the page)") for b in bare]
    styles = [_outline_style(sp, b) for b in labelled]
    lines = [ln for ln in pm.context_lines if ln.chars and not is_label_text(ln.text.strip())]
    out = []
    for box in bare:
        st = _outline_style(sp, box)
        if st is None or not any(o is not None and abs(st[0] - o[0]) <= STYLE_GREY and abs(st[1] - o[1]) <= STYLE_WIDTH_PX
                                 for o in styles):
            out.append((box, f"no exemption label in its band, outline {st} unlike the labelled ones"))
            continue
        if not _in_text(box, lines):
            out.append((box, "no exemption label in its band, not placed in the text like a redaction"))
            continue
        out.append((box, None))
    return out


def _outline_style(sp: ScanPage, box: g.Box) -> tuple[float, float] | None:
    """(median darkest grey, median width in render pixels) of an outline's drawn sides."""
    x0, y0, x1, y1 = sp.to_pixels(box)
    gray = sp.gray
    r = max(2, int(round(2 * sp.px_per_pt)))
    greys, widths = [], []
    for strip in (gray[max(0, y0 - r):y0 + r + 1, x0 + (x1 - x0) // 5:x1 - (x1 - x0) // 5],
                  gray[max(0, y1 - r):y1 + r + 1, x0 + (x1 - x0) // 5:x1 - (x1 - x0) // 5],
                  gray[y0 + (y1 - y0) // 5:y1 - (y1 - y0) // 5, max(0, x0 - r):x0 + r + 1].T,
                  gray[y0 + (y1 - y0) // 5:y1 - (y1 - y0) // 5, max(0, x1 - r):x1 + r + 1].T):
        if strip.size == 0:
            continue
        n = (strip < OUTLINE_GRAY).sum(0)
        drawn = n > 0
        if drawn.mean() >= 0.5:
            greys.append(float(np.median(strip.min(0)[drawn])))
            widths.append(float(np.median(n[drawn])))
    if not greys:
        return None
    return float(np.median(greys)), float(np.median(widths))


def _in_text(box: g.Box, lines) -> bool:
    """Whether an outline stands in the running text (see :func:`_like_labelled`)."""
    h = max([ln.bbox[3] - ln.bbox[1] for ln in lines] or [12.0])
    for ln in lines:
        lb = ln.bbox
        gap = max(lb[1] - box[3], box[1] - lb[3])
        if 0 <= gap <= 2 * h and abs(lb[0] - box[0]) <= COLUMN_PT:
            return True      # the box starts where the text lines next to it start
    left = right = None
    for ln in lines:
        lb = ln.bbox
        ov = min(lb[3], box[3]) - max(lb[1], box[1])
        if ov < 0.5 * (lb[3] - lb[1]):
            continue
        for wb, text in _words(ln):
            if 0 <= box[0] - wb[2] <= TEXT_GAP_PT:
                left = text
            if 0 <= wb[0] - box[2] <= TEXT_GAP_PT:
                right = text
    return bool(left and right and not left.endswith(":"))


def _empty_outlines(pm: PageModel, sp: ScanPage, rejected: list | None = None) -> list[g.Box]:
    """Display boxes of thin rectangular outlines with nothing printed inside."""
    gray = sp.gray
    s = sp.px_per_pt
    mask = _scan_mask(pm, sp)
    ink = ((gray < OUTLINE_GRAY) & (mask > 0)).astype(np.uint8)
    min_len = int(round(20 * s))
    horiz = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (min_len, 1)))
    vert = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, int(round(8 * s)))))
    lines = cv2.dilate(horiz | vert, _kernel(3))
    # closed outlines: holes of the line mask
    contours, hier = cv2.findContours(lines, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    if hier is None:
        return []
    out: list[g.Box] = []
    page_area = gray.shape[0] * gray.shape[1]
    rects = []
    def add(x, y, w, h):
        if not any(abs(x - a) < 3 * s and abs(y - b) < 3 * s and abs(w - c) < 6 * s and abs(h - d) < 6 * s
                   for a, b, c, d in rects):
            rects.append((x, y, w, h))

    for idx, cnt in enumerate(contours):
        x, y, w, h = cv2.boundingRect(cnt)
        if w < 25 * s or h < 10 * s or w * h > 0.5 * page_area:
            continue
        if hier[0][idx][3] >= 0:
            # a hole of the line mask: a closed outline
            if cv2.contourArea(cnt) >= 0.9 * w * h:
                rects.append((x, y, w, h))
            continue
        sub = lines[y:y + h, x:x + w]
        ok, sides = _four_sides(sub, s)
        if ok:
            # an outline with small breaks (faint scans): all four sides mostly drawn
            add(x + 2, y + 2, w - 4, h - 4)   # the hole side of the dilated outline
            continue
        # outlines that touch (one box's side is part of another's) make one component: its
        # rectangles of drawn sides, each with nothing drawn across its inside
        pieces = _touching_outlines(sub, s, ink[y:y + h, x:x + w])
        if not pieces and _four_sides(sub, s, ink[y:y + h, x:x + w])[0]:
            pieces = [(2, 2, w - 2, h - 2)]   # sides broken only where printed text crosses them
        for a, b, c, d in pieces:
            add(x + a, y + b, c - a, d - b)
        if not pieces and rejected is not None:
            rejected.append((sp.to_display(x, y, x + w, y + h),
                             f"not a closed outline (sides {', '.join(f'{v:.2f}' for v in sides)})"))
    for x, y, w, h in rects:
        m = max(2, int(round(2 * s)))
        inner = ink[y + m:y + h - m, x + m:x + w - m]
        if inner.size == 0:
            continue
        # a text line that runs across the outline (a release banner stamped over the box) is not
        # content of the box: rows inked just outside its left or right side are left out
        o = max(2, int(round(6 * s)))
        rows = slice(y + m, y + h - m)
        cross = ink[rows, max(0, x - o):max(0, x - 1)].any(1) | ink[rows, x + w + 1:x + w + o].any(1)
        # (an inside without ink, <= 0.2 % JPEG specks, is empty even when text ends right beside it
        # on every row: the CIA p3 box between a line's last word and the label across its end)
        if inner.mean() > 0.002 and (cross.all() or inner[~cross].mean() > 0.01):
            if rejected is not None:
                rejected.append((sp.to_display(x, y, x + w, y + h), "printed matter inside"))
            continue  # something printed inside: a form field or a table cell
        out.append(sp.to_display(x - 1, y - 1, x + w + 1, y + h + 1))
    return out


def _side_cover(lines: np.ndarray, t: int) -> tuple[np.ndarray, ...]:
    """Per side (top, bottom, left, right) of a line-mask box: which positions along it are drawn."""
    return (lines[:t, :].any(0), lines[-t:, :].any(0), lines[:, :t].any(1), lines[:, -t:].any(1))


def _four_sides(lines: np.ndarray, s: float, ink: np.ndarray | None = None) -> tuple[bool, tuple]:
    """Whether a line-mask component is a rectangle outline: each side's band mostly inked and the
    inside mostly empty (and the share of each side drawn).  With ``ink`` (the page's ink under the
    component), a side broken where printed text crosses it counts as drawn under the text."""
    h, w = lines.shape
    t = max(2, int(round(3 * s)))
    if h <= 3 * t or w <= 3 * t:
        return False, (0.0,) * 4
    drawn = _side_cover(lines, t)
    sides = tuple(float(v.mean()) for v in drawn)
    if ink is None:
        ranked = sorted(sides)
        # every side mostly drawn, or three drawn in full and the fourth broken (a stamp across it)
        closed = ranked[0] >= SIDE_COVER or (ranked[0] >= 0.6 and ranked[1] >= 0.95)
    else:
        # printed matter in a 4 pt band along the side, where the side itself is not drawn
        b = max(t, int(round(4 * s)))
        text = (ink[:b, :].any(0), ink[-b:, :].any(0), ink[:, :b].any(1), ink[:, -b:].any(1))
        gap = max(1, int(round(OCCLUDED_GAP_PT * s)))     # between letters and lines of a label
        cover, occs = [], []
        for d, tx in zip(drawn, text):
            occ = cv2.morphologyEx((tx & ~d).astype(np.uint8)[None, :], cv2.MORPH_CLOSE,
                                   np.ones((1, gap), np.uint8))[0] > 0
            occs.append(occ)
            cover.append(float((d | occ).mean()))
        ranked = sorted(sides)
        # two sides whole and every side partly drawn (a banner over a corner), or three drawn and
        # the fourth under printed text (a label printed across it); the rest under printed text
        # (as for a stamp across an outline, 60 % of that fourth side will do)
        closed = ranked[2] >= 0.95 and (
            (ranked[0] >= OCCLUDED_DRAWN and min(cover) >= SIDE_COVER)
            or (ranked[1] >= SIDE_COVER and min(cover) >= 0.6))
        if closed:
            # rows of text running across the box are not lines drawn inside it
            keep = ~(occs[2] | occs[3])[t:-t]
            inner = lines[t:-t, t:-t][keep]
            return bool(inner.size and inner.mean() < 0.02), sides
        return False, sides
    return bool(closed and lines[t:-t, t:-t].mean() < 0.02), sides


#: candidate rectangles of a component up to which each is tested on slices of the mask; past it
#: the sums of :class:`_Sides` pay (a pass over the component: ~20 ms for a page-sized frame at
#: 150 dpi, against ~0.1 ms a sliced rectangle; a ledger grid has thousands of rectangles)
SLICED_RECTS = 64


class _Sides:
    """What :func:`_four_sides` (without ``ink``) reads of any window of one line mask, from sums
    made once: the share of each side's band drawn and how much is drawn inside.  A table grid
    makes hundreds of candidate rectangles per component; slicing and reducing the mask for each
    (the plain test) cost seconds a page.  Counts are integers, so each share is the same float
    the slices give."""

    def __init__(self, lines: np.ndarray, t: int):
        self.lines, self.t = lines, t
        h, w = lines.shape
        self.csum = np.zeros((h + 1, w), np.int64)       # per column, down the rows
        np.cumsum(lines, axis=0, dtype=np.int64, out=self.csum[1:])
        self.sat = np.zeros((h + 1, w + 1), np.int64)    # summed-area table
        np.cumsum(self.csum, axis=1, out=self.sat[:, 1:])
        self.rsum = np.zeros((h, w + 1), np.int64)       # per row, along the columns
        np.cumsum(lines, axis=1, dtype=np.int64, out=self.rsum[:, 1:])
        self._rows: dict[int, np.ndarray] = {}
        self._cols: dict[int, np.ndarray] = {}

    def _band_rows(self, r: int) -> np.ndarray:
        """Running count of the columns drawn in rows r..r+t."""
        out = self._rows.get(r)
        if out is None:
            out = self._rows[r] = np.concatenate(([0], self.lines[r:r + self.t].any(0).cumsum()))
        return out

    def _band_cols(self, c: int) -> np.ndarray:
        out = self._cols.get(c)
        if out is None:
            out = self._cols[c] = np.concatenate(([0], self.lines[:, c:c + self.t].any(1).cumsum()))
        return out

    def sides(self, r0: int, r1: int, c0: int, c1: int) -> tuple[float, float, float, float]:
        """Share drawn of the top, bottom, left and right side bands of ``lines[r0:r1, c0:c1]``."""
        t, bw, bh = self.t, c1 - c0, r1 - r0
        top, bot = self._band_rows(r0), self._band_rows(r1 - t)
        left, right = self._band_cols(c0), self._band_cols(c1 - t)
        return ((top[c1] - top[c0]) / bw, (bot[c1] - bot[c0]) / bw,
                (left[r1] - left[r0]) / bh, (right[r1] - right[r0]) / bh)

    def inside_mean(self, r0: int, r1: int, c0: int, c1: int) -> float:
        s = self.sat
        n = (r1 - r0) * (c1 - c0)
        return float(s[r1, c1] - s[r0, c1] - s[r1, c0] + s[r0, c0]) / n if n > 0 else float("nan")

    def ranked(self, r0: int, r1: int, c0: int, c1: int) -> list[float] | None:
        """The four side shares of the window, least drawn first, or None for a window too small
        to be an outline (``_four_sides`` says no to it with or without ``ink``)."""
        t = self.t
        if r1 - r0 <= 3 * t or c1 - c0 <= 3 * t:
            return None
        return sorted(self.sides(r0, r1, c0, c1))

    def plain(self, ranked: list[float], r0: int, r1: int, c0: int, c1: int) -> bool:
        """``_four_sides(lines[r0:r1, c0:c1], s)[0]``, given the window's :meth:`ranked` shares."""
        t = self.t
        closed = ranked[0] >= SIDE_COVER or (ranked[0] >= 0.6 and ranked[1] >= 0.95)
        return bool(closed and self.inside_mean(r0 + t, r1 - t, c0 + t, c1 - t) < 0.02)

    @staticmethod
    def may_be_occluded(ranked: list[float]) -> bool:
        """False when ``_four_sides`` with ``ink`` must say no: it needs two sides drawn >= 0.95
        and the least drawn >= OCCLUDED_DRAWN or the next >= SIDE_COVER (from the same shares)."""
        return ranked[2] >= 0.95 and (ranked[0] >= OCCLUDED_DRAWN or ranked[1] >= SIDE_COVER)

    def nothing_across(self, r0: int, r1: int, c0: int, c1: int) -> bool:
        """No row or column of ``lines[r0:r1, c0:c1]`` is half drawn (False when it is empty)."""
        if r1 <= r0 or c1 <= c0:
            return False
        cols = self.csum[r1, c0:c1] - self.csum[r0, c0:c1]
        rows = self.rsum[r0:r1, c1] - self.rsum[r0:r1, c0]
        return bool(cols.max() / (r1 - r0) < 0.5 and rows.max() / (c1 - c0) < 0.5)


def _touching_outlines(lines: np.ndarray, s: float, ink: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Rectangles (x0, y0, x1, y1, inside the hole) of a line-mask component made of outlines that
    touch: the smallest rectangles whose four sides are drawn (>= SIDE_COVER) with no line across
    their inside."""
    t = max(2, int(round(3 * s)))
    hs, ends = _line_positions(lines, int(round(20 * s)), t)
    vs, _ = _line_positions(lines.T, int(round(9 * s)), t)     # sides of boxes >= 10 pt tall
    # a side broken by printed text across it (a label over the box's end) is where lines end
    vs.update({e: (e - 1, e + 1) for e in ends if all(abs(e - v) > t for v in vs)})
    edge_h, edge_v = hs, vs
    hs, vs = sorted(hs), sorted(vs)
    if len(hs) < 2 or len(vs) < 2 or len(hs) > 24 or len(vs) > 24:
        return []
    H, W = lines.shape
    pairs = len(hs) * (len(hs) - 1) * len(vs) * (len(vs) - 1) // 4
    # the sums cost a pass over the component: for a few rectangles slicing is cheaper
    sides = _Sides(lines, t) if pairs > SLICED_RECTS else None
    found = []
    for i, y0 in enumerate(hs):
        for y1 in hs[i + 1:]:
            if y1 - y0 < 10 * s:
                continue
            r0, r1 = max(0, y0 - t // 2), min(H, y1 + t // 2 + 1)
            for j, x0 in enumerate(vs):
                for x1 in vs[j + 1:]:
                    if x1 - x0 < 25 * s:
                        continue
                    c0, c1 = max(0, x0 - t // 2), min(W, x1 + t // 2 + 1)
                    if sides is None:
                        box = lines[r0:r1, c0:c1]
                        ok = _four_sides(box, s)[0] or _four_sides(box, s, ink[r0:r1, c0:c1])[0]
                        inner = box[t:-t, t:-t]
                        # no line drawn across the inside (a shared side of a touching box)
                        if ok and inner.size and inner.mean(0).max() < 0.5 and inner.mean(1).max() < 0.5:
                            found.append((x0, y0, x1, y1))
                        continue
                    if not sides.nothing_across(r0 + t, r1 - t, c0 + t, c1 - t):
                        continue
                    ranked = sides.ranked(r0, r1, c0, c1)
                    if ranked is not None and (sides.plain(ranked, r0, r1, c0, c1) or (
                            sides.may_be_occluded(ranked)
                            and _four_sides(lines[r0:r1, c0:c1], s, ink[r0:r1, c0:c1])[0])):
                        found.append((x0, y0, x1, y1))
    # the smallest: none holding another one
    out = [r for r in found if not any(q != r and q[0] >= r[0] and q[1] >= r[1] and q[2] <= r[2]
                                       and q[3] <= r[3] for q in found)]
    # the hole: from the inner edge of one (dilated) line to the inner edge of the other
    return [(edge_v[x0][1], edge_h[y0][1], edge_v[x1][0] + 1, edge_h[y1][0] + 1) for x0, y0, x1, y1 in out]


def _line_positions(lines: np.ndarray, min_len: int, t: int) -> tuple[dict[int, tuple[int, int]], list[int]]:
    """Rows of ``lines`` holding a run of at least ``min_len`` (rows within ``t`` merged: their
    middle, with the first and last row), and the columns where such runs start or end."""
    h, w = lines.shape
    padded = np.zeros((h, w + 2), np.int8)
    padded[:, 1:-1] = lines
    d = np.diff(padded, axis=1)
    # runs of one row: starts and ends come in the same row-major order, so they pair by index
    start_r, start_c = np.nonzero(d == 1)
    _, end_c = np.nonzero(d == -1)
    long = (end_c - start_c) >= min_len
    rows = np.unique(start_r[long]).tolist()
    ends = set((start_c[long] + 1).tolist()) | set((end_c[long] - 2).tolist())
    out, grp = {}, []
    for r in rows + [None]:
        if grp and (r is None or r - grp[-1] > t):
            out[(grp[0] + grp[-1]) // 2] = (grp[0], grp[-1])
            grp = []
        if r is not None:
            grp.append(r)
    # run ends that recur (within t) are the ends of lines
    ends = sorted(ends)
    cut, grp = [], []
    for e in ends:
        if grp and e - grp[-1] > t:
            cut.append((grp[0] + grp[-1]) // 2)
            grp = []
        grp.append(e)
    if grp:
        cut.append((grp[0] + grp[-1]) // 2)
    return out, cut


def _labels(pm: PageModel) -> list[tuple[g.Box, str]]:
    """Exemption labels readable on the page (text layer, OCR layer or OCR words)."""
    if not pm.chars and not pm.ocr_chars:
        return []
    out = []
    for ln in pm.context_lines:
        for part in _words(ln):
            if is_label_text(part[1]):
                out.append(part)
    return out


def _words(ln) -> list[tuple[g.Box, str]]:
    words, cur = [], []
    prev = None
    for ch in ln.chars:
        if ch.c.strip() and prev is not None and ch.bbox[0] - prev.bbox[2] > 0.25 * max(ch.size, 1):
            words.append(cur)
            cur = []
        if ch.c.strip():
            cur.append(ch)
            prev = ch
        elif cur:
            words.append(cur)
            cur, prev = [], None
    if cur:
        words.append(cur)
    return [(g.union(c.bbox for c in w), "".join(c.c for c in w)) for w in words if w]


def _band_label(box: g.Box, labels, pm: PageModel) -> str | None:
    best = None
    for lb, text in labels:
        if g.inter_area(lb, box) > 0.5 * g.area(lb):
            return text  # printed inside the box
        ov = min(box[3], lb[3]) - max(box[1], lb[1])
        near_v = ov > 0 or min(abs(lb[1] - box[3]), abs(box[1] - lb[3])) <= LABEL_BAND_PT
        beside = lb[0] >= box[2] - 2 or lb[2] <= box[0] + 2
        under = ov <= 0 and lb[0] < box[2] and lb[2] > box[0]     # just above or below, overlapping
        if near_v and (beside or under):
            # a label in the box's own rows first (one just above may be the label of a box
            # touching it from above), then the nearest
            d = (ov <= 0, 0.0 if under else min(abs(lb[0] - box[2]), abs(box[0] - lb[2])))
            if best is None or d < best[0]:
                best = (d, text)
    return best[1] if best else None

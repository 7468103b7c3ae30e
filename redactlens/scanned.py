"""What the pipeline does on scanned pages after detection: ``image_under_box`` leaks, OCR, findings.

``image_under_box``: a vector box (or an annotation) drawn over a placed page image is not burned in.
The image XObject itself -- not the render, where the box is painted -- is decoded once per page
(cached on the page model), the box is mapped into its pixels through the placement matrix
(:func:`geometry.display_to_image_pixels`: rotation, flips and crop honoured) and the pixels under
it, less a 1 pt rim, are read:

* ink = grey < 128 (for a stencil mask: the painted samples);
* *solid* ink = ink after a morphological opening with a ~3 pt square (a bar already burned into
  the scan, as on the court exhibit where vector boxes sit on black bars);
* *content* = ink farther than 1 pt from any solid ink: strokes of letters, digits, signatures.

The box leaks when content covers >= :data:`MIN_CONTENT` of the area under it and solid ink
covers less than :data:`MAX_SOLID` of it.  With Tesseract available, the scan image is read once
per page (:func:`run_ocr`) and the words under each such box become the leak's text.

OCR for context: on image-only pages (see :mod:`redactlens.ocr` for when), :func:`read_page` reads
the scan and returns a :class:`~redactlens.page.PageOcr`; the pipeline hands it to the page model
(:meth:`PageModel.with_ocr`), so context, fields and exemptions are read from it exactly as from a
text layer.

Every function here takes what it needs and returns new values (the pipeline, and only the
pipeline, decides the order: :mod:`redactlens.pipeline`).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np
import pymupdf

from . import geometry as g
from . import leaks, ocr
from .detect import raster
from .errors import MUPDF_ERRORS
from .evidence import Found, judge, lines_text, same_box
from .model import Finding, Leak, Redaction
from .page import PageModel, PageOcr
from .render import capped_dpi, render_gray
from .settings import Settings
from .text import has_alnum

INK_GRAY = 128
MIN_CONTENT = 0.01
MAX_SOLID = 0.5
HIDDEN_DARK = 0.9         # the box must render this dark to hide what is under it
RIM_PT = 1.0
SOLID_PT = 3.0
OUTLINE_EDGE_PT = 4.0     # OCR-layer glyphs this close to an outline are read from the outline
OUTLINE_SPAN = 0.9        # an OCR-layer word this wide (x the box) is read from the outline: the CIA
                          # bulletin p2's banner-crossed box read "IL-~~~~" from its sides
VISIBLE_INK = (0.06, 0.8)  # share of dark pixels under a glyph that shows printed text
BOX_METHODS = ("vector", "annotation")


class Decoded:
    """One decoded image XObject: ``ink`` (bool array, True = painted dark) and its placement."""

    def __init__(self, info: dict, ink: np.ndarray, gray: np.ndarray):
        self.info, self.ink, self.gray = info, ink, gray
        self.h, self.w = ink.shape


#: what MuPDF raises on a damaged or hostile image stream
IMAGE_ERRORS = MUPDF_ERRORS + (MemoryError,)


def decode(pm: PageModel, info: dict) -> Decoded | None:
    """The image XObject placed as ``info``, decoded once per page (``pm.caches.decoded_images``);
    None when it is too large (``max_decode_pixels``) or cannot be decoded."""
    cache = pm.caches.decoded_images
    xref = info.get("xref") or 0
    key = (xref, tuple(round(v, 2) for v in info["transform"]))
    if key in cache:
        return cache[key]
    dec = None
    w, h = info.get("width", 0), info.get("height", 0)
    if xref and 0 < w * h <= pm.settings.max_decode_pixels:
        try:
            pix = pymupdf.Pixmap(pm.page.parent, xref)
            if pix.colorspace is None and pix.alpha and pix.n == 1:
                # a stencil mask (/ImageMask): the samples are the painted coverage
                a = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.stride)[:, :pix.width]
                gray = 255 - a
            else:
                if pix.alpha or pix.n != 1 or pix.colorspace.n != 1:
                    pix = pymupdf.Pixmap(pymupdf.csGRAY, pymupdf.Pixmap(pix, 0) if pix.alpha else pix)
                gray = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.stride)[:, :pix.width]
            dec = Decoded(info, gray < INK_GRAY, gray)
        except IMAGE_ERRORS:
            dec = None
    cache[key] = dec
    return dec


def _image_px_box(pm: PageModel, dec: Decoded, box: g.Box) -> tuple[int, int, int, int] | None:
    pts = g.display_to_image_pixels(box, pm.page, dec.info["transform"], dec.w, dec.h)
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    x0, x1 = max(0, int(round(min(xs)))), min(dec.w, int(round(max(xs))))
    y0, y1 = max(0, int(round(min(ys)))), min(dec.h, int(round(max(ys))))
    if x1 - x0 < 2 or y1 - y0 < 2:
        return None
    return x0, y0, x1, y1


def _px_per_pt(pm: PageModel, dec: Decoded) -> float:
    b = pm.to_display(dec.info["bbox"])
    bw, bh = g.width(b), g.height(b)
    # the image may be placed rotated: compare the longer sides
    return max(dec.w, dec.h) / max(bw, bh, 1e-6)


@dataclass(frozen=True)
class Ink:
    """What the strongest page image under a box holds there: shares of the area (less a rim) in
    ``content`` strokes, ``solid`` ink and any ``dark`` ink, the image and the pixel box read."""

    content: float
    solid: float
    dark: float
    image: dict
    px: tuple
    dec: Decoded


def ink_under(pm: PageModel, box: g.Box) -> Ink | None:
    """What the page images hold under ``box`` (the strongest image), or None if no image is under it.

    """
    best = None
    for info in pm.images:
        ib = pm.to_display(info["bbox"])
        if g.covered_fraction(box, ib) < 0.5 or g.area(ib) < 2 * g.area(box):
            continue
        dec = decode(pm, info)
        if dec is None:
            continue
        px = _image_px_box(pm, dec, box)
        if px is None:
            continue
        s = _px_per_pt(pm, dec)
        rim = int(round(RIM_PT * s))
        x0, y0, x1, y1 = px
        if x1 - x0 > 2 * rim + 2 and y1 - y0 > 2 * rim + 2:
            x0, y0, x1, y1 = x0 + rim, y0 + rim, x1 - rim, y1 - rim
        crop = dec.ink[y0:y1, x0:x1].astype(np.uint8)
        k = max(1, int(round(SOLID_PT * s)))
        solid = cv2.morphologyEx(crop, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
        near = cv2.dilate(solid, cv2.getStructuringElement(cv2.MORPH_RECT, (2 * rim + 1, 2 * rim + 1)))
        content = crop & (1 - near)
        r = Ink(float(content.mean()), float(solid.mean()), float(crop.mean()), info, (x0, y0, x1, y1), dec)
        if best is None or r.content > best.content:
            best = r
    return best


def image_ink(pm: PageModel, found: list[Found]) -> dict[int, Ink]:
    """The boxes of ``found`` (by index) drawn over a page image that still shows ink under them
    (the ``image_under_box`` evidence, before any text is read)."""
    out: dict[int, Ink] = {}
    if not pm.images:
        return out
    for i, f in enumerate(found):
        if f.cand.method not in BOX_METHODS:
            continue
        r = ink_under(pm, f.cand.bbox)
        if r is None or r.content < MIN_CONTENT or r.solid >= MAX_SOLID:
            continue
        if f.cand.method == "vector" and _shown_dark(pm, f.cand.bbox) < HIDDEN_DARK:
            continue  # the page as shown is not dark there: the ink is visible, not hidden
        # (annotations are judged as boxes by the detector; an unapplied Redact annotation leaves
        # the image whole, so the ink under it counts whatever the annotation looks like)
        out[i] = r
    return out


def image_leaks(pm: PageModel, found: list[Found], ink: dict[int, Ink],
                body: "leaks.BodyText | None" = None) -> dict[int, Leak]:
    """The ``image_under_box`` leak of each box of ``ink``, with the words read under it: from
    OCR of the page (``pm.ocr``, confident words only) or else an invisible OCR layer; ``body``: the
    page's :func:`~redactlens.leaks.body_text` when the caller has it."""
    out: dict[int, Leak] = {}
    words, to_display = (pm.ocr.words, pm.ocr.to_display) if pm.ocr is not None else ((), None)
    floor = pm.settings.ocr_leak_conf
    if ink and body is None:
        body = leaks.body_text(pm.chars)
    for i, r in ink.items():
        box = found[i].cand.bbox
        # words read under the box, confidently (scribbles and signatures read as short junk)
        sure = [w for w in words if w.conf >= floor and g.covered_fraction(to_display(w.box), box) >= 0.5]
        parts = found[i].cand.painted_parts()     # each letter judged under the parts (leaks.py)
        hidden = leaks.under_parts(ocr.words_to_chars(sure, to_display), parts) if sure else []
        if not hidden:
            hidden = leaks.under_parts([c for c in pm.chars if c.invisible], parts)
        text = lines_text(hidden)
        out[i] = leaks.located(Leak(how="image_under_box", text=text if has_alnum(text) else "",
                      detail=f"the page image under the box still shows ink ({r.content:.0%} of the area "
                             f"in strokes, image xref {r.image.get('xref')}): removing the box or "
                             "extracting the image reveals it"), parts, hidden, body)
    return out


def _shown_dark(pm: PageModel, box: g.Box) -> float:
    """Share of the box (less a 1 pt rim) that is dark on the page as shown (the render)."""
    inner = (box[0] + RIM_PT, box[1] + RIM_PT, box[2] - RIM_PT, box[3] - RIM_PT)
    if inner[2] <= inner[0] or inner[3] <= inner[1]:
        inner = box
    sp = raster.scan_page(pm)
    if sp is not None:
        x0, y0, x1, y1 = sp.to_pixels(inner)
        crop = sp.gray[y0:y1, x0:x1]
    else:
        crop = render_gray(pm.page, dpi=72, clip=inner).pixels
    return float((crop < 110).mean()) if crop.size else 0.0


# ------------------------------------------------------------------------------------------------
# OCR


def wants_ocr(pm: PageModel, found: list[Found]) -> bool:
    """OCR an image-only page when it holds redactions, or empty outlined boxes that only an
    exemption label read by OCR can confirm (mode ``auto``); every image-only page in mode ``all``."""
    m = pm.settings.ocr
    if m == "off" or not raster.is_image_only(pm):
        return False
    sp = raster.scan_page(pm)
    return m == "all" or bool(found) or bool(sp is not None and sp.outlines)


def outlines_after_ocr(pm: PageModel, found: list[Found]) -> list[Found]:
    """Outlined boxes of an image-only page that the words OCR read label as redactions, and that
    ``found`` does not hold yet (new boxes only)."""
    sp = raster.scan_page(pm)
    if sp is None or not sp.outlines or pm.ocr is None:
        return []
    new: list[Found] = []
    for cand in raster.label_outlines(pm, sp):
        if any(same_box(f.cand.bbox, cand.bbox) for f in found + new):
            continue
        v = judge(cand, pm)
        if v.accept:
            new.append(Found(cand, v))
    return new


# -- which parts of a page context OCR reads -------------------------------------------------------
#: Context is read from the rows around a box (:mod:`redactlens.enrich.context`): the key/label left
#: of it and the margin level with it (its own rows: a band spans the page's width), the sentence (up
#: to 3 rows above and below, gaps <= 1.2 line heights), a stacked label or a signature line right
#: above or below, and a column header: the top row of the table block above the box (rows of two or
#: more cells, <= 2.5 line heights apart, at most ``HEADER_LOOKUP`` = 420 pt up).  The rows are the
#: runs of ink in the scan render's row profile; a row is a *table row* when a blank gap of
#: CELL_GAP_PT splits its ink (a context run ends at gaps of 1.6 x the font size: >= 10 pt for any
#: print of 6 pt and more) or a box sits on it.  The band of a box reaches SENTENCE_ROWS rows up
#: (one more than the sentence needs) and then on up over table rows, DOWN_ROWS rows down; a blank
#: gap of BLANK_GAP_PT (2.5 lines of 12 pt print) ends it either way.  Everything outside the bands
#: is painted white before Tesseract reads the image: one call, the same pixel coordinates.
BLANK_GAP_PT = 30.0
CELL_GAP_PT = 10.0
HEADER_LOOKUP_PT = 430.0
SENTENCE_ROWS = 4
DOWN_ROWS = 4
REGION_PAD_PT = 4.0
#: bands covering more than this share of the page's height are not worth the masking: the whole
#: page is read
REGION_MAX_SHARE = 0.8
MIN_ROW_PT = 2.5          # a row of ink less tall than this is specks, not print
ROW_INK_PX = 3            # a pixel row of the render with this many dark pixels holds ink
RULE_LONG_PT = 30.0       # vertical ink this long is a rule or a frame side, not text
EDGE_SHARE = 0.02         # left/right strips left out of the ink profile (scanner edge shadows)


def _ink_rows(sp: raster.ScanPage, boxes: list[g.Box]) -> list[tuple[int, int, bool]]:
    """The rows of ink of the scan render, top to bottom: (first pixel row, last + 1, table row)."""
    h, w = sp.gray.shape
    e = int(round(EDGE_SHARE * w))
    core = (sp.gray[:, e:w - e] if w - 2 * e > 10 else sp.gray) < INK_GRAY
    # vertical rules, frames and scan edges would join every row into one: left out
    k = max(3, int(round(RULE_LONG_PT * sp.scale_y)))
    vertical = cv2.morphologyEx(core.astype(np.uint8), cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, k)))
    core &= ~vertical.astype(bool)
    has = core.sum(axis=1) >= ROW_INK_PX
    edges = np.flatnonzero(np.diff(np.concatenate(([0], has.astype(np.int8), [0]))))
    gap = max(1, int(round(CELL_GAP_PT * sp.scale_x)))
    out = []
    for y0, y1 in zip(edges[::2], edges[1::2]):
        t, b = y0 / sp.scale_y, y1 / sp.scale_y
        if b - t < MIN_ROW_PT:
            continue      # specks and the bottoms of rules: blank paper for this purpose
        table = any(bx[1] < b and bx[3] > t for bx in boxes)
        if not table:
            cols = np.flatnonzero(core[y0:y1].any(axis=0))
            table = bool(cols.size > 1 and (np.diff(cols) > gap).any())
        out.append((int(y0), int(y1), table))
    return out


def _band(rows: list[tuple[int, int, bool]], box: g.Box, s: float) -> tuple[float, float]:
    """The band (top, bottom in points) that the context of ``box`` is read from."""
    blank, lookup = BLANK_GAP_PT * s, HEADER_LOOKUP_PT * s
    y0, y1 = box[1] * s, box[3] * s
    own = [i for i, r in enumerate(rows) if r[0] < y1 and r[1] > y0]
    top_i = min(own) if own else next((i for i, r in enumerate(rows) if r[1] > y0), len(rows))
    bot_i = max(own) if own else top_i - 1
    top = min([y0] + [rows[i][0] for i in own])
    bottom = max([y1] + [rows[i][1] for i in own])
    # upwards: the sentence's rows, then the table block's rows
    cur, i, n = top, top_i - 1, 0
    while i >= 0 and cur - rows[i][1] <= blank and top - rows[i][0] <= lookup:
        n += 1
        if n > SENTENCE_ROWS and not rows[i][2]:
            break
        cur = rows[i][0]
        i -= 1
    up = cur
    cur, i, n = bottom, bot_i + 1, 0
    while i < len(rows) and rows[i][0] - cur <= blank and n < DOWN_ROWS:
        cur, i, n = rows[i][1], i + 1, n + 1
    return up / s - REGION_PAD_PT, cur / s + REGION_PAD_PT


def ocr_regions(pm: PageModel, found: list[Found]) -> list[tuple[float, float]] | None:
    """The horizontal bands (top, bottom in displayed-page points) that context OCR must read on
    this page, or None for the whole page: OCR mode ``all`` (the clear text of every page), the
    ``ocr_regions`` setting off, no render, outlined boxes waiting for a label read by OCR (they
    may become boxes only after OCR), or bands covering most of the page anyway."""
    if pm.settings.ocr == "all" or not pm.settings.ocr_regions:
        return None
    sp = raster.scan_page(pm)
    if sp is None or sp.outlines or not found:
        return None
    boxes = [f.cand.bbox for f in found]
    rows = _ink_rows(sp, boxes)
    bands = sorted(_band(rows, b, sp.scale_y) for b in boxes)
    merged: list[list[float]] = []
    for t, b in bands:
        t, b = max(0.0, t), min(pm.height, b)
        if merged and t <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([t, b])
    if sum(b - t for t, b in merged) > REGION_MAX_SHARE * pm.height:
        return None
    return [(t, b) for t, b in merged]


def _whiten_outside(gray: np.ndarray, keep: list[tuple[int, int, int, int]]) -> np.ndarray:
    """A copy of ``gray`` painted white outside the pixel boxes ``keep``."""
    out = np.full_like(gray, 255)
    for x0, y0, x1, y1 in keep:
        out[y0:y1, x0:x1] = gray[y0:y1, x0:x1]
    return out


@dataclass(frozen=True)
class PageFrame:
    """The one thing of a PyMuPDF page that mapping a box to the displayed page needs: its rotation
    matrix (a 6-tuple).  Stands in for the page in :func:`geometry.to_display`, so that a
    :class:`PageOcr` holds no PyMuPDF object and pickles (a page range scanned in another process)."""

    rotation: tuple

    @property
    def rotation_matrix(self) -> "pymupdf.Matrix":
        return pymupdf.Matrix(*self.rotation)


@dataclass(frozen=True)
class ImagePixelsToDisplay:
    """Pixel box of the OCR'd image (the image XObject turned ``turns`` quarter turns and resized
    by ``scale``) -> displayed-page box: the numbers of the mapping, not a closure (picklable)."""

    scale: float
    turns: int
    w: int
    h: int
    transform: tuple
    frame: PageFrame

    def __call__(self, b) -> g.Box:
        s, k, w, h = self.scale, self.turns, self.w, self.h
        pts = [g.unturn_point(x / s, y / s, k, w, h) for x, y in ((b[0], b[1]), (b[2], b[3]))]
        px = (min(p[0] for p in pts), min(p[1] for p in pts), max(p[0] for p in pts), max(p[1] for p in pts))
        return g.image_pixel_box_to_display(px, self.frame, self.transform, w, h)


@dataclass(frozen=True)
class RenderPixelsToDisplay:
    """Pixel box of a page render -> displayed-page box (``sx``, ``sy``: pixels per point)."""

    sx: float
    sy: float

    def __call__(self, b) -> g.Box:
        return g.pixel_box_to_display(b, self.sx, self.sy)


@dataclass(frozen=True, eq=False)
class OcrJob:
    """One page's Tesseract read, prepared in the main thread (every PyMuPDF call -- the decode or
    render of the image -- is done): :meth:`read` touches only numpy, OpenCV and Tesseract, so it
    may run in a worker thread (:mod:`redactlens.pipeline` runs pages' jobs in a thread pool)."""

    number: int
    src: np.ndarray          # grey image (uint8) as decoded or rendered
    keep: tuple | None       # pixel boxes of ``src`` kept (the rest painted white), None: all
    turns: int               # np.rot90 quarter turns that show it upright
    scale: float             # resize factor (1.0: as it is)
    dpi: float               # resolution Tesseract is told (after the resize)
    to_display: object       # ImagePixelsToDisplay | RenderPixelsToDisplay
    settings: Settings

    def read(self) -> list:
        """Tesseract's words (raises :class:`ocr.OcrFailed`, ``cv2.error``)."""
        src = _whiten_outside(self.src, list(self.keep)) if self.keep is not None else self.src
        gray = np.ascontiguousarray(np.rot90(src, self.turns))
        if self.scale != 1.0:
            gray = cv2.resize(gray, None, fx=self.scale, fy=self.scale,
                              interpolation=cv2.INTER_AREA if self.scale < 1 else cv2.INTER_CUBIC)
        return ocr.read_words(gray, self.dpi, self.settings)


def prepare_ocr(pm: PageModel, ink: dict[int, Ink], found: list[Found] | None = None) -> tuple[OcrJob | None, list[str]]:
    """The main-thread half of the OCR stage: the image to read and how its pixels map to the page.
    The scan image itself is read when boxes are drawn over it (so the words under them are read
    too); otherwise the page is rendered once at the ``ocr_dpi`` setting.  With ``found`` (the
    page's boxes) only the bands their context needs are read (:func:`ocr_regions`).  Returns the
    job (None when there is nothing to read) and warnings."""
    settings: Settings = pm.settings
    if not ocr.available(settings):
        return None, [ocr.unavailable_warning()]
    bands = ocr_regions(pm, found) if found is not None else None
    try:
        dec = next((r.dec for r in ink.values()), None)
        if dec is not None:
            s = _px_per_pt(pm, dec)
            info, w, h = dec.info, dec.w, dec.h
            # turn the image upright as displayed (scans stored sideways under a /Rotate or a
            # rotated placement), so that Tesseract reads lines left to right
            k = g.upright_quarter_turns(pm.page, info["transform"], w, h)
            keep = None
            if bands is not None:
                keep = []
                for t, b in bands:
                    pts = g.display_to_image_pixels((0.0, t, pm.width, b), pm.page, info["transform"], w, h)
                    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
                    keep.append((max(0, int(min(xs))), max(0, int(min(ys))), min(w, int(max(xs)) + 1),
                                 min(h, int(max(ys)) + 1)))
                keep = tuple(keep)
            scale = 1.0
            dpi = s * 72
            if dpi > 1.4 * settings.ocr_dpi or dpi < 0.7 * settings.ocr_dpi:
                scale = settings.ocr_dpi / dpi
            to_display = ImagePixelsToDisplay(scale, k, w, h, tuple(info["transform"]),
                                              PageFrame(g.rotation_of(pm.page)))
            return OcrJob(pm.number, dec.gray, keep, k % 4, scale, dpi * scale, to_display, settings), []
        dpi = capped_dpi(pm.width, pm.height, settings.ocr_dpi, settings.max_render_pixels)
        gray, sx, sy = render_gray(pm.page, dpi=dpi, annots=False)
        keep = None
        if bands is not None:
            keep = tuple((0, int(t * sy), gray.shape[1], int(b * sy) + 1) for t, b in bands)
        return OcrJob(pm.number, gray, keep, 0, 1.0, dpi, RenderPixelsToDisplay(sx, sy), settings), []
    except (ocr.OcrFailed, cv2.error) + MUPDF_ERRORS as exc:  # OCR is extra information
        return None, [_failed(pm.number, exc)]


def _failed(number: int, exc: BaseException) -> str:
    return f"OCR of page {number} failed: {type(exc).__name__}: {exc}"


def finish_ocr(job: OcrJob | None, words=None, exc: BaseException | None = None) -> tuple[PageOcr | None, list[str]]:
    """The main-thread end of the OCR stage: the :class:`PageOcr` of what ``job`` read (``words``,
    or ``exc``: what reading raised; neither: read it now, in this thread), and warnings."""
    if job is None:
        return None, []
    if words is None and exc is None:
        try:
            words = job.read()
        except (ocr.OcrFailed, cv2.error) as e:
            exc = e
    if exc is not None:
        if isinstance(exc, (ocr.OcrFailed, cv2.error)):
            return None, [_failed(job.number, exc)]
        raise exc
    return PageOcr(tuple(words), job.to_display, tuple(ocr.words_to_chars(words, job.to_display))), []


def read_page(pm: PageModel, ink: dict[int, Ink], found: list[Found] | None = None) -> tuple[PageOcr | None, list[str]]:
    """The OCR stage in one call (:func:`prepare_ocr`, the read, :func:`finish_ocr`): read the
    image-only page with Tesseract.  Returns what was read (None if nothing) and warnings."""
    job, problems = prepare_ocr(pm, ink, found)
    if job is None:
        return None, problems
    return finish_ocr(job)


def _ocr_words(chars) -> list[list]:
    """The invisible OCR-layer glyphs of a box grouped into words (runs on one line without a
    space), so that ink is judged over a word and not over a thin glyph alone."""
    words: list[list] = []
    for ch in sorted((c for c in chars if c.invisible and c.c.strip()), key=lambda c: (round(c.across, 1), c.along[0])):
        last = words[-1][-1] if words else None
        if last is not None and abs(ch.across - last.across) <= 0.35 * max(ch.size, 1.0) and \
                ch.along[0] - last.along[1] <= 0.25 * max(ch.size, 1.0):
            words[-1].append(ch)
        else:
            words.append([ch])
    return words


def drop_visible_ocr_words(pm: PageModel, found: list[Found]) -> list[Found]:
    """OCR-layer words inside a raster box that the scan still shows (a release banner printed
    across a white outlined box) are not hidden: only words over blank paper or solid ink are.
    Ink is judged over each whole word (a thin "1" alone holds too little ink to look printed).
    In an outlined box, a word read from the outline itself is noise: one near the outline, or
    one that spans the box from side to side.  Returns ``found`` with those words left out of each
    verdict's hidden glyphs."""
    sp = raster.scan_page(pm)
    if sp is None:
        return list(found)
    out = []
    for f in found:
        if f.cand.method != "raster" or not f.verdict.hidden:
            out.append(f)
            continue
        b = f.cand.bbox
        drop: set[int] = set()
        for word in _ocr_words(f.verdict.hidden):
            wb = g.union(ch.bbox for ch in word)
            if f.cand.style == "outlined-box":
                if g.width(wb) >= OUTLINE_SPAN * g.width(b):
                    drop.update(id(ch) for ch in word)      # read from the outline, side to side
                    continue
                for ch in word:
                    cx, cy = g.center(ch.bbox)
                    if min(cx - b[0], b[2] - cx, cy - b[1], b[3] - cy) < OUTLINE_EDGE_PT:
                        drop.add(id(ch))                  # OCR noise read from the outline itself
            x0, y0, x1, y1 = sp.to_pixels(wb)
            crop = sp.gray[y0:y1, x0:x1]
            if crop.size and VISIBLE_INK[0] <= float((crop < 128).mean()) <= VISIBLE_INK[1]:
                drop.update(id(ch) for ch in word)
        keep = tuple(ch for ch in f.verdict.hidden if id(ch) not in drop)
        out.append(replace(f, verdict=replace(f.verdict, hidden=keep)))
    return out


FINDING_TEXT = 400


def leak_findings(redactions: list[Redaction]) -> list[Finding]:
    """One document finding per page and kind for the ``ocr_layer`` and ``image_under_box`` leaks."""
    pages: dict[tuple[str, int], list] = {}
    out: list[Finding] = []
    for r in redactions:
        if r.leak is not None and r.leak.how in ("ocr_layer", "image_under_box"):
            pages.setdefault((r.leak.how, r.page), []).append(r)
    for (how, page), reds in sorted(pages.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        text = "\n".join(r.leak.text for r in reds if r.leak.text)[:FINDING_TEXT]
        if how == "ocr_layer":
            detail = (f"{len(reds)} redaction(s) on page {page} sit over an invisible OCR text layer that "
                      "still holds the words under them")
        else:
            detail = (f"{len(reds)} box(es) on page {page} are drawn over the page image, which still shows "
                      "what is under them (not burned in)")
        out.append(Finding(type=how, page=page, detail=detail, text=text,
                           bbox=g.rounded(g.union(tuple(r.bbox) for r in reds)), rule=f"{how}_leak"))
    return out

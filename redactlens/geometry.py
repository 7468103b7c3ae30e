"""Every coordinate convention of redactlens, written down once.

A *box* is a tuple ``(x0, top, x1, bottom)`` in PDF points with the origin at the top-left of the
page **as displayed**: /Rotate applied, CropBox applied (a MediaBox with a non-zero origin is
handled by MuPDF, whose page space starts at the CropBox's top-left corner).

PyMuPDF reports text, drawings, images and annotation rectangles in the *unrotated* page space
(origin at the CropBox's top-left, y down).  :func:`to_display` maps such a rectangle through the
page's rotation matrix, :func:`from_display` back; page renders map by one scale
(:func:`pixel_box_to_display`); nothing else in the package converts coordinates.
"""
from __future__ import annotations

import math
import weakref
from typing import Iterable, Sequence

import pymupdf

Box = tuple[float, float, float, float]
Matrix6 = tuple[float, float, float, float, float, float]

# page object -> its rotation matrix; held weakly, so a page's entry goes with the page (nothing is
# written onto PyMuPDF's Page object)
_ROTATIONS: "weakref.WeakKeyDictionary[pymupdf.Page, Matrix6]" = weakref.WeakKeyDictionary()


def rotation_of(page: "pymupdf.Page") -> Matrix6:
    """The page's rotation matrix (unrotated page space -> displayed page) as a 6-tuple, computed
    once per page object (PyMuPDF recomputes it on every access, ~30 us; the cache costs ~0.2 us)."""
    m = _ROTATIONS.get(page)
    if m is None:
        r = page.rotation_matrix
        m = (r.a, r.b, r.c, r.d, r.e, r.f)
        _ROTATIONS[page] = m
    return m


def display_direction(rotation: Matrix6, dx: float, dy: float) -> tuple[float, float]:
    """A writing direction of the unrotated page (a text span's ``dir``) as it runs on the
    displayed page (``rotation``: :func:`rotation_of`)."""
    a, b, c, d = rotation[:4]
    return a * dx + c * dy, b * dx + d * dy


def to_display(rect: Sequence[float], page: "pymupdf.Page") -> Box:
    """Unrotated page-space rect -> displayed-page box."""
    a, b, c, d, e, f = rotation_of(page)
    x0, y0, x1, y1 = rect[0], rect[1], rect[2], rect[3]
    # rotations are multiples of 90 degrees: two opposite corners give the box
    px0, py0 = a * x0 + c * y0 + e, b * x0 + d * y0 + f
    px1, py1 = a * x1 + c * y1 + e, b * x1 + d * y1 + f
    return (min(px0, px1), min(py0, py1), max(px0, px1), max(py0, py1))


def from_display(box: Sequence[float], page: "pymupdf.Page") -> "pymupdf.Rect":
    """Displayed-page box -> unrotated page-space rect (for drawing into the page)."""
    r = pymupdf.Rect(box) * page.derotation_matrix
    r.normalize()
    return r


def point_from_display(pt: Sequence[float], page: "pymupdf.Page") -> "pymupdf.Point":
    """Displayed-page point -> unrotated page-space point (for writing into the page)."""
    return pymupdf.Point(pt) * page.derotation_matrix


def page_box(page: "pymupdf.Page") -> Box:
    """The displayed page as a box: ``(0, 0, width, height)``."""
    r = page.rect
    return (0.0, 0.0, r.width, r.height)


def mediabox_display(page: "pymupdf.Page") -> Box:
    """The MediaBox in displayed-page coordinates (origin at the CropBox's top-left; it lies
    partly outside :func:`page_box` when the CropBox is smaller)."""
    # PyMuPDF gives the MediaBox in PDF coordinates (y up) and the CropBox with y measured down
    # from the MediaBox's top; the page space starts at the CropBox's top-left corner
    mb = page.mediabox
    cb = page.cropbox
    return to_display((mb.x0 - cb.x0, -cb.y0, mb.x1 - cb.x0, (mb.y1 - mb.y0) - cb.y0), page)


def cropbox_pdf(page: "pymupdf.Page") -> Box:
    """The CropBox in PDF user space (y up, as written in the file): ``(x0, y0, x1, y1)``."""
    # PyMuPDF's cropbox is y-flipped against the MediaBox top
    crop, mb = page.cropbox, page.mediabox
    return (crop.x0, mb.y1 - crop.y1, crop.x1, mb.y1 - crop.y0)


def width(b: Box) -> float:
    return max(0.0, b[2] - b[0])


def height(b: Box) -> float:
    return max(0.0, b[3] - b[1])


def area(b: Box) -> float:
    w, h = b[2] - b[0], b[3] - b[1]
    return w * h if w > 0 and h > 0 else 0.0


def intersection(a: Box, b: Box) -> Box | None:
    x0, y0, x1, y1 = max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])
    if x1 <= x0 or y1 <= y0:
        return None
    return (x0, y0, x1, y1)


def inter_area(a: Box, b: Box) -> float:
    # inlined (called millions of times per batch): same result as area(intersection(a, b))
    w = (a[2] if a[2] < b[2] else b[2]) - (a[0] if a[0] > b[0] else b[0])
    if w <= 0:
        return 0.0
    h = (a[3] if a[3] < b[3] else b[3]) - (a[1] if a[1] > b[1] else b[1])
    return w * h if h > 0 else 0.0


def union(boxes: Iterable[Box]) -> Box:
    # one pass (called for every line and word of every page); ValueError when empty, as min() raises
    it = iter(boxes)
    try:
        x0, y0, x1, y1 = next(it)
    except StopIteration:
        raise ValueError("union() of no boxes") from None
    for b in it:
        if b[0] < x0:
            x0 = b[0]
        if b[1] < y0:
            y0 = b[1]
        if b[2] > x1:
            x1 = b[2]
        if b[3] > y1:
            y1 = b[3]
    return (x0, y0, x1, y1)


def iou(a: Box, b: Box) -> float:
    i = inter_area(a, b)
    u = area(a) + area(b) - i
    return i / u if u > 0 else 0.0


def covered_fraction(inner: Box, outer: Box) -> float:
    """Share of ``inner``'s area that lies inside ``outer``."""
    # inlined (the hottest function of a scan): same result as inter_area(inner, outer) / area(inner)
    iw, ih = inner[2] - inner[0], inner[3] - inner[1]
    if iw <= 0 or ih <= 0:
        return 0.0
    w = (inner[2] if inner[2] < outer[2] else outer[2]) - (inner[0] if inner[0] > outer[0] else outer[0])
    if w <= 0:
        return 0.0
    h = (inner[3] if inner[3] < outer[3] else outer[3]) - (inner[1] if inner[1] > outer[1] else outer[1])
    return w * h / (iw * ih) if h > 0 else 0.0


def gap(a: Box, b: Box) -> float:
    """Distance between two boxes (0 when they touch or overlap)."""
    dx = max(0.0, max(a[0], b[0]) - min(a[2], b[2]))
    dy = max(0.0, max(a[1], b[1]) - min(a[3], b[3]))
    return max(dx, dy)


def center(b: Box) -> tuple[float, float]:
    return ((b[0] + b[2]) / 2, (b[1] + b[3]) / 2)


def contains_point(b: Box, p: tuple[float, float], tol: float = 0.0) -> bool:
    return b[0] - tol <= p[0] <= b[2] + tol and b[1] - tol <= p[1] <= b[3] + tol


def clip(b: Box, page_box: Box) -> Box | None:
    return intersection(b, page_box)


def union_area(boxes: Sequence[Box]) -> float:
    """Exact area of the union of axis-aligned boxes (coordinate compression)."""
    if not boxes:
        return 0.0
    xs = sorted({b[0] for b in boxes} | {b[2] for b in boxes})
    total = 0.0
    for xa, xb in zip(xs, xs[1:]):
        total += covered_length((b[1], b[3]) for b in boxes if b[0] <= xa and b[2] >= xb) * (xb - xa)
    return total


def covered_length(spans: Iterable[tuple[float, float]]) -> float:
    """Length of the union of 1-D intervals ``(start, end)`` (empty ones ignored)."""
    covered, cur0, cur1 = 0.0, None, None
    for s0, s1 in sorted(spans):
        if s1 <= s0:
            continue
        if cur1 is None or s0 > cur1:
            if cur1 is not None:
                covered += cur1 - cur0
            cur0, cur1 = s0, s1
        else:
            cur1 = max(cur1, s1)
    if cur1 is not None:
        covered += cur1 - cur0
    return covered


def segment_length_in(p: Sequence[float], q: Sequence[float], b: Box) -> float:
    """Length of the segment ``p``-``q`` inside box ``b`` (Liang-Barsky clipping)."""
    (x0, y0), (x1, y1) = p, q
    dx, dy = x1 - x0, y1 - y0
    t0, t1 = 0.0, 1.0
    for den, num in ((-dx, x0 - b[0]), (dx, b[2] - x0), (-dy, y0 - b[1]), (dy, b[3] - y0)):
        if den == 0:
            if num < 0:
                return 0.0
            continue
        t = num / den
        if den < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return 0.0
    return (t1 - t0) * (dx * dx + dy * dy) ** 0.5


def rounded(b: Box, nd: int = 2) -> list[float]:
    return [round(float(v), nd) for v in b]


def luminance(rgb: Sequence[float] | None) -> float:
    """Relative luminance (0 black .. 1 white) of an RGB/gray/CMYK colour in 0..1."""
    if rgb is None:
        return 1.0
    c = list(rgb)
    if len(c) == 1:
        return float(c[0])
    if len(c) == 4:  # CMYK
        cy, m, y, k = c
        c = [(1 - cy) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k)]
    r, g, b = c[:3]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def to_rgb(color: Sequence[float] | int | None) -> tuple[float, float, float] | None:
    """Normalise PyMuPDF colours (tuple of 1/3/4 floats, or sRGB int) to an RGB tuple."""
    if color is None:
        return None
    if isinstance(color, int):
        return (((color >> 16) & 255) / 255, ((color >> 8) & 255) / 255, (color & 255) / 255)
    c = list(color)
    if len(c) == 1:
        return (c[0], c[0], c[0])
    if len(c) == 4:
        cy, m, y, k = c
        return ((1 - cy) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    if len(c) >= 3:
        return (c[0], c[1], c[2])
    return None


# --- raster space (page renders and image XObjects) ------------------------------------------


def pixel_box_to_display(px: Sequence[float], scale_x: float, scale_y: float) -> Box:
    """Pixel box of a page render (``page.get_pixmap``: displayed orientation, CropBox origin)
    -> displayed-page box; ``scale_*`` are pixels per point."""
    return (px[0] / scale_x, px[1] / scale_y, px[2] / scale_x, px[3] / scale_y)


def display_box_to_pixels(box: Sequence[float], scale_x: float, scale_y: float,
                          w: int, h: int) -> tuple[int, int, int, int]:
    """Displayed-page box -> integer pixel box of a page render, clipped to its ``w`` x ``h``."""
    x0 = min(max(0, int(math.floor(box[0] * scale_x))), w)
    y0 = min(max(0, int(math.floor(box[1] * scale_y))), h)
    x1 = min(max(0, int(math.ceil(box[2] * scale_x))), w)
    y1 = min(max(0, int(math.ceil(box[3] * scale_y))), h)
    return x0, y0, x1, y1


def affine_envelope(px: Sequence[float], m) -> Box:
    """Bounding box of the pixel box ``px`` mapped through the 2x3 affine ``m`` (rows
    ``[a, b, c], [d, e, f]``: ``x' = a x + b y + c``, ``y' = d x + e y + f``; e.g. the inverse of
    a deskew rotation, ``cv2.invertAffineTransform``)."""
    xs, ys = [], []
    for x, y in ((px[0], px[1]), (px[2], px[1]), (px[2], px[3]), (px[0], px[3])):
        xs.append(m[0][0] * x + m[0][1] * y + m[0][2])
        ys.append(m[1][0] * x + m[1][1] * y + m[1][2])
    return (min(xs), min(ys), max(xs), max(ys))


def display_to_image_pixels(box: Sequence[float], page: "pymupdf.Page", transform: Sequence[float],
                            img_w: int, img_h: int) -> list[tuple[float, float]]:
    """Corners of a displayed-page box in the pixel space of a placed image.

    ``transform`` is the image's placement matrix as PyMuPDF reports it (``get_image_info``:
    unit image square -> unrotated page space, row 0 at the top); the result is the box's four
    corners as ``(column, row)`` in the ``img_w`` x ``img_h`` image (any rotation or flip of the
    placement is honoured, so the corners need not be axis-aligned in general).
    """
    r = from_display(box, page)
    inv = ~pymupdf.Matrix(transform)
    out = []
    for p in (r.tl, r.tr, r.br, r.bl):
        q = p * inv
        out.append((q.x * img_w, q.y * img_h))
    return out


def image_pixel_box_to_display(px: Sequence[float], page: "pymupdf.Page", transform: Sequence[float],
                               img_w: int, img_h: int) -> Box:
    """Pixel box of a placed image -> displayed-page box (inverse of :func:`display_to_image_pixels`)."""
    m = pymupdf.Matrix(transform)
    pts = [pymupdf.Point(x / img_w, y / img_h) * m for x, y in
           ((px[0], px[1]), (px[2], px[1]), (px[2], px[3]), (px[0], px[3]))]
    r = pymupdf.Rect(min(p.x for p in pts), min(p.y for p in pts), max(p.x for p in pts), max(p.y for p in pts))
    return to_display(r, page)


# --- quarter turns of an image for OCR ----------------------------------------------------------


def unturn_point(x: float, y: float, k: int, w: int, h: int) -> tuple[float, float]:
    """A point of ``np.rot90(image, k)`` -> the same point of the ``w`` x ``h`` image (pixel edges)."""
    if k == 1:
        return (w - y, x)
    if k == 2:
        return (w - x, h - y)
    if k == 3:
        return (y, h - x)
    return (x, y)


def upright_quarter_turns(page: "pymupdf.Page", transform: Sequence[float], w: int, h: int) -> int:
    """How many ``np.rot90`` turns show a ``w`` x ``h`` image placed by ``transform`` (as
    ``get_image_info`` reports it) upright as the page is displayed (scans stored sideways under a
    /Rotate or a rotated placement), so that OCR reads its lines left to right."""
    m = pymupdf.Matrix(transform) * pymupdf.Matrix(*rotation_of(page))
    for k in range(4):
        ox, oy = unturn_point(0, 0, k, w, h)
        cx, cy = unturn_point(1, 0, k, w, h)      # one step along a row of the turned image
        rx, ry = unturn_point(0, 1, k, w, h)      # one step down a column
        col = ((cx - ox) / w * m.a + (cy - oy) / h * m.c, (cx - ox) / w * m.b + (cy - oy) / h * m.d)
        row = ((rx - ox) / w * m.a + (ry - oy) / h * m.c, (rx - ox) / w * m.b + (ry - oy) / h * m.d)
        if col[0] > 0 and abs(col[1]) < abs(col[0]) and row[1] > 0 and abs(row[0]) < abs(row[1]):
            return k
    return 0


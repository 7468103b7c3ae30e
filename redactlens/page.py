"""The page model: everything a detector needs from one PDF page, parsed once and cached.

All public boxes are displayed-page boxes (see :mod:`redactlens.geometry`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable

import numpy as np
import pymupdf

from . import geometry as g
from .annots import page_annots
from .errors import PDF_ERRORS
from .settings import Settings


@dataclass(slots=True)
class Char:
    c: str
    bbox: g.Box           # displayed-page glyph box
    color: tuple          # RGB 0..1
    size: float
    font: str
    seqno: int            # paint order, shared with drawings
    invisible: bool       # render mode 3 (OCR layers) or zero opacity
    origin_x: float       # glyph origin in display space
    origin_y: float
    dir: tuple = (1.0, 0.0)  # writing direction in display space (unit vector, rounded)

    #: extent of the glyph along the writing direction, and the position of its baseline across it
    #: (the line coordinate); computed once, read very often
    along: tuple = field(init=False, repr=False, compare=False)
    across: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        dx, dy = self.dir
        x0, y0, x1, y1 = self.bbox
        a, b = x0 * dx + y0 * dy, x1 * dx + y1 * dy
        self.along = (a, b) if a <= b else (b, a)
        self.across = -self.origin_x * dy + self.origin_y * dx

    @property
    def lum(self) -> float:
        return g.luminance(self.color)


@dataclass
class Line:
    chars: list[Char]

    @cached_property
    def bbox(self) -> g.Box:
        return g.union(c.bbox for c in self.chars)

    @cached_property
    def text(self) -> str:
        return chars_to_text(self.chars)


def text_char(uni) -> str:
    """The character of a code point from the text trace, as valid Unicode: U+FFFD for what is
    not a character (a lone surrogate a ToUnicode map produced, a negative or huge value)."""
    try:
        ch = chr(uni)
    except (ValueError, TypeError, OverflowError):
        return "\ufffd"
    return "\ufffd" if 0xD800 <= ord(ch) <= 0xDFFF else ch


def _has_unmapped(spans) -> bool:
    return any(item[0] == 0xFFFD or 0xD800 <= (item[0] if isinstance(item[0], int) else 0) <= 0xDFFF
               for span in spans for item in span.get("chars", ()))


def _origin_key(origin) -> tuple[float, float]:
    return round(float(origin[0]), 1), round(float(origin[1]), 1)


def _extracted_chars(page: "pymupdf.Page") -> dict[tuple[float, float], str]:
    """Glyph origin -> character as MuPDF's text extraction decodes it.  The text trace gives
    U+FFFD where a ToUnicode map is unusable (one that refers to itself, say) while ``get_text``
    falls back to the font's own encoding and reads the text: a leak must not hide behind that."""
    out: dict[tuple[float, float], str] = {}
    flags = pymupdf.TEXTFLAGS_RAWDICT & ~pymupdf.TEXT_PRESERVE_IMAGES   # includes TEXT_CID_FOR_UNKNOWN_UNICODE
    for block in page.get_text("rawdict", flags=flags).get("blocks", ()):
        for line in block.get("lines", ()):
            for span in line.get("spans", ()):
                for c in span.get("chars", ()):
                    ch = c.get("c") or ""
                    if len(ch) == 1 and ch != "\ufffd" and not 0xD800 <= ord(ch) <= 0xDFFF:
                        out.setdefault(_origin_key(c["origin"]), ch)
    return out


def gap_is_space(prev: Char | None, ch: Char) -> bool:
    """True when a visible gap between two consecutive glyphs of a line reads as a space that the
    PDF does not draw (many PDFs place words as separate runs)."""
    return prev is not None and ch.c != " " and prev.c != " " and \
        ch.along[0] - prev.along[1] > 0.25 * max(ch.size, 1.0)


def chars_to_text(chars: list[Char]) -> str:
    """Join chars of one line, inserting a space where a visible gap has no space glyph."""
    out: list[str] = []
    prev: Char | None = None
    for ch in chars:
        if gap_is_space(prev, ch):
            out.append(" ")
        out.append(ch.c)
        prev = ch
    return "".join(out)


def _line_key(c: Char) -> tuple:
    return (round(c.across, 1), c.along[0])


def _along0(c: Char) -> float:
    return c.along[0]


def group_lines(chars: list[Char]) -> list[Line]:
    """Group chars into lines along their own writing direction (so text that is displayed
    vertically on a rotated page still reads in order); lines come in reading order."""
    by_dir: dict[tuple, list[Char]] = {}
    for ch in chars:
        by_dir.setdefault(ch.dir, []).append(ch)
    result: list[Line] = []
    for group in by_dir.values():
        lines: list[list[Char]] = []
        cur: list[Char] = []
        ref: Char | None = None
        for ch in sorted(group, key=_line_key):
            if ref is not None:
                lim = 0.35 * (ref.size if ref.size < ch.size else ch.size)
                if abs(ch.across - ref.across) <= (lim if lim > 1.0 else 1.0):
                    cur.append(ch)
                    ref = ch
                    continue
            cur = [ch]
            lines.append(cur)
            ref = ch
        for ln in lines:
            ln.sort(key=_along0)
            result.append(Line(ln))
    result.sort(key=lambda l: (l.bbox[1], l.bbox[0]))
    return result


@dataclass(frozen=True)
class PageOcr:
    """What OCR read on a page: Tesseract's words (pixel boxes), the map from a pixel box to a
    displayed-page box, and the words as page-model characters."""

    words: tuple                      # redactlens.ocr.Word
    to_display: Callable[[Any], g.Box]
    chars: tuple                      # Char, one per letter, spaces between words


@dataclass
class PageCaches:
    """Every cache a stage keeps for one page, declared here (no stage writes anything else onto
    the page model or onto PyMuPDF's page).  Each field is filled once by the module named."""

    #: :func:`redactlens.detect.raster.scan_images`: placed images that make the page a scan
    scan_images: list | None = None
    #: :func:`redactlens.detect.raster.scan_page`: the one grey render of a scanned page
    scan_page: Any = None
    #: :func:`redactlens.scanned.decode`: decoded image XObjects, by (xref, placement)
    decoded_images: dict = field(default_factory=dict)
    #: :mod:`redactlens.enrich.glyphs`: visible glyphs written left to right, and their identities
    horizontal_visible: list | None = None
    visible_ids: set | None = None


class PageModel:
    """Lazily parsed view of one page: chars, lines, drawings, images and annotations.

    ``settings`` travels with the page to every detector (render caps, OCR mode).  The only state
    a stage adds is declared: :attr:`caches` (see :class:`PageCaches`) and :attr:`ocr`, which only
    the pipeline sets (:meth:`with_ocr`)."""

    def __init__(self, page: "pymupdf.Page", number: int, settings: Settings | None = None):
        self.page = page
        self.number = number  # 1-based
        self.settings = settings if settings is not None else Settings()
        r = page.rect
        self.width, self.height = r.width, r.height
        self.box: g.Box = (0.0, 0.0, r.width, r.height)
        self.caches = PageCaches()
        #: what OCR read on this image-only page (set by the pipeline after the OCR stage)
        self.ocr: PageOcr | None = None

    def to_display(self, rect) -> g.Box:
        return g.to_display(rect, self.page)

    @property
    def ocr_chars(self) -> list[Char]:
        """Chars recognised by OCR on an image-only page (empty until OCR ran)."""
        return list(self.ocr.chars) if self.ocr is not None else []

    def with_ocr(self, result: PageOcr | None) -> None:
        """Give the page what OCR read on it; :attr:`context_lines` is recomputed from it if the
        page has no text layer.  Called by the pipeline only, once, between the OCR stage and the
        stages that read context."""
        self.ocr = result
        self.__dict__.pop("context_lines", None)

    @cached_property
    def spans(self) -> list[dict]:
        """The page's text trace (``get_texttrace``), read once for the page model's glyphs and
        the hidden-text analysis of the page (:func:`redactlens.forensics.hidden.page_text`)."""
        return self.page.get_texttrace()

    @cached_property
    def chars(self) -> list[Char]:
        out: list[Char] = []
        a, b, c_, d, e, f = g.rotation_of(self.page)
        spans = self.spans
        # MuPDF's own decoding of the page, read only when the trace has an unmapped code point
        fallback: dict | None = None
        for si, span in enumerate(spans):
            color = g.to_rgb(span.get("color")) or (0.0, 0.0, 0.0)
            invisible = span.get("type") == 3 or (span.get("opacity", 1.0) or 0.0) <= 0.01
            size = float(span.get("size") or 0.0)
            font = span.get("font", "")
            seqno = span.get("seqno", 0)
            sdx, sdy = span.get("dir", (1.0, 0.0))
            ddx, ddy = g.display_direction((a, b, c_, d, e, f), sdx, sdy)
            direction = (round(ddx, 2) + 0.0, round(ddy, 2) + 0.0)
            color = tuple(color)
            for item in span.get("chars", ()):
                uni, origin, (x0, y0, x1, y1) = item[0], item[2], item[3]
                # (the common case inline: a code point that is a character by itself)
                if type(uni) is int and 0 <= uni < 0xD800:
                    ch = chr(uni)
                else:
                    ch = text_char(uni)
                    if ch == "\ufffd":
                        if fallback is None:
                            fallback = _extracted_chars(self.page) if _has_unmapped(spans) else {}
                        if fallback:
                            ch = fallback.get(_origin_key(item[2]), ch)
                # rotation matrices are multiples of 90 degrees: transform two corners
                px0, py0 = a * x0 + c_ * y0 + e, b * x0 + d * y0 + f
                px1, py1 = a * x1 + c_ * y1 + e, b * x1 + d * y1 + f
                db = ((px0, py0, px1, py1) if px0 <= px1 and py0 <= py1 else
                      (min(px0, px1), min(py0, py1), max(px0, px1), max(py0, py1)))
                ox, oy = origin
                out.append(Char(ch, db, color, size, font, seqno, invisible,
                                a * ox + c_ * oy + e, b * ox + d * oy + f, direction))
        return out

    @cached_property
    def visible_chars(self) -> list[Char]:
        return [c for c in self.chars if not c.invisible]

    @cached_property
    def lines(self) -> list[Line]:
        """Lines of visible text in reading order."""
        return group_lines([c for c in self.visible_chars if c.c.strip() or c.c == " "])

    @cached_property
    def context_lines(self) -> list[Line]:
        """Lines to read a redaction's context from: the visible text layer; on pages without one,
        an invisible OCR layer (render mode 3); failing that, words recognised by OCR
        (:attr:`ocr_chars`, which the OCR stage fills before this is first read)."""
        if self.visible_chars:
            return self.lines
        hidden = [c for c in self.chars if c.invisible]
        if hidden:
            return group_lines(hidden)
        return group_lines(self.ocr_chars) if self.ocr_chars else []

    @cached_property
    def drawings(self) -> list[dict]:
        """Painted paths (fills and strokes), in paint order; paths that their clips hide entirely
        are left out (e.g. a tiling pattern's tile, which MuPDF reports in tile space)."""
        out: list[dict] = []
        clips: list[tuple[int, "pymupdf.Rect"]] = []  # (level, scissor) of the enclosing clips
        for d in self.drawings_tree:
            level = d.get("level", 0)
            while clips and clips[-1][0] >= level:
                clips.pop()
            kind = d.get("type")
            if kind == "clip":
                if d.get("scissor") is not None:
                    clips.append((level, pymupdf.Rect(d["scissor"])))
                continue
            if kind == "group":
                continue
            r = d.get("rect")
            if r is not None and clips and any(lies_outside(r, sc) for _, sc in clips):
                continue
            out.append(d)
        return out

    @cached_property
    def drawings_tree(self) -> list[dict]:
        """Paths with the clips and groups they are nested in (``get_drawings(extended=True)``):
        a pattern-filled area shows only as a clip with the pattern's tile paths inside it."""
        return self.page.get_drawings(extended=True)

    @cached_property
    def images(self) -> list[dict]:
        """Placed images (``get_image_info``) with their ``xref``.  Asking MuPDF for xrefs makes it
        decode and hash every image (tens of ms per scanned page), so xrefs are matched by pixel
        size against the page's image list, and MuPDF's way is used only when that is ambiguous."""
        info = self.page.get_image_info()
        if not info:
            return info
        by_size: dict[tuple, set] = {}
        try:
            for item in self.page.get_images(full=True):
                by_size.setdefault((item[2], item[3]), set()).add(item[0])
        except PDF_ERRORS:   # a damaged resource list: MuPDF's own matching below
            by_size = {}
        xrefs = [by_size.get((i.get("width"), i.get("height")), set()) for i in info]
        if all(len(x) == 1 for x in xrefs):
            for i, x in zip(info, xrefs):
                i["xref"] = next(iter(x))
            return info
        return self.page.get_image_info(xrefs=True)

    @cached_property
    def annots(self) -> list["pymupdf.Annot"]:
        return list(page_annots(self.page))

    @cached_property
    def _char_arrays(self) -> tuple:
        """The glyph boxes (n x 4), line coordinates (n) and writing directions (n x 2) of
        :attr:`chars` as float arrays, for the queries below."""
        chars = self.chars
        return (np.array([c.bbox for c in chars], dtype=float).reshape(-1, 4),
                np.array([c.across for c in chars], dtype=float),
                np.array([c.dir for c in chars], dtype=float).reshape(-1, 2))

    def chars_touching(self, box: g.Box) -> list[Char]:
        """The glyphs of :attr:`chars` whose box overlaps ``box`` (``x1 > x0'`` and ``x0 < x1'``,
        the same down the page), in the order of :attr:`chars`: the test of a scan of every glyph,
        made on arrays (a page holds thousands of glyphs, and every candidate box asks)."""
        bx0, by0, bx1, by1 = box
        b = self._char_arrays[0]
        hit = (b[:, 2] > bx0) & (b[:, 0] < bx1) & (b[:, 3] > by0) & (b[:, 1] < by1)
        chars = self.chars
        return [chars[i] for i in np.flatnonzero(hit)]

    def chars_on_baseline(self, direction: tuple, across: float) -> list[Char]:
        """The glyphs of :attr:`chars` written in ``direction`` whose line coordinate lies less than
        1 pt from ``across`` (``abs(ch.across - across) < 1``), in the order of :attr:`chars`."""
        chars = self.chars
        if not all(math.isfinite(v) for v in direction):   # tuple equality, as Python has it
            return [ch for ch in chars if ch.dir == direction and abs(ch.across - across) < 1.0]
        _, acr, dirs = self._char_arrays
        hit = (dirs[:, 0] == direction[0]) & (dirs[:, 1] == direction[1]) & (np.abs(acr - across) < 1.0)
        return [chars[i] for i in np.flatnonzero(hit)]


def lies_outside(r, clip, tol: float = 1.0) -> bool:
    """True when rect ``r`` (possibly of zero height, a line) lies wholly outside ``clip``."""
    return r[2] < clip[0] - tol or r[0] > clip[2] + tol or r[3] < clip[1] - tol or r[1] > clip[3] + tol

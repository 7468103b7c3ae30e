"""Text that is in the page content but not visible: hidden layers, off-crop, camouflaged, tiny.

Finding types (additions to the contract's vocabulary; ``rule`` says which variant):

``hidden_layer``
    text drawn inside an optional-content group (layer) that is switched off when the document
    opens.  Found by opening a second, in-memory copy with every layer switched on and comparing
    its words with the default view; ``detail`` names the layer(s).
``off_crop_text``
    text painted outside the visible page: outside the CropBox but inside the MediaBox (rule
    ``outside_cropbox``: it would show if the crop were removed) or outside the MediaBox as well
    (rule ``outside_mediabox``).  ``bbox`` is in displayed-page coordinates and therefore lies
    (partly) outside ``[0, 0, width, height]``.
``hidden_text``
    text on the visible page that does not show when the page is rendered: drawn in the colour of
    what lies behind it (rule ``same_colour_as_background``, e.g. white on white), painted over by
    something that is not a detected redaction (``painted_over``), cut away by a clipping path
    (``clipped_out``), or drawn in the invisible render mode / fully transparent where no image is
    behind it (``invisible_render_mode``; an invisible OCR layer over a scan is *not* reported).
``tiny_text``
    text drawn so small (glyph height below :data:`TINY_PT` points) that nobody can read it on
    screen or paper.

Text under a detected redaction is never reported here (the core scan reports it as that
redaction's leak).  Every finding groups neighbouring words into one block with its page, box and
exact text as extracted from the file.
"""
from __future__ import annotations

import itertools
import time
from dataclasses import dataclass

import cv2
import numpy as np
import pymupdf

from .. import geometry as g
from ..model import DocumentReport, Finding
from ..errors import PDF_ERRORS
from ..render import render_rgb
from ..text import alnum_count, clean, has_alnum, short
from .common import redaction_boxes, unmatched

#: glyph height (points, across the writing direction) below which text counts as microscopic
TINY_PT = 1.5
#: render resolution (pixels per point) used to test whether text shows on the page
SCALE = 1.0
#: largest luminance spread (0..255) inside a word's box that still counts as "nothing drawn"
FLAT = 10
#: how close (0..1 per channel) text colour and rendered background must be for "same colour"
SAME_COLOUR = 0.12
MAX_PAGES = 300
MAX_CHARS_PAGE = 200_000
MAX_RENDER_PIXELS = 40_000_000
MAX_FINDINGS_PER_TYPE = 60
MAX_IMAGES = 2000
MAX_OCG_FILE = 200 << 20
BUDGET_S = 30.0


@dataclass
class Word:
    text: str
    box: g.Box                  # displayed-page box (union of glyph boxes)
    color: tuple
    dir: tuple
    size: float                 # glyph height across the writing direction
    invisible: bool
    scissor: tuple | None       # clip rectangle in display space, if any
    layer: str = ""
    #: writing direction on the displayed page (``dir`` turned by the page's /Rotate)
    ddir: tuple = (1.0, 0.0)


_END_OF_SPAN = (32, 0, None, None)   # a blank after the last glyph: ends the last word


def _span_words(page: "pymupdf.Page", budget_chars: int = MAX_CHARS_PAGE, spans=None) -> tuple[list[Word], bool]:
    """Words of a page from its text trace (every glyph, including glyphs off the page);
    ``spans``: the page's ``get_texttrace()`` when already read (the page model's)."""
    out: list[Word] = []
    n = 0
    cut = False
    rot = g.rotation_of(page)
    for span in (page.get_texttrace() if spans is None else spans):
        chars = span.get("chars") or ()
        n += len(chars)
        if n > budget_chars:
            cut = True
            break
        color = tuple(g.to_rgb(span.get("color")) or (0.0, 0.0, 0.0))
        invisible = span.get("type") == 3 or (span.get("opacity", 1.0) or 0.0) <= 0.01
        sdx, sdy = span.get("dir", (1.0, 0.0))
        # the direction on the displayed page: a word's box is a displayed box, so its extent
        # across the writing direction (the glyph height) is measured across this one
        ddx, ddy = g.display_direction(rot, sdx, sdy)
        ddir = (round(ddx, 3) + 0.0, round(ddy, 3) + 0.0)
        sdx_a, sdy_a = abs(ddx), abs(ddy)
        sc = span.get("scissor")
        scissor = g.to_display(sc, page) if sc else None
        layer = span.get("layer") or ""
        word: list[str] = []
        x0 = y0 = x1 = y1 = 0.0
        # one pass: a word is a run of glyphs between blanks, its box the union of their boxes
        # (a glyph of no extent counts as 0.01 pt), mapped to the displayed page once
        for item in itertools.chain(chars, (_END_OF_SPAN,)):
            try:
                ch = chr(item[0])
            except (ValueError, TypeError, OverflowError):
                ch = "\ufffd"
            if not ch.strip():
                if word:
                    box = g.to_display((x0, y0, x1, y1), page)
                    across = (box[2] - box[0]) * sdy_a + (box[3] - box[1]) * sdx_a
                    out.append(Word("".join(word), box, color, (sdx, sdy), across, invisible, scissor, layer, ddir))
                    word = []
                continue
            a0, b0, a1, b1 = item[3]
            if not (a1 > a0 or b1 > b0):
                a1, b1 = max(a1, a0 + 0.01), max(b1, b0 + 0.01)
            if word:
                x0, y0 = (a0 if a0 < x0 else x0), (b0 if b0 < y0 else y0)
                x1, y1 = (a1 if a1 > x1 else x1), (b1 if b1 > y1 else y1)
            else:
                x0, y0, x1, y1 = a0, b0, a1, b1
            word.append(ch)
    return out, cut


def _under_redaction(box: g.Box, reds: list[g.Box]) -> bool:
    return any(g.covered_fraction(box, r) >= 0.5 for r in reds)


def _blocks(words: list[Word]) -> list[list[Word]]:
    """Neighbouring words grouped into blocks (lines close together), in reading order."""
    ws = sorted(words, key=lambda w: (round(w.box[1], 0), w.box[0]))
    blocks: list[list[Word]] = []
    boxes: list[g.Box] = []
    for w in ws:
        h = max(w.box[3] - w.box[1], 0.5)
        # only the most recent blocks can be near a word further down the page
        for i in range(len(blocks) - 1, max(-1, len(blocks) - 9), -1):
            if g.gap(boxes[i], w.box) <= 1.6 * h:
                blocks[i].append(w)
                boxes[i] = g.union((boxes[i], w.box))
                break
        else:
            blocks.append([w])
            boxes.append(w.box)
    return blocks


def _duplicates(w: Word, index: dict[int, list[Word]]) -> bool:
    """An invisible word that only repeats visible text: it lies on visible glyphs, or the same word
    is printed right next to it (an OCR layer laid over a page that already has text)."""
    h = max(w.box[3] - w.box[1], w.box[2] - w.box[0], 1.0)
    r0, r1 = int((w.box[1] - h) // _ROW), int((w.box[3] + h) // _ROW)
    for row in range(r0, r1 + 1):
        for v in index.get(row, ()):
            if g.inter_area(v.box, w.box) > 0:
                return True
            if v.text == w.text and g.gap(v.box, w.box) <= 0.5 * h:
                return True
    return False


_ROW = 24.0


def _row_index(words: list[Word]) -> dict[int, list[Word]]:
    """Words bucketed by rows of :data:`_ROW` points (a word is in every row it touches)."""
    index: dict[int, list[Word]] = {}
    for v in words:
        for row in range(int(v.box[1] // _ROW), int(v.box[3] // _ROW) + 1):
            index.setdefault(row, []).append(v)
            if row - int(v.box[1] // _ROW) > 200:
                break
    return index


def _block_text(ws: list[Word]) -> str:
    d = ws[0].ddir if ws else (1.0, 0.0)
    if any(w.ddir != d for w in ws) or (abs(d[0] - 1.0) < 1e-3 and abs(d[1]) < 1e-3):
        return _rows_text(ws)
    # text running another way on the displayed page (a turned page, sideways text): lines lie
    # across the writing direction, words along it
    dx, dy = d

    def mid(w):
        return (w.box[0] + w.box[2]) / 2, (w.box[1] + w.box[3]) / 2

    def across(w):
        x, y = mid(w)
        return -dy * x + dx * y

    def along(w):
        x, y = mid(w)
        return dx * x + dy * y

    lines: list[list[Word]] = []
    for w in sorted(ws, key=lambda w: (across(w), along(w))):
        if lines and abs(across(lines[-1][-1]) - across(w)) <= max(0.5, 0.4 * w.size):
            lines[-1].append(w)
        else:
            lines.append([w])
    return "\n".join(" ".join(x.text for x in sorted(ln, key=along)) for ln in lines)


def _rows_text(ws: list[Word]) -> str:
    """The text of words written left to right on the displayed page, line by line."""
    lines: list[list[Word]] = []
    for w in sorted(ws, key=lambda w: (w.box[1], w.box[0])):
        if lines and abs(lines[-1][-1].box[3] - w.box[3]) <= max(0.5, 0.4 * (w.box[3] - w.box[1])):
            lines[-1].append(w)
        else:
            lines.append([w])
    return "\n".join(" ".join(x.text for x in sorted(ln, key=lambda w: w.box[0])) for ln in lines)


class FindingSink:
    """Collects findings per type, with a cap (the last finding says how many were left out)."""

    def __init__(self, report: DocumentReport):
        self.report = report
        self.count: dict[str, int] = {}
        self.dropped: dict[str, int] = {}

    def add(self, f: Finding) -> None:
        n = self.count.get(f.type, 0)
        if n >= MAX_FINDINGS_PER_TYPE:
            self.dropped[f.type] = self.dropped.get(f.type, 0) + 1
            return
        self.count[f.type] = n + 1
        self.report.findings.append(f)

    def close(self) -> None:
        for t, n in self.dropped.items():
            self.report.warnings.append(f"{t}: {n} more finding(s) not listed (cap of {MAX_FINDINGS_PER_TYPE})")


#: finding type and explanation of each rule of the page-text analysis
RULES = {
    "outside_cropbox": ("off_crop_text", "text painted outside the visible page area (CropBox) but inside the "
                        "MediaBox; it is in the file and shows if the crop is removed"),
    "outside_mediabox": ("off_crop_text", "text painted outside the page (outside both CropBox and MediaBox); it "
                         "is in the file but never shown"),
    "microscopic": ("tiny_text", f"text drawn smaller than {TINY_PT} pt, unreadable on screen and paper"),
    "invisible_render_mode": ("hidden_text", "text in the invisible render mode (or fully transparent) with no "
                              "scanned image behind it"),
    "same_colour_as_background": ("hidden_text", "text drawn in the colour of the background behind it (e.g. white "
                                  "on white); it does not show when the page is rendered but is in the text layer"),
    "painted_over": ("hidden_text", "text painted over by a shape or image that is not a detected redaction; it "
                     "does not show when the page is rendered but is in the text layer"),
    "clipped_out": ("hidden_text", "text cut away by a clipping path; it does not show but is in the text layer"),
}


def _emit(out: list, rule: str, pno: int, words: list[Word]) -> None:
    typ, why = RULES[rule]
    for b in _blocks(words):
        text = _block_text(b)
        if alnum_count(text) < 2:
            continue
        box = g.rounded(g.union(w.box for w in b))
        out.append(Finding(type=typ, page=pno, bbox=box, rule=rule, text=clean(text),
                         detail=f"{len(b)} word(s) on page {pno} at {box}: {why}"))


def _render(page: "pymupdf.Page"):
    """The page rendered as an RGB numpy array (height, width, 3), or None when too large."""
    w, h = page.rect.width * SCALE, page.rect.height * SCALE
    if w * h > MAX_RENDER_PIXELS or w < 1 or h < 1:
        return None
    return render_rgb(page, zoom=SCALE).pixels


def _not_shown(word: Word, img) -> tuple[bool, tuple]:
    """(True, background colour) when the word's box renders flat (nothing of it is drawn)."""
    hgt, wid = img.shape[:2]
    x0, y0, x1, y1 = g.display_box_to_pixels(word.box, SCALE, SCALE, wid, hgt)
    if x1 - x0 < 1 or y1 - y0 < 1:
        return False, ()
    reg = img[y0:y1, x0:x1].astype("int16")
    spread = int((reg.max(axis=(0, 1)) - reg.min(axis=(0, 1))).max())
    if spread > FLAT:
        return False, ()
    mean = tuple(float(v) / 255.0 for v in reg.reshape(-1, 3).mean(axis=0))
    return True, mean


def _edged(words: list[Word], img) -> list[bool]:
    """For each word, whether two neighbouring pixels inside its box differ by more than
    :data:`FLAT` in some channel -- then its box cannot render flat (:func:`_not_shown` would say
    so too, at far greater cost: a page has thousands of words, nearly all of them drawn).  A word
    without such a pair is judged by :func:`_not_shown` itself, so the result is the same."""
    if not words:
        return []
    hgt, wid = img.shape[:2]
    px = np.array([g.display_box_to_pixels(w.box, SCALE, SCALE, wid, hgt) for w in words], dtype=np.int64)
    x0, y0, x1, y1 = px[:, 0], px[:, 1], px[:, 2], px[:, 3]
    out = np.zeros(len(words), dtype=bool)
    # pairs side by side: (y, x) and (y, x + 1) both inside the box -> x in [x0, x1 - 2], y in [y0, y1 - 1]
    if wid > 1:
        out |= _box_sums(_differs(img[:, 1:], img[:, :-1]), x0, y0, x1 - 1, y1) > 0
    # pairs one above the other: y in [y0, y1 - 2], x in [x0, x1 - 1]
    if hgt > 1:
        out |= _box_sums(_differs(img[1:], img[:-1]), x0, y0, x1, y1 - 1) > 0
    return out.tolist()


def _differs(a, b):
    """Where two RGB images differ by more than :data:`FLAT` in some channel (bool)."""
    d = cv2.absdiff(np.ascontiguousarray(a), np.ascontiguousarray(b))
    return (np.maximum(np.maximum(d[..., 0], d[..., 1]), d[..., 2]) > FLAT)


def _box_sums(mask, x0, y0, x1, y1):
    """Count of True in ``mask[y0:y1, x0:x1]`` for arrays of boxes (empty boxes count 0)."""
    h, w = mask.shape
    ii = cv2.integral(mask.view(np.uint8))     # (h + 1, w + 1), zeros in the first row and column
    x0c, x1c = np.clip(x0, 0, w), np.clip(x1, 0, w)
    y0c, y1c = np.clip(y0, 0, h), np.clip(y1, 0, h)
    x1c, y1c = np.maximum(x1c, x0c), np.maximum(y1c, y0c)
    return ii[y1c, x1c] - ii[y0c, x1c] - ii[y1c, x0c] + ii[y0c, x0c]


@dataclass(frozen=True)
class PageHidden:
    """The off-crop, camouflaged, invisible and tiny text of one page: its findings, in the order
    they are reported, and its warnings.  The page loop makes it from the text trace its page
    model already read (:func:`redactlens.pipeline.end_page`), so a text page's trace is taken
    once; the document stage (:func:`analyse_page_text`) reports it."""

    findings: tuple = ()
    warnings: tuple = ()


def page_text(page: "pymupdf.Page", pno: int, reds: list, spans=None, image_info=None) -> PageHidden:
    """Off-crop, camouflaged, invisible and tiny text of one page (``reds``: the page's redaction
    boxes, whose text is never reported here; ``spans``: its text trace and ``image_info`` its
    ``get_image_info()``, when already read)."""
    found: list[Finding] = []
    warnings: list[str] = []
    words, cut = _span_words(page, spans=spans)
    if cut:
        warnings.append(f"hidden text: page {pno} has more than {MAX_CHARS_PAGE} characters; only the first were examined")
    words = [w for w in words if has_alnum(w.text)]
    if not words:
        return PageHidden((), tuple(warnings))
    pbox = g.page_box(page)
    mbox = g.mediabox_display(page)
    images = []
    try:
        info = page.get_image_info() if image_info is None else image_info
        images = [g.to_display(i["bbox"], page) for i in info[:MAX_IMAGES]]
    except PDF_ERRORS:
        pass
    visible = _row_index([w for w in words if not w.invisible])
    off_crop, off_media, tiny, invis, rest = [], [], [], [], []
    for w in words:
        if g.covered_fraction(w.box, pbox) < 0.5:
            (off_crop if g.covered_fraction(w.box, mbox) >= 0.5 else off_media).append(w)
        elif _under_redaction(w.box, reds):
            continue
        elif w.invisible:
            if not any(g.covered_fraction(w.box, ib) >= 0.5 for ib in images) and not _duplicates(w, visible):
                invis.append(w)
        elif w.size < TINY_PT:
            tiny.append(w)
        else:
            rest.append(w)
    for rule, ws in (("outside_cropbox", off_crop), ("outside_mediabox", off_media), ("microscopic", tiny),
                     ("invisible_render_mode", invis)):
        _emit(found, rule, pno, ws)
    cands = [w for w in rest if not any(g.covered_fraction(w.box, ib) >= 0.5 for ib in images)]
    if not cands:
        return PageHidden(tuple(found), tuple(warnings))
    img = _render(page)
    if img is None:
        warnings.append(f"hidden text: page {pno} too large to render; camouflaged text not checked")
        return PageHidden(tuple(found), tuple(warnings))
    same, painted, clipped = [], [], []
    edged = _edged(cands, img)
    for w, has_edge in zip(cands, edged):
        if has_edge:
            continue        # two neighbouring pixels of its box differ: something of it is drawn
        flat, bg = _not_shown(w, img)
        if not flat:
            continue
        if w.scissor is not None and g.inter_area(w.box, w.scissor) <= 0.0:
            clipped.append(w)
        elif all(abs(a - b) <= SAME_COLOUR for a, b in zip(w.color, bg)):
            same.append(w)
        else:
            painted.append(w)
    for rule, ws in (("same_colour_as_background", same), ("painted_over", painted), ("clipped_out", clipped)):
        _emit(found, rule, pno, ws)
    return PageHidden(tuple(found), tuple(warnings))


def analyse_page_text(doc: "pymupdf.Document", report: DocumentReport, sink: FindingSink, deadline: float,
                      done: dict | None = None) -> None:
    """Off-crop, camouflaged, invisible and tiny text on every page (``done``: page number ->
    :class:`PageHidden` of the pages the page loop examined already)."""
    reds_by_page = redaction_boxes(report)
    if doc.page_count > MAX_PAGES:
        report.warnings.append(f"hidden text: only the first {MAX_PAGES} of {doc.page_count} pages examined")
    for pno0 in range(min(doc.page_count, MAX_PAGES)):
        pno = pno0 + 1
        got = done.get(pno) if done else None
        if got is None:
            if time.monotonic() > deadline:
                report.warnings.append(f"hidden text: time budget spent; pages {pno0 + 1}.. not examined")
                return
            got = page_text(doc[pno0], pno, reds_by_page.get(pno, []))
        report.warnings.extend(got.warnings)
        for f in got.findings:
            sink.add(f)


# ---------------------------------------------------------------- optional content

def _all_layers_on(doc: "pymupdf.Document", data: bytes) -> "pymupdf.Document | None":
    """A second in-memory copy of the document with every optional-content group switched on."""
    src = data
    alt = pymupdf.open(stream=src, filetype="pdf")
    if alt.needs_pass:
        alt.close()
        src = doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_NONE)
        alt = pymupdf.open(stream=src, filetype="pdf")
    cat = alt.pdf_catalog()
    kind, _ = alt.xref_get_key(cat, "OCProperties/D")
    if kind == "null":
        alt.close()
        return None
    alt.xref_set_key(cat, "OCProperties/D/OFF", "[]")
    alt.xref_set_key(cat, "OCProperties/D/BaseState", "/ON")
    alt.xref_set_key(cat, "OCProperties/D/AS", "null")
    buf = alt.tobytes()
    alt.close()
    return pymupdf.open(stream=buf, filetype="pdf")


def off_groups(doc: "pymupdf.Document", ocgs: dict) -> set[int]:
    """xrefs of the optional-content groups switched off when the document opens.  MuPDF's
    ``get_ocgs`` reports a group without ``/Usage`` as on even when the default configuration
    lists it in ``/OFF``; the default configuration itself (``/D``: ``/OFF``, ``/BaseState``) is
    read as well."""
    off = {x for x, v in ocgs.items() if not v.get("on")}
    try:
        cfg = doc.get_layer(-1) or {}
    except PDF_ERRORS:
        cfg = {}
    off |= {x for x in cfg.get("off") or () if x in ocgs}
    if str(cfg.get("basestate", "")).lower() == "off":
        off |= set(ocgs) - set(cfg.get("on") or ())
    return off


def analyse_layers(doc: "pymupdf.Document", data: bytes, report: DocumentReport, sink: FindingSink,
                   deadline: float) -> None:
    try:
        ocgs = doc.get_ocgs() or {}
    except PDF_ERRORS:
        ocgs = {}
    if not ocgs:
        return
    off = off_groups(doc, ocgs)
    report.metadata["layers"] = [{"xref": x, "name": clean(v.get("name"), 200), "on": x not in off,
                                  "intent": v.get("intent"), "usage": v.get("usage")} for x, v in ocgs.items()][:200]
    if not off:
        return
    if len(data) > MAX_OCG_FILE:
        report.warnings.append("hidden_layer: file too large to make an all-layers-on copy; hidden layers not examined")
        return
    off_names = {clean(v.get("name"), 200) for x, v in ocgs.items() if x in off}
    alt = _all_layers_on(doc, data)
    if alt is None:
        return
    reds_by_page = redaction_boxes(report)
    with alt:
        for pno0 in range(min(doc.page_count, alt.page_count, MAX_PAGES)):
            if time.monotonic() > deadline:
                report.warnings.append(f"hidden_layer: time budget spent; pages {pno0 + 1}.. not examined")
                return
            shown, _ = _span_words(doc[pno0])
            every, _ = _span_words(alt[pno0])
            extra = [w for w in unmatched(every, shown, lambda w: w.text, lambda w: w.box) if has_alnum(w.text)]
            if not extra:
                continue
            pno = pno0 + 1
            for b in _blocks(extra):
                text = _block_text(b)
                if alnum_count(text) < 2:
                    continue
                names = sorted({clean(w.layer, 200) for w in b if w.layer}) or sorted(off_names)
                box = g.rounded(g.union(w.box for w in b))
                under = _under_redaction(g.union(w.box for w in b), reds_by_page.get(pno, []))
                sink.add(Finding(
                    type="hidden_layer", page=pno, bbox=box, rule="layer_off", text=clean(text),
                    detail=f"{len(b)} word(s) on page {pno} at {box} in optional-content layer(s) "
                           f"{', '.join(repr(short(n, 60)) for n in names)} that are switched off when the document "
                           f"opens; they show when the layer is turned on" + (" (under a redaction box)" if under else "")))

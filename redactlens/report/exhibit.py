"""An annotated exhibit PDF: every page of the release with every redaction outlined and numbered
(the numbers of the redaction log), the source document and page in the margin, and a cover with
the batch summary, a legend and the consistency findings.

The exhibit is a new file; inputs are only read.  Each document's pages are made in a worker
process of the batch executor, under the scan's time limit and memory cap
(:mod:`redactlens.report.isolated`); a document whose part fails is replaced by a notice page and
the rest of the exhibit is made.  Only documents whose scan completed are copied; the others are
listed on the cover as not examined, with the reason.

Each page is a *sanitised, flattened* copy (:mod:`redactlens.report.sanitise`): drawn as it
displays (rotation, CropBox, annotations), without hidden layers, scripts, actions, embedded files
or metadata, with text removed under every box (unless ``show_leaks``), where the forensics found
hidden text, outside the page and in the invisible render mode.  Its displayed area is grown by a
margin on every side and the boxes are drawn where the scan found them.  With ``show_leaks=True``
the text under the boxes is kept and the recovered text is printed next to the box's number.
"""
from __future__ import annotations

import os
from typing import Optional, Union

import pymupdf

from .. import __version__ as _version
from .. import geometry as g
from ..model import BatchReport, DocumentReport, Redaction
from ..output import atomic_write
from ..errors import PDF_ERRORS
from ..settings import Settings
from ..text import exc_message
from ..consistency import short_code
from .common import TYPE_TITLES, Numbered, as_batch, length_of, numbered, number_of, ranges, refs, safe_items, summary
from .isolated import ExhibitPart, failure_note, not_examined, run_parts
from .sanitise import flatten, sanitise_page, strip_active

MARGIN = 36.0                      # points added on every side of each page
BLUE = (0.05, 0.33, 0.85)          # outline of a redaction
RED = (0.86, 0.08, 0.08)           # outline of a redaction whose text is recoverable
GREY = (0.35, 0.35, 0.35)
LETTER = (612.0, 792.0)
_FONT_FILES = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
               "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")


class _Fonts:
    """A Unicode font when the system has one (DejaVu), else the base-14 Helvetica."""

    def __init__(self, files: tuple[str, str] | None = None):
        reg, bold = files or _FONT_FILES
        if os.path.exists(reg) and os.path.exists(bold):
            self.reg = ("rl-sans", reg)
            self.bold = ("rl-sansb", bold)
            self.f_reg, self.f_bold = pymupdf.Font(fontfile=reg), pymupdf.Font(fontfile=bold)
        else:
            self.reg, self.bold = ("helv", None), ("hebo", None)
            self.f_reg, self.f_bold = pymupdf.Font("helv"), pymupdf.Font("hebo")

    def safe(self, text: str) -> str:
        """Text the font can show (the base-14 fallback has no dashes, ellipsis or non-Latin-1)."""
        if self.reg[1]:
            return text
        for a, b in (("\u2013", "-"), ("\u2014", "-"), ("\u2026", "..."), ("\u2022", "*"), ("\u201c", '"'),
                     ("\u201d", '"'), ("\u2018", "'"), ("\u2019", "'")):
            text = text.replace(a, b)
        return text.encode("latin-1", "replace").decode("latin-1")

    def width(self, text: str, size: float, bold: bool = False) -> float:
        return (self.f_bold if bold else self.f_reg).text_length(text, fontsize=size)

    def kw(self, bold: bool = False) -> dict:
        name, file = self.bold if bold else self.reg
        return {"fontname": name, "fontfile": file} if file else {"fontname": name}


def _clean(text: str) -> str:
    """Printable one-line text (control characters dropped)."""
    return "".join(ch if ch.isprintable() else " " for ch in str(text or "")).strip()


# ------------------------------------------------------------------ cover pages (simple flowing text)

class _Flow:
    """Writes wrapped paragraphs down letter pages, starting a new page when one is full."""

    def __init__(self, out: pymupdf.Document, fonts: _Fonts, header: str):
        self.out, self.f, self.header = out, fonts, header
        self.page: Optional[pymupdf.Page] = None
        self.y = 0.0
        self.left, self.right, self.top, self.bottom = 54.0, LETTER[0] - 54.0, 60.0, LETTER[1] - 50.0
        self.pages = 0
        self.new_page()

    def new_page(self) -> None:
        self.page = self.out.new_page(-1, width=LETTER[0], height=LETTER[1])
        self.pages += 1
        self.page.insert_text((self.left, 34), self.f.safe(self.header), fontsize=8, color=GREY, **self.f.kw())
        self.y = self.top

    def need(self, h: float) -> None:
        if self.y + h > self.bottom:
            self.new_page()

    def wrap(self, text: str, size: float, width: float, bold: bool = False) -> list[str]:
        lines: list[str] = []
        for para in _clean_multiline(self.f.safe(text)):
            cur = ""
            for word in para.split(" "):
                trial = (cur + " " + word) if cur else word
                if self.f.width(trial, size, bold) <= width:
                    cur = trial
                    continue
                if cur:
                    lines.append(cur)
                while self.f.width(word, size, bold) > width:       # a very long token: hard break
                    k = max(1, int(len(word) * width / self.f.width(word, size, bold)) - 1)
                    lines.append(word[:k])
                    word = word[k:]
                cur = word
            lines.append(cur)
        return lines

    def text(self, text: str, size: float = 10, bold: bool = False, color=(0, 0, 0), indent: float = 0,
             gap: float = 3) -> None:
        lead = size * 1.3
        if bold and size >= 12:
            self.need(lead * 5)          # a heading is never the last line of a page
        for line in self.wrap(text, size, self.right - self.left - indent, bold):
            self.need(lead)
            self.y += lead
            self.page.insert_text((self.left + indent, self.y - 0.25 * size), line, fontsize=size, color=color,
                                  **self.f.kw(bold))
        self.y += gap

    def space(self, h: float) -> None:
        self.y += h

    def row(self, cells: list[str], widths: list[float], size: float = 7.5, bold: bool = False,
            color=(0, 0, 0)) -> None:
        """One table row: each cell cut to its column's width (an ellipsis marks a cut)."""
        lead = size * 1.35
        self.need(lead)
        self.y += lead
        x = self.left
        for cell, w in zip(cells, widths):
            self.page.insert_text((x, self.y - 0.25 * size), _fit(self.f, self.f.safe(_clean(cell)), size, w - 4),
                                  fontsize=size, color=color, **self.f.kw(bold))
            x += w


def _clean_multiline(text: str) -> list[str]:
    return [" ".join(_clean(p).split()) for p in str(text or "").split("\n")]


def _legend(flow: _Flow, show_leaks: bool) -> None:
    flow.need(60)
    pg, x, y = flow.page, flow.left, flow.y + 6
    for k, (col, text) in enumerate([
            (BLUE, "redaction found by redactlens; the number is its row in the redaction log (CSV)"),
            (RED, "redaction that does not hide the text: it is still recoverable from the file"
                  + ("" if show_leaks else " (not reproduced in this exhibit)"))]):
        yy = y + 18 * k
        pg.draw_rect(pymupdf.Rect(x, yy, x + 28, yy + 11), color=col, fill=(0, 0, 0), width=1.2)
        _tag(pg, flow.f, pymupdf.Rect(x, yy, x + 28, yy + 11), str(k + 1), col, 0)
        pg.insert_text((x + 38, yy + 9), flow.f.safe(text), fontsize=9, **flow.f.kw())
    flow.y = y + 40


def changes_statement(show_leaks: bool, all_pages: bool) -> str:
    """What the copied pages differ in from the released ones (printed on the cover)."""
    which = "Every page of each document is reproduced" if all_pages else \
        "Only pages holding a redaction are reproduced (each with its source page number)"
    text = ("the text under every redaction box is kept in the copy's text layer (--show-leaks)" if show_leaks else
            "the text under every redaction box, and under boxes over a page image that still shows it, was "
            "removed from the copy, which looks as released")
    return (f"{which}. Changes on the copied pages: a margin with the source's name, page and sha256 was added; "
            f"outlines and numbers were drawn; {text}; text flagged as hidden, drawn off the page or invisible was "
            f"removed; hidden layers, scripts, actions, attachments, form fields and metadata were dropped.")


def _cover(flow: _Flow, batch: BatchReport, rows: list[Numbered], show_leaks: bool,
           withheld: dict[int, str] | None = None, all_pages: bool = False) -> None:
    s = summary(batch)
    numbers = number_of(batch)
    flow.text("Redaction exhibit", 20, bold=True, gap=2)
    flow.text(f"Prepared with redactlens {_version}. Every redaction found is outlined and numbered; the "
              f"numbers match the redaction log. Each page shows its source file name, page number and sha256 "
              f"in the margin. The released files were not modified.", 9, color=GREY, gap=4)
    flow.text(changes_statement(show_leaks, all_pages), 9, color=GREY, gap=10)
    flow.text("Batch summary", 13, bold=True)
    meth = ", ".join(f"{n} {m}" for m, n in s["methods"].items()) or "none"
    flow.text(f"{s['documents']} document(s), {s['pages']} page(s); {s['redactions']} redaction(s) in "
              f"{s['documents_with_redactions']} document(s) ({meth}).", 10)
    if s["failed"] or s["skipped"]:
        flow.text(f"{s['failed']} document(s) could not be read; {s['skipped']} file(s) skipped (not PDF).", 10)
    if s["leaks"]:
        kinds = ", ".join(f"{n} {k}" for k, n in s["leak_kinds"].items())
        flow.text(f"{s['leaks']} redaction(s) do not hide the text ({kinds}).", 10, color=RED)
    ex = ", ".join(f"{c} ({n})" for c, n in s["exemptions"].items())
    flow.text(f"Exemptions cited: {ex or 'none recorded'}.", 10)
    known = {f: n for f, n in s["fields"].items() if f != "unknown"}
    if known:
        flow.text("Kinds of information withheld: " + ", ".join(f"{f} ({n})" for f, n in known.items()) + ".", 10)
    if s["findings"]:
        flow.text(f"{s['findings']} document-level finding(s) (content outside the visible pages).", 10)
    flow.space(6)
    flow.text("Legend", 13, bold=True)
    _legend(flow, show_leaks)
    flow.text("Documents", 13, bold=True)
    by_doc: dict[int, list[int]] = {}
    for x in rows:
        by_doc.setdefault(x.doc_index, []).append(x.n)
    withheld = withheld or {}
    for i, d in enumerate(batch.documents):
        if d.skipped:
            continue
        ns = by_doc.get(i, [])
        leaks = len(d.leaks)
        state = f"could not be read: {d.error}" if d.error and not d.pages else \
            (f"{len(ns)} redaction(s) {ranges(ns)}" if ns else "no redactions")
        if i in withheld:
            state += f"; NOT IN THIS EXHIBIT: {withheld[i]}"
        flow.text(f"{os.path.basename(d.path)} \u2014 {d.pages} page(s); {state}"
                  + (f"; {leaks} recoverable" if leaks else ""), 9, indent=8, gap=1,
                  color=RED if i in withheld else (0, 0, 0))
    flow.space(8)
    _index(flow, rows)
    flow.space(8)
    items = safe_items(batch)
    flow.text(f"Consistency findings ({len(items)})", 13, bold=True)
    if not items:
        flow.text("No batch-level pattern was found.", 10)
    for k, it in enumerate(items, 1):
        flow.need(40)
        flow.text(f"{k}. {TYPE_TITLES.get(it.type, it.type)}", 10.5, bold=True, gap=1)
        flow.text(it.detail, 9.5, indent=12, gap=1)
        if it.rule:
            meta = f"Rule: {it.rule}."
            meta += f" Denominator: {it.denominator}." if it.denominator else ""
            meta += f" Compared within: {it.group}." if it.group else ""
            flow.text(meta + f" Strength {it.strength:.2f}.", 8.5, indent=12, gap=1, color=GREY)
        ns = refs(it, numbers)
        if ns:
            flow.text("Redactions: " + ranges(ns), 9, indent=12, gap=1, color=BLUE)
        for e in it.evidence[:12]:
            flow.text("\u2022 " + e, 8.5, indent=20, gap=0, color=GREY)
        flow.space(6)


#: the index columns: (title, width in points); 504 pt between the cover's margins
INDEX_COLUMNS = (("#", 28), ("document", 106), ("page", 26), ("field", 70), ("exemption (basis)", 138),
                 ("est. length", 106), ("leak", 30))


def _length(r: Redaction) -> str:
    return length_of(r) or "?"


def _index(flow: _Flow, rows: list[Numbered]) -> None:
    """The redaction log as a table at the front: number, document, page, field, exemption and its
    basis, estimated length, whether something is recoverable (never what)."""
    flow.text(f"Index of redactions ({len(rows)})", 13, bold=True)
    widths = [w for _, w in INDEX_COLUMNS]
    flow.row([t for t, _ in INDEX_COLUMNS], widths, bold=True)
    for x in rows:
        r = x.red
        ex = ", ".join(short_code(c) for c in r.exemptions) or "none cited"
        if r.exemptions and r.exemption_basis:
            ex += f" ({r.exemption_basis})"
        leak = "yes" if r.leak is not None and r.leak.how != "glyph_positions" else "no"
        flow.row([f"#{x.n}", os.path.basename(x.doc.path), str(r.page), r.field, ex, _length(r), leak], widths,
                 color=RED if leak == "yes" else (0, 0, 0))


# ------------------------------------------------------------------ annotated pages

def _tag(page: pymupdf.Page, fonts: _Fonts, disp: pymupdf.Rect, text: str, color, rotation: int,
         place: str = "inside") -> None:
    """A number tag (white on ``color``) at the top-left of the displayed rect ``disp``
    ("inside" for the legend) or just above it ("above")."""
    size = 7.5
    w = fonts.width(text, size, True) + 4
    if place == "above":
        r = pymupdf.Rect(disp.x0, disp.y0 - size - 3, disp.x0 + w, disp.y0 - 0.5)
    else:
        r = pymupdf.Rect(disp.x0, disp.y0, disp.x0 + w, disp.y0 + size + 2.5)
    _draw_text_box(page, r, text, size, color, fonts, bold=True, fg=(1, 1, 1))


#: number tags: type size (legible at 100 %), height, and the gap kept between two tags
TAG_SIZE = 7.5
TAG_H = TAG_SIZE + 2.5
TAG_GAP = 0.6


def place_tags(rows: list[Numbered], outlines: list[pymupdf.Rect], fonts: _Fonts, W: float,
               H: float, m: float = MARGIN, words: list[pymupdf.Rect] = ()) -> list[tuple[pymupdf.Rect, "tuple | None"]]:
    """Where each redaction's number tag goes on a page (displayed coordinates, margins included),
    so that no two tags overlap and no tag covers another redaction or a printed word (``words``;
    a tag inside its own dark box covers only the box): inside the top-left corner of
    a dark unlabelled box when it fits, else just above it, left of it or right of it; when all of
    these collide (dense tables), in the nearer side margin level with the box, stacked, with a leader
    line to the box.  Returns ``(tag rect, leader or None)`` per row."""
    placed: list[pymupdf.Rect] = []
    page = pymupdf.Rect(0, 0, W, H)

    def free(t: pymupdf.Rect, own: int, on_box: bool = False) -> bool:
        if not page.contains(t):
            return False
        if not on_box and any(t.intersects(wr) for wr in words):
            return False
        grown = pymupdf.Rect(t.x0 - TAG_GAP, t.y0 - TAG_GAP, t.x1 + TAG_GAP, t.y1 + TAG_GAP)
        if any(grown.intersects(p) for p in placed):
            return False
        return not any(k != own and t.intersects(o) for k, o in enumerate(outlines))

    out = []
    for k, (x, b) in enumerate(zip(rows, outlines)):
        w = fonts.width(str(x.n), TAG_SIZE, True) + 4
        inside = pymupdf.Rect(b.x0, b.y0, b.x0 + w, b.y0 + TAG_H)
        above = pymupdf.Rect(b.x0, b.y0 - TAG_H - 0.5, b.x0 + w, b.y0 - 0.5)
        left = pymupdf.Rect(b.x0 - w - 1, b.y0, b.x0 - 1, b.y0 + TAG_H)
        right = pymupdf.Rect(b.x1 + 1, b.y0, b.x1 + 1 + w, b.y0 + TAG_H)
        first = [inside, above] if _tag_place(x.red, b, fonts, str(x.n)) == "inside" else [above]
        spot = next((t for t in first + [left, right] if free(t, k, on_box=t is inside)), None)
        leader = None
        if spot is None:
            y = min(max(b.y0, m), H - m - TAG_H)          # between the header and footer lines
            x0 = 2.0 if (b.x0 + b.x1) / 2 < W / 2 else W - 2 - w   # the nearer margin
            for step in range(400):          # down the margin, then up, to the first free slot
                dy = (step // 2 + 1) * (TAG_H / 2) * (1 if step % 2 else -1) if step else 0.0
                t = pymupdf.Rect(x0, y + dy, x0 + w, y + dy + TAG_H)
                if m <= t.y0 and t.y1 <= H - m and free(t, k):
                    spot = t
                    break
            spot = spot or pymupdf.Rect(x0, y, x0 + w, y + TAG_H)
            # along the box's top edge (a table's rule, not through the row's text), to its corner
            leader = ((spot.x1, spot.y0 + 1), (b.x0, b.y0)) if x0 < W / 2 else ((spot.x0, spot.y0 + 1), (b.x1, b.y0))
        placed.append(spot)
        out.append((spot, leader))
    return out


def _tag_place(r: Redaction, b: pymupdf.Rect, fonts: _Fonts, text: str) -> str:
    """Inside the top-left corner of a dark box without a printed label (the tag then hides only
    the box), else just above the box."""
    dark = r.style in ("solid", "hatched") or (r.color is not None and g.luminance(r.color) < 0.4)
    fits = b.height >= 11 and b.width >= fonts.width(text, 7.5, True) + 8
    return "inside" if dark and fits and not r.label else "above"


def _draw_text_box(page: pymupdf.Page, disp: pymupdf.Rect, text: str, size: float, bg, fonts: _Fonts,
                   bold: bool = False, fg=(0, 0, 0)) -> None:
    """Text in a filled displayed-page rect, upright as the page is displayed."""
    rect = g.from_display(tuple(disp), page)
    if bg is not None:
        page.draw_rect(rect, color=None, fill=bg, width=0, overlay=True)
    _disp_text(page, (disp.x0 + 2, disp.y1 - 0.28 * (disp.height)), text, size, fonts, bold, fg)


def _disp_text(page: pymupdf.Page, disp_pt, text: str, size: float, fonts: _Fonts, bold: bool = False,
               color=(0, 0, 0)) -> None:
    """One line of text whose baseline starts at a displayed-page point, upright on the display."""
    pt = g.point_from_display(disp_pt, page)
    page.insert_text(pt, fonts.safe(_clean(text)), fontsize=size, color=color, rotate=page.rotation,
                     **fonts.kw(bold))


def _fit(fonts: _Fonts, text: str, size: float, width: float) -> str:
    text = fonts.safe(_clean(text))
    if fonts.width(text, size) <= width:
        return text
    while text and fonts.width(text + "\u2026", size) > width:
        text = text[:-1]
    return text + "\u2026"


def _grow(out: pymupdf.Document, pno: int, m: float) -> pymupdf.Page:
    """Give page ``pno`` a margin of ``m`` points on every side of its displayed area.

    The page's content is moved (one ``cm`` around it) so that the old CropBox's corner lands at
    ``(m, m)`` of a new MediaBox ``[0 0 w+2m h+2m]`` whose origin is zero; /Rotate is kept, so the
    displayed page is the old one with a margin.  Annotations must have been baked into the
    content before (they are not moved).  Returns the reloaded page."""
    page = out[pno]
    xref = page.xref
    cx0, cy0, cx1, cy1 = g.cropbox_pdf(page)
    tx, ty = m - cx0, m - cy0
    page.wrap_contents()
    contents = page.get_contents()
    pre, post = out.get_new_xref(), out.get_new_xref()
    out.update_object(pre, "<<>>")
    out.update_stream(pre, b"q 1 0 0 1 %g %g cm\n" % (tx, ty))
    out.update_object(post, "<<>>")
    out.update_stream(post, b"\nQ\n")
    out.xref_set_key(xref, "Contents", "[" + " ".join(f"{x} 0 R" for x in [pre, *contents, post]) + "]")
    box = "[0 0 %g %g]" % (cx1 - cx0 + 2 * m, cy1 - cy0 + 2 * m)
    out.xref_set_key(xref, "MediaBox", box)
    out.xref_set_key(xref, "CropBox", box)
    for key in ("TrimBox", "BleedBox", "ArtBox"):
        if out.xref_get_key(xref, key)[0] != "null":
            out.xref_set_key(xref, key, "null")
    return out.reload_page(page)


def _margin_bands(page: pymupdf.Page, m: float) -> None:
    """White bands over the grown margin (content outside the old CropBox stays hidden)."""
    w, h = page.rect.width, page.rect.height
    for band in ((0, 0, w, m), (0, h - m, w, h), (0, 0, m, h), (w - m, 0, w, h)):
        page.draw_rect(g.from_display(band, page), color=None, fill=(1, 1, 1), width=0, overlay=True)


def _annotate(page: pymupdf.Page, fonts: _Fonts, doc: DocumentReport, pno: int, rows: list[Numbered],
              show_leaks: bool, note: str) -> None:
    m = MARGIN
    W, H = page.rect.width, page.rect.height            # displayed size, margins included
    _margin_bands(page, m)
    name = os.path.basename(doc.path)
    _disp_text(page, (m, m - 14), _fit(fonts, f"{name} \u2014 page {pno} of {doc.pages}", 10, W - 2 * m - 90),
               10, fonts, bold=True)
    src = _fit(fonts, f"source: {name}" + (f"   sha256 {doc.sha256}" if doc.sha256 else ""), 6.5, W - 2 * m)
    _disp_text(page, (m, m - 4), src, 6.5, fonts, color=GREY)
    ns = [x.n for x in rows]
    foot = (f"redactions on this page: {ranges(ns)}" if ns else "no redactions found on this page")
    foot += "   blue outline: redaction   red outline: text still recoverable"
    if any(x.red.leak for x in rows) and not show_leaks:
        foot += " (removed from this copy)"
    _disp_text(page, (m, H - m + 13), _fit(fonts, foot, 7.5, W - 2 * m), 7.5, fonts, color=GREY)
    if note:
        _disp_text(page, (m, H - m + 24), _fit(fonts, note, 7, W - 2 * m), 7, fonts, color=RED)
    # outlines first, then the tags on top of every outline
    for x in rows:
        r = x.red
        col = RED if r.leak else BLUE
        b = pymupdf.Rect(r.bbox) + (m, m, m, m)
        b = pymupdf.Rect(b.x0 - 1.2, b.y0 - 1.2, b.x1 + 1.2, b.y1 + 1.2)
        page.draw_rect(g.from_display(tuple(b), page), color=col, width=1.3, overlay=True)
    outlines = []
    for x in rows:
        b = pymupdf.Rect(x.red.bbox) + (m, m, m, m)
        outlines.append(pymupdf.Rect(b.x0 - 1.2, b.y0 - 1.2, b.x1 + 1.2, b.y1 + 1.2))
    words = [pymupdf.Rect(g.to_display(w[:4], page)) for w in page.get_text("words")] if rows else []
    for x, (tag, leader) in zip(rows, place_tags(rows, outlines, fonts, W, H, m, words)):
        col = RED if x.red.leak else BLUE
        if leader is not None:     # a tag moved to the margin points at its box
            page.draw_line(g.point_from_display(leader[0], page), g.point_from_display(leader[1], page),
                           color=col, width=0.5, dashes="[1.5 1.5] 0", overlay=True)
        _draw_text_box(page, tag, str(x.n), TAG_SIZE, col, fonts, bold=True, fg=(1, 1, 1))


def _recovered_table(out: pymupdf.Document, fonts: _Fonts, doc: DocumentReport, pno: int,
                     rows: list[Numbered]) -> None:
    """With ``--show-leaks``: the text recovered under the boxes of one page, in a table on pages of
    its own right after that page (never written over the page)."""
    leaks = [x for x in rows if x.red.leak is not None and x.red.leak.text]
    if not leaks:
        return
    flow = _Flow(out, fonts, f"{os.path.basename(doc.path)} \u2014 page {pno}: recovered text")
    flow.text(f"Text recovered under the redactions of page {pno} of {os.path.basename(doc.path)}", 12, bold=True)
    for x in leaks:
        flow.text(f"#{x.n} ({x.red.leak.how})", 9, bold=True, color=RED, gap=1)
        flow.text(x.red.leak.text, 9, indent=12, gap=4)


def _placeholder(out: pymupdf.Document, fonts: _Fonts, doc: DocumentReport, why: str) -> None:
    p = out.new_page(-1, width=LETTER[0], height=LETTER[1])
    p.insert_text((54, 60), _fit(fonts, os.path.basename(doc.path), 12, 500), fontsize=12, **fonts.kw(True))
    y = 84
    for line in (why, f"source: {os.path.basename(doc.path)}" + (f"   sha256 {doc.sha256}" if doc.sha256 else "")):
        p.insert_textbox(pymupdf.Rect(54, y, 558, y + 60), fonts.safe(_clean(line)), fontsize=9, **fonts.kw())
        y += 40


def document_pages(src: "pymupdf.Document", d: DocumentReport, numbers: list[int], show_leaks: bool,
                   font_files: tuple[str, str] | None = None, all_pages: bool = False) -> tuple[bytes, int]:
    """The exhibit pages of one scanned document, as PDF bytes, and how many there are.

    Runs in a worker process (:class:`~redactlens.report.isolated.ExhibitPart`): ``src`` is the
    untrusted source.  ``numbers`` are the batch numbers of ``d.redactions``.  Pages the scan could
    not read (``page_errors``) are replaced by a notice: nothing on them was examined.  Only pages
    holding a redaction are reproduced unless ``all_pages`` (each keeps its source page number)."""
    fonts = _Fonts(font_files)
    n = src.page_count                       # a damaged page tree (/Count -5) raises here: the part fails
    rows = [Numbered(k, d, r, 0) for k, r in zip(numbers, d.redactions)]
    failed = {e.get("page") for e in d.page_errors if isinstance(e, dict)}
    flat = flatten(src, 0, n - 1)
    out = pymupdf.open()
    with flat:
        for pno in range(min(n, flat.page_count)):
            prow = [x for x in rows if x.red.page == pno + 1]
            if not prow and not all_pages and pno + 1 not in failed:
                continue
            if pno + 1 in failed:
                _placeholder(out, fonts, d, f"Page {pno + 1} could not be read completely by the scan: it was not "
                                            f"examined and is not reproduced; redactions "
                                            f"{ranges([x.n for x in prow]) or 'none'}.")
                continue
            try:
                sanitise_page(flat, pno, d, pno + 1, show_leaks)
                out.insert_pdf(flat, from_page=pno, to_page=pno, links=False, annots=False, widgets=False)
                page = _grow(out, out.page_count - 1, MARGIN)
                _annotate(page, fonts, d, pno + 1, prow, show_leaks, "")
                if show_leaks:
                    _recovered_table(out, fonts, d, pno + 1, prow)
            except PDF_ERRORS as exc:  # one damaged page never loses the document's part
                _placeholder(out, fonts, d, f"Page {pno + 1} could not be copied into the exhibit "
                                            f"({exc_message(exc)}); redactions "
                                            f"{ranges([x.n for x in prow]) or 'none'}.")
    strip_active(out)
    data = out.tobytes(garbage=3, deflate=True)
    pages = out.page_count
    out.close()
    return data, pages


def _part_notice(d: DocumentReport, res: dict, n_red: int) -> str:
    """The notice that replaces a document whose exhibit part failed."""
    note = failure_note(res) or "unknown failure"
    verb = "could not be opened" if res.get("error_code") in ("not_found", "permission_denied", "not_a_file") \
        else "cannot be read"
    if "changed since it was scanned" in note:
        verb = "has changed since it was scanned, and"
        note = "it is not examined again"
    return (f"The source file {verb} for the exhibit ({note}); its {n_red} redaction(s) are listed in the log. "
            f"Nothing of this document is reproduced.")


def _stamp(page: pymupdf.Page, fonts: _Fonts, exhibit_pno: int) -> None:
    """The exhibit page number, top right (drawn in the caller on an already sanitised page)."""
    right = f"exhibit p. {exhibit_pno}"
    W = page.rect.width
    _disp_text(page, (W - MARGIN - fonts.width(right, 8), MARGIN - 14), right, 8, fonts, color=GREY)


def exhibit_bytes(report: Union[BatchReport, DocumentReport, dict], *, show_leaks: bool = False,
                  password: Optional[str] = None, settings: "Settings | dict | None" = None,
                  workers: Optional[int] = None, all_pages: bool = False) -> bytes:
    """The exhibit as PDF bytes (see :func:`write_exhibit`)."""
    batch = as_batch(report)
    rows = numbered(batch)
    fonts = _Fonts()
    font_files = _FONT_FILES
    withheld: dict[int, str] = {}
    jobs = []
    for i, d in enumerate(batch.documents):
        if d.skipped:
            continue
        reason = not_examined(d)
        if reason:
            withheld[i] = reason
            continue
        numbers = [x.n for x in rows if x.doc_index == i]
        if not numbers and not all_pages and not d.page_errors:
            continue                       # nothing to reproduce: listed on the cover only
        jobs.append((i, d, ExhibitPart(d.to_dict(), show_leaks, numbers, font_files, all_pages)))
    parts = run_parts(jobs, settings=settings, password=password, workers=workers)
    for i, res in parts.items():
        if res.get("error"):
            d = batch.documents[i]
            withheld[i] = _part_notice(d, res, sum(1 for x in rows if x.doc_index == i))
    out = pymupdf.open()
    flow = _Flow(out, fonts, "redactlens exhibit \u2014 cover")
    _cover(flow, batch, rows, show_leaks, withheld, all_pages)
    toc = [[1, "Cover: summary and consistency findings", 1]]
    for i, d in enumerate(batch.documents):
        if d.skipped:
            continue
        res = parts.get(i)
        if i not in withheld and res is None:
            continue                       # no redaction, pages not asked for: the cover lists it
        toc.append([1, _clean(os.path.basename(d.path)) or "document", out.page_count + 1])
        if i in withheld:
            _placeholder(out, fonts, d, withheld[i])
            continue
        start = out.page_count
        try:
            with pymupdf.open("pdf", res["pdf"]) as part:      # made (and sanitised) by a worker
                out.insert_pdf(part, links=False, annots=False, widgets=False)
        except PDF_ERRORS as exc:
            _placeholder(out, fonts, d, f"This document's pages could not be added to the exhibit ({exc_message(exc)}).")
            continue
        for pno in range(start, out.page_count):
            _stamp(out[pno], fonts, pno + 1)
    strip_active(out)                      # a last pass over the whole exhibit
    try:
        out.set_toc(toc)
    except PDF_ERRORS:
        pass
    out.set_metadata({"title": "Redaction exhibit", "creator": f"redactlens {_version}",
                      "producer": f"redactlens {_version} (PyMuPDF)"})
    out.subset_fonts()
    data = out.tobytes(garbage=3, deflate=True, clean=False)
    out.close()
    return data


def write_exhibit(report: Union[BatchReport, DocumentReport, dict], path: str, *, force: bool = False,
                  show_leaks: bool = False, password: Optional[str] = None,
                  settings: "Settings | dict | None" = None, workers: Optional[int] = None,
                  all_pages: bool = False) -> str:
    """Write the annotated exhibit PDF to ``path`` atomically (never over an existing file unless
    ``force``).  The source PDFs are read from the documents' paths, each in a worker process under
    ``settings.timeout`` and ``settings.memory_mb`` (``workers=0``: in this process, unisolated).  Recovered text is removed
    from the copied pages and not printed unless ``show_leaks``.  Only pages with a redaction are
    reproduced unless ``all_pages``.  Returns ``path``."""
    data = exhibit_bytes(report, show_leaks=show_leaks, password=password, settings=settings, workers=workers,
                         all_pages=all_pages)
    atomic_write(path, data, force=force)
    return path

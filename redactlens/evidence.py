"""Deciding with evidence whether a candidate box is a redaction, and what text it hides.

The text around a candidate is the main witness:

* text painted **after** the box in a colour that contrasts with it is *on top* and visible.
  If it reads as an exemption label (``(b)(6)``, ``REDACTED``) the box is a labelled redaction;
  any other visible text on a dark box makes it a header bar or shaded cell (not a redaction);
* text painted **before** the box (or after it in the same colour, or in an invisible OCR layer)
  is *hidden* by it; when it holds letters or digits it is a leak;
* shape and position: small squares hiding nothing are checkboxes; several tall bars on a common
  baseline are a bar chart; dark cells in the same row as a rejected header bar are header cells.
"""
from __future__ import annotations

from dataclasses import dataclass

from . import geometry as g
from .detect import Candidate
from .labels import is_label_text
from .page import Char, PageModel, group_lines
from .text import has_alnum

CONTRAST = 0.35
HIDE_COVER = 0.5
#: light boxes that are redactions only when they carry an exemption label
LABEL_BOX_STYLES = ("outlined-label", "label-box")
ALONG_COVER = 0.6  # a glyph cut by the box's edge along its line must be mostly under it


def _along_cover(ch: Char, boxes) -> float:
    """Share of a glyph's extent along its writing direction that lies under ``boxes`` (the parts
    of a box that overlap it; half a neighbouring glyph left under a box edge is visible, not
    hidden)."""
    horizontal = abs(ch.dir[0]) >= 0.5
    a0, a1 = (ch.bbox[0], ch.bbox[2]) if horizontal else (ch.bbox[1], ch.bbox[3])
    span = a1 - a0
    if span <= 0:
        return 1.0
    return g.covered_length((max(a0, b[0] if horizontal else b[1]), min(a1, b[2] if horizontal else b[3]))
                            for b in boxes) / span


def parts_over(ch: Char, parts) -> list[tuple]:
    """The parts ``(box, seqno)`` of a box under which a glyph counts as covered: together they
    cover >= :data:`HIDE_COVER` of its box and >= :data:`ALONG_COVER` of its extent along its line
    (each rectangle of a multi-part path or row of a hatch on its own, never their union: a glyph
    printed between two hatched lines is in the clear).  Empty when the glyph is not covered."""
    x0, y0, x1, y1 = ch.bbox
    over = [(b, s) for b, s in parts if x1 > b[0] and x0 < b[2] and y1 > b[1] and y0 < b[3]]
    if not over:
        return []
    boxes = [b for b, _ in over]
    a = g.area(ch.bbox)
    if a <= 0:
        return []
    if len(boxes) == 1:
        cover = g.covered_fraction(ch.bbox, boxes[0])
    else:
        cover = g.union_area([i for i in (g.intersection(ch.bbox, b) for b in boxes) if i is not None]) / a
    if cover < HIDE_COVER or _along_cover(ch, boxes) < ALONG_COVER:
        return []
    return over


@dataclass(frozen=True)
class Verdict:
    """What :func:`judge` decided about a candidate, and the glyphs it hides (paint order and
    contrast considered)."""

    accept: bool
    reason: str = ""
    label: str | None = None
    hidden: tuple[Char, ...] = ()
    #: visible text painted on top of the box that is not an exemption label (a typed correction
    #: or caption laid over a cover): shown to every reader, never recovered text
    overlay: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "hidden", tuple(self.hidden))


@dataclass(frozen=True)
class Found:
    """A candidate accepted as a redaction, with its verdict (detection's output)."""

    cand: Candidate
    verdict: Verdict


def same_box(a: g.Box, b: g.Box) -> bool:
    """Two detections of one redaction (by different methods, or a part and its whole)."""
    return g.iou(a, b) >= 0.5 or g.covered_fraction(b, a) >= 0.8 or g.covered_fraction(a, b) >= 0.8


def reading_order(box: g.Box) -> tuple:
    """Sort key of boxes in reading order (rows of 4 pt, then left to right)."""
    return (round(box[1] / 4), box[0])


def lines_text(chars: list[Char]) -> str:
    """Text of chars in reading order: lines joined by newlines, each line stripped.  Lines of one
    writing direction follow each other across it (top to bottom for horizontal text, right to left
    for text written downwards on a page turned by 90 degrees, left to right for upward text)."""
    lines = sorted(group_lines(chars), key=lambda ln: (ln.chars[0].dir, ln.chars[0].across))
    return "\n".join(ln.text.strip() for ln in lines if ln.text.strip())


def split_text(c: Candidate, pm: PageModel) -> tuple[list[Char], list[Char]]:
    """(visible-on-top, hidden) chars under the candidate's painted parts.

    A glyph is *hidden* when a part over it is painted after it (or the box is an annotation,
    painted above all page content); a glyph painted after every part over it is *on top* when it
    contrasts with the box (a label or overlay a reader sees), and hidden when it does not (black
    on black) or is in an invisible layer.  Glyphs under the box's outline but under none of its
    parts (between the lines of a hatched bar, beside a ragged bar) are neither: they are in the
    clear."""
    parts = c.painted_parts()
    box_lum = g.luminance(c.color)
    on_top, hidden = [], []
    # only the glyphs that touch the parts' extent can be under them (a page holds thousands)
    for ch in pm.chars_touching(g.union(b for b, _ in parts)):
        over = parts_over(ch, parts)
        if not over:
            continue
        contrast = abs(ch.lum - box_lum) >= CONTRAST
        last = max(s for _, s in over)
        if c.covers_all_text:
            after = False
        elif c.seq_last < 0:          # paint order unknown (images): decide by contrast alone
            after = contrast
        else:
            after = ch.seqno > last
        if not ch.c.strip():
            # spaces keep the recovered text exact; they never decide anything (a space of the
            # visible text laid over the box belongs to that text, not to what is under it)
            if not (after and contrast and not ch.invisible):
                hidden.append(ch)
        elif after and contrast and not ch.invisible:
            on_top.append(ch)
        elif c.style in LABEL_BOX_STYLES and c.color is not None and ch.seqno > last:
            on_top.append(ch)
        else:
            hidden.append(ch)
    return on_top, hidden


def judge(c: Candidate, pm: PageModel) -> Verdict:
    if c.method == "text":
        return Verdict(True, c.detail, label=c.label)
    on_top, hidden = split_text(c, pm)
    stamped = _stamped_over(c, pm, hidden)
    if stamped:
        hidden = [ch for ch in hidden if id(ch) not in stamped]
    top_text = lines_text(on_top)
    label = c.label
    # hidden same-colour text that is only a reason label ("Privilege") is the box's label
    hidden_text = lines_text(hidden)
    if is_label_text(hidden_text) and not any(ch.seqno < c.seq_first for ch in hidden if ch.c.strip()):
        label, hidden = label or hidden_text, []
    if c.style in LABEL_BOX_STYLES:
        if top_text and is_label_text(top_text):
            return Verdict(True, f"{c.detail} holding the exemption label {top_text!r}", top_text, hidden)
        return Verdict(False, "outlined box without an exemption label (table cell or form field)")
    covered = _painted_over(c, hidden) and _laid_over(on_top, hidden)
    if c.style == "white-cover":
        if not has_alnum(lines_text(hidden)):
            return Verdict(False, "white box hiding no text")
        # text of the box's own colour under it was never seen (white on white): nothing covered
        box_lum = g.luminance(c.color)
        if not has_alnum("".join(ch.c for ch in hidden if ch.invisible or abs(ch.lum - box_lum) >= CONTRAST)):
            return Verdict(False, "white box over text of its own colour (white on white: never visible)")
        if top_text and not is_label_text(top_text):
            if not covered:
                return Verdict(False, "white box with visible text on top (background)")
            return Verdict(True, f"{c.detail} painted over live text, visible text laid over it",
                           label, hidden, overlay=top_text)
        return Verdict(True, f"{c.detail} painted over live text", top_text or label, hidden)
    if top_text:
        if is_label_text(top_text):
            return Verdict(True, f"{c.detail} with printed label {top_text!r}", top_text, hidden)
        if covered:
            return Verdict(True, f"{c.detail} painted over live text, visible text laid over it",
                           label, hidden, overlay=top_text)
        return Verdict(False, f"visible text on top ({top_text[:40]!r}): header bar or shaded cell")
    if c.method in ("vector", "image") and _is_checkbox(c) and not has_alnum(hidden_text) and _has_peer_squares(c, pm):
        return Verdict(False, "small square hiding nothing, among squares of its size: checkbox")
    if stamped:
        # its text is neither recovered nor shown as an overlay (black on black, nobody sees it;
        # should it be withheld text after all, no output but this note names it)
        return Verdict(True, f"{c.detail}; a line of text printed after it in its colour runs across "
                             "it (a stamp or header laid over it later, not what it withholds)", label, hidden)
    return Verdict(True, c.detail, label, hidden)


#: a glyph of a line printed over a box joins the glyph beside it outside the box into one word
#: when the gap between them is below this share of the size (letter spacing; a space is ~0.28)
WORD_GAP = 0.15


def _stamped_over(c: Candidate, pm: PageModel, hidden: list[Char]) -> set[int]:
    """ids of the hidden glyphs that belong to a line printed after the box, in its colour, that
    the box's edge cuts inside a word (the glyph at the edge under the box joins a letter or digit
    beside it outside, on a line printed after the box too): a stamp or header laid across the box later (a court's
    CM/ECF header over a bar at the top of a page gives '03/23/' under the bar), not text the box
    was drawn over.  A run of text shaded in black (the common bad redaction, box first, text
    after) is covered word by word: the 62 boxes of that kind in ../shared/realworld cut no word."""
    if c.covers_all_text or c.seq_last < 0:
        return set()
    after = [ch for ch in hidden if not ch.invisible and ch.seqno > c.seq_last]
    if not any(ch.c.strip() for ch in after):
        return set()
    ids = {id(ch) for ch in hidden}
    out: set[int] = set()
    for ln in group_lines(after):
        ink = [ch for ch in ln.chars if ch.c.strip()]
        if not ink:
            continue
        first = min(ink, key=lambda ch: ch.along[0])
        last = min(ink, key=lambda ch: -ch.along[1])
        line = [ch for ch in pm.chars_on_baseline(first.dir, first.across)
                if id(ch) not in ids and not ch.invisible and ch.seqno > c.seq_last]
        before = max((ch for ch in line if ch.along[1] <= first.along[0] + 0.5), key=lambda ch: ch.along[1], default=None)
        beyond = min((ch for ch in line if ch.along[0] >= last.along[1] - 0.5), key=lambda ch: ch.along[0], default=None)
        # the word goes on outside: a letter or digit right beside the edge ('03/23/' + '2019';
        # punctuation after a covered word, 'Smith' + ',', ends it)
        cut = ((before is not None and before.c.isalnum()
                and first.along[0] - before.along[1] < WORD_GAP * first.size)
               or (beyond is not None and beyond.c.isalnum()
                   and beyond.along[0] - last.along[1] < WORD_GAP * last.size))
        if cut:
            out.update(id(ch) for ch in ln.chars)
    return out


def _painted_over(c: Candidate, hidden: list[Char]) -> bool:
    """True when the box is painted over live text with letters or digits (drawn before it, under
    one of its parts): a cover, whatever is laid on top of it afterwards.  A header bar or shaded
    cell is drawn first and its text after it."""
    if c.covers_all_text or c.seq_first < 0:
        return False
    parts = c.painted_parts()
    return has_alnum("".join(ch.c for ch in hidden if not ch.invisible and ch.c.strip()
                             and ch.seqno < max((s for _, s in parts_over(ch, parts)), default=-1)))


def _laid_over(on_top: list[Char], hidden: list[Char]) -> bool:
    """True when every line of the visible text on top of a box sits on a line of the text the box
    hides (same writing direction, baselines within 0.35 of the size): a correction typed over the
    covered text.  A panel's own heading or notes on other lines make the box a panel, not a cover
    (tests/gen_forensics.py ``camouflage``: a white panel with "Notes panel" 40 pt below the text it
    covers is the forensics' ``painted_over`` finding, not a redaction)."""
    under = [ch for ch in hidden if ch.c.strip() and not ch.invisible]
    top = [ch for ch in on_top if ch.c.strip()]
    return bool(under and top) and all(
        any(u.dir == t.dir and abs(u.across - t.across) <= 0.35 * max(u.size, t.size, 1.0) for u in under)
        for t in top)


def _has_peer_squares(c: Candidate, pm: PageModel) -> bool:
    """Checkboxes come in groups (Yes / No, a column of options): another drawn square of the same
    size elsewhere on the page.  A lone dark square after a label is a short redacted value."""
    w, h = g.width(c.bbox), g.height(c.bbox)
    for path in pm.drawings:
        for it in path.get("items", ()):
            if it[0] != "re":
                continue
            b = pm.to_display(tuple(it[1]))
            if abs(g.width(b) - w) <= 1.5 and abs(g.height(b) - h) <= 1.5 and g.iou(b, c.bbox) < 0.5:
                return True
    return False


def _is_checkbox(c: Candidate) -> bool:
    w, h = g.width(c.bbox), g.height(c.bbox)
    return max(w, h) <= 12 and 0.7 <= (w / h if h else 0) <= 1.4


def page_context_filters(accepted: list[tuple[Candidate, Verdict]], rejected: list[tuple[Candidate, Verdict]],
                         pm: PageModel | None = None):
    """Remove candidates that are only explained by their neighbours (header rows, bar charts)."""
    headers = [c for c, v in rejected if c.method == "vector" and "header bar" in v.reason]
    keep = []
    dropped = []
    for c, v in accepted:
        if c.method == "vector" and c.style == "solid" and not v.hidden and not v.label and any(
                abs(c.bbox[1] - h.bbox[1]) <= 1.5 and abs(c.bbox[3] - h.bbox[3]) <= 1.5
                and g.gap(c.bbox, h.bbox) <= 3 and c.color == h.color for h in headers):
            dropped.append((c, Verdict(False, "empty cell of a header row")))
        else:
            keep.append((c, v))
    pool = [c for c, v in keep if c.method == "vector" and not v.hidden and not v.label]
    chart = _bar_chart_members(pool, _filled_bars(pm) if pm is not None else [],
                               vertical_text=pm is not None and _text_runs_vertically(pm))
    final = []
    for c, v in keep:
        if id(c) in chart:
            dropped.append((c, Verdict(False, "bar of a bar chart")))
        else:
            final.append((c, v))
    return final, dropped


def _text_runs_vertically(pm: PageModel) -> bool:
    """True when most visible text on the page is written top-to-bottom or bottom-to-top as
    displayed (a rotated page)."""
    vertical = sum(1 for c in pm.visible_chars if abs(c.dir[0]) < 0.5)
    return vertical > len(pm.visible_chars) / 2


def _filled_bars(pm: PageModel) -> list[g.Box]:
    """Every filled, non-white rectangle on the page, whatever its colour (chart bars are often a
    mix of dark and coloured bars)."""
    out = []
    for path in pm.drawings:
        fill = g.to_rgb(path.get("fill")) if path.get("type") in ("f", "fs") else None
        if fill is None or g.luminance(fill) > 0.95:
            continue
        for it in path.get("items", ()):
            if it[0] == "re":
                out.append(pm.to_display(tuple(it[1])))
    return out


def _bar_chart_members(cands: list[Candidate], others: list[g.Box] = (), vertical_text: bool = False) -> set[int]:
    """Ids of candidates that are bars of a bar chart: >= 3 bars (any fill colour, ``others``)
    standing perpendicular to the writing direction on a shared baseline, of equal width, unequal
    heights and regular spacing.  Bars *along* the writing direction sharing an edge are not a
    chart: that is the shape of a redacted table column or of form values on consecutive lines."""
    def frame(b: g.Box) -> g.Box:  # into the text's frame: x along the writing direction
        return (b[1], b[0], b[3], b[2]) if vertical_text else tuple(b)

    bars = [(frame(c.bbox), id(c)) for c in cands]
    seen = [fb for fb, _ in bars]
    for b in others:
        fb = frame(b)
        if not any(g.iou(fb, s) > 0.9 for s in seen):
            bars.append((fb, None))
            seen.append(fb)
    tall = [(b, i) for b, i in bars if g.height(b) > g.width(b)]
    members: set[int] = set()
    for edge in (3, 1):  # bars standing on a baseline, or hanging from one (mirrored frames)
        groups: list[list] = []
        for b, i in sorted(tall, key=lambda bi: bi[0][edge]):
            if groups and abs(groups[-1][-1][0][edge] - b[edge]) <= 1.0:
                groups[-1].append((b, i))
            else:
                groups.append([(b, i)])
        for grp in groups:
            if len(grp) < 3 or not any(i is not None for _, i in grp):
                continue
            heights = [g.height(b) for b, _ in grp]
            widths = [g.width(b) for b, _ in grp]
            if max(heights) < 1.3 * min(heights) or max(widths) > 1.25 * min(widths):
                continue
            xs = sorted(b[0] for b, _ in grp)
            steps = [q - p for p, q in zip(xs, xs[1:])]
            if max(steps) - min(steps) > 0.15 * max(steps) + 1:
                continue
            members.update(i for _, i in grp if i is not None)
    return members

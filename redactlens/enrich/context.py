"""The text around a redaction: same-line neighbours, key:value label, column header, sentence.

Works on :attr:`PageModel.context_lines` (text layer, OCR layer or OCR words), displayed-page
coordinates, horizontal lines.  Characters lying under any redaction box of the page are left out
(they are the hidden text or a label printed on a box), and a box splits a line where it sits.

A *run* is a stretch of a line whose characters are no further apart than ``RUN_GAP`` x font size
(a table cell, a form label, a phrase): context is read run by run so that the next column of a
table is not taken as the text "before" a box.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from .. import geometry as g
from ..page import Char, PageModel, chars_to_text

RUN_GAP = 1.6          # x font size: a wider gap between two glyphs starts a new run
MAX_SIDE = 120         # characters kept on each side in context.before/after
HEADER_LOOKUP = 420.0  # points scanned upwards for a column header
TABLE_GAP = 2.5        # x line height: a wider vertical gap ends a table block
HEADER_WORDS = 2       # words of a one-run header row over a box that may be its column header
MARK = "\u27e6\u2588\u27e7"  # placeholder of *this* box inside a sentence
OTHER = "[\u2588]"


@dataclass
class Run:
    chars: list[Char]

    @cached_property
    def text(self) -> str:
        return " ".join(chars_to_text(self.chars).split())

    @cached_property
    def bbox(self) -> g.Box:
        """The box of the run's ink: trailing/leading spaces do not count (a box drawn right after
        'DOB: ' may overlap the space glyph)."""
        ink = [c for c in self.chars if c.c.strip()]
        return g.union(c.bbox for c in (ink or self.chars))

    @cached_property
    def size(self) -> float:
        sizes = sorted(c.size for c in self.chars if c.c.strip())
        return sizes[len(sizes) // 2] if sizes else 10.0

    @cached_property
    def bold(self) -> bool:
        return any("bold" in c.font.lower() or "black" in c.font.lower() for c in self.chars if c.c.strip())


@dataclass
class Row:
    """One displayed line: its runs, plus the redaction boxes sitting on it."""

    chars: list[Char]
    runs: list[Run] = field(default_factory=list)
    boxes: list[int] = field(default_factory=list)   # indexes into PageText.boxes
    top: float = 0.0
    bottom: float = 0.0

    @cached_property
    def size(self) -> float:
        # read thousands of times a page by the cue rules; chars, top and bottom never change
        # once the row is made (PageText.__init__)
        sizes = sorted(c.size for c in self.chars if c.c.strip())
        return sizes[len(sizes) // 2] if sizes else max(4.0, (self.bottom - self.top) / 1.2)

    @property
    def x0(self) -> float:
        return min([r.bbox[0] for r in self.runs] or [1e9])

    @property
    def x1(self) -> float:
        return max([r.bbox[2] for r in self.runs] or [-1e9])


def _horizontal(c) -> bool:
    """Left-to-right text, allowing the slight skew of OCR text on a scanned page."""
    dx, dy = getattr(c, "dir", (1.0, 0.0)) or (1.0, 0.0)
    return dx > 0.99 and abs(dy) <= 0.1


def _ends_left_of(row: "Row", box: g.Box) -> bool:
    xs = [c.bbox[2] for c in row.chars if c.c.strip()]
    return bool(xs) and max(xs) <= box[0] + 1.0 and box[0] - max(xs) <= 200


def _vov(a: g.Box, b: g.Box) -> float:
    """Vertical overlap of two boxes as a share of the smaller height."""
    ov = min(a[3], b[3]) - max(a[1], b[1])
    h = min(a[3] - a[1], b[3] - b[1])
    return ov / h if h > 0 else 0.0


def _hov(a: g.Box, b: g.Box) -> float:
    return min(a[2], b[2]) - max(a[0], b[0])


def _edge_glyph_outside(run: "Run", edge: float, last: bool) -> bool:
    """The run ends (``last``) or starts right at a box edge with its edge glyph less than half
    under the box (a sloppy box over part of the '#' of 'Acct #': Cook County ledger, 1.1 pt of a
    3.9 pt glyph), its other glyphs clear of it."""
    ink = sorted((c for c in run.chars if c.c.strip()), key=lambda c: c.bbox[0])
    if not ink:
        return False
    c = ink[-1] if last else ink[0]
    mid = (c.bbox[0] + c.bbox[2]) / 2
    rest = ink[:-1] if last else ink[1:]
    if last:
        return mid <= edge and all(x.bbox[2] <= edge + 0.5 for x in rest)
    return mid >= edge and all(x.bbox[0] >= edge - 0.5 for x in rest)


def _lines(pm: PageModel) -> list:
    """The page's context lines, plus the lines of an invisible OCR layer that lie where no visible
    line is: a scan that a court's e-filing stamp ("Case 1:19-cv-01849 Document 91 Filed ...") or an
    exhibit tag printed over it in visible text has its body in the OCR layer only."""
    lines = list(pm.context_lines)
    if not pm.visible_chars:
        return lines
    hidden = [c for c in pm.chars if c.invisible]
    if len(hidden) < len(pm.visible_chars):
        return lines
    from ..page import group_lines
    shown = [ln.bbox for ln in lines]
    for ln in group_lines(hidden):
        if not any(g.inter_area(ln.bbox, b) > 0 for b in shown):
            lines.append(ln)
    return lines


class PageText:
    """The page's text arranged for context reading, with the redaction boxes placed in it."""

    def __init__(self, pm: PageModel, boxes: list[g.Box]):
        self.pm = pm
        self.boxes = [tuple(b) for b in boxes]
        rows: list[Row] = []
        #: colons and '#' under a box edge (a sloppy box over the end of 'DOB:' or 'Acct #')
        self.covered_colons: list[Char] = []
        for ln in _lines(pm):
            lb = ln.bbox
            near = [b for b in self.boxes if b[2] > lb[0] and b[0] < lb[2] and b[3] > lb[1] and b[1] < lb[3]]
            chars = ([c for c in ln.chars if _horizontal(c)
                      and not any(g.covered_fraction(c.bbox, b) >= 0.5 for b in near)] if near else
                     [c for c in ln.chars if _horizontal(c)])
            kept = {id(c) for c in chars}
            self.covered_colons += [c for c in ln.chars if c.c in ":#" and id(c) not in kept]
            if not any(c.c.strip() for c in chars):
                continue
            bb = g.union(c.bbox for c in chars if c.c.strip())
            rows.append(Row(chars, top=bb[1], bottom=bb[3]))
        # boxes on text rows, or rows of their own
        for i, b in enumerate(self.boxes):
            on = [r for r in rows if _vov((0, r.top, 1, r.bottom), b) >= 0.5
                  and (r.bottom - r.top) <= 1.8 * max(1.0, b[3] - b[1]) + 2]
            if not on:
                # a form value box set a little lower than its label (common on scans): the label
                # row ends left of the box and sits at the box's top edge
                on = [r for r in rows if _ends_left_of(r, b) and r.bottom >= b[1] - 0.6 * (r.bottom - r.top)
                      and r.top <= (b[1] + b[3]) / 2 and (r.bottom - r.top) <= max(1.0, b[3] - b[1]) + 2][:1]
            for r in on:
                r.boxes.append(i)
            if not on:
                rows.append(Row([], boxes=[i], top=b[1], bottom=b[3]))
        rows.sort(key=lambda r: (r.top, r.bottom))
        for r in rows:
            r.runs = self._split(r)
        self.rows = rows

    def _split(self, row: Row) -> list[Run]:
        chars = sorted(row.chars, key=lambda c: c.bbox[0])
        runs: list[list[Char]] = []
        prev = None
        for c in chars:
            if prev is not None:
                gap = c.bbox[0] - prev.bbox[2]
                cut = gap > RUN_GAP * max(4.0, min(c.size, prev.size))
                cut = cut or any(b[0] >= prev.bbox[2] - 1 and b[2] <= c.bbox[0] + 1
                                 for b in (self.boxes[i] for i in row.boxes))
                if cut:
                    runs.append([])
            if not runs:
                runs.append([])
            runs[-1].append(c)
            prev = c
        out = [Run(r) for r in runs if any(c.c.strip() for c in r)]
        return out

    # -- same line -------------------------------------------------------------------------
    def rows_of(self, bi: int) -> list[Row]:
        return [r for r in self.rows if bi in r.boxes]

    def left_run(self, bi: int) -> Run | None:
        """The run just left of the box on its (first) row, unless another box sits between."""
        b = self.boxes[bi]
        rows = self.rows_of(bi)
        if not rows:
            return None
        row = rows[0]
        cands = [r for r in row.runs if r.bbox[2] <= b[0] + 1.0 or _edge_glyph_outside(r, b[0], last=True)]
        if not cands:
            return None
        run = max(cands, key=lambda r: r.bbox[2])
        if any(j != bi and self.boxes[j][0] >= run.bbox[2] - 1 and self.boxes[j][2] <= b[0] + 1
               for j in row.boxes):
            return None
        return run

    def right_run(self, bi: int) -> Run | None:
        b = self.boxes[bi]
        rows = self.rows_of(bi)
        if not rows:
            return None
        row = rows[-1]
        cands = [r for r in row.runs if r.bbox[0] >= b[2] - 1.0 or _edge_glyph_outside(r, b[2], last=False)]
        if not cands:
            return None
        run = min(cands, key=lambda r: r.bbox[0])
        if any(j != bi and self.boxes[j][0] >= b[2] - 1 and self.boxes[j][2] <= run.bbox[0] + 1
               for j in row.boxes):
            return None
        return run

    # -- labels and headers ----------------------------------------------------------------
    def left_label(self, bi: int) -> str:
        """A key:value label directly left of the box ('Suspect Name:'), else ''."""
        run = self.left_run(bi)
        if run is None:
            return ""
        key = key_of(run.text)
        if not key and run.chars:
            last = max((c for c in run.chars if c.c.strip()), key=lambda c: c.bbox[2], default=None)
            mark = next((c.c for c in self.covered_colons if 0 <= c.bbox[0] - last.bbox[2] <= 0.6 * last.size + 0.5
                         and abs(c.origin_y - last.origin_y) <= 0.2 * last.size), None) if last else None
            if mark:
                key = key_of(run.text + (":" if mark == ":" else " #"))
        return key

    def header_above(self, bi: int, is_header) -> tuple[str, str]:
        """(text, kind) of a column header or stacked label above the box.

        kind is ``stacked`` for a ``Label:`` alone on the line directly above a box that starts
        there, or ``header`` for the cell above the box in the *top row* of the table block the box
        sits in (rows of two or more cells, closer than ``TABLE_GAP`` line heights), when that cell
        is bold or its row has several cells, and names a field (``is_header``).  Cells of data
        rows above the box never count ("witness" in a Role column is a value, not a header)."""
        b = self.boxes[bi]
        rows = self.rows_of(bi)
        top = min(r.top for r in rows) if rows else b[1]
        above = [r for r in self.rows if r.bottom <= top + 1.0 and top - r.bottom <= HEADER_LOOKUP
                 and (r.runs or r.boxes) and r not in rows]
        above.sort(key=lambda r: -r.bottom)
        if not above:
            return "", ""
        r0 = above[0]
        if r0.runs:
            o, run = max(((_hov(run.bbox, b), run) for run in r0.runs), key=lambda t: t[0])
            if run.text.endswith(":") and len(r0.runs) == 1 and abs(run.bbox[0] - b[0]) <= 2 * run.size \
                    and top - r0.bottom <= 2.2 * run.size and len(run.text.split()) <= 5:
                return run.text, "stacked"
        here = rows[0] if rows else None
        if here is not None and len(here.runs) + len(here.boxes) < 2:
            return "", ""
        block: list[Row] = []
        cur = top
        stop = None
        for r in above:
            size = max(r.size, 4.0)
            if cur - r.bottom > TABLE_GAP * size or len(r.runs) + len(r.boxes) < 2:
                stop = r
                break
            block.append(r)
            cur = r.top
        if stop is not None and len(stop.runs) == 1 and not stop.boxes and not any(len(r.runs) >= 2 for r in block):
            # the row ending the block may be a header row OCR read as one run (when the block has
            # no header row of its own: a caption above a table's header row is no header)
            hit = self._header_words(bi, stop, cur, is_header)
            if hit[0]:
                return hit
        if not block:
            return "", ""
        # the header row: the topmost row of the block (or a bold row inside it)
        bold = [r for r in block if r.runs and all(run.bold for run in r.runs)]
        hrow = bold[0] if bold else block[-1]
        over = [(o, run) for o, run in ((_hov(run.bbox, b), run) for run in hrow.runs) if o > -2.0]
        if not over:
            return "", ""
        o, run = max(over, key=lambda t: t[0])
        text = run.text
        if len(text.split()) > 5 or len(text) > 40:
            return "", ""
        # a header row: bold, or at least two of its cells name fields ("Name", "DOB") -- then its
        # cell above the box is the column header even when that one names no field ("Role")
        named = sum(1 for h in hrow.runs if len(h.text.split()) <= 5 and is_header(h.text))
        if (len(hrow.runs) >= 2 or run.bold) and (is_header(text) or named >= 2 or
                                                  (run.bold and all(h.bold for h in hrow.runs))):
            return text, "header"
        return "", ""

    def _header_words(self, bi: int, r0: Row, top: float, is_header) -> tuple[str, str]:
        """A header row that OCR read as one run ('Inv.# Veh.#. Make/Model Invoice# Cost': the
        cells of a scanned table set closer than ``RUN_GAP``): over a box whose line holds two or
        more cells (other boxes or runs), the words of that run right above the box (overlapping it
        across, at most ``HEADER_WORDS``) are its column header when they name a field alone and the
        run spans several of the line's cells (Chicago 16-0190 p2)."""
        if len(r0.runs) != 1:
            return "", ""
        run, b = r0.runs[0], self.boxes[bi]
        size = max(run.size, 4.0)
        if top - r0.bottom > TABLE_GAP * size or len(run.text.split()) < 3:
            return "", ""
        here = self.rows_of(bi)[0] if self.rows_of(bi) else None
        if here is None:
            return "", ""
        cells = [self.boxes[j] for j in here.boxes] + [r.bbox for r in here.runs]
        if len(cells) < 2 or sum(1 for c in cells if _hov(c, run.bbox) > 0) < 2:
            return "", ""
        words, cur = [], []
        for c in run.chars:
            if c.c.strip() and len(c.c.strip()) == 1:
                cur.append(c)
                continue
            if cur:
                words.append(cur)
                cur = []
            if c.c.strip():          # OCR words may come as one Char per word
                words.append([c])
        if cur:
            words.append(cur)
        over = [w for w in words if _hov(g.union(c.bbox for c in w), b) > 0]
        if not over or len(over) > HEADER_WORDS:
            return "", ""
        # the words must be one cell: no other cell's box of the line lies under them
        span = g.union(c.bbox for w in over for c in w)
        if any(_hov(c, span) > 0 and c != b for c in (self.boxes[j] for j in here.boxes)):
            return "", ""
        text = " ".join(chars_to_text(w).strip() for w in over)
        return (text, "header") if is_header(text) else ("", "")

    def label_below(self, bi: int) -> str:
        """Text printed right under the box within about one line (signature lines)."""
        b = self.boxes[bi]
        rows = self.rows_of(bi)
        bottom = max([r.bottom for r in rows] + [b[3]])
        for r in sorted(self.rows, key=lambda r: r.top):
            if r.top >= bottom - 1.0 and r.top - bottom <= 1.6 * r.size + 4:
                runs = [run for run in r.runs if _hov(run.bbox, b) > 0]
                if runs:
                    return " ".join(run.text for run in runs)
        return ""

    # -- sentence ----------------------------------------------------------------------------
    def paragraph_rows(self, bi: int, reach: int = 3) -> list[Row]:
        rows = self.rows_of(bi)
        if not rows:
            return []
        idx = [self.rows.index(r) for r in rows]
        lo, hi = min(idx), max(idx)
        span = (min(r.x0 for r in rows if r.runs) if any(r.runs for r in rows) else self.boxes[bi][0],
                max(r.x1 for r in rows if r.runs) if any(r.runs for r in rows) else self.boxes[bi][2])

        def near(a: Row, b: Row) -> bool:
            size = max(a.size, b.size)
            return b.top - a.bottom <= 1.2 * size + 2 and (not a.runs or not b.runs or
                                                           min(a.x1, span[1]) - max(a.x0, span[0]) > 0)
        i = lo
        while i > 0 and lo - i < reach and near(self.rows[i - 1], self.rows[i]):
            i -= 1
        j = hi
        while j + 1 < len(self.rows) and j - hi < reach and near(self.rows[j], self.rows[j + 1]):
            j += 1
        return self.rows[i:j + 1]

    def flow_text(self, bi: int) -> str:
        """The paragraph around the box as one string, this box as MARK, other boxes as [█]."""
        parts = []
        placed = False
        for r in self.paragraph_rows(bi):
            items: list[tuple[float, str]] = [(run.bbox[0], run.text) for run in r.runs]
            for j in r.boxes:
                if j == bi:
                    if placed:
                        continue
                    placed = True
                    items.append((self.boxes[j][0], MARK))
                else:
                    items.append((self.boxes[j][0], OTHER))
            items.sort(key=lambda t: t[0])
            parts.append(" ".join(t for _, t in items))
        text = " ".join(" ".join(parts).split())
        # words hyphenated across a line end
        return re.sub(r"(\w)- (\w)", r"\1\2", text)


_KEY_RE = re.compile(r"([A-Za-z#][^:]{0,48}?)\s*[:#]\s*$")


def key_of(text: str) -> str:
    """The label at the end of a run ('Suspect Name:' in 'Case 12  Suspect Name:'), else ''."""
    t = text.strip()
    if not t.endswith((":", "#")) and not re.search(r"\b(?:No|Nr|Num)\.?$", t):
        return ""
    if t.endswith("#") or not t.endswith(":"):
        words = t.split()
        return " ".join(words[-4:])
    head = t[:-1]
    if ":" in head:                       # "Name: John Smith DOB:" -> "DOB:"
        head = head.rsplit(":", 1)[1]
    words = head.split()
    if not words:
        return ""
    return " ".join(words[-4:]) + ":"


def sentence_of(flow: str) -> str:
    """The sentence holding MARK."""
    k = flow.find(MARK)
    if k < 0:
        return ""
    starts = [m.end() for m in re.finditer(r"[.!?][\"')\]]?\s+(?=[A-Z\"(\[\u27e6])", flow[:k])]
    s = starts[-1] if starts else 0
    m = re.search(r"[.!?][\"')\]]?(?=\s+[A-Z\"(\[\u27e6]|\s*$)", flow[k + len(MARK):])
    e = k + len(MARK) + (m.end() if m else len(flow) - k - len(MARK))
    return flow[s:e].strip()


def clip_left(text: str, n: int = MAX_SIDE) -> str:
    text = text.strip()
    if len(text) <= n:
        return text
    cut = text[-n:]
    sp = cut.find(" ")
    return cut[sp + 1:] if 0 <= sp < 20 else cut


def clip_right(text: str, n: int = MAX_SIDE) -> str:
    text = text.strip()
    if len(text) <= n:
        return text
    cut = text[:n]
    sp = cut.rfind(" ")
    return cut[:sp] if sp > n - 20 else cut

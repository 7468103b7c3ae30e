"""What a document prints in the clear: ``Label: value`` pairs, its title and page sizes.

The batch consistency analysis (:mod:`redactlens.consistency`) needs to know which fields a record
leaves *open* as well as which it withholds.  This module reads each page's lines once, in the
pipeline, and keeps a compact summary (:class:`~redactlens.model.ClearText`) in the report:

* every ``Label: value`` pair on a line (form layouts: ``Caller: John Smith   Phone: 555-0100``,
  or a label cell followed by a value cell), with the value as printed in the clear and the ids of
  the redactions inside the value.  Characters under a redaction box are never kept: the value of
  ``Caller: ████`` is empty and withheld, even when text is still recoverable under the box;
* the document's title (the first heading line of page 1), used to group records of one kind;
* the size of every page as displayed (whole-page withholding is a share of it);
* placeholder sheets ("Page withheld in full under (b)(6)", "Deleted Page(s)").
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from . import geometry as g
from .model import ClearField, ClearText, Redaction

MAX_FIELDS = 3000          # per document: the summary stays compact
MAX_VALUE = 160            # characters kept of a value
WITHHELD = "[withheld]"

_WITHHELD_PAGE_RE = re.compile(
    r"\b(?:pages?\s+(?:\d+\s+)?(?:withheld|denied|deleted|removed)|withheld\s+in\s+(?:full|(?:its\s+)?entirety)|"
    r"denied\s+in\s+full|deleted\s+pages?|page\s+intentionally\s+withheld)\b", re.IGNORECASE)
_PH = "\ue000"             # placeholder for one redaction box inside a line


def _is_key(key: str) -> bool:
    words = key.split()
    if not words or len(words) > 5 or len(key) > 40:
        return False
    if not any(ch.isalpha() for ch in key):
        return False
    return key[0].isalpha()


def line_dir(line) -> tuple[float, float]:
    """The writing direction of a line in display space (the most common of its glyphs)."""
    chars = line.chars
    if not chars:
        return (1.0, 0.0)
    first = getattr(chars[0], "dir", None)
    # nearly every line: one direction, the very tuple of its glyphs' span
    if first and all(d is first or d == first for d in (getattr(ch, "dir", None) for ch in chars)):
        return tuple(first)
    dirs = [tuple(getattr(ch, "dir", (1.0, 0.0)) or (1.0, 0.0)) for ch in chars]
    return max(set(dirs), key=dirs.count)


def to_frame(box, d) -> g.Box:
    """A displayed-page box in the frame of a line written in direction ``d``: x along the
    writing direction, y across it (downwards for upright text).  Identity for ``(1, 0)``."""
    dx, dy = d
    if (dx, dy) == (1.0, 0.0):
        return tuple(box)
    xs, ys = (box[0], box[2]), (box[1], box[3])
    al = [x * dx + y * dy for x in xs for y in ys]
    ac = [-x * dy + y * dx for x in xs for y in ys]
    return (min(al), min(ac), max(al), max(ac))


def from_frame(box, d) -> g.Box:
    """Inverse of :func:`to_frame`."""
    dx, dy = d
    if (dx, dy) == (1.0, 0.0):
        return tuple(box)
    xs, ys = (box[0], box[2]), (box[1], box[3])
    px = [a * dx - c * dy for a in xs for c in ys]
    py = [a * dy + c * dx for a in xs for c in ys]
    return (min(px), min(py), max(px), max(py))


def _line_items(line, reds: list[tuple[int, Redaction]]):
    """Chars of a line not under a box, and the boxes crossing the line, sorted in reading order
    (positions along the line's writing direction, so sideways and upside-down lines work too)."""
    d = line_dir(line)
    lb = to_frame(line.bbox, d)
    lh = max(1.0, lb[3] - lb[1])
    on_line = []
    for i, r in reds:
        b = to_frame(r.bbox, d)
        ov = min(lb[3], b[3]) - max(lb[1], b[1])
        if ov >= 0.5 * min(lh, max(1.0, b[3] - b[1])):
            on_line.append((i, r, b))
    items = []
    upright = d == (1.0, 0.0)
    for ch in line.chars:
        if on_line and any(g.covered_fraction(ch.bbox, r.bbox) >= 0.3 for _, r, _ in on_line):
            continue
        cb = ch.bbox if upright else to_frame(ch.bbox, d)
        items.append(("c", cb[0], cb[2], ch))
    for i, r, b in on_line:
        items.append(("r", b[0], b[2], i))
    items.sort(key=lambda it: (it[1], it[2]))
    return items, [(i, r) for i, r, _ in on_line]


def _cells(items, size: float):
    """Split a line into cells at wide horizontal gaps (form columns)."""
    cells: list[list] = []
    last_x1 = None
    for it in items:
        if last_x1 is None or it[1] - last_x1 > max(2.2 * size, 14.0):
            cells.append([])
        cells[-1].append(it)
        last_x1 = max(last_x1 or it[2], it[2])
    return cells


def _cell_text(cell, size: float) -> tuple[str, list[int], list[float]]:
    out: list[str] = []
    ids: list[int] = []
    prev_x1 = None
    for kind, x0, x1, obj in cell:
        if prev_x1 is not None and x0 - prev_x1 > 0.25 * max(size, 1.0) and out and out[-1] != " ":
            out.append(" ")
        if kind == "c":
            out.append(obj.c)
        else:
            if out and out[-1] != " ":
                out.append(" ")
            out.append(_PH)
            out.append(" ")
            ids.append(obj)
        prev_x1 = x1
    box = [cell[0][1], 0.0, max(it[2] for it in cell), 0.0]
    return "".join(out), ids, box


def _value(text: str) -> str:
    parts = [p.strip() for p in text.split(_PH)]
    v = f" {WITHHELD} ".join(parts).strip()
    v = re.sub(r"\s+", " ", v)
    if v.replace(WITHHELD, "").strip() == "":
        v = WITHHELD if _PH in text else ""
    return v[:MAX_VALUE]


_CONNECT = {"of", "in", "to", "for", "at", "and", "&", "/"}
_SUFFIX = {"#", "no", "no.", "number", "num", "id", "nr", "nr."}


def _tail_key(words: list[str]) -> int:
    """How many trailing words of ``words`` form a label (``Phone``, ``Date of Birth``,
    ``Incident #``) when a label follows a value on the same line."""
    n = len(words)
    if n == 0:
        return 0
    k = 1
    if words[-1].lower() in _SUFFIX and n >= 2:
        k = 2
    while k + 1 < n and words[n - k - 1].lower() in _CONNECT:
        k += 2
    key = " ".join(words[n - k:])
    return k if key[:1].isalpha() and key[:1].isupper() else 0


def _split_inline(text: str) -> list[tuple[str | None, str, int]]:
    """``"Caller: John Smith  Phone: 555"`` -> [("Caller", " John Smith", 7), ("Phone", " 555", 25)]:
    (key, value text, offset of the value in ``text``).  Text before the first key comes back with
    key None."""
    colons = [m.start() for m in re.finditer(r":(?=\s|$)", text)]
    out: list[tuple[str | None, str, int]] = []
    seg_start = 0          # start of the text not yet assigned
    cur_key: str | None = None
    cur_val_start = 0
    for pos in colons:
        seg = text[seg_start:pos]
        words = seg.split()
        if cur_key is None:
            if _is_key(seg.strip()) and seg.strip()[:1].isupper():
                k = len(words)
            else:
                k = _tail_key(words)
        else:
            k = _tail_key(words[1:]) if len(words) > 1 else 0   # leave the previous value a word
        if k == 0:
            continue
        key = " ".join(words[len(words) - k:])
        key_at = seg.rfind(words[len(words) - k]) + seg_start
        if cur_key is None:
            if text[:key_at].strip():
                out.append((None, text[:key_at], 0))
        else:
            out.append((cur_key, text[cur_val_start:key_at], cur_val_start))
        cur_key, cur_val_start = key, pos + 1
        seg_start = pos + 1
    if cur_key is None:
        return [(None, text, 0)]
    out.append((cur_key, text[cur_val_start:], cur_val_start))
    return out


def line_items(lines, reds: list[Redaction]) -> list[list]:
    """For each of ``lines``, its clear characters and the boxes crossing it in reading order
    (:func:`_line_items`): read once per page by the summary and the cross-document capture."""
    numbered = list(enumerate(reds))
    return [_line_items(line, numbered)[0] for line in lines]


def page_line_items(pm, reds: list[Redaction]) -> list[list] | None:
    """:func:`line_items` of ``pm.context_lines``, or None when the page's text cannot be read so
    (each reader then reads it again, and fails in its own guard, as before)."""
    try:
        return line_items(pm.context_lines, reds)
    except SUMMARY_ERRORS:
        return None


def page_fields(lines, reds: list[Redaction], page: int, per_line: list[list] | None = None) -> list[ClearField]:
    """``Label: value`` pairs of one page (``lines``: the page's :class:`~redactlens.page.Line` s;
    ``per_line``: their :func:`line_items`, when already read)."""
    fields: list[ClearField] = []
    for line, items in zip(lines, per_line if per_line is not None else line_items(lines, reds)):
        if not items:
            continue
        size = sorted(ch.size for ch in line.chars)[len(line.chars) // 2] if line.chars else 10.0
        pending: tuple[str, list[float]] | None = None
        d = line_dir(line)
        lb = to_frame(line.bbox, d)
        for cell in _cells(items, size):
            text, ids, box = _cell_text(cell, size)
            for key, rest, at in _split_inline(text):
                n_before = text[:at].count(_PH)
                here = [reds[i].id for i in ids[n_before:n_before + rest.count(_PH)]]
                if key is None:
                    if pending is not None and rest.strip():
                        # a label cell followed by its value cell
                        fields.append(ClearField(page, pending[0], _value(rest), here,
                                                 g.rounded(from_frame((pending[1][0], lb[1], box[2], lb[3]), d))))
                    pending = None
                elif rest.strip():
                    fields.append(ClearField(page, key, _value(rest), here,
                                             g.rounded(from_frame((box[0], lb[1], box[2], lb[3]), d))))
                    pending = None
                else:
                    pending = (key, box)
    return fields


def title_of(lines) -> str:
    """The first line of a page that reads as a heading (letters, no ``Label:`` form); "first" in
    the page's dominant writing direction (a page shown sideways is read sideways)."""
    if lines:
        dirs = [line_dir(ln) for ln in lines]
        d = max(set(dirs), key=dirs.count)
        if d != (1.0, 0.0):
            lines = sorted(lines, key=lambda ln: (round(to_frame(ln.bbox, d)[1]), to_frame(ln.bbox, d)[0]))
    for line in lines[:6]:
        t = " ".join(line.text.split())
        if len(t) < 4 or len(t) > 80 or sum(ch.isalpha() for ch in t) < 4:
            continue
        if ":" in t:
            continue
        return t
    return ""


def kind_of(title: str) -> str:
    """Normalised record kind from a title: digits and punctuation dropped, lower case."""
    t = re.sub(r"[^a-z ]+", " ", title.lower())
    return " ".join(t.split())


@dataclass(frozen=True)
class PageSummary:
    """What one page prints in the clear (see :func:`page_summary`)."""

    number: int
    size: tuple[float, float]
    title: str = ""
    fields: tuple[ClearField, ...] = ()
    withheld_page: dict | None = None


#: what odd text on a hostile page can make the summary raise; the summary is an aid, it never
#: fails a page (anything else is a bug of ours)
SUMMARY_ERRORS = (ValueError, LookupError, ArithmeticError)


def page_summary(pm, reds: list[Redaction], items: list[list] | None = None) -> PageSummary:
    """The clear-text summary of one page: its displayed size, its ``Label: value`` pairs, the
    title (page 1) and whether it is a "withheld in full" sheet.  ``items``: the
    :func:`line_items` of ``pm.context_lines``, when already read."""
    size = (round(pm.width, 2), round(pm.height, 2))
    try:
        lines = pm.context_lines
        title = title_of(lines) if pm.number == 1 else ""
        fields = tuple(page_fields(lines, reds, pm.number, items)[:MAX_FIELDS])
        text = " ".join(ln.text for ln in lines[:12])
        m = _WITHHELD_PAGE_RE.search(text)
        withheld = {"page": pm.number, "text": " ".join(text.split())[:160]} if m and len(lines) <= 12 else None
    except SUMMARY_ERRORS:
        return PageSummary(pm.number, size)
    return PageSummary(pm.number, size, title, fields, withheld)


def summarise(pages: list[PageSummary]) -> ClearText:
    """A document's :class:`ClearText` from its pages' summaries (pages that could not be read
    have an empty size)."""
    c = ClearText()
    for p in sorted(pages, key=lambda p: p.number):
        while len(c.page_sizes) < p.number - 1:
            c.page_sizes.append([])          # a page that could not be read
        c.page_sizes.append(list(p.size))
        if p.number == 1:
            c.title = p.title
        if len(c.fields) < MAX_FIELDS:
            c.fields.extend(p.fields[:MAX_FIELDS - len(c.fields)])
        if p.withheld_page:
            c.withheld_pages.append(dict(p.withheld_page))
    return c

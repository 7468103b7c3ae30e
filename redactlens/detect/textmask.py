"""Mask runs in the text layer: ``█████``, ``XXXXXXX``, ``[REDACTED]``, ``*****``, ``REDACTED``, and
value-shaped masks (dates, phone, SSN and account numbers) written with any mask character
(``X x * # • _ █``), fully or partly masked, inside sentences and table cells.

A mask run never crosses a column gap: a gap between glyphs of at least :data:`COLUMN_GAP_EM` of the
font size, or of at least :data:`RIVER_GAP_EM` where the lines above or below leave the same gap
empty (a column of a table, from its header and row alignment), ends the run.
"""
from __future__ import annotations

import re

from .. import geometry as g
from ..page import PageModel, gap_is_space
from . import Candidate

MASK_RE = re.compile(
    r"[\u2588\u2589\u258a\u258b\u258c\u2587\u2586\u25a0\u25ae\u2593\u2592]{2,}"   # block glyphs
    r"|(?<![A-Za-z(])\(?X{2,}\)?(?:(?:[-/.]|\) ?| )X{2,})+(?![A-Za-z])"             # XXX-XX-, XX/XX/XXXX
    r"|(?<![A-Za-z])X{4,}(?![A-Za-z])|(?<![A-Za-z])x{5,}(?![A-Za-z])"             # XXXX
    r"|\*{3,}"
    r"|[\[<(]\s*(?:REDACTED|WITHHELD|REMOVED|DELETED)\b[^\]>)]{0,40}[\]>)]"      # [REDACTED ...]
    r"|\bREDACTED\b"
    )
_BRACKETED = re.compile(r"[\[<(]\s*(redacted|withheld|removed|deleted)\s*[\]>)]", re.IGNORECASE)
_WORD_MASK = re.compile(r"redacted|withheld|removed|deleted", re.IGNORECASE)
# titles such as "PUBLIC REDACTED VERSION" or "REDACTED CRIMINAL MINUTES" are not masks: a bare
# REDACTED next to another capitalised word (not a "LABEL:") belongs to a heading
_TITLE_NEIGHBOUR = re.compile(r"(?:[A-Z\[\]]{3,}\s+REDACTED\b)|(?:\bREDACTED\s+[A-Z\[][A-Z\]]{2,}(?![A-Z:]))")


#: mask characters of value-shaped masks (``_`` only beside digits: ``__/__/____`` alone is a blank
#: form field, not a redaction)
MASK_CHARS = "Xx*#\u2022\u25cf\u2588_"
_M = "[Xx*#\u2022\u25cf\u2588_]"
_MD = "[Xx*#\u2022\u25cf\u2588_0-9]"
#: dates, SSNs, phone and account numbers: each group of mask characters or digits
VALUE_RE = re.compile(
    r"(?<![A-Za-z0-9*#_\u2022\u25cf\u2588])(?:"
    rf"{_MD}{{4}}[/.-]{_MD}{{2}}[/.-]{_MD}{{2}}"                              # ISO dates 1985-##-##
    rf"|{_MD}{{1,2}}[/.-]{_MD}{{1,2}}[/.-]{_MD}{{2,4}}"                    # dates 03/**/1985
    rf"|\({_MD}{{3}}\) ?{_MD}{{3}}[-.]{_MD}{{4}}"                          # (XXX) XXX-1234
    rf"|{_MD}{{3}}[-.]{_MD}{{3}}[-.]{_MD}{{4}}"                              # XXX.XXX.1234
    rf"|{_MD}{{3}}-{_MD}{{2}}-{_MD}{{4}}"                                    # ***-**-1234
    rf"|(?:{_MD}{{4}}[- ]){{2,3}}{_MD}{{4}}"                                 # ####-####-####-5678
    rf"|{_M}{{4,}}[0-9]{{2,4}}"                                              # ****1234
    r")(?![A-Za-z0-9*#_\u2022\u25cf\u2588])")
_BLANK_ONLY = re.compile(r"^[_/.() -]+$")
#: a glyph gap this wide (in font sizes) is a column gap: no mask run crosses it (word spaces are
#: 0.25-0.35 em, up to ~0.6 em in justified lines; table columns on tests/gen_leaks.py: 0.7 and 3 em)
COLUMN_GAP_EM = 1.0
#: a narrower gap (but wider than any word space) is a column gap where the lines next to it leave
#: it empty too (a river of white down the table)
RIVER_GAP_EM = 0.6
RIVER_LINES = 2
SEP = "\x1f"


def value_masks(text: str) -> list[tuple[int, int]]:
    """Spans ``(start, end)`` of the masked part of value-shaped masks in ``text``: from the first
    mask character to the last (an opening parenthesis of a masked area code included); values
    with no mask character, and blank form fields of underscores alone, are not masks."""
    out = []
    for m in VALUE_RE.finditer(text):
        v = m.group(0)
        idx = [i for i, c in enumerate(v) if c in MASK_CHARS]
        if not idx or not any(c not in "_" for c in v if c in MASK_CHARS) and not any(c.isdigit() for c in v):
            continue  # no mask character, or underscores only (a blank to fill in)
        if _BLANK_ONLY.match(v):
            continue
        a, b = idx[0], idx[-1] + 1
        if a == 1 and v[0] == "(":
            a = 0
        out.append((m.start() + a, m.start() + b))
    return out


class _Rows:
    """The page's lines, with each line's visible glyphs of one writing direction listed once
    (a river test reads the lines around a gap many times per line)."""

    def __init__(self, lines):
        self.lines = lines
        self._glyphs: dict[tuple, list] = {}

    def __len__(self) -> int:
        return len(self.lines)

    def glyphs(self, i: int, direction: tuple) -> list:
        key = (i, direction)
        got = self._glyphs.get(key)
        if got is None:
            got = self._glyphs[key] = [c for c in self.lines[i].chars if c.c.strip() and c.dir == direction]
        return got


#: a line holding none of these can match no mask pattern above (spacing a line only adds blanks
#: and column separators, which join nothing): it is not spaced and searched at all
_BLOCKS = "\u2588\u2589\u258a\u258b\u258c\u2587\u2586\u25a0\u25ae\u2593\u2592"
_MAY_MASK = re.compile("[" + re.escape("".join(sorted(set(_BLOCKS + MASK_CHARS + "Xx*")))) + "]"
                       "|redacted|withheld|removed|deleted", re.IGNORECASE)


def mask_candidates(pm: PageModel) -> list[Candidate]:
    out: list[Candidate] = []
    lines = pm.lines
    rows = _Rows(lines)
    for li, line in enumerate(lines):
        if not _MAY_MASK.search("".join(c.c for c in line.chars)):
            continue
        chars, text = _spaced(line.chars, rows, li)
        hits = [(m.start(), m.end(), m.group(0)) for m in MASK_RE.finditer(text)]
        hits += [(m.start(), m.end(), m.group(0)) for m in _BRACKETED.finditer(text) if not MASK_RE.search(m.group(0))]
        values = value_masks(text)
        # a value shape is the whole masked value: plain runs inside it are not boxes of their own
        hits = [h for h in hits if not any(a < h[1] and h[0] < b for a, b in values)]
        hits += [(a, b, text[a:b]) for a, b in values]
        hits.sort()
        for start, end, s in hits:
            if s.strip() == "REDACTED" and _TITLE_NEIGHBOUR.search(text[max(0, start - 15):end + 15]):
                continue
            run = [c for c in chars[start:end] if c is not None and c.c.strip()]
            if not run:
                continue
            box = g.union(c.bbox for c in run)
            out.append(Candidate(box, "text", "mask-text", run[0].color, run[0].seqno, run[-1].seqno,
                                 label=s.strip() if _WORD_MASK.search(s) else None,
                                 detail=f"mask characters {s.strip()[:20]!r} in the text layer"))
    return out


def _column_gap(prev, ch, lines, li: int) -> bool:
    """True when the gap between two visible glyphs of a line is a column gap (see the module
    docstring)."""
    size = max(min(prev.size, ch.size), 1.0)
    a, b = prev.along[1], ch.along[0]
    if b - a >= COLUMN_GAP_EM * size:
        return True
    if b - a < RIVER_GAP_EM * size or lines is None:
        return False
    mid = (a + b) / 2
    empty = 0
    for lj in (li - 2, li - 1, li + 1, li + 2):
        if not 0 <= lj < len(lines):
            continue
        other = lines.glyphs(lj, ch.dir)
        if not other or not (other[0].along[0] < mid < other[-1].along[1]):
            continue
        if abs(other[0].across - ch.across) > 4 * size:
            continue
        if not any(c.along[0] - 0.1 * size < mid < c.along[1] + 0.1 * size for c in other):
            empty += 1
    return empty >= RIVER_LINES


def _spaced(chars: list, lines=None, li: int = 0) -> tuple[list, str]:
    """The line's text with a space wherever a visible gap has no space glyph (many PDFs draw
    words as separate runs), and the char behind each position (None for an inserted space), so
    that "Notes:" + "XXXXXXXX" + "end." drawn apart reads as three words.  A column gap (the
    spaces in it included) reads as :data:`SEP`, which no mask pattern crosses."""
    out_chars: list = []
    out = []
    prev = None          # the last visible glyph
    pending: list = []   # space glyphs since it
    for ch in chars:
        if not ch.c.strip():
            pending.append(ch)
            continue
        if prev is not None and _column_gap(prev, ch, lines, li):
            out_chars.append(None)
            out.append(SEP)
        else:
            for sp in pending:
                out_chars.append(sp)
                out.append(sp.c)
            if not pending and gap_is_space(prev, ch):
                out_chars.append(None)
                out.append(" ")
        pending = []
        out_chars.append(ch)
        out.append(ch.c)
        prev = ch
    for sp in pending:
        out_chars.append(sp)
        out.append(sp.c)
    return out_chars, "".join(out)

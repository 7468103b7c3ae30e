"""Mask runs in the text layer: ``█████``, ``XXXXXXX``, ``[REDACTED]``, ``*****``, ``REDACTED``."""
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


def mask_candidates(pm: PageModel) -> list[Candidate]:
    out: list[Candidate] = []
    for line in pm.lines:
        chars, text = _spaced(line.chars)
        hits = list(MASK_RE.finditer(text)) + [m for m in _BRACKETED.finditer(text)
                                               if not MASK_RE.search(m.group(0))]
        for m in hits:
            s = m.group(0)
            if s.strip() == "REDACTED" and _TITLE_NEIGHBOUR.search(text[max(0, m.start() - 15):m.end() + 15]):
                continue
            run = [c for c in chars[m.start():m.end()] if c is not None and c.c.strip()]
            if not run:
                continue
            box = g.union(c.bbox for c in run)
            out.append(Candidate(box, "text", "mask-text", run[0].color, run[0].seqno, run[-1].seqno,
                                 label=s.strip() if _WORD_MASK.search(s) else None,
                                 detail=f"mask characters {s.strip()[:20]!r} in the text layer"))
    return out


def _spaced(chars: list) -> tuple[list, str]:
    """The line's text with a space wherever a visible gap has no space glyph (many PDFs draw
    words as separate runs), and the char behind each position (None for an inserted space), so
    that "Notes:" + "XXXXXXXX" + "end." drawn apart reads as three words."""
    out_chars: list = []
    out = []
    prev = None
    for ch in chars:
        if gap_is_space(prev, ch):
            out_chars.append(None)
            out.append(" ")
        out_chars.append(ch)
        out.append(ch.c)
        prev = ch
    return out_chars, "".join(out)

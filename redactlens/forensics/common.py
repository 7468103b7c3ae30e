"""Small helpers shared by the forensic analyses: word matching, page walking.

The text hygiene (``clean``, ``short``, ``has_alnum`` ...) lives in :mod:`redactlens.text`; the
names below are re-exported for the analyses that still import them from here.
"""
from __future__ import annotations

import re

from ..text import MAX_TEXT, clean, has_alnum, short

__all__ = ["MAX_TEXT", "MAX_PAGES", "STOPWORDS", "clean", "distinctive_words", "has_alnum", "pages",
           "redaction_boxes", "short", "unmatched", "words"]

_WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*", re.UNICODE)

STOPWORDS = frozenset("""
a an and are as at be been but by for from had has have he her his i if in into is it its me my
no not of on or our she so than that the their them then there these they this to was we were
what when which who will with you your page date name none n/a na mr mrs ms dr re subject
""".split())


def words(text: str) -> list[str]:
    return _WORD.findall(text or "")


def distinctive_words(text: str, min_len: int = 3) -> set[str]:
    """Lower-cased words of ``text`` worth matching elsewhere: letters or digits, at least
    ``min_len`` long, not stop words."""
    out = set()
    for w in words(text):
        lw = w.lower()
        if len(lw) >= min_len and lw not in STOPWORDS and has_alnum(lw):
            out.add(lw)
    return out


#: most pages walked by the per-page analyses (annotations, forms, scripts, visible words)
MAX_PAGES = 2000


def pages(doc, limit: int = MAX_PAGES):
    """The document's pages, at most ``limit`` of them (hostile files claim 100,000 pages)."""
    for i in range(min(doc.page_count, limit)):
        yield doc[i]


def redaction_boxes(report) -> dict[int, list[tuple]]:
    """The report's redaction boxes by page number."""
    out: dict[int, list[tuple]] = {}
    for r in report.redactions:
        out.setdefault(r.page, []).append(tuple(r.bbox))
    return out


def unmatched(old: list, new: list, text_of, box_of, tol: float = 2.0) -> list:
    """Items (words) of ``old`` that ``new`` does not have: an item is matched by an item of the
    same text at about the same place (left edge and bottom within ``tol``) or, failing that, on the
    same line (bottom within ``tol``), nearest first.  A tool that rewrites a line (a redaction
    applied) often shifts the words after the removed ones sideways; they are not gone."""
    pool: dict[str, list] = {}
    for item in new:
        pool.setdefault(text_of(item), []).append(box_of(item))
    left = []
    for item in old:
        cands = pool.get(text_of(item), [])
        box = box_of(item)
        hit = next((i for i, b in enumerate(cands)
                    if abs(b[0] - box[0]) <= tol and abs(b[3] - box[3]) <= tol), None)
        if hit is None:
            left.append(item)
        else:
            cands.pop(hit)
    gone = []
    for item in left:
        cands = pool.get(text_of(item), [])
        box = box_of(item)
        hit = min(((abs(b[0] - box[0]), i) for i, b in enumerate(cands) if abs(b[3] - box[3]) <= tol),
                  default=None)
        if hit is None:
            gone.append(item)
        else:
            cands.pop(hit[1])
    return gone

"""What each document keeps of its running text for the batch stages that compare documents.

One page's capture (:func:`page_words`) is a compact dict::

    {"page": 3, "words": ["From:", "Sent:", ...], "boxes": [x0, top, x1, bottom, ...],
     "gaps": [[1, "a.pdf#p3-r1"], ...]}

``words`` are the page's clear words in reading order (lines as :attr:`PageModel.context_lines`
reads them: the text layer, else an OCR layer, else what OCR read); a character under a redaction
box is never kept (the same rule as :mod:`redactlens.cleartext`).  ``boxes`` holds each word's
displayed-page box, rounded to whole points, four numbers per word.  ``gaps`` says where each
redaction sits in the stream: ``[i, id]`` means the box comes before ``words[i]`` (a box across
several lines is one gap).  ``layer`` says where the words were read: ``text`` (the text layer),
``ocr_layer`` (an invisible OCR layer) or ``ocr`` (OCR run by redactlens).
"""
from __future__ import annotations

from ..cleartext import SUMMARY_ERRORS, line_items
from ..geometry import union
from ..page import gap_is_space

#: words kept per page: a page of running text holds 300-700; a hostile page cannot grow the report
MAX_WORDS = 4000


def page_words(pm, reds, per_line: list[list] | None = None) -> dict:
    """The clear words of one page and where its redactions sit among them (see the module);
    ``per_line``: the :func:`~redactlens.cleartext.line_items` of ``pm.context_lines``, when already read."""
    words: list[str] = []
    boxes: list[int] = []
    gaps: list[list] = []
    try:
        lines = pm.context_lines
        for items in per_line if per_line is not None else line_items(lines, reds):
            cur: list = []
            prev = None

            def flush():
                if cur and len(words) < MAX_WORDS:
                    words.append("".join(c.c for c in cur))
                    boxes.extend(round(v) for v in union(c.bbox for c in cur))
                cur.clear()

            for kind, _x0, _x1, obj in items:
                if kind == "r":
                    flush()
                    rid = reds[obj].id
                    if not (gaps and gaps[-1] == [len(words), rid]) and not any(g[1] == rid for g in gaps):
                        gaps.append([len(words), rid])
                    prev = None
                    continue
                if not obj.c.strip() or gap_is_space(prev, obj):
                    flush()
                if obj.c.strip():
                    cur.append(obj)
                prev = obj
            flush()
    except SUMMARY_ERRORS:
        return {"page": pm.number, "words": [], "boxes": [], "gaps": []}
    layer = "text" if pm.visible_chars else ("ocr_layer" if any(c.invisible for c in pm.chars) else "ocr")
    return {"page": pm.number, "words": words, "boxes": boxes, "gaps": gaps, "layer": layer}

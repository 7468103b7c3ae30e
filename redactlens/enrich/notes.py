"""Page notes: a line printed on a page that cites exemptions for every redaction on that page
("(b)(6) applies to all redactions on this page", "All deletions on this page: b6, b7C").

A line is a page note when it cites at least one exemption code and, in that order, holds a
quantifier, a word for the withheld parts and a scope word (``redactlens/data/page_notes.json``).
A sentence that merely cites an exemption ("Exemption 6 protects personnel files") is not a note.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

from . import exemptions as ex


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern:
    data = json.loads(resources.files("redactlens").joinpath("data", "page_notes.json").read_text(encoding="utf-8"))

    def alt(words):
        return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"\b(?:{alt(data['quantifiers'])})\s+(?:\w+\s+){{0,2}}?(?:{alt(data['withheld'])})\b"
                      rf".{{0,40}}?\b(?:{alt(data['scope'])})\b", re.I | re.S)


def note_codes(text: str, folders: tuple[str, ...] = ()) -> list[str]:
    """The codes of ``text`` when it is a page note, else []."""
    t = " ".join(text.split())
    if not t or len(t) > 240 or not _pattern().search(t):
        return []
    return ex.parse_codes(t, folders)

"""Text hygiene shared by the whole package: untrusted text made safe to print, and small tests.

Everything here is a pure function of its arguments (no PyMuPDF, no I/O).
"""
from __future__ import annotations

import re
import unicodedata

#: longest text a single finding carries (longer text is cut and the detail says so)
MAX_TEXT = 4000

_CTRL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def clean(text: object, limit: int = MAX_TEXT) -> str:
    """Untrusted text from a PDF made safe to print: control and bidi characters removed, line
    ends normalised, length capped (an ellipsis marks the cut)."""
    if text is None:
        return ""
    s = str(text).replace("\r\n", "\n").replace("\r", "\n")
    s = _CTRL.sub("", s)
    s = unicodedata.normalize("NFC", s).strip()
    if len(s) > limit:
        s = s[:limit] + " …"
    return s


def has_alnum(text: str | None) -> bool:
    """True when ``text`` holds at least one letter or digit."""
    return any(ch.isalnum() for ch in text or "")


def alnum_count(text: str | None) -> int:
    """How many letters and digits ``text`` holds."""
    return sum(ch.isalnum() for ch in text or "")


def short(text: str | None, n: int = 60) -> str:
    """``text`` on one line (white space folded), at most ``n`` characters (an ellipsis marks the cut)."""
    t = " ".join((text or "").split())
    return t if len(t) <= n else t[: n - 1] + "…"

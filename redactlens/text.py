"""Text hygiene shared by the whole package: untrusted text made safe to print, and small tests.

Everything here is a pure function of its arguments (no PyMuPDF, no I/O).
"""
from __future__ import annotations

import json
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


# ------------------------------------------------------------------ the boundary of valid Unicode
#
# Strings reach redactlens from PDFs (text, /Info, names), from MuPDF (its messages), from the file
# system (names that are not UTF-8 arrive as lone surrogates through Python's ``surrogateescape``)
# and from OCR.  A Python ``str`` may hold lone surrogates that no UTF-8 writer accepts; they are
# made valid *once*, where a document's report is assembled (:func:`report_dict`), so that every
# writer can encode strictly.

_SURROGATE = re.compile("[\ud800-\udfff]")
#: a file name's undecodable byte, as Python's ``surrogateescape`` error handler carries it
_ESCAPED_BYTE = range(0xDC80, 0xDD00)


def valid(text: object, *, escape_bytes: bool = False) -> str:
    """``text`` as valid Unicode (encodable as UTF-8).  Surrogate pairs are joined; a lone
    surrogate becomes U+FFFD, or -- with ``escape_bytes``, for file names -- an undecodable byte
    carried by ``surrogateescape`` becomes ``\\xNN`` (visible, and the raw name is kept apart:
    :func:`report_dict`)."""
    s = text if isinstance(text, str) else str(text)
    try:
        s.encode("utf-8")
        return s
    except UnicodeEncodeError:
        pass
    try:  # a pair of surrogates spelled as two code points is one character
        s = s.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
    except UnicodeError:
        pass

    def one(m: re.Match) -> str:
        cp = ord(m.group())
        return f"\\x{cp - 0xDC00:02x}" if escape_bytes and cp in _ESCAPED_BYTE else "\ufffd"
    return _SURROGATE.sub(one, s)


def valid_tree(obj):
    """Every string (dictionary keys included) of a JSON-like tree made :func:`valid`: the tree
    itself when every string already is (nearly every report: the check is one pass of the C
    JSON encoder), else a copy with lists for its tuples."""
    if isinstance(obj, (dict, list)) and _all_valid(obj):
        return obj
    return _valid_copy(obj)


def _all_valid(tree) -> bool:
    """True when every string of ``tree`` encodes as UTF-8 (False, too, for what JSON cannot
    encode: the copy decides those)."""
    try:
        json.dumps(tree, ensure_ascii=False, check_circular=False).encode("utf-8")
        return True
    except (UnicodeEncodeError, TypeError, ValueError, RecursionError):
        return False


def _valid_copy(obj):
    if isinstance(obj, str):
        return valid(obj)
    if isinstance(obj, dict):
        return {valid(k) if isinstance(k, str) else k: _valid_copy(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_valid_copy(v) for v in obj]
    return obj


def is_valid(text: str) -> bool:
    """True when ``text`` encodes as UTF-8 (no lone surrogates)."""
    try:
        text.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def path_bytes_hex(path: str) -> str | None:
    """The file-system bytes of a path whose name is not valid UTF-8, as hex (None otherwise)."""
    if is_valid(path):
        return None
    import os
    try:
        return os.fsencode(path).hex()
    except UnicodeError:
        return None


def path_from_hex(raw: str) -> str:
    """The path a :func:`path_bytes_hex` value names (as the file system's ``str``)."""
    import os
    return os.fsdecode(bytes.fromhex(raw))


#: PDF keywords MuPDF quotes in its messages (``expected 'endobj' keyword``): kept as they are
_PDF_KEYWORDS = frozenset({"obj", "endobj", "stream", "endstream", "xref", "trailer", "startxref", "R", "BT",
                           "ET", "BI", "ID", "EI", "true", "false", "null"})
_QUOTED = re.compile(r"'[^'\n]{0,400}'|\"[^\"\n]{0,400}\"")
#: longest message (error, warning) a report carries
MAX_MESSAGE = 600


def message(text: object, limit: int = MAX_MESSAGE) -> str:
    """A message for a report's ``error`` / ``warnings`` that never quotes a file's contents:
    MuPDF quotes the bytes it could not parse (``unknown keyword: '...'``), and an exception's
    text may carry them too, so any quoted token other than a PDF keyword becomes ``'…'``;
    control characters are dropped, white space folded, the length capped, Unicode made valid."""
    s = valid("" if text is None else text)
    s = _QUOTED.sub(lambda m: m.group() if m.group()[1:-1] in _PDF_KEYWORDS else m.group()[0] + "\u2026" + m.group()[0], s)
    s = "".join(ch if ch.isprintable() else " " for ch in s)
    s = " ".join(s.split())
    return s if len(s) <= limit else s[: limit - 1] + "\u2026"


def exc_message(exc: BaseException) -> str:
    """``Type: message`` of an exception, through :func:`message`."""
    return message(f"{type(exc).__name__}: {exc}")


_MESSAGE_KEYS = ("error",)


def report_dict(d: dict) -> dict:
    """A document report dict (``DocumentReport.to_dict()``) at the report boundary: every string
    made :func:`valid`; ``error``, ``warnings`` and ``page_errors`` made :func:`message`; a path
    that is not valid UTF-8 shown with ``\\xNN`` escapes, its bytes kept in ``path_bytes`` (hex) so
    that the file can still be reopened (exhibit, thumbnails)."""
    out = dict(d)
    path = out.get("path")
    if isinstance(path, str) and not is_valid(path):
        out["path_bytes"] = out.get("path_bytes") or path_bytes_hex(path)
        out["path"] = valid(path, escape_bytes=True)
    for k in _MESSAGE_KEYS:
        if out.get(k):
            out[k] = message(out[k])
    if out.get("warnings"):
        out["warnings"] = [message(w) for w in out["warnings"]]
    if out.get("page_errors"):
        out["page_errors"] = [{**e, "error": message(e.get("error"))} if isinstance(e, dict) else e
                              for e in out["page_errors"]]
    return valid_tree(out)


# ------------------------------------------------------------------ the terminal

_INVISIBLE_CATEGORIES = ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")


def display(text: object) -> str:
    """``text`` safe to print on a terminal: valid Unicode, every control, format (bidi), line or
    paragraph separator character shown as an escape (``\\x1b``, ``\\n``, ``\\u202e``), so a file
    name or a PDF resource name can neither move the cursor, recolour the screen, forge a line
    nor reverse the text after it."""
    s = valid("" if text is None else text, escape_bytes=True)
    out = []
    for ch in s:
        if ch == " " or unicodedata.category(ch) not in _INVISIBLE_CATEGORIES:
            out.append(ch)
        else:
            cp = ord(ch)
            out.append(f"\\x{cp:02x}" if cp < 0x100 else f"\\u{cp:04x}" if cp < 0x10000 else f"\\U{cp:08x}")
    return "".join(out)

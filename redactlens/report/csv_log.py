"""A Vaughn-style redaction log: one CSV row per redaction.

UTF-8 with a byte-order mark (so Excel detects the encoding; LibreOffice ignores it), CRLF line
ends, every cell quoted when needed.  Any text cell whose first character is ``=``, ``+``,
``-``, ``@``, a tab or a carriage return (also after leading spaces) is neutralised with a leading
apostrophe, so that a spreadsheet never evaluates PDF-derived text as a formula (CSV injection).
Numbers written by redactlens itself (page, bbox, est. characters) are left as numbers.
"""
from __future__ import annotations

import csv
import io
from typing import Union

from ..model import BatchReport, DocumentReport
from ..output import atomic_write
from .common import as_batch, cites, length_of, numbered, number_of, range_text, refs

#: the log's columns, in order (header row)
COLUMNS = [
    "no", "document", "page", "redaction_id", "x0", "top", "x1", "bottom", "method", "style", "field",
    "field_evidence", "exemptions_cited", "exemption_source", "label_as_printed", "est_chars",
    "est_chars_range", "est_lines", "est_length", "context_before", "context_after", "context_label", "recoverable",
    "recoverable_how", "consistency", "document_path", "document_sha256",
]
LEAK_COLUMN = "recovered_text"      # only with show_leaks=True

_DANGER = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> str:
    """A text cell that a spreadsheet will not evaluate (OWASP CSV-injection advice)."""
    s = "" if value is None else str(value)
    if s and (s[0] in _DANGER or s.lstrip(" ")[:1] in _DANGER or s.lstrip()[:1] in ("=", "+", "@")):
        return "'" + s
    return s


def _num(v) -> object:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.2f}".rstrip("0").rstrip(".") if v != int(v) else str(int(v))
    return v


def rows(batch: BatchReport, show_leaks: bool = False) -> list[list[object]]:
    """The log as rows (header first); text cells neutralised."""
    numbers = number_of(batch)
    involved: dict[int, list[str]] = {}
    for k, it in enumerate(batch.consistency, 1):
        for n in refs(it, numbers):
            involved.setdefault(n, []).append(f"{k}:{it.type}")
    header = COLUMNS + ([LEAK_COLUMN] if show_leaks else [])
    out: list[list[object]] = [header]
    for x in numbered(batch):
        r, d = x.red, x.doc
        ctx = r.context
        lab = " / ".join(t for t in (ctx.label, ctx.header) if t) if ctx else ""
        b = list(r.bbox) + [None] * (4 - len(r.bbox))
        row = [
            x.n, neutralise(_short(d.path)), r.page, neutralise(r.id), _num(b[0]), _num(b[1]), _num(b[2]),
            _num(b[3]), neutralise(r.method), neutralise(r.style), neutralise(r.field or "unknown"),
            neutralise(r.field_evidence), neutralise(cites(r)), neutralise(r.exemption_source),
            neutralise(r.label or ""), _num(r.est_chars), neutralise(range_text(r.est_chars_range)),
            _num(r.est_lines), neutralise(length_of(r)), neutralise(ctx.before if ctx else ""), neutralise(ctx.after if ctx else ""),
            neutralise(lab), "yes" if r.leak else "no", neutralise(r.leak.how if r.leak else ""),
            neutralise("; ".join(involved.get(x.n, []))), neutralise(d.path), neutralise(d.sha256 or ""),
        ]
        if show_leaks:
            row.append(neutralise(r.leak.text if r.leak else ""))
        out.append(row)
    return out


def _short(path: str) -> str:
    import os
    return os.path.basename(path) or path


def csv_text(report: Union[BatchReport, DocumentReport, dict], show_leaks: bool = False) -> str:
    """The log as text (without the byte-order mark)."""
    buf = io.StringIO()
    w = csv.writer(buf, dialect="excel", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    w.writerows(rows(as_batch(report), show_leaks))
    return buf.getvalue()


def write_csv(report: Union[BatchReport, DocumentReport, dict], path: str, *, force: bool = False,
              show_leaks: bool = False) -> str:
    """Write the redaction log to ``path`` (UTF-8 with BOM), atomically; never over an existing
    file unless ``force``.  ``show_leaks`` adds a ``recovered_text`` column.  Returns ``path``."""
    atomic_write(path, ("\ufeff" + csv_text(report, show_leaks)).encode("utf-8"), force=force)
    return path

"""What the command line prints: one line per document, the recovered text per box (only with
``--show-leaks``), the batch's consistency items and the totals.

Every string comes from the input (file names, PDF text, messages), so each line goes through
:func:`redactlens.text.display` (control, escape and bidi characters shown as escapes).

Flags: ``LEAK`` only when some box of the document still gives up withheld content (a leak other
than width-fitting candidates, which are not text); ``NOTE`` when there are findings but nothing
recovered under a box (metadata, scripts, earlier revisions of text no box covers ...); ``ok``
otherwise; ``ERROR`` / ``skip`` for documents not scanned.
"""
from __future__ import annotations

from .model import BatchReport, DocumentReport, Redaction
from .text import display

#: consistency items printed after the documents (the rest are counted)
TOP_ITEMS = 5
#: characters of one item's detail, or of one box's recovered text, on the terminal
LINE_CHARS = 160
#: leak kinds that are not recovered text (candidates only)
NOT_TEXT = ("glyph_positions",)
#: documents whose recovered text may be printed: scans that finished (a partial page error keeps
#: the pages that were read)
FINISHED = (None, "page_errors")


def recovered(d: DocumentReport) -> list[Redaction]:
    """The boxes of ``d`` whose withheld content is still recoverable."""
    return [r for r in d.redactions if r.leak is not None and r.leak.how not in NOT_TEXT]


def summary_line(d: DocumentReport) -> str:
    if d.skipped:
        return display(f"skip   {d.path}: {d.error}")
    if d.error and not d.redactions:
        return display(f"ERROR  {d.path}: {d.error}")
    leaks = len(recovered(d))
    methods: dict[str, int] = {}
    for r in d.redactions:
        methods[r.method] = methods.get(r.method, 0) + 1
    how = ", ".join(f"{n} {m}" for m, n in sorted(methods.items())) or "none"
    flag = "LEAK " if leaks else "NOTE " if d.findings else "ok   "
    s = f"{flag}{d.path}: {d.pages} page(s), {len(d.redactions)} redaction(s) ({how})"
    if leaks:
        s += f", {leaks} with recoverable text"
    if d.findings:
        s += f", {len(d.findings)} finding(s)"
    if d.error:
        s += f" [error: {d.error}]"
    return display(s)


def leak_lines(d: DocumentReport) -> list[str]:
    """One indented line per box with recovered text (for ``--show-leaks``); nothing for a
    document whose scan did not finish."""
    if d.skipped or d.error_code not in FINISHED:
        return []
    out = []
    for r in recovered(d):
        text = " / ".join(r.leak.text.split("\n")) or "(unreadable: proven, no text)"
        out.append(display(f"       {r.id} p{r.page} {r.bbox} {r.leak.how}: {_cut(text)}"))
    return out


def consistency_lines(batch: BatchReport) -> list[str]:
    """The batch's first consistency items (in the order the analysis ranks them) and a count of
    the rest."""
    items = batch.consistency
    if not items:
        return []
    out = [f"consistency: {len(items)} item(s)"]
    for it in items[:TOP_ITEMS]:
        out.append(display(f"  {it.type}: {_cut(it.detail)}"))
    if len(items) > TOP_ITEMS:
        out.append(f"  ... and {len(items) - TOP_ITEMS} more (see --json or --html)")
    return out


def totals_line(docs: int, skipped: int, redactions: int, leaking: int, failed: int) -> str:
    scanned = docs - skipped
    s = f"{scanned} document(s) scanned"
    if skipped:
        s += f" ({skipped} input(s) skipped)"
    return s + f", {redactions} redaction(s), {leaking} with recoverable text, {failed} failed"


def _cut(s: str) -> str:
    s = " ".join(s.split())
    return s if len(s) <= LINE_CHARS else s[:LINE_CHARS - 1] + "\u2026"

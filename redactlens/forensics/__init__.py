"""Document forensics: every place outside the page content where withheld text survives.

:func:`analyse_document` is the single entry point the pipeline calls once per document, after
every page has been scanned.  It works on the already-open document and the input bytes in
memory; the input file is never written.  See ``docs/forensics.md``.

Each analysis runs on its own: a failure in one becomes a warning on the report and the others
still run.  Work is bounded (time budgets, page/word/finding caps, text caps).
"""
from __future__ import annotations

import time

from ..model import DocumentReport
from .common import distinctive_words, pages, redaction_boxes
from .embedded import analyse_annotations, analyse_attachments, analyse_forms, analyse_javascript
from .hidden import BUDGET_S as HIDDEN_BUDGET_S, FindingSink, analyse_layers, analyse_page_text
from .metadata import analyse_metadata, flat_metadata
from .revisions import analyse_revisions

#: finding types this package adds to the contract's vocabulary
EXTRA_TYPES = ("hidden_layer", "off_crop_text", "hidden_text", "tiny_text")
#: most characters of page text read to decide which metadata words are visible
MAX_VISIBLE_CHARS = 2_000_000


def _visible_words(doc, report: DocumentReport) -> set[str]:
    """Distinctive words printed on the pages, leaving out words under a redaction (those are
    withheld, even when the core scan could still read them)."""
    from .. import geometry as g
    reds = redaction_boxes(report)
    out: set[str] = set()
    n = 0
    for page in pages(doc):
        boxes = reds.get(page.number + 1, [])
        kept = []
        for w in page.get_text("words"):
            if boxes:
                wb = g.to_display(w[:4], page)
                if any(g.covered_fraction(wb, b) >= 0.5 for b in boxes):
                    continue
            kept.append(w[4])
        t = " ".join(kept)
        n += len(t)
        out |= distinctive_words(t)
        if n > MAX_VISIBLE_CHARS:
            break
    return out


def analyse_document(doc, data: bytes, report: DocumentReport) -> None:
    """Add document-level findings (and revision leaks) to ``report`` (in place)."""
    if not getattr(doc, "is_pdf", True):
        return
    data = bytes(data)

    def step(name: str, fn, *args):
        try:
            return fn(*args)
        except Exception as exc:  # one broken analysis never loses the others
            report.warnings.append(f"forensics ({name}) failed: {type(exc).__name__}: {str(exc)[:200]}")
            return None

    withheld = step("prior_revision", analyse_revisions, doc, data, report, flat_metadata) or []
    withheld = list(withheld) + [r.leak.text for r in report.redactions if r.leak is not None and r.leak.text]
    def visible() -> set[str]:  # read only if the metadata check needs it
        return step("visible text", _visible_words, doc, report) or set()

    step("metadata", analyse_metadata, doc, report, withheld, visible)
    step("attachment", analyse_attachments, doc, report)
    step("form_field", analyse_forms, doc, report)
    step("annotation_text", analyse_annotations, doc, report)
    step("javascript", analyse_javascript, doc, report)
    sink = FindingSink(report)
    deadline = time.monotonic() + HIDDEN_BUDGET_S
    step("hidden_layer", analyse_layers, doc, data, report, sink, deadline)
    step("hidden text", analyse_page_text, doc, report, sink, deadline)
    sink.close()

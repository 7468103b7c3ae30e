"""Document forensics: every place outside the page content where withheld text survives.

Two entry points, called by :mod:`redactlens.pipeline` once per document:

* :func:`earlier_revisions` -- before the pages are scanned: what earlier revisions of the file
  hold (:class:`~redactlens.forensics.revisions.RevisionAnalysis`); the pipeline maps it onto each
  page's boxes as a leak channel, so enrichment sees those leaks like any other;
* :func:`analyse_document` -- after every page: the document's findings (revisions, metadata,
  attachments, forms, annotations, JavaScript, hidden layers and text), returned as a
  :class:`DocumentForensics` value.

Both work on the already-open document and the input bytes in memory; the input file is never
written.  Each analysis runs on its own: a failure that a hostile file can cause becomes a warning
and the others still run.  Work is bounded (the ``revisions_budget`` and ``hidden_budget``
settings, page/word/finding caps, text caps).  See ``docs/forensics.md``.
"""
from __future__ import annotations

import time
import zlib
from dataclasses import dataclass, field

from .. import geometry as g
from ..errors import MUPDF_ERRORS
from ..model import DocumentReport, Finding, Redaction
from ..settings import Settings
from .common import distinctive_words, pages, redaction_boxes
from .embedded import analyse_annotations, analyse_attachments, analyse_forms, analyse_javascript
from .hidden import FindingSink, analyse_layers, analyse_page_text
from .metadata import analyse_metadata, flat_metadata
from .revisions import RevisionAnalysis, compare_revisions, revision_findings, revision_texts

__all__ = ["ANALYSIS_ERRORS", "DocumentForensics", "RevisionAnalysis", "analyse_document", "earlier_revisions",
           "revision_texts"]

#: finding types this package adds to the contract's vocabulary
EXTRA_TYPES = ("hidden_layer", "off_crop_text", "hidden_text", "tiny_text")
#: most characters of page text read to decide which metadata words are visible
MAX_VISIBLE_CHARS = 2_000_000


#: what a hostile file can make an analysis raise (MuPDF's errors, :data:`MUPDF_ERRORS`; malformed
#: objects give ValueError/LookupError/UnicodeError; deep nesting RecursionError; bad streams
#: zlib.error).  Anything else is a bug of ours and fails the scan (and the tests).
ANALYSIS_ERRORS = MUPDF_ERRORS + (LookupError, UnicodeError, OverflowError, RecursionError, zlib.error)


@dataclass
class DocumentForensics:
    """What :func:`analyse_document` found: findings, warnings and ``metadata`` entries."""

    findings: list[Finding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    metadata: dict = field(default_factory=dict)


def earlier_revisions(doc, data: bytes, settings: Settings) -> tuple[RevisionAnalysis, list[str]]:
    """What the earlier revisions of the file hold (and warnings), before any page is scanned."""
    if not getattr(doc, "is_pdf", True):
        return RevisionAnalysis(), []
    try:
        rev = compare_revisions(doc, bytes(data), settings.revisions_budget, flat_metadata)
    except ANALYSIS_ERRORS as exc:
        return RevisionAnalysis(), [f"forensics (prior_revision) failed: {type(exc).__name__}: {str(exc)[:200]}"]
    return rev, list(rev.warnings)


def _visible_words(doc, report: DocumentReport) -> set[str]:
    """Distinctive words printed on the pages, leaving out words under a redaction (those are
    withheld, even when the core scan could still read them)."""
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


def analyse_document(doc, data: bytes, redactions: list[Redaction], revisions: RevisionAnalysis,
                     settings: Settings, path: str = "", page_hidden: dict | None = None) -> DocumentForensics:
    """The document-level findings, once every page is scanned and every leak resolved
    (``page_hidden``: page number -> :class:`~redactlens.forensics.hidden.PageHidden` of the pages
    whose hidden text the page loop examined)."""
    out = DocumentForensics()
    if not getattr(doc, "is_pdf", True):
        return out
    data = bytes(data)
    # the analyses write into a scratch report that holds the redactions they read
    scratch = DocumentReport(path=path, pages=doc.page_count, redactions=list(redactions))
    scratch.metadata["revisions"] = revisions.metadata()

    def step(name: str, fn, *args):
        try:
            return fn(*args)
        except ANALYSIS_ERRORS as exc:  # one broken analysis never loses the others
            scratch.warnings.append(f"forensics ({name}) failed: {type(exc).__name__}: {str(exc)[:200]}")
            return None

    scratch.findings.extend(step("prior_revision", revision_findings, revisions, redactions) or [])
    withheld = list(revisions.removed_texts) + [r.leak.text for r in redactions if r.leak is not None and r.leak.text]

    def visible() -> set[str]:  # read only if the metadata check needs it
        return step("visible text", _visible_words, doc, scratch) or set()

    step("metadata", analyse_metadata, doc, scratch, withheld, visible)
    step("attachment", analyse_attachments, doc, scratch)
    step("form_field", analyse_forms, doc, scratch)
    step("annotation_text", analyse_annotations, doc, scratch)
    step("javascript", analyse_javascript, doc, scratch)
    sink = FindingSink(scratch)
    deadline = time.monotonic() + settings.hidden_budget
    step("hidden_layer", analyse_layers, doc, data, scratch, sink, deadline)
    step("hidden text", analyse_page_text, doc, scratch, sink, deadline, page_hidden)
    sink.close()
    out.findings, out.warnings, out.metadata = scratch.findings, scratch.warnings, scratch.metadata
    return out

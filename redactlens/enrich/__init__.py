"""Enrichment: what each redaction withheld (context, field, exemptions, hidden size).

:func:`enrich_page` is the single entry point the pipeline calls for every page, after detection;
:func:`enrich_batch` is called once per batch by :func:`redactlens.scan_many`.  Both work in place
and never raise: a failure is written to ``report.warnings`` and the page keeps its redactions.

The rules are documented in ``docs/enrichment.md``; the words they use live in
``redactlens/data/*.json``.
"""
from __future__ import annotations

from ..model import BatchReport, DocumentReport, Redaction


def enrich_page(pm, reds: list[Redaction], report: DocumentReport) -> None:
    """Fill context, field, exemptions and size of the redactions found on one page (in place)."""
    try:
        from .core import enrich_page_safe
        enrich_page_safe(pm, reds, report)
    except Exception as exc:  # enrichment is extra information: it never loses a page
        _warn(report, f"enrichment of page {getattr(pm, 'number', '?')} failed: {type(exc).__name__}: {exc}")


def enrich_batch(batch: BatchReport) -> None:
    """Batch-level enrichment, in place: where glyph positions fix a hidden width exactly, rank
    same-field values printed in the clear elsewhere in the batch (``printed_values``) whose
    rendered width fits, as *candidates* (never as recovered text).  Called by
    :func:`redactlens.scan_many`."""
    try:
        from .glyphs import rank_batch
        rank_batch(batch)
    except Exception as exc:
        for d in batch.documents[:1]:
            _warn(d, f"batch enrichment failed: {type(exc).__name__}: {exc}")


def _warn(report: DocumentReport, msg: str) -> None:
    try:
        if msg not in report.warnings:
            report.warnings.append(msg)
    except Exception:
        pass

"""Enrichment: what each redaction withheld (context, field, exemptions, hidden size).

:func:`enrich_page` is the single entry point the pipeline calls for every page, after detection.
"""
from __future__ import annotations

from ..model import BatchReport, DocumentReport, Redaction


def enrich_page(pm, reds: list[Redaction], report: DocumentReport) -> None:
    """Fill context, field, exemptions and size of the redactions found on one page (in place)."""
    return None


def enrich_batch(batch: BatchReport) -> None:
    """Batch-level enrichment (e.g. ranking same-field values printed elsewhere in the batch as
    candidates for a hidden width), in place.  Called by :func:`redactlens.scan_many`."""
    return None

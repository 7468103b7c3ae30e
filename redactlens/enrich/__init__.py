"""Enrichment: what each redaction withheld (context, field, exemptions, hidden size).

The pipeline calls :func:`enrich_page` for every page once every leak of the page is resolved
(so recovered text, an earlier revision's included, sets the hidden size), then
:func:`rank_document` once per document; the batch runner calls :func:`enrich_batch`.  Each
returns new values and leaves its inputs as they were.

The rules are documented in ``docs/enrichment.md``; the words they use live in
``redactlens/data/*.json``.
"""
from __future__ import annotations

from ..model import BatchReport, DocumentReport, Redaction
from .core import PageEnrichment, enrich_page
from .glyphs import build_pool, rank_documents, rank_redactions
from .columns import same_column
from .stamps import same_stamp
from .letters import apply_release, release_letters as _letters

__all__ = ["PageEnrichment", "enrich_page", "rank_document", "release_letters", "enrich_batch"]


def release_letters(doc, settings, reds: list[Redaction]) -> tuple[list[Redaction], list[dict]]:
    """The document-level stage after every page: boxes down one table column get the column's
    field (:func:`~redactlens.enrich.columns.same_column`), an untyped sideways bar where other pages'
    stamps had a 'Signature:' bar is a signature (:func:`~redactlens.enrich.stamps.same_stamp`),
    then a cover/response letter's sections
    go on the boxes of the fields it names (:mod:`redactlens.enrich.letters`).  Returns new
    redactions and the letter's claims; ``reds`` are not changed."""
    return _letters(doc, settings, same_stamp(same_column(reds)))


def rank_document(reds: list[Redaction], printed_values: list[dict], path: str = "") -> list[Redaction]:
    """Where glyph positions fix a hidden width exactly, rank the same-field values printed in the
    clear in this document as candidates (never as recovered text); new redactions."""
    return rank_redactions(reds, build_pool([DocumentReport(path=path, printed_values=printed_values)]))


def enrich_batch(batch: BatchReport) -> BatchReport:
    """Batch-level enrichment: the same ranking over the values printed anywhere in the batch, and
    a response letter of one document applied to the other documents of the same request.
    Returns a new :class:`BatchReport` (``batch`` is not changed)."""
    docs = apply_release(rank_documents(batch.documents))
    return BatchReport(documents=docs, consistency=list(batch.consistency),
                       schema=batch.schema)

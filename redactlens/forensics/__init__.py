"""Document forensics: every place outside the page content where withheld text survives.

:func:`analyse_document` is the single entry point the pipeline calls once per document, after
every page has been scanned.  It works on the already-open document and the input bytes in
memory; the input file is never written.
"""
from __future__ import annotations

from ..model import DocumentReport


def analyse_document(doc, data: bytes, report: DocumentReport) -> None:
    """Add document-level findings (and revision leaks) to ``report`` (in place)."""
    return None

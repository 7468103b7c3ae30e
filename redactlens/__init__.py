"""redactlens: find every redaction in a PDF release, say how it was made and what still leaks.

>>> import redactlens
>>> report = redactlens.scan("release/call-07.pdf")
>>> [(r.page, r.bbox, r.leak) for r in report.redactions]
"""
from .model import (BatchReport, ConsistencyItem, Context, DocumentReport, Finding, Leak,
                    Redaction)
from .pipeline import scan
from .batch import scan_many

__all__ = ["scan", "scan_many", "BatchReport", "ConsistencyItem", "Context", "DocumentReport",
           "Finding", "Leak", "Redaction"]
__version__ = "0.1.0"

"""redactlens: find every redaction in a PDF release, say how it was made and what still leaks.

>>> import redactlens
>>> report = redactlens.scan("release/call-07.pdf", settings=redactlens.Settings(ocr="off"))
>>> [(r.page, r.bbox, r.leak) for r in report.redactions]
>>> batch = redactlens.scan_many(["release/"], settings={"timeout": 120})   # one Settings for every worker
>>> redactlens.analyse_consistency(batch)          # also in batch.consistency
>>> redactlens.write_csv(batch, "log.csv"); redactlens.write_exhibit(batch, "exhibit.pdf")
>>> redactlens.write_html(batch, "report.html")
>>> redactlens.diff("release-2019/", "release-2024/")["changes"]   # what a re-release lifted, added ...
"""
__version__ = "0.1.0"

import sys as _sys

# PyMuPDF imports its optional layout add-on (pymupdf_layout: onnxruntime and a model) whenever it is
# installed; no stage uses it, and it costs every process (the caller, the forkserver, each worker)
# 1-3 s of start-up and 57 MB (redactlens.batch.preload says how it was measured).  It is skipped
# while PyMuPDF loads; the placeholder is removed, so an explicit ``import pymupdf.layout`` still works.
if "pymupdf" not in _sys.modules and "pymupdf.layout" not in _sys.modules:
    _sys.modules["pymupdf.layout"] = None
    try:
        import pymupdf as _pymupdf  # noqa: F401
    finally:
        if _sys.modules.get("pymupdf.layout", 0) is None:
            del _sys.modules["pymupdf.layout"]

from .model import (BatchReport, ConsistencyItem, Context, DocumentReport, Finding, Leak,
                    Redaction)
from .errors import DocumentError, ExitCode
from .pipeline import scan
from .settings import Settings
from .batch import BatchStats, iter_scan, scan_many
from .consistency import analyse_batch as analyse_consistency
from .report import write_csv, write_exhibit, write_html
from .diff import diff
from .sqlite_out import write_sqlite

__all__ = ["scan", "scan_many", "iter_scan", "BatchStats", "Settings", "analyse_consistency", "write_csv",
           "write_html", "write_exhibit", "write_sqlite", "diff", "BatchReport", "ConsistencyItem", "Context",
           "DocumentReport", "Finding", "Leak", "Redaction", "DocumentError", "ExitCode"]

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

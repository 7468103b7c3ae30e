"""The release diff: what changed between two releases of the same records (docs/diff.md).

>>> import redactlens
>>> d = redactlens.diff("release-2019/", "release-2024/")      # files or folders, or BatchReports
>>> [c["type"] for c in d["changes"]]                          # lifted, added, narrowed ...
"""
from __future__ import annotations

from ..model import BatchReport
from .compare import SCHEMA, diff_batches, match_documents, match_pages
from .write import write_diff_csv, write_diff_html, write_diff_json


def _batch(x, settings, workers, password) -> BatchReport:
    if isinstance(x, BatchReport):
        return x
    from ..batch import scan_many
    return scan_many(x, settings=settings, workers=workers, password=password)


def diff(old, new, *, settings=None, workers=None, password=None) -> dict:
    """Compare two releases: ``old`` and ``new`` are paths (files or folders), lists of paths, or
    :class:`BatchReport` s from a scan in this process (a report read back from JSON lacks the page
    words the comparison needs).  Returns the ``redactlens-diff/1`` dict; text freed by a lifted
    or narrowed box is in it (``text``), as leak text is in the scan's JSON."""
    return diff_batches(_batch(old, settings, workers, password), _batch(new, settings, workers, password))


__all__ = ["diff", "diff_batches", "match_documents", "match_pages", "SCHEMA", "write_diff_json",
           "write_diff_csv", "write_diff_html"]

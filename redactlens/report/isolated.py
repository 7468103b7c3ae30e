"""The writers' per-document work, isolated like the scan.

The exhibit and the HTML thumbnails must reopen the source PDFs after the scan.  A source that the
scan survived only in a worker (a 60,000-deep outline that segfaults MuPDF, a tiny JPEG 2000 image
that decodes to 14 GB, 5,000 pages) must not take the writer down: each document's part of an
output is made by a picklable task (:class:`ExhibitPart`, :class:`ThumbnailPart`) that runs through
the batch executor -- a worker process per document, the same ``settings.timeout`` and
``settings.memory_mb`` as the scan (``workers=0``: in the calling process, without isolation, as
for the scan).  A failure costs that document's part only; the output says so in its place.

Only documents whose scan completed are examined (:func:`not_examined` gives the reason for the
others: they are listed, never copied).  A task reads the file once, checks it is the file that was
scanned (sha256), and opens it from those bytes.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Iterable

from ..errors import DocumentError
from ..model import DocumentReport
from ..settings import Settings
from ..text import path_from_hex

#: error codes of a scan that still examined every page it reports (pages that failed are
#: replaced by a notice; the others were scanned to the end)
PUBLISHABLE_CODES = (None, "page_errors")


def not_examined(d: DocumentReport) -> str | None:
    """Why the writers do not reopen ``d`` (None: they may).  A document whose scan did not finish
    (a time limit, a crash, the memory cap, a size or page limit, an unreadable or encrypted file)
    was never examined in full: text under its boxes was never looked for, so none of it is
    published (not copied into the exhibit, no thumbnails); it is listed with this reason."""
    if d.skipped:
        return "not a PDF (skipped)"
    if d.error_code not in PUBLISHABLE_CODES:
        return f"not examined: the scan did not complete ({d.error_code}: {d.error})"
    if not d.pages:
        return "not examined: the scan read no pages"
    return None


def source_path(d: DocumentReport) -> str:
    """The path to reopen ``d`` by (its raw bytes when the name is not valid UTF-8)."""
    return path_from_hex(d.path_bytes) if d.path_bytes else d.path


class SourceChanged(DocumentError):
    code = "unreadable"


def open_scanned(path: str, password: str | None, data: bytes | None, settings: Settings, sha256: str | None):
    """The source document, opened from its bytes once they are checked to be the scanned ones
    (when the report has the checksum: a report made by other code may not)."""
    from ..source import open_pdf, read_input
    inp = read_input(data if data is not None else path, name=path, max_bytes=settings.max_bytes)
    if sha256 and hashlib.sha256(inp.data).hexdigest() != sha256:
        raise SourceChanged("the file has changed since it was scanned; it is not examined again")
    return open_pdf(inp.data, password)


@dataclass
class ExhibitPart:
    """Task: the exhibit pages of one document (``{"pdf": bytes, "pages": n}``)."""

    report: dict
    show_leaks: bool
    numbers: list          # the batch numbers of the document's redactions
    font_files: tuple      # the caller's choice of fonts
    all_pages: bool = False  # every page, not only those with a redaction

    def __call__(self, path: str, password: str | None, data: bytes | None, settings: Settings) -> dict:
        from .exhibit import document_pages
        d = DocumentReport.from_dict(self.report)
        with open_scanned(path, password, data, settings, d.sha256) as src:
            pdf, n = document_pages(src, d, list(self.numbers), self.show_leaks, tuple(self.font_files),
                                    self.all_pages)
        return {"path": path, "pdf": pdf, "pages": n}


@dataclass
class ThumbnailPart:
    """Task: JPEG thumbnails of one document's first ``max_pages`` pages (``{"pages": [...]}``)."""

    report: dict
    show_leaks: bool
    max_pages: int

    def __call__(self, path: str, password: str | None, data: bytes | None, settings: Settings) -> dict:
        from .html import document_thumbnails
        d = DocumentReport.from_dict(self.report)
        with open_scanned(path, password, data, settings, d.sha256) as src:
            pages, note = document_thumbnails(src, d, self.show_leaks, self.max_pages, settings)
        return {"path": path, "pages": pages, "note": note}


def run_parts(jobs: Iterable[tuple[int, DocumentReport, object]], *, settings: Settings | dict | None = None,
              password: str | None = None, workers: int | None = None) -> dict[int, dict]:
    """Run each ``(key, document, task)`` through a local executor (see the module docstring);
    returns key -> the task's dict, or an error dict (``error``, ``error_code``) for a part that
    failed (time limit, memory cap, crash, unreadable file)."""
    from ..batch.runner import make_executor
    settings = Settings.resolve(settings)
    jobs = list(jobs)
    out: dict[int, dict] = {}
    if not jobs:
        return out
    engine = make_executor("local", settings, password=password, workers=workers, n_items=len(jobs))
    window = 1 if engine.inline else max(2, 2 * engine.workers)
    inflight: dict = {}
    pending = list(jobs)
    abort = True
    try:
        while pending or inflight:
            while pending and len(inflight) < window:
                key, d, task = pending.pop(0)
                path = source_path(d)
                inflight[engine.submit(path, task=task)] = (key, path)
            for fut in engine.wait_any(inflight):
                key, path = inflight.pop(fut)
                _, res = engine.outcome(fut, path)
                out[key] = res
        abort = False
    finally:
        engine.close(abort=abort)
    return out


def failure_note(res: dict) -> str | None:
    """The message of a failed part (None when the part was made)."""
    if res.get("error"):
        from ..text import message
        return message(res["error"])
    return None

"""Large documents split by page ranges across the workers of a pool, so that one 500-page file does
not serialise a batch.

A document goes to a worker as :class:`ScanOrSplit`: the worker opens it and runs the
document-level stages that come before the pages (:func:`redactlens.pipeline.start_document`:
the repair warning, earlier revisions).  A document of at most ``settings.split_pages`` pages
(or any document when ``split_pages`` is 0) is then scanned there to the end, exactly as
:func:`redactlens.scan` does.  A longer one comes back as a *split*: the start (picklable, see
:class:`~redactlens.pipeline.DocumentStart`), and the runner (:class:`Splitter`) schedules one
:class:`PageRange` task per range of about ``split_pages`` pages on the pool -- each opens the
document again and scans its pages (:func:`redactlens.pipeline.scan_pages`) -- and, when every
range is back, one :class:`Finish` task that takes the page results in order and runs the
document-level stages after the pages once (text layers under many boxes and the pages they
enrich again, glyph-width ranking, the response letter, findings, forensics) and makes the report.
The report is the one a single process makes (tested): each page's stages see only that page and
the document's start.

Each task is one pool task: the time limit and the memory cap hold per task (a range, the
finish), and a range that fails (a crash, the time or memory limit) is the document's error report.
Only the local pool splits (:attr:`~redactlens.batch.executor.Executor.splits`); custom tasks are
never split.
"""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, replace

from ..settings import Settings
from .discover import OK


def _report_dict(rep, data: bytes | None) -> dict:
    """A report at the boundary, as :func:`redactlens.batch.task.scan_document` returns it."""
    from ..pipeline import report_boundary
    out = report_boundary(rep)
    if data is not None and out.sha256 is None:
        out.sha256 = hashlib.sha256(data).hexdigest()
    return out.to_dict()


def _open(path: str, password: str | None, data: bytes | None, settings: Settings):
    """(input, open document), as :func:`redactlens.pipeline.scan` reads and opens it; raises
    :class:`~redactlens.errors.DocumentError`."""
    from ..pipeline import _mupdf_lines
    from ..source import open_pdf, read_input
    inp = read_input(data if data is not None else path, path if data is not None else None, settings.max_bytes)
    _mupdf_lines()
    return inp, open_pdf(inp.data, password)


def ranges(todo: int, split_pages: int) -> list[tuple[int, int]]:
    """``todo`` pages in about equal ranges (0-based, end excluded) of at most ``split_pages``."""
    n = max(1, math.ceil(todo / split_pages))
    bounds = [round(k * todo / n) for k in range(n + 1)]
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]


class ScanOrSplit:
    """The first task of every document of a splitting pool: the whole scan, or a split marker
    ``{"split": DocumentStart, "path": ..., "sha256": ...}`` for a document of more pages than
    ``settings.split_pages``."""

    def __call__(self, path: str, password: str | None, data: bytes | None, settings: Settings) -> dict:
        from ..errors import DocumentError
        from ..pipeline import finish_document, scan_pages, start_document
        from .task import scan_document
        try:
            inp, doc = _open(path, password, data, settings)
        except DocumentError:
            return scan_document(path, password, data, settings)   # the same error report as a scan
        with doc:
            start = start_document(doc, inp, settings)
            if not settings.split_pages or start.todo <= settings.split_pages:
                results = scan_pages(doc, range(start.todo), settings, start)
                return _report_dict(finish_document(doc, inp, settings, start, results), data)
        return {"split": start, "path": path, "sha256": inp.sha256}


@dataclass
class PageRange:
    """Pages ``first`` .. ``stop - 1`` (0-based) of a split document: its page results."""

    start: object            # pipeline.DocumentStart
    first: int
    stop: int

    def __call__(self, path: str, password: str | None, data: bytes | None, settings: Settings) -> dict:
        from ..pipeline import _mupdf_lines, scan_pages
        inp, doc = _open(path, password, data, settings)
        with doc:
            _mupdf_lines()        # what opening it again said was told with the document's start
            results = scan_pages(doc, range(self.first, self.stop), settings, self.start)
        # page_errors / warnings: what the worker's memory check reads (batch.limits)
        return {"page_results": [_without_ocr_chars(p) for p in results],
                "page_errors": [{"page": p.number, "error": p.error} for p in results if p.error],
                "warnings": [w for p in results for w in p.warnings]}


@dataclass
class Finish:
    """The document-level stages after the pages of a split document, and its report."""

    start: object
    results: list

    def __call__(self, path: str, password: str | None, data: bytes | None, settings: Settings) -> dict:
        from ..pipeline import finish_document
        results = [_with_ocr_chars(p) for p in self.results]
        inp, doc = _open(path, password, data, settings)
        with doc:
            return _report_dict(finish_document(doc, inp, settings, self.start, results), data)


# What OCR read travels as Tesseract's words and the pixel mapping; the page-model characters made
# from them (one per letter: most of the bytes) are made again where they are needed, by the same
# function (redactlens.ocr.words_to_chars), so they are the same.
def _without_ocr_chars(p):
    if p.ocr is None:
        return p
    from ..page import PageOcr
    return replace(p, ocr=PageOcr(p.ocr.words, p.ocr.to_display, ()))


def _with_ocr_chars(p):
    if p.ocr is None or p.ocr.chars or not p.ocr.words:
        return p
    from .. import ocr
    from ..page import PageOcr
    return replace(p, ocr=PageOcr(p.ocr.words, p.ocr.to_display,
                                  tuple(ocr.words_to_chars(list(p.ocr.words), p.ocr.to_display))))


@dataclass
class _Doc:
    """A split document in flight: its start, its ranges' results so far, failed or not."""

    start: object
    parts: list
    left: int
    done: bool = False


class Splitter:
    """The runner's side of the split: submits each document as :class:`ScanOrSplit`, and turns
    the done futures of a document into either its outcome or the next tasks to wait for."""

    def __init__(self, engine):
        self.engine = engine
        self.docs: dict = {}       # future -> (_Doc, range index) for the range and finish tasks

    def submit(self, path: str):
        return self.engine.submit(path, task=ScanOrSplit())

    def step(self, fut, path: str) -> tuple[list, tuple | None]:
        """(new futures to wait for, None) or ([], (kind, report dict)) for a done future; a range
        of a document whose outcome is already known gives ([], None) (its result is dropped)."""
        kind, d = self.engine.outcome(fut, path)
        entry = self.docs.pop(fut, None)
        if entry is None:                      # the first task
            if kind == OK and isinstance(d, dict) and "split" in d:
                start = d["split"]
                spans = ranges(start.todo, self.engine.settings.split_pages)
                doc = _Doc(start, [None] * len(spans), len(spans))
                new = []
                for k, (a, b) in enumerate(spans):
                    f = self.engine.submit(path, task=PageRange(start, a, b))
                    self.docs[f] = (doc, k)
                    new.append(f)
                return new, None
            return [], (kind, d)
        doc, k = entry
        if doc.done:
            return [], None
        if k == -1:                            # the finish task: the document's outcome
            doc.done = True
            return [], (kind, d)
        if kind != OK or not isinstance(d, dict) or "page_results" not in d:
            doc.done = True                    # a range failed: the document's error report
            return [], (kind, d)
        doc.parts[k] = d["page_results"]
        doc.left -= 1
        if doc.left:
            return [], None
        results = [p for part in doc.parts for p in part]
        f = self.engine.submit(path, task=Finish(doc.start, results))
        self.docs[f] = (doc, -1)
        doc.parts = []
        return [f], None

"""One document's path through redactlens, from bytes to report: the only module that knows the order.

::

    read the input (never written) -> open it
    earlier revisions of the file                                     forensics.earlier_revisions
    for each page (-> an immutable PageResult; a page that a hostile file breaks is a page error):
        page model                                                    page.PageModel
        detection: candidates -> judged -> merged                     detect_page (detect.*, evidence)
        scanned pages: OCR-layer words the scan still shows dropped   scanned.drop_visible_ocr_words
        ink of a page image under vector/annotation boxes             scanned.image_ink
        OCR where needed, given to the page model                     scanned.prepare_ocr (this thread),
          (the Tesseract read in an OCR thread while the loop goes      OcrJob.read (a thread), finish_ocr,
          on with the next pages: ``ocr_threads``; see scan_pages)      PageModel.with_ocr
        outlined boxes that OCR'd labels confirm                      scanned.outlines_after_ocr
        leak channels: text under the box, unapplied annotation,
          OCR layer, page image, earlier revisions                    channels_of, scanned.image_leaks,
                                                                      forensics.revision_texts
        one leak resolver, one written precedence                     leaks.resolve
        redactions -> enrichment (sees every leak)                    enrich.enrich_page
        clear-text summary for the batch analysis                     cleartext.page_summary
        the page's clear words, for cross-document stages             crossdoc.capture.page_words
        hidden text (off-crop, camouflaged, invisible, tiny), from    page_hidden
          the text trace the page model read                            (forensics.hidden.page_text)
    one text layer under many boxes: a finding, not their leaks       leaks.document_layers
      (the pages it changes are enriched again from their raw boxes)  pipeline._re_enrich
    glyph-width candidates over the document                          enrich.rank_document
    a cover/response letter's sections on the boxes it names          enrich.release_letters
    document findings: leaks on scans, forensics (the pages'          scanned.leak_findings, forensics.analyse_document
      hidden text reported in page order)
    -> DocumentReport (assembled once, here)

The document is three calls -- :func:`start_document` (before the pages), :func:`scan_pages` (any
range of pages: a batch scans a long document's ranges in different workers,
:mod:`redactlens.batch.split`), :func:`finish_document` (after them) -- and :func:`scan_document`
makes them in one process.

Every stage takes what it needs and returns new values; none changes another's output.  The
settings (:class:`~redactlens.settings.Settings`) travel with the call to every stage (the page
model carries them to the detectors).  The batch level (many documents, consistency) is
:mod:`redactlens.batch`.
"""
from __future__ import annotations

import os
from collections import deque
from dataclasses import dataclass, replace

import cv2
import pymupdf

from . import geometry as g
from . import allocator, leaks, ocr, scanned
from . import text as text_hygiene
from .cleartext import PageSummary, page_line_items, page_summary, summarise
from .crossdoc.capture import page_words
from .detect import Candidate
from .detect.annotation import annotation_candidates
from .detect.image import image_candidates
from .detect.raster import raster_candidates
from .detect.textmask import mask_candidates
from .detect.vector import dark_fill_candidates, hatched_candidates, outlined_candidates, pattern_candidates
from .enrich import enrich_page, rank_document, release_letters
from .errors import MUPDF_ERRORS, PDF_ERRORS, DocumentError, PageErrors, TooLarge
from .evidence import Found, Verdict, judge, lines_text, page_context_filters, reading_order, same_box
from .forensics import ANALYSIS_ERRORS, RevisionAnalysis, analyse_document, earlier_revisions, revision_texts
from .forensics import hidden as hidden_text
from .leaks import Channels, RevisionText
from .model import DocumentReport, Leak, Redaction
from .page import PageModel, PageOcr
from .settings import Settings, ocr_thread_count
from .source import Input, Source, open_pdf, read_input

DETECTORS = (dark_fill_candidates, hatched_candidates, pattern_candidates, outlined_candidates,
             annotation_candidates, image_candidates, mask_candidates, raster_candidates)
#: which method's box stands when two methods find the same redaction
PRIORITY = {"annotation": 0, "vector": 1, "image": 2, "raster": 3, "text": 4}

#: what a hostile page can make MuPDF (:data:`~redactlens.errors.MUPDF_ERRORS`), OpenCV (cv2.error) or a
#: degenerate number (OverflowError) raise while one page is scanned: that page becomes a page
#: error and the others are scanned.  Anything else is a bug of ours and is not hidden.
#: (MemoryError is not caught: a batch worker that hits its cap must stop, see redactlens.batch.)
PAGE_ERRORS = MUPDF_ERRORS + (OverflowError, cv2.error)


@dataclass(frozen=True)
class PageResult:
    """What scanning one page produced (only :func:`scan` merges page results)."""

    number: int
    redactions: tuple[Redaction, ...] = ()
    printed_values: tuple[dict, ...] = ()
    summary: PageSummary | None = None
    warnings: tuple[str, ...] = ()
    error: str | None = None        # the page could not be read (completely)
    #: the page's redactions before enrichment, and what OCR read: enough to enrich the page again
    #: when a document-level stage changes a leak (:func:`_re_enrich`)
    raw: tuple[Redaction, ...] = ()
    ocr: PageOcr | None = None
    words: dict | None = None       # the page's clear words (redactlens.crossdoc.capture)
    #: the page's hidden text, examined from the page model's text trace (None: not examined here,
    #: the document stage reads the page itself)
    hidden: hidden_text.PageHidden | None = None


# -- detection ------------------------------------------------------------------------------------
def detect_page(pm: PageModel) -> tuple[list[Found], list[tuple[Candidate, Verdict]]]:
    """All redactions on a page in reading order (and the rejected candidates with their reasons).
    Two methods finding one box give one redaction: the method first in :data:`PRIORITY`, with
    a label either of them read."""
    accepted, rejected = [], []
    for det in DETECTORS:
        for cand in det(pm):
            v = judge(cand, pm)
            (accepted if v.accept else rejected).append((cand, v))
    accepted, dropped = page_context_filters(accepted, rejected, pm)
    rejected += dropped
    found: list[Found] = []
    for cand, v in sorted(accepted, key=lambda cv: (PRIORITY.get(cv[0].method, 9), -g.area(cv[0].bbox))):
        k = next((k for k, f in enumerate(found) if same_box(f.cand.bbox, cand.bbox)), None)
        if k is None:
            found.append(Found(cand, v))
        elif not found[k].verdict.label and v.label:
            found[k] = replace(found[k], verdict=replace(found[k].verdict, label=v.label))
    found.sort(key=lambda f: reading_order(f.cand.bbox))
    return found, rejected


# -- leak channels and redactions -----------------------------------------------------------------
def channels_of(f: Found, image: Leak | None, revisions: list[RevisionText], body: leaks.BodyText) -> Channels:
    """Every leak channel's finding at one box (:mod:`redactlens.leaks` decides between them);
    ``body``: the page's body text (how the recovered glyphs fit the box is kept on the leak)."""
    hidden = f.verdict.hidden
    live = [ch for ch in hidden if not ch.invisible]
    invisible = [ch for ch in hidden if ch.invisible]
    parts = f.cand.painted_parts()
    text = leaks.text_channel(lines_text(live), sum(1 for c in live if c.c.strip()), f.cand.annot_type == "Redact")
    layer = leaks.ocr_layer_channel(lines_text(invisible))
    return Channels(text=leaks.located(text, parts, live, body), image=image,
                    ocr_layer=leaks.located(layer, parts, invisible, body), revisions=tuple(revisions))


def to_redaction(f: Found, leak: Leak | None, doc_name: str, page: int, index: int) -> Redaction:
    c, v = f.cand, f.verdict
    return Redaction(
        id=f"{doc_name}#p{page}-r{index}", page=page, bbox=g.rounded(c.bbox), method=c.method,
        label=v.label, style=c.style, color=[round(x, 3) for x in c.color] if c.color else None,
        hides_text=any(ch.c.strip() for ch in v.hidden), detail=v.reason or c.detail, leak=leak,
        overlay=v.overlay)


def _mupdf_lines() -> list[str]:
    """MuPDF's warnings since the last call, one per line (and reset them)."""
    msgs = pymupdf.TOOLS.mupdf_warnings(reset=True)
    return [m.strip() for m in msgs.splitlines() if m.strip()]


def _mupdf_messages() -> str:
    """MuPDF's warnings since the last call, on one line (and reset them)."""
    return _joined(_mupdf_lines())


def _joined(lines) -> str:
    return "; ".join(lines)[:300]


# -- one page -------------------------------------------------------------------------------------
@dataclass
class PageWork:
    """One page between its detection and the end of its OCR (the page loop's, main thread only):
    the page model, the boxes found, the ink under them, the OCR job (read in a worker thread, or
    when the page is finished), what MuPDF warned of so far."""

    number: int
    pm: PageModel
    found: list
    ink: dict
    wants_ocr: bool
    job: "scanned.OcrJob | None"
    warnings: list
    messages: list
    future: object = None        # concurrent.futures.Future of job.read(), when threads read it


def begin_page(page: "pymupdf.Page", number: int, settings: Settings, messages=()) -> PageWork:
    """The stages of a page up to its OCR (every PyMuPDF call of the OCR stage included: the image
    to read is decoded or rendered here); ``messages``: MuPDF warnings of the page already taken."""
    pm = PageModel(page, number, settings)
    found, _ = detect_page(pm)
    found = scanned.drop_visible_ocr_words(pm, found)
    ink = scanned.image_ink(pm, found)
    job, warnings, wants = None, [], scanned.wants_ocr(pm, found)
    if wants:
        job, warnings = scanned.prepare_ocr(pm, ink, found)
    return PageWork(number, pm, found, ink, wants, job, list(warnings), list(messages) + _mupdf_lines())


def end_page(work: PageWork, revisions: RevisionAnalysis, doc_name: str) -> PageResult:
    """The stages of a page from its OCR on (waiting for the OCR thread's words if it has them)."""
    pm, found = work.pm, work.found
    warnings = list(work.warnings)
    if work.wants_ocr:
        words = exc = None
        if work.future is not None:
            try:
                words = work.future.result()
            except (ocr.OcrFailed, cv2.error) as e:   # the read's own failures: as in the main thread
                exc = e
        result, problems = scanned.finish_ocr(work.job, words, exc)
        warnings += problems
        pm.with_ocr(result)
        found = found + scanned.outlines_after_ocr(pm, found)   # appended: the indices of ``ink`` hold
    body = leaks.body_text(pm.chars) if found else None     # what every box's leak is measured against
    images = scanned.image_leaks(pm, found, work.ink, body)
    order = sorted(range(len(found)), key=lambda i: reading_order(found[i].cand.bbox))
    number = work.number
    revs = revision_texts(revisions, number, [found[i].cand.bbox for i in order])
    reds = [to_redaction(found[i], leaks.resolve(channels_of(found[i], images.get(i), revs.get(k, []), body)),
                         doc_name, number, k + 1)
            for k, i in enumerate(order)]
    problems = _joined(work.messages + _mupdf_lines())
    error = None
    if "error" in problems:
        error = f"MuPDF could not read part of the page ({problems}); the readable part was scanned"
    enriched = enrich_page(pm, reds)
    per_line = page_line_items(pm, enriched.redactions)      # read once for the summary and the capture
    summary = page_summary(pm, enriched.redactions, per_line)
    return PageResult(number, tuple(enriched.redactions), tuple(enriched.printed_values), summary,
                      tuple(warnings + enriched.warnings), error, raw=tuple(reds), ocr=pm.ocr,
                      words=page_words(pm, enriched.redactions, per_line),
                      hidden=page_hidden(pm, [r.bbox for r in enriched.redactions]))


def page_hidden(pm: PageModel, boxes: list) -> "hidden_text.PageHidden | None":
    """The forensics' hidden-text analysis of the page, from the text trace the page model read
    (one trace per page instead of two); None where the document stage must read the page itself:
    past the analysis' page cap, or when the analysis fails here (there it is reported as the
    forensics warning it always was)."""
    if pm.number > hidden_text.MAX_PAGES:
        return None
    try:
        info = pm.images           # the page model's image list (the analysis reads its boxes only)
    except PDF_ERRORS:
        info = None                # the analysis reads it again, in its own guard
    try:
        return hidden_text.page_text(pm.page, pm.number, [tuple(b) for b in boxes], pm.spans, info)
    except ANALYSIS_ERRORS:
        return None


def scan_page(page: "pymupdf.Page", number: int, settings: Settings, revisions: RevisionAnalysis,
              doc_name: str) -> PageResult:
    """Every stage of one page, in order (see the module docstring), OCR in this thread."""
    return end_page(begin_page(page, number, settings), revisions, doc_name)


def _re_enrich(doc, results: list[PageResult], redactions: list[Redaction], changed: dict[str, Redaction],
               settings: Settings) -> list[Redaction]:
    """Enrich again the pages holding a redaction whose leak a document-level stage changed
    (``changed``: id -> the new leak carrier), from the page's redactions before enrichment, so
    that size and field come from what the box now reports -- never from a leak it no longer has."""
    by_page = {p.number: p for p in results}
    redone: dict[str, Redaction] = {}
    for number in sorted({r.page for r in changed.values()}):
        res = by_page[number]
        pm = PageModel(doc[number - 1], number, settings)
        pm.with_ocr(res.ocr)
        raw = [replace(r, leak=changed[r.id].leak) if r.id in changed else r for r in res.raw]
        redone.update((r.id, r) for r in enrich_page(pm, raw).redactions)
    return [redone.get(r.id, r) for r in redactions]


def _page_error(number: int, exc: BaseException) -> PageResult:
    _mupdf_lines()   # what MuPDF warned of on the broken page is that page's, not the next one's
    return PageResult(number, error=text_hygiene.exc_message(exc))


def scan_pages(doc, pnos, settings: Settings, start: "DocumentStart") -> list[PageResult]:
    """The pages ``pnos`` (0-based, ascending) of ``doc``, in order.  With OCR threads
    (:func:`~redactlens.settings.ocr_thread_count`) each page's Tesseract read runs in a worker
    thread while this thread goes on detecting the next pages (at most that many pages wait for
    their words); every PyMuPDF call stays in this thread.  Results are those of one page after
    the other: each page's stages run in the same order on the same inputs; only the read moves."""
    allocator.keep_buffers(settings.tune_allocator)
    threads = ocr_thread_count(settings)
    pool = ocr.thread_pool(threads)
    waiting: deque = deque()
    results: list[PageResult] = []

    def finish(item) -> PageResult:
        if isinstance(item, PageResult):
            return item
        try:
            return end_page(item, start.revisions, start.doc_name)
        except PAGE_ERRORS as exc:  # one unparseable page does not lose the others
            return _page_error(item.number, exc)

    try:
        for pno in pnos:
            try:
                work = begin_page(doc[pno], pno + 1, settings, start.messages if pno == 0 else ())
            except PAGE_ERRORS as exc:
                waiting.append(_page_error(pno + 1, exc))
            else:
                if pool is not None and work.job is not None:
                    work.future = pool.submit(work.job.read)
                waiting.append(work)
            while len(waiting) > threads:
                results.append(finish(waiting.popleft()))
        while waiting:
            results.append(finish(waiting.popleft()))
    finally:
        for item in waiting:          # stopped early (an error, Ctrl-C): reads not begun are dropped
            if isinstance(item, PageWork) and item.future is not None:
                item.future.cancel()
    return results


# -- one document ---------------------------------------------------------------------------------
def _id_name(name: str) -> str:
    """The name redaction ids start with: the file's base name; a URL's last path part without its
    query (``https://h/get?id=7`` -> ``get``, ``https://h/doc/`` -> ``doc``)."""
    if name == "<bytes>":
        return "document"
    if name.lower().startswith(("http://", "https://")):
        name = name.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    return os.path.basename(name) or "document"


def scan(source: Source, *, password: str | None = None, name: str | None = None,
         settings: Settings | dict | None = None) -> DocumentReport:
    """Scan one PDF (a path or its bytes) and return its :class:`DocumentReport`.

    ``settings``: a :class:`~redactlens.settings.Settings`, a dict of its fields, or None for the
    defaults (filled from the environment).  Never raises for a bad document: the report's
    ``error`` says what is wrong and ``error_code`` names it.  The input is read once into memory
    and never written."""
    return report_boundary(_scan(source, password, name, Settings.resolve(settings)))


def report_boundary(rep: DocumentReport) -> DocumentReport:
    """The report boundary: every string valid Unicode, messages that quote no file contents."""
    return DocumentReport.from_dict(text_hygiene.report_dict(rep.to_dict()))


def _scan(source: Source, password: str | None, name: str | None, settings: Settings) -> DocumentReport:
    try:
        inp = read_input(source, name, settings.max_bytes)
    except DocumentError as exc:
        label = name or ("<bytes>" if isinstance(source, (bytes, bytearray, memoryview)) else str(source))
        return DocumentReport(path=label, error=str(exc), error_code=exc.code)
    _mupdf_messages()
    try:
        doc = open_pdf(inp.data, password)
    except DocumentError as exc:
        return DocumentReport(path=inp.name, sha256=inp.sha256, error=str(exc), error_code=exc.code)
    with doc:
        return scan_document(doc, inp, settings)


@dataclass(frozen=True)
class DocumentStart:
    """What the document-level stages before the page loop hand it (picklable: a batch worker that
    scans a page range of the document gets it, see :mod:`redactlens.batch.split`)."""

    doc_name: str
    pages: int                 # pages of the document
    todo: int                  # pages to scan (max_pages)
    warnings: tuple = ()       # of the document, before the pages' own
    revisions: RevisionAnalysis | None = None
    revision_warnings: tuple = ()
    messages: tuple = ()       # MuPDF warnings not yet told: page 1's


def start_document(doc: "pymupdf.Document", inp: Input, settings: Settings) -> DocumentStart:
    """The document-level stages before the pages: the repair warning, earlier revisions."""
    warnings: list[str] = []
    if doc.is_repaired:
        warnings.append("damaged file: MuPDF rebuilt its cross-reference table "
                        f"({_mupdf_messages() or 'no details'}); results cover what was recoverable")
    n = doc.page_count
    todo = min(n, settings.max_pages) if settings.max_pages else n
    revisions, revision_warnings = earlier_revisions(doc, inp.data, settings)
    return DocumentStart(_id_name(inp.name), n, todo, tuple(warnings), revisions, tuple(revision_warnings),
                         tuple(_mupdf_lines()))


def scan_document(doc: "pymupdf.Document", inp: Input, settings: Settings) -> DocumentReport:
    """The stages of one open document (see the module docstring); the report is assembled here."""
    start = start_document(doc, inp, settings)
    results = scan_pages(doc, range(start.todo), settings, start)
    return finish_document(doc, inp, settings, start, results)


def finish_document(doc: "pymupdf.Document", inp: Input, settings: Settings, start: DocumentStart,
                    results: list[PageResult]) -> DocumentReport:
    """The document-level stages after the pages (``results``: every scanned page, in order), and
    the report."""
    warnings = list(start.warnings)
    n, todo = start.pages, start.todo
    revisions = start.revisions
    redactions = [r for p in results for r in p.redactions]
    layered, layer_findings = leaks.document_layers(redactions)   # one text layer under many boxes
    changed = {b.id: b for a, b in zip(redactions, layered) if a.leak is not b.leak}
    redactions = _re_enrich(doc, results, layered, changed, settings) if changed else layered
    printed = [v for p in results for v in p.printed_values]
    redactions = rank_document(redactions, printed, inp.name)
    redactions, letters = release_letters(doc, settings, redactions)
    for p in results:
        warnings += p.warnings
    warnings += start.revision_warnings
    findings = scanned.leak_findings(redactions)
    forensics = analyse_document(doc, inp.data, redactions, revisions, settings, inp.name,
                                 {p.number: p.hidden for p in results if p.hidden is not None})
    page_errors = [{"page": p.number, "error": p.error} for p in results if p.error]

    error = error_code = None
    if todo < n:
        error, error_code = (f"only the first {todo} of {n} pages were scanned (the max_pages setting)",
                             TooLarge.code)
    if page_errors:
        pages = ", ".join(str(e["page"]) for e in page_errors)
        error = f"{len(page_errors)} page(s) could not be read completely (page {pages}): {page_errors[0]['error']}"
        error_code = PageErrors.code
    return DocumentReport(
        path=inp.name, sha256=inp.sha256, pages=n, error=error, error_code=error_code,
        redactions=redactions, findings=findings + layer_findings + forensics.findings, page_errors=page_errors,
        metadata=forensics.metadata, warnings=_unique(warnings + forensics.warnings), printed_values=printed,
        exemption_letters=letters,
        clear_text=summarise([p.summary for p in results if p.summary is not None]),
        words=[p.words for p in results if p.words is not None])


def _unique(items: list[str]) -> list[str]:
    seen: set[str] = set()
    return [x for x in items if not (x in seen or seen.add(x))]

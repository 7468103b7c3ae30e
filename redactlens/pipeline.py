"""One document through the pipeline: open -> page model -> detectors -> evidence -> report."""
from __future__ import annotations

import os
from dataclasses import dataclass

import pymupdf

from . import geometry as g
from .cleartext import Collector
from .detect import Candidate
from .detect.annotation import annotation_candidates
from .detect.image import image_candidates
from .detect.raster import raster_candidates
from .detect.textmask import mask_candidates
from .detect.vector import dark_fill_candidates, hatched_candidates, outlined_candidates, pattern_candidates
from .enrich import enrich_page
from .errors import DocumentError
from .evidence import Verdict, has_alnum, judge, lines_text, page_context_filters
from .forensics import analyse_document
from .model import DocumentReport, Leak, Redaction
from .page import PageModel
from .scanned import add_findings, after_detection
from .source import Source, open_pdf, read_input

DETECTORS = (dark_fill_candidates, hatched_candidates, pattern_candidates, outlined_candidates,
             annotation_candidates, image_candidates, mask_candidates, raster_candidates)
PRIORITY = {"annotation": 0, "vector": 1, "image": 2, "raster": 3, "text": 4}


@dataclass
class Found:
    """A candidate accepted as a redaction, with its verdict."""

    cand: Candidate
    verdict: Verdict
    #: set by :mod:`redactlens.scanned` when the box is drawn over a page image that still shows ink
    image_leak: Leak | None = None


def detect_page(pm: PageModel) -> tuple[list[Found], list[tuple[Candidate, Verdict]]]:
    """All redactions on a page (and the rejected candidates with their reasons)."""
    accepted, rejected = [], []
    for det in DETECTORS:
        for cand in det(pm):
            v = judge(cand, pm)
            (accepted if v.accept else rejected).append((cand, v))
    accepted, dropped = page_context_filters(accepted, rejected, pm)
    rejected += dropped
    found: list[Found] = []
    for cand, v in sorted(accepted, key=lambda cv: (PRIORITY.get(cv[0].method, 9), -g.area(cv[0].bbox))):
        dup = next((f for f in found if _same_box(f.cand.bbox, cand.bbox)), None)
        if dup is None:
            found.append(Found(cand, v))
        elif not dup.verdict.label and v.label:
            dup.verdict.label = v.label
    found.sort(key=lambda f: (round(f.cand.bbox[1] / 4), f.cand.bbox[0]))
    return found, rejected


def _same_box(a: g.Box, b: g.Box) -> bool:
    return g.iou(a, b) >= 0.5 or g.covered_fraction(b, a) >= 0.8 or g.covered_fraction(a, b) >= 0.8


def leak_of(f: Found) -> Leak | None:
    """The text still recoverable under a redaction, or None."""
    hidden = f.verdict.hidden
    live = [ch for ch in hidden if not ch.invisible]
    text = lines_text(live)
    if has_alnum(text):
        how = "annotation_not_applied" if f.cand.annot_type == "Redact" else "text_under_box"
        return Leak(how=how, text=text, detail=f"{sum(1 for c in live if c.c.strip())} characters of live text under the box")
    ocr = lines_text([ch for ch in hidden if ch.invisible])
    if f.image_leak is not None:
        return f.image_leak
    if has_alnum(ocr):
        return Leak(how="ocr_layer", text=ocr, detail="invisible OCR text layer under the box")
    return None


def to_redaction(f: Found, doc_name: str, page: int, index: int) -> Redaction:
    c, v = f.cand, f.verdict
    return Redaction(
        id=f"{doc_name}#p{page}-r{index}", page=page, bbox=g.rounded(c.bbox), method=c.method,
        label=v.label, style=c.style, color=[round(x, 3) for x in c.color] if c.color else None,
        hides_text=any(ch.c.strip() for ch in v.hidden), detail=v.reason or c.detail, leak=leak_of(f))


def _mupdf_messages() -> str:
    """MuPDF's warnings since the last call, on one line (and reset them)."""
    msgs = pymupdf.TOOLS.mupdf_warnings(reset=True)
    return "; ".join(m.strip() for m in msgs.splitlines() if m.strip())[:300]


def scan(source: Source, *, password: str | None = None, name: str | None = None) -> DocumentReport:
    """Scan one PDF (a path or its bytes) and return its :class:`DocumentReport`.

    Never raises for a bad document: the report's ``error`` says what is wrong.  The input is read
    once into memory and never written.
    """
    try:
        inp = read_input(source, name)
    except DocumentError as exc:
        label = name or ("<bytes>" if isinstance(source, (bytes, bytearray, memoryview)) else str(source))
        return DocumentReport(path=label, error=str(exc))
    report = DocumentReport(path=inp.name, sha256=inp.sha256)
    _mupdf_messages()
    try:
        doc = open_pdf(inp.data, password)
    except DocumentError as exc:
        report.error = str(exc)
        return report
    with doc:
        report.pages = doc.page_count
        if doc.is_repaired:
            report.warnings.append("damaged file: MuPDF rebuilt its cross-reference table "
                                   f"({_mupdf_messages() or 'no details'}); results cover what was recoverable")
        doc_name = os.path.basename(inp.name) if inp.name != "<bytes>" else "document"
        clear = Collector()
        for pno in range(doc.page_count):
            try:
                pm = PageModel(doc[pno], pno + 1)
                found, _ = detect_page(pm)
                after_detection(pm, found, report)
                page_reds = [to_redaction(f, doc_name, pno + 1, i) for i, f in enumerate(found, 1)]
                problems = _mupdf_messages()
                if "error" in problems:
                    report.page_errors.append({"page": pno + 1, "error": "MuPDF could not read part of the page "
                                               f"({problems}); the readable part was scanned"})
                enrich_page(pm, page_reds, report)
                clear.add_page(pm, page_reds)
            except Exception as exc:  # one unparseable page does not lose the others
                report.page_errors.append({"page": pno + 1, "error": f"{type(exc).__name__}: {exc}"})
                continue
            report.redactions.extend(page_reds)
        report.clear_text = clear.clear
        add_findings(report)
        try:
            analyse_document(doc, inp.data, report)
        except Exception as exc:  # forensics is extra evidence: it never loses the page results
            report.warnings.append(f"document forensics failed: {type(exc).__name__}: {exc}")
        if report.page_errors:
            pages = ", ".join(str(e["page"]) for e in report.page_errors)
            report.error = f"{len(report.page_errors)} page(s) could not be read completely (page {pages}): " \
                           f"{report.page_errors[0]['error']}"
    return report

"""A single-file, offline HTML report: batch summary, consistency findings linking to the pages,
a filterable table of redactions and page thumbnails with the boxes overlaid and numbered.

Rendered with Jinja2 (``redactlens/templates/report.html``) with autoescaping on: every string
that comes from a PDF is escaped.  Thumbnails are PNG ``data:`` URIs; the small filter script and
the styles are inline; a Content-Security-Policy forbids any network access.  Recovered text is
shown only with ``show_leaks=True``.  Thumbnails are rendered in worker processes, under the
scan's limits, from the same sanitised flat copy as the exhibit's pages
(:mod:`redactlens.report.sanitise`: text under the boxes removed unless ``show_leaks``, hidden
layers and hidden text gone); documents whose scan did not complete get none.
"""
from __future__ import annotations

import base64
import os
from typing import Optional, Union

import pymupdf
from jinja2 import Environment, PackageLoader, select_autoescape

from .. import __version__ as _version
from ..model import BatchReport, DocumentReport
from ..output import atomic_write
from ..errors import PDF_ERRORS
from ..render import render_rgb
from .common import TYPE_TITLES, as_batch, cites, length_of, numbered, number_of, ranges, refs, safe_items, summary
from ..settings import Settings
from .isolated import ThumbnailPart, failure_note, not_examined, run_parts
from .sanitise import flatten, sanitise_page

THUMB_WIDTH = 460          # pixels
MAX_THUMB_PAGES = 400      # pages rendered per report (beyond: boxes on a blank page outline)


def _env() -> Environment:
    env = Environment(loader=PackageLoader("redactlens", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    env.filters["ranges"] = ranges
    return env


def _pct(v: float, total: float) -> str:
    return f"{max(0.0, min(100.0, 100.0 * v / total)) if total else 0:.3f}"


def document_thumbnails(src: "pymupdf.Document", d: DocumentReport, show_leaks: bool, max_pages: int,
                        settings: Settings) -> tuple[list, str]:
    """[(page number, width, height, data URI or None)] of the first ``max_pages`` pages of one
    scanned document, rendered from its sanitised flat copy (as the exhibit's pages), and a note.
    Runs in a worker process (:class:`~redactlens.report.isolated.ThumbnailPart`)."""
    n = min(src.page_count, max_pages)          # a damaged page tree (/Count -5) raises here: the part fails
    failed = {e.get("page") for e in d.page_errors if isinstance(e, dict)}
    with_boxes = {r.page for r in d.redactions}     # only pages holding a redaction are thumbnailed
    out, note = [], ""
    if n <= 0:
        return out, note
    with flatten(src, 0, n - 1) as flat:
        for pno in range(flat.page_count):
            page = flat[pno]
            w, h = page.rect.width, page.rect.height
            uri = None
            if pno + 1 not in with_boxes:
                continue
            if pno + 1 in failed:
                note = note or f"page {pno + 1} was not read completely by the scan: no thumbnail"
            else:
                try:
                    page = sanitise_page(flat, pno, d, pno + 1, show_leaks)
                    zoom = min(2.0, THUMB_WIDTH / max(1.0, w))
                    uri = _jpeg_uri(render_rgb(page, zoom=zoom, annots=False,
                                               max_pixels=settings.max_render_pixels).pixels)
                except PDF_ERRORS as exc:
                    note = f"page {pno + 1} could not be rendered ({type(exc).__name__})"
            out.append((pno + 1, w, h, uri))
    return out, note


def _thumbs(batch: BatchReport, show_leaks: bool, thumbnails: bool, password: Optional[str],
            settings, workers) -> dict[int, tuple[list, str]]:
    """Document index -> (pages as for :func:`document_thumbnails`, note), for every document with
    pages; thumbnails are made in worker processes, at most :data:`MAX_THUMB_PAGES` in all."""
    budget = MAX_THUMB_PAGES if thumbnails else 0
    jobs, out = [], {}
    for i, d in enumerate(batch.documents):
        if d.skipped:
            continue
        reason = not_examined(d)
        n = d.pages or 0
        if reason or budget <= 0 or not d.redactions:     # a document without a redaction: no thumbnail
            out[i] = ([], reason or "")
            continue
        take = min(n, budget)
        budget -= take
        jobs.append((i, d, ThumbnailPart(d.to_dict(), show_leaks, take)))
        out[i] = ([], "")
    for i, res in run_parts(jobs, settings=settings, password=password, workers=workers).items():
        note = failure_note(res)
        if note:
            out[i] = ([], f"source not available for thumbnails ({note})")
        else:
            out[i] = ([tuple(p) for p in res["pages"]], res.get("note") or "")
    return out


def _page_list(d: DocumentReport, made: list) -> list:
    """Every page of ``d`` as (page number, width, height, data URI or None): the thumbnails made,
    the page sizes the scan recorded for the others."""
    sizes = list(d.clear_text.page_sizes) if d.clear_text else []
    by_no = {p[0]: p for p in made}
    n = max(d.pages or 0, len(sizes), max(by_no, default=0))
    out = []
    for pno in range(1, n + 1):
        if pno in by_no:
            out.append(by_no[pno])
            continue
        w, h = (sizes[pno - 1] if pno - 1 < len(sizes) and len(sizes[pno - 1]) == 2 else (612.0, 792.0))
        out.append((pno, w, h, None))
    return out


def html_text(report: Union[BatchReport, DocumentReport, dict], *, show_leaks: bool = False,
              password: Optional[str] = None, thumbnails: bool = True, title: str = "Redaction report",
              settings: "Settings | dict | None" = None, workers: Optional[int] = None) -> str:
    """The report as one HTML string (see :func:`write_html`)."""
    batch = as_batch(report)
    rows = numbered(batch)
    numbers = number_of(batch)
    items = safe_items(batch)
    s = summary(batch)
    doc_anchor = {i: f"d{i + 1}" for i in range(len(batch.documents))}
    by_id = {x.red.id: x for x in rows}
    findings_of: dict[int, list[int]] = {}
    for k, it in enumerate(items, 1):
        for n in refs(it, numbers):
            findings_of.setdefault(n, []).append(k)

    table = []
    for x in rows:
        r, d = x.red, x.doc
        ctx = r.context
        table.append({
            "n": x.n, "doc": os.path.basename(d.path), "doc_anchor": doc_anchor[x.doc_index], "page": r.page,
            "id": r.id, "bbox": ", ".join(f"{v:.1f}" for v in r.bbox), "method": r.method, "style": r.style,
            "field": r.field or "unknown", "field_evidence": r.field_evidence, "exemptions": cites(r),
            "label": r.label or "", "est_chars": "" if r.est_chars is None else r.est_chars, "est_length": length_of(r),
            "before": ctx.before if ctx else "", "after": ctx.after if ctx else "",
            "leak": bool(r.leak), "leak_how": r.leak.how if r.leak else "",
            "leak_text": (r.leak.text if (r.leak and show_leaks) else ""),
            "findings": findings_of.get(x.n, []),
        })

    findings = []
    for k, it in enumerate(items, 1):
        links, seen = [], set()
        for rid in it.redactions:
            x = by_id.get(rid)
            if x is None:
                continue
            key = (x.doc_index, x.red.page)
            if key not in seen:
                seen.add(key)
                links.append({"href": f"#{doc_anchor[x.doc_index]}-p{x.red.page}",
                              "text": f"{os.path.basename(x.doc.path)} p{x.red.page}"})
        findings.append({"k": k, "type": it.type, "title": TYPE_TITLES.get(it.type, it.type), "detail": it.detail,
                         "numbers": refs(it, numbers), "evidence": it.evidence, "links": links,
                         "rule": it.rule, "denominator": it.denominator, "strength": it.strength,
                         "group": it.group})

    thumbs = _thumbs(batch, show_leaks, thumbnails, password, settings, workers)
    if thumbnails and sum(d.pages or 0 for d in batch.documents if not_examined(d) is None) > MAX_THUMB_PAGES:
        note_cap = f"thumbnails stop after {MAX_THUMB_PAGES} pages"
    else:
        note_cap = ""
    docs = []
    for i, d in enumerate(batch.documents):
        drows = [x for x in rows if x.doc_index == i]
        entry = {"anchor": doc_anchor[i], "name": os.path.basename(d.path), "path": d.path, "sha256": d.sha256 or "",
                 "pages": d.pages, "error": d.error or "", "skipped": d.skipped, "n_red": len(drows),
                 "n_leak": sum(1 for x in drows if x.red.leak), "findings": [f.type for f in d.findings],
                 "page_list": [], "note": ""}
        if not d.skipped and (d.pages or drows):
            made, entry["note"] = thumbs.get(i, ([], ""))
            if not entry["note"] and len(made) < (d.pages or 0) and thumbnails:
                entry["note"] = note_cap
            for pno, w, h, uri in _page_list(d, made):
                if not any(x.red.page == pno for x in drows):
                    continue      # a page without a redaction: no thumbnail, no outline
                boxes = []
                for x in drows:
                    if x.red.page != pno:
                        continue
                    b = x.red.bbox
                    boxes.append({"n": x.n, "leak": bool(x.red.leak), "left": _pct(b[0], w), "top": _pct(b[1], h),
                                  "width": _pct(b[2] - b[0], w), "height": _pct(b[3] - b[1], h),
                                  "title": " ".join(t for t in (f"#{x.n} {x.red.method} {x.red.field}", cites(x.red),
                                                                length_of(x.red)) if t)})
                entry["page_list"].append({"pno": pno, "uri": uri, "ratio": _pct(h, w), "boxes": boxes})
        docs.append(entry)

    skipped = [e for e in docs if e["skipped"]]
    docs = [e for e in docs if not e["skipped"]]
    exemptions = sorted({c for e in table for c in e["exemptions"].split("; ") if c})
    doc_names = sorted({e["doc"] for e in table})
    methods = sorted({x.red.method for x in rows})
    fields = sorted({x.red.field or "unknown" for x in rows})
    return _env().get_template("report.html").render(
        title=title, version=_version, s=s, findings=findings, table=table, docs=docs, methods=methods,
        fields=fields, show_leaks=show_leaks, skipped=skipped, exemptions=exemptions, doc_names=doc_names)


def write_html(report: Union[BatchReport, DocumentReport, dict], path: str, *, force: bool = False,
               show_leaks: bool = False, password: Optional[str] = None, thumbnails: bool = True,
               settings: "Settings | dict | None" = None, workers: Optional[int] = None) -> str:
    """Write the single-file HTML report to ``path`` atomically (never over an existing file
    unless ``force``).  Thumbnails are made in worker processes under ``settings.timeout`` and
    ``settings.memory_mb`` (``workers=0``: in this process, unisolated).  Returns ``path``."""
    text = html_text(report, show_leaks=show_leaks, password=password, thumbnails=thumbnails,
                     settings=settings, workers=workers)
    atomic_write(path, text.encode("utf-8"), force=force)
    return path


def _jpeg_uri(pixels) -> str:
    """A page thumbnail as a JPEG data URI (Pillow; about a fifth of the size of a PNG of a scan,
    which keeps the single-file report small)."""
    import io

    from PIL import Image
    img = Image.fromarray(pixels, "RGB")
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=72, optimize=True)
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode("ascii")

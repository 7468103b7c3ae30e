"""The sanitised copy of a scanned document that the exhibit and the HTML thumbnails are made from.

A source page is never copied as it is.  The document is *flattened* first
(:meth:`pymupdf.Document.convert_to_pdf`: every page drawn once through MuPDF's PDF writer, as it
displays -- rotation, CropBox and annotations applied), which by construction leaves behind
everything that is not drawn on the displayed page: optional-content groups switched off (with or
without ``/Usage``), JavaScript and every other action, embedded files and attachments, the
document's and the pages' metadata, earlier revisions, page thumbnails, structure and form fields.
On the flat page (whose coordinates *are* the displayed-page coordinates of the report):

* text under every redaction box is removed (a real redaction of the copy; images under a box
  whose leak is an ``image_under_box`` are blanked there too) -- unless ``show_leaks``;
* text the forensics flagged as hidden (``hidden_text``, ``tiny_text``, ``hidden_layer``,
  ``off_crop_text``) is removed where it was found;
* text drawn outside the page is removed (it is in the text layer though never shown);
* text in the invisible render mode is removed (``Document.scrub(hidden_text=True)``).

:func:`strip_active` then removes any action, script, file or metadata object that might still be
there (a last pass over every object of the output), and is also run over the whole exhibit.

These functions open untrusted files: they run in a worker process of the batch executor
(:mod:`redactlens.report.isolated`), never in the caller.
"""
from __future__ import annotations

import io
from contextlib import contextmanager

import pymupdf

from ..model import DocumentReport

#: finding types whose text is in a page's content but not shown: removed from the copy
HIDDEN_FINDINGS = ("hidden_text", "tiny_text", "hidden_layer", "off_crop_text")
#: how far beyond the page (points) text is looked for and removed, at least
OFF_PAGE_REACH = 20000.0
#: dictionary keys that carry actions, scripts, files or metadata: removed from every object
ACTIVE_KEYS = ("AA", "OpenAction", "JS", "JavaScript", "A", "URI", "Launch", "EmbeddedFiles", "EmbeddedFile", "EF",
               "RichMediaContent", "Metadata", "PieceInfo", "Thumb", "OCProperties", "OC", "AcroForm", "Names",
               "Collection", "AF", "Alternates", "SpiderInfo", "Threads", "Perms", "Legal", "StructTreeRoot")
#: object types that hold actions, scripts or files: emptied wherever they are left
ACTIVE_TYPES = ("/Filespec", "/EmbeddedFile", "/Action", "/JavaScript", "/Metadata", "/OCG", "/OCMD")


@contextmanager
def _quiet():
    """PyMuPDF's ``convert_to_pdf`` prints MuPDF's warnings about a damaged source to its message
    stream, which is stdout by default: that would corrupt ``--json -``.  They are dropped while it
    runs (the scan already reported them), and the caller's destination is restored after."""
    saved = getattr(pymupdf, "_g_out_message", None)
    pymupdf.set_messages(stream=io.StringIO())
    try:
        yield
    finally:
        if saved is not None:
            pymupdf._g_out_message = saved


def flatten(src: "pymupdf.Document", first: int, last: int) -> "pymupdf.Document":
    """Pages ``first`` .. ``last`` (0-based) of ``src`` as drawn, in a new document."""
    with _quiet():
        data = src.convert_to_pdf(from_page=first, to_page=last)
    return pymupdf.open("pdf", data)


def _remove_text(page: "pymupdf.Page", rects: list, image_rects: list = ()) -> None:
    if not rects and not image_rects:
        return
    for r in rects:
        page.add_redact_annot(pymupdf.Rect(r), fill=False, cross_out=False)
    for r in image_rects:
        page.add_redact_annot(pymupdf.Rect(r), fill=(0, 0, 0), cross_out=False)
    page.apply_redactions(images=pymupdf.PDF_REDACT_IMAGE_PIXELS if image_rects else pymupdf.PDF_REDACT_IMAGE_NONE,
                          graphics=pymupdf.PDF_REDACT_LINE_ART_NONE, text=pymupdf.PDF_REDACT_TEXT_REMOVE)


def _text_reach(page: "pymupdf.Page") -> float:
    """How far outside the page (points) its text goes."""
    w, h = page.rect.width, page.rect.height
    reach = 0.0
    for span in page.get_texttrace():
        x0, y0, x1, y1 = span.get("bbox") or (0, 0, 0, 0)
        reach = max(reach, -x0, -y0, x1 - w, y1 - h)
    return reach


def remove_off_page_text(page: "pymupdf.Page") -> None:
    """Remove the text a flat page draws outside itself: the page is grown for a moment to reach
    it, the bands outside the old page are redacted (text only), the old page box is restored.
    (A flat page's MediaBox starts at 0, 0 and it has no CropBox of its own.)"""
    reach = _text_reach(page)
    if reach <= 0.5:
        return
    w, h = page.rect.width, page.rect.height
    far = max(OFF_PAGE_REACH, reach + 10.0)
    page.set_mediabox(pymupdf.Rect(-far, -far, w + far, h + far))
    big_w, big_h = w + 2 * far, h + 2 * far
    bands = [(0, 0, big_w, far), (0, far + h, big_w, big_h), (0, 0, far, big_h), (far + w, 0, big_w, big_h)]
    _remove_text(page, bands)
    page.set_mediabox(pymupdf.Rect(0, 0, w, h))


def sanitise_page(doc: "pymupdf.Document", pno: int, report: DocumentReport, page_number: int,
                  show_leaks: bool) -> "pymupdf.Page":
    """Sanitise page ``pno`` of a flat document, which shows page ``page_number`` of ``report``."""
    reds = [r for r in report.redactions if r.page == page_number]
    page = doc[pno]
    remove_off_page_text(page)
    boxes = [] if show_leaks else [tuple(r.bbox) for r in reds]
    images = [] if show_leaks else [tuple(r.bbox) for r in reds if r.leak and r.leak.how == "image_under_box"]
    hidden = [tuple(f.bbox) for f in report.findings
              if f.type in HIDDEN_FINDINGS and f.page == page_number and f.bbox and len(f.bbox) == 4]
    _remove_text(page, boxes + hidden, images)
    return page


def strip_active(doc: "pymupdf.Document") -> int:
    """Remove actions, scripts, embedded files, optional content and metadata from every object of
    ``doc`` (the document's own information dictionary is set by the caller).  Returns how many
    keys or objects were removed."""
    removed = 0
    cat = doc.pdf_catalog()
    for xref in range(1, doc.xref_length()):
        try:
            obj = doc.xref_object(xref, compressed=True)
        except (RuntimeError, ValueError):
            continue
        if not obj.startswith("<<"):
            continue
        if any(f"/Type{t}" in obj.replace(" ", "") for t in ACTIVE_TYPES) or "/S/JavaScript" in obj.replace(" ", ""):
            doc.update_object(xref, "<<>>")
            if doc.xref_is_stream(xref):
                doc.update_stream(xref, b"")
            removed += 1
            continue
        for key in ACTIVE_KEYS:
            if f"/{key}" not in obj:
                continue
            kind, _ = doc.xref_get_key(xref, key)
            if kind != "null" and not (xref == cat and key == "Pages"):
                doc.xref_set_key(xref, key, "null")
                removed += 1
    try:
        doc.del_xml_metadata()
    except (RuntimeError, ValueError):
        pass
    return removed

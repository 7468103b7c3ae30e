"""Text that lives beside the page content: attachments, form fields, annotation notes, JavaScript.

Finding types (``rule`` says which variant):

``attachment``
    an embedded file (document-level ``EmbeddedFiles``, rule ``embedded_file``) or a file
    attachment annotation (rule ``file_attachment_annot``, with page and box).  The file's text is
    recovered when it is plain text or a PDF; other files are described (name, size, kind).
``form_field``
    a form field whose value is filled in (text, combo and list boxes; check boxes and radio
    buttons only carry on/off states and are counted in ``metadata["forms"]``, not reported).
``annotation_text``
    the note of an annotation (``/Contents``, shown in a pop-up or on hover; rule
    ``annotation_contents``), the overlay text of a Redact annotation (``redact_overlay``), and
    once per distinct annotation author the author name (``annotation_author``).  FreeText
    annotations whose text is only an exemption label are skipped (that is the visible label).
``javascript``
    each JavaScript action: the document's OpenAction, document-level scripts (``Names``),
    page and annotation actions.  Scripts attached to form fields (format / keystroke /
    calculate) are reported once per page.
"""
from __future__ import annotations

import re
import time

import pymupdf

from .. import geometry as g
from ..annots import page_annots, page_widgets, widget_xrefs
from ..labels import is_label_text
from ..model import DocumentReport, Finding
from ..errors import PDF_ERRORS
from ..text import MAX_TEXT, clean, has_alnum, short
from .common import pages
from .metadata import person_kind

#: objects examined for JavaScript actions, and the time allowed for it
MAX_OBJECTS = 500_000
JS_BUDGET_S = 10.0
MAX_ATTACHMENT = 64 << 20    # bytes of an attachment we are willing to decode for text
BUTTONS = ("CheckBox", "RadioButton", "Button")
AA_KEYS = ("O", "C", "K", "F", "V", "E", "X", "D", "U", "Fo", "Bl", "PO", "PC", "PV", "PI",
           "WC", "WS", "DS", "WP", "DP")
AA_WHAT = {"K": "keystroke", "F": "format", "V": "validate", "C": "calculate/close", "O": "page open",
           "E": "mouse enter", "X": "mouse exit", "D": "mouse down", "U": "mouse up", "Fo": "focus",
           "Bl": "blur", "WC": "before close", "WS": "before save", "DS": "after save",
           "WP": "before print", "DP": "after print", "PO": "page open", "PC": "page close",
           "PV": "page visible", "PI": "page invisible"}


# ---------------------------------------------------------------- attachments

def _sniff(data: bytes) -> str:
    head = data[:16]
    for magic, kind in ((b"%PDF-", "PDF"), (b"PK\x03\x04", "ZIP/Office document"), (b"\xff\xd8", "JPEG image"),
                        (b"\x89PNG", "PNG image"), (b"GIF8", "GIF image"), (b"II*\x00", "TIFF image"),
                        (b"MM\x00*", "TIFF image"), (b"\xd0\xcf\x11\xe0", "legacy Office document"),
                        (b"{\\rtf", "RTF document")):
        if head.startswith(magic):
            return kind
    return "binary"


def attachment_text(data: bytes) -> tuple[str, str]:
    """(text, kind) of an attached file: text only when it really is readable text."""
    if data[:5] == b"%PDF-" or b"%PDF-" in data[:1024]:
        try:
            with pymupdf.open(stream=data, filetype="pdf") as sub:
                if sub.needs_pass and not sub.authenticate(""):
                    return "", "encrypted PDF"
                parts, n = [], 0
                for p in sub:
                    t = p.get_text()
                    parts.append(t)
                    n += len(t)
                    if n > MAX_TEXT:
                        break
                return "\n".join(parts), f"PDF, {sub.page_count} page(s)"
        except PDF_ERRORS:
            return "", "PDF (unreadable)"
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(enc), "text"
            except UnicodeDecodeError:
                break
    sample = data[:65536]
    try:
        txt = sample.decode("utf-8")
    except UnicodeDecodeError:
        txt = sample.decode("latin-1")
    printable = sum(1 for c in txt if c.isprintable() or c in "\n\r\t")
    if txt and printable / len(txt) > 0.97 and b"\x00" not in sample:
        return txt, "text"
    return "", _sniff(data)


def _attachment_finding(report: DocumentReport, name: str, data: bytes | None, size: int | None, desc: str,
                        page: int | None, bbox, rule: str, where: str) -> None:
    text, kind = ("", "not decoded (too large)") if data is None else attachment_text(data)
    n = size if size is not None else (len(data) if data is not None else 0)
    detail = f"{where} {clean(name, 200)!r} ({n} bytes, {kind})"
    if desc and clean(desc) != clean(name):
        detail += f", description {short(clean(desc), 80)!r}"
    detail += "; its text is recovered here" if has_alnum(text) else "; no text recovered"
    report.findings.append(Finding(type="attachment", page=page, bbox=bbox, rule=rule, text=clean(text),
                                   detail=detail))


def analyse_attachments(doc: "pymupdf.Document", report: DocumentReport) -> None:
    listed = []
    for name in doc.embfile_names():
        try:
            info = doc.embfile_info(name)
        except PDF_ERRORS as exc:
            report.warnings.append(f"attachment {clean(name, 80)!r} unreadable: {exc}")
            continue
        size = info.get("size") or info.get("length")
        data = None
        if not size or size <= MAX_ATTACHMENT:
            try:
                data = doc.embfile_get(name)
            except PDF_ERRORS as exc:
                report.warnings.append(f"attachment {clean(name, 80)!r} cannot be decoded: {exc}")
        fname = info.get("ufilename") or info.get("filename") or name
        listed.append({"name": clean(name, 200), "filename": clean(fname, 200), "size": size,
                       "description": clean(info.get("desc") or ""),
                       "created": info.get("creationDate") or "", "modified": info.get("modDate") or ""})
        _attachment_finding(report, fname, data, size, info.get("desc") or "", None, None, "embedded_file",
                            "embedded file")
    for page in pages(doc):
        for a in page_annots(page, (pymupdf.PDF_ANNOT_FILE_ATTACHMENT,)):
            try:
                fi = a.file_info if not callable(getattr(a, "file_info", None)) else a.file_info()
                data = a.get_file() if (fi.get("size") or fi.get("length") or 0) <= MAX_ATTACHMENT else None
            except PDF_ERRORS as exc:
                report.warnings.append(f"file attachment annotation on page {page.number + 1} unreadable: {exc}")
                continue
            fname = fi.get("ufilename") or fi.get("filename") or "(unnamed)"
            listed.append({"name": clean(fname, 200), "page": page.number + 1, "size": fi.get("size") or fi.get("length"),
                           "description": clean(fi.get("desc") or "")})
            _attachment_finding(report, fname, data, fi.get("size") or fi.get("length"), fi.get("desc") or "",
                                page.number + 1, g.rounded(g.to_display(a.rect, page)), "file_attachment_annot",
                                f"file attachment annotation on page {page.number + 1}:")
    if listed:
        report.metadata["attachments"] = listed


# ---------------------------------------------------------------- form fields

def _annot_flags(doc: "pymupdf.Document", xref: int) -> int:
    kind, val = doc.xref_get_key(xref, "F")
    try:
        return int(val) if kind == "int" else 0
    except ValueError:
        return 0


def analyse_forms(doc: "pymupdf.Document", report: DocumentReport) -> None:
    total = filled = buttons_on = 0
    for page in pages(doc):
        for w in page_widgets(page):
            total += 1
            kind = w.field_type_string or "?"
            val = w.field_value
            if kind in BUTTONS:
                if val not in (None, "", "Off", False):
                    buttons_on += 1
                continue
            if isinstance(val, (list, tuple)):
                val = "; ".join(str(v) for v in val)
            val = clean(val)
            if not has_alnum(val):
                continue
            filled += 1
            box = g.to_display(w.rect, page)
            notes = []
            if w.field_flags & 1:
                notes.append("read-only")
            if _annot_flags(doc, w.xref) & (pymupdf.PDF_ANNOT_IS_HIDDEN | pymupdf.PDF_ANNOT_IS_NO_VIEW):
                notes.append("hidden widget: the value is not displayed")
            under = [r.id for r in report.redactions if r.page == page.number + 1 and
                     g.covered_fraction(box, tuple(r.bbox)) >= 0.5]
            if under:
                notes.append(f"under redaction {', '.join(under)}")
            label = clean(w.field_label or "", 120)
            report.findings.append(Finding(
                type="form_field", page=page.number + 1, bbox=g.rounded(box), rule="filled_value", text=val,
                detail=f"{kind} field {clean(w.field_name or '', 120)!r}"
                       + (f" ({label!r})" if label and label != w.field_name else "")
                       + f" on page {page.number + 1} holds a value" + (f" ({'; '.join(notes)})" if notes else "")))
    if total:
        report.metadata["forms"] = {"widgets": total, "filled_text_fields": filled, "buttons_on": buttons_on}


# ---------------------------------------------------------------- annotations

def analyse_annotations(doc: "pymupdf.Document", report: DocumentReport) -> None:
    authors: dict[str, list[int]] = {}
    for page in pages(doc):
        pno = page.number + 1
        for a in page_annots(page):
            typ = a.type[1]
            info = a.info or {}
            author = clean(info.get("title") or "", 200)
            if has_alnum(author) and person_kind(author):
                authors.setdefault(author, []).append(pno)
            content = clean(info.get("content") or "")
            box = g.rounded(g.to_display(a.rect, page))
            if typ == "Redact":
                kind, ov = doc.xref_get_key(a.xref, "OverlayText")
                if kind == "string" and has_alnum(ov):
                    report.findings.append(Finding(
                        type="annotation_text", page=pno, bbox=box, rule="redact_overlay", text=clean(ov),
                        detail=f"overlay text of a Redact annotation on page {pno}"))
            if not has_alnum(content) or typ == "FileAttachment":
                continue
            if typ == "FreeText" and is_label_text(content):
                continue
            how = "shown on the page" if typ == "FreeText" else \
                ("shown in a pop-up note" if a.has_popup else "shown when the annotation is opened or hovered")
            report.findings.append(Finding(
                type="annotation_text", page=pno, bbox=box, rule="annotation_contents", text=content,
                detail=f"note of a {typ} annotation on page {pno} ({how})"
                       + (f", author {short(author, 60)!r}" if author else "")
                       + (f", subject {short(clean(info.get('subject')), 60)!r}" if has_alnum(info.get("subject") or "")
                          and clean(info.get("subject")) != typ else "")))
    for author, where in authors.items():
        ps = sorted(set(where))
        report.findings.append(Finding(
            type="annotation_text", page=ps[0], rule="annotation_author", text=author,
            detail=f"{len(where)} annotation(s) on page(s) {', '.join(map(str, ps[:20]))}{' …' if len(ps) > 20 else ''} "
                   f"name their author {short(author, 60)!r} ({person_kind(author)}, which identifies who annotated the file)"))


# ---------------------------------------------------------------- JavaScript

def _js_source(doc: "pymupdf.Document", xref: int, path: str) -> str | None:
    try:
        kind, val = doc.xref_get_key(xref, path)
    except PDF_ERRORS:
        return None
    if kind == "string":
        return val
    if kind == "xref":
        try:
            raw = doc.xref_stream(int(val.split()[0])) or b""
        except PDF_ERRORS:
            return None
        for bom, enc in ((b"\xfe\xff", "utf-16-be"), (b"\xff\xfe", "utf-16-le"), (b"\xef\xbb\xbf", "utf-8")):
            if raw.startswith(bom):
                return raw[len(bom):].decode(enc, "replace")
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw.decode("latin-1")
    return None


def _aa_paths(doc: "pymupdf.Document", xref: int, base: str) -> list[tuple[str, str]]:
    kind, val = doc.xref_get_key(xref, base)
    if kind == "null":
        return []
    keys = re.findall(r"/(\w+)", val) if kind == "dict" else list(AA_KEYS)
    return [(f"{base}/{k}/JS", AA_WHAT.get(k, k)) for k in dict.fromkeys(keys) if k in AA_KEYS]


_NAME_REF = re.compile(r"\(((?:[^()\\]|\\.)*)\)\s*(\d+)\s+0\s+R")


def _name_tree_refs(doc: "pymupdf.Document", src: str, out: dict, depth: int = 0) -> None:
    """Action xrefs listed in a name-tree node's source (Names/JavaScript), recursing into Kids."""
    if depth > 8:
        return
    names = re.search(r"/Names\s*\[(.*)\]", src, re.S)
    if names:
        for nm, ref in _NAME_REF.findall(names.group(1)):
            out[int(ref)] = f"document-level script {clean(nm, 80)!r} (runs when the document opens)"
    kids = re.search(r"/Kids\s*\[([^\]]*)\]", src)
    for kid in re.findall(r"(\d+)\s+0\s+R", kids.group(1) if kids else ""):
        try:
            _name_tree_refs(doc, doc.xref_object(int(kid), compressed=True), out, depth + 1)
        except PDF_ERRORS:
            continue


def analyse_javascript(doc: "pymupdf.Document", report: DocumentReport) -> None:
    cat = doc.pdf_catalog()
    owner: dict[int, tuple[int | None, str, bool]] = {}   # object xref -> (page, what, is_form_field)
    named: dict[int, str] = {}
    kind, val = doc.xref_get_key(cat, "Names/JavaScript")
    if kind == "xref":
        _name_tree_refs(doc, doc.xref_object(int(val.split()[0]), compressed=True), named)
    elif kind == "dict":
        _name_tree_refs(doc, val, named)
    for x, what in named.items():
        owner[x] = (None, what, False)
    k, v = doc.xref_get_key(cat, "OpenAction")
    if k == "xref":
        owner[int(v.split()[0])] = (None, "the document's OpenAction (runs when the document opens)", False)
    for page in pages(doc):
        pno = page.number + 1
        owner.setdefault(page.xref, (pno, f"page {pno} action", False))
        annots = [(a.xref, f"{a.type[1]} annotation on page {pno}", False) for a in page_annots(page)]
        # a form field's scripts are reported together per page, so its description is never shown
        annots += [(x, f"form field on page {pno}", True) for x in widget_xrefs(page)]
        for k in page.get_links():
            if k.get("xref"):
                annots.append((k["xref"], f"link on page {pno}", False))
        for ax, what, form in annots:
            owner[ax] = (pno, what, form)
            kind, val = doc.xref_get_key(ax, "A")
            if kind == "xref":
                owner[int(val.split()[0])] = (pno, f"action of the {what}", form)
    form_scripts: dict[int, list[str]] = {}
    count = 0
    deadline = time.monotonic() + JS_BUDGET_S
    for x in range(1, min(doc.xref_length(), MAX_OBJECTS)):
        if x % 1000 == 0 and time.monotonic() > deadline:
            report.warnings.append(f"javascript: time budget spent after {x} objects; later objects not examined")
            break
        try:
            src = doc.xref_object(x, compressed=True)
        except PDF_ERRORS:
            continue
        if "/JS" not in src:
            continue
        page, what, form = owner.get(x, (None, f"JavaScript action object {x} (not linked from a page)", False))
        paths = [("JS", "")] if "/JavaScript" in src else []
        paths += [("A/JS", "")] + [("OpenAction/JS", "open")] + _aa_paths(doc, x, "AA")
        seen = set()
        for path, trigger in paths:
            js = _js_source(doc, x, path)
            if js is None or not js.strip() or (path, js) in seen:
                continue
            seen.add((path, js))
            count += 1
            if path == "OpenAction/JS":
                where = "the document's OpenAction (runs when the document opens)"
            else:
                where = what + (f", {trigger} trigger" if trigger else "")
            if form:
                form_scripts.setdefault(page or 0, []).append(js)
                continue
            report.findings.append(Finding(
                type="javascript", page=page, rule="script", text=clean(js),
                detail=f"JavaScript in {where} ({len(js)} characters)"))
    for page, scripts in sorted(form_scripts.items()):
        uniq = list(dict.fromkeys(s.strip() for s in scripts))
        report.findings.append(Finding(
            type="javascript", page=page or None, rule="form_field_scripts", text=clean("\n\n".join(uniq)),
            detail=f"{len(scripts)} JavaScript action(s) ({len(uniq)} distinct) attached to form fields"
                   + (f" on page {page}" if page else "") + " (format/keystroke/calculate scripts)"))
    if count:
        report.metadata["javascript_actions"] = count

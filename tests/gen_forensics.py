"""Deterministic generator of labelled PDFs for the document forensics (issue 6).

One small file per kind of hidden text (several incremental saves, Info + XMP metadata, an embedded
file and a file-attachment annotation, filled form fields, annotation notes and pop-ups,
JavaScript, a hidden optional-content layer, text outside the CropBox/MediaBox, camouflaged text,
microscopic text) and controls where nothing leaks.  The truth is written next to them.

    python tests/gen_forensics.py OUTDIR      # writes *.pdf and truth.json

Truth per file:
``expect``   findings that must be reported: ``{"type", "page", "text", "rule", "revision"}``
             (``text`` must occur in the finding's text, whitespace-normalised; ``page``/``rule``/
             ``revision`` are checked when not None);
``leaks``    redactions that must carry ``how="prior_revision"`` with exactly ``text`` on ``page``;
``control``  True when the file must produce no forensic finding at all.
Incremental saves go through a scratch file inside OUTDIR (PyMuPDF saves incrementally only to a
file); every fixture is rebuilt from scratch, so runs are byte-for-byte repeatable except for the
ids PyMuPDF writes (none of which the truth depends on).
"""
from __future__ import annotations

import json
import os
import sys

import pymupdf

W, H = 612.0, 792.0
KINDS = ("prior_revision", "metadata", "attachment", "form_field", "annotation_text", "javascript",
         "hidden_layer", "off_crop_text", "hidden_text", "tiny_text")


def _new() -> pymupdf.Document:
    doc = pymupdf.open()
    doc.new_page(width=W, height=H)
    doc.set_metadata({"producer": "gen_forensics", "creator": "gen_forensics", "creationDate": "D:20240101000000Z",
                      "modDate": "D:20240101000000Z"})
    return doc


def _text(page, x, y, s, size=11, **kw):
    page.insert_text((x, y), s, fontsize=size, fontname="helv", **kw)


def _body(page, lines, y=100):
    for i, s in enumerate(lines):
        _text(page, 72, y + 18 * i, s)


def _redact(page, needle: str) -> None:
    """Apply a real redaction over ``needle``: the text is removed, a black box drawn."""
    rects = []
    for r in page.search_for(needle):     # tightened to the glyphs of the words found
        ws = [pymupdf.Rect(w[:4]) for w in page.get_text("words")
              if pymupdf.Rect(w[:4]).intersect(r).get_area() >= 0.5 * pymupdf.Rect(w[:4]).get_area()]
        tight = pymupdf.Rect(ws[0]) if ws else r
        for w in ws[1:]:
            tight |= w
        rects.append(tight & r)
    for r in rects:
        page.add_redact_annot(r, fill=False)
    page.apply_redactions(images=pymupdf.PDF_REDACT_IMAGE_NONE)
    for r in rects:     # the box exactly over the removed words
        page.draw_rect(r, color=None, fill=(0, 0, 0))


def _save(doc, path):
    doc.save(path, garbage=0, deflate=True, no_new_id=True)
    doc.close()


def _incremental(path, fn) -> None:
    """Open ``path``, apply ``fn(doc)`` and save it as an incremental update."""
    doc = pymupdf.open(path)
    fn(doc)
    doc.save(path, incremental=True, encryption=pymupdf.PDF_ENCRYPT_KEEP, no_new_id=True)
    doc.close()


# ---------------------------------------------------------------- prior revisions

def rev_single(path):
    doc = _new()
    _body(doc[0], ["Incident report 24-0117", "Suspect: Mauro Perez, DOB 03/04/1990",
                   "Officer arrived at 21:40 and spoke with the caller."])
    _save(doc, path)
    _incremental(path, lambda d: _redact(d[0], "Mauro Perez"))
    return {"expect": [{"type": "prior_revision", "page": 1, "text": "Mauro Perez", "revision": 1,
                        "rule": "text_removed_later"}],
            "leaks": [{"page": 1, "text": "Mauro Perez"}]}


def rev_multi(path):
    """Three saves: each later one redacts one more name and also changes other things (text added,
    a word edited, the title changed, page 2 rotated, page 3 deleted)."""
    doc = _new()
    _body(doc[0], ["Witness statement", "Witness: Laura Chen of 14 Elm Street",
                   "Second witness: Tomas Okafor", "Status: open"])
    doc.new_page(width=W, height=H)
    _body(doc[1], ["Page two narrative: the caller Laura Chen reported a theft."])
    doc.new_page(width=W, height=H)
    _body(doc[2], ["Informant list: Ana Ruiz"])            # a whole page dropped by the third save
    doc.set_metadata({**doc.metadata, "title": "Statement Laura Chen"})
    _save(doc, path)

    def second(d):
        _redact(d[0], "Laura Chen")
        _redact(d[1], "Laura Chen")
        _text(d[0], 72, 400, "Reviewed by records unit")       # an addition, nothing removed
        d.set_metadata({**d.metadata, "title": "Witness statement"})

    def third(d):
        _redact(d[0], "Tomas Okafor")
        # another change: the status word is edited (removed text not under a redaction)
        _redact(d[0], "open")
        _text(d[0], 140, 154, "closed")
        d[1].set_rotation(90)          # page 2 turned: its words did not move, nothing was removed
        d.delete_page(2)
    _incremental(path, second)
    _incremental(path, third)
    return {"expect": [
        {"type": "prior_revision", "page": 1, "text": "Laura Chen", "revision": 1, "rule": "text_removed_later"},
        {"type": "prior_revision", "page": 1, "text": "Tomas Okafor", "revision": 2, "rule": "text_removed_later"},
        {"type": "prior_revision", "page": 1, "text": "open", "revision": 2, "rule": "text_removed_later"},
        {"type": "prior_revision", "page": 2, "text": "Laura Chen", "revision": 1, "rule": "text_removed_later"},
        {"type": "prior_revision", "page": None, "text": "Statement Laura Chen", "revision": 1,
         "rule": "metadata_changed_later"},
        {"type": "prior_revision", "page": None, "text": "Informant list: Ana Ruiz", "revision": 1,
         "rule": "page_removed_later"},
        {"type": "prior_revision", "page": None, "text": "Informant list: Ana Ruiz", "revision": 2,
         "rule": "page_removed_later"},
    ],
        "leaks": [{"page": 1, "text": "Laura Chen"}, {"page": 1, "text": "Tomas Okafor"},
                  {"page": 2, "text": "Laura Chen"}, {"page": 1, "text": "open"}]}


def rev_control(path):
    """Incremental saves that add things and change nothing hidden: no finding."""
    doc = _new()
    _body(doc[0], ["Public notice", "The meeting is on Tuesday at the city hall.", "Agenda attached."])
    doc[0].draw_rect(pymupdf.Rect(72, 300, 300, 314), color=None, fill=(0, 0, 0))   # box over blank space
    _save(doc, path)
    _incremental(path, lambda d: _text(d[0], 72, 200, "Posted on the board."))
    _incremental(path, lambda d: d.set_metadata({**d.metadata, "modDate": "D:20240202000000Z"}))
    return {"control": True}


# ---------------------------------------------------------------- metadata

_XMP = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"
    xmlns:stEvt="http://ns.adobe.com/xap/1.0/sType/ResourceEvent#"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmp:CreatorTool="{tool}" pdf:Producer="gen_forensics">
   <dc:creator><rdf:Seq><rdf:li>{creator}</rdf:li></rdf:Seq></dc:creator>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
   <xmpMM:DocumentID>uuid:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0</xmpMM:DocumentID>
   <xmpMM:History><rdf:Seq>{history}</rdf:Seq></xmpMM:History>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""

_EVENT = ('<rdf:li rdf:parseType="Resource"><stEvt:action>{action}</stEvt:action>'
          '<stEvt:softwareAgent>{agent}</stEvt:softwareAgent><stEvt:when>2024-01-01T10:00:00Z</stEvt:when>'
          '{extra}</rdf:li>')


def meta_leak(path):
    doc = _new()
    page = doc[0]
    _body(page, ["Complaint intake", "Complainant: Mauro Perez", "Narrative follows on the next line."])
    # a bad redaction: a black box drawn over live text (the core scan recovers "Mauro Perez")
    r = page.search_for("Mauro Perez")[0]
    page.draw_rect(r + (-1, -1, 1, 1), color=None, fill=(0, 0, 0))
    doc.set_metadata({**doc.metadata, "title": "Complaint of Mauro Perez", "author": "Jane Q. Whitfield",
                      "subject": "Forwarded by kwilson@agency.example.gov", "keywords": "intake"})
    doc.xref_set_key(doc.xref_get_key(-1, "Info")[1].split()[0] and int(doc.xref_get_key(-1, "Info")[1].split()[0]),
                     "LastModifiedBy", pymupdf.get_pdf_str("dkowalski"))
    hist = _EVENT.format(action="converted", agent="Microsoft Word",
                         extra="<stEvt:parameters>from C:\\Users\\dkowalski\\Desktop\\perez.docx</stEvt:parameters>")
    doc.set_xml_metadata(_XMP.format(tool="Microsoft Word", creator="Jane Q. Whitfield",
                                     title="Complaint of Mauro Perez", history=hist))
    _save(doc, path)
    return {"expect": [
        {"type": "metadata", "page": None, "text": "Complaint of Mauro Perez", "rule": "withheld_text"},
        {"type": "metadata", "page": None, "text": "Jane Q. Whitfield", "rule": "author_field"},
        {"type": "metadata", "page": None, "text": "dkowalski", "rule": "author_field"},
        {"type": "metadata", "page": None, "text": "kwilson@agency.example.gov", "rule": "email"},
        {"type": "metadata", "page": None, "text": "C:\\Users\\dkowalski", "rule": "user_path"},
    ]}


def meta_control(path):
    doc = _new()
    _body(doc[0], ["Incident Report 2024-117", "Location: 400 block of Main Street", "Disposition: report taken"])
    doc.set_metadata({**doc.metadata, "title": "Incident Report 2024-117", "author": "Records Unit",
                      "subject": "Incident report", "keywords": "police; report", "creator": "Microsoft Word"})
    hist = _EVENT.format(action="saved", agent="Adobe Acrobat Pro 11.0", extra="") + \
        _EVENT.format(action="converted", agent="Adobe PDF Library 15.0", extra="<stEvt:parameters>from application/vnd.openxmlformats to application/pdf</stEvt:parameters>")
    doc.set_xml_metadata(_XMP.format(tool="Microsoft Word 2016", creator="Administrator",
                                     title="Incident Report 2024-117", history=hist))
    _save(doc, path)
    return {"control": True}


# ---------------------------------------------------------------- attachments, forms, notes, scripts

def attachment(path):
    doc = _new()
    _body(doc[0], ["Exhibit list", "Exhibit A is attached to this file."])
    doc.embfile_add("witness-notes.txt", b"Witness: Laura Chen, phone 555-0142\n", filename="witness-notes.txt",
                    desc="interview notes")
    sub = pymupdf.open()
    sub.new_page()
    sub[0].insert_text((72, 72), "Confidential informant: Tomas Okafor", fontsize=11)
    doc[0].add_file_annot(pymupdf.Point(500, 100), sub.tobytes(), "source.pdf", desc="source document")
    _save(doc, path)
    return {"expect": [
        {"type": "attachment", "page": None, "text": "Laura Chen", "rule": "embedded_file"},
        {"type": "attachment", "page": 1, "text": "Tomas Okafor", "rule": "file_attachment_annot"},
    ]}


def _field(page, name, kind, rect, value=None, hidden=False):
    w = pymupdf.Widget()
    w.field_name = name
    w.field_type = kind
    w.rect = pymupdf.Rect(rect)
    if kind == pymupdf.PDF_WIDGET_TYPE_COMBOBOX:
        w.choice_values = ["Open", "Closed", "Mauro Perez"]
    if value is not None:
        w.field_value = value
    if hidden:
        w.field_flags = 0
    annot = page.add_widget(w)
    if hidden:
        page.parent.xref_set_key(annot.xref, "F", "2")   # annotation flag Hidden
    return annot


def form(path):
    doc = _new()
    page = doc[0]
    _body(page, ["Request form", "Name:", "Notes:"])
    _field(page, "requester", pymupdf.PDF_WIDGET_TYPE_TEXT, (130, 108, 400, 124), "Mauro Perez")
    _field(page, "internal", pymupdf.PDF_WIDGET_TYPE_TEXT, (130, 126, 400, 142), "SSN 123-45-6789", hidden=True)
    _field(page, "agree", pymupdf.PDF_WIDGET_TYPE_CHECKBOX, (72, 200, 86, 214), True)
    _save(doc, path)
    return {"expect": [
        {"type": "form_field", "page": 1, "text": "Mauro Perez", "rule": "filled_value"},
        {"type": "form_field", "page": 1, "text": "123-45-6789", "rule": "filled_value"},
    ]}


def form_control(path):
    doc = _new()
    page = doc[0]
    _body(page, ["Blank request form", "Name:", "Agree:"])
    _field(page, "requester", pymupdf.PDF_WIDGET_TYPE_TEXT, (130, 108, 400, 124))
    _field(page, "agree", pymupdf.PDF_WIDGET_TYPE_CHECKBOX, (130, 126, 144, 140), False)
    _save(doc, path)
    return {"control": True}


def popup(path):
    doc = _new()
    page = doc[0]
    _body(page, ["Case summary", "The reporting party was interviewed at the scene."])
    a = page.add_text_annot((400, 100), "Reporting party is Laura Chen, do not release")
    a.set_info(title="kwilson")
    a.update()
    h = page.add_highlight_annot(page.search_for("interviewed")[0])
    h.set_info(content="Interviewed by Det. Tomas Okafor", title="kwilson")
    h.set_popup(pymupdf.Rect(420, 200, 580, 280))
    h.update()
    _save(doc, path)
    return {"expect": [
        {"type": "annotation_text", "page": 1, "text": "Laura Chen", "rule": "annotation_contents"},
        {"type": "annotation_text", "page": 1, "text": "Tomas Okafor", "rule": "annotation_contents"},
        {"type": "annotation_text", "page": 1, "text": "kwilson", "rule": "annotation_author"},
    ]}


def annot_control(path):
    doc = _new()
    page = doc[0]
    _body(page, ["Highlighted passage for the reader.", "See https://example.org for more."])
    h = page.add_highlight_annot(page.search_for("Highlighted")[0])
    h.set_info(title="Administrator")
    h.update()
    page.insert_link({"kind": pymupdf.LINK_URI, "from": page.search_for("https://example.org")[0],
                      "uri": "https://example.org"})
    _save(doc, path)
    return {"control": True}


def javascript(path):
    doc = _new()
    _body(doc[0], ["Form with scripts"])
    cat = doc.pdf_catalog()
    js1 = doc.get_new_xref()
    doc.update_object(js1, "<< /S /JavaScript /JS (app.alert\\('Prepared for Laura Chen'\\);) >>")
    doc.xref_set_key(cat, "OpenAction", f"{js1} 0 R")
    js2 = doc.get_new_xref()
    doc.update_object(js2, "<< /S /JavaScript /JS (var informant = 'Tomas Okafor';) >>")
    names = doc.get_new_xref()
    doc.update_object(names, f"<< /Names [(init) {js2} 0 R] >>")
    doc.xref_set_key(cat, "Names", f"<< /JavaScript {names} 0 R >>")
    _save(doc, path)
    return {"expect": [
        {"type": "javascript", "page": None, "text": "Prepared for Laura Chen", "rule": "script"},
        {"type": "javascript", "page": None, "text": "Tomas Okafor", "rule": "script"},
    ]}


# ---------------------------------------------------------------- hidden page text

def hidden_layer(path):
    doc = _new()
    page = doc[0]
    off = doc.add_ocg("Reviewer notes", on=False)
    on = doc.add_ocg("Body", on=True)
    _text(page, 72, 100, "Visible paragraph of the released record.", oc=on)
    _text(page, 72, 140, "Source identity: Laura Chen", oc=off)
    _save(doc, path)
    return {"expect": [{"type": "hidden_layer", "page": 1, "text": "Source identity: Laura Chen", "rule": "layer_off"}]}


def layer_control(path):
    doc = _new()
    page = doc[0]
    on = doc.add_ocg("Body", on=True)
    _text(page, 72, 100, "Everything here is on a visible layer.", oc=on)
    _save(doc, path)
    return {"control": True}


def off_crop(path):
    doc = _new()
    page = doc[0]
    _body(page, ["Visible part of the page."])
    _text(page, 72, 700, "Below the crop: Mauro Perez")          # inside MediaBox, outside CropBox
    _text(page, 72, 820, "Off the page: Tomas Okafor")           # outside the MediaBox too
    page.set_cropbox(pymupdf.Rect(0, 0, W, 600))
    doc.xref_set_key(page.xref, "MediaBox", f"[0 {H - 800} {W} {H}]")   # MediaBox ends at y=800 (top-down)
    _save(doc, path)
    return {"expect": [
        {"type": "off_crop_text", "page": 1, "text": "Below the crop: Mauro Perez", "rule": "outside_cropbox"},
        {"type": "off_crop_text", "page": 1, "text": "Off the page: Tomas Okafor", "rule": "outside_mediabox"},
    ]}


def crop_control(path):
    doc = _new()
    page = doc[0]
    _body(page, ["All text lies inside the visible crop.", "Second line."], y=200)
    page.set_cropbox(pymupdf.Rect(50, 150, 560, 650))
    page.set_rotation(90)
    _save(doc, path)
    return {"control": True}


def camouflage(path):
    doc = _new()
    page = doc[0]
    _body(page, ["Narrative of the stop."])
    _text(page, 72, 160, "White text: Laura Chen", color=(1, 1, 1))
    # a tinted panel with a visible heading on it, and text in the panel's own colour
    page.draw_rect(pymupdf.Rect(300, 200, 580, 300), color=None, fill=(0.8, 0.9, 1.0))
    _text(page, 310, 220, "Panel heading")
    _text(page, 310, 260, "Tinted: Tomas Okafor", color=(0.8, 0.9, 1.0))
    _text(page, 72, 300, "Invisible mode: Mauro Perez", render_mode=3)
    # text painted over by a white panel that carries its own visible text (not a redaction box)
    _text(page, 72, 420, "Covered: Jane Whitfield")
    page.draw_rect(pymupdf.Rect(60, 380, 400, 480), color=None, fill=(1, 1, 1))
    _text(page, 72, 460, "Notes panel")
    return _save(doc, path) or {"expect": [
        {"type": "hidden_text", "page": 1, "text": "White text: Laura Chen", "rule": "same_colour_as_background"},
        {"type": "hidden_text", "page": 1, "text": "Tinted: Tomas Okafor", "rule": "same_colour_as_background"},
        {"type": "hidden_text", "page": 1, "text": "Invisible mode: Mauro Perez", "rule": "invisible_render_mode"},
        {"type": "hidden_text", "page": 1, "text": "Covered: Jane Whitfield", "rule": "painted_over"},
    ]}


def camouflage_control(path):
    doc = _new()
    page = doc[0]
    _body(page, ["A table header follows."])
    page.draw_rect(pymupdf.Rect(72, 140, 400, 160), color=None, fill=(0, 0, 0))
    _text(page, 80, 155, "Name   Date   Status", color=(1, 1, 1))                  # white on black: visible
    _text(page, 72, 200, "Light grey footnote text", color=(0.7, 0.7, 0.7))       # light but visible
    _text(page, 72, 230, "Small print at six points", size=6)
    # a scanned page with its invisible OCR layer: not hidden text
    pix = pymupdf.Pixmap(pymupdf.csGRAY, pymupdf.IRect(0, 0, 200, 40), 0)
    pix.clear_with(200)
    page.insert_image(pymupdf.Rect(72, 300, 372, 360), pixmap=pix)
    _text(page, 80, 335, "OCR words over the scan", render_mode=3)
    _save(doc, path)
    return {"control": True}


def tiny(path):
    doc = _new()
    page = doc[0]
    _body(page, ["Ordinary paragraph."])
    _text(page, 72, 200, "Microscopic: Tomas Okafor 555-0199", size=0.6)
    _save(doc, path)
    return {"expect": [{"type": "tiny_text", "page": 1, "text": "Microscopic: Tomas Okafor 555-0199", "rule": "microscopic"}]}


def clean_release(path):
    """A plain two-page release with a proper redaction: nothing anywhere else."""
    doc = _new()
    _body(doc[0], ["Dispatch record 7", "Caller: Mauro Perez", "Call type: noise complaint"])
    _redact(doc[0], "Mauro Perez")
    doc.new_page(width=W, height=H)
    _body(doc[1], ["Units cleared at 22:10.", "No further action."])
    doc.set_metadata({**doc.metadata, "title": "Dispatch record 7", "author": "Dispatch"})
    _save(doc, path)
    return {"control": True}


FIXTURES = {
    "rev-single": ("prior_revision", rev_single),
    "rev-multi": ("prior_revision", rev_multi),
    "rev-control": ("prior_revision", rev_control),
    "meta-leak": ("metadata", meta_leak),
    "meta-control": ("metadata", meta_control),
    "attachment": ("attachment", attachment),
    "form": ("form_field", form),
    "form-control": ("form_field", form_control),
    "popup": ("annotation_text", popup),
    "annot-control": ("annotation_text", annot_control),
    "javascript": ("javascript", javascript),
    "hidden-layer": ("hidden_layer", hidden_layer),
    "layer-control": ("hidden_layer", layer_control),
    "off-crop": ("off_crop_text", off_crop),
    "crop-control": ("off_crop_text", crop_control),
    "camouflage": ("hidden_text", camouflage),
    "camouflage-control": ("hidden_text", camouflage_control),
    "tiny": ("tiny_text", tiny),
    "clean-release": (None, clean_release),
}


def build_all(outdir: str) -> dict:
    """Write every fixture into ``outdir``; return ``{file name: truth}`` (also ``truth.json``)."""
    os.makedirs(outdir, exist_ok=True)
    index = {}
    for name, (kind, fn) in FIXTURES.items():
        path = os.path.join(outdir, name + ".pdf")
        if os.path.exists(path):
            os.remove(path)
        truth = fn(path) or {}
        index[name + ".pdf"] = {"kind": kind, "expect": truth.get("expect", []), "leaks": truth.get("leaks", []),
                                "control": bool(truth.get("control"))}
    with open(os.path.join(outdir, "truth.json"), "w") as fh:
        json.dump(index, fh, indent=1)
    return index


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "tests/_generated/forensics"
    idx = build_all(out)
    print(f"wrote {len(idx)} fixtures to {out}")


# ---------------------------------------------------------------- scoring

FORENSIC_TYPES = KINDS


def _norm(s: str) -> str:
    return " ".join((s or "").split())


def matches(f: dict, e: dict) -> bool:
    """True when finding ``f`` (a dict) satisfies expectation ``e``."""
    return (f["type"] == e["type"] and _norm(e["text"]) in _norm(f.get("text", ""))
            and (e.get("page") is None or f.get("page") == e["page"])
            and (e.get("rule") is None or f.get("rule") == e["rule"])
            and (e.get("revision") is None or f.get("revision") == e["revision"]))


def score(index: dict, reports: dict) -> dict:
    """Recall and false findings per finding type over the fixtures.

    ``reports`` maps file name -> ``DocumentReport.to_dict()``.  A finding is *true* when it
    satisfies an expectation of its file; every other finding (on a control or not) is *false*.
    Prior-revision leaks on redactions are scored as kind ``prior_revision_leak``.
    """
    out = {k: {"expected": 0, "found": 0, "false": 0, "false_items": [], "missed": []}
           for k in FORENSIC_TYPES + ("prior_revision_leak",)}
    for fn, truth in index.items():
        rep = reports[fn]
        findings = rep.get("findings", [])
        for e in truth["expect"]:
            s = out.setdefault(e["type"], {"expected": 0, "found": 0, "false": 0, "false_items": [], "missed": []})
            s["expected"] += 1
            if any(matches(f, e) for f in findings):
                s["found"] += 1
            else:
                s["missed"].append(f"{fn}: {e}")
        for f in findings:
            if not any(matches(f, e) for e in truth["expect"]):
                s = out.setdefault(f["type"], {"expected": 0, "found": 0, "false": 0, "false_items": [], "missed": []})
                s["false"] += 1
                s["false_items"].append(f"{fn}: {f['type']}/{f.get('rule')} p{f.get('page')} {f.get('text', '')[:60]!r}")
        s = out["prior_revision_leak"]
        got = [(r["page"], r["leak"]["text"]) for r in rep.get("redactions", [])
               if r.get("leak") and r["leak"]["how"] == "prior_revision"]
        want = [(lk["page"], lk["text"]) for lk in truth["leaks"]]
        s["expected"] += len(want)
        pool = list(got)
        for w in want:
            if w in pool:
                pool.remove(w)
                s["found"] += 1
            else:
                s["missed"].append(f"{fn}: leak {w}")
        s["false"] += len(pool)
        s["false_items"] += [f"{fn}: leak {p}" for p in pool]
    for s in out.values():
        s["recall"] = s["found"] / s["expected"] if s["expected"] else None
    return out

"""Metadata and outline: Document Info (custom keys too), XMP, bookmarks, page labels and named
destinations are read, and a value becomes a ``metadata`` finding when it holds information of a
kind the document withholds (rule ``withheld_kind``) or text recovered under a box
(``withheld_text``).  Each finding names its key and its rule.  Fixtures are generated here with
pymupdf (set_metadata, set_xml_metadata, set_toc, set_page_labels, a /Names /Dests tree): positives
and look-alike negatives (a name printed on the pages, software and dates, a public title, the same
values in a document that withholds other kinds)."""
from __future__ import annotations

import pymupdf
import pytest

import redactlens
from redactlens.forensics.metadata import read_named_destinations, read_outline, read_page_labels

LEFT, VALUE_X, FS = 72, 190, 10


def _box(page, x, y, w):
    page.draw_rect(pymupdf.Rect(x - 1, y - 10, x - 1 + w, y + 3), color=(0, 0, 0), fill=(0, 0, 0), width=0)


def _form(page, rows, top=100):
    """``rows``: (label, value, boxed); a boxed value is not printed (a redaction applied) unless
    it is ``leak:`` text left under the box."""
    y = top
    for label, value, boxed in rows:
        page.insert_text((LEFT, y), label + ":", fontname="helv", fontsize=FS)
        if boxed:
            if value.startswith("leak:"):
                page.insert_text((VALUE_X, y), value[5:], fontname="helv", fontsize=FS)
            _box(page, VALUE_X, y, max(40.0, pymupdf.get_text_length(value.replace("leak:", ""), fontsize=FS) + 4))
        else:
            page.insert_text((VALUE_X, y), value, fontname="helv", fontsize=FS)
        y += 18
    return y


def _dests(doc, names):
    cat, px = doc.pdf_catalog(), doc[0].xref
    arr = " ".join(f"({n}) [{px} 0 R /XYZ 0 792 0]" for n in sorted(names))
    x = doc.get_new_xref()
    doc.update_object(x, f"<< /Names [{arr}] >>")
    n = doc.get_new_xref()
    doc.update_object(n, f"<< /Dests {x} 0 R >>")
    doc.xref_set_key(cat, "Names", f"{n} 0 R")


XMP = """<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/"
  xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">Incident Report</rdf:li></rdf:Alt></dc:title>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{description}</rdf:li></rdf:Alt></dc:description>
<xmp:CreatorTool>Microsoft Word for Office 365</xmp:CreatorTool><pdf:Producer>Acrobat Distiller 21.0</pdf:Producer>
<xmp:CreateDate>2024-03-04T10:22:31-06:00</xmp:CreateDate>
</rdf:Description></rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>"""


def _release(path, rows, *, title="Incident Report", info=None, description="Interview with Tom Reyes",
             toc=None, labels=None, dests=None, extra_text=(), crop=False):
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((LEFT, 60), title.upper(), fontname="hebo", fontsize=14)
    y = _form(page, rows)
    for k, line in enumerate(extra_text):
        page.insert_text((LEFT, y + 20 + 14 * k), line, fontname="helv", fontsize=FS)
    p2 = doc.new_page(width=612, height=792)
    p2.insert_text((LEFT, 80), "Narrative: the reporting officer, Sgt. Bell, took the statement.", fontsize=FS)
    p2.insert_text((LEFT, 760), "Chicago Police Department, 3510 S Michigan Ave", fontsize=8)
    meta = {"title": title, "author": "", "subject": "", "keywords": "", "creator": "Microsoft Word - Incident Report",
            "producer": "Acrobat Distiller 21.0 (Windows)", "creationDate": "D:20240304102231-06'00'",
            "modDate": "D:20240305091500-06'00'"}
    doc.set_metadata(meta)
    for k, v in (info or {}).items():     # custom keys (and standard ones) straight into /Info
        kind, val = doc.xref_get_key(-1, "Info")
        doc.xref_set_key(int(val.split()[0]), k, pymupdf.get_pdf_str(v))
    doc.set_xml_metadata(XMP.format(description=description))
    doc.set_toc(toc if toc is not None else [[1, "Incident Report", 1], [1, "Exhibit A", 2]])
    if labels:
        doc.set_page_labels(labels)
    if dests:
        _dests(doc, dests)
    if crop:
        for p in doc:
            p.set_cropbox(pymupdf.Rect(10, 10, 602, 782))
    doc.save(str(path))
    doc.close()
    return str(path)


NAME_ROWS = [("Incident #", "2024-1005", False), ("Complainant", "Maria Lopez", True), ("Address", "1411 W Madison St", True),
             ("Phone", "(312) 555-0142", True), ("Witness", "leak:Sam Ortiz", True), ("Reporting officer", "Sgt. Bell", False)]
PHONE_ONLY = [("Incident #", "2024-1005", False), ("Complainant", "Maria Lopez", False),
              ("Address", "1411 W Madison St", False), ("Phone", "(312) 555-0142", True),
              ("Reporting officer", "Sgt. Bell", False)]
POSITIVE_META = dict(
    info={"Subject": "Statement of Maria Lopez", "Keywords": "Ortiz; traffic", "Witness": "Rosa Diaz",
          "Location": "1411 W Madison St", "Callback": "(312) 555-0142", "Agency": "3510 S Michigan Ave"},
    toc=[[1, "Incident Report", 1], [1, "Complainant - Ken Wu", 1], [2, "Officer Ray Bell", 2], [1, "Exhibit A", 2]],
    labels=[{"startpage": 0, "prefix": "Ida Moss ", "style": "D", "firstpagenum": 1}],
    dests=["Statement_of_Eva_Stone", "page2", "Exhibit_B"])


def _scan(path):
    return redactlens.scan(path)


def _meta(rep):
    return [f for f in rep.findings if f.type == "metadata"]


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    d = tmp_path_factory.mktemp("metadata")
    return {
        "names": _scan(_release(d / "names.pdf", NAME_ROWS, **POSITIVE_META)),
        "names_cropped": _scan(_release(d / "names-cropped.pdf", NAME_ROWS, crop=True, **POSITIVE_META)),
        "phone_only": _scan(_release(d / "phone-only.pdf", PHONE_ONLY, **POSITIVE_META)),
        "clean": _scan(_release(d / "clean.pdf", NAME_ROWS, description="Traffic incident, north district")),
    }


def _by(rep):
    return {(f.rule, f.text): f for f in _meta(rep)}


def test_the_document_withholds_the_kinds_its_boxes_name(reports):
    fields = {r.field for r in reports["names"].redactions}
    assert {"person_name", "address", "phone"} <= fields, fields
    assert {r.field for r in reports["phone_only"].redactions} == {"phone"}


@pytest.mark.parametrize("which", ["names", "names_cropped"])
def test_every_place_of_metadata_is_read_and_each_finding_names_key_and_rule(reports, which):
    rep = reports[which]
    got = _by(rep)
    want = {
        ("withheld_kind", "Statement of Maria Lopez"): "Info /Subject",
        ("withheld_kind", "Rosa Diaz"): "Info /Witness",                      # a custom key
        ("withheld_kind", "Interview with Tom Reyes"): "XMP dc:description",
        ("withheld_kind", "Complainant - Ken Wu"): "Outline item 2",
        ("withheld_kind", "Ida Moss"): "PageLabels /P",
        ("withheld_kind", "Statement of Eva Stone"): "Named destination 'Statement_of_Eva_Stone'",
        ("withheld_kind", "1411 W Madison St"): "Info /Location",
        ("withheld_kind", "(312) 555-0142"): "Info /Callback",
        ("withheld_text", "Ortiz; traffic"): "Info /Keywords",               # the text under a box
    }
    for key, where in want.items():
        assert key in got, (key, sorted(got))
        f = got[key]
        assert f.detail.startswith(where), (key, f.detail)
        assert f.rule == key[0] and f.type == "metadata" and f.page is None
        if f.rule == "withheld_kind":
            assert "a kind of information this document withholds" in f.detail, f.detail
    # look-alikes: a name printed on the pages, headings, the agency's printed address, software,
    # dates, the public title
    texts = " | ".join(f.text for f in _meta(rep))
    for no in ("Ray Bell", "Exhibit", "page2", "Michigan", "Incident Report", "Distiller", "Microsoft", "2024-03"):
        assert no not in texts, (no, texts)
    assert rep.metadata["outline"][1] == {"level": 1, "title": "Complainant - Ken Wu", "page": 1}
    assert rep.metadata["page_labels"][0]["prefix"] == "Ida Moss"      # cleaned
    assert "Statement_of_Eva_Stone" in rep.metadata["named_destinations"]
    assert rep.metadata["info"]["Witness"] == "Rosa Diaz"


def test_a_name_is_a_finding_only_where_the_document_withholds_names(reports):
    got = _by(reports["phone_only"])
    kinds = {t for r, t in got if r == "withheld_kind"}
    assert kinds == {"(312) 555-0142"}, sorted(got)       # names and the address are printed in the clear
    assert not any(r == "withheld_text" for r, _ in got)


def test_nothing_to_report_in_clean_metadata(reports):
    assert _meta(reports["clean"]) == []


def test_readers_on_a_bare_document():
    doc = pymupdf.open()
    doc.new_page()
    assert read_outline(doc) == [] and read_page_labels(doc) == [] and read_named_destinations(doc) == []


def _filing(path, *, sealed: bool, caption_visible: bool, subject="Case No. 1:24-cv-04417-JRS"):
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((LEFT, 60), "UNITED STATES DISTRICT COURT", fontname="hebo", fontsize=12)
    if sealed:
        page.insert_text((LEFT, 80), "FILED UNDER SEAL", fontname="hebo", fontsize=12)
    page.insert_text((LEFT, 110), "Case No.", fontname="helv", fontsize=FS)
    if caption_visible:
        page.insert_text((130, 110), "1:24-cv-04417-JRS", fontname="helv", fontsize=FS)
    else:
        _box(page, 130, 110, 100)
    page.insert_text((LEFT, 140), "MOTION FOR A PROTECTIVE ORDER", fontname="hebo", fontsize=FS)
    page.insert_text((LEFT, 170), "The movant asks the Court to enter the attached order.", fontsize=FS)
    doc.set_metadata({"title": "Motion for a Protective Order", "subject": subject,
                      "producer": "Acrobat PDFMaker 23 for Word", "creationDate": "D:20240601120000Z"})
    doc.save(str(path))
    return str(path)


def test_a_case_number_in_a_sealed_filing(tmp_path):
    hit = _meta(_scan(_filing(tmp_path / "sealed.pdf", sealed=True, caption_visible=False)))
    assert [(f.rule, f.text) for f in hit] == [("withheld_kind", "Case No. 1:24-cv-04417-JRS")], hit
    assert hit[0].detail.startswith("Info /Subject") and "case number" in hit[0].detail
    # look-alikes: the number printed in the caption; a filing that is not sealed and redacts no id
    assert _meta(_scan(_filing(tmp_path / "sealed-visible.pdf", sealed=True, caption_visible=True))) == []
    open_filing = _scan(_filing(tmp_path / "open.pdf", sealed=False, caption_visible=False))
    if not any(r.field == "id_number" for r in open_filing.redactions):
        assert _meta(open_filing) == []

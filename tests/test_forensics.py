"""Document forensics (issue 6): recall per kind on generated fixtures, zero false findings on the
controls, exact prior-revision leaks, raw metadata exposed, inputs untouched, hostile input."""
from __future__ import annotations

import hashlib
import time

import pymupdf
import pytest

import gen_forensics as gf
import redactlens
from redactlens.forensics import analyse_document, earlier_revisions
from redactlens.forensics.hidden import off_groups
from redactlens.settings import Settings
from redactlens.forensics.metadata import person_kind, read_xmp
from redactlens.forensics.revisions import find_revisions
from redactlens.model import DocumentReport


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    out = tmp_path_factory.mktemp("forensics")
    index = gf.build_all(str(out))
    before = {fn: hashlib.sha256((out / fn).read_bytes()).hexdigest() for fn in index}
    reports = {fn: redactlens.scan(str(out / fn)) for fn in index}
    after = {fn: hashlib.sha256((out / fn).read_bytes()).hexdigest() for fn in index}
    assert before == after, "an input file was modified"
    return out, index, reports, gf.score(index, {fn: r.to_dict() for fn, r in reports.items()})


@pytest.mark.parametrize("kind", gf.KINDS + ("prior_revision_leak",))
def test_recall_and_no_false_findings_per_kind(scanned, kind):
    _, _, _, sc = scanned
    s = sc[kind]
    assert s["expected"] > 0
    assert s["found"] == s["expected"], s["missed"]
    assert s["false"] == 0, s["false_items"]


def test_controls_are_silent(scanned):
    _, index, reports, _ = scanned
    for fn, truth in index.items():
        if truth["control"]:
            assert reports[fn].findings == [], (fn, [f.to_dict() for f in reports[fn].findings])
            assert not any(r.leak and r.leak.how == "prior_revision" for r in reports[fn].redactions)


def test_every_finding_says_where_and_what(scanned):
    _, _, reports, _ = scanned
    for fn, rep in reports.items():
        for f in rep.findings:
            assert f.detail and f.rule, (fn, f)
            if f.type in ("hidden_layer", "off_crop_text", "hidden_text", "tiny_text", "form_field"):
                assert f.page and f.bbox, (fn, f)
            if f.type == "prior_revision":
                assert f.revision, (fn, f)


def test_prior_revision_several_saves(scanned):
    _, _, reports, _ = scanned
    rep = reports["rev-multi.pdf"]
    rv = rep.metadata["revisions"]
    assert rv["count"] == 3 and rv["incremental_updates"] == 2
    leaks = {(r.page, r.leak.text): r.leak for r in rep.redactions if r.leak}
    # "Tomas Okafor" was on the page in revisions 1 and 2: the latest one is the leak, the older one
    # corroborates it
    tomas = leaks[(1, "Tomas Okafor")]
    assert tomas.how == "prior_revision" and "revision 2 of 3" in tomas.detail
    assert {"how": "prior_revision", "revision": 1, "text": "Tomas Okafor"} in tomas.candidates
    # the word changed outside any redaction is reported, and said to be outside
    f = [f for f in rep.findings if f.type == "prior_revision" and f.revision == 2 and f.page == 1][0]
    assert "open" in f.text.split()
    # words that a redaction tool merely shifted sideways are not "removed"
    assert "Street" not in " ".join(f.text for f in rep.findings)


def test_prior_revision_single_save(scanned):
    _, _, reports, _ = scanned
    rep = reports["rev-single.pdf"]
    (red,) = rep.redactions
    assert red.leak.how == "prior_revision" and red.leak.text == "Mauro Perez"
    assert rep.metadata["revisions"]["count"] == 2


def test_raw_metadata_always_exposed(scanned):
    _, _, reports, _ = scanned
    meta = reports["meta-leak.pdf"].metadata
    assert meta["info"]["LastModifiedBy"] == "dkowalski"
    assert meta["info"]["Title"] == "Complaint of Mauro Perez"
    assert meta["xmp"]["properties"]["dc:creator"] == ["Jane Q. Whitfield"]
    assert "Users" in str(meta["xmp"]["history"])
    clean = reports["meta-control.pdf"].metadata
    assert clean["info"]["Author"] == "Records Unit" and clean["xmp"]["properties"]


def test_layers_exposed(scanned):
    _, _, reports, _ = scanned
    layers = reports["hidden-layer.pdf"].metadata["layers"]
    assert {(l["name"], l["on"]) for l in layers} == {("Reviewer notes", False), ("Body", True)}


def test_attachments_and_forms_metadata(scanned):
    _, _, reports, _ = scanned
    assert [a["name"] for a in reports["attachment.pdf"].metadata["attachments"]] == ["witness-notes.txt", "source.pdf"]
    assert reports["form.pdf"].metadata["forms"]["filled_text_fields"] == 2
    hidden = [f for f in reports["form.pdf"].findings if "123-45-6789" in f.text][0]
    assert "hidden widget" in hidden.detail


@pytest.mark.parametrize("value,kind", [
    ("Jane Q. Whitfield", "personal name"), ("Smith, John A.", "personal name"), ("btravagl", "account name"),
    ("JOHNSCA", "account name"), ("j.doe", "account name"), ("u7p", None), ("Administrator", None),
    ("SE:W:CAR:MP:I:S", None), ("Records Unit", None), ("Xerox ColorQube 9203", None), ("Dispatch", None),
    ("Microsoft Word - report.docx", None), ("Versaterm Inc.", None),
])
def test_person_kind(value, kind):
    assert person_kind(value) == kind


# ---------------------------------------------------------------- hostile and odd input

def _analyse(data: bytes) -> DocumentReport:
    settings = Settings()
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        revisions, warnings = earlier_revisions(doc, data, settings)
        out = analyse_document(doc, data, [], revisions, settings, "x.pdf")
    return DocumentReport(path="x.pdf", findings=out.findings, warnings=warnings + out.warnings,
                          metadata=out.metadata)


def _plain_pdf(text="Hello world") -> bytes:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), text)
    return doc.tobytes()


def test_fake_eof_markers_are_not_revisions():
    data = _plain_pdf()
    # a comment full of fake trailers appended after the real one, and garbage offsets
    junk = b"".join(b"%%EOF\nstartxref\n%d\n%%%%EOF\n" % (i * 7) for i in range(3000))
    revs = find_revisions(data + junk)
    assert sum(r.complete for r in revs) <= 2
    t = time.monotonic()
    rep = _analyse(data + junk)
    assert time.monotonic() - t < 20
    assert not [f for f in rep.findings if f.type == "prior_revision"]


def test_entity_xmp_not_parsed():
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "x")
    doc.set_xml_metadata('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
                         '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><x>&b;</x>')
    with pymupdf.open(stream=doc.tobytes()) as d:
        xmp = read_xmp(d)
    assert "error" in xmp and not xmp["properties"]


def test_huge_metadata_value_is_capped():
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "x")
    doc.set_metadata({"author": "Jane Roe " * 20000})
    rep = _analyse(doc.tobytes())
    assert len(rep.metadata["info"]["Author"]) <= 4010
    assert all(len(f.text) <= 4010 for f in rep.findings)


def test_truncated_revision_does_not_break_analysis(tmp_path):
    p = tmp_path / "t.pdf"
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "first version Laura Chen")
    doc.save(str(p))
    doc.close()
    doc = pymupdf.open(str(p))
    doc[0].insert_text((72, 100), "added later")
    doc.saveIncr()
    doc.close()
    data = p.read_bytes()
    # corrupt the first revision's xref: the earlier revision cannot be opened cleanly
    i = data.find(b"xref")
    bad = data[:i] + b"XXXX" + data[i + 4:]
    rep = _analyse(bad)
    assert not any("failed" in w for w in rep.warnings), rep.warnings


def test_scan_reports_forensics_in_json(scanned):
    out, _, _, _ = scanned
    d = redactlens.scan(str(out / "javascript.pdf")).to_dict()
    assert {f["type"] for f in d["findings"]} == {"javascript"}
    assert all({"type", "page", "detail", "text"} <= set(f) for f in d["findings"])


def test_many_incremental_saves_are_bounded(tmp_path):
    p = tmp_path / "many.pdf"
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "Base text")
    doc.save(str(p))
    doc.close()
    for i in range(60):
        doc = pymupdf.open(str(p))
        doc[0].insert_text((72, 100 + 10 * (i % 60)), f"line {i}", fontsize=6)
        doc.saveIncr()
        doc.close()
    data = p.read_bytes()
    t = time.monotonic()
    rep = _analyse(data)
    assert time.monotonic() - t < 30
    assert rep.metadata["revisions"]["count"] == 61
    assert any("only the last 50" in w for w in rep.warnings)
    assert not [f for f in rep.findings if f.type == "prior_revision"]   # only additions


def test_thousands_of_hidden_words_are_capped():
    doc = pymupdf.open()
    page = doc.new_page()
    text = " ".join(f"word{i}" for i in range(40))
    for row in range(120):                       # 4,800 white words in 120 separate paragraphs
        page.insert_text((20, 20 + row * 6.5), text, fontsize=2.5, color=(1, 1, 1))
        page.insert_text((20, 900 + row * 20), text, fontsize=9)    # and as many off the page
    t = time.monotonic()
    rep = _analyse(doc.tobytes())
    assert time.monotonic() - t < 20
    kinds = {f.type for f in rep.findings}
    assert {"hidden_text", "off_crop_text"} <= kinds
    assert sum(f.type == "off_crop_text" for f in rep.findings) <= 60


HIDDEN_KINDS = ("hidden_text", "off_crop_text", "tiny_text")


def test_the_page_loop_reads_each_text_trace_once_and_finds_what_the_document_stage_finds(scanned, monkeypatch):
    """The page loop examines each page's hidden text from the trace its page model read; the
    document stage alone (every page read again) gives the same findings and warnings."""
    out, index, reports, _ = scanned
    base = pymupdf.Page.get_texttrace
    calls = []

    def counted(page):
        calls.append(page.number)
        return base(page)

    monkeypatch.setattr(pymupdf.Page, "get_texttrace", counted)
    checked = 0
    for fn in sorted(index):
        path = str(out / fn)
        calls.clear()
        rep = redactlens.scan(path)
        with pymupdf.open(path) as doc:
            # one trace per page; a document with switched-off layers also compares each page's
            # words with those of a copy with every layer on (two traces more)
            ocgs = doc.get_ocgs() or {}
            per_page = 3 if ocgs and off_groups(doc, ocgs) else 1
            assert sorted(calls) == sorted(list(range(rep.pages)) * per_page), (fn, calls)
            data = (out / fn).read_bytes()
            revisions, _ = earlier_revisions(doc, data, Settings())
            alone = analyse_document(doc, data, rep.redactions, revisions, Settings(), rep.path)
        got = [f for f in rep.findings if f.type in HIDDEN_KINDS]
        want = [f for f in alone.findings if f.type in HIDDEN_KINDS]
        assert got == want, fn
        assert [w for w in rep.warnings if w.startswith("hidden text")] == \
            [w for w in alone.warnings if w.startswith("hidden text")], fn
        checked += bool(want)
    assert checked >= 3      # the off-crop, camouflage and tiny fixtures hold such findings


def test_hidden_text_on_rotated_and_cropped_pages_is_found_by_the_page_loop(tmp_path):
    """White text and text outside the CropBox on a /Rotate 90 page with a CropBox: the page loop
    reports them with displayed-page boxes, as the document stage does."""
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((72, 200), "Visible body text of the memo", fontsize=11)
    page.insert_text((72, 240), "Secret white words here", fontsize=11, color=(1, 1, 1))
    page.insert_text((72, 760), "Cropped away sentence text", fontsize=11)
    page.set_cropbox(pymupdf.Rect(0, 0, 612, 700))
    page.set_rotation(90)
    path = tmp_path / "rot.pdf"
    doc.save(str(path))
    rep = redactlens.scan(str(path))
    by_rule = {f.rule: f for f in rep.findings}
    assert "Secret white words here" in by_rule["same_colour_as_background"].text
    assert "Cropped away sentence text" in by_rule["outside_cropbox"].text
    x0, y0, x1, y1 = by_rule["same_colour_as_background"].bbox
    assert y1 - y0 > x1 - x0          # horizontal text on a page turned 90 degrees runs down the display
    assert 0 <= x0 and x1 <= 700 and 0 <= y0 and y1 <= 612    # inside the displayed (cropped, turned) page
    with pymupdf.open(str(path)) as d:
        data = path.read_bytes()
        revisions, _ = earlier_revisions(d, data, Settings())
        alone = analyse_document(d, data, rep.redactions, revisions, Settings(), rep.path)
    assert [f for f in rep.findings if f.type in HIDDEN_KINDS] == [f for f in alone.findings if f.type in HIDDEN_KINDS]


def test_tiny_text_on_a_turned_page_is_measured_across_its_line(tmp_path):
    """A glyph's height is measured across the writing direction as displayed: 1 pt text on a
    /Rotate 90 page is tiny, 9 pt text there is not (its words' displayed boxes are tall)."""
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((72, 200), "Normal size sentence on the page", fontsize=9)
    page.insert_text((72, 300), "microscopic footnote words", fontsize=1.0)
    page.set_rotation(90)
    path = tmp_path / "tiny.pdf"
    doc.save(str(path))
    rep = redactlens.scan(str(path))
    tiny = [f for f in rep.findings if f.type == "tiny_text"]
    assert len(tiny) == 1 and tiny[0].text.split() == ["microscopic", "footnote", "words"]


@pytest.mark.parametrize("rotate,crop", [(0, None), (90, None), (0, (10, 40, 590, 760))])
def test_unchanged_pages_of_an_earlier_revision_are_not_walked(tmp_path, monkeypatch, rotate, crop):
    """A later save that redacts one word on page 3 of 5: the earlier revision's other pages hold
    the same words as the final ones (MuPDF's word lists are equal), so only page 3 of each
    revision is walked glyph by glyph, and the removed word is still recovered there.  (Turned and
    cropped pages are apart: PyMuPDF draws the fixture's box off the words on a page that is both.)"""
    import redactlens.forensics.revisions as rv
    path = str(tmp_path / "rev5.pdf")
    doc = pymupdf.open()
    for i in range(5):
        page = doc.new_page(width=612, height=792)
        gf._body(page, [f"Page {i + 1} of the incident narrative", "Witness: Laura Chen of Elm Street",
                        "Officer arrived at 21:40 and spoke with the caller."])
        if crop:
            page.set_cropbox(pymupdf.Rect(crop))
        page.set_rotation(rotate)
    gf._save(doc, path)
    gf._incremental(path, lambda d: gf._redact(d[2], "Laura Chen"))
    walked = []
    base = rv._words

    def counted(page, frame=None):
        walked.append(page.number)
        return base(page, frame)
    monkeypatch.setattr(rv, "_words", counted)
    rep = redactlens.scan(path)
    assert walked == [2, 2]            # page 3 of the earlier revision, then the final page 3
    leaks = [(r.page, r.leak.how, r.leak.text) for r in rep.redactions if r.leak]
    assert leaks == [(3, "prior_revision", "Laura Chen")]
    f = [f for f in rep.findings if f.type == "prior_revision"]
    assert [(x.page, x.revision, x.text) for x in f] == [(3, 1, "Laura Chen")]


def test_the_page_loop_lists_a_pages_images_once(tmp_path, monkeypatch):
    """Invisible words on a placed image (an OCR layer over a picture) are not hidden text, and
    invisible words elsewhere are: the page loop tells them apart with the page model's image
    list, without asking MuPDF for it a second time."""
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((72, 80), "Memo about the attached photograph", fontsize=11)
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 60, 40), False)
    pix.set_rect(pix.irect, (200, 180, 150))
    page.insert_image(pymupdf.Rect(72, 120, 372, 320), pixmap=pix)
    page.insert_text((90, 200), "caption read by ocr", fontsize=11, render_mode=3)
    page.insert_text((72, 500), "Informant Laura Chen", fontsize=11, render_mode=3)
    path = tmp_path / "img.pdf"
    doc.save(str(path))
    calls = []
    base = pymupdf.Page.get_image_info

    def counted(self, *a, **k):
        calls.append(self.number)
        return base(self, *a, **k)
    monkeypatch.setattr(pymupdf.Page, "get_image_info", counted)
    rep = redactlens.scan(str(path))
    assert calls == [0]
    hidden = " ".join(f.text for f in rep.findings if f.type == "hidden_text")
    assert "Laura Chen" in hidden and "caption" not in hidden

"""Walking a page's annotations and form fields once (redactlens.annots): the same items as
PyMuPDF's ``Page.annots()`` / ``Page.widgets()``, in the same order, without loading each one by
its xref (which walks the page's list from the start every time, n² on a dense form), and the
forensics that read them on a turned, cropped page."""
from __future__ import annotations

import pymupdf
import pytest

import redactlens
from redactlens.annots import page_annots, page_widgets, widget_xrefs


def _field(page, name, rect, value=None, js=None):
    w = pymupdf.Widget()
    w.field_name = name
    w.field_type = pymupdf.PDF_WIDGET_TYPE_TEXT
    w.rect = pymupdf.Rect(rect)
    if value is not None:
        w.field_value = value
    annot = page.add_widget(w)
    if js:
        doc = page.parent
        act = doc.get_new_xref()
        doc.update_object(act, f"<< /S /JavaScript /JS ({js}) >>")
        doc.xref_set_key(annot.xref, "A", f"{act} 0 R")
    return annot


def _busy_page(path, rotate=0, crop=None, fields=40):
    """A page with a link, a note with its pop-up, a highlight, a file attachment, ``fields``
    text fields (every third one filled) and one annotation listed twice in /Annots."""
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((72, 60), "Application form", fontsize=12)
    page.insert_link({"kind": pymupdf.LINK_URI, "from": pymupdf.Rect(72, 70, 200, 82), "uri": "https://example.org"})
    note = page.add_text_annot((500, 60), "reviewer note")
    note.set_popup(pymupdf.Rect(420, 80, 580, 160))
    note.update()
    hl = page.add_highlight_annot(pymupdf.Rect(72, 48, 180, 62))
    page.add_file_annot((560, 700), b"attached bytes", "notes.txt")
    for i in range(fields):
        y = 100 + (i % 30) * 20
        x = 72 if i < 30 else 330
        _field(page, f"field{i}", (x, y, x + 200, y + 16), f"value {i}" if i % 3 == 0 else None,
               js="AFNumber_Format(2);" if i == 5 else None)
    kind, val = doc.xref_get_key(page.xref, "Annots")
    arr = val if kind == "array" else doc.xref_object(int(val.split()[0]))
    doc.xref_set_key(page.xref, "Annots", "[" + arr.strip()[1:-1] + f" {hl.xref} 0 R]")
    if crop:
        page.set_cropbox(pymupdf.Rect(crop))
    page.set_rotation(rotate)
    doc.save(str(path))
    return str(path)


@pytest.mark.parametrize("rotate,crop", [(0, None), (90, (20, 30, 600, 780))])
def test_walks_give_what_pymupdf_gives(tmp_path, rotate, crop):
    path = _busy_page(tmp_path / "busy.pdf", rotate, crop)
    with pymupdf.open(path) as doc:
        page = doc[0]
        want = [(a.xref, a.type[1]) for a in page.annots()]
        assert [(a.xref, a.type[1]) for a in page_annots(page)] == want
        assert ("Highlight" in [t for _, t in want]) and ("Text" in [t for _, t in want])
        assert [t for _, t in want].count("Highlight") == 2       # listed twice, yielded twice, as before
        fa = (pymupdf.PDF_ANNOT_FILE_ATTACHMENT,)
        assert [a.xref for a in page_annots(page, fa)] == [a.xref for a in page.annots(types=fa)]
        want_w = [(w.xref, w.field_name, w.field_value, tuple(w.rect)) for w in page.widgets()]
        assert len(want_w) == 40
        assert [(w.xref, w.field_name, w.field_value, tuple(w.rect)) for w in page_widgets(page)] == want_w
        assert widget_xrefs(page) == [x for x, *_ in want_w]


def test_walks_do_not_load_items_by_xref(tmp_path, monkeypatch):
    """Each load by xref walks the page's list from its start: a scan must not use it."""
    path = _busy_page(tmp_path / "busy.pdf")

    def refused(self, xref):
        raise AssertionError("loaded by xref")
    monkeypatch.setattr(pymupdf.Page, "load_widget", refused)
    monkeypatch.setattr(pymupdf.Page, "load_annot", refused)
    rep = redactlens.scan(path)
    assert not rep.error, rep.error
    assert rep.metadata["forms"] == {"widgets": 40, "filled_text_fields": 14, "buttons_on": 0}
    assert any(f.type == "annotation_text" and "reviewer note" in f.text for f in rep.findings)
    assert any(f.rule == "form_field_scripts" and "AFNumber_Format" in f.text for f in rep.findings)


def test_form_values_on_a_turned_cropped_page(tmp_path):
    path = _busy_page(tmp_path / "turned.pdf", 90, (20, 30, 600, 780))
    rep = redactlens.scan(path)
    forms = [f for f in rep.findings if f.type == "form_field"]
    assert sorted(f.text for f in forms) == sorted(f"value {i}" for i in range(0, 40, 3))
    with pymupdf.open(path) as doc:
        w, h = doc[0].rect.width, doc[0].rect.height       # the displayed page: turned and cropped
    assert (w, h) == (750, 580)
    for f in forms:
        x0, y0, x1, y1 = f.bbox
        assert 0 <= x0 < x1 <= w and 0 <= y0 < y1 <= h, f.bbox
        assert y1 - y0 > x1 - x0          # a wide field on a page turned 90 degrees is tall on display

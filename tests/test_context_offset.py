"""A value box set a little lower than its label (the label sits at the box's top edge)."""
import pymupdf

import redactlens


def test_label_at_the_top_edge_of_a_lower_box(tmp_path):
    doc = pymupdf.open()
    page = doc.new_page()
    for i, label in enumerate(["Phone:", "Address:"]):
        y = 100 + 40 * i
        page.insert_text((60, y), label, fontname="helv", fontsize=7)
        page.draw_rect(pymupdf.Rect(150, y - 1.5, 300, y + 13), color=None, fill=(0, 0, 0))
    path = tmp_path / "offset.pdf"
    doc.save(path)
    reds = redactlens.scan(str(path)).redactions
    assert [r.field for r in reds] == ["phone", "address"]


def test_a_box_far_below_a_label_does_not_take_it(tmp_path):
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((60, 100), "Phone:", fontname="helv", fontsize=7)
    page.draw_rect(pymupdf.Rect(150, 112, 300, 126), color=None, fill=(0, 0, 0))
    path = tmp_path / "far.pdf"
    doc.save(path)
    assert [r.field for r in redactlens.scan(str(path)).redactions] == ["unknown"]

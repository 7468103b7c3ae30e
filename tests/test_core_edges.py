"""Glyphs cut by a box edge: only glyphs mostly under the box (along their line) are hidden text."""
import pymupdf

import redactlens


def _page_with_box(tmp_path, frac_of_next: float):
    doc = pymupdf.open()
    page = doc.new_page()
    x, y, size = 72, 100, 12
    page.insert_text((x, y), "ABCDEFG", fontname="cour", fontsize=size)
    adv = pymupdf.get_text_length("A", fontname="cour", fontsize=size)  # monospaced
    # box over C, D, E and part of F
    page.draw_rect(pymupdf.Rect(x + 2 * adv, y - size, x + 5 * adv + frac_of_next * adv, y + 3), color=None,
                   fill=(0, 0, 0))
    path = tmp_path / f"edge-{frac_of_next}.pdf"
    doc.save(path)
    return redactlens.scan(str(path))


def test_half_a_glyph_under_the_edge_is_not_hidden_text(tmp_path):
    rep = _page_with_box(tmp_path, 0.45)
    assert [r.leak.text for r in rep.redactions] == ["CDE"]


def test_a_glyph_mostly_under_the_box_is_hidden_text(tmp_path):
    rep = _page_with_box(tmp_path, 0.8)
    assert [r.leak.text for r in rep.redactions] == ["CDEF"]

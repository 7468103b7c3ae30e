"""Annotations used as boxes: a highlight in a dark colour hides its text; a yellow one does not."""
import pymupdf

import redactlens


def _doc(tmp_path, color):
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 100), "Informant: Carla Mendes", fontname="helv", fontsize=11)
    quads = page.search_for("Carla Mendes", quads=True)
    a = page.add_highlight_annot(quads)
    a.set_colors(stroke=color)
    a.update()
    path = tmp_path / f"hl-{color}.pdf"
    doc.save(path)
    return redactlens.scan(str(path))


def test_black_highlight_is_a_redaction_that_leaks(tmp_path):
    reds = _doc(tmp_path, (0, 0, 0)).redactions
    assert len(reds) == 1 and reds[0].method == "annotation"
    assert reds[0].leak and reds[0].leak.text == "Carla Mendes" and reds[0].leak.how == "text_under_box"


def test_yellow_highlight_is_not(tmp_path):
    assert _doc(tmp_path, (1, 1, 0)).redactions == []

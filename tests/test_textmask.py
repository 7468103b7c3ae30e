"""Mask runs in the text layer, including partly masked numbers (XXX-XX-1234, XX/XX/XXXX)."""
import pymupdf
import pytest

import redactlens


@pytest.mark.parametrize("line, mask", [
    ("SSN: XXX-XX-1234", "XXX-XX"),
    ("DOB: XX/XX/XXXX", "XX/XX/XXXX"),
    ("Phone: (XXX) XXX-XXXX", "(XXX) XXX-XXXX"),
    ("Name: XXXXXXX", "XXXXXXX"),
    ("Name: [REDACTED] said", "[REDACTED]"),
])
def test_mask_runs_are_boxed(tmp_path, line, mask):
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 100), line, fontname="cour", fontsize=10)
    path = tmp_path / "m.pdf"
    doc.save(path)
    reds = redactlens.scan(str(path)).redactions
    assert len(reds) == 1 and reds[0].method == "text"
    adv = pymupdf.get_text_length("X", fontname="cour", fontsize=10)
    start = line.index(mask)
    assert abs(reds[0].bbox[0] - (72 + start * adv)) < 1.0
    assert abs(reds[0].bbox[2] - (72 + (start + len(mask)) * adv)) < 1.0
    assert reds[0].leak is None


@pytest.mark.parametrize("line", ["Ex. XX", "TAX XX 12", "MAX XX-YY", "Form XX-1"])
def test_short_x_runs_are_not_masks(tmp_path, line):
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 100), line, fontname="cour", fontsize=10)
    path = tmp_path / "n.pdf"
    doc.save(path)
    assert redactlens.scan(str(path)).redactions == []

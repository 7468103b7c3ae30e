"""Exemption codes in the margin level with a box (redactlens.enrich.margins): handwritten codes on
scans read by OCR (upright and /Rotate 90), typed codes on a text page (with a CropBox), a code at
the end of a body line, a code a line off its box, OCR slips, and look-alikes that are no code.
Fixtures: tests/gen_margin_codes.py."""
from __future__ import annotations

import pytest

import redactlens
from redactlens import geometry as g
from redactlens.enrich import exemptions as ex
from redactlens.enrich.margins import ocr_normal

from gen_margin_codes import build_margin_scan, build_margin_text


def _ocr_available() -> bool:
    from redactlens import ocr
    from redactlens.settings import Settings
    return ocr.available(Settings())


def _match(rep, t):
    hits = [r for r in rep.redactions if g.iou(tuple(r.bbox), tuple(t["bbox"])) >= 0.5]
    return hits[0] if hits else None


@pytest.mark.parametrize("printed,codes", [
    ("bé", ["5 USC 552(b)(6)"]),                                   # 6 read as é
    ("56, b7C", ["5 USC 552(b)(6)", "5 USC 552(b)(7)(C)"]),         # b read as 5 beside a code
    ("3-3 (h)( 2)", ["EO 13526 3.3(h)(2)"]),                        # CIA p3: dash and spaces
    ("3.  3(h  )(2)_;C", ["EO 13526 3.3(h)(2)"]),                   # CIA p3: a scribble after it
    ("3. 3-(-h-- )-(2)_;C", ["EO 13526 3.3(h)(2)"]),                # CIA p3: an underline read into it
    ("(b) (7) (D)", ["5 USC 552(b)(7)(D)"]),
    ("b6 -1, b7C -1,2", ["5 USC 552(b)(6)", "5 USC 552(b)(7)(C)"]),  # FBI category numbers
])
def test_ocr_slips_in_a_margin_list(printed, codes):
    text = ocr_normal(printed)
    assert ex.is_code_list(text) and ex.parse_codes(text) == codes


@pytest.mark.parametrize("printed", [
    "56",                       # a bare number (page, line) is no misread b6 without a code beside it
    "see p. 4",
    "Rule 12(b)(6)",            # a court rule
    "Fed. R. Civ. P. 26(b)(5)",
    "12 3(b)",
    "dismissed under 5 U.S.C. 552(b)(6) last year",   # prose, not a list
])
def test_look_alikes_are_no_margin_code(printed):
    assert not ex.is_code_list(ocr_normal(printed))


@pytest.fixture(scope="module")
def text_pages(tmp_path_factory):
    out = tmp_path_factory.mktemp("margin-text")
    pages = {}
    for crop in (False, True):
        path = out / f"margin-text-crop{int(crop)}.pdf"
        pages[crop] = (str(path), build_margin_text(str(path), crop=crop))
    return pages


@pytest.mark.parametrize("crop", [False, True])
def test_typed_margin_codes_on_a_text_page(text_pages, crop):
    path, truth = text_pages[crop]
    rep = redactlens.scan(path)
    assert rep.error is None and len(rep.redactions) == len(truth)
    for t in truth:
        r = _match(rep, t)
        assert r is not None, t
        assert r.exemptions == t["codes"], (t["case"], r.exemptions, r.exemption_text)
        if t["codes"]:
            assert r.exemption_basis == "margin" and r.label and ex.parse_codes(ocr_normal(r.label)) == t["codes"]
        else:
            assert r.exemption_basis is None and not r.exemption_text
    orphan = _match(rep, next(t for t in truth if t["case"] == "code a line above its bar"))
    assert "level with no box" in orphan.exemption_text


@pytest.fixture(scope="module")
def scans(tmp_path_factory):
    out = tmp_path_factory.mktemp("margin-scans")
    files = {}
    for rotate in (0, 90):
        path = out / f"margin-scan-r{rotate}.pdf"
        files[rotate] = (str(path), build_margin_scan(str(path), rotate, 0))
    return files


@pytest.mark.skipif(not _ocr_available(), reason="tesseract is not installed")
@pytest.mark.parametrize("rotate", [0, 90])
def test_handwritten_margin_codes_on_a_scan(scans, rotate):
    """Codes written by hand (a slanted script face, blurred, noisy, JPEG) level with each bar of a
    scan without a text layer: every bar gets exactly its codes from the margin, the bar without a
    code gets none, and nothing is read from the prose citing a court rule and the statute."""
    path, truth = scans[rotate]
    rep = redactlens.scan(path)
    assert rep.error is None
    got = {}
    for t in truth:
        r = _match(rep, t)
        assert r is not None, (t, [x.bbox for x in rep.redactions])
        got[t["case"]] = r.exemptions
        assert r.exemptions == t["codes"], (rotate, t["case"], r.exemptions, r.exemption_text)
        assert r.exemption_basis == ("margin" if t["codes"] else None)
    assert len(rep.redactions) == len(truth)


def test_margin_codes_with_ocr_off_read_nothing_from_a_scan(scans):
    from redactlens.settings import Settings
    path, truth = scans[0]
    rep = redactlens.scan(path, settings=Settings(ocr="off"))
    assert all(not r.exemptions for r in rep.redactions)

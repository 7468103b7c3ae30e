"""Issue 18: exactly what each box hides, per class (tests/gen_leaks.py), on unrotated, /Rotate 90
and cropped /Rotate 270 pages; and the reader's render check (tests/leak_check.py)."""
from __future__ import annotations

import json
import os
from dataclasses import replace

import pymupdf
import pytest

import gen_leaks
import redactlens
from redactlens import ocr
from leak_check import check_report, visible_leak_glyphs
from redactlens.detect.textmask import value_masks


@pytest.fixture(scope="module")
def fixtures(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("leaks"))
    index = gen_leaks.build_all(out)
    return out, index, gen_leaks.score(out, index)


@pytest.mark.parametrize("cls", gen_leaks.CLASSES)
def test_every_class_exact(fixtures, cls):
    s = fixtures[2][cls]
    assert s["box_fn"] == 0, s
    assert s["leak_fp"] == 0 and s["leak_fn"] == 0, s
    # boxes to the glyph / to the drawn rectangle; a bar burned into a scan to its pixels (150 dpi)
    assert s["max_edge_err"] <= (2.0 if cls == "filler-scan" else 1.0), s


def test_no_negative_control_and_one_layer_finding_per_file(fixtures):
    out, index, stats = fixtures
    assert stats["negatives_hit"] == []
    assert stats["extra_boxes"] == []           # the exact box count: no box beyond the truth
    assert stats["layer_findings"] == len(index)
    rep = redactlens.scan(os.path.join(out, "leaks.pdf"))
    (f,) = [f for f in rep.findings if f.type == "text_layer"]
    assert f.text == "03/23/2019" and f.rule == "same_text_different_widths" and f.page == gen_leaks.page_of(gen_leaks.page_filler)


def test_hatched_lines_are_one_box_each_and_a_hatched_block_one_box(fixtures):
    """Ragged hatched lines (one path each, touching) are one box per line, each leaking exactly
    its own line (the text beside each is in the clear); a hatched block over a paragraph is one
    box with one part leaking its 3 lines."""
    out, _, _ = fixtures
    for name in ("leaks.pdf", "leaks-rot90.pdf"):
        rep = redactlens.scan(os.path.join(out, name))
        rs = [r for r in rep.redactions if r.page == gen_leaks.page_of(gen_leaks.page_hatched)]
        assert len(rs) == len(gen_leaks.HATCH_LINES) + 1
        (block,) = [r.leak.text for r in rs if "\n" in r.leak.text]
        assert block == "Confidential source Nora\nPike reported the sale\nof 40 rifles in June."
        assert sorted(r.leak.text for r in rs if "\n" not in r.leak.text) == sorted(
            h for h, _ in gen_leaks.HATCH_LINES)
        for r in rs:                # one part each, inside its box
            assert len(r.leak.parts) == 1
            assert all(a >= b - 0.01 for a, b in zip(r.leak.parts[0]["bbox"][:2], r.bbox[:2]))


def test_overlay_is_reported_not_recovered(fixtures):
    out, _, _ = fixtures
    rep = redactlens.scan(os.path.join(out, "leaks-crop-rot270.pdf"))
    by_leak = {r.leak.text: r for r in rep.redactions if r.page == gen_leaks.page_of(gen_leaks.page_overlay) and r.leak}
    assert by_leak["TROOPER J. SMITH"].overlay == "TROOPER"
    assert by_leak["Maria Gonzales"].label == "(b)(6)"
    assert by_leak["Sgt. PERRY LANE\nBadge 4471"].overlay == "CORRECTED\nN/A"


def test_no_leaked_glyph_is_visible(fixtures):
    out, index, _ = fixtures
    for name in index:
        assert visible_leak_glyphs(os.path.join(out, name)) == [], name


def test_value_masks_any_mask_character():
    def spans(t):
        return [t[a:b] for a, b in value_masks(t)]
    assert spans("(DOB **/**/**** )") == ["**/**/****"]
    assert spans("(\u2022\u2022\u2022) \u2022\u2022\u2022-1234") == ["(\u2022\u2022\u2022) \u2022\u2022\u2022"]
    assert spans("SSN \u2588\u2588\u2588-\u2588\u2588-6789") == ["\u2588\u2588\u2588-\u2588\u2588"]
    assert spans("acct ****1234 and #####6789") == ["****", "#####"]
    assert spans("DOB 1985-##-##") == ["##-##"]
    # not masks: a date in the clear, blank form fields, a version number
    assert spans("on 03/23/2019, Date: __/__/____ SSN ___-__-____ v1.2.3") == []


def _real_leak_files(realworld) -> list[str]:
    """The files of the real set that LEAKS.json says leak (text or image under a box)."""
    with open(realworld / "LEAKS.json") as fh:
        leaks = json.load(fh)
    return sorted(n for n, v in leaks.items() if not n.startswith("_") and isinstance(v, dict) and v.get("items"))


def test_every_real_leak_checks_out_letter_by_letter(realworld):
    """The reader's check over every file of ../shared/realworld that leaks (the others report no
    leak text: tests/test_core_realworld.py): no failure of any class (tests/leak_check.py)."""
    names = _real_leak_files(realworld)
    assert names
    checked, bad = 0, []
    for name in names:
        rep = redactlens.scan(str(realworld / name))
        checked += sum(1 for r in rep.redactions if r.leak is not None and r.leak.text.strip())
        bad += [(name, *b) for b in check_report(str(realworld / name), rep)]
    assert bad == []
    assert checked >= 100          # 101 boxes whose leak has text (issue 18 closing note)


def _doc_with_box(tmp_path):
    """A black box drawn over 'SECRET'; 'PUBLIC' printed beside it in the clear."""
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((100, 100), "SECRET", fontname="helv", fontsize=12)
    page.insert_text((170, 100), "PUBLIC", fontname="helv", fontsize=12)
    w = pymupdf.get_text_length("SECRET", fontname="helv", fontsize=12)
    page.draw_rect(pymupdf.Rect(98, 88, 102 + w, 104), color=None, fill=(0, 0, 0))
    path = str(tmp_path / "box.pdf")
    doc.save(path)
    return path


def test_the_check_finds_each_failure_class(tmp_path):
    """The check is not blind: a report that claims visible text, a part outside the box or a
    letter no glyph of the part has is caught, class by class; the true report passes."""
    path = _doc_with_box(tmp_path)
    rep = redactlens.scan(path)
    (r,) = rep.redactions
    assert r.leak.text == "SECRET" and check_report(path, rep) == []

    def with_leak(**kw):
        return replace(rep, redactions=[replace(r, leak=replace(r.leak, **kw))])
    beside = [165.0, 88.0, 210.0, 104.0]
    wide = replace(rep, redactions=[replace(r, bbox=[98.0, 88.0, 210.0, 104.0], leak=replace(
        r.leak, text="SECRET PUBLIC", parts=[{"bbox": r.bbox, "text": "SECRET"}, {"bbox": beside, "text": "PUBLIC"}]))])
    classes = {b[0] for b in check_report(path, wide)}
    assert "visible_letter" in classes and "part_not_painted" in classes
    assert {b[0] for b in check_report(path, with_leak(parts=[{"bbox": beside, "text": "SECRET"}]))} >= {
        "part_outside_box", "letter_not_under_part"}
    assert {b[0] for b in check_report(path, with_leak(parts=[]))} == {"no_parts"}
    assert {b[0] for b in check_report(path, with_leak(text="SECRETS"))} == {"parts_text"}


def test_a_layer_leak_dropped_leaves_no_trace_in_size_or_field(fixtures):
    """The boxes over the file's filler layer are enriched again without it: their size is the
    width estimate (not the 10 characters of '03/23/2019') and their field does not come from it."""
    out, index, _ = fixtures
    rep = redactlens.scan(os.path.join(out, "leaks.pdf"))
    (f,) = [f for f in rep.findings if f.type == "text_layer"]
    layered = [r for r in rep.redactions if r.page == gen_leaks.page_of(gen_leaks.page_filler) and r.leak is None]
    assert len(layered) == len(gen_leaks.FILLER_WIDTHS) and all(r.id in f.detail for r in layered[:6])
    assert all(r.leak is None and "recovered" not in r.field_evidence for r in layered)
    sizes = [r.est_chars for r in layered]
    assert all(s is not None for s in sizes) and len(set(sizes)) > 1      # each box by its own width
    assert sorted(sizes) == [r.est_chars for r in sorted(layered, key=lambda r: r.bbox[2] - r.bbox[0])]


@pytest.mark.parametrize("rotation, crop", [(0, None), (90, None), (270, (100, 130, 510, 660))])
def test_filler_layer_on_a_scanned_page_alone(tmp_path, rotation, crop):
    """The scanned page by itself (no vector page beside it in the file): 8 bars burned into the
    scan, the same tiny date under each in the invisible OCR layer: 8 boxes, no leak, one finding."""
    from gen_core import Fixture, build
    fx = Fixture("filler-scan", rotation=rotation, crop=crop)
    rep = redactlens.scan(build(fx, [gen_leaks.page_filler_scan], str(tmp_path)))
    assert len(rep.redactions) == len(gen_leaks.FILLER_WIDTHS)
    assert all(r.method == "raster" and r.leak is None for r in rep.redactions)
    (f,) = [f for f in rep.findings if f.type == "text_layer"]
    assert f.text == "03/23/2019" and f.rule == "same_text_different_widths"


def test_the_check_over_the_core_and_random_fixtures(core_fixtures, tmp_path):
    """Every leak of the core fixtures (tests/gen_core.py: styles, annotations, rotated and cropped
    pages) and of 4 randomised form documents (tests/gen_random_forms.py) checks out."""
    import gen_random_forms
    out, index = core_fixtures
    paths = [os.path.join(out, n) for n in index]
    for seed in range(4):
        p = str(tmp_path / f"random-{seed}.pdf")
        gen_random_forms.build(seed, p)
        paths.append(p)
    checked, bad = 0, []
    for p in paths:
        rep = redactlens.scan(p)
        checked += sum(1 for r in rep.redactions if r.leak is not None and r.leak.text.strip())
        bad += [(os.path.basename(p), *b) for b in check_report(p, rep)]
    assert bad == []
    assert checked >= 20


def _scan_with_boxes(path: str) -> None:
    """An image-only page (a render of typed lines, no text layer) with black vector boxes drawn
    over the image: over a phone number but not the period after it, and over the end of one
    word and the whole of the next."""
    src = pymupdf.open()
    sp = src.new_page(width=612, height=792)
    sp.insert_text((72, 100), "Please call me at 312-550-1634. Thanks.", fontname="cour", fontsize=12)
    pix = sp.get_pixmap(dpi=200, colorspace=pymupdf.csGRAY)
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_image(page.rect, stream=pix.tobytes("png"))

    def w(s):
        return pymupdf.get_text_length(s, fontname="cour", fontsize=12)
    page.draw_rect(pymupdf.Rect(72 + w("Please call me at ") - 1, 89, 72 + w("Please call me at 312-550-1634") + 0.5, 104),
                   color=None, fill=(0, 0, 0))
    doc.save(path)


@pytest.mark.skipif(not ocr.available(), reason="no OCR engine")
def test_image_leak_keeps_only_the_letters_under_the_box(tmp_path):
    """OCR reads '312-550-1634.' as one word; the period stands beside the box, in full view: the
    leak is the letters under the box only (before: the whole word), with its part."""
    path = str(tmp_path / "scan.pdf")
    _scan_with_boxes(path)
    rep = redactlens.scan(path)
    (r,) = rep.redactions
    assert r.leak.how == "image_under_box" and r.leak.text == "312-550-1634"
    assert [p["text"] for p in r.leak.parts] == ["312-550-1634"]
    assert check_report(path, rep) == []

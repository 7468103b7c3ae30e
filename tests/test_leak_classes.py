"""Issue 18: exactly what each box hides, per class (tests/gen_leaks.py), on unrotated, /Rotate 90
and cropped /Rotate 270 pages; and the reader's render check (tests/leak_check.py)."""
from __future__ import annotations

import os

import pytest

import gen_leaks
import redactlens
from leak_check import visible_leak_glyphs
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


def test_hatched_leak_keeps_one_part_per_line(fixtures):
    out, _, _ = fixtures
    for name in ("leaks.pdf", "leaks-rot90.pdf"):
        rep = redactlens.scan(os.path.join(out, name))
        (r,) = [r for r in rep.redactions if r.page == gen_leaks.page_of(gen_leaks.page_hatched)]
        assert [p["text"] for p in r.leak.parts] == [h for h, _ in gen_leaks.HATCH_LINES]
        for p in r.leak.parts:     # each part inside the box, far narrower than it on short lines
            assert all(a >= b - 0.01 for a, b in zip(p["bbox"][:2], r.bbox[:2]))


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


REAL = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "realworld")


@pytest.mark.skipif(not os.path.isdir(REAL), reason="../shared/realworld not present")
@pytest.mark.parametrize("name", ["court-complaint-bad-redaction-3-black-boxes-text-under.pdf",
                                  "court-declaration-palantir-bad-redaction-paragraphs-4p.pdf"])
def test_real_leaks_not_visible(name):
    assert visible_leak_glyphs(os.path.join(REAL, name)) == []


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

"""Detection accuracy on the labelled core fixtures: every style, negative control and geometry."""
import numpy as np
import pymupdf
import pytest

import redactlens
from redactlens import geometry as g
from scoring import match_boxes

GEOMETRY_CASES = ["rot90", "rot180", "rot270", "cropbox", "mediabox-origin", "crop-rot90"]


@pytest.fixture(scope="module")
def scanned(core_fixtures):
    out, index = core_fixtures
    return {name: redactlens.scan(str(out / name)) for name in index}


def test_generator_truth_matches_the_rendered_page(core_fixtures):
    """Independent check of the fixtures: every solid truth box renders dark on the displayed page."""
    out, index = core_fixtures
    checked = 0
    for name, spec in index.items():
        doc = pymupdf.open(out / name)
        for t in spec["truth"]:
            if t["style"] != "solid" or t["method"] not in ("vector", "image"):
                continue
            page = doc[t["page"] - 1]
            pix = page.get_pixmap(matrix=pymupdf.Matrix(2, 2), colorspace=pymupdf.csGRAY)
            arr = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width)
            x0, y0, x1, y1 = (int(round(v * 2)) for v in t["bbox"])
            inner = arr[y0 + 3:y1 - 3, x0 + 3:x1 - 3]
            assert inner.size and inner.mean() < 110, (name, t)
            checked += 1
    assert checked >= 15


@pytest.mark.parametrize("method", ["vector", "annotation", "text", "image"])
def test_precision_recall_per_method(scanned, core_fixtures, method):
    _, index = core_fixtures
    found, truth = [], []
    for name, spec in index.items():
        found += [((name, r.page), r.bbox) for r in scanned[name].redactions if r.method == method]
        truth += [((name, t["page"]), t["bbox"]) for t in spec["truth"] if t["method"] == method]
    assert truth, method
    s = match_boxes(found, truth)
    assert s.f1 >= 0.97, (method, s.row(), s.false_boxes, s.missed_boxes)


def test_every_style_is_found(scanned, core_fixtures):
    _, index = core_fixtures
    styles = set()
    for name, spec in index.items():
        reds = scanned[name].redactions
        for t in spec["truth"]:
            hit = [r for r in reds if r.page == t["page"] and g.iou(tuple(r.bbox), tuple(t["bbox"])) >= 0.5]
            assert hit, (name, t)
            assert hit[0].method == t["method"], (t, hit[0])
            styles.add(t["style"])
            if t["label"]:
                assert hit[0].label == t["label"]
    assert {"solid", "hatched", "pattern", "outlined-label", "label-box", "white-cover", "redact-annotation", "ink",
            "mask-text"} <= styles


def test_no_negative_control_is_reported(scanned, core_fixtures):
    _, index = core_fixtures
    hits = []
    for name, spec in index.items():
        for n in spec["negatives"]:
            for r in scanned[name].redactions:
                if r.page == n["page"] and (g.iou(tuple(r.bbox), tuple(n["bbox"])) > 0.1
                                            or g.covered_fraction(tuple(r.bbox), tuple(n["bbox"])) > 0.5):
                    hits.append((n["kind"], r.bbox))
    assert hits == []
    assert scanned["negatives.pdf"].redactions == []
    kinds = {n["kind"] for spec in index.values() for n in spec["negatives"]}
    assert {"page border (even-odd frame)", "header bar with white text", "header row cell", "shaded table cell",
            "rules", "underline", "checkbox", "logo circle", "logo star", "bar chart bar",
            "highlight annotation", "photo image"} <= kinds


def test_leaks_are_recovered_exactly_and_nothing_else_leaks(scanned, core_fixtures):
    _, index = core_fixtures
    for name, spec in index.items():
        reds = scanned[name].redactions
        for t in spec["truth"]:
            r = next(r for r in reds if r.page == t["page"] and g.iou(tuple(r.bbox), tuple(t["bbox"])) >= 0.5)
            if t["leak"]:
                assert r.leak is not None, (name, t)
                assert r.leak.text == t["leak"], (name, r.leak.text, t["leak"])
                assert r.leak.how == t["leak_how"]
            else:
                assert r.leak is None, (name, t, r.leak)


@pytest.mark.parametrize("case", GEOMETRY_CASES)
def test_geometry_cases(scanned, core_fixtures, case):
    """Rotated, cropped and offset-MediaBox pages: boxes in displayed-page points to 0.5 pt."""
    _, index = core_fixtures
    spec = index[case + ".pdf"]
    reds = scanned[case + ".pdf"].redactions
    assert len(reds) == len(spec["truth"]) == 2
    for t in spec["truth"]:
        best = max(reds, key=lambda r: g.iou(tuple(r.bbox), tuple(t["bbox"])))
        assert max(abs(a - b) for a, b in zip(best.bbox, t["bbox"])) <= 0.5, (case, best.bbox, t["bbox"])
        if t["leak"]:
            assert best.leak and best.leak.text == t["leak"]


def test_ids_are_stable_and_unique(scanned):
    rep = scanned["styles.pdf"]
    ids = [r.id for r in rep.redactions]
    assert len(ids) == len(set(ids))
    assert all(i.startswith("styles.pdf#p") for i in ids)
    assert ids == [r.id for r in redactlens.scan(rep.path).redactions]

"""The core scan on randomised form pages (tests/gen_random_forms.py): every construction, colour,
font and rotation mixed with negative controls; boxes at IoU >= 0.5, leaks exact."""
import pytest

import redactlens
from redactlens import geometry as g
from scoring import match_boxes

SEEDS = range(24)


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    import gen_random_forms
    out = tmp_path_factory.mktemp("random")
    result = {}
    for seed in SEEDS:
        path = out / f"form-{seed}.pdf"
        truth, negs = gen_random_forms.build(seed, str(path))
        result[seed] = (truth, negs, redactlens.scan(str(path)))
    return result


def test_generator_is_deterministic(tmp_path):
    import gen_random_forms
    a = gen_random_forms.build(7, str(tmp_path / "a.pdf"))
    b = gen_random_forms.build(7, str(tmp_path / "b.pdf"))
    assert a == b


@pytest.mark.parametrize("method", ["vector", "annotation", "text"])
def test_random_forms_precision_recall(scanned, method):
    found, truth = [], []
    for seed, (t, _, rep) in scanned.items():
        found += [((seed, r.page), r.bbox) for r in rep.redactions if r.method == method]
        truth += [((seed, p), b) for p, b, m, _, _ in t if m == method]
    assert len(truth) >= 20, method
    s = match_boxes(found, truth)
    assert s.f1 >= 0.97, (method, s.row(), s.missed_boxes[:5], s.false_boxes[:5])


def test_random_forms_negatives_untouched(scanned):
    hits = []
    for seed, (_, negs, rep) in scanned.items():
        for p, b, kind in negs:
            hits += [(seed, kind, r.bbox) for r in rep.redactions if r.page == p and (
                g.iou(tuple(r.bbox), tuple(b)) > 0.1 or g.covered_fraction(tuple(r.bbox), tuple(b)) > 0.5)]
    assert hits == []


def test_random_forms_leaks_exact(scanned):
    want = got = false = 0
    for seed, (t, _, rep) in scanned.items():
        for p, b, _, leak, how in t:
            r = next((r for r in rep.redactions if r.page == p and g.iou(tuple(r.bbox), tuple(b)) >= 0.5), None)
            if leak:
                want += 1
                got += bool(r and r.leak and r.leak.text == leak and r.leak.how == how)
            elif r is not None and r.leak is not None:
                false += 1
    assert want >= 30
    assert (got, false) == (want, 0)

"""The core scan on the real-world text-layer files of ../shared/realworld (skipped when absent).

Scanned, image-only files are the raster detector's business (tests/test_raster*.py); here only the
files whose redactions are vector boxes or annotations are scored.
"""
import json

import pytest

import redactlens
from scoring import Score, leak_recovered, match_boxes

TEXT_LAYER = [
    "cook-county-sheriff-foia-1505-ledger-table-vector-redactions-7p.pdf",
    "court-brief-redaction-boxes-over-whitespace-and-comma.pdf",
    "court-brief-redaction-boxes-over-whitespace-only.pdf",
    "court-complaint-bad-redaction-3-black-boxes-text-under.pdf",
    "court-declaration-elco-bad-redaction-text-under-boxes-12p.pdf",
    "court-declaration-palantir-bad-redaction-paragraphs-4p.pdf",
    "court-exhibit-rotated-270-scan-burned-bars-plus-vector-boxes.pdf",
    "court-motion-multiline-vector-redactions-text-removed.pdf",
    "court-msj-haagen-dazs-bad-redaction-text-under-boxes-32p.pdf",
    "court-table-rotated-90-vector-redactions-text-removed.pdf",
    "court-transcript-vector-redactions-text-removed.pdf",
    "chicago-pd-foia-16-0190-vector-boxes-over-scan-text-still-in-image-10p.pdf",
]


@pytest.fixture(scope="module")
def truth(realworld):
    return (json.loads((realworld / "BOXES.json").read_text()),
            json.loads((realworld / "LEAKS.json").read_text()))


def test_text_layer_files_boxes(realworld, truth):
    boxes, _ = truth
    total = Score()
    for fn in TEXT_LAYER:
        rep = redactlens.scan(realworld / fn)
        assert rep.error is None, (fn, rep.error)
        vec = [(r.page, r.bbox) for r in rep.redactions if r.method in ("vector", "annotation", "text")]
        total.add(match_boxes(vec, [(b["page"], b["bbox"]) for b in boxes[fn]["boxes"]]))
    assert total.f1 >= 0.97, (total.row(), total.false_boxes[:5], total.missed_boxes[:5])


def test_negative_files_have_no_boxes(realworld, truth):
    boxes, _ = truth
    negatives = [fn for fn, v in boxes.items() if not fn.startswith("_") and v.get("negative")]
    assert len(negatives) >= 5
    for fn in negatives:
        rep = redactlens.scan(realworld / fn)
        assert rep.error is None
        assert rep.redactions == [], (fn, [(r.page, r.bbox, r.detail) for r in rep.redactions][:3])


def test_text_under_box_leaks_recovered_exactly(realworld, truth):
    _, leaks = truth
    checked = 0
    for fn, entry in leaks.items():
        if fn.startswith("_") or not isinstance(entry, dict):
            continue
        items = [i for i in entry.get("items", []) if i["how"] == "text_under_box"]
        if not items or "transcript" in fn:  # the transcript's only "leak" is the box's label word
            continue
        rep = redactlens.scan(realworld / fn)
        for it in items:
            assert leak_recovered(rep.redactions, it["page"], it["bbox"], it["text"]), (fn, it)
            checked += 1
    assert checked >= 60


def test_transcript_label_is_a_label_not_a_leak(realworld):
    rep = redactlens.scan(realworld / "court-transcript-vector-redactions-text-removed.pdf")
    assert [r.leak for r in rep.redactions] == [None] * 4
    assert "Privilege" in [r.label for r in rep.redactions]

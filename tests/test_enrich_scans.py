"""Scanned pages without a text layer: what only a close reading of the scan around a box shows
(redactlens.enrich.reread): sideways stamp labels along tall bars and typed signature blocks that a
handwritten signature hides from the page's OCR.  Fixtures: tests/gen_enrich.py build_scanned_memo
(upright downwards stamp; /Rotate 90 with an upwards stamp)."""
from __future__ import annotations

import pytest

import redactlens
from redactlens import geometry as g
from redactlens.enrich import core
from redactlens.enrich import fields as fl

from gen_enrich import build_scanned_memo

def _ocr_available() -> bool:
    from redactlens import ocr
    from redactlens.settings import Settings
    return ocr.available(Settings())


@pytest.fixture(scope="module")
def memos(tmp_path_factory):
    out = tmp_path_factory.mktemp("memos")
    files = {}
    for rotate, seed in ((0, 0), (90, 1)):
        path = out / f"memo-r{rotate}-s{seed}.pdf"
        files[(rotate, seed)] = (str(path), build_scanned_memo(str(path), rotate, seed))
    return files


def _match(rep, t):
    hits = [r for r in rep.redactions if g.iou(tuple(r.bbox), tuple(t["bbox"])) >= 0.5]
    return hits[0] if hits else None


@pytest.mark.skipif(not _ocr_available(), reason="tesseract is not installed")
@pytest.mark.parametrize("key", [(0, 0), (90, 1)])
def test_scanned_memo_signatures_and_negatives(memos, key):
    path, truth = memos[key]
    rep = redactlens.scan(path)
    assert rep.error is None
    found = {t["case"]: [] for t in truth}
    for t in truth:
        r = _match(rep, t)
        assert r is not None, (t, [x.bbox for x in rep.redactions])
        found[t["case"]].append((r.field, r.field_evidence))
        # a wrong field is worse than unknown: no box gets another field than its own
        assert r.field in (t["field"], "unknown"), (t, r.field, r.field_evidence)
    sideways = found["sideways stamp: bar after 'Signature:'"]
    assert sideways == [(f, e) for f, e in sideways if f == "signature"] and "sideways" in sideways[0][1]
    sig = found["signature above a typed name and title"]
    assert sum(f == "signature" for f, _ in sig) >= 2, sig
    for case in ("form value, label naming no field", "bar above a P.O. Box address line",
                 "bar above an untitled unit line", "sideways stamp: bar after 'Color:' (names no field)"):
        assert all(f == "unknown" for f, _ in found[case]), (case, found[case])


def test_scanned_memo_with_ocr_off_reads_nothing_again(memos):
    path, truth = memos[(0, 0)]
    rep = redactlens.scan(path, settings={"ocr": "off"})
    assert all(r.field == "unknown" for r in rep.redactions)
    assert not any("read again" in r.field_evidence for r in rep.redactions)


def test_typed_block_rule_on_lines_read_again():
    bar = (92.0, 571.0, 221.0, 599.0)
    # OCR of the region under a Chicago PD signature bar: the signature ate 'Comman' of the title
    lines = [(600.0, 610.0, 11.3, [(92.0, 130.0, "Beat"), (140.0, 190.0, "Biggane")]),
             (613.0, 623.0, 11.3, [(92.0, 140.0, "ing"), (150.0, 200.0, "Officer")]),
             (626.0, 636.0, 11.3, [(92.0, 240.0, "Bureau of Organized Crime")])]
    assert "Officer" in core.typed_block(bar, lines)
    # a post-office box is an address line, not a police officer's title
    assert core.typed_block(bar, [(604.0, 614.0, 10.0, [(92.0, 200.0, "P.O. Box 6463, Carol Stream")]),
                                  (617.0, 627.0, 10.0, [(92.0, 200.0, "Illinois 60197")])]) == ""
    assert fl.title_in("P.O. Deborah Leodoro, #6823") and not fl.title_in("P.O. Box 25505")
    # a block starting far under the bar is not its block
    assert core.typed_block(bar, [(650.0, 660.0, 10.0, [(92.0, 160.0, "Chief")])]) == ""

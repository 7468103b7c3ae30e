"""Cross-document recovery (redactlens.crossdoc) on generated batches (tests/gen_crossdoc.py)."""
from __future__ import annotations

import json

import pymupdf
import pytest

import gen_crossdoc
from redactlens import Settings, scan, scan_many, write_csv
from redactlens.crossdoc import ITEM_TYPE, copy_items, recover
from redactlens.model import BatchReport, DocumentReport, Leak, Redaction

OFF = Settings(ocr="off")


def _iou(a, c):
    ix = max(0, min(a[2], c[2]) - max(a[0], c[0]))
    iy = max(0, min(a[3], c[3]) - max(a[1], c[1]))
    i = ix * iy
    u = (a[2] - a[0]) * (a[3] - a[1]) + (c[2] - c[0]) * (c[3] - c[1]) - i
    return i / u if u else 0


def score(batch, index) -> dict:
    """Recall / precision of recovered spans against the generator's truth."""
    out = {"recoverable": 0, "right": 0, "wrong": 0, "control_claims": 0, "unrecoverable_claims": 0}
    for t in index["boxes"]:
        d = next(d for d in batch.documents if d.path.endswith(t["file"]))
        red = max((x for x in d.redactions if x.page == t["page"]), key=lambda x: _iou(x.bbox, t["bbox"]))
        got = red.leak.text if red.leak is not None and red.leak.how == "cross_document" else None
        out["recoverable"] += t["recoverable"]
        if got is None:
            continue
        if t["control"]:
            out["control_claims"] += 1
        elif not t["recoverable"]:
            out["unrecoverable_claims"] += 1
        if got == t["text"]:
            out["right"] += 1
        else:
            out["wrong"] += 1
    return out


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("crossdoc")
    index = gen_crossdoc.build_batch(str(folder))
    batch = scan_many([str(folder)], settings=OFF, workers=0)
    return folder, index, batch


def test_recovers_spans_other_copies_print_and_invents_nothing(generated):
    _, index, batch = generated
    s = score(batch, index)
    assert s["wrong"] == 0 and s["control_claims"] == 0 and s["unrecoverable_claims"] == 0, s
    assert s["right"] >= 0.9 * s["recoverable"], s


def test_leak_names_its_source_and_confidence(generated):
    _, _, batch = generated
    leaks = [r.leak for d in batch.documents for r in d.redactions if r.leak and r.leak.how == "cross_document"]
    assert leaks
    for lk in leaks:
        assert lk.sources and lk.confidence in ("single_source", "corroborated")
        for s in lk.sources:
            assert s["document"] and s["page"] >= 1 and len(s["bbox"]) == 4
        assert (lk.confidence == "corroborated") == (len({(s["document"], s["page"]) for s in lk.sources}) >= 2)
    # the name in the email is printed by two other documents, the phone by one
    by_text = {lk.text: lk for lk in leaks}
    assert by_text["Sergeant Lisa Moreno"].confidence == "corroborated"
    assert by_text["Sergeant Lisa Moreno"].detail.endswith("(2 places agree)")
    noisy = [lk for lk in leaks if any(s["layer"] == "ocr_layer" for s in lk.sources)]
    assert noisy, "the scanned copy's OCR layer is a source"


def test_pair_items_and_json(generated):
    _, _, batch = generated
    items = [c for c in batch.consistency if c.type == ITEM_TYPE]
    assert items and all("print the same passage" in c.detail and c.redactions for c in items)
    leaked = {r.leak.text for d in batch.documents for r in d.redactions if r.leak}
    for c in items:   # the item names places, never the recovered text
        assert not any(t in c.detail for t in leaked)
    d = batch.to_dict()
    assert all("words" not in doc for doc in d["documents"])   # working data is not in the JSON
    assert any(r["leak"] and r["leak"]["how"] == "cross_document" for doc in d["documents"] for r in doc["redactions"])


def test_leak_text_only_with_show_leaks(generated, tmp_path):
    _, _, batch = generated
    write_csv(batch, str(tmp_path / "hidden.csv"))
    write_csv(batch, str(tmp_path / "shown.csv"), show_leaks=True)
    hidden = (tmp_path / "hidden.csv").read_text(encoding="utf-8-sig")
    shown = (tmp_path / "shown.csv").read_text(encoding="utf-8-sig")
    assert "312-555-0147" in shown and "312-555-0147" not in hidden


def test_recover_is_pure(generated):
    _, _, batch = generated
    stripped = BatchReport([DocumentReport.from_dict({**d.to_dict(), "redactions": [
        {**r.to_dict(), "leak": None} for r in d.redactions]}) for d in batch.documents])
    before = json.dumps([d.to_dict() for d in stripped.documents], sort_keys=True)
    again = recover(stripped)
    assert json.dumps([d.to_dict() for d in stripped.documents], sort_keys=True) == before
    assert sum(1 for d in again.documents for r in d.redactions if r.leak) > 0


# -- unit cases on hand-made word streams --------------------------------------------------------
PASSAGE = ("the committee met on tuesday to review the overtime sheets and asked NAME to explain why the"
           " unit logged so many hours without the approval of the watch commander").split()


def _doc(name, words, gap_at=None, hidden="", leak=None, est=(8, 14)):
    ws = list(words)
    gaps, reds = [], []
    if gap_at is not None:
        rid = f"{name}#p1-r1"
        del ws[gap_at]
        gaps = [[gap_at, rid]]
        reds = [Redaction(id=rid, page=1, bbox=[100, 100, 160, 112], method="vector", est_chars=11,
                          est_chars_range=list(est), leak=leak)]
    boxes = [v for i in range(len(ws)) for v in (10 * i, 50, 10 * i + 8, 60)]
    return DocumentReport(path=f"/r/{name}", pages=1, redactions=reds,
                          words=[{"page": 1, "words": ws, "boxes": boxes, "gaps": gaps, "layer": "text"}])


def _fill(name):
    return [x for w in PASSAGE for x in (name.split() if w == "NAME" else [w])]


def test_unit_recovery_and_disagreement():
    k = PASSAGE.index("NAME")
    a = _doc("a.pdf", PASSAGE, k)
    b = _doc("b.pdf", _fill("Ruiz"))            # "Ruiz" has 4 characters: too short for 8-14
    c = _doc("c.pdf", _fill("Carla Ruiz"))
    out = recover(BatchReport([a, b]))
    assert out.documents[0].redactions[0].leak is None                       # does not fit the box
    out = recover(BatchReport([a, c]))
    lk = out.documents[0].redactions[0].leak
    assert lk.how == "cross_document" and lk.text == "Carla Ruiz" and lk.confidence == "single_source"
    assert lk.sources[0]["document"] == "/r/c.pdf" and lk.sources[0]["bbox"] == [10 * k, 50, 10 * k + 18, 60]
    d = _doc("d.pdf", _fill("Anna Kowal"))
    out = recover(BatchReport([a, c, d]))                                   # two copies disagree: no claim
    assert out.documents[0].redactions[0].leak is None
    assert copy_items(out) == []


def test_unit_never_overrides_a_stronger_leak():
    k = PASSAGE.index("NAME")
    a = _doc("a.pdf", PASSAGE, k, leak=Leak(how="text_under_box", text="Carla Ruiz"))
    out = recover(BatchReport([a, _doc("c.pdf", _fill("Maria Gomez"))]))
    assert out.documents[0].redactions[0].leak.how == "text_under_box"
    g = _doc("a.pdf", PASSAGE, k, leak=Leak(how="glyph_positions", candidates=[{"text": "Carla Ruiz"}]))
    lk = recover(BatchReport([g, _doc("c.pdf", _fill("Carla Ruiz"))])).documents[0].redactions[0].leak
    assert lk.how == "cross_document" and lk.candidates == [{"text": "Carla Ruiz"}]


def test_unit_one_anchor_is_not_enough():
    k = PASSAGE.index("NAME")
    a = _doc("a.pdf", PASSAGE[:k + 1], k)                    # the box ends the stream: no after anchor
    out = recover(BatchReport([a, _doc("c.pdf", _fill("Carla Ruiz"))]))
    assert out.documents[0].redactions[0].leak is None
    other = PASSAGE[:k] + ["Carla", "Ruiz"] + "and then the meeting ended early for lunch at noon".split()
    out = recover(BatchReport([_doc("a.pdf", PASSAGE, k), _doc("c.pdf", other)]))
    assert out.documents[0].redactions[0].leak is None      # the words after the box differ


# -- turned and cropped pages -----------------------------------------------------------------------
@pytest.mark.parametrize("rotate", [0, 90, 270])
def test_capture_on_rotated_and_cropped_pages(tmp_path, rotate):
    doc = pymupdf.open()
    w = gen_crossdoc.Writer(doc)
    w.passage(gen_crossdoc.NARRATIVE, {"rp"})
    page = doc[0]
    page.set_cropbox(pymupdf.Rect(20, 30, 580, 700))
    page.set_rotation(rotate)
    path = tmp_path / f"r{rotate}.pdf"
    doc.save(path)
    rep = scan(str(path), settings=OFF)
    (p,) = rep.words
    assert len(rep.redactions) == 1
    i = p["gaps"][0][0]
    assert p["words"][i - 2:i] == ["reporting", "party,"] and p["words"][i:i + 2] == [",", "stated"]
    assert "Angela" not in p["words"]
    # "party," lies beside the box on the page as displayed (whatever the rotation)
    bx, r = p["boxes"][4 * (i - 1):4 * i], rep.redactions[0].bbox
    gap = max(r[0] - bx[2], bx[0] - r[2], r[1] - bx[3], bx[1] - r[3])
    assert gap < 8, (bx, r)
    width, height = (560, 670) if rotate == 0 else (670, 560)
    assert 0 <= bx[0] < bx[2] <= width and 0 <= bx[1] < bx[3] <= height


def _on_line(name, words, k, drop_after=0):
    """``words`` laid out on one line (7 pt a character, 3 pt spaces, 10 pt tall) with a box over
    word ``k``; ``drop_after`` words after the box are printed but unread (OCR dropped them)."""
    ws, boxes, x, box = [], [], 10.0, None
    for i, w in enumerate(words):
        w_len = 7 * len(w)
        if i == k:
            box = [x - 1, 50, x + w_len + 1, 61]
        elif not (k < i <= k + drop_after):
            ws.append(w)
            boxes.extend([round(x), 50, round(x + w_len), 60])
        x += w_len + 3
    rid = f"{name}#p1-r1"
    red = Redaction(id=rid, page=1, bbox=box, method="vector", est_chars=11, est_chars_range=[6, 20])
    return DocumentReport(path=f"/r/{name}", pages=1, redactions=[red],
                          words=[{"page": 1, "words": ws, "boxes": boxes, "gaps": [[k, rid]], "layer": "ocr"}])


def test_unit_anchor_apart_from_the_box_is_no_anchor():
    """A word the box's own copy printed beside the box but did not read ("[box] for") must not
    come back inside the claim: the anchor on the box's line has to touch the box."""
    words = PASSAGE[:PASSAGE.index("NAME")] + ["Ruiz", "for"] + PASSAGE[PASSAGE.index("NAME") + 1:]
    k = words.index("Ruiz")
    other = _doc("c.pdf", words)                          # prints "Ruiz for"
    touching = _on_line("a.pdf", words, k)                # reads "... asked [box] for to explain"
    lk = recover(BatchReport([touching, other])).documents[0].redactions[0].leak
    assert lk is None or lk.text != "Ruiz for"
    dropped = _on_line("a.pdf", words, k, drop_after=1)   # "for" printed but unread
    lk = recover(BatchReport([dropped, _doc("c.pdf", words)])).documents[0].redactions[0].leak
    assert lk is None
    words2 = PASSAGE[:PASSAGE.index("NAME")] + ["Carla", "Ruiz"] + PASSAGE[PASSAGE.index("NAME") + 1:]
    near = _on_line("a.pdf", PASSAGE[:PASSAGE.index("NAME")] + ["CarlaXRuiz"] + PASSAGE[PASSAGE.index("NAME") + 1:],
                    PASSAGE.index("NAME"))
    lk = recover(BatchReport([near, _doc("c.pdf", words2)])).documents[0].redactions[0].leak
    assert lk is not None and lk.text == "Carla Ruiz"     # touching anchors still recover

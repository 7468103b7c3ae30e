"""Number tags in the exhibit never collide, never cover another redaction or a printed word, and
a tag moved to the margin points at its box (issue "Appeal-grade evidence": #319-#330 collided on
the rotated court table; tags over 6-pt ledger boxes covered the row above)."""
from __future__ import annotations

import hashlib
import json
from collections import Counter

import pymupdf
import pytest

from redactlens.model import BatchReport, DocumentReport, Redaction
from redactlens.report.exhibit import BLUE, MARGIN, RED, exhibit_bytes

TAG_COLOURS = {tuple(round(c, 2) for c in BLUE), tuple(round(c, 2) for c in RED)}


def _tags(page) -> list[pymupdf.Rect]:
    return [d["rect"] for d in page.get_drawings()
            if d.get("fill") and tuple(round(c, 2) for c in d["fill"]) in TAG_COLOURS
            and d["rect"].width < 40 and d["rect"].height < 14]


def _check(pdf: bytes, expect_tags: int) -> None:
    n = 0
    with pymupdf.open("pdf", pdf) as doc:
        for page in doc:
            tags = _tags(page)
            n += len(tags)
            for a in range(len(tags)):
                for b in range(a + 1, len(tags)):
                    assert not tags[a].intersects(tags[b]), (page.number, tags[a], tags[b])
    assert n >= expect_tags


def _ledger(path, rotate: int, rows: int = 30) -> list[list[float]]:
    """A dense ledger: rows of 6-pt type 8 pt apart, a box on every row of one column and on every
    other row of the next."""
    doc = pymupdf.open()
    page = doc.new_page()
    page.set_rotation(rotate)
    to_page = page.derotation_matrix
    boxes = []
    for i in range(rows):
        y = 80 + 8 * i
        page.insert_text(pymupdf.Point(60, y) * to_page, f"{i + 1:03d}  2014-02-{i % 28 + 1:02d}", fontsize=6,
                         rotate=rotate)
        page.insert_text(pymupdf.Point(330, y) * to_page, f"{1000 + 37 * i:,}.00", fontsize=6, rotate=rotate)
        for x0, x1 in ((140, 230), (240, 320)):
            if x0 == 140 or i % 2 == 0:          # every row in one column: 8 pt apart
                b = [x0, y - 6, x1, y + 1]
                page.draw_rect(pymupdf.Rect(b) * to_page, color=None, fill=(0, 0, 0))
                boxes.append(b)
    doc.save(str(path))
    return boxes


@pytest.mark.parametrize("rotate", [0, 90])
def test_dense_ledger_tags_never_collide(tmp_path, rotate):
    path = tmp_path / "ledger.pdf"
    boxes = _ledger(path, rotate)
    reds = [Redaction(id=f"ledger.pdf#p1-r{i}", page=1, bbox=b, method="vector", style="solid", color=[0, 0, 0])
            for i, b in enumerate(boxes, 1)]
    d = DocumentReport(path=str(path), sha256=hashlib.sha256(path.read_bytes()).hexdigest(), pages=1,
                       redactions=reds)
    pdf = exhibit_bytes(BatchReport([d]), workers=0)
    _check(pdf, len(boxes))
    with pymupdf.open("pdf", pdf) as doc:
        page = next(p for p in doc if "ledger.pdf \u2014 page 1 of 1" in p.get_text())
        # the page's own words (tags are digits), in the page's unrotated space like the tags' rects
        words = [pymupdf.Rect(w[:4]) for w in page.get_text("words") if not w[4].isdigit()]
        for t in _tags(page):
            assert not any(t.intersects(w) for w in words), t
        numbers = Counter(w[4] for w in page.get_text("words") if w[4].isdigit())
        assert all(numbers[str(k)] >= 1 for k in range(1, len(boxes) + 1))      # every number printed


def test_no_two_tags_overlap_on_the_real_set(realworld):
    truth = json.loads((realworld / "BOXES.json").read_text())
    docs = []
    for name, entry in truth.items():
        if name.startswith("_") or not entry.get("boxes"):
            continue
        per_page = Counter(b["page"] for b in entry["boxes"])
        if max(per_page.values()) < 8:        # the dense pages are the test
            continue
        path = realworld / name
        reds = [Redaction(id=f"{name}#p{b['page']}-r{i}", page=b["page"], bbox=list(b["bbox"]), method="vector",
                          style="solid", color=[0, 0, 0]) for i, b in enumerate(entry["boxes"], 1)]
        docs.append(DocumentReport(path=str(path), sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
                                   pages=entry.get("pages", 1), redactions=reds))
    assert len(docs) >= 3
    _check(exhibit_bytes(BatchReport(docs), workers=2), sum(len(d.redactions) for d in docs))

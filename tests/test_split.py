"""Long documents split by page ranges across the workers of a batch (issue "Fast on real
releases"): the ranges are scanned by different workers, merged in order, and the document-level
stages run once; the report is the report of one process.

The document is made here from the generated fixtures: vector, annotation, text-mask and image
boxes (tests/gen_core.py: rotated, cropped and shifted pages), forms, tables and narratives
(tests/gen_enrich.py), a scanned memo without a text layer (OCR, close re-reading) and generated
scans (tests/gen_scans.py), then saved again incrementally with one more word redacted on a late
page (an earlier revision that still holds it: a document-level stage)."""
from __future__ import annotations

import json
import os

import pymupdf
import pytest

import redactlens
from redactlens.batch import iter_scan, split
from redactlens.settings import Settings


def _incremental_redaction(path: str, pno: int) -> None:
    """Redact the first long word of page ``pno`` in an incremental save (the earlier revision
    keeps it)."""
    doc = pymupdf.open(path)
    page = doc[pno]
    word = next(w for w in page.get_text("words") if len(w[4]) >= 6 and w[4].isalpha())
    r = pymupdf.Rect(word[:4])
    page.add_redact_annot(r, fill=False)
    page.apply_redactions(images=pymupdf.PDF_REDACT_IMAGE_NONE)
    page.draw_rect(r, color=None, fill=(0, 0, 0))
    doc.save(path, incremental=True, encryption=pymupdf.PDF_ENCRYPT_KEEP, no_new_id=True)
    doc.close()


@pytest.fixture(scope="module")
def long_doc(tmp_path_factory):
    import gen_core
    import gen_enrich
    import gen_scans
    out = tmp_path_factory.mktemp("split")
    gen_core.build_all(str(out / "core"))
    gen_enrich.build_all(str(out / "enrich"))
    gen_scans.build_all(str(out / "scans"))
    gen_enrich.build_scanned_memo(str(out / "memo.pdf"))
    parts = [out / "core" / f for f in ("styles.pdf", "rot90.pdf", "crop-rot90.pdf", "cropbox.pdf")]
    parts += sorted((out / "enrich").glob("*.pdf"))[:3]
    parts += [out / "memo.pdf", out / "scans" / "scan200-b.pdf", out / "scans" / "scan150-rot90.pdf"]
    doc = pymupdf.open()
    for p in parts:
        with pymupdf.open(str(p)) as src:
            doc.insert_pdf(src)
    path = str(out / "long.pdf")
    doc.save(path, garbage=3, deflate=True)
    n = doc.page_count
    doc.close()
    _incremental_redaction(path, n - 4)
    return path


def _plain(rep) -> dict:
    return json.loads(json.dumps(rep.to_dict(), sort_keys=True))


def test_ranges_cover_the_pages_once_in_order():
    assert split.ranges(10, 40) == [(0, 10)]
    assert split.ranges(81, 40) == [(0, 27), (27, 54), (54, 81)]
    for todo in range(1, 60):
        for size in (1, 3, 7, 40):
            rs = split.ranges(todo, size)
            assert rs[0][0] == 0 and rs[-1][1] == todo and all(b - a <= size for a, b in rs)
            assert all(a1 == b0 for (_, b0), (a1, _) in zip(rs, rs[1:]))


def test_a_split_document_gives_the_report_of_one_process(long_doc, monkeypatch):
    settings = Settings(split_pages=6, ocr_threads=0)
    one = _plain(redactlens.scan(long_doc, settings=settings))
    assert one["pages"] >= 20 and one["redactions"]
    assert any(f.get("type") == "prior_revision" for f in one["findings"]), "the fixture has no revision finding"
    made = _count_ranges(monkeypatch)
    reps = list(iter_scan([long_doc], settings=settings, workers=2))
    assert sorted(made) == split.ranges(one["pages"], 6) and len(made) >= 4
    assert _plain(reps[0]) == one


def _count_ranges(monkeypatch) -> list:
    made = []
    real = split.PageRange.__init__

    def counting(self, *a, **k):
        real(self, *a, **k)
        made.append((self.first, self.stop))

    monkeypatch.setattr(split.PageRange, "__init__", counting)
    return made


def test_short_documents_are_not_split(long_doc, monkeypatch):
    made = _count_ranges(monkeypatch)
    settings = Settings(split_pages=1000, ocr="off")
    reps = list(iter_scan([long_doc], settings=settings, workers=2))
    assert not made and reps[0].error is None
    assert _plain(reps[0]) == _plain(redactlens.scan(long_doc, settings=settings))


def _crash_in_second_range(self, path, password, data, settings):
    if self.first > 0:
        os._exit(3)
    return _REAL_CALL(self, path, password, data, settings)


_REAL_CALL = split.PageRange.__call__


def test_a_range_that_fails_is_the_documents_error(long_doc, tmp_path, monkeypatch):
    """A worker that dies in one range: the document gets that error, the batch goes on."""
    other = tmp_path / "other.pdf"
    d = pymupdf.open()
    d.new_page().insert_text((72, 72), "a short page")
    d.save(str(other))
    # workers forked from this process inherit the patched range task
    monkeypatch.setattr(split.PageRange, "__call__", _crash_in_second_range)
    settings = Settings(split_pages=6, ocr="off", start_method="fork")
    reps = list(iter_scan([long_doc, str(other)], settings=settings, workers=2))
    assert [os.path.basename(r.path) for r in reps] == ["long.pdf", "other.pdf"]
    assert reps[0].error_code == "parser_crash" and reps[1].error is None

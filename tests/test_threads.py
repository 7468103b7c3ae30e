"""OCR of several pages of one document in worker threads (issue "Fast on real releases"): each
page's Tesseract read runs in a thread while the page loop goes on, and the report is the report
of one page after the other -- ids, order, text, every field.

The document is made here from the generated scans (tests/gen_scans.py): image-only pages without
an OCR layer at 150/200/300 dpi, one stored with /Rotate 90 and one with /Rotate 270, one cropped
(CropBox inside the MediaBox), and one with black vector boxes drawn over printed text of the scan
(OCR then reads the scan image itself, turned upright, not a render)."""
from __future__ import annotations

import json
import pickle
import threading

import pymupdf
import pytest

import redactlens
from redactlens import ocr, pipeline, source
from redactlens.settings import Settings, ocr_thread_count

HAS_OCR = ocr.available(Settings())
#: image-only pages (no OCR layer), so that every one is read by Tesseract
PAGES = ("scan150-a.pdf", "scan200-b.pdf", "scan150-rot90.pdf", "scan300-rot270.pdf", "scan200-c.pdf")


def _ink_rows(page, n=2):
    """Displayed boxes of ``n`` rows of printed ink in the lower half of a page (from a render)."""
    import numpy as np
    pix = page.get_pixmap(dpi=72, colorspace=pymupdf.csGRAY)
    a = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.stride)[:, :pix.width]
    rows = (a < 128).sum(axis=1) > 20
    out, y = [], pix.height // 2
    while y < pix.height - 20 and len(out) < n:
        if rows[y]:
            y1 = y
            while y1 < pix.height and rows[y1]:
                y1 += 1
            if y1 - y >= 5:
                xs = np.flatnonzero((a[y:y1] < 128).any(axis=0))
                out.append((float(xs[0]) + 2, float(y) - 1, float(min(xs[0] + 150, xs[-1])), float(y1) + 1))
            y = y1 + 10
        y += 1
    return out


@pytest.fixture(scope="module")
def multipage(tmp_path_factory):
    import gen_scans
    out = tmp_path_factory.mktemp("threads")
    gen_scans.build_all(str(out))
    doc = pymupdf.open()
    for name in PAGES:
        with pymupdf.open(str(out / name)) as src:
            doc.insert_pdf(src)
    # a cropped copy of the first page: boxes and OCR words in the CropBox's displayed space
    with pymupdf.open(str(out / PAGES[0])) as src:
        doc.insert_pdf(src)
    crop = doc[-1]
    crop.set_cropbox(pymupdf.Rect(18, 30, crop.rect.width - 24, crop.rect.height - 36))
    # vector boxes over printed text of a scan: the image path of the OCR stage
    with pymupdf.open(str(out / PAGES[1])) as src:
        doc.insert_pdf(src)
    boxed = doc[-1]
    for b in _ink_rows(boxed):
        boxed.draw_rect(pymupdf.Rect(b), color=None, fill=(0, 0, 0))
    path = out / "multipage.pdf"
    doc.save(str(path), garbage=3, deflate=True)
    return path


def _report(path, threads: int) -> dict:
    rep = redactlens.scan(str(path), settings=Settings(ocr_threads=threads))
    return json.loads(json.dumps(rep.to_dict(), sort_keys=True))


@pytest.mark.skipif(not HAS_OCR, reason="tesseract is not installed")
def test_threaded_ocr_gives_the_report_of_one_page_after_the_other(multipage, monkeypatch):
    calls: list[tuple[str, tuple]] = []
    real = ocr.read_words

    def recording(gray, dpi, settings):
        calls.append((threading.current_thread().name, gray.shape))
        return real(gray, dpi, settings)

    monkeypatch.setattr(ocr, "read_words", recording)
    one = _report(multipage, 0)
    sequential = list(calls)
    calls.clear()
    three = _report(multipage, 3)
    assert one == three
    # every page was OCR'd, the way the sequential scan did, and the page reads ran in the threads
    assert one["pages"] == 7 and not any("OCR" in w for w in one["warnings"]), one["warnings"]
    assert sorted(s for _, s in sequential) == sorted(s for _, s in calls)
    assert all(name == threading.main_thread().name for name, _ in sequential)
    assert sum(name.startswith("redactlens-ocr") for name, _ in calls) >= 7
    # and the report says something OCR read: context beside the boxes, on the rotated pages too
    ids = [r["id"] for r in one["redactions"]]
    assert ids == sorted(ids, key=lambda i: (int(i.split("#p")[1].split("-")[0]), int(i.split("-r")[1])))
    pages_with_context = {r["page"] for r in one["redactions"] if (r.get("context") or {}).get("before")}
    assert {1, 3, 4, 6, 7} <= pages_with_context, pages_with_context
    under = [r for r in one["redactions"] if r["page"] == 7 and r.get("leak") and r["leak"]["how"] == "image_under_box"]
    assert under and all(sum(c.isalpha() for c in r["leak"]["text"]) >= 5 for r in under), under


@pytest.mark.skipif(not HAS_OCR, reason="tesseract is not installed")
def test_an_ocr_failure_in_a_thread_is_the_same_warning(multipage, monkeypatch):
    def failing(gray, dpi, settings):
        raise ocr.OcrFailed("tesseract took longer than 1 s")

    monkeypatch.setattr(ocr, "read_words", failing)
    one, three = _report(multipage, 0), _report(multipage, 2)
    assert one == three
    assert sum("OCR of page" in w and "took longer" in w for w in one["warnings"]) == 7


@pytest.mark.skipif(not HAS_OCR, reason="tesseract is not installed")
def test_page_results_with_ocr_pickle(multipage):
    """What OCR read is kept as numbers (the pixel-to-page mapping too), so a page range scanned
    in another process comes back whole."""
    settings = Settings(ocr_threads=0)
    with pymupdf.open(str(multipage)) as doc:
        inp = source.read_input(str(multipage), None, settings.max_bytes)
        start = pipeline.start_document(doc, inp, settings)
        results = pipeline.scan_pages(doc, [2, 5, 6], settings, start)
    back = pickle.loads(pickle.dumps((start, results)))
    assert [p.number for p in back[1]] == [3, 6, 7]
    for a, b in zip(results, back[1]):
        assert a.ocr is not None and b.ocr.chars == a.ocr.chars
        assert [b.ocr.to_display(w.box) for w in b.ocr.words] == [a.ocr.to_display(w.box) for w in a.ocr.words]
        assert a.redactions == b.redactions


def test_thread_count_setting(monkeypatch):
    assert ocr_thread_count(Settings(ocr_threads=2)) == 2
    assert ocr_thread_count(Settings(ocr_threads=0)) == 0
    monkeypatch.setattr("redactlens.settings.usable_cores", lambda: 2)
    assert ocr_thread_count(Settings()) == 2                 # one process: a thread per core
    assert ocr_thread_count(Settings(), processes=2) == 0    # a pool that uses every core
    monkeypatch.setattr("redactlens.settings.usable_cores", lambda: 4)
    assert ocr_thread_count(Settings(), processes=2) == 1    # each worker: the core beyond its loop
    monkeypatch.setattr("redactlens.settings.usable_cores", lambda: 16)
    assert ocr_thread_count(Settings()) == 3                 # capped
    assert ocr_thread_count(Settings(), processes=4) == 3
    for bad in (-1, 1.5, True, 65):
        with pytest.raises(ValueError, match="ocr_threads"):
            Settings(ocr_threads=bad)


def _as_scan(doc: "pymupdf.Document", dpi: int = 200) -> "pymupdf.Document":
    """An image-only copy of ``doc``: each page rendered and placed as the page's only content."""
    out = pymupdf.open()
    for page in doc:
        pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
        new = out.new_page(width=page.rect.width, height=page.rect.height)
        new.insert_image(new.rect, stream=pix.tobytes("png"))
    return out


@pytest.mark.skipif(not HAS_OCR, reason="tesseract is not installed")
def test_a_scanned_response_letter_read_in_the_threads_is_the_same(tmp_path):
    """The letter stage's OCR (enrich.letters, a document-level stage) reads through the same
    threads: same claims, same exemptions."""
    from test_enrich_cues import letter_release
    path = tmp_path / "letter-scan.pdf"
    _as_scan(letter_release(fontsize=11, leading=15)).save(str(path))
    one, two = _report(path, 0), _report(path, 2)
    assert one == two
    assert one["exemption_letters"] and one["exemption_letters"][0]["page"] == 1
    assert one["redactions"] and one["redactions"][0]["exemption_basis"] == "letter"


def test_pool_workers_get_the_cores_the_busy_workers_leave(monkeypatch):
    from redactlens.batch.pool import PoolExecutor
    monkeypatch.setattr("redactlens.settings.usable_cores", lambda: 2)
    monkeypatch.setattr("redactlens.batch.pool.new_pool", lambda workers, settings: None)
    assert PoolExecutor(Settings(), workers=2).settings.ocr_threads == 0            # every core in use
    assert PoolExecutor(Settings(), workers=2, documents=1).settings.ocr_threads == 2  # one document: scanned as alone
    assert PoolExecutor(Settings(ocr_threads=2), workers=2).settings.ocr_threads == 2  # as set

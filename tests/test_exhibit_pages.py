"""The exhibit reproduces only pages that hold a redaction unless asked for all, keeps each page's
source number, and names its source by file name and full sha256, never by a local path."""
from __future__ import annotations

import hashlib

import pymupdf

import redactlens
from redactlens.report.exhibit import changes_statement


def _doc(path, boxed_pages, n=3, rotate=0):
    doc = pymupdf.open()
    for i in range(n):
        page = doc.new_page()
        page.set_rotation(rotate)
        page.insert_text(pymupdf.Point(72, 100) * page.derotation_matrix, f"Report page {i + 1}: Witness:",
                         fontname="helv", fontsize=10, rotate=rotate)
        if i + 1 in boxed_pages:
            page.draw_rect(pymupdf.Rect(230, 90, 330, 104) * page.derotation_matrix, color=None, fill=(0, 0, 0))
    doc.save(str(path))
    return str(path)


def _pages(pdf: bytes) -> list[str]:
    with pymupdf.open("pdf", pdf) as d:
        return [p.get_text() for p in d]


def test_only_redacted_pages_by_default_and_every_page_when_asked(tmp_path):
    for rotate in (0, 90):
        sub = tmp_path / f"r{rotate}"
        sub.mkdir()
        a = _doc(sub / "a.pdf", {2}, rotate=rotate)
        b = _doc(sub / "b.pdf", set(), n=2, rotate=rotate)
        batch = redactlens.scan_many([a, b], workers=0)
        default = _pages(redactlens.report.exhibit.exhibit_bytes(batch, workers=0))
        every = _pages(redactlens.report.exhibit.exhibit_bytes(batch, workers=0, all_pages=True))
        doc_pages = [t for t in default if "Report page" in t]
        assert len(doc_pages) == 1 and "a.pdf \u2014 page 2 of 3" in doc_pages[0]
        assert len([t for t in every if "Report page" in t]) == 5
        cover = default[0]
        assert "b.pdf" in cover and "no redactions" in cover         # listed, not reproduced
        assert "Only pages holding a redaction are reproduced" in " ".join(cover.split())
        sha = hashlib.sha256(open(a, "rb").read()).hexdigest()
        assert sha in doc_pages[0] and str(sub) not in "".join(default)   # full hash, no local path


def test_the_cover_says_what_was_changed():
    hidden = changes_statement(show_leaks=False, all_pages=False)
    shown = changes_statement(show_leaks=True, all_pages=True)
    assert "removed from the copy" in hidden and "kept in the copy's text layer" in shown
    assert "Every page" in shown and "Only pages holding a redaction" in hidden


def _leaky(path):
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 100), "Caller Name:", fontname="helv", fontsize=10)
    page.insert_text((150, 100), "Owen Q. Pritchard", fontname="helv", fontsize=10)
    page.draw_rect(pymupdf.Rect(148, 90, 260, 104), color=None, fill=(0, 0, 0))
    page.insert_text((72, 130), "Phone:", fontname="helv", fontsize=10)
    page.draw_rect(pymupdf.Rect(150, 120, 230, 134), color=None, fill=(0, 0, 0))
    doc.save(str(path))
    return str(path)


def test_the_index_at_the_front_and_recovered_text_after_its_page(tmp_path):
    batch = redactlens.scan_many([_leaky(tmp_path / "call.pdf")], workers=0)
    hidden = _pages(redactlens.report.exhibit.exhibit_bytes(batch, workers=0))
    shown = _pages(redactlens.report.exhibit.exhibit_bytes(batch, workers=0, show_leaks=True))
    cover = " ".join(hidden[0].split())
    assert "Index of redactions (2)" in cover
    assert "#1 call.pdf 1 person_name none cited 17 chars yes" in cover     # never the text itself
    assert "#2 call.pdf 1 phone none cited" in cover and cover.count(" no") >= 1
    assert not any("Owen Q. Pritchard" in t for t in hidden)
    # with --show-leaks the text comes in a table on its own page right after the page, not over it
    page_at = next(i for i, t in enumerate(shown) if "call.pdf \u2014 page 1 of 1" in t)
    assert shown[page_at].count("Pritchard") == 1       # the page's own text layer only: nothing drawn over it
    table = shown[page_at + 1]
    assert "Text recovered under the redactions of page 1 of call.pdf" in table and "Owen Q. Pritchard" in table

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

"""One length everywhere: a box's estimated length is phrased by one function
(:func:`redactlens.enrich.size.length_text`) and the CSV log, the HTML report, the exhibit's index
and the consistency items print that same phrase for the same box -- on upright, rotated and cropped
pages.  The fixtures are generated here (call records of tests/gen_batches.py)."""
from __future__ import annotations

import csv
import html as htmlmod
import io
import os
import re

import pymupdf
import pytest

import redactlens
from redactlens.enrich.size import length_of, length_text, range_text
from redactlens.report import csv_text, exhibit_bytes, html_text, numbered

import gen_batches as gb


def test_phrasing_rules():
    assert length_text(14, [11, 17]) == "~14 chars (11\u201317)"
    assert length_text(17, [17, 17]) == "17 chars"             # exact: recovered text, glyph positions
    assert length_text(1, [1, 2]) == "~1 char (1\u20132)"
    assert length_text(9) == "~9 chars"
    assert length_text(None, None, 3) == "3 lines" and length_text(est_lines=1) == "1 line"
    assert length_text(12, [10, 14], 3) == "3 lines"           # a paragraph box is measured in lines
    assert length_text() == "" and range_text(None) == "" and range_text([2, 5]) == "2\u20135"


def _write(folder: str, name: str, rotate: int = 0, crop: bool = False) -> str:
    """A call record: form values under boxes (one with the text still under it), a narrative
    paragraph withheld whole under one box, rotated and/or cropped as asked."""
    rec = gb.Record("2024-1005", gb._rows(3, phone="leak:(b)(6)"), narrative_mode="block:(b)(7)(C)",
                    rotate=rotate)
    path = os.path.join(folder, name)
    rec.write(path)
    if crop:       # a CropBox that hides a margin: boxes are measured on the page as displayed
        with pymupdf.open(path) as doc:
            for p in doc:
                p.set_cropbox(pymupdf.Rect(20, 30, 600, 780))
            doc.save(path + ".tmp")
        os.replace(path + ".tmp", path)
    return path


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    d = str(tmp_path_factory.mktemp("length"))
    paths = [_write(d, "upright.pdf"), _write(d, "sideways.pdf", rotate=90), _write(d, "cropped.pdf", crop=True)]
    return redactlens.scan_many(paths, workers=0)


def test_every_box_has_a_length_of_its_kind(batch):
    for d in batch.documents:
        assert d.error is None if hasattr(d, "error") else True
        reds = d.redactions
        assert len(reds) == 4, (d.path, len(reds))      # location, caller, phone, narrative
        for r in reds:
            phrase = length_of(r)
            assert phrase, (d.path, r.id, r.bbox)
            tall = min(r.bbox[2] - r.bbox[0], r.bbox[3] - r.bbox[1]) > 30     # sideways too
            if tall:       # the narrative paragraph withheld whole (five lines at a 13 pt pitch; the
                # visible text near it is form rows 18 pt apart, so the estimate says four or five)
                assert r.est_lines in (4, 5) and phrase == f"{r.est_lines} lines", (d.path, r.id, phrase)
            else:          # one line of a form: characters with a range
                assert r.est_lines is None and r.est_chars and r.est_chars_range, (d.path, r.id)
                assert "char" in phrase
        leak = [r for r in reds if r.leak]
        assert leak and all(length_of(r) == f"{len(' '.join(r.leak.text.split()))} chars" for r in leak)
    # the same record reads the same upright and cropped; sideways (/Rotate 90) it is measured in
    # the reading frame of its sideways text: the same lines and exact lengths, characters within
    # one (the context reader types no field on sideways text, so the character mix differs)
    per_doc = [sorted(length_of(r) for r in d.redactions) for d in batch.documents]
    assert per_doc[0] == per_doc[2], per_doc
    up, side = ([(r.est_lines, r.est_chars) for r in sorted(d.redactions, key=lambda r: (r.est_lines or 0, r.est_chars or 0))]
                for d in batch.documents[:2])
    assert [x[0] for x in up] == [x[0] for x in side]
    assert all(abs((a[1] or 0) - (b[1] or 0)) <= 1 for a, b in zip(up, side)), (up, side)


def test_csv_html_exhibit_and_consistency_print_the_same_figure(batch):
    rows = numbered(batch)
    want = {x.n: length_of(x.red) for x in rows}
    by_id = {x.red.id: x.n for x in rows}
    assert all(want.values())
    # CSV: the est_length column, and the range column agrees with the phrase
    log = list(csv.DictReader(io.StringIO(csv_text(batch))))
    assert {int(r["no"]): r["est_length"] for r in log} == want
    for r in log:
        if r["est_chars_range"] and "~" in r["est_length"]:
            assert f"({r['est_chars_range']})" in r["est_length"]
    # HTML: the log table's "Est. length" cell of each row, and the thumbnail box's title
    page = html_text(batch, thumbnails=True)
    assert "Est. length" in page
    for n, phrase in want.items():
        row = re.search(rf'<tr id="r{n}"[^>]*>(.*?)</tr>', page, re.S).group(1)
        cells = [htmlmod.unescape(c) for c in re.findall(r'<td class="num nw">(.*?)</td>', row)]
        assert cells == [phrase], (n, cells, phrase)
        title = re.search(rf'id="b{n}" href="#r{n}" title="([^"]*)"', page)
        assert title and htmlmod.unescape(title.group(1)).endswith(phrase), (n, title and title.group(1))
    # the exhibit's index at the front: one row per box, its length in full (never cut short)
    with pymupdf.open(stream=exhibit_bytes(batch, workers=0), filetype="pdf") as ex:
        front = " ".join(" ".join(ex[i].get_text().split()) for i in range(min(3, ex.page_count)))
    for x in rows:
        name = os.path.basename(x.doc.path)
        line = f"#{x.n} {name} {x.red.page} {x.red.field}"
        assert line in front, line
        tail = front.split(line, 1)[1]
        nxt = tail.find(f"#{x.n + 1} ")
        assert f" {want[x.n]} " in tail[: nxt if nxt >= 0 else None], (x.n, want[x.n], tail[:120])
    # consistency: every member carries the phrase; the paragraph evidence cites it
    assert batch.consistency
    for it in batch.consistency:
        for m in it.members:
            assert m["length"] == want[by_id[m["id"]]], (it.type, m)
    paras = [it for it in batch.consistency if it.type == "whole_paragraph_withheld"]
    assert paras
    for it in paras:
        for m in it.members:
            assert any(f"#{m['exhibit']} ({m['id'].rsplit('#', 1)[-1]}) {m['length']}" in e for e in it.evidence)
            assert f"({m['length']})" in it.detail


def test_sideways_frame_only_for_a_page_whose_text_runs_sideways():
    """A margin stamp printed sideways on an upright page is not the text its boxes are in; a page
    shown with /Rotate 90 is measured in its text's reading frame."""
    from redactlens.enrich.size import sideways_rows
    from redactlens.page import PageModel
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    for k in range(6):
        page.insert_text((72, 100 + 14 * k), "Upright body text of the page, line number %d." % k, fontsize=10)
    page.insert_text((590, 700), "RECEIVED BY THE CLERK OF THE COURT 2024", fontsize=8, rotate=90)
    box = (72, 200, 200, 213)
    assert sideways_rows(PageModel(doc[0], 1), box) is None
    turned = pymupdf.open()
    p = turned.new_page(width=612, height=792)
    for k in range(6):
        p.insert_text((72, 100 + 14 * k), "Text of a page that is shown turned, line %d." % k, fontsize=10)
    p.set_rotation(90)
    pm = PageModel(turned[0], 1)
    tbox = pymupdf.Rect(72, 150, 200, 163) * p.rotation_matrix       # a one-line box, as displayed
    got = sideways_rows(pm, tuple(tbox))
    assert got is not None
    frame_box, rows, on = got
    assert len(rows) == 6 and frame_box[2] - frame_box[0] > frame_box[3] - frame_box[1]   # reads as one line

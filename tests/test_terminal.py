"""What the command line prints (issue "Appeal-grade evidence", terminal part): LEAK only for
recoverable withheld content, NOTE for other findings, recovered text only with --show-leaks and
only from finished scans, the batch's consistency items, totals with skipped inputs apart."""
from __future__ import annotations

from pathlib import Path

import pymupdf
from click.testing import CliRunner

from redactlens import terminal
from redactlens.cli import main
from redactlens.model import BatchReport, ConsistencyItem, DocumentReport, Leak, Redaction

SECRET = "Owen Q. Pritchard"


def _release(tmp_path: Path) -> Path:
    folder = tmp_path / "release"
    folder.mkdir()
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 100), "Caller Name:", fontname="helv", fontsize=10)
    page.insert_text((150, 100), SECRET, fontname="helv", fontsize=10)
    page.draw_rect(pymupdf.Rect(148, 90, 250, 104), color=None, fill=(0, 0, 0))    # text left under it
    doc.save(str(folder / "a-leaks.pdf"))
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 72), "Daily activity report")
    page.add_text_annot((100, 100), "reviewed by the records unit")              # a finding, no leak
    doc.save(str(folder / "b-note.pdf"))
    (folder / "c.txt").write_text("not a pdf")
    return folder


def _run(*args) -> str:
    res = CliRunner().invoke(main, ["scan", *args, "--workers", "0", "--no-progress"])
    assert res.exit_code == 0, res.output
    return res.output


def test_flags_counts_and_no_leak_text_by_default(tmp_path):
    out = _run(str(_release(tmp_path)))
    lines = out.splitlines()
    assert any(ln.startswith("LEAK ") and "a-leaks.pdf" in ln for ln in lines)
    assert any(ln.startswith("NOTE ") and "b-note.pdf" in ln for ln in lines)
    assert any(ln.startswith("skip ") and "c.txt" in ln for ln in lines)
    assert SECRET not in out
    assert lines[-1] == "2 document(s) scanned (1 input(s) skipped), 1 redaction(s), 1 with recoverable text, 0 failed"


def test_show_leaks_prints_the_recovered_text_per_box(tmp_path):
    out = _run(str(_release(tmp_path)), "--show-leaks")
    (line,) = [ln for ln in out.splitlines() if SECRET in ln]
    assert line.startswith("       a-leaks.pdf#p1-r1 p1 [") and "text_under_box" in line


def test_nothing_recovered_is_printed_from_a_scan_that_did_not_finish():
    r = Redaction(id="x.pdf#p1-r1", page=1, bbox=[0, 0, 10, 10], method="vector",
                  leak=Leak(how="text_under_box", text=SECRET))
    done = DocumentReport(path="x.pdf", pages=1, redactions=[r])
    cut = DocumentReport(path="x.pdf", pages=1, redactions=[r], error="time limit exceeded", error_code="timeout")
    assert terminal.leak_lines(done) and not terminal.leak_lines(cut)
    escaped = DocumentReport(path="x.pdf", pages=1, redactions=[
        Redaction(id="x.pdf#p1-r1", page=1, bbox=[0, 0, 10, 10], method="vector",
                  leak=Leak(how="text_under_box", text="a\x1b[31mred"))])
    assert "\x1b" not in terminal.leak_lines(escaped)[0]


def test_width_candidates_are_not_a_leak():
    r = Redaction(id="x.pdf#p1-r1", page=1, bbox=[0, 0, 10, 10], method="vector",
                  leak=Leak(how="glyph_positions", candidates=[{"text": "Ana"}]))
    d = DocumentReport(path="x.pdf", pages=1, redactions=[r])
    assert terminal.summary_line(d).startswith("ok ") and terminal.leak_lines(d) == []


def test_consistency_items_top_ones_and_a_count_of_the_rest():
    batch = BatchReport(consistency=[ConsistencyItem(type=f"t{i}", detail=f"item {i}") for i in range(8)])
    lines = terminal.consistency_lines(batch)
    assert lines[0] == "consistency: 8 item(s)"
    assert lines[1:6] == [f"  t{i}: item {i}" for i in range(5)]
    assert lines[-1] == "  ... and 3 more (see --json or --html)"
    assert terminal.consistency_lines(BatchReport()) == []

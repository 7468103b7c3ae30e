"""Untrusted input: every bad document gets a specific error, the batch goes on, inputs unchanged."""
import os

import pymupdf
import pytest
from click.testing import CliRunner

import redactlens
from redactlens.cli import main
from conftest import sha256


def _pdf(n=2, text="Suspect: Jane Roe") -> bytes:
    d = pymupdf.open()
    for i in range(n):
        p = d.new_page()
        p.insert_text((72, 100), text)
        p.draw_rect(pymupdf.Rect(120, 88, 200, 104), color=None, fill=(0, 0, 0))
    return d.tobytes()


@pytest.fixture()
def bad_dir(tmp_path):
    good = _pdf()
    (tmp_path / "good.pdf").write_bytes(good)
    (tmp_path / "empty.pdf").write_bytes(b"")
    (tmp_path / "truncated.pdf").write_bytes(good[:300])
    (tmp_path / "page.pdf").write_bytes(b"<!DOCTYPE html><html><body>Not found</body></html>")
    d = pymupdf.open("pdf", good)
    d.save(tmp_path / "locked.pdf", encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="s3cret", owner_pw="own")
    # a page whose content stream cannot be decoded
    d = pymupdf.open("pdf", _pdf(3))
    cx = d[1].get_contents()[0]
    d.update_stream(cx, b"x" * 100, compress=False)
    d.xref_set_key(cx, "Filter", "/FlateDecode")
    d.save(tmp_path / "badpage.pdf")
    (tmp_path / "notes.txt").write_text("not a pdf")
    return tmp_path


def test_each_bad_document_gets_its_own_specific_error(bad_dir):
    before = {p.name: sha256(p) for p in bad_dir.iterdir()}
    batch = redactlens.scan_many([bad_dir], workers=1)
    by = {os.path.basename(d.path): d for d in batch.documents}
    assert set(by) == set(before)            # nothing silently skipped
    assert by["good.pdf"].error is None and len(by["good.pdf"].redactions) == 2
    assert by["good.pdf"].redactions[0].leak.text == "Jane Roe"
    assert "empty" in by["empty.pdf"].error
    assert "HTML" in by["page.pdf"].error and "not a PDF" in by["page.pdf"].error
    assert "password" in by["locked.pdf"].error
    assert by["truncated.pdf"].error           # cannot be repaired into pages
    assert "not a PDF" in by["notes.txt"].error
    bp = by["badpage.pdf"]
    assert bp.error and "page 2" in bp.error and bp.page_errors[0]["page"] == 2
    assert {r.page for r in bp.redactions} == {1, 3}   # the readable pages are still reported
    assert {p.name: sha256(p) for p in bad_dir.iterdir()} == before


def test_password_opens_encrypted_file(bad_dir):
    rep = redactlens.scan(bad_dir / "locked.pdf", password="s3cret")
    assert rep.error is None and len(rep.redactions) == 2
    assert "wrong" in redactlens.scan(bad_dir / "locked.pdf", password="nope").error


def test_scan_accepts_bytes_and_missing_paths():
    rep = redactlens.scan(_pdf(1))
    assert rep.path == "<bytes>" and rep.sha256 and len(rep.redactions) == 1
    assert "no such file" in redactlens.scan("/nonexistent/x.pdf").error


def test_cli_exit_status_json_and_no_clobber(bad_dir, tmp_path):
    out = tmp_path / "out.json"
    runner = CliRunner()
    r = runner.invoke(main, ["scan", str(bad_dir / "good.pdf"), "--json", str(out), "--workers", "0"])
    assert r.exit_code == 0, r.output
    assert '"schema": "redactlens/1"' in out.read_text()
    r = runner.invoke(main, ["scan", str(bad_dir / "good.pdf"), "--json", str(out), "--workers", "0"])
    assert r.exit_code != 0 and "exists" in r.output       # never overwritten without --force
    r = runner.invoke(main, ["scan", str(bad_dir), "--json", str(out), "--force", "--workers", "0"])
    assert r.exit_code == 1                                 # some documents failed
    assert "ERROR" in r.output and "good.pdf" in r.output

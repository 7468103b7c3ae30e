"""Streaming output (issue 8): ``--jsonl`` writes each document as it finishes, a killed run keeps
what it finished, ``--resume`` skips documents already in the file (by sha256)."""
import json
import os
import signal
import subprocess
import sys
import time

import pymupdf
import pytest
from click.testing import CliRunner

from redactlens.cli import main
from redactlens.stream import JsonlWriter, read_done, read_jsonl

FAULTS = os.path.join(os.path.dirname(__file__), "faults.py")


def _pdf(path, text):
    d = pymupdf.open()
    p = d.new_page()
    p.insert_text((72, 100), text)
    p.draw_rect(pymupdf.Rect(120, 88, 200, 104), color=None, fill=(0, 0, 0))
    d.save(str(path))


@pytest.fixture()
def release(tmp_path):
    src = tmp_path / "release"
    src.mkdir()
    for i in range(6):
        _pdf(src / f"doc{i}.pdf", f"Witness {i}: Jane Roe")
    return src


def _lines(path):
    return [json.loads(x) for x in open(path, encoding="utf-8").read().splitlines()]


def test_jsonl_one_document_per_line(release, tmp_path):
    out = tmp_path / "out.jsonl"
    res = CliRunner().invoke(main, ["scan", str(release), "--jsonl", str(out), "--workers", "2"])
    assert res.exit_code == 0, res.output
    lines = _lines(out)
    assert sorted(os.path.basename(d["path"]) for d in lines) == [f"doc{i}.pdf" for i in range(6)]
    assert all(d["schema"] == "redactlens/1" and len(d["redactions"]) == 1 and d["sha256"] for d in lines)
    assert [d.path for d in read_jsonl(str(out))] == [d["path"] for d in lines]


def test_jsonl_never_clobbers(release, tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text("precious\n")
    res = CliRunner().invoke(main, ["scan", str(release), "--jsonl", str(out)])
    assert res.exit_code != 0 and "exists" in res.output
    assert out.read_text() == "precious\n"
    # --resume refuses a file that is not ours, and leaves it alone
    res = CliRunner().invoke(main, ["scan", str(release), "--jsonl", str(out), "--resume"])
    assert res.exit_code != 0 and "not JSON" in res.output
    assert out.read_text() == "precious\n"
    res = CliRunner().invoke(main, ["scan", str(release), "--resume"])
    assert res.exit_code != 0 and "--jsonl" in res.output


def test_existing_json_output_refused_before_scanning(release, tmp_path):
    out = tmp_path / "report.json"
    out.write_text("{}")
    res = CliRunner().invoke(main, ["scan", str(release), "--json", str(out), "--workers", "0"])
    assert res.exit_code != 0 and "exists" in res.output and "doc0.pdf" not in res.output
    assert out.read_text() == "{}"


def test_streaming_and_json_together(release, tmp_path):
    res = CliRunner().invoke(main, ["scan", str(release), "--jsonl", str(tmp_path / "a.jsonl"),
                                    "--json", str(tmp_path / "a.json"), "--workers", "1"])
    assert res.exit_code == 0, res.output
    whole = json.loads((tmp_path / "a.json").read_text())
    assert len(whole["documents"]) == 6 == len(_lines(tmp_path / "a.jsonl"))


def test_killed_run_keeps_finished_documents_and_resume_completes(release, tmp_path):
    """A real kill -9 in the middle of a batch; then --resume scans only what is missing."""
    out = tmp_path / "out.jsonl"
    # the command line, its batch run with a task that hangs on doc3 (tests/faults.py)
    cmd = [sys.executable, str(FAULTS), "doc3=hang", "scan", str(release), "--jsonl", str(out),
           "--workers", "1", "--timeout", "600", "-q"]
    proc = subprocess.Popen(cmd, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if out.exists() and len(out.read_bytes().splitlines()) >= 3:
                break
            time.sleep(0.1)
        time.sleep(0.5)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the CLI and its worker, mid-batch
        proc.wait()
    first = _lines(out)
    assert [os.path.basename(d["path"]) for d in first] == ["doc0.pdf", "doc1.pdf", "doc2.pdf"]
    # a torn last line, as a kill in the middle of a write would leave it
    with open(out, "ab") as fh:
        fh.write(b'{"schema": "redactlens/1", "path": "/x/doc')
    res = CliRunner().invoke(main, ["scan", str(release), "--jsonl", str(out), "--resume", "--workers", "1"])
    assert res.exit_code == 0, res.output
    assert "3 document(s) already in" in res.output
    final = _lines(out)  # the torn line is gone, every line parses
    names = [os.path.basename(d["path"]) for d in final]
    assert sorted(names) == [f"doc{i}.pdf" for i in range(6)] and len(set(names)) == 6
    assert final[:3] == first
    # nothing left to do: resume again scans nothing and appends nothing
    res = CliRunner().invoke(main, ["scan", str(release), "--jsonl", str(out), "--resume"])
    assert res.exit_code == 0 and "6 document(s) already in" in res.output
    assert len(_lines(out)) == 6


def test_resume_matches_by_content_not_name(release, tmp_path):
    out = tmp_path / "out.jsonl"
    CliRunner().invoke(main, ["scan", str(release / "doc0.pdf"), "--jsonl", str(out), "--workers", "0"])
    moved = tmp_path / "renamed.pdf"
    moved.write_bytes((release / "doc0.pdf").read_bytes())
    res = CliRunner().invoke(main, ["scan", str(moved), str(release / "doc1.pdf"), "--jsonl", str(out),
                                    "--resume", "--workers", "0"])
    assert res.exit_code == 0
    assert [os.path.basename(d["path"]) for d in _lines(out)] == ["doc0.pdf", "doc1.pdf"]


def test_read_done_and_writer(tmp_path):
    p = tmp_path / "x.jsonl"
    with JsonlWriter(str(p)) as w:
        w.write({"path": "a.pdf", "sha256": "aa"})
        w.write({"path": "b.txt", "sha256": None})
    with pytest.raises(Exception, match="exists"):
        JsonlWriter(str(p))
    done = read_done(str(p))
    assert done.sha256 == {"aa"} and done.paths_without_sha == {"b.txt"} and done.lines == 2
    assert read_done(str(tmp_path / "missing.jsonl")).lines == 0


def test_streaming_keeps_no_reports(release):
    from redactlens.batch import scan_many
    seen = []
    batch = scan_many([release], workers=1, keep=False, ordered=False, on_result=seen.append)
    assert batch.documents == [] and len(seen) == 6

"""The command line's exit statuses (redactlens.errors.ExitCode, docs/cli.md) and its one Settings."""
import json

import pymupdf
import pytest
from click.testing import CliRunner

import redactlens.cli as cli
from redactlens.cli import main
from redactlens.errors import ExitCode
from redactlens.settings import Settings


@pytest.fixture()
def good(tmp_path):
    d = pymupdf.open()
    p = d.new_page()
    p.insert_text((72, 100), "Suspect: Jane Roe")
    p.draw_rect(pymupdf.Rect(120, 88, 200, 104), color=None, fill=(0, 0, 0))
    d.save(str(tmp_path / "good.pdf"))
    return str(tmp_path / "good.pdf")


def _run(*args):
    return CliRunner().invoke(main, ["scan", *args])


def test_exit_ok_and_document_error(good, tmp_path):
    assert _run(good, "--workers", "0").exit_code == ExitCode.ok == 0
    (tmp_path / "bad.pdf").write_bytes(b"<html>not a pdf</html>")
    out = tmp_path / "o.json"
    r = _run(good, str(tmp_path / "bad.pdf"), "--workers", "0", "--json", str(out))
    assert r.exit_code == ExitCode.document_error == 1, r.output
    docs = json.loads(out.read_text())["documents"]
    assert docs[1]["error"] and "error_code" in docs[1]


@pytest.mark.parametrize("args", [
    ["--no-such-option"],
    ["--ocr", "sometimes"],
    ["--ocr-lang", "not a language!"],
    ["--timeout", "-1"],
    ["--memory-mb", "-5"],
    ["--resume"],                        # needs --jsonl FILE
    ["--csv", "-"],
    ["--jsonl", "-", "--json", "-"],
])
def test_exit_bad_args(good, args):
    r = _run(good, "--workers", "0", *args)
    assert r.exit_code == ExitCode.bad_args == 2, r.output


def test_exit_bad_args_for_an_unusable_executor(good):
    pytest.importorskip("distributed")
    r = _run(good, "--executor", "dask")
    assert r.exit_code == ExitCode.bad_args and "scheduler" in r.output


def test_exit_output_error(good, tmp_path):
    out = tmp_path / "o.json"
    out.write_text("precious")
    r = _run(good, "--workers", "0", "--json", str(out))
    assert r.exit_code == ExitCode.output_error == 3 and "exists" in r.output
    assert out.read_text() == "precious"
    r = _run(good, "--workers", "0", "--json", good)                      # over an input
    assert r.exit_code == ExitCode.output_error and "input" in r.output
    jl = tmp_path / "o.jsonl"
    jl.write_text("precious\n")
    assert _run(good, "--workers", "0", "--jsonl", str(jl)).exit_code == ExitCode.output_error
    assert _run(good, "--workers", "0", "--jsonl", str(jl), "--resume").exit_code == ExitCode.output_error
    assert jl.read_text() == "precious\n"


def test_exit_interrupted(good, tmp_path, monkeypatch):
    def interrupted(*a, **kw):
        raise KeyboardInterrupt
    monkeypatch.setattr(cli, "scan_many", interrupted)
    r = _run(good, "--workers", "0", "--jsonl", str(tmp_path / "o.jsonl"))
    assert r.exit_code == ExitCode.interrupted == 130 and "interrupted" in r.output


def test_help_documents_the_exit_statuses():
    r = CliRunner().invoke(main, ["scan", "--help"])
    assert r.exit_code == 0
    for code in ExitCode:
        assert f"\n    {int(code):<4d} " in r.output, code


def test_one_settings_object_from_the_options(good, monkeypatch):
    seen = {}

    def fake(paths, **kw):
        seen.update(kw)
        from redactlens.model import BatchReport
        return BatchReport()
    monkeypatch.setattr(cli, "scan_many", fake)
    r = _run(good, "--ocr", "off", "--ocr-lang", "eng+spa", "--timeout", "5", "--memory-mb", "100",
             "--max-mb", "2", "-q")
    assert r.exit_code == 0, r.output
    s = seen["settings"]
    assert isinstance(s, Settings)
    assert (s.ocr, s.ocr_lang, s.timeout, s.memory_mb, s.max_bytes) == ("off", "eng+spa", 5, 100, 2 << 20)
    seen.clear()
    assert _run(good, "-q").exit_code == 0
    assert seen["settings"] == Settings.from_env()     # no option: the defaults (and the environment)

"""Every batch writes its report, no input is changed, resumable means complete.

Non-UTF-8 file names and lone surrogates in PDF strings go through every writer; outputs are
checked against inputs by device and inode in every mode; a release folder does not follow
symbolic links out of itself; --resume retries what failed; ids are unique per batch; Ctrl-C ends
with its own status and the finished work kept; the library refuses arguments it cannot mean."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pymupdf
import pytest
from click.testing import CliRunner

import gen_discreet as gd
import redactlens
from conftest import sha256
from redactlens.cli import main
from redactlens.errors import ExitCode
from redactlens.stream import read_jsonl

ROOT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent


def _run(*args):
    return CliRunner().invoke(main, ["scan", *map(str, args)])


def _cli(*args, **kw):
    """The real command line in a child process (argv bytes, a terminal's view of stderr)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(TESTS)])}
    return subprocess.run([sys.executable, "-c", "from redactlens.cli import main; main()", "scan", *args],
                          capture_output=True, env=env, timeout=240, **kw)


@pytest.fixture()
def release(tmp_path):
    """A folder with a non-UTF-8 file name, a lone surrogate in /Info, an escape in a file name."""
    folder = tmp_path / "release"
    folder.mkdir()
    raw = os.fsencode(str(folder)) + b"/caf\xe9-\x1b[2Jname.pdf"
    with open(raw, "wb") as fh:
        fh.write(gd.leaky_pdf("Latinsecret"))
    gd.write(str(folder), "info.pdf", gd.info_surrogate_pdf())
    return folder


def test_every_output_is_written_and_encodes_strictly(release, tmp_path):
    outs = {k: tmp_path / f"out.{k}" for k in ("json", "jsonl", "csv", "html", "pdf")}
    r = _cli(str(release), "--workers", "1", "--json", str(outs["json"]), "--jsonl", str(outs["jsonl"]),
             "--csv", str(outs["csv"]), "--html", str(outs["html"]), "--exhibit", str(outs["pdf"]))
    assert r.returncode == ExitCode.ok, r.stderr
    assert b"Traceback" not in r.stderr and b"\x1b" not in r.stderr + r.stdout
    for k in ("json", "jsonl", "csv", "html"):
        outs[k].read_bytes().decode("utf-8")        # strict: no surrogate escaped into any text output
    docs = json.loads(outs["json"].read_text(encoding="utf-8"))["documents"]
    latin = next(d for d in docs if "caf" in d["path"])
    assert "caf\\xe9" in latin["path"] and latin["path_bytes"]
    assert os.path.exists(os.fsdecode(bytes.fromhex(latin["path_bytes"])))
    assert latin["redactions"][0]["leak"]["text"].startswith("Latinsecret"[:3]) or latin["redactions"][0]["leak"]
    info = next(d for d in docs if d["path"].endswith("info.pdf"))
    assert "\ufffd" in json.dumps(info["metadata"], ensure_ascii=False)
    assert len(read_jsonl(str(outs["jsonl"]))) == 2
    assert "Latinsecret" not in "".join(p.get_text() for p in pymupdf.open(str(outs["pdf"])))
    assert "caf\\xe9-\\x1b[2Jname.pdf" in r.stdout.decode()      # the terminal sees the escapes spelled out


def test_writers_cope_with_a_report_built_elsewhere():
    from redactlens.model import BatchReport, DocumentReport
    from redactlens.output import to_json
    from redactlens.report import csv_text
    d = DocumentReport(path="/x/caf\udce9.pdf", error="bad \ud800 byte", warnings=["w\udfff"])
    b = BatchReport([d])
    to_json(b).encode("utf-8")
    csv_text(b).encode("utf-8")


def test_output_hard_link_to_an_input_is_refused_in_every_mode(tmp_path):
    folder = tmp_path / "in"
    src = Path(gd.write(str(folder), "a.pdf", gd.leaky_pdf()))
    before = sha256(src)
    os.link(src, tmp_path / "hl.jsonl")
    os.symlink(src, tmp_path / "sl.json")
    for args in (["--jsonl", tmp_path / "hl.jsonl", "--force"], ["--jsonl", tmp_path / "hl.jsonl", "--resume"],
                 ["--json", tmp_path / "sl.json", "--force"], ["--jsonl", src, "--resume"],
                 ["--csv", tmp_path / "hl.jsonl", "--force"]):
        r = _run(folder, "--workers", "0", "-q", *args)
        assert r.exit_code == ExitCode.output_error and "input" in r.output, (args, r.output)
        assert sha256(src) == before, args


def test_resume_on_a_file_that_is_not_jsonl_changes_nothing(tmp_path):
    folder = tmp_path / "in"
    gd.write(str(folder), "a.pdf", gd.leaky_pdf())
    other = tmp_path / "notes.jsonl"
    other.write_bytes(b"%PDF-1.4\r1 0 obj\r<< >>\rendobj\r")      # CR-only: no newline at all
    before = sha256(other)
    r = _run(folder, "--workers", "0", "-q", "--jsonl", other, "--resume")
    assert r.exit_code == ExitCode.output_error and sha256(other) == before


def test_symlinks_out_of_the_folder_are_not_followed(tmp_path):
    secret = tmp_path / "private" / "api-keys.env"
    secret.parent.mkdir()
    secret.write_text("AWS_SECRET_ACCESS_KEY=abcd1234\n")
    outside_pdf = Path(gd.write(str(tmp_path / "private"), "other.pdf", gd.leaky_pdf("Othersecret")))
    folder = tmp_path / "release"
    gd.write(str(folder), "inside.pdf", gd.leaky_pdf())
    os.symlink(secret, folder / "keys.pdf")
    os.symlink(outside_pdf, folder / "other.pdf")
    os.symlink(folder / "inside.pdf", folder / "alias.pdf")          # inside the folder: scanned
    b = redactlens.scan_many(str(folder), workers=0)
    by = {os.path.basename(d.path): d for d in b.documents}
    assert by["keys.pdf"].skipped and by["other.pdf"].skipped and "outside the folder" in by["keys.pdf"].error
    assert not by["alias.pdf"].skipped and by["alias.pdf"].error is None
    assert "AWS" not in json.dumps(b.to_dict()) and "Othersecret" not in json.dumps(b.to_dict())
    followed = redactlens.scan_many(str(folder), workers=0, follow_symlinks=True)
    keys = next(d for d in followed.documents if d.path.endswith("keys.pdf"))
    assert keys.error_code == "not_pdf" and "AWS" not in keys.error and "abcd" not in keys.error


def test_messages_never_quote_file_contents(tmp_path):
    p = tmp_path / "x.pdf"
    p.write_bytes(b"SECRET_TOKEN=hunter2 and more bytes of a file that is not a PDF")
    d = redactlens.scan(str(p))
    assert d.error_code == "not_pdf" and "hunter2" not in d.error and "SECRET" not in d.error
    from redactlens.text import message
    assert "Secretperson" not in message("MuPDF: unknown keyword: 'Jane Q. Secretperson'")
    assert "'endobj'" in message("expected 'endobj' keyword")


def test_resume_retries_documents_that_failed(tmp_path):
    folder = tmp_path / "in"
    good = Path(gd.write(str(folder), "a.pdf", gd.leaky_pdf()))
    before = sha256(good)
    enc = folder / "b.pdf"
    doc = pymupdf.open("pdf", gd.leaky_pdf("Encsecret"))
    doc.save(str(enc), encryption=pymupdf.PDF_ENCRYPT_AES_128, user_pw="s3cret", owner_pw="own")
    out = tmp_path / "run.jsonl"
    assert _run(folder, "--workers", "0", "-q", "--jsonl", out).exit_code == ExitCode.document_error
    r = _run(folder, "--workers", "0", "--jsonl", out, "--resume", "--password", "s3cret")
    assert r.exit_code == ExitCode.ok, r.output
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert len(lines) == 2 and not any(x.get("error") for x in lines)     # one line per document
    assert {os.path.basename(d.path) for d in read_jsonl(str(out))} == {"a.pdf", "b.pdf"}
    assert sha256(good) == before                                          # inputs are only read


def test_ids_unique_per_batch(tmp_path):
    for sub in ("a", "b"):
        gd.write(str(tmp_path / "rel" / sub), "x.pdf", gd.leaky_pdf())
    gd.write(str(tmp_path / "rel"), "y.pdf", gd.leaky_pdf())
    b = redactlens.scan_many(str(tmp_path / "rel"), workers=1)
    ids = [r.id for d in b.documents for r in d.redactions]
    assert len(ids) == len(set(ids)) == 3
    assert sorted(ids) == ["a/x.pdf#p1-r1", "b/x.pdf#p1-r1", "y.pdf#p1-r1"]
    from redactlens.report.common import number_of
    assert sorted(number_of(b).values()) == [1, 2, 3]


def test_library_refuses_what_it_cannot_mean(tmp_path):
    gd.write(str(tmp_path), "a.pdf", gd.leaky_pdf())
    b = redactlens.scan_many(str(tmp_path), workers=0)          # a str is one path, not its characters
    assert [os.path.basename(d.path) for d in b.documents] == ["a.pdf"]
    assert len(redactlens.scan_many(tmp_path, workers=0).documents) == 1      # a PathLike too
    with pytest.raises(ValueError, match="workers"):
        redactlens.scan_many(str(tmp_path), workers=-3)
    with pytest.raises(ValueError, match="workers"):
        redactlens.iter_scan([str(tmp_path)], workers=-1)       # refused at the call, not at the first report
    with pytest.raises(TypeError):
        redactlens.scan_many(42, workers=0)
    r = _run(tmp_path, "--workers", "-3")
    assert r.exit_code == ExitCode.bad_args


def test_ctrl_c_exits_130_and_keeps_finished_work(tmp_path):
    folder = tmp_path / "in"
    gd.write(str(folder), "a1.pdf", gd.leaky_pdf())
    gd.write(str(folder), "b_hang.pdf", gd.leaky_pdf())
    out = tmp_path / "run.jsonl"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(TESTS)])}
    proc = subprocess.Popen([sys.executable, str(TESTS / "faults.py"), "_hang=hang", "scan", str(folder),
                             "--workers", "1", "--jsonl", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (out.exists() and out.read_text().count("\n") >= 1):
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGINT)          # Ctrl-C reaches the whole foreground group
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == ExitCode.interrupted, err
    assert b"interrupted" in err and b"--resume" in err and b"Traceback" not in err
    assert [os.path.basename(d.path) for d in read_jsonl(str(out))] == ["a1.pdf"]


def test_json_on_stdout_stays_json_when_writers_reopen_damaged_sources(tmp_path):
    """MuPDF's warnings about a damaged source, printed by PyMuPDF while the exhibit flattens it,
    never reach stdout (where ``--json -`` is)."""
    data = gd.leaky_pdf("Damsecret", pages=2).replace(b"/Kids [20 0 R 21 0 R]", b"/Kids [20 0 R 4 0 R 21 0 R]")
    src = gd.write(str(tmp_path), "damaged.pdf", data)
    r = _cli(src, "--workers", "1", "-q", "--json", "-", "--exhibit", str(tmp_path / "ex.pdf"),
             "--html", str(tmp_path / "r.html"))
    assert r.returncode in (ExitCode.ok, ExitCode.document_error), r.stderr
    assert len(json.loads(r.stdout)["documents"]) == 1
    assert (tmp_path / "ex.pdf").exists() and (tmp_path / "r.html").exists()

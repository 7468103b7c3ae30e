"""The batch executors' contract: one Settings object reaches every worker, serial and pool give
the same reports, every report the runner makes carries ``error`` and ``error_code``, and a bug in
one document's task is that document's ``internal`` error."""
import json
import os
from pathlib import Path

import pytest

from redactlens.batch import (BatchStats, Executor, SerialExecutor, Unscannable, iter_scan, make_executor,
                              scan_many)
from redactlens.batch.discover import unscanned
from redactlens.batch.pool import PoolExecutor
from redactlens.output import to_json
from redactlens.settings import Settings

from test_batch_runner import _pdf  # noqa: E402  (one fixture writer for both)

SAMPLES = Path(__file__).parent.parent / "samples" / "release"


@pytest.fixture()
def docs(tmp_path):
    return [_pdf(tmp_path / f"d{i}.pdf", f"Witness {i}: Jane Roe") for i in range(3)]


def _echoes(reports):
    return [w for d in reports for w in d.warnings if w.startswith("worker saw settings")]


@pytest.mark.parametrize("workers", [0, 2])
def test_settings_reach_every_worker(docs, faults, workers):
    settings = Settings(ocr="off", ocr_lang="eng+spa", timeout=42, memory_mb=3001)
    batch = scan_many(docs, workers=workers, settings=settings, task=faults({".pdf": "echo"}))
    echoes = _echoes(batch.documents)
    assert len(echoes) == 3
    assert all("ocr=off ocr_lang=eng+spa timeout=42 memory_mb=3001" in e for e in echoes)
    pids = {int(e.rsplit("pid=", 1)[1]) for e in echoes}
    if workers == 0:
        assert pids == {os.getpid()}          # serial: in the calling process
    else:
        assert os.getpid() not in pids        # pool: in worker processes
    assert all(d.error is None and len(d.redactions) == 1 for d in batch.documents)


def test_settings_as_a_dict_are_resolved_once(docs, faults):
    (rep,) = scan_many(docs[:1], workers=1, settings={"ocr": "all", "timeout": 7},
                       task=faults({".pdf": "echo"})).documents
    assert "ocr=all" in _echoes([rep])[0] and "timeout=7" in _echoes([rep])[0]
    with pytest.raises(ValueError, match="unknown setting"):
        scan_many(docs[:1], workers=0, settings={"no_such_setting": 1})


@pytest.mark.parametrize("workers", [0, 1])
def test_a_bug_in_one_task_is_that_documents_internal_error(docs, faults, workers):
    stats = BatchStats()
    batch = scan_many(docs, workers=workers, task=faults({"d1": "raise"}), stats=stats)
    by = {os.path.basename(d.path): d for d in batch.documents}
    assert by["d1.pdf"].error_code == "internal"
    assert "internal error while scanning: RuntimeError: injected bug on d1.pdf" in by["d1.pdf"].error
    assert by["d1.pdf"].sha256                     # the failed input is still identified
    assert by["d0.pdf"].error is None and by["d2.pdf"].error is None
    assert stats.outcomes == {"ok": 2, "internal": 1}
    doc = json.loads(to_json(batch))["documents"][1]
    assert doc["error_code"] == "internal" and doc["error"]


def test_serial_and_pool_give_the_same_reports_on_the_samples():
    serial = scan_many([SAMPLES], workers=0)
    pooled = scan_many([SAMPLES], workers=2)
    assert [d.to_dict() for d in serial.documents] == [d.to_dict() for d in pooled.documents]
    assert sum(len(d.redactions) for d in serial.documents) > 10


def test_an_executor_instance_can_be_passed(docs):
    settings = Settings()
    ex = make_executor("local", settings, workers=0)
    assert isinstance(ex, SerialExecutor) and ex.inline
    pool = make_executor("local", settings, workers=2)
    assert isinstance(pool, PoolExecutor) and pool.workers == 2 and not pool.inline
    pool.close(abort=False)
    reps = list(iter_scan(docs, executor=SerialExecutor(settings)))
    assert [len(r.redactions) for r in reps] == [1, 1, 1]
    with pytest.raises(TypeError):
        Executor(settings)                       # abstract: a subclass implements _submit


def test_reports_made_by_the_runner_carry_an_error_code(tmp_path):
    kind, rep = unscanned(str(tmp_path / "locked"), Unscannable("cannot list folder: Permission denied"))
    assert kind == "document_error" and rep.error_code == "unreadable" and rep.error
    kind, rep = unscanned(str(tmp_path / "x.txt"), "skipped: not a PDF file (.txt)")
    assert kind == "skipped" and rep.skipped and rep.error_code == "skipped"
    (tmp_path / "notes.txt").write_text("x")
    (rep,) = scan_many([tmp_path], workers=0).documents
    assert json.loads(to_json(scan_many([tmp_path], workers=0)))["documents"][0]["error_code"] == "skipped"
    assert rep.error.startswith("skipped")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can list a chmod 000 folder")
def test_unlistable_folder_is_unreadable(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    _pdf(locked / "in.pdf")
    locked.chmod(0)
    try:
        (rep,) = scan_many([tmp_path], workers=0).documents
    finally:
        locked.chmod(0o755)
    assert rep.error_code == "unreadable" and "cannot list folder" in rep.error


def test_no_environment_switch_in_the_batch_package():
    """Fault injection is a test fixture and the start method a setting: the batch package reads
    no environment variable."""
    import redactlens.batch as pkg
    folder = Path(pkg.__file__).parent
    for f in folder.glob("*.py"):
        text = f.read_text()
        assert "os.environ" not in text and "getenv" not in text, f.name
        assert "FAULT" not in text, f.name

"""The batch runner (issue 8): a crash, hang or memory blow-up costs one document, never the batch;
limits are configurable; results come in input order or as they finish, through a bounded window;
a progress bar appears only when asked for (or on a terminal)."""
import time

import pymupdf
import pytest

import redactlens
from redactlens import batch as B
from redactlens.batch import BatchStats, iter_scan, scan_many
from redactlens.batch.pool import mp_context
from redactlens.batch.runner import _run
from redactlens.settings import Settings


def _pdf(path, text="Suspect: Jane Roe", pages=1):
    d = pymupdf.open()
    for _ in range(pages):
        p = d.new_page()
        p.insert_text((72, 100), text)
        p.draw_rect(pymupdf.Rect(120, 88, 200, 104), color=None, fill=(0, 0, 0))
    d.save(str(path))
    return str(path)


@pytest.fixture()
def release(tmp_path):
    names = ["a.pdf", "b_crash.pdf", "c.pdf", "d_segv.pdf", "e_hang.pdf", "f_oom.pdf", "g.pdf"]
    for i, n in enumerate(names):
        _pdf(tmp_path / n, text=f"Witness {i}: Jane Roe")
    (tmp_path / "readme.txt").write_text("not a pdf")
    return tmp_path


def _by_name(reports):
    return {r.path.rsplit("/", 1)[-1]: r for r in reports}


def test_crash_hang_and_oom_cost_one_document_each(release, faults):
    task = faults({"_crash": "exit", "_segv": "segv", "_hang": "hang", "_oom": "oom"})
    stats = BatchStats()
    t0 = time.monotonic()
    batch = scan_many([release], workers=2, settings=Settings(timeout=8, memory_mb=1024), stats=stats, task=task)
    elapsed = time.monotonic() - t0
    names = [d.path.rsplit("/", 1)[-1] for d in batch.documents]
    assert names == sorted(names)  # input order kept
    r = _by_name(batch.documents)
    for ok in ("a.pdf", "c.pdf", "g.pdf"):
        assert r[ok].error is None and len(r[ok].redactions) == 1 and r[ok].redactions[0].leak
    assert "crashed" in r["b_crash.pdf"].error and "exit code 70" in r["b_crash.pdf"].error
    assert "crashed" in r["d_segv.pdf"].error and "SIGSEGV" in r["d_segv.pdf"].error
    assert "time limit exceeded" in r["e_hang.pdf"].error and "8 s" in r["e_hang.pdf"].error
    assert "memory" in r["f_oom.pdf"].error.lower()
    assert "not a PDF" in r["readme.txt"].error
    # every failed document still carries the hash of its input
    assert all(r[n].sha256 for n in ("b_crash.pdf", "d_segv.pdf", "e_hang.pdf", "f_oom.pdf"))
    # ... and a stable error code (written to the JSON beside the message)
    codes = {n: d.to_dict()["error_code"] for n, d in r.items()}
    assert codes == {"a.pdf": None, "c.pdf": None, "g.pdf": None, "b_crash.pdf": "parser_crash",
                     "d_segv.pdf": "parser_crash", "e_hang.pdf": "timeout", "f_oom.pdf": "memory",
                     "readme.txt": "skipped"}
    assert stats.outcomes == {"ok": 3, "crash": 2, "timeout": 1, "memory": 1, "skipped": 1}
    assert stats.inputs == 8 and stats.scanned == 8
    assert elapsed < 45  # the hang was cut by the limit


def test_results_match_in_process_scan(release):
    files = [str(release / n) for n in ("a.pdf", "c.pdf", "g.pdf")]
    pooled = scan_many(files, workers=2)
    inproc = scan_many(files, workers=0)
    assert [d.to_dict() for d in pooled.documents] == [d.to_dict() for d in inproc.documents]
    assert [d.to_dict() for d in pooled.documents] == [redactlens.scan(f).to_dict() for f in files]


def test_unordered_yields_documents_as_they_finish(release, faults):
    files = [str(release / n) for n in ("e_hang.pdf", "a.pdf", "c.pdf")]
    got = [r.path.rsplit("/", 1)[-1] for r in
           iter_scan(files, workers=2, settings=Settings(timeout=3, memory_mb=0), ordered=False,
                     task=faults({"_hang": "hang"}))]
    assert got[-1] == "e_hang.pdf" and sorted(got[:2]) == ["a.pdf", "c.pdf"]


class _FakeEngine:
    """Records how many documents are in flight at once."""

    workers = 2
    inline = False

    def __init__(self):
        self.inflight, self.peak, self.closed = set(), 0, None

    def submit(self, path):
        from concurrent.futures import Future
        f = Future()
        self.inflight.add(f)
        self.peak = max(self.peak, len(self.inflight))
        f.set_result(path)
        f.path = path
        return f

    def wait_any(self, futs):
        # finish one document at a time, newest first (worst case for ordered output)
        f = max(futs, key=lambda f: f.path)
        return {f}

    def outcome(self, fut, path):
        self.inflight.discard(fut)
        return "ok", {"path": path, "pages": 1}

    def close(self, abort):
        self.closed = abort


@pytest.mark.parametrize("ordered", [True, False])
def test_window_bounds_work_in_flight(ordered):
    eng = _FakeEngine()
    items = [(f"doc{i:04d}.pdf", None) for i in range(500)]
    out = list(_run(eng, items, ordered, 6, lambda kind, rep: rep))
    assert len(out) == 500 and eng.peak <= 6
    if ordered:
        assert [r.path for r in out] == [p for p, _ in items]
    assert eng.closed is False


def test_skip_by_sha256_and_stats(release):
    done = B.file_sha256(str(release / "a.pdf"))
    stats = BatchStats()
    files = [str(release / n) for n in ("a.pdf", "c.pdf")]
    reps = list(iter_scan(files, workers=1, skip_sha256={done}, stats=stats))
    assert [r.path for r in reps] == [files[1]] and stats.resumed == 1


def test_progress_bar_only_when_asked(release, capsys):
    files = [str(release / "a.pdf"), str(release / "c.pdf")]
    list(iter_scan(files, workers=1, progress=None))  # pytest's stderr is not a terminal: quiet
    assert capsys.readouterr().err == ""
    list(iter_scan(files, workers=1, progress=True))
    err = capsys.readouterr().err
    assert "0/2" in err and "doc/s" in err


def test_unknown_executor_is_refused(release):
    with pytest.raises(ValueError, match="unknown executor"):
        list(iter_scan([str(release / "a.pdf")], executor="spark"))


def test_workers_start_cleanly_from_a_threaded_parent(release):
    """Workers are not forked from the caller: after the caller itself used OpenCV's thread pool
    and PyMuPDF (threads that a forked child would inherit the locks of, but not the threads), a
    pool still starts and scans (a fork-started worker could deadlock here)."""
    import pathlib
    import threading
    sample = pathlib.Path(__file__).parent.parent / "samples" / "release" / "call-24-0312.pdf"
    assert redactlens.scan(sample).redactions          # a scanned page: the raster detector ran here
    stop = threading.Event()
    t = threading.Thread(target=stop.wait, daemon=True)
    t.start()                                          # and the parent has another thread alive
    try:
        stats = BatchStats()
        reps = list(iter_scan([str(release / "a.pdf"), str(sample)], workers=2,
                              settings=Settings(timeout=60, memory_mb=2048), stats=stats))
    finally:
        stop.set()
    assert stats.outcomes == {"ok": 2} and all(r.redactions for r in reps)
    assert mp_context().get_start_method() in ("forkserver", "spawn")


def test_a_script_without_a_main_guard_is_not_rerun_in_workers(release, tmp_path):
    """Workers start from a forkserver; the caller's script must not be re-run in each of them
    (which multiprocessing does by default outside of fork)."""
    import subprocess
    import sys
    marker = tmp_path / "ran.txt"
    script = tmp_path / "notebook_like.py"
    script.write_text(
        "import redactlens\n"
        f"open({str(marker)!r}, 'a').write('x')\n"
        f"b = redactlens.scan_many([{str(release / 'a.pdf')!r}, {str(release / 'c.pdf')!r}], workers=2)\n"
        "print(sum(len(d.redactions) for d in b.documents))\n")
    res = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr[-2000:]
    assert res.stdout.split()[-1] == "2" and marker.read_text() == "x"

"""Hostile inputs (issue 8): every input of ``tests/gen_hostile.py`` ends with a clear error or a
correct result within the time limit, the batch goes on, no input byte changes and no output file
is clobbered.  Two workers and short limits keep the suite fast.

The counts (inputs tried, errors reported, crashes survived, hangs cut, bytes changed) are printed
at the end of :func:`test_hostile_batch`; ``benchmarks/bench_hostile.py`` prints the same table.
"""
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import gen_hostile as G
from redactlens.batch import BatchStats, scan_many
from redactlens.settings import Settings
from redactlens.cli import main
from redactlens.stream import JsonlWriter, read_jsonl

TIMEOUT = 10.0        # seconds per document
MEMORY_MB = 1024      # per worker, on top of the loaded libraries
WORKERS = 2
# injected worker faults (the fault task of tests/faults.py): a real SIGSEGV, a hard exit, a hang
INJECTED = {"inj-segv.pdf": "segv", "inj-exit.pdf": "exit", "inj-hang.pdf": "hang"}


def _snapshot(root: Path) -> dict:
    """Every regular file under ``root`` (symlinks not followed; the ``out`` folder left out):
    sha256, size and mtime."""
    snap = {}
    for dirpath, dirs, files in os.walk(root):
        if Path(dirpath) == root and "out" in dirs:
            dirs.remove("out")
        for fn in files:
            p = Path(dirpath) / fn
            if p.is_symlink():
                snap[str(p)] = ("symlink", os.readlink(p))
                continue
            st = p.lstat()
            if not p.is_file() or st.st_size > (64 << 20):  # FIFO; the sparse 2 GB file: size+mtime only
                snap[str(p)] = ("special", st.st_mode, st.st_size, st.st_mtime_ns)
                continue
            snap[str(p)] = ("file", hashlib.sha256(p.read_bytes()).hexdigest(), st.st_size, st.st_mtime_ns)
        for d in dirs:
            if (Path(dirpath) / d).is_symlink():
                snap[str(Path(dirpath) / d)] = ("symlink", os.readlink(Path(dirpath) / d))
    return snap


def _bytes_changed(before: dict, after: dict) -> int:
    changed = 0
    for k, v in before.items():
        w = after.get(k)
        if w != v:
            changed += max(v[2] if v[0] == "file" else 1, 1)
    return changed


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    folder = root / "inputs"
    cases = G.build(folder)
    text = (G.SAMPLES / G.TEXT_BASE).read_bytes()
    for name in INJECTED:
        (folder / name).write_bytes(text)
    # also read everything through a chmod 000 folder when we can (as root we can)
    yield root, folder, cases
    G.restore_permissions(folder)


def _sig(rep):
    return [(r.page, r.bbox, r.method, r.leak.text if r.leak else None) for r in rep.redactions]


def _clear(msg: str) -> bool:
    return bool(msg) and len(msg) > 12 and "Traceback" not in msg


@pytest.fixture(scope="module")
def hostile_run(hostile):
    root, folder, cases = hostile
    before = _snapshot(root)
    stats = BatchStats()
    jsonl = root / "out" / "hostile.jsonl"
    from faults import Faults
    t0 = time.monotonic()
    with JsonlWriter(str(jsonl)) as w:
        batch = scan_many([folder], workers=WORKERS, settings=Settings(timeout=TIMEOUT, memory_mb=MEMORY_MB),
                          stats=stats, on_result=w.write, ordered=False, task=Faults(INJECTED))
    elapsed = time.monotonic() - t0
    after = _snapshot(root)
    return dict(batch=batch, stats=stats, elapsed=elapsed, before=before, after=after, jsonl=jsonl,
                folder=folder, cases=cases)


def test_hostile_batch(hostile_run, capsys):
    run = hostile_run
    folder, cases, stats = run["folder"], run["cases"], run["stats"]
    by = {os.path.relpath(d.path, folder): d for d in run["batch"].documents}
    bases = {n: by["ok-" + n] for n in (G.TEXT_BASE, G.SCAN_BASE)}
    assert bases[G.TEXT_BASE].error is None and bases[G.TEXT_BASE].redactions
    assert bases[G.SCAN_BASE].error is None and bases[G.SCAN_BASE].redactions
    problems = []
    for c in cases:
        if c.name == "special/locked-dir":   # as root its file is scanned; otherwise the folder is an error
            rep = by.get("special/locked-dir/inside.pdf") or by.get("special/locked-dir")
            if rep is None or not (rep.error is None or _clear(rep.error)):
                problems.append((c.name, "no report"))
            continue
        rep = by.get(c.name)
        if rep is None:
            problems.append((c.name, "no report"))
            continue
        if c.expect == "error" and not _clear(rep.error or ""):
            problems.append((c.name, f"expected a clear error, got {rep.error!r}"))
        elif c.expect == "same" and (rep.error or _sig(rep) != _sig(bases[c.base])):
            problems.append((c.name, f"expected the result of {c.base}, got error={rep.error!r} {_sig(rep)}"))
        elif c.expect == "skipped" and not (rep.skipped and _clear(rep.error)):
            problems.append((c.name, f"expected a reported skip, got {rep.error!r}"))
        elif c.expect in ("any", "limit") and rep.error is not None and not _clear(rep.error):
            problems.append((c.name, f"unclear error {rep.error!r}"))
    assert not problems, problems
    # the injected worker faults cost one document each
    assert "crashed" in by["inj-segv.pdf"].error and "SIGSEGV" in by["inj-segv.pdf"].error
    assert "crashed" in by["inj-exit.pdf"].error
    assert "time limit exceeded" in by["inj-hang.pdf"].error
    # every input got exactly one report, in the JSONL stream too
    assert stats.scanned == stats.inputs == len(run["batch"].documents)
    lines = read_jsonl(str(run["jsonl"]))
    assert sorted(d.path for d in lines) == sorted(d.path for d in run["batch"].documents)
    # no input byte changed, nothing appeared in or vanished from the input tree
    changed = _bytes_changed(run["before"], run["after"])
    assert changed == 0 and set(run["after"]) == set(run["before"])
    # within the limits: two workers, each document at most TIMEOUT (plus the workers' restarts)
    hangs = stats.outcomes.get("timeout", 0)
    assert hangs >= 1
    assert run["elapsed"] < 120
    summary = {
        "inputs tried": stats.inputs,
        "errors reported": sum(1 for d in run["batch"].documents if d.error and not d.skipped),
        "skipped (reported)": sum(1 for d in run["batch"].documents if d.skipped),
        "correct results": sum(1 for d in run["batch"].documents if not d.error),
        "crashes survived": stats.outcomes.get("crash", 0) + stats.outcomes.get("memory", 0),
        "hangs cut by the limit": hangs,
        "cut or crashed": sorted(os.path.relpath(d.path, folder) for d in run["batch"].documents
                                 if d.error and ("crashed" in d.error or "limit exceeded" in d.error)),
        "bytes of input changed": changed,
        "seconds": round(run["elapsed"], 1),
        "outcomes": dict(sorted(stats.outcomes.items())),
    }
    with capsys.disabled():
        print("\nhostile inputs:", json.dumps(summary))


def test_hostile_batch_writes_every_output(hostile_run, tmp_path, capsys):
    """Every output of the hostile batch is written (strict UTF-8 for the text ones), the writers'
    reopening of the sources costs at most their own parts, and no input changes."""
    from redactlens.output import to_json
    from redactlens.report import csv_text, exhibit_bytes, html_text
    from redactlens.report.isolated import not_examined
    import pymupdf
    run = hostile_run
    batch = run["batch"]
    limits = Settings(timeout=TIMEOUT, memory_mb=MEMORY_MB)
    t0 = time.monotonic()
    json.loads(to_json(batch).encode("utf-8"))
    csv_text(batch).encode("utf-8")
    html = html_text(batch, settings=limits, workers=WORKERS)
    html.encode("utf-8")
    ex = pymupdf.open("pdf", exhibit_bytes(batch, settings=limits, workers=WORKERS))
    import re
    copied = {m.group(1) for p in ex for m in re.finditer(r"^(.+?) \u2014 page \d+ of \d+$", p.get_text(), re.M)}
    left_out = [os.path.basename(d.path) for d in batch.documents if not d.skipped and not_examined(d)]
    withheld = len(left_out)
    assert withheld and not copied & set(left_out) - {os.path.basename(d.path) for d in batch.documents
                                                      if not not_examined(d)}
    changed = _bytes_changed(run["before"], _snapshot(run["folder"].parent))
    assert changed == 0
    with capsys.disabled():
        print("\nhostile outputs:", json.dumps({"documents": len(batch.documents), "not examined": withheld,
                                               "exhibit pages": ex.page_count,
                                               "thumbnails": html.count("data:image/jpeg;base64,"),
                                               "seconds": round(time.monotonic() - t0, 1)}))


def test_category_coverage(hostile):
    _root, _folder, cases = hostile
    cats = {c.category for c in cases}
    for want in ("truncated", "byte flips", "broken xref", "bad streams", "decompression bomb", "enormous page",
                 "enormous page count", "nested objects", "cyclic objects", "gigapixel image", "encrypted",
                 "not a PDF", "symlink", "unreadable", "not a regular file"):
        assert want in cats, want


def test_generator_is_deterministic(tmp_path):
    a = G.build(tmp_path / "a", with_special=False)
    G.build(tmp_path / "b", with_special=False)
    for c in a:
        if c.category == "encrypted":  # AES/RC4 encryption draws a fresh random salt and IV
            continue
        assert (tmp_path / "a" / c.name).read_bytes() == (tmp_path / "b" / c.name).read_bytes(), c.name


def test_outputs_are_never_clobbered(hostile, tmp_path):
    _root, folder, _cases = hostile
    subset = [str(folder / n) for n in ("zero.pdf", "html.pdf", "ok-" + G.TEXT_BASE)]
    out_json, out_jsonl = tmp_path / "report.json", tmp_path / "stream.jsonl"
    out_json.write_text("precious json\n")
    out_jsonl.write_text("precious jsonl\n")
    target = folder / ("ok-" + G.TEXT_BASE)
    before = hashlib.sha256(target.read_bytes()).hexdigest()
    into_input = tmp_path / "alias.json"
    os.symlink(target, into_input)          # an output path that is a link to an input
    runner = CliRunner()
    for args in (["--json", str(out_json)], ["--jsonl", str(out_jsonl)], ["--json", str(into_input)],
                 ["--json", str(target)], ["--jsonl", str(target)]):
        res = runner.invoke(main, ["scan", *subset, "--workers", "0", *args])
        assert res.exit_code != 0 and ("exists" in res.output or "over an input" in res.output), (args, res.output)
    assert out_json.read_text() == "precious json\n" and out_jsonl.read_text() == "precious jsonl\n"
    assert hashlib.sha256(target.read_bytes()).hexdigest() == before
    # a fresh output is written; the failed inputs set the exit status, the good one is reported
    res = runner.invoke(main, ["scan", *subset, "--workers", "1", "--json", str(tmp_path / "new.json")])
    assert res.exit_code == 1
    docs = json.loads((tmp_path / "new.json").read_text())["documents"]
    assert [bool(d["error"]) for d in docs] == [True, True, False]


@pytest.mark.skipif(os.name != "posix", reason="FIFOs and symlinks are POSIX")
def test_resume_and_discovery_never_block_on_special_files(hostile):
    """Hashing for --resume must not open a FIFO (it would block forever) nor follow link loops."""
    _root, folder, _cases = hostile
    code = ("import sys; from redactlens.batch import iter_scan, BatchStats\n"
            "s = BatchStats()\n"
            "reps = list(iter_scan([sys.argv[1]], workers=1, skip_sha256={'0' * 64}, stats=s))\n"
            "print(len(reps), s.inputs)\n")
    res = subprocess.run([sys.executable, "-c", code, str(folder / "special")], capture_output=True, text=True,
                         timeout=120)
    assert res.returncode == 0, res.stderr
    n, inputs = map(int, res.stdout.split())
    assert n == inputs >= 9


def test_unreadable_file_as_non_root(hostile):
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        pytest.skip("running as root: chmod 000 does not deny root (covered: it must then scan correctly)")
    import redactlens
    _root, folder, _cases = hostile
    rep = redactlens.scan(folder / "special" / "unreadable.pdf")
    assert "permission denied" in rep.error

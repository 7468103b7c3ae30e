"""Speed and memory of redactlens on the real releases under ``../shared/`` (OCR on, the default).

    python3 benchmarks/bench_realworld.py --setup-xray              # every real file, one run
    python3 benchmarks/bench_realworld.py --max-pages 150 --json out.json

The real files (``../shared/realworld/*.pdf`` and ``../shared/releases/*/*.pdf``, when present) are
split, by what most of their pages are, into *text-layer documents* and *scanned documents* (a
page is scanned when page images cover half of it: :func:`redactlens.detect.raster.is_scanned`),
and each group is measured, each tool in its own fresh process and all in this one run:

* ``redactlens scan``   -- ``redactlens.scan(path)`` per document in one process, OCR on (the
  default a user gets); the pipeline's stage functions are wrapped by timers in that process only
  (the cost of each stage per page), and each page's own time is kept with its kind, so text-layer
  and scanned pages are timed apart even inside one document;
* ``redactlens batch xN`` -- ``redactlens.scan_many(folder, workers=N)`` as ``redactlens scan DIR
  --json`` runs it: pool start-up, workers, the batch-level analysis; peak RSS / PSS of all its
  processes;
* ``x-ray`` -- Free Law Project's x-ray (``--setup-xray`` installs it in its own virtualenv, see
  ``benchmarks/bench.py``), the baseline; it reads no images, so on scans it has nothing to do.

Ratios are against x-ray and against redactlens's one-process scan measured in the same run.
"""
from __future__ import annotations

import argparse
import inspect
import json
import os
import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import bench  # noqa: E402  (the child-process driver, x-ray's venv, peak memory)

SHARED = ROOT.parent / "shared"


def real_files(shared: Path) -> list[Path]:
    out = sorted((shared / "realworld").glob("*.pdf")) if (shared / "realworld").is_dir() else []
    for rel in sorted((shared / "releases").glob("*")) if (shared / "releases").is_dir() else []:
        out += sorted(p for p in rel.iterdir() if p.suffix.lower() == ".pdf")
    return out


def page_kinds(path: str) -> list[str]:
    """``scanned`` or ``text`` for each page (not timed)."""
    import pymupdf

    from redactlens.detect import raster
    from redactlens.page import PageModel
    kinds = []
    with pymupdf.open(path) as doc:
        for i, page in enumerate(doc):
            try:
                kinds.append("scanned" if raster.is_scanned(PageModel(page, i + 1)) else "text")
            except Exception:  # a damaged page: counted as text (no scan image could be read)
                kinds.append("text")
    return kinds


def make_groups(files: list[Path], out: Path, max_pages: int | None) -> dict:
    """Folders of the group's files, one per group (the tools glob ``*.pdf``): hard links where
    the file system allows, else copies, so that older code without ``follow_symlinks`` (a BEFORE
    run) reads the same folders."""
    groups: dict[str, dict] = {}
    for f in files:
        kinds = page_kinds(str(f))
        if not kinds:
            continue
        g = "scanned documents" if kinds.count("scanned") * 2 > len(kinds) else "text-layer documents"
        grp = groups.setdefault(g, {"files": [], "pages": 0, "kinds": defaultdict(int)})
        if max_pages and grp["pages"] >= max_pages:
            continue
        grp["files"].append(str(f))
        grp["pages"] += len(kinds)
        for k in kinds:
            grp["kinds"][k] += 1
    for g, grp in groups.items():
        d = out / g.split()[0]
        d.mkdir(parents=True, exist_ok=True)
        for old in d.iterdir():
            old.unlink()
        for f in grp["files"]:
            name = Path(f).name
            link = d / (Path(name).stem + ".pdf")
            if link.exists():
                link = d / (Path(f).parent.name + "-" + Path(name).stem + ".pdf")
            try:
                os.link(f, link)
            except OSError:
                shutil.copyfile(f, link)
        grp["folder"] = str(d)
        grp["kinds"] = dict(grp["kinds"])
    return groups


# ------------------------------------------------------------------------------------------------
# in the child process


def run_scan_timed(folder: str) -> dict:
    """``redactlens.scan`` per document with the stage timers, and each page's time by kind."""
    import redactlens.pipeline as P
    from redactlens.detect import raster

    files = bench._pdfs(folder)
    T: dict[str, float] = defaultdict(float)
    by_kind: dict[str, list] = defaultdict(lambda: [0, 0.0, 0.0])   # kind -> [pages, seconds, CPU s in scan_page]
    pc = time.perf_counter
    _wrap_stages(P, T)   # the wrappers stay installed in this process
    if not hasattr(P, "begin_page"):     # older code (one page call): no time by page kind
        P.begin_page = P.end_page = None
    base_begin, base_end = P.begin_page, P.end_page
    started: dict = {}    # page (id of the work) -> wall, CPU seconds of its first half

    # a page is two calls of the page loop (up to its OCR, from it on); with OCR threads its
    # Tesseract read runs between them, and the process CPU of the threads is counted in whichever
    # page's half is running (the sum over the pages is the page loop's)
    def begin_page(page, number, settings, messages=()):
        t, c = pc(), time.process_time()
        work = base_begin(page, number, settings, messages)
        started[id(work)] = (pc() - t, time.process_time() - c)
        return work

    def end_page(work, revisions, doc_name):
        t, c = pc(), time.process_time()
        try:
            return base_end(work, revisions, doc_name)
        finally:
            dt0, dc0 = started.pop(id(work), (0.0, 0.0))
            kind = "scanned" if raster.is_scanned(work.pm) else "text"
            by_kind[kind][0] += 1
            by_kind[kind][1] += dt0 + pc() - t
            by_kind[kind][2] += dc0 + time.process_time() - c

    if base_begin is not None:
        P.begin_page, P.end_page = begin_page, end_page
    settings = _settings()
    P.scan(files[0], settings=settings)   # warm: lazy imports and the OCR model are not the release's cost
    T.clear()
    by_kind.clear()
    pages = found = errors = 0
    t0, c0 = pc(), _cpu()
    for f in files:
        r = P.scan(f, settings=settings)
        pages += r.pages or 0
        found += len(r.redactions)
        errors += bool(r.error)
    secs, cpu = pc() - t0, _cpu() - c0
    return {"tool": "rl-scan", "docs": len(files), "pages": pages, "seconds": secs, "found": found,
            "errors": errors, "peak_rss": bench.vm_hwm(), "peak_pss": None, "driver_rss": bench.vm_hwm(),
            "cpu": cpu, "stages": dict(T), "by_kind": {k: list(v) for k, v in by_kind.items()}}


def run_batch(folder: str, workers: int) -> dict:
    """``scan_many(folder, workers=N)`` as ``redactlens scan DIR --json`` runs it (a generous time
    limit: a long scanned document must not be cut), with the peak memory of all its processes."""
    from redactlens.batch import iter_scan
    from redactlens.batch.runner import analyse
    from redactlens.model import BatchReport
    tree = bench.TreePeak()
    t0 = time.perf_counter()
    c0 = _cpu()
    # scan_many itself, in its two phases: the documents in the workers, then the batch-level
    # stages in this process (cross-document recovery, consistency), which a one-process
    # ``redactlens.scan`` per document does not run
    settings = _settings(timeout=3600, memory_mb=4096)
    b = BatchReport()
    b.documents = list(iter_scan([folder], workers=workers, settings=settings))
    scan_secs = time.perf_counter() - t0
    # (older code's batch-level analysis takes no settings)
    b = analyse(b, settings) if len(inspect.signature(analyse).parameters) > 1 else analyse(b)
    secs = time.perf_counter() - t0
    rss, pss = tree.stop()
    # the workers are the forkserver's children: RUSAGE_CHILDREN (``_cpu``) missed them; the tree's
    # samples count each process (``_cpu`` kept as a floor for processes too short to be sampled)
    cpu = max(tree.cpu(), _cpu() - c0)
    return {"tool": "rl-batch", "docs": len(b.documents), "pages": sum(d.pages or 0 for d in b.documents),
            "seconds": secs, "scan_seconds": scan_secs, "analysis_seconds": secs - scan_secs, "found": sum(len(d.redactions) for d in b.documents),
            "errors": sum(1 for d in b.documents if d.error and not d.skipped),
            "peak_rss": max(rss, bench.vm_hwm()), "peak_pss": pss, "driver_rss": bench.vm_hwm(), "cpu": cpu}


def _settings(**kw):
    """The settings of the run: the defaults (from the environment, as a user gets them) and the
    driver's ``--set`` values (``REDACTLENS_BENCH_SETTINGS``, JSON)."""
    from redactlens.settings import Settings
    extra = json.loads(os.environ.get("REDACTLENS_BENCH_SETTINGS") or "{}")
    return Settings.from_env(**{**extra, **kw})


def _cpu() -> float:
    """CPU seconds of this process and of its children that have ended (the pool's workers and
    forkserver, once joined): on a shared machine wall time measures the neighbours too."""
    import resource
    a, b = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime


def _child(args: list[str]) -> dict:
    import subprocess
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(HERE), str(ROOT), env.get("PYTHONPATH")) if p)
    res = subprocess.run([sys.executable, str(Path(__file__)), *args], capture_output=True, text=True, env=env,
                         timeout=4 * 3600)
    if res.returncode != 0:
        return {"error": (res.stderr.strip().splitlines() or ["failed"])[-1][:200]}
    return json.loads(res.stdout.strip().splitlines()[-1])


def _wrap_stages(P, T):
    pc = time.perf_counter

    def timed(name, fn):
        def w(*a, **k):
            t = pc()
            try:
                return fn(*a, **k)
            finally:
                T[name] += pc() - t
        return w

    def timed_list(name, fn):
        def w(*a, **k):
            t = pc()
            try:
                return list(fn(*a, **k))
            finally:
                T[name] += pc() - t
        w.__name__ = fn.__name__
        return w

    base_pm = P.PageModel

    class TimedPageModel(base_pm):
        def __init__(self, page, number, settings=None):
            t = pc()
            super().__init__(page, number, settings)
            for attr in ("chars", "lines", "drawings", "images", "annots"):
                getattr(self, attr)
            T["page model"] += pc() - t

    def wrap(obj, name, label):
        # a stage older code does not have is left untimed: the benchmark also measures earlier commits
        if hasattr(obj, name):
            setattr(obj, name, timed(label, getattr(obj, name)))

    for name, label in (("read_input", "open: read + sha256"), ("open_pdf", "open: MuPDF open"),
                        ("judge", "evidence: judge"), ("page_context_filters", "evidence: page filters"),
                        ("enrich_page", "enrichment"), ("rank_document", "enrichment: glyph ranking"),
                        ("release_letters", "enrichment: release letters"), ("page_summary", "clear-text summary"),
                        ("page_hidden", "forensics"), ("earlier_revisions", "forensics"),
                        ("analyse_document", "forensics")):
        wrap(P, name, label)
    wrap(P.leaks, "resolve", "leaks: resolver")
    P.PageModel = TimedPageModel
    P.DETECTORS = tuple(timed_list(f"detector: {f.__name__}", f) for f in P.DETECTORS)
    for name in ("drop_visible_ocr_words", "image_ink", "prepare_ocr", "outlines_after_ocr", "image_leaks",
                 "leak_findings", "run_ocr"):
        label = "scanned: OCR image (decode/render)" if name == "prepare_ocr" else f"scanned: {name}"
        if hasattr(P.scanned, name):
            setattr(P.scanned, name, timed(label, getattr(P.scanned, name)))
    bench.time_ocr_reads(P, T, "scanned: OCR (Tesseract read of the page)")
    return T


# ------------------------------------------------------------------------------------------------
# the driver


def _pps(r: dict) -> float:
    return r["pages"] / r["seconds"] if r.get("seconds") else float("nan")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", default=str(SHARED), help="the shared folder (default ../shared)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--max-pages", type=int, default=None, help="at most about this many pages per group")
    ap.add_argument("--out", default=str(Path(os.environ.get("TMPDIR", "/tmp")) / "redactlens-bench-real"))
    ap.add_argument("--no-xray", action="store_true")
    ap.add_argument("--setup-xray", action="store_true", help="create x-ray's virtualenv if missing")
    ap.add_argument("--json", default=None, help="also write the raw results here")
    ap.add_argument("--label", default=None, help="what code this is, printed in the header")
    ap.add_argument("--set", default=None, help='settings for redactlens as JSON, e.g. \'{"ocr_regions": true}\'')
    args = ap.parse_args(argv)
    if args.set:
        os.environ["REDACTLENS_BENCH_SETTINGS"] = args.set
    files = real_files(Path(args.shared))
    if not files:
        print(f"no real files under {args.shared} (realworld/, releases/)", file=sys.stderr)
        return 1
    xray_py = None
    if not args.no_xray:
        xray_py = bench.setup_xray() if args.setup_xray else (bench.XRAY_VENV / "bin" / "python")
        if xray_py and not Path(xray_py).exists():
            print(f"x-ray skipped: no {xray_py} (run with --setup-xray)", file=sys.stderr)
            xray_py = None
    head = bench._git("rev-parse", "--short", "HEAD")
    dirty = bench._git("status", "--porcelain", "--", "redactlens")
    print(f"redactlens real-release benchmark  {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}")
    print(f"code: {args.label}" if args.label else f"code: commit {head}" + (f" + uncommitted changes in {len(dirty.splitlines())} file(s)" if dirty else " (clean)"))
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start; {bench._versions(xray_py)}")
    print("settings: defaults" + (f" + {args.set}" if args.set else "") + "; OCR as a user gets it")
    groups = make_groups(files, Path(args.out), args.max_pages)
    results: dict = {"groups": {}}
    for g, grp in sorted(groups.items(), reverse=True):
        print(f"{g}: {len(grp['files'])} files, {grp['pages']} pages ({grp['kinds']})", file=sys.stderr)
        row: dict = {}
        results["groups"][g] = {"files": len(grp["files"]), "pages": grp["pages"], "kinds": grp["kinds"], "tools": row}
        runs = [("redactlens scan", lambda: _child(["_scan_timed", grp["folder"]])),
                (f"redactlens batch x{args.workers}", lambda: _child(["_batch", grp["folder"], str(args.workers)]))]
        if xray_py:
            runs.append(("x-ray", lambda: bench._child(["_run", "xray", grp["folder"], "1"], python=str(xray_py))))
        for k, run in runs:
            r = row[k] = run()
            if "error" in r:
                print(f"  {k}: FAILED {r['error']}", file=sys.stderr)
            else:
                print(f"  {k:<22} {r['pages']:>5} pages {r['seconds']:8.1f} s {_pps(r):7.2f} pages/s "
                      f"CPU {r.get('cpu') or 0:7.1f} s peak {bench._mb(r['peak_rss'])}", file=sys.stderr)
                if "scan_seconds" in r:
                    print(f"  {'':<22} of which the documents {r['scan_seconds']:.1f} s "
                          f"({r['pages'] / r['scan_seconds'] if r['scan_seconds'] else float('nan'):.2f} pages/s), "
                          f"the batch-level stages {r['analysis_seconds']:.1f} s", file=sys.stderr)
            if args.json:      # after every tool: a run stopped early keeps what it measured
                with open(args.json, "w") as fh:
                    json.dump(results, fh, indent=1)
    results["load_end"] = os.getloadavg()[0]
    print_tables(results, args.workers)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(results, fh, indent=1)
    return 0


def print_tables(results: dict, workers: int) -> None:
    print(f"load average at the end {results['load_end']:.1f} (2 shared cores: wall time includes the "
          "neighbours; CPU seconds do not)\n")
    w = (24, 9, 9, 9, 9, 26, 9, 9)
    print("== throughput per group (pages/s; peak memory; ratios in this run)")
    for g, res in results["groups"].items():
        print(f"-- {g}: {res['files']} files, {res['pages']} pages {res['kinds']}")
        print(bench._row(["tool", "pages/s", "s/page", "seconds", "CPU s", "peak RSS (PSS all procs)", "vs x-ray",
                         "vs scan"], w))
        row = res["tools"]
        xr, one = row.get("x-ray", {}), row.get("redactlens scan", {})
        for name, r in row.items():
            if "seconds" not in r:
                print(bench._row([name, "failed", "", "", "", "", "", ""], w))
                continue
            mem = bench._mb(r["peak_rss"]) + (f" ({bench._mb(r['peak_pss'])})" if r.get("peak_pss") else "")
            print(bench._row([name, f"{_pps(r):.2f}", f"{r['seconds'] / max(r['pages'], 1):.3f}", f"{r['seconds']:.1f}",
                              f"{r['cpu']:.1f}" if r.get("cpu") is not None else "-", mem, f"{_pps(r) / _pps(xr):.2f}x" if "seconds" in xr else "-",
                              f"{_pps(r) / _pps(one):.2f}x" if "seconds" in one else "-"], w))
    print()
    print("== redactlens scan, one process: time inside the page stages by page kind (whole run)")
    tot: dict[str, list] = defaultdict(lambda: [0, 0.0, 0.0])
    for res in results["groups"].values():
        for k, v in res["tools"].get("redactlens scan", {}).get("by_kind", {}).items():
            for j, x in enumerate(v):
                tot[k][j] += x
    for k, (n, s, c) in sorted(tot.items()):
        print(f"  {k:<8} pages {n:>5}: {s:8.1f} s, {n / s if s else float('nan'):7.2f} pages/s, "
              f"{1000 * s / max(n, 1):8.1f} ms/page; CPU {1000 * c / max(n, 1):8.1f} ms/page")
    print()
    print("== cost per stage (redactlens scan, one process; ms per page of the group, share of its time)")
    labels = list(results["groups"])
    names = sorted({k for g in labels for k in results["groups"][g]["tools"].get("redactlens scan", {}).get("stages", {})})
    w4 = (36,) + (20,) * len(labels)
    print(bench._row(["stage"] + labels, w4))
    for k in names:
        cells = []
        for g in labels:
            r = results["groups"][g]["tools"].get("redactlens scan", {})
            if "stages" not in r:
                cells.append("-")
                continue
            v = r["stages"].get(k, 0.0)
            cells.append(f"{1000 * v / max(r['pages'], 1):.1f} ({100 * v / r['seconds']:.0f}%)")
        print(bench._row([k] + cells, w4))
    cells = []
    for g in labels:
        r = results["groups"][g]["tools"].get("redactlens scan", {})
        cells.append(f"{1000 * r['seconds'] / max(r['pages'], 1):.1f}" if "seconds" in r else "-")
    print(bench._row(["total (stages nest: detectors call judge)"] + cells, w4))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_scan_timed":
        print(json.dumps(run_scan_timed(sys.argv[2])))
    elif len(sys.argv) > 1 and sys.argv[1] == "_batch":
        print(json.dumps(run_batch(sys.argv[2], int(sys.argv[3]))))
    else:
        sys.exit(main())

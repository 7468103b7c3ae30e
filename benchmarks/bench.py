"""Throughput and memory of redactlens against the baselines a newsroom would pick instead.

    python3 benchmarks/bench.py --quick        # releases of 100 and 1,000 pages (a few minutes)
    python3 benchmarks/bench.py                # full: 100, 1,000 and 5,000 pages (tens of minutes)

In one run it generates (deterministically, ``benchmarks/bench_release.py``) a realistic release of
N pages -- forms, tables, narratives with vector / annotation / text-mask redactions, and scanned
pages with bars burned into the image -- and measures, each in its own fresh process:

* ``redactlens scan``  -- ``redactlens.scan(path)`` for every document, one process (full analysis);
* ``redactlens batch`` -- ``redactlens.scan_many(folder, workers=W)``: the parallel batch with its
  limits, as ``redactlens scan FOLDER --json`` runs it (plus the batch-level analysis);
* ``x-ray``            -- Free Law Project's x-ray, ``xray.inspect(path)`` per document, installed as
  pip installs it (its own virtualenv: it pins PyMuPDF 1.24.14) -- ``--setup-xray`` makes it;
* ``x-ray@pymupdf2``   -- the same x-ray code on redactlens's PyMuPDF, so the engine is the same;
* ``pdfplumber``       -- a naive pass: open, ``page.rects`` and ``page.chars`` of every page.

It prints pages/s, peak RSS, ratios against x-ray and pdfplumber, seconds per page as the release
grows (linear means flat), text-layer pages against scanned pages, and what each stage of the
redactlens pipeline costs per page (timed by wrapping the pipeline's stage functions in the
measuring process only; nothing is timed in the unit tests).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
XRAY_VENV = Path(os.environ.get("REDACTLENS_BENCH_XRAY_VENV",
                                Path.home() / ".cache" / "redactlens-bench" / "xray-venv"))


# --------------------------------------------------------------------------------------------
# measuring one tool over one folder (runs in a child process)


def _pdfs(folder: str) -> list[str]:
    return sorted(str(p) for p in Path(folder).glob("*.pdf"))


def vm_hwm() -> int:
    """Peak RSS of this process (VmHWM: per address space, so not inherited across exec the way
    ``ru_maxrss`` is -- a child would otherwise report the driver's size)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


#: seconds between two samples of the process tree's RSS and CPU (:class:`TreePeak`)
SAMPLE_S = 0.1
#: PSS (``smaps``) is read on every this many samples only
PSS_EVERY = 10


class TreePeak:
    """Peak of the summed RSS and PSS (shared pages divided among their users) of this process and
    all its descendants: the driver, the forkserver and the workers; and the CPU seconds they used
    (:meth:`cpu`).  RSS and CPU are sampled every :data:`SAMPLE_S` (``/proc/PID/stat``-cheap), PSS
    every :data:`PSS_EVERY` samples: reading a process's ``smaps`` takes ~4 ms of this process's
    time with the GIL held, and sampling it for five processes every 50 ms took about a third of
    a core from the batch being measured (its runner and pool threads are in this process).  The pool's workers are children of the forkserver, not
    of the driver, and the forkserver lives as long as the driver: ``RUSAGE_CHILDREN`` of the
    driver never sees them, so each descendant's own user + system time is sampled by pid (the
    last sample of a process that ends between two samples misses at most 50 ms of it)."""

    def __init__(self):
        import psutil
        self.proc, self.rss, self.pss, self._stop = psutil.Process(), 0, 0, threading.Event()
        self._cpu: dict[tuple, float] = {}     # (pid, start time) -> user + system seconds seen
        self._own0 = self._times(self.proc)
        self.t = threading.Thread(target=self._run, daemon=True)
        self.t.start()

    def _sample(self, full: bool = True) -> tuple[int, int]:
        rss = pss = 0
        try:
            procs = [self.proc] + self.proc.children(recursive=True)
        except Exception:
            return 0, 0
        for p in procs:
            try:
                if full:
                    m = p.memory_full_info()
                    rss += m.rss
                    pss += getattr(m, "pss", m.rss)
                else:
                    rss += p.memory_info().rss
                if p.pid != self.proc.pid:
                    self._cpu[(p.pid, p.create_time())] = self._times(p)
            except Exception:
                pass
        return rss, pss

    @staticmethod
    def _times(p) -> float:
        t = p.cpu_times()
        return t.user + t.system

    def cpu(self) -> float:
        """CPU seconds of this process since the start and of every descendant seen (call after
        :meth:`stop`)."""
        return self._times(self.proc) - self._own0 + sum(self._cpu.values())

    def _run(self):
        n = 0
        while not self._stop.is_set():
            r, p = self._sample(full=n % PSS_EVERY == 0)
            self.rss, self.pss = max(self.rss, r), max(self.pss, p)
            n += 1
            self._stop.wait(SAMPLE_S)

    def stop(self) -> tuple[int, int]:
        self._stop.set()
        self.t.join()
        r, p = self._sample()
        return max(self.rss, r), max(self.pss, p)


def run_tool(tool: str, folder: str, workers: int) -> dict:
    files = _pdfs(folder)
    pages = found = errors = 0
    tree = TreePeak() if tool in ("rl-batch", "rl-stream") else None
    if tool == "rl-scan":
        import redactlens
        redactlens.scan(files[0])  # warm: lazy imports and caches are not the release's cost
        t0, c0 = time.perf_counter(), _own_cpu()
        for f in files:
            r = redactlens.scan(f)
            pages += r.pages or 0
            found += len(r.redactions)
            errors += bool(r.error)
        secs = time.perf_counter() - t0
    elif tool == "rl-batch":
        import redactlens
        from redactlens.settings import Settings
        t0, c0 = time.perf_counter(), _own_cpu()
        # from_env: the same REDACTLENS_OCR (--ocr) as the one-process scan gets; Settings(...) alone
        # would take the default (OCR on) and read the scanned pages the other tools do not
        b = redactlens.scan_many([folder], workers=workers, settings=Settings.from_env(timeout=300, memory_mb=4096))
        secs = time.perf_counter() - t0
        pages = sum(d.pages or 0 for d in b.documents)
        found = sum(len(d.redactions) for d in b.documents)
        errors = sum(1 for d in b.documents if d.error and not d.skipped)
    elif tool == "rl-stream":
        # what `redactlens scan FOLDER --jsonl out.jsonl` does: reports written as they finish, none kept
        from redactlens.batch import scan_many
        from redactlens.settings import Settings
        from redactlens.stream import JsonlWriter
        counts = {"pages": 0, "found": 0, "errors": 0}

        def write(d, w):
            w.write(d)
            counts["pages"] += d.pages or 0
            counts["found"] += len(d.redactions)
            counts["errors"] += bool(d.error and not d.skipped)

        out = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"redactlens-bench-{os.getpid()}.jsonl")
        t0, c0 = time.perf_counter(), _own_cpu()
        try:
            with JsonlWriter(out, force=True) as w:
                scan_many([folder], workers=workers, settings=Settings.from_env(timeout=300, memory_mb=4096), keep=False,
                          ordered=False, on_result=lambda d: write(d, w))
        finally:
            if os.path.exists(out):
                os.unlink(out)
        secs = time.perf_counter() - t0
        pages, found, errors = counts["pages"], counts["found"], counts["errors"]
    elif tool in ("xray", "xray-same"):
        import asyncio
        import inspect
        import xray
        import pymupdf
        loop = asyncio.new_event_loop()

        def inspect_one(f):
            res = xray.inspect(f)
            return loop.run_until_complete(res) if inspect.isawaitable(res) else res

        for f in files:   # counted before the clock starts
            with pymupdf.open(f) as d:
                pages += d.page_count
        inspect_one(files[0])
        t0, c0 = time.perf_counter(), _own_cpu()
        for f in files:
            try:
                res = inspect_one(f)
                found += sum(len(v) for v in res.values())
            except Exception:
                errors += 1
        secs = time.perf_counter() - t0
    elif tool == "plumber":
        import pdfplumber
        t0, c0 = time.perf_counter(), _own_cpu()
        for f in files:
            with pdfplumber.open(f) as pdf:
                for page in pdf.pages:
                    found += len(page.rects)
                    _ = page.chars
                    pages += 1
        secs = time.perf_counter() - t0
    else:
        raise SystemExit(f"unknown tool {tool}")
    cpu = _own_cpu() - c0
    rss, pss, own = vm_hwm(), None, vm_hwm()
    if tree is not None:
        tree_rss, pss = tree.stop()
        rss = max(rss, tree_rss)
        cpu = tree.cpu()      # the driver, the forkserver and every worker (RUSAGE_CHILDREN sees none of them)
    return {"tool": tool, "docs": len(files), "pages": pages, "seconds": secs, "found": found, "errors": errors,
            "peak_rss": rss, "peak_pss": pss, "driver_rss": own, "cpu": cpu}


def _own_cpu() -> float:
    """CPU seconds (user + system) of this process so far."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def time_ocr_reads(P, T: dict, label: str) -> None:
    """Add the seconds of every Tesseract read of a page (``scanned.OcrJob.read``) to ``T[label]``.
    The reads run in the OCR threads when there are some: they overlap the page loop, and the
    stages' seconds then add up to more than the wall time.  Older code (a BEFORE run) without
    ``OcrJob`` is left as it is."""
    base_read = getattr(getattr(P.scanned, "OcrJob", None), "read", None)
    if base_read is None:
        return
    lock, pc = threading.Lock(), time.perf_counter

    def read(self):
        t = pc()
        try:
            return base_read(self)
        finally:
            with lock:
                T[label] += pc() - t

    P.scanned.OcrJob.read = read


def run_stages(folder: str) -> dict:
    """Per-stage seconds over a folder, by wrapping the pipeline's stage functions."""
    import redactlens.pipeline as P
    T: dict[str, float] = defaultdict(float)
    pc = time.perf_counter

    def timed(name, fn, materialise=False):
        def w(*a, **k):
            t = pc()
            try:
                r = fn(*a, **k)
                return list(r) if materialise else r
            finally:
                T[name] += pc() - t
        return w

    base_pm = P.PageModel

    class TimedPageModel(base_pm):
        def __init__(self, page, number, settings=None):
            t = pc()
            super().__init__(page, number, settings)
            for attr in ("chars", "lines", "drawings", "images", "annots"):
                getattr(self, attr)
            T["page model (chars, lines, drawings, images, annots)"] += pc() - t

    P.read_input = timed("open: read + sha256", P.read_input)
    P.open_pdf = timed("open: MuPDF open", P.open_pdf)
    P.PageModel = TimedPageModel
    P.DETECTORS = tuple(timed(f"detector: {f.__name__}", f, materialise=True) for f in P.DETECTORS)
    P.judge = timed("evidence: judge", P.judge)
    P.page_context_filters = timed("evidence: page filters", P.page_context_filters)
    P.to_redaction = timed("report: redactions", P.to_redaction)
    P.channels_of = timed("leaks: channels", P.channels_of)
    P.leaks.resolve = timed("leaks: resolver", P.leaks.resolve)
    P.enrich_page = timed("enrichment", P.enrich_page)
    P.rank_document = timed("enrichment: glyph ranking", P.rank_document)
    P.page_summary = timed("clear-text summary", P.page_summary)
    P.earlier_revisions = timed("forensics: earlier revisions", P.earlier_revisions)
    P.revision_texts = timed("forensics: earlier revisions", P.revision_texts)
    P.analyse_document = timed("forensics", P.analyse_document)
    for name, label in (("drop_visible_ocr_words", "scanned pages: visible OCR words"),
                        ("image_ink", "scanned pages: image under boxes"),
                        ("prepare_ocr", "scanned pages: OCR image"),
                        ("outlines_after_ocr", "scanned pages: outlines after OCR"),
                        ("image_leaks", "scanned pages: image_under_box leaks"),
                        ("leak_findings", "scanned pages: findings"),
                        ("run_ocr", "scanned pages: OCR (Tesseract)")):
        if hasattr(P.scanned, name):        # older code (a BEFORE run) may not have the stage
            setattr(P.scanned, name, timed(label, getattr(P.scanned, name)))
    time_ocr_reads(P, T, "scanned pages: OCR (Tesseract)")
    files = _pdfs(folder)
    P.scan(files[0])
    T.clear()
    pages = 0
    t0 = pc()
    for f in files:
        pages += P.scan(f).pages or 0
    total = pc() - t0
    return {"pages": pages, "total": total, "stages": dict(T)}


# --------------------------------------------------------------------------------------------
# the driver


def _child(args: list[str], python: str = sys.executable, extra_path: str | None = None,
           timeout: float = 7200) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(HERE), str(ROOT), env.get("PYTHONPATH")) if p)
    if extra_path:  # appended after site-packages: x-ray's own modules, but our PyMuPDF
        env["REDACTLENS_BENCH_APPEND_PATH"] = extra_path
    res = subprocess.run([python, str(Path(__file__)), *args], capture_output=True, text=True, env=env,
                         timeout=timeout)
    if res.returncode != 0:
        return {"error": (res.stderr.strip().splitlines() or ["failed"])[-1][:200]}
    return json.loads(res.stdout.strip().splitlines()[-1])


def setup_xray() -> Path | None:
    py = XRAY_VENV / "bin" / "python"
    if py.exists():
        return py
    print(f"creating {XRAY_VENV} with x-ray (pip install x-ray psutil) ...", file=sys.stderr)
    try:
        subprocess.run([sys.executable, "-m", "venv", str(XRAY_VENV)], check=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", "x-ray", "psutil"], check=True)
    except (subprocess.CalledProcessError, OSError) as exc:
        print(f"x-ray could not be installed: {exc}", file=sys.stderr)
        return None
    return py


def _xray_site(py: Path) -> str | None:
    try:
        out = subprocess.run([str(py), "-c", "import xray, os; print(os.path.dirname(os.path.dirname(xray.__file__)))"],
                             capture_output=True, text=True, timeout=60)
        return out.stdout.strip() or None
    except Exception:
        return None


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=30).stdout.strip()
    except Exception:
        return "?"


def _versions(xray_py) -> str:
    import pdfplumber
    import pymupdf
    xv = "not installed"
    if xray_py:
        xv = subprocess.run([str(xray_py), "-c", "import importlib.metadata as m; print(m.version('x-ray'), "
                             "'on PyMuPDF', m.version('PyMuPDF'))"], capture_output=True, text=True).stdout.strip()
    return (f"PyMuPDF {pymupdf.VersionBind} (MuPDF {pymupdf.VersionFitz}), pdfplumber {pdfplumber.__version__}, "
            f"x-ray {xv}, Python {platform.python_version()}")


def _mb(b: float) -> str:
    return f"{b / 1e6:,.0f} MB"


def _row(cells, widths):
    return "  ".join(str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in enumerate(zip(cells, widths)))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="releases of 100 and 1,000 pages only")
    ap.add_argument("--sizes", default=None, help="comma-separated page counts (default 100,1000,5000)")
    ap.add_argument("--workers", type=int, default=2, help="workers of the parallel batch (default 2)")
    ap.add_argument("--out", default=None, help="folder for the generated releases (default: a temp folder)")
    ap.add_argument("--no-xray", action="store_true", help="skip the x-ray baseline")
    ap.add_argument("--setup-xray", action="store_true", help="create x-ray's virtualenv if missing")
    ap.add_argument("--json", default=None, help="also write the raw results to this file")
    ap.add_argument("--text-pages", type=int, default=None, help="pages of the text-layer set (300 quick, 1000)")
    ap.add_argument("--scan-pages", type=int, default=None, help="pages of the scanned set (100 quick, 300)")
    ap.add_argument("--ocr", default="off", help="REDACTLENS_OCR for redactlens (default off: no tool here OCRs)")
    args = ap.parse_args(argv)
    os.environ["REDACTLENS_OCR"] = args.ocr
    sizes = [int(s) for s in (args.sizes or ("100,1000" if args.quick else "100,1000,5000")).split(",")]
    out = Path(args.out or (Path(os.environ.get("TMPDIR", "/tmp")) / "redactlens-bench"))
    xray_py = None
    if not args.no_xray:
        xray_py = setup_xray() if args.setup_xray else (XRAY_VENV / "bin" / "python")
        if xray_py and not Path(xray_py).exists():
            print(f"x-ray baseline skipped: no {xray_py} (run with --setup-xray)", file=sys.stderr)
            xray_py = None
    xray_site = _xray_site(xray_py) if xray_py else None

    from bench_release import make_release
    head = _git("rev-parse", "--short", "HEAD")
    dirty = _git("status", "--porcelain", "--", "redactlens")
    raster = _git("log", "-1", "--format=%h %s", "--", "redactlens/detect/raster.py")
    raster_dirty = bool(_git("status", "--porcelain", "--", "redactlens/detect/raster.py"))
    print(f"redactlens benchmark  {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}")
    print(f"code: commit {head}" + (f" + uncommitted changes in {len(dirty.splitlines())} file(s) under redactlens/"
                                    if dirty else " (clean)"))
    print(f"raster detector: last commit {raster[:60]}" + (" + uncommitted edits" if raster_dirty else ""))
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start; {_versions(xray_py)}")
    print(f"releases in {out}; parallel batch with {args.workers} workers; OCR {args.ocr}\n")

    results: dict = {"sizes": {}, "sets": {}, "stages": {}}
    tools = [("redactlens scan", "rl-scan", None, None), (f"redactlens batch x{args.workers}", "rl-batch", None, None),
             (f"redactlens --jsonl x{args.workers}", "rl-stream", None, None)]
    if xray_py:
        tools += [("x-ray", "xray", str(xray_py), None)]
        if xray_site:
            tools += [("x-ray@pymupdf2", "xray-same", sys.executable, xray_site)]
    tools += [("pdfplumber naive", "plumber", None, None)]

    def measure(folder: str, only: set | None = None) -> dict:
        row = {}
        for label, tool, py, extra in tools:
            if only is not None and tool not in only:
                continue
            r = _child(["_run", tool, folder, str(args.workers)], python=py or sys.executable, extra_path=extra)
            row[label] = r
            if "error" in r:
                print(f"  {label}: FAILED {r['error']}", file=sys.stderr)
            else:
                print(f"  {label:<22} {r['pages']:>6} pages {r['seconds']:8.1f} s "
                      f"{r['pages'] / r['seconds']:8.1f} pages/s  CPU {r.get('cpu') or 0:7.1f} s  "
                      f"peak {_mb(r['peak_rss'])}", file=sys.stderr)
        return row

    sets = {"text-layer pages": ("text", {"form": 0.4, "table": 0.25, "narrative": 0.35},
                                 args.text_pages or (300 if args.quick else 1000)),
            "scanned pages": ("scan", {"scan": 1.0}, args.scan_pages or (100 if args.quick else 300))}
    for n in sizes:
        folder = str(out / f"mixed-{n}")
        t = time.perf_counter()
        man = make_release(folder, n)
        print(f"release of {n} pages: {len(man['documents'])} documents {man['by_kind']} "
              f"(written in {time.perf_counter() - t:.0f} s)", file=sys.stderr)
        # the baselines and the one-process scan up to 1,000 pages; beyond, the batch (how it is run)
        only = None if n <= 1000 else {"rl-stream"}
        results["sizes"][n] = {"manifest": {k: man[k] for k in ("pages", "by_kind")},
                               "tools": measure(folder, only)}
    for label, (tag, mix, n) in sets.items():
        folder = str(out / f"{tag}-{n}")
        make_release(folder, n, seed=11, mix=mix)
        print(f"{label}: {n} pages", file=sys.stderr)
        results["sets"][label] = {"pages": n, "tools": measure(folder)}
        results["stages"][label] = _child(["_stages", folder])

    print_tables(results, sizes, [t[0] for t in tools], args.workers)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(results, fh, indent=1)
    return 0


def print_tables(results: dict, sizes: list[int], tools: list[str], workers: int) -> None:
    def pps(r):
        return r["pages"] / r["seconds"] if r.get("seconds") else float("nan")

    full = [n for n in sizes if len(results["sizes"][n]["tools"]) == len(tools)]
    big = max(full or sizes)
    row = results["sizes"][big]["tools"]
    print(f"== throughput on the mixed release of {big:,} pages "
          f"({results['sizes'][big]['manifest']['by_kind']})")
    w = (24, 10, 10, 10, 24, 11, 12)
    print(_row(["tool", "pages/s", "s/page", "CPU s", "peak RSS", "vs x-ray", "vs plumber"], w))
    xr, pl = row.get("x-ray", {}), row.get("pdfplumber naive", {})
    for name in tools:
        r = row.get(name, {})
        if "seconds" not in r:
            print(_row([name, "failed", "", "", "", "", ""], w))
            continue
        mem = _mb(r["peak_rss"]) + (f" (PSS {_mb(r['peak_pss'])})" if r.get("peak_pss") else "")
        print(_row([name, f"{pps(r):.1f}", f"{r['seconds'] / r['pages'] * 1000:.1f} ms",
                    f"{r['cpu']:.1f}" if r.get("cpu") is not None else "-", mem,
                    f"{pps(r) / pps(xr):.2f}x" if "seconds" in xr else "-",
                    f"{pps(r) / pps(pl):.2f}x" if "seconds" in pl else "-"], w))
    print()
    print("== scaling: milliseconds per page as the release grows (flat = linear)")
    w2 = (24,) + (10,) * len(sizes) + (14,)
    print(_row(["tool"] + [f"{n:,} p" for n in sizes] + ["last/first"], w2))
    for name in tools:
        cells = []
        per = []
        for n in sizes:
            r = results["sizes"][n]["tools"].get(name, {})
            if "seconds" in r:
                per.append(r["seconds"] / r["pages"] * 1000)
                cells.append(f"{per[-1]:.1f}")
            else:
                cells.append("-")
        ratio = f"{per[-1] / per[0]:.2f}" if len(per) >= 2 and per[0] else "-"
        print(_row([name] + cells + [ratio], w2))
    print()
    print("== memory as the release grows: peak RSS of the driving process / PSS of all its processes")
    print(_row(["tool"] + [f"{n:,} p" for n in sizes], (24,) + (22,) * len(sizes)))
    for name in tools:
        cells = []
        for n in sizes:
            r = results["sizes"][n]["tools"].get(name, {})
            if "seconds" not in r:
                cells.append("-")
            elif r.get("peak_pss"):
                cells.append(f"{_mb(r['driver_rss'])} / {_mb(r['peak_pss'])}")
            else:
                cells.append(_mb(r["peak_rss"]))
        print(_row([name] + cells, (24,) + (22,) * len(sizes)))
    print()
    print("== text-layer pages vs scanned pages (pages/s; peak RSS)")
    labels = list(results["sets"])
    w3 = (24,) + (26,) * len(labels)
    print(_row(["tool"] + [f"{lab} ({results['sets'][lab]['pages']})" for lab in labels], w3))
    for name in tools:
        cells = []
        for lab in labels:
            r = results["sets"][lab]["tools"].get(name, {})
            cells.append(f"{pps(r):.1f} p/s; {_mb(r['peak_rss'])}" if "seconds" in r else "-")
        print(_row([name] + cells, w3))
    for lab in labels:
        r, x = results["sets"][lab]["tools"], results["sets"][lab]["tools"].get("x-ray", {})
        if "seconds" in x:
            a, b = r.get("redactlens scan", {}), r.get(f"redactlens batch x{workers}", {})
            print(f"  {lab}: redactlens / x-ray = {pps(a) / pps(x):.2f}x in one process, "
                  f"{pps(b) / pps(x):.2f}x with the {workers}-worker batch")
    print()
    print("== cost per stage (redactlens.scan, one process; ms per page)")
    w4 = (52,) + (16,) * len(labels)
    print(_row(["stage"] + labels, w4))
    names = sorted({k for lab in labels for k in results["stages"][lab].get("stages", {})})
    for k in names:
        cells = []
        for lab in labels:
            st = results["stages"][lab]
            if "stages" not in st:
                cells.append("-")
                continue
            v = st["stages"].get(k, 0.0) / st["pages"] * 1000
            cells.append(f"{v:.2f} ({100 * st['stages'].get(k, 0.0) / st['total']:.0f}%)")
        print(_row([k] + cells, w4))
    cells = []
    for lab in labels:
        st = results["stages"][lab]
        if "stages" in st:
            other = st["total"] - sum(st["stages"].values())
            cells.append(f"{other / st['pages'] * 1000:.2f} ({100 * other / st['total']:.0f}%)")
        else:
            cells.append("-")
    print(_row(["other (pipeline glue, closing)"] + cells, w4))
    print(_row(["total"] + [f"{results['stages'][lab]['total'] / results['stages'][lab]['pages'] * 1000:.2f}"
                            if "stages" in results["stages"][lab] else "-" for lab in labels], w4))


if __name__ == "__main__":
    if os.environ.get("REDACTLENS_BENCH_APPEND_PATH"):
        sys.path.append(os.environ["REDACTLENS_BENCH_APPEND_PATH"])
    if len(sys.argv) > 1 and sys.argv[1] == "_run":
        print(json.dumps(run_tool(sys.argv[2], sys.argv[3], int(sys.argv[4]))))
    elif len(sys.argv) > 1 and sys.argv[1] == "_stages":
        print(json.dumps(run_stages(sys.argv[2])))
    else:
        sys.exit(main())

"""Time and memory to write a release's reports as SQLite (``--sqlite``) beside the JSON writer.

    python3 benchmarks/bench_sqlite.py [--pages 5000] [--scan-pages 500] [--workers 2] [--out /tmp/bench_sqlite]

1. ``benchmarks/bench_release.py`` generates ``--scan-pages`` pages of a realistic release
   (deterministic) and redactlens scans them once (cached as ``scan.json`` in ``--out``).
2. The scanned reports are repeated, each copy renamed (its path, sha256 and redaction ids), until
   the batch has ``--pages`` pages: the writers' cost depends only on the rows, so a 5,000-page
   batch of real scan results is measured without scanning 5,000 pages on a shared machine
   (``--scan-pages 5000`` scans them all).
   The consistency items are those of the scanned batch (analysing thousands of renamed copies of
   the same records would measure nothing real; the analysis is not a writer's cost).
3. Each writer runs in a fresh process that loads the batch first: ``write_json``,
   ``write_sqlite`` (whole batch, then renamed into place), and the streaming ``SqliteWriter``
   (one committed transaction per document, as ``scan --sqlite`` does).  Reported: wall time,
   the Python heap's peak during the write (tracemalloc), the process's peak RSS growth over the
   loaded batch, and the output's size; then the counts per table and a checksum of the ids,
   compared with the JSON.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing as mp
import os
import resource
import sys
import time
import tracemalloc

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))


def _scan(out: str, pages: int, workers: int) -> str:
    cache = os.path.join(out, f"scan-{pages}.json")
    if os.path.exists(cache):
        return cache
    sys.path.insert(0, HERE)
    from bench_release import make_release
    import redactlens
    folder = os.path.join(out, f"release-{pages}")
    if not os.path.isdir(folder):
        make_release(folder, pages)
    t0 = time.perf_counter()
    batch = redactlens.scan_many([folder], workers=workers, settings={"ocr": "off"})
    print(f"scanned {pages} pages in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    redactlens.output.write_json(batch, cache, force=True)
    return cache


def _grow(d: dict, pages: int) -> dict:
    """The batch of ``d`` repeated (copies renamed) until it has ``pages`` pages."""
    docs = [x for x in d["documents"] if x.get("pages")]
    out, total, k = [], 0, 0
    while total < pages:
        for x in docs:
            if total >= pages:
                break
            if k == 0:   # the scanned documents as they are (the consistency items name their ids)
                y = x
            else:
                name = os.path.basename(x["path"])
                stem = f"c{k:03d}-{name}"
                y = json.loads(json.dumps(x).replace(f"{name}#p", f"{stem}#p"))
                y["path"] = os.path.join(os.path.dirname(x["path"]), stem)
                y["sha256"] = hashlib.sha256((x["sha256"] or "").encode() + str(k).encode()).hexdigest()
            out.append(y)
            total += y["pages"]
        k += 1
    # the scanned batch's own consistency items (their redactions are those of the first copy): the
    # analysis of thousands of renamed copies of the same records would measure nothing real
    return {"schema": d["schema"], "documents": out, "consistency": d.get("consistency", [])}


def _child(kind: str, src: str, dest: str, q) -> None:
    from redactlens.model import BatchReport
    with open(src, encoding="utf-8") as fh:
        batch = BatchReport.from_dict(json.load(fh))   # consistency included (analysed once, in main)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    t0 = time.perf_counter()
    if kind == "json":
        from redactlens.output import write_json
        write_json(batch, dest, force=True)
    elif kind == "sqlite":
        from redactlens import write_sqlite
        write_sqlite(batch, dest, force=True)
    else:   # streaming, as scan --sqlite
        from redactlens.sqlite_out import SqliteWriter
        w = SqliteWriter(dest, force=True)
        for doc in batch.documents:
            w.write(doc)
        w.finish(batch)
    dt = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base
    q.put({"writer": kind, "seconds": round(dt, 2), "py_peak_mb": round(peak / 2 ** 20, 1),
           "rss_growth_mb": round(rss / 1024, 1), "size_mb": round(os.path.getsize(dest) / 2 ** 20, 1)})


def _check(src: str, db: str) -> dict:
    from redactlens.sqlite_out import read_counts
    import sqlite3
    with open(src, encoding="utf-8") as fh:
        d = json.load(fh)
    items = d["consistency"]
    want = {"documents": len(d["documents"]), "redactions": sum(len(x["redactions"]) for x in d["documents"]),
            "findings": sum(len(x["findings"]) for x in d["documents"]), "consistency": len(items),
            "consistency_members": sum(len(set(i["redactions"])) for i in items)}
    got = read_counts(db)
    con = sqlite3.connect(db)
    ids_db = sorted(r[0] for r in con.execute("select redaction_id from redactions"))
    con.close()
    ids_json = sorted(r["id"] for x in d["documents"] for r in x["redactions"])
    h = lambda ids: hashlib.sha256("\n".join(ids).encode()).hexdigest()[:16]
    return {"json": want, "sqlite": got, "ids_sha_json": h(ids_json), "ids_sha_sqlite": h(ids_db)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=5000)
    ap.add_argument("--scan-pages", type=int, default=500)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", default="/tmp/bench_sqlite")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    scanned = _scan(a.out, a.scan_pages, a.workers)
    with open(scanned, encoding="utf-8") as fh:
        grown = _grow(json.load(fh), a.pages)
    src = os.path.join(a.out, f"batch-{a.pages}.json")
    with open(src, "w", encoding="utf-8") as fh:
        json.dump(grown, fh)
    n_red = sum(len(x["redactions"]) for x in grown["documents"])
    print(f"batch: {len(grown['documents'])} documents, {sum(x['pages'] for x in grown['documents'])} pages, "
          f"{n_red} redactions")
    ctx = mp.get_context("spawn")
    results = []
    for kind, dest in (("json", "out.json"), ("sqlite", "out.db"), ("stream", "stream.db")):
        q = ctx.Queue()
        p = ctx.Process(target=_child, args=(kind, src, os.path.join(a.out, dest), q))
        p.start()
        results.append(q.get())
        p.join()
    print(f"{'writer':<8} {'seconds':>8} {'py peak MB':>11} {'RSS +MB':>8} {'size MB':>8}")
    for r in results:
        print(f"{r['writer']:<8} {r['seconds']:>8} {r['py_peak_mb']:>11} {r['rss_growth_mb']:>8} {r['size_mb']:>8}")
    for db in ("out.db", "stream.db"):
        print(db, json.dumps(_check(src, os.path.join(a.out, db))))


if __name__ == "__main__":
    main()

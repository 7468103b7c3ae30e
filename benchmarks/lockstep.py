"""Paired timing of two versions of redactlens on the same files, for changes smaller than the
machine's noise.

On the shared development machine the speed of a whole run moves by up to 2x between runs (the same
pdfplumber code measured 14.0 and 16.9 pages/s ten minutes apart), so two one-shot benchmark runs
cannot tell a 5 % change.  Here two long-lived processes, one per source tree, scan each file in
turn (the order alternating by pass), so both see the machine as it is at that moment; the minimum
over the passes is kept per file, and the sums are compared.

    python3 benchmarks/lockstep.py OLD_TREE NEW_TREE FOLDER [--passes 3] [--ocr off] [--per-file]

``OLD_TREE`` / ``NEW_TREE``: checkouts of redactlens (e.g. ``git worktree add ../old b3e74a1``).
Prints wall and CPU seconds of each and their ratio (above 1: the new tree is faster).
"""
from __future__ import annotations

import argparse
import glob
import os
import subprocess
import sys

_WORKER = r'''
import sys, time, warnings
sys.path.insert(0, sys.argv[1])
warnings.simplefilter("ignore")
import redactlens
for line in sys.stdin:
    path = line.rstrip("\n")
    t, c = time.perf_counter(), time.process_time()
    redactlens.scan(path)
    print(time.perf_counter() - t, time.process_time() - c, flush=True)
'''


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("folder")
    ap.add_argument("--passes", type=int, default=3)
    ap.add_argument("--ocr", default="off", help="REDACTLENS_OCR for both (default off)")
    ap.add_argument("--per-file", action="store_true")
    a = ap.parse_args(argv)
    files = sorted(glob.glob(os.path.join(a.folder, "*.pdf")))
    if not files:
        raise SystemExit(f"no PDF in {a.folder}")
    env = dict(os.environ, REDACTLENS_OCR=a.ocr)
    trees = {"old": a.old, "new": a.new}
    procs = {k: subprocess.Popen([sys.executable, "-c", _WORKER, t], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, text=True, env=env, cwd=t)
             for k, t in trees.items()}

    def scan(k: str, path: str) -> tuple[float, float]:
        p = procs[k]
        p.stdin.write(path + "\n")
        p.stdin.flush()
        out = p.stdout.readline().split()
        if len(out) != 2:
            raise SystemExit(f"the {k} tree's worker stopped on {path}")
        return float(out[0]), float(out[1])

    try:
        for k in procs:               # lazy imports and caches are not the files' cost
            scan(k, files[0])
        best: dict[str, dict[str, tuple[float, float]]] = {k: {} for k in procs}
        for i in range(a.passes):
            for f in files:
                for k in (("old", "new") if i % 2 == 0 else ("new", "old")):
                    w, c = scan(k, f)
                    prev = best[k].get(f)
                    best[k][f] = (min(w, prev[0]), min(c, prev[1])) if prev else (w, c)
    finally:
        for p in procs.values():
            p.stdin.close()
            p.wait()
    wall = {k: sum(v[0] for v in best[k].values()) for k in best}
    cpu = {k: sum(v[1] for v in best[k].values()) for k in best}
    print(f"{len(files)} files, {a.passes} passes, minimum per file")
    print(f"old {a.old}: wall {wall['old']:.2f} s, CPU {cpu['old']:.2f} s")
    print(f"new {a.new}: wall {wall['new']:.2f} s, CPU {cpu['new']:.2f} s")
    print(f"old/new: wall {wall['old'] / wall['new']:.3f}x, CPU {cpu['old'] / cpu['new']:.3f}x")
    if a.per_file:
        for f in files:
            print(f"  {os.path.basename(f)[:60]:60} {best['old'][f][0]:.3f} {best['new'][f][0]:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Detection accuracy of the core scan on the labelled fixtures of tests/gen_core.py.

    python benchmarks/core_report.py [--out DIR]

Generates the fixtures (deterministic), scans them and prints precision/recall/F1 per method
(IoU >= 0.5, one-to-one), negative controls hit, and text-under-box leaks recovered exactly.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))

import gen_core  # noqa: E402
import gen_leaks  # noqa: E402
import gen_random_forms  # noqa: E402

import redactlens  # noqa: E402
from redactlens import geometry as g  # noqa: E402
from scoring import match_boxes  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=None, help="folder for the fixtures (default: a temporary one)")
    ap.add_argument("--random", type=int, default=24, help="randomised form documents to score too (seeds 0..N-1)")
    a = ap.parse_args(argv)
    out = a.out or tempfile.mkdtemp(prefix="redactlens-core-")
    index = gen_core.build_all(out)
    reports = {name: redactlens.scan(os.path.join(out, name)) for name in index}
    print(f"{len(index)} fixture files, {sum(len(s['truth']) for s in index.values())} labelled boxes, "
          f"{sum(len(s['negatives']) for s in index.values())} negative controls")
    for method in ("vector", "annotation", "text", "image"):
        found = [((n, r.page), r.bbox) for n, rep in reports.items() for r in rep.redactions if r.method == method]
        truth = [((n, t["page"]), t["bbox"]) for n, s in index.items() for t in s["truth"] if t["method"] == method]
        print(f"  {method:<10} truth={len(truth):3d} {match_boxes(found, truth).row()}")
    found = [((n, r.page), r.bbox) for n, rep in reports.items() for r in rep.redactions]
    truth = [((n, t["page"]), t["bbox"]) for n, s in index.items() for t in s["truth"]]
    print(f"  {'all':<10} truth={len(truth):3d} {match_boxes(found, truth).row()}")
    hits = [(n, neg["kind"]) for n, s in index.items() for neg in s["negatives"] for r in reports[n].redactions
            if r.page == neg["page"] and (g.iou(tuple(r.bbox), tuple(neg["bbox"])) > 0.1
                                          or g.covered_fraction(tuple(r.bbox), tuple(neg["bbox"])) > 0.5)]
    print(f"negative controls hit: {len(hits)} {hits if hits else ''}")
    ok = want = false_leaks = 0
    for n, s in index.items():
        for t in s["truth"]:
            r = next((r for r in reports[n].redactions if r.page == t["page"]
                      and g.iou(tuple(r.bbox), tuple(t["bbox"])) >= 0.5), None)
            if t["leak"]:
                want += 1
                ok += bool(r and r.leak and r.leak.text == t["leak"] and r.leak.how == t["leak_how"])
            elif r is not None and r.leak is not None:
                false_leaks += 1
    print(f"leaks recovered exactly: {ok}/{want}; leaks reported where nothing leaks: {false_leaks}")
    leaks_out = os.path.join(out, "leaks")
    print("\nwhat each box hides (tests/gen_leaks.py), leak precision / recall per class:")
    print(gen_leaks.report(gen_leaks.score(leaks_out, gen_leaks.build_all(leaks_out))))
    if a.random:
        _random_report(out, a.random)
    return 0


def _random_report(out: str, n: int) -> None:
    docs = {}
    for seed in range(n):
        path = os.path.join(out, f"random-{seed}.pdf")
        truth, negs = gen_random_forms.build(seed, path)
        docs[seed] = (truth, negs, redactlens.scan(path))
    print(f"\nrandomised forms: {n} documents, {sum(len(t) for t, _, _ in docs.values())} labelled boxes, "
          f"{sum(len(ng) for _, ng, _ in docs.values())} negative controls")
    for method in ("vector", "annotation", "text"):
        found = [((s, r.page), r.bbox) for s, (_, _, rep) in docs.items() for r in rep.redactions if r.method == method]
        truth = [((s, p), b) for s, (t, _, _) in docs.items() for p, b, m, _, _ in t if m == method]
        print(f"  {method:<10} truth={len(truth):3d} {match_boxes(found, truth).row()}")
    hits = sum(1 for _, ng, rep in docs.values() for p, b, _ in ng for r in rep.redactions if r.page == p and (
        g.iou(tuple(r.bbox), tuple(b)) > 0.1 or g.covered_fraction(tuple(r.bbox), tuple(b)) > 0.5))
    want = got = 0
    for t, _, rep in docs.values():
        for p, b, _, leak, how in t:
            if leak:
                want += 1
                got += any(r.page == p and g.iou(tuple(r.bbox), tuple(b)) >= 0.5 and r.leak and r.leak.text == leak
                           and r.leak.how == how for r in rep.redactions)
    print(f"negative controls hit: {hits}; leaks recovered exactly: {got}/{want}")


if __name__ == "__main__":
    sys.exit(main())

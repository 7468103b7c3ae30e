"""Document forensics figures: recall and false findings per kind on the generated fixtures, and
the findings on every real-world PDF.

    python benchmarks/forensics_report.py [--realworld ../shared/realworld] [--no-realworld] [-v]

The fixtures come from ``tests/gen_forensics.py`` (written to a temporary folder and deleted
afterwards).  A fixture finding is *true* when it satisfies an expectation of its file and *false*
otherwise (every finding on a control is false).  For the real-world files every finding is
listed with its page, box and text so it can be checked by hand.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))

import gen_forensics as gf  # noqa: E402
import redactlens  # noqa: E402


#: the finding types document forensics produces (other stages may add their own)
FORENSIC = gf.KINDS


def fixtures(verbose: bool) -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        index = gf.build_all(tmp)
        t0 = time.time()
        reports = {fn: redactlens.scan(os.path.join(tmp, fn)).to_dict() for fn in index}
        took = time.time() - t0
    sc = gf.score(index, reports)
    controls = sum(1 for t in index.values() if t["control"])
    print(f"fixtures: {len(index)} files ({controls} controls), scanned in {took:.1f} s")
    print(f"{'kind':22} {'expected':>8} {'found':>6} {'recall':>7} {'false':>6}")
    ok = True
    for kind, s in sc.items():
        if not s["expected"] and not s["false"]:
            continue
        rec = f"{s['recall']:.3f}" if s["recall"] is not None else "-"
        print(f"{kind:22} {s['expected']:>8} {s['found']:>6} {rec:>7} {s['false']:>6}")
        ok &= s["found"] == s["expected"] and s["false"] == 0
        if verbose or s["missed"] or s["false_items"]:
            for m in s["missed"]:
                print(f"    missed: {m}")
            for m in s["false_items"]:
                print(f"    false:  {m}")
    silent = [fn for fn, t in index.items() if t["control"] and not reports[fn]["findings"]]
    print(f"controls with no finding: {len(silent)}/{controls}")
    return ok


def realworld(folder: str) -> None:
    files = sorted(f for f in os.listdir(folder) if f.lower().endswith(".pdf"))
    print(f"\nreal-world: {len(files)} PDFs in {folder}")
    total = 0
    for fn in files:
        t0 = time.time()
        rep = redactlens.scan(os.path.join(folder, fn))
        took = time.time() - t0
        rv = rep.metadata.get("revisions", {})
        leaks = [r for r in rep.redactions if r.leak and r.leak.how == "prior_revision"]
        others = [f for f in rep.findings if f.type not in FORENSIC]
        fw = [w for w in rep.warnings if w.startswith(("forensics", "prior_revision", "hidden", "hidden_layer"))]
        print(f"- {fn}: {len(rep.findings) - len(others)} forensic finding(s), revisions {rv.get('count', '?')}, "
              f"prior_revision leaks {len(leaks)}, layers {len(rep.metadata.get('layers', []))}, {took:.1f} s"
              + (f", error: {rep.error}" if rep.error else ""))
        for f in rep.findings:
            if f.type not in FORENSIC:
                continue
            total += 1
            where = f"p{f.page}" if f.page else "doc"
            if f.revision:
                where += f" rev{f.revision}"
            if f.bbox:
                where += f" {f.bbox}"
            text = " ".join(f.text.split())
            print(f"    {f.type}/{f.rule} {where}: {text[:90]!r}")
        if others:
            print(f"    ({len(others)} finding(s) of other stages not listed: "
                  f"{', '.join(sorted({f.type for f in others}))})")
        for r in leaks:
            print(f"    leak {r.id}: {r.leak.text[:80]!r}")
        for w in fw:
            print(f"    warning: {w[:160]}")
    print(f"real-world forensic findings in all: {total}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--realworld", default=os.path.join(HERE, "..", "..", "shared", "realworld"))
    ap.add_argument("--no-realworld", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args(argv)
    ok = fixtures(a.verbose)
    if not a.no_realworld and os.path.isdir(a.realworld):
        realworld(a.realworld)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Score redactlens on ../shared/realworld against BOXES.json and LEAKS.json.

    python benchmarks/realworld_report.py [--dir ../shared/realworld] [--render OUTDIR]

Prints, per file: boxes found / missed / false (IoU >= 0.5), leaks recovered, errors.  With
``--render`` it writes PNGs of every page that has a truth or found box (truth green, found red).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))

import redactlens  # noqa: E402
from scoring import Score, leak_recovered, match_boxes  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "realworld"))
    ap.add_argument("--render", default=None)
    ap.add_argument("--only", default=None, help="substring of file names to include")
    a = ap.parse_args(argv)
    boxes = json.load(open(os.path.join(a.dir, "BOXES.json")))
    leaks = json.load(open(os.path.join(a.dir, "LEAKS.json")))
    total, total_neg = Score(), 0
    leak_ok = leak_all = 0
    t0 = time.time()
    for fn in sorted(k for k in boxes if not k.startswith("_")):
        if a.only and a.only not in fn:
            continue
        rep = redactlens.scan(os.path.join(a.dir, fn))
        truth = [(b["page"], b["bbox"]) for b in boxes[fn].get("boxes", [])]
        found = [(r.page, r.bbox) for r in rep.redactions]
        s = match_boxes(found, truth)
        total.add(s)
        if boxes[fn].get("negative"):
            total_neg += len(found)
        items = leaks.get(fn, {}).get("items", []) if isinstance(leaks.get(fn), dict) else []
        ok = sum(leak_recovered(rep.redactions, it["page"], it["bbox"], it.get("text", "")) for it in items)
        leak_ok += ok
        leak_all += len(items)
        false_leaks = sum(1 for r in rep.redactions if r.leak and not any(
            it["page"] == r.page for it in items))
        print(f"{fn[:58]:58s} truth={len(truth):3d} found={len(found):3d} tp={s.tp:3d} miss={s.fn:3d} "
              f"false={s.fp:3d} leaks={ok}/{len(items)} false_leak_pages={false_leaks} "
              f"err={rep.error or '-'}")
        if a.render and (truth or found):
            _render(os.path.join(a.dir, fn), truth, found, a.render)
    print(f"\nALL boxes: {total.row()}  negative-file boxes: {total_neg}  leaks recovered: {leak_ok}/{leak_all}"
          f"  ({time.time() - t0:.1f}s)")
    return 0


def _render(path, truth, found, outdir):
    import pymupdf
    os.makedirs(outdir, exist_ok=True)
    doc = pymupdf.open(path)
    pages = sorted({p for p, _ in truth} | {p for p, _ in found})
    for pno in pages:
        page = doc[pno - 1]
        pix = page.get_pixmap(dpi=100)
        from PIL import Image, ImageDraw
        img = Image.frombytes("RGB", (pix.width, pix.height), pix.samples)
        d = ImageDraw.Draw(img)
        k = 100 / 72
        for p, b in truth:
            if p == pno:
                d.rectangle([b[0] * k - 2, b[1] * k - 2, b[2] * k + 2, b[3] * k + 2], outline=(0, 200, 0), width=2)
        for p, b in found:
            if p == pno:
                d.rectangle([b[0] * k, b[1] * k, b[2] * k, b[3] * k], outline=(255, 0, 0), width=1)
        img.save(os.path.join(outdir, f"{os.path.basename(path)[:40]}-p{pno}.png"))


if __name__ == "__main__":
    sys.exit(main())

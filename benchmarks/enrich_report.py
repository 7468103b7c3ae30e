"""Print the measured figures of enrichment (issue 4).

    python3 benchmarks/enrich_report.py [--keep DIR] [--no-realworld]

1. Generates the labelled fixtures of tests/gen_enrich.py (forms, tables, narratives in Helvetica,
   Times and Courier at 8-12 pt) into a temporary folder (or DIR), scans them with
   ``scan_many(workers=0)`` and prints field accuracy with the confusion between fields, exemption
   accuracy on labelled boxes and empty lists on unlabelled ones, ``est_chars`` mean absolute error and
   share within +-2, paragraph ``est_lines`` and glyph-position widths, per layout and font too;
   then the same for the harder forms (stacked labels, labels without a colon, wide box margins).
2. When ``../shared/realworld`` is present: per file, the redactions found and what enrichment said
   (fields, exemptions by source, glyph widths); the CIA bulletin is also enriched on its labelled
   raster boxes (BOXES.json) because raster detection is not this module's job.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import gen_enrich  # noqa: E402

import redactlens  # noqa: E402
from enrich_measure import confusion_table, enrich_boxes, evaluate  # noqa: E402

REALWORLD = ROOT.parent / "shared" / "realworld"
CIA = "cia-current-intelligence-bulletin-1951-white-box-redactions-3-5c-labels-ocr-4p.pdf"


def fixtures(out: str, layouts=gen_enrich.LAYOUTS) -> None:
    t0 = time.time()
    index = gen_enrich.build_all(out, layouts)
    paths = sorted(str(p) for p in Path(out).glob("*.pdf"))
    batch = redactlens.scan_many(paths, workers=0)
    f = evaluate(index["truth"], batch.documents)
    s = f.summary()
    print(f"== labelled fixtures {'/'.join(layouts)}: {len(paths)} files, {f.boxes} boxes, {f.matched} matched to a detected "
          f"redaction (IoU >= 0.5)  [{time.time() - t0:.1f} s]")
    print(f"field accuracy            {s['field_accuracy']:.4f}  ({f.field_ok}/{f.matched})")
    print(f"exemptions, labelled      {s['exemption_accuracy_labelled']:.4f}  ({f.labelled_ok}/{f.labelled}); "
          f"source right {s['exemption_source_accuracy']:.4f}")
    print(f"exemptions, unlabelled    {s['unlabelled_empty_share']:.4f} empty  ({f.unlabelled_empty}/{f.unlabelled})")
    print(f"est_chars MAE             {s['est_chars_mae']:.3f} chars over {f.chars_n} boxes; within +-2: "
          f"{s['est_chars_within2']:.4f}; truth inside est_chars_range: {s['est_chars_in_range']:.4f}; "
          f"missing {f.chars_missing}")
    print(f"paragraph boxes est_lines {s['est_lines_ok']} exact")
    print(f"glyph-position widths     {s['glyph_found']} found, {s['glyph_exact_0.05pt']} within 0.05 pt")
    by_source = Counter(t["source"] or "(none)" for t in index["truth"])
    print("truth exemption sources   " + ", ".join(f"{k} {v}" for k, v in sorted(by_source.items())))
    print("\nconfusion between fields (rows: truth, columns: predicted)")
    print(confusion_table(f.confusion))
    print("\nper layout/font           field acc   est_chars MAE")
    for grp, c in sorted(f.by_group.items()):
        mae = c["chars_err"] / c["chars_n"] if c["chars_n"] else 0.0
        print(f"  {grp:22s}  {c['field_ok'] / c['n']:.4f}      {mae:.3f}")
    if "hard" in layouts:
        kinds = Counter()
        docs = {os.path.basename(d.path): d for d in batch.documents}
        from enrich_measure import match
        for t in index["truth"]:
            for tt, r in match([t], [r for r in docs[t["file"]].redactions if r.page == t["page"]]):
                kinds[(t["hard"], "right" if r.field == t["field"] else r.field if r.field == "unknown" else "WRONG")] += 1
        print("hard forms by style: " + ", ".join(f"{k[0]}/{k[1]} {v}" for k, v in sorted(kinds.items())))
    errs = f.errors[:15]
    if errs:
        print("\nfirst errors:")
        for e in errs:
            print("  ", e)


def realworld() -> None:
    if not (REALWORLD / "BOXES.json").exists():
        print("\n(../shared/realworld not present: skipped)")
        return
    print("\n== real-world files (../shared/realworld)")
    for pdf in sorted(REALWORLD.glob("*.pdf")):
        rep = redactlens.scan(str(pdf))
        reds = rep.redactions
        fields = Counter(r.field for r in reds)
        src = Counter(r.exemption_source or "none" for r in reds)
        codes = Counter(c for r in reds for c in r.exemptions)
        glyph = sum(1 for r in reds if r.glyph)
        warn = [w for w in rep.warnings if "enrich" in w or "candidate" in w or "printed" in w]
        print(f"{pdf.name[:70]:70s} boxes={len(reds):3d} fields={dict(fields)} sources={dict(src)} "
              f"codes={dict(codes)} glyph={glyph}" + (f" ENRICH-WARNINGS={warn[:2]}" if warn else ""))
    # est_chars against the text still under boxes (the recovered text is the truth)
    from enrich_measure import size_against_recovered_text
    rows = []
    for pdf in sorted(REALWORLD.glob("*.pdf")):
        rows += [dict(x, file=pdf.name) for x in size_against_recovered_text(pdf)]
    est = [x for x in rows if x["est"] is not None]
    if est:
        errs = [abs(x["est"] - x["true"]) for x in est]
        rel = [abs(x["est"] - x["true"]) / x["true"] for x in est]
        inside = sum(x["range"][0] <= x["true"] <= x["range"][1] for x in est)
        print(f"\nest_chars vs text recovered under boxes: {len(est)} one-line boxes in "
              f"{len({x['file'] for x in est})} files: MAE {sum(errs) / len(errs):.2f} chars, "
              f"within +-2 {sum(e <= 2 for e in errs) / len(errs):.3f}, median relative error "
              f"{sorted(rel)[len(rel) // 2]:.3f}, truth inside range {inside}/{len(est)}; "
              f"{len(rows) - len(est)} taller boxes estimated in lines")
    # the CIA bulletin: raster boxes are another stage's job; enrich its labelled boxes directly
    boxes = json.loads((REALWORLD / "BOXES.json").read_text())[CIA]["boxes"]
    reds_all, rep = enrich_boxes(REALWORLD / CIA, boxes)
    src = Counter(r.exemption_source or "none" for r in reds_all)
    codes = Counter(c for r in reds_all for c in r.exemptions)
    print(f"\nCIA bulletin, its {len(reds_all)} labelled boxes enriched from the OCR layer: sources={dict(src)} "
          f"codes={dict(codes)} warnings={rep.warnings}")


def sizes_against_leaks_json() -> None:
    """``est_chars`` against the text that ``LEAKS.json`` (labelled independently of the scanner)
    lists under one-line boxes: each file is scanned, its page boxes enriched again *without* any
    leak (as :func:`enrich_measure.size_against_recovered_text` does), each labelled item matched to
    a box by IoU >= 0.5, and the estimate compared with the labelled text's length (spaces
    normalised).  Also prints how each output phrases the length (``length_text``)."""
    import pymupdf

    from redactlens import geometry as g
    from redactlens.enrich import enrich_page
    from redactlens.enrich.size import length_of
    from redactlens.model import Redaction
    from redactlens.page import PageModel
    leaks = json.loads((REALWORLD / "LEAKS.json").read_text())
    rows = []
    for name, entry in sorted(leaks.items()):
        items = [it for it in entry.get("items", []) if isinstance(it, dict) and (it.get("text") or "").strip()
                 and "\n" not in it["text"].strip()]
        if name.startswith("_") or not items or not (REALWORLD / name).exists():
            continue
        rep = redactlens.scan(str(REALWORLD / name))
        with pymupdf.open(str(REALWORLD / name)) as doc:
            for pno in sorted({it["page"] for it in items}):
                page = [r for r in rep.redactions if r.page == pno]
                copies = [Redaction(id=r.id, page=pno, bbox=r.bbox, method=r.method, label=r.label) for r in page]
                copies = enrich_page(PageModel(doc[pno - 1], pno), copies).redactions
                for it in (x for x in items if x["page"] == pno):
                    best = max(copies, key=lambda c: g.iou(tuple(c.bbox), tuple(it["bbox"])), default=None)
                    if best is None or g.iou(tuple(best.bbox), tuple(it["bbox"])) < 0.5:
                        rows.append({"file": name, "true": None})
                        continue
                    rows.append({"file": name, "true": len(" ".join(it["text"].split())), "est": best.est_chars,
                                 "range": best.est_chars_range, "lines": best.est_lines, "phrase": length_of(best)})
    matched = [x for x in rows if x["true"] is not None]
    est = [x for x in matched if x.get("est") is not None]
    print(f"\nest_chars vs LEAKS.json text under one-line boxes: {len(rows)} labelled items, {len(matched)} matched "
          f"to a box, {len(est)} with est_chars, {sum(1 for x in matched if x.get('lines'))} estimated in lines, "
          f"{sum(1 for x in matched if x.get('est') is None and not x.get('lines'))} with no estimate")
    if est:
        errs = [abs(x["est"] - x["true"]) for x in est]
        inside = sum(x["range"][0] <= x["true"] <= x["range"][1] for x in est if x["range"])
        print(f"  MAE {sum(errs) / len(errs):.2f} chars, median {sorted(errs)[len(errs) // 2]}, within +-2 "
              f"{sum(e <= 2 for e in errs) / len(errs):.3f}, truth inside range {inside}/{len(est)}")
        for f in sorted({x["file"] for x in est}):
            fe = [abs(x["est"] - x["true"]) for x in est if x["file"] == f]
            print(f"  {f[:70]:70s} n={len(fe):3d} MAE {sum(fe) / len(fe):.2f}")
        worst = sorted(est, key=lambda x: -abs(x["est"] - x["true"]))[:5]
        print("  largest errors: " + "; ".join(f"{x['file'][:30]} true {x['true']} said {x['phrase']!r}" for x in worst))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keep", help="write the fixtures here and keep them")
    ap.add_argument("--no-realworld", action="store_true")
    ap.add_argument("--sizes-only", action="store_true",
                    help="only est_chars against LEAKS.json and the recovered text of ../shared/realworld")
    a = ap.parse_args()
    if a.sizes_only:
        sizes_against_leaks_json()
        return
    if a.keep:
        os.makedirs(a.keep, exist_ok=True)
        fixtures(a.keep)
        fixtures(os.path.join(a.keep, "hard"), ("hard",))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            fixtures(tmp)
            print()
            fixtures(os.path.join(tmp, "hard"), ("hard",))
    if not a.no_realworld:
        realworld()
        if (REALWORLD / "LEAKS.json").exists():
            sizes_against_leaks_json()


if __name__ == "__main__":
    main()

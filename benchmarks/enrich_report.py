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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keep", help="write the fixtures here and keep them")
    ap.add_argument("--no-realworld", action="store_true")
    a = ap.parse_args()
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


if __name__ == "__main__":
    main()

"""Cross-document recovery and release diff: the figures of issue 17.

    python3 benchmarks/crossdoc_report.py [--scale 1000,10000,50000] [--chicago PICKLE_OR_DIR]

1. the generated batch of tests/gen_crossdoc.py: recall and precision of recovered spans, claims on
   the near-miss controls;
2. the generated release pair: every expected change found, none false;
3. time and peak memory of ``crossdoc.recover`` on N pages of generated running text (word streams
   built directly; 3 % of the pages are copies of another page with other redactions);
4. optionally, the recoveries on a real release (``--chicago``: a folder to scan, or a pickled
   BatchReport from an earlier scan), listed for reading by eye.
"""
from __future__ import annotations

import argparse
import os
import pickle
import random
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))
sys.path.insert(0, os.path.join(HERE, ".."))

import gen_crossdoc  # noqa: E402
from redactlens import Settings, diff, scan_many  # noqa: E402
from redactlens.crossdoc import recover  # noqa: E402
from redactlens.model import BatchReport, DocumentReport, Redaction  # noqa: E402

OFF = Settings(ocr="off")


def generated_batch() -> dict:
    from test_crossdoc import score
    with tempfile.TemporaryDirectory() as tmp:
        index = gen_crossdoc.build_batch(tmp)
        batch = scan_many([tmp], settings=OFF, workers=0)
        s = score(batch, index)
    claims = s["right"] + s["wrong"]
    s["recall"] = s["right"] / s["recoverable"] if s["recoverable"] else 0.0
    s["precision"] = s["right"] / claims if claims else 1.0
    return s


def generated_pair() -> dict:
    from test_diff import found
    with tempfile.TemporaryDirectory() as tmp:
        old, new = os.path.join(tmp, "old"), os.path.join(tmp, "new")
        expected = gen_crossdoc.build_release_pair(old, new)
        got = found(diff(old, new, settings=OFF, workers=0))
    exp = [(n, c) for n, cs in expected.items() for c in cs]
    have = [(n, c) for n, cs in got.items() for c in cs]
    return {"expected": len(exp), "found": sum(1 for x in exp if x in have),
            "false": sum(1 for x in have if x not in exp)}


VOCAB = None


def synthetic(pages: int, seed: int = 5) -> BatchReport:
    """``pages`` pages of random running text, 20 pages a document; 3 % of pages copy another
    page with a different redaction."""
    global VOCAB
    rng = random.Random(seed)
    VOCAB = VOCAB or [f"w{i}" for i in range(20000)]
    docs, texts = [], []
    for p in range(pages):
        if texts and rng.random() < 0.03:
            words = list(rng.choice(texts))
        else:
            words = [rng.choice(VOCAB) for _ in range(300)]
            texts.append(words)
        di, pn = divmod(p, 20)
        if pn == 0:
            docs.append(DocumentReport(path=f"d{di}.pdf", pages=0))
        d = docs[-1]
        k = rng.randrange(20, 280)
        rid = f"d{di}.pdf#p{pn + 1}-r1"
        hidden = words[k]
        ws = words[:k] + words[k + 1:]
        d.words.append({"page": pn + 1, "words": ws, "boxes": [0] * (4 * len(ws)), "gaps": [[k, rid]], "layer": "text"})
        d.redactions.append(Redaction(id=rid, page=pn + 1, bbox=[0, 0, 30, 10], method="vector",
                                      est_chars=len(hidden), est_chars_range=[len(hidden) - 1, len(hidden) + 1]))
        d.pages += 1
    return BatchReport(docs)


def scale(sizes) -> list[tuple]:
    """(pages, seconds, peak RSS growth in MiB, recovered); each size in a fresh process so the
    peak resident size is that size's (tracemalloc slowed the stage 10x)."""
    import multiprocessing as mp
    ctx = mp.get_context("spawn")
    rows = []
    for n in sizes:
        with ctx.Pool(1) as pool:
            rows.append(pool.apply(_one_size, (n,)))
    return rows


def _one_size(n: int) -> tuple:
    import resource
    b = synthetic(n)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t = time.perf_counter()
    out = recover(b)
    dt = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - base
    rows = []
    if True:
        rec = sum(1 for d in out.documents for r in d.redactions if r.leak)
        rows.append((n, dt, peak, rec))
    return rows[0]


def chicago(src: str) -> None:
    if src.endswith(".pkl"):
        with open(src, "rb") as fh:
            batch = pickle.load(fh)
    else:
        batch = scan_many([src], workers=2)
    reds = [(d, r) for d in batch.documents for r in d.redactions]
    cross = [(d, r) for d, r in reds if r.leak and r.leak.how == "cross_document"]
    print(f"\nreal release: {len(batch.documents)} documents, {sum(d.pages for d in batch.documents)} pages, "
          f"{len(reds)} redactions, {sum(bool(d.words and any(p['gaps'] for p in d.words)) for d in batch.documents)} "
          f"documents with boxes in running text, {len(cross)} cross-document recoveries")
    for d, r in cross:
        s = r.leak.sources[0]
        print(f"  {r.id} -> {r.leak.text!r} ({r.leak.confidence}) from {os.path.basename(s['document'])} p{s['page']}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", default="1000,10000,50000")
    ap.add_argument("--only-scale", action="store_true")
    ap.add_argument("--chicago", default=None)
    a = ap.parse_args()
    if a.only_scale:
        for row in scale([int(x) for x in a.scale.split(",")]):
            print("| %d | %.1f | %.0f | %d |" % row, flush=True)
        return
    s = generated_batch()
    print("generated batch (tests/gen_crossdoc.py)")
    print("| recoverable | right | wrong | recall | precision | claims on controls | claims on unrecoverable |")
    print("|---|---|---|---|---|---|---|")
    print(f"| {s['recoverable']} | {s['right']} | {s['wrong']} | {s['recall']:.2f} | {s['precision']:.2f} | "
          f"{s['control_claims']} | {s['unrecoverable_claims']} |")
    p = generated_pair()
    print("\ngenerated release pair")
    print(f"| expected changes | found | false |\n|---|---|---|\n| {p['expected']} | {p['found']} | {p['false']} |")
    if a.scale:
        print("\nscaling of crossdoc.recover (generated word streams)")
        print("| pages | seconds | peak RSS growth MiB | recovered / planted copies |\n|---|---|---|---|")
        for n, dt, peak, rec in scale([int(x) for x in a.scale.split(",")]):
            print(f"| {n} | {dt:.1f} | {peak:.0f} | {rec} |")
    if a.chicago:
        chicago(a.chicago)


if __name__ == "__main__":
    main()

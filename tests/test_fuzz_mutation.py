"""A standing, bounded mutation fuzz: a few hundred mutated copies of the project's own generated
records (truncations, byte flips, zeroed runs, broken xref keywords; fixed seed), scanned as one
batch through the process pool, then every output written.

What must hold for every input: a report with either no error or a known ``error_code``; no input
changed; every output written and strictly encodable; no text under a detected box and no hidden
text the forensics found in the exhibit's pages of that document; the batch is never lost.  The
longer, coverage-guided run is ``benchmarks/fuzz_atheris.py``.

Counts are printed (``-s`` shows them): ``fuzz: {...}``.
"""
import json
import os
import random
import re
import time

import pymupdf

import gen_batches
import gen_discreet as gd
import redactlens
from conftest import sha256
from redactlens.errors import ERROR_CODES
from redactlens.output import to_json
from redactlens.report import csv_text, exhibit_bytes, html_text
from redactlens.report.isolated import not_examined
from redactlens.report.sanitise import HIDDEN_FINDINGS
from redactlens.stream import JsonlWriter, read_jsonl

#: the fuzz's size and seed (a few hundred files; about two minutes on two cores)
SEED = 20261201
MUTANTS_PER_BASE = 40
#: per-document limits of the fuzz batch (a mutant that hangs or balloons costs its own document)
LIMITS = {"timeout": 30, "memory_mb": 1024, "ocr": "off"}
#: shortest leaked or hidden text checked against the exhibit (shorter fragments occur in clear text)
MIN_CHECKED = 8

_KEYWORDS = (b"xref", b"startxref", b"trailer", b"obj", b"endobj", b"stream", b"endstream", b"/Length", b"/Root")


def _mutate(base: bytes, rng: random.Random) -> bytes:
    b = bytearray(base)
    kind = rng.randrange(5)
    if kind == 0:                                   # truncation
        return bytes(b[: rng.randrange(16, len(b))])
    if kind == 1:                                   # byte flips
        for _ in range(rng.choice((1, 4, 16, 64))):
            b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
    elif kind == 2:                                 # zeroed runs
        for _ in range(rng.randrange(1, 4)):
            at, n = rng.randrange(len(b)), rng.randrange(1, 200)
            b[at:at + n] = bytes(len(b[at:at + n]))
    elif kind == 3:                                 # broken keywords (xref, obj, stream, ...)
        for _ in range(rng.randrange(1, 4)):
            kw = rng.choice(_KEYWORDS)
            hits = [m.start() for m in re.finditer(re.escape(kw), bytes(b))]
            if hits:
                at = rng.choice(hits)
                b[at:at + len(kw)] = bytes(rng.randrange(33, 127) for _ in kw)
    else:                                           # a random chunk duplicated elsewhere
        at, to = rng.randrange(len(b)), rng.randrange(len(b))
        b[to:to] = b[at:at + rng.randrange(1, 400)]
    return bytes(b)


def _bases(tmp) -> dict[str, bytes]:
    paths = gen_batches.make_batch(str(tmp / "records"), "leak")[:3]
    bases = {os.path.basename(p)[:-4]: open(p, "rb").read() for p in paths}
    bases["every"] = gd.everything_pdf()
    bases["leaky"] = gd.leaky_pdf("Cutsecret", pages=3)
    bases["info"] = gd.info_surrogate_pdf()
    return bases


def _pages_text(doc) -> dict[tuple[str, int], str]:
    out = {}
    for p in doc:
        t = p.get_text()
        m = re.search(r"^(.+?) \u2014 page (\d+) of \d+$", t, re.M)
        if m:
            out[(m.group(1), int(m.group(2)))] = t
    return out


def test_bounded_mutation_fuzz(tmp_path):
    t0 = time.monotonic()
    rng = random.Random(SEED)
    folder = tmp_path / "fuzz"
    folder.mkdir()
    for name, base in sorted(_bases(tmp_path).items()):
        for k in range(MUTANTS_PER_BASE):
            (folder / f"{name}-{k:03d}.pdf").write_bytes(_mutate(base, rng))
    before = {p.name: sha256(p) for p in folder.iterdir()}

    stream = tmp_path / "fuzz.jsonl"
    with JsonlWriter(str(stream)) as w:
        batch = redactlens.scan_many(str(folder), workers=2, settings=LIMITS, on_result=w.write)
    assert len(batch.documents) == len(before)
    codes = {}
    for d in batch.documents:
        assert d.error_code is None or d.error_code in ERROR_CODES, (d.path, d.error_code, d.error)
        assert (d.error is None) == (d.error_code is None), d.path
        codes[d.error_code or "ok"] = codes.get(d.error_code or "ok", 0) + 1

    text = to_json(batch)
    text.encode("utf-8")
    json.loads(text)
    assert len(read_jsonl(str(stream))) == len(before)
    csv_text(batch).encode("utf-8")
    html_text(batch, workers=2, settings=LIMITS).encode("utf-8")
    exhibit = pymupdf.open("pdf", exhibit_bytes(batch, workers=2, settings=LIMITS))
    pages = _pages_text(exhibit)
    checked = 0
    for d in batch.documents:
        if not_examined(d):
            assert not any(k[0] == os.path.basename(d.path) for k in pages), d.path   # never published
            continue
        name = os.path.basename(d.path)
        withheld = [(r.page, r.leak.text) for r in d.redactions if r.leak and r.leak.how != "glyph_positions"]
        withheld += [(f.page, f.text) for f in d.findings if f.type in HIDDEN_FINDINGS and f.page]
        for page, secret in withheld:
            if (name, page) not in pages:
                continue
            for line in (secret or "").splitlines():
                if sum(ch.isalnum() for ch in line) >= MIN_CHECKED:
                    checked += 1
                    assert line not in pages[(name, page)], (name, page, line)
    assert {p.name: sha256(p) for p in folder.iterdir()} == before          # no input changed
    print("fuzz:", json.dumps({"inputs": len(before), "outcomes": dict(sorted(codes.items())),
                               "exhibit pages": exhibit.page_count, "withheld texts checked": checked,
                               "seconds": round(time.monotonic() - t0, 1)}))
    assert checked > 0

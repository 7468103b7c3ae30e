"""Bounded coverage-guided fuzzing of the parser-facing code with atheris (not part of CI).

    pip install atheris
    python3 benchmarks/fuzz_atheris.py -max_total_time=300 -rss_limit_mb=4096 -timeout=20 [CORPUS_DIR]

The target is ``redactlens.scan(bytes)``, which promises never to raise for a bad document: any
Python exception escaping it is a bug and stops the run with the input saved (``crash-*``); a native
crash in MuPDF also stops it (that is what the batch runner's worker isolation is for, and such an
input should be reported upstream).  The seed corpus is the shipped samples plus the hostile inputs
of ``tests/gen_hostile.py`` (written into a temp folder); libFuzzer mutates from there, guided by
coverage of the redactlens modules (instrumented on import).  Pass libFuzzer options as usual.
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import atheris

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("REDACTLENS_OCR", "off")   # no Tesseract subprocesses inside the fuzzer

with atheris.instrument_imports(include=["redactlens"]):
    import redactlens
    from redactlens.model import DocumentReport


def target(data: bytes) -> None:
    rep = redactlens.scan(data)
    assert isinstance(rep, DocumentReport)
    if rep.error is not None:
        assert isinstance(rep.error, str) and rep.error.strip(), "an error must say something"
    rep.to_dict()   # the report must serialise


def seed_corpus() -> str:
    import gen_hostile
    folder = Path(tempfile.mkdtemp(prefix="redactlens-fuzz-"))
    for case in gen_hostile.build(folder / "h", with_special=False):
        p = folder / "h" / case.name
        if p.is_file() and p.stat().st_size < (4 << 20):
            (folder / case.name.replace("/", "_")).write_bytes(p.read_bytes())
    for p in (ROOT / "samples" / "release").glob("*.pdf"):
        (folder / p.name).write_bytes(p.read_bytes())
    import shutil
    shutil.rmtree(folder / "h", ignore_errors=True)
    return str(folder)


if __name__ == "__main__":
    args = list(sys.argv)
    if not any(not a.startswith("-") for a in args[1:]):
        args.append(seed_corpus())
    if not any(a.startswith("-max_total_time") for a in args):
        args.append("-max_total_time=120")
    if not any(a.startswith("-rss_limit_mb") for a in args):
        args.append("-rss_limit_mb=4096")
    if not any(a.startswith("-timeout") for a in args):
        args.append("-timeout=30")
    atheris.Setup(args, target)
    atheris.Fuzz()

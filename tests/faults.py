"""Fault injection for batch tests: a picklable ``task`` that misbehaves on chosen documents.

``Faults({"_crash": "exit", "_hang": "hang"})`` is a batch task (see the executor contract in
:mod:`redactlens.batch.executor`): for a document whose file name contains a pattern it does what
the kind says, in the worker process; otherwise (and after ``echo``) it runs the real scan.  It is
passed as ``scan_many(..., task=...)``; the product has no fault switch of its own.  Workers import
this module by name (``faults``: ``tests/`` is on ``sys.path``, which forkserver children inherit).

Kinds: ``exit`` (``os._exit(70)``), ``segv`` (a real SIGSEGV, as a native parser crash), ``hang``
(sleeps forever), ``oom`` (maps memory until the worker's cap stops it), ``raise`` (a
``RuntimeError``: a bug of ours), ``echo`` (scans, then adds a warning naming the settings and the
process the task saw).

Run as a script, it is the command line with faults: ``python tests/faults.py doc3=hang scan ...``.
"""
from __future__ import annotations

import os
import signal
import sys
import time

from redactlens.batch.task import scan_document

KINDS = ("exit", "segv", "hang", "oom", "raise", "echo")


def echo_line(settings, pid: int | None = None) -> str:
    return (f"worker saw settings: ocr={settings.ocr} ocr_lang={settings.ocr_lang} timeout={settings.timeout} "
            f"memory_mb={settings.memory_mb} pid={os.getpid() if pid is None else pid}")


class Faults:
    """A batch task that misbehaves on documents whose file name contains a pattern."""

    def __init__(self, spec: dict[str, str] | None = None, **kinds: str):
        self.spec = {**(spec or {}), **kinds}
        bad = set(self.spec.values()) - set(KINDS)
        if bad:
            raise ValueError(f"unknown fault kind(s): {', '.join(sorted(bad))}")

    def __call__(self, path, password, data, settings) -> dict:
        name = os.path.basename(path)
        kinds = [k for pat, k in self.spec.items() if pat in name]
        for kind in kinds:
            if kind == "exit":
                os._exit(70)
            elif kind == "segv":
                os.kill(os.getpid(), signal.SIGSEGV)
                time.sleep(5)
            elif kind == "hang":
                while True:
                    time.sleep(1)
            elif kind == "oom":
                import resource
                if resource.getrlimit(resource.RLIMIT_AS)[0] == resource.RLIM_INFINITY:
                    raise RuntimeError("fault 'oom' needs a memory cap")
                import numpy as np
                hog = []
                while True:  # address space only (np.empty does not touch the pages): fast even when busy
                    hog.append(np.empty(256 << 20, dtype=np.uint8))
            elif kind == "raise":
                raise RuntimeError(f"injected bug on {name}")
        rep = scan_document(path, password, data, settings)
        if "echo" in kinds:
            rep.setdefault("warnings", []).append(echo_line(settings))
        return rep


def _cli_with_faults(argv: list[str]) -> None:
    """``faults.py PATTERN=KIND[,PATTERN=KIND] ARGS...``: the real command line, its batches run
    with a :class:`Faults` task."""
    import functools

    import redactlens.cli as cli
    from faults import Faults as F   # by module name, so workers can unpickle it (not __main__)
    spec = dict(item.split("=", 1) for item in argv[0].split(",") if item)
    cli.scan_many = functools.partial(cli.scan_many, task=F(spec))
    cli.main(argv[1:], prog_name="redactlens")


if __name__ == "__main__":
    _cli_with_faults(sys.argv[1:])

"""Scanning many documents: input discovery and a crash-proof process pool.

Each document is scanned in a worker process (pebble).  A crash or hang inside the native PDF
parser kills that worker only: the document gets an ``error`` and the batch goes on.  Workers run
under a per-document time limit and an address-space cap.
"""
from __future__ import annotations

import os
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .model import BatchReport, DocumentReport

PDF_EXT = ".pdf"


@dataclass
class Limits:
    timeout: float = 300.0      # seconds per document
    memory_mb: int = 4096       # address-space cap per worker (0: none)


def discover(paths: Iterable[str | os.PathLike]) -> Iterator[tuple[str, str | None]]:
    """Yield ``(path, skip_reason)`` for every input.  Directories are recursed (symlinked
    directories are not followed); files in them that are not ``.pdf`` are yielded with a reason
    so that they are reported, not silently dropped.  Explicit file arguments are always scanned."""
    for p in paths:
        p = str(p)
        if os.path.isdir(p):
            for root, dirs, files in os.walk(p):
                dirs.sort()
                for fn in sorted(files):
                    full = os.path.join(root, fn)
                    if fn.lower().endswith(PDF_EXT):
                        yield full, None
                    else:
                        yield full, f"skipped: not a PDF file ({Path(fn).suffix or 'no extension'})"
        else:
            yield p, None


def _limit_memory(memory_mb: int) -> None:
    if memory_mb and memory_mb > 0:
        try:
            import resource
            cap = memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        except (ImportError, ValueError, OSError):
            pass


def _scan_to_dict(path: str, password: str | None) -> dict:
    from .pipeline import scan
    return scan(path, password=password).to_dict()


def _failed(path: str, message: str) -> DocumentReport:
    import hashlib
    sha = None
    try:
        with open(path, "rb") as fh:
            sha = hashlib.sha256(fh.read()).hexdigest()
    except OSError:
        pass
    return DocumentReport(path=path, sha256=sha, error=message)


def iter_scan(paths: Iterable[str | os.PathLike], *, password: str | None = None, workers: int | None = None,
              limits: Limits | None = None) -> Iterator[DocumentReport]:
    """Scan inputs in parallel and yield each :class:`DocumentReport` in input order."""
    from pebble import ProcessExpired, ProcessPool

    limits = limits or Limits()
    items = list(discover(paths))
    workers = workers if workers is not None else min(len(items), os.cpu_count() or 1, 4)
    if workers <= 0:
        from .pipeline import scan
        for path, skip in items:
            yield DocumentReport(path=path, error=skip) if skip else scan(path, password=password)
        return
    with ProcessPool(max_workers=max(1, workers), max_tasks=25, initializer=_limit_memory,
                     initargs=(limits.memory_mb,)) as pool:
        futures = [None if skip else pool.schedule(_scan_to_dict, args=(path, password),
                                                   timeout=limits.timeout or None)
                   for path, skip in items]
        for (path, skip), fut in zip(items, futures):
            if skip:
                yield DocumentReport(path=path, error=skip)
                continue
            try:
                yield DocumentReport.from_dict(fut.result())
            except FutureTimeout:
                yield _failed(path, f"time limit exceeded: scanning took longer than {limits.timeout:g} s "
                                    "(the worker was stopped)")
            except ProcessExpired as exc:
                yield _failed(path, f"the PDF parser crashed on this file (worker exit code {exc.exitcode}); "
                                    "the rest of the batch was scanned")
            except MemoryError:
                yield _failed(path, f"memory limit exceeded ({limits.memory_mb} MB)")
            except Exception as exc:
                yield _failed(path, f"internal error while scanning: {type(exc).__name__}: {exc}")


def scan_many(paths: Iterable[str | os.PathLike], *, password: str | None = None, workers: int | None = None,
              limits: Limits | None = None,
              on_result: Callable[[DocumentReport], None] | None = None) -> BatchReport:
    """Scan files and directories; return a :class:`BatchReport` (documents in input order)."""
    batch = BatchReport()
    for rep in iter_scan(paths, password=password, workers=workers, limits=limits):
        batch.documents.append(rep)
        if on_result:
            on_result(rep)
    return batch

"""Per-document limits inside a worker process: an address-space cap re-armed before every
document, a clean exit after hitting it, and MuPDF's cache dropped after each document.

These functions run in *worker* processes (a pool child, or a Dask worker's pool child), never in
the caller; :class:`~redactlens.batch.executors.SerialExecutor` uses none of them.  The time limit
is not here: it is the pool's (:mod:`redactlens.batch.workers` kills a worker that overruns ``settings.timeout``).
"""
from __future__ import annotations

import os

from ..settings import Settings

#: exit code of a worker that stopped itself after hitting the memory cap
MEMORY_EXIT = 86

_WORKER_MEMORY_MB = 0   # the cap of this worker process (set by its initializer)


def _mapped_bytes() -> int:
    """This process's current address-space size (VmSize), or 0 when unknown."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        pass
    try:
        import psutil
    except ImportError:
        return 0
    try:
        return psutil.Process().memory_info().vms
    except (psutil.Error, OSError):
        return 0


def arm_memory_cap() -> None:
    """Cap this process's address space at what it maps now plus the per-document budget.
    Re-armed before every document, so one document's budget does not shrink by what earlier
    documents left mapped (allocator arenas, fragmentation)."""
    if _WORKER_MEMORY_MB <= 0:
        return
    try:
        import resource
        cap = _mapped_bytes() + _WORKER_MEMORY_MB * 1024 * 1024
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ImportError, ValueError, OSError):
        pass


def init_worker(memory_mb: int) -> None:
    """Pool initializer (in each new worker): load the scanning code, then cap the address space
    at what is mapped now plus ``memory_mb`` (the libraries alone map several hundred MB of address
    space, most of it never touched: PyMuPDF, OpenCV, thread arenas; an absolute cap would mostly
    measure them).  A native crash is reported by the parent, so the worker does not dump a Python
    traceback of its own (inherited from pytest, say)."""
    global _WORKER_MEMORY_MB
    import faulthandler
    faulthandler.disable()
    try:
        from .. import pipeline  # noqa: F401  (loaded before the cap: its size is not the document's)
    except ImportError:
        pass  # the task fails on the same import, and that document is reported as internal
    _WORKER_MEMORY_MB = memory_mb or 0
    arm_memory_cap()


def release_caches() -> None:
    """After a document: drop MuPDF's cache of decoded objects (it is per document anyway)."""
    try:
        import pymupdf
    except ImportError:
        return
    pymupdf.TOOLS.store_shrink(100)


def run_limited(task, path: str, password: str | None, data: bytes | None, settings: Settings) -> dict:
    """What a pool worker runs for one document: arm the memory cap, call ``task`` (see
    :class:`~redactlens.batch.executors.Executor` for its contract), release the caches.

    A worker that hits the memory cap (``MemoryError`` escaping the task) exits at once with
    :data:`MEMORY_EXIT`: after a failed allocation the native heap may be left fragmented or half
    torn down, and the next document must not inherit that.  The pool replaces the worker and the
    parent reports the document as over the memory limit."""
    try:
        arm_memory_cap()
        rep = task(path, password, data, settings)
    except MemoryError:
        os._exit(MEMORY_EXIT)
    finally:
        release_caches()
    if _WORKER_MEMORY_MB > 0 and swallowed_memory_error(rep):
        os._exit(MEMORY_EXIT)   # a stage caught the failed allocation and went on: same as above
    return rep


def swallowed_memory_error(rep: dict) -> bool:
    """True when a report says a stage caught a ``MemoryError`` (a page error or a warning naming
    it): under the cap, that is the cap's doing, and the worker must not go on with its heap."""
    texts = [e.get("error") or "" for e in rep.get("page_errors") or () if isinstance(e, dict)]
    texts += [w for w in rep.get("warnings") or () if isinstance(w, str)]
    return any("MemoryError" in t for t in texts)

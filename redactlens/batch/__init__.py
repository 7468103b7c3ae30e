"""Scanning many documents: discovery, a runner, and executors that isolate and limit each scan.

* :mod:`~redactlens.batch.discover` -- which inputs are documents (folders recursed, nothing
  dropped silently);
* :mod:`~redactlens.batch.runner` -- :func:`iter_scan` / :func:`scan_many`: the window of
  documents in flight, input or finishing order, ``--resume``, :class:`BatchStats`, progress;
* :mod:`~redactlens.batch.executor` -- the :class:`Executor` contract (which process runs what,
  what must be picklable) and :class:`SerialExecutor` (in-process);
  :mod:`~redactlens.batch.pool` -- :class:`PoolExecutor`, a crash-proof local process pool;
  :mod:`~redactlens.batch.dask_executor` -- :class:`DaskExecutor`, a Dask cluster;
* :mod:`~redactlens.batch.limits` -- the per-document memory cap inside a worker;
* :mod:`~redactlens.batch.task` -- :func:`scan_document`, the default per-document task.

One :class:`~redactlens.settings.Settings` is resolved in the caller and pickled to every worker.
"""
from .discover import (CRASH, DOC_ERROR, INTERNAL, MEMORY, OK, SKIPPED, TIMEOUT, Unscannable, discover,
                       file_sha256)
from .executor import Executor, ExecutorError, SerialExecutor, failure_outcome
from .limits import MEMORY_EXIT
from .runner import BatchStats, analyse, iter_scan, make_executor, scan_many
from .task import scan_document


def __getattr__(name):  # the pool and the Dask executor are imported when first asked for
    if name == "PoolExecutor":
        from .pool import PoolExecutor
        return PoolExecutor
    if name == "DaskExecutor":
        from .dask_executor import DaskExecutor
        return DaskExecutor
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["scan_many", "iter_scan", "analyse", "BatchStats", "discover", "file_sha256", "Unscannable",
           "Executor", "ExecutorError", "SerialExecutor", "PoolExecutor", "DaskExecutor", "make_executor", "scan_document",
           "failure_outcome", "MEMORY_EXIT", "OK", "DOC_ERROR", "SKIPPED", "CRASH", "TIMEOUT", "MEMORY", "INTERNAL"]

"""A local process pool (:mod:`redactlens.batch.workers`): each document in a worker process, under
a time limit and a memory cap; a crash or a hang costs that worker, never the batch.

Workers start from a forkserver whose children do not re-run the caller's ``__main__``
(:class:`_NoMainContext`); ``settings.start_method`` chooses otherwise (``fork``, ``spawn``).
"""
from __future__ import annotations

from ..settings import Settings, ocr_thread_count
from .executor import Executor, Task
from .limits import init_worker, run_limited

#: a worker is replaced after this many documents (bounds what a long batch leaves mapped)
MAX_TASKS_PER_WORKER = 25

try:  # POSIX: a forkserver context whose workers do not re-run the caller's __main__
    import io as _io
    import os as _os
    from multiprocessing import context as _mpc
    from multiprocessing import forkserver as _forkserver
    from multiprocessing import popen_forkserver as _popen_forkserver
    from multiprocessing import reduction as _reduction
    from multiprocessing import spawn as _spawn
    from multiprocessing import util as _mputil

    class _NoMainPopen(_popen_forkserver.Popen):
        """multiprocessing's spawn/forkserver start re-imports the main module in every new process
        (as ``__mp_main__``), so a script or notebook calling :func:`scan_many` without an
        ``if __name__ == "__main__":`` guard would run again in each worker (or fail).  The worker
        function lives in this package, so the main module is left out of the preparation data (the
        rest -- sys.path, cwd, authkey -- is kept: a ``task`` from any importable module works).
        Otherwise ``popen_forkserver.Popen._launch``."""

        def _launch(self, process_obj):
            prep_data = _spawn.get_preparation_data(process_obj._name)
            prep_data.pop("init_main_from_name", None)
            prep_data.pop("init_main_from_path", None)
            buf = _io.BytesIO()
            _mpc.set_spawning_popen(self)
            try:
                _reduction.dump(prep_data, buf)
                _reduction.dump(process_obj, buf)
            finally:
                _mpc.set_spawning_popen(None)
            self.sentinel, w = _forkserver.connect_to_new_process(self._fds)
            _parent_w = _os.dup(w)
            self.finalizer = _mputil.Finalize(self, _mputil.close_fds, (_parent_w, self.sentinel))
            with open(w, "wb", closefd=True) as f:
                f.write(buf.getbuffer())
            self.pid = _forkserver.read_signed(self.sentinel)

    class _NoMainProcess(_mpc.ForkServerProcess):
        @staticmethod
        def _Popen(process_obj):
            return _NoMainPopen(process_obj)

    class _NoMainContext(_mpc.ForkServerContext):
        Process = _NoMainProcess

    _NO_MAIN_CONTEXT = _NoMainContext()
except (ImportError, AttributeError):  # no forkserver here (Windows), or other multiprocessing internals
    _NO_MAIN_CONTEXT = None


def mp_context(start_method: str = "forkserver"):
    """How worker processes start (``settings.start_method``).  ``forkserver`` by default: workers
    are forked from a small single-threaded server process that has loaded the scanning code once,
    never from the caller, which has threads (PyMuPDF's, OpenCV's pool, tqdm's monitor, Dask's event
    loop); a child forked from a threaded process can inherit a lock held by a thread that does not
    exist in the child and deadlock on it.  Starting a worker stays cheap (a fork of the preloaded
    server), and the caller's ``__main__`` is not re-run in workers (:class:`_NoMainPopen`).  A
    method this platform lacks falls back to ``spawn``."""
    import multiprocessing as mp
    method = start_method
    if method not in mp.get_all_start_methods():
        method = "spawn" if "spawn" in mp.get_all_start_methods() else mp.get_start_method()
    if method == "forkserver":
        ctx = _NO_MAIN_CONTEXT or mp.get_context("forkserver")
        ctx.set_forkserver_preload(["redactlens.batch.preload"])
        return ctx
    return mp.get_context(method)


def new_pool(workers: int, settings: Settings):
    """A pool of ``workers`` limited workers (memory cap from ``settings.memory_mb``)."""
    from .workers import WorkerPool
    return WorkerPool(workers, max_tasks=MAX_TASKS_PER_WORKER, initializer=init_worker,
                      initargs=(settings.memory_mb,), context=mp_context(settings.start_method))


def schedule(pool, task: Task, path: str, password: str | None, data: bytes | None, settings: Settings):
    """One document on ``pool``, under ``settings.timeout``; a future of its report dict."""
    return pool.schedule(run_limited, args=(task, path, password, data, settings), timeout=settings.timeout or None)


class PoolExecutor(Executor):
    """A process pool on this machine (:class:`~redactlens.batch.workers.WorkerPool`): ``workers`` processes, each document under
    ``settings.timeout`` (the worker is stopped past it) and ``settings.memory_mb`` (an
    address-space cap re-armed per document); a dead worker is replaced."""

    def __init__(self, settings: Settings, password: str | None = None, task: Task | None = None, *,
                 workers: int = 1, documents: int | None = None):
        self.workers = max(1, int(workers))
        if settings.ocr_threads is None:     # the cores the busy workers leave over, per worker
            busy = min(self.workers, documents) if documents else self.workers
            settings = settings.replace(ocr_threads=ocr_thread_count(settings, processes=busy))
        super().__init__(settings, password, task)
        self.splits = self.workers > 1
        self.pool = new_pool(self.workers, settings)

    def _submit(self, path: str, data: bytes | None, task: Task):
        return schedule(self.pool, task, path, self.password, data, self.settings)

    def close(self, abort: bool) -> None:
        if abort:
            self.pool.stop()
        else:
            self.pool.close()
        self.pool.join()

"""Documents as tasks on a Dask distributed cluster.

Each document is one Dask task (:func:`dask_task`); on the Dask worker it runs again in an
isolated, time- and memory-limited child process (a worker pool of that Dask worker, one child per
Dask thread), so the results and the error messages are the same as the local pool's.  The
:class:`~redactlens.settings.Settings` object and the ``task`` are pickled with every Dask task.
"""
from __future__ import annotations

import atexit
import threading

from ..errors import ParserCrash
from ..settings import Settings, ocr_thread_count
from .discover import CRASH
from .executor import Executor, ExecutorError, Task, classify, failed, failure_outcome
from .pool import new_pool, schedule

_DASK_POOLS: dict = {}      # (memory_mb, start_method) -> the worker pool of this Dask worker process
_DASK_LOCK = threading.Lock()

#: what starting a child process on a Dask worker can fail with (then the scan runs unisolated)
_NO_CHILDREN = (OSError, RuntimeError, ValueError, AssertionError)


@atexit.register
def _stop_dask_pools() -> None:
    for pool in list(_DASK_POOLS.values()):
        pool.stop()
        pool.join(timeout=5)


def _allow_children() -> None:
    """Dask runs its worker processes as daemons by default (``distributed.worker.daemon``), and a
    daemonic ``multiprocessing`` process may not start children.  The pool started here reaps its
    own children (the pool stops them; :func:`_stop_dask_pools` at exit; a worker whose
    parent dies reads end-of-file and exits), so the flag is lifted for this process.  Setting
    ``DASK_DISTRIBUTED__WORKER__DAEMON=False`` on the cluster does the same without this."""
    import multiprocessing as mp
    cfg = getattr(mp.current_process(), "_config", None)
    if isinstance(cfg, dict) and cfg.get("daemon"):
        cfg["daemon"] = False


def _dask_threads() -> int:
    """Threads of the Dask worker this runs on (1 outside a worker)."""
    try:
        from distributed import get_worker
        w = get_worker()
    except (ImportError, ValueError):   # ValueError: not running on a Dask worker
        return 1
    return getattr(getattr(w, "state", None), "nthreads", None) or getattr(w, "nthreads", 1) or 1


def _dask_worker_pool(settings: Settings):
    """The worker pool of this Dask worker process (one child per Dask thread), created once per
    (memory cap, start method)."""
    key = (settings.memory_mb, settings.start_method)
    with _DASK_LOCK:
        pool = _DASK_POOLS.get(key)
        if pool is None or not pool.active:
            _allow_children()
            pool = new_pool(max(1, int(_dask_threads())), settings)
            _DASK_POOLS[key] = pool
        return pool


def dask_task(task: Task, path: str, password: str | None, data: bytes | None,
              settings: Settings) -> tuple[str, dict]:
    """Runs on a Dask worker: the same isolated, limited scan as the local pool; returns
    ``(kind, report dict)``.  Where no child process can be started there, the document is scanned
    in the Dask worker itself (a crash then costs that Dask worker, which Dask restarts and reports
    as ``KilledWorker``) and the report says so in ``warnings``."""
    if settings.ocr_threads is None:   # one child per Dask thread: the cores they leave over
        settings = settings.replace(ocr_threads=ocr_thread_count(settings, processes=_dask_threads()))
    try:
        fut = schedule(_dask_worker_pool(settings), task, path, password, data, settings)
    except _NO_CHILDREN as exc:  # no children possible here: scan unisolated
        why = f"{type(exc).__name__}: {exc}"
        try:
            rep = task(path, password, data, settings)
        # the executor boundary (see Executor.outcome): one document's failure is its report
        except Exception as exc2:
            return failure_outcome(exc2, path, settings, data)
        rep.setdefault("warnings", []).append(f"scanned without a worker process (no time or memory limit): {why}")
        return classify(rep)
    try:
        rep = fut.result()
    # the executor boundary (see Executor.outcome), on the Dask worker
    except Exception as exc:
        return failure_outcome(exc, path, settings, data)
    return classify(rep)


class DaskExecutor(Executor):
    """Documents as tasks on a Dask distributed cluster (``scheduler`` address or a ``Client``).
    ``send_bytes``: read each file in the caller and ship its bytes (no shared filesystem)."""

    def __init__(self, settings: Settings, password: str | None = None, task: Task | None = None, *,
                 scheduler: str | None = None, client=None, send_bytes: bool = False):
        super().__init__(settings, password, task)
        try:
            from distributed import Client
        except ImportError:  # pragma: no cover - depends on the install
            raise ExecutorError("the dask executor needs the optional extra: pip install 'redactlens[dask]'") from None
        self.send_bytes = send_bytes
        self.own_client = client is None
        if client is None:
            if not scheduler:
                raise ExecutorError("the dask executor needs a scheduler address (e.g. tcp://host:8786)")
            try:
                client = Client(scheduler, timeout="30s")
            except (OSError, ValueError) as exc:   # unreachable (TimeoutError is an OSError), bad address
                raise ExecutorError(f"cannot connect to the Dask scheduler {scheduler}: {exc}") from None
        self.client = client
        self.workers = max(1, sum(self.client.nthreads().values()))

    def _submit(self, path: str, data: bytes | None, task: Task):
        if data is None and self.send_bytes:
            from ..errors import DocumentError
            from ..source import read_input
            try:   # read_input never opens a FIFO or a device, and stops at max_bytes
                data = read_input(path, max_bytes=self.settings.max_bytes).data
            except DocumentError:
                data = None  # let the worker report the specific error
        return self.client.submit(dask_task, task, path, self.password, data, self.settings, pure=False)

    def wait_any(self, handles) -> set:
        from distributed import wait
        done, _ = wait(list(handles), return_when="FIRST_COMPLETED")
        return done

    def _failure(self, exc: BaseException, path: str) -> tuple[str, dict]:
        from distributed import KilledWorker
        if isinstance(exc, KilledWorker):  # the task killed the Dask workers each time it was tried
            return CRASH, failed(path, "the PDF parser crashed on this file (it killed the Dask worker each time it "
                                       "was tried); the rest of the batch was scanned", ParserCrash.code)
        return super()._failure(exc, path)

    def close(self, abort: bool) -> None:
        if self.own_client:
            self.client.close()

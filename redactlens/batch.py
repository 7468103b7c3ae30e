"""Scanning many documents: input discovery, a crash-proof process pool, and a Dask executor.

Each document is scanned in a worker process (pebble).  A crash or hang inside the native PDF
parser kills that worker only: the document gets an ``error`` and the batch goes on.  Workers run
under a per-document time limit and an address-space cap (:class:`Limits`).

Work is submitted through a bounded window (a few documents per worker), so a 50,000-page batch
holds only that many results in memory at once; :func:`iter_scan` yields reports either in input
order (``ordered=True``) or as each document finishes (``ordered=False``, what streaming uses).

``executor="dask"`` sends the same per-document work to a Dask distributed cluster; on each Dask
worker the scan again runs in an isolated, time- and memory-limited child process, so the results
(and the error messages) are the same as local ones.
"""
from __future__ import annotations

import atexit
import hashlib
import os
import signal
import threading
import time
from concurrent.futures import FIRST_COMPLETED
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures import wait as futures_wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Collection, Iterable, Iterator

from .model import BatchReport, DocumentReport

PDF_EXT = ".pdf"

#: Test hook: ``kind=substring;kind=substring`` makes a *worker* misbehave on documents whose file
#: name contains ``substring`` (read where the document is submitted, handed to the worker).  Kinds: ``exit`` (os._exit), ``segv`` (SIGSEGV, as a native parser
#: crash), ``hang`` (sleeps forever), ``oom`` (allocates until the memory cap stops it).  Never
#: honoured in-process (``workers=0``), so it can only ever cost one worker.
FAULT_ENV = "REDACTLENS_FAULT_INJECT"

#: Outcome kinds counted in :class:`BatchStats`.
OK, DOC_ERROR, SKIPPED, CRASH, TIMEOUT, MEMORY, INTERNAL = (
    "ok", "document_error", "skipped", "crash", "timeout", "memory", "internal")


@dataclass
class Limits:
    """Per-document limits.  ``timeout``: seconds of wall time for one document (0/None: none);
    ``memory_mb``: how much memory (address space) a worker may map for a document, in MB, on top
    of what the loaded libraries already map (0: no cap)."""

    timeout: float | None = 300.0
    memory_mb: int = 4096


@dataclass
class BatchStats:
    """What happened in a batch (filled in by :func:`iter_scan` as it goes)."""

    inputs: int = 0            # inputs discovered (files, including non-PDFs reported as skipped)
    resumed: int = 0           # documents skipped because they were already done (``skip_sha256``)
    scanned: int = 0           # reports produced
    pages: int = 0
    outcomes: dict = field(default_factory=dict)  # kind -> count (see the constants above)

    def count(self, kind: str) -> None:
        self.outcomes[kind] = self.outcomes.get(kind, 0) + 1

    @property
    def errors(self) -> int:
        return sum(n for k, n in self.outcomes.items() if k != OK)


class Unscannable(str):
    """A discovery reason that is a failure (an unlistable folder), not a deliberate skip."""


def discover(paths: Iterable[str | os.PathLike]) -> Iterator[tuple[str, str | None]]:
    """Yield ``(path, reason)`` for every input; ``reason`` is None for a document to scan.

    Directories are recursed.  Inside them, symbolic links to directories are not followed (no
    loops, nothing outside the folder) and are reported as skipped, like files that are not
    ``.pdf``, so nothing is dropped silently; a folder that cannot be listed is reported as a
    failure (an :class:`Unscannable` reason).  Symbolic links to files are scanned (their target
    is read, never written); dangling ones get an error from the scan.  Explicit file arguments
    are always scanned."""
    for p in paths:
        p = str(p)
        if os.path.isdir(p):
            failures: list[OSError] = []
            for root, dirs, files in os.walk(p, onerror=failures.append):
                while failures:
                    exc = failures.pop(0)
                    yield str(exc.filename or root), Unscannable(f"cannot list folder: {exc.strerror or exc}")
                dirs.sort()
                for d in list(dirs):
                    full = os.path.join(root, d)
                    if os.path.islink(full):
                        dirs.remove(d)
                        yield full, "skipped: symbolic link to a folder (not followed)"
                for fn in sorted(files):
                    full = os.path.join(root, fn)
                    if fn.lower().endswith(PDF_EXT):
                        yield full, None
                    else:
                        yield full, f"skipped: not a PDF file ({Path(fn).suffix or 'no extension'})"
            while failures:  # the last folder (or the top one itself) could not be listed
                exc = failures.pop(0)
                yield str(exc.filename or p), Unscannable(f"cannot list folder: {exc.strerror or exc}")
        else:
            yield p, None


def _unscanned(path: str, reason: str) -> tuple[str, DocumentReport]:
    """The outcome of an input that is not scanned (a skip, or a folder that cannot be listed)."""
    if isinstance(reason, Unscannable):
        return DOC_ERROR, DocumentReport(path=path, error=str(reason))
    return SKIPPED, DocumentReport(path=path, error=reason, skipped=True)


def file_sha256(path: str) -> str | None:
    """sha256 of a regular file's bytes (streamed), or None when it cannot be read (or is a FIFO,
    a device, a folder ...: those are never opened)."""
    from .source import regular_file_sha256
    return regular_file_sha256(path)


# --------------------------------------------------------------------------------------------
# the work done for one document in a worker process


def _mapped_bytes() -> int:
    """This process's current address-space size (VmSize), or 0 when unknown."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        pass
    try:
        import psutil
        return psutil.Process().memory_info().vms
    except Exception:
        return 0


_WORKER_MEMORY_MB = 0   # the cap of this worker process (set by its initializer)


def _arm_memory_cap() -> None:
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


def _limit_memory(memory_mb: int) -> None:
    """Worker initializer: load the scanning code, then cap the address space at what is mapped
    now plus ``memory_mb`` (the libraries alone map several hundred MB of address space, most of
    it never touched: PyMuPDF, OpenCV, thread arenas; an absolute cap would mostly measure them).
    A native crash is reported by the parent, so the worker does not dump a Python traceback of
    its own (inherited from pytest, say)."""
    global _WORKER_MEMORY_MB
    import faulthandler
    faulthandler.disable()
    try:
        from . import pipeline  # noqa: F401  (loaded before the cap: its size is not the document's)
    except Exception:
        pass  # the scan reports it
    _WORKER_MEMORY_MB = memory_mb or 0
    _arm_memory_cap()


def _release_caches() -> None:
    """After a document: drop MuPDF's cache of decoded objects (it is per document anyway)."""
    try:
        import pymupdf
        pymupdf.TOOLS.store_shrink(100)
    except Exception:
        pass


def _inject_fault(path: str, spec: str | None) -> None:
    if not spec:
        return
    name = os.path.basename(path)
    for item in spec.split(";"):
        kind, _, pat = item.strip().partition("=")
        if not pat or pat not in name:
            continue
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


#: exit code of a worker that stopped itself after hitting the memory cap
MEMORY_EXIT = 86


def _scan_to_dict(path: str, password: str | None, data: bytes | None = None, in_pool: bool = True,
                  fault: str | None = None) -> dict:
    """Worker body: scan one document (from ``data`` when given, else from ``path``).

    A worker that hits the memory cap (``MemoryError`` escaping the scan) exits at once with
    :data:`MEMORY_EXIT`: after a failed allocation the native heap may be left fragmented or half
    torn down, and the next document must not inherit that.  The pool replaces the worker and the
    parent reports the document as over the memory limit (``in_pool=False``: re-raise instead)."""
    try:
        from .pipeline import scan
        if in_pool:
            _arm_memory_cap()
        if in_pool:
            _inject_fault(path, fault)
        if data is not None:
            return scan(data, password=password, name=path).to_dict()
        return scan(path, password=password).to_dict()
    except MemoryError:
        if in_pool:
            os._exit(MEMORY_EXIT)
        raise
    finally:
        if in_pool:
            _release_caches()


def _failed(path: str, message: str) -> DocumentReport:
    return DocumentReport(path=path, sha256=file_sha256(path), error=message)


def _signal_name(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            return f"signal {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"exit code {code}"


def _outcome(fut, path: str, limits: Limits) -> tuple[str, dict]:
    """Turn a finished pebble future into ``(kind, report dict)``.  Never raises."""
    from pebble import ProcessExpired
    try:
        rep = fut.result()
        return (DOC_ERROR if rep.get("error") else OK), rep
    except FutureTimeout:
        msg = (f"time limit exceeded: scanning took longer than {limits.timeout:g} s "
               "(the worker was stopped; the rest of the batch was scanned)")
        return TIMEOUT, _failed(path, msg).to_dict()
    except ProcessExpired as exc:
        code = exc.exitcode
        if code == MEMORY_EXIT:
            return MEMORY, _failed(path, f"memory limit exceeded: the document needed more than {limits.memory_mb} MB "
                                         "(the worker was replaced; the rest of the batch was scanned)").to_dict()
        hint = " (killed: out of memory?)" if code == -signal.SIGKILL else ""
        msg = (f"the PDF parser crashed on this file (worker died with {_signal_name(code)}{hint}); "
               "the rest of the batch was scanned")
        return CRASH, _failed(path, msg).to_dict()
    except MemoryError:
        return MEMORY, _failed(path, f"memory limit exceeded ({limits.memory_mb} MB per worker)").to_dict()
    except Exception as exc:
        return INTERNAL, _failed(path, f"internal error while scanning: {type(exc).__name__}: {exc}").to_dict()


#: ``REDACTLENS_START_METHOD`` = ``forkserver`` (default where available), ``fork`` or ``spawn``
START_METHOD_ENV = "REDACTLENS_START_METHOD"


try:  # POSIX: a forkserver context whose workers do not re-run the caller's __main__
    import io as _io
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
        function lives in this module, so the main module is left out of the preparation data (the
        rest -- sys.path, cwd, authkey -- is kept).  Otherwise ``popen_forkserver.Popen._launch``."""

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
            _parent_w = os.dup(w)
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
except Exception:  # no forkserver here (Windows), or other multiprocessing internals
    _NO_MAIN_CONTEXT = None


def _mp_context():
    """How worker processes start.  ``forkserver`` by default: workers are forked from a small
    single-threaded server process that has loaded the scanning code once, never from the caller,
    which has threads (PyMuPDF's, OpenCV's pool, tqdm's monitor, Dask's event loop); a child forked
    from a threaded process can inherit a lock held by a thread that does not exist in the child
    and deadlock on it.  Starting a worker stays cheap (a fork of the preloaded server), and the
    caller's ``__main__`` is not re-run in workers (:class:`_NoMainPopen`)."""
    import multiprocessing as mp
    method = os.environ.get(START_METHOD_ENV) or "forkserver"
    if method not in mp.get_all_start_methods():
        method = "spawn" if "spawn" in mp.get_all_start_methods() else mp.get_start_method()
    if method == "forkserver":
        ctx = _NO_MAIN_CONTEXT or mp.get_context("forkserver")
        ctx.set_forkserver_preload(["redactlens.pipeline"])
        return ctx
    return mp.get_context(method)


# --------------------------------------------------------------------------------------------
# engines: where the per-document work runs


class _LocalEngine:
    """A pebble process pool on this machine."""

    def __init__(self, workers: int, limits: Limits, password: str | None):
        from pebble import ProcessPool
        self.limits, self.password = limits, password
        self.workers = workers
        self.pool = ProcessPool(max_workers=workers, max_tasks=25, initializer=_limit_memory, context=_mp_context(),
                                initargs=(limits.memory_mb,))

    def submit(self, path: str):
        return self.pool.schedule(_scan_to_dict, args=(path, self.password, None, True, os.environ.get(FAULT_ENV)),
                                  timeout=self.limits.timeout or None)

    def wait_any(self, futs):
        done, _ = futures_wait(futs, return_when=FIRST_COMPLETED)
        return done

    def outcome(self, fut, path: str) -> tuple[str, dict]:
        return _outcome(fut, path, self.limits)

    def close(self, abort: bool) -> None:
        if abort:
            self.pool.stop()
        else:
            self.pool.close()
        self.pool.join()


_DASK_POOLS: dict = {}
_DASK_LOCK = threading.Lock()


@atexit.register
def _stop_dask_pools() -> None:
    for pool in list(_DASK_POOLS.values()):
        try:
            pool.stop()
            pool.join(timeout=5)
        except Exception:
            pass


def _allow_children() -> None:
    """Dask runs its worker processes as daemons by default (``distributed.worker.daemon``), and a
    daemonic ``multiprocessing`` process may not start children.  The pool started here reaps its
    own children (pebble stops them with the pool; :func:`_stop_dask_pools` at exit; a worker whose
    parent dies reads end-of-file and exits), so the flag is lifted for this process.  Setting
    ``DASK_DISTRIBUTED__WORKER__DAEMON=False`` on the cluster does the same without this."""
    import multiprocessing as mp
    cfg = getattr(mp.current_process(), "_config", None)
    if isinstance(cfg, dict) and cfg.get("daemon"):
        cfg["daemon"] = False


def _dask_worker_pool(memory_mb: int):
    """The pebble pool of this Dask worker process (one child per Dask thread), created once."""
    from pebble import ProcessPool
    with _DASK_LOCK:
        pool = _DASK_POOLS.get(memory_mb)
        if pool is None or not pool.active:
            _allow_children()
            nthreads = 1
            try:
                from distributed import get_worker
                w = get_worker()
                nthreads = getattr(getattr(w, "state", None), "nthreads", None) or getattr(w, "nthreads", 1)
            except Exception:
                pass
            pool = ProcessPool(max_workers=max(1, int(nthreads)), max_tasks=25, initializer=_limit_memory,
                               context=_mp_context(), initargs=(memory_mb,))
            _DASK_POOLS[memory_mb] = pool
        return pool


def _dask_task(path: str, password: str | None, timeout: float | None, memory_mb: int,
               data: bytes | None = None) -> tuple[str, dict]:
    """Runs on a Dask worker: the same isolated, limited scan as the local pool.  Where no child
    process can be started there, the document is scanned in the Dask worker itself (a crash then
    costs that Dask worker, which Dask restarts and reports as ``KilledWorker``) and the report
    says so in ``warnings``."""
    limits = Limits(timeout=timeout, memory_mb=memory_mb)
    fut = None
    try:
        pool = _dask_worker_pool(memory_mb)
        fut = pool.schedule(_scan_to_dict, args=(path, password, data, True, os.environ.get(FAULT_ENV)),
                            timeout=timeout or None)
    except Exception as exc:  # no children possible here: scan unisolated
        why = f"{type(exc).__name__}: {exc}"
        try:
            rep = _scan_to_dict(path, password, data, in_pool=False)
        except Exception as exc2:
            return INTERNAL, DocumentReport(path=path, error=f"internal error while scanning: "
                                                             f"{type(exc2).__name__}: {exc2}").to_dict()
        rep.setdefault("warnings", []).append(f"scanned without a worker process (no time or memory limit): {why}")
        return (DOC_ERROR if rep.get("error") else OK), rep
    kind, rep = _outcome(fut, path, limits)
    if rep.get("sha256") is None and data is not None:
        rep["sha256"] = hashlib.sha256(data).hexdigest()
    return kind, rep


class _DaskEngine:
    """Documents as tasks on a Dask distributed cluster (``scheduler`` address or a ``Client``)."""

    def __init__(self, limits: Limits, password: str | None, scheduler=None, client=None,
                 send_bytes: bool = False):
        try:
            from distributed import Client
        except ImportError:  # pragma: no cover - depends on the install
            raise RuntimeError("the dask executor needs the optional extra: pip install 'redactlens[dask]'") from None
        self.limits, self.password, self.send_bytes = limits, password, send_bytes
        self.own_client = client is None
        if client is None:
            if not scheduler:
                raise ValueError("the dask executor needs a scheduler address (e.g. tcp://host:8786)")
            client = Client(scheduler, timeout="30s")
        self.client = client
        try:
            self.workers = max(1, sum(self.client.nthreads().values()))
        except Exception:
            self.workers = 1

    def submit(self, path: str):
        data = None
        if self.send_bytes:
            try:
                with open(path, "rb") as fh:
                    data = fh.read()
            except OSError:
                data = None  # let the worker report the specific error
        return self.client.submit(_dask_task, path, self.password, self.limits.timeout, self.limits.memory_mb,
                                  data, pure=False)

    def wait_any(self, futs):
        from distributed import wait
        done, _ = wait(list(futs), return_when="FIRST_COMPLETED")
        return done

    def outcome(self, fut, path: str) -> tuple[str, dict]:
        try:
            return fut.result()
        except Exception as exc:  # KilledWorker (a task that killed Dask workers repeatedly) ...
            name = type(exc).__name__
            if name == "KilledWorker":
                return CRASH, _failed(path, "the PDF parser crashed on this file (it killed the Dask worker "
                                            "each time it was tried); the rest of the batch was scanned").to_dict()
            return INTERNAL, _failed(path, f"internal error while scanning on the cluster: {name}: {exc}").to_dict()

    def close(self, abort: bool) -> None:
        if self.own_client:
            self.client.close()


# --------------------------------------------------------------------------------------------
# the runner


def _progress_bar(total: int, progress: bool | None):
    if progress is False:
        return None
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover
        return None
    # progress=None: show only on an interactive terminal (tqdm's disable=None does exactly that)
    return tqdm(total=total, unit="doc", dynamic_ncols=True, leave=False,
                disable=None if progress is None else False)


def iter_scan(paths: Iterable[str | os.PathLike], *, password: str | None = None, workers: int | None = None,
              limits: Limits | None = None, ordered: bool = True, skip_sha256: Collection[str] = (),
              skip_paths: Collection[str] = (), executor: str = "local", scheduler: str | None = None,
              client=None, send_bytes: bool = False, progress: bool | None = False,
              stats: BatchStats | None = None, window: int | None = None) -> Iterator[DocumentReport]:
    """Scan inputs in parallel and yield a :class:`DocumentReport` per input.

    ``ordered``: yield in input order (default) or as each document finishes.  ``skip_sha256`` /
    ``skip_paths``: documents already done (``--resume``); they are not scanned and not yielded.
    ``executor``: ``"local"`` (process pool; ``workers=0`` scans in-process, without isolation or
    limits) or ``"dask"`` (``scheduler`` address or a ``distributed.Client`` as ``client``;
    ``send_bytes`` ships each file's bytes to the cluster instead of its path).  ``progress``:
    True, False, or None for "on a terminal only".  ``stats`` is filled in as the batch runs.
    """
    limits = limits or Limits()
    stats = stats if stats is not None else BatchStats()
    skip_sha256, skip_paths = set(skip_sha256), set(skip_paths)
    items: list[tuple[str, str | None]] = []
    for path, reason in discover(paths):
        stats.inputs += 1
        if reason is not None and path in skip_paths:  # a reported non-PDF
            stats.resumed += 1
            continue
        if reason is None and (skip_sha256 or skip_paths):
            sha = file_sha256(path) if skip_sha256 else None
            if (sha is not None and sha in skip_sha256) or (sha is None and path in skip_paths):
                stats.resumed += 1
                continue
        items.append((path, reason))

    bar = _progress_bar(len(items), progress)

    def emit(kind: str, rep: DocumentReport) -> DocumentReport:
        stats.count(kind)
        stats.scanned += 1
        stats.pages += rep.pages or 0
        if bar is not None:
            bar.update(1)
        return rep

    try:
        if executor == "local" and workers is not None and workers <= 0:
            from .pipeline import scan
            for path, reason in items:
                if reason:
                    yield emit(*_unscanned(path, reason))
                else:
                    rep = scan(path, password=password)
                    yield emit(DOC_ERROR if rep.error else OK, rep)
            return
        if executor == "local":
            n = workers if workers is not None else min(max(1, len(items)), os.cpu_count() or 1, 4)
            engine = _LocalEngine(max(1, n), limits, password)
        elif executor == "dask":
            engine = _DaskEngine(limits, password, scheduler=scheduler, client=client, send_bytes=send_bytes)
        else:
            raise ValueError(f"unknown executor {executor!r} (use 'local' or 'dask')")
        yield from _run(engine, items, ordered, window or max(4, 3 * engine.workers), emit)
    finally:
        if bar is not None:
            bar.close()


def _run(engine, items, ordered: bool, window: int, emit) -> Iterator[DocumentReport]:
    inflight: dict = {}           # future -> (index, path)
    ready: dict[int, tuple] = {}  # index -> (kind, report), for ordered output
    next_submit = next_yield = 0
    abort = True
    try:
        while next_yield < len(items):
            # keep the window full (bounded look-ahead keeps memory bounded in both modes)
            while next_submit < len(items) and len(inflight) < window and next_submit < next_yield + window:
                path, reason = items[next_submit]
                if reason:
                    ready[next_submit] = _unscanned(path, reason)
                else:
                    inflight[engine.submit(path)] = (next_submit, path)
                next_submit += 1
            if not ordered:  # only skipped inputs wait here; they go out at once
                for idx in list(ready):
                    kind, rep = ready.pop(idx)
                    next_yield += 1
                    yield emit(kind, rep)
            else:
                while next_yield in ready:
                    kind, rep = ready.pop(next_yield)
                    next_yield += 1
                    yield emit(kind, rep)
            if next_yield >= len(items):
                break
            if not inflight:
                continue
            for fut in sorted(engine.wait_any(inflight), key=lambda f: inflight[f][0]):  # input order among the done
                idx, path = inflight.pop(fut)
                kind, d = engine.outcome(fut, path)
                rep = DocumentReport.from_dict(d)
                if ordered:
                    ready[idx] = (kind, rep)
                else:
                    next_yield += 1
                    yield emit(kind, rep)
        abort = False
    finally:
        engine.close(abort=abort or bool(inflight))


def scan_many(paths: Iterable[str | os.PathLike], *, password: str | None = None, workers: int | None = None,
              limits: Limits | None = None,
              on_result: Callable[[DocumentReport], None] | None = None, keep: bool = True,
              **kwargs) -> BatchReport:
    """Scan files and directories; return a :class:`BatchReport` (documents in input order).

    ``keep=False`` hands each report to ``on_result`` only (bounded memory, for streaming).  Extra
    keyword arguments go to :func:`iter_scan` (``ordered``, ``executor``, ``scheduler``,
    ``client``, ``progress``, ``stats``, ``skip_sha256`` ...)."""
    batch = BatchReport()
    for rep in iter_scan(paths, password=password, workers=workers, limits=limits, **kwargs):
        if keep:
            batch.documents.append(rep)
        if on_result:
            on_result(rep)
    if keep:
        analyse(batch)
    return batch


def analyse(batch: BatchReport) -> BatchReport:
    """The batch-level stages over scanned documents: enrichment that needs the whole batch, then
    the consistency analysis (``batch.consistency``).  In place; returns ``batch``."""
    from .consistency import analyse_batch
    from .enrich import enrich_batch
    batch.documents = enrich_batch(batch).documents
    batch.consistency = analyse_batch(batch)
    return batch

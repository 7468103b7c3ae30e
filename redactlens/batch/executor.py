"""The executor interface: where the per-document work of a batch runs.

An :class:`Executor` runs ``task(path, password, data, settings)`` for one document at a time per
worker and hands back ``(kind, report dict)``.  *Limits and isolation are the executor's business*
(a worker process per document, a time limit, a memory cap); *scheduling is the runner's*
(:mod:`redactlens.batch.runner`: the window of documents in flight, input order or finishing order,
``--resume``, statistics, the progress bar).

Executors here: :class:`SerialExecutor` (in the calling process: no isolation, no limits),
:class:`~redactlens.batch.pool.PoolExecutor` (a local process pool) and
:class:`~redactlens.batch.dask_executor.DaskExecutor` (tasks on a Dask cluster, each again in an
isolated, limited child process there).

Call contract
-------------
The runner calls every method in the **calling process**:

``submit(path, data=None) -> handle``
    Start one document.  Returns a :class:`concurrent.futures.Future`-like handle at once
    (:class:`SerialExecutor` runs the document first: its handle is already done).
``wait_any(handles) -> set``
    Block until at least one of ``handles`` is done; return the done ones.
``outcome(handle, path) -> (kind, report dict)``
    The result of a done handle.  **Never raises**: a failure of the worker (a crash, the time or
    memory limit, a bug of ours) becomes an error report for that document, with ``error`` and
    ``error_code`` (see :func:`failure_outcome`).
``close(abort)``
    Stop the workers (``abort``: also the documents still running).

Where each argument lives:

``settings`` (:class:`~redactlens.settings.Settings`)
    Resolved once by the runner, in the caller; *pickled* to every worker with each document (a
    pool child; on Dask, the Dask worker and then its pool child).  Workers read no environment.
``password`` (str or None)
    Pickled to the worker with each document.
``task``
    Called in the **worker process** (:class:`SerialExecutor`: in the caller).  Must be picklable
    *by reference* -- a module-level function, or an instance of a module-level class -- and its
    module importable in the worker (forkserver/spawn children get the caller's ``sys.path``; a
    Dask worker needs it installed).  Default: :func:`~redactlens.batch.task.scan_document`.
    Returns a report dict; for a bad document it returns an error report rather than raising.
``path`` (str)
    Opened by the worker: the same machine for a pool; a shared filesystem on Dask unless
    ``send_bytes``, where ``data`` (the file's bytes, read in the caller) is pickled instead.
the result (dict)
    Pickled back to the caller.

A subclass implements one method, :meth:`Executor._submit`; it may override :meth:`_failure`
to name failures of its own (a Dask ``KilledWorker``), :meth:`wait_any` for its own futures, and
:meth:`close`.
"""
from __future__ import annotations

import signal
from abc import ABC, abstractmethod
from concurrent.futures import FIRST_COMPLETED, Future
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures import wait as futures_wait
from typing import Callable

from ..errors import DocumentError, Internal, MemoryLimit, ParserCrash, Timeout
from ..model import DocumentReport
from ..settings import Settings
from .discover import CRASH, DOC_ERROR, INTERNAL, MEMORY, OK, TIMEOUT, file_sha256
from .limits import MEMORY_EXIT
from .task import scan_document

class ExecutorError(ValueError):
    """An executor cannot be started: an unknown name, no scheduler given, a cluster that cannot
    be reached, an optional dependency missing (a message for the user)."""


#: ``task(path, password, data, settings) -> report dict`` (see the call contract above)
Task = Callable[[str, "str | None", "bytes | None", Settings], dict]


def failed(path: str, message: str, code: str, data: bytes | None = None) -> dict:
    """The report dict of a document whose scan did not finish (``error`` and ``error_code``)."""
    import hashlib
    sha = hashlib.sha256(data).hexdigest() if data is not None else file_sha256(path)
    return DocumentReport(path=path, sha256=sha, error=message, error_code=code).to_dict()


def classify(rep: dict) -> tuple[str, dict]:
    """``(kind, report)`` of a report the task returned."""
    return (DOC_ERROR if rep.get("error") else OK), rep


def _signal_name(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            return f"signal {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"exit code {code}"


def failure_outcome(exc: BaseException, path: str, settings: Settings,
                    data: bytes | None = None) -> tuple[str, dict]:
    """``(kind, error report)`` for the exception a document's future raised.

    The time limit (``timeout``), the memory cap (``memory``), a dead worker (``parser_crash``) and
    a :class:`~redactlens.errors.DocumentError` keep their meaning; anything else is a bug of ours
    that surfaced in that document's scan and is reported as ``internal`` for it alone."""
    from .workers import WorkerDied
    if isinstance(exc, FutureTimeout):
        return TIMEOUT, failed(path, f"time limit exceeded: scanning took longer than {settings.timeout:g} s "
                                     "(the worker was stopped; the rest of the batch was scanned)", Timeout.code, data)
    if isinstance(exc, WorkerDied):
        code = exc.exitcode
        if code == MEMORY_EXIT:
            return MEMORY, failed(path, f"memory limit exceeded: the document needed more than {settings.memory_mb} "
                                        "MB (the worker was replaced; the rest of the batch was scanned)", MemoryLimit.code, data)
        hint = " (killed: out of memory?)" if code == -signal.SIGKILL else ""
        return CRASH, failed(path, f"the PDF parser crashed on this file (worker died with {_signal_name(code)}"
                                   f"{hint}); the rest of the batch was scanned", ParserCrash.code, data)
    if isinstance(exc, MemoryError):
        return MEMORY, failed(path, f"memory limit exceeded ({settings.memory_mb} MB per worker)", MemoryLimit.code, data)
    if isinstance(exc, DocumentError):
        return DOC_ERROR, failed(path, str(exc), exc.code, data)
    return INTERNAL, failed(path, f"internal error while scanning: {type(exc).__name__}: {exc}", Internal.code, data)


class Executor(ABC):
    """Runs the per-document ``task`` somewhere (see the module's call contract)."""

    #: documents that can run at once (the runner sizes its window from it)
    workers: int = 1
    #: True when :meth:`submit` itself runs the document (the runner then looks ahead by one only)
    inline: bool = False
    #: True when the runner may split long documents into page ranges on this executor's workers
    #: (:mod:`redactlens.batch.split`)
    splits: bool = False

    def __init__(self, settings: Settings, password: str | None = None, task: Task | None = None):
        self.settings = settings
        self.password = password
        self.task: Task = task or scan_document

    def submit(self, path: str, data: bytes | None = None, task: Task | None = None):
        """Start one document; ``task`` replaces this executor's task for it (the writers run
        their per-document work -- an exhibit part, thumbnails -- under the same isolation and
        limits as the scan)."""
        return self._submit(path, data, task or self.task)

    @abstractmethod
    def _submit(self, path: str, data: bytes | None, task: Task):
        """Start ``task(path, self.password, data, self.settings)`` under this executor's
        isolation and limits; return a future of its report dict (or of ``(kind, dict)``)."""

    def wait_any(self, handles) -> set:
        done, _ = futures_wait(list(handles), return_when=FIRST_COMPLETED)
        return done

    def outcome(self, handle, path: str) -> tuple[str, dict]:
        try:
            res = handle.result()
        # The executor boundary (documented exception to "no broad except"): whatever one
        # document's worker raised -- our bug included -- is that document's error report
        # (``_failure``: ``internal`` unless it is a known failure), never the batch's end.
        except Exception as exc:
            return self._failure(exc, path)
        return res if isinstance(res, tuple) else classify(res)

    def _failure(self, exc: BaseException, path: str) -> tuple[str, dict]:
        return failure_outcome(exc, path, self.settings)

    def close(self, abort: bool) -> None:
        """Stop the workers (nothing to stop by default)."""


class SerialExecutor(Executor):
    """Each document in the calling process, one after the other, when it is submitted: no worker
    process, hence **no isolation and no limits** (a parser crash ends the caller, a hang hangs it;
    ``settings.timeout`` and ``memory_mb`` are not enforced).  ``workers=0``; for debugging, and
    where processes cannot be started."""

    inline = True

    def _submit(self, path: str, data: bytes | None, task: Task) -> Future:
        fut: Future = Future()
        try:
            fut.set_result(task(path, self.password, data, self.settings))
        # the executor boundary, as in the pools: one document's failure (our bug included) is
        # its report, made by ``outcome`` (KeyboardInterrupt and SystemExit still stop the batch)
        except Exception as exc:
            fut.set_exception(exc)
        return fut

"""The batch's worker processes: a pool in which each task runs in a child process that may die.

Each worker has a pipe of its own and is given one task at a time, and only after the parent has
read the result of its previous one.  So when a worker process ends, the parent knows exactly which
task (if any) it was running: the task the parent gave it and has no result for.  A result the
worker sent just before it ended is read first.  That is the whole of the attribution; nothing is
guessed from timing.

Why not pebble, which the project used before: pebble's workers share one result channel, and the
parent matches a dead worker to a task by the acknowledgements it has read so far.  A worker that
sent a result, took the next task and died at once (a memory bomb stops in milliseconds) was
matched to the *previous* task when the parent had not yet read that result, or to no task at all
("All workers expired", which aborts every task of the pool).  Measured with a parent thread
busy on the GIL, as the batch runner's own thread is: 51 of 60 alternating tasks (a large result,
then a worker that exits at once) came back wrong from pebble 5.2.3; none from this pool
(``tests/test_workers.py`` keeps the experiment).

Contract: :meth:`WorkerPool.schedule` returns a :class:`concurrent.futures.Future` of
``fn(*args)`` run in a worker.  It raises in the future what ``fn`` raised; :class:`WorkerDied`
(with the exit code) when the worker ended first; :class:`concurrent.futures.TimeoutError` when the
task ran longer than its ``timeout`` (the worker is killed and replaced).  ``initializer`` runs once
in each new worker; a worker is replaced after ``max_tasks`` tasks (0: never).  ``fn``, ``args``,
the result and any exception cross the pipe pickled.  Workers that end as they start
(:data:`MAX_START_FAILURES` in a row), or a bug of the supervisor thread itself, fail the tasks
with :class:`PoolClosed` instead of leaving their futures waiting.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from concurrent.futures import CancelledError, Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from multiprocessing.connection import wait as wait_ready
from typing import Any, Callable

#: workers that end before taking any task, one after the other, before the queued tasks are
#: failed (an initializer that cannot run, a start method that cannot start processes)
MAX_START_FAILURES = 3
#: exit code of a worker whose initializer raised
INIT_FAILED_EXIT = 3
#: seconds the supervisor sleeps at most between looks at the time limits
POLL_SECONDS = 0.25


class WorkerDied(Exception):
    """The worker process running the task ended before it sent a result (a native crash, a
    signal, or the worker's own ``os._exit``).  ``exitcode`` as :attr:`multiprocessing.Process.exitcode`
    (negative: the signal)."""

    def __init__(self, exitcode: int | None, pid: int | None):
        super().__init__(f"worker process {pid} ended with exit code {exitcode}")
        self.exitcode = exitcode
        self.pid = pid


class PoolClosed(RuntimeError):
    """A task was scheduled on a pool that is closed or stopped."""


@dataclass(eq=False)
class _Task:
    fn: Callable
    args: tuple
    timeout: float | None
    future: Future
    deadline: float | None = None
    sends: int = 0          # sends that failed (the worker was gone)
    running: bool = False   # its future is running (a task sent back to the queue stays so)


@dataclass(eq=False)
class _Worker:
    process: Any
    conn: Any
    task: _Task | None = None
    took_any: bool = False
    done: int = 0          # tasks it returned (at max_tasks it ends by itself: it takes no more)


def _worker_main(conn, initializer, initargs, max_tasks: int) -> None:
    """A worker: run ``initializer``, then one task after another from ``conn`` until ``None``,
    end of file (the parent is gone) or ``max_tasks``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C is the parent's to handle
    if initializer is not None:
        try:
            initializer(*initargs)
        # a worker that cannot initialise ends at once (the parent counts such starts)
        except BaseException as exc:  # noqa: BLE001
            sys.stderr.write(f"redactlens worker: the initializer failed: {type(exc).__name__}: {exc}\n")
            sys.stderr.flush()
            os._exit(INIT_FAILED_EXIT)
    done = 0
    while not max_tasks or done < max_tasks:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        fn, args = msg
        try:
            reply = (True, fn(*args))
        # the task's boundary: whatever it raised is its result, sent to the parent
        except BaseException as exc:  # noqa: BLE001
            reply = (False, exc)
        del msg, fn, args
        try:
            conn.send(reply)
        except (EOFError, OSError):
            return
        except Exception as exc:  # the result or the exception cannot be pickled
            try:
                conn.send((False, RuntimeError(f"the task's result could not be sent back: "
                                               f"{type(exc).__name__}: {exc}")))
            except (EOFError, OSError):
                return
        del reply
        done += 1


class WorkerPool:
    """``workers`` worker processes started from ``context`` (a :mod:`multiprocessing` context)
    as tasks need them; see the module docstring."""

    def __init__(self, workers: int = 1, *, initializer: Callable | None = None, initargs: tuple = (),
                 context=None, max_tasks: int = 0):
        self.size = max(1, int(workers))
        self._ctx = context or multiprocessing.get_context()
        self._initializer, self._initargs, self._max_tasks = initializer, tuple(initargs), int(max_tasks)
        self._lock = threading.Lock()
        self._pending: deque[_Task] = deque()
        self._state = "running"          # running -> closing | stopping -> ended
        self._workers: list[_Worker] = []
        self._start_failures = 0
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_w, False)
        self._thread = threading.Thread(target=self._supervise, name="redactlens-workers", daemon=True)
        self._thread.start()

    # -- the caller's side ----------------------------------------------------------------------
    @property
    def active(self) -> bool:
        return self._state == "running" and self._thread.is_alive()

    def schedule(self, fn: Callable, args: tuple = (), timeout: float | None = None) -> Future:
        fut: Future = Future()
        with self._lock:
            if self._state != "running":
                raise PoolClosed("the worker pool is closed")
            self._pending.append(_Task(fn, tuple(args), timeout or None, fut))
        self._wake()
        return fut

    def close(self) -> None:
        """No more tasks; the queued ones still run (:meth:`join` waits for them)."""
        self._set_state("closing")

    def stop(self) -> None:
        """Kill the workers now; queued tasks are cancelled, running ones fail with
        :class:`concurrent.futures.CancelledError`."""
        self._set_state("stopping")

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        self.join()

    def _set_state(self, state: str) -> None:
        with self._lock:
            if self._state in ("running", "closing") and self._state != state:
                self._state = state
        self._wake()

    def _wake(self) -> None:
        with self._lock:   # (the supervisor closes the pipe under the lock: its number may be reused)
            if self._wake_w < 0:
                return
            try:
                os.write(self._wake_w, b".")
            except (BlockingIOError, OSError):
                pass   # already awake (the pipe is full)

    # -- the supervisor thread ------------------------------------------------------------------
    def _supervise(self) -> None:
        try:
            while True:
                with self._lock:
                    state = self._state
                if state == "stopping":
                    self._stop_all()
                    return
                self._dispatch()
                if state == "closing" and not self._pending and not any(w.task for w in self._workers):
                    self._retire_all()
                    return
                self._wait_and_collect()
        # a bug of this supervisor must not leave callers waiting on futures that never resolve:
        # every task gets it (type and message) as its error
        except Exception as exc:  # noqa: BLE001
            self._abandon(exc)
        finally:
            with self._lock:
                self._state = "ended"
                for fd in (self._wake_r, self._wake_w):
                    try:
                        os.close(fd)
                    except OSError:
                        pass
                self._wake_r = self._wake_w = -1

    def _abandon(self, exc: BaseException) -> None:
        """Fail every queued and running task with ``exc`` and kill the workers."""
        err = PoolClosed(f"the worker pool stopped: {type(exc).__name__}: {exc}")
        self._fail_pending(err)
        for worker in list(self._workers):
            task, worker.task = worker.task, None
            try:
                self._kill(worker)
            except Exception:  # noqa: BLE001  (already failing: the tasks come first)
                pass
            if task is not None and not task.future.done():
                task.future.set_exception(err)

    def _dispatch(self) -> None:
        """Give queued tasks to idle workers, starting workers up to :attr:`size`."""
        while True:
            with self._lock:
                if not self._pending:
                    return
            worker = next((w for w in self._workers if w.task is None and not self._retiring(w)), None)
            if worker is None:
                if sum(not self._retiring(w) for w in self._workers) >= self.size:
                    return
                worker = self._start_worker()
                if worker is None:
                    return
            with self._lock:
                if not self._pending:
                    return
                task = self._pending.popleft()
            if not task.running:
                if not task.future.set_running_or_notify_cancel():
                    continue   # cancelled while queued
                task.running = True
            self._send(worker, task)

    def _retiring(self, worker: _Worker) -> bool:
        """True for a worker that returned ``max_tasks`` results: it is ending by itself."""
        return bool(self._max_tasks) and worker.done >= self._max_tasks

    def _start_worker(self) -> _Worker | None:
        parent, child = self._ctx.Pipe(duplex=True)
        proc = self._ctx.Process(target=_worker_main, name="redactlens-worker", daemon=True,
                                 args=(child, self._initializer, self._initargs, self._max_tasks))
        try:
            proc.start()
        except (OSError, RuntimeError, ValueError) as exc:
            parent.close()
            child.close()
            self._fail_pending(PoolClosed(f"cannot start a worker process: {type(exc).__name__}: {exc}"))
            return None
        child.close()
        worker = _Worker(proc, parent)
        self._workers.append(worker)
        return worker

    def _send(self, worker: _Worker, task: _Task) -> None:
        try:
            worker.conn.send((task.fn, task.args))
        except (OSError, EOFError):
            # the worker ended before it took the task (a broken pipe): the task goes back to the
            # front of the queue once; a second time it is the dead worker's (it may be its cause)
            task.sends += 1
            if task.sends < 2:
                with self._lock:
                    self._pending.appendleft(task)
            else:
                worker.task = task
            self._reap(worker)
            return
        except Exception as exc:   # the task itself cannot be pickled: its own error
            task.future.set_exception(exc)
            return
        worker.task = task
        worker.took_any = True
        task.deadline = time.monotonic() + task.timeout if task.timeout else None

    def _wait_and_collect(self) -> None:
        now = time.monotonic()
        deadlines = [w.task.deadline for w in self._workers if w.task and w.task.deadline]
        timeout = POLL_SECONDS if not deadlines else max(0.0, min(POLL_SECONDS, min(deadlines) - now))
        conns = {w.conn: w for w in self._workers if w.task is not None}
        sentinels = {w.process.sentinel: w for w in self._workers}
        ready = wait_ready([self._wake_r, *conns, *sentinels], timeout)
        if self._wake_r in ready:
            try:
                os.read(self._wake_r, 4096)
            except OSError:
                pass
        for obj in ready:
            worker = conns.get(obj)
            if worker is not None and worker in self._workers and not self._receive(worker):
                self._reap(worker)   # it ended while sending: the task is the dead worker's
        for obj in ready:
            worker = sentinels.get(obj) if isinstance(obj, int) else None
            if worker is not None and worker in self._workers:
                self._reap(worker)
        now = time.monotonic()
        for worker in list(self._workers):
            task = worker.task
            if task is not None and task.deadline is not None and now > task.deadline:
                worker.task = None
                self._kill(worker)
                task.future.set_exception(FutureTimeout(f"the task ran longer than {task.timeout:g} s"))

    def _receive(self, worker: _Worker) -> bool:
        """Read the result ``worker`` sent and resolve its task; False when the pipe is at its end
        (the worker ended before it sent a whole result)."""
        try:
            ok, value = worker.conn.recv()
        except (EOFError, OSError):
            return False
        # a result the parent cannot unpickle (a class it cannot import) is the task's error
        except Exception as exc:
            ok, value = False, exc
        task, worker.task = worker.task, None
        worker.done += 1
        if task is not None:
            if ok:
                task.future.set_result(value)
            else:
                task.future.set_exception(value)
        return True

    def _reap(self, worker: _Worker) -> None:
        """``worker``'s process has ended (or is ending): read a result it sent last, fail the task
        it still had with :class:`WorkerDied`, and forget the worker."""
        try:
            if worker.task is not None and worker.conn.poll(0):
                self._receive(worker)
        except (EOFError, OSError):
            pass
        worker.process.join(5)
        code = worker.process.exitcode
        if code is None:            # still running after its pipe broke: make sure it ends
            self._kill(worker)
            code = worker.process.exitcode
        self._forget(worker)
        task, worker.task = worker.task, None
        if code == INIT_FAILED_EXIT and not worker.done:
            if task is not None:     # sent before the worker could start: it never ran
                with self._lock:
                    self._pending.appendleft(task)
            self._start_failures += 1
            if self._start_failures >= MAX_START_FAILURES:
                self._fail_pending(PoolClosed(f"worker processes end as they start (exit code {code}); "
                                              f"{MAX_START_FAILURES} in a row"))
        elif task is not None:
            self._start_failures = 0
            task.future.set_exception(WorkerDied(code, worker.process.pid))
        elif not worker.took_any and code not in (0, None):
            self._start_failures += 1
            if self._start_failures >= MAX_START_FAILURES:
                self._fail_pending(PoolClosed(f"worker processes end as they start (exit code {code}); "
                                              f"{MAX_START_FAILURES} in a row"))
        else:
            self._start_failures = 0

    def _kill(self, worker: _Worker) -> None:
        try:
            worker.process.kill()
        except (OSError, ValueError):
            pass
        worker.process.join(5)
        self._forget(worker)

    def _forget(self, worker: _Worker) -> None:
        if worker in self._workers:
            self._workers.remove(worker)
            try:
                worker.conn.close()
            except OSError:
                pass

    def _fail_pending(self, exc: BaseException) -> None:
        with self._lock:
            tasks, self._pending = list(self._pending), deque()
        for task in tasks:
            if task.running or task.future.set_running_or_notify_cancel():
                task.future.set_exception(exc)

    def _retire_all(self) -> None:
        for worker in list(self._workers):
            try:
                worker.conn.send(None)
            except (OSError, ValueError):
                pass
        for worker in list(self._workers):
            worker.process.join(5)
            if worker.process.exitcode is None:
                self._kill(worker)
            self._forget(worker)

    def _stop_all(self) -> None:
        with self._lock:
            tasks, self._pending = list(self._pending), deque()
        for task in tasks:
            if not task.future.cancel():      # a task sent once already runs: it cannot be cancelled
                task.future.set_exception(CancelledError())
        for worker in list(self._workers):
            task, worker.task = worker.task, None
            self._kill(worker)
            if task is not None:
                task.future.set_exception(CancelledError())

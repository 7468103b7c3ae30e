"""The batch's worker pool (redactlens/batch/workers.py): a worker that dies is matched to the task
it was running -- never to the one before it, never to none -- even when it dies the moment it
takes a task and the parent is slow to read; time limits, task errors, recycling, start-up
failures and stopping."""
import threading
import time
from concurrent.futures import CancelledError
from concurrent.futures import TimeoutError as FutureTimeout

import pytest

import pool_tasks as T
from redactlens.batch.pool import mp_context
from redactlens.batch.workers import PoolClosed, WorkerDied, WorkerPool


def _pool(workers=2, **kw):
    return WorkerPool(workers, context=mp_context("forkserver"), **kw)


class _BusyParent:
    """A thread of the parent that holds the GIL most of the time (the batch runner's own thread
    merging and writing results does): the parent reads worker messages late."""

    def __enter__(self):
        self.stop = False
        self.thread = threading.Thread(target=self._spin, daemon=True)
        self.thread.start()
        return self

    def _spin(self):
        while not self.stop:
            sum(range(20000))

    def __exit__(self, *exc):
        self.stop = True
        self.thread.join()


def test_a_dead_worker_is_matched_to_its_own_task():
    # pebble 5.2.3, the pool used before, got 51 of 60 of these wrong ("All workers expired", or a
    # good task reported as the dead one): see docs/dependencies.md
    kinds = ["big" if i % 2 == 0 else "die" for i in range(40)]
    with _BusyParent():
        with _pool(2, max_tasks=25) as pool:
            futs = [pool.schedule(T.big_or_die, (k, i), timeout=60) for i, k in enumerate(kinds)]
            outcomes = []
            for i, (k, f) in enumerate(zip(kinds, futs)):
                try:
                    r = f.result(timeout=120)
                    outcomes.append(("big", r["i"] == i and len(r["blob"]) == 4 << 20))
                except WorkerDied as e:
                    outcomes.append(("die", e.exitcode == 86))
    assert [k for k, _ in outcomes] == kinds
    assert all(ok for _, ok in outcomes)


def test_a_native_crash_costs_its_task_only():
    with _pool(2) as pool:
        before = [pool.schedule(T.echo, (i,)) for i in range(3)]
        crash = pool.schedule(T.segv)
        after = [pool.schedule(T.echo, (i,)) for i in range(3, 6)]
        with pytest.raises(WorkerDied) as err:
            crash.result(timeout=60)
        assert err.value.exitcode == -11
        assert [f.result(timeout=60) for f in before + after] == list(range(6))


def test_the_time_limit_stops_the_late_task_and_the_pool_goes_on():
    with _pool(2) as pool:
        t0 = time.monotonic()
        late = pool.schedule(T.sleep, (60,), timeout=1)
        quick = [pool.schedule(T.echo, (i,), timeout=30) for i in range(5)]
        with pytest.raises(FutureTimeout):
            late.result(timeout=30)
        assert time.monotonic() - t0 < 20
        assert [f.result(timeout=30) for f in quick] == list(range(5))
        assert pool.schedule(T.echo, ("next",)).result(timeout=30) == "next"


def test_task_errors_are_the_task_results():
    with _pool(1) as pool:
        with pytest.raises(ValueError, match="bad page"):
            pool.schedule(T.fail, ("bad page",)).result(timeout=30)
        with pytest.raises(RuntimeError, match="could not be sent back"):
            pool.schedule(T.unpicklable_result).result(timeout=30)
        with pytest.raises(Exception):   # an argument that cannot be pickled never reaches a worker
            pool.schedule(T.echo, (lambda: None,)).result(timeout=30)
        worker = pool.schedule(T.pid).result(timeout=30)
        assert pool.schedule(T.pid).result(timeout=30) == worker    # the same worker went on


def test_workers_are_replaced_after_max_tasks():
    with _pool(1, max_tasks=3) as pool:
        pids = [pool.schedule(T.pid).result(timeout=30) for _ in range(7)]
    assert len(set(pids)) == 3
    assert pids[:3] == [pids[0]] * 3 and pids[3:6] == [pids[3]] * 3 and pids[0] != pids[3]


def test_workers_that_cannot_start_fail_the_tasks_instead_of_hanging():
    with _pool(2, initializer=T.bad_initializer) as pool:
        futs = [pool.schedule(T.echo, (i,)) for i in range(3)]
        for f in futs:
            with pytest.raises(PoolClosed, match="end as they start"):
                f.result(timeout=60)


def test_stop_ends_running_and_queued_tasks_and_close_refuses_more():
    pool = _pool(1)
    running = pool.schedule(T.sleep, (60,))
    queued = pool.schedule(T.echo, (1,))
    time.sleep(1.0)
    t0 = time.monotonic()
    pool.stop()
    pool.join(timeout=30)
    assert time.monotonic() - t0 < 15
    with pytest.raises(CancelledError):
        running.result(timeout=5)
    with pytest.raises(CancelledError):
        queued.result(timeout=5)
    assert not pool.active
    with pytest.raises(PoolClosed):
        pool.schedule(T.echo, (2,))


def test_tasks_scheduled_from_many_threads():
    # a Dask worker's threads share one pool
    with _pool(2) as pool:
        results = {}

        def submit(base):
            results[base] = [pool.schedule(T.echo, (base + i,)) for i in range(10)]

        threads = [threading.Thread(target=submit, args=(b,)) for b in (0, 100, 200, 300)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        got = {b: [f.result(timeout=60) for f in fs] for b, fs in results.items()}
    assert got == {b: list(range(b, b + 10)) for b in (0, 100, 200, 300)}


def test_a_bug_in_the_supervisor_fails_the_tasks_instead_of_hanging(monkeypatch):
    def broken(self, worker):
        raise KeyError("a bug")
    monkeypatch.setattr(WorkerPool, "_receive", broken)
    pool = _pool(1)
    futs = [pool.schedule(T.echo, (i,)) for i in range(3)]
    for f in futs:
        with pytest.raises(PoolClosed, match="KeyError"):
            f.result(timeout=60)
    pool.join(timeout=30)
    assert not pool.active
    pool.close()      # closing an ended pool writes nothing anywhere

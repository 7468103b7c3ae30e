"""Tasks for tests/test_workers.py (module level, so worker processes can unpickle them by name)."""
import os
import signal
import time


def echo(i):
    return i


def pid(_=None):
    return os.getpid()


def big_or_die(kind, i, size=4 << 20):
    """A large result, or a worker that ends at once (as one that hit the memory cap does)."""
    if kind == "die":
        os._exit(86)
    return {"i": i, "blob": "x" * size}


def segv():
    os.kill(os.getpid(), signal.SIGSEGV)
    time.sleep(5)


def sleep(seconds):
    time.sleep(seconds)
    return seconds


def fail(message):
    raise ValueError(message)


def unpicklable_result():
    return lambda: None


def bad_initializer():
    raise RuntimeError("cannot initialise")

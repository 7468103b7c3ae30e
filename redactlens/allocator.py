"""The C allocator told to keep a page's image buffers for the next page (glibc only).

A page's stages allocate and free large buffers: the 150-dpi grey render and its masks (2 MB each
for a Letter page), OpenCV's label images (8 MB), the 300-dpi OCR image (8 MB).  glibc's malloc
serves blocks above its *mmap threshold* (128 kB at start, raised only to the largest block freed
so far) by mapping fresh pages from the kernel, and gives the top of its heap back once more than
its *trim threshold* is free there.  So each page's buffers were mapped, faulted in page by page,
zeroed by the kernel and unmapped again, on every page: the synthetic scanned set
(``benchmarks/bench_release.py``, 20 pages, OCR off) took 98,000 page faults and 0.9 s of system
time in a 2.5 s run.  How high the thresholds had climbed depended on what had been freed before,
so the same code was faster or slower depending on the order of allocations (b3e74a1, which
imported more at start, faulted 55,000 times on the same pages).

:func:`keep_buffers` fixes both thresholds at the values glibc's own rule reaches at most
(:data:`MMAP_THRESHOLD`, and twice that for :data:`TRIM_THRESHOLD`), once per process, before the
first page.  Measured on the 2 development cores, ``tune_allocator`` off against on, interleaved
runs, minimum wall time (docs/scale.md): synthetic scanned set 67,900 -> 6,200 page faults,
1.06 -> 0.76 s; four real scanned files with OCR (19 pages) 113,600 -> 22,300 faults,
3.69 -> 3.53 s; the 16 real text-layer files 18,400 -> 13,900 faults, 10.87 -> 10.70 s.  Peak
memory did not move (189 -> 189, 351 -> 350, 198 -> 202 MB): at most :data:`TRIM_THRESHOLD` of
freed memory stays mapped for reuse.

Not done when the ``tune_allocator`` setting is off, on other C libraries (no ``mallopt``), or
when the user set glibc's own ``MALLOC_MMAP_THRESHOLD_`` / ``MALLOC_TRIM_THRESHOLD_`` (theirs
stand: this module reads only those two variables of the environment, which are glibc's, not
redactlens' settings).
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import threading

#: bytes: blocks up to this size come from the heap (glibc's largest dynamic mmap threshold on
#: 64-bit systems, ``DEFAULT_MMAP_THRESHOLD_MAX``; larger values are refused)
MMAP_THRESHOLD = 32 << 20
#: bytes of free memory at the top of the heap kept for reuse (glibc's dynamic rule: twice the mmap
#: threshold)
TRIM_THRESHOLD = 2 * MMAP_THRESHOLD

_M_TRIM_THRESHOLD = -1    # mallopt parameters, <malloc.h>
_M_MMAP_THRESHOLD = -3
USER_VARIABLES = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_")

_lock = threading.Lock()
_state: dict = {}


def _mallopt():
    """glibc's ``mallopt``, or None where the C library has none."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        fn = libc.mallopt
    except (OSError, AttributeError):
        return None
    fn.argtypes, fn.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    return fn


def keep_buffers(enabled: bool = True, environ=None) -> bool:
    """Fix glibc's mmap and trim thresholds for this process (once; later calls return the first
    call's answer).  True when they were set here."""
    with _lock:
        if "done" in _state:
            return _state["done"]
        env = os.environ if environ is None else environ
        done = False
        if enabled and not any(env.get(v) for v in USER_VARIABLES):
            fn = _mallopt()
            if fn is not None:
                done = bool(fn(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(fn(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))
        if enabled or done:
            _state["done"] = done
        return done

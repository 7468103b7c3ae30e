"""One settings object for a scan: built once, validated, passed to every stage and every worker.

:class:`Settings` is a frozen dataclass of named fields whose defaults are the module-level
constants below.  It is built once per call -- from keyword arguments, a ``dict``, the command
line's options, or the environment (:meth:`Settings.from_env`) -- validated on construction
(:class:`ValueError` naming the bad setting), and handed down: to :func:`redactlens.scan`, to
each stage of the pipeline, and pickled to every worker of a batch (process pool or Dask).  No
stage reads the environment or a process global; the environment is read only by
:meth:`Settings.from_env`, at the library's entry points, in the calling process.

The fields are *policy* (how much work a document may cost, what OCR may do); the thresholds that
are geometry (how dark a box must be, how much of a glyph it must cover) stay named constants in
the module that uses them, each with the measurement that chose it.
"""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from typing import Any, Mapping

#: OCR modes: ``auto`` reads image-only pages that hold redactions (or boxes that only an OCR'd
#: label can confirm); ``all`` reads every image-only page; ``off`` never runs Tesseract.
OCR_MODES = ("auto", "all", "off")
#: OCR engines: ``auto`` takes the tesserocr binding when installed, else the tesseract program
OCR_ENGINES = ("auto", "tesserocr", "tesseract")
START_METHODS = ("forkserver", "fork", "spawn")

DEFAULT_OCR = "auto"
DEFAULT_OCR_LANG = "eng"
DEFAULT_OCR_DPI = 300            # Tesseract reads 8-12 pt print best at about 300 dpi
DEFAULT_OCR_TIMEOUT_S = 120.0    # one Tesseract call (a whole 300-dpi page takes 1-3 s here)
DEFAULT_OCR_MIN_CONF = 30        # words recognised with less confidence are dropped
DEFAULT_OCR_LEAK_CONF = 60       # confidence a word needs to be reported as leaked text
DEFAULT_MAX_BYTES = 1 << 30      # inputs larger than this are refused before parsing
DEFAULT_MAX_PAGES = 0            # 0: no page limit (the time limit bounds long documents)
DEFAULT_TIMEOUT_S = 300.0        # wall time for one document in a batch worker
DEFAULT_MEMORY_MB = 4096         # address space a worker may map for one document
DEFAULT_MAX_RENDER_PIXELS = 40_000_000   # one page render (150 dpi Letter is 2.1 MP)
DEFAULT_MAX_DECODE_PIXELS = 60_000_000   # one decoded image XObject (a 600-dpi Letter scan is 34 MP)
DEFAULT_REVISIONS_BUDGET_S = 20.0        # rebuilding and comparing earlier revisions of one document
DEFAULT_HIDDEN_BUDGET_S = 30.0           # hidden layers and hidden text of one document
#: OCR threads of one document when ``ocr_threads`` is None: one process scanning alone gets one
#: thread per core (at most this many), several processes the cores each has beyond its page loop
#: (see :func:`ocr_thread_count`).  Measured on the 2 development cores, the 12 scanned real
#: documents of benchmarks/bench_realworld.py in one process: 1 thread 166.5 s, 2 threads 132.0 s
#: (same reports); Chicago 15-7067 alone: 19.6 s, 15.5 s, and 15.4 s with 3
MAX_AUTO_OCR_THREADS = 3
#: documents with more pages than this are split into page ranges that different batch workers
#: scan (0: never split); see redactlens.batch.split
DEFAULT_SPLIT_PAGES = 40

#: environment variables that :meth:`Settings.from_env` reads (and nothing else does)
ENV = {
    "ocr": "REDACTLENS_OCR",
    "ocr_lang": "REDACTLENS_OCR_LANG",
    "ocr_engine": "REDACTLENS_OCR_ENGINE",
    "exemption_tables": "REDACTLENS_EXEMPTION_TABLES",
    "start_method": "REDACTLENS_START_METHOD",
}


@dataclass(frozen=True)
class Settings:
    """Everything a scan may be told, with its default.  Immutable and picklable.

    ``ocr``: one of :data:`OCR_MODES`.  ``ocr_lang``: Tesseract language(s), e.g. ``eng+spa``.
    ``ocr_engine``: one of :data:`OCR_ENGINES` (see :mod:`redactlens.ocr`).
    ``ocr_dpi``, ``ocr_timeout``, ``ocr_min_conf``, ``ocr_leak_conf``: how pages are read.
    ``max_bytes``: inputs larger than this are refused.  ``max_pages``: pages scanned per document
    (0: all; the rest get a page error).  ``timeout`` (seconds, None: none) and ``memory_mb`` (0:
    none): per-document limits enforced by batch workers.  ``max_render_pixels`` /
    ``max_decode_pixels``: caps on one page render / one decoded image.  ``revisions_budget`` /
    ``hidden_budget``: seconds the forensics may spend per document.  ``ocr_threads``: pages of
    one document OCR'd at once in worker threads while the page loop goes on (0: OCR in the page
    loop, one page after the other; None: the spare cores, see :func:`ocr_thread_count`).
    ``split_pages``: in a batch of several workers, documents with more pages are scanned in page
    ranges of about this many pages by different workers (0: never).  ``exemption_tables``: extra
    folders of ``exemptions_*.json`` tables.  ``start_method``: how batch worker processes start.
    ``tune_allocator``: the first page scanned in a process sets glibc's allocator thresholds
    (:mod:`redactlens.allocator`; False: leave the allocator alone).
    """

    ocr: str = DEFAULT_OCR
    ocr_lang: str = DEFAULT_OCR_LANG
    ocr_engine: str = "auto"
    ocr_dpi: int = DEFAULT_OCR_DPI
    ocr_timeout: float = DEFAULT_OCR_TIMEOUT_S
    ocr_min_conf: float = DEFAULT_OCR_MIN_CONF
    ocr_leak_conf: float = DEFAULT_OCR_LEAK_CONF
    max_bytes: int = DEFAULT_MAX_BYTES
    max_pages: int = DEFAULT_MAX_PAGES
    timeout: float | None = DEFAULT_TIMEOUT_S
    memory_mb: int = DEFAULT_MEMORY_MB
    max_render_pixels: int = DEFAULT_MAX_RENDER_PIXELS
    max_decode_pixels: int = DEFAULT_MAX_DECODE_PIXELS
    revisions_budget: float = DEFAULT_REVISIONS_BUDGET_S
    hidden_budget: float = DEFAULT_HIDDEN_BUDGET_S
    exemption_tables: tuple[str, ...] = ()
    start_method: str = "forkserver"
    #: OCR of context reads only the bands around boxes (:func:`redactlens.scanned.ocr_regions`); False: whole pages
    ocr_regions: bool = False
    ocr_threads: int | None = None
    split_pages: int = DEFAULT_SPLIT_PAGES
    #: fix glibc's mmap and trim thresholds in the scanning process, so that a page's image buffers
    #: are reused by the next page instead of mapped and faulted in again (:mod:`redactlens.allocator`)
    tune_allocator: bool = True

    def __post_init__(self) -> None:
        def bad(name: str, why: str) -> ValueError:
            return ValueError(f"invalid setting {name}={getattr(self, name)!r}: {why}")

        mode = str(self.ocr).strip().lower()
        if mode not in OCR_MODES:
            raise bad("ocr", f"must be one of {', '.join(OCR_MODES)}")
        object.__setattr__(self, "ocr", mode)
        if self.ocr_engine not in OCR_ENGINES:
            raise bad("ocr_engine", f"must be one of {', '.join(OCR_ENGINES)}")
        lang = str(self.ocr_lang).strip()
        if not lang or not all(part.isidentifier() or part.replace("_", "").isalnum() for part in lang.split("+")):
            raise bad("ocr_lang", "must be Tesseract language codes joined by '+', e.g. 'eng' or 'eng+spa'")
        object.__setattr__(self, "ocr_lang", lang)
        if self.timeout is not None:
            if not isinstance(self.timeout, (int, float)) or self.timeout < 0:
                raise bad("timeout", "must be a number of seconds >= 0 (0 or None: no limit)")
            if self.timeout == 0:
                object.__setattr__(self, "timeout", None)
        for name in ("ocr_dpi", "max_bytes", "max_render_pixels", "max_decode_pixels"):
            v = getattr(self, name)
            if not isinstance(v, int) or isinstance(v, bool) or v <= 0:
                raise bad(name, "must be a positive whole number")
        if self.ocr_threads is not None and (not isinstance(self.ocr_threads, int) or isinstance(self.ocr_threads, bool)
                                             or not 0 <= self.ocr_threads <= 64):
            raise bad("ocr_threads", "must be a whole number from 0 to 64, or None (the spare cores)")
        for name in ("max_pages", "memory_mb", "split_pages"):
            v = getattr(self, name)
            if not isinstance(v, int) or isinstance(v, bool) or v < 0:
                raise bad(name, "must be a whole number >= 0 (0: no limit)")
        for name in ("ocr_timeout", "revisions_budget", "hidden_budget"):
            v = getattr(self, name)
            if not isinstance(v, (int, float)) or isinstance(v, bool) or v <= 0:
                raise bad(name, "must be a positive number of seconds")
        for name in ("ocr_regions", "tune_allocator"):
            if not isinstance(getattr(self, name), bool):
                raise bad(name, "must be true or false")
        for name in ("ocr_min_conf", "ocr_leak_conf"):
            v = getattr(self, name)
            if not isinstance(v, (int, float)) or not 0 <= v <= 100:
                raise bad(name, "must be a confidence between 0 and 100")
        tables = self.exemption_tables
        if isinstance(tables, (str, os.PathLike)):
            tables = [tables]
        object.__setattr__(self, "exemption_tables", tuple(os.fspath(t) for t in tables))
        if self.start_method not in START_METHODS:
            raise bad("start_method", f"must be one of {', '.join(START_METHODS)}")

    # -- building one -------------------------------------------------------------------------
    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> "Settings":
        """Defaults filled from the environment (:data:`ENV`), then ``overrides`` (None values are
        ignored).  The only place that reads the environment."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        if env.get(ENV["ocr"], "").strip():
            values["ocr"] = env[ENV["ocr"]]
        if env.get(ENV["ocr_lang"], "").strip():
            values["ocr_lang"] = env[ENV["ocr_lang"]]
        if env.get(ENV["ocr_engine"], "").strip():
            values["ocr_engine"] = env[ENV["ocr_engine"]].strip()
        if env.get(ENV["exemption_tables"], "").strip():
            values["exemption_tables"] = tuple(p for p in env[ENV["exemption_tables"]].split(os.pathsep) if p)
        if env.get(ENV["start_method"], "").strip():
            values["start_method"] = env[ENV["start_method"]].strip()
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    @classmethod
    def resolve(cls, settings: "Settings | Mapping[str, Any] | None" = None, **overrides: Any) -> "Settings":
        """One validated :class:`Settings` from None (the environment's defaults), a ``dict`` of
        fields, or an instance; ``overrides`` (None values ignored) are applied on top."""
        extra = {k: v for k, v in overrides.items() if v is not None}
        if settings is None:
            return cls.from_env(**extra)
        if isinstance(settings, cls):
            return dataclasses.replace(settings, **extra) if extra else settings
        if isinstance(settings, Mapping):
            unknown = set(settings) - {f.name for f in dataclasses.fields(cls)}
            if unknown:
                raise ValueError(f"unknown setting(s): {', '.join(sorted(unknown))}")
            return cls.from_env(**{**dict(settings), **extra})
        raise TypeError(f"settings must be a Settings, a dict or None, not {type(settings).__name__}")

    def replace(self, **changes: Any) -> "Settings":
        """A copy with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)


def usable_cores() -> int:
    """CPUs this process may run on (its affinity mask where the platform has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def ocr_thread_count(settings: Settings, processes: int = 1) -> int:
    """OCR threads per document: ``settings.ocr_threads``, or when None (at most
    :data:`MAX_AUTO_OCR_THREADS`):

    * one process: a thread per core.  The page loop waits for a page's words only after it has
      prepared the next pages, and the threads read the pages queued while it waits (at the end of
      a document, on a page whose read outlasts the next page's detection), so every core reads;
    * ``processes`` processes scanning at once: the cores each has beyond its page loop, 0 when
      they already use every core (2 workers on 2 cores: 94.7 s without threads, 95.6 s with one
      each, on the 12 scanned real documents)."""
    if settings.ocr_threads is not None:
        return settings.ocr_threads
    cores = usable_cores()
    if max(1, processes) == 1:
        return min(MAX_AUTO_OCR_THREADS, cores)
    return min(MAX_AUTO_OCR_THREADS, max(0, cores // processes - 1))

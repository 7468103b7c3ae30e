"""The batch runner: discovery, ``--resume``, a bounded window of documents in flight, input
order or finishing order, statistics and the progress bar.

Where and how each document runs -- in-process, a local process pool, a Dask cluster, with which
isolation and limits -- is the :class:`~redactlens.batch.executor.Executor`'s business; the
runner only schedules.  The :class:`~redactlens.settings.Settings` are resolved once, here, in the
calling process, and the same object goes to every worker.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from typing import Callable, Collection, Iterable, Iterator

from ..model import BatchReport, DocumentReport
from ..settings import Settings
from ..text import report_dict
from .discover import OK, as_paths, discover, file_sha256, unscanned
from .executor import Executor, ExecutorError, SerialExecutor, Task
from .task import scan_document


@dataclass
class BatchStats:
    """What happened in a batch (filled in by :func:`iter_scan` as it goes)."""

    inputs: int = 0            # inputs discovered (files, including non-PDFs reported as skipped)
    resumed: int = 0           # documents skipped because they were already done (``skip_sha256``)
    scanned: int = 0           # reports produced
    pages: int = 0
    outcomes: dict = field(default_factory=dict)  # kind -> count (see redactlens.batch.discover)

    def count(self, kind: str) -> None:
        self.outcomes[kind] = self.outcomes.get(kind, 0) + 1

    @property
    def errors(self) -> int:
        return sum(n for k, n in self.outcomes.items() if k != OK)


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


def check_workers(workers) -> None:
    """``workers``: None (the default count), 0 (in-process) or a positive number of processes."""
    if workers is None:
        return
    if isinstance(workers, bool) or not isinstance(workers, int):
        raise TypeError(f"workers must be an int or None, not {type(workers).__name__}")
    if workers < 0:
        raise ValueError(f"workers must be 0 (scan in this process) or a positive number of processes, not {workers}")


def make_executor(executor: "str | Executor", settings: Settings, *, password: str | None = None,
                  workers: int | None = None, task: Task | None = None, n_items: int = 1,
                  scheduler: str | None = None, client=None, send_bytes: bool = False) -> Executor:
    """The executor named by ``executor`` (``"local"``, ``"dask"``), or ``executor`` itself.
    ``local`` with ``workers=0`` is the :class:`SerialExecutor`; ``workers=None``: the CPUs, at most
    4 (and no more than the documents).  Raises :class:`ExecutorError` when it cannot start."""
    if isinstance(executor, Executor):
        return executor
    check_workers(workers)
    if executor == "local":
        if workers == 0:
            return SerialExecutor(settings, password, task)
        from .pool import PoolExecutor
        n = workers if workers is not None else min(max(1, n_items), os.cpu_count() or 1, 4)
        return PoolExecutor(settings, password, task, workers=n, documents=n_items)
    if executor == "dask":
        from .dask_executor import DaskExecutor
        return DaskExecutor(settings, password, task, scheduler=scheduler, client=client, send_bytes=send_bytes)
    raise ExecutorError(f"unknown executor {executor!r} (use 'local' or 'dask')")


def iter_scan(paths: Iterable[str | os.PathLike], *, settings: "Settings | dict | None" = None,
              password: str | None = None, workers: int | None = None, ordered: bool = True,
              skip_sha256: Collection[str] = (), skip_paths: Collection[str] = (),
              executor: "str | Executor" = "local", scheduler: str | None = None, client=None,
              send_bytes: bool = False, task: Task | None = None, progress: bool | None = False,
              stats: BatchStats | None = None, window: int | None = None,
              follow_symlinks: bool = False) -> Iterator[DocumentReport]:
    """Scan inputs in parallel and yield a :class:`DocumentReport` per input.

    ``settings``: a :class:`Settings`, a ``dict`` of its fields, or None (the environment's
    defaults); resolved once, here, and pickled to every worker (``timeout`` and ``memory_mb`` are
    the per-document limits, ``start_method`` how local workers start).  ``ordered``: yield in
    input order (default) or as each document finishes.  ``skip_sha256`` / ``skip_paths``:
    documents already done (``--resume``); they are not scanned and not yielded.  ``executor``:
    ``"local"`` (process pool; ``workers=0`` scans in-process, without isolation or limits),
    ``"dask"`` (``scheduler`` address or a ``distributed.Client`` as ``client``; ``send_bytes``
    ships each file's bytes to the cluster instead of its path), or an :class:`Executor`.
    ``task``: the per-document function run in the workers (default
    :func:`~redactlens.batch.task.scan_document`; see the executor contract).  ``progress``: True,
    False, or None for "on a terminal only".  ``stats`` is filled in as the batch runs.
    ``paths``: one path (a ``str`` or path-like object) or an iterable of paths.
    ``follow_symlinks``: scan files that symbolic links inside a folder lead to outside it (by
    default they are listed as skipped).  Bad arguments (a negative ``workers``, a ``paths`` that
    is not paths) raise :class:`ValueError` / :class:`TypeError` before anything is scanned.

    Every report made here for a document that was not scanned to the end has ``error`` and
    ``error_code`` (``timeout``, ``memory``, ``parser_crash``, ``internal``, ``unreadable`` for a
    folder that cannot be listed, ``skipped`` for a non-PDF in a folder)."""
    settings = Settings.resolve(settings)
    check_workers(workers)
    paths = as_paths(paths)   # checked now, not when the first report is asked for
    return _iter_scan(paths, settings, password, workers, ordered, skip_sha256, skip_paths, executor, scheduler,
                      client, send_bytes, task, progress, stats, window, follow_symlinks)


def _iter_scan(paths, settings, password, workers, ordered, skip_sha256, skip_paths, executor, scheduler, client,
               send_bytes, task, progress, stats, window, follow_symlinks) -> Iterator[DocumentReport]:
    stats = stats if stats is not None else BatchStats()
    skip_sha256, skip_paths = set(skip_sha256), set(skip_paths)
    items: list[tuple[str, str | None]] = []
    for path, reason in discover(paths, follow_symlinks=follow_symlinks):
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
        engine = make_executor(executor, settings, password=password, workers=workers, task=task,
                               n_items=len(items), scheduler=scheduler, client=client, send_bytes=send_bytes)
        if window is None:
            window = 1 if engine.inline else max(4, 3 * engine.workers)
        yield from _run(engine, items, ordered, window, emit, id_names(items))
    finally:
        if bar is not None:
            bar.close()


def id_names(items: list[tuple[str, str | None]]) -> dict[str, str]:
    """The name redaction ids of a document start with, where its file name is not enough: ids
    are ``NAME#pPAGE-rN`` with NAME the file name (as the pipeline makes them), unique in a batch
    unless two documents share a file name; those are named by their path relative to the folder
    the clashing documents have in common (``a/x.pdf``, ``b/x.pdf``); a file given twice is one
    document.  Returns path -> name for the documents to rename only."""
    by_base: dict[str, list[str]] = {}
    for path, reason in items:
        if reason is None:
            by_base.setdefault(os.path.basename(path), []).append(path)
    out: dict[str, str] = {}
    for base, group in by_base.items():
        group = list(dict.fromkeys(group))
        if len(group) < 2:
            continue
        try:
            common = os.path.commonpath([os.path.dirname(os.path.abspath(p)) for p in group])
        except ValueError:   # different drives
            common = ""
        for p in group:
            out[p] = (os.path.relpath(os.path.abspath(p), common) if common else p).replace(os.sep, "/")
    return out


def renamed_ids(d: dict, old: str, new: str):
    """A report dict whose redaction ids (and every reference to them: consistency of fields,
    revision findings ...) start with ``new#p`` instead of ``old#p``."""
    a, b = f"{old}#p", f"{new}#p"

    def walk(x):
        if isinstance(x, str):
            return x.replace(a, b) if a in x else x
        if isinstance(x, dict):
            return {k: walk(v) for k, v in x.items()}
        if isinstance(x, list):
            return [walk(v) for v in x]
        return x
    return {k: (v if k in ("path", "sha256", "path_bytes") else walk(v)) for k, v in d.items()}


def _run(engine: Executor, items: list, ordered: bool, window: int,
         emit: Callable[[str, DocumentReport], DocumentReport],
         names: dict[str, str] | None = None) -> Iterator[DocumentReport]:
    """Keep at most ``window`` documents submitted and not yet yielded; yield each report through
    ``emit`` in input order (``ordered``) or as it finishes.  Closes ``engine`` at the end (with
    ``abort`` when stopped early: a consumer that breaks off, Ctrl-C)."""
    inflight: dict = {}           # future -> (index, path)
    ready: dict[int, tuple] = {}  # index -> (kind, report), for ordered output
    next_submit = next_yield = 0
    abort = True
    # long documents in page ranges over the workers (only the default task is split)
    splitter = None
    if getattr(engine, "splits", False) and engine.settings.split_pages and engine.task is scan_document:
        from .split import Splitter
        splitter = Splitter(engine)
    try:
        while next_yield < len(items):
            # keep the window full (bounded look-ahead keeps memory bounded in both modes)
            while next_submit < len(items) and len(inflight) < window and next_submit < next_yield + window:
                path, reason = items[next_submit]
                if reason:
                    kind, rep = unscanned(path, reason)
                    ready[next_submit] = (kind, _at_boundary(rep.to_dict()))
                else:
                    inflight[splitter.submit(path) if splitter else engine.submit(path)] = (next_submit, path)
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
                if splitter is not None:
                    new, done = splitter.step(fut, path)
                    inflight.update((f, (idx, path)) for f in new)
                    if done is None:
                        continue
                    kind, d = done
                else:
                    kind, d = engine.outcome(fut, path)
                if names and path in names:
                    d = renamed_ids(d, os.path.basename(path), names[path])
                rep = _at_boundary(d)
                if ordered:
                    ready[idx] = (kind, rep)
                else:
                    next_yield += 1
                    yield emit(kind, rep)
        abort = False
    finally:
        engine.close(abort=abort or bool(inflight))


def _at_boundary(d: dict) -> DocumentReport:
    """A worker's report dict as the batch's report: valid Unicode everywhere, messages that quote
    no file contents (:func:`redactlens.text.report_dict`; also applied by ``pipeline.scan``, but
    a failure report made by an executor, a custom task's report or a non-PDF's comes here only)."""
    return DocumentReport.from_dict(report_dict(d))


def scan_many(paths: Iterable[str | os.PathLike], *, settings: "Settings | dict | None" = None,
              password: str | None = None, workers: int | None = None,
              on_result: Callable[[DocumentReport], None] | None = None, keep: bool = True,
              **kwargs) -> BatchReport:
    """Scan files and directories; return a :class:`BatchReport` (documents in input order).

    ``settings`` as for :func:`iter_scan` (resolved once, sent to every worker).  ``keep=False``
    hands each report to ``on_result`` only (bounded memory, for streaming).  Extra keyword
    arguments go to :func:`iter_scan` (``ordered``, ``executor``, ``scheduler``, ``client``,
    ``task``, ``progress``, ``stats``, ``skip_sha256`` ...)."""
    batch = BatchReport()
    check_workers(workers)
    paths = as_paths(paths)   # before anything runs: a bare string is one path
    for rep in iter_scan(paths, settings=Settings.resolve(settings), password=password, workers=workers, **kwargs):
        if keep:
            batch.documents.append(rep)
        if on_result:
            on_result(rep)
    return analyse(batch, settings) if keep else batch


def analyse(batch: BatchReport, settings: "Settings | None" = None) -> BatchReport:
    """The batch-level stages over scanned documents: enrichment that needs the whole batch,
    cross-document recovery, then the consistency analysis (with the pairs of documents that print
    each other's withheld spans).  Returns a new :class:`BatchReport` (``batch`` is not changed)."""
    from ..consistency import analyse_batch
    from ..crossdoc import copy_items, recover
    from ..enrich import enrich_batch
    enriched = recover(enrich_batch(batch), settings)
    return replace(enriched, consistency=analyse_batch(enriched) + copy_items(enriched))

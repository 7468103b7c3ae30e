"""Streaming output: one JSON document report per line, written (and flushed) as each finishes.

A JSONL file is the crash-safe record of a long batch: every line is one complete
:class:`~redactlens.model.DocumentReport` (the same object as in ``documents`` of the contract JSON,
plus ``"schema"``), so a run that is killed keeps every document it finished, and ``--resume``
can skip them next time (matched by the sha256 of the input bytes).
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import IO

from .model import SCHEMA, DocumentReport
from .output import OutputExists
from .text import report_dict


class JsonlError(Exception):
    """The file given for ``--resume`` is not a redactlens JSONL file."""


@dataclass
class Done:
    """What an existing JSONL file already holds."""

    sha256: set[str] = field(default_factory=set)
    paths_without_sha: set[str] = field(default_factory=set)   # unreadable inputs (no hash)
    lines: int = 0
    dropped_partial: bool = False
    #: documents whose line records an error: not done, ``--resume`` scans them again
    to_retry: int = 0


def read_done(path: str, repair: bool = False) -> Done:
    """Read the documents already in a JSONL file: those scanned without an error (and the
    non-PDFs reported as skipped) are done; a document whose line has an ``error`` is not, and
    ``--resume`` scans it again.  A last line without its newline is the trace of a killed run: it
    is ignored.  With ``repair`` the file is rewritten (atomically, as a new file) without that
    trace and without the lines of the documents to retry, so appending starts on a clean line
    and each document keeps one line.  Any other unreadable line raises :class:`JsonlError`
    (and the file is not changed)."""
    done = Done()
    if not os.path.exists(path):
        return done
    with open(path, "rb") as fh:
        data = fh.read()
    complete = data if data.endswith(b"\n") or not data else data[: data.rfind(b"\n") + 1]
    if len(complete) != len(data):
        # only the start of a report line is a killed run's trace; anything else is not our file
        if not data[len(complete):].lstrip().startswith(b'{"schema"'):
            raise JsonlError(f"{path}: does not end like a redactlens --jsonl file (refused; it is not changed)")
        done.dropped_partial = True
    kept: list[bytes] = []
    for n, raw in enumerate(complete.splitlines(), 1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except ValueError:
            raise JsonlError(f"{path}: line {n} is not JSON; is this a redactlens --jsonl file?") from None
        if not isinstance(obj, dict) or "path" not in obj:
            raise JsonlError(f"{path}: line {n} is not a redactlens document report")
        done.lines += 1
        if obj.get("error") and not obj.get("skipped"):
            done.to_retry += 1   # ended in an error (a password now given, a longer --timeout): retried
            continue
        kept.append(raw)
        if _is_url(obj["path"]):   # a URL is not downloaded again to be recognised: done by its address
            done.paths_without_sha.add(obj["path"])
        if obj.get("sha256"):
            done.sha256.add(obj["sha256"])
        else:
            done.paths_without_sha.add(obj["path"])
    if repair and (done.dropped_partial or done.to_retry):
        from .output import atomic_write
        atomic_write(path, b"".join(line + b"\n" for line in kept), force=True)
    return done


def _is_url(path) -> bool:
    from .fetch import is_url
    return is_url(path)


class JsonlWriter:
    """Append document reports to a JSONL file (or stdout for ``-``), one flushed line each.

    A new file is created exclusively (never over an existing one unless ``force``); ``append``
    continues an existing file (``--resume``)."""

    def __init__(self, dest: str, *, force: bool = False, append: bool = False):
        self.dest = dest
        self.count = 0
        self._own = dest != "-"
        if not self._own:
            import sys
            self.fh: IO[str] = sys.stdout
            return
        folder = os.path.dirname(os.path.abspath(dest))
        os.makedirs(folder, exist_ok=True)
        if append:
            flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT
        else:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
            if force and os.path.lexists(dest) and not os.path.isdir(dest):
                # a new file in its place, never a truncation: the old name may be a hard link to
                # (or a symbolic link at) a file that must not change
                os.unlink(dest)
        try:
            fd = os.open(dest, flags, 0o644)
        except FileExistsError:
            raise OutputExists(f"{dest} exists; pass --resume to continue it or --force to overwrite it") from None
        self.fh = os.fdopen(fd, "w", encoding="utf-8")

    def write(self, rep: DocumentReport | dict) -> None:
        d = rep.to_dict() if isinstance(rep, DocumentReport) else rep
        line = json.dumps({"schema": SCHEMA, **report_dict(d)}, ensure_ascii=False) + "\n"
        self.fh.write(line)
        self.fh.flush()
        self.count += 1

    def close(self) -> None:
        if self._own and not self.fh.closed:
            self.fh.flush()
            try:
                os.fsync(self.fh.fileno())
            except OSError:
                pass
            self.fh.close()

    def __enter__(self) -> "JsonlWriter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def read_jsonl(path: str) -> list[DocumentReport]:
    """The document reports of a JSONL file, one per document (a partial last line is ignored).
    A document scanned again by ``--resume`` (it had ended in an error) has several lines: the
    last one (by path) is its report, in the place of the first."""
    out: dict = {}
    with open(path, "rb") as fh:
        for raw in fh:
            if not raw.endswith(b"\n") or not raw.strip():
                continue
            obj = json.loads(raw)
            obj.pop("schema", None)
            out[obj.get("path")] = DocumentReport.from_dict(obj)   # a later line of a path replaces it
    return list(out.values())


class StreamSetupError(Exception):
    """Streaming cannot be set up (message for the user).  ``usage``: the options do not fit
    together (a command-line error); otherwise an output file is the problem (it exists, or the
    file to ``--resume`` is not a redactlens JSONL file)."""

    def __init__(self, message: str, usage: bool = False):
        super().__init__(message)
        self.usage = usage


def open_stream(jsonl: str | None, resume: bool, force: bool, json_out: str | None = None):
    """Set up ``--jsonl`` / ``--resume`` before a batch starts.  Returns ``(writer or None,
    iter_scan keyword arguments)``; raises :class:`StreamSetupError` with a message for the user.
    Also refuses an existing ``--json`` file up front, so a long batch is not run for nothing."""
    if json_out and json_out != "-" and os.path.exists(json_out) and not force:
        raise StreamSetupError(f"{json_out} exists; pass --force to overwrite it")
    if not jsonl:
        if resume:
            raise StreamSetupError("--resume needs --jsonl FILE (the file to continue)", usage=True)
        return None, {}
    if jsonl == "-":
        if resume:
            raise StreamSetupError("--resume needs a --jsonl file, not stdout", usage=True)
        if json_out == "-":
            raise StreamSetupError("--json - and --jsonl - cannot both write to stdout", usage=True)
        return JsonlWriter("-"), {}
    skip: dict = {}
    if resume:
        try:
            done = read_done(jsonl, repair=True)
        except (JsonlError, OSError) as exc:
            raise StreamSetupError(str(exc)) from None
        skip = {"skip_sha256": done.sha256, "skip_paths": done.paths_without_sha}
    try:
        return JsonlWriter(jsonl, force=force and not resume, append=resume), skip
    except OutputExists as exc:
        raise StreamSetupError(str(exc)) from None

"""Input discovery: which inputs are documents to scan, which are reported without a scan.

Runs in the calling process only.  Nothing here opens a document for parsing: folders are listed,
and files are hashed only for ``--resume`` (:func:`file_sha256`, which never opens a FIFO or a
device).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import DocumentError
from ..model import DocumentReport
from ..source import regular_file_sha256

PDF_EXT = ".pdf"

#: Outcome kinds counted in :class:`~redactlens.batch.runner.BatchStats`.
OK, DOC_ERROR, SKIPPED, CRASH, TIMEOUT, MEMORY, INTERNAL = (
    "ok", "document_error", "skipped", "crash", "timeout", "memory", "internal")

#: ``error_code`` of an input that is listed but deliberately not scanned
SKIPPED_CODE = "skipped"


class Unscannable(str):
    """A discovery reason that is a failure (an unlistable folder), not a deliberate skip."""


def as_paths(paths: "str | os.PathLike | Iterable[str | os.PathLike]") -> list:
    """The inputs of a batch as a list: a bare ``str``, ``bytes`` or path-like object is *one*
    path (``scan_many("release/")`` scans that folder, not its characters); anything else must be
    an iterable of paths.  Raises :class:`TypeError` otherwise."""
    if isinstance(paths, (str, bytes, os.PathLike)):
        paths = [paths]
    try:
        out = list(paths)
    except TypeError:
        raise TypeError(f"paths must be a path or an iterable of paths, not {type(paths).__name__}") from None
    for p in out:
        if not isinstance(p, (str, bytes, os.PathLike)):
            raise TypeError(f"each path must be a str or os.PathLike, not {type(p).__name__}: {p!r}")
    return [os.fsdecode(p) if isinstance(p, bytes) else os.fspath(p) for p in out]


#: the reason given for a symbolic link out of a scanned folder
LINK_OUT = "skipped: symbolic link to a file outside the folder (not followed; follow_symlinks / --follow-symlinks scans it)"


def _inside(target: str, root_real: str) -> bool:
    return target == root_real or target.startswith(root_real.rstrip(os.sep) + os.sep)


def discover(paths: Iterable[str | os.PathLike], follow_symlinks: bool = False) -> Iterator[tuple[str, str | None]]:
    """Yield ``(path, reason)`` for every input; ``reason`` is None for a document to scan.

    Directories are recursed.  Inside them, symbolic links to directories are not followed (no
    loops, nothing outside the folder) and are reported as skipped, like files that are not
    ``.pdf``, so nothing is dropped silently; a folder that cannot be listed is reported as a
    failure (an :class:`Unscannable` reason).  A symbolic link to a file is scanned (its target is
    read, never written) when the target lies inside the folder given; one that leads out of it
    (a local secret, ``/dev/zero``, another user's file) is reported as skipped unless
    ``follow_symlinks``; dangling ones get an error from the scan.  Explicit file arguments are
    always scanned (the caller named them)."""
    for p in as_paths(paths):
        if os.path.isdir(p):
            root_real = os.path.realpath(p)
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
                    if not follow_symlinks and os.path.islink(full) and not _inside(os.path.realpath(full), root_real):
                        yield full, LINK_OUT
                    elif fn.lower().endswith(PDF_EXT):
                        yield full, None
                    else:
                        yield full, f"skipped: not a PDF file ({Path(fn).suffix or 'no extension'})"
            while failures:  # the last folder (or the top one itself) could not be listed
                exc = failures.pop(0)
                yield str(exc.filename or p), Unscannable(f"cannot list folder: {exc.strerror or exc}")
        else:
            yield p, None


def unscanned(path: str, reason: str) -> tuple[str, DocumentReport]:
    """``(kind, report)`` of an input that is not scanned: a deliberate skip (``error_code``
    ``"skipped"``), or a folder that cannot be listed (``"unreadable"``)."""
    if isinstance(reason, Unscannable):
        return DOC_ERROR, DocumentReport(path=path, error=str(reason), error_code=DocumentError.code)
    return SKIPPED, DocumentReport(path=path, error=reason, error_code=SKIPPED_CODE, skipped=True)


def file_sha256(path: str) -> str | None:
    """sha256 of a regular file's bytes (streamed), or None when it cannot be read (or is a FIFO,
    a device, a folder ...: those are never opened)."""
    return regular_file_sha256(path)

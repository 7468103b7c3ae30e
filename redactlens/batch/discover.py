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

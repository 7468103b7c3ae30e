"""Errors that describe what is wrong with one input document, each with a stable ``code``.

A :class:`DocumentError` is what a hostile or broken *input* can cause; its message is shown to
the user as the document's ``error`` and its :attr:`~DocumentError.code` is written beside it as
``error_code`` in the JSON (the codes are part of the contract: tools may switch on them).  Our
own bugs are not DocumentErrors: they are left to fail loudly (and the tests with them).

:class:`ExitCode` is the command line's exit status, one value per outcome (see ``docs/cli.md``).
"""
from __future__ import annotations

from enum import IntEnum

import pymupdf

#: what MuPDF raises on a damaged or hostile file: its own error classes (``FzErrorBase`` is not a
#: RuntimeError), PyMuPDF's RuntimeError/ValueError wrappers (``FileDataError`` ...)
MUPDF_ERRORS = (RuntimeError, ValueError, pymupdf.mupdf.FzErrorBase)
#: what reading a hostile file's objects through PyMuPDF can raise besides (missing keys and
#: indexes of malformed arrays, an allocation a decompression bomb asks for, I/O of embedded files)
PDF_ERRORS = MUPDF_ERRORS + (IndexError, KeyError, MemoryError, OSError)


class ExitCode(IntEnum):
    """Exit status of ``redactlens``."""

    ok = 0                   #: every document was scanned (leaks found or not)
    document_error = 1       #: at least one document could not be scanned (each carries its error)
    bad_args = 2             #: the command line is wrong (click's usage errors)
    output_error = 3         #: an output file could not be written (or exists, without --force)
    interrupted = 130        #: stopped with Ctrl-C


class DocumentError(Exception):
    """An input cannot be scanned (or not completely); ``code`` names the kind of failure."""

    code = "unreadable"

    def __init__(self, message: str, code: str | None = None):
        super().__init__(message)
        if code is not None:
            self.code = code


class NotFound(DocumentError):
    code = "not_found"


class PermissionDenied(DocumentError):
    code = "permission_denied"


class NotAFile(DocumentError):
    """A directory, FIFO, device or socket given as a document (refused before it is opened)."""
    code = "not_a_file"


class TooLarge(DocumentError):
    code = "too_large"


class NotPdf(DocumentError):
    """Empty, or not a PDF at all (HTML, ZIP, an image ...)."""
    code = "not_pdf"


class Encrypted(DocumentError):
    """A password is needed, or the one given is wrong."""
    code = "encrypted"


class Truncated(DocumentError):
    """The file ends early: no readable pages and no ``%%EOF``."""
    code = "truncated"


class Damaged(DocumentError):
    """MuPDF cannot parse the file, even with repair."""
    code = "damaged"


class PageErrors(DocumentError):
    """Some pages could not be read completely (the others were scanned)."""
    code = "page_errors"


class Timeout(DocumentError):
    code = "timeout"


class MemoryLimit(DocumentError):
    code = "memory"


class ParserCrash(DocumentError):
    """The native parser killed the worker process (a segfault, an abort)."""
    code = "parser_crash"


class Internal(DocumentError):
    """A bug of redactlens surfaced in a worker; reported for that document only."""
    code = "internal"


#: every code a report's ``error_code`` can hold (besides None), with its meaning
ERROR_CODES = {
    "not_found": "no such file, or a dangling symbolic link",
    "permission_denied": "the file cannot be read with this user's rights",
    "not_a_file": "a folder, named pipe, device or socket: refused without reading it",
    "unreadable": "reading the file failed (I/O error, unlistable folder ...)",
    "too_large": "larger than the max_bytes setting",
    "not_pdf": "empty, or not a PDF (the message says what it looks like)",
    "encrypted": "a password is needed, or the password given is wrong",
    "truncated": "the file ends before any page can be read",
    "damaged": "the PDF cannot be parsed, even with repair",
    "page_errors": "some pages could not be read completely; the rest was scanned",
    "timeout": "the scan took longer than the timeout setting",
    "memory": "the scan needed more memory than the memory_mb setting",
    "parser_crash": "the PDF parser crashed the worker process",
    "internal": "an internal error of redactlens (please report it)",
    "fetch_failed": "a URL could not be downloaded (network error, HTTP status, redirect loop, timeout)",
    "skipped": "not a PDF in a scanned folder, or a symbolic link to a folder: listed, not scanned",
}

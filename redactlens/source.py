"""Opening untrusted inputs safely: read once into memory, never write, explain every refusal."""
from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import dataclass
from typing import Union

import pymupdf

from .errors import (MUPDF_ERRORS, Damaged, DocumentError, Encrypted, NotAFile, NotFound, NotPdf, PermissionDenied,
                     TooLarge, Truncated)
from .settings import DEFAULT_MAX_BYTES
from .text import exc_message

Source = Union[str, os.PathLike, bytes, bytearray, memoryview]

#: what MuPDF raises for a file it cannot parse (PyMuPDF's FileDataError is a RuntimeError)

pymupdf.TOOLS.mupdf_display_errors(False)
pymupdf.TOOLS.mupdf_display_warnings(False)


@dataclass
class Input:
    name: str       # what the report calls the document (its path, or "<bytes>")
    data: bytes
    sha256: str


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def read_input(source: Source, name: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> Input:
    """Read a path, an ``http(s)://`` URL (:func:`redactlens.fetch.fetch`) or bytes into memory
    (read-only).  Raises :class:`DocumentError`.

    Only regular files are read (a symbolic link is followed to its target): a named pipe, device
    or socket is refused *before* it is opened, so a ``x.pdf`` that is a FIFO or ``/dev/zero``
    cannot block or exhaust a worker.  The file is opened read-only (``O_RDONLY | O_NONBLOCK``,
    re-checked with ``fstat`` on the open descriptor) and at most ``max_bytes`` are read, even if
    it grows while being read.

    The error is the specific :class:`~redactlens.errors.DocumentError` subclass:
    :class:`~redactlens.errors.NotFound`, :class:`~redactlens.errors.PermissionDenied`,
    :class:`~redactlens.errors.NotAFile`, :class:`~redactlens.errors.TooLarge`, or a plain
    ``DocumentError`` (code ``unreadable``) for other I/O errors."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        label = name or "<bytes>"
        if len(data) > max_bytes:
            raise TooLarge(f"input too large: {len(data)} bytes (limit {max_bytes})")
        return Input(label, data, hashlib.sha256(data).hexdigest())
    from .fetch import fetch, is_url
    if is_url(source):   # a URL: downloaded into memory under the same cap (redactlens.fetch)
        data = fetch(source, max_bytes)
        return Input(name or source, data, hashlib.sha256(data).hexdigest())
    label = name or str(source)
    path = os.fspath(source)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise NotFound(f"dangling symbolic link: {label} -> {os.readlink(path)} (target does not exist)") from None
        raise NotFound(f"no such file: {label}") from None
    except PermissionError:
        raise PermissionDenied(f"permission denied: cannot read {label}") from None
    except OSError as exc:  # ELOOP (symlink loop), ENAMETOOLONG, ENOTDIR ...
        raise DocumentError(f"cannot read file: {exc.strerror or exc}: {label}") from None
    if stat.S_ISDIR(st.st_mode):
        raise NotAFile(f"is a directory, not a file: {label}")
    if not stat.S_ISREG(st.st_mode):
        raise NotAFile(f"not a regular file ({_kind(st.st_mode)}): {label}; refused without reading it")
    if st.st_size > max_bytes:
        raise TooLarge(f"file too large: {st.st_size} bytes (limit {max_bytes})")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except PermissionError:
        raise PermissionDenied(f"permission denied: cannot read {label}") from None
    except OSError as exc:
        raise DocumentError(f"cannot read file: {exc.strerror or exc}: {label}") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped for something else since the stat
            raise NotAFile(f"not a regular file: {label}; refused without reading it")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = _read_bounded(fh, st.st_size, max_bytes)
    except PermissionError:
        raise PermissionDenied(f"permission denied: cannot read {label}") from None
    except OSError as exc:  # EIO, EISDIR ...
        raise DocumentError(f"cannot read file: {exc.strerror or exc}: {label}") from None
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise TooLarge(f"file too large: more than {max_bytes} bytes (it grew while being read)")
    return Input(label, data, hashlib.sha256(data).hexdigest())


#: what one read asks for past the size the file had when it was opened (it may be growing)
GROWTH_CHUNK = 1 << 20


def _read_bounded(fh, size: int, max_bytes: int) -> bytes:
    """At most ``max_bytes + 1`` bytes of ``fh`` (one more tells a file that grew past the limit),
    asking for no more than the file's size at a time: ``read(n)`` allocates ``n`` bytes before it
    reads, so ``read(max_bytes + 1)`` mapped 1 GiB for every small file, which a worker's memory cap
    counted against the document (and refused when the cap was 1 GiB)."""
    parts = [fh.read(min(size, max_bytes) + 1)]
    total = len(parts[0])
    while total <= max_bytes:
        more = fh.read(min(GROWTH_CHUNK, max_bytes + 1 - total))
        if not more:
            break
        parts.append(more)
        total += len(more)
    return parts[0] if len(parts) == 1 else b"".join(parts)


def regular_file_sha256(path: str) -> str | None:
    """sha256 of a regular file's bytes (streamed; symlinks followed), or None when it is not a
    regular file or cannot be read.  Never opens a FIFO or device (which could block or not end)."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    h = hashlib.sha256()
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with os.fdopen(fd, "rb", closefd=False) as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    except OSError:
        return None
    finally:
        os.close(fd)
    return h.hexdigest()


def sniff_pdf(data: bytes) -> None:
    """Refuse empty and non-PDF inputs with a specific message (:class:`~redactlens.errors.NotPdf`)."""
    if not data:
        raise NotPdf("empty file (0 bytes): not a PDF")
    head = data[:1024]
    if b"%PDF-" not in head:   # the message names a kind, never the file's bytes (it may be anything)
        lowered = head.lower()
        if b"<html" in lowered or b"<!doctype" in lowered:
            kind = "an HTML page"
        elif head.startswith(b"PK\x03\x04"):
            kind = "a ZIP archive (e.g. DOCX/XLSX)"
        elif head.startswith(b"\xff\xd8") or head.startswith(b"\x89PNG"):
            kind = "an image file"
        else:
            kind = "neither a PDF nor a known format"
        raise NotPdf(f"not a PDF: no %PDF- header; the file looks like {kind}")


#: the ``/Encrypt`` reference of a trailer, and an encryption dictionary's ``/Filter``
_ENCRYPT_REF = re.compile(rb"/Encrypt\s*(\d{1,10})\s+(\d{1,5})\s+R")
_FILTER = re.compile(rb"/Filter\s*/([^\s/<>\[\]()%]{1,64})")
#: messages for security handlers that are known by name (any other name is not quoted: file contents)
_UNSUPPORTED = {
    "Standard": "encrypted PDF: its encryption dictionary cannot be read (an unsupported version or revision, "
                "or a damaged /Encrypt dictionary)",
    "Adobe.PubSec": "encrypted PDF: it is encrypted for certificates (public-key security, /Adobe.PubSec), "
                    "which cannot be opened with a password",
}


def security_handler(data: bytes) -> str | None:
    """The ``/Filter`` name of the encryption dictionary a file's trailer points at (``Standard``,
    ``Adobe.PubSec`` ...), ``"?"`` when there is an ``/Encrypt`` entry but no readable filter, or
    None for a file without encryption.  Read from the bytes, for files MuPDF cannot open."""
    refs = _ENCRYPT_REF.findall(data)
    if not refs:
        return None
    num, gen = refs[-1]
    obj = re.search(rb"(?<![0-9])" + num + rb"\s+" + gen + rb"\s+obj\s*<<(.{0,4000}?)>>", data, re.S)
    m = _FILTER.search(obj.group(1)) if obj else None
    if not m:
        return "?"
    name = m.group(1).decode("latin-1")
    return name if name in _UNSUPPORTED else "?"


def open_pdf(data: bytes, password: str | None = None) -> "pymupdf.Document":
    """Open PDF bytes with MuPDF from memory.  Raises :class:`~redactlens.errors.NotPdf`,
    :class:`~redactlens.errors.Damaged`, :class:`~redactlens.errors.Encrypted` or
    :class:`~redactlens.errors.Truncated`."""
    sniff_pdf(data)
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except MUPDF_ERRORS as exc:
        handler = security_handler(data)
        if handler is not None:
            raise Encrypted(_UNSUPPORTED.get(handler, "encrypted PDF: it uses a security handler that cannot be "
                                                      "opened here (only the standard password handler can)")) from None
        raise Damaged(f"cannot parse PDF (damaged or truncated beyond repair): {exc_message(exc)}") from None
    if doc.needs_pass:
        if not doc.authenticate(""):
            if password is None:
                raise Encrypted("encrypted PDF: a password is required (pass --password)")
            if not doc.authenticate(password):
                raise Encrypted("encrypted PDF: the password given is wrong")
    try:
        n = doc.page_count
    except MUPDF_ERRORS as exc:
        raise Damaged(f"cannot read the page tree: {exc_message(exc)}") from None
    if n == 0:
        truncated = b"%%EOF" not in data[-2048:]
        message = "PDF has no readable pages" + (" (file looks truncated: no %%EOF at the end)" if truncated else "")
        raise (Truncated if truncated else Damaged)(message)
    return doc

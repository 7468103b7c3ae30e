"""Opening untrusted inputs safely: read once into memory, never write, explain every refusal."""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Union

import pymupdf

from .errors import DocumentError

Source = Union[str, os.PathLike, bytes, bytearray, memoryview]

#: inputs larger than this are refused before parsing (configurable per call)
DEFAULT_MAX_BYTES = 1 << 30

pymupdf.TOOLS.mupdf_display_errors(False)
pymupdf.TOOLS.mupdf_display_warnings(False)


@dataclass
class Input:
    name: str       # what the report calls the document (its path, or "<bytes>")
    data: bytes
    sha256: str


def read_input(source: Source, name: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> Input:
    """Read a path or bytes into memory (read-only).  Raises :class:`DocumentError`."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        label = name or "<bytes>"
    else:
        path = Path(source)
        label = name or str(source)
        if not path.exists():
            raise DocumentError(f"no such file: {label}")
        if path.is_dir():
            raise DocumentError(f"is a directory, not a file: {label}")
        try:
            size = path.stat().st_size
            if size > max_bytes:
                raise DocumentError(f"file too large: {size} bytes (limit {max_bytes})")
            with open(path, "rb") as fh:
                data = fh.read()
        except PermissionError:
            raise DocumentError(f"permission denied: cannot read {label}") from None
        except OSError as exc:
            raise DocumentError(f"cannot read file: {exc.strerror or exc}") from None
    return Input(label, data, hashlib.sha256(data).hexdigest())


def sniff_pdf(data: bytes) -> None:
    """Refuse empty and non-PDF inputs with a specific message."""
    if not data:
        raise DocumentError("empty file (0 bytes): not a PDF")
    head = data[:1024]
    if b"%PDF-" not in head:
        snippet = head[:40].decode("latin-1").strip().replace("\n", " ")
        lowered = head.lower()
        if b"<html" in lowered or b"<!doctype" in lowered:
            kind = "an HTML page"
        elif head.startswith(b"PK\x03\x04"):
            kind = "a ZIP archive (e.g. DOCX/XLSX)"
        elif head.startswith(b"\xff\xd8") or head.startswith(b"\x89PNG"):
            kind = "an image file"
        else:
            kind = "neither a PDF nor a known format"
        raise DocumentError(f"not a PDF: no %PDF- header; the file looks like {kind} (starts {snippet[:30]!r})")


def open_pdf(data: bytes, password: str | None = None) -> "pymupdf.Document":
    """Open PDF bytes with MuPDF from memory.  Raises :class:`DocumentError`."""
    sniff_pdf(data)
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:  # MuPDF raises a variety of RuntimeErrors
        raise DocumentError(f"cannot parse PDF (damaged or truncated beyond repair): {exc}") from None
    if doc.needs_pass:
        if not doc.authenticate(""):
            if password is None:
                raise DocumentError("encrypted PDF: a password is required (pass --password)")
            if not doc.authenticate(password):
                raise DocumentError("encrypted PDF: the password given is wrong")
    try:
        n = doc.page_count
    except Exception as exc:
        raise DocumentError(f"cannot read the page tree: {exc}") from None
    if n == 0:
        truncated = b"%%EOF" not in data[-2048:]
        raise DocumentError("PDF has no readable pages" + (" (file looks truncated: no %%EOF at the end)" if truncated else ""))
    return doc

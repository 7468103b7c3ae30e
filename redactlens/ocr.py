"""OCR of scanned pages with Tesseract: words with boxes, as page-model characters.

Tesseract is a system program (``./install.sh`` installs ``tesseract-ocr``).  It is run as a
subprocess -- ``tesseract stdin stdout --dpi N --psm 3 tsv`` with a PNG on standard input -- rather
than through ``pytesseract``: that wrapper does exactly this with temporary files, and calling the
program directly costs no dependency, gives us the timeout and the thread limit, and lets a missing
program be detected once with :func:`shutil.which`.

When OCR runs is the ``ocr`` setting (:class:`redactlens.settings.Settings`): ``auto`` (default)
reads image-only pages (a page scan without any text layer, visible or invisible) that hold at
least one redaction (or an empty outlined box that only an exemption label read by OCR can
confirm) -- the words are there to give those redactions their context (``Suspect Name:`` left of
a bar), and to read what a vector box hides in the image under it; ``all`` also reads image-only
pages without redactions (their clear text for the batch consistency analysis); ``off`` never runs
it.  Language, resolution, timeout and confidence floors are settings too.

When Tesseract is missing the scan still runs: :data:`UNAVAILABLE` is added to the document's
warnings (and a ``RuntimeWarning`` is issued, which Python shows once per place), and the fields
that needed OCR stay ``unknown``.
"""
from __future__ import annotations

import functools
import os
import shutil
import subprocess
import warnings
from dataclasses import dataclass

import numpy as np

from . import geometry as g
from .page import Char
from .settings import Settings

@dataclass
class Word:
    text: str
    box: tuple            # pixel box (x0, y0, x1, y1) in the OCR'd image
    conf: float
    line: tuple           # (block, paragraph, line) of Tesseract's layout


@functools.lru_cache(maxsize=1)
def tesseract_path() -> str | None:
    """Where the ``tesseract`` program is (looked up once per process), or None."""
    return shutil.which("tesseract")


def available() -> bool:
    return tesseract_path() is not None


UNAVAILABLE = ("OCR unavailable (the tesseract program was not found; ./install.sh installs it): "
               "context, fields and image_under_box text on image-only pages are left unknown")


def unavailable_warning() -> str:
    """The document warning for a missing Tesseract (also issued once per place as a
    ``RuntimeWarning``)."""
    warnings.warn(UNAVAILABLE, RuntimeWarning, stacklevel=2)
    return UNAVAILABLE


class OcrFailed(RuntimeError):
    """Tesseract is missing, failed or timed out on one image."""


def read_words(gray: np.ndarray, dpi: float, settings: Settings) -> list[Word]:
    """Words Tesseract reads in a grey image (uint8, 0 black), with pixel boxes; language,
    timeout and confidence floor from ``settings``.  Raises :class:`OcrFailed`."""
    import cv2

    exe = tesseract_path()
    if exe is None:
        raise OcrFailed("tesseract not found")
    ok, png = cv2.imencode(".png", gray)
    if not ok:
        raise OcrFailed("could not encode the image for OCR")
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        proc = subprocess.run([exe, "stdin", "stdout", "--dpi", str(int(round(dpi))), "--psm", "3",
                               "-l", settings.ocr_lang, "tsv"],
                              input=png.tobytes(), capture_output=True, timeout=settings.ocr_timeout, env=env)
    except subprocess.TimeoutExpired:
        raise OcrFailed(f"tesseract took longer than {settings.ocr_timeout:g} s") from None
    except OSError as exc:
        raise OcrFailed(f"tesseract could not be run: {exc}") from None
    if proc.returncode != 0:
        raise OcrFailed(f"tesseract failed: {proc.stderr.decode('utf-8', 'replace').strip()[:200]}")
    return parse_tsv(proc.stdout.decode("utf-8", "replace"), settings.ocr_min_conf)


def parse_tsv(tsv: str, min_conf: float) -> list[Word]:
    out: list[Word] = []
    for row in tsv.splitlines()[1:]:
        parts = row.split("\t")
        if len(parts) < 12 or parts[0] != "5":
            continue
        text = parts[11].strip()
        try:
            conf = float(parts[10])
            left, top, w, h = (int(v) for v in parts[6:10])
            line = (int(parts[2]), int(parts[3]), int(parts[4]))
        except ValueError:
            continue
        if not text or conf < min_conf or w <= 0 or h <= 0:
            continue
        out.append(Word(text, (left, top, left + w, top + h), conf, line))
    return out


def words_to_chars(words: list[Word], to_display) -> list[Char]:
    """Page-model characters for OCR words: each word's display box is shared out evenly among its
    letters, words of one Tesseract line share a baseline, and a space separates the words (so the
    text and context logic of text pages reads them unchanged).  ``to_display`` maps a pixel box
    to a displayed-page box."""
    lines: dict[tuple, list[tuple[Word, g.Box]]] = {}
    for w in words:
        lines.setdefault(w.line, []).append((w, to_display(w.box)))
    out: list[Char] = []
    for items in lines.values():
        items.sort(key=lambda it: it[1][0])
        heights = sorted(g.height(b) for _, b in items)
        size = max(4.0, heights[len(heights) // 2] * 1.15)
        base = max(b[3] for _, b in items)
        for k, (w, b) in enumerate(items):
            n = len(w.text)
            step = g.width(b) / n
            for i, c in enumerate(w.text):
                cb = (b[0] + i * step, b[1], b[0] + (i + 1) * step, b[3])
                out.append(Char(c, cb, (0.0, 0.0, 0.0), size, "ocr", -1, False, cb[0], base))
            if k + 1 < len(items):
                nb = items[k + 1][1]
                sb = (b[2], b[1], max(b[2] + 0.1, nb[0]), b[3])
                out.append(Char(" ", sb, (0.0, 0.0, 0.0), size, "ocr", -1, False, sb[0], base))
    return out

"""OCR of scanned pages with Tesseract: words with boxes, as page-model characters.

Two engines read the same TSV (:func:`parse_tsv`), chosen by the ``ocr_engine`` setting:

* ``tesserocr`` -- the Cython binding to libtesseract (optional extra ``redactlens[ocr]``): the
  model is loaded once per thread and reused for every page (:func:`_api`), no process is started
  per call, and Tesseract's own ``Recognize(timeout)`` bounds a call;
* ``tesseract`` -- the system program (``./install.sh`` installs ``tesseract-ocr``) run as a
  subprocess, ``tesseract stdin stdout --dpi N --psm 3 -l LANG tsv`` with a PNG on standard input.
  (``pytesseract`` does the same with temporary files: calling the program directly costs no
  dependency and gives us the timeout and the thread limit.)

``auto`` (the default) takes the binding when it is installed and finds Tesseract's language data,
else the program.  Both use page segmentation mode 3 and the same confidence floor.

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
import re
import shutil
import subprocess
import threading
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


@functools.lru_cache(maxsize=1)
def tessdata_path() -> str | None:
    """The folder of Tesseract's language data, as the installed program reports it (looked up
    once per process), or None."""
    exe = tesseract_path()
    if exe is None:
        return None
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.search(r'"([^"]+)"', out.stdout.decode("utf-8", "replace") + out.stderr.decode("utf-8", "replace"))
    return m.group(1) if m and os.path.isdir(m.group(1)) else None


@functools.lru_cache(maxsize=1)
def _tesserocr():
    """The tesserocr module, or None when it is not installed (or cannot load)."""
    try:
        import tesserocr
    except ImportError:
        return None
    return tesserocr


def engine(settings: Settings) -> str | None:
    """The engine that will read pages with these settings (``tesserocr`` or ``tesseract``), or
    None when OCR is unavailable."""
    want = settings.ocr_engine
    if want in ("auto", "tesserocr") and _tesserocr() is not None and tessdata_path() is not None:
        return "tesserocr"
    if want in ("auto", "tesseract") and tesseract_path() is not None:
        return "tesseract"
    return None


def available(settings: Settings | None = None) -> bool:
    return engine(settings or Settings()) is not None


_APIS = threading.local()   # per thread: {(tessdata, lang): PyTessBaseAPI}, the loaded models


def _api(lang: str):
    """This thread's Tesseract API for ``lang`` (the model is loaded once and reused)."""
    apis = getattr(_APIS, "by_lang", None)
    if apis is None:
        apis = _APIS.by_lang = {}
    key = (tessdata_path(), lang)
    api = apis.get(key)
    if api is None:
        tr = _tesserocr()
        api = tr.PyTessBaseAPI(path=key[0].rstrip("/") + "/", lang=lang, psm=tr.PSM.AUTO)
        apis[key] = api
    return api


_POOL_LOCK = threading.Lock()
_POOL: dict = {}            # "pool": (pid, threads, ThreadPoolExecutor)


def thread_pool(threads: int):
    """The process's pool of ``threads`` OCR threads (made once and kept: each thread keeps its
    loaded Tesseract models, :func:`_api`), or None for 0.  A pool inherited through a fork is not
    used (its threads do not exist in the child): the child makes its own."""
    if threads <= 0:
        return None
    from concurrent.futures import ThreadPoolExecutor
    with _POOL_LOCK:
        cur = _POOL.get("pool")
        if cur is not None and cur[0] == os.getpid() and cur[1] == threads:
            return cur[2]
        if cur is not None and cur[0] == os.getpid():
            cur[2].shutdown(wait=False)
        pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="redactlens-ocr")
        _POOL["pool"] = (os.getpid(), threads, pool)
        return pool


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
    """Words Tesseract reads in a grey image (uint8, 0 black), with pixel boxes; engine, language,
    timeout and confidence floor from ``settings``.  Raises :class:`OcrFailed`."""
    kind = engine(settings)
    if kind is None:
        raise OcrFailed("tesseract not found")
    if kind == "tesserocr":
        return _read_with_binding(gray, dpi, settings)
    return _read_with_program(gray, dpi, settings)


def read_words_later(gray: np.ndarray, dpi: float, settings: Settings):
    """:func:`read_words` in one of the process's OCR threads (:func:`thread_pool`, as many as
    :func:`~redactlens.settings.ocr_thread_count` says), or at once in this thread when there are
    none: a :class:`concurrent.futures.Future` of the words either way (its ``result()`` raises
    what :func:`read_words` raises).  ``gray`` must not change until the read is done."""
    from concurrent.futures import Future

    from .settings import ocr_thread_count
    pool = thread_pool(ocr_thread_count(settings))
    if pool is not None:
        return pool.submit(read_words, gray, dpi, settings)
    fut: Future = Future()
    try:
        fut.set_result(read_words(gray, dpi, settings))
    except Exception as exc:   # as a thread's future holds it: raised again by result()
        fut.set_exception(exc)
    return fut


def _read_with_binding(gray: np.ndarray, dpi: float, settings: Settings) -> list[Word]:
    from PIL import Image
    try:
        api = _api(settings.ocr_lang)
    except RuntimeError as exc:      # tesserocr: the language cannot be loaded
        raise OcrFailed(f"tesseract could not load {settings.ocr_lang!r}: {exc}") from None
    api.SetImage(Image.fromarray(np.ascontiguousarray(gray)))
    api.SetSourceResolution(int(round(dpi)))
    try:
        if not api.Recognize(timeout=int(settings.ocr_timeout * 1000)):
            raise OcrFailed(f"tesseract took longer than {settings.ocr_timeout:g} s (or failed)")
        tsv = api.GetTSVText(0)
    finally:
        api.Clear()
    return parse_tsv(tsv, settings.ocr_min_conf)


def _read_with_program(gray: np.ndarray, dpi: float, settings: Settings) -> list[Word]:
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
    """Words of Tesseract's TSV (the program's, with a header line, or the binding's, without)."""
    out: list[Word] = []
    for row in tsv.splitlines():
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

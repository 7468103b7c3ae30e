"""What the forkserver loads once before it forks workers (``set_forkserver_preload``): the scanning
code, and the answers every worker would otherwise look up again for itself -- where the
``tesseract`` program and its language data are (``tesseract --list-langs``, a process started per
worker, cached per process by :mod:`redactlens.ocr`) and whether the tesserocr binding loads.
Workers inherit them with the fork.  Nothing here starts a thread (a forked child must not inherit
one) and nothing loads a Tesseract model (one per worker thread, made where it is used)."""
from __future__ import annotations

from .. import ocr, pipeline  # noqa: F401  (pipeline: the scanning code itself)

ocr.tesseract_path()
ocr.tessdata_path()
ocr._tesserocr()

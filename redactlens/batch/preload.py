"""What the forkserver loads once before it forks workers (``set_forkserver_preload``): the scanning
code, and the answers every worker would otherwise look up again for itself -- where the
``tesseract`` program and its language data are (``tesseract --list-langs``, a process started per
worker, cached per process by :mod:`redactlens.ocr`) and whether the tesserocr binding loads.
Workers inherit them with the fork.  Nothing here starts a thread (a forked child must not inherit
one) and nothing loads a Tesseract model (one per worker thread, made where it is used).

PyMuPDF's optional layout add-on (``pymupdf_layout``: onnxruntime and a model), which PyMuPDF
imports whenever it is installed, is not loaded (:mod:`redactlens` skips it while PyMuPDF loads; no
stage uses it): measured with ``/usr/bin/time python3 -c "import pymupdf"`` on the 2-core machine
under load, 2.6-4.7 s and 147 MB with it, 1.8-2.0 s and 90 MB without -- paid by the caller, the
forkserver, and in every worker's RSS."""
from __future__ import annotations

from .. import ocr, pipeline  # noqa: F401  (pipeline: the scanning code itself)

ocr.tesseract_path()
ocr.tessdata_path()
ocr._tesserocr()

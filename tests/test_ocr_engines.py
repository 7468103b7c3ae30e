"""The two OCR engines (issue "Fast on real releases"): the tesserocr binding, which loads the model
once per thread, and the tesseract program as the fallback; both read the same TSV."""
from __future__ import annotations

import threading

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from redactlens import ocr
from redactlens.settings import Settings

HAS_PROGRAM = ocr.tesseract_path() is not None
HAS_BINDING = ocr._tesserocr() is not None and ocr.tessdata_path() is not None
TEXT = ["Suspect Name: Mauro Perez", "Phone: 555 0142 Badge 4471", "Location: 1400 West Elm Street"]


def _page() -> np.ndarray:
    """Three printed lines at 300 dpi (about 12 pt type), grey, white paper."""
    img = Image.new("L", (2000, 700), 255)
    d = ImageDraw.Draw(img)
    try:
        font = ImageFont.truetype("DejaVuSans.ttf", 50)
    except OSError:
        font = ImageFont.load_default(size=50)
    for i, line in enumerate(TEXT):
        d.text((80, 80 + 180 * i), line, fill=0, font=font)
    return np.asarray(img)


def test_engine_choice_follows_the_setting(monkeypatch):
    if HAS_PROGRAM:
        assert ocr.engine(Settings(ocr_engine="tesseract")) == "tesseract"
    if HAS_BINDING:
        assert ocr.engine(Settings()) == "tesserocr"
    monkeypatch.setattr(ocr, "_tesserocr", lambda: None)      # binding not installed: the program
    assert ocr.engine(Settings()) == ("tesseract" if HAS_PROGRAM else None)
    assert ocr.engine(Settings(ocr_engine="tesserocr")) is None
    with pytest.raises(ValueError, match="ocr_engine"):
        Settings(ocr_engine="gpu")


@pytest.mark.skipif(not (HAS_PROGRAM and HAS_BINDING), reason="needs both tesseract and tesserocr")
def test_both_engines_read_the_same_words():
    gray = _page()
    a = [w.text for w in ocr.read_words(gray, 300, Settings(ocr_engine="tesseract"))]
    b = [w.text for w in ocr.read_words(gray, 300, Settings(ocr_engine="tesserocr"))]
    assert a == b
    assert " ".join(a) == " ".join(TEXT)
    boxes = [w.box for w in ocr.read_words(gray, 300, Settings(ocr_engine="tesserocr"))]
    assert all(0 <= x0 < x1 <= 2000 and 0 <= y0 < y1 <= 700 for x0, y0, x1, y1 in boxes)


@pytest.mark.skipif(not HAS_BINDING, reason="tesserocr is not installed")
def test_the_binding_loads_the_model_once_per_thread():
    first, again = ocr._api("eng"), ocr._api("eng")
    other = []
    t = threading.Thread(target=lambda: other.append(ocr._api("eng")))
    t.start()
    t.join()
    assert first is again and other[0] is not first


@pytest.mark.skipif(not HAS_BINDING, reason="tesserocr is not installed")
def test_the_binding_honours_the_timeout():
    noise = (np.random.default_rng(0).random((3000, 3000)) * 255).astype(np.uint8)
    with pytest.raises(ocr.OcrFailed, match="longer than"):
        ocr.read_words(noise, 300, Settings(ocr_engine="tesserocr", ocr_timeout=0.001))

"""The page model's glyph queries (PageModel.chars_touching, chars_on_baseline) give exactly what a
scan of every glyph with the same test gives, in the same order: on upright, turned and cropped
pages, for boxes of every size, inverted boxes, boxes off the page and values that are not finite."""
from __future__ import annotations

import math
import random

import pymupdf
import pytest

from redactlens.page import PageModel


def _brute(pm, box):
    bx0, by0, bx1, by1 = box
    return [ch for ch in pm.chars if ch.bbox[2] > bx0 and ch.bbox[0] < bx1 and ch.bbox[3] > by0 and ch.bbox[1] < by1]


def _doc(rotate: int, crop: bool):
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    rnd = random.Random(7)
    for k in range(60):
        size = rnd.choice((6, 9, 11, 14, 30))
        page.insert_text((rnd.uniform(20, 500), rnd.uniform(30, 780)), f"Word{k} Laura Chen 555-0142",
                         fontsize=size)
    # glyphs taller than most boxes, and text written upwards
    page.insert_text((300, 700), "TALL", fontsize=300)
    page.insert_text((580, 600), "sideways note", fontsize=10, rotate=90)
    if crop:
        page.set_cropbox(pymupdf.Rect(30, 40, 590, 760))
    page.set_rotation(rotate)
    return doc


@pytest.mark.parametrize("rotate,crop", [(0, False), (90, True), (180, False), (270, True)])
def test_chars_touching_is_the_brute_force_scan(rotate, crop):
    doc = _doc(rotate, crop)
    pm = PageModel(doc[0], 1)
    assert len(pm.chars) > 1000
    W, H = pm.width, pm.height
    rnd = random.Random(rotate + crop)
    boxes = []
    for _ in range(300):
        x0, y0 = rnd.uniform(-50, W + 50), rnd.uniform(-50, H + 50)
        boxes.append((x0, y0, x0 + rnd.choice((2, 20, 120, 400)), y0 + rnd.choice((1, 8, 30, 250, 900))))
    boxes += [(0, 0, W, H), (100, 300, 50, 200),             # the page; an inverted box
              (0, -1e9, W, 1e9), (0, 0, W, math.inf), (math.nan, 0, W, 100), (0, math.nan, W, math.nan),
              (0, 10 * H, W, 11 * H)]                          # far below the page
    touched = 0
    for b in boxes:
        got = pm.chars_touching(b)
        want = _brute(pm, b)
        assert [id(c) for c in got] == [id(c) for c in want], b
        touched += bool(want)
    assert touched > 100     # the boxes did touch text (the test is not about empty answers)


def test_glyphs_with_boxes_that_are_not_finite_are_still_found():
    doc = _doc(0, False)
    pm = PageModel(doc[0], 1)
    odd = pm.chars[5]
    odd.bbox = (odd.bbox[0], -math.inf, odd.bbox[2], math.inf)
    pm.__dict__.pop("_char_arrays", None)
    got = pm.chars_touching((odd.bbox[0], 400, odd.bbox[2], 401))
    assert any(c is odd for c in got)
    assert [id(c) for c in got] == [id(c) for c in _brute(pm, (odd.bbox[0], 400, odd.bbox[2], 401))]


@pytest.mark.parametrize("rotate,crop", [(0, False), (90, True), (270, False)])
def test_chars_on_baseline_is_the_brute_force_scan(rotate, crop):
    doc = _doc(rotate, crop)
    pm = PageModel(doc[0], 1)
    rnd = random.Random(11 + rotate)
    queries = [(ch.dir, ch.across + rnd.choice((0.0, 0.4, -0.99, 1.0, 1.5, -2.0))) for ch in rnd.sample(pm.chars, 200)]
    queries += [((1.0, 0.0), math.nan), ((0.0, -1.0), math.inf), ((math.nan, 0.0), 300.0), ((0.3, 0.3), 300.0)]
    hits = 0
    for direction, across in queries:
        got = pm.chars_on_baseline(direction, across)
        want = [ch for ch in pm.chars if ch.dir == direction and abs(ch.across - across) < 1.0]
        assert [id(c) for c in got] == [id(c) for c in want], (direction, across)
        hits += bool(want)
    assert hits > 100

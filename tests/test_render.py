"""redactlens.render (the one page-render helper) and the page-space helpers of redactlens.geometry."""
import gc
import weakref

import numpy as np
import pymupdf
import pytest

from redactlens import geometry as g
from redactlens.errors import PDF_ERRORS
from redactlens.render import capped_dpi, render_gray, render_rgb
from redactlens.text import alnum_count, clean, has_alnum, short


def _rotated_page(rotate=90):
    doc = pymupdf.open()
    page = doc.new_page(width=200, height=400)
    page.draw_rect(pymupdf.Rect(10, 20, 60, 50), fill=(0, 0, 0), color=None)   # unrotated page space
    page.set_rotation(rotate)
    return doc, page


@pytest.mark.parametrize("rotate", [0, 90, 180, 270])
def test_clip_is_in_displayed_coordinates(rotate):
    doc, page = _rotated_page(rotate)
    disp = g.to_display((10, 20, 60, 50), page)
    r = render_gray(page, zoom=1, clip=disp)
    assert r.pixels.shape == (round(g.height(disp)), round(g.width(disp)))
    assert r.pixels.max() < 40                      # the clip is exactly the black square
    # the same box read as unrotated coordinates misses the square on a rotated page
    other = render_gray(page, zoom=1, clip=(10, 20, 60, 50)).pixels
    assert (other.mean() > 200) == (rotate != 0)


@pytest.mark.parametrize("rotate", [0, 90])
def test_full_render_maps_by_one_scale(rotate):
    doc, page = _rotated_page(rotate)
    r = render_gray(page, dpi=144, annots=False)
    assert r.pixels.shape == (round(page.rect.height * 2), round(page.rect.width * 2))
    assert r.scale_x == pytest.approx(2) and r.scale_y == pytest.approx(2)
    disp = g.to_display((10, 20, 60, 50), page)
    x0, y0, x1, y1 = g.display_box_to_pixels(disp, r.scale_x, r.scale_y, r.pixels.shape[1], r.pixels.shape[0])
    assert r.pixels[y0 + 2:y1 - 2, x0 + 2:x1 - 2].max() < 40
    assert r.pixels.mean() > 200


def test_pixels_identical_to_get_pixmap():
    doc, page = _rotated_page(90)
    page.add_rect_annot(pymupdf.Rect(100, 100, 150, 150))
    pix = page.get_pixmap(dpi=150, colorspace=pymupdf.csGRAY, alpha=False, annots=False)
    want = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.stride)[:, :pix.width]
    assert np.array_equal(render_gray(page, dpi=150, annots=False).pixels, want)
    pix = page.get_pixmap(matrix=pymupdf.Matrix(1.5, 1.5), alpha=False, colorspace=pymupdf.csRGB)
    want = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width, 3)
    got = render_rgb(page, zoom=1.5).pixels
    assert got.shape == want.shape and np.array_equal(got, want)


def test_pixel_cap():
    doc = pymupdf.open()
    page = doc.new_page(width=1000, height=1000)
    assert capped_dpi(1000, 1000, 150, None) == 150
    assert capped_dpi(1000, 1000, 150, 10**12) == 150
    dpi = capped_dpi(1000, 1000, 150, 1_000_000)
    assert (1000 * dpi / 72) ** 2 <= 1_000_000 and dpi >= 36
    assert capped_dpi(10**5, 10**5, 150, 1000) == 36
    r = render_gray(page, dpi=150, max_pixels=1_000_000)
    assert r.pixels.size <= 1_000_000 and r.scale_x == pytest.approx(dpi / 72, rel=0.01)
    r = render_gray(page, zoom=4, max_pixels=250_000)
    assert r.pixels.size <= 250_000 * 1.01
    with pytest.raises(TypeError):
        render_gray(page)


def test_pdf_errors_cover_mupdf_errors():
    doc = pymupdf.open()
    page = doc.new_page()
    with pytest.raises(PDF_ERRORS):
        page.get_pixmap(matrix=pymupdf.Matrix(1e6, 1e6))     # MuPDF's FzErrorLimit, not a RuntimeError
    with pytest.raises(PDF_ERRORS):
        doc.xref_get_key(99999, "Type")


def test_rotation_cache_leaves_the_page_alone():
    doc, page = _rotated_page(90)
    before = set(vars(page))
    assert g.rotation_of(page) == tuple(page.rotation_matrix)
    assert g.to_display((10, 20, 60, 50), page) == tuple(pymupdf.Rect(10, 20, 60, 50) * page.rotation_matrix)
    assert set(vars(page)) == before
    alive = weakref.ref(page)
    del page
    gc.collect()
    assert alive() is None          # the cache does not keep the page alive


@pytest.mark.parametrize("rotate", [0, 90, 270])
def test_page_space_helpers(rotate):
    doc = pymupdf.open()
    page = doc.new_page(width=300, height=500)
    page.set_cropbox(pymupdf.Rect(20, 30, 280, 450))
    page.set_rotation(rotate)
    assert g.page_box(page) == (0.0, 0.0, page.rect.width, page.rect.height)
    mb = g.mediabox_display(page)
    assert g.width(mb) * g.height(mb) == pytest.approx(300 * 500)
    assert g.covered_fraction(g.page_box(page), mb) == pytest.approx(1.0)
    assert g.cropbox_pdf(page) == pytest.approx((20, 500 - 450, 280, 500 - 30))
    p = g.point_from_display((5, 7), page)
    back = g.to_display((p.x, p.y, p.x, p.y), page)
    assert back[:2] == pytest.approx((5, 7))


def test_text_hygiene():
    assert clean("a\x00b\u202ec\r\nd") == "abc\nd"
    assert clean(None) == "" and clean("x" * 10, 4) == "xxxx …"
    assert has_alnum(" -1") and not has_alnum(" - ") and not has_alnum(None)
    assert alnum_count("a-b 3") == 3
    assert short("a  b\nc", 60) == "a b c" and short("abcdef", 4) == "abc…"


def test_affine_envelope():
    rot90 = [[0.0, -1.0, 100.0], [1.0, 0.0, 0.0]]
    assert g.affine_envelope((10, 20, 30, 60), rot90) == (40.0, 10.0, 80.0, 30.0)
    ident = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
    assert g.affine_envelope((1, 2, 3, 4), ident) == (1.0, 2.0, 3.0, 4.0)

"""Rendering a page (or part of it) to a numpy array: the one place that calls ``get_pixmap``.

A render is in the *displayed* orientation (/Rotate and CropBox applied): pixel ``(col, row)``
maps to the displayed-page point ``(col / scale_x, row / scale_y)``
(:func:`redactlens.geometry.pixel_box_to_display`).  A ``clip`` is a displayed-page box, as
PyMuPDF's ``get_pixmap(clip=...)`` takes it (checked by ``tests/test_render.py`` on a /Rotate 90
page); its render's pixel ``(0, 0)`` is the clip's top-left corner.

:data:`redactlens.errors.PDF_ERRORS` is what PyMuPDF raises on a hostile or damaged file (MuPDF's own errors,
``pymupdf.mupdf.FzErrorBase``, are not ``RuntimeError``\\ s); catch it, not ``Exception``, so that
a coding error of ours still fails.
"""
from __future__ import annotations

from typing import NamedTuple, Sequence

import numpy as np
import pymupdf

#: smallest resolution a pixel cap may push a dpi render down to
MIN_DPI = 36


class Render(NamedTuple):
    """A page render: ``pixels`` (uint8, H x W grey or H x W x 3 RGB) and pixels per point."""

    pixels: np.ndarray
    scale_x: float
    scale_y: float


def capped_dpi(width_pt: float, height_pt: float, dpi: int, max_pixels: int | None) -> int:
    """``dpi``, lowered (to at least :data:`MIN_DPI`) so that a ``width_pt`` x ``height_pt`` render
    has at most ``max_pixels`` pixels."""
    w, h = width_pt * dpi / 72, height_pt * dpi / 72
    if max_pixels and w * h > max_pixels:
        dpi = max(MIN_DPI, int(dpi * (max_pixels / (w * h)) ** 0.5))
    return dpi


def capped_zoom(width_pt: float, height_pt: float, zoom: float, max_pixels: int | None) -> float:
    """``zoom`` lowered so that a ``width_pt`` x ``height_pt`` render has at most ``max_pixels`` pixels."""
    w, h = width_pt * zoom, height_pt * zoom
    if max_pixels and w * h > max_pixels:
        zoom = zoom * (max_pixels / (w * h)) ** 0.5
    return zoom


def _pixmap(page: "pymupdf.Page", colorspace, dpi: int | None, zoom: float | None,
            clip: Sequence[float] | None, annots: bool, max_pixels: int | None):
    if (dpi is None) == (zoom is None):
        raise TypeError("give exactly one of dpi= and zoom=")
    area = pymupdf.Rect(clip) if clip is not None else page.rect
    if dpi is not None:
        dpi = capped_dpi(area.width, area.height, dpi, max_pixels)
        pix = page.get_pixmap(dpi=dpi, colorspace=colorspace, alpha=False, annots=annots,
                              clip=pymupdf.Rect(clip) if clip is not None else None)
        nominal = dpi / 72
    else:
        zoom = capped_zoom(area.width, area.height, zoom, max_pixels)
        pix = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), colorspace=colorspace, alpha=False,
                              annots=annots, clip=pymupdf.Rect(clip) if clip is not None else None)
        nominal = zoom
    sx = pix.width / area.width if area.width > 0 else nominal
    sy = pix.height / area.height if area.height > 0 else nominal
    return pix, sx, sy


def render_gray(page: "pymupdf.Page", *, dpi: int | None = None, zoom: float | None = None,
                clip: Sequence[float] | None = None, annots: bool = True,
                max_pixels: int | None = None) -> Render:
    """The page (or the displayed-page box ``clip``) rendered grey, at ``dpi`` or ``zoom`` (pixels
    per point), without alpha; ``annots`` draws the annotations.  With ``max_pixels`` the
    resolution is lowered to stay under it (see :func:`capped_dpi`).  Raises :data:`redactlens.errors.PDF_ERRORS`."""
    pix, sx, sy = _pixmap(page, pymupdf.csGRAY, dpi, zoom, clip, annots, max_pixels)
    arr = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.stride)[:, :pix.width]
    return Render(arr, sx, sy)


def render_rgb(page: "pymupdf.Page", *, dpi: int | None = None, zoom: float | None = None,
               clip: Sequence[float] | None = None, annots: bool = True,
               max_pixels: int | None = None) -> Render:
    """As :func:`render_gray`, in RGB: ``pixels`` is H x W x 3."""
    pix, sx, sy = _pixmap(page, pymupdf.csRGB, dpi, zoom, clip, annots, max_pixels)
    arr = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.stride)
    arr = arr[:, :pix.width * pix.n].reshape(pix.height, pix.width, pix.n)[:, :, :3]
    return Render(arr, sx, sy)

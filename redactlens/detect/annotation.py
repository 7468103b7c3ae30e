"""Annotation redactions: Redact annotations (applied or not), and Square/Ink annotations used as boxes."""
from __future__ import annotations

from .. import geometry as g
from ..page import PageModel
from . import Candidate
from ..errors import PDF_ERRORS
from .vector import is_redaction_colour


def annotation_candidates(pm: PageModel) -> list[Candidate]:
    out: list[Candidate] = []
    for a in pm.annots:
        try:
            kind = a.type[1]
            rect = a.rect
            colors = a.colors or {}
            border = (a.border or {}).get("width") or 0
            opacity = a.opacity if a.opacity is not None and a.opacity >= 0 else 1.0
        except PDF_ERRORS:
            continue
        box = g.clip(pm.to_display(rect), pm.box)
        if box is None or g.width(box) < 1 or g.height(box) < 1:
            continue
        fill = g.to_rgb(colors.get("fill")) if colors.get("fill") else None
        stroke = g.to_rgb(colors.get("stroke")) if colors.get("stroke") else None
        if kind == "Redact":
            label = _overlay_text(a)
            out.append(Candidate(box, "annotation", "redact-annotation", fill or (0, 0, 0),
                                 covers_all_text=True, annot_type=kind, label=label or None,
                                 detail="Redact annotation (not applied)"))
        elif kind == "Square" and opacity >= 0.5:
            if fill is not None and is_redaction_colour(fill):
                out.append(Candidate(box, "annotation", "solid", fill, covers_all_text=True,
                                     annot_type=kind, detail="Square annotation with dark fill"))
            elif fill is not None and g.luminance(fill) >= 0.8:
                out.append(Candidate(box, "annotation", "white-cover", fill, covers_all_text=True,
                                     annot_type=kind, detail="Square annotation with white fill"))
        elif kind == "Highlight" and opacity >= 0.5 and is_redaction_colour(stroke):
            # "highlighted in black": a dark highlight hides the text it marks (yellow ones do not)
            out.append(Candidate(box, "annotation", "dark-highlight", stroke, covers_all_text=True,
                                 annot_type=kind, detail="Highlight annotation in a dark colour"))
        elif kind == "Ink" and opacity >= 0.5 and is_redaction_colour(stroke) and border >= 3:
            out.append(Candidate(box, "annotation", "ink", stroke, covers_all_text=True,
                                 annot_type=kind, detail=f"Ink annotation, {border:g} pt dark strokes"))
    return out


def _overlay_text(annot) -> str:
    try:
        doc = annot.parent.parent
        kind, val = doc.xref_get_key(annot.xref, "OverlayText")
        if kind == "string":
            return val
    except PDF_ERRORS:
        pass
    return ""

"""Detectors: each turns a :class:`~redactlens.page.PageModel` into candidate boxes.

A detector only proposes; :mod:`redactlens.detect.evidence` decides with the text around each
candidate whether it is a redaction, and :mod:`redactlens.pipeline` merges the methods.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .. import geometry as g


@dataclass
class Candidate:
    bbox: g.Box
    method: str                    # vector | annotation | text | image | raster
    style: str = "solid"           # solid, hatched, outlined-label, white-cover, mask-text ...
    color: tuple | None = None     # fill colour (RGB 0..1)
    seq_first: int = -1            # paint order of the first part (-1: drawn on top of everything)
    seq_last: int = -1
    label: str | None = None       # label printed on/inside the box
    detail: str = ""
    annot_type: str | None = None  # for annotation candidates
    covers_all_text: bool = False  # the box is painted above all page content (annotations)
    hidden_text: str = ""          # for mask-text candidates: nothing
    extra: dict = field(default_factory=dict)
    #: the painted parts of the box, each ``(box, seqno)``: every rectangle of a multi-part path,
    #: one row of strokes of a hatched bar (empty: the whole ``bbox``, painted at ``seq_last``).
    #: A glyph is hidden only under a part that is painted after it (see :mod:`redactlens.evidence`)
    parts: tuple = ()

    def painted_parts(self) -> tuple:
        """The parts that paint the box (the whole box when none were recorded)."""
        return self.parts or ((tuple(self.bbox), self.seq_last),)

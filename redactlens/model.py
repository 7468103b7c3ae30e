"""The data model of redactlens: one set of dataclasses that *is* the JSON contract.

Every class maps one-to-one onto an object of ``shared/CONTRACT.md`` and round-trips through
``to_dict()`` / ``from_dict()``.  Keys of the contract keep their names and meanings; extra keys
(``est_chars_range``, ``color``, ``metadata`` ...) are additions the contract allows.
"""
from __future__ import annotations

import dataclasses
import functools
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Optional

SCHEMA = "redactlens/1"

BBox = list  # [x0, top, x1, bottom] in PDF points, origin top-left of the displayed page

FIELDS = (
    "person_name", "address", "phone", "email", "date_of_birth", "ssn", "license_plate",
    "id_number", "date", "organization", "amount", "narrative", "signature", "unknown",
)
#: where an exemption was read (``Redaction.exemption_basis``; added 2026-12-01)
EXEMPTION_BASES = ("on_box", "beside_box", "margin", "page_note", "letter")
METHODS = ("vector", "raster", "annotation", "text", "image")
LEAK_KINDS = (
    "text_under_box", "annotation_not_applied", "ocr_layer", "prior_revision",
    "glyph_positions", "image_under_box", "cross_document",
)


class _Serial:
    """Generic, type-driven ``to_dict``/``from_dict`` for the dataclasses below."""

    def to_dict(self) -> dict:
        return {f.name: _dump(getattr(self, f.name)) for f in dataclasses.fields(self)}

    @classmethod
    def from_dict(cls, data: dict):
        kwargs = {}
        for name, tp in _field_types(cls):
            if name in data:
                kwargs[name] = _load(tp, data[name])
        return cls(**kwargs)


@functools.lru_cache(maxsize=None)
def _field_types(cls) -> tuple[tuple[str, Any], ...]:
    """(name, resolved type) of each field of a dataclass, resolved once per class
    (``typing.get_type_hints`` evaluates every annotation string each time: it was most of the
    cost of loading a report)."""
    hints = typing.get_type_hints(cls)
    return tuple((f.name, hints[f.name]) for f in dataclasses.fields(cls))


def _dump(value: Any) -> Any:
    if isinstance(value, _Serial):
        return value.to_dict()
    if isinstance(value, (list, tuple)):
        return [_dump(v) for v in value]
    if isinstance(value, dict):
        return {k: _dump(v) for k, v in value.items()}
    return value


def _load(tp: Any, value: Any) -> Any:
    return None if value is None else _loader(tp)(value)


def _as_is(value: Any) -> Any:
    return value


@functools.lru_cache(maxsize=None)
def _loader(tp: Any):
    """The function that loads a non-None value of the annotated type ``tp`` (made once per type:
    reading the annotation was most of the cost of loading a report's many small objects)."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return _loader(args[0]) if len(args) == 1 else _as_is
    if origin is list:
        (inner,) = typing.get_args(tp) or (Any,)
        one = _loader(inner)
        return lambda value: [None if v is None else one(v) for v in value]
    if isinstance(tp, type) and issubclass(tp, _Serial):
        return tp.from_dict
    return _as_is


@dataclass
class Context(_Serial):
    """Text just before and after a redaction (filled by enrichment)."""

    before: str = ""
    after: str = ""
    # additions (filled by redactlens.enrich)
    label: str = ""      # key:value label left of the box ("Suspect Name:")
    header: str = ""     # table column header above the box ("DOB")
    sentence: str = ""   # narrative sentence around the box, the box shown as [█]


@dataclass
class Leak(_Serial):
    """Text that is still recoverable at the place of a redaction.

    ``how`` is one of :data:`LEAK_KINDS`; ``text`` is exactly what was recovered (empty when the
    leak is proven but unreadable, e.g. an image under a box without OCR).
    """

    how: str
    text: str = ""
    detail: str = ""
    candidates: list[dict] = field(default_factory=list)
    # additions to the contract
    #: the painted parts of the box that hide the recovered text: ``{"bbox", "text"}`` each (one per
    #: rectangle of a multi-part box or row of a hatched bar), so a reader can check it part by part
    parts: list[dict] = field(default_factory=list)
    #: how the recovered glyphs sit in the box (``size``, ``extent``, ``box_extent``, ``body_size``,
    #: ``invisible``): what :func:`redactlens.leaks.document_layers` reads to tell a layer of the
    #: file from the text each box withholds
    fit: dict = field(default_factory=dict)
    #: ``cross_document`` leaks (redactlens.crossdoc): where the same passage prints the text
    #: (``{"document", "page", "bbox"}`` each) and how sure that is (``"corroborated"``: two or more
    #: other places agree; ``"single_source"``: seen in only one other place)
    sources: list[dict] = field(default_factory=list)
    confidence: Optional[str] = None


@dataclass
class Redaction(_Serial):
    """One redaction: a box on a page that hides (or claims to hide) something."""

    id: str
    page: int
    bbox: list[float]
    method: str
    label: Optional[str] = None
    exemptions: list[str] = field(default_factory=list)
    field: str = "unknown"
    field_evidence: str = ""
    est_chars: Optional[int] = None
    context: Context = dataclasses.field(default_factory=Context)
    leak: Optional[Leak] = None
    # additions to the contract
    style: str = ""              # e.g. "solid", "hatched", "outlined-label", "white-cover", "mask-text"
    color: Optional[list[float]] = None
    hides_text: bool = False     # live text sits under the box (whether or not it is a leak)
    detail: str = ""             # the evidence that made this a redaction
    overlay: str = ""            # visible text laid over the box that is not a label (never a leak)
    # additions filled by redactlens.enrich (see docs/enrichment.md)
    est_chars_range: Optional[list[int]] = None   # [low, high] plausible characters
    est_lines: Optional[int] = None               # whole-paragraph/page boxes: hidden lines
    exemption_source: str = ""   # "label" (on the box), "adjacent", "margin" or "footer" (weaker: page list)
    exemption_text: str = ""     # printed margin/footer list the exemptions were read from
    glyph: Optional[dict] = None  # exact hidden width from glyph positions (font, size, width_pt)
    #: where the exemptions were read, one of :data:`EXEMPTION_BASES` (None: no exemption cited)
    exemption_basis: Optional[str] = None
    exemption_page: Optional[int] = None  # the letter's page when exemption_basis is "letter"


@dataclass
class Finding(_Serial):
    """A document-level place where withheld text survives (metadata, revisions ...)."""

    type: str
    page: Optional[int] = None
    detail: str = ""
    text: str = ""
    # additions to the contract
    bbox: Optional[list[float]] = None     # where on ``page`` (displayed-page box), when known
    revision: Optional[int] = None         # 1-based revision of the file (incremental updates)
    rule: str = ""                         # which rule made this a finding (e.g. "author_field")


@dataclass
class ClearField(_Serial):
    """A ``Label: value`` pair read from a page's text layer (see :mod:`redactlens.cleartext`).

    ``value`` is the text printed in the clear after the label (withheld parts shown as
    ``[withheld]``); ``withheld`` lists the ids of redactions inside the value.  Used by the batch
    consistency analysis to tell fields left open from fields withheld."""

    page: int
    label: str
    value: str = ""
    withheld: list[str] = field(default_factory=list)
    bbox: Optional[list[float]] = None


@dataclass
class ClearText(_Serial):
    """A compact summary of a document's text in the clear (never text under a redaction)."""

    title: str = ""                                              # first heading line of page 1
    page_sizes: list[list[float]] = field(default_factory=list)  # [width, height] as displayed
    fields: list[ClearField] = field(default_factory=list)
    withheld_pages: list[dict] = field(default_factory=list)     # {"page", "text"}: "withheld in full" sheets


@dataclass
class DocumentReport(_Serial):
    """Everything redactlens found in one input file."""

    path: str
    sha256: Optional[str] = None
    pages: int = 0
    error: Optional[str] = None
    redactions: list[Redaction] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    # additions to the contract
    #: stable code of ``error`` (see :data:`redactlens.errors.ERROR_CODES`); None when there is none
    error_code: Optional[str] = None
    page_errors: list[dict] = field(default_factory=list)
    metadata: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    #: values printed in clear next to a field label or under a column header (field, text, page);
    #: candidates for the batch-level glyph-width ranking (redactlens.enrich.glyphs)
    printed_values: list[dict] = field(default_factory=list)
    #: what a cover/response letter in this document says was withheld under which section
    #: ({"page", "codes", "fields", "text", "request"}; redactlens.enrich.letters)
    exemption_letters: list[dict] = field(default_factory=list)
    #: the document's text in the clear, summarised for the batch consistency analysis
    clear_text: Optional[ClearText] = None
    #: True for a file found in a folder that is not a PDF: reported (``error`` says why), not scanned,
    #: and not counted as a failed document
    skipped: bool = False
    #: the file name's bytes (hex) when they are not valid UTF-8: ``path`` then shows each
    #: undecodable byte as ``\\xNN`` and the writers reopen the file by these bytes
    path_bytes: Optional[str] = None
    #: the clear words of each page in reading order, with where each redaction sits among them
    #: (``{"page", "words", "boxes", "gaps"}``; redactlens.crossdoc.capture): what the batch-level
    #: cross-document recovery and the release diff search.  Not written to the batch JSON
    #: (:meth:`BatchReport.to_dict` leaves it out); it crosses the worker boundary only
    words: list[dict] = field(default_factory=list)

    @property
    def leaks(self) -> list[Redaction]:
        """Redactions whose hidden text is still recoverable."""
        return [r for r in self.redactions if r.leak is not None]

    def to_dataframe(self, show_leaks: bool = False):
        """One row per redaction as a pandas DataFrame (see :mod:`redactlens.frames`, ``docs/data.md``)."""
        from .frames import redactions_frame
        return redactions_frame(self, show_leaks=show_leaks)

    def findings_frame(self, show_leaks: bool = False):
        from .frames import findings_frame
        return findings_frame(self, show_leaks=show_leaks)


@dataclass
class ConsistencyItem(_Serial):
    """One batch-level pattern an appeal can use (see :mod:`redactlens.consistency`)."""

    type: str
    detail: str = ""
    redactions: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    # additions to the contract (2026-12-01, see docs/appeal.md)
    rule: str = ""               # the rule that made this an item, in words
    denominator: str = ""        # "withheld in 15 of 18 'call report' records of one issuer"
    strength: float = 0.0        # 0..1: how far an appeal can lean on it (items are ranked by it)
    numbers: dict = field(default_factory=dict)   # the counts behind detail, denominator and strength
    group: str = ""              # the documents compared: issuer (jurisdiction)[, record type]
    #: each redaction involved: {"id", "document", "page", "bbox", "exhibit"} (exhibit = the number
    #: of the box in the log, the exhibit and the HTML report)
    members: list[dict] = field(default_factory=list)


@dataclass
class BatchReport(_Serial):
    """The result of scanning many documents: the top-level JSON object."""

    documents: list[DocumentReport] = field(default_factory=list)
    consistency: list[ConsistencyItem] = field(default_factory=list)
    schema: str = SCHEMA

    @property
    def failed(self) -> list[DocumentReport]:
        return [d for d in self.documents if d.error and not d.skipped]

    def to_dict(self) -> dict:
        d = super().to_dict()
        for doc in d["documents"]:      # the page word streams are working data, not the report
            doc.pop("words", None)
        return {"schema": d.pop("schema"), **d}

    # pandas views (redactlens.frames; optional extra redactlens[data])
    def to_dataframe(self, show_leaks: bool = False):
        """One row per redaction of every document (see ``docs/data.md``)."""
        from .frames import redactions_frame
        return redactions_frame(self, show_leaks=show_leaks)

    def exemptions_frame(self):
        from .frames import exemptions_frame
        return exemptions_frame(self)

    def documents_frame(self):
        from .frames import documents_frame
        return documents_frame(self)

    def findings_frame(self, show_leaks: bool = False):
        from .frames import findings_frame
        return findings_frame(self, show_leaks=show_leaks)

    def consistency_frame(self, members: bool = True):
        from .frames import consistency_frame
        return consistency_frame(self, members=members)

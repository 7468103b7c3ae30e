"""Batch consistency: patterns across a release that an appeal of its redactions can use.

``analyse_batch(batch)`` returns a list of :class:`~redactlens.model.ConsistencyItem`, each with a
``type``, a plain-English ``detail`` with the numbers behind it, the ids of the redactions involved
and ``evidence`` strings of the form ``"<document> p<page>: ..."``.  Types:

``same_value_in_clear``
    A value withheld in one place is printed in the clear in another record (or elsewhere in the
    same record): matched by the text still recoverable under the box, or -- without a leak -- by
    shared context: both records carry the same incident/case number and the withheld field's label
    is printed in the clear, with a value, in the other record.
``field_withheld_inconsistently``
    Among records of one kind (same title), a labelled field is withheld in some and printed in the
    clear in others ("'Location' withheld in 8 of 11 call records, in the clear in 3").
``exemption_inconsistent``
    The same kind of information (same field, or same label) is withheld under different exemptions
    in different documents.
``no_exemption_cited``
    Boxes that cite no exemption where other boxes on the same page, or elsewhere in the batch, cite
    one; or a batch in which no box cites any exemption.
``whole_page_withheld`` / ``whole_paragraph_withheld``
    Segregability: a page (or a block of several lines) withheld as a whole instead of the exempt
    words.
``recoverable_text``
    Redactions whose text is still recoverable (the redaction was not applied).

Recovered (leaked) text is never written into ``detail`` or ``evidence``; only text that the
release prints in the clear is quoted.
"""
from __future__ import annotations

import os

from ..model import BatchReport, ConsistencyItem
from .common import MAX_EVIDENCE, _NAMES, _Ctx, _context, cited, cited_at_box, display_names, norm_label, short_code  # noqa: F401
from .groups import group_documents, jurisdiction_of, record_type  # noqa: F401
from .rules import ANALYSES, TYPES  # noqa: F401

SCRUBBED = "[recovered text]"


def private_texts(batch: BatchReport) -> list[str]:
    """Text recovered from under boxes and document-level findings: never quoted in an item."""
    out = set()
    for d in batch.documents:
        for r in d.redactions:
            if r.leak and r.leak.text and len(r.leak.text.strip()) >= 3:
                out.add(r.leak.text.strip())
                out.update(ln.strip() for ln in r.leak.text.splitlines() if len(ln.strip()) >= 3)
        for f in d.findings:
            if f.text and len(f.text.strip()) >= 3:
                out.add(f.text.strip())
    return sorted(out, key=len, reverse=True)


def scrub(text: str, private: list[str]) -> str:
    """``text`` with every occurrence of recovered text replaced by :data:`SCRUBBED`."""
    for t in private:
        if t in text:
            text = text.replace(t, SCRUBBED)
    return text


def analyse_batch(batch: BatchReport) -> list[ConsistencyItem]:
    """Every consistency pattern found in ``batch`` (see the module docstring for the types).

    Recovered (leaked) text is never quoted: a last pass replaces any that slipped into a
    ``detail`` or ``evidence`` string with ``[recovered text]``."""
    cx = _context(batch)
    token = _NAMES.set(display_names(cx.docs))
    try:
        items = _run_all(cx)
        for it in items:
            _complete(cx, it)
    finally:
        _NAMES.reset(token)
    items.sort(key=lambda it: -it.strength)     # strongest first (stable within equal strength)
    for it in items:   # "<doc> p3: ... <doc>#p3-r2" -> "<doc> p3: ... #p3-r2" (the document is named once)
        it.evidence = [_shorten_ids(e) for e in it.evidence]
    private = private_texts(batch)
    if private:
        for it in items:
            it.detail = scrub(it.detail, private)
            it.evidence = [scrub(e, private) for e in it.evidence]
    return items


#: rule and strength of the item types whose rules fill in only detail and evidence
DEFAULTS = {
    "recoverable_text": ("the content under the box is still in the file (text layer, unapplied annotation, "
                         "OCR layer, image under the box or an earlier revision)", 0.95),
    "glyph_width_exposed": ("the text was removed but the glyph positions around the box fix its exact width", 0.5),
    "exemption_not_specific": ("the only citation is a page-wide margin/footer list of two or more exemptions", 0.35),
    "hidden_content_in_file": ("document-level content outside the visible pages (metadata, revisions, "
                               "attachments, form fields, annotation text, scripts)", 0.6),
    "analysis_error": ("an analysis failed (a bug of redactlens)", 0.0),
}


BATCH_WIDE = ("recoverable_text", "glyph_width_exposed", "hidden_content_in_file", "exemption_not_specific")


def _complete(cx: _Ctx, it: ConsistencyItem) -> None:
    """Fill rule, strength, members and group where a rule left them empty."""
    rule, strength = DEFAULTS.get(it.type, ("", 0.0))
    if not it.rule:
        it.rule, it.strength = rule, strength
    if it.type in BATCH_WIDE:
        it.group = ""
    if not it.members and it.redactions:
        it.members = cx.members(it.redactions)
    if not it.denominator and it.redactions:
        total = sum(len(d.redactions) for d in cx.docs)
        it.denominator = f"{len(set(it.redactions))} of {total} redaction(s) in the batch"
    if not it.group and it.type in BATCH_WIDE:
        it.group = "each file on its own (a fact about the file, not a comparison)"
    if not it.group and it.members:
        docs = {m["document"] for m in it.members}
        it.group = "; ".join(sorted({cx.groups[id(d)].label for d in cx.docs if _name_of(d) in docs}))


def _name_of(d):
    from .common import _name
    return _name(d)


def _shorten_ids(ev: str) -> str:
    head, sep, rest = ev.partition(": ")
    name = head.rsplit(" p", 1)[0] if " p" in head else head
    base = os.path.basename(name)
    if sep and base and f"{base}#p" in rest:
        rest = rest.replace(f"{base}#p", "#p")
    return head + sep + rest


def _run_all(cx: _Ctx) -> list[ConsistencyItem]:
    # Isolation boundary (documented in docs/appeal.md, ``analysis_error``): the analyses read only
    # the report model, so what fails here is a bug of ours; it is reported as an item (and fails
    # the tests: test_consistency allows only the item types of TYPES) instead of losing the others.
    items: list[ConsistencyItem] = []
    for analysis in ANALYSES:
        try:
            items.extend(analysis(cx))
        except Exception as exc:  # noqa: BLE001 - isolation boundary, see above
            items.append(ConsistencyItem("analysis_error", f"{analysis.__name__} failed: "
                                                           f"{type(exc).__name__}: {exc}"))
    return items


def by_type(items: list[ConsistencyItem]) -> dict[str, list[ConsistencyItem]]:
    """Items grouped by ``type`` (in :data:`TYPES` order)."""
    out: dict[str, list[ConsistencyItem]] = {}
    for t in TYPES:
        got = [it for it in items if it.type == t]
        if got:
            out[t] = got
    for it in items:
        if it.type not in TYPES:
            out.setdefault(it.type, []).append(it)
    return out

"""The leak resolver: the one place that decides which recovered text a redaction reports.

Each *channel* says on its own what it recovered at one box (the pipeline collects them):

* ``text``    live text under the box (``text_under_box``; ``annotation_not_applied`` for a Redact
  annotation that was never applied), from the glyphs the box paints over;
* ``image``   the page image under the box still shows ink (``image_under_box``), with the words
  OCR (or an invisible OCR layer) read there, if any;
* ``ocr_layer`` an invisible OCR text layer under the box;
* ``revisions`` earlier revisions of the file that had text where the box now is
  (``prior_revision``), the most recent first;
* ``glyph_positions`` (filled later, by :mod:`redactlens.enrich.glyphs`) is never text: it may
  stand only where no channel above recovered anything (:func:`admits_candidates`).

Precedence, written once (:func:`resolve`):

1. the first of ``text``, ``image``, ``ocr_layer`` that has something is the *primary* leak
   (live text is read from the final file itself; an image under a box is proof even when it
   cannot be read; an OCR layer is a reading of the scan that may be wrong);
2. an earlier revision replaces the primary leak unless the primary is *exact* text read from the
   final file (``text``/``ocr_layer``, or ``image`` with OCR words) and more than a fragment (at
   least :data:`FRAGMENT_ALNUM` letters or digits, or as many as the old text has): the exact old
   text is better evidence than an unreadable image or half a glyph at the box's edge;
3. whatever is not reported stays on the leak as a candidate (``leak.candidates``), so the
   evidence of every channel is kept: older revisions and the replaced primary.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field, replace

from . import geometry as g
from .model import Finding, Leak, Redaction
from .text import has_alnum

#: a recovered text with fewer letters or digits than this is a fragment (e.g. half a glyph left
#: under a box's edge); chosen on the revisions fixtures of tests/gen_forensics.py, where an
#: earlier revision's name must win over the 1-2 characters the final file leaves under the edge
FRAGMENT_ALNUM = 3

#: leak kinds whose text is read from the final file exactly
EXACT = ("text_under_box", "annotation_not_applied", "ocr_layer")


@dataclass(frozen=True)
class RevisionText:
    """What one earlier revision had under a box."""

    revision: int
    leak: Leak


@dataclass(frozen=True)
class Channels:
    """Everything the leak channels found at one box (None / empty: nothing)."""

    text: Leak | None = None
    image: Leak | None = None
    ocr_layer: Leak | None = None
    revisions: tuple[RevisionText, ...] = field(default_factory=tuple)


def _alnum(text: str) -> int:
    return sum(ch.isalnum() for ch in text)


def _beats_revision(primary: Leak, old_text: str) -> bool:
    """True when ``primary`` stays in front of the text an earlier revision had there."""
    exact = primary.how in EXACT or (primary.how == "image_under_box" and has_alnum(primary.text))
    if not exact:
        return False
    n = _alnum(primary.text)
    return n >= FRAGMENT_ALNUM or n >= _alnum(old_text)


def resolve(ch: Channels) -> Leak | None:
    """The one leak a redaction reports (see the module docstring for the precedence); a new
    :class:`Leak`, the channels' objects are not changed."""
    primary = next((lk for lk in (ch.text, ch.image, ch.ocr_layer) if lk is not None), None)
    revs = sorted(ch.revisions, key=lambda r: -r.revision)
    if not revs:
        return replace(primary, candidates=list(primary.candidates)) if primary is not None else None
    latest, older = revs[0], revs[1:]
    older_cands = [{"how": "prior_revision", "revision": r.revision, "text": r.leak.text} for r in older]
    if primary is not None and _beats_revision(primary, latest.leak.text):
        cands = list(primary.candidates) + [{"how": "prior_revision", "revision": latest.revision,
                                              "text": latest.leak.text}] + older_cands
        return replace(primary, candidates=cands)
    cands = list(latest.leak.candidates)
    if primary is not None:
        cands.append({"how": primary.how, "text": primary.text, "detail": primary.detail})
    return replace(latest.leak, candidates=cands + older_cands)


def admits_candidates(leak: Leak | None) -> bool:
    """Width-fitting candidates (``glyph_positions``) may stand only where nothing was recovered."""
    return leak is None or leak.how == "glyph_positions"


def text_channel(hidden_live_text: str, live_count: int, unapplied_annotation: bool) -> Leak | None:
    """The live-text channel of a box from the text its glyphs hide (None when it has no letter
    or digit)."""
    if not has_alnum(hidden_live_text):
        return None
    how = "annotation_not_applied" if unapplied_annotation else "text_under_box"
    return Leak(how=how, text=hidden_live_text, detail=f"{live_count} characters of live text under the box")


def ocr_layer_channel(hidden_ocr_text: str) -> Leak | None:
    if not has_alnum(hidden_ocr_text):
        return None
    return Leak(how="ocr_layer", text=hidden_ocr_text, detail="invisible OCR text layer under the box")


# -- where the recovered glyphs sit ---------------------------------------------------------------
def under_parts(chars, parts) -> list:
    """The glyphs of ``chars`` that the box's painted ``parts`` hide, each judged on its own by
    :func:`redactlens.evidence.parts_over` (the rule of live text): a word read under a box whose
    first letters stand beside it gives only the letters under the box (the others are visible)."""
    from .evidence import parts_over
    return [ch for ch in chars if parts_over(ch, parts)]


def located(leak: Leak | None, parts, chars, body: "BodyText") -> Leak | None:
    """``leak`` with the painted parts that hide its glyphs (``leak.parts``: ``{"bbox", "text"}``
    per part, in reading order) and how the glyphs fit the box (``leak.fit``); a new Leak.

    ``parts`` are the box's ``(box, seqno)`` parts, ``chars`` the glyphs the leak was read from,
    ``body`` the page's body text (:func:`body_text`, made once per page)."""
    if leak is None or not chars:
        return leak
    from .evidence import lines_text, parts_over   # evidence imports nothing of ours
    by_part: dict[int, list] = {}
    index = {tuple(b): k for k, (b, _) in enumerate(parts)}
    for ch in chars:
        over = parts_over(ch, parts)
        if not over:
            continue
        best = max(over, key=lambda bs: g.inter_area(ch.bbox, bs[0]))
        by_part.setdefault(index[tuple(best[0])], []).append(ch)
    out_parts = []
    # parts in the order of their text: across the lines, then along them (turned pages included)
    for k in sorted(by_part, key=lambda k: min((c.dir, round(c.across / 2), c.along[0]) for c in by_part[k])):
        text = lines_text(by_part[k])
        if has_alnum(text):
            out_parts.append({"bbox": g.rounded(parts[k][0]), "text": text})
    return replace(leak, parts=out_parts, fit=_fit(chars, g.union(b for b, _ in parts), body))


@dataclass(frozen=True)
class BodyText:
    """The size and layer of a page's body text, which a leak's glyphs are measured against (the
    same for every box of the page, so made once per page by :func:`body_text`)."""

    size: float | None          # median size of its visible glyphs (of all, when none is visible)
    invisible: bool | None      # most of its glyphs are invisible; None: the page has no glyphs


def body_text(chars) -> BodyText:
    """The :class:`BodyText` of a page's glyphs (blanks left out)."""
    body = [c for c in chars if c.c.strip()]
    if not body:
        return BodyText(None, None)
    sizes = [c.size for c in body if not c.invisible] or [c.size for c in body]
    return BodyText(round(statistics.median(sizes), 2), sum(c.invisible for c in body) * 2 > len(body))


def _fit(chars, box: g.Box, body: BodyText) -> dict:
    ink = [c for c in chars if c.c.strip()]
    horizontal = sum(1 for c in ink if abs(c.dir[0]) >= 0.5) * 2 >= len(ink)
    lo, hi = (0, 2) if horizontal else (1, 3)
    extent = max(c.bbox[hi] for c in ink) - min(c.bbox[lo] for c in ink)
    invisible = sum(c.invisible for c in ink) * 2 > len(ink)
    return {"size": round(statistics.median(c.size for c in ink), 2),
            "extent": round(extent, 2), "box_extent": round(box[hi] - box[lo], 2),
            "body_size": body.size,
            "invisible": invisible, "body_invisible": invisible if body.invisible is None else body.invisible}


# -- a text layer under many boxes is the file's, not each box's ----------------------------------
#: the same recovered string under at least this many boxes of a document may be a layer of the file
#: (filler, a stamp, a repeated date) rather than what each box withholds; a name redacted twice is
#: not enough to say so
LAYER_MIN_BOXES = 3
#: boxes over one withheld value have one width (the same text in the same font); boxes of widths
#: spread by this factor or more over the same string hide different things (the 8 boxes of the
#: scanned page in issue 18 spread 3.1x; tests/gen_leaks.py: a name under 3 equal boxes spreads 1.0x)
LAYER_WIDTH_SPREAD = 1.5
#: a string is far shorter than a box when its glyphs span less than this share of the box in every
#: box (a value fills its box but for the padding of the redaction tool: >= 0.6 on the fixtures and on
#: every text_under_box leak of ../shared/realworld)
LAYER_FIT_SHORT = 0.35
#: ... and far longer when its characters at the page body's size would need more than this many
#: times the box (rough advance: half the font size per character)
LAYER_FIT_LONG = 2.5
#: glyphs this many times smaller or larger than the page body's are another layer of the file
LAYER_SIZE_RATIO = 1.6


def _norm(text: str) -> str:
    return " ".join(text.split())


def _layer_rule(reds: list[Redaction]) -> tuple[str, str] | None:
    """(rule, why) when the string under ``reds`` is a layer of the file, else None."""
    fits = [r.leak.fit for r in reds]
    if any(not f for f in fits):
        return None
    extents = [f["box_extent"] for f in fits]
    if min(extents) > 0 and max(extents) >= LAYER_WIDTH_SPREAD * min(extents):
        return ("same_text_different_widths",
                f"boxes {min(extents):.0f}-{max(extents):.0f} pt long hold the same string")
    if all(f["box_extent"] > 0 and f["extent"] < LAYER_FIT_SHORT * f["box_extent"] for f in fits):
        return ("far_shorter_than_box", "its glyphs span less than "
                f"{LAYER_FIT_SHORT:.0%} of every box")
    n = len(_norm(reds[0].leak.text))
    if all(f.get("body_size") and n * 0.5 * f["body_size"] > LAYER_FIT_LONG * f["box_extent"] for f in fits):
        return ("far_longer_than_box", f"{n} characters do not fit in any of the boxes at the page's text size")
    if all(f.get("body_size") and (f["size"] * LAYER_SIZE_RATIO <= f["body_size"]
                                   or f["size"] >= LAYER_SIZE_RATIO * f["body_size"]) for f in fits):
        return ("different_text_size", f"glyphs of {fits[0]['size']:.1f} pt on pages whose text is "
                f"{fits[0]['body_size']:.1f} pt")
    if all(f["invisible"] != f["body_invisible"] for f in fits):
        return ("different_render_mode", "the string is in another render mode than the page's text")
    return None


def document_layers(redactions: list[Redaction]) -> tuple[list[Redaction], list[Finding]]:
    """A text layer found under many boxes that does not fit them is a document finding, not each
    box's leak (a pure stage: new redactions, the given ones are not changed).

    The same recovered string (live text or an OCR layer, whitespace aside) under at least
    :data:`LAYER_MIN_BOXES` boxes is a layer of the file when one of these rules decides (the
    finding's ``rule`` names it): the boxes' widths spread by :data:`LAYER_WIDTH_SPREAD` or more
    (``same_text_different_widths``), the string is far shorter than every box
    (``far_shorter_than_box``) or far longer (``far_longer_than_box``), its glyphs are another size
    than the page body's (``different_text_size``) or another render mode (``different_render_mode``).
    Those boxes report no leak; the finding lists them."""
    groups: dict[str, list[int]] = {}
    for i, r in enumerate(redactions):
        if r.leak is not None and r.leak.how in EXACT and has_alnum(r.leak.text):
            groups.setdefault(_norm(r.leak.text), []).append(i)
    out = list(redactions)
    findings: list[Finding] = []
    for text, idx in groups.items():
        if len(idx) < LAYER_MIN_BOXES:
            continue
        reds = [redactions[i] for i in idx]
        decided = _layer_rule(reds)
        if decided is None:
            continue
        rule, why = decided
        for i in idx:
            out[i] = replace(redactions[i], leak=None)
        pages = sorted({r.page for r in reds})
        findings.append(Finding(
            type="text_layer", page=pages[0], text=text, rule=rule,
            bbox=g.rounded(g.union(tuple(r.bbox) for r in reds if r.page == pages[0])),
            detail=(f"the same text {text[:60]!r} lies under {len(reds)} boxes (page(s) "
                    f"{', '.join(map(str, pages))}: {', '.join(r.id for r in reds[:12])}); {why}: a layer of "
                    "the file, not what each box withholds, so no box reports it as its leak")))
    return out, findings

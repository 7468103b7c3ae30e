"""What the consistency rules share: naming, labels, citations, the batch context."""
from __future__ import annotations

import contextvars
import os
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from .. import geometry as g
from ..cleartext import WITHHELD, kind_of
from ..enrich.exemptions import parse_codes
from ..enrich.size import length_of
from ..model import BatchReport, ClearField, ConsistencyItem, DocumentReport, Redaction
from ..text import alnum_count, short

MAX_EVIDENCE = 12
ID_LABEL_RE = re.compile(r"\b(incident|case|call|event|report|cad|complaint|file|occurrence|record|"
                         r"ticket|citation|offen[cs]e|ref(erence)?)\b\s*(no\.?|num(ber)?|#|id)?\s*$",
                         re.IGNORECASE)


# ---------------------------------------------------------------- helpers

_NAMES: contextvars.ContextVar[dict] = contextvars.ContextVar("redactlens_consistency_names", default={})


def _name(d: DocumentReport) -> str:
    """How a document is named in items: its file name, or its path when two share a file name."""
    return _NAMES.get().get(id(d), d.path)


def display_names(docs: list[DocumentReport]) -> dict[int, str]:
    base = Counter(os.path.basename(d.path) for d in docs)
    return {id(d): (os.path.basename(d.path) if base[os.path.basename(d.path)] == 1 else d.path) for d in docs}


def norm_label(label: str) -> str:
    t = re.sub(r"[^a-z0-9 ]+", " ", label.lower())
    t = re.sub(r"\b(no|num|number|nr|id)\s*$", "", " ".join(t.split())).strip()
    return t or label.lower().strip()


def _norm_text(text: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.casefold()).split())


def _clear_value(f: ClearField) -> str:
    return " ".join(f.value.replace(WITHHELD, " ").split())


def _is_open(f: ClearField) -> bool:
    """A field printed in the clear with a real value (at least 3 letters or digits)."""
    return not f.withheld and alnum_count(_clear_value(f)) >= 3


def _q(text: str, n: int = 80) -> str:
    return repr(short(text, n))


def short_code(code: str) -> str:
    """``5 USC 552(b)(7)(C)`` -> ``(b)(7)(C)`` (state statutes are kept as printed)."""
    return code[len("5 USC 552"):] if code.startswith("5 USC 552(b)") else code


def cited(r: Redaction) -> tuple[str, ...]:
    """The exemptions cited for a box: its ``exemptions`` (filled by the enrichment, possibly from
    a page's margin/footer list), or, when those are empty, the codes printed in its label."""
    if r.exemptions:
        return tuple(sorted(set(r.exemptions)))
    return tuple(sorted(set(parse_codes(r.label or ""))))


def cited_at_box(r: Redaction) -> tuple[str, ...]:
    """Exemptions cited *at the box* (on it or next to it), not only in a page-wide margin or
    footer list: the basis for comparing exemptions between boxes."""
    if r.exemptions and r.exemption_source in ("margin", "footer"):
        return tuple(sorted(set(parse_codes(r.label or ""))))
    return cited(r)


def _cite_text(c: tuple[str, ...]) -> str:
    return " + ".join(short_code(x) for x in c) if c else "no exemption"


def _join(items: list[str], n: int = 8) -> str:
    return ", ".join(items[:n]) + (f" and {len(items) - n} more" if len(items) > n else "")


def _pages(ps) -> str:
    ps = sorted(set(ps))
    return ("page " if len(ps) == 1 else "pages ") + _join([str(p) for p in ps], 12)


@dataclass
class _Ctx:
    batch: BatchReport
    docs: list[DocumentReport]
    red_doc: dict[str, DocumentReport]
    red_label: dict[str, str]        # redaction id -> label printed left of it (as printed)
    ids: dict[tuple[int, int], dict[str, str]]   # (id(doc), page) -> {normalised: printed} incident/case numbers
    groups: dict = None              # id(doc) -> groups.Group
    exhibit: dict = None             # redaction id -> its number in the log/exhibit/HTML (batch order)
    red: dict = None                 # redaction id -> Redaction

    def group(self, d: DocumentReport):
        return self.groups[id(d)]

    def members(self, rids) -> list[dict]:
        """Each redaction of ``rids`` as the item cites it: id, document, page, bbox, exhibit number
        and its estimated length as every output phrases it (:func:`redactlens.enrich.size.length_of`)."""
        out = []
        for rid in dict.fromkeys(rids):
            r, d = self.red.get(rid), self.red_doc.get(rid)
            if r is None or d is None:
                continue
            out.append({"id": rid, "document": _name(d), "page": r.page,
                        "bbox": [round(float(v), 1) for v in r.bbox], "exhibit": self.exhibit.get(rid),
                        "length": length_of(r)})
        return out


_ID_TOKEN_RE = re.compile(r"[A-Za-z]{0,4}[-#]?\d[\dA-Za-z./-]*")


def id_tokens(value: str) -> dict[str, str]:
    """Reference numbers in a clear value: ``'Request #03-191-003, Contract # T-26483'`` ->
    ``{'03191003': '03-191-003', 'T26483': 'T-26483'}`` (tokens with a digit, 4-20 characters)."""
    out = {}
    for m in _ID_TOKEN_RE.finditer(value):
        printed = m.group(0).strip("-./#")
        norm = re.sub(r"[^0-9A-Za-z]", "", printed).upper()
        if 4 <= len(norm) <= 20 and sum(ch.isdigit() for ch in norm) >= 3:
            out[norm] = printed
    return out


def _context(batch: BatchReport) -> _Ctx:
    docs = [d for d in batch.documents if d.redactions or d.clear_text]
    red_doc, red_label, ids = {}, {}, {}
    for d in docs:
        for r in d.redactions:
            red_doc[r.id] = d
        for f in (d.clear_text.fields if d.clear_text else []):
            for rid in f.withheld:
                red_label.setdefault(rid, f.label)
            if ID_LABEL_RE.search(f.label) and _is_open(f):
                ids.setdefault((id(d), f.page), {}).update(id_tokens(_clear_value(f)))
        for r in d.redactions:
            if r.id not in red_label and r.context and r.context.before:
                m = re.search(r"([A-Za-z][A-Za-z #/.'-]{0,38})\s*:\s*$", r.context.before)
                if m:
                    red_label[r.id] = m.group(1).strip()
    from .groups import group_documents
    exhibit, red, n = {}, {}, 0
    for d in batch.documents:          # the numbering of redactlens.report.common.numbered
        for r in d.redactions:
            n += 1
            exhibit.setdefault(r.id, n)
            red.setdefault(r.id, r)
    return _Ctx(batch, docs, red_doc, red_label, ids, group_documents(docs), exhibit, red)



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

import contextvars
import os
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from . import geometry as g
from .cleartext import WITHHELD, kind_of
from .enrich.exemptions import parse_codes
from .model import BatchReport, ClearField, ConsistencyItem, DocumentReport, Redaction
from .text import alnum_count, short

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
    return _Ctx(batch, docs, red_doc, red_label, ids)


# ---------------------------------------------------------------- 1. same value in the clear

def same_value_in_clear(cx: _Ctx) -> list[ConsistencyItem]:
    matches: dict[tuple[str, ...], list[tuple[str, str]]] = defaultdict(list)  # rids -> (evidence, how)
    order: list[tuple[str, ...]] = []

    def add(rids, ev, how):
        if rids not in matches:
            order.append(rids)
        if all(e != ev for e, _ in matches[rids]):
            matches[rids].append((ev, how))

    # (a) by the text recovered under the box
    open_fields = [(d, f, " " + _norm_text(_clear_value(f)) + " ") for d in cx.docs
                   for f in (d.clear_text.fields if d.clear_text else []) if _is_open(f)]
    for d in cx.docs:
        for r in d.redactions:
            if not (r.leak and r.leak.text):
                continue
            t = _norm_text(r.leak.text)
            if alnum_count(t) < 5:
                continue
            for d2, f, v in open_fields:
                if f" {t} " in v:
                    where = "another record" if d2 is not d else "elsewhere in the same record"
                    # the value itself is not quoted: it is the recovered text of the box
                    add((r.id,), f"{_name(d2)} p{f.page}: the {f.label!r} field prints the same value in the clear",
                        f"the text recovered under the box is printed in the clear in {where}")
    # (b) by shared context: the page of the withheld field and the page of a field with the same
    # label printed in the clear in another record carry the same incident/case number
    for d in cx.docs:
        if not d.clear_text:
            continue
        for f in d.clear_text.fields:
            mine = cx.ids.get((id(d), f.page))
            if not f.withheld or not mine or ID_LABEL_RE.search(f.label):
                continue
            key = norm_label(f.label)
            for d2 in cx.docs:
                if d2 is d or not d2.clear_text:
                    continue
                hits = []
                for f2 in d2.clear_text.fields:
                    shared = set(mine) & set(cx.ids.get((id(d2), f2.page), {}))
                    if shared and norm_label(f2.label) == key and _is_open(f2):
                        hits.append((f2, sorted(shared)[0]))
                # the other record prints different values under that label: no single match
                if not hits or len({_norm_text(_clear_value(f2)) for f2, _ in hits}) > 1:
                    continue
                for f2, num in hits:
                    add(tuple(f.withheld), f"{_name(d2)} p{f2.page}: "
                        f"{_q(f2.label + ': ' + _clear_value(f2))} printed in the clear",
                        f"both records carry the number {mine[num]!r} and the field {f.label!r} is printed "
                        f"in the clear in the other")
    # boxes of one page matched to exactly the same places become one item
    merged: dict[tuple, tuple[str, ...]] = {}
    for rids in order:
        d = cx.red_doc.get(rids[0])
        r = next((x for x in d.redactions if x.id == rids[0]), None) if d else None
        key = (id(d), r.page if r else 0, tuple(sorted(matches[rids])))
        if key in merged:
            prev = merged[key]
            matches[prev + tuple(x for x in rids if x not in prev)] = matches.pop(prev)
            merged[key] = prev + tuple(x for x in rids if x not in prev)
        else:
            merged[key] = rids
    order = list(merged.values())
    items = []
    for rids in order:
        evs = matches[rids]
        d = cx.red_doc.get(rids[0])
        r = next((x for x in d.redactions if x.id == rids[0]), None) if d else None
        label = cx.red_label.get(rids[0])
        what = f"the {label!r} value" if label else "the value"
        docs2 = {e.split(" p")[0] for e, _ in evs}
        hows = sorted({h for _, h in evs})
        detail = (f"{what[:1].upper() + what[1:]} withheld in {_name(d) if d else '?'} page {r.page if r else '?'} "
                  f"({', '.join(rids)}) is printed in the clear in {len(evs)} place(s) in "
                  f"{len(docs2)} document(s): {'; '.join(hows)}.")
        own = [f"{_name(d)} p{r.page}: withheld ({', '.join(rids)})"] if d and r else []
        items.append(ConsistencyItem("same_value_in_clear", detail, list(rids),
                                     own + [e for e, _ in evs][:MAX_EVIDENCE]))
    return items


# ---------------------------------------------------------------- 2. field withheld in some records, open in others

def _kinds(cx: _Ctx) -> dict[str, list[DocumentReport]]:
    kinds: dict[str, list[DocumentReport]] = defaultdict(list)
    for d in cx.docs:
        if d.clear_text and kind_of(d.clear_text.title):     # untitled records are not grouped
            kinds[kind_of(d.clear_text.title)].append(d)
    return kinds


def field_withheld_inconsistently(cx: _Ctx) -> list[ConsistencyItem]:
    items = []
    for kind, docs in _kinds(cx).items():
        if len(docs) < 2:
            continue
        title = next((d.clear_text.title for d in docs if d.clear_text.title), "") or "untitled"
        by_label: dict[str, dict] = {}
        for d in docs:
            for f in d.clear_text.fields:
                e = by_label.setdefault(norm_label(f.label), {"names": Counter(), "w": {}, "o": {}})
                e["names"][f.label] += 1
                if f.withheld:
                    e["w"].setdefault(id(d), (d, []))[1].append(f)
                elif _is_open(f):
                    e["o"].setdefault(id(d), (d, []))[1].append(f)
        for key, e in by_label.items():
            w = e["w"]
            o = {k: v for k, v in e["o"].items() if k not in w}
            if not w or not o:
                continue
            n = len(w) + len(o)
            label = e["names"].most_common(1)[0][0]
            rids = [rid for _, fs in w.values() for f in fs for rid in f.withheld]
            detail = (f"{label!r} is withheld in {len(w)} of {n} {title!r} records and printed in the clear "
                      f"in the other {len(o)} ({len(rids)} redaction(s)); among records of one kind, the "
                      f"same field is treated differently.")
            ev = [f"{_name(d)} p{fs[0].page}: {_q(fs[0].label + ': ' + _clear_value(fs[0]))} printed in the clear"
                  for d, fs in o.values()][:MAX_EVIDENCE]
            ev.append("withheld in: " + _join([f"{_name(d)} p{fs[0].page}" for d, fs in w.values()], 20))
            items.append(ConsistencyItem("field_withheld_inconsistently", detail, rids, ev))
    return items


# ---------------------------------------------------------------- 3. same kind of information, different exemptions

def exemption_inconsistent(cx: _Ctx) -> list[ConsistencyItem]:
    groups: dict[tuple[str, str], list[tuple[DocumentReport, Redaction, tuple]]] = defaultdict(list)
    for d in cx.docs:
        for r in d.redactions:
            c = cited_at_box(r)
            if not c:
                continue
            if r.field and r.field != "unknown":
                groups[("field", r.field)].append((d, r, c))
            elif r.id in cx.red_label:
                groups[("label", norm_label(cx.red_label[r.id]))].append((d, r, c))
    items = []
    for (kind, key), members in groups.items():
        sets: dict[tuple, list] = defaultdict(list)
        for d, r, c in members:
            sets[c].append((d, r))
        if len(sets) < 2 or len({id(d) for d, _, _ in members}) < 2:
            continue
        what = (f"field {key!r}" if kind == "field"
                else f"{Counter(cx.red_label[r.id] for _, r, _ in members).most_common(1)[0][0]!r} values")
        ranked = sorted(sets.items(), key=lambda kv: -len(kv[1]))
        parts = [f"under {_cite_text(c)} in {len(rs)} redaction(s) in {len({id(d) for d, _ in rs})} document(s)"
                 for c, rs in ranked]
        detail = (f"The same kind of information ({what}) is withheld {'; '.join(parts)}.")
        ev = []
        for c, rs in ranked:
            ev.append(f"{_cite_text(c)}: " + _join(sorted({f'{_name(d)} p{r.page}' for d, r in rs}), 10))
        rids = [r.id for c, rs in reversed(ranked) for _, r in rs]
        items.append(ConsistencyItem("exemption_inconsistent", detail, rids, ev))
    return items


# ---------------------------------------------------------------- 4. boxes with no exemption cited

def no_exemption_cited(cx: _Ctx) -> list[ConsistencyItem]:
    all_reds = [(d, r) for d in cx.docs for r in d.redactions]
    if not all_reds:
        return []
    n_cited = sum(1 for _, r in all_reds if cited(r))
    if n_cited == 0:
        docs = {id(d) for d, _ in all_reds}
        return [ConsistencyItem(
            "no_exemption_cited",
            f"None of the {len(all_reds)} redaction(s) in {len(docs)} document(s) cites an exemption at the "
            f"place of the deletion.",
            [r.id for _, r in all_reds],
            [f"{_name(d)}: {sum(1 for x in d.redactions)} redaction(s), none labelled with an exemption"
             for d in cx.docs if d.redactions][:MAX_EVIDENCE])]
    items = []
    rest: list[tuple[DocumentReport, Redaction]] = []
    for d in cx.docs:
        pages: dict[int, list[Redaction]] = defaultdict(list)
        for r in d.redactions:
            pages[r.page].append(r)
        for p, rs in sorted(pages.items()):
            bare = [r for r in rs if not cited(r)]
            if not bare:
                continue
            withc = [r for r in rs if cited(r)]
            if withc:
                codes = Counter(c for r in withc for c in cited(r))
                items.append(ConsistencyItem(
                    "no_exemption_cited",
                    f"{_name(d)} page {p}: {len(bare)} of {len(rs)} redaction(s) cite no exemption while "
                    f"{len(withc)} on the same page cite {_join([short_code(c) for c, _ in codes.most_common()], 4)}.",
                    [r.id for r in bare],
                    [f"{_name(d)} p{p}: no exemption on " + _join([r.id for r in bare], 10),
                     f"{_name(d)} p{p}: exemption cited on " + _join([r.id for r in withc], 10)]))
            else:
                rest.extend((d, r) for r in bare)
    if rest:
        docs = sorted({_name(d) for d, _ in rest})
        codes = Counter(c for _, r in all_reds for c in cited(r))
        items.append(ConsistencyItem(
            "no_exemption_cited",
            f"{len(rest)} redaction(s) in {len(docs)} document(s) cite no exemption, while {n_cited} "
            f"redaction(s) elsewhere in the batch cite one ({_join([short_code(c) for c, _ in codes.most_common()], 4)}).",
            [r.id for _, r in rest],
            [f"{name} p{p}: no exemption cited" for name, p in
             sorted({(_name(d), r.page) for d, r in rest})][:MAX_EVIDENCE]))
    return items


# ---------------------------------------------------------------- 5. segregability

def _page_size(d: DocumentReport, page: int):
    if d.clear_text and 0 < page <= len(d.clear_text.page_sizes) and len(d.clear_text.page_sizes[page - 1]) == 2:
        return d.clear_text.page_sizes[page - 1]
    return None


def segregability(cx: _Ctx) -> list[ConsistencyItem]:
    items = []
    for d in cx.docs:
        pages: dict[int, list[Redaction]] = defaultdict(list)
        for r in d.redactions:
            pages[r.page].append(r)
        whole: list[tuple[int, float, list[Redaction]]] = []
        paras: list[tuple[int, int, list[Redaction]]] = []
        for p, rs in sorted(pages.items()):
            size = _page_size(d, p)
            if not size:
                continue
            pw, ph = size
            share = g.union_area([tuple(r.bbox) for r in rs]) / max(1.0, pw * ph)
            big = any(g.width(r.bbox) >= 0.7 * pw and g.height(r.bbox) >= 0.6 * ph for r in rs)
            if share >= 0.5 or big:
                whole.append((p, share, rs))
                continue
            # single boxes of several lines, or stacks of full-width line boxes
            wide = sorted([r for r in rs if g.width(r.bbox) >= 0.4 * pw], key=lambda r: r.bbox[1])
            used = set()
            for r in wide:
                if g.height(r.bbox) >= 30:
                    paras.append((p, max(2, round(g.height(r.bbox) / 14)), [r]))
                    used.add(r.id)
            stack: list[Redaction] = []
            for r in [r for r in wide if r.id not in used] + [None]:
                if r is not None and stack and r.bbox[1] - stack[-1].bbox[3] <= 8 \
                        and abs(r.bbox[0] - stack[0].bbox[0]) <= 24:
                    stack.append(r)
                    continue
                if len(stack) >= 3:
                    paras.append((p, len(stack), stack))
                stack = [r] if r is not None else []
        placeholder = [wp for wp in (d.clear_text.withheld_pages if d.clear_text else [])
                       if wp["page"] not in {p for p, _, _ in whole}]
        if whole or placeholder:
            parts = [f"page {p} ({share:.0%} of the page under {len(rs)} box(es))" for p, share, rs in whole]
            parts += [f"page {wp['page']} (a placeholder sheet: {_q(wp['text'], 60)})" for wp in placeholder]
            n = len(whole) + len(placeholder)
            items.append(ConsistencyItem(
                "whole_page_withheld",
                f"{_name(d)}: {n} of {d.pages or '?'} page(s) withheld in full: {_join(parts, 6)}. Reasonably "
                f"segregable non-exempt parts of a page must be released.",
                [r.id for _, _, rs in whole for r in rs],
                [f"{_name(d)} p{p}: {share:.0%} of the page under boxes" for p, share, _ in whole]
                + [f"{_name(d)} p{wp['page']}: {_q(wp['text'], 100)}" for wp in placeholder]))
        if paras:
            items.append(ConsistencyItem(
                "whole_paragraph_withheld",
                f"{_name(d)}: {len(paras)} block(s) of text withheld whole ({sum(n for _, n, _ in paras)} lines "
                f"in all: " + _join([f"about {n} lines on page {p}" for p, n, _ in paras], 6)
                + "), rather than the exempt words within them.",
                [r.id for _, _, rs in paras for r in rs],
                [f"{_name(d)} p{p}: about {n} lines under " + _join([r.id for r in rs], 6) for p, n, rs in paras]))
    return items


# ---------------------------------------------------------------- 6. recoverable text

GLYPH = "glyph_positions"


def _ids_per_document(pairs: list[tuple[DocumentReport, Redaction]], docs: list[str]) -> list[str]:
    """Evidence lines ``"<document>: <ids>"``, one per document."""
    return [f"{name}: " + _join([r.id for d, r in pairs if _name(d) == name], 8) for name in docs][:MAX_EVIDENCE]


def recoverable_text(cx: _Ctx) -> list[ConsistencyItem]:
    leaks = [(d, r) for d in cx.docs for r in d.redactions if r.leak and r.leak.how != GLYPH]
    if not leaks:
        return []
    hows = Counter(r.leak.how for _, r in leaks)
    docs = sorted({_name(d) for d, _ in leaks})
    total = sum(len(d.redactions) for d in cx.docs)
    return [ConsistencyItem(
        "recoverable_text",
        f"{len(leaks)} of {total} redaction(s) in {len(docs)} document(s) still carry recoverable content "
        f"({', '.join(f'{n} {h}' for h, n in hows.most_common())}): the redaction was not applied to the "
        f"file, so the release process did not actually withhold this information.",
        [r.id for _, r in leaks], _ids_per_document(leaks, docs))]


def glyph_width_exposed(cx: _Ctx) -> list[ConsistencyItem]:
    hits = [(d, r) for d in cx.docs for r in d.redactions if r.leak and r.leak.how == GLYPH]
    if not hits:
        return []
    docs = sorted({_name(d) for d, _ in hits})
    return [ConsistencyItem(
        "glyph_width_exposed",
        f"{len(hits)} redaction(s) in {len(docs)} document(s) removed the text but left the positions of the "
        f"surrounding glyphs, which fix the exact width of the withheld word(s).",
        [r.id for _, r in hits], _ids_per_document(hits, docs))]


# ---------------------------------------------------------------- 7. exemptions cited only page-wide

def exemption_not_specific(cx: _Ctx) -> list[ConsistencyItem]:
    """Boxes whose only citation is a page-wide margin/footer list of two or more exemptions: the
    release does not say which exemption justifies which deletion."""
    rows = [(d, r) for d in cx.docs for r in d.redactions
            if r.exemptions and r.exemption_source in ("margin", "footer") and not parse_codes(r.label or "")
            and len(set(r.exemptions)) >= 2]
    if not rows:
        return []
    docs = sorted({_name(d) for d, _ in rows})
    codes = Counter(c for _, r in rows for c in dict.fromkeys(r.exemptions))   # ties in printed order
    return [ConsistencyItem(
        "exemption_not_specific",
        f"{len(rows)} redaction(s) in {len(docs)} document(s) are covered only by a page-wide list of "
        f"{len(codes)} exemptions ({_join([short_code(c) for c, _ in codes.most_common()], 6)}); the release "
        f"does not say which exemption justifies which deletion.",
        [r.id for _, r in rows],
        [f"{name} p{p}: only a page-wide list" for name, p in sorted({(_name(d), r.page) for d, r in rows})]
        [:MAX_EVIDENCE])]


# ---------------------------------------------------------------- 8. withheld content left elsewhere in the file

def hidden_content_in_file(cx: _Ctx) -> list[ConsistencyItem]:
    """Document-level findings (metadata, earlier revisions, attachments, form fields ...): the
    files carry content outside the visible pages.  Counts only; the text is never quoted."""
    rows = [(d, f) for d in cx.docs for f in d.findings]
    if not rows:
        return []
    kinds = Counter(f.type for _, f in rows)
    docs = sorted({_name(d) for d, _ in rows})
    ev = []
    for name in docs:
        k = Counter(f.type for d, f in rows if _name(d) == name)
        ev.append(f"{name}: " + ", ".join(f"{n} {t}" for t, n in k.most_common()))
    return [ConsistencyItem(
        "hidden_content_in_file",
        f"{len(docs)} document(s) carry content outside the visible pages "
        f"({', '.join(f'{n} {t}' for t, n in kinds.most_common())}); the files were not sanitised before "
        f"release.", [], ev[:MAX_EVIDENCE])]


ANALYSES = (same_value_in_clear, field_withheld_inconsistently, exemption_inconsistent, no_exemption_cited,
            exemption_not_specific, segregability, recoverable_text, glyph_width_exposed, hidden_content_in_file)
#: every item type :func:`analyse_batch` can produce
TYPES = ("same_value_in_clear", "field_withheld_inconsistently", "exemption_inconsistent", "no_exemption_cited",
         "exemption_not_specific", "whole_page_withheld", "whole_paragraph_withheld", "recoverable_text",
         "glyph_width_exposed", "hidden_content_in_file")
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
    finally:
        _NAMES.reset(token)
    for it in items:   # "<doc> p3: ... <doc>#p3-r2" -> "<doc> p3: ... #p3-r2" (the document is named once)
        it.evidence = [_shorten_ids(e) for e in it.evidence]
    private = private_texts(batch)
    if private:
        for it in items:
            it.detail = scrub(it.detail, private)
            it.evidence = [scrub(e, private) for e in it.evidence]
    return items


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

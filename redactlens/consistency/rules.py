"""The consistency rules (see :mod:`redactlens.consistency`)."""
from __future__ import annotations

import contextvars
import os
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from .. import geometry as g
from ..cleartext import WITHHELD, kind_of
from ..enrich.exemptions import parse_codes
from ..enrich.size import length_of, length_text
from ..model import BatchReport, ClearField, ConsistencyItem, DocumentReport, Redaction
from ..text import alnum_count, short

MAX_EVIDENCE = 12
ID_LABEL_RE = re.compile(r"\b(incident|case|call|event|report|cad|complaint|file|occurrence|record|"
                         r"ticket|citation|offen[cs]e|ref(erence)?)\b\s*(no\.?|num(ber)?|#|id)?\s*$",
                         re.IGNORECASE)


from .common import *  # noqa: F401,F403
from .groups import record_type
from ..enrich.fields import field_of_label
from .common import _Ctx, _name, _clear_value, _is_open, _q, _join, _pages, _norm_text, _cite_text, _NAMES


# ---------------------------------------------------------------- thresholds (measured: docs/appeal.md)

#: a recovered text is a *value* only with >= 2 words (>= 5 letters/digits), or one token with >= 4
#: digits: a first name alone or a common word is printed everywhere (the Chicago batch matched an
#: officer's first name recovered under a signature box to 128 typed names)
MIN_VALUE_ALNUM, MIN_ID_DIGITS = 5, 4
#: fields whose values are one kind of thing, so that two boxes of the field hold the same kind of
#: information; "id_number", "narrative", "organization", "amount", "date" each mix kinds (an
#: account number and a case number) and are compared only by their printed label
SPECIFIC_FIELDS = ("person_name", "address", "phone", "email", "date_of_birth", "ssn", "license_plate",
                   "signature")
#: segregability: a line box is "wide" at >= 40 % of the page width; lines of one paragraph are at
#: most 0.6 line heights apart; continuation lines start within 24 pt of each other; a first line
#: may be indented up to 110 pt (a paragraph number, "8.", before it); >= 3 lines make a paragraph
WIDE_SHARE, STACK_GAP, ALIGN_PT, INDENT_PT, MIN_STACK = 0.4, 0.6, 24, 110, 3
#: one box >= 40 % of the page width and >= 30 pt tall (two lines of 12 pt type with leading)
BLOCK_HEIGHT = 30
#: whole page: the union of boxes covers >= 50 % of the page, or one box >= 70 % wide and 60 % tall
PAGE_SHARE, PAGE_BOX_W, PAGE_BOX_H = 0.5, 0.7, 0.6
#: the text before a whole paragraph ends a sentence or is a bullet
PARA_ENDS = ".!?:;\u2022\u00b7\u25aa-\u2013\u2014"
_PARA_NO = re.compile(r"(?:^|\s)(\(?\d{1,3}[.)]|\(?[a-z][.)]|[ivx]{1,4}\.)\s*$", re.IGNORECASE)


def _item(cx: _Ctx, typ: str, detail: str, rids, evidence, *, rule: str, denominator: str = "",
          strength: float, numbers: dict | None = None, group: str = "") -> ConsistencyItem:
    rids = list(dict.fromkeys(rids))
    return ConsistencyItem(typ, detail, rids, list(evidence), rule=rule, denominator=denominator,
                           strength=round(max(0.0, min(1.0, strength)), 2), numbers=dict(numbers or {}),
                           group=group, members=cx.members(rids))


def _groups_of(cx: _Ctx, docs) -> str:
    labels = sorted({cx.group(d).label for d in docs})
    return "; ".join(labels)


def _label_field(label: str) -> str:
    got = field_of_label(label) if label else None
    return got[0] if got else "unknown"


def _is_value(text: str) -> bool:
    """Recovered text specific enough to be matched: >= 2 words with >= 5 letters/digits, or one
    token with >= MIN_ID_DIGITS digits."""
    words = text.split()
    if len(words) >= 2:
        return alnum_count(text) >= MIN_VALUE_ALNUM
    return sum(ch.isdigit() for ch in text) >= MIN_ID_DIGITS


def _letter_codes(d: DocumentReport) -> set[str]:
    return {str(c) for x in d.exemption_letters for c in (x.get("codes") or [])}


def _is_signature(cx: _Ctx, r: Redaction) -> bool:
    if r.field == "signature":
        return True
    label = (cx.red_label.get(r.id) or "") + " " + (r.context.label if r.context else "")
    return "signature" in label.lower() or "signed" in label.lower()


# ---------------------------------------------------------------- 1. same value in the clear

def same_value_in_clear(cx: _Ctx) -> list[ConsistencyItem]:
    matches: dict[tuple[str, ...], list[tuple[str, str]]] = defaultdict(list)  # rids -> (evidence, how)
    order: list[tuple[str, ...]] = []
    kinds: dict[tuple[str, ...], str] = {}

    def add(rids, ev, how, kind):
        if rids not in matches:
            order.append(rids)
            kinds[rids] = kind
        if all(e != ev for e, _ in matches[rids]):
            matches[rids].append((ev, how))

    # (a) by the text recovered under the box: same group, same kind of value
    open_fields = [(d, f, " " + _norm_text(_clear_value(f)) + " ") for d in cx.docs
                   for f in (d.clear_text.fields if d.clear_text else []) if _is_open(f)]
    for d in cx.docs:
        for r in d.redactions:
            if not (r.leak and r.leak.text) or _is_signature(cx, r):
                continue     # a withheld signature vs its typed name printed is not an inconsistency
            t = _norm_text(r.leak.text)
            if not _is_value(t):
                continue
            mine = r.field if r.field in SPECIFIC_FIELDS else _label_field(cx.red_label.get(r.id, ""))
            for d2, f, v in open_fields:
                if cx.group(d2).key != cx.group(d).key or f" {t} " not in v:
                    continue
                theirs = _label_field(f.label)
                if theirs == "signature" or (mine != "unknown" and theirs != "unknown" and mine != theirs):
                    continue
                where = "another record" if d2 is not d else "elsewhere in the same record"
                # the value itself is not quoted: it is the recovered text of the box
                add((r.id,), f"{_name(d2)} p{f.page}: the {f.label!r} field prints the same value in the clear",
                    f"the text recovered under the box matches, as whole words, a field printed in the clear "
                    f"in {where}", "leak")
    # (b) by shared context: the page of the withheld field and the page of a field with the same
    # label printed in the clear in another record of the group carry the same incident/case number
    for d in cx.docs:
        if not d.clear_text:
            continue
        for f in d.clear_text.fields:
            mine = cx.ids.get((id(d), f.page))
            if not f.withheld or not mine or ID_LABEL_RE.search(f.label):
                continue
            if _label_field(f.label) == "signature":
                continue
            key = norm_label(f.label)
            for d2 in cx.docs:
                if d2 is d or not d2.clear_text or cx.group(d2).key != cx.group(d).key:
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
                        f"in the clear in the other", "context")
    # boxes of one page matched to exactly the same places become one item
    merged: dict[tuple, tuple[str, ...]] = {}
    for rids in order:
        r = cx.red.get(rids[0])
        d = cx.red_doc.get(rids[0])
        key = (id(d), r.page if r else 0, tuple(sorted(matches[rids])))
        if key in merged:
            prev = merged[key]
            new = prev + tuple(x for x in rids if x not in prev)
            matches[new] = matches.pop(prev)
            kinds[new] = kinds[prev]
            merged[key] = new
        else:
            merged[key] = rids
    items = []
    for rids in merged.values():
        evs = matches[rids]
        d, r = cx.red_doc.get(rids[0]), cx.red.get(rids[0])
        label = cx.red_label.get(rids[0])
        what = f"the {label!r} value" if label else "the value"
        docs2 = {e.split(" p")[0] for e, _ in evs}
        hows = sorted({h for _, h in evs})
        detail = (f"{what[:1].upper() + what[1:]} withheld in {_name(d)} page {r.page} "
                  f"({', '.join(rids)}) is printed in the clear in {len(evs)} place(s) in "
                  f"{len(docs2)} document(s): {'; '.join(hows)}.")
        own = [f"{_name(d)} p{r.page}: withheld ({', '.join(rids)})"]
        by_leak = kinds[rids] == "leak"
        items.append(_item(
            cx, "same_value_in_clear", detail, rids, own + [e for e, _ in evs][:MAX_EVIDENCE],
            rule=("the text recovered under the box is printed, as whole words, in a field of the same kind "
                  "in the clear in a record of the same issuer" if by_leak else
                  "records of one issuer sharing an incident/case number: the withheld field's label is "
                  "printed with a single value in the other record"),
            denominator=f"{len(evs)} place(s) in {len(docs2)} document(s) of {cx.group(d).label}",
            strength=0.85 if by_leak else 0.6, numbers={"places": len(evs), "documents": len(docs2)},
            group=cx.group(d).label))
    return items


# ---------------------------------------------------------------- 2. field withheld in some records, open in others

def _kinds(cx: _Ctx) -> dict[tuple, list[DocumentReport]]:
    kinds: dict[tuple, list[DocumentReport]] = defaultdict(list)
    for d in cx.docs:
        rt = record_type(d)
        if rt:                                    # records of no known type are not grouped
            kinds[(cx.group(d).key, rt)].append(d)
    return kinds


def field_withheld_inconsistently(cx: _Ctx) -> list[ConsistencyItem]:
    items = []
    for (gkey, kind), docs in _kinds(cx).items():
        if len(docs) < 2:
            continue
        title = next((d.clear_text.title for d in docs if d.clear_text.title), "") or kind
        glabel = cx.group(docs[0]).label
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
            label = e["names"].most_common(1)[0][0]
            if _label_field(label) == "signature":
                continue      # a signature withheld in some records, typed in others: not one value
            n = len(w) + len(o)
            rids = [rid for _, fs in w.values() for f in fs for rid in f.withheld]
            detail = (f"{label!r} is withheld in {len(w)} of {n} {title!r} records and printed in the clear "
                      f"in the other {len(o)} ({len(rids)} redaction(s)); among records of one kind, the "
                      f"same field is treated differently.")
            ev = [f"{_name(d)} p{fs[0].page}: {_q(fs[0].label + ': ' + _clear_value(fs[0]))} printed in the clear"
                  for d, fs in o.values()][:MAX_EVIDENCE]
            ev.append("withheld in: " + ", ".join(f"{_name(d)} p{fs[0].page}" for d, fs in w.values()))
            items.append(_item(
                cx, "field_withheld_inconsistently", detail, rids, ev,
                rule="among records of one type from one issuer, a labelled field is withheld in some records "
                     "and printed with a value in the others",
                denominator=f"withheld in {len(w)} of {n} {title!r} records of {glabel}",
                strength=0.5 + 0.3 * min(len(w), len(o)) / max(len(w), len(o)),
                numbers={"withheld": len(w), "printed": len(o), "records": n}, group=f"{glabel}, {title!r}"))
    return items


# ---------------------------------------------------------------- 3. same kind of information, different exemptions

def exemption_inconsistent(cx: _Ctx) -> list[ConsistencyItem]:
    from .groups import jurisdiction_of
    groups: dict[tuple, list[tuple[DocumentReport, Redaction, tuple]]] = defaultdict(list)
    for d in cx.docs:
        gr = cx.group(d)
        if gr.kind == "court" or not gr.jurisdiction:
            continue
        for r in d.redactions:
            c = cited_at_box(r)
            # only citations under the group's own law are compared (never a KRS code with a (b)(6))
            if not c or any(jurisdiction_of(x) != gr.jurisdiction for x in c):
                continue
            if r.field in SPECIFIC_FIELDS:
                groups[(gr.key, "field", r.field)].append((d, r, c))
            elif r.id in cx.red_label:
                groups[(gr.key, "label", norm_label(cx.red_label[r.id]))].append((d, r, c))
    items = []
    for (gkey, kind, key), members in groups.items():
        sets: dict[tuple, list] = defaultdict(list)
        for d, r, c in members:
            sets[c].append((d, r))
        if len(sets) < 2 or len({id(d) for d, _, _ in members}) < 2:
            continue
        # one set merely adding a code to another ((b) vs (b)+(c)) is a difference in breadth, not a
        # contradiction: an item needs two citations neither of which contains the other
        keys = [set(c) for c in sets]
        if not any(not (a <= b or b <= a) for i, a in enumerate(keys) for b in keys[i + 1:]):
            continue
        what = (f"field {key!r}" if kind == "field"
                else f"{Counter(cx.red_label[r.id] for _, r, _ in members).most_common(1)[0][0]!r} values")
        ranked = sorted(sets.items(), key=lambda kv: -len(kv[1]))
        parts = [f"under {_cite_text(c)} in {len(rs)} redaction(s) in {len({id(d) for d, _ in rs})} document(s)"
                 for c, rs in ranked]
        glabel = cx.group(members[0][0]).label
        letters = sum(1 for _, r, _ in members if r.exemption_basis == "letter")
        basis = (" (as the response letters assign exemptions to kinds of information)"
                 if letters == len(members) else "")
        detail = f"The same kind of information ({what}) is withheld {'; '.join(parts)}{basis}."
        ev = [f"{_cite_text(c)}: " + ", ".join(sorted({f'{_name(d)} p{r.page}' for d, r in rs})) for c, rs in ranked]
        rids = [r.id for c, rs in reversed(ranked) for _, r in rs]
        minority = len(members) - len(ranked[0][1])
        items.append(_item(
            cx, "exemption_inconsistent", detail, rids, ev,
            rule="within one issuer and one records law, the same field (or the same printed label) is "
                 "withheld under different sets of exemptions cited at the box or in the response letter",
            denominator=f"{minority} of {len(members)} redaction(s) of {what} differ from the most common citation",
            strength=(0.35 if basis else 0.5) + 0.2 * minority / len(members),
            numbers={"redactions": len(members), "citations": len(sets), "differing": minority,
                     "documents": len({id(d) for d, _, _ in members})}, group=glabel))
    return items


# ---------------------------------------------------------------- 4. boxes with no exemption cited

def no_exemption_cited(cx: _Ctx) -> list[ConsistencyItem]:
    by_group: dict[tuple, list[DocumentReport]] = defaultdict(list)
    for d in cx.docs:
        if d.redactions:
            by_group[cx.group(d).key].append(d)
    items = []
    for gkey, docs in by_group.items():
        gr = cx.group(docs[0])
        if gr.kind == "court":
            continue     # a court filing's redactions rest on a sealing order, not on a records-law exemption
        reds = [(d, r) for d in docs for r in d.redactions]
        n_cited = sum(1 for _, r in reds if cited(r))
        if n_cited == 0:
            if gr.kind != "agency":
                continue  # no issuer known: nothing says these boxes needed an exemption
            items.append(_item(
                cx, "no_exemption_cited",
                f"None of the {len(reds)} redaction(s) in {len(docs)} document(s) of {gr.label} cites an "
                f"exemption, neither at the place of the deletion nor in a response letter within these files.",
                [r.id for _, r in reds],
                [f"{_name(d)}: {len(d.redactions)} redaction(s), none with an exemption" for d in docs][:MAX_EVIDENCE],
                rule="an agency's release in which no redaction cites an exemption", strength=0.3,
                denominator=f"0 of {len(reds)} redaction(s) cite an exemption",
                numbers={"redactions": len(reds), "cited": 0}, group=gr.label))
            continue
        rest: list[tuple[DocumentReport, Redaction]] = []
        for d in docs:
            if _letter_codes(d):
                continue   # a response letter names the exemptions: a box we could not match to one of its
                           # kinds of information is not shown to cite none
            pages: dict[int, list[Redaction]] = defaultdict(list)
            for r in d.redactions:
                pages[r.page].append(r)
            bare_p, withc_p, on_pages = [], [], []
            for p, rs in sorted(pages.items()):
                bare = [r for r in rs if not cited(r)]
                if not bare:
                    continue
                withc = [r for r in rs if cited(r)]
                if withc:
                    # labels beside boxes of a scan are read by OCR: a missing one may be a misreading
                    bare = [r for r in bare if r.method != "raster"]
                    if not bare:
                        continue
                    bare_p += bare
                    withc_p += withc
                    on_pages.append(p)
                else:
                    rest.extend((d, r) for r in bare)
            if bare_p:
                codes = Counter(c for r in withc_p for c in cited(r))
                total = len(bare_p) + len(withc_p)
                items.append(_item(
                    cx, "no_exemption_cited",
                    f"{_name(d)}, {_pages(on_pages)}: {len(bare_p)} of {total} redaction(s) cite no exemption "
                    f"while {len(withc_p)} on the same page(s) cite "
                    f"{_join([short_code(c) for c, _ in codes.most_common()], 4)}.",
                    [r.id for r in bare_p],
                    [f"{_name(d)} p{p}: no exemption on " + ", ".join(_cite(cx, r) for r in bare_p if r.page == p)
                     for p in on_pages][:MAX_EVIDENCE]
                    + [f"{_name(d)}: exemption cited on " + _join([_cite(cx, r) for r in withc_p], 10)],
                    rule="boxes citing no exemption on a page where other boxes cite one at the box (pages read from "
                         "the text layer; the document carries no response letter naming exemptions)",
                    denominator=f"{len(bare_p)} of {total} redaction(s) on {len(on_pages)} page(s)",
                    strength=0.45 + 0.15 * len(bare_p) / total,
                    numbers={"uncited": len(bare_p), "cited": len(withc_p), "pages": len(on_pages)},
                    group=gr.label))
        if rest:
            names = sorted({_name(d) for d, _ in rest})
            codes = Counter(c for _, r in reds for c in cited(r))
            items.append(_item(
                cx, "no_exemption_cited",
                f"{len(rest)} redaction(s) in {len(names)} document(s) of {gr.label} cite no exemption, neither "
                f"at the box nor in a response letter within the same file, while {n_cited} redaction(s) "
                f"elsewhere in the same group cite one "
                f"({_join([short_code(c) for c, _ in codes.most_common()], 4)}).",
                [r.id for _, r in rest],
                [f"{name} {_pages([r.page for d, r in rest if _name(d) == name])}: no exemption cited"
                 for name in names][:MAX_EVIDENCE],
                rule="boxes citing no exemption, in documents carrying no response letter that names one, while "
                     "other boxes of the same issuer and records law cite one",
                denominator=f"{len(rest)} of {len(reds)} redaction(s) of {gr.label}",
                strength=0.35, numbers={"uncited": len(rest), "cited": n_cited, "redactions": len(reds)},
                group=gr.label))
    return items


# ---------------------------------------------------------------- 5. segregability

def _page_size(d: DocumentReport, page: int):
    if d.clear_text and 0 < page <= len(d.clear_text.page_sizes) and len(d.clear_text.page_sizes[page - 1]) == 2:
        return d.clear_text.page_sizes[page - 1]
    return None


def lines_of(rs: list[Redaction]) -> int | None:
    """Hidden lines under boxes: each box's own ``est_lines`` (a one-line box counts 1); None when a
    block box has no estimate."""
    n = 0
    for r in rs:
        if r.est_lines:
            n += r.est_lines
        elif g.height(r.bbox) < BLOCK_HEIGHT:
            n += 1
        else:
            return None
    return n


def paragraph_stacks(rs: list[Redaction], pw: float) -> list[list[Redaction]]:
    """Runs of >= MIN_STACK line boxes forming one paragraph: lines at most STACK_GAP line heights
    apart, continuation lines wide and aligned, the first possibly indented, the last possibly short.
    An indented line starts a new paragraph."""
    line_boxes = sorted([r for r in rs if g.height(r.bbox) < BLOCK_HEIGHT], key=lambda r: (r.bbox[1], r.bbox[0]))
    out, cur = [], []

    def close():
        if len(cur) >= MIN_STACK and all(g.width(r.bbox) >= WIDE_SHARE * pw for r in cur[:-1]):
            out.append(list(cur))

    for r in line_boxes:
        if cur:
            prev = cur[-1]
            h = max(1.0, g.height(prev.bbox))
            left = min(x.bbox[0] for x in cur[1:]) if len(cur) > 1 else None
            follows = r.bbox[1] - prev.bbox[3] <= STACK_GAP * h and r.bbox[1] >= prev.bbox[1] + 0.5 * h
            aligned = (left is None and prev.bbox[0] - INDENT_PT <= r.bbox[0] <= prev.bbox[0] + ALIGN_PT) or \
                      (left is not None and abs(r.bbox[0] - left) <= ALIGN_PT)
            if follows and aligned and g.width(prev.bbox) >= WIDE_SHARE * pw:
                cur.append(r)
                continue
            close()
        cur = [r]
    close()
    return out


_LINE_NOS = re.compile(r"(?:\s*(?:\d{1,3}|\[[^\]]{1,3}\]))+\s*$")      # pleading line numbers, box marks
_LEAD_NOS = re.compile(r"^(?:\s*(?:\d{1,3}(?![.)\d])|\[[^\]]{1,3}\]))+\s*")
_PARA_START = re.compile(r"^\(?(?:\d{1,3}|[a-z]|[ivx]{1,4})[.)]\s", re.IGNORECASE)


def whole_paragraph(st: list[Redaction]) -> bool:
    """A stack of line boxes is a *whole* paragraph (not a passage inside one): the text before its
    first box is a paragraph number, nothing, or the end of a sentence (line numbers of pleading
    paper ignored), and after its last box comes nothing on the page's text flow or the next
    paragraph's number."""
    first, last = st[0], st[-1]
    before = (first.context.before if first.context else "") or ""
    after = (last.context.after if last.context else "") or ""
    b = _LINE_NOS.sub("", before).rstrip()
    a = _LEAD_NOS.sub("", after).lstrip()
    if not a and not b and not _numbered(first) and first.method == "raster":
        return False    # a scan's OCR reads nothing around the box: nothing shows a paragraph's bounds
    if not _numbered(first) and b and b[-1] not in PARA_ENDS:
        return False
    return not a or bool(_PARA_START.match(a + " "))


def _numbered(r: Redaction) -> str:
    before = (r.context.before if r.context else "") or ""
    m = _PARA_NO.search(before.splitlines()[-1] if before.strip() else "")
    return m.group(1) if m else ""


def segregability(cx: _Ctx) -> list[ConsistencyItem]:
    items = []
    for d in cx.docs:
        pages: dict[int, list[Redaction]] = defaultdict(list)
        for r in d.redactions:
            pages[r.page].append(r)
        whole: list[tuple[int, float, list[Redaction]]] = []
        paras: list[tuple[int, list[Redaction], str]] = []
        for p, rs in sorted(pages.items()):
            size = _page_size(d, p)
            if not size:
                continue
            pw, ph = size
            share = g.union_area([tuple(r.bbox) for r in rs]) / max(1.0, pw * ph)
            big = any(g.width(r.bbox) >= PAGE_BOX_W * pw and g.height(r.bbox) >= PAGE_BOX_H * ph for r in rs)
            if share >= PAGE_SHARE or big:
                whole.append((p, share, rs))
                continue
            for r in rs:
                if g.width(r.bbox) >= WIDE_SHARE * pw and g.height(r.bbox) >= BLOCK_HEIGHT and whole_paragraph([r]):
                    paras.append((p, [r], _numbered(r)))
            for st in paragraph_stacks(rs, pw):
                if whole_paragraph(st):
                    paras.append((p, st, _numbered(st[0])))
        placeholder = [wp for wp in (d.clear_text.withheld_pages if d.clear_text else [])
                       if wp["page"] not in {p for p, _, _ in whole}]
        gl = cx.group(d).label
        if whole or placeholder:
            parts = [f"page {p} ({share:.0%} of the page under {len(rs)} box(es))" for p, share, rs in whole]
            parts += [f"page {wp['page']} (a placeholder sheet: {_q(wp['text'], 60)})" for wp in placeholder]
            n = len(whole) + len(placeholder)
            items.append(_item(
                cx, "whole_page_withheld",
                f"{_name(d)}: {n} of {d.pages or '?'} page(s) withheld in full: {_join(parts, 6)}. Reasonably "
                f"segregable non-exempt parts of a page must be released.",
                [r.id for _, _, rs in whole for r in rs],
                [f"{_name(d)} p{p}: {share:.0%} of the page under boxes" for p, share, _ in whole]
                + [f"{_name(d)} p{wp['page']}: {_q(wp['text'], 100)}" for wp in placeholder],
                rule=f"boxes cover >= {PAGE_SHARE:.0%} of a page (or one box >= {PAGE_BOX_W:.0%} x "
                     f"{PAGE_BOX_H:.0%} of it), or a 'withheld in full' placeholder sheet",
                denominator=f"{n} of {d.pages or '?'} page(s)", strength=0.6,
                numbers={"pages_withheld": n, "pages": d.pages}, group=gl))
        if paras:
            def describe(p, rs, no):
                n = lines_of(rs)
                what = f"paragraph {no.strip('.()')}" if no else "a block"
                size = length_text(est_lines=n) if n else f"{g.height(rs[0].bbox):.0f} pt tall"
                return f"{what} on page {p} ({size})"
            numbered_n = sum(1 for _, _, no in paras if no)
            total = [lines_of(rs) for _, rs, _ in paras]
            tl = f", {length_text(est_lines=sum(total))} in all" if all(total) else ""
            items.append(_item(
                cx, "whole_paragraph_withheld",
                f"{_name(d)}: {len(paras)} block(s) of text withheld whole{tl} ("
                + _join([describe(p, rs, no) for p, rs, no in paras], 6)
                + "), rather than the exempt words within them.",
                [r.id for _, rs, _ in paras for r in rs],
                [f"{_name(d)} p{p}: {describe(p, rs, no)} under " + ", ".join(_cite(cx, r, length=True) for r in rs)
                 for p, rs, no in paras],
                rule=f"one box >= {WIDE_SHARE:.0%} of the page width and >= {BLOCK_HEIGHT} pt tall, or >= "
                     f"{MIN_STACK} line boxes forming one paragraph (wide, aligned, the first possibly indented "
                     f"after a paragraph number); line counts are the boxes' est_lines",
                denominator=f"{len(paras)} block(s) ({numbered_n} numbered paragraph(s)) on "
                            f"{len({p for p, _, _ in paras})} page(s)",
                strength=0.45 + (0.1 if numbered_n else 0.0),
                numbers={"blocks": len(paras), "numbered": numbered_n,
                         "lines": sum(total) if all(total) else None}, group=gl))
    return items


# ---------------------------------------------------------------- 6. recoverable text

GLYPH = "glyph_positions"


def _cite(cx: _Ctx, r: Redaction, length: bool = False) -> str:
    """A box as an evidence line cites it: its number in the log, the exhibit and the HTML (``#12``),
    with the page part of its id (``#12 (p3-r2)``; the line names the document); the id alone when
    the box has no number.  ``length`` adds its estimated length as every output phrases it
    (``#12 (p3-r2) 3 lines``, ``#4 (p1-r4) ~14 chars (11\u201317)``)."""
    n = (cx.exhibit or {}).get(r.id)
    out = f"#{n} ({r.id.rsplit('#', 1)[-1]})" if n else r.id
    size = length_of(r) if length else ""
    return f"{out} {size}" if size else out


def _ids_per_document(pairs: list[tuple[DocumentReport, Redaction]], docs: list[str]) -> list[str]:
    """Evidence lines ``"<document>: N redaction(s) on page(s) ..."``, one per document (the boxes
    themselves are cited by ``members``: their ids, places and exhibit numbers, never cut short)."""
    out = []
    for name in docs:
        rs = [r for d, r in pairs if _name(d) == name]
        pages = sorted({r.page for r in rs})
        out.append(f"{name}: {len(rs)} redaction(s) on {'page' if len(pages) == 1 else 'pages'} "
                   + ", ".join(str(p) for p in pages))
    return out


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

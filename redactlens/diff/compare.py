"""Compare two releases of the same records (see docs/diff.md): match documents, then pages, then
redactions, and say what changed.  Pure functions of two :class:`~redactlens.model.BatchReport` s."""
from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

from rapidfuzz.distance import Indel

from .. import geometry as g
from ..crossdoc.streams import clean_value, norm, stream_of
from ..model import BatchReport, DocumentReport, Redaction

if TYPE_CHECKING:
    from datasketch import MinHash

SCHEMA = "redactlens-diff/1"
#: shingle length (words) for document and page similarity
SHINGLE = 3
#: two documents are the same record at this estimated Jaccard similarity of their words' shingles
#: (a re-release with a few boxes lifted keeps 0.8+; two different emails of one template 0.2-0.4 on
#: tests/gen_crossdoc.py)
DOC_SIMILAR = 0.5
#: two pages are the same page at this Jaccard similarity (the same page with redactions changed:
#: 0.6+; another page of the same memo: below 0.2)
PAGE_SIMILAR = 0.35
#: a box this much narrower or wider (share of its old width, as a share of the page width) is
#: narrowed or widened even when no word was freed or covered (a rescan moves edges by 1-3 %)
RESIZE = 0.15
#: boxes with no place in the running text (pictures, whole pages) are the same box at this overlap
#: (intersection over union of boxes in page-size units)
BOX_IOU = 0.5


def _shingles(keys) -> set:
    return {" ".join(keys[i:i + SHINGLE]) for i in range(max(0, len(keys) - SHINGLE + 1))} or set(keys)


def _page_keys(page: dict) -> list[str]:
    return [k for k in (norm(w) for w in page.get("words") or []) if k]


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _doc_hash(d: DocumentReport) -> MinHash:
    from datasketch import MinHash   # (scipy behind it: only when releases are compared)
    m = MinHash(num_perm=128, seed=17)
    keys = [k for p in d.words for k in _page_keys(p)]
    m.update_batch([s.encode() for s in _shingles(keys)])
    return m


def _name(d: DocumentReport) -> str:
    return os.path.basename(d.path.replace("\\", "/"))


def match_documents(old: BatchReport, new: BatchReport) -> list[tuple[int | None, int | None, str]]:
    """(old index, new index, how): ``sha256``, ``name``, ``title``, ``text``; None for a
    document only one release has."""
    olds = [i for i, d in enumerate(old.documents) if not d.error or d.pages]
    news = [i for i, d in enumerate(new.documents) if not d.error or d.pages]
    pairs = []
    free_o, free_n = list(olds), list(news)

    hashes: dict = {}

    def similar(i, j) -> float:
        for rel, k in ((old, ("o", i)), (new, ("n", j))):
            if k not in hashes:
                hashes[k] = _doc_hash(rel.documents[k[1]])
        return hashes[("o", i)].jaccard(hashes[("n", j)])

    def take(key, how, min_similar=0.0):
        idx = {}
        for j in free_n:
            k = key(new.documents[j])
            if k:
                idx.setdefault(k, []).append(j)
        for i in list(free_o):
            k = key(old.documents[i])
            if k and len(idx.get(k, [])) == 1 and idx[k][0] in free_n:
                j = idx[k][0]
                if min_similar and similar(i, j) < min_similar:
                    continue
                pairs.append((i, j, how))
                free_o.remove(i)
                free_n.remove(j)

    take(lambda d: d.sha256, "sha256")
    take(_name, "name", DOC_SIMILAR / 2)      # a file name is reused for other records too
    # a title is often the agency's letterhead, the same on every record: it pairs two documents
    # only when their words are also alike (half the similarity text alone needs)
    take(lambda d: (d.clear_text.title if d.clear_text else "") or None, "title", DOC_SIMILAR / 2)
    if free_o and free_n:
        cands = sorted(((similar(i, j), i, j) for i in free_o for j in free_n), reverse=True)
        for s, i, j in cands:
            if s < DOC_SIMILAR:
                break
            if i in free_o and j in free_n:
                pairs.append((i, j, "text"))
                free_o.remove(i)
                free_n.remove(j)
    pairs += [(i, None, "") for i in free_o] + [(None, j, "") for j in free_n]
    return pairs


def match_pages(a: DocumentReport, b: DocumentReport) -> list[tuple[int | None, int | None]]:
    """(old page, new page) by the similarity of their words, robust to renumbering; pages
    without words pair by their order among such pages."""
    pa = {p["page"]: _shingles(_page_keys(p)) for p in a.words}
    pb = {p["page"]: _shingles(_page_keys(p)) for p in b.words}
    na, nb = list(range(1, a.pages + 1)), list(range(1, b.pages + 1))
    cands = sorted(((_jaccard(pa.get(i, set()), pb.get(j, set())), -abs(i - j), i, j) for i in na for j in nb
                    if pa.get(i) and pb.get(j)), reverse=True)
    used_a, used_b, pairs = set(), set(), []
    for s, _, i, j in cands:
        if s < PAGE_SIMILAR:
            break
        if i not in used_a and j not in used_b:
            pairs.append((i, j))
            used_a.add(i)
            used_b.add(j)
    blank_a = [i for i in na if i not in used_a and not pa.get(i)]
    blank_b = [j for j in nb if j not in used_b and not pb.get(j)]
    for i, j in zip(blank_a, blank_b):
        pairs.append((i, j))
        used_a.add(i)
        used_b.add(j)
    pairs += [(i, None) for i in na if i not in used_a] + [(None, j) for j in nb if j not in used_b]
    return sorted(pairs, key=lambda p: (p[0] or 10**9, p[1] or 10**9))


def _ref(d: DocumentReport, r: Redaction | None, page: int | None = None) -> dict:
    return {"document": d.path, "page": r.page if r is not None else page,
            "redaction": r.id if r is not None else None, "bbox": r.bbox if r is not None else None,
            "exemptions": list(r.exemptions) if r is not None else [], "label": r.label if r is not None else None}


def _seq(s, side: str):
    """Words and one sentinel per gap (unique to the side: the same id in both releases is not
    the same box)."""
    seq, kind = [], []
    n = len(s.keys)
    for i in range(n + 1):
        for rid in s.gaps.get(i, ()):
            seq.append("\x00" + side + rid)
            kind.append(("gap", rid))
        if i < n:
            seq.append(s.keys[i])
            kind.append(("word", i))
    return seq, kind


def _rel_width(r: Redaction, d: DocumentReport) -> float:
    sizes = d.clear_text.page_sizes if d.clear_text else []
    w = sizes[r.page - 1][0] if len(sizes) >= r.page and sizes[r.page - 1] else 612.0
    return (r.bbox[2] - r.bbox[0]) / max(1.0, w)


def _norm_box(r: Redaction, d: DocumentReport):
    sizes = d.clear_text.page_sizes if d.clear_text else []
    w, h = sizes[r.page - 1] if len(sizes) >= r.page and sizes[r.page - 1] else (612.0, 792.0)
    x0, y0, x1, y1 = r.bbox
    return (x0 / w, y0 / h, x1 / w, y1 / h)


def compare_pages(a: DocumentReport, pa: int, b: DocumentReport, pb: int) -> list[dict]:
    """The changes between page ``pa`` of ``a`` (old) and page ``pb`` of ``b`` (new)."""
    wa = next((p for p in a.words if p["page"] == pa), {"page": pa, "words": [], "gaps": []})
    wb = next((p for p in b.words if p["page"] == pb), {"page": pb, "words": [], "gaps": []})
    sa, sb = stream_of(0, [wa]), stream_of(1, [wb])
    ra = {r.id: r for r in a.redactions if r.page == pa}
    rb = {r.id: r for r in b.redactions if r.page == pb}
    seq_a, kind_a = _seq(sa, "old")
    seq_b, kind_b = _seq(sb, "new")
    out: list[dict] = []
    paired_a, paired_b = set(), set()
    blocks = []
    for op in Indel.opcodes(seq_a, seq_b):
        if op.tag == "equal":
            continue
        if blocks and blocks[-1][1] == op.src_start and blocks[-1][3] == op.dest_start:
            blocks[-1][1], blocks[-1][3] = op.src_end, op.dest_end
        else:
            blocks.append([op.src_start, op.src_end, op.dest_start, op.dest_end])

    def item(kind, old_r, new_r, text=None, freed=None):
        e = {"type": kind, "old": _ref(a, old_r, pa), "new": _ref(b, new_r, pb)}
        if text is not None:
            e["text"] = text
        if freed is not None:
            e["covered_text"] = freed
        out.append(e)

    for a0, a1, b0, b1 in blocks:
        ga = [kind_a[k][1] for k in range(a0, a1) if kind_a[k][0] == "gap" and kind_a[k][1] in ra]
        gb = [kind_b[k][1] for k in range(b0, b1) if kind_b[k][0] == "gap" and kind_b[k][1] in rb]
        words_a = [sa.words[kind_a[k][1]] for k in range(a0, a1) if kind_a[k][0] == "word"]
        words_b = [sb.words[kind_b[k][1]] for k in range(b0, b1) if kind_b[k][0] == "word"]
        if not ga and not gb:
            continue                      # text edits (a rescan's OCR): not a redaction change
        if ga and not gb:
            for rid in ga:
                text = clean_value(words_b) if len(ga) == 1 else None
                if _only_label(text, ra[rid]):
                    # the new copy prints the box's own exemption label there: the box is most likely
                    # still on the page and was not detected (a rescan), not lifted
                    item("box_not_found", ra[rid], None)
                else:
                    item("lifted", ra[rid], None, text)
            paired_a.update(ga)
        elif gb and not ga:
            for rid in gb:
                item("added", None, rb[rid], freed=clean_value(words_a) if len(gb) == 1 else None)
            paired_b.update(gb)
        else:
            for ia, rid_a in enumerate(ga):
                rid_b = gb[min(ia, len(gb) - 1)] if len(ga) >= len(gb) or ia < len(gb) else None
                if rid_b is None:
                    continue
                r_old, r_new = ra[rid_a], rb[rid_b]
                if len(ga) == 1 and len(gb) == 1 and words_b and not words_a:
                    item("narrowed", r_old, r_new, clean_value(words_b))
                elif len(ga) == 1 and len(gb) == 1 and words_a and not words_b:
                    item("widened", r_old, r_new, freed=clean_value(words_a))
                else:
                    _same_box(item, a, b, r_old, r_new)
            paired_a.update(ga)
            paired_b.update(gb)
            for rid in gb[len(ga):]:
                item("added", None, rb[rid])
    # boxes outside the running text (pictures, whole pages): by overlap
    rest_a = [r for rid, r in ra.items() if rid not in paired_a]
    rest_b = [r for rid, r in rb.items() if rid not in paired_b]
    for r in rest_a:
        best = max(rest_b, key=lambda x: g.iou(_norm_box(r, a), _norm_box(x, b)), default=None)
        if best is not None and g.iou(_norm_box(r, a), _norm_box(best, b)) >= BOX_IOU:
            rest_b.remove(best)
            _same_box(item, a, b, r, best)
        else:
            item("lifted", r, None)
    for r in rest_b:
        item("added", None, r)
    return out


_CODE = re.compile(r"^\(?[a-z0-9]{1,3}\)(\([a-z0-9]{1,3}\))*$|^(b|ex|exemption)?[0-9]$", re.IGNORECASE)


def _only_label(text: str | None, r: Redaction) -> bool:
    """True when ``text`` (what the new copy prints where box ``r`` was) is only an exemption code
    or the box's own label: the label printed on a box, read as words."""
    if not text:
        return False
    if r.label and norm(text) == norm(r.label):
        return True
    return all(_CODE.match(w.strip(",;.")) for w in text.replace(",", " ").split())


def _same_box(item, a, b, r_old: Redaction, r_new: Redaction) -> None:
    wo, wn = _rel_width(r_old, a), _rel_width(r_new, b)
    if wn < (1 - RESIZE) * wo:
        item("narrowed", r_old, r_new)
    elif wn > (1 + RESIZE) * wo:
        item("widened", r_old, r_new)
    ea = sorted(r_old.exemptions) or ([r_old.label] if r_old.label else [])
    eb = sorted(r_new.exemptions) or ([r_new.label] if r_new.label else [])
    if ea != eb:
        item("exemption_changed", r_old, r_new)


def diff_batches(old: BatchReport, new: BatchReport) -> dict:
    """The ``redactlens-diff/1`` object (see docs/diff.md)."""
    docs, changes = [], []
    for i, j, how in match_documents(old, new):
        a = old.documents[i] if i is not None else None
        b = new.documents[j] if j is not None else None
        entry = {"old": a.path if a else None, "new": b.path if b else None, "matched_by": how or None,
                 "pages": []}
        docs.append(entry)
        if a is None or b is None:
            d = a or b
            changes.append({"type": "document_withdrawn" if b is None else "document_added",
                            "old": {"document": a.path} if a else None, "new": {"document": b.path} if b else None,
                            "pages": d.pages})
            continue
        if how == "sha256":
            entry["identical"] = True
            entry["pages"] = [[p, p] for p in range(1, a.pages + 1)]
            continue
        for pa, pb in match_pages(a, b):
            entry["pages"].append([pa, pb])
            if pb is None:
                changes.append({"type": "page_withdrawn", "old": {"document": a.path, "page": pa},
                                "new": {"document": b.path, "page": None}})
            elif pa is None:
                changes.append({"type": "page_added", "old": {"document": a.path, "page": None},
                                "new": {"document": b.path, "page": pb}})
            else:
                changes.extend(compare_pages(a, pa, b, pb))
    counts: dict[str, int] = {}
    for c in changes:
        counts[c["type"]] = counts.get(c["type"], 0) + 1
    errors = [{"document": d.path, "error": d.error} for rel in (old, new) for d in rel.documents
              if d.error and not d.skipped]
    return {"schema": SCHEMA, "documents": docs, "changes": changes, "summary": counts, "errors": errors}

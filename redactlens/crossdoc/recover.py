"""Cross-document recovery: a redaction's text printed where the same passage appears elsewhere.

A pure batch stage, :func:`recover` (``BatchReport -> BatchReport``; the given batch is not
changed).  For every redaction that sits in running text (a gap in the document's captured words,
:mod:`redactlens.crossdoc.capture`):

1. **pairing** (cost linear in the batch): every document's words are cut into overlapping
   windows of :data:`WINDOW` words; each window's set of :data:`SHINGLE`-word shingles (never
   across a redaction) gets a MinHash, and datasketch's LSH index pairs windows whose estimated
   Jaccard similarity is at least :data:`LSH_THRESHOLD`;
2. **alignment**: the words around the gap (:data:`CONTEXT` each side) are aligned word by word
   with the paired place (rapidfuzz's Indel opcodes; OCR-damaged words are matched fuzzily,
   :data:`FUZZY_WORD`).  The gap must align with words of the other copy that hold no redaction of
   their own, and the words on both sides must align without a difference (both anchors), at
   least :data:`RUN_MIN` of them together (the same passage, not a similar one);
3. **fit**: the text found there must fit the box (``est_chars_range`` widened by
   :data:`FIT_SLACK` characters);
4. **agreement**: every other place is asked; when they print different texts the redaction gets
   no leak (a form letter to several people); one place only is ``confidence: single_source``,
   two or more that agree ``corroborated``.

A redaction that already reports a leak (text under the box, an OCR layer, an earlier revision,
the page image) keeps it: only a redaction with no leak or with width-fitting candidates only
(:func:`redactlens.leaks.admits_candidates`) gets the ``cross_document`` leak.
"""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel

from ..leaks import admits_candidates
from ..model import BatchReport, ConsistencyItem, Leak
from .streams import Stream, clean_value, stream_of, union_box

if TYPE_CHECKING:
    from datasketch import MinHash

#: words per window and the step between windows: a window is about an email header or four lines of
#: a paragraph; half-overlapping windows put every gap inside at least one of them.  The cost is one
#: MinHash per window: 40/20 makes 15 a page of 300 words (24/12 made 25 and was 1.7x slower for the
#: same recall on tests/gen_crossdoc.py)
WINDOW, STEP = 40, 20
#: shingle length (words).  Unobfuscator pairs whole documents with 8-word shingles; windows are
#: short and OCR noise breaks a shingle for each damaged word, so 3-word shingles (an OCR copy
#: whose words are 25 % damaged still pairs with its original at 0.35+ on tests/gen_crossdoc.py)
SHINGLE = 3
#: LSH pairing threshold (estimated Jaccard of two windows' shingles).  Low on purpose: it only
#: proposes places, the alignment decides.  0.3 pairs every planted copy of tests/gen_crossdoc.py,
#: including the noisy OCR copy and windows broken by 3 redactions
LSH_THRESHOLD, NUM_PERM = 0.3, 32
#: most places the index may propose per window (a header repeated on every page pairs with
#: everything; the best-matching places are kept)
MAX_PLACES = 12
#: words aligned on each side of a gap
CONTEXT = 16
#: words that must align without a difference on the two sides of a gap together (at least one on
#: each side: both anchors).  The near-miss control of tests/gen_crossdoc.py (the same email template
#: with other names, dates and figures) aligns at most 8 around a gap ("I spoke with [] about the
#: overtime sheets for" / March-February); true copies 11 and more
RUN_MIN = 10
#: an OCR-damaged word is the same word at this rapidfuzz ratio (words of 4+ letters only):
#: "Srnith"/"Smith" 73, "Moreno"/"Marino" 67.  Never for the two words touching the box: on the
#: Chicago PD release a box cutting "September" left "eptember", which matched "December" of
#: another month's request and claimed its account words
FUZZY_WORD, FUZZY_MIN_LEN = 72, 4
#: characters the recovered text may exceed the box's estimated range by on either side
FIT_SLACK = 2
#: a box of the other copy this close (points) to the words found there, on their line, means that
#: copy withholds something beside them: its words are not the whole span (Chicago PD release: a box
#: over "[name]. The check is" in one request, "addressed to [name] The check is" in another whose
#: box the word stream placed elsewhere)
BESIDE_PT = 12.0
#: a passage found in this many other places (printing or withholding the span) is a template's
#: (call records of one form, a form letter): a value printed in only one of them is another
#: record's, not this one's, and is claimed only when two places agree (tests/gen_batches.py: five
#: call records withhold the person a narrative template names, a sixth prints "the RP")
TEMPLATE_PLACES = 3
#: the words that anchor a box on its own line must touch it: at most this many times the line's
#: height between the box's side and the anchor word.  A box's padding and a space are 0.2-0.6 of
#: the height; a word the page's OCR dropped beside the box ("[box] for", OCR read no "for") leaves
#: a gap of 1.5 or more, and the other copy's text then carries the dropped word into the claim
#: (real Chicago PD release, 2026-12-01: the two wrong claims "AT&T Mobility for" and "Account 4")
TOUCH_LINE = 1.0
#: how far (words) the paired place may be searched around its window
SEARCH = WINDOW + CONTEXT


def _shingles(keys, gaps, lo, hi):
    out = set()
    for i in range(lo, max(lo, hi - SHINGLE + 1)):
        if any(j in gaps for j in range(i + 1, i + SHINGLE)):
            continue          # a shingle never spans a redaction
        out.add(" ".join(keys[i:i + SHINGLE]))
    return out


def _windows(s: Stream):
    n = len(s.keys)
    starts = list(range(0, max(1, n - WINDOW + 1), STEP))
    if n > WINDOW and starts[-1] != n - WINDOW:
        starts.append(n - WINDOW)
    return [(a, min(n, a + WINDOW)) for a in starts] if n else []


_PERMUTATIONS = []


def _minhash(sh) -> MinHash:
    from datasketch import MinHash   # (scipy behind it: imported by the batch stage only, not by workers)
    if not _PERMUTATIONS:   # the same permutations for every window, drawn once (datasketch draws
        t = MinHash(num_perm=NUM_PERM, seed=17)                                # them per object)
        _PERMUTATIONS.append((t.permutations, t.scheme))
    perms, scheme = _PERMUTATIONS[0]
    m = MinHash(num_perm=NUM_PERM, seed=17, permutations=perms, scheme=scheme)
    m.update_batch([x.encode("utf-8") for x in sh])
    return m


def _index(streams: list[Stream]):
    from datasketch import MinHashLSH
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    hashes = {}
    for s in streams:
        for a, b in _windows(s):
            sh = _shingles(s.keys, s.gaps, a, b)
            if len(sh) < 3:
                continue
            m = _minhash(sh)
            key = (s.doc, a)
            hashes[key] = m
            lsh.insert(key, m)
    return lsh, hashes


def _seq(s: Stream, lo: int, hi: int, side: str):
    """Keys of ``s`` in [lo, hi) with a sentinel before each position holding a gap; returns
    (sequence, source position of each element or None for a sentinel, gap id of sentinels)."""
    seq, pos, ids = [], [], []
    for i in range(lo, hi + 1):
        for rid in s.gaps.get(i, ()):
            seq.append("\x00" + side + rid)     # a sentinel is never equal to the other side's
            pos.append(None)
            ids.append(rid)
        if i < hi:
            seq.append(s.keys[i])
            pos.append(i)
            ids.append(None)
    return seq, pos, ids


def _fuzzy_map(a_seq, b_seq):
    """b's words replaced by a's where OCR noise is the only difference."""
    vocab = sorted({w for w in a_seq if not w.startswith("\x00") and len(w) >= FUZZY_MIN_LEN})
    vset = set(a_seq)
    out = []
    for w in b_seq:
        if w in vset or w.startswith("\x00") or len(w) < FUZZY_MIN_LEN or not vocab:
            out.append(w)
            continue
        best = process.extractOne(w, vocab, scorer=fuzz.ratio, score_cutoff=FUZZY_WORD)
        out.append(best[0] if best else w)
    return out


def _match_at(a: Stream, g: int, rid: str, b: Stream, centre: int):
    """The text ``b`` prints where ``a`` has gap ``rid`` (at position ``g``), or None."""
    a_seq, a_pos, a_ids = _seq(a, max(0, g - CONTEXT), min(len(a.keys), g + CONTEXT), "a")
    lo, hi = max(0, centre - SEARCH), min(len(b.keys), centre + SEARCH)
    b_seq, b_pos, _ = _seq(b, lo, hi, "b")
    if not a_seq or not b_seq:
        return None
    b_cmp = _fuzzy_map(a_seq, b_seq)
    ops = list(Indel.opcodes(a_seq, b_cmp))
    k = a_ids.index(rid)
    equal_a = set()
    pair_b: dict[int, int] = {}
    blocks = []        # merged non-equal runs: [a0, a1, b0, b1]
    for op in ops:
        if op.tag == "equal":
            equal_a.update(range(op.src_start, op.src_end))
            pair_b.update(zip(range(op.src_start, op.src_end), range(op.dest_start, op.dest_end)))
        elif blocks and blocks[-1][1] == op.src_start and blocks[-1][3] == op.dest_start:
            blocks[-1][1], blocks[-1][3] = op.src_end, op.dest_end
        else:
            blocks.append([op.src_start, op.src_end, op.dest_start, op.dest_end])
    blk = next((x for x in blocks if x[0] <= k < x[1]), None)
    if blk is None or blk[1] - blk[0] != 1:
        return None                       # the gap alone must differ (no A word around it)
    b0, b1 = blk[2], blk[3]
    if b1 <= b0:
        return None                       # nothing printed there
    withheld = any(b_pos[j] is None for j in range(b0, b1))   # the other copy redacts there too
    # both anchors, and the same passage: the words on each side of the gap align exactly (OCR
    # noise aside) up to the first difference; another gap that the other copy fills is passed over
    single = {x[0] for x in blocks if x[1] - x[0] == 1 and a_pos[x[0]] is None}
    runs = []
    for step in (-1, 1):
        run, j = 0, k + step
        while 0 <= j < len(a_seq):
            if a_pos[j] is None:
                if j not in single:
                    break
            elif j in equal_a:
                run += 1
            else:
                break
            j += step
        runs.append(run)
    if min(runs) < 1 or sum(runs) < RUN_MIN:
        return None
    # the words touching the box are the same words, not OCR look-alikes: a box that cuts a word
    # ("[] eptember 2013" against "Account 4 December 2012") must not align by its remains
    for j in (k - 1, k + 1):
        if a_pos[j] is not None and b_seq[pair_b[j]] != a_seq[j]:
            return None
    if withheld:
        return "withheld"
    idx = [b_pos[j] for j in range(b0, b1)]
    return idx, sum(runs)


def _box_beside(doc, page: int, box) -> bool:
    """True when ``doc`` has a redaction on ``page`` on the line of ``box`` and at most
    :data:`BESIDE_PT` from it (or over it)."""
    if not box:
        return False
    x0, y0, x1, y1 = box
    for r in doc.redactions:
        if r.page != page:
            continue
        bx0, by0, bx1, by1 = r.bbox
        ov = min(y1, by1) - max(y0, by0)
        if ov < 0.5 * min(y1 - y0, by1 - by0):
            continue
        if bx0 - x1 <= BESIDE_PT and x0 - bx1 <= BESIDE_PT:
            return True
    return False


def _anchors_touch(a: Stream, g: int, red) -> bool:
    """True unless a word on the box's own line sits further than :data:`TOUCH_LINE` line heights
    from the box's side (``g`` is the gap's position in ``a``: the box comes before ``a.words[g]``)."""
    x0, y0, x1, y1 = red.bbox
    for j, side in ((g - 1, "before"), (g, "after")):
        if not 0 <= j < len(a.words) or a.pages[j] != red.page:
            continue
        wx0, wy0, wx1, wy1 = a.boxes[j]
        h = wy1 - wy0
        if h <= 0 or min(y1, wy1) - max(y0, wy0) < 0.5 * min(h, y1 - y0):
            continue                          # the anchor is on another line
        gap = x0 - wx1 if side == "before" else wx0 - x1
        if gap > TOUCH_LINE * h:
            return False
    return True


def _fits(red, text: str) -> bool:
    n = len(text)
    rng = red.est_chars_range
    if rng and len(rng) == 2:
        return rng[0] - FIT_SLACK <= n <= rng[1] + FIT_SLACK
    if red.est_chars:
        return abs(n - red.est_chars) <= max(FIT_SLACK, 0.25 * red.est_chars)
    return False                          # no size: cannot check, so no claim


def _same(x: str, y: str) -> bool:
    return " ".join(x.casefold().split()) == " ".join(y.casefold().split())


def recover(batch: BatchReport, settings=None) -> BatchReport:
    """``batch`` with ``cross_document`` leaks where another copy prints a withheld span (see the
    module docstring); new documents and redactions, nothing changed in place."""
    docs = batch.documents
    streams = [stream_of(i, d.words) for i, d in enumerate(docs)]
    if sum(bool(s.gaps) for s in streams) == 0:
        return batch
    lsh, hashes = _index(streams)
    found: dict[tuple[int, str], list[dict]] = {}
    withheld_at: dict[tuple[int, str], set] = {}    # other places that align and withhold the span too
    for a in streams:
        if not a.gaps:
            continue
        for wa, wb in _windows(a):
            gaps_here = [(g, rid) for g in range(wa + 1, wb) for rid in a.gaps.get(g, ())]
            if not gaps_here or (a.doc, wa) not in hashes:
                continue
            m = hashes[(a.doc, wa)]
            places = [k for k in lsh.query(m) if k != (a.doc, wa)]
            places.sort(key=lambda k: -m.jaccard(hashes[k]))
            for bd, bstart in places[:MAX_PLACES]:
                b = streams[bd]
                for g, rid in gaps_here:
                    if bd == a.doc and abs(bstart + WINDOW // 2 - g) <= SEARCH:
                        continue              # the gap's own place
                    got = _match_at(a, g, rid, b, bstart + WINDOW // 2)
                    if got is None:
                        continue
                    if got == "withheld":
                        withheld_at.setdefault((a.doc, rid), set()).add(
                            (bd, b.pages[min(len(b.pages) - 1, bstart + WINDOW // 2)]))
                        continue
                    idx, score = got
                    same_page = [i for i in idx if b.pages[i] == b.pages[idx[0]]]
                    if _box_beside(docs[bd], b.pages[idx[0]], union_box([b.boxes[i] for i in same_page])):
                        continue
                    found.setdefault((a.doc, rid), []).append({
                        "doc": bd, "pos": tuple(idx), "score": score,
                        "text": clean_value([b.words[i] for i in idx])})
    if not found:
        return batch
    gap_at = [{rid: g for g, rids in s.gaps.items() for rid in rids} for s in streams]
    new_docs = list(docs)
    for di, d in enumerate(docs):
        reds = list(d.redactions)
        changed = False
        for ri, r in enumerate(reds):
            hits = found.get((di, r.id))
            if not hits or not admits_candidates(r.leak):
                continue
            g = gap_at[di].get(r.id)
            if g is None or not _anchors_touch(streams[di], g, r):
                continue                      # an anchor apart from the box: a word between is unread
            places = {}
            for h in hits:                     # one place found from several windows counts once
                places.setdefault((h["doc"], h["pos"][0]), h)
            hits = list(places.values())
            printing = {(h["doc"], streams[h["doc"]].pages[h["pos"][0]]) for h in hits}
            others = len(printing | withheld_at.get((di, r.id), set()))
            if others >= TEMPLATE_PLACES and len(printing) < 2:
                continue                      # a template's passage: one record's words are not this one's
            texts = {" ".join(h["text"].casefold().split()) for h in hits}
            if len(texts) != 1:
                continue                      # other copies disagree: no claim
            text = hits[0]["text"]
            if not text or not _fits(r, text):
                continue
            sources = []
            for h in hits:
                b = streams[h["doc"]]
                first = h["pos"][0]
                sources.append({"document": docs[h["doc"]].path, "page": b.pages[first],
                                "bbox": union_box([b.boxes[i] for i in h["pos"] if b.pages[i] == b.pages[first]]),
                                "layer": b.layers[first], "aligned_words": h["score"]})
            n_docs = len({s["document"] + "#" + str(s["page"]) for s in sources})
            conf = "corroborated" if n_docs >= 2 else "single_source"
            where = "; ".join(f"{s['document'].rsplit('/', 1)[-1]} page {s['page']}" for s in sources[:4])
            old = list(r.leak.candidates) if r.leak is not None else []
            reds[ri] = replace(r, leak=Leak(
                how="cross_document", text=text, candidates=old, sources=sources, confidence=conf,
                detail=(f"the same passage is printed in {where}"
                        + (" (seen in only one other place)" if conf == "single_source" else
                           f" ({n_docs} places agree)"))))
            changed = True
        if changed:
            new_docs[di] = replace(d, redactions=reds)
    return replace(batch, documents=new_docs)


#: the consistency item type this stage adds (one per pair of documents)
ITEM_TYPE = "same_passage_other_copy"


def copy_items(batch: BatchReport) -> list[ConsistencyItem]:
    """One item per (document, other document) pair: "page 3 of A and page 7 of B print the same
    passage; A withholds 4 spans that B prints".  Derived from the ``cross_document`` leaks; it
    names places, never the recovered text."""
    pairs: dict[tuple[str, str], dict] = {}
    for d in batch.documents:
        for r in d.redactions:
            if r.leak is None or r.leak.how != "cross_document":
                continue
            for s in r.leak.sources:
                p = pairs.setdefault((d.path, s["document"]), {"ids": [], "pages_a": set(), "pages_b": set(),
                                                               "evidence": []})
                if r.id not in p["ids"]:
                    p["ids"].append(r.id)
                p["pages_a"].add(r.page)
                p["pages_b"].add(s["page"])
                p["evidence"].append(f"{s['document']} page {s['page']} {s['bbox']}")
    out = []
    for (a, b), p in pairs.items():
        name = lambda x: x.replace("\\", "/").rsplit("/", 1)[-1]   # noqa: E731
        pa = ", ".join(map(str, sorted(p["pages_a"])))
        pb = ", ".join(map(str, sorted(p["pages_b"])))
        n = len(p["ids"])
        out.append(ConsistencyItem(
            type=ITEM_TYPE, redactions=p["ids"], evidence=p["evidence"],
            detail=(f"page {pa} of {name(a)} and page {pb} of {name(b)} print the same passage; "
                    f"{name(a)} withholds {n} span{'s' if n != 1 else ''} that {name(b)} prints")))
    return out

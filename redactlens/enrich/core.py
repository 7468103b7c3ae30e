"""Per-page enrichment: context, field, exemptions, hidden size and glyph-position width.

Everything here works off :attr:`PageModel.context_lines` (text layer, invisible OCR layer or OCR
words), so scanned pages with OCR get the same treatment as born-digital ones.  Each redaction is
enriched on its own under a guard: a failure on one box leaves that box with its defaults
(``unknown``, no exemptions, no size) and a warning, never loses the page.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from .. import geometry as g
from ..model import Context, Redaction
from . import exemptions as ex
from . import fields as fl
from . import size as sz
from .context import MARK, OTHER, PageText, clip_left, clip_right, sentence_of
from .notes import note_codes

#: leak kinds whose text is the hidden text itself (its length is the hidden size)
_RECOVERED = ("text_under_box", "annotation_not_applied", "ocr_layer", "prior_revision")
_LEAK_WHERE = {"text_under_box": "text under the box", "annotation_not_applied": "text under the unapplied annotation",
               "ocr_layer": "OCR layer under the box", "prior_revision": "an earlier revision",
               "image_under_box": "OCR of the image under the box"}
SHOWN_MARK = "[\u2588]"        # this box inside context.sentence
SHOWN_OTHER = "[\u2592]"       # other boxes inside context.sentence
FOOTER_SHARE = 0.12            # bottom share of the page that counts as footer
HEADER_SHARE = 0.08            # top share that counts as page header (same weak evidence)
CUE_GAP = 1.2                  # x font size: outside running text a cue must sit this close to the box
NARRATIVE_WIDTH = 0.5          # x page width: a paragraph box at least this wide is a narrative
PROSE_BLOCK_WIDTH = 0.3        # x page width: inside running text, a box this wide may be a paragraph ...
PROSE_BLOCK_LINES = 3          # ... when it covers at least this many lines: one generously drawn bar over
                               # a name in a sentence measures 2 lines (Chicago 15-7067 p14, "should be
                               # made to [box]": a vendor, not a narrative)
MARGIN_SLACK = 0.25            # x code height: vertical slack of a margin code level with a box
# signature blocks: on the Chicago PD memos (15-6523, 15-7067) the typed name sits 0-2 line heights
# under the signature bar, the title on the next line; bars over a signature are 12-60 pt tall
SIG_GAP = 2.5                  # x line height: the block starts (and continues) this close under the box
                               # (16-0190 p4: a name line 19 pt under the bar, 2.4 x its 8 pt OCR size)
SIG_LINES = 3                  # lines of a block read (name, title, unit)
# whole lines of prose: the court motion's one-line boxes over full lines are 96-100 % of the text
# block, the boxes that begin or end a multi-line passage 25-40 %; form values are under 50 %
WHOLE_LINE = 0.7               # x text-block width: a one-line box this wide hides a line of prose
CHAIN_WIDTH = 1.0              # x text-block width: boxes chained over line ends hiding more are prose
CHAIN_EDGE = 4.0               # x box height/1.2 (em): a chain's box ends/starts this close to the edge
                               # (3.0 missed the court motion's line 20, starting at the paragraph's
                               # 0.5 in first-line indent = 3.3 em, and line 25, ending 3.4 em short of
                               # the block's right edge at a ragged line end; form values start after
                               # their label, further in)
PROSE_NEAR = 2.0               # x box height: a whole-line box has a prose line this close above or below
                               # (the court motion's boxed lines: 11-14 pt gaps at a 24 pt pitch)
SIG_MIN_HEIGHT = 9.0           # pt: a thinner bar is a struck-out word, not a signature
SIG_MIN_TEXT = 8.0             # pt: the least text height a block's gap is measured by (an invisible OCR
                               # layer sizes 10 pt type at 6.9-8 pt: Chicago 16-0190 p4, whose name line
                               # starts 19 pt under the bar)
SIG_LEFT = 5.0                 # x text height: a block's lines may start this far left of the bar (Chicago
                               # 15-7067 p3: 'Nicholas J. Roti / Chief' starts 46 pt = 4.7 em left of the
                               # bar drawn over the right part of the signature; 3 em missed it)
SIG_TALL = 1.8                 # x text height: a bar this tall covers handwriting, not a typed line (the
                               # Chicago memos' signature bars are 2.2-7 x their 9-10 pt text; a bar over a
                               # typed name or a subject line is 1.0-1.6 x)
SIG_VERY_TALL = 3.5            # x text height: no bar over one typed line is this tall (Chicago 15-7067
                               # p13: a 77 pt marker blob over a signature, name and title, 8 x its text)


#: what degenerate geometry from a hostile file (zero or NaN sizes, empty runs) can make the rules
#: raise for one box; anything else is a bug of ours and fails the scan (and the tests)
ENRICH_ERRORS = (ArithmeticError, ValueError)


@dataclass
class PageEnrichment:
    """What enrichment returns for one page: the page's redactions with context, field,
    exemptions and size filled in (new objects), the values printed in the clear next to field
    labels (for the glyph-width ranking), and warnings."""

    redactions: list[Redaction] = field(default_factory=list)
    printed_values: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def enrich_page(pm, reds: list[Redaction]) -> PageEnrichment:
    """Context, field, exemptions and hidden size of the redactions of one page.  ``reds`` are
    not changed: the result holds enriched copies.  Every leak (revisions included) is already on
    them, so recovered text sets the size."""
    out = PageEnrichment(redactions=[replace(r) for r in reds])
    try:
        pt = PageText(pm, [tuple(r.bbox) for r in out.redactions])
    except ENRICH_ERRORS as exc:   # the page keeps its redactions, unenriched
        out.warnings.append(f"enrichment of page {pm.number} failed: {type(exc).__name__}: {exc}")
        return out
    if out.redactions:     # a page without boxes has no context to read: only its printed values
        _enrich_boxes(pm, pt, out)
    try:
        from .values import printed_values
        out.printed_values = printed_values(pt, pm.number)
    except ENRICH_ERRORS as exc:
        out.warnings.append(f"page {pm.number}: collecting printed values failed: {type(exc).__name__}: {exc}")
    return out


def _enrich_boxes(pm, pt: PageText, out: PageEnrichment) -> None:
    """The per-box rules and the layout cues over the page's boxes (``out``: this stage's copies)."""
    try:
        lists = page_code_lists(pt, pm)
    except ENRICH_ERRORS as exc:
        lists = []
        out.warnings.append(f"page {pm.number}: reading margin/footer code lists failed: {type(exc).__name__}: {exc}")
    for i, r in enumerate(out.redactions):
        try:
            enrich_one(pm, pt, i, r, lists)
        except ENRICH_ERRORS as exc:
            out.warnings.append(f"enrichment of {r.id} failed: {type(exc).__name__}: {exc}")
    # layout cues over the page's boxes together, each under its own guard
    for stage, what in ((narrative_lines, "whole-line redactions"), (signature_stack, "columns of signatures"),
                        (after_labelled_box, "second boxes of labelled values"),
                        (continued_value, "values continued over a line break")):
        try:
            out.redactions = stage(pt, out.redactions)
        except ENRICH_ERRORS as exc:
            out.warnings.append(f"page {pm.number}: reading {what} failed: {type(exc).__name__}: {exc}")
    try:   # margin codes the per-box rules missed (margin tails, OCR slips, orphans, a margin read again)
        from .margins import refine
        out.redactions = refine(pt, out.redactions, pm)
    except ENRICH_ERRORS as exc:
        out.warnings.append(f"page {pm.number}: reading margin codes failed: {type(exc).__name__}: {exc}")


# -- one redaction ------------------------------------------------------------------------------
def enrich_one(pm, pt: PageText, i: int, r: Redaction, lists: list[dict]) -> None:
    """Fill one redaction (this stage's own copy, see :func:`enrich_page`)."""
    box = pt.boxes[i]
    left, right = pt.left_run(i), pt.right_run(i)
    flow = pt.flow_text(i)
    rows = pt.rows_of(i)
    ctx = Context(before=clip_left(left.text) if left else "", after=clip_right(right.text) if right else "")
    k = flow.find(MARK)
    prose = in_prose(pt, i)
    if k >= 0 and prose:
        if not ctx.before:
            ctx.before = clip_left(_shown(flow[:k]))
        if not ctx.after:
            ctx.after = clip_right(_shown(flow[k + len(MARK):]))
    ctx.label = pt.left_label(i)
    header, hkind = ("", "")
    if not ctx.label and not prose:
        header, hkind = pt.header_above(i, fl.is_field_header)
        ctx.header = header
    sent = sentence_of(flow) if prose else ""
    if sent and len(re.sub(re.escape(MARK) + "|" + re.escape(OTHER), " ", sent).split()) >= 4:
        ctx.sentence = clip_right(_shown(sent), 300)
    r.context = ctx

    # recovered text (its length is the size), else an exact width from glyph positions
    recovered = r.leak.text if (r.leak and r.leak.how in _RECOVERED and r.leak.text) else ""
    glyph = None
    if not recovered:
        from .glyphs import fixed_width
        glyph = fixed_width(pm, box, rows)
    ref = sz.ref_chars(box, pt.rows, rows)
    ref = _typical(ref, pt, box)
    flow_before = _shown(flow[:k]) if (prose and k >= 0) else ""
    flow_after = _shown(flow[k + len(MARK):]) if (prose and k >= 0) else ""
    shown = r.leak.text if (r.leak and r.leak.how in _RECOVERED + ("image_under_box",) and r.leak.text) else ""
    hit = fl.field_of_text(shown) if shown else None
    if hit:   # the withheld text itself: the strongest cue
        fld, evidence = hit[0], f"recovered text ({_LEAK_WHERE.get(r.leak.how, r.leak.how)}) has the {hit[1]}"
    else:
        fld, evidence = classify(pt, i, ctx, hkind, flow_before, flow_after)
        if fld == "unknown" and (not prose or _taller_than_text(pt, i)):
            hit = reread_scan(pm, pt, i)
            if hit:
                fld, evidence = hit
    # in running text an unknown or narrative box is measured by the text around it (prose mix)
    # (a box as wide as half the page is a line of running text too: measured on the page's text)
    advance = None
    if fld in ("unknown", "narrative"):
        if prose:
            advance = sz.prose_advance(pt.paragraph_rows(i), font=sz.ref_font(ref))
        if advance is None and (prose or box[2] - box[0] >= NARRATIVE_WIDTH * pm.width):
            advance = sz.prose_advance(pt.rows, font=sz.ref_font(ref))
    est = sz.estimate(box, ref, fld, pt.rows, width=glyph["text_width_pt"] if glyph else None,
                      pad=0.0 if glyph else None, advance=advance) if ref else sz.estimate_blind(box, pm, fld)
    n_rec = len(" ".join(recovered.split()))
    if est.get("est_lines"):
        r.est_lines = est["est_lines"]
        # a paragraph box is as wide as a paragraph: half the page, or a good part of it inside
        # running text (narrow tall boxes are signatures, stamps, sideways text: no guess)
        wide = (box[2] - box[0]) >= NARRATIVE_WIDTH * pm.width or \
            ((box[2] - box[0]) >= PROSE_BLOCK_WIDTH * pm.width and prose and est["est_lines"] >= PROSE_BLOCK_LINES)
        if wide and (fld == "unknown" or evidence.startswith("'")):
            fld, evidence = "narrative", f"box covers about {est['est_lines']} lines of text"
    elif recovered and (not est.get("est_chars_range") or n_rec >= 0.6 * est["est_chars_range"][0]):
        # the recovered text is the hidden text (unless it is a stray glyph in a much wider box)
        r.est_chars, r.est_chars_range = n_rec, [n_rec, n_rec]
    elif est.get("est_chars"):
        r.est_chars, r.est_chars_range = est["est_chars"], est["est_chars_range"]
    r.field, r.field_evidence = fld, evidence
    if glyph:
        r.glyph = glyph
    assign_exemptions(pt, i, r, lists, pm)
    r.exemption_basis = BASIS.get(r.exemption_source) if r.exemptions else None


#: exemption_source (where the code list was printed) -> exemption_basis of the contract
BASIS = {"label": "on_box", "adjacent": "beside_box", "margin": "margin", "footer": "page_note",
         "header": "page_note", "note": "page_note", "letter": "letter"}


_LINE_NUMBER = re.compile(r"\d{1,2}")


def _text_start(run) -> float:
    """Where a run's text starts: after a pleading line number that the text layer joined to the
    line ('20 The parties ...': the court motion's numbers sit 26 pt left of its text block)."""
    words = run.text.split()
    if len(words) >= 4 and _LINE_NUMBER.fullmatch(words[0]):
        ink = [c for c in run.chars if c.c.strip()]
        n = len(words[0])
        if len(ink) > n:
            return ink[n].bbox[0]
    return run.bbox[0]


def text_block(pt: PageText) -> tuple[float, float] | None:
    """The left and right edge of the page's text block: where runs of three words or more start
    and end (10th / 90th percentile; line numbers and margin notes are shorter runs)."""
    runs = [run for r in pt.rows for run in r.runs if len(run.text.split()) >= 3]
    if len(runs) < 3:
        return None
    xs0 = sorted(_text_start(run) for run in runs)
    xs1 = sorted(run.bbox[2] for run in runs)
    return xs0[len(xs0) // 10], xs1[len(xs1) * 9 // 10]


def narrative_lines(pt: PageText, reds: list[Redaction]) -> list[Redaction]:
    """Layout cue for prose withheld line by line: a one-line box from edge to edge of the text
    block (at least ``WHOLE_LINE`` of its width), or a chain of boxes running from a line's end to the next line's start that hides
    more than a whole line, is ``narrative``.  Only boxes no other cue typed change (new copies)."""
    block = text_block(pt)
    if block is None:
        return reds
    c0, c1 = block
    cw = c1 - c0
    if cw <= 0:
        return reds
    # boxes already typed narrative (their recovered text is a clause) link a chain too, so that its
    # ends are typed with it; only unknown boxes change
    one = [k for k, r in enumerate(reds) if r.field in ("unknown", "narrative") and not r.est_lines]
    em = {k: max(4.0, (pt.boxes[k][3] - pt.boxes[k][1]) / 1.2) for k in one}
    nxt: dict[int, int] = {}
    for a in one:
        A = pt.boxes[a]
        if A[2] < c1 - CHAIN_EDGE * em[a]:
            continue
        for b in one:
            B = pt.boxes[b]
            if b != a and B[0] <= c0 + CHAIN_EDGE * em[b] and 0 <= B[1] - A[1] <= 2.6 * (A[3] - A[1]) + 2 \
                    and B[1] >= A[1] + 0.5 * (A[3] - A[1]):
                nxt[a] = b
                break
    out = list(reds)
    seen: set[int] = set()
    for k in one:
        if k in seen or k in nxt.values():
            continue
        chain = [k]
        while chain[-1] in nxt and nxt[chain[-1]] not in chain:
            chain.append(nxt[chain[-1]])
        seen.update(chain)
        width = sum(pt.boxes[j][2] - pt.boxes[j][0] for j in chain)
        if len(chain) > 1 and width >= CHAIN_WIDTH * cw:
            why = f"one redaction running over {len(chain)} lines of the text block"
        elif len(chain) > 1 and _quoted(reds[chain[0]], reds[chain[-1]]):
            why = f"a quotation withheld over {len(chain)} lines (opening quote before it, closing quote after it)"
        elif len(chain) == 1 and width >= WHOLE_LINE * cw and pt.boxes[k][0] <= c0 + CHAIN_EDGE * em[k] \
                and pt.boxes[k][2] >= c1 - CHAIN_EDGE * em[k] and _prose_next_to(pt, pt.boxes[k]):
            why = "box covers a whole line of the text block"
        else:
            continue
        for j in chain:
            if out[j].field == "unknown":
                out[j] = replace(out[j], field="narrative", field_evidence=why)
    return out


_CUE_BEFORE = re.compile(r"^'(.+?)' before the box")


def continued_value(pt: PageText, reds: list[Redaction]) -> list[Redaction]:
    """A value that runs over a line break: in running text, a box at the start of a line right
    after a box that ends the line before (nothing visible between them) and that a cue phrase
    before it typed (``addressed to [box] / [box].``) continues that value and gets its field.
    Only when the second box shows nothing of its own (no recovered text: 'manufactured by [firm]
    / [city]' is two values whose second a reader can see).  New copies."""
    block = text_block(pt)
    if block is None:
        return reds
    c0, c1 = block
    out = list(reds)
    for a, ra in enumerate(reds):
        m = _CUE_BEFORE.match(ra.field_evidence or "")
        A = pt.boxes[a]
        em_a = max(4.0, (A[3] - A[1]) / 1.2)
        if not m or ra.field in ("unknown", "narrative", "signature") or not ra.context.sentence \
                or A[2] < c1 - CHAIN_EDGE * em_a:
            continue
        for b, rb in enumerate(reds):
            B = pt.boxes[b]
            em_b = max(4.0, (B[3] - B[1]) / 1.2)
            if b == a or rb.field != "unknown" or (rb.leak and rb.leak.text) or B[0] > c0 + CHAIN_EDGE * em_b:
                continue
            if not (0 <= B[1] - A[1] <= 2.6 * (A[3] - A[1]) + 2 and B[1] >= A[1] + 0.5 * (A[3] - A[1])):
                continue
            if not (rb.context.before or "").rstrip().endswith(SHOWN_OTHER):
                continue
            out[b] = replace(rb, field=ra.field,
                             field_evidence=f"continues over the line break the value of the box before it "
                                            f"('{m.group(1)}' before that one)")
            break
    return out


_OPEN_QUOTE = ("\u201c", '"', "\u2018")
_CLOSE_QUOTE = re.compile(r"^[.,;:!?]?[\u201d\u2019\"]")


def _quoted(first: Redaction, last: Redaction) -> bool:
    """The visible text right before ``first`` ends with an opening quotation mark and the text
    right after ``last`` starts with a closing one (a period or comma may stand before it): the
    boxes hide a quotation running over a line break, not one value (Haagen-Dazs MSJ p16:
    'Twilio (the SMS message gateway provider), “[box] / [box].”')."""
    before = (first.context.before or "").rstrip()
    after = (last.context.after or "").lstrip()
    return before.endswith(_OPEN_QUOTE) and bool(_CLOSE_QUOTE.match(after))


def _prose_next_to(pt: PageText, b) -> bool:
    """A line of running text (a run of three words or more) lies within ``PROSE_NEAR`` box heights
    above or below the box: the box is a line of a text block, not a bar alone on a cover page
    (the CIA bulletin's cover: a bare one-line box under the review stamp)."""
    h = max(b[3] - b[1], 1.0)
    for r in pt.rows:
        if not any(len(run.text.split()) >= 3 for run in r.runs):
            continue
        if 0 <= b[1] - r.bottom <= PROSE_NEAR * h or 0 <= r.top - b[3] <= PROSE_NEAR * h:
            return True
    return False


def _contiguous(row, boxes) -> bool:
    """The pieces of a line (text runs and the boxes on it) follow each other at word spacing."""
    bx = [tuple(boxes[j]) for j in row.boxes if j < len(boxes)]
    items = sorted([tuple(run.bbox) for run in row.runs] + bx)
    size = max(row.size, 4.0)
    return all(b[0] - a[2] <= (BOX_WORD_GAP if (a in bx or b in bx) else 1.2) * size for a, b in zip(items, items[1:]))


BOX_WORD_GAP = 1.6             # x text height: a box may sit this far from the words beside it and still be
                               # a word of the line (a scanned 15-7067 p4 line ends 'addressed to' 1.5 em
                               # before the box, OCR's word boxes being tight); words keep 1.2 em


def is_prose_row(row, boxes=()) -> bool:
    """A line of running text: several words, no column gaps as in a form or a table row."""
    words = sum(len(run.text.split()) for run in row.runs)
    return words >= 5 and _contiguous(row, boxes)


def in_prose(pt: PageText, i: int) -> bool:
    """The box sits in running text: its line is prose, or it is a contiguous line (or a line of
    its own) inside a paragraph whose other lines are prose."""
    rows = pt.rows_of(i)
    if any(is_prose_row(r, pt.boxes) for r in rows if r.runs):
        return True
    if rows and all(_contiguous(r, pt.boxes) for r in rows):
        para = [r for r in pt.paragraph_rows(i) if r.runs and r not in rows]
        return len(para) >= 1 and 2 * sum(is_prose_row(r, pt.boxes) for r in para) >= len(para)
    return False


def _typical(ref: list, pt: PageText, box=None) -> list:
    """Leave out text much smaller than the page's body text (labels printed on boxes, footnote
    marks): it must not set the font size a box is measured by."""
    if not ref:
        return ref
    body = getattr(pt, "_body_size", None)
    if body is None:
        sizes = sorted(c.size for r in pt.rows for run in r.runs for c in run.chars if c.c.strip() and c.size > 0)
        body = sizes[len(sizes) // 2] if sizes else 0.0
        pt._body_size = body
    keep = [c for c in ref if c.size >= 0.75 * body]
    if not keep and box is not None:
        # only small marks beside the box (OCR reading a bar's ragged edge as 'TE' or ';' at 4-6 pt,
        # Chicago 15-7067 p3/p9 subject lines): measure by the nearest line of body-size text instead
        rows = [r for r in pt.rows if any(c.size >= 0.75 * body for run in r.runs for c in run.chars if c.c.strip())]
        keep = [c for c in sz.ref_chars(box, rows, []) if c.size >= 0.75 * body]
    return keep or ref


def _shown(text: str) -> str:
    return " ".join(text.replace(OTHER, SHOWN_OTHER).replace(MARK, SHOWN_MARK).split())


def classify(pt: PageText, i: int, ctx: Context, hkind: str, flow_before: str = "",
             flow_after: str = "") -> tuple[str, str]:
    """(field, evidence) by the rules of :mod:`redactlens.enrich.fields`, first that applies:
    label left of the box, header (or stacked label) above it, a cue phrase in the running text
    right before or after it (read across line breaks in prose), a signature line under it."""
    q = fl.quote
    if ctx.label:
        hit = fl.field_of_label(ctx.label)
        if hit:
            return hit[0], f"label '{q(ctx.label)}' left of the box"
    near = pt.left_run(i)
    if near is not None and pt.boxes[i][0] - near.bbox[2] <= CUE_GAP * max(near.size, 4.0):
        sign = fl.sign_alone(near.text)
        if sign:      # 'Sprint [box] # [box]': a number sign alone before the box
            return sign[0], f"'{sign[1]}' alone right before the box"
    if ctx.header:
        hit = fl.field_of_label(ctx.header)
        if hit:
            where = "label" if hkind == "stacked" else "column header"
            return hit[0], f"{where} '{q(ctx.header)}' above the box"
    head = email_header(pt, i)
    if head:
        return head
    if not ctx.label:
        left = pt.left_run(i)
        b = pt.boxes[i]
        if left is not None and not flow_before and b[0] - left.bbox[2] > CUE_GAP * left.size:
            left = None          # a table cell across a column gap is a value, not a cue
        before = flow_before or (left.text if left else "")
        before = before.rsplit(SHOWN_OTHER, 1)[-1]        # never read a cue across another box
        pre = fl.value_prefix(before)
        if pre:
            return pre[0], f"'{pre[1]}' right before the box"
        hit = fl.cue_before(before) if before.strip() else None
        if hit:
            return hit[0], f"'{hit[1]}' before the box"
        if flow_before:   # running text: a payee or a contact verb, typed only with a second cue
            # the shape of a value is read up to the next box; a company word may lie beyond it
            hit = fl.payee_cue(before, flow_after) or fl.contact_cue(before, flow_after.split(SHOWN_OTHER, 1)[0])
            if hit:
                return hit
        if left is not None and not flow_before and len(left.text.split()) <= 3:
            # outside running text, a short run right before the box that is nothing but a field
            # name is a label printed without a colon ("Acct [box]", "DOB [box]")
            hit = fl.field_of_label(left.text)
            if hit and fl.norm(left.text).strip() == hit[1]:
                return hit[0], f"'{q(left.text)}' right before the box"
        right = pt.right_run(i)
        if right is not None and not flow_after and right.bbox[0] - b[2] > CUE_GAP * right.size:
            right = None
        after = flow_after or (right.text if right else "")
        after = after.split(SHOWN_OTHER, 1)[0]
        hit = fl.cue_after(after) if after.strip() else None
        if hit:
            return hit[0], f"'{q(after, 24)}' after the box"
    below = pt.label_below(i)
    if below and fl.signature_below(below):
        return "signature", f"'{q(below)}' printed under the box"
    if not (flow_before or flow_after) or _taller_than_text(pt, i):
        # (a bar in running text as tall as a signature, at the end of a memo's last paragraph)
        block = signature_block(pt, i)
        if block:
            return "signature", block_evidence(block)
        close = closing_above(pt, i)
        if close:
            return "signature", f"'{q(close)}' printed alone right above a bar as tall as a signature"
    return "unknown", ""


def _body_size(pt: PageText) -> float:
    """The median glyph size of the page's text (the body text), cached on ``pt``."""
    body = getattr(pt, "_body_size", None)
    if body is None:
        sizes = sorted(c.size for r in pt.rows for run in r.runs for c in run.chars if c.c.strip() and c.size > 0)
        body = sizes[len(sizes) // 2] if sizes else 0.0
        pt._body_size = body
    return body


def closing_above(pt: PageText, i: int) -> str:
    """A complimentary close or approval heading (``signature_closings``: "Sincerely,",
    "Respectfully submitted,", "Approvals:", "Approved by:") printed alone on the line right above
    a bar at least ``SIG_TALL`` of its text height tall, starting level with the bar (within
    ``SIG_LEFT`` text heights left of it, not right of its middle): the text of the close, or ''."""
    b = pt.boxes[i]
    rows = pt.rows_of(i)
    top = min([r.top for r in rows] + [b[1]])
    above = [r for r in pt.rows if r.runs and r.bottom <= top + 1.0 and r not in rows]
    if not above:
        return ""
    r0 = max(above, key=lambda r: r.bottom)
    size = max(r0.size, 4.0)
    if top - r0.bottom > SIG_GAP * size + 2 or b[3] - b[1] < max(SIG_MIN_HEIGHT, SIG_TALL * size):
        return ""
    near = [run for run in r0.runs if run.bbox[2] >= b[0] - SIG_LEFT * size and run.bbox[0] <= (b[0] + b[2]) / 2]
    if len(near) != 1:
        return ""
    run = near[0]
    if run.bbox[0] < b[0] - SIG_LEFT * size or not fl.closing(run.text):
        return ""
    return run.text


SIG_STACK_GAP = 2.6            # x text height: bars of one column of signatures lie this close (Chicago
                               # 15-7067 p3/p4: 7-11 pt apart, an 'Approvals:' line between)
SIG_STACK_OVERLAP = 0.4        # x the narrower bar: the bars of one column overlap this much across


def signature_stack(pt: PageText, reds: list[Redaction]) -> list[Redaction]:
    """Layout cue for a column of signatures (an approval chain under a memo): an ``unknown`` bar
    at least ``SIG_TALL`` body text heights tall, outside running text, right above or below a bar
    that another cue typed ``signature``, in the same column (overlapping across by
    ``SIG_STACK_OVERLAP``), with nothing between them but a short label line ("Approvals:") is a
    ``signature`` too.  Bars this rule typed never type others.  New copies."""
    body = _body_size(pt)
    if body <= 0:
        return reds
    typed = [k for k, r in enumerate(reds) if r.field == "signature"]
    if not typed:
        return reds
    out = list(reds)
    for k, r in enumerate(reds):
        a = pt.boxes[k]
        if r.field != "unknown" or r.context.sentence or a[3] - a[1] < max(SIG_MIN_HEIGHT, SIG_TALL * body):
            continue
        if reread_tall(a):
            continue
        for j in typed:
            c = pt.boxes[j]
            ov = min(a[2], c[2]) - max(a[0], c[0])
            if ov < SIG_STACK_OVERLAP * min(a[2] - a[0], c[2] - c[0]):
                continue
            upper, lower = (a, c) if a[1] < c[1] else (c, a)
            gap = lower[1] - upper[3]
            if gap < -2.0 or gap > SIG_STACK_GAP * body:
                continue
            between = [run for row in pt.rows for run in row.runs
                       if run.bbox[1] >= upper[3] - 2.0 and run.bbox[3] <= lower[1] + 2.0
                       and min(run.bbox[2], max(a[2], c[2])) - max(run.bbox[0], min(a[0], c[0])) > 0]
            if len(between) > 1 or any(len(run.text.split()) > 2 for run in between):
                continue
            where = "above" if a is upper else "below"
            label = f" ('{fl.quote(between[0].text)}' between)" if between else ""
            out[k] = replace(r, field="signature",
                             field_evidence=f"tall bar right {where} the signature bar {reds[j].id.rsplit('#', 1)[-1]}"
                                            f" in one column of signatures{label}")
            break
    return out


PAIR_GAP = 1.2                 # x text height: a second box this close after a box is one value with it
                               # (word spacing; a form's next column starts after a gap of several em)
_LABEL_LEFT = re.compile(r"^label '(.+)' left of the box")


def after_labelled_box(pt: PageText, reds: list[Redaction]) -> list[Redaction]:
    """A label types every box of its value: in ``Name: [first] [last]`` the box right after a
    box that a label left of it typed (same line, at word spacing, no text between them, outside
    running text) gets that field too.  Only ``unknown`` boxes change; new copies."""
    out = list(reds)
    order = sorted(range(len(reds)), key=lambda k: (pt.boxes[k][1], pt.boxes[k][0]))
    for k in order:
        r = out[k]
        if r.field != "unknown" or r.context.sentence or r.context.label or r.est_lines:
            continue
        b = pt.boxes[k]
        h = b[3] - b[1]
        for j in order:
            a = pt.boxes[j]
            m = _LABEL_LEFT.match(out[j].field_evidence or "")
            if j == k or out[j].field == "unknown" or not m:
                continue
            ov = min(a[3], b[3]) - max(a[1], b[1])
            gap = b[0] - a[2]
            if ov < 0.6 * min(h, a[3] - a[1]) or gap < -1.0 or gap > PAIR_GAP * max(4.0, min(h, a[3] - a[1])):
                continue
            if any(run.bbox[2] > a[2] - 0.5 and run.bbox[0] < b[0] + 0.5 for row in pt.rows_of(k) for run in row.runs
                   if min(run.bbox[3], b[3]) - max(run.bbox[1], b[1]) > 0):
                continue
            out[k] = replace(r, field=out[j].field,
                             field_evidence=f"right after a box of the label '{m.group(1)}' on its line (one value in two boxes)")
            break
    return out


def reread_tall(b) -> bool:
    from .reread import is_tall
    return is_tall(b)


HEADER_STACK = 2.5             # x line height: the lines of an e-mail header block follow this close


def email_header(pt: PageText, i: int) -> tuple[str, str] | None:
    """A box in the value of a ``From:``/``To:``/``Cc:``/``Bcc:``/``Sent by:`` line of an e-mail
    header block (the key opens the line, left of the box; at least ``min_lines`` key lines --
    ``Subject:``, ``Sent:``, ``Date:`` count -- stacked at the same left edge): ``person_name``,
    or ``email`` when the visible value around the box has the '@' / '<...>' shape.  A value
    showing a company or agency word ("Organized Crime Division") is not typed."""
    rows = pt.rows_of(i)
    if not rows or not rows[0].runs:
        return None
    row, b = rows[0], pt.boxes[i]
    first = min(row.runs, key=lambda r: r.bbox[0])
    if first.bbox[2] > b[0] + 1.0:
        return None
    key = fl.header_key(first.text)
    d = fl.prose_vocab()
    if key not in d["_value_keys"]:
        return None
    text_rows = sorted((r for r in pt.rows if r.runs), key=lambda r: r.top)
    k = next((n for n, r in enumerate(text_rows) if r is row), None)
    if k is None:
        return None
    size = max(row.size, 4.0)

    def is_key_line(r) -> bool:
        f = min(r.runs, key=lambda x: x.bbox[0])
        return abs(f.bbox[0] - first.bbox[0]) <= 2 * size and bool(fl.header_key(f.text))

    n = 1
    for step in (-1, 1):
        j, last = k, row
        while 0 <= j + step < len(text_rows):
            r = text_rows[j + step]
            gap = (last.top - r.bottom) if step < 0 else (r.top - last.bottom)
            if gap > HEADER_STACK * size or not is_key_line(r):
                break
            n, j, last = n + 1, j + step, r
    if n < d["email_header"]["min_lines"]:
        return None
    left, right = pt.left_run(i), pt.right_run(i)
    before = left.text if left else ""
    after = right.text if right else ""
    value = before.split(":", 1)[-1] + " " + after
    org = {w.strip(".") for w in fl._values()["org_words"]}
    if set(fl.norm(value).split()) & org:
        return None
    fld = fl.header_value_field(before, after)
    return fld, f"'{first.text.split(':', 1)[0]}:' line of an e-mail header block ({n} header lines)"


def signature_block(pt: PageText, i: int) -> str:
    """A typed signature block right under the box, from the page's text (see :func:`typed_block`)."""
    lines = [(r.top, r.bottom, r.size, [(run.bbox[0], run.bbox[2], run.text) for run in r.runs])
             for r in pt.rows if r.runs]
    return typed_block(pt.boxes[i], lines)


def typed_block(b, lines) -> str:
    """A typed signature block right under the box ``b``: up to ``SIG_LINES`` short lines starting
    within ``SIG_GAP`` line heights under it, level with it, one of the first two a title or rank
    (``signature_titles``: "Commander", "Deputy Chief", "Lt. ...").  ``lines``: (top, bottom, text
    height, [(x0, x1, text) ...]) from the page's text or from a close reading of the scan
    (:mod:`redactlens.enrich.reread`).  Returns the block's text."""
    if b[3] - b[1] < SIG_MIN_HEIGHT:
        return ""
    out: list[str] = []
    last = b[3]
    first_size = 0.0
    for top, bottom, size, runs in sorted((l for l in lines if l[0] >= b[3] - max(2.0, 0.4 * l[2])), key=lambda l: l[0]):
        size = max(size, SIG_MIN_TEXT)
        if top - last > SIG_GAP * size + 2:
            break
        runs = [run for run in runs if run[0] >= b[0] - SIG_LEFT * size and run[0] <= b[2]
                and run[1] <= b[2] + 0.8 * (b[2] - b[0]) + 6 * size]
        if not runs:
            if out:
                break
            continue
        text = " ".join(run[2] for run in runs)
        if len(text.split()) > 7:
            break
        if not out:
            first_size = size
        out.append(text)
        last = bottom
        if len(out) >= SIG_LINES:
            break
    if out and any(fl.title_in(t) or fl.title_fuzzy(t) for t in out[:SIG_LINES]):
        return " / ".join(out)
    # the name and title lines are often lost to the handwriting crossing them (OCR reads
    # 'Malureen Bigda / Cc anding Qf¥icer'), the unit line under them survives: under a bar as
    # tall as a handwritten signature, a block holding a unit line under a typed line that is no
    # unit line (the name or title, however garbled) is a signature block too.  A unit line right under the bar
    # may mean the bar hides the typed name itself, unless the bar is far taller than a line
    h = b[3] - b[1]
    units = [k for k, t in enumerate(out) if fl.unit_line(t)]
    named = units and any(not fl.unit_line(t) for t in out[:units[-1]])
    if units and h >= SIG_TALL * first_size and (named or h >= SIG_VERY_TALL * first_size) \
            and not any(fl.address_line(t) for t in out):
        return " / ".join(out)
    return ""


def block_evidence(block: str) -> str:
    """The evidence for a bar over a typed signature block (:func:`typed_block`'s text)."""
    lines = block.split(" / ")
    if any(fl.title_in(t) or fl.title_fuzzy(t) for t in lines[:SIG_LINES]):
        return f"above the typed name and title '{fl.quote(block, 48)}'"
    unit = next((t for t in lines if fl.unit_line(t)), lines[-1])
    return f"bar as tall as a signature above a typed block with the unit line '{fl.quote(unit, 40)}'"


SIG_PROSE_HEIGHT = 1.5        # x line height: a bar in running text this tall is over more than a word
                               # (Chicago 15-7067 p4: a 21 pt signature bar ending a 10 pt paragraph)


def _taller_than_text(pt: PageText, i: int) -> bool:
    rows = [r for r in pt.paragraph_rows(i) if r.runs]
    if not rows:
        return True
    sizes = sorted(r.size for r in rows)
    b = pt.boxes[i]
    return b[3] - b[1] >= SIG_PROSE_HEIGHT * sizes[len(sizes) // 2]


def reread_scan(pm, pt: PageText, i: int) -> tuple[str, str] | None:
    """(field, evidence) from a close reading of the scan around a box the page's OCR left
    untyped (:mod:`redactlens.enrich.reread`): a sideways label ending right before a tall bar,
    or a typed signature block under the bar."""
    from . import reread
    if not reread.possible(pm):
        return None
    b = pt.boxes[i]
    q = fl.quote
    if reread.may_be_sideways(b):
        def label_field(text: str):
            f = fl.field_of_label(text)
            return f if f and (text.rstrip().endswith((":", "#")) or fl.norm(text).strip() == f[1]) else None

        hit = reread.sideways_label(pm, i, pt.boxes, accept=lambda t: bool(label_field(t)))
        if hit:
            text, way = hit
            return label_field(text)[0], f"label '{q(text)}' before the box (sideways text reading {way}, read again by OCR)"
        return None
    if b[3] - b[1] < SIG_MIN_HEIGHT:
        return None
    lines = [(l.top, l.bottom, l.size, l.runs) for l in reread.lines_below(pm, i, pt.boxes)]
    block = typed_block(b, lines)
    if block:
        return "signature", block_evidence(block) + " (read again by OCR)"
    return None


# -- exemptions ---------------------------------------------------------------------------------
def assign_exemptions(pt: PageText, i: int, r: Redaction, lists: list[dict], pm) -> None:
    """Codes from the box's own label, else a code label right next to it, else a margin code
    level with it, else a page note covering every redaction of the page, else the page's
    footer/header list (weakest).  No code -> empty list."""
    folders = pm.settings.exemption_tables
    if r.label:
        codes = ex.parse_codes(r.label, folders)
        if codes:
            r.exemptions, r.exemption_source = codes, "label"
            return
    adj = adjacent_label(pt, i, folders)
    if adj:
        r.exemptions, r.exemption_source = ex.parse_codes(adj, folders), "adjacent"
        r.exemption_text = adj
        if not r.label:
            r.label = adj
        return
    box = pt.boxes[i]
    level = [l for l in lists if l["where"] == "margin" and _near_level(l["bbox"], box)]
    if level:
        best = min(level, key=lambda l: abs((l["bbox"][1] + l["bbox"][3]) - (box[1] + box[3])))
        r.exemptions, r.exemption_source, r.exemption_text = list(best["codes"]), "margin", best["text"]
        return
    notes = [l for l in lists if l["where"] == "note"]
    if notes:   # a note saying its codes cover every redaction of the page
        codes = []
        for l in notes:
            codes += [c for c in l["codes"] if c not in codes]
        r.exemptions, r.exemption_source = codes, "note"
        r.exemption_text = " | ".join(l["text"] for l in notes)
        return
    page_wide = [l for l in lists if l["where"] in ("footer", "header")]
    if page_wide:
        codes: list[str] = []
        for l in page_wide:
            codes += [c for c in l["codes"] if c not in codes]
        r.exemptions = codes
        r.exemption_source = page_wide[0]["where"]
        r.exemption_text = " | ".join(l["text"] for l in page_wide)


def _near_level(lb, box) -> bool:
    """A margin code is level with a box when their vertical extents overlap (with a quarter of
    the code's height of slack)."""
    h = max(4.0, min(lb[3] - lb[1], 14.0))
    return lb[1] <= box[3] + MARGIN_SLACK * h and lb[3] >= box[1] - MARGIN_SLACK * h


def adjacent_label(pt: PageText, i: int, folders: tuple[str, ...] = ()) -> str:
    """A code list printed right next to the box: the run just right or left of it on its line
    (within 3 em), or the text directly under/above it within about a line, overlapping it."""
    b = pt.boxes[i]
    for run in (pt.right_run(i), pt.left_run(i)):
        if run is None:
            continue
        gap = max(run.bbox[0] - b[2], b[0] - run.bbox[2])
        if gap <= 3.0 * run.size and ex.is_code_list(run.text, folders):
            return run.text
    for r in pt.rows:
        if not r.runs:
            continue
        below = 0 <= r.top - b[3] <= 1.2 * r.size + 1
        above = 0 <= b[1] - r.bottom <= 0.8 * r.size + 1
        if not (below or above):
            continue
        for run in r.runs:
            ov = min(run.bbox[2], b[2]) - max(run.bbox[0], b[0])
            if ov > 0 and run.bbox[0] >= b[0] - 2 * run.size and run.bbox[2] <= b[2] + 2 * run.size \
                    and ex.is_code_list(run.text, folders):
                return run.text
    return ""


def page_code_lists(pt: PageText, pm) -> list[dict]:
    """Code lists printed on the page outside the boxes: in a margin (a run outside the text
    column) or in the footer/header band.  Only runs that are nothing but a code list count."""
    out = []
    folders = pm.settings.exemption_tables
    text_rows = [r for r in pt.rows if r.runs]
    if not text_rows:
        return out
    # the main text column: where most runs start/end
    xs0 = sorted(run.bbox[0] for r in text_rows for run in r.runs)
    xs1 = sorted(run.bbox[2] for r in text_rows for run in r.runs)
    col0 = xs0[len(xs0) // 10] if xs0 else 0.0
    col1 = xs1[len(xs1) * 9 // 10] if xs1 else pm.width
    H = pm.height
    for r in text_rows:
        in_footer = r.top >= (1 - FOOTER_SHARE) * H
        in_header = r.bottom <= HEADER_SHARE * H
        rest = []
        for run in r.runs:
            outside = run.bbox[0] >= col1 - 2 or run.bbox[2] <= col0 + 2 or \
                run.bbox[0] >= 0.82 * pm.width or run.bbox[2] <= 0.18 * pm.width
            if outside and ex.is_code_list(run.text, folders):
                out.append({"where": "margin", "text": run.text, "codes": ex.parse_codes(run.text, folders),
                            "bbox": run.bbox})
            else:
                rest.append(run)
        row_text = " ".join(run.text for run in rest)
        if rest and (in_footer or in_header) and ex.is_code_list(row_text, folders):
            out.append({"where": "footer" if in_footer else "header", "text": row_text,
                        "codes": ex.parse_codes(row_text, folders), "bbox": g.union(run.bbox for run in rest)})
        elif rest:
            codes = note_codes(row_text, folders)
            if codes:
                out.append({"where": "note", "text": row_text, "codes": codes,
                            "bbox": g.union(run.bbox for run in rest)})
    return out

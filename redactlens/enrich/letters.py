"""Cover and response letters: which section of the law the release cites for which information.

Agencies often print no code on the boxes but say in the letter that comes with the release which
section covers which kind of information ("Information withheld under §7(1)(b) is officers'
signatures").  This stage reads such letters and applies them to the boxes of the document (and,
in a batch, of the other documents of the same request):

* :func:`read_letters` -- the *claims* of each letter page: ``{"page", "codes", "fields", "text",
  "request"}``.  Only sentences that say something was withheld (``withholding`` words of
  ``redactlens/data/letter_terms.json``) and cite a section a jurisdiction table knows count; a
  citation in any other sentence (judicial review under 5 ILCS 140/11, a court rule) is not an
  exemption.  ``fields`` are the kinds of information the sentence names (``kinds``).
* :func:`apply_letters` -- new redactions: a box of a field a claim names gets that claim's codes;
  a box of another known field gets the sections the letter ties to no field ("by elimination");
  when the letter cites one set of sections only, every box gets it.  Boxes that already carry
  codes printed on or next to them keep those.  ``exemption_basis`` is ``letter`` and
  ``exemption_page`` the letter's page.

:func:`letter_texts` gets the text of the pages that may be a letter (the first
``LETTER_PAGES`` pages without boxes; a scanned letter is OCR'd, which is why it takes the open
document).
"""
from __future__ import annotations

import json
import re
from dataclasses import replace
from functools import lru_cache
from importlib import resources

import numpy as np

from ..errors import MUPDF_ERRORS
from ..model import Redaction
from . import exemptions as ex

#: a cover/response letter is one of the first pages of a release (the 15-6523/15-7067 letters are
#: pages 1-2; the 14-5298 letter is pages 1-5): pages beyond this are not read as letters
LETTER_PAGES = 5
#: a page is a letter when at least this many ``letter`` words occur (one "FOIA" alone is a header)
LETTER_WORDS = 2


@lru_cache(maxsize=1)
def terms() -> dict:
    f = resources.files("redactlens").joinpath("data").joinpath("letter_terms.json")
    return json.loads(f.read_text(encoding="utf-8"))


def _has(text: str, words) -> list[str]:
    low = " " + " ".join(re.sub(r"[^a-z0-9'\-]+", " ", text.lower().replace("\u2019", "'")).split()) + " "
    return [w for w in words if " " + w + " " in low]


def is_letter(text: str) -> bool:
    return len(_has(text, terms()["letter"])) >= LETTER_WORDS


# a section printed with its sub-paragraphs, then siblings: "§7(1)(d)(v) and (vi)", "(v)(vi)" [sic]
_CITE = re.compile(r"(?<![A-Za-z0-9./])(\d+(?:\.\d+)?(?:\s*\(\s*[0-9A-Za-z]{1,4}\s*\))+)"
                   r"((?:\s*(?:,|and|or|&)?\s*\(\s*[ivxa-z]{1,4}\s*\)(?:\s*\(\s*[ivxa-z]{1,4}\s*\))?)*)")


def sentence_codes(sentence: str, folders: tuple[str, ...] = ()) -> list[str]:
    """Normalised sections cited in one sentence of a letter (known to a table only)."""
    sentence = re.sub(r"§+\s*", " ", sentence)      # "§7(1)(b)": the section mark is not part of it
    codes = ex.parse_codes(sentence, folders)
    # sibling sub-paragraphs after a full citation: "7(1)(d)(v) and (vi)" -> 7(1)(d)(vi)
    for m in _CITE.finditer(sentence):
        base = re.sub(r"\s+", "", m.group(1))
        head = base[: base.rfind("(")]
        for sib in re.finditer(r"(\(\s*[ivxa-z]{1,4}\s*\))(?:\s*(\(\s*[ivxa-z]{1,4}\s*\)))?", m.group(2) or ""):
            part = re.sub(r"\s+", "", sib.group(2) or sib.group(1))   # "(v)(vi)": the last one is meant
            for c in ex.parse_codes(head + part, folders) if _bare_ok(head + part, folders) else []:
                if c not in codes:
                    codes.append(c)
    # a parent next to its own sub-paragraph says nothing more ("7(1)(d)" and "7(1)(d)(v)")
    return [c for c in codes if not any(o != c and o.startswith(c + "(") for o in codes)]


def _bare_ok(code: str, folders) -> bool:
    return any(t.get("bare") and code in t.get("codes", {}) for t in ex.tables(folders))


def _sentences(text: str) -> list[str]:
    flat = " ".join(text.split())
    return [s for s in re.split(r"(?<=[.!?;])\s+(?=[A-Z0-9§\"(])", flat) if s.strip()]


def _fields(sentence: str) -> list[str]:
    out = []
    for fld, words in terms()["kinds"].items():
        if _has(sentence, sorted(words, key=len, reverse=True)):
            out.append(fld)
    return out


def read_letters(pages: list[tuple[int, str]], folders: tuple[str, ...] = ()) -> list[dict]:
    """The claims of the letter pages among ``pages`` ((number, text) pairs)."""
    claims: list[dict] = []
    req = re.compile(terms()["request_number"], re.I)
    kept, prev = [], -9
    for n, t in sorted(pages):
        if t and (is_letter(t) or n == prev + 1):     # a letter's next page continues it
            kept.append((n, t))
            prev = n
    pages = kept
    request = next((m.group(1) for _, t in pages for m in [req.search(t)] if m), "")
    seq = [(number, s) for number, text in pages for s in _sentences(text)]
    at: list[int] = []            # the index in seq of each claim
    for k, (number, s) in enumerate(seq):
        if not _has(s, terms()["withholding"]):
            continue
        codes = sentence_codes(s, folders)
        if codes:
            claims.append({"page": number, "codes": codes, "fields": _fields(s),
                           "text": s[:300], "request": request})
            at.append(k)
    _attach_kinds(seq, claims, at, folders)
    return claims


#: sentences: a sentence that names what was withheld without citing a section ("Therefore, the
#: Chicago Police Department properly redacted signatures") belongs to a claim this close
KIND_REACH = 3


def _attach_kinds(seq: list[tuple[int, str]], claims: list[dict], at: list[int], folders) -> None:
    """Kinds of information named in withholding sentences that cite no section go to the claim
    they explain (Chicago PD 15-4684: "First, social security numbers ... and signatures are exempt
    and have been redacted. The redacted information is exempt ... under 5 ILCS 140/7(1)(b) ...
    Therefore, the Chicago Police Department properly redacted signatures"): a sentence opening with
    a conclusion word (``letter_terms.json`` ``conclusion``: "Therefore", "As such") to the claim
    before it, any other to the claim after it, else the one before; within :data:`KIND_REACH`
    sentences, never across another such claim."""
    if not claims:
        return
    concl = tuple(w.lower() for w in terms().get("conclusion", []))
    for k, (_number, s) in enumerate(seq):
        if k in at or not _has(s, terms()["withholding"]) or sentence_codes(s, folders):
            continue
        kinds = _fields(s)
        if not kinds:
            continue
        before = [j for j, a in enumerate(at) if a < k]
        after = [j for j, a in enumerate(at) if a > k]
        prev = before[-1] if before and k - at[before[-1]] <= KIND_REACH else None
        nxt = after[0] if after and at[after[0]] - k <= KIND_REACH else None
        opens = " ".join(s.lower().split()[:2])
        if any(opens.startswith(w) for w in concl):
            j = prev
        else:
            j = nxt if nxt is not None else prev
        if j is None:
            continue
        c = claims[j]
        c["fields"] = c["fields"] + [f for f in kinds if f not in c["fields"]]
        c.setdefault("kind_text", []).append(s[:300])


def mapping(claims: list[dict]) -> tuple[dict[str, list[str]], list[str], dict[str, int]]:
    """(field -> codes tied to it, codes tied to no field, code -> letter page)."""
    tied: dict[str, list[str]] = {}
    page: dict[str, int] = {}
    for c in claims:
        for code in c["codes"]:
            page.setdefault(code, c["page"])
        for f in c["fields"]:
            tied.setdefault(f, [])
            tied[f] += [x for x in c["codes"] if x not in tied[f]]
    tied_codes = {x for v in tied.values() for x in v}
    rest: list[str] = []
    for c in claims:
        if not c["fields"]:
            rest += [x for x in c["codes"] if x not in tied_codes and x not in rest]
    return tied, rest, page


#: kinds of information that never stand inside a sentence: an unknown box in running text is not
#: one of them, so a letter's sections for "the rest" cover it
LAYOUT_FIELDS = frozenset({"signature"})


def _in_prose(r: Redaction) -> bool:
    """The box sits inside running text: a sentence was read around it, or text on both sides --
    and it is wider than tall (a bar taller than wide crosses lines: the sideways 'Signature:' bar
    of a RECEIVED stamp has text of the lines it crosses on both sides, Chicago 15-7067 p6)."""
    c = r.context
    b = r.bbox
    if b[3] - b[1] >= b[2] - b[0]:
        return False
    return bool(c.sentence) or bool(c.before.strip() and c.after.strip())


#: a one-line box ends at least this far (pt, two 12 pt lines) above the top of a signature the page's
#: cues typed: it lies in the body the signature closes, not in the signature block (a small bar beside
#: the typed name under a signature lies within this distance: Chicago 15-6523 p7, 15-7067 p13)
ABOVE_SIGNATURE = 24.0


def _above_signature(r: Redaction, reds: list[Redaction]) -> bool:
    """An untyped box one text line tall (a character count, no line count), wider than tall (not
    a sideways stamp bar), ending ``ABOVE_SIGNATURE`` above the top of a box of its page typed
    ``signature``: a line of the body the signature closes, which a signature's section cannot
    cover."""
    b = r.bbox
    if r.est_lines or not r.est_chars or b[3] - b[1] >= b[2] - b[0]:
        return False
    return any(o.page == r.page and o.field in LAYOUT_FIELDS and o.id != r.id
               and b[3] + ABOVE_SIGNATURE <= o.bbox[1] for o in reds)


def apply_letters(reds: list[Redaction], claims: list[dict], where: str = "") -> list[Redaction]:
    """New redactions with the letter's sections on the boxes of the fields it names (see the
    module docstring).  ``where`` names the letter's document when it is another one."""
    if not claims:
        return list(reds)
    tied, rest, page = mapping(claims)
    # every code once, in the order the letter gives them (a set here made the order of a box's
    # codes differ from one run to the next: string hashes are salted per process)
    all_codes = list(dict.fromkeys(x for c in claims for x in c["codes"]))
    one = len({tuple(v) for v in tied.values()} | ({tuple(rest)} if rest else set())) == 1
    src = f" of {where}" if where else ""
    out = []
    for r in reds:
        if r.exemptions:
            out.append(r)
            continue
        codes, why = [], ""
        if r.field in tied:
            codes, why = tied[r.field], f"the letter ties them to {r.field}"
        elif one:
            codes, why = all_codes, "the letter cites them for every redaction"
        elif rest and r.field not in ("unknown", "") and r.field not in tied:
            codes, why = rest, "by elimination: the letter ties its other sections to other information"
        elif rest and r.field in ("unknown", "") and set(tied) <= LAYOUT_FIELDS and _in_prose(r):
            codes, why = rest, (f"by elimination: the letter ties its other sections to {', '.join(sorted(tied))}, "
                                "which never stands inside a sentence, and this box does")
        elif rest and r.field in ("unknown", "") and set(tied) <= LAYOUT_FIELDS and _above_signature(r, reds):
            codes, why = rest, (f"by elimination: the letter ties its other sections to {', '.join(sorted(tied))}, "
                                "and this one-line box lies in the body above the page's signature")
        if not codes:
            out.append(r)
            continue
        p = min(page[c] for c in codes)
        out.append(replace(r, exemptions=list(codes), exemption_source="letter", exemption_basis="letter",
                           exemption_page=p, exemption_text=f"response letter{src} page {p}: {why}"))
    return out


def letter_texts(doc, settings, reds: list[Redaction]) -> list[tuple[int, str]]:
    """(page, text) of the first pages without boxes, when some box of the document has no code:
    the text layer, else (a scan) the words OCR reads, unless OCR is off."""
    if not reds or all(r.exemptions for r in reds):
        return []
    boxed = {r.page for r in reds}
    out = []
    for pno in range(min(LETTER_PAGES, doc.page_count)):
        if pno + 1 in boxed:
            continue
        try:
            page = doc[pno]
            text = page.get_text()
        except MUPDF_ERRORS:      # a page a hostile file breaks is no letter
            continue
        if not text.strip() and settings.ocr != "off":
            text = _ocr_text(page, settings)
        out.append((pno + 1, text))
    # the pages' reads run in the OCR threads while the next pages render (redactlens.ocr)
    return [(p, t if isinstance(t, str) else _ocr_lines(t, settings)) for p, t in out]


def _ocr_text(page, settings):
    """The page rendered and its words read (a future of them), or "" when it cannot be."""
    import cv2

    from .. import ocr
    from ..render import capped_dpi, render_gray
    if not ocr.available(settings):
        return ""
    r = page.rect
    try:
        dpi = capped_dpi(r.width, r.height, settings.ocr_dpi, settings.max_render_pixels)
        gray, _, _ = render_gray(page, dpi=dpi, annots=False)
    except (ocr.OcrFailed, cv2.error) + MUPDF_ERRORS:
        return ""
    # the read runs in the OCR threads while the next pages render (redactlens.ocr)
    return gray, dpi, ocr.read_words_later(gray, dpi, settings)


def _ocr_lines(pending, settings) -> str:
    """The text of a page read by :func:`_ocr_text` (its image, resolution and future words)."""
    import cv2

    from .. import ocr
    gray, dpi, future = pending
    try:
        text = _words_text(future.result())
        # a letter scanned upside down or sideways reads as gibberish: the turn that reads most
        # common words wins (16-0007: both letter pages scanned upside down)
        if not is_letter(text) and _common_share(text) < READABLE:
            for turn in (2, 1, 3):
                other = _words_text(ocr.read_words(np.ascontiguousarray(np.rot90(gray, turn)), dpi, settings))
                if _common_share(other) > max(_common_share(text), READABLE):
                    text = other
                    if is_letter(text):
                        break
    except (ocr.OcrFailed, cv2.error):
        return ""
    return text


#: share of the words of a page that are common English words (``letter_terms.json`` ``common``)
#: below which the page is read again turned: an upright letter reads 0.25-0.40, the upside-down
#: 16-0007 letter page 0.02
READABLE = 0.12


def _common_share(text: str) -> float:
    words = re.findall(r"[a-z]+", text.lower())
    if len(words) < 20:
        return 1.0          # too little text to tell: not read again
    common = set(terms().get("common", []))
    return sum(w in common for w in words) / len(words)


def _words_text(words) -> str:
    lines: dict[tuple, list[str]] = {}
    for w in words:
        lines.setdefault(w.line, []).append(w.text)
    return "\n".join(" ".join(v) for _, v in sorted(lines.items()))


def release_letters(doc, settings, reds: list[Redaction]) -> tuple[list[Redaction], list[dict]]:
    """The document-level stage: (new redactions, the letter's claims)."""
    claims = read_letters(letter_texts(doc, settings, reds), settings.exemption_tables)
    return apply_letters(reds, claims), claims


def apply_release(docs: list) -> list:
    """Batch level: a document without a letter of its own gets the letter of another document of
    the same request (its request/file number is in the other's file name or its letter names the
    same number).  New reports; a document with its own letter, or no request match, is as it was."""
    letters = [(d, d.exemption_letters) for d in docs if d.exemption_letters]
    if not letters:
        return list(docs)
    out = []
    for d in docs:
        if d.exemption_letters or not d.redactions:
            out.append(d)
            continue
        name = re.sub(r"\s+", "", str(d.path).rsplit("/", 1)[-1])
        match = [(o, cl) for o, cl in letters
                 if any(c["request"] and re.search(r"(?<!\d)" + re.escape(c["request"]) + r"(?!\d)", name) for c in cl)]
        if len(match) != 1:
            out.append(d)
            continue
        o, cl = match[0]
        out.append(replace(d, redactions=apply_letters(d.redactions, cl, where=str(o.path).rsplit("/", 1)[-1])))
    return out

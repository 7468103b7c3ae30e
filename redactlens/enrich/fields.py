"""Which kind of information a redaction hides, with the evidence for it.

All rules live here, in priority order (first that applies wins); the words they use live in
``redactlens/data/field_labels.json``:

1. a key:value label left of the box on its line ("Suspect Name:") that names a field;
2. a column header above the box ("DOB" in a table header row), or a ``Label:`` stacked directly
   above a box that starts its line;
3. a cue phrase in running text ending right before the box ("residing at") or starting right
   after it ("... stated");
4. a box covering several lines of a paragraph (or a whole page): ``narrative``;
5. "Signature" printed directly under the box: ``signature``;
6. otherwise ``unknown`` -- no guess is better than a wrong one.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def vocab() -> dict:
    f = resources.files("redactlens").joinpath("data").joinpath("field_labels.json")
    return json.loads(f.read_text(encoding="utf-8"))


def norm(text: str) -> str:
    t = text.lower().replace("\u2019", "'")
    t = re.sub(r"[^a-z0-9#]+", " ", t)
    t = re.sub(r"#", " # ", t)
    return " " + " ".join(t.split()) + " "


@lru_cache(maxsize=1)
def _label_rules() -> list[tuple[str, list[str]]]:
    return [(r["field"], sorted({norm(t) for t in r["terms"]}, key=len, reverse=True), bool(r.get("exact")))
            for r in vocab()["rules"]]


def field_of_label(text: str) -> tuple[str, str] | None:
    """(field, matched term) for a label or column header, or None."""
    t = norm(text)
    if len(t.split()) > 8:
        return None
    for fld, terms, exact in _label_rules():
        for term in terms:
            if (t == term) if exact else (term in t):
                return fld, term.strip()
    return None


def is_field_header(text: str) -> bool:
    return field_of_label(text) is not None


@lru_cache(maxsize=1)
def _cues(kind: str) -> list[tuple[str, str]]:
    out = []
    for r in vocab()[kind]:
        for p in r["phrases"]:
            out.append((r["field"], norm(p).strip()))
    out.sort(key=lambda t: -len(t[1]))
    return out


def cue_before(text: str) -> tuple[str, str] | None:
    """A cue phrase ending ``text`` (the running text just before a box)."""
    t = norm(text).strip()
    if not t:
        return None
    for fld, phrase in _cues("cues_before"):
        if t == phrase or t.endswith(" " + phrase):
            return fld, phrase
    return None


def cue_after(text: str) -> tuple[str, str] | None:
    raw = text.strip()
    if raw.startswith(("'s", "\u2019s")):
        return "person_name", "'s"
    t = norm(raw).strip()
    if not t:
        return None
    for fld, phrase in _cues("cues_after"):
        if phrase == "s":
            continue
        if t == phrase or t.startswith(phrase + " "):
            return fld, phrase
    return None


def signature_below(text: str) -> bool:
    t = norm(text).strip()
    return any(t == norm(w).strip() or t.startswith(norm(w).strip() + " ") for w in vocab()["signature_below"])


def quote(text: str, n: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "\u2026"


@lru_cache(maxsize=1)
def _titles() -> list[str]:
    return sorted({norm(t).strip() for t in vocab().get("signature_titles", [])}, key=len, reverse=True)


def title_in(text: str) -> str:
    """A title or rank of a typed signature block at the start or end of a short line
    ("Deputy Chief", "Commander", "Lt. Maureen Biggane"), or ''."""
    t = norm(text).strip()
    if not t or len(t.split()) > 7:
        return ""
    stop = {norm(x).strip() for x in vocab().get("signature_title_not_before", [])}
    words = t.split()
    for k in range(len(words) - 1):
        if words[k + 1] in stop:      # 'P.O. Box 6463': an address line, no title in it
            return ""
    for w in _titles():
        if t == w or t.startswith(w + " ") or t.endswith(" " + w) or (" " + w + " ") in (" " + t + " ") and len(t.split()) <= 4:
            return w
    return ""


#: OCR of a title crossed by handwriting ('ergeaént' for 'Sergeant', Chicago 15-6523 p9): a word of a
#: short line this similar (difflib ratio) to a one-word title of at least FUZZY_MIN letters is that
#: title; 'efgeant' (0.80) and 'Offices'/'Officer' (0.86 at 7 letters) show the margins
FUZZY_RATIO = 0.85
FUZZY_MIN = 8


def title_fuzzy(text: str) -> str:
    """A one-word title (``signature_titles``) of at least ``FUZZY_MIN`` letters read with an OCR
    slip in a line of at most two words (a title, or a name and a title; not its plural), or ''."""
    import unicodedata
    from difflib import SequenceMatcher
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    words = norm(plain).split()
    if not words or len(words) > 2:     # a title alone, or a name and a title
        return ""
    titles = [t for t in _titles() if " " not in t and len(t) >= FUZZY_MIN]
    for w in words:
        if len(w) < FUZZY_MIN - 1 or w.rstrip("s") in titles:   # 'investigators': a plural is prose
            continue
        for t in titles:
            if SequenceMatcher(None, w, t).ratio() >= FUZZY_RATIO:
                return t
    return ""


@lru_cache(maxsize=1)
def _units() -> frozenset:
    return frozenset(norm(t).strip() for t in vocab().get("signature_units", []))


def unit_line(text: str) -> str:
    """The unit word of the unit line of a typed signature block ("Bureau of Organized Crime",
    "Unit 188", "Vice/Asset Forfeiture Division", "C/O Administration"): a short line (at most six
    words) starting or ending with a word of ``signature_units``; else ''."""
    words = norm(text).split()
    words = [w for w in words if w != "#"]
    if not words or len(words) > 6:
        return ""
    units = _units()
    for w in (words[0], words[-1], " ".join(words[-2:]), " ".join(words[:2])):
        if w in units:
            return w
    return ""


def address_line(text: str) -> bool:
    """The line holds a word of an address (``signature_block_address_words``: 'Avenue', 'Suite',
    'P.O. Box'): a block holding it is an address block, not a signature block."""
    t = norm(text)
    return any(" " + norm(w).strip() + " " in t for w in vocab().get("signature_block_address_words", []))


def closing(text: str) -> str:
    """A complimentary close or approval heading printed alone on a line above a signature
    ("Sincerely,", "Respectfully submitted,", "Approvals:", "Approved by:"), normalised; else ''."""
    t = norm(text).strip()
    terms = {norm(x).strip() for x in vocab().get("signature_closings", [])}
    return t if t in terms else ""


@lru_cache(maxsize=1)
def _values() -> dict:
    f = resources.files("redactlens").joinpath("data").joinpath("value_patterns.json")
    d = json.loads(f.read_text(encoding="utf-8"))
    d["_compiled"] = [(p["field"], re.compile(p["re"], re.I)) for p in d["patterns"]]
    return d


#: recovered text longer than this many words is prose (or several values): no field from it alone
VALUE_MAX_WORDS = 8


def field_of_text(text: str) -> tuple[str, str] | None:
    """(field, why) of recovered withheld text when its form says what it is: an e-mail address,
    an SSN, a phone number, an amount, a date, a code with digits (id_number), a capitalised
    phrase ending in a company word (organization), a title then capitalised words (person_name).
    None when the form says nothing (a bare capitalised phrase may be a name or a firm).
    Text of several lines (a box down a table column) whose every line alone has the form of one
    field is that field ('CVCS245285' / 'CVCS245293' / ...: id_number)."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if len(lines) >= 2:
        hits = [field_of_text(ln) for ln in lines]
        if all(hits) and len({h[0] for h in hits}) == 1 and "every" not in hits[0][1]:
            return hits[0][0], f"{hits[0][1]} on every one of its {len(lines)} lines"
    t = " ".join(text.split()).strip(" .,;:()")
    d = _values()
    if is_clause(t):
        return "narrative", f"form of a clause of prose ({len(t.split())} words)"
    if not t or len(t.split()) > VALUE_MAX_WORDS:
        return None
    for fld, rx in d["_compiled"]:
        if rx.fullmatch(t):
            return fld, "form of " + fld.replace("_", " ")
    words = t.split()
    while len(words) > 1 and words[-1].lower() in d["trailing_words"]:   # "... Co. Ltd. in" (cut sentence)
        words = words[:-1]
    low = [w.lower().strip(",") for w in words]
    caps = all(w[:1].isupper() or w[:1].isdigit() or w.lower() in ("of", "and", "&", "the", "in", "de") for w in words)
    if caps and len(words) >= 2 and any(w in d["org_words"] for w in low[1:] + [low[-1]]) and not \
            any(ch.isdigit() for ch in t):
        return "organization", "a company/agency word"
    if caps and len(words) >= 2 and low[0] in d["name_titles"] and 1 <= len(words) - 1 <= 3 and \
            all(w[:1].isupper() for w in words[1:]) and not any(ch.isdigit() for ch in t):
        return "person_name", f"'{words[0]}' before capitalised words"
    return None


#: recovered text of at least this many words, with CLAUSE_FUNCTION function words (two of them
#: different) and at least as many lowercase content words as capitalised ones, is a clause of prose: Elco p4 'Due to the small size of the 6ET series fuse' (10 words,
#: 4 function words); the titles and values under the real boxes hold at most one ('Laboratory Data
#: Package for Project No. 4787609954', 'Hong Hu Bluelight Electronic Co. Ltd. in Honghu')
CLAUSE_MIN_WORDS = 6
CLAUSE_FUNCTION = 3


def is_clause(text: str) -> bool:
    """``text`` reads as a clause of running text (``value_patterns.json`` ``clause_words``)."""
    words = [w.strip(".,;:()\"'“”’").lower() for w in text.split()]
    if len(words) < CLAUSE_MIN_WORDS:
        return False
    fw = set(_values().get("clause_words", []))
    hits = [w for w in words if w in fw]
    if len(hits) < CLAUSE_FUNCTION or len(set(hits)) < 2:
        return False
    # and lowercase content words, as many as capitalised ones: 'Department of the Treasury of the
    # State of New York' is a name with function words in it, not a clause
    raw = [w.strip(".,;:()\"'“”’") for w in text.split()]
    content = [w for w in raw if w.isalpha() and w.lower() not in fw]
    low = sum(1 for w in content if w[:1].islower())
    return low >= 2 and low >= len(content) - low


# -- prose cues of redactlens/data/prose_cues.json ----------------------------------------------
@lru_cache(maxsize=1)
def prose_vocab() -> dict:
    f = resources.files("redactlens").joinpath("data").joinpath("prose_cues.json")
    d = json.loads(f.read_text(encoding="utf-8"))
    c = d["contact"]
    d["_contact"] = {k: re.compile(c[k], re.I) for k in ("email_after", "email_before", "phone_after", "phone_before")}
    d["_verbs"] = sorted({norm(v).strip() for v in c["verbs"]}, key=len, reverse=True)
    p = d["payee"]
    d["_payee"] = sorted({norm(v).strip() for v in p["phrases"]}, key=len, reverse=True)
    d["_payee_before"] = sorted({norm(v).strip() for v in p["needs_before"]}, key=len, reverse=True)
    d["_company"] = {norm(v).strip() for v in p["company_cues"]}
    h = d["email_header"]
    d["_keys"] = sorted({norm(v).strip() for v in h["keys"]}, key=len, reverse=True)
    d["_value_keys"] = {norm(v).strip() for v in h["value_keys"]}
    return d


def _ends_with(text: str, phrases: list[str]) -> str:
    t = norm(text).strip()
    for p in phrases:
        if t == p or t.endswith(" " + p):
            return p
    return ""


_SENTENCE_END = re.compile(r"[.!?]\s+(?=[A-Z\[\u2588\u2592])")


def _company_words(text: str) -> set[str]:
    return set(norm(text).split()) & prose_vocab()["_company"]


def payee_cue(before: str, after: str) -> tuple[str, str] | None:
    """("organization", why) for a box right after a payee phrase ("made payable to", "invoice
    from") when a company cue ("invoice", "services", "Inc") is in the box's sentence before it or
    in the first words after it; for "addressed to" only when the cue is in the sentence before.
    No company cue: None (a check can be payable to a person)."""
    d = prose_vocab()
    sent = _SENTENCE_END.split(before)[-1]
    phrase = _ends_with(sent, d["_payee"])
    if phrase:
        words = _company_words(sent[: max(0, len(sent) - len(phrase) - 1)]) | \
            _company_words(" ".join(after.split()[: d["payee"]["company_window"]]))
    else:
        phrase = _ends_with(sent, d["_payee_before"])
        if not phrase:
            return None
        words = _company_words(sent)
    if not words:
        return None
    return d["payee"]["field"], f"'{phrase}' before the box, '{sorted(words)[0]}' in its sentence"


def contact_cue(before: str, after: str) -> tuple[str, str] | None:
    """(phone|email, why) for a box after a contact verb ("called", "e-mailed", "reached at") when the
    visible remainder of the value has that shape: an '@', '<' or mail domain next to the box is an
    e-mail, a trailing '-0188' / 'ext. 12' or a leading '(312)' a phone.  No shape: None."""
    d = prose_vocab()
    rx = d["_contact"]
    fld, m = "", None
    if rx["email_before"].search(before) or rx["email_after"].search(after):
        fld = "email"
        m = rx["email_before"].search(before)
    elif rx["phone_before"].search(before) or rx["phone_after"].search(after):
        fld = "phone"
        m = rx["phone_before"].search(before)
    if not fld:
        return None
    rest = before[: m.start()] if m else before
    verb = _ends_with(rest, d["_verbs"])
    if not verb:
        return None
    return fld, f"'{verb}' before the box, the visible part of the value has the shape of {'an e-mail' if fld == 'email' else 'a phone number'}"


def header_key(text: str) -> str:
    """The e-mail header key opening ``text`` ("From:", "Cc:", "Sent by:"), normalised, or ''.
    The key must be followed by a colon."""
    m = re.match(r"\s*([A-Za-z][A-Za-z \-]{0,14}?)\s*:", text)
    if not m:
        return ""
    k = norm(m.group(1)).strip()
    return k if k in prose_vocab()["_keys"] else ""


def header_value_field(before: str, after: str) -> str:
    """The field of a box in the value of a From/To/Cc line: email when the visible value around it
    has the '@' / '<...>' shape, else person_name."""
    rx = prose_vocab()["_contact"]
    if rx["email_before"].search(before) or rx["email_after"].search(after):
        return "email"
    return "person_name"


def value_prefix(before: str) -> tuple[str, str] | None:
    """(field, sign) when the text right before the box ends with a sign that opens a value of one
    field (``prose_cues.json`` ``value_prefixes``: a currency sign -> ``amount``), or None."""
    t = before.rstrip()
    if not t:
        return None
    for fld, signs in prose_vocab().get("value_prefixes", {}).items():
        if fld.startswith("_"):
            continue
        for sign in sorted(signs, key=len, reverse=True):
            if t.endswith(sign):
                return fld, sign
    return None


def sign_alone(run_text: str) -> tuple[str, str] | None:
    """(field, sign) when the run right before the box is nothing but a sign that opens a value of
    one field (``prose_cues.json`` ``value_signs_alone``: ``#`` -> ``id_number``), or None."""
    t = run_text.strip()
    for fld, signs in prose_vocab().get("value_signs_alone", {}).items():
        if not fld.startswith("_") and t in signs:
            return fld, t
    return None

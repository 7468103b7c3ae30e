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
    for w in _titles():
        if t == w or t.startswith(w + " ") or t.endswith(" " + w) or (" " + w + " ") in (" " + t + " ") and len(t.split()) <= 4:
            return w
    return ""


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
    None when the form says nothing (a bare capitalised phrase may be a name or a firm)."""
    t = " ".join(text.split()).strip(" .,;:()")
    if not t or len(t.split()) > VALUE_MAX_WORDS:
        return None
    d = _values()
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

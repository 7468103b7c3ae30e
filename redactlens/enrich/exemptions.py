"""Reading exemption codes printed on, next to or around redaction boxes.

``parse_codes(text)`` turns a printed label into normalised citations:

* US FOIA, 5 U.S.C. 552(b): ``(b)(6)``, ``(b)(7)(C)``, ``b)(6)``, compact ``b6; b7C``, ``Ex. 6``,
  ``Exemption 7(C)``, ``552(b)(6)`` -> ``5 USC 552(b)(6)``, ``5 USC 552(b)(7)(C)``;
* statutes from the tables ``redactlens/data/exemptions_*.json`` (``kind: statute``): a cited prefix
  (``KRS``) followed by a section listed in the table (``61.878(1)(a)``) -> ``KRS 61.878(1)(a)``.
  Tables marked ``bare`` also accept the section alone (``7(1)(c)`` -> ``5 ILCS 140/7(1)(c)``).

Only *label contexts* are parsed (text printed on a box, next to it, or a margin/footer line that
is nothing but a code list; see :func:`is_code_list`).  Prose such as "dismissed under Rule
12(b)(6)" is never a label: ``(b)`` directly after a number or letter is not a FOIA code, and a
line with other words is not a code list.
"""
from __future__ import annotations

import json
import os
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path


@lru_cache(maxsize=8)
def tables(folders: tuple[str, ...] = ()) -> list[dict]:
    """Every exemption table: ``redactlens/data/exemptions_*.json``, then those in ``folders`` (the
    ``exemption_tables`` setting; ``REDACTLENS_EXEMPTION_TABLES`` fills it by default).  Adding a
    state is adding a file (see docs/enrichment.md); call ``tables.cache_clear()`` after changing
    them at run time."""
    files = sorted(resources.files("redactlens").joinpath("data").iterdir(), key=lambda p: p.name)
    for folder in folders:
        if os.path.isdir(folder):
            files += [Path(folder, n) for n in sorted(os.listdir(folder))]
    out = []
    for f in files:
        if f.name.startswith("exemptions_") and f.name.endswith(".json"):
            try:
                t = json.loads(f.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if not isinstance(t, dict) or not isinstance(t.get("codes"), dict):
                continue
            t["_file"] = f.name
            out.append(t)
    return out


def _foia() -> dict | None:
    return next((t for t in tables() if t.get("kind") == "foia"), None)


# (b)(7)(C) / b)(6) / 552(b)(6); "(b)" must not follow a letter or a digit unless it is "552".
_FOIA_PAREN = re.compile(
    r"(?:(?<=552)|(?<![A-Za-z0-9]))\(?\s*b\s*\)\s*\(\s*(\d)\s*\)"
    r"(?:\s*\(\s*([A-Fa-f])\s*\)(?!\s*\(\s*\d))?")   # "(b)(6) (b)(7)": the second "(b)" is a new code
# compact b6 / b7C / b7(C) / b(6)
_FOIA_COMPACT = re.compile(r"(?<![A-Za-z0-9])[bB]\s?(\d)(?:\s?\(?([A-F])\)?|([a-f]))?(?![A-Za-z0-9])")
# Ex. 6 / Ex 7C / Exemption 7(C) / Exemption (b)(6) / Exemptions 6 and 7(C)
_SUB = r"(?:\(\s*[A-Fa-f]\s*\)|[A-F](?![A-Za-z]))"
_FOIA_EX = re.compile(
    r"\bEx(?:emptions?|\.|\b)\s*((?:\(?\s*b\s*\)?\s*)?(?:\(\s*\d\s*\)|\d)\s*(?:" + _SUB + r")?"
    r"(?:\s*(?:,|and|&|;|/)\s*(?:\(\s*\d\s*\)|\d)\s*(?:" + _SUB + r")?)*)", re.I)
_EX_ITEM = re.compile(r"\(?\s*(\d)\s*\)?\s*(?:\(\s*([A-Fa-f])\s*\)|([A-F])(?![A-Za-z]))?")
# a section: 61.878(1)(a), 42.56.240(1) (RCW), 552a(k)(2) (the Privacy Act: a letter after the number)
_SECTION = r"\d+(?:\.\d+)*(?:(?<=\d)[a-z](?=\())?(?:\s*\(\s*[0-9A-Za-z]{1,4}\s*\))*"


def _foia_norm(n: str, sub: str | None) -> str | None:
    t = _foia()
    if t is None or n not in t["codes"]:
        return None
    sub = (sub or "").upper()
    if sub and sub not in t.get("subcodes", {}).get(n, {}):
        return None
    return f"5 USC 552(b)({n})" + (f"({sub})" if sub else "")


def _clean_section(s: str) -> str:
    return re.sub(r"\s+", "", s)


@lru_cache(maxsize=8)
def _statute_patterns(folders: tuple[str, ...] = ()) -> tuple:
    """Per statute table, compiled once: (normalised prefix, codes, prefix patterns longest first,
    the table's own code pattern or None, the bare-section pattern or None)."""
    out = []
    for t in tables(folders):
        if t.get("kind") != "statute":
            continue
        norm = t.get("normalized_prefix", "")
        join = t.get("join", " ")
        if norm and not norm.endswith(("/", " ")):
            norm = norm + join
        prefixes = sorted(t.get("prefixes", []), key=len, reverse=True)
        pats = tuple(re.compile(re.escape(p).replace(r"\ ", r"\s*") + r"\s*(?:§+\s*)?(" + _SECTION + ")", re.I)
                     for p in prefixes)
        bare = re.compile(r"(?<![A-Za-z0-9./§])(" + _SECTION + r")(?![A-Za-z0-9])") if t.get("bare") else None
        cp = t.get("code_pattern")
        own = re.compile(r"(?<![A-Za-z0-9./§])(" + cp + r")(?![A-Za-z0-9])", re.I) if cp else None
        out.append((norm, t.get("codes", {}), pats, own, bare))
    return tuple(out)


def _statute_hits(text: str, folders: tuple[str, ...] = ()) -> list[tuple[int, str]]:
    hits = []
    digits = any(ch.isdigit() for ch in text)     # every section number has one
    for norm, codes, pats, own, bare in _statute_patterns(folders):
        spans = []
        for pat in pats if digits else ():
            for m in pat.finditer(text):
                sec = _clean_section(m.group(1))
                code = _longest_code(sec, codes)
                if code:
                    hits.append((m.start(), norm + code))
                    spans.append((m.start(), m.end()))
        if own is not None:     # codes that are no section number: "25X1" (EO 12958), in a label context
            for m in own.finditer(text):
                code = m.group(1).upper()
                if code in codes and not any(a <= m.start() < b for a, b in spans):
                    hits.append((m.start(), norm + code))
                    spans.append((m.start(), m.end()))
        if bare is not None and digits:
            for m in bare.finditer(text):
                if any(a <= m.start() < b for a, b in spans):
                    continue
                sec = _clean_section(m.group(1))
                if sec in codes:
                    hits.append((m.start(), norm + sec))
    return hits


def _longest_code(sec: str, codes: dict) -> str | None:
    """The cited section if the table knows it (or a known parent of it, e.g. a deeper (i))."""
    s = sec
    while s:
        if s in codes:
            return sec if sec == s or sec.startswith(s) else s
        cut = s.rfind("(")
        if cut <= 0:
            break
        s = s[:cut]
    return None


def _paren_ok(t: str, start: int) -> bool:
    """A ``(b)`` code stands alone or follows ``552``; ``12(b)(6)`` (a court rule) does not count."""
    i = start
    if t[i] != "(" and i > 0 and t[i - 1] == "(":
        i -= 1
    before = t[:i]
    if not before.strip():
        return True
    if before.rstrip().endswith("552"):
        return True
    if re.search(r"\b(?:rule|r\.|fed\.?\s*r\.?\s*civ\.?\s*p\.?)\s*\d+\s*$", before, re.I):
        return False
    if before[-1].isspace():          # "(b)(6) (b)(7)(C)": a new code after a space
        return True
    if re.search(r"\(\s*b\s*\)\s*\(\s*\d\s*\)(?:\s*\(\s*[A-Fa-f]\s*\))?$", before):
        return True                   # "(b)(6)(b)(7)(C)" run together
    return not before[-1].isalnum() and before[-1] != ")"


def parse_codes(text: str, folders: tuple[str, ...] = ()) -> list[str]:
    """Normalised citations printed in a label (in printed order, without duplicates); ``folders``:
    extra tables (the ``exemption_tables`` setting)."""
    if not text:
        return []
    t = " ".join(text.split())
    hits: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []

    def add(pos, end, code):
        if code and not any(a <= pos < b for a, b in taken):
            hits.append((pos, code))
            taken.append((pos, end))

    for m in _FOIA_PAREN.finditer(t):
        if _paren_ok(t, m.start()):
            add(m.start(), m.end(), _foia_norm(m.group(1), m.group(2)))
    for m in _FOIA_EX.finditer(t):
        for it in _EX_ITEM.finditer(m.group(1)):
            add(m.start(1) + it.start(), m.start(1) + it.end(),
                _foia_norm(it.group(1), it.group(2) or it.group(3)))
    for m in _FOIA_COMPACT.finditer(t):
        add(m.start(), m.end(), _foia_norm(m.group(1), m.group(2) or m.group(3)))
    for pos, code in _statute_hits(t, folders):
        if not any(a <= pos < b for a, b in taken):
            hits.append((pos, code))
    out: list[str] = []
    for _, code in sorted(hits):
        if code not in out:
            out.append(code)
    return out


_INTRO = re.compile(
    r"^\s*(?:(?:foia|records?|documents?|information|portions?|material|redactions?|exemptions?|"
    r"exempt(?:ed)?|withheld|redacted|applied|claimed|used|cited|codes?|key|legend|pursuant|under|per|"
    r"to|in|by|from|of|the|and|for|made|reasons?|basis|statutory|authority)\s*[:\-–—]?\s*)+",
    re.I)
_FILLER = re.compile(
    r"\b(?:and|or|&|u\.?\s?s\.?\s?c\.?|usc|§+|section|sec\.?|foia|exemptions?|ex\.?|pursuant|to|under|per|"
    r"withheld|redacted|privacy|personal|law|enforcement|see|also)\b", re.I)


def is_code_list(text: str, folders: tuple[str, ...] = ()) -> bool:
    """True when a line is only a list of exemption codes (optionally after an intro such as
    'Exemptions applied:'), i.e. not prose that merely cites a rule."""
    t = " ".join(text.split())
    if not t or len(t) > 160 or not parse_codes(t, folders):
        return False
    if re.search(r"\brule\s*\d", t, re.I) or re.search(r"\bfed\.?\s*r\.", t, re.I):
        return False
    rest = _INTRO.sub("", t)
    rest = _FOIA_PAREN.sub(" ", rest)
    rest = _FOIA_EX.sub(" ", rest)
    rest = _FOIA_COMPACT.sub(" ", rest)
    for tb in tables(folders):
        for p in tb.get("prefixes", []):
            rest = re.sub(re.escape(p).replace(r"\ ", r"\s*") + r"\s*(?:§+\s*)?" + _SECTION, " ", rest, flags=re.I)
        if tb.get("code_pattern"):
            for p in tb.get("prefixes", []):
                rest = re.sub(re.escape(p).replace(r"\ ", r"\s*"), " ", rest, flags=re.I)
            rest = re.sub(r"(?<![A-Za-z0-9])(?:" + tb["code_pattern"] + r")(?![A-Za-z0-9])", " ", rest, flags=re.I)
    rest = re.sub(_SECTION, " ", rest)
    rest = _FILLER.sub(" ", rest)
    rest = re.sub(r"[\s,;:/()\[\].\-–—]+", "", rest)
    return len(rest) <= 2

"""Which documents may be compared: one issuer (and release), one jurisdiction, one record type.

A consistency item compares redactions; compared across issuers or across records laws it means
nothing (a Kentucky ``KRS 61.878`` code against a federal ``(b)(6)``; a court filing's sealed
passages against an agency's FOIA exemptions).  :func:`group_documents` gives every document a
:class:`Group`:

* **issuer** from the text the document prints in the clear (its title, labelled fields, the text
  around its boxes, a response letter, metadata strings) matched against the cue words of
  ``redactlens/data/agency_cues.json``; without a cue: the request number its response letter
  names; without one: its folder.  A court filing is its own group (its redactions rest on a
  sealing order, not on a records-law exemption);
* **jurisdiction** from the exemption codes it cites (``redactlens/data/exemptions_*.json`` say
  which law a code belongs to), else the issuer's, else the only one of its issuer group;
* **record type** (:func:`record_type`) from the page-1 title (digits ignored), else the form
  cues of ``redactlens/data/record_type_cues.json``.
"""
from __future__ import annotations

import json
import os
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..cleartext import kind_of
from ..enrich.exemptions import tables
from ..model import DocumentReport
from .common import cited

MAX_TEXT = 20000     # characters of a document's clear text read for cue words


@dataclass(frozen=True)
class Group:
    key: tuple           # (issuer or release, jurisdiction)
    issuer: str          # name from the cues, "request 15-6526", "folder <name>" or the file name
    kind: str            # "agency" | "court" | "release" (no issuer cue)
    jurisdiction: str    # "IL", "US", ... or "" when unknown

    @property
    def label(self) -> str:
        j = f" ({self.jurisdiction})" if self.jurisdiction else ""
        return f"{self.issuer}{j}"


@lru_cache(maxsize=1)
def _data(name: str) -> dict:
    return json.loads(resources.files("redactlens").joinpath("data", name).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _issuers():
    return [(e, [re.compile(c, re.IGNORECASE) for c in e.get("cues", [])]) for e in _data("agency_cues.json")["issuers"]]


@lru_cache(maxsize=1)
def _prefixes() -> list[tuple[str, str]]:
    """(normalised prefix, jurisdiction), longest first; the federal FOIA's codes start with
    ``5 USC 552``."""
    out = []
    for t in tables():
        j = t.get("jurisdiction")
        p = (t.get("normalized_prefix") or "").strip()
        if j and p:
            out.append((p, j))
    out.append(("5 USC", "US"))
    return sorted(set(out), key=lambda x: -len(x[0]))


def jurisdiction_of(code: str) -> str:
    """``'5 ILCS 140/7(1)(b)'`` -> ``'IL'``; ``'5 USC 552(b)(6)'`` -> ``'US'``; ``'EO 13526 3.5(c)'``
    -> ``'US-EO'`` (classification, kept apart from FOIA exemptions); ``''`` when unknown."""
    for p, j in _prefixes():
        if code.startswith(p):
            return j
    return ""


def doc_text(d: DocumentReport) -> str:
    parts = []
    ct = d.clear_text
    if ct:
        parts.append(ct.title)
        parts += [f"{f.label}: {f.value}" for f in ct.fields]
        parts += [w.get("text", "") for w in ct.withheld_pages]
    parts += [str(x.get("text", "")) for x in d.exemption_letters]
    for r in d.redactions:
        if r.context:
            parts += [r.context.before, r.context.after]
    parts += [str(v) for v in (d.metadata or {}).values() if isinstance(v, str)]
    return "\n".join(p for p in parts if p)[:MAX_TEXT]


def issuer_of(d: DocumentReport) -> dict | None:
    """The issuer entry of ``agency_cues.json`` with the most cue hits (ties: the first), or None."""
    text = doc_text(d)
    best, hits = None, 0
    for e, cues in _issuers():
        n = sum(1 for c in cues if c.search(text))
        if n > hits:
            best, hits = e, n
    return best


def jurisdictions(d: DocumentReport) -> Counter:
    c = Counter()
    for r in d.redactions:
        for code in cited(r):
            j = jurisdiction_of(code)
            if j:
                c[j] += 1
    for x in d.exemption_letters:
        for code in x.get("codes") or []:
            j = jurisdiction_of(str(code))
            if j:
                c[j] += 1
    return c


def group_documents(docs: list[DocumentReport]) -> dict[int, Group]:
    """``id(document) -> Group`` for every document."""
    first: dict[int, tuple[str, str, str]] = {}
    for d in docs:
        e = issuer_of(d)
        if e and e.get("kind") == "court":
            first[id(d)] = (f"court filing {os.path.basename(d.path)}", "court", "")
        elif e:
            first[id(d)] = (e["name"], "agency", e.get("jurisdiction", ""))
        else:
            req = next((str(x["request"]) for x in d.exemption_letters if x.get("request")), "")
            folder = os.path.basename(os.path.dirname(os.path.abspath(d.path))) or "."
            first[id(d)] = (f"request {req}" if req else f"folder {folder}", "release", "")
    own = {id(d): jurisdictions(d) for d in docs}

    def peers(d):
        # a document citing nothing takes the law of its peers: the same issuer, or -- issuer unknown
        # -- the same folder/request *and* the same record type (one form of one release)
        issuer, kind, _ = first[id(d)]
        return (issuer, record_type(d) if kind == "release" else "")

    per_peer: dict[tuple, Counter] = defaultdict(Counter)
    for d in docs:
        per_peer[peers(d)].update(own[id(d)])
    out = {}
    for d in docs:
        issuer, kind, default = first[id(d)]
        j = own[id(d)].most_common(1)[0][0] if own[id(d)] else default
        if not j and kind != "court" and len(per_peer[peers(d)]) == 1 and (kind == "agency" or peers(d)[1]):
            j = next(iter(per_peer[peers(d)]))
        out[id(d)] = Group((issuer, j), issuer, kind, j)
    return out


@lru_cache(maxsize=1)
def _types():
    return [(t["type"], [re.compile(c, re.IGNORECASE) for c in t.get("cues", [])],
             [x.lower() for x in t.get("labels", [])]) for t in _data("record_type_cues.json")["types"]]


def record_type(d: DocumentReport) -> str:
    """The kind of record: the page-1 title (digits and punctuation ignored), else a form type of
    ``record_type_cues.json`` whose labels all appear on page 1; ``''`` when unknown."""
    ct = d.clear_text
    if not ct:
        return ""
    for name, cues, _ in _types():
        if ct.title and any(c.search(ct.title) for c in cues):
            return name
    title = kind_of(ct.title) if ct.title else ""
    if title:
        return title
    labels = {f.label.lower().strip() for f in ct.fields if f.page == 1}
    for name, cues, need in _types():
        if need and set(need) <= labels:
            return name
    return ""

"""Document metadata: the Info dictionary, the XMP packet, the outline (bookmarks), page labels
and named destinations (``metadata`` findings).

The raw metadata is always exposed in ``DocumentReport.metadata`` (``info``: every key of the Info
dictionary, custom keys included; ``xmp``: the parsed properties, the edit history and the packet
itself; ``outline``: the bookmark titles with level and page; ``page_labels``: the label ranges;
``named_destinations``: the destination names).  A value becomes a ``metadata`` finding only when
one of these rules fires (the finding's ``rule`` names it, its ``detail`` starts with the key):

``withheld_text``
    the value contains words that are withheld elsewhere in the document (text recovered under a
    redaction, or removed by a later revision) and that do not appear in the document's visible
    text;
``withheld_kind``
    the value holds information of a kind the document withholds -- the fields of its own
    redactions (:mod:`redactlens.enrich`) -- that is printed nowhere in its visible text: a
    person's name when boxes hide person names (after a title or role word, "Statement of Maria
    Lopez", "Det. Moss", or a whole value/bookmark/list item of name form), a street address when
    boxes hide addresses, a phone number when they hide phones, an SSN when they hide SSNs, a case
    number when they hide id numbers or the document is a sealed filing.  Producer/creator software,
    dates and ids are never read by this rule; a title whose words are printed on the pages is the
    document's public title, not a finding.  Cue words are data (``data/metadata_cues.json``);
``author_field``
    a field meant to name a person (Info ``/Author``, XMP ``dc:creator``, ``pdf:Author``, custom
    keys such as ``LastModifiedBy``/``Manager``/``Operator``) holds a personal name or an account
    name.  Generic values (``Administrator``, ``user``, ``owner`` ...), organisation codes
    (``SE:W:CAR``) and software names are not reported;
``email``
    an e-mail address in any value;
``user_path``
    a file path naming a user account (``C:\\Users\\jdoe\\...``, ``/home/jdoe/...``) in any value,
    XMP history included.

Producer/creator-tool strings, dates, document ids and file names are exposed but never reported
by themselves.
"""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from functools import lru_cache
from importlib import resources
from typing import Callable

import pymupdf

from ..model import DocumentReport, Finding
from ..errors import PDF_ERRORS
from ..text import clean, has_alnum, short
from .common import STOPWORDS, distinctive_words

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XML_NS = "http://www.w3.org/XML/1998/namespace"
KNOWN_NS = {
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://ns.adobe.com/xap/1.0/": "xmp",
    "http://ns.adobe.com/xap/1.0/mm/": "xmpMM",
    "http://ns.adobe.com/xap/1.0/sType/ResourceEvent#": "stEvt",
    "http://ns.adobe.com/xap/1.0/sType/ResourceRef#": "stRef",
    "http://ns.adobe.com/pdf/1.3/": "pdf",
    "http://ns.adobe.com/pdfx/1.3/": "pdfx",
    "http://ns.adobe.com/photoshop/1.0/": "photoshop",
    "http://ns.adobe.com/xap/1.0/rights/": "xmpRights",
    "http://www.aiim.org/pdfa/ns/id/": "pdfaid",
    RDF: "rdf",
}
MAX_PACKET = 65536

#: keys (Info, custom, XMP) whose value is meant to name a person
PERSON_KEYS = re.compile(
    r"^(?:author|dc:creator|pdf:author|xmp:author|photoshop:authorsposition|photoshop:captionwriter|"
    r"(?:pdfx:)?(?:lastmodifiedby|last_modified_by|last[ _-]?saved[ _-]?by|modifiedby|manager|owner|"
    r"operator|editor|reviewer|approver|typist|preparer|signer|username|user[ _-]?name|author\w*|"
    r"creator[ _-]?name|sourceauthor|contact))$", re.IGNORECASE)
GENERIC_NAMES = frozenset("""
admin administrator administrateur user users owner unknown default author authors guest test
windows microsoft office system root sa none null n/a na anonymous client customer staff employee
owner-pc user-pc pc computer clerk records scanner copier printer your name
""".split())
#: words that make a multi-word value an organisation, unit, device or program rather than a person
ORG_WORDS = frozenset("""
unit units records record section team group services service center centre clerk clerks staff scanner
scan scanning copier printer xerox canon ricoh konica minolta sharp epson brother kyocera lexmark toshiba
hp hewlett packard fujitsu workcentre workcenter colorqube altalink imagerunner bizhub document documents
adobe acrobat microsoft word office pdf writer converter creator distiller library system systems admin
administrator user unknown state federal national public district school university college hospital
board commission council committee authority association company co foundation trust project program
court police sheriff department dept agency bureau division county city town village office legal law
firm llp llc inc ltd corp corporation gmbh the of and for dispatch communications reception secretary
operator operations support helpdesk info information contact office records clerk
""".split())
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_USER_PATH = re.compile(
    r"(?:[A-Za-z]:[\\/](?:Users|Documents and Settings)[\\/]([^\\/:*?\"<>|\r\n]+))"
    r"|(?:(?<![\w.])/(?:Users|home)/([^/\s]+))", re.IGNORECASE)


# ---------------------------------------------------------------- reading

def read_info(doc: "pymupdf.Document") -> dict[str, str]:
    """Every key of the trailer's Info dictionary (standard and custom) with its text value."""
    out: dict[str, str] = {}
    try:
        kind, val = doc.xref_get_key(-1, "Info")
    except PDF_ERRORS:
        return out
    keys: list[str] = []
    if kind == "xref":
        xref = int(val.split()[0])
        keys = list(doc.xref_get_keys(xref))
        get = lambda k: doc.xref_get_key(xref, k)  # noqa: E731
    elif kind == "dict":
        keys = re.findall(r"/([^\s/<>\[\]()]+)", val)
        get = lambda k: doc.xref_get_key(-1, f"Info/{k}")  # noqa: E731
    else:
        return out
    for k in keys:
        try:
            t, v = get(k)
        except PDF_ERRORS:
            continue
        if t in ("null", "dict", "array") or v is None:
            continue
        if t == "name":
            v = v.lstrip("/")
        out[clean(k, 200)] = clean(v)
    return out


def _qname(tag: str, prefixes: dict[str, str]) -> str:
    if tag.startswith("{"):
        uri, local = tag[1:].split("}", 1)
        return f"{prefixes.get(uri) or KNOWN_NS.get(uri) or uri.rstrip('/#').rsplit('/', 1)[-1]}:{local}"
    return tag


def _value(el: ET.Element, px: dict[str, str]):
    """An XMP property element as text, list (Seq/Bag/Alt) or dict (structure)."""
    res = el.get(f"{{{RDF}}}resource")
    if res is not None:
        return clean(res)
    for coll in ("Seq", "Bag", "Alt"):
        c = el.find(f"{{{RDF}}}{coll}")
        if c is not None:
            return [_value(li, px) for li in c.findall(f"{{{RDF}}}li")]
    desc = el.find(f"{{{RDF}}}Description")
    if desc is not None:
        return _struct(desc, px)
    if el.get(f"{{{RDF}}}parseType") == "Resource" or (len(el) and not (el.text or "").strip()):
        return _struct(el, px)
    attrs = {k: v for k, v in el.attrib.items() if not k.startswith(f"{{{XML_NS}}}") and not k.startswith(f"{{{RDF}}}")}
    if attrs:
        return {_qname(k, px): clean(v) for k, v in attrs.items()}
    return clean(el.text or "")


def _struct(el: ET.Element, px: dict[str, str]) -> dict:
    d = {}
    for k, v in el.attrib.items():
        if k.startswith(f"{{{RDF}}}") or k.startswith(f"{{{XML_NS}}}"):
            continue
        d[_qname(k, px)] = clean(v)
    for child in el:
        d[_qname(child.tag, px)] = _value(child, px)
    return d


def read_xmp(doc: "pymupdf.Document") -> dict:
    """The XMP packet: ``properties`` (qualified name -> value), ``history`` and the raw packet."""
    try:
        packet = doc.get_xml_metadata() or ""
    except PDF_ERRORS:
        packet = ""
    packet = packet.strip()
    if not packet:
        return {}
    out: dict = {"packet": packet[:MAX_PACKET] + (" …" if len(packet) > MAX_PACKET else ""),
                 "properties": {}}
    if re.search(r"<!(?:DOCTYPE|ENTITY)", packet, re.IGNORECASE):
        out["error"] = "packet declares a DOCTYPE/ENTITY; not parsed (untrusted XML)"
        return out
    px = {uri: p for p, uri in re.findall(r'xmlns:([\w.-]+)\s*=\s*["\']([^"\']+)["\']', packet)}
    body = re.sub(r"<\?xpacket[^>]*\?>", "", packet).strip()
    try:
        root = ET.fromstring(body.encode("utf-8"))
    except ET.ParseError as exc:
        out["error"] = f"XMP packet is not well-formed XML: {exc}"
        return out
    props: dict = {}
    tops = [d for rdf in root.iter(f"{{{RDF}}}RDF") for d in rdf.findall(f"{{{RDF}}}Description")]
    for desc in tops:
        for k, v in desc.attrib.items():
            if k.startswith(f"{{{RDF}}}"):
                continue
            props[_qname(k, px)] = clean(v)
        for child in desc:
            props[_qname(child.tag, px)] = _value(child, px)
    out["properties"] = props
    hist = props.get("xmpMM:History")
    if isinstance(hist, list):
        out["history"] = hist
    return out


def flatten(value) -> str:
    if isinstance(value, list):
        return "; ".join(flatten(v) for v in value if flatten(v))
    if isinstance(value, dict):
        return "; ".join(f"{k}={flatten(v)}" for k, v in value.items() if flatten(v))
    return str(value or "")


def flat_metadata(doc: "pymupdf.Document") -> dict[str, str]:
    """Info keys and XMP properties as one ``{key: text}`` (for comparing revisions)."""
    flat = dict(read_info(doc))
    for k, v in read_xmp(doc).get("properties", {}).items():
        flat[k] = flatten(v)
    return flat


#: most outline items, named destinations and page-label ranges read (hostile files hold millions)
MAX_OUTLINE = 5000
MAX_DESTS = 5000
MAX_LABELS = 1000


def read_outline(doc: "pymupdf.Document") -> list[dict]:
    """The bookmarks: ``{"level", "title", "page"}`` in outline order (at most MAX_OUTLINE)."""
    try:
        toc = doc.get_toc(simple=True)
    except PDF_ERRORS + (RecursionError,):
        return []
    out = []
    for item in toc[:MAX_OUTLINE]:
        try:
            level, title, page = item[0], item[1], item[2]
        except (IndexError, TypeError):
            continue
        out.append({"level": int(level), "title": clean(title or "", 1000), "page": int(page) if page else None})
    return out


def read_page_labels(doc: "pymupdf.Document") -> list[dict]:
    """The page-label ranges: ``{"start_page" (1-based), "prefix", "style", "first"}``."""
    try:
        labels = doc.get_page_labels()
    except PDF_ERRORS + (RecursionError,):
        return []
    out = []
    for lab in labels[:MAX_LABELS]:
        if not isinstance(lab, dict):
            continue
        out.append({"start_page": int(lab.get("startpage") or 0) + 1, "prefix": clean(lab.get("prefix") or "", 500),
                    "style": clean(lab.get("style") or "", 10), "first": lab.get("firstpagenum")})
    return out


def read_named_destinations(doc: "pymupdf.Document") -> list[str]:
    """The names of the named destinations (the catalog's /Dests and the /Names /Dests tree)."""
    try:
        names = doc.resolve_names() if hasattr(doc, "resolve_names") else {}
    except PDF_ERRORS + (RecursionError,):
        return []
    return [clean(str(n), 500) for n in list(names)[:MAX_DESTS]]


def _spaced(name: str) -> str:
    """A destination name as words: 'Statement_of_Maria_Lopez', 'mariaLopez' -> spaced words."""
    t = re.sub(r"[_.+]+|(?<=[a-z])-(?=[A-Za-z])", " ", name)
    t = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", t)
    return " ".join(t.split())


# ---------------------------------------------------------------- rules

def person_kind(value: str) -> str | None:
    """'personal name' / 'account name' when ``value`` names a person or account, else None."""
    v = " ".join(value.split())
    if not v or len(v) > 80 or not re.search(r"[A-Za-z\u00c0-\u024f]", v):
        return None
    if v.lower() in GENERIC_NAMES or all(w.lower() in GENERIC_NAMES for w in re.findall(r"\w+", v)):
        return None
    if re.search(r"[:/\\|;=@#{}\[\]<>]", v) or re.search(r"\d\.\d", v):
        return None        # organisation codes (SE:W:CAR), software versions, paths
    if re.search(r"\b(?:inc|llc|ltd|corp|gmbh|department|dept|office|agency|bureau|division|county|city|"
                 r"court|police|sheriff|government|adobe|microsoft|acrobat|word|pdf|software)\b", v, re.I):
        return None
    tokens = v.replace(",", " ").split()
    if 2 <= len(tokens) <= 5:
        if any(t.lower().strip(".") in ORG_WORDS for t in tokens) or re.search(r"\d", v):
            return None
        if all(re.fullmatch(r"[A-Za-z\u00c0-\u024f][A-Za-z\u00c0-\u024f'’.-]*", t) for t in tokens) and \
                sum(len(t.strip(".")) >= 2 for t in tokens) >= 1:
            return "personal name"
        return None
    if len(tokens) == 1:
        # a login that reads like a name (jdoe, JOHNSCA, b.smith): letters only, long enough to
        # point at someone; opaque codes (u7p, 4711, SE:W:CAR) identify nobody by themselves
        # A Title-case single word ("Dispatch", "Smith") is a role or a bare surname: not reported.
        login_case = v.islower() or v.isupper() or bool(re.search(r"[._]", v))
        if re.fullmatch(r"[A-Za-z\u00c0-\u024f]+(?:[._'’-][A-Za-z\u00c0-\u024f]+)*", v) and login_case and \
                v.lower() not in ORG_WORDS and sum(ch.isalpha() for ch in v) >= 4 and re.search(r"[aeiouyAEIOUY]", v):
            return "account name"
        return None
    if 2 <= len(tokens) <= 5:
        return "personal name"
    return None


def _entries(info: dict[str, str], xmp: dict) -> list[tuple[str, str]]:
    """(where, value) for every metadata value, XMP structures flattened item by item."""
    out = [(f"Info /{k}", v) for k, v in info.items()]

    def walk(where: str, v) -> None:
        if isinstance(v, list):
            for i, item in enumerate(v):
                walk(f"{where}[{i + 1}]" if len(v) > 1 else where, item)
        elif isinstance(v, dict):
            for k, item in v.items():
                walk(f"{where}/{k}", item)
        elif v:
            out.append((where, str(v)))
    for k, v in xmp.get("properties", {}).items():
        walk(f"XMP {k}", v)
    return out


def _key_of(where: str) -> str:
    """'Info /Author' -> 'Author'; 'XMP dc:creator[2]' -> 'dc:creator'."""
    k = where.split(" ", 1)[1].lstrip("/")
    return re.sub(r"\[\d+\]", "", k).split("/")[-1]


#: keys that name software or identify the file, never withheld text
SOFTWARE_KEYS = frozenset(k.lower() for k in (
    "Producer", "Creator", "CreatorTool", "softwareAgent", "Format", "DocumentID", "InstanceID",
    "OriginalDocumentID", "ModDate", "CreationDate", "ModifyDate", "MetadataDate", "CreateDate", "when",
    "action", "Trapped", "PDFVersion", "part", "conformance", "RenditionClass"))


def secret_words(text: str) -> set[str]:
    """Words of withheld text distinctive enough to recognise elsewhere: capitalised words (names,
    places, organisations) of 3+ letters and tokens of 4+ characters holding a digit; lower-case
    vocabulary ("version", "license") is left out."""
    out = set()
    for w in re.findall(r"[^\W_]+(?:['’.-][^\W_]+)*", text or ""):
        lw = w.lower()
        if lw in STOPWORDS:
            continue
        if (w[0].isupper() and len(w) >= 3 and any(c.islower() for c in w[1:])) or \
                (w.isupper() and len(w) >= 3) or (any(c.isdigit() for c in w) and len(w) >= 4):
            out.add(lw)
    return out


# ---------------------------------------------------------------- values of a withheld kind

def _data(name: str) -> dict:
    f = resources.files("redactlens").joinpath("data").joinpath(name)
    return json.loads(f.read_text(encoding="utf-8"))


_NAME_TOKEN = r"[A-Z][a-z\u00df-\u00ff\u0100-\u024f]+(?:[-'\u2019][A-Z]?[a-z\u00df-\u00ff\u0100-\u024f]+)*"
_NAME_OR_INITIAL = rf"(?:{_NAME_TOKEN}|[A-Z]\.)"
#: a person's name in running text: two to four capitalised words (middle initials allowed), ending
#: in a full word ("Maria Lopez", "John Q. Public", "Ann-Marie O'Neil")
_NAME = rf"{_NAME_OR_INITIAL}(?:\s+{_NAME_OR_INITIAL}){{0,2}}\s+{_NAME_TOKEN}"


@lru_cache(maxsize=1)
def cues() -> dict:
    """The compiled cues of ``data/metadata_cues.json`` (and the titles of ``value_patterns.json``)."""
    d = _data("metadata_cues.json")
    vp = _data("value_patterns.json")
    titles = sorted({t.rstrip(".") for t in vp.get("name_titles", [])}, key=len, reverse=True)
    roles = sorted(d["role_words"], key=len, reverse=True)
    sep = r"\.?\s*[:\-\u2013,]?\s*"
    phone = next(p["re"] for p in vp["patterns"] if p["field"] == "phone")
    suffixes = "|".join(sorted((re.escape(x) for x in d["street_suffixes"]), key=len, reverse=True))
    return {
        # a title then a surname or a full name ("Det. Moss", "Officer Ana Ruiz")
        "titled": re.compile(rf"(?<![\w.])(?i:{'|'.join(re.escape(t) for t in titles)}){sep}"
                             rf"(?P<name>{_NAME}|{_NAME_TOKEN})(?![\w'])"),
        # a role word then a full name ("Statement of Maria Lopez", "Witness: John Moss")
        "role": re.compile(rf"(?<![\w.])(?i:{'|'.join(re.escape(r) for r in roles)}){sep}(?P<name>{_NAME})(?![\w'])"),
        "whole_name": re.compile(rf"{_NAME}"),
        "address": re.compile(rf"(?<![\w-])\d{{1,6}}(?:-\d{{1,4}})?\s+(?:(?i:[NSEW]|north|south|east|west)\.?\s+)?"
                              rf"(?P<street>(?:(?:\d{{1,3}}(?i:st|nd|rd|th)|[A-Z][A-Za-z'\u2019-]+)\s+){{1,3}})"
                              rf"(?i:{suffixes})(?![\w])\.?"),
        "phone": re.compile(rf"(?<![\w-])(?:{phone})(?![\w-])", re.IGNORECASE),
        "ssn": re.compile(r"(?<![\w-])\d{3}-\d{2}-\d{4}(?![\w-])"),
        "case": re.compile(r"(?<![\w-])(?:\d{1,2}:\d{2}-[A-Za-z]{2,4}-\d{3,6}(?:-[A-Za-z]{1,4})*"
                           r"|\d{2,4}-?[A-Z]{1,4}-\d{3,8}"
                           r"|(?i:case|docket|cause|file)\s*(?i:no\.?|number|#)\s*[:#]?\s*(?=[\w-]*\d)[A-Za-z0-9][\w:-]{2,})(?![\w-])"),
        "document_words": frozenset(d["document_words"]),
        "street_suffixes": frozenset(d["street_suffixes"]),
        "sealed": [tuple(p.split()) for p in d["sealed"]],
    }


#: a field of the redactions -> the kinds of metadata value that field withholds
KIND_OF_FIELD = {"person_name": "person_name", "signature": None, "address": "address", "phone": "phone",
                 "ssn": "ssn", "id_number": "case_number"}
KIND_WORDS = {"person_name": "a person's name", "address": "a street address", "phone": "a phone number",
              "ssn": "a social security number", "case_number": "a case number"}
KIND_PLURAL = {"person_name": "person names", "address": "addresses", "phone": "phone numbers",
               "ssn": "social security numbers", "case_number": "id or case numbers"}


def _name_words(name: str) -> list[str]:
    return [w.lower() for w in re.findall(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*", name) if len(w) >= 2]


def _plausible_name(name: str) -> bool:
    """Capitalised words that may name a person: no document, organisation or generic word among
    them, at least one word of three letters or more."""
    ws = _name_words(name)
    if not ws or not any(len(w) >= 3 for w in ws):
        return False
    c, st = cues()["document_words"], cues()["street_suffixes"]
    return not any(w in c or w in st or w in ORG_WORDS or w in GENERIC_NAMES or w in STOPWORDS for w in ws)


def _digits(s: str) -> str:
    return re.sub(r"\D", "", s)


class _Visible:
    """The document's visible words, read once and only when a candidate needs them."""

    def __init__(self, source):
        self.source, self._words = source, None

    @property
    def words(self) -> set[str]:
        if self._words is None:
            w = self.source() if callable(self.source) else self.source
            self._words = set(w or ())
        return self._words

    @property
    def digit_words(self) -> set[str]:
        if not hasattr(self, "_dw"):
            self._dw = {_digits(w) for w in self.words if sum(ch.isdigit() for ch in w) >= 3}
        return self._dw

    def has_name(self, name: str) -> bool:
        """Any word (3+ letters) of the name is printed on the pages: conservative, a name that
        shows anywhere is not reported."""
        return any(w in self.words for w in _name_words(name) if len(w) >= 3)

    def has_number(self, value: str, tail: int = 0) -> bool:
        """The number is printed on the pages: its last ``tail`` digits inside one printed number
        (a phone number's local part, also printed as two groups '555 0142'), else every group of
        3+ digits of it inside a printed number (a case number '1:24-cv-04417' is read as the
        words '1' and '24-cv-04417')."""
        d = _digits(value)
        if not d:
            return True
        if tail:
            d = d[-tail:]
            return any(d in v for v in self.digit_words) or \
                (tail >= 7 and d[-4:] in self.digit_words and d[:-4][-3:] in self.digit_words)
        runs = [r for r in re.findall(r"\d+", value) if len(r) >= 3] or [d]
        return all(any(r in v for v in self.digit_words) for r in runs)

    def has_text(self, value: str) -> bool:
        ws = [w.lower() for w in re.findall(r"[^\W_]+", value) if len(w) >= 3]
        return bool(ws) and all(w in self.words for w in ws)

    def sealed(self) -> bool:
        return any(all(w in self.words for w in phrase if len(w) >= 3) for phrase in cues()["sealed"])


def withheld_kind_hits(value: str, kinds: set[str], visible: _Visible, person_key: bool = False,
                       whole_names: bool = True) -> list[tuple[str, str, str]]:
    """``(kind, matched text, why)`` for each part of ``value`` that is information of one of
    ``kinds`` (the kinds the document withholds) and is printed nowhere on its pages.
    ``person_key``: the key is meant to name a person (``author_field`` reports it instead);
    ``whole_names``: a whole value or list item of name form counts (titles, bookmarks, keywords)."""
    c = cues()
    out: list[tuple[str, str, str]] = []
    seen: set[str] = set()

    def add(kind, text, why):
        if text not in seen:
            seen.add(text)
            out.append((kind, text, why))

    if "person_name" in kinds and not person_key:
        for rx, why in ((c["titled"], "a title before capitalised words"), (c["role"], "a role word before a name")):
            for m in rx.finditer(value):
                name = m.group("name")
                if _plausible_name(name) and not visible.has_name(name):
                    add("person_name", m.group(0).strip(), why)
        if whole_names and not out:
            for part in re.split(r"\s*(?:[;|/\n]|,(?!\s*(?:jr|sr|ii|iii)\b)|\s[-\u2013\u2014]\s)\s*", value):
                part = part.strip(" .")
                if c["whole_name"].fullmatch(part) and _plausible_name(part) and not visible.has_name(part):
                    add("person_name", part, "a value of the form of a person's name")
    if "address" in kinds:
        for m in c["address"].finditer(value):
            street = m.group("street")
            if _plausible_street(street) and not (visible.has_number(m.group(0).split()[0]) and visible.has_text(street)):
                add("address", m.group(0), "a house number, a street name and a street type")
    if "phone" in kinds:
        for m in c["phone"].finditer(value):
            if len(_digits(m.group(0))) >= 10 and not visible.has_number(m.group(0), tail=7):
                add("phone", m.group(0), "the form of a phone number")
    if "ssn" in kinds:
        for m in c["ssn"].finditer(value):
            if not visible.has_number(m.group(0)):
                add("ssn", m.group(0), "the form of a social security number")
    if "case_number" in kinds or ("sealed" in kinds):
        for m in c["case"].finditer(value):
            if not visible.has_number(m.group(0)):
                add("case_number", m.group(0), "the form of a case number" +
                    (" in a sealed filing" if "sealed" in kinds else ""))
    return out


def _plausible_street(street: str) -> bool:
    ws = [w.lower() for w in street.split()]
    return not any(w in ORG_WORDS for w in ws)


def _more_entries(outline: list[dict], labels: list[dict], dests: list[str]) -> list[tuple[str, str, str]]:
    """(where, key, value) for the bookmark titles, page-label prefixes and destination names."""
    out = []
    for k, item in enumerate(outline, 1):
        page = f", page {item['page']}" if item.get("page") and item["page"] > 0 else ""
        out.append((f"Outline item {k} (level {item['level']}{page})", "Outline", item["title"]))
    for lab in labels:
        if lab["prefix"]:
            out.append((f"PageLabels /P of the range from page {lab['start_page']}", "PageLabel", lab["prefix"]))
    for name in dests:
        out.append((f"Named destination {name!r}", "Dest", _spaced(name)))
    return out


def withheld_kinds(report: DocumentReport) -> dict[str, int]:
    """The kinds of information the document's own redactions withhold: ``{kind: boxes}``."""
    out: dict[str, int] = {}
    for r in report.redactions:
        kind = KIND_OF_FIELD.get(r.field or "unknown")
        if kind:
            out[kind] = out.get(kind, 0) + 1
    return out


def analyse_metadata(doc: "pymupdf.Document", report: DocumentReport, withheld: list[str],
                     visible_words: "set[str] | Callable[[], set[str]] | None") -> None:
    """``visible_words`` may be a callable: the pages' words are then read only when some text is
    withheld at all or a value of a withheld kind is met (most documents have none, and reading
    every page again is the costly part)."""
    info = read_info(doc)
    xmp = read_xmp(doc)
    outline, labels, dests = read_outline(doc), read_page_labels(doc), read_named_destinations(doc)
    report.metadata["info"] = info
    if xmp:
        report.metadata["xmp"] = xmp
    if outline:
        report.metadata["outline"] = outline
    if labels:
        report.metadata["page_labels"] = labels
    if dests:
        report.metadata["named_destinations"] = dests
    visible = _Visible(visible_words or set())
    secret = set()
    for t in withheld:
        secret |= secret_words(t)
    if secret and visible_words:
        secret -= visible.words
    kinds = withheld_kinds(report)
    hits: dict[tuple[str, str], dict] = {}     # (rule, value) -> {"where": [...], "why": str}

    def add(rule: str, value: str, where: str, why: str) -> None:
        h = hits.setdefault((rule, value), {"where": [], "why": why})
        if where not in h["where"]:
            h["where"].append(where)

    entries = [(w, _key_of(w), v) for w, v in _entries(info, xmp)] + _more_entries(outline, labels, dests)
    sealed = None
    for where, key, value in entries:
        if not has_alnum(value):
            continue
        bare = key.rsplit(":", 1)[-1].lower()
        common = sorted(distinctive_words(value) & secret) if secret and bare not in SOFTWARE_KEYS else []
        if common:
            add("withheld_text", value, where,
                f"contains {', '.join(repr(w) for w in common[:8])}, withheld elsewhere in this document "
                f"(recovered under a redaction or removed by a later revision) and not in its visible text")
        # a value holding text recovered under a box is reported by that rule alone (the stronger one)
        if not common and bare not in SOFTWARE_KEYS and (kinds or _maybe_case(value)):
            ks = set(kinds)
            if _maybe_case(value):
                if sealed is None:
                    sealed = visible.sealed()
                if sealed:
                    ks.add("sealed")
            for kind, text, why in withheld_kind_hits(value, ks, visible, person_key=bool(PERSON_KEYS.match(key))):
                n = kinds.get(kind)
                because = (f"{n} of its redaction(s) withhold {KIND_PLURAL[kind]}" if n else
                           "the document is a sealed filing")
                add("withheld_kind", text, where,
                    f"holds {KIND_WORDS[kind]} ({why}), a kind of information this document withholds "
                    f"({because}), printed nowhere in its visible text")
        if PERSON_KEYS.match(key):
            kind = person_kind(value)
            if kind:
                add("author_field", value, where, f"the {key} field holds {'an' if kind[0] in 'aeiou' else 'a'} {kind}, which identifies who made or edited the file"
                    + (" (a login that reads like a person's name)" if kind == "account name" else ""))
        for m in _EMAIL.finditer(value):
            add("email", m.group(0), where, "an e-mail address, which identifies a person")
        for m in _USER_PATH.finditer(value):
            user = m.group(1) or m.group(2)
            if user and user.lower() not in GENERIC_NAMES and user.lower() not in ("public", "shared", "default"):
                add("user_path", m.group(0), where, f"a file path naming the user account {user!r}")
    for (rule, value), h in hits.items():
        report.findings.append(Finding(
            type="metadata", page=None, rule=rule, text=clean(value),
            detail=f"{' and '.join(h['where'])} = {short(value, 80)!r}: {h['why']}"))


def _maybe_case(value: str) -> bool:
    return bool(cues()["case"].search(value))

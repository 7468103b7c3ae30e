"""Document metadata: the Info dictionary and the XMP packet (``metadata`` findings).

The raw metadata is always exposed in ``DocumentReport.metadata`` (``info``: every key of the Info
dictionary, custom keys included; ``xmp``: the parsed properties, the edit history and the packet
itself).  A value becomes a ``metadata`` finding only when one of these rules fires (the finding's
``rule`` names it):

``withheld_text``
    the value contains words that are withheld elsewhere in the document (text recovered under a
    redaction, or removed by a later revision) and that do not appear in the document's visible
    text;
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

import re
import xml.etree.ElementTree as ET
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


def analyse_metadata(doc: "pymupdf.Document", report: DocumentReport, withheld: list[str],
                     visible_words: "set[str] | Callable[[], set[str]] | None") -> None:
    """``visible_words`` may be a callable: the pages' words are then read only when some text is
    withheld at all (most documents have none, and reading every page again is the costly part)."""
    info = read_info(doc)
    xmp = read_xmp(doc)
    report.metadata["info"] = info
    if xmp:
        report.metadata["xmp"] = xmp
    secret = set()
    for t in withheld:
        secret |= secret_words(t)
    if secret and visible_words:
        secret -= visible_words() if callable(visible_words) else visible_words
    hits: dict[tuple[str, str], dict] = {}     # (rule, value) -> {"where": [...], "why": str}

    def add(rule: str, value: str, where: str, why: str) -> None:
        h = hits.setdefault((rule, value), {"where": [], "why": why})
        if where not in h["where"]:
            h["where"].append(where)

    for where, value in _entries(info, xmp):
        if not has_alnum(value):
            continue
        key = _key_of(where)
        if secret and key.rsplit(":", 1)[-1].lower() not in SOFTWARE_KEYS:
            common = sorted(distinctive_words(value) & secret)
            if common:
                add("withheld_text", value, where,
                    f"contains {', '.join(repr(w) for w in common[:8])}, withheld elsewhere in this document "
                    f"(recovered under a redaction or removed by a later revision) and not in its visible text")
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

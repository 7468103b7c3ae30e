"""Earlier revisions kept by incremental updates (``prior_revision``).

An incrementally saved PDF is the original file with update sections appended; every section ends
with ``startxref <offset> %%EOF``.  Cutting the bytes just after one of those ``%%EOF`` markers gives
the file exactly as it was saved at that time.  Each such prefix is opened in memory (the input is
never written) and its pages are compared word by word with the final version:

* words of an earlier revision that the final version no longer has at the same place are
  *removed text*; each (revision, page) holding removed text is a ``prior_revision`` finding;
* removed words lying under a current redaction are that box's ``prior_revision`` leak channel
  (:func:`revision_texts`; :mod:`redactlens.leaks` decides whether it is the one reported);
* a page of an earlier revision that is gone from the final version, and Info/XMP values that
  were changed or cleared later, are findings too.

A prefix is only treated as a revision when it is a complete file: its ``startxref`` and every
``/Prev`` of its cross-reference chain point inside the prefix.  This rejects the first-page
section of a linearized file (whose ``/Prev`` points to the end of the file) and ``%%EOF``
strings that merely occur inside data.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

import pymupdf

from .. import geometry as g
from ..errors import MUPDF_ERRORS
from ..leaks import RevisionText
from ..model import Finding, Leak, Redaction
from .common import MAX_PAGES, clean, distinctive_words, has_alnum, short, unmatched

_TAIL = re.compile(rb"startxref\s+(\d+)\s*%%EOF[ \t]*(?:\r\n|\r|\n)?")
_PREV = re.compile(rb"/Prev\s+(\d+)")
_XREFSTM = re.compile(rb"/XRefStm\s+(\d+)")
_OBJ = re.compile(rb"\s*\d+\s+\d+\s+obj\b")

#: pixels of tolerance when matching a word of an earlier revision to the final page
WORD_TOL = 2.0
#: time budget for rebuilding and comparing revisions of one document
BUDGET_S = 20.0
MAX_REVISIONS = 50
#: most startxref/%%EOF markers examined (the last ones of the file)
MAX_MARKERS = 1000


@dataclass
class Revision:
    number: int            # 1-based; the last one is the final file
    end: int               # length in bytes of the file as saved at this revision
    startxref: int
    complete: bool = True  # cross-reference chain entirely inside the prefix
    note: str = ""
    removed_words: int = 0
    pages: int | None = None

    def to_dict(self) -> dict:
        return {"revision": self.number, "bytes": self.end, "startxref": self.startxref,
                "pages": self.pages, "removed_words": self.removed_words,
                **({"note": self.note} if self.note else {})}


def _section_refs(data: bytes, off: int) -> list[int] | None:
    """Offsets a cross-reference section at ``off`` refers to (/Prev, /XRefStm), or None when no
    xref table or xref stream object starts there."""
    if off >= len(data):
        return None
    head = data[off:off + 64]
    if head.lstrip().startswith(b"xref"):
        t = data.find(b"trailer", off)
        if t < 0:
            return None
        end = data.find(b"startxref", t)
        seg = data[t:end if end > 0 else t + 4096]
    elif _OBJ.match(head):
        end = data.find(b"stream", off, off + 65536)
        seg = data[off:end if end > 0 else off + 4096]
        if not re.search(rb"/Type\s*/XRef\b", seg):
            return None        # an object starts there, but not a cross-reference stream
    else:
        return None
    return [int(m.group(1)) for m in _PREV.finditer(seg)] + [int(m.group(1)) for m in _XREFSTM.finditer(seg)]


def _chain_inside(data: bytes, start: int, end: int) -> tuple[bool, str]:
    prefix = data[:end]
    todo, seen = [start], set()
    while todo:
        off = todo.pop()
        if off in seen:
            continue
        seen.add(off)
        if len(seen) > 10000:
            return False, "cross-reference chain too long"
        if off >= end:
            return False, "cross-reference chain points past this %%EOF (linearized first-page section or damaged file)"
        refs = _section_refs(prefix, off)
        if refs is None:
            return False, f"no cross-reference section at offset {off}"
        todo.extend(refs)
    return True, ""


def find_revisions(data: bytes) -> list[Revision]:
    """Every complete saved state of the file, oldest first; the last one is the file itself.

    Incomplete prefixes (see module doc) are returned with ``complete=False`` so the report can
    say why they were not compared."""
    revs: list[Revision] = []
    markers = list(_TAIL.finditer(data))
    for m in markers[-MAX_MARKERS:]:
        end, sx = m.end(), int(m.group(1))
        ok, why = _chain_inside(data, sx, end)
        rev = Revision(0, end, sx, ok, why)
        if ok:
            for other in revs:       # the same cross-reference section again: the same saved state
                if other.complete and other.startxref == sx:
                    other.complete, other.note = False, f"same saved state as the %%EOF at byte {end}"
        revs.append(rev)
    if not revs:
        return [Revision(1, len(data), -1, True, "no startxref/%%EOF found")]
    last = revs[-1]
    if data[last.end:].strip(b" \t\r\n\x00"):
        revs.append(Revision(0, len(data), -1, True, "bytes after the last %%EOF"))
    else:
        last.end, last.complete = len(data), True
    n = 0
    for r in revs:
        if r.complete:
            n += 1
            r.number = n
    return revs


#: most words read from one page of one revision
MAX_WORDS_PAGE = 20000


def _words(page: "pymupdf.Page", frame: "pymupdf.Page | None" = None) -> list[tuple]:
    """Words of a page: ``(text, box, (block, line), [(char, box), ...], unrotated box)``.

    Boxes are displayed-page boxes of ``frame`` (default: the page itself): a page of an earlier
    revision is measured in the final page's frame, so a /Rotate or CropBox changed by a later
    save does not make every word look moved.  The unrotated box (the frame's page space, where a
    line of ordinary text is horizontal) is what words are matched on."""
    frame = frame or page
    try:
        dx = page.cropbox.x0 - frame.cropbox.x0
        dy = page.cropbox.y0 - frame.cropbox.y0
    except MUPDF_ERRORS:
        dx = dy = 0.0

    def disp(b) -> g.Box:
        return g.to_display((b[0] + dx, b[1] + dy, b[2] + dx, b[3] + dy), frame)
    out = []
    raw = page.get_text("rawdict", flags=pymupdf.TEXTFLAGS_WORDS)
    for bi, block in enumerate(raw.get("blocks", ())):
        for li, line in enumerate(block.get("lines", ())):
            cur: list = []

            def flush():
                if cur:
                    txt = "".join(c for c, _, _ in cur)
                    out.append((txt, g.union(b for _, b, _ in cur), (bi, li), [(c, b) for c, b, _ in cur],
                                g.union(r for _, _, r in cur)))
                cur.clear()
            for span in line.get("spans", ()):
                for ch in span.get("chars", ()):
                    c = ch.get("c", "")
                    if not c.strip():
                        flush()
                        continue
                    b = ch["bbox"]
                    cur.append((c, disp(b), (b[0] + dx, b[1] + dy, b[2] + dx, b[3] + dy)))
                flush()
            flush()
            if len(out) > MAX_WORDS_PAGE:
                return out
    return out


def _quick_words(page: "pymupdf.Page") -> list:
    """MuPDF's own word list of a page (text, box, block, line), read in C: equal lists on an
    earlier and the final revision of a page mean no word was removed, so :func:`_words`, which
    walks every character in Python (50 ms on a dense form page), is not needed there."""
    return page.get_text("words", flags=pymupdf.TEXTFLAGS_WORDS)


def _cached(cache: dict, key, make):
    if key not in cache:
        cache[key] = make()
    return cache[key]


def _chars_text(items: list, box: g.Box) -> str:
    """The characters of ``items`` (words) that lie mostly under ``box``, words and lines kept."""
    lines: dict[tuple, list[str]] = {}
    for _, _, key, chars, *_ in items:
        part = "".join(c for c, b in chars if g.covered_fraction(b, box) >= 0.5)
        if part:
            lines.setdefault(key[:2], []).append(part)
    return "\n".join(" ".join(ws) for ws in lines.values())


def _removed(old: list, new: list) -> list:
    """Words of ``old`` that ``new`` no longer has (matched on the unrotated box, see :func:`_words`)."""
    return unmatched(old, new, lambda w: w[0], lambda w: w[4], WORD_TOL)


def _text(items: list) -> str:
    lines: dict[tuple, list[str]] = {}
    for txt, _, key, *_ in items:
        lines.setdefault(key[:2], []).append(txt)
    return "\n".join(" ".join(ws) for ws in lines.values())


@dataclass
class _PageDiff:
    revision: int
    page: int              # final page number (1-based)
    removed: list = field(default_factory=list)


@dataclass
class RevisionAnalysis:
    """What the earlier revisions of a document hold, before any redaction is known: the words
    each one had on each final page that the final version no longer has, plus what needs no
    redaction to report (pages removed later, changed metadata).  :func:`revision_texts` maps it
    onto a page's boxes (a leak channel) and :func:`revision_findings` turns it into findings."""

    final_no: int = 1
    revs: list = field(default_factory=list)
    diffs: list = field(default_factory=list)              # _PageDiff
    page_findings: list = field(default_factory=list)      # Finding (pages removed later)
    meta_changes: dict = field(default_factory=dict)
    removed_texts: list = field(default_factory=list)      # for the metadata rule "withheld elsewhere"
    warnings: list = field(default_factory=list)

    def metadata(self) -> dict:
        """``report.metadata["revisions"]``."""
        return {
            "count": self.final_no,
            "incremental_updates": self.final_no - 1,
            "sections": [r.to_dict() for r in self.revs if r.complete] + [
                {"bytes": r.end, "startxref": r.startxref, "not_a_revision": r.note}
                for r in self.revs if not r.complete],
        }


def compare_revisions(doc: "pymupdf.Document", data: bytes, budget_s: float = BUDGET_S,
                      info_of=None) -> RevisionAnalysis:
    """Compare every earlier revision with ``doc`` (the final one), within ``budget_s`` seconds.

    ``info_of`` is a callable giving a flat ``{key: value}`` of a document's metadata (Info and
    XMP), used to report values that a later revision changed or cleared."""
    revs = find_revisions(data)
    complete = [r for r in revs if r.complete]
    out = RevisionAnalysis(final_no=complete[-1].number, revs=revs)
    final_no = out.final_no
    complete[-1].pages = doc.page_count
    if final_no == 1:
        return out
    t0 = time.monotonic()
    final_pages = {doc.page_xref(i): i for i in range(doc.page_count)}
    final_words: dict[int, list] = {}
    final_quick: dict[int, list] = {}
    final_info = info_of(doc) if info_of else {}
    earlier = complete[:-1][-MAX_REVISIONS:]
    if len(complete) - 1 > MAX_REVISIONS:
        out.warnings.append(f"prior_revision: only the last {MAX_REVISIONS} of {len(complete) - 1} earlier revisions compared")
    for rev in earlier:
        if time.monotonic() - t0 > budget_s:
            out.warnings.append(f"prior_revision: time budget of {budget_s:.0f} s spent; revision {rev.number} and later earlier revisions not compared")
            break
        try:
            old = pymupdf.open(stream=data[:rev.end], filetype="pdf")
        except MUPDF_ERRORS as exc:
            rev.note = f"cannot be opened: {exc}"
            continue
        with old:
            if old.needs_pass and not old.authenticate(""):
                rev.note = "encrypted; not compared"
                continue
            if old.is_repaired:
                rev.note = "opened with repair"
            rev.pages = old.page_count
            for pi in range(min(old.page_count, MAX_PAGES)):
                opage = old[pi]
                fpi = final_pages.get(opage.xref)
                if fpi is None and old.page_count == doc.page_count and not final_pages.keys() & {
                        old.page_xref(i) for i in range(min(old.page_count, MAX_PAGES))}:
                    fpi = pi          # the file was renumbered: match pages by position
                if fpi is not None and _quick_words(opage) == _cached(final_quick, fpi, lambda: _quick_words(doc[fpi])):
                    continue      # the same words at the same places: nothing removed (the common case)
                ow = _words(opage, doc[fpi] if fpi is not None else None)
                if fpi is None:
                    txt = _text(ow)
                    if has_alnum(txt):
                        out.removed_texts.append(txt)
                        rev.removed_words += len(ow)
                        out.page_findings.append(Finding(
                            type="prior_revision", page=None, revision=rev.number, rule="page_removed_later",
                            text=clean(txt),
                            detail=f"revision {rev.number} of {final_no} (the file's first {rev.end} bytes) has a page "
                                   f"{pi + 1} that the final version no longer contains; its text is recovered here"))
                    continue
                now = _cached(final_words, fpi, lambda: _words(doc[fpi]))
                gone = [w for w in _removed(ow, now) if has_alnum(w[0])]
                if gone:
                    rev.removed_words += len(gone)
                    out.diffs.append(_PageDiff(rev.number, fpi + 1, gone))
            if info_of:
                try:
                    for key, val, now, gone in _metadata_changes(info_of(old), final_info):
                        out.meta_changes.setdefault((key, val), (now, gone, []))[2].append(rev.number)
                except MUPDF_ERRORS as exc:
                    out.warnings.append(f"prior_revision: metadata of revision {rev.number} unreadable: {exc}")
    out.removed_texts.extend(_text(d.removed) for d in sorted(out.diffs, key=lambda d: (d.revision, d.page)))
    return out


def revision_texts(analysis: RevisionAnalysis, page: int, boxes: list[g.Box]) -> dict[int, list[RevisionText]]:
    """The leak channel of earlier revisions on one page: for each box (by index), the text each
    earlier revision had under it (most recent first)."""
    out: dict[int, list[RevisionText]] = {}
    for d in sorted(analysis.diffs, key=lambda d: -d.revision):
        if d.page != page:
            continue
        for i, box in enumerate(boxes):
            hits = [w for w in d.removed if g.covered_fraction(w[1], tuple(box)) >= 0.5]
            if not hits:
                continue
            txt = clean(_chars_text(hits, tuple(box)) or _text(hits))
            leak = Leak(how="prior_revision", text=txt,
                        detail=f"revision {d.revision} of {analysis.final_no} (an earlier save kept in the file by "
                               f"an incremental update) has this text where the box now is")
            out.setdefault(i, []).append(RevisionText(d.revision, leak))
    return out


def revision_findings(analysis: RevisionAnalysis, redactions: list[Redaction]) -> list[Finding]:
    """The ``prior_revision`` findings of a document, once its redactions are known."""
    out = list(analysis.page_findings)
    by_page: dict[int, list[Redaction]] = {}
    for r in redactions:
        by_page.setdefault(r.page, []).append(r)
    for d in sorted(analysis.diffs, key=lambda d: (d.revision, d.page)):
        under, covered = [], set()
        for red in by_page.get(d.page, []):
            hits = [w for w in d.removed if g.covered_fraction(w[1], tuple(red.bbox)) >= 0.5]
            if hits:
                under.append(red.id)
                covered.update(id(w) for w in hits)
        txt = _text(d.removed)
        where = (f"; {len(covered)} of them lie under redaction(s) {', '.join(under)}" if under else
                 "; none lie under a detected redaction (text edited or deleted elsewhere on the page)")
        size = next(r.end for r in analysis.revs if r.number == d.revision and r.complete)
        out.append(Finding(
            type="prior_revision", page=d.page, revision=d.revision, rule="text_removed_later",
            bbox=g.rounded(g.union(w[1] for w in d.removed)), text=clean(txt),
            detail=f"revision {d.revision} of {analysis.final_no} (the file's first {size} bytes, kept by an "
                   f"incremental update) has {len(d.removed)} word(s) on page {d.page} that the final version no "
                   f"longer has{where}"))
    for (key, val), (now, gone, nums) in analysis.meta_changes.items():
        last = max(nums)
        out.append(Finding(
            type="prior_revision", page=None, revision=last, rule="metadata_changed_later",
            text=clean(f"{key}: {val}"),
            detail=f"revision(s) {', '.join(map(str, sorted(nums)))} of {analysis.final_no} had metadata {key} = "
                   f"{short(clean(val))!r}; the final version has "
                   + (f"{short(clean(now))!r}" if now else "no value")
                   + f" (words no longer present: {', '.join(sorted(gone)[:8])})"))
    return out


#: metadata keys (local names) that change on every save and never hold withheld text
VOLATILE_KEYS = frozenset(k.lower() for k in (
    "ModDate", "CreationDate", "ModifyDate", "MetadataDate", "CreateDate", "InstanceID", "DocumentID",
    "OriginalDocumentID", "VersionID", "Producer", "History", "Trapped", "Format", "CreatorTool",
    "Creator", "DerivedFrom", "RenditionClass"))


def _metadata_changes(old: dict, new: dict) -> list[tuple[str, str, str, set]]:
    """(key, old value, final value, words gone) for metadata values of an earlier revision whose
    distinctive words the final version no longer has."""
    out = []
    for key, val in old.items():
        local = key.rsplit(":", 1)[-1].lower()
        if local in VOLATILE_KEYS or not has_alnum(str(val)):
            continue
        now = str(new.get(key, ""))
        gone = distinctive_words(str(val)) - distinctive_words(now)
        if gone:
            out.append((key, str(val), now, gone))
    return out

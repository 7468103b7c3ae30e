"""Earlier revisions kept by incremental updates (``prior_revision``).

An incrementally saved PDF is the original file with update sections appended; every section ends
with ``startxref <offset> %%EOF``.  Cutting the bytes just after one of those ``%%EOF`` markers gives
the file exactly as it was saved at that time.  Each such prefix is opened in memory (the input is
never written) and its pages are compared word by word with the final version:

* words of an earlier revision that the final version no longer has at the same place are
  *removed text*; each (revision, page) holding removed text is a ``prior_revision`` finding;
* removed words lying under a current redaction become that redaction's leak
  (``how="prior_revision"``) unless it already has one (live text under the box is stronger);
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
from ..model import DocumentReport, Finding, Leak
from .common import clean, has_alnum, short

_TAIL = re.compile(rb"startxref\s+(\d+)\s*%%EOF[ \t]*(?:\r\n|\r|\n)?")
_PREV = re.compile(rb"/Prev\s+(\d+)")
_XREFSTM = re.compile(rb"/XRefStm\s+(\d+)")
_OBJ = re.compile(rb"\s*\d+\s+\d+\s+obj\b")

#: pixels of tolerance when matching a word of an earlier revision to the final page
WORD_TOL = 2.0
#: time budget for rebuilding and comparing revisions of one document
BUDGET_S = 30.0
MAX_REVISIONS = 50


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
        end = data.find(b"stream", off)
        seg = data[off:end if 0 < end < off + 65536 else off + 4096]
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
    for m in _TAIL.finditer(data):
        end, sx = m.end(), int(m.group(1))
        ok, why = _chain_inside(data, sx, end)
        revs.append(Revision(0, end, sx, ok, why))
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


def _words(page: "pymupdf.Page") -> list[tuple[str, g.Box, tuple]]:
    out = []
    for w in page.get_text("words"):
        txt = w[4]
        if not txt.strip():
            continue
        out.append((txt, g.to_display(w[:4], page), (w[5], w[6], w[7])))
    return out


def _removed(old: list, new: list) -> list:
    """Words of ``old`` with no word of the same text at (about) the same place in ``new``."""
    pool: dict[str, list[g.Box]] = {}
    for txt, box, _ in new:
        pool.setdefault(txt, []).append(box)
    gone = []
    for item in old:
        txt, box, _ = item
        cands = pool.get(txt, [])
        hit = next((i for i, b in enumerate(cands)
                    if abs(b[0] - box[0]) <= WORD_TOL and abs(b[3] - box[3]) <= WORD_TOL), None)
        if hit is None:
            gone.append(item)
        else:
            cands.pop(hit)
    return gone


def _text(items: list) -> str:
    lines: dict[tuple, list[str]] = {}
    for txt, _, key in items:
        lines.setdefault(key[:2], []).append(txt)
    return "\n".join(" ".join(ws) for ws in lines.values())


@dataclass
class _PageDiff:
    revision: int
    page: int              # final page number (1-based)
    removed: list = field(default_factory=list)
    under: list = field(default_factory=list)      # ids of redactions over removed words
    under_words: int = 0


def analyse_revisions(doc: "pymupdf.Document", data: bytes, report: DocumentReport,
                      info_of=None) -> list[str]:
    """Compare every earlier revision with ``doc`` (the final one); add findings and leaks.

    Returns the removed texts (for the metadata rule "withheld elsewhere").  ``info_of`` is a
    callable giving a flat ``{key: value}`` of a document's metadata (Info and XMP), used to report
    values that a later revision changed or cleared."""
    revs = find_revisions(data)
    complete = [r for r in revs if r.complete]
    final_no = complete[-1].number
    report.metadata["revisions"] = {
        "count": final_no,
        "incremental_updates": final_no - 1,
        "sections": [r.to_dict() for r in revs if r.complete] + [
            {"bytes": r.end, "startxref": r.startxref, "not_a_revision": r.note} for r in revs if not r.complete],
    }
    complete[-1].pages = doc.page_count
    if final_no == 1:
        return []
    t0 = time.monotonic()
    final_pages = {doc[i].xref: i for i in range(doc.page_count)}
    final_words: dict[int, list] = {}
    final_info = info_of(doc) if info_of else {}
    withheld: list[str] = []
    diffs: list[_PageDiff] = []
    earlier = complete[:-1][-MAX_REVISIONS:]
    if len(complete) - 1 > MAX_REVISIONS:
        report.warnings.append(f"prior_revision: only the last {MAX_REVISIONS} of {len(complete) - 1} earlier revisions compared")
    for rev in earlier:
        if time.monotonic() - t0 > BUDGET_S:
            report.warnings.append(f"prior_revision: time budget of {BUDGET_S:.0f} s spent; revision {rev.number} and later earlier revisions not compared")
            break
        try:
            old = pymupdf.open(stream=data[:rev.end], filetype="pdf")
        except Exception as exc:
            rev.note = f"cannot be opened: {exc}"
            continue
        with old:
            if old.needs_pass and not old.authenticate(""):
                rev.note = "encrypted; not compared"
                continue
            if old.is_repaired:
                rev.note = "opened with repair"
            rev.pages = old.page_count
            for pi in range(old.page_count):
                opage = old[pi]
                fpi = final_pages.get(opage.xref)
                if fpi is None and old.page_count == doc.page_count and not final_pages.keys() & {
                        old[i].xref for i in range(old.page_count)}:
                    fpi = pi          # the file was renumbered: match pages by position
                ow = _words(opage)
                if fpi is None:
                    txt = _text(ow)
                    if has_alnum(txt):
                        withheld.append(txt)
                        rev.removed_words += len(ow)
                        report.findings.append(Finding(
                            type="prior_revision", page=None, revision=rev.number, rule="page_removed_later",
                            text=clean(txt),
                            detail=f"revision {rev.number} of {final_no} (the file's first {rev.end} bytes) has a page "
                                   f"{pi + 1} that the final version no longer contains; its text is recovered here"))
                    continue
                if fpi not in final_words:
                    final_words[fpi] = _words(doc[fpi])
                gone = [w for w in _removed(ow, final_words[fpi]) if has_alnum(w[0])]
                if gone:
                    rev.removed_words += len(gone)
                    diffs.append(_PageDiff(rev.number, fpi + 1, gone))
            if info_of:
                try:
                    _metadata_changes(info_of(old), final_info, rev, final_no, report, withheld)
                except Exception as exc:
                    report.warnings.append(f"prior_revision: metadata of revision {rev.number} unreadable: {exc}")
    # leaks: the most recent earlier revision that had text under each redaction
    for d in sorted(diffs, key=lambda d: -d.revision):
        reds = [r for r in report.redactions if r.page == d.page]
        covered = set()
        for red in reds:
            hits = [w for w in d.removed if g.covered_fraction(w[1], tuple(red.bbox)) >= 0.5]
            if not hits:
                continue
            d.under.append(red.id)
            covered.update(id(w) for w in hits)
            txt = clean(_text(hits))
            if red.leak is None:
                red.leak = Leak(how="prior_revision", text=txt,
                                detail=f"revision {d.revision} of {final_no} (an earlier save kept in the file by an "
                                       f"incremental update) has this text where the box now is")
            elif red.leak.how == "prior_revision":
                red.leak.candidates.append({"revision": d.revision, "text": txt})
        d.under_words = len(covered)
    for d in sorted(diffs, key=lambda d: (d.revision, d.page)):
        txt = _text(d.removed)
        withheld.append(txt)
        where = (f"; {d.under_words} of them lie under redaction(s) {', '.join(d.under)}" if d.under else
                 "; none lie under a detected redaction (text edited or deleted elsewhere on the page)")
        report.findings.append(Finding(
            type="prior_revision", page=d.page, revision=d.revision, rule="text_removed_later",
            bbox=g.rounded(g.union(w[1] for w in d.removed)), text=clean(txt),
            detail=f"revision {d.revision} of {final_no} (the file's first "
                   f"{next(r.end for r in revs if r.number == d.revision and r.complete)} bytes, kept by an incremental "
                   f"update) has {len(d.removed)} word(s) on page {d.page} that the final version no longer has{where}"))
    report.metadata["revisions"]["sections"] = [r.to_dict() for r in revs if r.complete] + [
        {"bytes": r.end, "startxref": r.startxref, "not_a_revision": r.note} for r in revs if not r.complete]
    return withheld


def _metadata_changes(old: dict, new: dict, rev: Revision, final_no: int, report: DocumentReport,
                      withheld: list[str]) -> None:
    ignore = ("ModDate", "CreationDate", "xmp:ModifyDate", "xmp:MetadataDate", "xmp:CreateDate",
              "xmpMM:InstanceID", "Producer", "pdf:Producer", "xmpMM:History")
    for key, val in old.items():
        if key in ignore or not has_alnum(str(val)):
            continue
        now = new.get(key, "")
        if str(val).strip() == str(now).strip():
            continue
        withheld.append(str(val))
        report.findings.append(Finding(
            type="prior_revision", page=None, revision=rev.number, rule="metadata_changed_later",
            text=clean(f"{key}: {val}"),
            detail=f"revision {rev.number} of {final_no} had metadata {key} = {short(clean(val))!r}; the final "
                   f"version has " + (f"{short(clean(now))!r}" if now else "no value")))

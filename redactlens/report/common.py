"""What the appeal outputs share: numbering, the batch summary and output checks."""
from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Union

from ..consistency import private_texts, by_type, cited, scrub, short_code
from ..enrich.size import length_of, range_text  # noqa: F401  (one phrasing of lengths)
from ..model import BatchReport, ConsistencyItem, DocumentReport, Redaction
from ..output import OutputExists
from ..text import report_dict, valid_tree

#: plain-English headings of the consistency item types
TYPE_TITLES = {
    "same_value_in_clear": "Withheld here, printed in the clear elsewhere",
    "field_withheld_inconsistently": "Field withheld in some records, open in others",
    "exemption_inconsistent": "Same information, different exemptions",
    "no_exemption_cited": "No exemption cited",
    "exemption_not_specific": "Exemptions cited only page-wide",
    "whole_page_withheld": "Whole pages withheld (segregability)",
    "whole_paragraph_withheld": "Whole paragraphs withheld (segregability)",
    "recoverable_text": "Redactions that do not hide the text",
    "glyph_width_exposed": "Hidden width exposed by glyph positions",
    "hidden_content_in_file": "Content left elsewhere in the files",
    "same_passage_other_copy": "Same passage printed in another copy",
    "analysis_error": "Analysis error",
}


@dataclass
class Numbered:
    """A redaction with its number in the log, the exhibit and the HTML report."""

    n: int
    doc: DocumentReport
    red: Redaction
    doc_index: int          # 0-based index of the document in the batch


def as_batch(report: Union[BatchReport, DocumentReport, dict]) -> BatchReport:
    """A :class:`BatchReport` from a batch, a single document report or the contract JSON dict."""
    if isinstance(report, BatchReport):
        return _valid_batch(report)
    if isinstance(report, DocumentReport):
        from ..consistency import analyse_batch
        b = BatchReport([_valid_document(report)])
        b.consistency = analyse_batch(b)
        return b
    if isinstance(report, dict):
        return _valid_batch(BatchReport.from_dict(report))
    raise TypeError(f"expected a BatchReport, DocumentReport or dict, not {type(report).__name__}")


def _valid_document(d: DocumentReport) -> DocumentReport:
    return DocumentReport.from_dict(report_dict(d.to_dict()))


def _valid_batch(b: BatchReport) -> BatchReport:
    """A copy of ``b`` with every string valid Unicode (reports from the scan already are; a batch
    built or loaded by other code cannot make a writer fail)."""
    return BatchReport([_valid_document(d) for d in b.documents],
                       [ConsistencyItem.from_dict(valid_tree(c.to_dict())) for c in b.consistency], b.schema)


def numbered(batch: BatchReport) -> list[Numbered]:
    """Every redaction of the batch with its number (1-based, batch order)."""
    out, n = [], 0
    for i, d in enumerate(batch.documents):
        for r in d.redactions:
            n += 1
            out.append(Numbered(n, d, r, i))
    return out


def number_of(batch: BatchReport) -> dict[str, int]:
    """Redaction id -> number (ids are unique within a batch unless two files share a name; the
    first wins then)."""
    out: dict[str, int] = {}
    for x in numbered(batch):
        out.setdefault(x.red.id, x.n)
    return out


def refs(item: ConsistencyItem, numbers: dict[str, int]) -> list[int]:
    return sorted({numbers[i] for i in item.redactions if i in numbers})


def ranges(ns: Iterable[int]) -> str:
    """[1, 2, 3, 7, 9, 10] -> '#1-3, #7, #9-10'."""
    ns = sorted(set(ns))
    parts, i = [], 0
    while i < len(ns):
        j = i
        while j + 1 < len(ns) and ns[j + 1] == ns[j] + 1:
            j += 1
        parts.append(f"#{ns[i]}" if i == j else f"#{ns[i]}\u2013{ns[j]}")
        i = j + 1
    return ", ".join(parts)


def cites(r: Redaction) -> str:
    """The exemptions a box cites, short form (``(b)(6); (b)(7)(C)``): its ``exemptions``, or the
    codes printed in its label."""
    return "; ".join(short_code(c) for c in cited(r))


def summary(batch: BatchReport) -> dict:
    """Counts for a batch summary (documents, pages, redactions by method/field/exemption, leaks)."""
    docs = batch.documents
    reds = [r for d in docs for r in d.redactions]
    ex = Counter(short_code(c) for r in reds for c in cited(r))
    return {
        "documents": sum(1 for d in docs if not d.skipped),
        "failed": sum(1 for d in docs if d.error and not d.skipped),
        "skipped": sum(1 for d in docs if d.skipped),
        "pages": sum(d.pages or 0 for d in docs),
        "redactions": len(reds),
        "documents_with_redactions": sum(1 for d in docs if d.redactions),
        "methods": dict(Counter(r.method for r in reds).most_common()),
        "fields": dict(Counter(r.field or "unknown" for r in reds).most_common()),
        "exemptions": dict(ex.most_common()),
        "no_exemption": sum(1 for r in reds if not cited(r)),
        "leaks": sum(1 for r in reds if r.leak),
        "leak_kinds": dict(Counter(r.leak.how for r in reds if r.leak).most_common()),
        "findings": sum(len(d.findings) for d in docs),
        "consistency": len(batch.consistency),
        "consistency_types": {t: len(v) for t, v in by_type(batch.consistency).items()},
    }


def safe_items(batch: BatchReport) -> list[ConsistencyItem]:
    """The batch's consistency items with any recovered text scrubbed (again: a batch loaded from
    an older JSON file may not have been scrubbed)."""
    import dataclasses
    private = private_texts(batch)
    return [dataclasses.replace(it, detail=scrub(it.detail, private), redactions=list(it.redactions),
                                evidence=[scrub(e, private) for e in it.evidence],
                                denominator=scrub(it.denominator, private), group=scrub(it.group, private))
            for it in batch.consistency]


def _identity(path: str) -> tuple[int, int] | None:
    """(device, inode) of the file ``path`` names (symbolic links followed), or None."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return st.st_dev, st.st_ino


def input_identities(inputs: Iterable[str]) -> set[tuple[int, int]]:
    """(device, inode) of every input file: the files named, and every PDF inside the folders named
    (the files discovery scans; symbolic links to folders are not entered).  An output is
    compared against these, so that neither a hard link nor a symbolic link (nor another spelling
    of the path) can make an output overwrite an input."""
    ids: set[tuple[int, int]] = set()
    for p in inputs:
        p = os.fspath(p)
        if os.path.isdir(p):
            for root, dirs, files in os.walk(p):
                dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(root, d))]
                for fn in files:
                    if not fn.lower().endswith(".pdf"):
                        continue   # listed as skipped, never read: not an input
                    ident = _identity(os.path.join(root, fn))
                    if ident:
                        ids.add(ident)
        else:
            ident = _identity(p)
            if ident:
                ids.add(ident)
    return ids


def check_outputs(outputs: Iterable[str], inputs: Iterable[str] = (), force: bool = False,
                  existing_ok: Iterable[str] = ()) -> None:
    """Fail early, before a long scan, when an output cannot be written: it exists (without
    ``force``; ``existing_ok`` lists outputs that may exist, such as the ``--resume`` file), two
    outputs share a path, an output *is* one of the inputs (the same device and inode: a hard link,
    a symbolic link, another spelling of the path -- checked in every mode), an output would be a
    new PDF inside an input folder, or its folder is not writable.  Raises
    :class:`~redactlens.output.OutputExists` or :class:`ValueError`."""
    may_exist = {os.path.realpath(o) for o in existing_ok if o and o != "-"}
    outs = [o for o in list(outputs) + list(existing_ok) if o and o != "-"]
    seen: dict[str, str] = {}
    for o in outs:
        real = os.path.realpath(o)
        if real in seen:
            raise ValueError(f"two outputs would be written to the same file: {o}")
        seen[real] = o
    inputs = [os.fspath(p) for p in inputs]
    in_real = {os.path.realpath(p) for p in inputs}
    in_ids = input_identities(inputs) if outs else set()
    for real, o in seen.items():
        ident = _identity(o)
        if real in in_real or (ident is not None and ident in in_ids) or (real.lower().endswith(".pdf") and any(
                real.startswith(i.rstrip(os.sep) + os.sep) for i in in_real if os.path.isdir(i))):
            raise ValueError(f"refusing to write an output over an input file: {o}")
        if os.path.isdir(o):
            raise ValueError(f"output {o} is a directory")
        if os.path.exists(o) and not force and real not in may_exist:
            raise OutputExists(f"{o} exists; pass --force to overwrite it")
        folder = os.path.dirname(os.path.abspath(o))
        probe = folder
        while not os.path.exists(probe):
            probe = os.path.dirname(probe)
        if not os.access(probe, os.W_OK):
            raise ValueError(f"cannot write {o}: folder {probe} is not writable")

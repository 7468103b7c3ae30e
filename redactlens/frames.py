"""Flat tables of a batch for the data desk: pandas DataFrames (and the rows the SQLite writer stores).

One row per redaction (:func:`redactions_frame`), per finding (:func:`findings_frame`), per
consistency item (:func:`consistency_frame`, one row per *member redaction*) and per document
(:func:`documents_frame`).  The rows are built here once, as plain dicts
(:func:`redaction_rows` ...), and both the DataFrames and :mod:`redactlens.sqlite_out` use them,
so the two never disagree.  Columns and dtypes: ``docs/data.md``.

Recovered (leaked) text -- ``leak.text`` and the text of a finding -- appears only with
``show_leaks=True``, as in every other writer.  pandas is an optional dependency
(``pip install 'redactlens[data]'``); only the ``*_frame`` functions need it.
"""
from __future__ import annotations

import json
from typing import Any, Iterable, Union

from .model import EXEMPTION_BASES, FIELDS, LEAK_KINDS, METHODS, BatchReport, DocumentReport

Report = Union[BatchReport, DocumentReport]

#: the closed vocabularies of the model: these columns are pandas ``category`` with exactly these
#: categories (a value outside them would be a bug of the scanner, and shows as NaN)
CATEGORIES = {
    "method": METHODS,
    "field": FIELDS,
    "exemption_basis": EXEMPTION_BASES,
    "leak_how": LEAK_KINDS,
}

#: the redaction columns, in order, with their pandas dtype (``docs/data.md`` describes each)
REDACTION_COLUMNS: dict[str, str] = {
    "redaction_id": "string", "document": "string", "sha256": "string", "document_pages": "Int64",
    "page": "Int64", "x0": "float64", "top": "float64", "x1": "float64", "bottom": "float64",
    "width": "float64", "height": "float64", "method": "category", "style": "string",
    "field": "category", "field_evidence": "string", "label": "string", "exemptions": "string",
    "exemption_basis": "category", "exemption_source": "string", "exemption_text": "string",
    "exemption_page": "Int64", "est_chars": "Int64", "est_chars_low": "Int64", "est_chars_high": "Int64",
    "est_lines": "Int64", "context_before": "string", "context_after": "string", "context_label": "string",
    "context_header": "string", "context_sentence": "string", "hides_text": "boolean",
    "recoverable": "boolean", "leak_how": "category", "overlay": "string", "detail": "string",
}
LEAK_TEXT_COLUMN = "leak_text"   # only with show_leaks=True (dtype string)

#: one row per (redaction, cited exemption): to count boxes per single exemption
EXEMPTION_COLUMNS: dict[str, str] = {
    "redaction_id": "string", "exemption": "string", "document": "string", "page": "Int64", "field": "category",
    "exemption_basis": "category",
}

DOCUMENT_COLUMNS: dict[str, str] = {
    "document": "string", "sha256": "string", "pages": "Int64", "error": "string", "error_code": "string",
    "skipped": "boolean", "redactions": "Int64", "leaks": "Int64", "findings": "Int64",
    "page_errors": "Int64", "warnings": "Int64",
}

FINDING_COLUMNS: dict[str, str] = {
    "finding_id": "string", "document": "string", "sha256": "string", "type": "string", "page": "Int64",
    "rule": "string", "detail": "string", "revision": "Int64", "x0": "float64", "top": "float64",
    "x1": "float64", "bottom": "float64",
}
FINDING_TEXT_COLUMN = "text"     # only with show_leaks=True: a finding's text is withheld text

#: the consistency columns always present; any other key a :class:`ConsistencyItem` gains is
#: added after them (scalars as they are, lists and dicts as JSON text)
CONSISTENCY_COLUMNS: dict[str, str] = {
    "item": "Int64", "type": "string", "detail": "string", "evidence": "string", "members": "Int64",
}
MEMBER_COLUMNS: dict[str, str] = {
    "item": "Int64", "type": "string", "redaction_id": "string", "document": "string", "page": "Int64",
    "field": "category", "exemptions": "string",
}

#: how several exemptions of one box are joined in one cell
JOIN = "; "


def _documents(report: Report) -> list[DocumentReport]:
    if isinstance(report, DocumentReport):
        return [report]
    if isinstance(report, BatchReport):
        return list(report.documents)
    raise TypeError(f"expected a BatchReport or DocumentReport, not {type(report).__name__}")


def _box(b) -> list:
    b = list(b or [])[:4]
    return [float(v) if isinstance(v, (int, float)) else None for v in b] + [None] * (4 - len(b))


def redaction_row(doc: DocumentReport, r, show_leaks: bool = False) -> dict[str, Any]:
    """One redaction as a flat dict (keys: :data:`REDACTION_COLUMNS`, plus ``leak_text`` with
    ``show_leaks``)."""
    x0, top, x1, bottom = _box(r.bbox)
    ctx = r.context
    rng = r.est_chars_range or [None, None]
    row = {
        "redaction_id": r.id, "document": doc.path, "sha256": doc.sha256, "document_pages": doc.pages,
        "page": r.page, "x0": x0, "top": top, "x1": x1, "bottom": bottom,
        "width": None if x0 is None or x1 is None else x1 - x0,
        "height": None if top is None or bottom is None else bottom - top,
        "method": r.method, "style": r.style or None, "field": r.field or "unknown",
        "field_evidence": r.field_evidence or None, "label": r.label or None,
        "exemptions": JOIN.join(r.exemptions) or None, "exemption_basis": r.exemption_basis,
        "exemption_source": r.exemption_source or None, "exemption_text": r.exemption_text or None,
        "exemption_page": r.exemption_page, "est_chars": r.est_chars,
        "est_chars_low": rng[0] if len(rng) > 0 else None, "est_chars_high": rng[1] if len(rng) > 1 else None,
        "est_lines": r.est_lines,
        "context_before": (ctx.before if ctx else "") or None, "context_after": (ctx.after if ctx else "") or None,
        "context_label": (ctx.label if ctx else "") or None, "context_header": (ctx.header if ctx else "") or None,
        "context_sentence": (ctx.sentence if ctx else "") or None,
        "hides_text": bool(r.hides_text), "recoverable": r.leak is not None,
        "leak_how": r.leak.how if r.leak else None, "overlay": r.overlay or None, "detail": r.detail or None,
    }
    if show_leaks:
        row[LEAK_TEXT_COLUMN] = r.leak.text if r.leak else None
    return row


def redaction_rows(report: Report, show_leaks: bool = False) -> Iterable[dict]:
    for d in _documents(report):
        for r in d.redactions:
            yield redaction_row(d, r, show_leaks)


def exemption_rows_of(d: DocumentReport) -> Iterable[dict]:
    """One row per exemption each redaction of ``d`` cites (a box citing two gives two rows)."""
    for r in d.redactions:
        for code in dict.fromkeys(r.exemptions):
            yield {"redaction_id": r.id, "exemption": code, "document": d.path, "page": r.page,
                   "field": r.field or "unknown", "exemption_basis": r.exemption_basis}


def document_row(d: DocumentReport) -> dict[str, Any]:
    return {
        "document": d.path, "sha256": d.sha256, "pages": d.pages, "error": d.error, "error_code": d.error_code,
        "skipped": bool(d.skipped), "redactions": len(d.redactions), "leaks": len(d.leaks),
        "findings": len(d.findings), "page_errors": len(d.page_errors), "warnings": len(d.warnings),
    }


def document_rows(report: Report) -> Iterable[dict]:
    return (document_row(d) for d in _documents(report))


def finding_rows_of(d: DocumentReport, show_leaks: bool = False) -> Iterable[dict]:
    """The findings of one document; ``finding_id`` is ``PATH#fN`` (N: 1-based, in report order)."""
    for n, f in enumerate(d.findings, 1):
        x0, top, x1, bottom = _box(f.bbox)
        row = {"finding_id": f"{d.path}#f{n}", "document": d.path, "sha256": d.sha256, "type": f.type,
               "page": f.page, "rule": f.rule or None, "detail": f.detail or None, "revision": f.revision,
               "x0": x0, "top": top, "x1": x1, "bottom": bottom}
        if show_leaks:
            row[FINDING_TEXT_COLUMN] = f.text or None
        yield row


def finding_rows(report: Report, show_leaks: bool = False) -> Iterable[dict]:
    for d in _documents(report):
        yield from finding_rows_of(d, show_leaks)


def _cell(v: Any) -> Any:
    if v is None or isinstance(v, (str, int, float, bool)):
        return v
    return json.dumps(v, ensure_ascii=False, sort_keys=True)


def consistency_rows(batch: BatchReport) -> tuple[list[dict], list[dict]]:
    """``(items, members)``: one row per consistency item (``item`` is its 1-based number in
    ``batch.consistency``) and one per member redaction.  Items are read through ``to_dict`` so
    keys a newer :class:`~redactlens.model.ConsistencyItem` gains become columns too."""
    where: dict[str, tuple] = {}
    for d in batch.documents:
        for r in d.redactions:
            where[r.id] = (d.path, r.page, r.field or "unknown", JOIN.join(r.exemptions) or None)
    items, members = [], []
    for k, it in enumerate(batch.consistency, 1):
        d = it.to_dict()
        ids = [x for x in d.pop("redactions", []) or [] if isinstance(x, str)]
        evidence = d.pop("evidence", []) or []
        row = {"item": k, "type": d.pop("type", None), "detail": d.pop("detail", "") or None,
               "evidence": "\n".join(str(e) for e in evidence) or None, "members": len(ids)}
        for key, v in d.items():   # fields added to ConsistencyItem later flow through
            if key not in row:
                row[key] = _cell(v)
        items.append(row)
        for rid in ids:
            doc, page, fld, ex = where.get(rid, (None, None, None, None))
            members.append({"item": k, "type": row["type"], "redaction_id": rid, "document": doc, "page": page,
                            "field": fld, "exemptions": ex})
    return items, members


# -- pandas ----------------------------------------------------------------------------------

def _pandas():
    try:
        import pandas as pd
    except ImportError:
        raise ImportError("DataFrames need pandas: pip install 'redactlens[data]'") from None
    return pd


def _frame(rows: list[dict], columns: dict[str, str], extra: dict[str, str] | None = None):
    pd = _pandas()
    cols = dict(columns)
    for row in rows:
        for k in row:
            if k not in cols:
                cols[k] = (extra or {}).get(k, "object")
    df = pd.DataFrame.from_records(rows, columns=list(cols))
    for name, dtype in cols.items():
        if dtype == "category":
            cats = CATEGORIES.get(name)
            df[name] = pd.Categorical(df[name], categories=list(cats)) if cats else df[name].astype("category")
        elif dtype != "object":
            df[name] = df[name].astype(dtype)
    return df


def redactions_frame(report: Report, show_leaks: bool = False):
    """One row per redaction (columns :data:`REDACTION_COLUMNS`; ``leak_text`` only with
    ``show_leaks``)."""
    extra = {LEAK_TEXT_COLUMN: "string"}
    return _frame(list(redaction_rows(report, show_leaks)), REDACTION_COLUMNS, extra)


def exemptions_frame(report: Report):
    """One row per (redaction, cited exemption) (columns :data:`EXEMPTION_COLUMNS`)."""
    return _frame([row for d in _documents(report) for row in exemption_rows_of(d)], EXEMPTION_COLUMNS)


def documents_frame(report: Report):
    """One row per document (columns :data:`DOCUMENT_COLUMNS`)."""
    return _frame(list(document_rows(report)), DOCUMENT_COLUMNS)


def findings_frame(report: Report, show_leaks: bool = False):
    """One row per document-level finding (columns :data:`FINDING_COLUMNS`; ``text`` only with
    ``show_leaks``)."""
    return _frame(list(finding_rows(report, show_leaks)), FINDING_COLUMNS, {FINDING_TEXT_COLUMN: "string"})


def consistency_frame(report: Report, members: bool = True):
    """The consistency analysis: one row per *member redaction* of each item (``members=True``,
    columns :data:`MEMBER_COLUMNS` plus the item's ``detail`` and ``evidence``), or one row per
    item (``members=False``, columns :data:`CONSISTENCY_COLUMNS` and any newer item keys).  A
    :class:`DocumentReport` is analysed as a batch of one."""
    if isinstance(report, DocumentReport):
        from .report.common import as_batch
        report = as_batch(report)
    items, rows = consistency_rows(report)
    if not members:
        return _frame(items, CONSISTENCY_COLUMNS)
    by_item = {it["item"]: it for it in items}
    for m in rows:
        it = by_item[m["item"]]
        m["detail"], m["evidence"] = it["detail"], it["evidence"]
    return _frame(rows, {**MEMBER_COLUMNS, "detail": "string", "evidence": "string"})

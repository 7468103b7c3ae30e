"""A SQLite database of a batch that Datasette opens as it is: ``redactlens scan ... --sqlite FILE``.

Tables (columns: ``docs/data.md``; rows are :mod:`redactlens.frames`' rows, so the database and
the DataFrames never disagree):

* ``documents`` (primary key ``document``, the path or URL as in the JSON),
* ``redactions`` (``redaction_id``; foreign key ``document``), full-text search on its label and
  context columns,
* ``redaction_exemptions`` (``redaction_id``, ``exemption``): one row per exemption a box cites,
* ``findings`` (``finding_id``; foreign key ``document``),
* ``consistency`` (``item``, the 1-based number of the item in the JSON's ``consistency``) and
  ``consistency_members`` (``item``, ``redaction_id``; one row per member redaction).

Indexes on document, page, field, exemptions, method and exemption basis.  Titles, descriptions,
units and default facets for Datasette are written next to the database as
``NAME.metadata.json`` (``datasette NAME.db -m NAME.metadata.json``) and kept in the database too
(table ``_redactlens_metadata``).

:class:`SqliteWriter` streams: each document's rows are written (and committed) as the document
finishes, so a killed run keeps what finished; a document written again (``--resume`` retries the
ones that ended in an error) replaces its rows.  The consistency tables need the whole batch and
are written by :meth:`SqliteWriter.finish`.  Recovered (leaked) text (``leak_text``, a finding's
``text``) is stored only with ``show_leaks``.
"""
from __future__ import annotations

import json
import os
from typing import Iterable

from . import frames
from .model import BatchReport, DocumentReport
from .output import OutputExists

#: Datasette's unit (pint) of every coordinate column: a PDF point, 1/72 inch ("pt" would be a pint)
UNIT = "point"
#: columns of ``redactions`` searched by full-text search
FTS_COLUMNS = ["label", "context_label", "context_header", "context_before", "context_after", "context_sentence"]
INDEXES = {
    "redactions": [["document"], ["page"], ["document", "page"], ["field"], ["exemptions"], ["method"],
                   ["exemption_basis"], ["leak_how"]],
    "findings": [["document"], ["type"]],
    "redaction_exemptions": [["exemption"], ["document"], ["field"]],
    "consistency_members": [["redaction_id"], ["document"], ["field"]],
}
_SQL_TYPES = {"string": str, "category": str, "Int64": int, "float64": float, "boolean": int, "object": str}

TABLES = {
    "documents": "One row per input document (PDF file or URL) of the batch.",
    "redactions": "One row per redaction box: where it is (x0, top, x1, bottom in PDF points, 1/72 inch, from "
                  "the top-left corner of the page as displayed), how it was made, the field withheld, the exemptions cited and whether "
                  "text is still recoverable.",
    "redaction_exemptions": "One row per exemption a redaction cites (a box citing two has two rows): "
                            "facet on exemption to count boxes per section.",
    "findings": "Document-level places where withheld text survives (metadata, earlier revisions, text layers).",
    "consistency": "Batch-level patterns an appeal can use (the same field withheld in one document and "
                   "released in another, exemptions cited unevenly ...).",
    "consistency_members": "The redactions each consistency item is about, one row per redaction.",
}
COLUMN_DOCS = {
    "document": "path or URL of the input, as in the JSON report",
    "sha256": "sha256 of the input bytes",
    "redaction_id": "FILE#pPAGE-rN, as in the JSON, the CSV log and the exhibit",
    "page": "1-based page number",
    "x0": "left edge of the box", "top": "top edge of the box", "x1": "right edge of the box",
    "bottom": "bottom edge of the box", "width": "box width", "height": "box height",
    "method": "how the redaction was made: vector, raster, annotation, text, image",
    "style": "what the box looks like: solid, hatched, outlined-label, white-cover ...",
    "field": "the kind of information withheld (person_name, address, phone ... unknown)",
    "field_evidence": "what the field was told from",
    "label": "the label printed on the box (e.g. '(b)(6)')",
    "exemptions": "exemption codes cited for the box, joined by '; '",
    "exemption_basis": "where the exemption was read: on_box, beside_box, margin, page_note, letter",
    "est_chars": "estimated number of hidden characters",
    "est_chars_low": "low end of the plausible hidden characters",
    "est_chars_high": "high end of the plausible hidden characters",
    "context_before": "text printed just before the box", "context_after": "text printed just after the box",
    "context_label": "the 'Label:' left of the box", "context_header": "the table column header above the box",
    "context_sentence": "the sentence around the box, the box shown as [█]",
    "hides_text": "1 when live text sits under the box (a leak or not)",
    "recoverable": "1 when the hidden text can still be recovered",
    "leak_how": "how the text is recoverable (text_under_box, ocr_layer, prior_revision ...)",
    "leak_text": "the recovered text (only in a database written with --show-leaks)",
    "item": "number of the consistency item (its place in the JSON's consistency list)",
    "members": "number of redactions the item is about",
}
FACETS = {
    "redactions": ["field", "method", "exemptions", "exemption_basis", "leak_how"],
    "documents": ["error_code"],
    "findings": ["type", "document"],
    "redaction_exemptions": ["exemption", "field", "document"],
    "consistency": ["type"],
    "consistency_members": ["type", "field", "document"],
}
UNITS = {"redactions": {c: UNIT for c in ("x0", "top", "x1", "bottom", "width", "height")},
         "findings": {c: UNIT for c in ("x0", "top", "x1", "bottom")}}


def _sqlite_utils():
    try:
        import sqlite_utils
    except ImportError:
        raise ImportError("--sqlite needs sqlite-utils: pip install 'redactlens[data]'") from None
    return sqlite_utils


def metadata_path(path: str) -> str:
    """``release.db`` -> ``release.metadata.json`` (beside the database)."""
    root, _ = os.path.splitext(path)
    return root + ".metadata.json"


#: the columns Datasette describes above each table (it lists every description there, before the
#: rows: the less obvious ones only, so the facets and the rows stay in view; docs/data.md has all)
DESCRIBED = {"redactions": ["redaction_id", "field", "exemptions", "exemption_basis", "est_chars", "recoverable",
                            "leak_how", "leak_text"],
             "documents": ["document"], "findings": [], "consistency": ["item", "members"],
             "consistency_members": ["item"], "redaction_exemptions": []}


def metadata(path: str, show_leaks: bool = False) -> dict:
    """Datasette metadata for the database at ``path``: titles, descriptions, units, facets."""
    name = os.path.splitext(os.path.basename(path))[0]
    tables = {}
    for t, desc in TABLES.items():
        cols = _columns(t, show_leaks)
        entry: dict = {"title": t.replace("_", " ").capitalize(), "description": desc,
                       "facets": FACETS.get(t, []),
                       "columns": {c: COLUMN_DOCS[c] for c in DESCRIBED.get(t, []) if c in cols and c in COLUMN_DOCS}}
        if t in UNITS:
            entry["units"] = UNITS[t]
        if t == "redactions":
            entry["label_column"] = "redaction_id"
            entry["fts_table"] = "redactions_fts"
        tables[t] = entry
    return {"title": "redactlens: redactions of a release",
            "description": "Every redaction redactlens found, with the field withheld, the exemption cited and "
                           "whether text is still recoverable. Boxes are in PDF points (1/72 inch).",
            "source": "redactlens", "source_url": "https://pypi.org/project/redactlens/",
            "databases": {name: {"tables": tables}}}


def _columns(table: str, show_leaks: bool) -> dict[str, str]:
    if table == "documents":
        return frames.DOCUMENT_COLUMNS
    if table == "redactions":
        return {**frames.REDACTION_COLUMNS, **({frames.LEAK_TEXT_COLUMN: "string"} if show_leaks else {})}
    if table == "findings":
        return {**frames.FINDING_COLUMNS, **({frames.FINDING_TEXT_COLUMN: "string"} if show_leaks else {})}
    if table == "consistency":
        return frames.CONSISTENCY_COLUMNS
    if table == "redaction_exemptions":
        return frames.EXEMPTION_COLUMNS
    return frames.MEMBER_COLUMNS


def _sql(row: dict) -> dict:
    return {k: (int(v) if isinstance(v, bool) else v) for k, v in row.items()}


class SqliteWriter:
    """Write a batch into a SQLite database, one document at a time (see the module docstring).

    A new database is created only where no file is (unless ``force``, which replaces it);
    ``append`` continues an existing one (``--resume``)."""

    def __init__(self, path: str, *, force: bool = False, append: bool = False, show_leaks: bool = False,
                 name: str | None = None):
        su = _sqlite_utils()
        self.path = path
        self.name = name or path   # the path the database will have (its metadata names it)
        self.show_leaks = show_leaks
        self.count = 0
        if os.path.lexists(path) and not append:
            if not force:
                raise OutputExists(f"{path} exists; pass --force to overwrite it (or --resume to continue it)")
            if os.path.isdir(path):
                raise OutputExists(f"{path} is a folder")
            os.unlink(path)   # a new file in its place, never a truncation of a (hard-linked) old one
        folder = os.path.dirname(os.path.abspath(path))
        os.makedirs(folder, exist_ok=True)
        self.db = su.Database(path)
        try:
            self.db.execute("select count(*) from sqlite_master").fetchall()
        except Exception as exc:   # sqlite3.DatabaseError: file is not a database
            raise OutputExists(f"{path} is not a SQLite database ({exc}); refused") from None
        if append and self.db.table_names() and "documents" not in self.db.table_names():
            raise OutputExists(f"{path} is not a redactlens database (no documents table); refused")
        self._create()

    # -- schema ---------------------------------------------------------------------------------
    def _table(self, name: str, pk, fks=()):
        cols = {c: _SQL_TYPES[t] for c, t in _columns(name, self.show_leaks).items()}
        t = self.db[name]
        if not t.exists():
            t.create(cols, pk=pk, foreign_keys=list(fks))
        else:
            missing = {c: ty for c, ty in cols.items() if c not in t.columns_dict}
            for c, ty in missing.items():
                t.add_column(c, ty)
        for idx in INDEXES.get(name, []):
            t.create_index(idx, if_not_exists=True)
        return t

    def _create(self) -> None:
        self._table("documents", "document")
        red = self._table("redactions", "redaction_id", [("document", "documents", "document")])
        self._table("findings", "finding_id", [("document", "documents", "document")])
        self._table("redaction_exemptions", ("redaction_id", "exemption"),
                    [("redaction_id", "redactions", "redaction_id"), ("document", "documents", "document")])
        self._table("consistency", "item")
        self._table("consistency_members", ("item", "redaction_id"),
                    [("item", "consistency", "item"), ("redaction_id", "redactions", "redaction_id")])
        if not red.detect_fts():
            red.enable_fts(FTS_COLUMNS, create_triggers=True, tokenize="porter")
        meta = metadata(self.name, self.show_leaks)
        self.db["_redactlens_metadata"].insert({"key": "datasette", "value": json.dumps(meta)}, pk="key",
                                               replace=True)

    # -- rows -----------------------------------------------------------------------------------
    def write(self, doc: DocumentReport | dict) -> None:
        """Write one document's rows (replacing any earlier rows of the same path), committed."""
        d = DocumentReport.from_dict(doc) if isinstance(doc, dict) else doc
        with self.db.conn:
            self._delete(d.path)
            self.db["documents"].insert(_sql(frames.document_row(d)), alter=True)
            reds = [_sql(frames.redaction_row(d, r, self.show_leaks)) for r in d.redactions]
            if reds:
                self.db["redactions"].insert_all(reds, replace=True, alter=True)
            exs = [_sql(e) for e in frames.exemption_rows_of(d)]
            if exs:
                self.db["redaction_exemptions"].insert_all(exs, replace=True, alter=True)
            finds = [_sql(f) for f in frames.finding_rows_of(d, self.show_leaks)]
            if finds:
                self.db["findings"].insert_all(finds, replace=True, alter=True)
        self.count += 1

    def _delete(self, path: str) -> None:
        for t in ("redaction_exemptions", "findings", "redactions", "documents"):
            self.db.execute(f"delete from [{t}] where document = ?", [path])

    def documents(self) -> set[str]:
        """The paths of the documents already in the database."""
        return {r[0] for r in self.db.execute("select document from documents").fetchall()}

    def finish(self, batch: BatchReport | None) -> None:
        """Write the consistency tables from ``batch`` (all of them replaced), the Datasette
        metadata file beside the database, and close.  ``batch`` None: consistency left empty."""
        try:
            if batch is not None:
                items, members = frames.consistency_rows(batch)
                with self.db.conn:
                    self.db.execute("delete from consistency_members")
                    self.db.execute("delete from consistency")
                    if items:
                        self.db["consistency"].insert_all([_sql(i) for i in items], alter=True)
                    if members:
                        self.db["consistency_members"].insert_all([_sql(m) for m in members], alter=True,
                                                                  replace=True)
            if self.name == self.path:
                from .output import atomic_write
                atomic_write(metadata_path(self.path), json.dumps(metadata(self.path, self.show_leaks), indent=2) + "\n",
                             force=True)
        finally:
            self.close()

    def close(self) -> None:
        try:
            self.db.conn.close()
        except Exception:
            pass

    def discard(self) -> None:
        """Close and remove the database (nothing was written to it)."""
        self.close()
        for p in (self.path, self.path + "-journal", self.path + "-wal", self.path + "-shm"):
            if os.path.lexists(p):
                os.unlink(p)

    def __enter__(self) -> "SqliteWriter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def write_sqlite(batch: BatchReport | DocumentReport, path: str, *, force: bool = False,
                 show_leaks: bool = False) -> str:
    """Write ``batch`` as a SQLite database at ``path`` (and ``NAME.metadata.json`` beside it for
    Datasette).  Refuses an existing file unless ``force``.  Written into a temporary file of the
    same folder and renamed, so ``path`` never holds half a database.  Returns ``path``."""
    from .report.common import as_batch
    batch = as_batch(batch)
    if os.path.lexists(path) and not force:
        raise OutputExists(f"{path} exists; pass --force to overwrite it")
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    tmp = os.path.join(folder, f".redactlens-{os.getpid()}-{os.path.basename(path)}")
    if os.path.lexists(tmp):
        os.unlink(tmp)
    try:
        w = SqliteWriter(tmp, show_leaks=show_leaks, name=path)
        for d in batch.documents:
            w.write(d)
        w.finish(batch)
        os.replace(tmp, path)
    finally:
        if os.path.lexists(tmp):
            os.unlink(tmp)
    from .output import atomic_write
    atomic_write(metadata_path(path), json.dumps(metadata(path, show_leaks), indent=2) + "\n", force=True)
    return path


def read_counts(path: str) -> dict[str, int]:
    """Rows per table of a redactlens database (for checks and the tutorial)."""
    su = _sqlite_utils()
    db = su.Database(path)
    try:
        return {t: db[t].count for t in TABLES}
    finally:
        db.conn.close()


def ids(path: str, table: str, column: str) -> Iterable[str]:
    su = _sqlite_utils()
    db = su.Database(path)
    try:
        return [r[0] for r in db.execute(f"select [{column}] from [{table}]").fetchall()]
    finally:
        db.conn.close()

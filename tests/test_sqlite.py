"""The SQLite database (redactlens.write_sqlite, scan --sqlite): tables, keys, indexes, FTS, Datasette."""
import asyncio
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest.importorskip("sqlite_utils")

import redactlens
from redactlens import sqlite_out
from redactlens.cli import main
from redactlens.sqlite_out import SqliteWriter, metadata_path, read_counts, write_sqlite
from test_frames import SECRET, make_batch

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "release"


def _rows(db, sql, args=()):
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def test_tables_keys_indexes_and_counts(tmp_path):
    db = tmp_path / "release.db"
    write_sqlite(make_batch(), str(db))
    assert read_counts(str(db)) == {"documents": 3, "redactions": 3, "redaction_exemptions": 3, "findings": 1,
                                    "consistency": 1, "consistency_members": 2}
    import sqlite_utils
    d = sqlite_utils.Database(db)
    assert d["documents"].pks == ["document"]
    assert d["redactions"].pks == ["redaction_id"]
    assert d["consistency_members"].pks == ["item", "redaction_id"]
    fks = {(fk.column, fk.other_table) for fk in d["redactions"].foreign_keys}
    assert fks == {("document", "documents")}
    assert {(fk.column, fk.other_table) for fk in d["consistency_members"].foreign_keys} == \
        {("item", "consistency"), ("redaction_id", "redactions")}
    indexed = {tuple(i.columns) for i in d["redactions"].indexes}
    assert {("document",), ("page",), ("field",), ("exemptions",)} <= indexed
    assert d["redactions"].detect_fts() == "redactions_fts"
    hits = [r["redaction_id"] for r in d["redactions"].search("name")]
    assert hits == ["a.pdf#p1-r1"]   # the "Name:" label
    # foreign keys hold
    assert _rows(db, "pragma foreign_key_check") == []
    d.conn.close()
    meta = json.loads(Path(metadata_path(str(db))).read_text())
    tables = meta["databases"]["release"]["tables"]
    assert tables["redactions"]["units"]["x0"] == "point"
    assert "field" in tables["redactions"]["facets"]
    assert tables["redactions"]["columns"]["field"] and "leak_text" not in tables["redactions"]["columns"]


def test_leak_text_stored_only_with_show_leaks(tmp_path):
    hidden, shown = tmp_path / "hidden.db", tmp_path / "shown.db"
    write_sqlite(make_batch(), str(hidden))
    write_sqlite(make_batch(), str(shown), show_leaks=True)
    # nowhere in the file (tables, FTS index, free pages)
    assert SECRET.encode() not in hidden.read_bytes()
    assert "leak_text" not in [r[1] for r in _rows(hidden, "pragma table_info(redactions)")]
    assert _rows(shown, "select leak_text from redactions where leak_text is not null") == [(SECRET,)]
    assert _rows(shown, "select text from findings") == [(SECRET,)]


def test_existing_file_refused_without_force(tmp_path):
    db = tmp_path / "x.db"
    db.write_text("keep me")
    with pytest.raises(redactlens.output.OutputExists):
        write_sqlite(make_batch(), str(db))
    assert db.read_text() == "keep me"
    write_sqlite(make_batch(), str(db), force=True)
    assert read_counts(str(db))["redactions"] == 3


def test_not_a_database_is_refused_for_append(tmp_path):
    db = tmp_path / "x.db"
    db.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(redactlens.output.OutputExists, match="not a SQLite database"):
        SqliteWriter(str(db), append=True)


def test_streaming_keeps_finished_documents_and_replaces_a_rewritten_one(tmp_path):
    db = tmp_path / "s.db"
    batch = make_batch()
    w = SqliteWriter(str(db))
    w.write(batch.documents[0])
    w.write(batch.documents[1])
    # killed here: no finish(); what was written is committed and readable
    assert _rows(db, "select count(*) from documents") == [(2,)]
    assert _rows(db, "select count(*) from redactions") == [(3,)]
    w.close()
    w = SqliteWriter(str(db), append=True)
    again = batch.documents[0]
    again.redactions = again.redactions[:1]
    w.write(again)   # a document scanned again (its earlier run ended in an error) replaces its rows
    w.finish(batch)
    assert _rows(db, "select count(*) from redactions where document = 'release/a.pdf'") == [(1,)]
    assert _rows(db, "select count(*) from redaction_exemptions where document = 'release/a.pdf'") == [(2,)]
    assert _rows(db, "select count(*) from documents") == [(2,)]
    assert _rows(db, "select count(*) from consistency") == [(1,)]


def _datasette_get(db, meta, url):
    from datasette.app import Datasette

    async def go():
        ds = Datasette([str(db)], metadata=meta)
        return await ds.client.get(url)
    return asyncio.run(go())


def test_datasette_opens_it_and_facets(tmp_path):
    pytest.importorskip("datasette")
    db = tmp_path / "release.db"
    write_sqlite(make_batch(), str(db))
    meta = json.loads(Path(metadata_path(str(db))).read_text())
    r = _datasette_get(db, meta, "/release/redactions.json?_facet=field&_shape=objects")
    assert r.status_code == 200
    facet = {x["value"]: x["count"] for x in r.json()["facet_results"]["field"]["results"]}
    assert facet == {"person_name": 2, "phone": 1}
    r = _datasette_get(db, meta, "/release/redaction_exemptions.json?_facet=exemption&_shape=objects")
    facet = {x["value"]: x["count"] for x in r.json()["facet_results"]["exemption"]["results"]}
    assert facet == {"(b)(6)": 2, "(b)(7)(C)": 1}
    r = _datasette_get(db, meta, "/release/redactions.json?_search=name&_shape=objects")
    assert [x["redaction_id"] for x in r.json()["rows"]] == ["a.pdf#p1-r1"]
    page = _datasette_get(db, meta, "/release/redactions")
    assert page.status_code == 200 and "One row per redaction box" in page.text


def test_cli_sqlite_streams_and_resumes_with_jsonl(tmp_path):
    release = tmp_path / "release"
    release.mkdir()
    pdfs = sorted(SAMPLES.glob("*.pdf"))
    for p in pdfs[:3]:
        shutil.copy(p, release / p.name)
    db, jl = tmp_path / "r.db", tmp_path / "r.jsonl"
    args = ["scan", str(release), "--sqlite", str(db), "--jsonl", str(jl), "--workers", "0", "--ocr", "off", "-q"]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 0, res.output
    assert read_counts(str(db))["documents"] == 3
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 3   # exists, no --force
    for p in pdfs[3:]:
        shutil.copy(p, release / p.name)
    res = CliRunner().invoke(main, args + ["--resume"])
    assert res.exit_code == 0, res.output
    whole = redactlens.stream.read_jsonl(str(jl))
    counts = read_counts(str(db))
    assert counts["documents"] == len(whole) == len(pdfs)
    assert counts["redactions"] == sum(len(d.redactions) for d in whole)
    ids = {r[0] for r in _rows(db, "select redaction_id from redactions")}
    assert ids == {r.id for d in whole for r in d.redactions}
    # the consistency tables cover the whole record, not only this run's documents
    full = redactlens.BatchReport(whole)
    full.consistency = redactlens.analyse_consistency(full)
    assert counts["consistency"] == len(full.consistency)
    assert counts["consistency_members"] == len({(k, i) for k, it in enumerate(full.consistency)
                                                 for i in it.redactions})


def test_cli_sqlite_alone_and_leaks(tmp_path):
    db = tmp_path / "r.db"
    res = CliRunner().invoke(main, ["scan", str(SAMPLES), "--sqlite", str(db), "--workers", "0", "--ocr", "off"])
    assert res.exit_code == 0, res.output
    assert "datasette" in res.output
    n_leaks = _rows(db, "select count(*) from redactions where recoverable")[0][0]
    assert n_leaks >= 1
    assert _rows(db, "select count(*) from consistency")[0][0] >= 1
    assert "leak_text" not in [r[1] for r in _rows(db, "pragma table_info(redactions)")]


def test_cli_sqlite_resume_needs_jsonl(tmp_path):
    res = CliRunner().invoke(main, ["scan", str(SAMPLES), "--sqlite", str(tmp_path / "r.db"), "--resume"])
    assert res.exit_code == 2
    assert "--resume needs --jsonl" in res.output


def test_real_set_tables_agree_with_json(realworld, tmp_path):
    """On the labelled real set: the database and the DataFrame hold exactly the JSON's rows."""
    pytest.importorskip("pandas")
    pdfs = sorted(str(p) for p in realworld.glob("*.pdf"))[:6]
    batch = redactlens.scan_many(pdfs, workers=0, settings={"ocr": "off"})
    d = json.loads(json.dumps(batch.to_dict()))
    db = tmp_path / "rw.db"
    write_sqlite(batch, str(db))
    counts = read_counts(str(db))
    assert counts["documents"] == len(d["documents"])
    assert counts["redactions"] == sum(len(x["redactions"]) for x in d["documents"])
    assert counts["findings"] == sum(len(x["findings"]) for x in d["documents"])
    assert counts["consistency"] == len(d["consistency"])
    json_ids = sorted(r["id"] for x in d["documents"] for r in x["redactions"])
    assert sorted(r[0] for r in _rows(db, "select redaction_id from redactions")) == json_ids
    assert sorted(batch.to_dataframe()["redaction_id"]) == json_ids

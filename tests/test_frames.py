"""DataFrames of a batch (redactlens.frames): one row per redaction / finding / consistency member,
closed vocabularies as categoricals, leak text only when asked."""
import json

import pymupdf
import pytest

pd = pytest.importorskip("pandas")

import redactlens
from redactlens import frames
from redactlens.model import (FIELDS, METHODS, BatchReport, ConsistencyItem, Context, DocumentReport, Finding, Leak,
                              Redaction)

SECRET = "Jane Q Example"


def make_batch() -> BatchReport:
    a = DocumentReport(path="release/a.pdf", sha256="aa" * 32, pages=2, redactions=[
        Redaction(id="a.pdf#p1-r1", page=1, bbox=[10.0, 20.0, 110.0, 32.0], method="vector", field="person_name",
                  exemptions=["(b)(6)", "(b)(7)(C)"], exemption_basis="on_box", est_chars=14, est_chars_range=[12, 16],
                  context=Context(before="Name:", label="Name:"), leak=Leak(how="text_under_box", text=SECRET),
                  hides_text=True, style="solid"),
        Redaction(id="a.pdf#p2-r1", page=2, bbox=[0, 0, 50, 10], method="raster", field="phone"),
    ], findings=[Finding(type="metadata", page=None, detail="Author field", text=SECRET, rule="author_field")])
    b = DocumentReport(path="https://example.org/b.pdf", sha256="bb" * 32, pages=1, redactions=[
        Redaction(id="b.pdf#p1-r1", page=1, bbox=[5, 5, 25, 15], method="annotation", field="person_name",
                  exemptions=["(b)(6)"], exemption_basis="page_note")])
    c = DocumentReport(path="release/c.pdf", error="not a PDF", error_code="not_pdf")
    items = [ConsistencyItem(type="field_withheld_inconsistently", detail="Name withheld in 2 of 3",
                             redactions=["a.pdf#p1-r1", "b.pdf#p1-r1"], evidence=["b.pdf p1"])]
    return BatchReport(documents=[a, b, c], consistency=items)


def test_redaction_frame_rows_columns_and_dtypes():
    batch = make_batch()
    df = batch.to_dataframe()
    assert list(df.columns) == list(frames.REDACTION_COLUMNS)
    assert len(df) == 3
    assert list(df["redaction_id"]) == ["a.pdf#p1-r1", "a.pdf#p2-r1", "b.pdf#p1-r1"]
    assert list(df["document"]) == ["release/a.pdf", "release/a.pdf", "https://example.org/b.pdf"]
    assert df["document_pages"].tolist() == [2, 2, 1]
    row = df.iloc[0]
    assert (row.x0, row.top, row.x1, row.bottom, row.width, row.height) == (10, 20, 110, 32, 100, 12)
    assert row.exemptions == "(b)(6); (b)(7)(C)"
    assert (row.est_chars, row.est_chars_low, row.est_chars_high) == (14, 12, 16)
    assert row.context_label == "Name:" and row.recoverable and row.leak_how == "text_under_box"
    assert pd.isna(df.iloc[1]["est_chars"]) and pd.isna(df.iloc[1]["leak_how"])
    for col in frames.CATEGORIES:
        assert isinstance(df[col].dtype, pd.CategoricalDtype), col
    assert list(df["method"].cat.categories) == list(METHODS)
    assert list(df["field"].cat.categories) == list(FIELDS)
    assert str(df["page"].dtype) == "Int64" and str(df["recoverable"].dtype) == "boolean"
    assert df["field"].value_counts()["person_name"] == 2


def test_leak_text_only_when_asked():
    batch = make_batch()
    for df in (batch.to_dataframe(), batch.findings_frame(), batch.consistency_frame(),
               batch.consistency_frame(members=False), batch.documents_frame(),
               batch.documents[0].to_dataframe(), batch.documents[0].findings_frame()):
        assert SECRET not in df.to_csv(), df.columns
    shown = batch.to_dataframe(show_leaks=True)
    assert shown["leak_text"].tolist()[0] == SECRET and pd.isna(shown["leak_text"].tolist()[1])
    assert batch.findings_frame(show_leaks=True)["text"].tolist() == [SECRET]


def test_document_and_finding_frames():
    batch = make_batch()
    ex = batch.exemptions_frame()
    assert ex["exemption"].value_counts().to_dict() == {"(b)(6)": 2, "(b)(7)(C)": 1}
    docs = batch.documents_frame()
    assert docs["document"].tolist() == ["release/a.pdf", "https://example.org/b.pdf", "release/c.pdf"]
    assert docs["redactions"].tolist() == [2, 1, 0] and docs["leaks"].tolist() == [1, 0, 0]
    assert docs["error_code"].tolist()[2] == "not_pdf"
    f = batch.findings_frame()
    assert f["finding_id"].tolist() == ["release/a.pdf#f1"] and f["rule"].tolist() == ["author_field"]


def test_consistency_frame_one_row_per_member_and_new_fields_flow_through(monkeypatch):
    batch = make_batch()
    m = batch.consistency_frame()
    assert m["redaction_id"].tolist() == ["a.pdf#p1-r1", "b.pdf#p1-r1"]
    assert m["document"].tolist() == ["release/a.pdf", "https://example.org/b.pdf"]
    assert m["item"].tolist() == [1, 1] and set(m["type"]) == {"field_withheld_inconsistently"}
    items = batch.consistency_frame(members=False)
    assert items["members"].tolist() == [2]

    # a ConsistencyItem that gains fields (another module's rework): they become columns as they are
    class Richer(ConsistencyItem):
        def to_dict(self):
            return {**super().to_dict(), "severity": "high", "fields": ["person_name"]}
    batch.consistency = [Richer(**batch.consistency[0].to_dict())]
    items = batch.consistency_frame(members=False)
    assert items["severity"].tolist() == ["high"]
    assert json.loads(items["fields"].tolist()[0]) == ["person_name"]


def test_empty_batch_has_the_columns():
    df = BatchReport().to_dataframe()
    assert len(df) == 0 and list(df.columns) == list(frames.REDACTION_COLUMNS)
    assert len(BatchReport().consistency_frame()) == 0


def test_rotated_cropped_page_boxes_are_the_report_boxes(tmp_path):
    """The frame copies the report's displayed-page boxes as they are (rotation and CropBox applied
    by the scanner), never recomputed."""
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((72, 100), "Caller Name: Jane Q Example", fontsize=11)
    page.draw_rect(pymupdf.Rect(150, 88, 260, 104), color=(0, 0, 0), fill=(0, 0, 0))
    page.set_cropbox(pymupdf.Rect(36, 36, 576, 756))
    page.set_rotation(90)
    path = tmp_path / "rot.pdf"
    doc.save(path)
    rep = redactlens.scan(str(path), settings={"ocr": "off"})
    assert rep.redactions, rep
    df = rep.to_dataframe()
    assert [list(t) for t in df[["x0", "top", "x1", "bottom"]].itertuples(index=False)] == \
        [[pytest.approx(v) for v in r.bbox] for r in rep.redactions]
    # rotated 90 degrees: the box is tall on the displayed page
    assert (df["height"] > df["width"]).all()


def test_samples_frame_agrees_with_json(tmp_path):
    from pathlib import Path
    samples = Path(__file__).resolve().parent.parent / "samples" / "release"
    batch = redactlens.scan_many([str(samples)], workers=0, settings={"ocr": "off"})
    d = json.loads(json.dumps(batch.to_dict()))
    df = batch.to_dataframe()
    assert df["redaction_id"].tolist() == [r["id"] for doc in d["documents"] for r in doc["redactions"]]
    m = batch.consistency_frame()
    assert len(m) == sum(len(it["redactions"]) for it in d["consistency"])


def test_every_column_is_documented():
    from pathlib import Path
    doc = (Path(__file__).resolve().parent.parent / "docs" / "data.md").read_text(encoding="utf-8")
    cols = {**frames.REDACTION_COLUMNS, **frames.DOCUMENT_COLUMNS, **frames.FINDING_COLUMNS,
            **frames.CONSISTENCY_COLUMNS, **frames.MEMBER_COLUMNS, **frames.EXEMPTION_COLUMNS}
    missing = [c for c in list(cols) + [frames.LEAK_TEXT_COLUMN, frames.FINDING_TEXT_COLUMN] if f"`{c}`" not in doc]
    assert missing == []

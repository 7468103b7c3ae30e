"""Batch consistency: every planted pattern is found, with its numbers, ids and evidence; the
baseline and the near-miss control batches give no false item; recovered text is never quoted."""
import json

import pytest

import gen_batches
from redactlens import scan_many
from redactlens.consistency import SCRUBBED, TYPES, analyse_batch, by_type
from redactlens.model import BatchReport, ClearField, ClearText, DocumentReport, Finding, Leak, Redaction

ALL = ["baseline", *gen_batches.PATTERNS, *gen_batches.CONTROLS]


@pytest.fixture(scope="module")
def batches(tmp_path_factory):
    root = tmp_path_factory.mktemp("batches")
    out = {}
    for pattern in ALL:
        paths = gen_batches.make_batch(str(root / pattern), pattern)
        out[pattern] = scan_many(paths, workers=0)
    return out


def _expected(pattern):
    want = {gen_batches.PATTERNS[pattern]} if pattern in gen_batches.PATTERNS else set()
    return want, want | gen_batches.ALSO.get(pattern, set())


@pytest.mark.parametrize("pattern", ALL)
def test_found_and_no_false_items(batches, pattern):
    batch = batches[pattern]
    want, allowed = _expected(pattern)
    types = {it.type for it in batch.consistency}
    assert want <= types, f"{pattern}: missed {want - types}"
    false = [f"{it.type}: {it.detail}" for it in batch.consistency if it.type not in allowed]
    assert not false, f"{pattern}: false items {false}"
    ids = {r.id for d in batch.documents for r in d.redactions}
    for it in batch.consistency:
        assert it.type in TYPES
        assert it.detail and it.evidence
        assert set(it.redactions) <= ids           # only ids of real redactions
        assert any(ch.isdigit() for ch in it.detail)  # the numbers behind it


def _one(batch, typ):
    got = [it for it in batch.consistency if it.type == typ]
    assert len(got) == 1, [it.detail for it in batch.consistency]
    return got[0]


def test_field_inconsistent_numbers(batches):
    it = _one(batches["field_inconsistent"], "field_withheld_inconsistently")
    assert "'Location' is withheld in 8 of 11" in it.detail
    assert "in the other 3" in it.detail
    assert len(it.redactions) == 8 and all(r.endswith("#p1-r1") for r in it.redactions)
    assert sum("printed in the clear" in e for e in it.evidence) == 3
    assert any(e.startswith("call-03.pdf p1:") for e in it.evidence)


def test_clear_by_context_ids_and_evidence(batches):
    it = _one(batches["clear_by_context"], "same_value_in_clear")
    assert it.redactions == ["call-01.pdf#p1-r2"]          # the Caller box of incident 2024-1000
    assert "'2024-1000'" in it.detail and "'Caller'" in it.detail
    assert any(e.startswith("report-01.pdf p1:") and "Mauro Perez" in e for e in it.evidence)  # printed in clear


def test_clear_by_leak_never_quotes_recovered_text(batches):
    batch = batches["clear_by_leak"]
    it = _one(batch, "same_value_in_clear")
    assert it.redactions == ["call-02.pdf#p1-r2"]
    assert any(e.startswith("witness-list.pdf p1:") and "'Witness'" in e for e in it.evidence)
    text = json.dumps([c.to_dict() for c in batch.consistency])
    assert "Mauro" not in text and "Perez" not in text
    rec = _one(batch, "recoverable_text")
    assert rec.redactions == ["call-02.pdf#p1-r2"] and "1 of " in rec.detail


def test_exemption_inconsistent_counts(batches):
    it = _one(batches["exemption_inconsistent"], "exemption_inconsistent")
    assert "(b)(7)(C) in 2 redaction(s) in 2 document(s)" in it.detail
    assert "(b)(6) in 4 redaction(s) in 4 document(s)" in it.detail
    assert set(it.redactions) >= {"call-02.pdf#p1-r3", "call-05.pdf#p1-r3"}


def test_missing_exemption(batches):
    it = _one(batches["missing_exemption_page"], "no_exemption_cited")
    assert it.redactions == ["call-03.pdf#p1-r3"] and "1 of 4" in it.detail
    it = _one(batches["missing_exemption_batch"], "no_exemption_cited")
    assert sorted(it.redactions) == ["call-04.pdf#p1-r1", "call-04.pdf#p1-r2", "call-04.pdf#p1-r3"]


def test_segregability(batches):
    it = _one(batches["whole_page"], "whole_page_withheld")
    assert it.redactions == ["call-05.pdf#p2-r1"] and "1 of 2 page(s)" in it.detail
    it = _one(batches["whole_paragraph"], "whole_paragraph_withheld")
    assert it.redactions == ["call-06.pdf#p1-r4"]
    box = next(r for d in batches["whole_paragraph"].documents for r in d.redactions if r.id == it.redactions[0])
    assert box.est_lines and f"({box.est_lines} line(s))" in it.detail      # the box's own est_lines
    assert it.members[0]["page"] == 1 and it.members[0]["exhibit"] and it.rule and it.strength > 0


# ---- the library API on reports built by hand (fields from the enrichment, findings)

def _doc(name, reds, fields=(), findings=(), title="CALL RECORD"):
    return DocumentReport(path=f"rel/{name}", pages=1, redactions=list(reds), findings=list(findings),
                          clear_text=ClearText(title=title, page_sizes=[[612, 792]], fields=list(fields)))


def _red(doc, n, **kw):
    return Redaction(id=f"{doc}#p1-r{n}", page=1, bbox=[100, 100 + 20 * n, 180, 112 + 20 * n], method="vector", **kw)


def test_enriched_fields_and_page_wide_lists():
    a = _doc("a.pdf", [_red("a.pdf", 1, field="phone", exemptions=["5 USC 552(b)(6)"], exemption_source="label")])
    b = _doc("b.pdf", [_red("b.pdf", 1, field="phone", exemptions=["5 USC 552(b)(7)(C)"], exemption_source="label")])
    c = _doc("c.pdf", [_red("c.pdf", 1, field="phone", exemption_source="footer",
                            exemptions=["5 USC 552(b)(6)", "5 USC 552(b)(7)(C)"])])
    items = by_type(analyse_batch(BatchReport([a, b, c])))
    ex = items["exemption_inconsistent"][0]
    assert "field 'phone'" in ex.detail and "c.pdf#p1-r1" not in ex.redactions   # page lists are not compared
    ns = items["exemption_not_specific"][0]
    assert ns.redactions == ["c.pdf#p1-r1"] and "2 exemptions" in ns.detail
    assert "no_exemption_cited" not in items                                     # a page list is a citation


def test_findings_and_scrub():
    secret = "Jane Q. Public"
    r = _red("a.pdf", 1, label="(b)(6)", leak=Leak("text_under_box", secret))
    d = _doc("a.pdf", [r], fields=[ClearField(1, "Caller", "[withheld]", [r.id])],
             findings=[Finding("metadata", None, "author field", secret)])
    other = _doc("b.pdf", [_red("b.pdf", 1, label="(b)(6)")],
                 fields=[ClearField(1, "Witness", secret), ClearField(1, "Note", f"{secret} called")])
    items = analyse_batch(BatchReport([d, other]))
    types = {it.type for it in items}
    assert {"same_value_in_clear", "recoverable_text", "hidden_content_in_file"} <= types
    blob = json.dumps([it.to_dict() for it in items])
    assert secret not in blob
    hid = next(it for it in items if it.type == "hidden_content_in_file")
    assert "1 metadata" in hid.detail


def test_empty_and_failed_documents():
    assert analyse_batch(BatchReport()) == []
    bad = DocumentReport(path="x.pdf", error="not a PDF")
    skipped = DocumentReport(path="x.txt", error="skipped", skipped=True)
    assert analyse_batch(BatchReport([bad, skipped])) == []
    assert SCRUBBED == "[recovered text]"

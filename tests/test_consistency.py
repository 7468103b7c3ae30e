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
    assert box.est_lines and f"({box.est_lines} lines)" in it.detail      # the box's own est_lines
    assert it.members[0]["page"] == 1 and it.members[0]["exhibit"] and it.rule and it.strength > 0
    # the evidence cites the box by its number in the log / exhibit / HTML, with its id
    assert f"under #{it.members[0]['exhibit']} (p1-r4)" in it.evidence[0]


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


# ---- groups, jurisdictions, field kinds and whole paragraphs on reports built by hand

def _box(doc, page, n, bbox, **kw):
    return Redaction(id=f"{doc}#p{page}-r{n}", page=page, bbox=list(bbox), method="vector", **kw)


def test_never_compares_across_jurisdictions():
    from redactlens.model import Context
    ky = _doc("ky.pdf", [_red("ky.pdf", 1, field="phone", exemptions=["KRS 61.878(1)(a)"], exemption_source="label")])
    us = _doc("us.pdf", [_red("us.pdf", 1, field="phone", exemptions=["5 USC 552(b)(6)"], exemption_source="label")])
    us2 = _doc("us2.pdf", [_red("us2.pdf", 1, field="phone", exemptions=["5 USC 552(b)(7)(C)"], exemption_source="label")])
    items = by_type(analyse_batch(BatchReport([ky, us, us2])))
    ex = items["exemption_inconsistent"]
    assert len(ex) == 1 and "ky.pdf#p1-r1" not in ex[0].redactions        # KRS is never set against (b)(6)
    assert "(US)" in ex[0].group and ex[0].denominator and ex[0].numbers["redactions"] == 2
    assert sorted(m["exhibit"] for m in ex[0].members) == [2, 3]          # their numbers in the log/exhibit
    nested = _doc("n.pdf", [_red("n.pdf", 1, field="phone", exemptions=["5 USC 552(b)(6)", "5 USC 552(b)(7)(C)"],
                                 exemption_source="label")])
    assert "exemption_inconsistent" not in by_type(analyse_batch(BatchReport([us, nested])))  # breadth only


def test_court_filings_and_signatures_are_not_inconsistencies():
    from redactlens.model import Context
    sig = _red("a.pdf", 1, field="signature", leak=Leak("ocr_layer", "Maria Lopez"),
               context=Context(before="Approved by", after=""))
    a = _doc("a.pdf", [sig], title="PAYMENT REQUEST")
    b = _doc("b.pdf", [_red("b.pdf", 1, label="(b)(6)")], fields=[ClearField(1, "Name", "Maria Lopez")],
             title="PAYMENT REQUEST")
    types = {it.type for it in analyse_batch(BatchReport([a, b]))}
    assert "same_value_in_clear" not in types                    # a signature vs its typed name
    one = _red("c.pdf", 1, field="person_name", leak=Leak("text_under_box", "Maria"))
    c = _doc("c.pdf", [one], title="PAYMENT REQUEST")
    assert "same_value_in_clear" not in {it.type for it in analyse_batch(BatchReport([c, b]))}   # one word
    court = DocumentReport(path="rel/brief.pdf", pages=1, redactions=[_red("brief.pdf", 1)],
                           clear_text=ClearText(title="UNITED STATES DISTRICT COURT", page_sizes=[[612, 792]]))
    agency = _doc("x.pdf", [_red("x.pdf", 1, label="(b)(6)")])
    assert "no_exemption_cited" not in {it.type for it in analyse_batch(BatchReport([court, agency]))}


def _lines(doc, page, top, rows, before0, after_last):
    """Line boxes of a double-spaced pleading page: rows of (x0, x1); the first gets ``before0``."""
    from redactlens.model import Context
    out = []
    for k, (x0, x1) in enumerate(rows):
        y = top + 24 * k
        out.append(_box(doc, page, k + 1, (x0, y, x1, y + 24), est_lines=1,
                        context=Context(before=before0 if k == 0 else str(k + 2),
                                        after=after_last if k == len(rows) - 1 else "")))
    return out


@pytest.mark.parametrize("rotated", [False, True])
def test_numbered_paragraphs_and_passages(rotated):
    rows = [(162, 568), (90, 547), (90, 256)]            # "8." indented first line, full line, short last line
    para = _lines("p.pdf", 1, 62, rows, "8.", "")
    passage = _lines("q.pdf", 1, 62, [(90, 560), (90, 570), (90, 330)], "rated to", "The fuse is a slow-blow fuse")
    size = [[792, 612]] if rotated else [[612, 792]]    # a page shown sideways keeps its displayed size
    docs = []
    for name, reds in (("p.pdf", para), ("q.pdf", passage)):
        docs.append(DocumentReport(path=f"rel/{name}", pages=1, redactions=reds,
                                   clear_text=ClearText(title="DECLARATION", page_sizes=size)))
    items = [it for it in analyse_batch(BatchReport(docs)) if it.type == "whole_paragraph_withheld"]
    assert len(items) == 1 and set(items[0].redactions) == {r.id for r in para}   # the passage inside a paragraph is not
    assert "paragraph 8 on page 1 (3 lines)" in items[0].detail               # lines = sum of est_lines
    assert items[0].numbers["numbered"] == 1

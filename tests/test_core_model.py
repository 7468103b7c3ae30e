"""The data model maps one-to-one onto the JSON contract and round-trips."""
import json

from redactlens.model import (BatchReport, ConsistencyItem, Context, DocumentReport, Finding, Leak,
                              Redaction)

CONTRACT_REDACTION_KEYS = {"id", "page", "bbox", "method", "label", "exemptions", "field", "field_evidence",
                           "est_chars", "context", "leak"}


def _sample() -> BatchReport:
    r = Redaction(id="call-07.pdf#p2-r3", page=2, bbox=[72.0, 140.5, 190.2, 154.0], method="vector",
                  label="(b)(6)", exemptions=["5 USC 552(b)(6)"], field="person_name",
                  field_evidence="label 'Suspect:' left of the box", est_chars=14,
                  context=Context("Suspect:", "DOB:"), leak=Leak("text_under_box", "Mauro Perez"))
    d = DocumentReport(path="release/call-07.pdf", sha256="ab" * 32, pages=3, redactions=[r],
                       findings=[Finding("prior_revision", 2, "revision 1 holds removed text", "Mauro")])
    return BatchReport(documents=[d], consistency=[ConsistencyItem("inconsistent", "x", [r.id], ["e"])])


def test_round_trip_is_lossless():
    b = _sample()
    d = b.to_dict()
    again = BatchReport.from_dict(json.loads(json.dumps(d)))
    assert again == b
    assert again.documents[0].redactions[0].leak.text == "Mauro Perez"
    assert isinstance(again.documents[0].redactions[0].context, Context)


def test_contract_keys_and_order():
    d = _sample().to_dict()
    assert list(d)[0] == "schema" and d["schema"] == "redactlens/1"
    doc = d["documents"][0]
    assert {"path", "sha256", "pages", "error", "redactions", "findings"} <= set(doc)
    red = doc["redactions"][0]
    assert CONTRACT_REDACTION_KEYS <= set(red)
    assert red["context"]["before"] == "Suspect:" and red["context"]["after"] == "DOB:"
    assert red["leak"]["how"] == "text_under_box"
    assert set(d["consistency"][0]) >= {"type", "detail", "redactions", "evidence"}


def test_null_leak_serialises_as_null():
    r = Redaction(id="a#p1-r1", page=1, bbox=[0, 0, 1, 1], method="text")
    assert r.to_dict()["leak"] is None
    assert Redaction.from_dict(r.to_dict()) == r

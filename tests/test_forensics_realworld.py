"""Document forensics on ../shared/realworld: every finding checked by hand (see docs/forensics.md).

The redactions come from BOXES.json (the labelled truth), so this test does not depend on the
detectors: forensics runs on each file with the true boxes, exactly as the pipeline calls it.
The findings expected below were verified with PyMuPDF (metadata values, annotation authors,
the JavaScript objects, and the text the IRS form's first revision has on page 5)."""
from __future__ import annotations

import json

import pymupdf
import pytest

from redactlens.forensics import analyse_document, earlier_revisions, revision_texts
from redactlens.settings import Settings
from redactlens.model import DocumentReport, Redaction

FORENSIC = ("prior_revision", "metadata", "attachment", "form_field", "annotation_text", "javascript",
            "hidden_layer", "off_crop_text", "hidden_text", "tiny_text")

#: file -> the findings (type, rule, page, revision, start of text) it must have, and nothing else
EXPECTED = {
    "court-declaration-palantir-bad-redaction-paragraphs-4p.pdf": {
        ("metadata", "author_field", None, None, "btravagl")},            # Info /Author + dc:creator: a login
    "negative-wisconsin-dcf-child-death-90-day-summary-form-checkboxes.pdf": {
        ("metadata", "author_field", None, None, "JOHNSCA")},             # Info /Author + dc:creator: a login
    "negative-court-exhibit-yellow-highlight-annotations-39p.pdf": {
        ("annotation_text", "annotation_author", 9, None, "lriewerts"),   # 67 highlight/line annotations
        ("annotation_text", "annotation_author", 20, None, "llim")},      # 13 annotations
    "negative-irs-form-1040nr-2007-shaded-cells-5p.pdf": {
        ("prior_revision", "text_removed_later", 5, 1, "Printed on Recycled Paper"),  # gone since revision 2
        ("javascript", "script", None, None, "this.nocache = true;"),                 # Names/JavaScript 'NoCache'
        ("javascript", "script", None, None, "/*Ubiquity*/")},                        # object 1420
}


def _files(realworld):
    boxes = json.loads((realworld / "BOXES.json").read_text())
    return [(fn, entry) for fn, entry in boxes.items() if not fn.startswith("_") and isinstance(entry, dict)]


def test_realworld_findings_are_exactly_the_verified_ones(realworld):
    seen = {}
    for fn, entry in _files(realworld):
        data = (realworld / fn).read_bytes()
        reds = [Redaction(id=f"{fn}#p{b['page']}-r{i}", page=b["page"], bbox=list(b["bbox"]), method=b.get("kind", "vector"))
                for i, b in enumerate(entry.get("boxes", []), 1)]
        settings = Settings()
        with pymupdf.open(stream=data, filetype="pdf") as doc:
            revisions, warnings = earlier_revisions(doc, data, settings)
            out = analyse_document(doc, data, reds, revisions, settings, fn)
        rep = DocumentReport(path=fn, redactions=reds, findings=out.findings, warnings=warnings + out.warnings,
                             metadata=out.metadata)
        assert not [w for w in rep.warnings if "failed" in w], (fn, rep.warnings)
        under = [revision_texts(revisions, p, [r.bbox for r in reds if r.page == p]) for p in {r.page for r in reds}]
        assert not any(under), fn          # no revision holds text under a box
        got = {(f.type, f.rule, f.page, f.revision, f.text[:len(t)])
               for f in rep.findings if f.type in FORENSIC
               for t in [next((e[4] for e in EXPECTED.get(fn, ()) if f.text.startswith(e[4])), f.text)]}
        assert got == EXPECTED.get(fn, set()), fn
        seen[fn] = rep
    assert len(seen) >= 20
    # raw metadata is exposed for every file; the linearized files' first-page sections are not revisions
    assert all("info" in r.metadata and "revisions" in r.metadata for r in seen.values())
    irs = seen["negative-irs-form-1040nr-2007-shaded-cells-5p.pdf"].metadata["revisions"]
    assert irs["count"] == 3
    sj = seen["negative-san-jose-pd-firearm-search-report.pdf"].metadata["revisions"]
    assert sj["count"] == 1 and any("not_a_revision" in s for s in sj["sections"])

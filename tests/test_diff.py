"""The release diff (redactlens.diff) on generated release pairs (tests/gen_crossdoc.py)."""
from __future__ import annotations

import json
import os

import pymupdf
import pytest
from click.testing import CliRunner

import gen_crossdoc
from redactlens import Settings, diff
from redactlens.cli import main
from redactlens.diff import diff_batches, write_diff_csv, write_diff_html
from redactlens.diff.write import diff_html

OFF = Settings(ocr="off")


def found(d) -> dict:
    out = {}
    for c in d["changes"]:
        if c["type"].startswith("document_"):
            continue
        name = os.path.basename(c["old"]["document"])
        out.setdefault(name, []).append((c["type"], c["old"].get("page"), c["new"].get("page"), c.get("text")))
    return out


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    root = tmp_path_factory.mktemp("release")
    old, new = str(root / "old"), str(root / "new")
    expected = gen_crossdoc.build_release_pair(old, new)
    return root, old, new, expected, diff(old, new, settings=OFF, workers=0)


def test_every_change_found_none_false(pair):
    _, _, _, expected, d = pair
    assert d["schema"] == "redactlens-diff/1"
    got = found(d)
    for name, changes in expected.items():
        assert sorted(got.get(name, []), key=str) == sorted(changes, key=str), name
    assert not d["errors"]


def test_documents_matched(pair):
    _, _, _, _, d = pair
    how = {(os.path.basename(m["old"] or ""), os.path.basename(m["new"] or "")): m["matched_by"] for m in d["documents"]}
    assert how[("letter.pdf", "letter_2025.pdf")] == "sha256"
    assert how[("memo_audit.pdf", "memo_audit.pdf")] == "name"
    memo = next(m for m in d["documents"] if m["old"].endswith("memo_audit.pdf"))
    assert memo["pages"] == [[1, 1], [2, 2], [None, 3]]


def test_renumbered_and_renamed_pages_match_by_text(pair, tmp_path):
    root, old, _, _, _ = pair
    src = pymupdf.open(os.path.join(old, "memo_audit.pdf"))
    src.select([1, 0])                               # pages swapped, file renamed: matched by text
    (tmp_path / "re").mkdir()
    src.save(tmp_path / "re" / "release_b.pdf")
    d = diff([os.path.join(old, "memo_audit.pdf")], [str(tmp_path / "re")], settings=OFF, workers=0)
    assert d["documents"][0]["matched_by"] in ("title", "text")
    assert d["documents"][0]["pages"] == [[1, 2], [2, 1]]
    assert d["changes"] == []


def test_rescan_claims_no_lift(pair, tmp_path):
    _, old, _, _, _ = pair
    gen_crossdoc.scanned_copy(os.path.join(old, "incident.pdf"), str(tmp_path / "scan.pdf"), seed=3)
    d = diff([os.path.join(old, "incident.pdf")], [str(tmp_path / "scan.pdf")], settings=OFF, workers=0)
    assert d["documents"][0]["pages"] == [[1, 1]]
    assert not [c for c in d["changes"] if c["type"] == "lifted"]     # its OCR'd labels are not freed text


def test_unrelated_documents_are_not_paired(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for folder, passage in ((a, gen_crossdoc.EMAIL_1), (b, gen_crossdoc.EMAIL_SIMILAR)):
        folder.mkdir()
        gen_crossdoc._doc(str(folder / f"{folder.name}.pdf"), lambda w: w.passage(passage, set()))
    d = diff(str(a), str(b), settings=OFF, workers=0)
    assert sorted(c["type"] for c in d["changes"]) == ["document_added", "document_withdrawn"]


def test_outputs_gate_freed_text(pair, tmp_path):
    _, old, new, _, d = pair
    write_diff_csv(d, str(tmp_path / "h.csv"))
    write_diff_csv(d, str(tmp_path / "s.csv"), show_leaks=True)
    assert "Sergeant Lisa Moreno" not in (tmp_path / "h.csv").read_text(encoding="utf-8-sig")
    assert "Sergeant Lisa Moreno" in (tmp_path / "s.csv").read_text(encoding="utf-8-sig")
    html = diff_html(d)
    assert "Redactions lifted" in html and "Pages withdrawn" in html and "Sergeant Lisa Moreno" not in html
    assert "Sergeant Lisa Moreno" in diff_html(d, show_leaks=True)
    write_diff_html(d, str(tmp_path / "d.html"))
    assert (tmp_path / "d.html").read_text().startswith("<!DOCTYPE html>")


def test_cli(pair, tmp_path):
    _, old, new, _, _ = pair
    out = tmp_path / "d.json"
    r = CliRunner().invoke(main, ["diff", old, new, "--workers", "0", "--ocr", "off", "--json", str(out),
                                  "--csv", str(tmp_path / "d.csv"), "--html", str(tmp_path / "d.html")])
    assert r.exit_code == 0, r.output
    d = json.loads(out.read_text())
    assert d["schema"] == "redactlens-diff/1" and d["summary"]["lifted"] == 2
    assert "Sergeant Lisa Moreno" not in r.output
    assert "Sergeant Lisa Moreno" in d["changes"][[c["type"] for c in d["changes"]].index("lifted")]["text"] or \
        any(c.get("text") == "Sergeant Lisa Moreno" for c in d["changes"])
    r2 = CliRunner().invoke(main, ["diff", old, new, "--workers", "0", "--ocr", "off", "--json", str(out)])
    assert r2.exit_code == 3 and "exists" in r2.output     # never overwrites without --force


def test_diff_batches_is_pure(pair):
    _, old, new, _, _ = pair
    from redactlens import scan_many
    a, b = scan_many(old, settings=OFF, workers=0), scan_many(new, settings=OFF, workers=0)
    before = json.dumps(a.to_dict(), sort_keys=True)
    d1 = diff_batches(a, b)
    assert json.dumps(a.to_dict(), sort_keys=True) == before and diff_batches(a, b) == d1

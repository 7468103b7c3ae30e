"""No output carries what it must withhold, and the writers are isolated like the scan.

The exhibit is read back three ways for each channel of tests/gen_discreet.py: its text layer, the
text of every object and stream it holds, and its metadata.  Documents whose scan did not complete
are never copied; a source that crashes MuPDF costs its own part of the exhibit only."""
import os
import zlib

import pymupdf
import pytest

import gen_discreet as gd
import redactlens
from redactlens.model import BatchReport, DocumentReport, Redaction
from redactlens.report import exhibit_bytes, html_text
from redactlens.report.isolated import not_examined


def _exhibit_views(data: bytes) -> dict[str, str]:
    """The exhibit's text layer, its objects (streams decompressed) and its metadata, as text."""
    doc = pymupdf.open("pdf", data)
    objects = []
    for x in range(1, doc.xref_length()):
        objects.append(doc.xref_object(x))
        if doc.xref_is_stream(x):
            raw = doc.xref_stream_raw(x) or b""
            try:
                raw += zlib.decompress(raw)
            except zlib.error:
                pass
            objects.append((doc.xref_stream(x) or b"").decode("latin-1") + raw.decode("latin-1"))
    views = {"text": "".join(p.get_text() for p in doc), "objects": "\n".join(objects),
             "metadata": repr(doc.metadata) + (doc.get_xml_metadata() or "")}
    doc.close()
    return views


@pytest.fixture(scope="module")
def everything(tmp_path_factory):
    folder = tmp_path_factory.mktemp("discreet")
    path = gd.write(str(folder), "every.pdf", gd.everything_pdf())
    batch = redactlens.scan_many([path], workers=1)
    return path, batch


def test_the_fixture_carries_every_channel(everything):
    """Before anything: the scan sees each channel (else the exhibit test below proves nothing)."""
    _, batch = everything
    d = batch.documents[0]
    assert d.error is None
    assert [r.leak.text for r in d.redactions if r.leak] == [gd.SECRETS["under_box"]]
    found = " ".join(f.text for f in d.findings)
    for key in ("hidden_layer", "invisible", "off_page", "javascript", "attachment"):
        assert gd.SECRETS[key] in found, key
    with pymupdf.open(everything[0]) as src:     # and the source really has them in its text layer
        assert gd.SECRETS["under_box"] in src[0].get_text()


def test_exhibit_sanitised_as_a_whole(everything):
    _, batch = everything
    views = _exhibit_views(exhibit_bytes(batch, workers=1))
    for key, secret in gd.SECRETS.items():
        for view, text in views.items():
            assert secret not in text, (key, view)
    objects = views["objects"]
    for marker in ("/JavaScript", "/JS ", "/JS(", "/EmbeddedFile", "/OCProperties", "/OpenAction", "/AA ", "/AA<",
                   "/Filespec", "/Type /OCG", "/Type/OCG"):
        assert marker not in objects, marker
    assert "Public heading line" in views["text"]          # the visible text is still there


def test_show_leaks_keeps_only_the_text_under_boxes(everything):
    _, batch = everything
    views = _exhibit_views(exhibit_bytes(batch, show_leaks=True, workers=1))
    assert gd.SECRETS["under_box"] in views["text"]
    for key in ("hidden_layer", "invisible", "off_page", "javascript", "attachment", "metadata", "xmp"):
        assert gd.SECRETS[key] not in views["objects"] + views["text"], key


def test_thumbnails_come_from_the_sanitised_copy(everything, monkeypatch):
    """The HTML carries no text of the source besides the report's, and one thumbnail."""
    _, batch = everything
    html = html_text(batch, workers=1)
    assert html.count("data:image/jpeg;base64,") == 1
    for secret in gd.SECRETS.values():
        assert secret not in html


def _unfinished(path: str, code: str, message: str) -> DocumentReport:
    with open(path, "rb") as fh:
        import hashlib
        sha = hashlib.sha256(fh.read()).hexdigest()
    return DocumentReport(path=path, sha256=sha, pages=1, error=message, error_code=code)


@pytest.mark.parametrize("code", ["timeout", "memory", "parser_crash", "too_large", "internal"])
def test_unfinished_scans_are_not_published(tmp_path, code):
    path = gd.write(str(tmp_path), "cut.pdf", gd.leaky_pdf("Cutsecret"))
    d = _unfinished(path, code, "the scan was stopped")
    assert not_examined(d) and code in not_examined(d)
    views = _exhibit_views(exhibit_bytes(BatchReport([d]), workers=1))
    assert "Cutsecret" not in views["text"] + views["objects"]
    assert "NOT IN THIS EXHIBIT" in views["text"] and code in views["text"]
    html = html_text(BatchReport([d]), workers=1)
    assert "data:image/jpeg" not in html and "not examined" in html


def test_a_document_cut_by_the_time_limit_is_left_out(tmp_path):
    """End to end: a scan cut by --timeout (a fault task that hangs) is left out of the exhibit."""
    from faults import Faults
    slow = gd.write(str(tmp_path), "slow_hang.pdf", gd.leaky_pdf("Slowsecret"))
    ok = gd.write(str(tmp_path), "fine.pdf", gd.leaky_pdf("Finesecret"))
    batch = redactlens.scan_many([slow, ok], workers=2, settings={"timeout": 3}, task=Faults({"_hang": "hang"}))
    assert [d.error_code for d in batch.documents] == ["timeout", None]
    views = _exhibit_views(exhibit_bytes(batch, workers=1))
    assert "Slowsecret" not in views["text"] + views["objects"] and "Finesecret" not in views["text"]
    assert "fine.pdf \u2014 page 1 of 1" in views["text"]


def test_page_errors_keep_the_other_pages(tmp_path):
    path = gd.write(str(tmp_path), "two.pdf", gd.leaky_pdf("Pagesecret", pages=2))
    d = redactlens.scan(path)
    d.error, d.error_code = "1 page(s) could not be read completely (page 2)", "page_errors"
    d.page_errors = [{"page": 2, "error": "boom"}]
    views = _exhibit_views(exhibit_bytes(BatchReport([d]), workers=1))
    assert "two.pdf \u2014 page 1 of 2" in views["text"] and "Page 2 could not be read completely" in views["text"]
    assert "Pagesecret" not in views["text"]


def test_a_source_that_crashes_the_parser_costs_its_part_only(tmp_path):
    """A 60,000-deep outline segfaults MuPDF when the exhibit reopens it: the worker dies, the
    exhibit is written with a notice in its place, the other document is there."""
    deep = gd.write(str(tmp_path), "deep.pdf", gd.deep_outline_pdf())
    ok = gd.write(str(tmp_path), "fine.pdf", gd.leaky_pdf("Finesecret"))
    # the report says the scan completed (as a scan that skipped the outline would): the writer must cope
    docs = [redactlens.scan(ok)]
    import hashlib
    # (with a redaction, so that the exhibit reproduces its page: pages without one are not reopened)
    docs.insert(0, DocumentReport(path=deep, sha256=hashlib.sha256(open(deep, "rb").read()).hexdigest(), pages=1,
                                  redactions=[Redaction(id="deep.pdf#p1-r1", page=1, bbox=[72, 72, 140, 90],
                                                        method="vector")]))
    data = exhibit_bytes(BatchReport(docs), workers=1, settings={"timeout": 60})
    views = _exhibit_views(data)
    assert "fine.pdf \u2014 page 1 of 1" in views["text"]
    assert "deep.pdf" in views["text"] and "NOT IN THIS EXHIBIT" in views["text"] and "crashed" in views["text"]


def test_exhibit_parts_run_under_the_time_limit(tmp_path, monkeypatch):
    """The writers' parts use the scan's limits: a part that overruns ``timeout`` is replaced by a
    notice, and the exhibit is written."""
    from redactlens.report import isolated
    from slow_part import SlowPart
    path = gd.write(str(tmp_path), "fine.pdf", gd.leaky_pdf("Finesecret"))
    d = redactlens.scan(path)
    monkeypatch.setattr(isolated, "ExhibitPart", SlowPart)
    import redactlens.report.exhibit as ex
    monkeypatch.setattr(ex, "ExhibitPart", SlowPart)
    views = _exhibit_views(exhibit_bytes(BatchReport([d]), workers=1, settings={"timeout": 2}))
    assert "time limit" in views["text"] and "NOT IN THIS EXHIBIT" in views["text"]
    assert os.path.exists(path)

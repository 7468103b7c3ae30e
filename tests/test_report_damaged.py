"""The exhibit and the HTML report survive a source whose page tree MuPDF rejects (/Count -5)."""
import pymupdf

from redactlens.model import BatchReport, DocumentReport, Redaction
from redactlens.report import exhibit_bytes, html_text


def _count_negative(path):
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count -5 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            b"<< /Length 27 >>\nstream\n0 0 0 rg 72 72 72 18 re f\nendstream"]
    out, offsets = bytearray(b"%PDF-1.7\n"), []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, o)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    path.write_bytes(bytes(out))


def test_negative_page_count(tmp_path):
    src = tmp_path / "count-negative.pdf"
    _count_negative(src)
    with pymupdf.open(str(src)) as probe:
        try:
            probe.page_count
            damaged = False
        except RuntimeError:
            damaged = True
    assert damaged            # the case this test is for (MuPDF rejects the page tree)
    d = DocumentReport(str(src), pages=1, redactions=[Redaction("count-negative.pdf#p1-r1", 1, [72, 72, 144, 90],
                                                                "vector", "solid")])
    batch = BatchReport([d])
    data = exhibit_bytes(batch)
    with pymupdf.open(stream=data, filetype="pdf") as ex:
        text = "".join(p.get_text() for p in ex)
    assert "cannot be read" in text
    html = html_text(batch)
    assert "count-negative.pdf" in html

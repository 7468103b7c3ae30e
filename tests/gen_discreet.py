"""Fixtures for what no output may carry (tests/test_discreet.py): one PDF holding every way a
withheld or hidden text can ride along into an exhibit, plus inputs that used to lose a batch.

Everything is built deterministically from bytes here (no randomness, no network).  Each secret is
a distinct word so a test can tell which channel leaked.
"""
from __future__ import annotations

import os

from gen_hostile import raw_pdf, stream

#: the secret of each channel (each must be absent from an exhibit made without --show-leaks)
SECRETS = {
    "under_box": "Underboxsecret",
    "hidden_layer": "Layersecret",
    "invisible": "Invisiblesecret",
    "white": "Whitesecret",
    "off_page": "Offpagesecret",
    "javascript": "Scriptsecret",
    "attachment": "Attachsecret",
    "metadata": "Authorsecret",
    "xmp": "Xmpsecret",
}


def everything_pdf() -> bytes:
    """One page with: a black box over live text; a layer switched off in /D /OFF whose group has no
    /Usage; text in render mode 3; white text on white; text far outside the page; an /OpenAction
    and a page /AA with JavaScript; an embedded file; /Info /Author and an XMP packet."""
    s = SECRETS
    content = (b"BT /F1 12 Tf 72 700 Td (Public heading line) Tj ET\n"
               b"BT /F1 12 Tf 72 650 Td (Name: " + s["under_box"].encode() + b") Tj ET\n"
               b"0 0 0 rg 110 645 140 18 re f\n"
               b"/OC /L1 BDC BT /F1 12 Tf 72 600 Td (Notes: " + s["hidden_layer"].encode() + b" here) Tj ET EMC\n"
               b"BT 3 Tr /F1 12 Tf 72 550 Td (Hidden: " + s["invisible"].encode() + b" word) Tj ET\n"
               b"1 1 1 rg BT /F1 12 Tf 72 500 Td (White: " + s["white"].encode() + b" word) Tj ET 0 0 0 rg\n"
               b"BT /F1 12 Tf 72 2500 Td (Far: " + s["off_page"].encode() + b" word) Tj ET\n")
    xmp = (b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
           b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
           b'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>' + s["xmp"].encode()
           + b'</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>')
    js = b"app.alert('" + s["javascript"].encode() + b"');"
    objs = {
        1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction 10 0 R /Metadata 11 0 R"
           b" /OCProperties << /OCGs [7 0 R] /D << /ON [] /OFF [7 0 R] /Order [7 0 R] >> >>"
           b" /Names << /EmbeddedFiles << /Names [(notes.txt) 12 0 R] >> /JavaScript << /Names [(js) 10 0 R] >> >> >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >>"
           b" /Properties << /L1 7 0 R >> >> /Contents 5 0 R /AA << /O 10 0 R >> >>",
        4: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        5: stream(b"", content),
        7: b"<< /Type /OCG /Name (Private notes) >>",
        9: b"<< /Author (" + s["metadata"].encode() + b") /Title (Report) >>",
        10: b"<< /S /JavaScript /JS (" + js + b") >>",
        11: stream(b"/Type /Metadata /Subtype /XML", xmp),
        12: b"<< /Type /Filespec /F (notes.txt) /EF << /F 13 0 R >> >>",
        13: stream(b"/Type /EmbeddedFile", b"attached: " + s["attachment"].encode()),
    }
    return raw_pdf(objs, info=9)


def leaky_pdf(secret: str = "Cutsecret", pages: int = 1) -> bytes:
    """``pages`` pages of a line whose name is left under a black box."""
    objs = {1: b"<< /Type /Catalog /Pages 2 0 R >>", 4: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            5: stream(b"", b"BT /F1 12 Tf 72 700 Td (Witness: " + secret.encode() + b" lives here) Tj ET\n"
                           b"0 0 0 rg 125 695 130 16 re f\n")}
    objs[2] = (b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (20 + i) for i in range(pages))
               + b"] /Count %d >>" % pages)
    for i in range(pages):
        objs[20 + i] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >>"
                        b" >> /Contents 5 0 R >>")
    return raw_pdf(objs)


def info_surrogate_pdf() -> bytes:
    """A record whose /Info /Title and /Subject are UTF-16 with lone surrogates and whose author
    holds terminal escapes."""
    objs = {1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >>"
               b" /Contents 5 0 R >>",
            4: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            5: stream(b"", b"BT /F1 12 Tf 72 700 Td (Plain record) Tj ET\n"),
            9: b"<< /Title <FEFFD800> /Subject <FEFF0041DC00> /Author (\x1b[31mred\x1b[0m) >>"}
    return raw_pdf(objs, info=9)


def deep_outline_pdf(depth: int = 60000) -> bytes:
    """A page whose outline nests ``depth`` levels: MuPDF recurses into it (a native crash)."""
    objs = {1: b"<< /Type /Catalog /Pages 2 0 R /Outlines 8 0 R >>", 2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >>"
               b" /Contents 5 0 R >>",
            4: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            5: stream(b"", b"BT /F1 12 Tf 72 700 Td (Deep) Tj ET\n"),
            8: b"<< /Type /Outlines /First 100 0 R /Last 100 0 R /Count %d >>" % depth}
    for i in range(depth):
        num = 100 + i
        kid = b" /First %d 0 R /Last %d 0 R /Count 1" % (num + 1, num + 1) if i < depth - 1 else b""
        objs[num] = b"<< /Title (o%d) /Parent %d 0 R" % (i, num - 1 if i else 8) + kid + b" /Dest [3 0 R /Fit] >>"
    return raw_pdf(objs)


def write(folder: str, name: str, data: bytes) -> str:
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, name)
    with open(path, "wb") as fh:
        fh.write(data)
    return path

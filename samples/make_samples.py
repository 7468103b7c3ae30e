"""Write the shipped sample release: fictional dispatch-call records from a fictional city.

    python samples/make_samples.py [OUTDIR]      (default: samples/release)

All names, addresses and numbers are invented.  The release shows what redactlens finds: clean
redactions, a box drawn over live text, an unapplied Redact annotation, FOIA-style labelled boxes,
a name withheld in one record and printed in another, a field left open in one record, a page
withheld in full, and a scanned (image-only) page.
"""
from __future__ import annotations

import io
import os
import sys

import pymupdf

FONT = "helv"
W, H = 612, 792

CALLS = [
    # id, time, type, caller, phone, location, suspect, narrative, style
    ("24-0311", "02:14", "DISTURBANCE", "Marisol Featherstone", "(555) 014-2231", "418 Larkspur Ave",
     "Theo Vance", "RP reports a loud argument between two adults next door. Units advised.", "clean"),
    ("24-0312", "03:02", "SUSPICIOUS VEHICLE", "Owen Pritchard", "(555) 014-8890", "22 Quarry Rd",
     "Theo Vance", "Grey sedan idling behind the depot for an hour; plate partially read.", "over_text"),
    ("24-0315", "05:47", "WELFARE CHECK", "Janelle Okafor", "(555) 014-7712", "9 Birchwood Ct",
     "", "Caller worried about elderly neighbour; no answer at the door. Fire notified.", "labels"),
    ("24-0320", "09:31", "THEFT", "Lucas Brennan", "(555) 014-3345", "1201 Harbor Blvd",
     "Theo Vance", "Bicycle taken from rack outside library; suspect seen riding north.", "open_location"),
    ("24-0327", "14:05", "TRAFFIC HAZARD", "Priya Raman", "(555) 014-5521", "Route 9 at Mill St",
     "", "Debris in the roadway; public works requested.", "annotation"),
]


def _text(page, x, y, s, size=10, color=(0, 0, 0)):
    page.insert_text((x, y), s, fontname=FONT, fontsize=size, color=color)
    return x + pymupdf.get_text_length(s, fontname=FONT, fontsize=size)


def _box(x, y, s, size=10):
    w = pymupdf.get_text_length(s, fontname=FONT, fontsize=size)
    return pymupdf.Rect(x - 1.5, y - 0.8 * size - 0.75, x + w + 1.5, y + 0.25 * size + 0.75)


def _field(page, x, y, label, value, mode):
    """mode: open | removed | over_text | label:<code> | annot"""
    e = _text(page, x, y, label + " ")
    if not value:
        return
    r = _box(e, y, value)
    if mode == "open":
        _text(page, e, y, value)
    elif mode == "over_text":
        _text(page, e, y, value)
        page.draw_rect(r, color=None, fill=(0, 0, 0))
    elif mode.startswith("label:"):
        code = mode.split(":", 1)[1]
        page.draw_rect(r, color=None, fill=(0, 0, 0))
        _text(page, r.x0 + 3, y, code, 8, color=(1, 1, 1))
    elif mode == "annot":
        _text(page, e, y, value)
        page.add_redact_annot(r, fill=(0, 0, 0))
    else:
        page.draw_rect(r, color=None, fill=(0, 0, 0))


def call_record(doc, call):
    cid, time, kind, caller, phone, loc, suspect, narrative, style = call
    page = doc.new_page(width=W, height=H)
    page.draw_rect(pymupdf.Rect(54, 50, W - 54, 74), color=None, fill=(0.1, 0.1, 0.25))
    _text(page, 62, 66, "CITY OF BRIDGEWATER - COMPUTER AIDED DISPATCH - CALL DETAIL", 11, (1, 1, 1))
    y = 100
    _text(page, 62, y, f"Incident #: {cid}      Received: 2024-03-{cid[-2:]} {time}      Type: {kind}")
    y += 26
    label_mode = "label:(b)(6)" if style == "labels" else None
    _field(page, 62, y, "Caller Name:", caller, "over_text" if style == "over_text" else label_mode or "removed")
    y += 20
    _field(page, 62, y, "Caller Phone:", phone, label_mode or "removed")
    y += 20
    _field(page, 62, y, "Location:", loc, "open" if style == "open_location" else
           ("annot" if style == "annotation" else label_mode or "removed"))
    y += 20
    if suspect:
        _field(page, 62, y, "Suspect Name:", suspect, "removed")
        y += 20
    y += 10
    _text(page, 62, y, "Narrative:")
    y += 16
    _text(page, 62, y, narrative, 9.5)
    y += 30
    _text(page, 62, y, "Disposition: REPORT TAKEN      Units: 2A14, 2A19")
    _text(page, 62, H - 40, "Exemptions applied: (b)(6) personal privacy; (b)(7)(C) law enforcement privacy.", 8)
    return page


def withheld_page(doc):
    page = doc.new_page(width=W, height=H)
    _text(page, 62, 80, "CALL 24-0327 - SUPPLEMENTAL STATEMENT", 11)
    page.draw_rect(pymupdf.Rect(54, 96, W - 54, H - 60), color=None, fill=(0, 0, 0))
    _text(page, W / 2 - 40, H / 2, "WITHHELD (b)(7)(C)", 10, (1, 1, 1))


def scanned_page(doc):
    """An image-only page: a 150 dpi 'scan' of a short form with burned-in black bars."""
    from PIL import Image, ImageDraw
    scale = 150 / 72
    img = Image.new("L", (int(W * scale), int(H * scale)), 245)
    d = ImageDraw.Draw(img)
    d.text((60 * scale, 70 * scale), "FIELD INTERVIEW CARD  24-0312", fill=20)
    rows = [("Subject:", (150, 104, 300, 118)), ("Address:", (150, 134, 330, 148)), ("Phone:", (150, 164, 260, 178))]
    for i, (label, bar) in enumerate(rows):
        d.text((60 * scale, (100 + 30 * i) * scale), label, fill=20)
        d.rectangle([v * scale for v in bar], fill=8)
    d.text((60 * scale, 210 * scale), "Officer remarks: subject cooperative; released at scene.", fill=20)
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=85)
    page = doc.new_page(width=W, height=H)
    page.insert_image(page.rect, stream=buf.getvalue())


def build(outdir: str) -> list[str]:
    os.makedirs(outdir, exist_ok=True)
    paths = []
    for i, call in enumerate(CALLS):
        doc = pymupdf.open()
        call_record(doc, call)
        if call[-1] == "annotation":
            withheld_page(doc)
        if call[-1] == "over_text":
            scanned_page(doc)
        doc.set_metadata({"title": f"CAD call {call[0]}", "producer": "redactlens sample generator",
                          "creationDate": "D:20240401000000Z", "modDate": "D:20240401000000Z"})
        path = os.path.join(outdir, f"call-{call[0]}.pdf")
        doc.save(path, garbage=3, deflate=True, no_new_id=True)
        paths.append(path)
    with open(os.path.join(outdir, "README.txt"), "w") as fh:
        fh.write("Fictional sample release generated by samples/make_samples.py. Not a real record.\n")
    return paths


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "release")
    for p in build(out):
        print(p)

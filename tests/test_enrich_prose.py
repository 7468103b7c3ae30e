"""Prose cues (issue 13): role nouns and titles before a box, possessives, places, contact verbs
with the shape of the visible value, payees with a company cue, and e-mail header blocks.  Each
cue is checked on an upright page and on a /Rotate 90 page (text written upright as displayed),
and its look-alikes must stay ``unknown`` (fixtures generated here)."""
from __future__ import annotations

import pymupdf
import pytest

import redactlens
from redactlens.enrich import fields as fl

FS = 11
BOX = None          # a box in a line's parts


def _page(lines, rotate=0):
    """A page whose ``lines`` (lists of strings and ``BOX`` entries, one per displayed line, from
    y=100 down) are written upright as displayed on a page with /Rotate ``rotate``; a box is
    drawn (filled black) where each ``BOX`` sits, as wide as 'Xxxxxxxxxx' (or the int given)."""
    doc = pymupdf.open()
    page = doc.new_page()
    page.set_rotation(rotate)
    to_page = page.derotation_matrix
    y = 100.0
    for parts in lines:
        x = 72.0
        for p in parts:
            if p is BOX or isinstance(p, int):
                w = pymupdf.get_text_length("Xxxxxxxxxxxx", fontsize=FS) if p is BOX else float(p)
                rect = pymupdf.Rect(x, y - FS, x + w, y + 3) * to_page
                page.draw_rect(rect, color=(0, 0, 0), fill=(0, 0, 0))
                x += w + 1.0
            else:
                page.insert_text(pymupdf.Point(x, y) * to_page, p, fontname="helv", fontsize=FS, rotate=rotate)
                x += pymupdf.get_text_length(p, fontname="helv", fontsize=FS) + 1.0
        y += 16.0
    return doc.tobytes()


def _fields(lines, rotate=0):
    rep = redactlens.scan(_page(lines, rotate), settings={"ocr": "off"})
    reds = sorted(rep.redactions, key=lambda r: (r.bbox[1], r.bbox[0]))
    return [(r.field, r.field_evidence) for r in reds]


FILL = ["On the evening of the third the reporting officers went to the scene and spoke at length with"]

PROSE = [
    # role noun in apposition, title before, possessive after
    ([["The complainant, ", BOX, ", told officers the door had been forced open overnight."]], "person_name"),
    ([["Officers then spoke with Sgt. ", BOX, " who arrived at the scene a few minutes later."]], "person_name"),
    ([["The suspect ", BOX, " fled on foot toward the alley behind the building."]], "person_name"),
    ([["The officers searched ", BOX, "'s vehicle and found nothing of interest inside."]], "person_name"),
    # places
    ([["The witness stated that she lives on ", BOX, " near the park and saw the car."]], "address"),
    ([["The vehicle was later located at ", BOX, " by responding units from the district."]], "address"),
    ([["The incident occurred in the ", BOX, " block of the avenue shortly after midnight."]], "address"),
    # contact verbs: the shape of the visible value says which
    ([["The detective then called ", BOX, "-0188 and left a message for the victim."]], "phone"),
    ([["The investigator e-mailed ", BOX, "@example.com on the following morning again."]], "email"),
    # payee with a company cue
    ([["Payment in the amount of $10,431.30 should be made to ", BOX, ". The services are covert."]],
     "organization"),
    ([["Attached is the invoice dated 03 December 2013, addressed to ", BOX, ". It is due now."]],
     "organization"),
    ([["The board approved a check in the amount of ", BOX, " for the repairs to the station."]], "amount"),
]

LOOKALIKES = [
    # contact verb, no shape: a person is called too
    [["The detective then called ", BOX, " and left a message about the stolen car."]],
    # payee phrase without any company cue: a check can be payable to a person
    [["The court ordered that the refund be made payable to ", BOX, " within thirty days."]],
    # addressed to, no company cue before it
    [["The letter was addressed to ", BOX, " and mailed on the following Monday morning."]],
    # 'block' not after the box, 'at' without a value shape
    [["The officers waited at ", BOX, " for about an hour before leaving the area again."]],
]


@pytest.mark.parametrize("rotate", [0, 90])
@pytest.mark.parametrize("lines,field", PROSE, ids=[f"{f}-{n}" for n, (_, f) in enumerate(PROSE)])
def test_prose_cue_types_the_box(lines, field, rotate):
    got = _fields(FILL and [FILL] + lines, rotate)
    assert got and got[0][0] == field, got


@pytest.mark.parametrize("rotate", [0, 90])
@pytest.mark.parametrize("lines", LOOKALIKES, ids=[str(n) for n in range(len(LOOKALIKES))])
def test_prose_lookalikes_stay_unknown(lines, rotate):
    got = _fields([FILL] + lines, rotate)
    assert got and got[0][0] == "unknown", got


HEADER = [["From: ", BOX], ["Sent: Tuesday, March 4, 2014 10:12 AM"], ["To: ", BOX],
          ["Cc: Jane Roe <", BOX, ">"], ["Subject: RE: overtime request"]]


@pytest.mark.parametrize("rotate", [0, 90])
def test_email_header_block(rotate):
    got = _fields(HEADER, rotate)
    assert [f for f, _ in got] == ["person_name", "person_name", "email"], got
    assert "e-mail header block" in got[0][1]


@pytest.mark.parametrize("rotate", [0, 90])
@pytest.mark.parametrize("lines", [
    [["From: ", BOX]],                                     # a lone From: label, no header block
    [["Received from: ", BOX], ["Amount: $25.00"]],         # a form line, not a header key
    [["To: ", BOX, " Organized Crime Division"], ["From: Brian Daly"], ["Subject: payment"]],   # an agency
], ids=["lone-from", "received-from", "agency"])
def test_email_header_lookalikes_stay_unknown(lines, rotate):
    got = _fields(lines, rotate)
    assert got and got[0][0] == "unknown", got


def test_cue_helpers():
    assert fl.payee_cue("a check should be made payable to", "")is None
    assert fl.payee_cue("the invoice from the vendor should be made payable to", "")[0] == "organization"
    assert fl.contact_cue("she called", "-0188 twice")[0] == "phone"
    assert fl.contact_cue("she called (312)", "")[0] == "phone"
    assert fl.contact_cue("she e-mailed", "@city.gov")[0] == "email"
    assert fl.contact_cue("she called", "twice") is None
    assert fl.header_key("Cc: Jane") == "cc" and fl.header_key("Received from: x") == ""


@pytest.mark.parametrize("rotate", [0, 90])
def test_currency_sign_right_before_the_box_is_an_amount(rotate):
    got = _fields([["The deal provided for an equity investment generating $", 60, " in revenue for the firm."],
                   ["The firm then paid $500 to ", BOX, " for the consulting work it had done."]], rotate)
    assert got[0] == ("amount", "'$' right before the box"), got
    assert got[1][0] == "unknown", got          # a sum printed earlier in the sentence says nothing

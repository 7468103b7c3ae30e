"""Signatures by layout (issue 13, field half): a bar as tall as a handwritten signature above a
typed block whose unit line survived ("[name, garbled] / Bureau of Organized Crime"), a bar right
under a complimentary close or approval heading ("Sincerely,", "Approvals:"), and a tall bar in one
column with another signature bar (an approval chain).  Each on an upright page and on a /Rotate 90
page (written upright as displayed), with the look-alikes where the rule must not fire: a bar one
line tall (it hides the typed name), a unit line right under the bar, a prose line between two
bars, a bar in another column.  Fixtures generated here."""
from __future__ import annotations

import pymupdf
import pytest

import redactlens
from redactlens.enrich import core
from redactlens.enrich import fields as fl

FS = 11
PROSE = ["Approval is requested to draw from the fund for payment of the attached invoice covering",
         "the billing cycle of the units listed below, as described in the request of last month."]


def _doc(items, rotate=0) -> bytes:
    """A page with ``items``: ("t", x, y, text) baselines and ("b", x0, y0, x1, y1) black bars, in
    displayed coordinates, on a page with /Rotate ``rotate``."""
    doc = pymupdf.open()
    page = doc.new_page()
    page.set_rotation(rotate)
    m = page.derotation_matrix
    for it in items:
        if it[0] == "t":
            page.insert_text(pymupdf.Point(it[1], it[2]) * m, it[3], fontname="helv", fontsize=FS, rotate=rotate)
        else:
            page.draw_rect(pymupdf.Rect(*it[1:5]) * m, color=(0, 0, 0), fill=(0, 0, 0))
    return doc.tobytes()


def _memo(extra):
    items = [("t", 72, 100 + 15 * k, s) for k, s in enumerate(PROSE)]
    return items + extra


def _fields(items, rotate):
    rep = redactlens.scan(_doc(_memo(items), rotate), settings={"ocr": "off"})
    assert rep.error is None
    return [(r.field, r.field_evidence) for r in sorted(rep.redactions, key=lambda r: (r.bbox[1], r.bbox[0]))]


def _block(x, y, lines):
    return [("t", x, y + 14 * k, s) for k, s in enumerate(lines)]


CASES = {
    # the name line under the bar has no title (or was garbled), the unit line under it survived
    "unit line under a name": ([("b", 330, 300, 470, 330)] + _block(330, 344, ["Deborah Leodoro, #6823", "Unit 188",
                                                                              "Bureau of Organized Crime"]),
                               ["signature"]),
    "complimentary close": ([("t", 72, 300, "Sincerely,"), ("b", 72, 310, 210, 342)] + _block(72, 356, ["Jane Roe"]),
                            ["signature"]),
    "approval heading": ([("t", 72, 300, "Approved:"), ("b", 72, 308, 210, 338)], ["signature"]),
    # a column of signatures: the lower bar is typed by its title, the upper one by the column
    "column of signatures": ([("b", 72, 300, 210, 338), ("t", 72, 352, "Approvals:"), ("b", 72, 358, 210, 388)]
                             + _block(72, 402, ["Maureen Biggane", "Commanding Officer", "Bureau of Organized Crime"]),
                             ["signature", "signature"]),
}

LOOKALIKES = {
    # a bar one line tall above a unit line hides the typed name, not a signature
    "one-line bar above a name block": ([("b", 330, 300, 470, 314)] + _block(330, 328, ["Deborah Leodoro", "Unit 188"]),
                                        ["unknown"]),
    # the unit line right under the bar: the bar may be the typed name itself
    "unit line right under a bar": ([("b", 330, 300, 470, 324)] + _block(330, 338, ["Unit 188",
                                                                                    "Bureau of Organized Crime"]),
                                    ["unknown"]),
    # 'Sincerely,' over a one-line bar: the typed name was redacted
    "close over a one-line bar": ([("t", 72, 300, "Sincerely,"), ("b", 72, 318, 210, 331)], ["unknown"]),
    # a close word inside a sentence is no close
    "close word in a sentence": ([("t", 72, 300, "We were approved by the board and sincerely hope"),
                                  ("b", 72, 310, 210, 342)], ["unknown"]),
    # a prose line between the bars: not one column of signatures
    "prose between two bars": ([("b", 72, 300, 210, 338),
                                ("t", 72, 352, "The amounts listed were reviewed by the unit."), ("b", 72, 358, 210, 388)]
                               + _block(72, 402, ["Maureen Biggane", "Commanding Officer"]),
                               ["unknown", "signature"]),
    # a tall bar in another column, level with a signature bar
    "tall bar in another column": ([("b", 330, 358, 470, 388), ("b", 72, 358, 210, 388)]
                                   + _block(72, 402, ["Maureen Biggane", "Commanding Officer"]),
                                   ["signature", "unknown"]),
}


@pytest.mark.parametrize("rotate", [0, 90])
@pytest.mark.parametrize("case", sorted(CASES))
def test_signature_by_layout(case, rotate):
    items, want = CASES[case]
    got = _fields(items, rotate)
    assert [f for f, _ in got] == want, got
    assert all(e for _, e in got)


@pytest.mark.parametrize("rotate", [0, 90])
@pytest.mark.parametrize("case", sorted(LOOKALIKES))
def test_signature_lookalikes_stay_unknown(case, rotate):
    items, want = LOOKALIKES[case]
    got = _fields(items, rotate)
    assert [f for f, _ in got] == want, got


def test_unit_line_and_closing_words():
    assert fl.unit_line("Bureau of Organized Crime") and fl.unit_line("Unit 188")
    assert fl.unit_line("Vice/Asset Forfeiture Division") and fl.unit_line("C/O Administration")
    assert not fl.unit_line("Of Organized Crime") and not fl.unit_line("The unit was sent to the bureau on Monday")
    assert fl.closing("Sincerely,") and fl.closing("Approvals:") and fl.closing("Respectfully submitted,")
    assert not fl.closing("Approved by the board") and not fl.closing("Regarding:")


def test_typed_block_unit_rule_on_lines_read_again():
    bar = (86.0, 589.0, 204.0, 615.0)          # Chicago 15-7067 p9: the signature ate the name and title
    lines = [(616.0, 626.0, 11.3, [(90.0, 140.0, "Malureen")]),
             (629.0, 639.0, 11.3, [(90.0, 150.0, "Cc anding")]),
             (643.0, 653.0, 11.3, [(90.0, 230.0, "Bureau of Organized")])]
    assert "Bureau" in core.typed_block(bar, lines)
    assert "unit line" in core.block_evidence(core.typed_block(bar, lines))
    # a bar one line tall over the typed name: its unit line does not make it a signature
    assert core.typed_block((86.0, 600.0, 204.0, 613.0), lines) == ""
    # a name block starting 4.7 em left of a bar drawn over the right part of the signature
    assert core.typed_block((138.0, 639.0, 218.0, 666.0), [(668.0, 678.0, 9.7, [(92.0, 202.0, "Nicholas J. Roti")]),
                                                           (681.0, 691.0, 9.7, [(92.0, 126.0, "Chief")])])


def test_a_stubby_bar_at_the_stamp_place_is_a_signature_a_square_one_is_not():
    from redactlens.enrich.stamps import same_stamp
    from redactlens.model import Redaction
    ev = "label 'Signature:' before the box (sideways text reading downwards, read again by OCR)"

    def bar(page, x0, y0, field="unknown", w=28, h=100):
        return Redaction(id=f"d#p{page}-r1", page=page, bbox=[x0, y0, x0 + w, y0 + h], method="raster",
                         field=field, field_evidence=ev if field != "unknown" else "")
    typed = [bar(4, 464, 595, "signature"), bar(5, 462, 601, "signature"), bar(11, 440, 595, "signature")]
    stubby = bar(8, 433, 600, h=55)                # Chicago 15-7067 p8: 28 x 55 pt, the hand stopped early
    square = bar(9, 440, 610, w=30, h=36)          # a square mark at the same place: no sideways bar
    out = same_stamp(typed + [stubby, square])
    assert out[3].field == "signature" and out[4].field == "unknown"


@pytest.mark.parametrize("rotate", [0, 90])
def test_tall_bar_ending_the_last_paragraph_above_a_titled_block(rotate):
    # the bar sits on the line of the paragraph's last words (it is 'in running text'), the typed
    # block under it starts 2.4 lines lower and names its title on the third line
    items = [("t", 72, 300, "Attached, please find the statement for the payment."), ("b", 330, 290, 470, 316)]
    items += _block(330, 342, ["Robert Henderson #3333", "Technical Staff", "Police Officer"])
    assert [f for f, _ in _fields(items, rotate)] == ["signature"]


def test_a_title_with_an_ocr_slip_still_names_the_block():
    bar = (334.0, 561.0, 446.0, 588.0)          # Chicago 15-6523 p9: 'Sergeant' read as 'ergeaént'
    assert "ergea" in core.typed_block(bar, [(605.0, 615.0, 10.0, [(340.0, 400.0, "ergeaént")])])
    assert fl.title_fuzzy("Commandr") == "commander" and fl.title_fuzzy("Lieutenent Jones") == "lieutenant"
    # short words and near misses are no title
    for t in ("Offices", "efgeant", "the detectives were there today", "provided when investigators,",
              "Investigators"):
        assert fl.title_fuzzy(t) == "", t
    assert core.typed_block(bar, [(605.0, 615.0, 10.0, [(340.0, 400.0, "Offices")])]) == ""


def test_stubby_bars_are_read_for_a_sideways_label():
    from redactlens.enrich import reread
    assert reread.may_be_sideways((458.0, 580.0, 494.0, 642.5))      # 15-6523 p6: 36 x 62 pt
    assert not reread.is_tall((458.0, 580.0, 494.0, 642.5))
    assert not reread.may_be_sideways((458.0, 580.0, 494.0, 620.0))  # about square: no sideways line
    assert not reread.may_be_sideways((100.0, 580.0, 200.0, 800.0))  # too wide for one sideways line


def test_one_reading_and_the_same_bar_on_many_pages():
    from redactlens.enrich.stamps import same_stamp
    from redactlens.model import Redaction
    ev = "label 'Signature:' before the box (sideways text reading downwards, read again by OCR)"

    def bar(page, x0, y0, field="unknown", w=30, h=60):
        return Redaction(id=f"d#p{page}-r1", page=page, bbox=[x0, y0, x0 + w, y0 + h], method="raster",
                         field=field, field_evidence=ev if field != "unknown" else "")
    read = bar(8, 433, 640, "signature")               # Chicago 15-6523: only p8's label was read
    others = [bar(6, 458, 585), bar(7, 438, 630), bar(9, 460, 630)]
    out = same_stamp([read] + others)
    assert [r.field for r in out[1:]] == ["signature"] * 3 and "page 8" in out[1].field_evidence
    # one reading and the bar on two other pages only: no stamp yet
    assert [r.field for r in same_stamp([read] + others[:2])[1:]] == ["unknown", "unknown"]
    # no reading at all: nothing, however many pages
    assert all(r.field == "unknown" for r in same_stamp(others))

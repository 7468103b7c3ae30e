"""Fields from what the boxes hide and how they sit (issue 13, field half): recovered text that is a
clause of prose, a quotation withheld over a line break, and the second box of one value after a
label ("Name: [first] [last]").  Upright and /Rotate 90 pages written upright as displayed, with
look-alikes that must stay ``unknown`` (or keep their own field).  Fixtures generated here."""
from __future__ import annotations

import pymupdf
import pytest

import redactlens
from redactlens.enrich import fields as fl

FS = 11


def _doc(items, rotate=0) -> bytes:
    """("t", x, y, text) baselines, ("b", x0, y0, x1, y1) black bars and ("u", x, y, text) text
    drawn under a black bar (left in the text layer), displayed coordinates, /Rotate ``rotate``."""
    doc = pymupdf.open()
    page = doc.new_page()
    page.set_rotation(rotate)
    m = page.derotation_matrix
    for it in items:
        if it[0] in ("t", "u"):
            page.insert_text(pymupdf.Point(it[1], it[2]) * m, it[3], fontname="helv", fontsize=FS, rotate=rotate)
            if it[0] == "u":
                w = pymupdf.get_text_length(it[3], fontname="helv", fontsize=FS)
                page.draw_rect(pymupdf.Rect(it[1] - 1, it[2] - FS, it[1] + w + 1, it[2] + 3) * m,
                               color=(0, 0, 0), fill=(0, 0, 0))
        else:
            page.draw_rect(pymupdf.Rect(*it[1:5]) * m, color=(0, 0, 0), fill=(0, 0, 0))
    return doc.tobytes()


def _scan(items, rotate):
    rep = redactlens.scan(_doc(items, rotate), settings={"ocr": "off"})
    assert rep.error is None
    return sorted(rep.redactions, key=lambda r: (r.bbox[1], r.bbox[0]))


def test_clause_words():
    assert fl.field_of_text("Due to the small size of the 6ET series fuse")[0] == "narrative"
    assert fl.field_of_text("interrupting rating is significantly higher than the maximum possible")[0] == "narrative"
    # names and titles with function words in them are no clause
    for t in ("Department of the Treasury of the State of New York", "Laboratory Data Package for Project No. 4787",
              "The Law Offices of Smith and Jones at the Tower", "Participant, Merchant, or Consumer data"):
        hit = fl.field_of_text(t)
        assert hit is None or hit[0] != "narrative", (t, hit)


@pytest.mark.parametrize("rotate", [0, 90])
def test_recovered_clause_is_narrative_a_recovered_name_is_not(rotate):
    items = [("t", 72, 100, "16."), ("u", 100, 100, "Due to the small size of the fuse used"),
             ("t", 300, 100, ", the maker stamps one rating."),
             ("t", 72, 140, "Filed by"), ("u", 120, 140, "Department of the Treasury of the State of Ohio")]
    reds = _scan(items, rotate)
    assert reds[0].field == "narrative" and "clause" in reds[0].field_evidence
    assert reds[1].field != "narrative"


LINE = 'As set forth in the terms of use quoted above, the gateway provider says that it "'
LINE_END = 72 + pymupdf.get_text_length(LINE, fontname="helv", fontsize=FS)


def _quote_page(open_mark, close_mark):
    return [("t", 72, 100, LINE.replace('"', open_mark)), ("b", LINE_END + 2, 90, 540, 103),
            ("b", 72, 106, 260, 119), ("t", 262, 116, close_mark + " (Decl. Ex. A at 26.) The only other time that"),
            ("t", 72, 132, "a customer received a message was when the customer asked for one at the store.")]


@pytest.mark.parametrize("rotate", [0, 90])
def test_a_quotation_over_a_line_break_is_narrative(rotate):
    reds = _scan(_quote_page('"', '."'), rotate)      # the base-14 font has no curly quotes
    assert [r.field for r in reds] == ["narrative", "narrative"], [(r.field, r.context.before, r.context.after) for r in reds]
    assert "quotation" in reds[0].field_evidence


@pytest.mark.parametrize("rotate", [0, 90])
def test_boxes_over_a_line_break_without_quotes_stay_unknown(rotate):
    reds = _scan(_quote_page("", ""), rotate)
    assert [r.field for r in reds] == ["unknown", "unknown"]


FORM = [("t", 72, 100, "Name:"), ("b", 110, 90, 170, 103), ("b", 174, 90, 240, 103), ("t", 330, 100, "Case No:"),
        ("t", 72, 130, "Address:"), ("b", 120, 120, 200, 133), ("b", 204, 120, 260, 133),
        ("t", 72, 160, "Vehicle Make:"), ("b", 150, 150, 200, 163), ("b", 204, 150, 260, 163),
        ("t", 72, 190, "Phone:"), ("b", 112, 180, 190, 193), ("b", 440, 180, 520, 193)]


@pytest.mark.parametrize("rotate", [0, 90])
def test_second_box_of_a_labelled_value(rotate):
    got = [(r.field, r.field_evidence) for r in _scan(FORM, rotate)]
    fields = [f for f, _ in got]
    # Name: [first] [last]; Address: [street] [city]
    assert fields[:4] == ["person_name", "person_name", "address", "address"], got
    assert "one value in two boxes" in got[1][1]
    # a label naming no field types neither box; a box across a column gap is another value
    assert fields[4:6] == ["unknown", "unknown"] and fields[6:] == ["phone", "unknown"], got


def test_quotation_marks_curly_and_straight():
    from redactlens.enrich.core import _quoted
    from redactlens.model import Context, Redaction

    def red(before="", after=""):
        return Redaction(id="d#p1-r1", page=1, bbox=[0, 0, 1, 1], method="vector",
                         context=Context(before=before, after=after))
    assert _quoted(red(before="the provider), \u201c"), red(after=".\u201d (Bishop Decl.)"))
    assert _quoted(red(before='says that it "'), red(after='" and more'))
    assert not _quoted(red(before="the provider),"), red(after=".\u201d (Bishop Decl.)"))
    assert not _quoted(red(before="the provider), \u201c"), red(after="and then"))


NUMBER_SIGN = [("t", 72, 100, "SUBJECT: PAYMENT REQUEST - Sprint"), ("b", 262, 90, 330, 103), ("t", 334, 100, "#"),
               ("b", 344, 90, 400, 103),
               ("t", 72, 130, "Apt #"), ("b", 104, 120, 160, 133)]


@pytest.mark.parametrize("rotate", [0, 90])
def test_a_number_sign_alone_before_the_box(rotate):
    got = [(r.field, r.field_evidence) for r in _scan(NUMBER_SIGN, rotate)]
    # the account name before the '#' stays unknown, the number after it is an id number
    assert [f for f, _ in got][:2] == ["unknown", "id_number"], got
    assert "'#' alone" in got[1][1]
    # 'Apt #' is a label of an address, not a bare number sign
    assert got[2][0] == "address", got


def _table(header, rotate):
    """A scanned-looking table whose header row is one run (cells closer than a run gap)."""
    items = [("t", 80, 100, header)]
    for k in range(3):
        y = 118 + 16 * k
        items += [("b", 80, y - 10, 109, y + 3), ("b", 118, y - 10, 170, y + 3), ("t", 240, y, f"${1000 + k}.54")]
    return _scan(items, rotate)


@pytest.mark.parametrize("rotate", [0, 90])
def test_one_run_header_row_types_the_column_under_its_word(rotate):
    reds = _table("Inv.#    Make/Model    Cost", rotate)      # gaps under a run gap: one run
    first = [r for r in reds if r.bbox[0] < 100]
    second = [r for r in reds if r.bbox[0] > 115]
    assert first and all(r.field == "id_number" and "Inv.#" in r.field_evidence for r in first), \
        [(r.bbox, r.field, r.field_evidence) for r in reds]
    # 'Make/Model' names no field: that column stays unknown
    assert second and all(r.field == "unknown" for r in second)


def _continued(second_line_start):
    first = "Attached is the invoice for the billing cycle of last month, addressed to"
    x = 72 + pymupdf.get_text_length(first, fontname="helv", fontsize=FS) + 3
    items = [("t", 72, 100, "Approval is requested to draw from the fund for payment of the invoices of the"),
             ("t", 72, 116, "accounts listed in the attached statements, which were received last week by us."),
             ("t", 72, 132, first), ("b", x, 122, 505, 135)]
    if second_line_start:
        w = pymupdf.get_text_length(second_line_start, fontname="helv", fontsize=FS)
        items += [("t", 72, 148, second_line_start), ("b", 72 + w + 3, 138, 72 + w + 80, 151),
                  ("t", 72 + w + 83, 148, ". The check is to be made payable to CHASE.")]
    else:
        items += [("b", 72, 138, 150, 151), ("t", 153, 148, ". The check is to be made payable to CHASE, who will")]
    items += [("t", 72, 164, "issue a check addressed to the carrier at its office, as set out in the statement.")]
    return items


@pytest.mark.parametrize("rotate", [0, 90])
def test_a_value_continued_over_a_line_break(rotate):
    got = [(r.field, r.field_evidence) for r in _scan(_continued(""), rotate)]
    assert [f for f, _ in got] == ["organization", "organization"], got
    assert "continues over the line break" in got[1][1]
    # a word between the boxes: another value ('at [box]'), the second stays unknown
    got = [(r.field, r.field_evidence) for r in _scan(_continued("at"), rotate)]
    assert [f for f, _ in got] == ["organization", "unknown"], got

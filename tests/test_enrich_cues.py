"""The cues of issue 13: recovered text, signature blocks, whole-line prose, table columns and
response letters that tie sections to kinds of information (fixtures generated here)."""
from __future__ import annotations

from dataclasses import replace

import pymupdf
import pytest

import redactlens
from redactlens.enrich import fields as fl
from redactlens.enrich import letters as lt
from redactlens.enrich.columns import same_column
from redactlens.model import FIELDS, Context, Redaction

IL_B = "5 ILCS 140/7(1)(b)"


def _box(page, rect):
    page.draw_rect(pymupdf.Rect(*rect), color=(0, 0, 0), fill=(0, 0, 0))


def _scan(doc):
    return redactlens.scan(doc.tobytes(), settings={"ocr": "off"})


def test_vocabulary_has_organization_and_amount():
    assert "organization" in FIELDS and "amount" in FIELDS


@pytest.mark.parametrize("text,field", [
    ("jane.doe@example.com", "email"), ("312-555-0188", "phone"), ("(312) 745-5308", "phone"),
    ("123-45-6789", "ssn"), ("$3,167.02", "amount"), ("03 December 2013", "date"), ("12/03/2014", "date"),
    ("model no. 6ET 1100", "id_number"), ("Invoice 93-044583", "id_number"),
    ("Hong Hu Bluelight Electronic Co. Ltd.", "organization"), ("Officer John Smith", "person_name"),
    ("#480328101", "id_number"), ("Normal Account #480328101", "id_number"), ("Invoice 4471", "id_number"),
    # a box down a table column: every line one value of the same form
    ("CVCS245285\nCVCS245293\nCVCS245319", "id_number"), ("312-555-0188\n(312) 745-5308", "phone"),
    ("444136\n447672", None), ("CVCS245285\n2008 Chevy Cobalt", None), ("883490228", None),
    ("phone number 5551234", None), ("Unit 188", None),
    # the form says nothing: no field (a bare capitalised phrase may be a name or a firm)
    ("John Smith", None), ("350 volts", None), ("1062", None), ("The 50 amp fuse is slow", None),
])
def test_field_of_recovered_text(text, field):
    hit = fl.field_of_text(text)
    assert (hit[0] if hit else None) == field


def test_text_under_the_box_types_it():
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 100), "The fuse was designed and manufactured by", fontsize=11)
    page.insert_text((300, 100), "Acme Widget Co. Ltd.", fontsize=11)
    _box(page, (298, 90, 420, 104))          # drawn over live text: the text is still there
    r = _scan(doc).redactions[0]
    assert r.leak and r.leak.how == "text_under_box"
    assert r.field == "organization" and "recovered text" in r.field_evidence


def _memo_with_signature(title="Deputy Chief"):
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 100), "Submitted for your approval.", fontsize=11)
    _box(page, (72, 130, 230, 160))          # the handwritten signature, blacked out
    page.insert_text((74, 172), "Nicholas J. Roti", fontsize=10)
    page.insert_text((74, 185), title, fontsize=10)
    page.insert_text((74, 198), "Organized Crime Division", fontsize=10)
    return doc


def test_box_above_typed_name_and_title_is_a_signature():
    r = _scan(_memo_with_signature()).redactions[0]
    assert r.field == "signature"
    assert "typed name and title" in r.field_evidence and "Deputy Chief" in r.field_evidence


def test_box_above_a_name_without_any_title_stays_unknown():
    r = _scan(_memo_with_signature(title="Springfield Avenue")).redactions[0]
    assert r.field == "unknown"


def _pleading(box_lines):
    doc = pymupdf.open()
    page = doc.new_page()
    y = 100
    words = "The parties agreed to the terms set out in the agreement and performed them in full ever since"
    for k in range(8):
        page.insert_text((40, y), str(k + 1), fontsize=11)        # pleading line numbers
        if k in box_lines:
            x0, x1 = box_lines[k]
            if x0 > 90:
                page.insert_text((90, y), words[:40], fontsize=11)
            _box(page, (x0, y - 10, x1, y + 3))
        else:
            page.insert_text((90, y), words, fontsize=11)
        y += 24
    return doc


def test_whole_line_boxes_in_a_text_block_are_narrative():
    reds = _scan(_pleading({3: (90, 540)})).redactions
    assert [r.field for r in reds] == ["narrative"]
    assert "whole line" in reds[0].field_evidence


def test_a_redaction_running_over_lines_is_narrative():
    reds = _scan(_pleading({2: (320, 540), 3: (90, 540), 4: (90, 200)})).redactions
    assert [r.field for r in reds] == ["narrative"] * 3


def test_a_short_value_box_in_a_form_is_not_narrative():
    doc = pymupdf.open()
    page = doc.new_page()
    for k, lab in enumerate(["Make", "Model", "Color", "Remarks of the reporting officer here"]):
        page.insert_text((72, 100 + 20 * k), lab, fontsize=10)
    _box(page, (140, 110, 300, 123))
    assert _scan(doc).redactions[0].field == "unknown"


def _red(i, x0, field="unknown", ev="", page=1):
    return Redaction(id=f"d#p{page}-r{i}", page=page, bbox=[x0, 100 + 12 * i, x0 + 80, 108 + 12 * i],
                     method="vector", field=field, field_evidence=ev, context=Context())


def test_boxes_down_a_column_get_the_header_field():
    hdr = "column header 'Payee' above the box"
    reds = [_red(0, 194, "person_name", hdr), _red(1, 194, "person_name", hdr), _red(2, 194.5),
            _red(3, 194, page=2), _red(4, 380)]
    out = same_column(reds)
    assert [r.field for r in out] == ["person_name"] * 4 + ["unknown"]
    assert "Payee" in out[3].field_evidence
    assert reds[2].field == "unknown"                      # inputs are not changed


def test_a_column_whose_boxes_disagree_types_nothing():
    reds = [_red(0, 194, "person_name", "column header 'A' above the box"),
            _red(1, 194, "id_number", "column header 'B' above the box"), _red(2, 194)]
    assert same_column(reds)[2].field == "unknown"


LETTER = """Dear Mr. Martinez:
The Chicago Police Department is in receipt of your Freedom of Information Act (FOIA) request.
FOIA FILE NO.: 15-7067
Upon review, copies of these records can be released with certain information redacted. The redacted
information is exempt from disclosure under the following provisions of the Illinois Freedom of Information Act;
5 ILCS 140/7(1)(b) Private information, unless disclosure is required by another provision of this Act.
Information withheld under §7(1)(b) is officers' signatures.
In addition, covert accounts information has been redacted. As such, this information has been properly
redacted pursuant to §7(1)(d)(v) and (v)(vi).
You may also seek judicial review of a denial under 5 ILCS 140/11.
Sincerely,"""


def test_letter_ties_sections_to_kinds_of_information():
    claims = lt.read_letters([(2, LETTER)])
    tied, rest, page = lt.mapping(claims)
    assert tied == {"signature": [IL_B]}
    assert rest == ["5 ILCS 140/7(1)(d)(v)", "5 ILCS 140/7(1)(d)(vi)"]   # "and (v)(vi)" [sic] read
    assert all(c["request"] == "15-7067" for c in claims)
    assert not any("140/11" in c for cl in claims for c in cl["codes"])  # judicial review: no exemption
    reds = [_red(0, 72, "signature", page=3), _red(1, 72, "id_number", page=3), _red(2, 72, page=3),
            _red(3, 72, "person_name", page=4)]
    reds[3] = Redaction(**{**reds[3].__dict__, "exemptions": ["5 USC 552(b)(6)"], "exemption_basis": "on_box"})
    out = lt.apply_letters(reds, claims)
    assert out[0].exemptions == [IL_B] and out[0].exemption_basis == "letter" and out[0].exemption_page == 2
    assert out[1].exemptions == rest and "elimination" in out[1].exemption_text
    assert out[2].exemptions == []                 # unknown box, several sections: no guess
    assert out[3].exemptions == ["5 USC 552(b)(6)"]  # printed on the box: kept
    assert reds[0].exemptions == []                # inputs are not changed
    # an unknown box inside a sentence is no signature: the letter's other sections cover it
    prose = replace(_red(5, 72, page=3), context=Context(before="Payment should be made to",
                                                         after="for the services"))
    (got,) = lt.apply_letters([prose], claims)
    assert got.exemptions == rest and "never stands inside a sentence" in got.exemption_text
    # ... but not when the letter ties a section to a kind that can stand in a sentence (names)
    named = lt.read_letters([(2, LETTER + "\nInformation withheld under 7(1)(c) is names of informants.")])
    (got,) = lt.apply_letters([prose], named)
    assert got.exemptions == []


def _box_at(i, bbox, field="unknown", est_chars=12, est_lines=None, page=3, context=None):
    return Redaction(id=f"d#p{page}-r{i}", page=page, bbox=list(bbox), method="raster", field=field,
                     field_evidence="above the typed name and title 'Chief'" if field != "unknown" else "",
                     est_chars=None if est_lines else est_chars, est_lines=est_lines, context=context or Context())


def test_a_one_line_box_above_the_pages_signature_gets_the_letters_other_sections():
    claims = lt.read_letters([(2, LETTER)])
    _, rest, _ = lt.mapping(claims)
    sig = _box_at(0, (100, 500, 240, 540), "signature", est_lines=3)
    subject = _box_at(1, (200, 224, 380, 236))                       # a subject line of the memo
    small = _box_at(2, (250, 520, 300, 532))                         # a bar beside the signature block
    tall = _box_at(3, (90, 300, 300, 360), est_lines=4)              # may be another signature
    sideways = _box_at(4, (450, 300, 476, 420), est_chars=14)        # a stamp's bar: taller than wide
    other_page = _box_at(5, (200, 224, 380, 236), page=4)            # no signature on its page
    out = lt.apply_letters([sig, subject, small, tall, sideways, other_page], claims)
    assert out[0].exemptions == [IL_B]
    assert out[1].exemptions == rest and "above the page's signature" in out[1].exemption_text
    assert [r.exemptions for r in out[2:]] == [[], [], [], []]
    # the letter ties a section to a kind that can stand in a line (names): no elimination
    named = lt.read_letters([(2, LETTER + "\nInformation withheld under 7(1)(c) is names of informants.")])
    assert lt.apply_letters([sig, subject], named)[1].exemptions == []


def test_a_sideways_bar_with_text_either_side_is_not_in_prose():
    claims = lt.read_letters([(2, LETTER)])
    bar = _box_at(0, (447, 558, 476, 669), est_lines=9,
                  context=Context(before="Date: 08 Jan 14", after="will be subtracted from the total"))
    assert lt.apply_letters([bar], claims)[0].exemptions == []


def test_a_letter_citing_one_section_applies_it_to_every_box():
    text = ("Dear Requester: Your FOIA request was reviewed. Information withheld under 5 ILCS 140/7(1)(c) "
            "is personal information. Sincerely,")
    out = lt.apply_letters([_red(0, 72), _red(1, 72, "signature")], lt.read_letters([(1, text)]))
    assert [r.exemptions for r in out] == [["5 ILCS 140/7(1)(c)"]] * 2


def test_prose_citations_in_a_non_letter_are_not_read():
    text = "The court held that Rule 12(b)(6) and 5 ILCS 140/7(1)(c) were argued. Redacted parts follow."
    assert lt.read_letters([(1, text)]) == []


def letter_release(fontsize: float = 9, leading: float = 13):
    """A response letter (page 1, :data:`LETTER`) before a page with one box over a signature
    above a typed name and title (page 2)."""
    doc = pymupdf.open()
    p1 = doc.new_page()
    y = 72
    for line in LETTER.splitlines():
        p1.insert_text((60, y), line.replace("§", "S "), fontsize=fontsize)
        y += leading
    p2 = doc.new_page()
    p2.insert_text((72, 100), "Submitted for your approval.", fontsize=11)
    _box(p2, (72, 130, 230, 160))
    p2.insert_text((74, 172), "Nicholas J. Roti", fontsize=10)
    p2.insert_text((74, 185), "Chief", fontsize=10)
    return doc


def test_letter_page_of_a_document_is_applied_in_a_scan():
    rep = _scan(letter_release())
    r = rep.redactions[0]
    assert r.field == "signature" and r.exemptions == [IL_B]
    assert r.exemption_basis == "letter" and r.exemption_page == 1
    assert rep.exemption_letters and rep.exemption_letters[0]["page"] == 1


def test_a_release_without_any_citation_gets_none():
    rep = _scan(_memo_with_signature())
    assert rep.redactions[0].exemptions == [] and rep.redactions[0].exemption_basis is None


def test_exemption_basis_on_box_and_beside():
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 100), "Name:", fontsize=10)
    _box(page, (110, 90, 220, 104))
    page.insert_text((226, 100), "(b)(6)", fontsize=8)
    r = _scan(doc).redactions[0]
    assert r.exemptions == ["5 USC 552(b)(6)"] and r.exemption_basis == "beside_box"


# -- page notes ---------------------------------------------------------------------------------
def _note_page(note: str, rotate: int = 0) -> bytes:
    """A form with two boxes and a note, upright as displayed on a page with /Rotate ``rotate``
    (positions given in displayed coordinates)."""
    doc = pymupdf.open()
    page = doc.new_page()
    page.set_rotation(rotate)
    to_page = page.derotation_matrix

    def text(at, s, size=10):
        page.insert_text(pymupdf.Point(at) * to_page, s, fontname="helv", fontsize=size, rotate=rotate)

    def box(r):
        page.draw_rect(pymupdf.Rect(r) * to_page, color=None, fill=(0, 0, 0))
    text((72, 100), "Complainant:")
    box((150, 91, 260, 103))
    text((72, 130), "Phone:")
    box((150, 121, 230, 133))
    text((72, 400), note, 9)
    return doc.tobytes()


@pytest.mark.parametrize("rotate", [0, 90, 180, 270])
def test_a_page_note_covers_every_redaction_of_its_page(rotate):
    rep = redactlens.scan(_note_page("(b)(6) applies to all redactions on this page.", rotate))
    assert [r.bbox for r in rep.redactions] == [[150, 91, 260, 103], [150, 121, 230, 133]]
    for r in rep.redactions:
        assert r.exemptions == ["5 USC 552(b)(6)"], (r.exemptions, r.exemption_text)
        assert r.exemption_basis == "page_note" and "all redactions on this page" in r.exemption_text


@pytest.mark.parametrize("text", ["Exemption (b)(6) protects personnel and medical files.",
                                  "The court dismissed all claims on this page under Rule 12(b)(6)."])
def test_a_sentence_citing_an_exemption_is_not_a_page_note(text):
    rep = redactlens.scan(_note_page(text))
    assert len(rep.redactions) == 2 and not any(r.exemptions for r in rep.redactions)


@pytest.mark.parametrize("rotate", [0, 90])
@pytest.mark.parametrize("label,field,overlap", [
    ("Acct #", "id_number", 0.3),      # a sloppy box over a third of the '#' (Cook County ledger)
    ("Vin #", "id_number", 0.4),
    ("Phone:", "phone", 0.3),
    ("Vehicle Make:", "unknown", 0.3),  # a label naming no field still names none
])
def test_label_whose_last_glyph_is_partly_under_the_box(rotate, label, field, overlap):
    doc = pymupdf.open()
    page = doc.new_page()
    page.set_rotation(rotate)
    to_page = page.derotation_matrix
    fs, y = 7.0, 200.0
    page.insert_text(pymupdf.Point(72, y) * to_page, "Language Line Services", fontname="helv", fontsize=fs,
                     rotate=rotate)
    x = 180.0
    page.insert_text(pymupdf.Point(x, y) * to_page, label, fontname="helv", fontsize=fs, rotate=rotate)
    end = x + pymupdf.get_text_length(label, fontname="helv", fontsize=fs)
    last = pymupdf.get_text_length(label[-1], fontname="helv", fontsize=fs)
    x0 = end - overlap * last                    # the box starts over part of the label's last glyph
    page.draw_rect(pymupdf.Rect(x0, y - fs, x0 + 40, y + 2) * to_page, color=(0, 0, 0), fill=(0, 0, 0))
    page.insert_text(pymupdf.Point(x0 + 44, y) * to_page, "Inv 2393102", fontname="helv", fontsize=fs,
                     rotate=rotate)
    r = _scan(doc).redactions[0]
    assert r.field == field, (r.field, r.field_evidence, r.context)
    if field != "unknown":
        assert label.rstrip(":") in r.context.label


@pytest.mark.parametrize("rotate", [0, 90])
def test_ocr_layer_body_under_a_visible_filing_stamp_gives_context(rotate):
    doc = pymupdf.open()
    page = doc.new_page()
    page.set_rotation(rotate)
    m = page.derotation_matrix
    # the court's e-filing stamp in visible text, the scanned body in an invisible OCR layer
    page.insert_text(pymupdf.Point(72, 40) * m, "Case 1:19-cv-01849 Document 91 Filed 01/22/20 Page 3 of 26",
                     fontsize=9, rotate=rotate)
    y = 120.0
    for line in ("The investigators interviewed several people about the incident that", "night and the"):
        page.insert_text(pymupdf.Point(72, y) * m, line, fontsize=11, render_mode=3, rotate=rotate)
        y += 15
    x = 72 + pymupdf.get_text_length("The suspect ", fontsize=11)
    page.insert_text(pymupdf.Point(72, y) * m, "The suspect ", fontsize=11, render_mode=3, rotate=rotate)
    page.insert_text(pymupdf.Point(x + 84, y) * m, "fled on foot toward the alley behind the building.", fontsize=11,
                     render_mode=3, rotate=rotate)
    _box(page, pymupdf.Rect(x, y - 11, x + 80, y + 3) * m)
    r = _scan(doc).redactions[0]
    assert "suspect" in r.context.before.lower(), r.context
    assert r.field == "person_name", (r.field, r.field_evidence)


def _double_spaced(box_rows, rotate=0):
    """12 pt Times at a 24 pt pitch (a double-spaced declaration), upright as displayed on a page
    with /Rotate ``rotate``; ``box_rows``: (first line, number of lines) of each box, drawn from
    one line's top to the next line's top (as the Palantir declaration's bars are: the full
    pitch, leading included)."""
    doc = pymupdf.open()
    page = doc.new_page()
    page.set_rotation(rotate)
    to_page = page.derotation_matrix
    words = "The witness described the meeting and the terms that the parties reached that day"
    top = 90
    for k in range(12):
        page.insert_text(pymupdf.Point(72, top + 24 * k + 17) * to_page, words, fontsize=12, fontname="tiro",
                         rotate=rotate)
    for first, n in box_rows:
        rect = pymupdf.Rect(72, top + 24 * first, 520, top + 24 * (first + n)) * to_page
        page.draw_rect(rect, color=(0, 0, 0), fill=(0, 0, 0))
    return doc


@pytest.mark.parametrize("rotate", [0, 90])
def test_a_box_one_double_spaced_line_tall_is_one_line(rotate):
    reds = sorted(_scan(_double_spaced([(2, 1), (6, 2), (9, 3)], rotate)).redactions, key=lambda r: r.bbox[1])
    assert len(reds) == 3
    one, two, three = reds
    assert one.est_lines is None and one.est_chars and one.est_chars > 40   # one line: characters
    assert two.est_lines == 2 and two.est_chars is None
    assert three.est_lines == 3


def _indented_paragraph(first_x0, label=""):
    """Eleven-point prose from x=90 to about 540 at a 24 pt pitch; line 4 begins a paragraph at
    ``first_x0`` (a 0.5 in first-line indent is 126) and is boxed from there to the block's right
    edge, after ``label`` if one is given."""
    doc = pymupdf.open()
    page = doc.new_page()
    words = "The parties agreed to the terms set out in the agreement and performed them in full ever"
    y = 100
    for k in range(8):
        if k == 3:
            x = first_x0
            if label:
                page.insert_text((90, y), label, fontsize=11)
            _box(page, (x, y - 10, 540, y + 3))
        else:
            page.insert_text((90, y), words, fontsize=11)
        y += 24
    return doc


def test_a_boxed_first_line_at_the_paragraph_indent_is_narrative():
    reds = _scan(_indented_paragraph(126)).redactions
    assert [r.field for r in reds] == ["narrative"] and "whole line" in reds[0].field_evidence


def test_a_long_value_after_a_label_is_not_a_whole_line():
    reds = _scan(_indented_paragraph(160, label="Description:")).redactions
    assert [r.field for r in reds] == ["unknown"]


def test_pleading_line_numbers_do_not_widen_the_text_block():
    """Line numbers 26 pt left of the text (read as part of each line's run): the block still
    starts at the text, so a box from the paragraph indent to the right edge is a whole line."""
    doc = pymupdf.open()
    page = doc.new_page()
    words = "The parties agreed to the terms set out in the agreement and performed them in full ever"
    y = 100
    for k in range(10):
        page.insert_text((70, y), f"{k + 1:>2}", fontsize=11)
        if k == 4:
            _box(page, (126, y - 10, 540, y + 3))
        else:
            page.insert_text((90, y), words, fontsize=11)
        y += 24
    reds = _scan(doc).redactions
    assert [r.field for r in reds] == ["narrative"]


def test_an_untyped_sideways_bar_on_the_stamp_of_other_pages_is_a_signature():
    from redactlens.enrich.stamps import same_stamp
    ev = "label 'Signature:' before the box (sideways text reading downwards, read again by OCR)"

    def bar(page, x0, y0, field="unknown", w=28, h=100):
        return Redaction(id=f"d#p{page}-r1", page=page, bbox=[x0, y0, x0 + w, y0 + h], method="raster",
                         field=field, field_evidence=ev if field != "unknown" else "")
    typed = [bar(3, 475, 624, "signature"), bar(4, 464, 595, "signature"), bar(5, 462, 601, "signature")]
    moved = bar(6, 447, 558)                       # the stamp pressed 25 pt left and 40 pt higher
    elsewhere = bar(7, 79, 464)                    # a tall bar over a table column: another place
    wide = bar(8, 440, 600, w=120, h=40)           # not a sideways bar
    out = same_stamp(typed + [moved, elsewhere, wide])
    assert out[3].field == "signature" and "pages 4, 5" in out[3].field_evidence   # page 3: 66 pt away
    assert [r.field for r in out[4:]] == ["unknown", "unknown"]
    # one page's reading alone is no stamp
    assert same_stamp(typed[:1] + [moved])[1].field == "unknown"
    # a bar typed by this rule never types others (only the sideways label reading counts)
    assert same_stamp([out[3], moved])[1].field == "unknown"


def test_a_lone_bar_far_from_any_prose_is_not_a_whole_line():
    """A cover page: a paragraph at the top, a bare one-line box as wide as it far below."""
    doc = pymupdf.open()
    page = doc.new_page()
    words = "The parties agreed to the terms set out in the agreement and performed them in full ever"
    for k in range(5):
        page.insert_text((90, 100 + 24 * k), words, fontsize=11)
    _box(page, (90, 490, 540, 503))
    assert [r.field for r in _scan(doc).redactions] == ["unknown"]


@pytest.mark.parametrize("rotate", [0, 90])
def test_a_tiny_mark_beside_a_box_does_not_set_its_size(rotate):
    """A 4 pt speck right after a one-line box (OCR reads a bar's ragged edge as ';'): the box is
    measured by the body text (10 pt), so it is one line of characters, not 'est_lines 2'."""
    doc = pymupdf.open()
    page = doc.new_page()
    page.set_rotation(rotate)
    to_page = page.derotation_matrix
    for k in range(6):
        page.insert_text(pymupdf.Point(72, 100 + 14 * k) * to_page,
                         "Approval is requested to draw from the funds a check for the amount", fontsize=10,
                         rotate=rotate)
    page.draw_rect(pymupdf.Rect(175, 200, 357, 210) * to_page, color=(0, 0, 0), fill=(0, 0, 0))
    page.insert_text(pymupdf.Point(359, 206) * to_page, ";", fontsize=4, rotate=rotate)
    (r,) = _scan(doc).redactions
    assert r.est_lines is None and r.est_chars and 25 <= r.est_chars <= 45

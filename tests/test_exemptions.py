"""Citations that are exemptions and look-alikes that are not (redactlens.enrich.exemptions, notes):
code lists as agencies print them beside boxes and in margins, and the court rules, exhibit
references and statutes in prose that must never become an exemption."""
from __future__ import annotations

import pytest

from redactlens.enrich import exemptions as ex
from redactlens.enrich.notes import note_codes


@pytest.mark.parametrize("text,codes", [
    ("b6, b7C", ["5 USC 552(b)(6)", "5 USC 552(b)(7)(C)"]),
    ("b6 -1, b7C -1,2", ["5 USC 552(b)(6)", "5 USC 552(b)(7)(C)"]),        # FBI category numbers
    ("b7D -4", ["5 USC 552(b)(7)(D)"]),
    ("(b)(7)(D)", ["5 USC 552(b)(7)(D)"]),
    ("(b)(6)(b)(7)(C)", ["5 USC 552(b)(6)", "5 USC 552(b)(7)(C)"]),
    ("Ex. 7(C)", ["5 USC 552(b)(7)(C)"]),
    ("3.3(h)(2)", ["EO 13526 3.3(h)(2)"]),
    ("7(1)(c)", ["5 ILCS 140/7(1)(c)"]),
    ("KRS 61.878(1)(a)", ["KRS 61.878(1)(a)"]),
    ("25X1", ["EO 12958 25X1"]),                                          # older CIA/CREST margins
    ("25X1, 25X6", ["EO 12958 25X1", "EO 12958 25X6"]),
    ("E.O. 12958 25X1", ["EO 12958 25X1"]),
])
def test_code_lists(text, codes):
    assert ex.is_code_list(text) and ex.parse_codes(text) == codes


@pytest.mark.parametrize("text", [
    "Rule 12(b)(6)",
    "Fed. R. Civ. P. 26(b)(5)",
    "dismissed under Rule 12(b)(6)",
    "(Ex. 1 at p. 62 of 68; Ex. 2 at p. 46 of 52).",          # exhibit references in a court filing
    "while the request was answered under 5 U.S.C. 552(b)(6) as the statute provides.",
    "42 U.S.C. 1983",
    "see p. 4",
    "b10",                                                    # no FOIA exemption 10
    "25X10", "125X1",                                         # no such EO 12958 code
    "25X1 of the report was read",                            # prose
])
def test_look_alikes_are_no_code_list(text):
    assert not ex.is_code_list(text)


def test_an_unknown_sub_code_keeps_only_the_exemption_it_belongs_to():
    assert ex.parse_codes("(b)(7)(G)") == ["5 USC 552(b)(7)"]


def test_court_rules_yield_no_code_at_all():
    assert ex.parse_codes("Rule 12(b)(6)") == [] and ex.parse_codes("Fed. R. Civ. P. 12(b)(6)") == []


@pytest.mark.parametrize("text,codes", [
    ("(b)(6) applies to all redactions on this page", ["5 USC 552(b)(6)"]),
    ("All deletions on this page: b6, b7C", ["5 USC 552(b)(6)", "5 USC 552(b)(7)(C)"]),
])
def test_page_notes(text, codes):
    assert note_codes(text) == codes


@pytest.mark.parametrize("text", [
    "Exemption 6 protects personnel and medical files.",         # cites, covers nothing
    "The court held that Rule 12(b)(6) applies to all claims on this page.",
    "All redactions were reviewed by the court.",               # no code
])
def test_sentences_that_are_no_page_note(text):
    assert note_codes(text) == []

"""Exemption labels printed on boxes (evidence that a dark box with light text is a redaction)."""
import pytest

from redactlens.labels import is_label_text

LABELS = ["(b)(6)", "(b)(6), (b)(7)(C)", "b6; b7C", "Ex. 6", "Ex. 7(C)", "Exemption 7(C)", "FOIA Exemption 6", "REDACTED", "REDACTED - PRIVACY",
          "Withheld pursuant to exemption (b)(6)", "Redacted per 5 U.S.C. 552(b)(6)", "Redacted for privacy",
          "Exempt under KRS 61.878(1)(a)", "Redacted \u2013 Law Enforcement Sensitive", "Section 7(1)(c) exempt",
          "Sealed by court order", "Attorney-Client Privilege", "Privileged & Confidential", "3.5(c)", "(b)(6"]
NOT_LABELS = ["Part 1", "Name", "Income Tax Summary", "Section 1", "The Court", "Order of the Court",
              "Victim Information", "Date of Birth", "Phone", "Rule 12(b)(6)", "Schedule I: Your Income", ""]


@pytest.mark.parametrize("text", LABELS)
def test_labels(text):
    assert is_label_text(text)


@pytest.mark.parametrize("text", NOT_LABELS)
def test_header_texts_are_not_labels(text):
    assert not is_label_text(text)

"""Recognising the words agencies print on or inside a redaction box (``(b)(6)``, ``REDACTED`` ...).

Used by the detectors as evidence: a dark box whose only visible text is such a label is a
redaction; a dark box carrying other light text is a header bar.
"""
from __future__ import annotations

import re

_CODE = r"""(?:
    \(?\s*b\s*\)?\s*\(\s*\d\s*\)(?:\s*\(\s*[A-Fa-f]\s*\))?(?:\s*\(\s*[ivx]+\s*\))?   # (b)(6), (b)(7)(C), b)(6)
  | b\s?\d[A-Fa-f]?                                                            # b6, b7C, b 6
  | Ex(?:emptions?|\.)?\s*\d(?:[A-Fa-f]|\s*\(\s*[A-Fa-f]\s*\))?                 # Ex. 6, Exemption 7C, Ex. 7(C)
  | \d(?:\.\d+)?\s*\(\s*[a-z]\s*\)(?:\s*\(\s*\d\s*\))?                          # 3.5(c), 3.3(h)(2)
  | [A-Z]{2,5}\s*\d+[A-Za-z]?\.\d+[A-Za-z0-9.]*(?:\s*\(\s*[0-9A-Za-z]+\s*\))*  # KRS 61.878(1)(a)
  | \d+\s*\(\s*\d+\s*\)(?:\s*\(\s*[A-Za-z]\s*\))*(?:\s*\(\s*[ivx]+\s*\))?       # 7(1)(c)
)"""
_WORDS = r"""(?:redacted|redaction|withheld|exempt(?:ion)?|privilege[sd]?|privileged|confidential|sealed|
    removed|deleted|pii|foia|ssn|dob|personal|information|privacy|law\s*enforcement|attorney|client|
    work\s*product|sensitive|classified|secret|protected|per|under|and|or|&|pursuant|to|for|by|of|the|a|
    section|sec|§|act|statute|stat|code|rule|law|court|order|informant|identity|identities|victim|witness|
    juvenile|medical|health|security|investigative|techniques|ongoing|investigation|
    \d+\s*u\.?\s*s\.?\s*c\.?(?:\s*§)?\s*\d+[a-z]?(?:\s*\(\s*[0-9A-Za-z]+\s*\))*|ilcs|u\.?s\.?c\.?)"""

_LABEL_RE = re.compile(
    rf"^[\s\[\(<]*(?:(?:{_CODE}|{_WORDS})[\s,;:/\-\u2013\u2014\]\)>.]*)+$", re.IGNORECASE | re.VERBOSE)
_HAS_CODE_OR_KEYWORD = re.compile(
    rf"{_CODE}|redact|withheld|exempt|privilege|confidential|sealed", re.IGNORECASE | re.VERBOSE)


def is_label_text(text: str) -> bool:
    """True when ``text`` consists only of exemption codes and redaction words."""
    t = " ".join(text.split())
    if not t or len(t) > 80:
        return False
    t += ")" * max(0, t.count("(") - t.count(")"))  # a label clipped at the box edge: "(b)(6"
    return bool(_LABEL_RE.match(t)) and bool(_HAS_CODE_OR_KEYWORD.search(t))

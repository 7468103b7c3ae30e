"""Deterministic generator of small call-record releases with consistency patterns planted.

``make_batch(folder, pattern)`` writes a batch of one-to-three-page call-record PDFs into
``folder`` and returns the paths.  ``pattern`` is ``"baseline"`` (a consistently redacted
release: no pattern) or one of :data:`PATTERNS`; each planted batch is the baseline plus the one
pattern, so every consistency item of another type found in it is a false item.

Run as a script to print the measurement table::

    python3 tests/gen_batches.py
"""
from __future__ import annotations

import os
import sys

import pymupdf

TITLE = "CALL FOR SERVICE REPORT"
FONT, SIZE, LEFT, VALUE_X = "helv", 10, 72, 190

# pattern -> consistency item type(s) it must produce
PATTERNS = {
    "clear_by_context": "same_value_in_clear",
    "clear_by_leak": "same_value_in_clear",
    "field_inconsistent": "field_withheld_inconsistently",
    "exemption_inconsistent": "exemption_inconsistent",
    "missing_exemption_page": "no_exemption_cited",
    "missing_exemption_batch": "no_exemption_cited",
    "whole_page": "whole_page_withheld",
    "whole_paragraph": "whole_paragraph_withheld",
    "leak": "recoverable_text",
    "field_inconsistent_rotated": "field_withheld_inconsistently",
}
# near-miss controls: batches that look like a pattern but are not one (no item may be found)
CONTROLS = {
    "control_other_incident": "a record of a different incident prints the Caller field in the clear",
    "control_leak_unmatched": "text recoverable under a box that is printed nowhere else",
    "control_other_kind_open": "a record of another kind leaves the Location field open",
    "control_narrow_tall_box": "a tall narrow signature box and a wide one-line box (not a paragraph)",
    "control_same_exemption_other_field": "different exemptions on different fields",
}
# a planted leak is also (truthfully) a recoverable_text item
ALSO = {"clear_by_leak": {"recoverable_text"}, "leak": set(), "control_leak_unmatched": {"recoverable_text"}}

NAMES = ["Mauro Perez", "Ann Lee", "Tom Reyes", "Rosa Diaz", "Ken Wu", "Ida Moss", "Lou Park",
         "Eva Stone", "Sam Ortiz", "Joy Nash", "Ray Cole", "Amy Tran"]
STREETS = ["100 Main St", "22 Oak Ave", "5 Pine Rd", "71 Elm St", "9 Bay Dr", "40 Ash Ln",
           "13 Fir Ct", "88 Cedar Way", "6 Lake Rd", "31 Hill St", "2 Vine St", "57 Rose Ave"]
NARRATIVE = [
    "RP states a vehicle has been parked in front of the residence for two days.",
    "Unit 12 responded and spoke with the RP at the door of the residence.",
    "The registered owner was contacted by phone and agreed to move the vehicle.",
    "No further action was required and the unit cleared the call at 14:20.",
    "Officer advised the RP to call again if the vehicle returns to the area.",
]


class Record:
    """One call record: a list of (label, value, mode) rows and a narrative.

    mode: "clear" | "box" (black box, nothing under it) | "box:(b)(6)" (box with a printed label)
    | "leak" (black box drawn over the live text: recoverable) | "leak:(b)(6)".
    """

    def __init__(self, incident: str, rows: list[tuple[str, str, str]], title: str = TITLE,
                 narrative: list[str] | None = None, narrative_mode: str = "clear",
                 extra_page: str | None = None, rotate: int = 0):
        self.incident, self.rows, self.title = incident, rows, title
        self.rotate = rotate
        self.narrative = NARRATIVE if narrative is None else narrative
        self.narrative_mode, self.extra_page = narrative_mode, extra_page

    def write(self, path: str) -> None:
        doc = pymupdf.open()
        page = doc.new_page(width=612, height=792)
        page.insert_text((LEFT, 60), self.title, fontname="hebo", fontsize=14)
        y = 100
        rows = [("Incident #", self.incident, "clear")] + self.rows
        for label, value, mode in rows:
            page.insert_text((LEFT, y), label + ":", fontname=FONT, fontsize=SIZE)
            _value(page, VALUE_X, y, value, mode)
            y += 18
        y += 10
        page.insert_text((LEFT, y), "Narrative:", fontname="hebo", fontsize=SIZE)
        y += 16
        top = y
        for k, line in enumerate(self.narrative):
            if k == 1 and self.narrative_mode.startswith("word"):
                # a name withheld inside the narrative: a word-sized box in the gap (nothing under it)
                head = "Unit 12 responded and spoke with"
                x = LEFT + pymupdf.get_text_length(head + " ", fontname=FONT, fontsize=SIZE)
                page.insert_text((LEFT, y), head, fontname=FONT, fontsize=SIZE)
                _box(page, pymupdf.Rect(x, y - 10, x + 50, y + 3), "(b)(6)")
                page.insert_text((x + 54, y), "at the door.", fontname=FONT, fontsize=SIZE)
            elif not self.narrative_mode.startswith("block"):
                page.insert_text((LEFT, y), line, fontname=FONT, fontsize=SIZE)
            # (a paragraph withheld as a block is not printed at all: a properly applied redaction)
            y += 13
        if self.narrative_mode.startswith("block") and self.narrative:
            # the whole paragraph under one box
            _box(page, pymupdf.Rect(LEFT - 1, top - 10, 540, y - 13 + 3), self.narrative_mode[6:] or None)
        page.insert_text((LEFT, 760), "Released under FOIA. Page 1", fontname=FONT, fontsize=8)
        if self.extra_page:
            p2 = doc.new_page(width=612, height=792)
            p2.insert_text((LEFT, 60), "SUPPLEMENT", fontname="hebo", fontsize=12)
            if self.extra_page != "whole":   # a page withheld in full carries no text under the box
                for i, line in enumerate(NARRATIVE):
                    p2.insert_text((LEFT, 100 + 13 * i), line, fontname=FONT, fontsize=SIZE)
            if self.extra_page == "whole":
                _box(p2, pymupdf.Rect(60, 80, 552, 740), "(b)(7)(A)")
            elif self.extra_page == "signature":
                p2.insert_text((LEFT, 300), "Signature of reporting party:", fontname=FONT, fontsize=SIZE)
                _box(p2, pymupdf.Rect(LEFT, 310, LEFT + 90, 360), "(b)(6)")       # tall but narrow
                p2.insert_text((LEFT, 400), "Reporting party address:", fontname=FONT, fontsize=SIZE)
                _box(p2, pymupdf.Rect(LEFT + 130, 390, 540, 403), "(b)(6)")       # wide but one line
        if self.rotate:      # scanned sideways: every page shown with /Rotate
            for p in doc:
                p.set_rotation(self.rotate)
        doc.save(path)
        doc.close()


def _box(page, rect, label):
    page.draw_rect(rect, color=(0, 0, 0), fill=(0, 0, 0), width=0)
    if label:
        page.insert_text((rect.x0 + 3, rect.y0 + min(rect.height - 3, 9)), label, fontname=FONT, fontsize=8,
                         color=(1, 1, 1))


def _value(page, x, y, value, mode):
    if mode == "clear":
        page.insert_text((x, y), value, fontname=FONT, fontsize=SIZE)
        return
    width = max(40.0, pymupdf.get_text_length(value, fontname=FONT, fontsize=SIZE) + 4)
    rect = pymupdf.Rect(x - 1, y - 10, x - 1 + width, y + 3)
    kind, _, label = mode.partition(":")
    if kind == "leak":
        page.insert_text((x, y), value, fontname=FONT, fontsize=SIZE)
    _box(page, rect, label or None)


def _rows(i: int, *, location="box:(b)(6)", caller="box:(b)(6)", phone="box:(b)(6)", name=None):
    return [
        ("Date", f"2024-03-{i + 1:02d}", "clear"),
        ("Nature", "Suspicious vehicle", "clear"),
        ("Location", STREETS[i % len(STREETS)], location),
        ("Caller", name or NAMES[i % len(NAMES)], caller),
        ("Phone", f"555-01{i:02d}", phone),
        ("Unit", "12", "clear"),
    ]


def records(pattern: str) -> dict[str, Record]:
    """The records of a batch (file name -> Record)."""
    n = 11 if pattern.startswith("field_inconsistent") else 6
    recs = {f"call-{i + 1:02d}.pdf": Record(f"2024-{1000 + i}", _rows(i), narrative_mode="word") for i in range(n)}
    if pattern == "clear_by_context":
        # a second record of incident 2024-1000 (a different form) prints the caller in the clear
        recs["report-01.pdf"] = Record("2024-1000", [("Caller", NAMES[0], "clear"), ("Officer", "Sgt. Bell", "clear")],
                                       title="OFFICER NARRATIVE REPORT", narrative_mode="word")
    elif pattern == "clear_by_leak":
        recs["call-02.pdf"] = Record("2024-1001", _rows(1, caller="leak:(b)(6)", name="Mauro Perez"),
                                     narrative_mode="word")
        recs["witness-list.pdf"] = Record("2024-7777", [("Witness", "Mauro Perez", "clear")],
                                          title="WITNESS LIST", narrative_mode="word")
    elif pattern == "field_inconsistent":
        for i in (2, 5, 9):
            recs[f"call-{i + 1:02d}.pdf"] = Record(f"2024-{1000 + i}", _rows(i, location="clear"), narrative_mode="word")
    elif pattern == "field_inconsistent_rotated":
        # the field_inconsistent batch with every record stored sideways (/Rotate 90 or 270)
        recs = {f"call-{i + 1:02d}.pdf": Record(f"2024-{1000 + i}", _rows(i, location="clear" if i in (2, 5, 9) else
                                                                        "box:(b)(6)"),
                                                narrative_mode="word", rotate=90 if i % 2 else 270)
                for i in range(n)}
    elif pattern == "exemption_inconsistent":
        for i in (1, 4):
            recs[f"call-{i + 1:02d}.pdf"] = Record(f"2024-{1000 + i}", _rows(i, phone="box:(b)(7)(C)"),
                                                   narrative_mode="word")
    elif pattern == "missing_exemption_page":
        recs["call-03.pdf"] = Record("2024-1002", _rows(2, phone="box"), narrative_mode="word")
    elif pattern == "missing_exemption_batch":
        recs["call-04.pdf"] = Record("2024-1003", _rows(3, location="box", caller="box", phone="box"),
                                     narrative_mode="clear")
    elif pattern == "whole_page":
        recs["call-05.pdf"] = Record("2024-1004", _rows(4), narrative_mode="word", extra_page="whole")
    elif pattern == "whole_paragraph":
        recs["call-06.pdf"] = Record("2024-1005", _rows(5), narrative_mode="block:(b)(7)(C)")
    elif pattern == "leak":
        recs["call-03.pdf"] = Record("2024-1002", _rows(2, phone="leak:(b)(6)"), narrative_mode="word")
    elif pattern == "control_other_incident":
        recs["report-01.pdf"] = Record("2024-5555", [("Caller", NAMES[7], "clear"), ("Officer", "Sgt. Bell", "clear")],
                                       title="OFFICER NARRATIVE REPORT", narrative_mode="word")
    elif pattern == "control_leak_unmatched":
        recs["call-03.pdf"] = Record("2024-1002", _rows(2, caller="leak:(b)(6)", name="Zed Quill"),
                                     narrative_mode="word")
    elif pattern == "control_other_kind_open":
        recs["tow-01.pdf"] = Record("2024-9000", [("Location", "Impound lot B", "clear"), ("Tow company", "Ace Tow", "clear")],
                                    title="VEHICLE TOW RECORD", narrative_mode="word")
    elif pattern == "control_narrow_tall_box":
        recs["call-02.pdf"] = Record("2024-1001", _rows(1), narrative_mode="word", extra_page="signature")
    elif pattern == "control_same_exemption_other_field":
        for i in range(n):
            recs[f"call-{i + 1:02d}.pdf"] = Record(f"2024-{1000 + i}", _rows(i, phone="box:(b)(7)(C)"),
                                                   narrative_mode="word")
    elif pattern != "baseline":
        raise ValueError(pattern)
    return recs


def make_batch(folder: str, pattern: str) -> list[str]:
    os.makedirs(folder, exist_ok=True)
    paths = []
    for name, rec in sorted(records(pattern).items()):
        path = os.path.join(folder, name)
        rec.write(path)
        paths.append(path)
    return paths


def measure(root: str) -> list[dict]:
    """Scan every batch and compare the items found with the pattern planted."""
    from redactlens import scan_many
    from redactlens.consistency import analyse_batch
    rows = []
    for pattern in ["baseline", *PATTERNS, *CONTROLS]:
        paths = make_batch(os.path.join(root, pattern), pattern)
        batch = scan_many(paths, workers=0)
        items = analyse_batch(batch)
        want = {PATTERNS[pattern]} if pattern in PATTERNS else set()
        allowed = want | ALSO.get(pattern, set())
        found = sorted({it.type for it in items} & want)
        false = [it for it in items if it.type not in allowed]
        rows.append({"pattern": pattern, "documents": len(paths), "expected": sorted(want), "found": found,
                     "items": len(items), "false_items": [f"{it.type}: {it.detail}" for it in false]})
    return rows


if __name__ == "__main__":
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        rows = measure(tmp)
    for r in rows:
        ok = "-" if not r["expected"] else ("FOUND" if r["found"] == r["expected"] else "MISSED")
        print(f"{r['pattern']:<24} docs={r['documents']:>2} items={r['items']:>2} {ok:<6} "
              f"false={len(r['false_items'])}")
        for f in r["false_items"]:
            print("    false:", f)
    sys.exit(0)

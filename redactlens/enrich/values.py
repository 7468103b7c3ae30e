"""Values printed in the clear next to a field label or under a column header.

They feed ``DocumentReport.printed_values`` ({field, text, page, label}), the pool of candidates
that :mod:`redactlens.enrich.glyphs` ranks by width for glyph-position leaks elsewhere in the
batch.  Only text that is *not* under a box is read (PageText leaves those characters out).
"""
from __future__ import annotations

import re

from . import fields as fl
from .context import PageText

_PAIR = re.compile(r"([A-Za-z][A-Za-z .'#/&-]{0,30}?)\s*:\s+(.+?)(?=\s+[A-Z][A-Za-z .'#/&-]{0,30}?:\s|$)")
MAX_VALUE = 60
KEEP = ("person_name", "address", "phone", "email", "date_of_birth", "ssn", "license_plate", "id_number",
        "date")


def printed_values(pt: PageText, page: int) -> list[dict]:
    out: list[dict] = []
    seen = set()

    def add(fld, text, label):
        text = " ".join(text.split()).strip(" ,;")
        if fld not in KEEP or not text or len(text) > MAX_VALUE or not any(ch.isalnum() for ch in text):
            return
        if fld == "person_name" and (any(ch.isdigit() for ch in text) or len(text.split()) > 5):
            return
        key = (fld, text)
        if key not in seen:
            seen.add(key)
            out.append({"field": fld, "text": text, "page": page, "label": label})

    for row in pt.rows:
        if not row.runs:
            continue
        runs = sorted(row.runs, key=lambda r: r.bbox[0])
        for k, run in enumerate(runs):
            t = run.text
            # "Label: value" inside one run
            for m in _PAIR.finditer(t):
                hit = fl.field_of_label(m.group(1))
                if hit:
                    add(hit[0], m.group(2), m.group(1) + ":")
            # "Label:" run followed by a value run
            if t.endswith(":") and k + 1 < len(runs) and not runs[k + 1].text.endswith(":") \
                    and not any(pt.boxes[j][0] >= run.bbox[2] - 1 and pt.boxes[j][2] <= runs[k + 1].bbox[0] + 1
                                for j in row.boxes):
                hit = fl.field_of_label(t.rsplit(":", 2)[-2] if t.count(":") > 1 else t)
                if hit:
                    add(hit[0], runs[k + 1].text, t)
    out += _table_values(pt, page, seen)
    return out


def _table_values(pt: PageText, page: int, seen: set) -> list[dict]:
    """Cells under a header row whose cells name fields (at least two of them)."""
    out = []
    rows = [r for r in pt.rows if r.runs]
    for hi, hrow in enumerate(rows):
        # a "Label:" cell is a form label with its value beside it, not a column header
        heads = [(run, fl.field_of_label(run.text)) for run in hrow.runs
                 if len(run.text.split()) <= 4 and not run.text.rstrip().endswith(":")]
        heads = [(run, hit[0]) for run, hit in heads if hit]
        if len(heads) < 2 or len(heads) < len(hrow.runs) // 2:
            continue
        for row in rows[hi + 1: hi + 40]:
            if len(row.runs) < 2 and not row.boxes:
                break
            for run in row.runs:
                for hrun, fld in heads:
                    ov = min(run.bbox[2], hrun.bbox[2]) - max(run.bbox[0], hrun.bbox[0])
                    if ov > 0 and fld in KEEP:
                        text = " ".join(run.text.split())
                        if (fld, text) not in seen and text and len(text) <= MAX_VALUE and \
                                not (fld == "person_name" and any(ch.isdigit() for ch in text)):
                            seen.add((fld, text))
                            out.append({"field": fld, "text": text, "page": page, "label": hrun.text})
                        break
    return out

"""Consistency within a document: boxes down one table column get the column's field.

A ledger or log prints its column headers once (on the first page, or at the top of a block);
boxes further down, or on continuation pages, are cut off from the header by gaps or page breaks.
:func:`same_column` gives such a box the field that the boxes typed *by a column header* at the
same left edge agree on (at least ``MIN_AGREE`` of them, none disagreeing), with evidence naming the
header.  Only boxes no other cue typed (``unknown``, no label, not in running text) change.
"""
from __future__ import annotations

import re
from dataclasses import replace

from ..model import Redaction

#: pt: boxes of one column start at the same x (the Cook County ledger's payee cells: within 0.5 pt)
COLUMN_X = 3.0
#: boxes typed by the header that must agree before the column types the others
MIN_AGREE = 2

_HEADER = re.compile(r"^column header '(.+)' above the box$")


def same_column(reds: list[Redaction]) -> list[Redaction]:
    refs = []
    for r in reds:
        m = _HEADER.match(r.field_evidence or "")
        if m and r.field != "unknown":
            refs.append((r.bbox[0], r.bbox[2], r.field, m.group(1), r.page))
    if len(refs) < MIN_AGREE:
        return list(reds)
    out = []
    for r in reds:
        if r.field != "unknown" or r.context.label or r.context.sentence or r.est_lines:
            out.append(r)
            continue
        near = [x for x in refs if abs(x[0] - r.bbox[0]) <= COLUMN_X]
        fields = {x[2] for x in near}
        if len(near) >= MIN_AGREE and len(fields) == 1 and r.bbox[2] <= max(x[1] for x in near) + 4 * COLUMN_X:
            x = near[0]
            out.append(replace(r, field=x[2], field_evidence=f"same column as {len(near)} boxes under the header "
                                                               f"'{x[3]}' (page {x[4]})"))
        else:
            out.append(r)
    return out

"""The diff's outputs: JSON (``redactlens-diff/1``), a CSV log and an HTML page.  Text freed by a
change (``text``, ``covered_text``) is written to the CSV and HTML only with ``show_leaks``."""
from __future__ import annotations

import csv
import html as _html
import io
import json
import os

from ..output import atomic_write
from ..report.csv_log import neutralise
from ..text import valid_tree

COLUMNS = ["change", "old_document", "old_page", "old_redaction", "old_exemptions", "new_document", "new_page",
           "new_redaction", "new_exemptions", "text"]
TITLES = {
    "lifted": "Redactions lifted", "added": "Redactions added", "narrowed": "Redactions narrowed",
    "widened": "Redactions widened", "exemption_changed": "Exemptions changed", "page_added": "Pages added",
    "page_withdrawn": "Pages withdrawn", "document_added": "Documents added",
    "document_withdrawn": "Documents withdrawn",
    "box_not_found": "Boxes not found in the new copy (only their label is read there)",
}


def _gated(c: dict, show_leaks: bool) -> str:
    t = c.get("text") or c.get("covered_text") or ""
    if not t:
        return ""
    return t if show_leaks else "[text now readable: use --show-leaks]" if c.get("text") else "[text covered]"


def write_diff_json(d: dict, dest: str, force: bool = False) -> None:
    text = json.dumps(valid_tree(d), ensure_ascii=False, indent=2) + "\n"
    if dest == "-":
        import sys
        sys.stdout.write(text)
    else:
        atomic_write(dest, text, force=force)


def _side(c, key):
    s = c.get(key) or {}
    return [s.get("document") or "", s.get("page") or "", s.get("redaction") or "", "; ".join(s.get("exemptions") or
                                                                                             ([s["label"]] if s.get("label") else []))]


def diff_csv(d: dict, show_leaks: bool = False) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(COLUMNS)
    for c in d["changes"]:
        row = [c["type"]] + _side(c, "old") + _side(c, "new") + [_gated(c, show_leaks)]
        w.writerow([neutralise(str(x)) for x in row])
    return buf.getvalue()


def write_diff_csv(d: dict, dest: str, force: bool = False, show_leaks: bool = False) -> None:
    atomic_write(dest, "\ufeff" + diff_csv(valid_tree(d), show_leaks), force=force)


def diff_html(d: dict, show_leaks: bool = False) -> str:
    from jinja2 import Environment, PackageLoader, select_autoescape
    env = Environment(loader=PackageLoader("redactlens", "templates"), autoescape=select_autoescape(["html"]))
    d = valid_tree(d)
    groups = []
    for kind, title in TITLES.items():
        rows = [dict(c, shown=_gated(c, show_leaks)) for c in d["changes"] if c["type"] == kind]
        if rows:
            groups.append({"type": kind, "title": title, "rows": rows})
    name = lambda p: os.path.basename(str(p).replace("\\", "/")) if p else "—"   # noqa: E731
    return env.get_template("diff.html").render(d=d, groups=groups, name=name, show_leaks=show_leaks)


def write_diff_html(d: dict, dest: str, force: bool = False, show_leaks: bool = False) -> None:
    atomic_write(dest, diff_html(d, show_leaks), force=force)

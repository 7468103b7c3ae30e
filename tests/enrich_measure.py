"""Scoring enrichment against labelled truth (tests/gen_enrich.py writes it).

``evaluate(truth, reports)`` matches each true box to a reported redaction on the same file and
page (IoU >= 0.5, one-to-one, best first) and measures field accuracy with its confusion,
exemption accuracy on labelled boxes, empty lists on unlabelled ones, ``est_chars`` error, paragraph
``est_lines`` and glyph-position widths.  Used by the tests and by ``benchmarks/enrich_report.py``
(scoring code: it lives with the tests, outside the runtime package).
"""
from __future__ import annotations

import os
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from scoring import pair_boxes



@dataclass
class Figures:
    boxes: int = 0
    matched: int = 0
    field_ok: int = 0
    confusion: Counter = field(default_factory=Counter)        # (truth, predicted) -> n
    labelled: int = 0
    labelled_ok: int = 0
    source_ok: int = 0
    unlabelled: int = 0
    unlabelled_empty: int = 0
    chars_n: int = 0
    chars_missing: int = 0
    chars_abs_err: float = 0.0
    chars_within2: int = 0
    chars_in_range: int = 0
    lines_n: int = 0
    lines_ok: int = 0
    glyph_n: int = 0
    glyph_found: int = 0
    glyph_exact: int = 0
    by_group: dict = field(default_factory=lambda: defaultdict(Counter))
    errors: list = field(default_factory=list)

    @property
    def field_accuracy(self) -> float:
        return self.field_ok / self.matched if self.matched else 0.0

    @property
    def exemption_accuracy(self) -> float:
        return self.labelled_ok / self.labelled if self.labelled else 0.0

    @property
    def unlabelled_empty_share(self) -> float:
        return self.unlabelled_empty / self.unlabelled if self.unlabelled else 0.0

    @property
    def chars_mae(self) -> float:
        return self.chars_abs_err / self.chars_n if self.chars_n else 0.0

    @property
    def chars_within2_share(self) -> float:
        return self.chars_within2 / self.chars_n if self.chars_n else 0.0

    def summary(self) -> dict:
        return {
            "boxes": self.boxes, "matched": self.matched,
            "field_accuracy": round(self.field_accuracy, 4),
            "exemption_accuracy_labelled": round(self.exemption_accuracy, 4), "labelled": self.labelled,
            "exemption_source_accuracy": round(self.source_ok / self.labelled, 4) if self.labelled else 0.0,
            "unlabelled_empty_share": round(self.unlabelled_empty_share, 4), "unlabelled": self.unlabelled,
            "est_chars_mae": round(self.chars_mae, 3), "est_chars_within2": round(self.chars_within2_share, 4),
            "est_chars_in_range": round(self.chars_in_range / self.chars_n, 4) if self.chars_n else 0.0,
            "est_chars_n": self.chars_n, "est_chars_missing": self.chars_missing,
            "est_lines_ok": f"{self.lines_ok}/{self.lines_n}",
            "glyph_found": f"{self.glyph_found}/{self.glyph_n}", "glyph_exact_0.05pt": f"{self.glyph_exact}/{self.glyph_n}",
        }


def match(truth: list[dict], reds: list) -> list[tuple[dict, object]]:
    """One-to-one greedy IoU matching of true boxes to redactions on one page (scoring.pair_boxes)."""
    pairs = pair_boxes([(0, t["bbox"]) for t in truth], [(0, r.bbox) for r in reds])
    return [(truth[i], reds[j]) for i, j in pairs]


def evaluate(truth: list[dict], reports) -> Figures:
    """``reports``: DocumentReports whose basename equals the truth's ``file``."""
    by_file = {os.path.basename(d.path): d for d in reports}
    f = Figures()
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for t in truth:
        groups[(t["file"], t["page"])].append(t)
    for (fn, page), ts in sorted(groups.items()):
        f.boxes += len(ts)
        d = by_file.get(fn)
        if d is None:
            continue
        reds = [r for r in d.redactions if r.page == page]
        for t, r in match(ts, reds):
            f.matched += 1
            grp = f"{t.get('layout')}/{t.get('font')}"
            f.confusion[(t["field"], r.field)] += 1
            ok = r.field == t["field"]
            f.field_ok += ok
            f.by_group[grp]["field_ok"] += ok
            f.by_group[grp]["n"] += 1
            if not ok:
                f.errors.append(("field", fn, page, t["field"], r.field, r.field_evidence, t.get("hidden")))
            if t["source"]:
                f.labelled += 1
                eok = sorted(r.exemptions) == sorted(t["exemptions"])
                f.labelled_ok += eok
                f.source_ok += (r.exemption_source == t["source"])
                if not eok:
                    f.errors.append(("exemptions", fn, page, t["source"], t["exemptions"], r.exemptions,
                                     r.exemption_source, r.label))
            else:
                f.unlabelled += 1
                f.unlabelled_empty += not r.exemptions
                if r.exemptions:
                    f.errors.append(("unlabelled", fn, page, r.exemptions, r.exemption_source, r.exemption_text))
            if t.get("est_chars"):
                if r.est_chars is None:
                    f.chars_missing += 1
                    f.errors.append(("no_est", fn, page, t["hidden"], r.est_lines))
                else:
                    err = abs(r.est_chars - t["est_chars"])
                    f.chars_n += 1
                    f.chars_abs_err += err
                    f.chars_within2 += err <= 2
                    rng = r.est_chars_range or [r.est_chars, r.est_chars]
                    f.chars_in_range += rng[0] <= t["est_chars"] <= rng[1]
                    f.by_group[grp]["chars_err"] += err
                    f.by_group[grp]["chars_n"] += 1
            if t.get("lines"):
                f.lines_n += 1
                f.lines_ok += r.est_lines == t["lines"]
            if t.get("glyph_width") is not None:
                f.glyph_n += 1
                gl = r.glyph or {}
                if gl:
                    f.glyph_found += 1
                    f.glyph_exact += abs(gl["width_pt"] - t["glyph_width"]) <= 0.05
    return f


def confusion_table(conf: Counter) -> str:
    """The confusion between fields as a text table (rows: truth, columns: predicted)."""
    labels = sorted({a for a, _ in conf} | {b for _, b in conf})
    short = {lab: lab[:8] for lab in labels}
    head = "truth \\ pred".ljust(15) + " ".join(short[lab].rjust(8) for lab in labels)
    lines = [head]
    for a in labels:
        if not any(conf[(a, b)] for b in labels):
            continue
        lines.append(a[:14].ljust(15) + " ".join(str(conf[(a, b)] or ".").rjust(8) for b in labels))
    return "\n".join(lines)


def size_against_recovered_text(path) -> list[dict]:
    """Real-world check of ``est_chars``: scan ``path``; for every box whose text is still
    recoverable under it (one line), enrich a copy of its page's boxes *without* the leak and
    compare the width-based estimate with the length of the recovered text."""
    import pymupdf

    from redactlens import scan
    from redactlens.model import Redaction
    from redactlens.page import PageModel
    from redactlens.enrich import enrich_page
    rep = scan(path)
    leaks = {r.id for r in rep.redactions if r.leak and r.leak.how in ("text_under_box", "annotation_not_applied")
             and r.leak.text.strip() and "\n" not in r.leak.text.strip()}
    out = []
    if not leaks:
        return out
    with pymupdf.open(path) as doc:
        for pno in sorted({r.page for r in rep.redactions if r.id in leaks}):
            pm = PageModel(doc[pno - 1], pno)
            page = [r for r in rep.redactions if r.page == pno]
            copies = [Redaction(id=r.id, page=pno, bbox=r.bbox, method=r.method, label=r.label) for r in page]
            copies = enrich_page(pm, copies).redactions
            for r, c in zip(page, copies):
                if r.id in leaks:
                    out.append({"id": r.id, "true": len(" ".join(r.leak.text.split())), "est": c.est_chars,
                                "range": c.est_chars_range, "lines": c.est_lines, "field": c.field})
    return out


def enrich_boxes(path, boxes: list[dict]):
    """Enrich given boxes (``{"page", "bbox"}``, e.g. a file's entry of ``BOXES.json``) as raster
    redactions, without running detection: measures enrichment alone on boxes another stage finds.
    Returns ``(redactions, report)``; the report collects the warnings."""
    import pymupdf

    from redactlens.model import DocumentReport, Redaction
    from redactlens.page import PageModel
    from redactlens.enrich import enrich_page
    rep = DocumentReport(path=str(path))
    reds = []
    with pymupdf.open(path) as doc:
        for pno in range(doc.page_count):
            page_reds = [Redaction(id=f"box#p{pno + 1}-r{i}", page=pno + 1, bbox=b["bbox"], method="raster")
                         for i, b in enumerate(x for x in boxes if x["page"] == pno + 1)]
            done = enrich_page(PageModel(doc[pno], pno + 1), page_reds)
            rep.warnings += [w for w in done.warnings if w not in rep.warnings]
            reds += done.redactions
    return reds, rep

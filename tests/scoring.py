"""Scoring detections against labelled truth: precision/recall of boxes (IoU >= 0.5, one-to-one
greedy matching) and leak recovery.

Evaluation code, not part of the runtime package: the tests import it as ``scoring`` (``tests/`` is
on ``sys.path`` under pytest, see ``conftest.py``), and the benchmarks put ``tests/`` on
``sys.path`` first.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from redactlens import geometry as g


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    false_boxes: list = field(default_factory=list)
    missed_boxes: list = field(default_factory=list)

    def add(self, other: "Score") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.false_boxes += other.false_boxes
        self.missed_boxes += other.missed_boxes

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def row(self) -> str:
        return f"tp={self.tp} fp={self.fp} fn={self.fn} P={self.precision:.3f} R={self.recall:.3f} F1={self.f1:.3f}"


def pair_boxes(found: list[tuple[int, list]], truth: list[tuple[int, list]], thr: float = 0.5) -> list[tuple[int, int]]:
    """The one greedy matcher: one-to-one pairs ``(found index, truth index)`` by IoU (>= ``thr``)
    per page, best first; items are ``(page, bbox)``."""
    pairs = []
    for i, (pf, bf) in enumerate(found):
        for j, (pt, bt) in enumerate(truth):
            if pf == pt:
                v = g.iou(tuple(bf), tuple(bt))
                if v >= thr:
                    pairs.append((v, i, j))
    pairs.sort(reverse=True)
    used_f, used_t, out = set(), set(), []
    for _, i, j in pairs:
        if i not in used_f and j not in used_t:
            used_f.add(i)
            used_t.add(j)
            out.append((i, j))
    return out


def match_boxes(found: list[tuple[int, list]], truth: list[tuple[int, list]], thr: float = 0.5) -> Score:
    """Greedy one-to-one matching by IoU per page (:func:`pair_boxes`); items are ``(page, bbox)``."""
    pairs = pair_boxes(found, truth, thr)
    used_f, used_t = {i for i, _ in pairs}, {j for _, j in pairs}
    s = Score(tp=len(used_f), fp=len(found) - len(used_f), fn=len(truth) - len(used_t))
    s.false_boxes = [found[i] for i in range(len(found)) if i not in used_f]
    s.missed_boxes = [truth[j] for j in range(len(truth)) if j not in used_t]
    return s


def norm_text(t: str) -> str:
    return " ".join(t.split())


def leak_recovered(redactions, page: int, bbox, text: str) -> bool:
    """True if a redaction on ``page`` overlapping ``bbox`` recovered ``text`` exactly
    (whitespace-normalised; a merged box may hold more lines than one truth item)."""
    want = norm_text(text)
    for r in redactions:
        if r.page != page or r.leak is None:
            continue
        if g.inter_area(tuple(r.bbox), tuple(bbox)) <= 0:
            continue
        if want and want in norm_text(r.leak.text):
            return True
        if not want and r.leak.how == "image_under_box":
            return True
    return False

"""A document's captured words as one searchable stream (shared by recovery and the release diff)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .. import geometry as g

_EDGE = re.compile(r"^\W+|\W+$")


def norm(word: str) -> str:
    """A word as compared: case folded, letters and digits only (``"Avenue."`` -> ``"avenue"``)."""
    return "".join(ch for ch in word.casefold() if ch.isalnum())


@dataclass(frozen=True)
class Stream:
    """One document's words in reading order, pages one after the other.  Only words with a
    letter or digit are kept (punctuation-only tokens are dropped); ``gaps`` maps a position
    (the box comes before ``words[pos]``) to the redaction ids there."""

    doc: int                        # index of the document in the batch
    words: tuple[str, ...]          # as printed
    keys: tuple[str, ...]           # :func:`norm` of each word
    pages: tuple[int, ...]          # page of each word
    boxes: tuple[tuple, ...]        # box of each word
    layers: tuple[str, ...]         # text / ocr_layer / ocr, of each word's page
    gaps: dict                      # position -> [redaction id, ...]
    gap_page: dict                  # redaction id -> page


def stream_of(doc_index: int, pages: list[dict]) -> Stream:
    words, keys, pg, boxes, layers = [], [], [], [], []
    gaps: dict[int, list[str]] = {}
    gap_page: dict[str, int] = {}
    for p in sorted(pages, key=lambda p: p.get("page", 0)):
        ws, bs = p.get("words") or [], p.get("boxes") or []
        at = {}
        for i, rid in p.get("gaps") or []:
            at.setdefault(int(i), []).append(str(rid))
        for i in range(len(ws) + 1):
            for rid in at.get(i, ()):
                gaps.setdefault(len(words), []).append(rid)
                gap_page[rid] = p.get("page", 0)
            if i == len(ws):
                break
            k = norm(ws[i])
            if not k:
                continue
            words.append(ws[i])
            keys.append(k)
            pg.append(p.get("page", 0))
            boxes.append(tuple(bs[4 * i:4 * i + 4]) if len(bs) >= 4 * i + 4 else (0, 0, 0, 0))
            layers.append(p.get("layer", "text"))
    return Stream(doc_index, tuple(words), tuple(keys), tuple(pg), tuple(boxes), tuple(layers), gaps, gap_page)


def clean_value(words: list[str]) -> str:
    """Recovered words as one string, without the punctuation that belongs to the sentence."""
    text = " ".join(words)
    return text.strip(" ,;:.").strip()


def union_box(boxes) -> list[float]:
    bs = [b for b in boxes if b and len(b) == 4]
    return list(g.union(bs)) if bs else []

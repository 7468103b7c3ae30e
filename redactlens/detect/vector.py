"""Vector redactions: filled paths (and hatched or outlined boxes) in the content stream.

Rules (documented in docs/detection.md):

* a path is a *dark fill* when its fill luminance is <= 0.35 at opacity >= 0.5 and its colour is
  neutral or blue-ish (black, near-black, dark grey, navy); saturated reds/greens are chart colours;
* each rectangle / quad / closed sub-path of a path is a *part*; a black stroke widens it by half
  the line width; parts thinner than 3 pt (rules, underlines, borders) are dropped; so are parts
  nested inside another part of the same path (page frames drawn as one even-odd path) and curved
  shapes that are not box-like (logos, pie slices);
* touching parts (gap <= 0.75 pt) form a group: a group whose union is >= 90 % filled is one box;
  otherwise only parts overlapping by >= 50 % or sharing both side edges are merged (one box per
  visible bar, e.g. one per line of a ragged multi-line redaction);
* hatched boxes: >= 4 dark diagonal strokes whose extents overlap form a box;
* outlined light boxes: a stroked, light or unfilled rectangle with only an exemption label inside
  (FOIA ``(b)(6)`` boxes) is a redaction with that label; a white fill painted over live text is a
  white-cover redaction.
"""
from __future__ import annotations

import math

from .. import geometry as g
from ..page import PageModel, lies_outside
from ..errors import PDF_ERRORS
from ..render import render_gray
from . import Candidate

DARK_LUM = 0.35
MIN_THICK = 3.0
TOUCH = 0.75


def is_redaction_colour(rgb) -> bool:
    if rgb is None:
        return False
    if g.luminance(rgb) > DARK_LUM:
        return False
    r, gr, b = rgb
    chroma = max(rgb) - min(rgb)
    return chroma <= 0.3 or (b >= r and b >= gr)


def _subpaths(items):
    """Split a path's items into sub-paths: (kind, points, has_curve)."""
    out = []
    cur: list = []
    curved = False
    last = None
    for it in items:
        op = it[0]
        if op == "re":
            out.append(("rect", [it[1].tl, it[1].tr, it[1].br, it[1].bl], False))
            last = None
            continue
        if op == "qu":
            q = it[1]
            out.append(("quad", [q.ul, q.ur, q.lr, q.ll], False))
            last = None
            continue
        start = it[1]
        if last is not None and (abs(start.x - last.x) > 0.01 or abs(start.y - last.y) > 0.01):
            if cur:
                out.append(("poly", cur, curved))
            cur, curved = [], False
        if not cur:
            cur.append(start)
        if op == "l":
            cur.append(it[2])
            last = it[2]
        elif op == "c":
            p0, p1, p2, p3 = it[1], it[2], it[3], it[4]
            for t in (0.25, 0.5, 0.75, 1.0):
                mt = 1 - t
                x = mt**3 * p0.x + 3 * mt * mt * t * p1.x + 3 * mt * t * t * p2.x + t**3 * p3.x
                y = mt**3 * p0.y + 3 * mt * mt * t * p1.y + 3 * mt * t * t * p2.y + t**3 * p3.y
                cur.append(type(p0)(x, y))
            curved = True
            last = it[4]
    if cur:
        out.append(("poly", cur, curved))
    return out


def _poly_area(pts) -> float:
    s = 0.0
    for (a, b) in zip(pts, pts[1:] + pts[:1]):
        s += a.x * b.y - b.x * a.y
    return abs(s) / 2


def _parts_of(path, pm: PageModel):
    """Displayed-page parts of one filled path: list of (box, fill_ratio, curved)."""
    parts = []
    for kind, pts, curved in _subpaths(path.get("items", ())):
        if len(pts) < 3:
            continue
        xs = [p.x for p in pts]
        ys = [p.y for p in pts]
        raw = (min(xs), min(ys), max(xs), max(ys))
        bw, bh = raw[2] - raw[0], raw[3] - raw[1]
        if bw <= 0 or bh <= 0:
            continue
        ratio = 1.0 if kind == "rect" else min(1.0, _poly_area(pts) / (bw * bh))
        parts.append((pm.to_display(raw), ratio, curved))
    return parts


def _drop_nested(parts):
    """Drop parts that contain, or are contained in, another part of the same path (frames)."""
    keep = []
    for i, (b, r, c) in enumerate(parts):
        nested = False
        for j, (o, _, _) in enumerate(parts):
            if i != j and (g.covered_fraction(o, b) > 0.98 or g.covered_fraction(b, o) > 0.98) \
                    and g.area(o) > 0 and abs(g.area(o) - g.area(b)) > 0.02 * max(g.area(o), g.area(b)):
                nested = True
                break
        if not nested:
            keep.append((b, r, c))
    return keep


class _Sets:
    """Union-find over ``0 .. n-1``."""

    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(self, i: int, j: int) -> None:
        self.parent[self.find(i)] = self.find(j)

    def groups(self, items: list) -> list[list]:
        """``items`` (indexed like the sets) grouped by set, in order of first member."""
        out: dict[int, list] = {}
        for i, it in enumerate(items):
            out.setdefault(self.find(i), []).append(it)
        return list(out.values())


def _group(parts: list[dict]) -> list[list[dict]]:
    """Union-find of parts that touch (gap <= TOUCH)."""
    n = len(parts)
    sets = _Sets(n)
    order = sorted(range(n), key=lambda i: parts[i]["box"][0])
    for ii, i in enumerate(order):
        bi = parts[i]["box"]
        for j in order[ii + 1:]:
            bj = parts[j]["box"]
            if bj[0] - bi[2] > TOUCH:
                break
            if g.gap(bi, bj) <= TOUCH:
                sets.join(i, j)
    return sets.groups(parts)


def _split_group(group: list[dict]) -> list[list[dict]]:
    """Split a ragged group into visually separate bars (see module docstring)."""
    boxes = [p["box"] for p in group]
    u = g.union(boxes)
    if g.union_area(boxes) >= 0.9 * g.area(u):
        return [group]
    n = len(group)
    sets = _Sets(n)
    for i in range(n):
        for j in range(i + 1, n):
            a, b = boxes[i], boxes[j]
            small = min(g.area(a), g.area(b))
            same_sides = abs(a[0] - b[0]) <= 1 and abs(a[2] - b[2]) <= 1 and g.gap(a, b) <= TOUCH
            if (small > 0 and g.inter_area(a, b) >= 0.5 * small) or same_sides:
                sets.join(i, j)
    return sets.groups(group)


THICK_STROKE = 5.0


def _thick_stroke_parts(path, pm: PageModel) -> list[tuple]:
    """Horizontal/vertical strokes at least THICK_STROKE wide (marker-style bars), as boxes."""
    w = path.get("width") or 0.0
    out = []
    for it in path.get("items", ()):
        if it[0] == "l":
            p, q = it[1], it[2]
            if abs(p.y - q.y) < 0.5 and abs(p.x - q.x) >= w:
                raw = (min(p.x, q.x), p.y - w / 2, max(p.x, q.x), p.y + w / 2)
            elif abs(p.x - q.x) < 0.5 and abs(p.y - q.y) >= w:
                raw = (p.x - w / 2, min(p.y, q.y), p.x + w / 2, max(p.y, q.y))
            else:
                continue
        elif it[0] == "re" and w >= min(it[1].width, it[1].height):
            r = it[1]
            raw = (r.x0 - w / 2, r.y0 - w / 2, r.x1 + w / 2, r.y1 + w / 2)
        else:
            continue
        out.append((pm.to_display(raw), 1.0, False))
    return out


def dark_fill_candidates(pm: PageModel) -> list[Candidate]:
    parts: list[dict] = []
    clips = None
    for path in pm.drawings:
        if path.get("type") == "s" and (path.get("width") or 0) >= THICK_STROKE:
            col = g.to_rgb(path.get("color"))
            op = path.get("stroke_opacity")
            if is_redaction_colour(col) and (op is None or op >= 0.5):
                for box, ratio, _ in _thick_stroke_parts(path, pm):
                    box = g.clip(box, pm.box)
                    if box is not None:
                        parts.append({"box": box, "ratio": ratio, "seq": path.get("seqno", 0), "fill": col})
            continue
        if path.get("type") not in ("f", "fs"):
            continue
        fill = g.to_rgb(path.get("fill"))
        opacity = path.get("fill_opacity")
        opacity = 1.0 if opacity is None else opacity
        if not is_redaction_colour(fill) or opacity < 0.5:
            continue
        ps = _parts_of(path, pm)
        if len(ps) > 1:
            ps = _drop_nested(ps)
        # glyph art and logos: many curved sub-paths
        if sum(1 for p in ps if p[2]) >= 4:
            continue
        widen = 0.0
        if path.get("type") == "fs" and is_redaction_colour(g.to_rgb(path.get("color"))):
            widen = (path.get("width") or 0.0) / 2
        for box, ratio, curved in ps:
            if curved and ratio < 0.85:
                continue  # round logos, pie slices, glyph outlines
            if widen:
                box = (box[0] - widen, box[1] - widen, box[2] + widen, box[3] + widen)
            box = g.clip(box, pm.box)
            if box is None:
                continue
            if clips is None:
                clips = _rect_clips(pm)
            # a fill clipped to rectangles paints only inside them (one rectangle per line: the
            # lines between are in the clear); MuPDF reports the path unclipped
            for piece in _clipped(box, clips.get(path.get("seqno"), ())):
                parts.append({"box": piece, "ratio": ratio, "seq": path.get("seqno", 0), "fill": fill})
    # rectangular parts define boxes; small non-rectangular fragments join the box they touch
    solid = [p for p in parts if p["ratio"] >= 0.85]
    frags = [p for p in parts if p["ratio"] < 0.85 and p["ratio"] >= 0.3
             and min(g.width(p["box"]), g.height(p["box"])) >= MIN_THICK / 2]
    solid = [p for p in solid if min(g.width(p["box"]), g.height(p["box"])) >= MIN_THICK]
    out: list[Candidate] = []
    for group in _group(solid):
        for bar in _split_group(group):
            box = g.union(p["box"] for p in bar)
            joined = list(bar)
            for fr in frags:
                if g.gap(fr["box"], box) <= TOUCH and g.area(fr["box"]) <= 0.5 * g.area(box):
                    box = g.union([box, fr["box"]])
                    joined.append(fr)
            seqs = [p["seq"] for p in bar]
            out.append(Candidate(box, "vector", "solid", bar[0]["fill"], min(seqs), max(seqs),
                                 detail=f"dark fill {_hex(bar[0]['fill'])} ({len(bar)} part{'s' if len(bar) > 1 else ''})",
                                 parts=tuple((tuple(p["box"]), p["seq"]) for p in joined)))
    return out


def hatched_candidates(pm: PageModel) -> list[Candidate]:
    """Boxes drawn as a dense cross-hatch of dark diagonal strokes."""
    segs = []
    clips = None
    for path in pm.drawings:
        if path.get("type") not in ("s", "fs"):
            continue
        col = g.to_rgb(path.get("color"))
        if not is_redaction_colour(col):
            continue
        for it in path.get("items", ()):
            if it[0] != "l":
                continue
            p, q = it[1], it[2]
            dx, dy = q.x - p.x, q.y - p.y
            length = math.hypot(dx, dy)
            if length < 4:
                continue
            ang = abs(math.degrees(math.atan2(dy, dx))) % 180
            if 15 <= ang <= 75 or 105 <= ang <= 165:
                if clips is None:
                    clips = _rect_clips(pm)
                box = pm.to_display((min(p.x, q.x), min(p.y, q.y), max(p.x, q.x), max(p.y, q.y)))
                ends = (pm.to_display((p.x, p.y, p.x, p.y))[:2], pm.to_display((q.x, q.y, q.x, q.y))[:2])
                segs.append({"box": box, "seq": path.get("seqno", 0), "fill": col, "ratio": 1.0,
                             "ends": ends, "clip": clips.get(path.get("seqno"))})
    out = []
    for group in _group(segs):
        if len(group) < 4:
            continue
        clip = _cutting_clip(group)
        if clip:
            out += _clipped_hatches(group, clip)
            continue
        box = g.union(p["box"] for p in group)
        if min(g.width(box), g.height(box)) < MIN_THICK:
            continue
        # density: strokes per unit of the box's long side
        if len(group) < max(g.width(box), g.height(box)) / 12:
            continue
        out += _hatch_bars(group)
    return out


def _hatch_bars(group: list[dict]) -> list[Candidate]:
    """The boxes of one touching group of hatch strokes, by the rule of dark fills: the parts are
    the rows of strokes of each path (one path is one hatched rectangle as its tool drew it, and a
    path drawn over several lines has one part per line); a group whose parts fill >= 90 % of its
    outline is one box, a ragged one is one box per visually separate bar (:func:`_split_group`:
    one per hatched line)."""
    by_path: dict[int, list[dict]] = {}
    for p in group:
        by_path.setdefault(p["seq"], []).append(p)
    parts = [{"box": b, "seq": sq, "n": sum(1 for p in strokes if g.intersection(p["box"], b))}
             for strokes in by_path.values() for b, sq in _hatch_rows(strokes)]
    out = []
    for bar in _split_group(parts):
        box = g.union(p["box"] for p in bar)
        if min(g.width(box), g.height(box)) < MIN_THICK:
            continue
        n = sum(p["n"] for p in bar)
        seqs = [p["seq"] for p in bar]
        out.append(Candidate(box, "vector", "hatched", group[0]["fill"], min(seqs), max(seqs),
                             detail=f"cross-hatch of {n} dark strokes",
                             parts=tuple((p["box"], p["seq"]) for p in sorted(bar, key=lambda p: (p["box"][1], p["box"][0])))))
    return out


def _rect_clips(pm: PageModel) -> dict:
    """seqno of each painted path -> the rectangles (displayed page) of each clip around it that is
    made of rectangles only, outermost first: a fill or a hatch drawn across several lines and
    clipped to one rectangle per line paints only those rectangles (MuPDF reports paths unclipped).
    The walk of the clip nesting is the one of :attr:`PageModel.drawings`, which keeps only the
    clips' bounding boxes."""
    out: dict = {}
    stack: list[tuple[int, tuple | None]] = []
    for d in pm.drawings_tree:
        level = d.get("level", 0)
        while stack and stack[-1][0] >= level:
            stack.pop()
        kind = d.get("type")
        if kind == "clip":
            items = d.get("items") or ()
            rects = (tuple(pm.to_display(tuple(it[1])) for it in items)
                     if items and all(it[0] == "re" for it in items) else None)
            stack.append((level, rects))
            continue
        if kind == "group":
            continue
        rects = tuple(r for _, r in stack if r)
        if rects:
            out[d.get("seqno")] = rects
    return out


def _clipped(box: g.Box, clips: tuple) -> list[g.Box]:
    """What of ``box`` the rectangle clips around its path let through (each clip, outermost
    first, as a union of rectangles; a clip one of whose rectangles holds the box cuts nothing)."""
    pieces = [box]
    for rects in clips:
        if all(any(g.covered_fraction(p, r) >= 0.999 for r in rects) for p in pieces):
            continue
        pieces = [i for p in pieces for r in rects
                  if (i := g.intersection(p, r)) is not None and g.area(i) > 0]
    return pieces


def _cutting_clip(group: list[dict]) -> tuple | None:
    """The innermost rectangle clip shared by every stroke of ``group`` that cuts the strokes (no
    one of its rectangles holds them all; a page's CropBox clip, for one, cuts nothing)."""
    clips = group[0]["clip"]
    if not clips or any(p["clip"] != clips for p in group):
        return None
    extent = g.union(p["box"] for p in group)
    for rects in reversed(clips):
        if not any(g.covered_fraction(extent, r) >= 0.999 for r in rects):
            return rects
    return None


def _clipped_hatches(group: list[dict], clip: tuple) -> list[Candidate]:
    """The boxes a clipped hatch paints: each clip rectangle (cut to the strokes' extent) that
    enough strokes cross (>= 4, one per 12 pt of its long side) is a part; touching parts form one
    box, parts apart (a line of clear text between two hatched lines) are separate boxes."""
    extent = g.union(p["box"] for p in group)
    kept = []
    for r in clip:
        part = g.intersection(r, extent)
        if part is None or min(g.width(part), g.height(part)) < MIN_THICK:
            continue
        crossing = [p for p in group if g.segment_length_in(*p["ends"], part) >= 1.0]
        if len(crossing) < max(4, max(g.width(part), g.height(part)) / 12):
            continue
        kept.append({"box": part, "seq": max(p["seq"] for p in crossing)})
    out = []
    for parts in _group(kept):
        box = g.union(p["box"] for p in parts)
        seqs = [p["seq"] for p in group]
        out.append(Candidate(box, "vector", "hatched", group[0]["fill"], min(seqs), max(seqs),
                             detail=f"cross-hatch of {len(group)} dark strokes clipped to {len(parts)} "
                                    "rectangle(s)",
                             parts=tuple((p["box"], p["seq"]) for p in sorted(parts, key=lambda p: p["box"][1]))))
    return out


#: strokes of a hatch belong to one row (one hatched line of a multi-line bar) when their extents
#: across the writing direction overlap by at least this share of the shorter one; hatched lines set
#: over consecutive text lines touch at their ends (their strokes reach into the leading) but
#: overlap by far less than this (tests/gen_leaks.py: 12 lines, strokes 4-8 % into the next row)
HATCH_ROW_OVERLAP = 0.5


def _hatch_rows(group: list[dict]) -> tuple:
    """The painted parts of a hatched box: one part per row of strokes (a hatched bar set over
    several lines is several bars, and the text printed between them is in the clear), each row
    split where its strokes leave a gap along the line.  Rows run along x, or along y (vertical text
    on rotated pages) when cutting that way fits the strokes tighter."""
    def rows(axis: int) -> list[list[dict]]:
        lo, hi = (1, 3) if axis == 0 else (0, 2)
        out: list[list[dict]] = []
        for p in sorted(group, key=lambda p: (p["box"][lo] + p["box"][hi]) / 2):
            b = p["box"]
            for row in out:
                r0 = min(q["box"][lo] for q in row)
                r1 = max(q["box"][hi] for q in row)
                ov = min(r1, b[hi]) - max(r0, b[lo])
                if ov >= HATCH_ROW_OVERLAP * min(r1 - r0, b[hi] - b[lo]):
                    row.append(p)
                    break
            else:
                out.append([p])
        return out
    def runs(chosen: list[list[dict]], vertical: bool) -> list[list[dict]]:
        lo, hi = (1, 3) if vertical else (0, 2)
        parts = []
        for row in chosen:
            run: list[dict] = []
            for p in sorted(row, key=lambda p: p["box"][lo]):
                if run and p["box"][lo] - max(q["box"][hi] for q in run) > TOUCH:
                    parts.append(run)
                    run = []
                run.append(p)
            if run:
                parts.append(run)
        return parts

    # rows along x (horizontal lines) or along y (vertical text): the one that fits the strokes
    # tighter (a ragged multi-line bar cut the wrong way gives parts as large as the whole box)
    horiz, vert = runs(rows(0), False), runs(rows(1), True)
    area_h = g.union_area([g.union(p["box"] for p in run) for run in horiz])
    area_v = g.union_area([g.union(p["box"] for p in run) for run in vert])
    parts = vert if area_v < 0.95 * area_h else horiz
    return tuple((g.union(p["box"] for p in run), max(p["seq"] for p in run)) for run in parts)


PATTERN_DARK_SHARE = 0.3


def pattern_candidates(pm: PageModel) -> list[Candidate]:
    """Areas filled with a tiling pattern of dark paths (a box that does not render solid).

    MuPDF reports a pattern fill only as a rectangular clip with the pattern's tile paths nested
    inside it (in tile space).  A clip of box size whose nested paths are all dark fills or
    strokes is rendered (that clip only, in grey at 2x) and is a candidate when >= 30 % of it is
    dark ink."""
    out: list[Candidate] = []
    tree = pm.drawings_tree
    page_area = g.area(pm.box)
    for i, d in enumerate(tree):
        if d.get("type") != "clip":
            continue
        items = d.get("items") or ()
        if len(items) != 1 or items[0][0] != "re":
            continue
        level = d.get("level", 0)
        kids = []
        for e in tree[i + 1:]:
            if e.get("level", 0) <= level:
                break
            kids.append(e)
        paths = [e for e in kids if e.get("type") not in ("clip", "group")]
        if not paths or len(paths) != len(kids):
            continue
        if not all(is_redaction_colour(g.to_rgb(e.get("fill") if e.get("type") in ("f", "fs") else e.get("color")))
                   for e in paths):
            continue
        box = g.clip(pm.to_display(tuple(items[0][1])), pm.box)
        if box is None or min(g.width(box), g.height(box)) < MIN_THICK or g.area(box) > 0.25 * page_area:
            continue
        # a pattern's tile paths are reported in tile space, clipped away entirely; nested paths
        # that show inside the clip are ordinary drawings (judged by the fill rule)
        scissor = d.get("scissor") or items[0][1]
        if any(e.get("rect") is None or not lies_outside(tuple(e["rect"]), tuple(scissor)) for e in paths):
            continue
        share = _dark_share(pm, box)
        if share < PATTERN_DARK_SHARE:
            continue
        seqs = [e.get("seqno", 0) for e in paths]
        out.append(Candidate(box, "vector", "pattern", g.to_rgb(paths[0].get("fill") or paths[0].get("color")),
                             min(seqs), max(seqs), detail=f"pattern fill, {share:.0%} dark ink"))
    return out


def _dark_share(pm: PageModel, box: g.Box) -> float:
    """Share of dark pixels in a displayed-page box (renders only that box)."""
    try:
        arr = render_gray(pm.page, zoom=2, clip=box).pixels
    except PDF_ERRORS:
        return 0.0
    if arr.size == 0:
        return 0.0
    return float((arr < 128).mean())


def outlined_candidates(pm: PageModel) -> list[Candidate]:
    """Rectangles that are not dark: stroked boxes with a light, grey or no fill (FOIA label
    boxes), unstroked grey fills (label boxes without an outline) and white fills (white covers).
    Each is a redaction only with evidence: a label inside, or live text hidden under a white fill
    (see :func:`redactlens.evidence.judge`)."""
    out = []
    for path in pm.drawings:
        t = path.get("type")
        fill = g.to_rgb(path.get("fill")) if t in ("f", "fs") else None
        stroked = t in ("s", "fs")
        lum = g.luminance(fill) if fill is not None else 1.0
        if fill is not None and is_redaction_colour(fill):
            continue  # dark fills are the dark-fill rule's
        if fill is None and not stroked:
            continue
        if stroked:
            style, what = "outlined-label", "outlined box"
        elif lum >= 0.8:
            style, what = "white-cover", "white fill"
        else:
            style, what = "label-box", "grey box"
        for box, ratio, curved in _parts_of(path, pm):
            if ratio < 0.95 or curved or g.width(box) < 8 or g.height(box) < 6:
                continue
            if g.area(box) > 0.5 * g.area(pm.box):
                continue
            seq = path.get("seqno", 0)
            out.append(Candidate(box, "vector", style, fill or (1.0, 1.0, 1.0), seq, seq,
                                 detail=what + (f" {_hex(fill)}" if fill else ""), parts=((tuple(box), seq),)))
    return out


def _hex(rgb) -> str:
    if rgb is None:
        return "none"
    return "#" + "".join(f"{max(0, min(255, round(v * 255))):02x}" for v in rgb)

"""The touching-outlines search reads each candidate rectangle from sums made once per component
(``raster._Sides``); it must find exactly what slicing the mask for every rectangle finds."""
import numpy as np

from redactlens.detect import raster


def _by_slices(lines, s, ink):
    """The rectangle test written out on slices (the definition the sums stand in for)."""
    t = max(2, int(round(3 * s)))
    hs, ends = raster._line_positions(lines, int(round(20 * s)), t)
    vs, _ = raster._line_positions(lines.T, int(round(9 * s)), t)
    vs.update({e: (e - 1, e + 1) for e in ends if all(abs(e - v) > t for v in vs)})
    edge_h, edge_v = hs, vs
    hs, vs = sorted(hs), sorted(vs)
    if len(hs) < 2 or len(vs) < 2 or len(hs) > 24 or len(vs) > 24:
        return []
    found = []
    for i, y0 in enumerate(hs):
        for y1 in hs[i + 1:]:
            if y1 - y0 < 10 * s:
                continue
            for j, x0 in enumerate(vs):
                for x1 in vs[j + 1:]:
                    if x1 - x0 < 25 * s:
                        continue
                    win = (slice(max(0, y0 - t // 2), y1 + t // 2 + 1), slice(max(0, x0 - t // 2), x1 + t // 2 + 1))
                    box = lines[win]
                    ok = raster._four_sides(box, s)[0] or raster._four_sides(box, s, ink[win])[0]
                    inner = box[t:-t, t:-t]
                    if ok and inner.size and inner.mean(0).max() < 0.5 and inner.mean(1).max() < 0.5:
                        found.append((x0, y0, x1, y1))
    out = [r for r in found if not any(q != r and q[0] >= r[0] and q[1] >= r[1] and q[2] <= r[2]
                                       and q[3] <= r[3] for q in found)]
    return [(edge_v[x0][1], edge_h[y0][1], edge_v[x1][0] + 1, edge_h[y1][0] + 1) for x0, y0, x1, y1 in out]


def _grid(rng, s):
    """Outlines sharing sides (a grid of 1-4 x 1-4 cells), some sides broken, text over some."""
    h, w = (int(v) for v in rng.integers(80, 260, 2))
    lines = np.zeros((h, w), np.uint8)
    ys = sorted(set(rng.integers(0, h - 4, rng.integers(2, 6)).tolist()))
    xs = sorted(set(rng.integers(0, w - 4, rng.integers(2, 6)).tolist()))
    lw = int(rng.integers(2, 5))
    for y in ys:
        lines[y:y + lw, xs[0]:xs[-1] + lw] = 1
    for x in xs:
        lines[ys[0]:ys[-1] + lw, x:x + lw] = 1
    for _ in range(int(rng.integers(0, 4))):
        y, x = int(rng.integers(0, h)), int(rng.integers(0, w))
        lines[max(0, y - 8):y + 8, max(0, x - 8):x + 8] = 0
    if len(xs) > 1 and len(ys) > 1 and rng.random() < 0.5:    # a line part-way across a cell
        y = (ys[0] + ys[1]) // 2
        x0, x1 = xs[0], xs[1]
        lines[y:y + lw, x0:x0 + int((x1 - x0) * rng.uniform(0.3, 0.7))] = 1
    ink = lines.copy()
    for _ in range(int(rng.integers(0, 4))):
        y, x = int(rng.integers(0, h)), int(rng.integers(0, w))
        patch = ink[max(0, y - 6):y + 6, max(0, x - 20):x + 20]
        patch |= (rng.random(patch.shape) < 0.4).astype(np.uint8)
    lines[rng.random((h, w)) < 0.003] = 1
    return lines, ink


def test_touching_outlines_equal_the_slice_by_slice_search():
    rng = np.random.default_rng(7)
    found = 0
    for k in range(160):
        s = float(rng.choice([2.08, 2.78, 4.17]))
        lines, ink = _grid(rng, s)
        if k % 2:   # also the transposed layouts (tall boxes side by side)
            lines, ink = np.ascontiguousarray(lines.T), np.ascontiguousarray(ink.T)
        want = _by_slices(lines, s, ink)
        assert raster._touching_outlines(lines, s, ink) == want, k
        found += bool(want)
    assert found >= 20      # the cases hold real touching outlines, not only empty answers


def test_a_two_cell_outline_is_two_boxes():
    s = 150 / 72
    lines = np.zeros((120, 300), np.uint8)
    lines[10:14, 10:290] = lines[100:104, 10:290] = 1          # top and bottom
    lines[10:104, 10:14] = lines[10:104, 150:154] = lines[10:104, 286:290] = 1   # three sides
    got = raster._touching_outlines(lines, s, lines.copy())
    assert len(got) == 2
    (a0, _, a1, _), (b0, _, b1, _) = sorted(got)
    assert a1 <= 151 and b0 >= 153      # split at the shared side

"""Word labels next to the points of a figure, placed where they cover as little as possible.

A small stand-in for adjustText, used by ``plot_trajectories`` (``what_it_learned``): each label
tries a few offsets around its point (right, left, above, below, then farther
out) and takes the one whose text box covers the fewest already placed labels,
point markers and line segments, and stays inside the axes. Sizes are estimated
in typographic points from the font size (a character is about 0.6 em wide),
so nothing has to be drawn first; the result depends only on the inputs.
"""

import numpy as np

#: Candidate places of a label, tried in this order (the first of equal cost wins): the side of the
#: point it starts from ("right": its left edge after the point, "left": its right edge before it,
#: "centre": centred over it), the horizontal gap and the height of its baseline, in font sizes.
_CANDIDATES = (("right", 0.6, 0.3), ("left", 0.6, 0.3), ("right", 0.6, -1.3), ("left", 0.6, -1.3),
               ("centre", 0, 0.9), ("centre", 0, -2.0), ("right", 1.6, 0.8), ("left", 1.6, 0.8),
               ("right", 1.6, -1.8), ("left", 1.6, -1.8), ("centre", 0, 2.0), ("centre", 0, -3.1))
_CHAR_WIDTH = 0.6   # of the font size
_MARKER = 4.0       # half the side of the square a point marker occupies, in points


def _to_points(ax, xy):
    """Data coordinates (n, 2) -> display coordinates in typographic points (n, 2)."""
    ax.autoscale_view()
    return ax.transData.transform(np.asarray(xy, dtype=float)) * 72.0 / ax.figure.dpi


def _overlap(box, boxes):
    """Overlap area of ``box`` (x0, y0, x1, y1) with each row of ``boxes`` (n, 4)."""
    if len(boxes) == 0:
        return 0.0
    boxes = np.asarray(boxes, dtype=float)
    w = np.clip(np.minimum(box[2], boxes[:, 2]) - np.maximum(box[0], boxes[:, 0]), 0, None)
    h = np.clip(np.minimum(box[3], boxes[:, 3]) - np.maximum(box[1], boxes[:, 1]), 0, None)
    return float((w * h).sum())


def label_offsets(ax, points, texts, fontsize=8, segments=(), rings=(), ring_size=14):
    """Offsets (in points, for ``ax.annotate(..., textcoords="offset points")``) for each label.

    Args:
        ax: the matplotlib Axes the labels will be drawn on, with its data already plotted
            (its limits are what the labels are placed against).
        points: (n, 2) data coordinates of the labelled points, in the order to place them.
        texts: the n labels.
        fontsize: their font size, in points.
        segments: optional list of (m, 2) polylines in data coordinates that labels should not cover.
        rings: optional (r, 2) data coordinates of larger markers (``ring_size`` points across) to keep clear.
    Returns:
        A list of n ``(dx, dy)`` offsets of each label's lower-left corner (use ``ha="left",
        va="bottom"``).
    """
    points = np.asarray(points, dtype=float).reshape(-1, 2)
    if len(points) != len(texts):
        raise ValueError(f"{len(points)} points but {len(texts)} labels")
    if len(points) == 0:
        return []
    pts = _to_points(ax, points)
    obstacles = [np.hstack([pts - _MARKER, pts + _MARKER])]
    if len(rings):
        big = _to_points(ax, np.asarray(rings, dtype=float).reshape(-1, 2))
        obstacles.append(np.hstack([big - ring_size / 2, big + ring_size / 2]))
    for line in segments:  # a line is a row of small boxes sampled along it
        line = _to_points(ax, np.asarray(line, dtype=float).reshape(-1, 2))
        for a, b in zip(line[:-1], line[1:]):
            steps = np.linspace(0, 1, max(2, int(np.hypot(*(b - a)) // 3)))[:, None]
            along = a + steps * (b - a)
            obstacles.append(np.hstack([along - 1.0, along + 1.0]))
    fixed = np.vstack(obstacles)
    x0, y0 = _to_points(ax, [(ax.get_xlim()[0], ax.get_ylim()[0])])[0]
    x1, y1 = _to_points(ax, [(ax.get_xlim()[1], ax.get_ylim()[1])])[0]
    frame = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
    placed, offsets = [], []
    for (px, py), text in zip(pts, texts):
        w, h = _CHAR_WIDTH * fontsize * max(len(str(text)), 1), fontsize
        best = None
        for side, gap, height in _CANDIDATES:
            dx = {"right": gap * fontsize, "left": -gap * fontsize - w, "centre": -w / 2}[side]
            dy = height * fontsize
            box = (px + dx, py + dy, px + dx + w, py + dy + h)
            inside = _overlap(box, [frame])
            outside = w * h - inside
            cost = 3.0 * _overlap(box, placed) + _overlap(box, fixed) + 5.0 * outside
            if best is None or cost < best[0] - 1e-9:
                best = (cost, (dx, dy), box)
        placed.append(best[2])
        offsets.append(best[1])
    return offsets

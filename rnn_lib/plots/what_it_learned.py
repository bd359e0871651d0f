"""What a trained network learned: probe accuracy, leaving one word out, hidden-state trajectories,
and how much data composition takes.
"""

from collections.abc import Mapping

import numpy as np

from .label_layout import label_offsets
from .style import CHANCE, CLASS_COLORS, SERIES_COLORS, _axes, _check_words


def plot_probe_accuracy(ax, results, title=None):
    """Accuracy per group of phrases (test set, probe constructions) for one or more training runs.

    Args:
        ax: matplotlib Axes, or None for a new figure.
        results: ``{run name: {group name: [accuracy of each seed]}}``; every run
            has the same groups, in the order of the first. A bar is a run's mean
            over seeds, a dot each seed.
        title: the title; a default otherwise.
    Returns:
        The Axes; ``ax.patches`` holds the bars, run by run, in group order.
    """
    if not isinstance(results, Mapping) or not results:
        raise ValueError("results must be a non-empty {run name: {group: [accuracies]}} mapping")
    groups = list(next(iter(results.values())))
    for name, run in results.items():
        if list(run) != groups:
            raise ValueError(f"run {name!r} has groups {list(run)}, expected {groups}")
    ax = _axes(ax, figsize=(1.6 + 1.1 * len(groups), 3.6))
    width = 0.8 / len(results)
    x = np.arange(len(groups))
    for k, (name, run) in enumerate(results.items()):
        offset = (k - (len(results) - 1) / 2) * width
        means = [float(np.mean(run[g])) for g in groups]
        ax.bar(x + offset, means, width * 0.92, color=SERIES_COLORS[k % len(SERIES_COLORS)], label=name)
        for i, g in enumerate(groups):
            values = np.asarray(run[g], dtype=float)
            ax.plot(np.full(len(values), x[i] + offset), values, "o", ms=3.5, color="0.15", zorder=3)
    ax.axhline(CHANCE, color="0.4", lw=1, ls="--")
    # outside the axes, just right of the line's end: no bar can hide it
    ax.text(1.01, CHANCE, "chance", transform=ax.get_yaxis_transform(), ha="left", va="center", fontsize=8,
            color="0.3")
    ax.set_xticks(x, groups)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("accuracy (bar: mean, dot: seed)")
    ax.set_xlabel("phrases: the test set, then the probe set by construction")
    ax.set_title(title or "accuracy on the test set and on new compositions (probe)")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.17), fontsize=8)  # below the axes: it hides no bar
    return ax


def plot_occlusion(ax, words, p, p_without, title=None):
    """P(positive) of a phrase with each word left out, against the whole phrase's (``analysis.occlusion``).

    Args:
        ax: matplotlib Axes, or None for a new figure.
        words: the T words; p: P(positive) of the whole phrase;
        p_without: (T,) P(positive) without word t (NaN draws no bar).
        title: the title; a default naming the phrase otherwise.
    Returns:
        The Axes; ``ax.patches`` are the T bars, each coloured by the class it
        predicts (``CLASS_COLORS``), ``ax.lines[0]`` the whole phrase's level.
    """
    words = _check_words(words)
    p_without = np.asarray(p_without, dtype=np.float64).ravel()
    if len(p_without) != len(words):
        raise ValueError(f"p_without has {len(p_without)} entries but there are {len(words)} words")
    T = len(words)
    ax = _axes(ax, figsize=(1.5 + 0.8 * T, 3.0))
    colors = [CLASS_COLORS[int(v > 0.5)] for v in np.nan_to_num(p_without, nan=0.0)]
    ax.axhline(float(p), color="0.15", lw=1.5, label=f"whole phrase: P(positive) = {float(p):.3f}")
    ax.bar(np.arange(1, T + 1), np.nan_to_num(p_without, nan=0.0), 0.7, color=colors)
    for t, v in enumerate(p_without, start=1):  # the value over each bar: a bar at 0 stays readable
        if np.isfinite(v):
            ax.text(t, v + 0.02, f"{v:.3f}", ha="center", va="bottom", fontsize=8)
    ax.axhline(CHANCE, color="0.5", lw=0.8, ls="--")
    ax.set_xticks(range(1, T + 1), [f"without\n“{w}”" for w in words], fontsize=8)
    ax.set_xlim(0.4, T + 0.6)
    ax.set_ylim(0, 1.25)
    ax.set_yticks(np.linspace(0, 1, 6))
    ax.set_ylabel("P(positive) without the word")
    ax.set_title(title or f"“{' '.join(words)}”: leave one word out")
    ax.legend(loc="upper center", fontsize=8, framealpha=0.9)
    return ax


def plot_trajectories(ax, paths, explained=None, title=None):
    """Hidden-state trajectories h_0, h_1, ..., h_T of phrases in a 2-D projection, words at the points.

    Args:
        ax: matplotlib Axes, or None for a new figure.
        paths: a list of ``(words, points, probs)`` (``analysis.trajectory``):
            T words, (T+1, 2) points (row 0 is h_0), (T+1,) P(positive).
        explained: optional (2,) fractions of variance of the two axes, for the labels.
        title: the title; a default otherwise.
    Returns:
        The Axes; ``ax.lines[2 * k]`` is phrase k's path (a colour of ``SERIES_COLORS``; solid,
        then dashed, so that a shared start stays visible), ``ax.lines[2 * k + 1]`` its end ring.
        The last point of each path is ringed in the colour of the class predicted
        there (red positive, blue negative); h_0 is a black square.
    """
    if not paths:
        raise ValueError("paths is empty: give at least one (words, points, probs)")
    ax = _axes(ax, figsize=(6.5, 5.0))
    labels = {}  # (x, y, word) -> the paths through that point: a shared point is labelled once, in grey
    for k, (words, points, probs) in enumerate(paths):
        words, points = _check_words(words), np.asarray(points, dtype=float)
        if points.shape != (len(words) + 1, 2):
            raise ValueError(f"points must have shape (T+1, 2) = ({len(words) + 1}, 2), got {points.shape}")
        colour = SERIES_COLORS[k % len(SERIES_COLORS)]
        ax.plot(points[:, 0], points[:, 1], "o" + ("-", "--", ":")[k % 3], color=colour, lw=2.5 - 0.7 * (k % 3), ms=5,
                label=f"“{' '.join(words)}”: P(positive) = {float(probs[-1]):.2f}")
        for t, word in enumerate(words, start=1):
            labels.setdefault((*points[t], word), []).append(k)
        ax.plot(*points[-1], "o", ms=14, mfc="none", mew=2.5, color=CLASS_COLORS[int(probs[-1] > 0.5)])
    start = np.asarray(paths[0][1], dtype=float)[0]
    ax.plot(*start, "s", color="black", ms=7)
    where = [start] + [key[:2] for key in labels]
    texts = ["$h_0$"] + [key[2] for key in labels]
    lines = [np.asarray(points, dtype=float) for _, points, _ in paths]
    ends = [line[-1] for line in lines]
    for i, offset in enumerate(label_offsets(ax, where, [" h0"] + texts[1:], fontsize=8, segments=lines, rings=ends)):
        ks = labels[(*where[i], texts[i])] if i else None
        colour = "black" if i == 0 else (SERIES_COLORS[ks[0] % len(SERIES_COLORS)] if len(ks) == 1 else "0.25")
        ax.annotate(texts[i], where[i], textcoords="offset points", xytext=offset, fontsize=9 if i == 0 else 8,
                    color=colour, ha="left", va="bottom")
    parts = [f" ({100 * e:.0f}% of the variance)" for e in explained] if explained is not None else ["", ""]
    ax.set_xlabel("principal component 1" + parts[0])
    ax.set_ylabel("principal component 2" + parts[1])
    ax.set_title(title or "hidden-state trajectories $h_t$, projected to 2-D")
    ax.legend(loc="best", fontsize=8, framealpha=0.9)
    return ax


def plot_probe_learning_curve(ax, sizes, accuracies, title=None):
    """Probe accuracy against the number of generated training phrases: mean line, one dot per seed.

    Args:
        ax: matplotlib Axes, or None for a new figure.
        sizes: (n,) numbers of generated phrases added to the training set.
        accuracies: (n, seeds) probe accuracy of each run.
        title: the title; a default otherwise.
    Returns:
        The Axes; ``ax.lines[0]`` is the mean curve.
    """
    sizes = np.asarray(sizes, dtype=float).ravel()
    acc = np.asarray(accuracies, dtype=float)
    if acc.ndim != 2 or acc.shape[0] != len(sizes):
        raise ValueError(f"accuracies must be (len(sizes), seeds) = ({len(sizes)}, k), got {acc.shape}")
    ax = _axes(ax, figsize=(5.5, 3.5))
    ax.plot(sizes, acc.mean(axis=1), "-", color=SERIES_COLORS[1], lw=2, label="mean over seeds")
    for j in range(acc.shape[1]):
        ax.plot(sizes, acc[:, j], "o", ms=4, color="0.2", label="one seed" if j == 0 else None)
    ax.axhline(CHANCE, color="0.4", lw=1, ls="--")
    ax.set_ylim(0.3, 1.03)
    ax.set_xlabel("generated phrases added to the training set")
    ax.set_ylabel("probe accuracy")
    ax.set_title(title or "how much data composition takes")
    ax.legend(loc="lower right", fontsize=8)
    return ax

"""The results of training: learning curves, and accuracy against the distance a cell must remember."""

import numpy as np

from .style import CELL_COLORS, CELL_LABELS, _axes


def plot_learning_curves(ax, history, metric="loss", title=None):
    """Train and test curves of one metric over the epochs of a ``History``.

    Args:
        ax: matplotlib Axes, or None for a new figure.
        history: a ``rnn_lib.History`` (epoch, train_loss, train_acc, test_loss, test_acc lists).
        metric: ``"loss"`` (cross-entropy) or ``"accuracy"``.
        title: the title; a default otherwise.
    Returns:
        The Axes; ``ax.lines[0]`` is the train curve and ``ax.lines[1]`` the
        test curve (empty when the history has no test figures).
    """
    if metric not in ("loss", "accuracy"):
        raise ValueError(f"metric must be 'loss' or 'accuracy', got {metric!r}")
    key = "loss" if metric == "loss" else "acc"
    ax = _axes(ax, figsize=(5, 3.5))
    epochs = list(history.epoch)
    test = [v for v in getattr(history, f"test_{key}")]
    has_test = bool(test) and all(v is not None for v in test)
    ax.plot(epochs, getattr(history, f"train_{key}"), label="train")
    ax.plot(epochs if has_test else [], test if has_test else [], label="test")
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean cross-entropy loss" if metric == "loss" else "accuracy")
    if metric == "accuracy":
        ax.set_ylim(-0.02, 1.02)
    ax.set_title(title or ("loss" if metric == "loss" else "accuracy"))
    # accuracy rises towards 1 and the loss falls towards 0: the corner the curves leave is free
    ax.legend(loc="lower right" if metric == "accuracy" else "upper right")
    return ax


def plot_accuracy_vs_distance(ax, table, title=None):
    """Test accuracy against the distance k of the deciding word, one line per cell, one dot per seed.

    Args:
        ax: matplotlib Axes, or None for a new figure.
        table: an ``rnn_lib.longrange_training.AccuracyTable``.
        title: the title; a default otherwise.
    Returns:
        The Axes; ``ax.lines`` holds one line per cell (x = distances, y = the
        mean over the seeds), in ``CELL_COLORS``, with the seeds as dots.
    """
    ax = _axes(ax, figsize=(7, 4))
    k = np.asarray(table.distances)
    n = len(table.accuracy)
    for c_i, (cell, acc) in enumerate(table.accuracy.items()):
        color = CELL_COLORS.get(cell)
        offset = (c_i - (n - 1) / 2) * 0.12 * (np.diff(k).min() if len(k) > 1 else 1)  # dots side by side
        ax.plot(k, acc.mean(axis=1), "o-", color=color, lw=2, label=CELL_LABELS.get(cell, cell), zorder=3)
        for j in range(acc.shape[1]):
            ax.scatter(k + offset, acc[:, j], s=14, color=color, alpha=0.45, zorder=2)
    ax.axhline(0.5, color="0.5", lw=0.8, ls="--")
    ax.text(k[0], 0.51, "chance", color="0.4", fontsize=9, va="bottom")
    ax.set_xticks(k)
    ax.set_ylim(0.4, 1.03)
    ax.set_xlabel("distance k: neutral words after the deciding word")
    ax.set_ylabel("test accuracy (weights chosen on validation)")
    ax.set_title(title or f"remembering one word across k steps ({len(table.seeds)} seeds: dots; mean: line)")
    ax.legend(loc="center left")  # the lower left holds the "chance" label

"""What the network predicts: the output probabilities, and P(positive) word by word."""

import numpy as np

from ..data.sentiment import CLASS_NAMES
from .style import CLASS_COLORS, CLASS_TEXT_COLORS, _axes, _check_words, time_labels


def plot_output_probabilities(ax, p, labels=CLASS_NAMES, title=None):
    """Horizontal bars of the output probabilities ``p = softmax(y)``, each bar labelled with its value.

    Args:
        ax: matplotlib Axes, or None for a new figure.
        p: (O,) or (O, 1) probabilities.
        labels: the O class names (row i of ``y`` is class ``labels[i]``).
        title: the title; a default otherwise.
    Returns:
        The Axes; ``ax.containers[-1]`` holds the O bars (for two classes in
        ``CLASS_COLORS``: negative blue, positive red) (their widths are
        ``p``) and ``ax.texts`` the O value labels.
    """
    p = np.asarray(p, dtype=np.float64).ravel()
    labels = list(labels)
    if len(p) != len(labels):
        raise ValueError(f"p has {len(p)} entries but there are {len(labels)} labels")
    ax = _axes(ax, figsize=(3.5, 0.6 * len(p) + 1.0))
    ax.barh(range(len(p)), p, color=list(CLASS_COLORS) if len(p) == len(CLASS_COLORS) else None)
    for i, v in enumerate(p):
        ax.text(min(v, 1.0) + 0.02, i, f"{v:.3f}", va="center", fontsize=9)
    ax.axvline(0.5, color="0.5", lw=0.8, ls="--")
    ax.set_xlim(0, 1.4)  # room for the value labels
    ax.set_xticks([0, 0.5, 1])
    ax.set_yticks(range(len(p)), labels)
    ax.set_xlabel("probability")
    ax.set_title(title or "output $p = $softmax$(y)$")
    return ax


def plot_probability_over_words(ax, probs, words, title=None):
    """P(positive) after each word: the prediction the network would make if the phrase ended there.

    Args:
        ax: matplotlib Axes, or None for a new figure.
        probs: (T,) probabilities of "positive" after words 1..T (e.g.
            ``rnn_lib.analysis.step_outputs(model, inputs)[1][1:, 1]``).
        words: the T words (time-axis labels).
        title: the title; a default otherwise.
    Returns:
        The Axes; ``ax.lines[0]`` is the curve (x = 1..T, y = probs), the
        area above 0.5 is shaded "positive" (red) and below "negative" (blue),
        in ``CLASS_COLORS``.
    """
    probs = np.asarray(probs, dtype=np.float64).ravel()
    words = _check_words(words)
    if len(probs) != len(words):
        raise ValueError(f"probs has {len(probs)} entries but there are {len(words)} words")
    T = len(words)
    ax = _axes(ax, figsize=(1.5 + 0.8 * T, 3.0))
    ax.plot(range(1, T + 1), probs, "o-", color="0.15", lw=2)
    negative, positive = CLASS_NAMES
    ax.axhspan(0.5, 1.0, color=CLASS_COLORS[1], alpha=0.12, lw=0)
    ax.axhspan(0.0, 0.5, color=CLASS_COLORS[0], alpha=0.12, lw=0)
    ax.axhline(0.5, color="0.5", lw=0.8, ls="--")
    ax.text(1.0, 0.98, positive, transform=ax.transAxes, ha="right", va="top", fontsize=9,
            color=CLASS_TEXT_COLORS[1])
    ax.text(1.0, 0.02, negative, transform=ax.transAxes, ha="right", va="bottom", fontsize=9,
            color=CLASS_TEXT_COLORS[0])
    ax.set_xticks(range(1, T + 1), time_labels(words))
    ax.set_xlim(0.5, T + 0.5)
    ax.set_ylim(0, 1)
    ax.set_xlabel("time step t (word)")
    ax.set_ylabel("P(positive) after word t")
    ax.set_title(title or "the prediction, word by word")
    return ax

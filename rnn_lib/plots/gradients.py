"""How much gradient reaches each hidden state (vanishing and exploding gradients)."""

import numpy as np

from .style import _axes, _check_words, time_labels


def plot_hidden_grad_norms(ax, norms, words=None, label=None, title=None, color=None):
    """``||dL/dh_t||`` over t = 0..T on a log axis: how much gradient reaches each hidden state.

    Args:
        ax: matplotlib Axes, or None for a new figure.
        norms: (T+1,) gradient norms for t = 0..T (``rnn_lib.analysis.hidden_grad_norms``).
        words: optional T words, to label the time axis (t = 0 is ``h_0``).
        label: legend label of this curve (call again on the same ``ax`` to compare curves).
        title: the title; a default otherwise.
        color: the curve's colour (e.g. ``CELL_COLORS[cell]``); matplotlib's next one by default.
    Returns:
        The Axes; ``ax.lines[-1]`` is this curve (x = 0..T, y = norms).
    """
    norms = np.asarray(norms, dtype=np.float64).ravel()
    T = len(norms) - 1
    if T < 1:
        raise ValueError("norms needs T+1 >= 2 entries, one for each of h_0..h_T")
    ax = _axes(ax, figsize=(1.5 + 0.8 * T, 3.5))
    ax.semilogy(range(T + 1), norms, "o-", label=label, color=color)
    if words is not None:
        words = _check_words(words)
        if len(words) != T:
            raise ValueError(f"norms has {T + 1} entries (h_0..h_T) but there are {len(words)} words")
        ax.set_xticks(range(T + 1), ["t=0\n$h_0$"] + time_labels(words))
    ax.set_xlabel("time step t")
    ax.set_ylabel(r"$\|\partial L / \partial h_t\|$ (log scale)")
    ax.set_title(title or "gradient reaching each hidden state")
    if label is not None:
        ax.legend()
    return ax

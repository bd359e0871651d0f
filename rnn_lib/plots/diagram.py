"""The picture of a recurrent network unrolled over the words of a phrase."""

import numpy as np

from .style import HIGHLIGHT_EDGE, _axes, _check_words


_INPUT_COLOR = "#cfe2f3"   # light blue
_HIDDEN_COLOR = "#fce5cd"  # light orange
_OUTPUT_COLOR = "#d9ead3"  # light green


def draw_unrolled_rnn(ax, words, outputs="last", highlight=None, show_weights=True, title=None):
    """Draw a recurrent network unrolled over the words of a phrase.

    One column per time step: the input ``x_t`` (with its word) at the bottom,
    the hidden state ``h_t`` above it, the arrows ``h_{t-1} -> h_t`` between the
    steps, starting from ``h_0``. ``outputs="last"`` draws a many-to-one network
    (one output ``y`` from ``h_T``, as for sentiment); ``outputs="all"`` a
    many-to-many one (an output ``y_t`` at every step). With ``show_weights``
    every arrow is labelled with its weight matrix, the same at every step.

    Args:
        ax: matplotlib Axes, or None for a new figure.
        words: the T words of the phrase (a list of str).
        outputs: ``"last"`` (many-to-one) or ``"all"`` (many-to-many).
        highlight: optional step ``t`` in 1..T whose boxes are drawn emphasised.
        show_weights: label the arrows ``W_xh``, ``W_hh``, ``W_hy``.
        title: the title; a default naming the kind of network otherwise.
    Returns:
        The Axes. Its patches carry ``gid`` "input", "hidden" (``h_0`` is
        "hidden0") or "output", so the drawing can be inspected.
    """
    from matplotlib.patches import FancyBboxPatch

    words = _check_words(words)
    if outputs not in ("last", "all"):
        raise ValueError(f"outputs must be 'last' (many-to-one) or 'all' (many-to-many), got {outputs!r}")
    T = len(words)
    if highlight is not None and not (isinstance(highlight, (int, np.integer)) and 1 <= highlight <= T):
        raise ValueError(f"highlight must be a time step in 1..{T}, got {highlight!r}")
    ax = _axes(ax, figsize=(1.9 * (T + 1), 3.2))
    dx = 1.35  # distance between time steps
    w, h = 0.7, 0.42  # box size
    y_in, y_hid, y_out = 0.0, 1.15, 2.3

    def box(x, y, label, color, gid, emphasised=False):
        patch = FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.03",
                               facecolor=color, gid=gid,
                               edgecolor=HIGHLIGHT_EDGE if emphasised else "0.2",
                               linewidth=2.5 if emphasised else 1.0)
        ax.add_patch(patch)
        ax.text(x, y, label, ha="center", va="center", fontsize=12)

    def arrow(start, end, label=None, label_offset=(0.0, 0.0)):
        ax.annotate("", xy=end, xytext=start,
                    arrowprops=dict(arrowstyle="-|>", color="0.2", lw=1.2, shrinkA=0, shrinkB=0))
        if label and show_weights:
            mid = ((start[0] + end[0]) / 2 + label_offset[0], (start[1] + end[1]) / 2 + label_offset[1])
            ax.text(*mid, label, ha="center", va="center", fontsize=9, color="0.25")

    box(0, y_hid, "$h_0$", "white", "hidden0")
    for t, word in enumerate(words, start=1):
        on = highlight == t
        x = t * dx
        box(x, y_in, f"$x_{{{t}}}$", _INPUT_COLOR, "input", on)
        ax.text(x, y_in - h / 2 - 0.12, f'"{word}"', ha="center", va="top", fontsize=10)
        box(x, y_hid, f"$h_{{{t}}}$", _HIDDEN_COLOR, "hidden", on)
        arrow((x, y_in + h / 2 + 0.03), (x, y_hid - h / 2 - 0.03), "$W_{xh}$", (0.22, 0))
        arrow((x - dx + w / 2 + 0.03, y_hid), (x - w / 2 - 0.03, y_hid), "$W_{hh}$", (0, 0.15))
        if outputs == "all" or t == T:
            label = "$y$" if outputs == "last" else f"$y_{{{t}}}$"
            box(x, y_out, label, _OUTPUT_COLOR, "output", on)
            arrow((x, y_hid + h / 2 + 0.03), (x, y_out - h / 2 - 0.03), "$W_{hy}$", (0.22, 0))
    ax.set_xlim(-0.6, T * dx + 0.6)
    ax.set_ylim(y_in - h / 2 - 0.45, y_out + h / 2 + 0.1)
    ax.set_aspect("equal")
    ax.axis("off")
    if title is None:
        title = ("many-to-one: one output after the last word" if outputs == "last"
                 else "many-to-many: one output per word")
    ax.set_title(title)
    return ax

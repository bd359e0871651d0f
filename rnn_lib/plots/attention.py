"""Notebook 9's figures: the attention map, and exact match against input length with and without attention."""

import numpy as np

from .style import HIGHLIGHT_EDGE, SEQUENTIAL_CMAP

#: How a space is shown on an axis of characters.
SPACE = "␣"
#: The colours of the two models in comparisons.
MODEL_COLORS = {"attention": "#1b9e77", "no attention": "#999999", "no attention, 9 epochs": "#d95f02"}


def char_ticks(text):
    """The characters of ``text`` as tick labels, a space shown as ``SPACE``."""
    return [SPACE if c == " " else c for c in text]


def plot_attention_map(ax, alphas, text, output, t=None, colorbar=True, title=None):
    """The attention map: row t the weights output character t gives each input character (viridis, 0 to 1).

    Args:
        alphas: (L, T) weights, each row summing to 1; text: the input (T characters);
        output: the translation (L characters); t: show rows 1..t only, the row t framed
            (``None``: every row, no frame).
    Returns:
        The image (``AxesImage``).
    """
    alphas = np.asarray(alphas, dtype=np.float64)
    L, T = alphas.shape
    if len(text) != T or len(output) != L:
        raise ValueError(f"alphas is {alphas.shape}: it needs {T} input and {L} output characters, "
                         f"got {len(text)} and {len(output)}")
    shown = np.ma.masked_array(alphas, mask=np.zeros_like(alphas, dtype=bool))
    if t is not None:
        shown.mask[t:] = True
    image = ax.imshow(shown, cmap=SEQUENTIAL_CMAP, vmin=0.0, vmax=1.0, aspect="auto", interpolation="nearest")
    ax.set_xticks(range(T), char_ticks(text), fontfamily="monospace")
    labels = [f"{c if t is None or i <= t else '·'}  ({i})" for i, c in enumerate(output, start=1)]
    ax.set_yticks(range(L), labels, fontfamily="monospace")  # rows after t: not written yet
    ax.set_xlabel("input character (read by the encoder)")
    ax.set_ylabel("output character (step t)")
    if t is not None:
        from matplotlib.patches import Rectangle
        ax.add_patch(Rectangle((-0.5, t - 1.5), T, 1, fill=False, lw=2, edgecolor=HIGHLIGHT_EDGE))
    if colorbar:
        ax.figure.colorbar(image, ax=ax, fraction=0.04, pad=0.02, label="attention weight α")
    ax.set_title(title if title is not None else f"“{text}” → {output}")
    return image


def plot_exact_match_by_length(ax, rows, title=None):
    """Exact match against input length, one line per model.

    Args:
        rows: ``{model name: [(low, high, count, fraction), ...]}`` as
            ``rnn_lib.translator.by_length`` gives them.
    """
    first = next(iter(rows.values()))
    groups = [(lo, hi) for lo, hi, _, _ in first]
    for name, model_rows in rows.items():
        if [(lo, hi) for lo, hi, _, _ in model_rows] != groups:
            raise ValueError("every model's rows must have the same length groups")
        ax.plot(range(len(groups)), [f for *_, f in model_rows], "o-", color=MODEL_COLORS.get(name), label=name)
    ax.set_xticks(range(len(groups)), [f"{lo}–{hi - 1}\n({n})" for lo, hi, n, _ in first])
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("input length in characters (number of test dates)")
    ax.set_ylabel("exact match (all 10 characters right)")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    ax.set_title(title or "Test dates: exact match against input length")

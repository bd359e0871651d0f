"""Heatmaps of the gates of the LSTM and the GRU (and of their states) over time."""

import numpy as np

from .style import HIDDEN_CMAP, HIDDEN_LIMITS, SEQUENTIAL_CMAP, _axes, _check_words, time_labels


#: Gates with values in [0, 1] (outputs of σ), drawn with ``SEQUENTIAL_CMAP``; every other
#: quantity (candidates, h, the LSTM's c) with ``HIDDEN_CMAP`` in [-1, 1].
GATE_LIMITS = (0.0, 1.0)
SIGMOID_GATES = ("i", "f", "o", "r", "z")
#: The title of each gate's or state's panel.
GATE_TITLES = {
    "i": "input gate $i_t$", "f": "forget gate $f_t$", "g": "candidate $g_t$", "o": "output gate $o_t$",
    "c": "cell state $c_t$", "h": "hidden state $h_t$", "r": "reset gate $r_t$", "z": "update gate $z_t$",
    "n": "candidate $n_t$",
}


def gate_style(name):
    """``(colormap, (vmin, vmax))`` of a gate or state: [0, 1] sequential for σ gates, else [-1, 1] RdBu_r."""
    if name in SIGMOID_GATES:
        return SEQUENTIAL_CMAP, GATE_LIMITS
    return HIDDEN_CMAP, HIDDEN_LIMITS


def plot_gate_values(ax, values, words, name, t=None, colorbar=True, title=None):
    """Heatmap of one gate (or state) over time: one column per word, one row per hidden unit.

    Args:
        ax: matplotlib Axes, or None for a new figure.
        values: (T, H) values at steps 1..T (an entry of ``rnn_lib.analysis.gate_values``).
        words: the T words (time-axis labels).
        name: the gate's name ("i", "f", "g", "o", "c", "h", "r", "z", "n"): σ gates are drawn
            with ``viridis`` fixed to [0, 1], the rest with ``RdBu_r`` fixed to [-1, 1] (the
            LSTM's cell state can leave [-1, 1]: such entries take the end colours).
        t: optional step in 0..T: columns after t are left blank (grey).
        colorbar: add a colour bar.
        title: the title; ``GATE_TITLES[name]`` otherwise.
    Returns:
        The Axes; ``ax.images[-1].get_array()`` holds ``values`` transposed, (H, T), masked after t.
    """
    import matplotlib

    values = np.asarray(values, dtype=np.float64)
    words = _check_words(words)
    if values.ndim != 2 or values.shape[0] != len(words):
        raise ValueError(f"values must have shape (T, H) with T = {len(words)} words, got {values.shape}")
    T, H = values.shape
    if t is not None and not (isinstance(t, (int, np.integer)) and 0 <= t <= T):
        raise ValueError(f"t must be a time step in 0..{T}, got {t!r}")
    cmap_name, (vmin, vmax) = gate_style(name)
    image = np.ma.masked_array(values.T, mask=np.zeros((H, T), dtype=bool))
    if t is not None:
        image.mask[:, t:] = True
    ax = _axes(ax, figsize=(1.5 + 0.8 * T, 4.5))
    cmap = matplotlib.colormaps[cmap_name].with_extremes(bad="0.85")
    im = ax.imshow(image, cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto", interpolation="nearest")
    ax.set_xticks(range(T), time_labels(words))
    ax.set_xlabel("time step t (word)")
    ax.set_ylabel("hidden unit j")
    ax.set_title(title or GATE_TITLES.get(name, name))
    if colorbar:
        ax.figure.colorbar(im, ax=ax)
    return ax

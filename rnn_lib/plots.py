"""Figures for the course: one function per figure kind.

Every function draws on a matplotlib ``Axes`` passed as ``ax`` (or, with
``ax=None``, on a new figure) and returns that ``Axes``, so a notebook draws a
figure in one line and a widget redraws the same figure on its own axes.
Nothing here calls ``plt.show()`` or depends on a particular backend.

Conventions, the same in every figure:
    * time runs left to right, one column per word, and the words label the
      time axis (``t=1 "i"``);
    * signed values (hidden states, in [-1, 1]) use ``RdBu_r`` with fixed limits
      ``vmin=-1, vmax=1``, so a colour means the same value in every figure;
      sequential values (one-hot entries, counts) use ``viridis``.
"""

from collections.abc import Mapping

import numpy as np

#: Colormap and limits for hidden states (tanh outputs lie in [-1, 1]).
HIDDEN_CMAP = "RdBu_r"
HIDDEN_LIMITS = (-1.0, 1.0)
#: Colormap for values in [0, 1] (one-hot entries).
SEQUENTIAL_CMAP = "viridis"

_INPUT_COLOR = "#cfe2f3"   # light blue
_HIDDEN_COLOR = "#fce5cd"  # light orange
_OUTPUT_COLOR = "#d9ead3"  # light green
_HIGHLIGHT_EDGE = "#cc4125"


def _axes(ax, figsize):
    """Return ``ax``, or the axes of a new pyplot figure of ``figsize`` when ``ax`` is None."""
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=figsize)
    return ax


def _time_labels(words):
    """``["t=1\\ni", "t=2\\nam", ...]``: tick labels for the time axis."""
    return [f"t={t}\n{w}" for t, w in enumerate(words, start=1)]


def _check_words(words):
    if isinstance(words, str):
        raise TypeError("words must be a list of words, not one str: use text.split()")
    words = list(words)
    if not words:
        raise ValueError("words is empty: give at least one word")
    return words


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
                               edgecolor=_HIGHLIGHT_EDGE if emphasised else "0.2",
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


def plot_one_hot(ax, matrix, words, vocab, title=None):
    """Show the one-hot inputs of a phrase, one column ``x_t`` per word.

    Args:
        ax: matplotlib Axes, or None for a new figure.
        matrix: (T, V) array, row t the one-hot vector of word t, as
            ``Vocabulary.one_hot_matrix`` returns. It is drawn transposed,
            (V, T), so that each column is the (V, 1) vector ``x_t`` the network
            reads at step t and time runs left to right.
        words: the T words (time-axis labels).
        vocab: the V vocabulary words in index order (a ``Vocabulary`` or a list).
        title: the title; a default otherwise.
    Returns:
        The Axes; ``ax.images[-1].get_array()`` is ``matrix.T``.
    """
    matrix = np.asarray(matrix, dtype=np.float64)
    words, vocab = _check_words(words), list(vocab)
    if matrix.ndim != 2 or matrix.shape != (len(words), len(vocab)):
        raise ValueError(f"matrix must have shape (T, V) = ({len(words)}, {len(vocab)}) for "
                         f"{len(words)} words and {len(vocab)} vocabulary words, got {matrix.shape}")
    T, V = matrix.shape
    ax = _axes(ax, figsize=(1.0 + 0.7 * T, 0.3 * V + 1.2))
    ax.imshow(matrix.T, cmap=SEQUENTIAL_CMAP, vmin=0, vmax=1, aspect="auto", interpolation="nearest")
    for t, v in zip(*np.nonzero(matrix)):
        ax.text(t, v, "1", ha="center", va="center", color="black", fontsize=9)
    ax.set_xticks(range(T), _time_labels(words))
    ax.set_yticks(range(V), [f"{i} {w}" for i, w in enumerate(vocab)])
    ax.set_xlabel("time step t (word)")
    ax.set_ylabel("vocabulary index and word")
    ax.set_title(title or f"one-hot inputs: {T} columns $x_t$ of length V = {V}")
    return ax


def plot_hidden_states(ax, hs, words, t=None, colorbar=True, title=None):
    """Heatmap of hidden states over time: one column ``h_t`` per word.

    Args:
        ax: matplotlib Axes, or None for a new figure.
        hs: (T, H) or (T, H, 1) hidden states h_1..h_T (pass ``model.last_hs[1:]``
            to leave out h_0). Drawn as an (H, T) image: column t is ``h_t``,
            row j is hidden unit j, colours ``RdBu_r`` fixed to [-1, 1].
        words: the T words (time-axis labels).
        t: optional step in 0..T: only columns 1..t are coloured, the later
            ones are left blank (grey), so a figure keeps its size while a
            widget steps through time.
        colorbar: add a colour bar labelled with the value of ``h_t``.
        title: the title; a default otherwise.
    Returns:
        The Axes; ``ax.images[-1].get_array()`` holds ``hs`` transposed, (H, T),
        masked after column t.
    """
    import matplotlib

    hs = np.asarray(hs, dtype=np.float64)
    if hs.ndim == 3 and hs.shape[2] == 1:
        hs = hs[:, :, 0]
    words = _check_words(words)
    if hs.ndim != 2:
        raise ValueError(f"hs must have shape (T, H) or (T, H, 1), got {hs.shape}")
    T, H = hs.shape
    if T != len(words):
        raise ValueError(f"hs has {T} time steps but there are {len(words)} words "
                         f"(model.last_hs includes h_0: pass model.last_hs[1:])")
    if t is not None and not (isinstance(t, (int, np.integer)) and 0 <= t <= T):
        raise ValueError(f"t must be a time step in 0..{T}, got {t!r}")
    image = np.ma.masked_array(hs.T, mask=np.zeros((H, T), dtype=bool))
    if t is not None:
        image.mask[:, t:] = True
    ax = _axes(ax, figsize=(1.5 + 0.8 * T, 5.5))
    cmap = matplotlib.colormaps[HIDDEN_CMAP].with_extremes(bad="0.85")
    im = ax.imshow(image, cmap=cmap, vmin=HIDDEN_LIMITS[0], vmax=HIDDEN_LIMITS[1], aspect="auto",
                   interpolation="nearest")
    ax.set_xticks(range(T), _time_labels(words))
    ax.set_xlabel("time step t (word)")
    ax.set_ylabel("hidden unit j")
    ax.set_title(title or f"hidden states $h_t$ ({H} units)")
    if colorbar:
        ax.figure.colorbar(im, ax=ax, label="$h_t[j]$")
    return ax


def plot_length_histogram(ax, datasets, title=None):
    """Stacked bar chart of phrase lengths (words per phrase), one colour per dataset.

    Args:
        ax: matplotlib Axes, or None for a new figure.
        datasets: ``{name: texts}``, where texts is a list of phrases or a
            ``{text: label}`` mapping, e.g. ``{"train": train_data, "test": test_data}``.
        title: the title; a default otherwise.
    Returns:
        The Axes; one bar container per dataset, in order, with one bar per
        length from 1 to the longest phrase.
    """
    if not isinstance(datasets, Mapping) or not datasets:
        raise TypeError("datasets must be a non-empty {name: texts} mapping")
    lengths = {name: [len(text.split()) for text in texts] for name, texts in datasets.items()}
    longest = max(max(ls, default=0) for ls in lengths.values())
    if longest == 0:
        raise ValueError("the datasets hold no phrases")
    ax = _axes(ax, figsize=(7, 3.5))
    x = np.arange(1, longest + 1)
    bottom = np.zeros(longest)
    for name, ls in lengths.items():
        counts = np.bincount(ls, minlength=longest + 1)[1:]
        ax.bar(x, counts, bottom=bottom, label=f"{name} ({len(ls)} phrases)")
        bottom += counts
    ax.set_xticks(x)
    ax.set_xlabel("phrase length T (words)")
    ax.set_ylabel("number of phrases")
    ax.set_title(title or "phrase lengths")
    ax.legend()
    return ax

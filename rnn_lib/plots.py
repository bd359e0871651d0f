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
      sequential values (one-hot entries, counts) use ``viridis``;
    * the two classes have one colour each, in every figure and widget:
      "positive" is red and "negative" is blue, the colours ``RdBu_r`` gives
      positive and negative numbers (``CLASS_COLORS``), so red always means
      positive and blue negative, and the pair stays apart for colour-blind
      readers (ColorBrewer's RdBu is chosen to be colour-blind safe).
"""

from collections.abc import Mapping

import numpy as np

from .label_layout import label_offsets
from .labels import CLASS_NAMES

#: Colormap and limits for hidden states (tanh outputs lie in [-1, 1]).
HIDDEN_CMAP = "RdBu_r"
HIDDEN_LIMITS = (-1.0, 1.0)
#: Colormap for values in [0, 1] (one-hot entries).
SEQUENTIAL_CMAP = "viridis"

#: Fill colour of each class, in the order of ``CLASS_NAMES``: RdBu_r's blue for "negative", its red
#: for "positive" (ColorBrewer RdBu), the colours a heatmap gives negative and positive numbers.
CLASS_COLORS = ("#4393c3", "#d6604d")
#: Darker shades of the same two colours, for text on a white background.
CLASS_TEXT_COLORS = ("#2166ac", "#b2182b")
#: Edge colour of what a figure or a widget marks (the step being read, rows to find).
HIGHLIGHT_EDGE = "#cc4125"

_INPUT_COLOR = "#cfe2f3"   # light blue
_HIDDEN_COLOR = "#fce5cd"  # light orange
_OUTPUT_COLOR = "#d9ead3"  # light green


def _axes(ax, figsize):
    """Return ``ax``, or the axes of a new pyplot figure of ``figsize`` when ``ax`` is None."""
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=figsize)
    return ax


def time_labels(words):
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
    ax.set_xticks(range(T), time_labels(words))
    ax.set_yticks(range(V), [f"{i} {w}" for i, w in enumerate(vocab)])
    ax.set_xlabel("time step t (word)")
    ax.set_ylabel("vocabulary index and word")
    ax.set_title(title or f"one-hot inputs: {T} columns $x_t$ of length V = {V}")
    return ax


def plot_hidden_states(ax, hs, words, t=None, colorbar=True, title=None, mark_rows=None):
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
        mark_rows: optional hidden units j (rows) to mark, e.g. those the text
            asks the reader to find: a black triangle points at each from both
            sides of the panel and its number is a bold tick on the unit axis.
    Returns:
        The Axes; ``ax.images[-1].get_array()`` holds ``hs`` transposed, (H, T),
        masked after column t; each marked row j has a line with ``gid``
        "mark-row-j" at y = j (its markers are the next two lines).
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
    ax.set_xticks(range(T), time_labels(words))
    ax.set_xlabel("time step t (word)")
    ax.set_ylabel("hidden unit j")
    ax.set_title(title or f"hidden states $h_t$ ({H} units)")
    if mark_rows is not None:
        _mark_rows(ax, mark_rows, H, T)
    if colorbar:
        ax.figure.colorbar(im, ax=ax, label="$h_t[j]$")
    return ax


def _check_rows(rows, H):
    """``rows`` as a sorted list of distinct unit indices in 0..H-1, with a clear error otherwise."""
    if isinstance(rows, (int, np.integer)):
        rows = [rows]
    rows = list(rows)
    for j in rows:
        if isinstance(j, (bool, np.bool_)) or not isinstance(j, (int, np.integer)) or not 0 <= j < H:
            raise ValueError(f"mark_rows must hold hidden units j in 0..{H - 1}, got {j!r}")
    return sorted({int(j) for j in rows})


def _mark_rows(ax, rows, H, T):
    """Point at rows ``rows`` of an (H, T) heatmap from both sides and number them in bold on the unit axis.

    The triangles sit outside the image, so the marked rows keep their colours;
    the usual ticks (0, 20, 40, ...) stay where they do not crowd a marked row.
    """
    from matplotlib.transforms import blended_transform_factory

    rows = _check_rows(rows, H)
    beside = blended_transform_factory(ax.transAxes, ax.transData)  # x in axes fractions, y in rows
    for j in rows:
        ax.plot([0.0, 1.0], [j, j], ls="none", transform=beside, clip_on=False, gid=f"mark-row-{j}",
                marker="none", color="black")
        ax.plot([-0.01], [j], marker=">", ms=7, color="black", transform=beside, clip_on=False)
        ax.plot([1.01], [j], marker="<", ms=7, color="black", transform=beside, clip_on=False)
    step = 20 if H > 40 else 10 if H > 15 else 5
    plain = [j for j in range(0, H, step) if all(abs(j - r) >= 0.06 * H for r in rows)]
    ticks = sorted(plain + rows)
    ax.set_yticks(ticks)
    for label, j in zip(ax.get_yticklabels(), ticks):
        if j in rows:
            label.set_fontweight("bold")


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
    from matplotlib.ticker import MaxNLocator

    ax = _axes(ax, figsize=(7, 3.5))
    x = np.arange(1, longest + 1)
    bottom = np.zeros(longest)
    for name, ls in lengths.items():
        counts = np.bincount(ls, minlength=longest + 1)[1:]
        ax.bar(x, counts, bottom=bottom, label=f"{name} ({len(ls)} phrases)")
        bottom += counts
    ax.set_xticks(x)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts are whole numbers
    ax.set_xlabel("phrase length T (words)")
    ax.set_ylabel("number of phrases")
    ax.set_title(title or "phrase lengths")
    ax.legend()
    return ax


def plot_input_vector(ax, x, vocab, t=None, word=None, title=None):
    """One input column ``x_t`` beside the vocabulary: which word the network reads at step t.

    Args:
        ax: matplotlib Axes, or None for a new figure.
        x: (V,) or (V, 1) input (one-hot for a word; all zeros before the first word).
        vocab: the V vocabulary words in index order (a ``Vocabulary`` or a list).
        t, word: the step and its word, for the default title.
        title: the title; a default otherwise.
    Returns:
        The Axes; ``ax.images[-1].get_array()`` is ``x`` as a (V, 1) column
        (``viridis``, limits [0, 1]).
    """
    vocab = list(vocab)
    x = np.asarray(x, dtype=np.float64).reshape(-1, 1)
    if x.shape[0] != len(vocab):
        raise ValueError(f"x has {x.shape[0]} entries but the vocabulary has {len(vocab)} words")
    ax = _axes(ax, figsize=(1.8, 0.25 * len(vocab) + 1.0))
    ax.imshow(x, cmap=SEQUENTIAL_CMAP, vmin=0, vmax=1, aspect="auto", interpolation="nearest")
    ax.set_yticks(range(len(vocab)), vocab)
    ax.set_xticks([])
    ax.set_ylabel("vocabulary word")
    if title is None:
        title = "$x_t$" if t is None else f"$x_{{{t}}}$" + (f' "{word}"' if word else "")
    ax.set_title(title)
    return ax


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


def plot_hidden_state_comparison(axes, hs_list, words_list, titles=None, mark_rows=None):
    """Hidden-state heatmaps of several phrases side by side, on one shared colour bar.

    Each panel is ``plot_hidden_states`` of one phrase (columns ``h_1..h_T``,
    ``RdBu_r`` fixed to [-1, 1], so equal colours are equal values across the
    panels); the unit rows line up, so unit j can be followed from one phrase
    to the other.

    Args:
        axes: a sequence of Axes, one per phrase, or None for a new figure whose
            panel widths follow the phrases' lengths.
        hs_list: one (T_i, H) or (T_i, H, 1) array per phrase (``model.last_hs[1:]``).
        words_list: one list of T_i words per phrase.
        titles: optional titles, one per phrase; the phrase in quotes otherwise.
        mark_rows: optional hidden units j to mark in every panel (pointed at
            from both sides, numbered in bold on the unit axis), e.g. the units
            the text discusses.
    Returns:
        The list of Axes, one per phrase.
    """
    hs_list, words_list = list(hs_list), [_check_words(w) for w in words_list]
    if not hs_list or len(hs_list) != len(words_list):
        raise ValueError(f"give one hs per phrase: {len(hs_list)} hs for {len(words_list)} word lists")
    titles = [f'"{" ".join(w)}"' for w in words_list] if titles is None else list(titles)
    if len(titles) != len(hs_list):
        raise ValueError(f"{len(titles)} titles for {len(hs_list)} phrases")
    if axes is None:
        import matplotlib.pyplot as plt

        widths = [len(w) + 2 for w in words_list]
        _, axes = plt.subplots(1, len(hs_list), figsize=(1.5 + 0.9 * sum(widths), 5.5),
                               width_ratios=widths, squeeze=False, layout="constrained")
        axes = axes[0]
    axes = list(axes)
    if len(axes) != len(hs_list):
        raise ValueError(f"{len(axes)} axes for {len(hs_list)} phrases")
    for ax, hs, words, title in zip(axes, hs_list, words_list, titles):
        plot_hidden_states(ax, hs, words, colorbar=False, title=title, mark_rows=mark_rows)
    axes[0].figure.colorbar(axes[0].images[-1], ax=axes, label="$h_t[j]$")
    return axes


#: One colour per recurrent cell, the same in every figure comparing them (Dark2: colour-blind
#: friendly, and neither red nor blue, which mean the two classes).
CELL_COLORS = {"rnn": "#666666", "lstm": "#1b9e77", "gru": "#7570b3"}
#: How the figures name the cells.
CELL_LABELS = {"rnn": "vanilla RNN", "lstm": "LSTM", "gru": "GRU"}
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


def plot_accuracy_vs_distance(ax, table, title=None):
    """Test accuracy against the distance k of the deciding word, one line per cell, one dot per seed.

    Args:
        ax: matplotlib Axes, or None for a new figure.
        table: an ``rnn_lib.longrange.AccuracyTable``.
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


#: Colours of things that are not classes (runs, phrases), Okabe and Ito's colour-blind-safe palette,
#: avoiding the red and blue that mean "positive" and "negative".
SERIES_COLORS = ("#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#999999")
#: The accuracy of guessing, drawn as a dashed line on accuracy plots.
CHANCE = 0.5


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

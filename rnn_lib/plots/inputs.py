"""What the network reads: the phrases' lengths, the one-hot inputs of a phrase, one input column."""

from collections.abc import Mapping

import numpy as np

from .style import SEQUENTIAL_CMAP, _axes, _check_words, time_labels


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

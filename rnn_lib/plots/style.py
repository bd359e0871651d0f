"""The conventions every figure shares: colours, colormaps and limits, the time-axis labels.

Every plotting function draws on a matplotlib ``Axes`` passed as ``ax`` (or, with
``ax=None``, on a new figure, see ``_axes``) and returns that ``Axes``.

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

#: One colour per recurrent cell, the same in every figure comparing them (Dark2: colour-blind
#: friendly, and neither red nor blue, which mean the two classes).
CELL_COLORS = {"rnn": "#666666", "lstm": "#1b9e77", "gru": "#7570b3"}
#: How the figures name the cells.
CELL_LABELS = {"rnn": "vanilla RNN", "lstm": "LSTM", "gru": "GRU"}

#: Colours of things that are not classes (runs, phrases), Okabe and Ito's colour-blind-safe palette,
#: avoiding the red and blue that mean "positive" and "negative".
SERIES_COLORS = ("#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#999999")
#: The accuracy of guessing, drawn as a dashed line on accuracy plots.
CHANCE = 0.5


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

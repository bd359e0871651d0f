"""PhraseExplorer: type a phrase, see P(positive) after each word and the verdict."""

import ipywidgets as widgets
import numpy as np

from .. import plots
from ..analysis import step_outputs
from ..data.sentiment import CLASS_NAMES, POSITIVE
from ._base import NONFINITE, FigureWidget, plain, read_phrase, weights_finite


class PhraseExplorer(FigureWidget):
    """Type a phrase; see P(positive) after each word and the final verdict.

    Controls: ``text`` (the phrase; the plot updates on Enter). Shown: a line of
    P(positive) over the words, ``verdict``, and ``message`` for a phrase the
    network cannot read (a word outside the vocabulary: named, with the
    vocabulary listed; never a traceback), and instead of a verdict when the
    network's weights are not finite numbers (a diverged training).

    Args:
        model: an ``RNN`` with two outputs (negative, positive).
        vocab: its ``Vocabulary``; it reads typed text by its own rule.
        phrase: the phrase shown first.
    """

    css_class = "rnn-phrase-explorer"

    def __init__(self, model, vocab, phrase="i am not happy"):
        super().__init__(figsize=(8.0, 3.3))
        self.model, self.vocab = model, vocab
        self.text = widgets.Text(value=phrase, description="phrase", continuous_update=False,
                                 placeholder="type a phrase, then Enter", layout=widgets.Layout(width="32em"))
        self.verdict = widgets.HTML()
        self.widget = self._box(self.text, self.message, self.verdict, self.image)
        self._ax = self.figure.add_axes((0.1, 0.24, 0.86, 0.64))
        plots.plot_probability_over_words(self._ax, [0.5], ["?"])
        self._line = self._ax.lines[0]
        self._animate(self._line, self._ax.xaxis, self._ax.title)  # the shading and the y axis stay
        self.current_phrase, self._words, self._p = None, None, None
        self.update()
        self.text.observe(self._on_text, "value")

    def __repr__(self):
        if self._p is None:
            if self.current_phrase is not None:
                return f"PhraseExplorer: {self.current_phrase!r} -> no verdict (the weights are not finite)"
            return f"PhraseExplorer: {self.text.value!r} cannot be read"
        return f"PhraseExplorer: {self.current_phrase!r} -> {self._verdict_word()} (P(positive) = {self._p[-1]:.3f})"

    def _verdict_word(self):
        return CLASS_NAMES[POSITIVE] if self._p[-1] > 0.5 else CLASS_NAMES[1 - POSITIVE]

    def _no_plot(self, problem, phrase=None, words=None):
        self._say(problem)
        self.verdict.value = ""
        self.image.layout.display = "none"
        self.current_phrase, self._words, self._p = phrase, words, None

    def _update(self):
        words, indices, problem = read_phrase(self.vocab, self.text.value)
        if problem:
            return self._no_plot(problem)
        phrase = " ".join(words)
        if not weights_finite(self.model):
            return self._no_plot(NONFINITE, phrase, words)
        _, probs = step_outputs(self.model, indices)
        p = probs[1:, POSITIVE]
        if not np.isfinite(p).all():  # finite weights can still overflow: no verdict from NaN
            return self._no_plot(NONFINITE, phrase, words)
        self.current_phrase, self._words, self._p = phrase, words, p
        T = len(words)
        self._line.set_data(np.arange(1, T + 1), self._p)
        self._ax.set_xticks(range(1, T + 1), plots.time_labels(words))
        self._ax.set_xlim(0.5, T + 0.5)
        self._ax.set_title(f"“{self.current_phrase}”: P(positive) after each word")
        word = self._verdict_word()
        colour = plots.CLASS_TEXT_COLORS[CLASS_NAMES.index(word)]
        self.verdict.value = (f'<div class="rnn-verdict" style="font-size:1.2em">Verdict: '
                              f'<b style="color:{colour}">{word}</b> '
                              f'(P(positive) = {self._p[-1]:.3f} after the last word)</div>')
        self._say("")
        self.image.layout.display = None
        self._render(full=False)

    def _on_text(self, change):
        self.update()

    @property
    def shown(self):
        """What is drawn now: phrase, words on the axis, the curve's values, the verdict, the message."""
        return {
            "phrase": self.current_phrase,
            "words": [label.get_text().split("\n")[-1] for label in self._ax.get_xticklabels()],
            "probs": np.asarray(self._line.get_ydata(), dtype=float).copy(),
            "verdict": plain(self.verdict.value),
            "message": plain(self.message.value),
            "plot_visible": self.image.layout.display != "none",
        }

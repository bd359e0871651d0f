"""TrajectoryViewer: type two phrases, see their hidden-state trajectories in one 2-D projection."""

import ipywidgets as widgets

from .. import plots
from ..analysis import hidden_states, pca_2d, trajectory
from ..data.sentiment import CLASS_NAMES
from ._base import FigureWidget, PhraseInput, phrase_options, plain, read_phrase, resolve_data, weights_finite
from ._base import NONFINITE

#: The pair shown first: one word apart, and the article's recipe gets them wrong in opposite ways.
FIRST, SECOND = "i am not bad", "i am not bad right now"


class TrajectoryViewer(FigureWidget):
    """Two phrases' hidden states h_0, h_1, ..., h_T as paths in one 2-D projection (PCA).

    The projection is fitted once, when the widget is built, on every hidden
    state h_t of ``fit_texts`` (``analysis.pca_2d``), so the axes stay fixed
    while phrases change: two phrases that differ in one word can be compared
    step by step. Each path ends in a ring coloured by the class predicted
    there (red positive, blue negative).

    Controls: ``first`` and ``second``, each a ``PhraseInput`` (a dropdown of
    the phrases of ``data`` and a box to type any phrase, read on Enter). A
    phrase the network cannot read gets a message naming the box and the word;
    the figure keeps the last pair it could draw.

    Args:
        model: a two-class ``RNN``; vocab: its ``Vocabulary``.
        first, second: the phrases shown first.
        data: ``{text: label}`` or ``{set name: {text: label}}`` for the
            dropdowns; the course's phrases by default.
        fit_texts: the phrases whose hidden states the projection is fitted
            on; the phrases of ``data`` by default.
    """

    css_class = "rnn-trajectory-viewer"

    def __init__(self, model, vocab, first=FIRST, second=SECOND, data=None, fit_texts=None):
        super().__init__(figsize=(7.5, 5.2))
        self.model, self.vocab = model, vocab
        if fit_texts is None:
            fit_texts = [t for phrases in resolve_data(data).values() for t in phrases]
        self.projection = pca_2d(hidden_states(model, vocab, fit_texts))
        options = phrase_options(data)
        self.inputs = (PhraseInput(options, lambda text, typed: self._on_phrase(0, text, typed)),
                       PhraseInput(options, lambda text, typed: self._on_phrase(1, text, typed)))
        self.first, self.second = self.inputs
        self.first.dropdown.description, self.second.dropdown.description = "phrase 1", "phrase 2"
        self.summary = widgets.HTML()
        self.widget = self._box(self.first.box, self.second.box, self.message, self.summary, self.image)
        self._ax = self.figure.add_axes((0.12, 0.1, 0.84, 0.8))
        self.phrases, self.paths = [None, None], None
        for k, text in enumerate((first, second)):
            words, _, problem = read_phrase(vocab, text)
            if problem:
                raise ValueError(f"cannot show {text!r}: " + plain(problem))
            self.phrases[k] = " ".join(words)
            self.inputs[k].show(self.phrases[k])
        self.update()

    def __repr__(self):
        if self.paths is None:
            return f"TrajectoryViewer: {self.phrases[0]!r} and {self.phrases[1]!r}: no paths drawn"
        said = [f"{' '.join(w)!r} -> {self._word(p[-1])} (P(positive) = {p[-1]:.3f})" for w, _, p in self.paths]
        return "TrajectoryViewer: " + "; ".join(said)

    @staticmethod
    def _word(p):
        return CLASS_NAMES[int(p > 0.5)]

    def _on_phrase(self, k, text, typed):
        words, _, problem = read_phrase(self.vocab, text)
        if problem:
            self._say(f"Phrase {k + 1}: {problem}")
            return
        self.phrases[k] = " ".join(words)
        self.inputs[k].show(self.phrases[k], typed=typed)
        self.update()

    def _update(self):
        self._ax.clear()
        if not weights_finite(self.model):
            self.paths = None
            self._say(NONFINITE)
            self.summary.value = ""
            self._render()
            return
        self._say("")
        self.paths = [trajectory(self.model, self.vocab, text, self.projection) for text in self.phrases]
        plots.plot_trajectories(self._ax, self.paths, self.projection.explained)
        verdicts = [f"“{' '.join(w)}”: <b>{self._word(p[-1])}</b> (P(positive) = {p[-1]:.3f})"
                    for w, _, p in self.paths]
        self.summary.value = " &nbsp;|&nbsp; ".join(verdicts)
        self._render()

    @property
    def shown(self):
        """What is drawn now: the two phrases, each path's points and P(positive), the message."""
        lines = self._ax.lines
        return {
            "phrases": list(self.phrases),
            "points": [lines[2 * k].get_xydata().copy() for k in range(len(self.paths or ()))],
            "probs": [p.copy() for _, _, p in (self.paths or ())],
            "verdicts": [self._word(p[-1]) for _, _, p in (self.paths or ())],
            "summary": plain(self.summary.value),
            "message": plain(self.message.value),
        }

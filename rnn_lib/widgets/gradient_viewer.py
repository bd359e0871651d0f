"""GradientViewer: ||dL/dh_t|| over t on a log axis, for a phrase and a weight scale."""

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import FuncFormatter, LogFormatterSciNotation, LogLocator, NullFormatter

from .. import plots
from ..analysis import hidden_grad_norms
from ..data.sentiment import CLASS_NAMES
from ..model import HIDDEN_SIZE, RNN
from ..training import SEED
from ._base import PROMPT, FigureWidget, PhraseInput, label_lookup, phrase_options, plain

#: Below this many decades between the smallest and the largest norm, the y axis also gets ticks at
#: 2 and 5 times each power of ten (labelled), so a curve from 0.03 to 0.5 still reads off the axis.
FEW_DECADES = 2.5


class GradientViewer(FigureWidget):
    """``||dL/dh_t||`` over t on a log axis for a phrase and a weight scale: vanishing gradients made visible.

    The network's weights are drawn once from a standard normal (``seed``) and
    multiplied by the slider's scale ``s`` (so they are N(0, s^2), the same
    draws as ``RNN(V, 2, hidden_size, rng=seed, init=s)``; the biases are zero);
    the loss is the cross-entropy of the phrase's label in ``data``, or
    ``default_label`` for a phrase outside it.

    Controls: ``phrase`` (dropdown), ``text`` (type a phrase, then Enter),
    ``scale`` (log slider; it redraws when released or stepped with the keys).

    Args:
        vocab: the ``Vocabulary``; it reads typed text by its own rule.
        phrase: the phrase shown first; the longest of the dropdown's by default
            (it shows the decay best).
        scale: the weight scale s shown first.
        hidden_size, seed: the network's H and the seed of its draws.
        phrases: dropdown options (texts or ``(label, text)`` pairs); by default
            the phrases of ``data``.
        default_label: the label (True/1 positive) of a phrase not in ``data``.
        data: ``{text: label}`` or ``{set name: {text: label}}``: the phrases'
            labels and the dropdown's phrases; the course's by default.
        model: the network whose weights, times s, are drawn (its own weights
            are not changed); ``RNN(len(vocab), 2, hidden_size, rng=seed,
            init=1.0)`` by default.
    """

    css_class = "rnn-gradient-viewer"

    def __init__(self, vocab, phrase=None, scale=0.1, hidden_size=HIDDEN_SIZE, seed=SEED, phrases=None,
                 default_label=True, data=None, model=None):
        super().__init__(figsize=(8.0, 3.6))
        self.vocab, self.default_label = vocab, int(default_label)
        self._base = RNN(len(vocab), 2, hidden_size, rng=seed, init=1.0) if model is None else model
        self.model = self._base.copy()
        self._labels = label_lookup(data)
        options = phrase_options(data) if phrases is None else list(phrases)
        self.phrase_input = PhraseInput(options, self._on_phrase)
        self.phrase, self.text = self.phrase_input.dropdown, self.phrase_input.text
        if phrase is None:
            phrase = max(self.phrase_input.texts, key=lambda s: len(s.split()))
        self.scale = widgets.FloatLogSlider(value=scale, base=10, min=-3, max=1, step=0.1,
                                            description="weight scale", readout_format=".3g",
                                            continuous_update=False, style={"description_width": "initial"},
                                            layout=widgets.Layout(width="32em"))
        self.summary = widgets.HTML()
        self.widget = self._box(self.phrase_input.box, self.scale, self.message, self.summary, self.image)
        self._ax = self.figure.add_axes((0.12, 0.2, 0.84, 0.63))
        plots.plot_hidden_grad_norms(self._ax, [1.0, 1.0], ["?"])
        self._line = self._ax.lines[-1]
        self.current_phrase = None
        if not self._set_phrase(phrase):
            raise ValueError(f"cannot show {phrase!r}: " + plain(self.message.value))
        self.update()
        self.scale.observe(self._on_scale, "value")

    def __repr__(self):
        return f"GradientViewer: {self.current_phrase!r}, weight scale {self.scale.value:.3g}"

    def _set_phrase(self, text, typed=False):
        if not self._accept_phrase(text):
            return False
        self.target = self._labels.get(self.current_phrase, self.default_label)
        self.phrase_input.show(self.current_phrase, typed=typed)
        return True

    def _set_log_ticks(self, low, high):
        """Powers of ten on the y axis, and 2x and 5x as well when the curve spans few decades."""
        few = bool(np.log10(high / low) < FEW_DECADES)
        if few == getattr(self, "_few_decades", None):
            return
        self._few_decades, axis = few, self._ax.yaxis
        if few:
            axis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
            axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))  # 0.02 0.05 0.1 ...
        else:
            axis.set_major_locator(LogLocator(numticks=7))
            axis.set_major_formatter(LogFormatterSciNotation())
        axis.set_minor_formatter(NullFormatter())  # labelled minor ticks cost time, add little

    def _update(self):
        s = self.scale.value
        self.model.flat[...] = s * self._base.flat
        self.norms = hidden_grad_norms(self.model, self._indices, self.target)
        T = len(self._words)
        self._line.set_data(np.arange(T + 1), self.norms)
        self._ax.set_xticks(range(T + 1), ["t=0\n$h_0$"] + plots.time_labels(self._words))
        self._ax.set_xlim(-0.3, T + 0.3)
        finite = self.norms[np.isfinite(self.norms) & (self.norms > 0)]
        if len(finite):
            low, high = finite.min() / 3, finite.max() * 3
            self._ax.set_ylim(low, high)
            self._set_log_ticks(low, high)
        self._ax.set_title(f"“{self.current_phrase}” (label: {CLASS_NAMES[self.target]})\n"
                           f"weights ~ N(0, s²), s = {s:.3g}")
        ratio = self.norms[0] / self.norms[-1]
        per_step = ratio ** (1 / T)
        self.summary.value = (f"From h<sub>{T}</sub> back to h<sub>0</sub> the gradient's norm changes "
                              f"by a factor <b>{ratio:.2g}</b> (about ×{per_step:.2g} per step).")
        self._render()

    def _on_scale(self, change):
        self.update()

    def _on_phrase(self, text, typed):
        if typed and not text.strip():  # the box emptied: no old error stays on screen
            self._say(PROMPT + " Or choose a phrase from the list.")
        elif self._set_phrase(text, typed=typed):
            self.update()

    @property
    def shown(self):
        """What is drawn now: phrase, scale, the curve's t and norms, the y scale, the message."""
        return {
            "phrase": self.current_phrase,
            "scale": self.scale.value,
            "t": np.asarray(self._line.get_xdata()).copy(),
            "norms": np.asarray(self._line.get_ydata(), dtype=float).copy(),
            "yscale": self._ax.get_yscale(),
            "message": plain(self.message.value),
        }

"""GateStepper: step through a phrase word by word and watch a gated cell's gates and states fill in."""

import html
import math

import ipywidgets as widgets
import numpy as np
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.patches import Rectangle

from .. import plots
from ..analysis import GATE_NAMES, gate_values, step_outputs
from ..data.sentiment import CLASS_NAMES
from ._base import NONFINITE, PhraseInput, PhraseStepper, phrase_options, plain, weights_finite

#: Panels per row of the figure, and the layout in inches: margins, panel size, gaps (the gap below a
#: panel holds its words, written upwards).
COLUMNS = 3
LEFT_IN, TOP_IN, PANEL_W_IN, PANEL_H_IN, GAP_W_IN, GAP_H_IN, BOTTOM_IN = 0.6, 0.8, 2.4, 2.2, 0.35, 1.05, 1.0
#: Font size of the words on the time axes.
WORD_FONT_SIZE = 8


def _panel_order(cell_name):
    """The panels of a cell: the σ gates first (on [0, 1]), then the candidates and states (on [-1, 1])."""
    names = GATE_NAMES[cell_name]
    return [n for n in names if n in plots.SIGMOID_GATES] + [n for n in names if n not in plots.SIGMOID_GATES]


class GateStepper(PhraseStepper):
    """Step through a phrase one word at a time: each gate's values and the cell's states over time.

    One heatmap per gate and per state, one column per word and one row per
    hidden unit, filled in up to step t (later columns blank, the column of
    step t framed): for the LSTM the gates i, f, o (``viridis``, fixed to
    [0, 1]), the candidate g, the cell state c and h (``RdBu_r``, fixed to
    [-1, 1]); for the GRU r, z, then n and h; for the vanilla cell h alone.

    Controls: ``phrase`` (dropdown of the given phrases), ``text`` (type any
    phrase, then Enter), ``slider`` (time step t = 0..T).
    Shown: ``words`` (the phrase, the word read at step t highlighted, and
    P(positive) after t words), the figure; ``.shown`` returns what is drawn.

    Args:
        model: an ``RNN``, ``LSTM`` or ``GRU``; its weights are read at every
            redraw, so training it in place shows on the next step.
        vocab: its ``Vocabulary``.
        phrases: dropdown options, texts or ``(label, text)`` pairs; by default the phrases of ``data``.
        phrase: the phrase shown first.
        t: the step shown first (clipped to 0..T).
        data: the phrases for the dropdown, ``{text: label}`` or ``{set name: {text: label}}``;
            the course's by default.
    """

    css_class = "rnn-gate-stepper"

    def __init__(self, model, vocab, phrases=None, phrase=None, t=0, data=None):
        cell_name = getattr(model.cell, "name", None)
        if cell_name not in GATE_NAMES:
            raise ValueError(f"GateStepper shows the cells {', '.join(map(repr, GATE_NAMES))}; "
                             f"this model's cell is {model.cell!r}")
        self.model, self.vocab, self.cell_name = model, vocab, cell_name
        self.panels = _panel_order(cell_name)
        rows = math.ceil(len(self.panels) / COLUMNS)
        super().__init__(figsize=(11.0, TOP_IN + rows * PANEL_H_IN + (rows - 1) * GAP_H_IN + BOTTOM_IN))
        self._busy = False
        self.phrase_input = PhraseInput(phrase_options(data) if phrases is None else phrases, self._on_phrase)
        self.phrase, self.text = self.phrase_input.dropdown, self.phrase_input.text
        self.slider = widgets.IntSlider(value=0, min=0, max=1, description="t", continuous_update=True,
                                        layout=widgets.Layout(width="28em"))
        self.words = widgets.HTML()
        self.widget = self._box(self.phrase_input.box, self.slider, self.message, self.words, self.image)
        self._make_figure(rows)
        self.current_phrase, self._words = None, None
        start = phrase if phrase is not None else self.phrase.value
        if not self.show_phrase(start, t=t):
            raise ValueError(f"cannot show {start!r}: " + plain(self.message.value))
        self.slider.observe(self._on_slider, "value")

    def _make_figure(self, rows):
        """One panel per gate or state, laid out in inches: panels of 2.55 x 2.2, words below each."""
        fig, H = self.figure, self.model.hidden_size
        width, height = fig.get_size_inches()
        self.axes, self._images, self._frames = {}, {}, {}
        for k, name in enumerate(self.panels):
            r, c = divmod(k, COLUMNS)
            x0, y0 = LEFT_IN + c * (PANEL_W_IN + GAP_W_IN), height - TOP_IN - (r + 1) * PANEL_H_IN - r * GAP_H_IN
            ax = fig.add_axes((x0 / width, y0 / height, PANEL_W_IN / width, PANEL_H_IN / height))
            plots.plot_gate_values(ax, np.zeros((1, H)), ["?"], name, t=0, colorbar=False)
            ax.set_xlabel("")
            if c:
                ax.set_ylabel("")
            self.axes[name] = ax
            self._images[name] = ax.images[-1]
            self._frames[name] = ax.add_patch(Rectangle((-0.5, -0.5), 1, H, fill=False, lw=2.0,
                                                        edgecolor=plots.HIGHLIGHT_EDGE, visible=False))
        bars = []
        if any(n in plots.SIGMOID_GATES for n in self.panels):
            bars.append((plots.SEQUENTIAL_CMAP, plots.GATE_LIMITS, "gate value (σ), in [0, 1]"))
        bars.append((plots.HIDDEN_CMAP, plots.HIDDEN_LIMITS, "candidate or state, in [-1, 1]"))
        x_bar = LEFT_IN + COLUMNS * PANEL_W_IN + (COLUMNS - 1) * GAP_W_IN + 0.35
        bar_h = rows * PANEL_H_IN + (rows - 1) * GAP_H_IN
        for b, (cmap, limits, label) in enumerate(bars):
            cax = fig.add_axes(((x_bar + 0.95 * b) / width, (height - TOP_IN - bar_h) / height,
                                0.14 / width, bar_h / height))
            fig.colorbar(ScalarMappable(Normalize(*limits), cmap), cax=cax, label=label)
        height = fig.get_size_inches()[1]
        self._title = fig.suptitle("", fontsize=12, y=1 - 0.15 / height, va="top")
        # what changes with t is redrawn over a cached background; a new phrase redraws everything
        self._animate(*self._images.values(), *self._frames.values(), self._title)
        self._full = True

    def __repr__(self):
        return (f"GateStepper ({self.cell_name}): {self.current_phrase!r}, "
                f"t = {self.slider.value} of {len(self._words)}")

    def show_phrase(self, text, t=0, typed=False):
        """Show ``text`` at step ``t``; return ``False`` (and show a message) if it cannot be read."""
        if not self._accept_phrase(text):
            return False
        self._compute()
        T, H = len(self._words), self.model.hidden_size
        self._busy = True
        try:
            self.slider.value = 0
            self.slider.max = T
            self.slider.value = min(max(int(t), 0), T)
            for name, ax in self.axes.items():
                self._images[name].set_extent((-0.5, T - 0.5, H - 0.5, -0.5))
                ax.set_xticks(range(T), [f"{w} ({t})" for t, w in enumerate(self._words, start=1)],
                              rotation=90, fontsize=WORD_FONT_SIZE)
                ax.set_xlim(-0.5, T - 0.5)
            self.phrase_input.show(self.current_phrase, typed=typed)
        finally:
            self._busy = False
        self._full = True  # the time axis changed
        self.update()
        return True

    def _compute(self):
        self._values = gate_values(self.model, self._indices)
        self._probs = step_outputs(self.model, self._indices)[1][:, 1]
        self._weights_seen = self.model.flat.copy()

    def _update(self):
        if not np.array_equal(self._weights_seen, self.model.flat):  # trained since the last redraw
            self._compute()
        if not weights_finite(self.model):
            self._say(NONFINITE)
        elif self.message.value and plain(self.message.value) == plain(NONFINITE):
            self._say("")
        t, T = self.slider.value, len(self._words)
        for name in self.panels:
            image = np.ma.masked_array(self._values[name].T, mask=np.zeros_like(self._values[name].T, dtype=bool))
            image.mask[:, t:] = True
            self._images[name].set_data(image)
            self._frames[name].set_visible(t > 0)
            self._frames[name].set_x(t - 1.5)
        label = plots.CELL_LABELS.get(self.cell_name, self.cell_name)
        self._title.set_text(f"{label}: gates and states after {t} of {T} words" if t else
                             f"{label}: nothing read yet (t = 0); move the slider")
        self.words.value = self._words_html(t)
        self._render(full=self._full)
        self._full = False

    def _words_html(self, t):
        T = len(self._words)
        p = self._probs[t]
        verdict = "not a number" if not np.isfinite(p) else f"{p:.3f}"
        step = (f"t = {t} of {T}: reading “{html.escape(self._words[t - 1])}”" if t else
                f"t = 0 of {T}: nothing read yet; move the slider")
        return super()._words_html(t, f"{step}; P({CLASS_NAMES[1]}) after it: {verdict}")


    @property
    def shown(self):
        """What is drawn now: phrase, t, T, the word highlighted, each panel's image data, P(positive), the message."""
        t = self.slider.value
        return {
            **self._step_shown(),
            "panels": {name: np.ma.copy(self._images[name].get_array()) for name in self.panels},
            "p_positive": float(self._probs[t]),
            "message": plain(self.message.value),
        }

"""TimeStepper: step through a phrase word by word: x_t, the hidden states filling in, the output."""

import html

import ipywidgets as widgets
import numpy as np
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.patches import Rectangle

from .. import plots
from ..analysis import step_outputs
from ..data.sentiment import CLASS_NAMES
from ._base import NONFINITE, PhraseInput, PhraseStepper, phrase_options, plain, weights_finite

#: Milliseconds between two steps of the Play button.
PLAY_INTERVAL_MS = 900
#: Font size (points) of the vocabulary beside x_t: readable at 100% zoom.
VOCAB_FONT_SIZE = 10


class TimeStepper(PhraseStepper):
    """Step through a phrase one word at a time and watch the hidden state fill in.

    Controls: ``phrase`` (dropdown of the given phrases), ``text`` (type any
    phrase, then Enter), ``slider`` (time step t = 0..T, arrow keys step it),
    ``play`` (steps the slider automatically, linked in the browser).
    Shown: ``words`` (the phrase, the word read at step t highlighted), and a
    figure of ``x_t``, the hidden states h_1..h_t as columns of a (H, T) heatmap
    (``RdBu_r``, fixed limits [-1, 1]; later columns blank), and the output
    probabilities the network would give if the phrase ended at t.

    Args:
        model: an ``RNN`` (trained or not); its weights are read at every redraw,
            so training it in place shows on the next step.
        vocab: its ``Vocabulary``; it reads typed text by its own rule.
        phrases: dropdown options, a list of texts or ``(label, text)`` pairs;
            by default the phrases of ``data``.
        phrase: the phrase shown first (any text the vocabulary can read).
        t: the step shown first.
        data: the phrases for the dropdown, ``{text: label}`` or
            ``{set name: {text: label}}``; the course's by default.
    """

    css_class = "rnn-time-stepper"

    def __init__(self, model, vocab, phrases=None, phrase=None, t=0, interval_ms=PLAY_INTERVAL_MS, data=None):
        super().__init__(figsize=(10.0, 4.2))
        self.model, self.vocab = model, vocab
        self._busy = False  # set while a change of several controls must not redraw at each one
        self.phrase_input = PhraseInput(phrase_options(data) if phrases is None else phrases, self._on_phrase)
        self.phrase, self.text = self.phrase_input.dropdown, self.phrase_input.text
        self.slider = widgets.IntSlider(value=0, min=0, max=1, description="t", continuous_update=True,
                                        layout=widgets.Layout(width="28em"))
        self.play = widgets.Play(value=0, min=0, max=1, interval=interval_ms, description="play",
                                 show_repeat=False)
        self._link = widgets.jslink((self.play, "value"), (self.slider, "value"))
        self.words = widgets.HTML()
        self.widget = self._box(self.phrase_input.box, widgets.HBox([self.play, self.slider]), self.message,
                                self.words, self.image)
        self._make_figure()
        self.current_phrase, self._words = None, None
        start = phrase if phrase is not None else self.phrase.value
        if not self.show_phrase(start, t=t):
            raise ValueError(f"cannot show {start!r}: " + plain(self.message.value))
        self.slider.observe(self._on_slider, "value")

    def _make_figure(self):
        fig = self.figure
        V, H, O = self.model.input_size, self.model.hidden_size, self.model.output_size
        self._ax_x = fig.add_axes((0.1, 0.2, 0.035, 0.68))
        self._ax_h = fig.add_axes((0.21, 0.2, 0.44, 0.68))
        cax = fig.add_axes((0.66, 0.2, 0.012, 0.68))
        self._ax_p = fig.add_axes((0.8, 0.2, 0.17, 0.68))
        plots.plot_input_vector(self._ax_x, np.zeros(V), self.vocab)
        self._im_x = self._ax_x.images[-1]
        self._ax_x.yaxis.set_tick_params(labelsize=VOCAB_FONT_SIZE)
        plots.plot_hidden_states(self._ax_h, np.zeros((1, H)), ["?"], t=0, colorbar=False)
        self._im_h = self._ax_h.images[-1]
        self._frame = self._ax_h.add_patch(Rectangle((-0.5, -0.5), 1, H, fill=False, lw=2.5,
                                                     edgecolor=plots.HIGHLIGHT_EDGE, visible=False))
        cbar = fig.colorbar(ScalarMappable(Normalize(*plots.HIDDEN_LIMITS), plots.HIDDEN_CMAP), cax=cax,
                            label="$h_t[j]$")
        names = CLASS_NAMES if O == len(CLASS_NAMES) else [str(c) for c in range(O)]
        plots.plot_output_probabilities(self._ax_p, np.full(O, 1 / O), names)
        self._bars = list(self._ax_p.containers[-1])
        self._bar_texts = list(self._ax_p.texts[-O:])
        cbar.set_ticks(np.linspace(*plots.HIDDEN_LIMITS, 5))
        # what changes with t or with the phrase (the time axis) is redrawn over a cached background
        self._animate(self._im_x, self._ax_x.title, self._im_h, self._frame, self._ax_h.title,
                      self._ax_h.xaxis, *self._bars, *self._bar_texts, self._ax_p.title)

    def __repr__(self):
        return f"TimeStepper: {self.current_phrase!r}, t = {self.slider.value} of {len(self._words)}"

    def show_phrase(self, text, t=0, typed=False):
        """Show ``text`` at step ``t``; return ``False`` (and show a message) if it cannot be read."""
        if not self._accept_phrase(text):
            return False
        words = self._words
        self._compute()
        T = len(words)
        H = self.model.hidden_size
        self._busy = True
        try:
            self.slider.value = 0
            self.slider.max = self.play.max = T
            self.slider.value = self.play.value = min(max(int(t), 0), T)
            self._im_h.set_data(np.ma.masked_all((H, T)))
            self._im_h.set_extent((-0.5, T - 0.5, H - 0.5, -0.5))
            self._ax_h.set_xticks(range(T), plots.time_labels(words))
            self._ax_h.set_xlim(-0.5, T - 0.5)
            self.phrase_input.show(self.current_phrase, typed=typed)
        finally:
            self._busy = False
        self.update()
        return True

    def _compute(self):
        self._hs, self._probs = step_outputs(self.model, self._indices)
        self._weights_seen = self.model.flat.copy()

    def _update(self):
        if not np.array_equal(self._weights_seen, self.model.flat):  # trained since the last redraw
            self._compute()
        finite = weights_finite(self.model)
        if not finite:
            self._say(NONFINITE)
        elif self.message.value and plain(self.message.value) == plain(NONFINITE):
            self._say("")  # the weights are numbers again (reset or reloaded)
        t, T = self.slider.value, len(self._words)
        V, H = self.model.input_size, self.model.hidden_size
        x = np.zeros(V)
        if t > 0:
            x[self._indices[t - 1]] = 1.0
        self._im_x.set_data(x[:, None])
        self._ax_x.set_title(f'$x_{{{t}}}$' if t else "$x_t$")
        image = np.ma.masked_array(self._hs[1:].T, mask=np.zeros((H, T), dtype=bool))
        image.mask[:, t:] = True
        self._im_h.set_data(image)
        self._frame.set_visible(t > 0)
        self._frame.set_x(t - 1.5)
        self._ax_h.set_title(f"hidden states $h_1, \\ldots, h_{{{t}}}$ ({H} units)" if t else
                             f"hidden states: none yet ($h_0 = 0$, {H} units)")
        p = self._probs[t]
        for bar, text, v in zip(self._bars, self._bar_texts, p):
            if np.isfinite(v):
                bar.set_width(v)
                text.set_x(v + 0.02)
                text.set_text(f"{v:.3f}")
            else:  # no bar and no number for what is not a number
                bar.set_width(0.0)
                text.set_x(0.02)
                text.set_text("not a number")
        self._ax_p.set_title(f"output if the phrase\nended at t = {t}")
        self.words.value = self._words_html(t)
        self._render(full=False)

    def _words_html(self, t):
        T = len(self._words)
        step = (f"t = {t} of {T}: reading “{html.escape(self._words[t - 1])}”" if t else
                f"t = 0 of {T}: nothing read yet (h<sub>0</sub> = 0); move the slider or press play")
        return super()._words_html(t, step)


    @property
    def shown(self):
        """What is drawn now: phrase, t, the word highlighted, x_t, the heatmap's data, the bars, the message."""
        return {
            **self._step_shown(),
            "x": np.asarray(self._im_x.get_array()).ravel().copy(),
            "hidden": np.ma.copy(self._im_h.get_array()),
            "probs": np.array([bar.get_width() for bar in self._bars]),
            "message": plain(self.message.value),
        }

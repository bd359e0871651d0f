"""Interactive explorers for the notebooks (ipywidgets + matplotlib).

    TimeStepper      step through a phrase word by word: x_t, the hidden states filling in, the output
    PhraseExplorer   type a phrase, see P(positive) after each word and the verdict
    GradientViewer   ||dL/dh_t|| over t on a log axis, for a phrase and a weight scale
    LiveTrainer      a button that trains the model in place, with a progress bar and live curves

Each is a class whose controls are attributes (``stepper.slider``, ``explorer.text``, ...), so a
notebook cell or a test can drive it (``stepper.slider.value = 3``); ``.shown`` tells what is
currently drawn, ``.widget`` is the ipywidgets container, and the object displays itself when it
is the last expression of a cell (its static picture, a PNG, is what a viewer without a kernel
shows). ``.update_ms`` lists the time of each redraw in milliseconds.

The figures are drawn by ``rnn_lib.plots`` on one matplotlib ``Figure`` per widget, kept for the
widget's life: an update changes the artists' data (``set_data``) and sends one PNG to an ``Image``
widget, which needs no particular matplotlib backend and takes some tens of milliseconds.
The computations come from ``rnn_lib.analysis``; the widgets only draw.
"""

import base64
import html
import io
import re
import time
import weakref

import ipywidgets as widgets
import numpy as np
from matplotlib import image as mpl_image
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import LogLocator, NullFormatter

from . import plots
from .analysis import hidden_grad_norms, step_outputs
from .data import test_data as TEST_DATA
from .data import train_data as TRAIN_DATA
from .model import HIDDEN_SIZE, RNN, as_rng
from .training import POSITIVE, SEED, History, train

#: Class names in the order of the output rows (row 1 is "positive", as in ``training``).
LABELS = ("negative", "positive")
#: Resolution of the widgets' figures: 80 dots per inch keeps a PNG small and fast to encode.
DPI = 80
#: zlib level of the PNGs sent to the browser: 1 encodes about three times faster than the default.
PNG_COMPRESS_LEVEL = 1
#: Background of the word being read.
HIGHLIGHT_COLOR = "#ffd966"
#: Milliseconds between two steps of the Play button.
PLAY_INTERVAL_MS = 900
#: Epochs the LiveTrainer's button trains by default.
TRAIN_EPOCHS = 200
#: Seconds between two redraws of the live training plot (a redraw every epoch would slow training).
REDRAW_EVERY_S = 0.25

_LIVE = weakref.WeakSet()  # every widget built here, so that training can refresh those sharing its model


def dataset_phrases(*datasets):
    """Dropdown options for the phrases of ``{text: label}`` mappings: ``[(label, text), ...]``.

    Defaults to the course's training then test phrases; the option label names
    each phrase's class and set, e.g. ``"not bad  (positive, train)"``.
    """
    datasets = datasets or (TRAIN_DATA, TEST_DATA)
    names = ("train", "test") if len(datasets) == 2 else ("",) * len(datasets)
    options, seen = [], set()
    for name, data in zip(names, datasets):
        for text, label in data.items():
            if text not in seen:
                seen.add(text)
                where = f", {name}" if name else ""
                options.append((f"{text}  ({LABELS[int(label)]}{where})", text))
    return options


def _label_of(text):
    """The dataset label of ``text`` as a class index, or ``None`` for a phrase outside the dataset."""
    for data in (TRAIN_DATA, TEST_DATA):
        if text in data:
            return int(data[text])
    return None


def read_phrase(vocab, text):
    """``text`` -> ``(words, indices, None)``, or ``(None, None, message)`` with a friendly HTML message.

    Text is lower-cased first (the vocabulary is lower case). The message names
    every unknown word and lists the vocabulary; it never shows a traceback.
    """
    words = text.lower().split() if isinstance(text, str) else []
    if not words:
        return None, None, "Type a phrase (at least one word), then press Enter."
    unknown = list(dict.fromkeys(w for w in words if w not in vocab))
    if unknown:
        named = ", ".join(f"<b>“{html.escape(w)}”</b>" for w in unknown)
        which = "is not a word" if len(unknown) == 1 else "are not words"
        known = " ".join(html.escape(w) for w in vocab)
        return None, None, (f"{named} {which} this network knows: it can read only the {len(vocab)} "
                            f"words of its vocabulary:<br><code>{known}</code>")
    return words, vocab.encode(" ".join(words)), None


def _show_phrase_in(dropdown, text_box, phrase):
    """Show ``phrase`` in the dropdown if it is one of its options (clearing the text box), else in the box."""
    texts = [o[1] if isinstance(o, tuple) else o for o in dropdown.options]
    if phrase in texts:
        dropdown.value, text_box.value = phrase, ""
    else:
        dropdown.value = None
        if " ".join(text_box.value.lower().split()) != phrase:
            text_box.value = phrase


def _plain(markup):
    """The text an HTML snippet shows (line breaks as spaces), for ``.shown`` and error messages."""
    return html.unescape(re.sub("<[^>]+>", "", re.sub("<br>", " ", markup))).strip()


def _message_html(text):
    if not text:
        return ""
    return (f'<div class="rnn-message" style="background:#fff4e5;border-left:4px solid #f0a030;'
            f'padding:6px 10px;margin:4px 0">{text}</div>')


class _FigureWidget:
    """A matplotlib Figure rendered into an ``ipywidgets.Image``, with a message area and timings."""

    css_class = "rnn-widget"

    def __init__(self, figsize):
        self.figure = Figure(figsize=figsize, dpi=DPI)
        FigureCanvasAgg(self.figure)
        self.image = widgets.Image(format="png")
        self.message = widgets.HTML()
        self.update_ms = []
        self._busy = False  # set while a change of several controls must not redraw at each one
        self._animated, self._background = [], None
        _LIVE.add(self)

    def _accept_phrase(self, text):
        """Read ``text`` with ``self.vocab``: on success store it as the current phrase and return True;
        otherwise show the friendly message (naming the word and the vocabulary) and return False."""
        words, indices, problem = read_phrase(self.vocab, text)
        if problem:
            self.message.value = _message_html(problem)
            return False
        self.message.value = ""
        self.current_phrase, self._words, self._indices = " ".join(words), words, indices
        return True

    def _render(self, full=True):
        """Draw the figure into the Image widget.

        ``full=False`` redraws only the artists listed in ``self._animated`` over
        a copy of the rest taken at the last full draw (blitting): a time step
        changes a few artists, while the axes, ticks and labels stay as they were.
        """
        canvas = self.figure.canvas
        if full or self._background is None:
            canvas.draw()  # skips the animated artists
            self._background = canvas.copy_from_bbox(self.figure.bbox)
        else:
            canvas.restore_region(self._background)
        for artist in self._animated:
            self.figure.draw_artist(artist)
        buffer = io.BytesIO()
        mpl_image.imsave(buffer, np.asarray(canvas.buffer_rgba()), format="png", dpi=DPI,
                         pil_kwargs={"compress_level": PNG_COMPRESS_LEVEL})
        self.image.value = buffer.getvalue()

    def _animate(self, *artists):
        """Mark artists that change at every update: they are drawn over the cached background."""
        for artist in artists:
            artist.set_animated(True)
            self._animated.append(artist)

    def update(self):
        """Redraw from the controls' current values; the time taken is appended to ``update_ms``."""
        start = time.perf_counter()
        self._update()
        self.update_ms.append(1000 * (time.perf_counter() - start))

    def _update(self):
        raise NotImplementedError

    def refresh(self):
        """Redraw after the model's weights changed (training calls this for the widgets sharing its model)."""
        self.update()

    def _box(self, *rows):
        box = widgets.VBox([r for r in rows if r is not None])
        box.add_class(self.css_class)
        return box

    def display(self):
        """Show the widget in the notebook (the same as ending a cell with it)."""
        from IPython.display import display

        display(self)

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        data = dict(self.widget._repr_mimebundle_(**kwargs) or {})
        data["text/plain"] = repr(self)
        if self.image.value:  # a static picture for viewers without a running kernel
            data["image/png"] = base64.b64encode(self.image.value).decode("ascii")
        return data


class TimeStepper(_FigureWidget):
    """Step through a phrase one word at a time and watch the hidden state fill in.

    Controls: ``phrase`` (dropdown of the dataset's phrases), ``text`` (type any
    phrase, then Enter), ``slider`` (time step t = 0..T, arrow keys step it),
    ``play`` (steps the slider automatically, linked in the browser).
    Shown: ``words`` (the phrase, the word read at step t highlighted), and a
    figure of ``x_t``, the hidden states h_1..h_t as columns of a (H, T) heatmap
    (``RdBu_r``, fixed limits [-1, 1]; later columns blank), and the output
    probabilities the network would give if the phrase ended at t.

    Args:
        model: an ``RNN`` (trained or not); its weights are read at every redraw,
            so training it in place shows on the next step.
        vocab: its ``Vocabulary``.
        phrases: dropdown options, a list of texts or ``(label, text)`` pairs;
            the dataset's phrases by default.
        phrase: the phrase shown first (any text the vocabulary can read).
        t: the step shown first.
    """

    css_class = "rnn-time-stepper"

    def __init__(self, model, vocab, phrases=None, phrase=None, t=0, interval_ms=PLAY_INTERVAL_MS):
        super().__init__(figsize=(10.0, 4.2))
        self.model, self.vocab = model, vocab
        options = dataset_phrases() if phrases is None else list(phrases)
        self.phrase = widgets.Dropdown(options=options, description="phrase",
                                       layout=widgets.Layout(width="30em"))
        self.text = widgets.Text(description="or type", placeholder="a phrase of your own, then Enter",
                                 continuous_update=False, layout=widgets.Layout(width="30em"))
        self.slider = widgets.IntSlider(value=0, min=0, max=1, description="t", continuous_update=True,
                                        layout=widgets.Layout(width="28em"))
        self.play = widgets.Play(value=0, min=0, max=1, interval=interval_ms, description="play",
                                 show_repeat=False)
        self._link = widgets.jslink((self.play, "value"), (self.slider, "value"))
        self.words = widgets.HTML()
        self.widget = self._box(widgets.HBox([self.phrase, self.text]),
                                widgets.HBox([self.play, self.slider]), self.message, self.words, self.image)
        self._make_figure()
        self.current_phrase, self._words = None, None
        start = phrase if phrase is not None else self.phrase.value
        if not self.show_phrase(start, t=t):
            raise ValueError(f"cannot show {start!r}: " + _plain(self.message.value))
        self.phrase.observe(self._on_dropdown, "value")
        self.text.observe(self._on_text, "value")
        self.slider.observe(self._on_slider, "value")

    def _make_figure(self):
        fig = self.figure
        V, H, O = self.model.input_size, self.model.hidden_size, self.model.output_size
        self._ax_x = fig.add_axes((0.085, 0.2, 0.035, 0.68))
        self._ax_h = fig.add_axes((0.2, 0.2, 0.45, 0.68))
        cax = fig.add_axes((0.66, 0.2, 0.012, 0.68))
        self._ax_p = fig.add_axes((0.8, 0.2, 0.17, 0.68))
        plots.plot_input_vector(self._ax_x, np.zeros(V), self.vocab)
        self._im_x = self._ax_x.images[-1]
        self._ax_x.yaxis.set_tick_params(labelsize=8)
        plots.plot_hidden_states(self._ax_h, np.zeros((1, H)), ["?"], t=0, colorbar=False)
        self._im_h = self._ax_h.images[-1]
        self._frame = self._ax_h.add_patch(Rectangle((-0.5, -0.5), 1, H, fill=False, lw=2.5,
                                                     edgecolor=plots._HIGHLIGHT_EDGE, visible=False))
        cbar = fig.colorbar(ScalarMappable(Normalize(*plots.HIDDEN_LIMITS), plots.HIDDEN_CMAP), cax=cax,
                            label="$h_t[j]$")
        plots.plot_output_probabilities(self._ax_p, np.full(O, 1 / O), LABELS[:O] if O == 2 else range(O))
        self._bars = list(self._ax_p.containers[-1])
        self._bar_texts = list(self._ax_p.texts[-O:])
        cbar.set_ticks(np.linspace(*plots.HIDDEN_LIMITS, 5))
        # what changes with t or with the phrase (the time axis) is redrawn over a cached background
        self._animate(self._im_x, self._ax_x.title, self._im_h, self._frame, self._ax_h.title,
                      self._ax_h.xaxis, *self._bars, *self._bar_texts, self._ax_p.title)

    def __repr__(self):
        return f"TimeStepper: {self.current_phrase!r}, t = {self.slider.value} of {len(self._words)}"

    def show_phrase(self, text, t=0):
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
            self._ax_h.set_xticks(range(T), plots._time_labels(words))
            self._ax_h.set_xlim(-0.5, T - 0.5)
            _show_phrase_in(self.phrase, self.text, self.current_phrase)
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
        t, words, T = self.slider.value, self._words, len(self._words)
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
            bar.set_width(v)
            text.set_x(v + 0.02)
            text.set_text(f"{v:.3f}")
        self._ax_p.set_title(f"output if the phrase\nended at t = {t}")
        self.words.value = self._words_html(t)
        self._render(full=False)

    def _words_html(self, t):
        T = len(self._words)
        spans = []
        for i, w in enumerate(self._words, start=1):
            w = html.escape(w)
            if i == t:
                spans.append(f'<mark class="rnn-current-word" style="background:{HIGHLIGHT_COLOR};'
                             f'font-weight:bold;padding:0 0.2em;border-radius:3px">{w}</mark>')
            else:
                spans.append(f'<span style="color:{"inherit" if i < t else "#999"}">{w}</span>')
        step = (f"t = {t} of {T}: reading “{html.escape(self._words[t - 1])}”" if t else
                f"t = 0 of {T}: nothing read yet (h<sub>0</sub> = 0); move the slider or press play")
        return (f'<div style="font-size:1.3em;line-height:1.6">{" ".join(spans)}</div>'
                f'<div style="color:#555">{step}</div>')

    def _on_slider(self, change):
        if not self._busy:
            self.update()

    def _on_dropdown(self, change):
        if not self._busy and change["new"] is not None and change["new"] != self.current_phrase:
            self.show_phrase(change["new"])

    def _on_text(self, change):
        if not self._busy and change["new"].strip():
            self.show_phrase(change["new"])

    @property
    def shown(self):
        """What is drawn now: phrase, t, the word highlighted, x_t, the heatmap's data, the bars, the message."""
        match = re.search(r'class="rnn-current-word"[^>]*>([^<]*)</mark>', self.words.value)
        t = self.slider.value
        return {
            "phrase": self.current_phrase,
            "t": t,
            "T": len(self._words),
            "word": self._words[t - 1] if t else None,
            "highlighted": html.unescape(match.group(1)) if match else None,
            "x": np.asarray(self._im_x.get_array()).ravel().copy(),
            "hidden": np.ma.copy(self._im_h.get_array()),
            "probs": np.array([bar.get_width() for bar in self._bars]),
            "message": _plain(self.message.value),
        }


class PhraseExplorer(_FigureWidget):
    """Type a phrase; see P(positive) after each word and the final verdict.

    Controls: ``text`` (the phrase; the plot updates on Enter). Shown: a line of
    P(positive) over the words, ``verdict``, and ``message`` for a phrase the
    network cannot read (a word outside the vocabulary: named, with the
    vocabulary listed; never a traceback).
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
            return f"PhraseExplorer: {self.text.value!r} cannot be read"
        return f"PhraseExplorer: {self.current_phrase!r} -> {self._verdict_word()} (P(positive) = {self._p[-1]:.3f})"

    def _verdict_word(self):
        return LABELS[POSITIVE] if self._p[-1] > 0.5 else LABELS[1 - POSITIVE]

    def _update(self):
        words, indices, problem = read_phrase(self.vocab, self.text.value)
        if problem:
            self.message.value = _message_html(problem)
            self.verdict.value = ""
            self.image.layout.display = "none"
            self.current_phrase, self._words, self._p = None, None, None
            return
        _, probs = step_outputs(self.model, indices)
        self.current_phrase, self._words, self._p = " ".join(words), words, probs[1:, POSITIVE]
        T = len(words)
        self._line.set_data(np.arange(1, T + 1), self._p)
        self._ax.set_xticks(range(1, T + 1), plots._time_labels(words))
        self._ax.set_xlim(0.5, T + 0.5)
        self._ax.set_title(f"“{self.current_phrase}”: P(positive) after each word")
        colour = "#2166ac" if self._p[-1] > 0.5 else "#b2182b"
        self.verdict.value = (f'<div class="rnn-verdict" style="font-size:1.2em">Verdict: '
                              f'<b style="color:{colour}">{self._verdict_word()}</b> '
                              f'(P(positive) = {self._p[-1]:.3f} after the last word)</div>')
        self.message.value = ""
        self.image.layout.display = None
        self._render(full=False)

    def refresh(self):
        self.update()

    def _on_text(self, change):
        self.update()

    @property
    def shown(self):
        """What is drawn now: phrase, words on the axis, the curve's values, the verdict, the message."""
        return {
            "phrase": self.current_phrase,
            "words": [label.get_text().split("\n")[-1] for label in self._ax.get_xticklabels()],
            "probs": np.asarray(self._line.get_ydata(), dtype=float).copy(),
            "verdict": _plain(self.verdict.value),
            "message": _plain(self.message.value),
            "plot_visible": self.image.layout.display != "none",
        }


class GradientViewer(_FigureWidget):
    """``||dL/dh_t||`` over t on a log axis for a phrase and a weight scale: vanishing gradients made visible.

    The network is an ``RNN`` whose weights are drawn once from a standard
    normal (``seed``) and multiplied by the slider's scale ``s`` (so they are
    N(0, s^2), the same draws as ``RNN(V, 2, hidden_size, rng=seed, init=s)``;
    the biases are zero); the loss is the cross-entropy of the phrase's label
    in the dataset, or ``default_label`` for a phrase outside it.

    Controls: ``phrase`` (dropdown), ``text`` (type a phrase, then Enter),
    ``scale`` (log slider; it redraws when released or stepped with the keys).
    """

    css_class = "rnn-gradient-viewer"

    def __init__(self, vocab, phrase=None, scale=0.1, hidden_size=HIDDEN_SIZE, seed=SEED, phrases=None,
                 default_label=True):
        super().__init__(figsize=(8.0, 3.6))
        self.vocab, self.default_label = vocab, int(default_label)
        self._base = RNN(len(vocab), 2, hidden_size, rng=seed, init=1.0)
        self.model = self._base.copy()
        options = dataset_phrases() if phrases is None else list(phrases)
        if phrase is None:  # the longest phrase shows the decay best
            phrase = max((o[1] if isinstance(o, tuple) else o for o in options), key=lambda s: len(s.split()))
        self.phrase = widgets.Dropdown(options=options, description="phrase", layout=widgets.Layout(width="30em"))
        self.text = widgets.Text(description="or type", placeholder="a phrase of your own, then Enter",
                                 continuous_update=False, layout=widgets.Layout(width="30em"))
        self.scale = widgets.FloatLogSlider(value=scale, base=10, min=-3, max=1, step=0.1,
                                            description="weight scale", readout_format=".3g",
                                            continuous_update=False, style={"description_width": "initial"},
                                            layout=widgets.Layout(width="32em"))
        self.summary = widgets.HTML()
        self.widget = self._box(widgets.HBox([self.phrase, self.text]), self.scale, self.message,
                                self.summary, self.image)
        self._ax = self.figure.add_axes((0.12, 0.22, 0.84, 0.66))
        plots.plot_hidden_grad_norms(self._ax, [1.0, 1.0], ["?"])
        self._line = self._ax.lines[-1]
        self._ax.yaxis.set_major_locator(LogLocator(numticks=7))
        self._ax.yaxis.set_minor_formatter(NullFormatter())  # labelled minor ticks cost time, add little
        self.current_phrase = None
        if not self._set_phrase(phrase):
            raise ValueError(f"cannot show {phrase!r}: " + _plain(self.message.value))
        self.update()
        self.phrase.observe(self._on_dropdown, "value")
        self.text.observe(self._on_text, "value")
        self.scale.observe(self._on_scale, "value")

    def __repr__(self):
        return f"GradientViewer: {self.current_phrase!r}, weight scale {self.scale.value:.3g}"

    def _set_phrase(self, text):
        if not self._accept_phrase(text):
            return False
        label = _label_of(self.current_phrase)
        self.target = self.default_label if label is None else label
        self._busy = True
        try:
            _show_phrase_in(self.phrase, self.text, self.current_phrase)
        finally:
            self._busy = False
        return True

    def _update(self):
        s = self.scale.value
        self.model.flat[...] = s * self._base.flat
        self.norms = hidden_grad_norms(self.model, self._indices, self.target)
        T = len(self._words)
        self._line.set_data(np.arange(T + 1), self.norms)
        self._ax.set_xticks(range(T + 1), ["t=0\n$h_0$"] + plots._time_labels(self._words))
        self._ax.set_xlim(-0.3, T + 0.3)
        low, high = self.norms.min(), self.norms.max()
        self._ax.set_ylim(low / 3, high * 3)
        self._ax.set_title(f"“{self.current_phrase}” (label: {LABELS[self.target]}), "
                           f"weights ~ N(0, s²), s = {s:.3g}")
        ratio = self.norms[0] / self.norms[-1]
        per_step = ratio ** (1 / T)
        self.summary.value = (f"From h<sub>{T}</sub> back to h<sub>0</sub> the gradient's norm changes "
                              f"by a factor <b>{ratio:.2g}</b> (about ×{per_step:.2g} per step).")
        self._render()

    def _on_scale(self, change):
        self.update()

    def _on_dropdown(self, change):
        if not self._busy and change["new"] is not None and self._set_phrase(change["new"]):
            self.update()

    def _on_text(self, change):
        if not self._busy and change["new"].strip() and self._set_phrase(change["new"]):
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
            "message": _plain(self.message.value),
        }


class LiveTrainer(_FigureWidget):
    """A button that trains the model in place for N epochs, with a progress bar and live curves.

    The same ``model`` object is trained (``rnn_lib.train``, per-epoch callback),
    so every widget built on it shows the trained network afterwards (they are
    refreshed when training ends). ``history`` (optional) is the model's
    earlier ``History``, drawn first; new epochs continue its numbering.

    Controls: ``epochs`` (N), ``button`` (train N epochs), ``reset`` (fresh
    random weights from ``seed``, history cleared). Shown: ``progress``,
    ``status`` and the loss and accuracy curves (train and test).
    ``train(epochs)`` does what the button does, from code.
    Extra keyword arguments are passed on to ``rnn_lib.train``.
    """

    css_class = "rnn-live-trainer"

    def __init__(self, model, vocab, train_data=TRAIN_DATA, test_data=TEST_DATA, epochs=TRAIN_EPOCHS,
                 seed=SEED, history=None, redraw_every_s=REDRAW_EVERY_S, **train_kwargs):
        super().__init__(figsize=(9.0, 3.2))
        self.model, self.vocab = model, vocab
        self.train_data, self.test_data, self.train_kwargs = train_data, test_data, train_kwargs
        self.seed, self.redraw_every_s = seed, redraw_every_s
        self._rng = as_rng(seed)
        self.history = History()
        for i in range(len(history or ())):
            self.history.append(history.epoch[i], history.train_loss[i], history.train_acc[i],
                                history.test_loss[i], history.test_acc[i])
        self.epochs = widgets.BoundedIntText(value=epochs, min=1, max=100_000, description="epochs",
                                             layout=widgets.Layout(width="12em"))
        self.button = widgets.Button(description="Train", icon="play", button_style="primary",
                                     tooltip="train the model for this many epochs")
        self.reset = widgets.Button(description="Reset weights", icon="undo",
                                    tooltip="fresh random weights (the same seed), history cleared")
        self.progress = widgets.IntProgress(value=0, min=0, max=epochs, description="progress")
        self.status = widgets.HTML()
        self.widget = self._box(widgets.HBox([self.epochs, self.button, self.reset]),
                                widgets.HBox([self.progress, self.status]), self.message, self.image)
        self._ax_loss = self.figure.add_axes((0.08, 0.17, 0.38, 0.7))
        self._ax_acc = self.figure.add_axes((0.58, 0.17, 0.38, 0.7))
        plots.plot_learning_curves(self._ax_loss, self.history, "loss", title="loss (cross-entropy)")
        plots.plot_learning_curves(self._ax_acc, self.history, "accuracy")
        self._lines = {"train_loss": self._ax_loss.lines[0], "test_loss": self._ax_loss.lines[1],
                       "train_acc": self._ax_acc.lines[0], "test_acc": self._ax_acc.lines[1]}
        self.training = False
        self.button.on_click(self._on_train_click)
        self.reset.on_click(self._on_reset_click)
        self.update()

    def __repr__(self):
        return f"LiveTrainer: {len(self.history)} epochs in its history; Train runs {self.epochs.value} more"

    def train(self, epochs=None):
        """Train ``epochs`` more epochs (the box's value by default), redrawing as it goes; return the history."""
        n = self.epochs.value if epochs is None else int(epochs)
        start = self.history.epoch[-1] if len(self.history) else 0
        self.training = True
        self.button.disabled = self.reset.disabled = True
        self.button.description = "Training…"
        self.progress.max, self.progress.value = n, 0
        self._last_draw = time.perf_counter()

        def after_epoch(run):
            self.history.append(start + run.epoch[-1], run.train_loss[-1], run.train_acc[-1],
                                run.test_loss[-1], run.test_acc[-1])
            self.progress.value = len(run)
            if time.perf_counter() - self._last_draw >= self.redraw_every_s:
                self.update()
                self._last_draw = time.perf_counter()

        try:
            train(self.model, self.vocab, self.train_data, self.test_data, epochs=n, rng=self._rng,
                  callback=after_epoch, **self.train_kwargs)
        finally:
            self.training = False
            self.button.disabled = self.reset.disabled = False
            self.button.description = "Train"
            self.update()
            self._refresh_others()
        return self.history

    def reset_weights(self):
        """Give the model fresh random weights and clear the history, as ``fit(seed)`` starts.

        One generator seeded with ``seed`` draws the weights (the article's
        initialisation) and then the shuffles, as in ``rnn_lib.fit``: training N
        epochs after a reset gives exactly ``fit(seed, epochs=N)``'s model.
        """
        self._rng = as_rng(self.seed)
        fresh = RNN(self.model.input_size, self.model.output_size, self.model.hidden_size, rng=self._rng)
        self.model.flat[...] = fresh.flat
        self.history = History()
        self.progress.value = 0
        self.update()
        self._refresh_others()

    def _refresh_others(self):
        for other in list(_LIVE):
            if other is not self and getattr(other, "model", None) is self.model:
                other.refresh()

    def _on_train_click(self, button):
        if not self.training:
            self.train()

    def _on_reset_click(self, button):
        if not self.training:
            self.reset_weights()

    def _update(self):
        h = self.history
        has_test = len(h) > 0 and h.test_loss[-1] is not None
        for key, line in self._lines.items():
            values = getattr(h, key)
            if key.startswith("test") and not has_test:
                values = []
            line.set_data(h.epoch[:len(values)], values)
        for ax in (self._ax_loss, self._ax_acc):
            ax.relim()
            ax.autoscale_view(scaley=ax is self._ax_loss)
        if len(h) == 0:
            self.status.value = "not trained yet: press Train"
        else:
            test = f", test loss {h.test_loss[-1]:.3f}, accuracy {h.test_acc[-1]:.3f}" if has_test else ""
            self.status.value = (f"epoch {h.epoch[-1]}: train loss {h.train_loss[-1]:.3f}, "
                                 f"accuracy {h.train_acc[-1]:.3f}{test}")
        self._render()

    @property
    def shown(self):
        """What is drawn now: the curves' data, the progress bar, the status line."""
        data = {key: np.asarray(line.get_ydata(), dtype=float).copy() for key, line in self._lines.items()}
        data["epoch"] = np.asarray(self._lines["train_loss"].get_xdata(), dtype=float).copy()
        data["progress"] = (self.progress.value, self.progress.max)
        data["status"] = _plain(self.status.value)
        return data

"""The language model's widgets: sample names at a temperature; look at P(next character) after a prefix.

    NameSampler        a temperature slider, a seed and a Sample button: the names drawn, the new ones marked
    NextCharExplorer   type a prefix, step through it: P(next character) as bars, the hidden states h_1..h_t

Both take a ``rnn_lib.lm.CharLM`` (trained or not; its weights are read at every redraw) and only
draw: the numbers come from ``CharLM.sample`` and ``CharLM.next_probs``/``CharLM.forward``.
"""

import html

import ipywidgets as widgets
import numpy as np
from matplotlib.colors import to_rgba
from matplotlib.patches import Rectangle

from .. import checks, plots
from ..lm import END, MAX_LENGTH
from ._base import NONFINITE, FigureWidget, plain, weights_finite

#: The longest prefix the explorer reads, in characters (the sampler writes names of at most as many).
MAX_PREFIX = MAX_LENGTH
#: How the end token is labelled on the character axis.
END_LABEL = "end"
#: How the start token (the first input, the same symbol as the end token) is labelled on the time axis.
START_LABEL = "start"
#: The temperature slider's range: 10**-1 .. 10**1, on a log scale (1 in the middle).
TEMPERATURE_LOG_RANGE = (-1.0, 1.0)
#: Colour of the ordinary bars, and of the bar of the character that comes next in the prefix.
BAR_COLOR, NEXT_COLOR = plots.CLASS_COLORS[0], plots.HIGHLIGHT_EDGE


def char_labels(alphabet):
    """The character axis' labels: the end token named ``END_LABEL``, the letters as they are."""
    return [END_LABEL if c == END else c for c in alphabet]


def _char_bars(ax, alphabet, title):
    """Vertical bars of a distribution over ``alphabet`` (all 0 at first), probability 0..1; returns the bars.

    The end token's bar stands one place apart from the letters, room for its label.
    """
    V = len(alphabet)
    x = np.arange(V) + (np.arange(V) > 0)
    bars = list(ax.bar(x, np.zeros(V), color=BAR_COLOR, width=0.8))
    ax.set_xticks(x, char_labels(alphabet))
    ax.tick_params(axis="x", labelsize=9)
    ax.set_xlim(-0.7, x[-1] + 0.7)
    ax.set_ylim(0, 1)
    ax.set_ylabel("probability")
    ax.set_title(title)
    return bars


def _quoted_char(c):
    text = f"<b>“{html.escape(c)}”</b>"
    if not c.isascii() or not c.isprintable():
        text += f" <code>({html.escape(ascii(c)[1:-1])})</code>"
    return text


def read_prefix(model, text, max_chars=MAX_PREFIX):
    """``text`` -> ``(prefix, None)``, or ``(None, message)`` with a friendly HTML message, never a traceback.

    Spaces around the text are dropped; an empty prefix is allowed (the first
    character's distribution). A character outside the model's alphabet, or the
    end token, is named with the alphabet; a prefix of more than ``max_chars``
    characters is refused.
    """
    if not isinstance(text, str):
        return None, f"The prefix must be text, got {html.escape(type(text).__name__)}."
    prefix = text.strip()
    if len(prefix) > max_chars:
        return None, (f"This prefix has {len(prefix)} characters: the widget reads at most {max_chars}. "
                      f"Type a shorter one.")
    letters = model.alphabet.replace(END, "")
    bad = list(dict.fromkeys(c for c in prefix if c not in model.index or c == END))
    if bad:
        named = ", ".join(_quoted_char(c) for c in bad[:10])
        which = "is not a character" if len(bad) == 1 else "are not characters"
        hint = ""
        if any(c == END for c in bad):
            hint = f" (“{END}” is the end token: a name stops there)"
        elif any(c.lower() in letters for c in bad):
            hint = " (capital letters: type the name in lowercase)"
        return None, (f"{named} {which} this model reads{hint}. Its alphabet is the {len(letters)} "
                      f"characters:<br><code>{html.escape(letters)}</code>")
    return prefix, None


class NameSampler(FigureWidget):
    """Draw names from a language model at a temperature; each Sample click draws with the next seed.

    Controls: ``temperature`` (a log slider, 0.1 .. 10), ``seed`` (the seed of the
    names shown; any int >= 0 can be typed), ``button`` ("Sample": the next seed,
    so each click draws new names and every set shown can be drawn again from its
    seed). Shown: the names, ``model.sample(n, temperature, seed)``, with the ones
    not among ``train_names`` marked new (if given), and a bar chart of the first
    character's distribution ``softmax(y_1 / temperature)``: how the temperature
    sharpens or flattens what is drawn.

    Args:
        model: a ``CharLM``.
        train_names: optional training names: a name not among them is marked new.
        n: names per draw (1 .. 100).
        temperature: the first temperature, in 0.1 .. 10.
        seed: the first seed, an int >= 0.
    """

    css_class = "rnn-name-sampler"

    def __init__(self, model, train_names=None, n=10, temperature=1.0, seed=0):
        n = checks.positive_int(n, "n")
        if n > 100:
            raise ValueError(f"n must be at most 100 names a draw, got {n}")
        temperature = checks.positive_number(temperature, "temperature")
        low, high = 10 ** TEMPERATURE_LOG_RANGE[0], 10 ** TEMPERATURE_LOG_RANGE[1]
        if not low <= temperature <= high:
            raise ValueError(f"temperature must be in {low:g} .. {high:g} (the slider's range), got {temperature}")
        if not checks.is_int(seed) or seed < 0:
            raise ValueError(f"seed must be an int >= 0, got {seed!r}")
        if train_names is not None and (isinstance(train_names, str) or
                                        not all(isinstance(s, str) for s in train_names)):
            raise TypeError("train_names must be a list of names (str), or None")
        super().__init__(figsize=(8.0, 2.6))
        self.model, self.n = model, n
        self.train_names = None if train_names is None else frozenset(train_names)
        self.temperature = widgets.FloatLogSlider(value=temperature, base=10, min=TEMPERATURE_LOG_RANGE[0],
                                                  max=TEMPERATURE_LOG_RANGE[1], step=0.05,
                                                  description="temperature", readout_format=".2f",
                                                  continuous_update=False, style={"description_width": "initial"},
                                                  layout=widgets.Layout(width="26em"))
        self.seed = widgets.BoundedIntText(value=int(seed), min=0, max=2**31 - 1, description="seed",
                                           layout=widgets.Layout(width="12em"))
        self.button = widgets.Button(description="Sample", tooltip="draw names with the next seed",
                                     button_style="primary", icon="random")
        self.names = widgets.HTML()
        self.widget = self._box(widgets.HBox([self.temperature, self.seed, self.button]), self.message,
                                self.names, self.image)
        self._ax = self.figure.add_axes((0.08, 0.2, 0.9, 0.66))
        self._bars = _char_bars(self._ax, model.alphabet, "")
        self._animate(*self._bars, self._ax.title)
        self._names, self._drawn_with = [], None
        self.update()
        self.temperature.observe(self._on_change, "value")
        self.seed.observe(self._on_change, "value")
        self.button.on_click(self._on_click)

    def __repr__(self):
        if not self._names:
            return f"NameSampler: no names (the weights are not finite), temperature {self.temperature.value:.2f}"
        new = "" if self.train_names is None else f", {self.n_new} of {len(self._names)} new"
        return (f"NameSampler: temperature {self.temperature.value:.2f}, seed {self.seed.value}{new}: "
                + ", ".join(self._names))

    @property
    def n_new(self):
        """How many names shown are not training names (None without training names)."""
        if self.train_names is None:
            return None
        return sum(name not in self.train_names for name in self._names)

    def _on_click(self, _button):
        self.seed.value = self.seed.value + 1  # observed: draws with the new seed

    def _on_change(self, change):
        self.update()

    def _first_char_probs(self, temperature):
        h, _ = self.model.cell.step_forward(self.model.params, self.model.eye[:, :1], self.model.zero_state(1))
        y = (self.model.params["Why"] @ h[0] + self.model.params["by"])[:, 0] / temperature
        e = np.exp(y - y.max())
        return e / e.sum()

    def _update(self):
        temperature, seed = float(self.temperature.value), int(self.seed.value)
        if not weights_finite(self.model):
            self._names, self._drawn_with = [], None
            self._say(NONFINITE)
            self.names.value = ""
            self.image.layout.display = "none"
            return
        p = self._first_char_probs(temperature)
        if not np.isfinite(p).all():  # finite weights can still overflow
            self._names, self._drawn_with = [], None
            self._say(NONFINITE)
            self.names.value, self.image.layout.display = "", "none"
            return
        self._say("")
        self._names = self.model.sample(self.n, temperature=temperature, seed=seed)
        self._drawn_with = (temperature, seed)
        self.names.value = self._names_html()
        for bar, v in zip(self._bars, p):
            bar.set_height(v)
        self._ax.set_title(f"the first character's distribution at temperature {temperature:.2f}: "
                           f"softmax$(y_1 / {temperature:.2f})$")
        self.image.layout.display = None
        self._render(full=False)

    def _names_html(self):
        items = []
        for name in self._names:
            shown = html.escape(name) if name else "<i>(empty)</i>"  # the end token drawn first
            if self.train_names is not None and name not in self.train_names:
                items.append(f'<b class="rnn-new-name" style="color:{plots.CLASS_TEXT_COLORS[0]}">{shown}</b>'
                             '<sup style="color:#555">new</sup>')
            else:
                items.append(f'<span style="color:{"#777" if self.train_names is not None else "inherit"}">'
                             f'{shown}</span>')
        temperature, seed = self._drawn_with
        summary = f"{len(self._names)} names, temperature {temperature:.2f}, seed {seed}"
        if self.train_names is not None:
            summary += f": {self.n_new} new (bold), {len(self._names) - self.n_new} among the training names (grey)"
        return (f'<div class="rnn-names" style="font-size:1.2em;line-height:1.6">{", ".join(items)}</div>'
                f'<div class="rnn-names-summary" style="color:#555">{summary}. Sample draws with the next seed.</div>')

    @property
    def shown(self):
        """What is shown now: temperature, seed, the names (and which are new), the first character's bars."""
        return {
            "temperature": float(self.temperature.value),
            "seed": int(self.seed.value),
            "names": list(self._names),
            "new": None if self.train_names is None else [n for n in self._names if n not in self.train_names],
            "n_new": self.n_new,
            "probs": np.array([bar.get_height() for bar in self._bars]),
            "labels": [label.get_text() for label in self._ax.get_xticklabels()],
            "message": plain(self.message.value),
            "plot_visible": self.image.layout.display != "none",
        }


class NextCharExplorer(FigureWidget):
    """Type a prefix and step through it: P(next character) at each step, and the hidden states so far.

    The model reads the start token ``"."`` then the prefix: the inputs
    x_1 .. x_{T} are ``"." + prefix``, T = len(prefix) + 1. Controls: ``text``
    (the prefix, read on Enter: lowercase letters, at most ``MAX_PREFIX``; a
    character outside the alphabet gets a message naming it and the alphabet),
    ``slider`` (t = 1 .. T, arrow keys step it). Shown at step t: the bars of
    P(x_{t+1} | x_1 .. x_t), i.e. ``model.next_probs(prefix[:t - 1])``, over the
    alphabet (the end token labelled ``"end"``; the prefix's next character, if
    any, in red), and the hidden states h_1 .. h_t as columns of an (H, T) heatmap
    (``plots.plot_hidden_states``: ``RdBu_r`` on [-1, 1], later columns blank).

    Args:
        model: a ``CharLM`` with the vanilla cell or a gated one (h_t is drawn).
        prefix: the prefix shown first.
        t: the step shown first (default: the whole prefix read).
    """

    css_class = "rnn-next-char"

    def __init__(self, model, prefix="jo", t=None):
        super().__init__(figsize=(10.0, 4.4))
        self.model = model
        self._busy = False
        self.text = widgets.Text(value=prefix if isinstance(prefix, str) else "", description="prefix",
                                 placeholder="the start of a name, then Enter", continuous_update=False,
                                 layout=widgets.Layout(width="24em"))
        self.slider = widgets.IntSlider(value=1, min=1, max=1, description="t", continuous_update=True,
                                        layout=widgets.Layout(width="24em"))
        self.readout = widgets.HTML()
        self.widget = self._box(widgets.HBox([self.text, self.slider]), self.message, self.readout, self.image)
        self._make_figure()
        self.prefix, self._hs, self._probs = None, None, None
        if not self.show_prefix(prefix, t=t):
            raise ValueError(f"cannot show {prefix!r}: " + plain(self.message.value))
        self.text.observe(self._on_text, "value")
        self.slider.observe(self._on_slider, "value")

    def _make_figure(self):
        fig, H = self.figure, self.model.hidden_size
        self._ax_p = fig.add_axes((0.06, 0.2, 0.5, 0.68))
        self._bars = _char_bars(self._ax_p, self.model.alphabet, "")
        self._ax_p.set_xlabel("next character")
        self._ax_h = fig.add_axes((0.63, 0.2, 0.27, 0.68))
        plots.plot_hidden_states(self._ax_h, np.zeros((1, H)), ["?"], t=0, colorbar=False)
        self._ax_h.set_xlabel("time step t (input)")
        self._im_h = self._ax_h.images[-1]
        fig.colorbar(self._im_h, cax=fig.add_axes((0.915, 0.2, 0.012, 0.68)), label="$h_t[j]$",
                     ticks=(-1, -0.5, 0, 0.5, 1))
        self._frame = self._ax_h.add_patch(Rectangle((-0.5, -0.5), 1, H, fill=False, lw=2.5,
                                                     edgecolor=plots.HIGHLIGHT_EDGE, visible=False))
        self._animate(*self._bars, self._ax_p.title, self._im_h, self._frame, self._ax_h.title)

    def __repr__(self):
        if self.prefix is None:
            return f"NextCharExplorer: {self.text.value!r} cannot be read"
        return (f"NextCharExplorer: prefix {self.prefix!r}, t = {self.slider.value} of {len(self.prefix) + 1} "
                f"(read {self._read(self.slider.value)!r})")

    def _read(self, t):
        return (END + self.prefix)[:t]

    def show_prefix(self, text, t=None):
        """Show ``text`` at step ``t`` (default: all read); return ``False`` (and show a message) if it cannot be read."""
        prefix, problem = read_prefix(self.model, text)
        if problem:
            self._say(problem)
            self.prefix = None
            self.readout.value = ""
            self.image.layout.display = "none"
            return False
        self._say("")
        self.prefix = prefix
        T = len(prefix) + 1
        self._compute()
        H = self.model.hidden_size
        self._busy = True
        try:
            self.slider.min = 1
            self.slider.max = T
            self.slider.value = T if t is None else min(max(int(t), 1), T)
            self._im_h.set_data(np.ma.masked_all((H, T)))
            self._im_h.set_extent((-0.5, T - 0.5, H - 0.5, -0.5))
            self._ax_h.set_xticks(range(T), plots.time_labels([START_LABEL, *prefix]))
            self._ax_h.set_xlim(-0.5, T - 0.5)
            self.text.value = prefix
        finally:
            self._busy = False
        self._background = None  # the time axis changed: redraw everything once
        self.update()
        return True

    def _compute(self):
        idx = [0] + self.model.indices(self.prefix, "prefix")
        with np.errstate(all="ignore"):
            ys, _, _, hs = self.model.forward(np.array(idx))
            y = ys[:, :, 0]  # (T, V)
            e = np.exp(y - y.max(axis=1, keepdims=True))
            self._probs = e / e.sum(axis=1, keepdims=True)
        self._hs = hs[:, :, 0]  # (T, H): h_1 .. h_T
        self._weights_seen = self.model.flat.copy()

    def _update(self):
        if self.prefix is None:
            return
        if not np.array_equal(self._weights_seen, self.model.flat):  # trained since the last redraw
            self._compute()
        t, T, H = self.slider.value, len(self.prefix) + 1, self.model.hidden_size
        read = self._read(t)
        if not weights_finite(self.model) or not np.isfinite(self._probs).all():
            self._say(NONFINITE)
            self.readout.value = ""
            self.image.layout.display = "none"
            return
        self._say("")
        p = self._probs[t - 1]
        nxt = self.prefix[t - 1] if t <= len(self.prefix) else None
        for bar, c, v in zip(self._bars, self.model.alphabet, p):
            bar.set_height(v)
            bar.set_color(NEXT_COLOR if c == nxt else BAR_COLOR)
        self._ax_p.set_title(f"P(next character) after reading “{read}” (t = {t})")
        image = np.ma.masked_array(self._hs.T, mask=np.zeros((H, T), dtype=bool))
        image.mask[:, t:] = True
        self._im_h.set_data(image)
        self._frame.set_x(t - 1.5)
        self._frame.set_visible(True)
        self._ax_h.set_title(f"hidden states $h_1, \\ldots, h_{{{t}}}$ ({H} units)")
        best = int(np.argmax(p))
        label = char_labels(self.model.alphabet)[best]
        then = (f"; the prefix goes on with “{html.escape(nxt)}” (red bar, P = {p[self.model.index[nxt]]:.3f})"
                if nxt is not None else "")
        self.readout.value = (f'<div class="rnn-next-char-readout">t = {t} of {T}: read '
                              f'<code>{html.escape(read)}</code>; most likely next: <b>{label}</b> '
                              f'(P = {p[best]:.3f}){then}</div>')
        self.image.layout.display = None
        self._render(full=self._background is None)

    def _on_slider(self, change):
        if not self._busy:
            self.update()

    def _on_text(self, change):
        if not self._busy:
            self.show_prefix(change["new"])

    @property
    def shown(self):
        """What is drawn now: prefix, t, what has been read, the bars (and their labels), the heatmap, the message."""
        t = self.slider.value
        return {
            "prefix": self.prefix,
            "t": t,
            "T": None if self.prefix is None else len(self.prefix) + 1,
            "read": None if self.prefix is None else self._read(t),
            "probs": np.array([bar.get_height() for bar in self._bars]),
            "labels": [label.get_text() for label in self._ax_p.get_xticklabels()],
            "highlighted": [c for c, bar in zip(self.model.alphabet, self._bars) if _is(bar, NEXT_COLOR)],
            "hidden": np.ma.copy(self._im_h.get_array()),
            "readout": plain(self.readout.value),
            "message": plain(self.message.value),
            "plot_visible": self.image.layout.display != "none",
        }


def _is(bar, colour):
    return bar.get_facecolor() == to_rgba(colour)

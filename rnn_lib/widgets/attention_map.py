"""Type a date, see its translation and the attention map, one output character at a time.

    AttentionExplorer   a text box (a date, read on Enter), a slider t = 1 .. 10 over the output
                        characters: the map's rows 1..t (row t framed), what has been written so far,
                        and the input characters that step t reads most

It takes a ``rnn_lib.seq2seq.Seq2Seq`` with attention (trained or not; its weights are read at every
typed date) and only draws: the numbers come from ``Seq2Seq.translate``.
"""

import html

import ipywidgets as widgets
import numpy as np
from matplotlib.patches import Rectangle

from ..plots import char_ticks, plot_attention_map
from ._base import NONFINITE, FigureWidget, plain, weights_finite

#: The longest text the explorer reads (the longest date of the data has 29 characters).
MAX_TEXT = 60


def read_date(model, text, max_chars=MAX_TEXT):
    """``text`` -> ``(clean text, None)`` or ``(None, message)``: lower-cased, spaces collapsed, checked."""
    if not isinstance(text, str):
        return None, f"The date must be text, got {html.escape(type(text).__name__)}."
    clean = " ".join(text.lower().split())
    if not clean:
        return None, "Type a date, e.g. <code>tuesday, 10 march 2009</code>, then press Enter."
    if len(clean) > max_chars:
        return None, f"This text has {len(clean)} characters: the widget reads at most {max_chars}."
    bad = list(dict.fromkeys(c for c in clean if c not in model.in_index))
    if bad:
        named = ", ".join(f"“{html.escape(c)}”" for c in bad[:10])
        which = "is not a character" if len(bad) == 1 else "are not characters"
        return None, (f"{named} {which} the model read in training. It knows:<br>"
                      f"<code>{html.escape(model.input_chars)}</code>")
    return clean, None


class AttentionExplorer(FigureWidget):
    """A typed date, its translation, and the attention map row by row.

    Controls: ``text`` (read on Enter), ``slider`` (t = 1 .. L). Shown at step
    t: the rows 1..t of the map (``plots.plot_attention_map``), row t
    framed, and a readout: the characters written so far and the three input
    characters step t weighs most.

    Args:
        model: a ``Seq2Seq`` with ``attention=True``.
        text: the date shown first; t: the step shown first (default: the last).
    """

    css_class = "rnn-attention-map"

    def __init__(self, model, text="tuesday, 10 march 2009", t=None):
        if not getattr(model, "attention", False):
            raise ValueError("the model has no attention (attention=False): there is no map to show")
        super().__init__(figsize=(9.0, 4.2))
        self.model = model
        self._busy = False
        L = model.output_length
        self.text = widgets.Text(value=text if isinstance(text, str) else "", description="date",
                                 placeholder="a date, then Enter", continuous_update=False,
                                 layout=widgets.Layout(width="26em"))
        self.slider = widgets.IntSlider(value=L, min=1, max=L, description="t", continuous_update=True,
                                        layout=widgets.Layout(width="22em"))
        self.readout = widgets.HTML()
        self.widget = self._box(widgets.HBox([self.text, self.slider]), self.message, self.readout, self.image)
        self.date = self.output = self.alphas = None
        self._ax = self.figure.add_axes((0.1, 0.2, 0.76, 0.66))
        self._cax = self.figure.add_axes((0.88, 0.2, 0.02, 0.66))
        if not self.show_date(text, t=t):
            raise ValueError(f"cannot show {text!r}: " + plain(self.message.value))
        self.text.observe(self._on_text, "value")
        self.slider.observe(self._on_slider, "value")

    def __repr__(self):
        if self.date is None:
            return f"AttentionExplorer: {self.text.value!r} cannot be read"
        t = self.slider.value
        return (f"AttentionExplorer: {self.date!r} -> {self.output}, t = {t} of {len(self.output)} "
                f"(written {self.output[:t]!r})")

    def show_date(self, text, t=None):
        """Translate ``text`` and show it at step ``t``; ``False`` (and a message) if it cannot be read."""
        clean, problem = read_date(self.model, text)
        if problem is None and not weights_finite(self.model):
            problem = NONFINITE
        if problem:
            self._say(problem)
            self.date = None
            self.readout.value = ""
            self.image.layout.display = "none"
            return False
        self._say("")
        with np.errstate(all="ignore"):
            words, maps = self.model.translate([clean])
        self.date, self.output, self.alphas = clean, words[0], maps[0]
        self._busy = True
        try:
            self.text.value = clean
            L = len(self.output)
            self.slider.value = L if t is None else min(max(int(t), 1), L)
        finally:
            self._busy = False
        self.update()
        return True

    def _update(self):
        if self.date is None:
            return
        t = self.slider.value
        self._ax.clear()
        self._cax.clear()
        image = plot_attention_map(self._ax, self.alphas, self.date, self.output, t=t, colorbar=False,
                                   title=f"“{self.date}” → {self.output[:t]}{'·' * (len(self.output) - t)}")
        self.figure.colorbar(image, cax=self._cax, label="attention weight α")
        row = self.alphas[t - 1]
        top = np.argsort(-row, kind="stable")[:3]
        reads = ", ".join(f"“{html.escape(char_ticks(self.date[j])[0])}” (position {j + 1}, α = {row[j]:.2f})"
                          for j in top)
        self.readout.value = (f'<div class="rnn-attention-readout">t = {t} of {len(self.output)}: writes '
                              f'<b>{html.escape(self.output[t - 1])}</b> (so far <code>{self.output[:t]}</code>), '
                              f'reading most {reads}</div>')
        self.image.layout.display = None
        self._render(full=True)

    def _on_slider(self, change):
        if not self._busy:
            self.update()

    def _on_text(self, change):
        if not self._busy:
            self.show_date(change["new"])

    @property
    def shown(self):
        """What is drawn now: the date, the translation, t, the map's rows (later ones masked), the readout."""
        image = self._ax.images[-1] if self.date is not None and self._ax.images else None
        frames = [p for p in self._ax.patches if isinstance(p, Rectangle)]
        return {
            "date": self.date,
            "output": self.output,
            "t": self.slider.value,
            "map": None if image is None else np.ma.copy(image.get_array()),
            "framed_row": None if not frames else int(round(frames[-1].get_y() + 0.5)) + 1,
            "x_labels": [label.get_text() for label in self._ax.get_xticklabels()],
            "readout": plain(self.readout.value),
            "message": plain(self.message.value),
            "plot_visible": self.image.layout.display != "none",
        }

"""What every widget shares: the figure widget, the phrase input, reading a typed phrase, the messages.

    FigureWidget   a matplotlib Figure drawn into an ``ipywidgets.Image``, a message area, timings
    PhraseInput    the phrase control: a dropdown of given phrases and a box to type any phrase
    read_phrase    typed text -> the words and indices the vocabulary reads, or a friendly message
    resolve_data   the phrases a widget offers and the labels it looks up (the course's by default)
"""

import base64
import html
import io
import re
import time
import weakref
from collections.abc import Mapping

import ipywidgets as widgets
import numpy as np
from matplotlib import image as mpl_image
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..data.sentiment import CLASS_NAMES

#: Resolution of the widgets' figures: 80 dots per inch keeps a PNG small and fast to encode.
DPI = 80
#: zlib level of the PNGs sent to the browser: 1 encodes about three times faster than the default.
PNG_COMPRESS_LEVEL = 1
#: The longest phrase a widget reads, in words: a longer one gets a message (drawing thousands of
#: time steps would hold the kernel for many seconds); the course's phrases have at most 10 words.
MAX_WORDS = 50
#: Unknown words named in a message at most (the rest are counted), and characters shown of each.
MAX_NAMED_WORDS, MAX_WORD_CHARS = 10, 30
#: What a widget says when there is no phrase to read.
PROMPT = "Type a phrase (at least one word), then press Enter."
#: What a widget says instead of a prediction when the network's weights are not finite numbers.
NONFINITE = ("The network's weights are not finite numbers (NaN or infinity), so it has no prediction: "
             "training diverged, e.g. with a learning rate too large. Reset the weights, or load a "
             "trained model, and train again with a smaller learning rate.")

_LIVE = weakref.WeakSet()  # every widget built here, so that training can refresh those sharing its model


# --- data -------------------------------------------------------------------------------------------

def resolve_data(data=None):
    """The phrases a widget offers and the labels it looks up, as ``{set name: {text: label}}``.

    ``data`` is such a mapping, or one ``{text: label}`` mapping (a set without a
    name); ``None`` means the course's training and test phrases. This is the one
    place where a widget's default data is chosen.
    """
    if data is None:
        from ..data.sentiment import test_data, train_data

        return {"train": train_data, "test": test_data}
    if not isinstance(data, Mapping) or not data:
        raise TypeError("data must be a non-empty {text: label} mapping or {set name: {text: label}}, "
                        f"got {type(data).__name__}")
    if all(isinstance(v, Mapping) for v in data.values()):
        return dict(data)
    return {"": data}


def phrase_options(data=None):
    """Dropdown options for the phrases of ``data`` (as ``resolve_data``): ``[(label, text), ...]``.

    Each option's label names the phrase's class and set, e.g.
    ``"not bad  (positive, train)"``; a phrase in two sets is listed once.
    """
    options, seen = [], set()
    for name, phrases in resolve_data(data).items():
        where = f", {name}" if name else ""
        for text, label in phrases.items():
            if text not in seen:
                seen.add(text)
                options.append((f"{text}  ({CLASS_NAMES[int(label)]}{where})", text))
    return options


def label_lookup(data=None):
    """``{text: class index}`` for every phrase of ``data`` (as ``resolve_data``); the first set wins."""
    labels = {}
    for phrases in resolve_data(data).values():
        for text, label in phrases.items():
            labels.setdefault(text, int(label))
    return labels


# --- reading a phrase -------------------------------------------------------------------------------

def _reads(vocab, word):
    try:
        vocab.encode(word)
    except ValueError:
        return False
    return True


def _quoted(word):
    shown = word if len(word) <= MAX_WORD_CHARS else word[:MAX_WORD_CHARS] + "…"
    text = f"<b>“{html.escape(shown)}”</b>"
    if not shown.isascii():  # a Cyrillic "о" looks like a Latin "o": show what the characters are
        text += f" <code>({html.escape(ascii(shown)[1:-1])})</code>"
    return text


def read_phrase(vocab, text, max_words=MAX_WORDS):
    """``text`` -> ``(words, indices, None)``, or ``(None, None, message)`` with a friendly HTML message.

    The text is read by the vocabulary's own rule (``vocab.encode``: how it
    splits and whether it folds case), and ``words`` are the vocabulary's words
    for it. The message never shows a traceback: for an empty text it asks for
    a phrase; for one of more than ``max_words`` words it says so; otherwise it
    names the unknown words (at most ``MAX_NAMED_WORDS``, non-ASCII characters
    spelled out) and lists the vocabulary.
    """
    if not isinstance(text, str) or not text.split():
        return None, None, PROMPT
    n = len(text.split())
    if n > max_words:
        return None, None, (f"This phrase has {n} words: the widgets read at most {max_words}. "
                            f"Type a shorter phrase.")
    try:
        indices = vocab.encode(text)
    except ValueError as error:
        unknown = [w for w in dict.fromkeys(text.split()) if not _reads(vocab, w)]
        if not unknown:  # a reason other than an unknown word: say it as the vocabulary does
            return None, None, html.escape(str(error))
        named = ", ".join(_quoted(w) for w in unknown[:MAX_NAMED_WORDS])
        if len(unknown) > MAX_NAMED_WORDS:
            named += f" and {len(unknown) - MAX_NAMED_WORDS} more"
        which = "is not a word" if len(unknown) == 1 else "are not words"
        known = " ".join(html.escape(w) for w in vocab)
        return None, None, (f"{named} {which} this network knows: it can read only the {len(vocab)} "
                            f"words of its vocabulary:<br><code>{known}</code>")
    return vocab.decode(indices).split(), indices, None


def plain(markup):
    """The text an HTML snippet shows (line breaks as spaces), for ``.shown`` and error messages."""
    return html.unescape(re.sub("<[^>]+>", "", re.sub("<br>", " ", markup))).strip()


def message_html(text):
    """A message box (class ``rnn-message``) holding ``text``; nothing for an empty text."""
    if not text:
        return ""
    return (f'<div class="rnn-message" style="background:#fff4e5;border-left:4px solid #f0a030;'
            f'padding:6px 10px;margin:4px 0">{text}</div>')


def weights_finite(model):
    """True if every weight of ``model`` is a finite number."""
    return bool(np.isfinite(model.flat).all())


# --- the shared controls ----------------------------------------------------------------------------

class PhraseInput:
    """The phrase control of the widgets that show one phrase: a dropdown and a text box side by side.

    ``dropdown`` offers the given phrases; ``text`` takes any phrase (read when
    Enter is pressed or the box loses focus). ``on_phrase(text, typed)`` is
    called with the chosen or typed text (``typed`` tells which; an emptied box
    is passed on too). ``show(phrase)`` makes the two agree with the phrase the
    widget shows, without calling ``on_phrase``: the dropdown names it if it is
    one of its phrases (the box is then cleared), otherwise the box holds it.
    """

    def __init__(self, options, on_phrase, width="30em"):
        self.dropdown = widgets.Dropdown(options=list(options), description="phrase",
                                         layout=widgets.Layout(width=width))
        self.text = widgets.Text(description="or type", placeholder="a phrase of your own, then Enter",
                                 continuous_update=False, layout=widgets.Layout(width=width))
        self.box = widgets.HBox([self.dropdown, self.text])
        self._on_phrase, self._syncing = on_phrase, False
        self.dropdown.observe(self._dropdown_changed, "value")
        self.text.observe(self._text_changed, "value")

    @property
    def texts(self):
        """The dropdown's phrases."""
        return [o[1] if isinstance(o, tuple) else o for o in self.dropdown.options]

    def show(self, phrase, typed=False):
        """Show ``phrase`` (as read); ``typed``: it came from the box, whose text then stays as typed."""
        self._syncing = True
        try:
            if phrase in self.texts:
                self.dropdown.value, self.text.value = phrase, ""
            else:
                self.dropdown.value = None
                if not typed:
                    self.text.value = phrase
        finally:
            self._syncing = False

    def _dropdown_changed(self, change):
        if not self._syncing and change["new"] is not None:
            self._on_phrase(change["new"], typed=False)

    def _text_changed(self, change):
        if not self._syncing:
            self._on_phrase(change["new"], typed=True)


class FigureWidget:
    """A matplotlib Figure rendered into an ``ipywidgets.Image``, with a message area and timings.

    Subclasses build ``self.widget`` (with ``_box``) and implement ``_update``.
    """

    css_class = "rnn-widget"

    def __init__(self, figsize):
        self.figure = Figure(figsize=figsize, dpi=DPI)
        FigureCanvasAgg(self.figure)
        self.image = widgets.Image(format="png")
        self.message = widgets.HTML()
        self.update_ms = []
        self._animated, self._background = [], None
        _LIVE.add(self)

    def _say(self, text):
        """Show ``text`` (HTML) in the message area; an empty text clears it."""
        self.message.value = message_html(text)

    def _accept_phrase(self, text):
        """Read ``text`` with ``self.vocab``: on success store it as the current phrase and return True;
        otherwise show the friendly message (naming the word and the vocabulary) and return False."""
        words, indices, problem = read_phrase(self.vocab, text)
        if problem:
            self._say(problem)
            return False
        self._say("")
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


def refresh_sharing(widget):
    """Redraw every other live widget built on ``widget.model`` (after training changed its weights)."""
    for other in list(_LIVE):
        if other is not widget and getattr(other, "model", None) is widget.model:
            other.refresh()


#: Background of the word being read (the phrase steppers).
HIGHLIGHT_COLOR = "#ffd966"


class PhraseStepper(FigureWidget):
    """A figure widget that steps through a phrase word by word (the time stepper, the gate stepper).

    Subclasses have a time ``slider``, a phrase input whose callback is ``_on_phrase``, a ``words``
    HTML line marking the current word (``mark.rnn-current-word``, ``_words_html``) and ``show_phrase``.
    """

    def _words_html(self, t, status):
        """The phrase with word t marked, the words before it plain and the rest grey; ``status`` (HTML) below."""
        spans = []
        for i, w in enumerate(self._words, start=1):
            w = html.escape(w)
            if i == t:
                spans.append(f'<mark class="rnn-current-word" style="background:{HIGHLIGHT_COLOR};'
                             f'font-weight:bold;padding:0 0.2em;border-radius:3px">{w}</mark>')
            else:
                spans.append(f'<span style="color:{"inherit" if i < t else "#999"}">{w}</span>')
        return (f'<div style="font-size:1.3em;line-height:1.6">{" ".join(spans)}</div>'
                f'<div style="color:#555">{status}</div>')

    def _on_slider(self, change):
        if not self._busy:
            self.update()

    def _on_phrase(self, text, typed):
        if self._busy:
            return
        if typed and not text.strip():  # the box emptied: no old error stays on screen
            self._say(PROMPT + " Or choose a phrase from the list.")
        elif typed or text != self.current_phrase:
            self.show_phrase(text, typed=typed)

    def _step_shown(self):
        """What every phrase stepper draws: phrase, t, T, the word at t and the word highlighted."""
        match = re.search(r'class="rnn-current-word"[^>]*>([^<]*)</mark>', self.words.value)
        t = self.slider.value
        return {
            "phrase": self.current_phrase,
            "t": t,
            "T": len(self._words),
            "word": self._words[t - 1] if t else None,
            "highlighted": html.unescape(match.group(1)) if match else None,
        }

"""Interactive explorers for the notebooks (ipywidgets + matplotlib).

    TimeStepper      step through a phrase word by word: x_t, the hidden states filling in, the output
    PhraseExplorer   type a phrase, see P(positive) after each word and the verdict
    GateStepper      a gated cell's gates and states word by word (LSTM: i, f, g, o, c, h; GRU: r, z, n, h)
    GradientViewer   ||dL/dh_t|| over t on a log axis, for a phrase and a weight scale
    LiveTrainer      a button that trains the model in place, with a progress bar and live curves
    TrajectoryViewer two phrases' hidden-state trajectories h_t in one 2-D projection (PCA)
    NameSampler      the language model's names at a temperature slider's value, a Sample button
    NextCharExplorer type a prefix, step through it: P(next character) as bars and the hidden states
    AttentionExplorer type a date: its ISO translation and the attention map, one output character at a time

One module per widget, over ``_base`` (the figure widget, the phrase input that
TimeStepper and GradientViewer share, reading a typed phrase, the messages).
Each widget is given its model, its vocabulary and the phrases it offers (the
course's by default, chosen in ``_base.resolve_data`` only); typed text is read
by the vocabulary's own rule (``Vocabulary.encode``), at most ``MAX_WORDS`` words.

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

from ..data.sentiment import CLASS_NAMES
from ._base import DPI, MAX_WORDS, PhraseInput, phrase_options, read_phrase, resolve_data
from .attention_map import AttentionExplorer
from .gates import GateStepper
from .gradient_viewer import GradientViewer
from .live_trainer import LiveTrainer
from .lm_widgets import NameSampler, NextCharExplorer
from .phrase_explorer import PhraseExplorer
from .time_stepper import TimeStepper
from .trajectories import TrajectoryViewer

__all__ = [
    "AttentionExplorer", "CLASS_NAMES", "DPI", "GateStepper", "MAX_WORDS", "GradientViewer", "LiveTrainer",
    "NameSampler",
    "NextCharExplorer", "PhraseExplorer", "PhraseInput", "TimeStepper", "TrajectoryViewer", "phrase_options",
    "read_phrase", "resolve_data",
]

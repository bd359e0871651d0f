"""LiveTrainer: a button that trains the model in place, with a progress bar and live curves."""

import html
import math
import time

import ipywidgets as widgets
import numpy as np

from .. import checks, plots
from ..base import as_rng
from ..training import SEED, History, train
from ._base import NONFINITE, FigureWidget, plain, refresh_sharing, weights_finite

#: Epochs the LiveTrainer's button trains by default.
TRAIN_EPOCHS = 200
#: Most epochs the box accepts (and ``train`` trains) at once.
MAX_EPOCHS = 100_000
#: Seconds between two redraws of the live training plot (a redraw every epoch would slow training).
REDRAW_EVERY_S = 0.25


def check_epochs(epochs):
    """``epochs`` as an int in 1..MAX_EPOCHS (``rnn_lib.checks.epochs_from_one``)."""
    return checks.epochs_from_one(epochs, MAX_EPOCHS)


class LiveTrainer(FigureWidget):
    """A button that trains the model in place for N epochs, with a progress bar and live curves.

    The same ``model`` object is trained (``rnn_lib.train``, per-epoch callback),
    so every widget built on it shows the trained network afterwards (they are
    refreshed when training ends). ``history`` (optional) is the model's
    earlier ``History``, drawn first; new epochs continue its numbering.

    Controls: ``epochs`` (N), ``button`` (train N epochs), ``reset`` (fresh
    random weights from ``seed``, history cleared). Shown: ``progress``,
    ``status``, the loss and accuracy curves (train and test), and ``message``
    when training could not run or diverged (the widget is never left
    disabled). ``train(epochs)`` does what the button does, from code.

    Extra keyword arguments (``train_data``, ``test_data``, ``learn_rate``,
    ...) are passed on to ``rnn_lib.train``, whose defaults (the course's
    phrases) apply to what is not given.
    """

    css_class = "rnn-live-trainer"

    def __init__(self, model, vocab, *, epochs=TRAIN_EPOCHS, seed=SEED, history=None,
                 redraw_every_s=REDRAW_EVERY_S, **train_kwargs):
        epochs = check_epochs(epochs)
        super().__init__(figsize=(9.0, 3.2))
        self.model, self.vocab, self.train_kwargs = model, vocab, train_kwargs
        self.seed, self.redraw_every_s = seed, redraw_every_s
        self._rng = as_rng(seed)
        self.history = History()
        for i in range(len(history or ())):
            self.history.append(history.epoch[i], history.train_loss[i], history.train_acc[i],
                                history.test_loss[i], history.test_acc[i])
        self.epochs = widgets.BoundedIntText(value=epochs, min=1, max=MAX_EPOCHS, description="epochs",
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
        """Train ``epochs`` more epochs (the box's value by default), redrawing as it goes; return the history.

        A bad ``epochs`` raises a one-line ``ValueError`` (also shown in the
        widget) before anything changes. Whatever happens during training, the
        buttons are enabled again at the end; an error is shown in the widget
        and raised, and a run whose weights stop being finite numbers is
        reported in the widget.
        """
        try:
            n = check_epochs(self.epochs.value if epochs is None else epochs)
        except ValueError as error:
            self._say(html.escape(str(error)))
            raise
        start = self.history.epoch[-1] if len(self.history) else 0
        self._last_draw = time.perf_counter()

        def after_epoch(run):
            self.history.append(start + run.epoch[-1], run.train_loss[-1], run.train_acc[-1],
                                run.test_loss[-1], run.test_acc[-1])
            self.progress.value = len(run)
            if time.perf_counter() - self._last_draw >= self.redraw_every_s:
                self.update()
                self._last_draw = time.perf_counter()

        self.training = True
        try:
            self.button.disabled = self.reset.disabled = True
            self.button.description = "Training…"
            self._say("")
            self.progress.max, self.progress.value = n, 0
            train(self.model, self.vocab, epochs=n, rng=self._rng, callback=after_epoch, **self.train_kwargs)
        except Exception as error:
            self._say(f"Training stopped: {html.escape(str(error))}")
            raise
        finally:
            self.training = False
            self.button.disabled = self.reset.disabled = False
            self.button.description = "Train"
            self.update()
            refresh_sharing(self)
        return self.history

    def reset_weights(self):
        """Give the model fresh random weights and clear the history, as ``fit(seed)`` starts.

        One generator seeded with ``seed`` draws the weights (the article's
        initialisation, by the model's own class) and then the shuffles, as in
        ``rnn_lib.fit``: training N epochs after a reset gives exactly
        ``fit(seed, epochs=N)``'s model.
        """
        self._rng = as_rng(self.seed)
        self.model.reinitialise(self._rng)  # any cell: the model draws its own parameters
        self.history = History()
        self.progress.value = 0
        self._say("")
        self.update()
        refresh_sharing(self)

    def _on_train_click(self, button):
        if not self.training:
            try:
                self.train()
            except Exception:  # a click has no caller to raise to: the widget's message says it
                pass

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
        if not self.training and (not weights_finite(self.model)
                                  or (len(h) and not math.isfinite(h.train_loss[-1]))):
            self._say(NONFINITE)
        self._render()

    @property
    def shown(self):
        """What is drawn now: the curves' data, the progress bar, the status line, the message."""
        data = {key: np.asarray(line.get_ydata(), dtype=float).copy() for key, line in self._lines.items()}
        data["epoch"] = np.asarray(self._lines["train_loss"].get_xdata(), dtype=float).copy()
        data["progress"] = (self.progress.value, self.progress.max)
        data["status"] = plain(self.status.value)
        data["message"] = plain(self.message.value)
        return data

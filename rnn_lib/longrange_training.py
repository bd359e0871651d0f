"""Training every cell on the long-range task of ``rnn_lib.data.longrange``: the recipe and notebook 07's tables.

The validation phrases make every choice (when to stop, which epoch's weights
to keep); the test phrases are read once, by the trained model.

    train_on_task(task, cell, seed) -> (model, history): the batched engine, stopping and choosing on validation
    accuracy_on_test(model, task)   -> the test accuracy, measured once
    accuracy_vs_distance(...)       -> AccuracyTable: the test accuracy per cell, distance and seed
    accuracy_by_init(...)           -> InitTable: the same, once per start of the weights
"""

from dataclasses import dataclass, field

import numpy as np

from . import checks
from .data import longrange
from .base import as_rng
from .model import make_model
from .training import evaluate, train

#: The recipe of ``train_on_task``: the batched engine (the notebook's and the tests').
EPOCHS, BATCH_SIZE, HIDDEN_SIZE = 150, 16, 32
#: The initial weights' scale: standard normal times 0.1 (W_hh's spectral radius near 0.1 √H = 0.57).
INIT_SCALE = 0.1
#: The distances and seeds of notebook 07's table, and of the test of its claim.
DISTANCES, SEEDS = (5, 15, 30), (0, 1, 2)
CELL_NAMES = ("rnn", "lstm", "gru")


#: The bias that the gate keeping a gated cell's memory starts with (``keep_memory_bias``).
KEEP_BIAS = 2.0
#: Which gate keeps the memory: the LSTM's forget gate f (c_t = f ⊙ c_{t-1} + ...), the GRU's update gate z
#: (h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}); their rows in the stacked weights are the second block of H.
KEEP_GATE = {"lstm": "f", "gru": "z"}


def keep_memory_bias(model, bias=KEEP_BIAS):
    """Set the bias of the gate that keeps the memory (LSTM: forget gate f, GRU: update gate z) to ``bias``.

    With small weights the gate then starts near σ(bias) instead of
    σ(0) = 0.5 (σ(2) = 0.88): the memory fades more slowly from the first
    epoch, so the gradient reaching early words is larger. Keras sets the
    LSTM's forget bias to 1 by default (``unit_forget_bias=True``), after
    Jozefowicz, Zaremba and Sutskever (2015). The bias goes into ``bx`` (``bh`` keeps its zeros: the
    two always appear as a sum). A vanilla model is returned unchanged.
    Returns the model.
    """
    name = getattr(model.cell, "name", None)
    if name in KEEP_GATE:
        H = model.hidden_size
        model.bx[H:2 * H] = float(bias)
    return model


class _KeepBestOnValidation:
    """A training callback: remembers the weights of the epoch with the highest validation accuracy (the first
    of equals); ``restore()`` puts them back into the model (the initial weights if no epoch ran)."""

    def __init__(self, model, then=None):
        self.model, self.then = model, then
        self.best, self.weights = -1.0, model.flat.copy()

    def __call__(self, history):
        if history.validation_acc[-1] > self.best:
            self.best, self.weights = history.validation_acc[-1], self.model.flat.copy()
        return self.then(history) if self.then is not None else None

    def restore(self):
        self.model.flat[...] = self.weights


def train_on_task(task, cell="rnn", seed=0, epochs=EPOCHS, hidden_size=HIDDEN_SIZE, batch_size=BATCH_SIZE,
                  init=INIT_SCALE, keep_bias=KEEP_BIAS, callback=None, **train_options):
    """Train a fresh model of ``cell`` on ``task``, choosing on its validation phrases; return ``(model, history)``.

    One ``np.random.default_rng(seed)`` draws the weights, then the shuffles.
    Mini-batches of ``batch_size`` phrases (``engine="batched"``), the course's
    learning rate and clipping. The validation phrases make both choices:
    training stops after the first epoch with validation accuracy 1.0
    (``stop_at=1.0``), and the model returned holds the weights of the epoch
    with the highest validation accuracy (``kept_epoch(history)``; the last
    one if it stopped). The test phrases are not read: ``accuracy_on_test`` measures them once.
    The weights start as standard normal times ``init`` (0.1: the article's
    randn/1000 leaves a gated cell with almost no signal to learn from for
    hundreds of epochs; ``"xavier"`` is the other choice), and the gated
    cells' memory gate bias at ``keep_bias`` (``keep_memory_bias``; ``0``
    leaves it at zero). ``callback(history)`` is called after every epoch, too.
    """
    if not task.validation:
        raise ValueError("train_on_task chooses on validation phrases and this task has none: "
                         "make it with make_task(k, n_valid=100)")
    rng = as_rng(seed)
    model = keep_memory_bias(make_model(len(task.vocab), 2, hidden_size, rng=rng, init=init, cell=cell), keep_bias)
    keep = _KeepBestOnValidation(model, callback)
    options = {"engine": "batched", "batch_size": batch_size, "stop_at": 1.0, **train_options}
    history = train(model, task.vocab, task.train, None, epochs=epochs, rng=rng, callback=keep,
                    validation_data=task.validation, **options)
    keep.restore()
    return model, history


def kept_epoch(history):
    """The epoch whose weights ``train_on_task`` returns: the first with the highest validation accuracy (0: none ran)."""
    return int(np.argmax(history.validation_acc)) + 1 if len(history) else 0


def first_epoch_solved(history):
    """The first epoch with validation accuracy 1.0, where ``train_on_task`` stops; 0 if none."""
    return next((e for e, a in zip(history.epoch, history.validation_acc) if a >= 1.0), 0)


def accuracy_on_test(model, task):
    """The accuracy of ``model`` on the task's test phrases: measured once, after every choice is made."""
    return evaluate(model, task.vocab, task.test)[1]


def _row(acc):
    """One distance's accuracies in a table: their mean, then one per seed."""
    return f"{acc.mean():>7.2f} " + "".join(f"{a:>6.2f}" for a in acc)


@dataclass
class AccuracyTable:
    """``accuracy[cell][i, j]``: test accuracy of ``cell`` at ``distances[i]`` with ``seeds[j]``, measured once.

    Each run is ``train_on_task``'s: stopped and chosen on validation phrases.
    ``epochs[cell][i, j]`` is the first epoch with validation accuracy 1.0 (0 if never);
    ``models[cell, k, seed]`` the trained model (``accuracy_vs_distance`` keeps them).
    """

    distances: tuple
    seeds: tuple
    accuracy: dict
    epochs: dict
    models: dict = field(default_factory=dict)

    def mean(self, cell):
        """Mean over the seeds of the test accuracy, one entry per distance."""
        return self.accuracy[cell].mean(axis=1)

    def solved(self, cell, threshold=0.95):
        """One bool per distance: every seed reached test accuracy ``threshold``."""
        return (self.accuracy[cell] >= threshold).all(axis=1)

    def __str__(self):
        cells = list(self.accuracy)
        head = f"{'k':>3}  " + "".join(f"{c:>{8 + 6 * len(self.seeds)}}" for c in cells)
        seeds = " ".join(f"s{s}" for s in self.seeds)
        lines = [head, f"{'':>3}  " + "".join(f"{'mean | ' + seeds:>{8 + 6 * len(self.seeds)}}" for _ in cells)]
        for i, k in enumerate(self.distances):
            lines.append(f"{k:>3}  " + "".join(_row(self.accuracy[c][i]) for c in cells))
        return "\n".join(lines)

    def _repr_pretty_(self, p, cycle):
        p.text(str(self))


def accuracy_vs_distance(distances, cells=CELL_NAMES, seeds=(0, 1, 2), task_seed=0, **train_options):
    """Train every cell on the task of every distance with every seed; return an ``AccuracyTable``.

    The phrases of distance k are ``longrange.make_task(k, task_seed)`` for every cell
    and seed (the seed draws the weights and the shuffles only). Each run
    stops and chooses its weights on the validation phrases
    (``train_on_task``); the accuracy recorded is the chosen model's test
    accuracy, measured once. The trained models are kept in the table's ``models``.
    ``train_options`` go to ``train_on_task`` (epochs, hidden_size, ...).
    """
    distances = tuple(checks.int_at_least(k, "distance", 0) for k in distances)
    seeds = tuple(checks.int_at_least(s, "seed", 0) for s in seeds)
    if not distances or not seeds or not cells:
        raise ValueError("give at least one distance, one cell and one seed")
    for c in cells:
        checks.one_of(c, "cell", CELL_NAMES)
    tasks = {k: longrange.make_task(k, task_seed) for k in distances}  # every argument checked before training
    accuracy = {c: np.zeros((len(distances), len(seeds))) for c in cells}
    epochs = {c: np.zeros((len(distances), len(seeds)), dtype=int) for c in cells}
    models = {}
    for c in cells:
        for i, k in enumerate(distances):
            for j, s in enumerate(seeds):
                models[c, k, s], history = train_on_task(tasks[k], c, s, **train_options)
                accuracy[c][i, j] = accuracy_on_test(models[c, k, s], tasks[k])
                epochs[c][i, j] = first_epoch_solved(history)
    return AccuracyTable(distances, seeds, accuracy, epochs, models)


#: The starts that ``accuracy_by_init`` compares: the recipe's N(0, 0.1²) weights and Xavier's.
INITS = (INIT_SCALE, "xavier")


def init_label(init):
    """A start as a table shows it: ``"N(0, 0.1²)"`` or ``"xavier"``."""
    return init if isinstance(init, str) else f"N(0, {init:g}²)"


@dataclass
class InitTable:
    """``tables[init]``: the ``AccuracyTable`` of every cell trained from the start ``init``; one row per cell and start."""

    tables: dict

    def __str__(self):
        first = next(iter(self.tables.values()))
        width = 8 + 6 * len(first.seeds)
        seeds = " ".join(f"s{s}" for s in first.seeds)
        lines = [f"{'cell':<6}{'weights':<12}" + "".join(f"{f'k = {k}':>{width}}" for k in first.distances),
                 f"{'':<18}" + "".join(f"{'mean | ' + seeds:>{width}}" for _ in first.distances)]
        for c in first.accuracy:
            for init, table in self.tables.items():
                lines.append(f"{c:<6}{init_label(init):<12}" + "".join(_row(acc) for acc in table.accuracy[c]))
        return "\n".join(lines)

    def _repr_pretty_(self, p, cycle):
        p.text(str(self))


def accuracy_by_init(distances, cells=CELL_NAMES, inits=INITS, seeds=SEEDS, keep_bias=KEEP_BIAS, **train_options):
    """``accuracy_vs_distance`` once per start in ``inits`` (a scale or ``"xavier"``); return an ``InitTable``.

    Everything else is the recipe's (``train_on_task``), the gated cells' memory gate bias ``keep_bias`` included.
    """
    if not inits:
        raise ValueError("give at least one start (a scale such as 0.1, or 'xavier')")
    return InitTable({init: accuracy_vs_distance(distances, cells, seeds, init=init, keep_bias=keep_bias,
                                                 **train_options) for init in inits})

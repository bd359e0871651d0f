"""A task with a long-range dependency: the deciding word, then k neutral words.

Each phrase is one sentiment word followed by ``distance`` (k) filler words
drawn at random from a neutral list, for example, with k = 4:

    "awful the then so movie"     -> negative
    "great it was a very"         -> positive

The label is the sentiment of the first word, so the network must carry one
bit of information across k steps of random inputs that say nothing about it:
the gradient that teaches it to do so must travel back k steps, too. Phrases
are seeded, half positive and half negative, distinct, and no test phrase is
a training phrase; the vocabulary is the same for every k (``VOCABULARY``).

    make_task(k, rng)              -> LongRangeTask(train, test, vocab, distance)
    train_on_task(task, cell, seed) -> (model, history): the batched engine, stopping at 100% test accuracy
    accuracy_vs_distance(...)      -> AccuracyTable: the best test accuracy per cell, distance and seed
"""

from dataclasses import dataclass, field

import numpy as np

from . import checks
from .base import as_rng
from .model import make_model
from .training import train
from .vocab import Vocabulary

POSITIVE_WORDS = ("good", "great", "happy")
NEGATIVE_WORDS = ("awful", "bad", "sad")
#: Filler words, drawn uniformly whatever the label: they carry no information about it.
NEUTRAL_WORDS = ("a", "and", "it", "movie", "so", "the", "then", "very", "was", "we")
#: All the words of the task, sorted: one vocabulary for every distance.
VOCABULARY = Vocabulary(sorted(POSITIVE_WORDS + NEGATIVE_WORDS + NEUTRAL_WORDS))

N_TRAIN, N_TEST = 100, 100
#: The recipe of ``train_on_task``: the batched engine (the notebook's and the tests').
EPOCHS, BATCH_SIZE, HIDDEN_SIZE = 150, 16, 32
#: The initial weights' scale: standard normal times 0.1 (W_hh's spectral radius near 0.1 √H = 0.57).
INIT_SCALE = 0.1
#: The distances and seeds of notebook 07's table, and of the test of its claim.
DISTANCES, SEEDS = (5, 15, 30), (0, 1, 2)
CELL_NAMES = ("rnn", "lstm", "gru")


@dataclass
class LongRangeTask:
    """Training and test phrases (``{text: True for positive}``) of one distance, and the task's vocabulary."""

    distance: int
    train: dict
    test: dict
    vocab: Vocabulary = field(default_factory=lambda: VOCABULARY)


def make_task(distance, rng=None, n_train=N_TRAIN, n_test=N_TEST):
    """``n_train + n_test`` distinct phrases: a sentiment word, then ``distance`` neutral words.

    Args:
        distance: k >= 0, the number of neutral words after the deciding word
            (the phrase has k + 1 words; the deciding word is k steps before the last).
        rng: ``None`` (seed 0), an int seed or a Generator.
        n_train, n_test: phrase counts, each even (half positive, half negative).
    Returns:
        A ``LongRangeTask``. Raises ValueError if there are fewer distinct
        phrases of this length than asked for (k = 0 has 6, k = 1 has 60).
    """
    k = checks.int_at_least(distance, "distance", 0)
    n_train, n_test = checks.positive_int(n_train, "n_train"), checks.positive_int(n_test, "n_test")
    if n_train % 2 or n_test % 2:
        raise ValueError(f"n_train and n_test must be even (half positive, half negative), got {n_train}, {n_test}")
    per_class = len(POSITIVE_WORDS) * len(NEUTRAL_WORDS) ** k
    if (n_train + n_test) // 2 > per_class:
        raise ValueError(f"distance {k} has only {per_class} distinct phrases per class: ask for at most "
                         f"{2 * per_class} phrases in all, or use a longer distance")
    rng = as_rng(rng)
    phrases = {True: [], False: []}
    for label, words in ((True, POSITIVE_WORDS), (False, NEGATIVE_WORDS)):
        seen = set()
        while len(phrases[label]) < (n_train + n_test) // 2:
            text = " ".join([words[rng.integers(len(words))]]
                            + [NEUTRAL_WORDS[j] for j in rng.integers(len(NEUTRAL_WORDS), size=k)])
            if text not in seen:
                seen.add(text)
                phrases[label].append(text)
    half = n_train // 2  # positive and negative phrases alternate; the first n_train go to training
    train_set = {phrases[label][i]: label for i in range(half) for label in (True, False)}
    test_set = {phrases[label][i]: label for i in range(half, half + n_test // 2) for label in (True, False)}
    return LongRangeTask(k, train_set, test_set)


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


def _solved(history):
    """Stop (``True``) after the first epoch with test accuracy 1.0."""
    return history.test_acc[-1] >= 1.0


def train_on_task(task, cell="rnn", seed=0, epochs=EPOCHS, hidden_size=HIDDEN_SIZE, batch_size=BATCH_SIZE,
                  init=INIT_SCALE, keep_bias=KEEP_BIAS, **train_options):
    """Train a fresh model of ``cell`` on ``task``; return ``(model, history)``.

    One ``np.random.default_rng(seed)`` draws the weights, then the shuffles.
    Mini-batches of ``batch_size`` phrases (``engine="batched"``), the course's
    learning rate and clipping, stopping at the first epoch with test accuracy
    1.0 (a measurement of how soon the cell solves the task, made with a
    callback: ``stop_at`` is for choices and reads a validation set). The weights start as standard normal times ``init`` (0.1: the
    article's randn/1000 leaves a gated cell with almost no signal to learn
    from for hundreds of epochs), and the gated cells' memory gate bias at
    ``keep_bias`` (``keep_memory_bias``; ``0`` leaves it at zero).
    """
    rng = as_rng(seed)
    model = keep_memory_bias(make_model(len(task.vocab), 2, hidden_size, rng=rng, init=init, cell=cell), keep_bias)
    options = {"engine": "batched", "batch_size": batch_size, "callback": _solved, **train_options}
    history = train(model, task.vocab, task.train, task.test, epochs=epochs, rng=rng, **options)
    return model, history


@dataclass
class AccuracyTable:
    """``accuracy[cell][i, j]``: best test accuracy of ``cell`` at ``distances[i]`` with ``seeds[j]``.

    ``epochs[cell][i, j]`` is the first epoch reaching 1.0 (0 if never);
    ``models[cell, k, seed]`` the trained model (``accuracy_vs_distance`` keeps them).
    """

    distances: tuple
    seeds: tuple
    accuracy: dict
    epochs: dict
    models: dict = field(default_factory=dict)

    def mean(self, cell):
        """Mean over the seeds of the best test accuracy, one entry per distance."""
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
            row = f"{k:>3}  "
            for c in cells:
                acc = self.accuracy[c][i]
                row += f"{acc.mean():>7.2f} " + "".join(f"{a:>6.2f}" for a in acc)
            lines.append(row)
        return "\n".join(lines)

    def _repr_pretty_(self, p, cycle):
        p.text(str(self))


def accuracy_vs_distance(distances, cells=CELL_NAMES, seeds=(0, 1, 2), task_seed=0, **train_options):
    """Train every cell on the task of every distance with every seed; return an ``AccuracyTable``.

    The phrases of distance k are ``make_task(k, task_seed)`` for every cell
    and seed (the seed draws the weights and the shuffles only). The accuracy
    recorded is the best test accuracy over the epochs (training stops at 1.0);
    the trained models are kept in the table's ``models``.
    ``train_options`` go to ``train_on_task`` (epochs, hidden_size, ...).
    """
    distances = tuple(checks.int_at_least(k, "distance", 0) for k in distances)
    seeds = tuple(checks.int_at_least(s, "seed", 0) for s in seeds)
    if not distances or not seeds or not cells:
        raise ValueError("give at least one distance, one cell and one seed")
    for c in cells:
        checks.one_of(c, "cell", CELL_NAMES)
    tasks = {k: make_task(k, task_seed) for k in distances}  # every argument checked before training
    accuracy = {c: np.zeros((len(distances), len(seeds))) for c in cells}
    epochs = {c: np.zeros((len(distances), len(seeds)), dtype=int) for c in cells}
    models = {}
    for c in cells:
        for i, k in enumerate(distances):
            for j, s in enumerate(seeds):
                models[c, k, s], history = train_on_task(tasks[k], c, s, **train_options)
                accuracy[c][i, j] = max(history.test_acc)
                epochs[c][i, j] = history.first_epoch_reaching(1.0) or 0
    return AccuracyTable(distances, seeds, accuracy, epochs, models)

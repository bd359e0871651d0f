"""Training, measuring, saving and loading the date translator (``rnn_lib.seq2seq.Seq2Seq``).

``train_translator`` is ``rnn_lib.training.run_epochs`` (the library's one
epoch loop) with ``ModelEngine``: every epoch shuffles the training dates,
groups dates of one input length into batches of ``batch_size`` (so most need
no padding), and makes one Adam update per batch on the summed
cross-entropy of the teacher-forced output characters, the gradient clipped to
global norm ``clip_norm``. ``RECIPE`` is the measured recipe; the same recipe
trains the bottleneck baseline (``attention=False``) for the comparison.

``exact_match`` decodes greedily: a date counts only
if all ten characters are right. ``by_length`` splits it by input length: the
bottleneck shows there.

A translator is saved and loaded as every model of the course:
``rnn_lib.save(path, model)`` writes one ``.npz`` file atomically with
``kind = "dates"``, the cell, the character sets, the sizes and the weights;
``rnn_lib.load(path)`` (or ``load(path, expect="dates")``) checks everything
before it builds the model and returns ``(model, model.input_chars)``.
"""

import contextlib
from dataclasses import dataclass

import numpy as np

from . import checks
from .base import as_rng
from .optim import make_optimizer
from .seq2seq import DatePairs, Seq2Seq
from .training import ModelEngine, run_epochs

@dataclass(frozen=True)
class TranslatorRecipe:
    """How ``python -m rnn_lib dates train`` trains: cell, hidden size, Adam's rate, dates per batch, epochs."""

    cell: str = "gru"
    hidden_size: int = 32
    learn_rate: float = 0.02
    batch_size: int = 64
    epochs: int = 3
    clip_norm: float = 5.0
    init: str = "xavier"
    #: The learning rate is multiplied by this after every epoch.
    decay: float = 0.3


#: The measured recipe (the notebook and the command line train with it).
RECIPE = TranslatorRecipe()


def one_blas_thread():
    """A context in which numpy's BLAS uses one thread (``threadpoolctl``; nothing changes without it).

    The model's matrices are small (64 dates by at most 96 rows): a second BLAS
    thread costs more in waking up than it saves, and on 2 busy cores training
    took ten times longer with it (measured: 1 epoch on 2,000 dates, 14 s
    against 1.1 s).
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - a dependency, but the model runs without it
        return contextlib.nullcontext()
    return threadpool_limits(1, user_api="blas")


def make_translator(data, attention=True, recipe=RECIPE, rng=None):
    """A fresh ``Seq2Seq`` for ``data`` (a ``DatesData``) with the recipe's cell and sizes."""
    return Seq2Seq(data.input_chars, data.output_chars, hidden_size=recipe.hidden_size, attention=attention,
                   cell=recipe.cell, rng=rng, init=recipe.init)


def train_translator(model, train, validation=None, *, epochs=RECIPE.epochs, learn_rate=RECIPE.learn_rate,
                     batch_size=RECIPE.batch_size, clip_norm=RECIPE.clip_norm, rng=None, callback=None,
                     optimizer="adam", decay=RECIPE.decay):
    """Train ``model`` in place on the date examples ``train``; return the ``History``.

    The history's losses are per output character; ``train_acc``/``test_acc``
    the teacher-forced character accuracies (``test_*`` on ``validation``).
    ``callback(history)`` runs after every epoch (``True`` stops). After every
    epoch the learning rate is multiplied by ``decay`` (1: constant). The
    decay is what makes a run repeatable: at a constant 0.02, Adam's steps near
    the solution amplify rounding differences (another BLAS kernel's order of
    summation) from 1e-11 to 0.1 within the second epoch; decayed, they stay
    below 1e-8 (measured on the weights after each epoch).
    """
    epochs, learn_rate, batch_size, clip_norm, callback = checks.batch_training(
        epochs, learn_rate, batch_size, clip_norm, callback)
    train_set = DatePairs(model, train)
    val_set = None if validation is None else DatePairs(model, validation)
    decay = checks.positive_number(decay, "decay")
    engine = ModelEngine(model, make_optimizer(optimizer, model, learn_rate, clip_norm=clip_norm))

    def after_epoch(history):
        engine.optimizer.learn_rate *= decay
        return None if callback is None else callback(history)

    with np.errstate(over="ignore", under="ignore"), one_blas_thread():
        return run_epochs(model, engine, train_set, val_set, train_set.lengths, epochs=epochs, rng=as_rng(rng),
                          batch_size=batch_size, callback=after_epoch, learn_rate=learn_rate, clip=clip_norm,
                          per=train_set.count)


def exact_match(model, examples, batch_size=500):
    """Greedy translations of ``examples``: ``(fraction exactly right, predictions)``, on one BLAS thread."""
    predictions = []
    with one_blas_thread():
        for k in range(0, len(examples), batch_size):
            predictions += model.translate([ex[0] for ex in examples[k:k + batch_size]])[0]
    right = [p == ex[1] for p, ex in zip(predictions, examples)]
    return float(np.mean(right)), predictions


#: Input lengths grouped for ``by_length``: 1-8, 9-10 (most numeric forms), 11-13, 14-17, 18-21, 22 and more.
LENGTH_EDGES = (1, 9, 11, 14, 18, 22, None)


def by_length(examples, predictions, edges=LENGTH_EDGES):
    """Exact match by input length: a list of ``(low, high, count, fraction right)``, lengths low..high-1.

    A last edge ``None`` stands for the longest input's length + 1; groups without a date are left out.
    """
    if edges[-1] is None:
        edges = (*edges[:-1], max(edges[-2], max(len(ex[0]) for ex in examples)) + 1)
    rows = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        right = [p == ex[1] for p, ex in zip(predictions, examples) if lo <= len(ex[0]) < hi]
        if right:
            rows.append((lo, hi, len(right), float(np.mean(right))))
    return rows


def errors(examples, predictions, n=10):
    """The first ``n`` wrong translations: ``(text, predicted, target)`` triples."""
    wrong = [(ex[0], p, ex[1]) for p, ex in zip(predictions, examples) if p != ex[1]]
    return wrong[:n]


__all__ = ["RECIPE", "TranslatorRecipe", "by_length", "errors", "exact_match", "make_translator", "one_blas_thread",
           "train_translator"]

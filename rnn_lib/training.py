"""Training and evaluation: the article's per-example SGD loop, seeded, with a choice of engine.

The loop is the article's: every epoch, shuffle the training phrases, and for
each one run forward, softmax + cross-entropy, backward, clip, update. The
"train" loss and accuracy of an epoch are measured during that pass (before
each phrase's update), as the article does; the validation and test figures
are measured after the epoch, without updates.

Three sets, three jobs: the *training* phrases make the updates; the
*validation* phrases (``validation_data``, held out from the training phrases,
e.g. with ``rnn_lib.split_validation``) make every choice, such as when to stop
(``stop_at``); the *test* phrases are only reported. ``stop_at`` reads the
validation accuracy and nothing else: without ``validation_data`` it is an
error, never a silent stop on the test set.

``train`` is the only epoch loop in the library. What one update computes is an
*engine*'s job, chosen by name:

* ``"loop"`` (default): ``LoopEngine`` below, the teaching loop, one phrase
  at a time through ``model.loss`` and the SGD update;
* ``"fast"``: the same per-example SGD vectorised (``rnn_lib.fast``), equal
  to the loop to rounding, drawing the same random numbers;
* ``"batched"``: mini-batches of ``batch_size`` phrases of one length, each
  update using the summed gradient of its batch.

"fast" and "batched" run ``FastEngine`` for the vanilla cell and
``ColumnEngine`` for the LSTM and GRU cells (``rnn_lib.fast.vectorised_engine``).

An engine has three methods: ``prepare(seqs, targets)`` lays out encoded
phrases once, ``step(data, batch)`` makes one SGD update on the phrases
numbered ``batch`` and returns their summed loss and number correct (measured
before the update), ``evaluate(data)`` returns the mean loss and accuracy.
"""

import math
from dataclasses import dataclass, field

import numpy as np

from . import checks
from .data import test_data as TEST_DATA
from .data import train_data as TRAIN_DATA
from .fast import RECOMMENDED_BATCH_SIZE, make_batches, vectorised_engine
from .losses import softmax, softmax_cross_entropy
from .model import HIDDEN_SIZE, as_rng, make_model
from .optim import CLIP, LEARN_RATE, sgd_update
from .vocab import Vocabulary

EPOCHS = 1000
SEED = 0
REPORT_EVERY = 100
POSITIVE, NEGATIVE = 1, 0  # output rows: index 1 is "positive", as int(True) == 1


class TrainingDiverged(FloatingPointError):
    """Training produced a non-finite loss or weights; ``history`` holds the epochs before it."""

    def __init__(self, message, history):
        super().__init__(message)
        self.history = history


@dataclass
class History:
    """Per-epoch figures of a training run; ``epoch[i]`` is 1-based."""

    epoch: list = field(default_factory=list)
    train_loss: list = field(default_factory=list)
    train_acc: list = field(default_factory=list)
    test_loss: list = field(default_factory=list)
    test_acc: list = field(default_factory=list)
    validation_loss: list = field(default_factory=list)
    validation_acc: list = field(default_factory=list)

    def append(self, epoch, train_loss, train_acc, test_loss, test_acc, validation_loss=None,
               validation_acc=None):
        """Add one epoch's figures; the test and validation ones are ``None`` when there is no such set."""
        self.epoch.append(epoch)
        self.train_loss.append(train_loss)
        self.train_acc.append(train_acc)
        self.test_loss.append(test_loss)
        self.test_acc.append(test_acc)
        self.validation_loss.append(validation_loss)
        self.validation_acc.append(validation_acc)

    def __len__(self):
        return len(self.epoch)

    def report(self, i=-1):
        """The article's three lines for entry ``i``: ``--- Epoch N``, ``Train:`` and ``Test:``.

        A run with validation data gets a ``Valid:`` line between the two.
        """
        if not self.epoch:
            return "No epochs trained yet: the history is empty."
        lines = [f"--- Epoch {self.epoch[i]}",
                 f"Train:\tLoss {self.train_loss[i]:.3f} | Accuracy: {self.train_acc[i]:.3f}"]
        if self.validation_loss and self.validation_loss[i] is not None:
            lines.append(f"Valid:\tLoss {self.validation_loss[i]:.3f} | Accuracy: {self.validation_acc[i]:.3f}")
        if self.test_loss[i] is not None:
            lines.append(f"Test:\tLoss {self.test_loss[i]:.3f} | Accuracy: {self.test_acc[i]:.3f}")
        return "\n".join(lines)

    def first_epoch_reaching(self, test_acc=1.0):
        """The first epoch whose test accuracy is at least ``test_acc``, or ``None``."""
        for e, a in zip(self.epoch, self.test_acc):
            if a is not None and a >= test_acc:
                return e
        return None


class LoopEngine:
    """The teaching loop's engine: one phrase at a time, ``model.loss`` then the SGD update.

    Works with any cell. ``learn_rate`` and ``clip`` are checked as ``train`` checks them.
    """

    def __init__(self, model, learn_rate, clip):
        self.model, self.learn_rate, self.clip = model, checks.learn_rate(learn_rate), checks.clip_limit(clip)

    def prepare(self, seqs, targets):
        """Encoded phrases -> ``(one-hot columns of each phrase, classes)``, checked once."""
        return [self.model.inputs_to_columns(s) for s in seqs], [int(c) for c in targets]

    def step(self, data, batch):
        """One SGD update on one phrase (``batch == [i]``); ``(loss, correct)`` measured before it."""
        (i,) = batch
        inputs, targets = data
        model = self.model
        loss, grads = model.loss(inputs[i], targets[i])
        correct = int(np.argmax(model.last_probs) == targets[i])
        sgd_update(model.params, grads, self.learn_rate, self.clip)
        return loss, correct

    def evaluate(self, data):
        """Mean loss and accuracy over ``data``, one phrase at a time through ``model.forward``."""
        inputs, targets = data
        loss = correct = 0
        for xs, target in zip(inputs, targets):
            y, _ = self.model.forward(xs)
            l, p, _ = softmax_cross_entropy(y, target)
            loss += l
            correct += int(np.argmax(p) == target)
        return loss / len(targets), correct / len(targets)


#: The engines by name (``train(engine=...)``).
ENGINES = {"loop": LoopEngine, "fast": vectorised_engine, "batched": vectorised_engine}


def predict_proba(model, vocab, text):
    """Probability that ``text`` is positive, as a float (unknown words raise a clear ValueError)."""
    checks.model_matches_vocab(model, vocab)
    y, _ = model.forward(vocab.encode(text))
    return float(softmax(y)[POSITIVE, 0])


def evaluate(model, vocab, data):
    """Mean cross-entropy loss and accuracy of ``model`` on a ``{text: label}`` mapping.

    Returns ``(loss, accuracy)`` as floats; the weights are not changed.
    """
    checks.model_matches_vocab(model, vocab)
    items = checks.labelled_phrases(data, "data")
    engine = LoopEngine(model, 1.0, None)  # evaluates only: no update is made
    return engine.evaluate(engine.prepare([vocab.encode(t) for t, _ in items], [c for _, c in items]))


def _encode(vocab, data, name):
    """``{text: label}`` -> (list of int64 index arrays, int64 classes); unknown words fail here."""
    items = checks.labelled_phrases(data, name)
    seqs = [np.asarray(vocab.encode(text), dtype=np.int64) for text, _ in items]
    return seqs, np.array([c for _, c in items], dtype=np.int64)


def check_both_classes(targets, name):
    """A classifier learns nothing from one class: training data must hold positive and negative phrases."""
    positive = int(np.sum(targets == POSITIVE))
    negative = len(targets) - positive
    if not (positive and negative):
        raise ValueError(f"{name} has {positive} positive and {negative} negative phrases: training needs both "
                         "classes (a network shown one class only learns to answer it always)")


def _engine_and_batch_size(engine, batch_size):
    checks.one_of(engine, "engine", tuple(ENGINES))
    if engine != "batched":
        if batch_size is not None:
            raise ValueError(f"batch_size is for engine='batched'; engine={engine!r} updates after every "
                             f"phrase: leave batch_size out, or use engine='batched'")
        return 1
    return RECOMMENDED_BATCH_SIZE if batch_size is None else checks.positive_int(batch_size, "batch_size")


def _diverged(epoch, loss, model, learn_rate, clip):
    """The message for a non-finite epoch, or ``None`` if the loss and the weights are finite."""
    if math.isfinite(loss) and checks.all_finite(model.flat):
        return None
    what = "the loss" if not math.isfinite(loss) else "the weights"
    cause = (f"the learning rate {learn_rate:g} is probably too large"
             + (" and clipping is off (clip=None): try a smaller learn_rate or clip=1.0" if clip is None
                else ": try a smaller learn_rate"))
    return (f"training diverged in epoch {epoch}: {what} became NaN or inf; {cause}. "
            f"The model is back at its weights from before epoch {epoch}.")


def train(model, vocab, train_data=TRAIN_DATA, test_data=TEST_DATA, *, epochs=EPOCHS,
          learn_rate=LEARN_RATE, clip=CLIP, rng=None, callback=None, engine="loop", batch_size=None,
          stop_at=None, validation_data=None):
    """Train ``model`` in place with SGD; return its ``History``.

    Args:
        model: an ``RNN`` whose input_size is ``len(vocab)``.
        vocab: the ``Vocabulary`` that encodes the phrases.
        train_data, test_data: ``{text: label}`` mappings (the course's by
            default); ``test_data=None`` skips testing.
        epochs: passes over the training data.
        learn_rate, clip: SGD step size and element-wise gradient clip limit
            (``None``: no clipping).
        rng: ``None`` (seed 0), an int seed or a Generator, for the shuffles.
        callback: called as ``callback(history)`` after every epoch, e.g. to
            print progress or update a live plot; if it returns ``True``,
            training stops after that epoch.
        engine: ``"loop"`` (the teaching loop), ``"fast"`` (the same per-example
            SGD vectorised: the same shuffles, and weights equal to rounding)
            or ``"batched"`` (mini-batches of phrases of one length, each update
            using the sum of its per-example gradients).
        batch_size: phrases per update, for ``engine="batched"`` only
            (default ``RECOMMENDED_BATCH_SIZE``, 16).
        stop_at: stop after the first epoch whose *validation* accuracy is at
            least this (e.g. ``1.0``); ``None`` trains all ``epochs``. It
            needs ``validation_data`` and never reads the test set.
        validation_data: ``{text: label}`` phrases held out from training
            (e.g. ``split_validation(train_data)[1]``), measured after every
            epoch (``History.validation_loss``, ``validation_acc``) and read by
            ``stop_at``; ``None`` (default) for none.

    Every argument and every phrase is checked before the first update. If the
    loss or the weights stop being finite, training stops with
    ``TrainingDiverged`` naming the epoch, and the model keeps the weights of
    the epoch before.
    """
    checks.model_matches_vocab(model, vocab)
    epochs = checks.int_at_least(epochs, "epochs", 0)
    learn_rate, clip = checks.learn_rate(learn_rate), checks.clip_limit(clip)
    batch_size = _engine_and_batch_size(engine, batch_size)
    if stop_at is not None:
        stop_at = checks.accuracy(stop_at, "stop_at")
        if validation_data is None:
            raise ValueError("stop_at needs validation_data: it stops at a validation accuracy, never at a "
                             "test accuracy (split some training phrases off with "
                             "rnn_lib.split_validation(train_data))")
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be a function of the history (or None), got {type(callback).__name__}")
    rng = as_rng(rng)
    seqs, targets = _encode(vocab, train_data, "train_data")
    check_both_classes(targets, "train_data")
    test = None if test_data is None else _encode(vocab, test_data, "test_data")
    valid = None if validation_data is None else _encode(vocab, validation_data, "validation_data")
    runner = ENGINES[engine](model, learn_rate, clip)
    train_set = runner.prepare(seqs, targets)
    test_set = None if test is None else runner.prepare(*test)
    valid_set = None if valid is None else runner.prepare(*valid)
    return run_epochs(model, runner, train_set, test_set, [len(s) for s in seqs], epochs=epochs, rng=rng,
                      batch_size=batch_size, callback=callback, stop_at=stop_at, learn_rate=learn_rate, clip=clip,
                      valid_set=valid_set)


def run_epochs(model, runner, train_set, test_set, lengths, *, epochs, rng, batch_size, callback=None,
               stop_at=None, learn_rate, clip, per=None, valid_set=None):
    """The epoch loop itself, for any engine ``runner`` on data it prepared; returns the ``History``.

    Every epoch: shuffle the ``len(lengths)`` training items with ``rng``, cut
    them into batches (``make_batches``: items of one length together), call
    ``runner.step`` on each and sum its ``(loss, correct)``, then
    ``runner.evaluate`` the test set and the validation set (either may be
    ``None``). The epoch's train figures are the sums divided by ``per``
    (default: the number of items; the language model passes its number of
    characters). ``stop_at`` reads the validation accuracy only, never the
    test set's. Arguments are already checked: ``train`` (the classifier) and
    ``rnn_lib.lm.train_lm`` (the language model) call it.
    """
    n = len(lengths)
    per = n if per is None else per
    history = History()
    for epoch in range(1, epochs + 1):
        before = model.flat.copy()
        loss = correct = 0
        with np.errstate(all="ignore"):  # an overflow is reported below, once, as what it means
            for batch in make_batches(rng.permutation(n), lengths, batch_size):
                l, c = runner.step(train_set, batch)
                loss += l
                correct += c
        message = _diverged(epoch, loss, model, learn_rate, clip)
        if message:
            model.flat[...] = before
            raise TrainingDiverged(message, history)
        test_figures = (None, None) if test_set is None else runner.evaluate(test_set)
        valid_figures = (None, None) if valid_set is None else runner.evaluate(valid_set)
        history.append(epoch, loss / per, correct / per, *test_figures, *valid_figures)
        if callback is not None and callback(history) is True:
            break
        if stop_at is not None and valid_figures[1] >= stop_at:
            break
    return history


def fit(seed=SEED, epochs=EPOCHS, hidden_size=HIDDEN_SIZE, learn_rate=LEARN_RATE, clip=CLIP,
        init="article", callback=None, train_data=TRAIN_DATA, test_data=TEST_DATA, *, engine="loop",
        batch_size=None, stop_at=None, cell="rnn", validation_data=None):
    """Build the vocabulary and a fresh model from ``seed``, train it, return ``(model, vocab, history)``.

    One ``np.random.default_rng(seed)`` draws the initial weights and then
    the shuffles, so a seed fixes the whole run. ``engine``, ``batch_size``,
    ``stop_at`` and ``validation_data`` are passed to ``train`` (``stop_at``
    reads the validation accuracy); the vocabulary is the training phrases'.
    ``cell`` (``"rnn"``, ``"lstm"``, ``"gru"`` or a cell object) chooses the model: ``RNN``,
    ``LSTM`` or ``GRU`` (``make_model``).
    """
    rng = as_rng(seed)
    vocab = Vocabulary.from_texts(train_data)
    model = make_model(len(vocab), 2, hidden_size, rng=rng, init=init, cell=cell)
    history = train(model, vocab, train_data, test_data, epochs=epochs, learn_rate=learn_rate,
                    clip=clip, rng=rng, callback=callback, engine=engine, batch_size=batch_size,
                    stop_at=stop_at, validation_data=validation_data)
    return model, vocab, history

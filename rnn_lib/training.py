"""Training and evaluation: the one epoch loop, the teaching loop's engine and the engine for any model and optimiser.

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

``run_epochs`` is the only epoch loop in the library: the classifier's
``train`` and the language model's ``train_lm`` (below; ``tbptt_epoch`` is its
truncated BPTT, one pass in order) both call it. What one update computes is
an *engine*'s job:

* ``LoopEngine`` (``engine="loop"``, default): the teaching loop, one phrase
  at a time through the model's loss and the SGD update, as notebooks 3 and 4
  write it;
* ``ModelEngine`` (``engine="fast"`` and ``"batched"``, and the language
  model): any model through its batched contract, ``model.batch_loss(batch)
  -> (loss, grads, stats)`` (``rnn_lib.base``), and any optimiser from
  ``rnn_lib.optim`` (SGD, Adam, Adagrad) on ``model.flat``. ``"fast"`` is one
  phrase per update, the loop's per-example SGD equal to rounding (drawing the
  same random numbers); ``"batched"`` is mini-batches of ``batch_size``
  phrases of one length, each update using the summed gradient of its batch.
* ``SGDStep`` (``rnn_lib.kernels``): ``"fast"`` for the vanilla cell with
  ``optimizer="sgd"``: ``ModelEngine``'s updates bit for bit, with less Python
  per phrase.

An engine has two methods: ``step(data, batch)`` makes one update on the
items numbered ``batch`` and returns their summed loss and number correct
(measured before the update), ``evaluate(data)`` returns the mean loss and
accuracy.
"""

import math
from dataclasses import dataclass, field

import numpy as np

from . import checks
from .base import as_rng
from .batching import RECOMMENDED_BATCH_SIZE, Chunks, Names, Phrases, make_batches
from .data.sentiment import POSITIVE
from .data.sentiment import test_data as TEST_DATA
from .data.sentiment import train_data as TRAIN_DATA
from .kernels import SGDStep
from .lm import RECIPE as LM_RECIPE
from .losses import column_softmax_cross_entropy, softmax
from .model import HIDDEN_SIZE, make_model
from .optim import CLIP, LEARN_RATE, clip_global_norm, make_optimizer, sgd_update
from .vocab import Vocabulary

EPOCHS = 1000
SEED = 0
REPORT_EVERY = 100


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
    """The teaching loop's engine: one phrase at a time, the model's loss then the SGD update.

    Works with any cell. ``learn_rate`` and ``clip`` are checked as ``train``
    checks them; the phrases once, in ``prepare``, so ``step`` is the bare recipe.
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
        loss, p, grads = self.model.phrase_loss(inputs[i], targets[i])  # forward, softmax, backward
        sgd_update(self.model.params, grads, self.learn_rate, self.clip)  # clip, update
        return loss, int(np.argmax(p) == targets[i])

    def evaluate(self, data):
        """Mean loss and accuracy over ``data``, one phrase at a time."""
        inputs, targets = data
        loss = correct = 0
        for xs, target in zip(inputs, targets):
            l, p, _ = column_softmax_cross_entropy(self.model.scores(xs), target)
            loss += l
            correct += int(np.argmax(p) == target)
        return loss / len(targets), correct / len(targets)


class ModelEngine:
    """Any model through its batched contract with any optimiser: ``model.batch_loss``, then ``optimizer.update``.

    ``data`` is the model's laid-out data (``rnn_lib.batching.Phrases`` for the
    classifier, ``Names`` or ``Chunks`` for the language model, all in ``rnn_lib.batching``):
    ``data.get(batch)`` is one batch for ``batch_loss``,
    ``data.batches(model.takes_padding)`` all of it for evaluation,
    ``data.count`` the number of predictions; data with a ``carry(stats)``
    method keeps what a batch leaves for the next (truncated BPTT's state).

    ``optimizer`` ``None`` computes without updating; ``clip_norm`` clips the
    gradient's global norm before the optimiser's own clipping;
    ``keep_grads`` keeps a copy of every batch's flat gradient in ``kept``.
    """

    def __init__(self, model, optimizer, clip_norm=None, keep_grads=False):
        self.model, self.optimizer, self.clip_norm = model, optimizer, clip_norm
        self.kept = [] if keep_grads else None

    def step(self, data, batch):
        loss, grads, stats = self.model.batch_loss(data.get(batch))
        carry = getattr(data, "carry", None)
        if carry is not None:
            carry(stats)
        g = grads.flat
        if self.kept is not None:
            self.kept.append(g.copy())
        if self.clip_norm is not None:
            clip_global_norm(g, self.clip_norm)
        if self.optimizer is not None:
            self.optimizer.update(g)  # unchecked: run_epochs catches a non-finite epoch
        return loss, stats["correct"]

    def evaluate(self, data):
        loss = correct = 0
        for batch in data.batches(self.model.takes_padding):
            l, _, stats = self.model.batch_loss(batch, grads=False)
            loss += l
            correct += stats["correct"]
        return loss / data.count, correct / data.count


def run_in_order(engine, data):
    """One pass over ``data``'s batches 0, 1, 2, ... in order (truncated BPTT's chunks); the summed loss."""
    loss = 0
    for k in range(len(data)):
        loss += engine.step(data, [k])[0]
    return loss


#: The engines by name (``train(engine=...)``).
ENGINES = ("loop", "fast", "batched")


def predict_proba(model, vocab, text):
    """Probability that ``text`` is positive, as a float (unknown words raise a clear ValueError)."""
    checks.model_matches_vocab(model, vocab)
    y = model.scores(model.inputs_to_columns(vocab.encode(text)))
    return float(softmax(y)[POSITIVE, 0])


def evaluate(model, vocab, data):
    """Mean cross-entropy loss and accuracy of ``model`` on a ``{text: label}`` mapping.

    Returns ``(loss, accuracy)`` as floats; the weights are not changed.
    """
    checks.model_matches_vocab(model, vocab)
    items = checks.labelled_phrases(data, "data")
    engine = LoopEngine(model, 1.0, None)  # evaluates only: no update is made
    return engine.evaluate(engine.prepare([vocab.encode(t) for t, _ in items], [c for _, c in items]))


def probe_accuracy(model, vocab, probe):
    """Accuracy on each group of a probe set, then on all of it: ``{construction: acc, ..., "all": acc}``.

    ``probe`` is ``{construction: {text: label}}`` (a ``Dataset``'s ``probe``);
    accuracies are fractions of phrases whose larger output is their label.
    """
    out = {c: evaluate(model, vocab, group)[1] for c, group in probe.items()}
    out["all"] = evaluate(model, vocab, {t: v for g in probe.values() for t, v in g.items()})[1]
    return out


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
    checks.one_of(engine, "engine", ENGINES)
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
          stop_at=None, validation_data=None, optimizer="sgd"):
    """Train ``model`` in place (SGD by default); return its ``History``.

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
        optimizer: ``"sgd"`` (default: the article's, with ``clip`` element-wise),
            ``"adam"``, ``"adagrad"`` or an ``rnn_lib.optim.Optimizer`` built on
            ``model.flat``; another than SGD needs ``engine="fast"`` or ``"batched"``.

    Every argument and every phrase is checked before the first update. If the
    loss or the weights stop being finite, training stops with
    ``TrainingDiverged`` naming the epoch, and the model keeps the weights of
    the epoch before.
    """
    checks.model_matches_vocab(model, vocab)
    epochs = checks.int_at_least(epochs, "epochs", 0)
    learn_rate, clip = checks.learn_rate(learn_rate), checks.clip_limit(clip)
    batch_size = _engine_and_batch_size(engine, batch_size)
    if engine == "loop" and optimizer != "sgd":
        raise ValueError(f"optimizer is for engine='fast' or 'batched'; the teaching loop (engine='loop') is "
                         f"the article's SGD: leave optimizer out, or choose another engine")
    if engine != "loop" and not model.takes_padding and not getattr(model.cell, "columns", False):
        raise ValueError(f"engine={engine!r} runs phrases as (H, B) columns: this model's cell "
                         f"{model.cell!r} does not (columns = True): use engine='loop'")
    if stop_at is not None:
        stop_at = checks.accuracy(stop_at, "stop_at")
        if validation_data is None:
            raise ValueError("stop_at needs validation_data: it stops at a validation accuracy, never at a "
                             "test accuracy (split some training phrases off with "
                             "rnn_lib.split_validation(train_data))")
    callback = checks.callback(callback)
    rng = as_rng(rng)
    seqs, targets = _encode(vocab, train_data, "train_data")
    check_both_classes(targets, "train_data")
    test = None if test_data is None else _encode(vocab, test_data, "test_data")
    valid = None if validation_data is None else _encode(vocab, validation_data, "validation_data")
    if engine == "loop":
        runner = LoopEngine(model, learn_rate, clip)
        prepare = runner.prepare
    elif engine == "fast" and isinstance(optimizer, str) and optimizer == "sgd" and model.kernel is not None:
        runner = SGDStep(model, learn_rate, clip)  # the same updates as ModelEngine's, bit for bit, with less Python
        prepare = runner.prepare
    else:
        runner, prepare = ModelEngine(model, make_optimizer(optimizer, model, learn_rate, clip)), Phrases
    train_set = prepare(seqs, targets)
    test_set = None if test is None else prepare(*test)
    valid_set = None if valid is None else prepare(*valid)
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
    test set's. Arguments are already checked: ``train`` (the classifier),
    ``train_lm`` (the language model) and ``rnn_lib.translator.train_translator`` call it.
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
        batch_size=None, stop_at=None, cell="rnn", validation_data=None, optimizer="sgd"):
    """Build the vocabulary and a fresh model from ``seed``, train it, return ``(model, vocab, history)``.

    One ``np.random.default_rng(seed)`` draws the initial weights and then
    the shuffles, so a seed fixes the whole run. ``engine``, ``batch_size``,
    ``stop_at``, ``validation_data`` and ``optimizer`` are passed to ``train`` (``stop_at``
    reads the validation accuracy); the vocabulary is the training phrases'.
    ``cell`` (``"rnn"``, ``"lstm"``, ``"gru"`` or a cell object) chooses the model: ``RNN``,
    ``LSTM`` or ``GRU`` (``make_model``).
    """
    rng = as_rng(seed)
    vocab = Vocabulary.from_texts(train_data)
    model = make_model(len(vocab), 2, hidden_size, rng=rng, init=init, cell=cell)
    history = train(model, vocab, train_data, test_data, epochs=epochs, learn_rate=learn_rate,
                    clip=clip, rng=rng, callback=callback, engine=engine, batch_size=batch_size,
                    stop_at=stop_at, validation_data=validation_data, optimizer=optimizer)
    return model, vocab, history


# --- the language model (rnn_lib.lm.CharLM) -------------------------------------------------------
def evaluate_lm(model, names):
    """Mean cross-entropy per character (nats) of ``model`` on ``names``: each name's letters and its end."""
    data = Names(model, names)
    return model.batch_loss(data.whole, grads=False)[0] / data.count


def perplexity(nats):
    """``e ** nats``: the number of equally likely characters a loss of ``nats`` per character is worth."""
    return math.exp(nats)


def train_lm(model, train_names, val_names=None, *, epochs=LM_RECIPE.epochs, learn_rate=LM_RECIPE.learn_rate,
             batch_size=LM_RECIPE.batch_size, clip_norm=LM_RECIPE.clip_norm, rng=None, callback=None,
             optimizer="adam"):
    """Train the language model ``model`` in place on ``train_names``; return the ``History`` (nats per character).

    The epoch loop is ``run_epochs``: every epoch shuffles the names (``rng``),
    groups them by length into batches of at most ``batch_size``, and makes
    one update per batch (``ModelEngine``) with ``optimizer``: ``"adam"``
    (default), ``"sgd"``, ``"adagrad"`` or an ``rnn_lib.optim.Optimizer`` built
    on ``model.flat``, the gradient first clipped to global norm ``clip_norm``.
    The defaults are ``rnn_lib.lm.RECIPE``'s. The history's ``train_loss`` is
    measured during the epoch, ``test_loss`` on ``val_names`` after it;
    ``train_acc``/``test_acc`` are next-character accuracies.
    ``callback(history)`` runs after every epoch (``True`` stops).
    """
    epochs, learn_rate, batch_size, clip_norm, callback = checks.batch_training(
        epochs, learn_rate, batch_size, clip_norm, callback)
    train_set = Names(model, checks.name_list(train_names, "train_names"))
    val_set = None if val_names is None else Names(model, checks.name_list(val_names, "val_names"))
    engine = ModelEngine(model, make_optimizer(optimizer, model, learn_rate, clip_norm=clip_norm))
    return run_epochs(model, engine, train_set, val_set, train_set.lengths, epochs=epochs, rng=as_rng(rng),
                      batch_size=batch_size, callback=callback, learn_rate=learn_rate, clip=clip_norm,
                      per=train_set.count)


def tbptt_epoch(model, stream, chunk_length, optimizer=None, clip_norm=None):
    """One pass of truncated BPTT over ``stream`` (B, N): chunks of ``chunk_length`` steps, the state carried.

    ``stream`` is ``rnn_lib.batching.stream_batches``'s. Chunk k reads columns
    ``k K .. (k+1) K - 1`` and predicts the next character of each. It starts
    from the state the previous chunk ended in (``Chunks``): the *values* are
    carried, so the model sees the whole stream as one text, but the gradient
    stops at the chunk's start (``batch_loss`` never follows ``state0``'s
    gradient), so each backward pass costs K steps however long the text. The
    chunks are batches of ``ModelEngine`` run in order (``run_in_order``): with
    ``optimizer`` (any ``rnn_lib.optim`` optimiser on ``model.flat``) every
    chunk makes one update, the gradient first clipped to global norm
    ``clip_norm``. Returns the mean loss per character over the pass and the
    list of per-chunk gradients (flat arrays) before clipping.
    """
    K = checks.positive_int(chunk_length, "chunk_length")
    clip_norm = checks.optional_clip_norm(clip_norm)
    chunks = Chunks(stream, K)
    engine = ModelEngine(model, optimizer, clip_norm=clip_norm, keep_grads=True)
    loss = run_in_order(engine, chunks)
    model.last_state = chunks.state
    return loss / chunks.count, engine.kept

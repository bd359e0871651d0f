"""Training and evaluation: the article's per-example SGD loop, seeded.

The loop is the article's: every epoch, shuffle the training phrases, and for
each one run forward, softmax + cross-entropy, backward, clip, update. The
"train" loss and accuracy of an epoch are measured during that pass (before
each phrase's update), as the article does; the test figures are measured after
the epoch, without updates.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from .data import test_data as TEST_DATA
from .data import train_data as TRAIN_DATA
from .losses import softmax, softmax_cross_entropy
from .model import HIDDEN_SIZE, RNN, as_rng
from .optim import CLIP, LEARN_RATE, sgd_step
from .vocab import Vocabulary

EPOCHS = 1000
SEED = 0
REPORT_EVERY = 100
POSITIVE, NEGATIVE = 1, 0  # output rows: index 1 is "positive", as int(True) == 1


@dataclass
class History:
    """Per-epoch figures of a training run; ``epoch[i]`` is 1-based."""

    epoch: list = field(default_factory=list)
    train_loss: list = field(default_factory=list)
    train_acc: list = field(default_factory=list)
    test_loss: list = field(default_factory=list)
    test_acc: list = field(default_factory=list)

    def append(self, epoch, train_loss, train_acc, test_loss, test_acc):
        self.epoch.append(epoch)
        self.train_loss.append(train_loss)
        self.train_acc.append(train_acc)
        self.test_loss.append(test_loss)
        self.test_acc.append(test_acc)

    def __len__(self):
        return len(self.epoch)

    def report(self, i=-1):
        """The article's three lines for entry ``i``: ``--- Epoch N``, ``Train:`` and ``Test:``."""
        lines = [f"--- Epoch {self.epoch[i]}",
                 f"Train:\tLoss {self.train_loss[i]:.3f} | Accuracy: {self.train_acc[i]:.3f}"]
        if self.test_loss[i] is not None:
            lines.append(f"Test:\tLoss {self.test_loss[i]:.3f} | Accuracy: {self.test_acc[i]:.3f}")
        return "\n".join(lines)

    def first_epoch_reaching(self, test_acc=1.0):
        """The first epoch whose test accuracy is at least ``test_acc``, or ``None``."""
        for e, a in zip(self.epoch, self.test_acc):
            if a is not None and a >= test_acc:
                return e
        return None


def _check_data(data, name):
    if not isinstance(data, Mapping):
        raise TypeError(f"{name} must be a {{text: label}} mapping, got {type(data).__name__}")
    if not data:
        raise ValueError(f"{name} is empty: it needs at least one phrase")
    for text, label in data.items():
        if not isinstance(label, (bool, np.bool_)) and label not in (0, 1):
            raise ValueError(f"{name}[{text!r}] = {label!r}: labels must be True/False (or 1/0)")
    return [(text, int(label)) for text, label in data.items()]


def _check_model_vocab(model, vocab):
    if len(vocab) != model.input_size:
        raise ValueError(f"the vocabulary has {len(vocab)} words but the model's input_size is "
                         f"{model.input_size}: use the vocabulary the model was built for")


def predict_proba(model, vocab, text):
    """Probability that ``text`` is positive, as a float (unknown words raise a clear ValueError)."""
    _check_model_vocab(model, vocab)
    y, _ = model.forward(vocab.encode(text))
    return float(softmax(y)[POSITIVE, 0])


def evaluate(model, vocab, data):
    """Mean cross-entropy loss and accuracy of ``model`` on a ``{text: label}`` mapping.

    Returns ``(loss, accuracy)`` as floats; the weights are not changed.
    """
    _check_model_vocab(model, vocab)
    items = _check_data(data, "data")
    loss = correct = 0
    for text, target in items:
        y, _ = model.forward(vocab.text_to_inputs(text))
        l, p, _ = softmax_cross_entropy(y, target)
        loss += l
        correct += int(np.argmax(p) == target)
    return loss / len(items), correct / len(items)


def train(model, vocab, train_data=TRAIN_DATA, test_data=TEST_DATA, *, epochs=EPOCHS,
          learn_rate=LEARN_RATE, clip=CLIP, rng=None, callback=None, method="loop", batch_size=1,
          stop_at=None, batching="bucket"):
    """Train ``model`` in place with per-example SGD; return its ``History``.

    Args:
        model: an ``RNN`` whose input_size is ``len(vocab)``.
        vocab: the ``Vocabulary`` that encodes the phrases.
        train_data, test_data: ``{text: label}`` mappings (the course's by
            default); ``test_data=None`` skips testing.
        epochs: passes over the training data.
        learn_rate, clip: SGD step size and element-wise gradient clip limit.
        rng: ``None`` (seed 0), an int seed or a Generator, for the shuffles.
        callback: called as ``callback(history)`` after every epoch, e.g. to
            print progress or update a live plot; if it returns ``True``,
            training stops after that epoch.
        method: ``"loop"``, the teaching loop below, or ``"fast"``, the same
            algorithm vectorised (``rnn_lib.fast``): the same shuffles, and
            weights equal to rounding after an epoch.
        batch_size: phrases per SGD update (1: per-example, the article's);
            a batch's update uses the sum of its per-example gradients.
        stop_at: stop after the first epoch whose test accuracy is at least
            this (e.g. ``1.0``); ``None`` trains all ``epochs``.
        batching: for ``batch_size > 1``, ``"bucket"`` (phrases of one length
            per batch) or ``"pad"`` (see ``rnn_lib.fast``).
    """
    _check_model_vocab(model, vocab)
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 0:
        raise ValueError(f"epochs must be a non-negative int, got {epochs!r}")
    if not learn_rate > 0:
        raise ValueError(f"learn_rate must be positive, got {learn_rate!r}")
    if method != "loop" or batch_size != 1 or stop_at is not None:
        from .fast import _check_args, train_fast

        _check_args(method, batch_size, batching, stop_at, test_data)
        if method != "loop" or batch_size != 1:
            return train_fast(model, vocab, train_data, test_data, epochs=epochs, learn_rate=learn_rate,
                              clip=clip, rng=rng, callback=callback, method=method,
                              batch_size=batch_size, batching=batching, stop_at=stop_at)
    rng = as_rng(rng)
    items = _check_data(train_data, "train_data")
    inputs = [vocab.text_to_inputs(text) for text, _ in items]  # encode once; unknown words fail here
    if test_data is not None:
        for text in _check_data(test_data, "test_data"):
            vocab.encode(text[0])
    history = History()
    for epoch in range(1, epochs + 1):
        loss = correct = 0
        for i in rng.permutation(len(items)):
            y, _ = model.forward(inputs[i])
            target = items[i][1]
            l, p, d_y = softmax_cross_entropy(y, target)
            loss += l
            correct += int(np.argmax(p) == target)
            sgd_step(model, model.backward(d_y), learn_rate, clip)
        test = evaluate(model, vocab, test_data) if test_data is not None else (None, None)
        history.append(epoch, loss / len(items), correct / len(items), *test)
        if callback is not None and callback(history) is True:
            break
        if stop_at is not None and test[1] >= stop_at:
            break
    return history


def fit(seed=SEED, epochs=EPOCHS, hidden_size=HIDDEN_SIZE, learn_rate=LEARN_RATE, clip=CLIP,
        init="article", callback=None, train_data=TRAIN_DATA, test_data=TEST_DATA, *, method="loop",
        batch_size=1, stop_at=None, batching="bucket"):
    """Build the vocabulary and a fresh model from ``seed``, train it, return ``(model, vocab, history)``.

    One ``np.random.default_rng(seed)`` draws the initial weights and then
    the shuffles, so a seed fixes the whole run. ``method``, ``batch_size``,
    ``stop_at`` and ``batching`` are passed to ``train``.
    """
    rng = as_rng(seed)
    vocab = Vocabulary.from_texts(train_data)
    model = RNN(len(vocab), 2, hidden_size, rng=rng, init=init)
    history = train(model, vocab, train_data, test_data, epochs=epochs, learn_rate=learn_rate,
                    clip=clip, rng=rng, callback=callback, method=method, batch_size=batch_size,
                    stop_at=stop_at, batching=batching)
    return model, vocab, history

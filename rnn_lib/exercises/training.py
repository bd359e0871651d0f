"""Notebook 04's exercise: one epoch of per-example SGD with clipping."""

import numpy as np

from ..losses import softmax_cross_entropy
from ..model import PARAM_NAMES, RNN
from ..optim import CLIP, LEARN_RATE, sgd_step
from ._core import CHECKER_OF, REFERENCES, _PRECISION, _Failed, _call, _close, _eps, _kind, _run, _short
from .forward_pass import _columns


def reference_train_epoch(model, inputs, targets, rng, learn_rate=LEARN_RATE, clip=CLIP):
    """One epoch of the article's per-example SGD with clipping, in place: ``(mean loss, accuracy)``.

    For each phrase, in the order ``rng.permutation(len(inputs))``: forward, softmax + cross-entropy
    (the loss measured before the update), backward, clip to [-clip, clip], ``p -= learn_rate * g``.
    """
    loss = correct = 0
    for i in rng.permutation(len(inputs)):
        y, _ = model.forward(inputs[i])
        l, p, d_y = softmax_cross_entropy(y, targets[i])
        loss += l
        correct += int(np.argmax(p) == targets[i])
        sgd_step(model, model.backward(d_y), learn_rate, clip)
    return loss / len(inputs), correct / len(inputs)


def _epoch_mistakes(model, inputs, targets, seed):
    """The weights after one epoch for the classic mistakes of the training loop, each with its hint."""
    def run(order, sign=1.0, clip=CLIP, batch=False, clip_weights=False):
        m = model.copy()
        rng = np.random.default_rng(seed)
        indices = rng.permutation(len(inputs)) if order == "shuffled" else range(len(inputs))
        total = {n: np.zeros_like(p) for n, p in m.params.items()}
        for i in indices:
            y, _ = m.forward(inputs[i])
            grads = m.backward(softmax_cross_entropy(y, targets[i])[2])
            if batch:
                for n in total:
                    total[n] += grads[n]
                continue
            if clip_weights:
                for n in PARAM_NAMES:
                    m.params[n] -= sign * LEARN_RATE * grads[n]
                    np.clip(m.params[n], -CLIP, CLIP, out=m.params[n])
            else:
                sgd_step(m, {n: sign * g for n, g in grads.items()}, LEARN_RATE, clip)
        if batch:
            sgd_step(m, total, LEARN_RATE, CLIP)
        return m.flat.copy()

    return [
        (run("shuffled", sign=-1.0), "the weights moved uphill: step against the gradient, p -= LEARN_RATE * g"),
        (run("in order"),
         "the phrases are visited in order: use i in rng.permutation(len(inputs)), a new order every epoch"),
        (run("shuffled", batch=True), "one update per epoch: update after every phrase (per-example SGD)"),
        (run("shuffled", clip=None), "the gradients are not clipped: np.clip(g, -CLIP, CLIP) before each update"),
        (run("shuffled", clip_weights=True),
         "the weights are clipped: clip the gradients, np.clip(g, -CLIP, CLIP), not the weights"),
    ]


def _epoch_case(seed, scale):
    """A small model (V=5, H=4) and six phrases of 1 to 4 words; ``scale`` sets whether clipping acts."""
    rng = np.random.default_rng(seed)
    V = 5
    model = RNN(V, 2, 4, rng=rng, init=scale)
    if scale >= 1:
        model.Why = model.Why * 3  # large output weights: large hidden gradients, clipped
    inputs = [_columns(rng.integers(V, size=int(rng.integers(1, 5))), V) for _ in range(6)]
    targets = [0, 1, 1, 0, 1, 0]
    return model, inputs, targets


def check_train_epoch(train_epoch, strict=None):
    """Check ``train_epoch(model, inputs, targets, rng) -> (mean loss, accuracy)``, one epoch (notebook 4).

    Per-example SGD, in place: for each phrase in the order ``rng.permutation(len(inputs))``,
    forward, loss, backward, clip every gradient to [-CLIP, CLIP], ``p -= LEARN_RATE * g``.
    Checks, in order: it returns two numbers; it changes the model's weights in place; with small
    weights (no clipping) the weights after the epoch equal the library's loop (the direction of
    the step, the shuffle, one update per phrase); with large weights, where gradients exceed CLIP,
    the same (clipping, of the gradients); the returned loss and accuracy are the epoch's means,
    measured before each update.
    """
    def run(fn, case, seed):
        """The model after the learner's epoch, and its loss and accuracy (0-d arrays in the learner's precision)."""
        model, inputs, targets = case
        m = model.copy()
        value = _call(fn, m, inputs, list(targets), np.random.default_rng(seed))
        if not isinstance(value, (tuple, list)) or len(value) != 2:
            raise _Failed(f"should return (mean loss, accuracy), got {_kind(value)}")
        try:
            loss, acc = (np.asarray(v) if getattr(v, "dtype", None) == np.float32 else np.float64(float(v))
                         for v in value)
        except (TypeError, ValueError):
            raise _Failed(f"should return two numbers (mean loss, accuracy), got {_short(value)}") from None
        if np.float32 in (loss.dtype, acc.dtype):  # computed in float32: compare at that precision
            _PRECISION["low"] = True
        return m, loss, acc

    def expected(case, seed):
        model, inputs, targets = case
        m = model.copy()
        loss, acc = reference_train_epoch(m, inputs, targets, np.random.default_rng(seed))
        return m, loss, acc

    def returns(fn):
        run(fn, _epoch_case(50, 0.1), 0)

    def updates(fn):
        case = _epoch_case(51, 0.1)
        m, _, _ = run(fn, case, 1)
        if np.array_equal(m.flat, case[0].flat):
            raise _Failed("the model's weights did not change: update them in place, model.params[name] -= ...")

    def weights(fn, seed, scale, default):
        case = _epoch_case(seed, scale)
        m, loss, _ = run(fn, case, seed)
        ref, _, _ = expected(case, seed)
        eps = _eps(loss)  # the weights are float64 views; the returned loss tells the precision used
        if _close(m.flat, ref.flat, eps):
            return
        for answer, hint in _epoch_mistakes(case[0], case[1], case[2], seed):
            if _close(m.flat, answer, eps) and not _close(answer, ref.flat, eps):
                raise _Failed(hint)
        raise _Failed(default)

    def sgd(fn):
        weights(fn, 52, 0.1, "the weights after one epoch differ from per-example SGD: for each phrase in "
                             "rng.permutation order, forward, loss, backward, then p -= LEARN_RATE * g")

    def clipping(fn):
        weights(fn, 53, 1.0, "right with small gradients but wrong with large ones: clip each gradient to "
                             "[-CLIP, CLIP] (np.clip) before the update")

    def figures(fn):
        case = _epoch_case(54, 1.0)
        _, loss, acc = run(fn, case, 54)
        _, ref_loss, ref_acc = expected(case, 54)
        n = len(case[1])
        if not _close(loss, ref_loss):
            if _close(loss, ref_loss * n):
                raise _Failed("the loss is the epoch's sum: return the mean, divided by len(inputs)")
            raise _Failed(f"the returned loss {loss:.4f} should be {ref_loss:.4f}: the mean of each phrase's "
                          "loss, measured before its update")
        if not _close(acc, ref_acc):
            if _close(acc, ref_acc * n):
                raise _Failed("the accuracy is a count: return the fraction, divided by len(inputs)")
            raise _Failed(f"the returned accuracy {acc:.4f} should be {ref_acc:.4f}: the fraction of phrases whose "
                          "largest probability is the true class, measured before each update")

    return _run("train_epoch", train_epoch, [returns, updates, sgd, clipping, figures], reference_train_epoch, strict)


CHECKER_OF.update({"train_epoch": check_train_epoch})
REFERENCES.update({"train_epoch": reference_train_epoch})

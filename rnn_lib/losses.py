"""Softmax, cross-entropy and their gradient with respect to the scores y: the only copy in the library.

    p = softmax(y) = exp(y - logsumexp(y)),    L = -ln p_c = logsumexp(y) - y_c,    dL/dy = p - e_c

The column functions (``softmax``, ``softmax_cross_entropy``) are the ones the
notebooks use, one example as an (O, 1) column. The row functions below serve
the vanilla kernel (``rnn_lib.kernels``), one example per row of a (B, O)
array; all of them compute ``logsumexp`` the same stable way, subtracting the
largest score first so that ``exp`` cannot overflow.
"""

import math

import numpy as np

from .checks import class_index


def logsumexp(y, axis=0):
    """``ln sum(exp(y))`` along ``axis``, computed as ``m + ln sum(exp(y - m))`` with ``m = max(y)``."""
    m = y.max(axis=axis, keepdims=True)
    return np.squeeze(m, axis) + np.log(np.exp(y - m).sum(axis=axis))


def softmax(y, axis=0):
    """Numerically stable softmax of a column of scores.

    Args:
        y: (O, 1) scores (or (O, B), one column per example); ``axis`` the
            axis that holds the classes (0: columns).
    Returns:
        Probabilities of the same shape; each column sums to 1. The maximum is
        subtracted first, so large scores do not overflow ``exp``.
    """
    y = np.asarray(y, dtype=np.float64)
    z = np.exp(y - y.max(axis=axis, keepdims=True))
    return z / z.sum(axis=axis, keepdims=True)


def log_softmax(y, axis=0):
    """``ln softmax(y)`` along ``axis``, as ``y - logsumexp(y)``; ``np.exp`` of it is the language model's softmax."""
    return y - np.expand_dims(logsumexp(y, axis=axis), axis)


def cross_entropy(p, target):
    """``L = -ln p[target]`` as a Python float, for a (O, 1) column of probabilities."""
    p = np.asarray(p, dtype=np.float64)
    target = class_index(target, p.shape[0])
    return float(-np.log(p[target, 0]))


def softmax_cross_entropy(y, target):
    """Loss and its gradient for scores y and a true class.

    Args:
        y: (O, 1) scores; target: the true class c (an int; a bool label counts
            as 1 for True).
    Returns:
        ``(loss, p, d_y)``: the float ``-ln softmax(y)[c]`` (computed as
        ``logsumexp(y) - y[c]``, which stays finite where ``p[c]`` underflows),
        the (O, 1) probabilities p, and ``d_y = p - e_c`` of shape (O, 1).
    """
    y = np.asarray(y, dtype=np.float64)
    if y.ndim != 2 or y.shape[1] != 1:
        raise ValueError(f"y must be a (O, 1) column of scores, got shape {y.shape}")
    return column_softmax_cross_entropy(y, class_index(target, y.shape[0]))


def column_softmax_cross_entropy(y, c):
    """``softmax_cross_entropy`` without its checks: y a float (O, 1) column, c an int in 0..O-1."""
    log_z = logsumexp(y, axis=0)[0]
    p = softmax(y)
    d_y = p.copy()
    d_y[c, 0] -= 1.0
    return float(log_z - y[c, 0]), p, d_y


def row_softmax_cross_entropy(y, c, d_y):
    """One example as a (1, O) row, in Python floats (cheaper than numpy calls for O = 2).

    Writes ``p - e_c`` into the (1, O) array ``d_y``; returns ``(loss, correct)``,
    ``correct`` 1 if the largest probability is the true class's, else 0.
    """
    ys = y[0].tolist()
    m = max(ys)
    es = [math.exp(v - m) for v in ys]
    s = sum(es)
    p = [e / s for e in es]
    correct = int(p.index(max(p)) == c)
    p[c] -= 1.0
    d_y[0] = p
    return m + math.log(s) - ys[c], correct


def rows_softmax_cross_entropy(y, targets, d_y):
    """B examples as rows of a (B, O) array: writes ``p - e_c`` into ``d_y`` (B, O).

    Returns ``(loss, correct)``: the summed loss (a float) and the number of
    rows whose largest probability is the true class's.
    """
    rows = np.arange(len(targets))
    loss = float((logsumexp(y, axis=1) - y[rows, targets]).sum())
    m = y.max(axis=1, keepdims=True)
    e = np.exp(y - m)
    np.divide(e, e.sum(axis=1, keepdims=True), out=d_y)
    correct = int(np.count_nonzero(d_y.argmax(axis=1) == targets))
    d_y[rows, targets] -= 1.0
    return loss, correct


def rows_cross_entropy(y, targets):
    """Summed loss and number correct for the rows of (B, O) scores, without a gradient."""
    loss = float((logsumexp(y, axis=1) - y[np.arange(len(targets)), targets]).sum())
    correct = int(np.count_nonzero(y.argmax(axis=1) == targets))
    return loss, correct


def sequence_cross_entropy(ys, targets, mask=None):
    """Cross-entropy at every (unmasked) step, summed: the loss of every many-to-many model (``CharLM``, ``Seq2Seq``).

    Args:
        ys: (T, V, B) scores; targets: (T, B) token indices; mask: (T, B) of
            1.0 on real steps and 0.0 on padding, or ``None``.
    Returns:
        ``(loss, p, d_y)``: the summed loss (a float), the (T, V, B)
        probabilities and ``d_y = mask * (p - e_c)`` (T, V, B).
    """
    T, V, B = ys.shape
    lse = logsumexp(ys, axis=1)  # (T, B)
    t_ix, b_ix = np.meshgrid(np.arange(T), np.arange(B), indexing="ij")
    step_loss = lse - ys[t_ix, targets, b_ix]  # (T, B): -ln p_t[c_t]
    d_y = np.exp(ys - lse[:, None, :])  # p_t, (T, V, B)
    p = d_y.copy()
    d_y[t_ix, targets, b_ix] -= 1.0  # d_y_t = p_t - e_{c_t}
    if mask is not None:
        step_loss = step_loss * mask
        d_y *= mask[:, None, :]
    return float(step_loss.sum()), p, d_y

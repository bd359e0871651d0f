"""Softmax, cross-entropy and their gradient with respect to the scores y."""

import numpy as np


def softmax(y):
    """Numerically stable softmax of a column of scores.

    Args:
        y: (O, 1) scores (or (O, B), one column per example).
    Returns:
        Probabilities of the same shape; each column sums to 1. The maximum is
        subtracted first, so large scores do not overflow ``exp``.
    """
    y = np.asarray(y, dtype=np.float64)
    z = np.exp(y - y.max(axis=0, keepdims=True))
    return z / z.sum(axis=0, keepdims=True)


def _check_target(y, target):
    if isinstance(target, (bool, np.bool_)):
        target = int(target)
    if not isinstance(target, (int, np.integer)):
        raise TypeError(f"target must be a class index (int), got {type(target).__name__}")
    if not 0 <= target < y.shape[0]:
        raise ValueError(f"target class {target} is out of range 0..{y.shape[0] - 1}")
    return int(target)


def cross_entropy(p, target):
    """``L = -ln p[target]`` as a Python float, for a (O, 1) column of probabilities."""
    p = np.asarray(p, dtype=np.float64)
    target = _check_target(p, target)
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
    c = _check_target(y, target)
    m = y.max()
    log_z = m + np.log(np.exp(y - m).sum())
    p = softmax(y)
    d_y = p.copy()
    d_y[c, 0] -= 1.0
    return float(log_z - y[c, 0]), p, d_y

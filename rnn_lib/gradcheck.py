"""Numerical gradient checking with centred differences.

    dL/dθ_i ≈ (L(θ + ε e_i) - L(θ - ε e_i)) / (2ε)

The error of this estimate is O(ε²) plus rounding of order 1e-16·|L|/ε (about
1e-11 for ε = 1e-5), so in float64 an analytic gradient that is right agrees to
about 1e-9 relative; a wrong one (a missing transpose, say) is off by order 1.

Entries far smaller than that rounding (a weight that barely matters, as with
the article's randn/1000 weights) cannot be measured relative to themselves: the
numerical estimate of a 1e-12 entry may come out as exactly 0. So
``check_gradients`` measures each entry's error relative to ``|a| + |n|`` but
never relative to less than ``FLOOR`` (1e-3): below that, only an absolute
difference of more than FLOOR times the tolerance (1e-9) counts as an error.

A NaN or an infinity is never close to anything: ``rel_error`` returns ``inf``
when either gradient holds one; ``check_gradients`` gives the verdict "NOT
FINITE" to a parameter whose analytic or numerical gradient, or whose weights,
hold one (an infinite weight cannot be perturbed: inf + eps is inf), and then
``passed()`` is False. (Without this rule a NaN would pass:
every comparison with NaN is False, so "is the error too large?" says no.)
"""

from dataclasses import dataclass

import numpy as np

from . import checks
from .losses import softmax_cross_entropy

EPS = 1e-5
#: Below this, |a| + |n| is treated as zero when dividing (both gradients vanish).
TINY = 1e-12
#: The smallest denominator ``check_gradients`` divides by (see the module's docstring).
FLOOR = 1e-3


def numerical_gradient(f, x, eps=EPS):
    """Centred-difference gradient of the scalar function ``f()`` with respect to array ``x``.

    ``x`` is perturbed in place, one element at a time, and restored exactly;
    ``f`` takes no arguments and must read ``x`` (e.g. a model's parameter).
    Returns an array of ``x``'s shape. ``eps`` must be a finite positive number.
    """
    eps = checks.positive_number(eps, "eps")
    grad = np.zeros_like(x, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"], op_flags=[["readwrite"]])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + eps
        f_plus = f()
        x[i] = old - eps
        f_minus = f()
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def rel_error(a, b, floor=TINY):
    """Largest element-wise relative error ``|a - b| / max(|a| + |b|, floor)``.

    With the default ``floor`` (1e-12), entries where both are below it count as 0.
    Returns ``inf`` if ``a`` or ``b`` holds a NaN or an infinity: such a
    gradient is never "close", whatever the tolerance.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} vs {b.shape}")
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        return float("inf")
    denom = np.abs(a) + np.abs(b)
    err = np.where(denom > TINY, np.abs(a - b) / np.maximum(denom, floor), 0.0)
    return float(err.max()) if err.size else 0.0


@dataclass
class GradCheckRow:
    """One parameter's comparison of analytic and numerical gradients."""

    name: str
    max_rel_error: float
    max_abs_diff: float
    exact: bool
    #: False if the analytic or the numerical gradient, or the weights, hold a NaN or an infinity.
    finite: bool = True

    @property
    def verdict(self):
        """"NOT FINITE", "exact", "close" (relative error below 1e-6) or "WRONG"."""
        if not self.finite:
            return "NOT FINITE"
        if self.exact:
            return "exact"
        return "close" if self.max_rel_error < 1e-6 else "WRONG"


class GradCheckReport(dict):
    """``{name: GradCheckRow}``, printed as a table, one parameter a line."""

    def max_rel_error(self):
        """The worst relative error over all parameters."""
        return max(row.max_rel_error for row in self.values())

    def passed(self, tol=1e-6):
        """True if every gradient is finite and every max relative error is below ``tol``."""
        return all(row.finite for row in self.values()) and self.max_rel_error() < tol

    def __str__(self):
        lines = [f"{'param':<6}{'max rel error':>15}{'max abs diff':>15}  verdict"]
        for row in self.values():
            lines.append(f"{row.name:<6}{row.max_rel_error:>15.2e}{row.max_abs_diff:>15.2e}  {row.verdict}")
        return "\n".join(lines)

    def _repr_pretty_(self, p, cycle):
        p.text(str(self))


def check_gradients(model, inputs, target, h0=None, backward=None, eps=EPS, names=None,
                    floor=FLOOR):
    """Compare ``model.backward``'s gradients with centred differences, for every parameter.

    Args:
        model: an ``RNN``; inputs, h0: as for ``model.forward``; target: the true class.
        backward: optional ``backward(model, d_y) -> grads`` to check instead of
            ``model.backward`` (e.g. the article's version), called after a forward.
        eps: the finite-difference step.
        names: which parameters to check; all of ``model.params`` by default
            (for the vanilla model ``PARAM_NAMES``, in that order).
        floor: the smallest denominator of the relative error (see the module's docstring).
    Returns:
        A ``GradCheckReport`` mapping each name to its max relative error and
        max absolute difference. The weights are left as they were. A NaN or
        infinity in a weight or in either gradient (a backward that returns NaN,
        a loss that overflows) makes that row "NOT FINITE" and ``passed()`` False.
    """
    names = _checked_names(model, names)
    eps = checks.positive_number(eps, "eps")

    def loss():
        y, _ = model.forward(inputs, h0)
        return softmax_cross_entropy(y, target)[0]

    y, _ = model.forward(inputs, h0)
    _, _, d_y = softmax_cross_entropy(y, target)
    if not checks.all_finite(d_y):  # non-finite weights or scores: every gradient is, reported NOT FINITE
        analytic = {n: np.full(model.params[n].shape, np.nan) for n in names}
    else:
        analytic = model.backward(d_y) if backward is None else backward(model, d_y)
        _check_analytic(model, names, analytic, "backward" if backward is not None else "model.backward")
    return _compare(model, names, loss, analytic, eps, floor)


def _check_analytic(model, names, analytic, what):
    """The gradients returned by ``what``: a mapping holding every checked name, shaped as its parameter."""
    if not hasattr(analytic, "keys"):
        raise TypeError(f"{what} must return {{name: gradient}}, got {type(analytic).__name__}")
    missing = [n for n in names if n not in analytic]
    if missing:
        raise ValueError(f"{what} returned no gradient for {', '.join(missing)}: it must return "
                         f"{{name: gradient}} for every parameter ({', '.join(names)})")
    for n in names:
        if np.shape(analytic[n]) != model.params[n].shape:
            raise ValueError(f"{what} returned the gradient {n} with shape {np.shape(analytic[n])}, "
                             f"the parameter's is {model.params[n].shape}")


def check_loss_gradients(model, *args, eps=EPS, names=None, floor=FLOOR, **kwargs):
    """``check_gradients`` for any model whose ``loss(*args, **kwargs)`` returns ``(loss, grads)``.

    The language model's (``rnn_lib.lm.CharLM.loss(inputs, targets, mask)``),
    for one: its gradients are compared with centred differences of its loss,
    every parameter of ``model.params`` (or ``names``) perturbed in place and
    restored. Returns a ``GradCheckReport``, as ``check_gradients``.
    """
    names = _checked_names(model, names)
    eps = checks.positive_number(eps, "eps")
    analytic = model.loss(*args, **kwargs)[1]
    _check_analytic(model, names, analytic, "model.loss")
    analytic = {n: np.array(analytic[n], dtype=np.float64) for n in names}
    return _compare(model, names, lambda: model.loss(*args, **kwargs)[0], analytic, eps, floor)


def check_batch_gradients(model, batch, eps=EPS, names=None, floor=FLOOR):
    """``check_gradients`` through the model's contract (``rnn_lib.base``), for any model and any cell.

    Compares ``model.batch_loss(batch)``'s gradients (the classifier's
    ``(idx, targets, mask)``, the language model's ``(inputs, targets, mask,
    state0)``) with centred differences of its loss. Returns a ``GradCheckReport``.
    """
    names = _checked_names(model, names)
    eps = checks.positive_number(eps, "eps")
    _, grads, _ = model.batch_loss(batch)
    analytic = {n: np.array(grads[n], dtype=np.float64) for n in names}  # a copy: the kernel reuses its buffer
    return _compare(model, names, lambda: model.batch_loss(batch, grads=False)[0], analytic, eps, floor)


def _checked_names(model, names):
    names = tuple(model.params) if names is None else tuple(names)
    if not names:
        raise ValueError("names is empty: give at least one parameter to check")
    for name in names:
        if name not in model.params:
            raise ValueError(f"unknown parameter {name!r}: the parameters are {', '.join(model.params)}")
    return names


def _compare(model, names, loss, analytic, eps, floor):
    """Each parameter's analytic gradient against centred differences of ``loss()``: a ``GradCheckReport``."""
    report = GradCheckReport()
    for name in names:
        numeric = numerical_gradient(loss, model.params[name], eps)
        a = np.asarray(analytic[name], dtype=np.float64)
        error = rel_error(a, numeric, floor)
        # a non-finite weight cannot be perturbed (inf + eps is inf): nothing there is measured
        finite = bool(np.all(np.isfinite(a)) and np.all(np.isfinite(numeric))
                      and np.all(np.isfinite(model.params[name])))
        with np.errstate(invalid="ignore"):  # inf - inf is NaN: reported as NOT FINITE
            diff = float(np.abs(a - numeric).max())
        if not finite:
            error = float("inf")
        report[name] = GradCheckRow(name, error, diff, finite and bool(np.array_equal(a, numeric)), finite)
    return report

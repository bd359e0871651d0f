"""Notebook 02's exercises: one step of the forward pass, the forward loop."""

import numpy as np

from ..cells import step_forward as _lib_step_forward  # check_step_forward's argument is called step_forward
from ._core import (CHECKER_OF, REFERENCES, _Failed, _array, _call, _close, _kind, _run, _shaped, _shown_name,
                    _snapshot, _unchanged)
from .preprocessing import reference_one_hot


def _weights(rng, V, H, O, scale=0.5, symmetric=False):
    """Random weights of sensible scale (no zeros, Whh not symmetric unless asked)."""
    Wxh = rng.standard_normal((H, V)) * scale
    Whh = rng.standard_normal((H, H)) * scale
    if symmetric:
        Whh = (Whh + Whh.T) / 2
    Why = rng.standard_normal((O, H)) * scale
    bh = rng.standard_normal((H, 1)) * scale
    by = rng.standard_normal((O, 1)) * scale
    return Wxh, Whh, Why, bh, by


def _columns(indices, V):
    return [reference_one_hot(i, V) for i in indices]


def _h_of(value):
    """The new state from ``h`` or ``(h, cache)``."""
    if isinstance(value, tuple) and value:
        value = value[0]
    return value


def reference_step_forward(x, h_prev, Wxh, Whh, bh):
    """The library's step, returning h_t alone, as notebook 2's ``step_forward`` does."""
    return _lib_step_forward(x, h_prev, Wxh, Whh, bh)[0]


def check_step_forward(step_forward, strict=None):
    """Check ``step_forward(x, h_prev, Wxh, Whh, bh) -> h`` (or ``(h, cache)``) (notebook 2).

    ``h = tanh(Wxh @ x + Whh @ h_prev + bh)``. Checks, in order: h is an (H, 1) column (with
    V=5, H=4, so a swapped product shows); with h_prev = 0 and bh = 0, the input term and the tanh;
    with h_prev != 0 and a non-symmetric Whh, the recurrent term ``Whh @ h_prev`` (not ``Whh.T``);
    with bh != 0, the bias; the arguments are not changed in place.
    """
    V, H = 5, 4
    rng = np.random.default_rng(20)
    Wxh, Whh, _, bh, _ = _weights(rng, V, H, 2, scale=0.8)
    x = reference_one_hot(3, V)
    h_prev = np.tanh(rng.standard_normal((H, 1)))
    zeros_h, zeros_b = np.zeros((H, 1)), np.zeros((H, 1))

    def answer(fn, *args):
        return _array(_h_of(_call(fn, *[np.array(a, copy=True) for a in args])), "h")

    def shape(fn):
        _shaped(answer(fn, x, h_prev, Wxh, Whh, bh), (H, 1), "h",
                hint="h_t is a column: (H, V) @ (V, 1) + (H, H) @ (H, 1) + (H, 1)")

    def input_and_tanh(fn):
        got = answer(fn, x, zeros_h, Wxh, Whh, zeros_b)
        if _close(got, np.tanh(Wxh @ x)):  # right first: float32 rounding never makes a right answer a mistake
            return
        if _close(got, Wxh @ x):
            raise _Failed("h is Wxh @ x without the tanh: h = np.tanh(Wxh @ x + Whh @ h_prev + bh)")
        raise _Failed("h wrong when h_prev = 0 and bh = 0 — it should be np.tanh(Wxh @ x) then")

    def recurrence(fn):
        got = answer(fn, x, h_prev, Wxh, Whh, zeros_b)
        if _close(got, np.tanh(Wxh @ x + Whh @ h_prev)):
            return
        if _close(got, np.tanh(Wxh @ x + Whh.T @ h_prev)):
            raise _Failed("h uses Whh.T @ h_prev: the recurrent term is Whh @ h_prev (Whh is not symmetric)")
        if _close(got, np.tanh(Wxh @ x)):
            raise _Failed("h ignores h_prev: add the recurrent term Whh @ h_prev")
        raise _Failed("h wrong when h_prev is not zero — the recurrent term is Whh @ h_prev")

    def bias(fn):
        got = answer(fn, x, h_prev, Wxh, Whh, bh)
        if _close(got, _lib_step_forward(x, h_prev, Wxh, Whh, bh)[0]):
            return
        if _close(got, np.tanh(Wxh @ x + Whh @ h_prev)):
            raise _Failed("h ignores bh: add the bias inside the tanh")
        if _close(got, np.tanh(Wxh @ x + Whh @ h_prev) + bh):
            raise _Failed("bh is added after the tanh: it belongs inside, np.tanh(... + bh)")
        raise _Failed("h wrong when bh is not zero: h = np.tanh(Wxh @ x + Whh @ h_prev + bh)")

    def in_place(fn):
        args = [np.array(a, copy=True) for a in (x, h_prev, Wxh, Whh, bh)]
        before = _snapshot(*args)
        _call(fn, *args)
        if not _unchanged(before, args):
            names = [n for n, b, a in zip(("x", "h_prev", "Wxh", "Whh", "bh"), before, args)
                     if not np.array_equal(b, a)]
            raise _Failed(f"{_shown_name(fn, 'step_forward')} changed {', '.join(names)} in place: compute a new h, "
                          "leave the arguments alone")

    return _run("step_forward", step_forward, [shape, input_and_tanh, recurrence, bias, in_place],
                reference_step_forward, strict)


def reference_forward(xs, Wxh, Whh, Why, bh, by):
    """The forward loop with the library's step: ``(y, hs)``, y (O, 1), hs (T+1, H, 1) with hs[0] = 0."""
    h = np.zeros((Whh.shape[0], 1))
    hs = [h]
    for x in xs:
        h, _ = _lib_step_forward(x, h, Wxh, Whh, bh)
        hs.append(h)
    return Why @ h + by, np.array(hs)


def _forward_pair(value, name="rnn_forward"):
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise _Failed(f"{name} should return the pair (y, hs), got {_kind(value)}")
    return value


def check_forward(rnn_forward, strict=None):
    """Check ``rnn_forward(xs, Wxh, Whh, Why, bh, by) -> (y, hs)`` (notebook 2).

    y is (O, 1) and hs holds h_0 = 0, h_1, ..., h_T, shape (T+1, H, 1). Checks, in order: the
    shapes (V=5, H=4, O=3, T=3); a one-word phrase (one step and the output layer); a three-word
    phrase with a non-symmetric Whh (h carried from step to step, words read in order, y from the
    last state); nothing changed in place.
    """
    V, H, O = 5, 4, 3
    rng = np.random.default_rng(21)
    weights = _weights(rng, V, H, O, scale=0.8)
    Wxh, Whh, Why, bh, by = weights
    words = [1, 4, 2]

    def run(fn, xs):
        args = [[np.array(x, copy=True) for x in xs]] + [np.array(w, copy=True) for w in weights]
        y, hs = _forward_pair(_call(fn, *args), _shown_name(fn, "rnn_forward"))
        return _array(y, "y"), _array(hs, "hs")

    def shapes(fn):
        y, hs = run(fn, _columns(words, V))
        _shaped(y, (O, 1), "y", hint="y = Why @ h_T + by is a column")
        T = len(words)
        if hs.shape == (T, H, 1):
            hs_ref = reference_forward(_columns(words, V), *weights)[1]
            if _close(hs, hs_ref[:-1]):
                raise _Failed(f"hs has shape {hs.shape} and stops at h_{T - 1}: the last word is missing — loop over "
                              "every x in xs, hs holds h_0, ..., h_T (T+1 states)")
            if _close(hs, hs_ref[1:]):
                raise _Failed(f"hs has shape {hs.shape}: it must hold h_0 too, T+1 states with hs[0] = zeros")
            raise _Failed(f"hs has shape {hs.shape}, expected {(T + 1, H, 1)}: h_0, h_1, ..., h_T, one state per "
                          "word plus h_0")
        _shaped(hs, (T + 1, H, 1), "hs", hint="hs holds h_0, ..., h_T, each an (H, 1) column")
        if not _close(hs[0], np.zeros((H, 1))):
            raise _Failed("hs[0] is not zeros: the loop starts from h_0 = np.zeros((H, 1))")

    def one_word(fn):
        xs = _columns([3], V)
        y, hs = run(fn, xs)
        y_ref, hs_ref = reference_forward(xs, *weights)
        if not _close(hs, hs_ref):
            raise _Failed("h_1 wrong for a one-word phrase: h_1 = np.tanh(Wxh @ x_1 + Whh @ h_0 + bh)")
        if not _close(y, y_ref):
            raise _Failed("y wrong for a one-word phrase: y = Why @ h_T + by")

    def several_words(fn):
        xs = _columns(words, V)
        y, hs = run(fn, xs)
        y_ref, hs_ref = reference_forward(xs, *weights)
        if _close(hs, hs_ref) and _close(y, y_ref):
            return
        no_memory = np.array([np.zeros((H, 1))] + [np.tanh(Wxh @ x + bh) for x in xs])
        backwards = reference_forward(xs[::-1], *weights)[1]
        transposed = reference_forward(xs, Wxh, Whh.T, Why, bh, by)[1]
        if _close(hs, no_memory):
            raise _Failed("every h_t starts from zeros: carry h from one step to the next (Whh @ h, the previous h)")
        if _close(hs, backwards):
            raise _Failed("the words are read backwards: loop over xs in order, x_1 first")
        if _close(hs, transposed):
            raise _Failed("hs wrong when Whh is not symmetric: the recurrent term is Whh @ h, not Whh.T @ h")
        if not _close(hs, hs_ref):
            raise _Failed("hs wrong for a three-word phrase, though right for one word — is h updated at every step?")
        if any(_close(y, Why @ h + by) for h in hs_ref[:-1]):
            raise _Failed("y comes from an earlier state: y = Why @ h_T + by, with the last h")
        raise _Failed("y wrong for a three-word phrase: y = Why @ h_T + by")

    def in_place(fn):
        xs = _columns(words, V)
        args = [np.array(w, copy=True) for w in weights]
        before = _snapshot(*xs, *args)
        _call(fn, xs, *args)
        if not _unchanged(before, [*xs, *args]):
            raise _Failed(f"{_shown_name(fn, 'rnn_forward')} changed its inputs or weights in place: "
                          "leave them alone")

    return _run("rnn_forward", rnn_forward, [shapes, one_word, several_words, in_place], reference_forward, strict)


CHECKER_OF.update({"step_forward": check_step_forward, "rnn_forward": check_forward})
REFERENCES.update({"step_forward": reference_step_forward, "rnn_forward": reference_forward})

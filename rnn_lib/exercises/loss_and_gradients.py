"""Notebook 03's exercises: the loss and its gradient, one BPTT step, the BPTT loop, many-to-many BPTT."""

import numpy as np

from ..losses import softmax, softmax_cross_entropy
from ..cells import step_backward, step_forward
from ..model import PARAM_NAMES, RNN
from ._core import (CHECKER_OF, REFERENCES, _Failed, _array, _call, _check_grads, _close, _d, _diagnose, _eps,
                    _first_of, _kind, _run, _shaped, _shown_name, _snapshot, _unchanged)
from .preprocessing import reference_one_hot
from .forward_pass import _columns, _weights
from ._bptt_slips import _bptt, _bptt_mistakes


def _loss_triple(value):
    """``(L, p, d_y)`` or ``(L, d_y)`` -> (L as a 0-d array in the learner's precision, p or None, d_y)."""
    if not isinstance(value, (tuple, list)) or len(value) not in (2, 3):
        raise _Failed(f"should return (L, p, d_y) or (L, d_y), got {_kind(value)}")
    L = _array(value[0], "L")
    if L.shape != ():  # a 1-element array breaks f"{L:.3f}" in the cell below: ask for one number
        raise _Failed(f"L is an array of shape {L.shape}: return one number, e.g. -np.log(p[c, 0]) "
                      "(p[c] is an array of shape (1,))" if L.size == 1 else
                      f"L should be one number, got an array of shape {L.shape}")
    return L, (value[1] if len(value) == 3 else None), value[-1]


def _probabilities(p, y):
    """The learner's p as an (O, 1) column (a flat (O,) p is accepted), or a failed check."""
    arr = _array(p, "p")
    if arr.shape == (y.shape[0],):
        arr = arr.reshape(y.shape)
    return _shaped(arr, y.shape, "p", hint="p = softmax(y) has the shape of y")


def check_softmax_cross_entropy(loss_and_grad, strict=None):
    """Check ``loss_and_grad(y, c) -> (L, p, d_y)`` or ``(L, d_y)`` (notebook 3).

    ``p = softmax(y)``, ``L = -ln p[c]`` and ``d_y = p - e_c``. Checks, in order: it returns the loss
    as one number (a float or a 0-d array, not an array of shape (1,)) and d_y as an (O, 1) column;
    the loss for two classes; p (when returned) is softmax(y), summing to 1; the gradient
    ``p - e_c``; three classes (nothing assumes two); large scores (1000 and 998) stay finite; y is
    not changed in place. A right ``(L, d_y)`` passes, but ``use(loss_and_grad)`` then gives the
    library's ``(L, p, d_y)``.
    """
    y2, c2 = np.array([[0.5], [-1.2]]), 0

    sizes = set()  # how many items the learner's function returned

    def answer(fn, y, c):
        value = _call(fn, np.array(y, copy=True), c)
        if isinstance(value, (tuple, list)):
            sizes.add(len(value))
        return _loss_triple(value)

    def after():  # notebook 3's cell below unpacks L, p, d_y
        return sizes == {2}, "it returns (L, d_y): the cells below use rnn_lib's (L, p, d_y)"

    def returns(fn):
        _, _, d_y = answer(fn, y2, c2)
        _shaped(d_y, (2, 1), "d_y", hint="dL/dy has the shape of y")

    def loss(fn):
        L, _, _ = answer(fn, y2, c2)
        p = softmax(y2)
        if _close(L, -np.log(p[c2, 0])):
            return
        if np.isclose(L, -np.log(p[1 - c2, 0])):
            raise _Failed("L uses the probability of the wrong class: L = -ln p[c], c the true class")
        if np.isclose(L, np.log(p[c2, 0])):
            raise _Failed("L is ln p[c], negative: the loss is L = -ln p[c]")
        if np.isclose(L, -np.log10(p[c2, 0])):
            raise _Failed("L uses log10: the loss uses the natural log, -np.log(p[c])")
        raise _Failed(f"L = {float(L):.4f} for y = [0.5, -1.2], c = 0; "
                      f"expected -ln softmax(y)[c] = {-np.log(p[c2, 0]):.4f}")

    def probabilities(fn):
        y = y2
        _, p, _ = answer(fn, y, c2)
        if p is None:  # (L, d_y): nothing to check
            return
        p = _probabilities(p, y)
        if not _close(p, softmax(y)):
            if _close(p, np.exp(y)) or _close(p, np.exp(y - y.max())):
                raise _Failed(f"p sums to {float(p.sum()):.3f}, not 1: divide by the sum, "
                              "p = np.exp(y - y.max()) / np.exp(y - y.max()).sum()")
            raise _Failed(f"p = {np.round(p.ravel(), 3).tolist()} for y = {y.ravel().tolist()}: p is softmax(y), "
                          "np.exp(y - y.max()) / np.exp(y - y.max()).sum(), which sums to 1")

    def gradient(fn):
        _, _, d_y = answer(fn, y2, c2)
        d_y = _shaped(d_y, (2, 1), "d_y")
        p = softmax(y2)
        e_c = reference_one_hot(c2, 2)
        if _close(d_y, p - e_c):
            return
        if _close(d_y, e_c - p):
            raise _Failed("d_y has the wrong sign: dL/dy = p - e_c")
        if _close(d_y, p):
            raise _Failed("d_y is p: subtract 1 at the true class, dL/dy = p - e_c")
        if _close(d_y, p - reference_one_hot(1 - c2, 2)):
            raise _Failed("d_y subtracts 1 at the wrong row: e_c has its 1 at row c, the true class")
        raise _Failed("d_y wrong for y = [0.5, -1.2], c = 0: dL/dy = p - e_c")

    def three_classes(fn):
        y3, c3 = np.array([[0.2], [1.5], [-0.7]]), 1
        L, p, d_y = answer(fn, y3, c3)
        ref_L, ref_p, ref_d_y = softmax_cross_entropy(y3, c3)
        d_y = _shaped(d_y, (3, 1), "d_y with 3 classes", hint="nothing may assume two classes, use y.shape")
        p_right = p is None or _close(_probabilities(p, y3), ref_p)
        if not (_close(L, ref_L) and _close(d_y, ref_d_y) and p_right):
            raise _Failed("wrong with 3 classes (right with 2): nothing may assume two classes, use y.shape")

    def large_scores(fn):
        big, c = np.array([[1000.0], [998.0]]), 1
        L, p, d_y = answer(fn, big, c)
        ref_L, ref_p, ref_d_y = softmax_cross_entropy(big, c)
        finite = [np.isfinite(L).all(), np.isfinite(_array(d_y, "d_y")).all()]
        if p is not None:
            finite.append(np.isfinite(_probabilities(p, big)).all())
        if not all(finite):
            raise _Failed("not finite for scores 1000 and 998: subtract y.max() before np.exp (softmax is unchanged)")
        if not (_close(L, ref_L) and _close(d_y, ref_d_y) and (p is None or _close(_probabilities(p, big), ref_p))):
            raise _Failed(f"wrong for scores 1000 and 998: L should be {ref_L:.4f} — subtract y.max() before np.exp")

    def in_place(fn):
        y = np.array(y2, copy=True)
        _call(fn, y, c2)
        if not np.array_equal(y, y2):
            raise _Failed("y changed in place: compute p and d_y in new arrays (e.g. y - y.max(), not y -= ...)")

    return _run("softmax_cross_entropy", loss_and_grad,
                [returns, loss, probabilities, gradient, three_classes, large_scores, in_place], softmax_cross_entropy,
                strict, after, notebook_name="loss_and_grad")


def _step_case(seed, V=5, H=4, symmetric=False, scale=0.8):
    rng = np.random.default_rng(seed)
    Wxh, Whh, _, bh, _ = _weights(rng, V, H, 2, scale=scale, symmetric=symmetric)
    x = reference_one_hot(int(rng.integers(V)), V)
    h_prev = np.tanh(rng.standard_normal((H, 1)))
    d_h = rng.standard_normal((H, 1))
    _, cache = step_forward(x, h_prev, Wxh, Whh, bh)
    return d_h, cache


def _step_pair(value):
    if not isinstance(value, (tuple, list)) or len(value) != 2 or not isinstance(value[1], dict):
        raise _Failed(f"should return (d_h_prev, grads), grads a dict keyed 'Wxh', 'Whh', 'bh'; got {_kind(value)}")
    return value


def check_bptt_step(bptt_step, strict=None):
    """Check ``bptt_step(d_h, cache) -> (d_h_prev, grads)``, one step back (notebook 3).

    ``cache`` is what ``rnn_lib.step_forward`` returns: ``(x, h_prev, h, Whh)``. With
    ``d_a = (1 - h**2) * d_h``: grads ``{"Wxh": d_a @ x.T, "Whh": d_a @ h_prev.T, "bh": d_a}`` and
    ``d_h_prev = Whh.T @ d_a``. Checks, in order: the shapes (V=5, H=4); the tanh' factor (dL/dbh);
    dL/dWxh and dL/dWhh (the incoming state h_prev, not h); d_h_prev with a non-symmetric Whh
    (the transpose); nothing changed in place.
    """
    def answer(fn, d_h, cache):
        args = (np.array(d_h, copy=True), tuple(np.array(c, copy=True) for c in cache))
        d_h_prev, grads = _step_pair(_call(fn, *args))
        x, h_prev, h, Whh = cache
        shapes = {"Wxh": (h.shape[0], x.shape[0]), "Whh": Whh.shape, "bh": h.shape}
        return _array(d_h_prev, "d_h_prev"), _check_grads(grads, shapes)

    def shapes(fn):
        d_h, cache = _step_case(30)
        d_h_prev, _ = answer(fn, d_h, cache)
        _shaped(d_h_prev, cache[1].shape, "d_h_prev", hint="dL/dh_{t-1} has the shape of h_{t-1}")

    def tanh_prime(fn):
        d_h, cache = _step_case(31)
        _, grads = answer(fn, d_h, cache)
        x, h_prev, h, Whh = cache
        if _close(grads["bh"], step_backward(d_h, cache)[1]["bh"]):
            return
        if _close(grads["bh"], d_h):
            raise _Failed("dL/dbh is d_h: go through the tanh first, d_a = (1 - h**2) * d_h")
        if _close(grads["bh"], (1 - h_prev ** 2) * d_h):
            raise _Failed("the tanh' factor uses h_prev: it is this step's output, d_a = (1 - h**2) * d_h")
        if _close(grads["bh"], (1 - h) ** 2 * d_h) or _close(grads["bh"], (1 - h ** 2) @ d_h.T):
            raise _Failed("the tanh' factor is (1 - h**2), element-wise: d_a = (1 - h**2) * d_h")
        raise _Failed("dL/dbh wrong: it is d_a = (1 - h**2) * d_h")

    def weights(fn):
        d_h, cache = _step_case(32)
        _, grads = answer(fn, d_h, cache)
        x, h_prev, h, Whh = cache
        d_a = (1 - h ** 2) * d_h
        ref = step_backward(d_h, cache)[1]
        if not _close(grads["Wxh"], ref["Wxh"]):
            raise _Failed("dL/dWxh wrong: d_a @ x.T, an (H, 1) @ (1, V) outer product")
        if _close(grads["Whh"], ref["Whh"]):
            return
        if _close(grads["Whh"], d_a @ h.T):
            raise _Failed("dL/dWhh uses h: the state coming in, d_a @ h_prev.T")
        raise _Failed("dL/dWhh wrong: d_a @ h_prev.T, an (H, 1) @ (1, H) outer product")

    def transpose(fn):
        d_h, cache = _step_case(33)
        d_h_prev, _ = answer(fn, d_h, cache)
        x, h_prev, h, Whh = cache
        d_a = (1 - h ** 2) * d_h
        if _close(d_h_prev, step_backward(d_h, cache)[0]):
            return
        if _close(d_h_prev, Whh @ d_a):
            raise _Failed("d_h_prev wrong when Whh is not symmetric — pass the gradient back through Whh.T: "
                          "Whh.T @ d_a")
        if _close(d_h_prev, Whh.T @ d_h):
            raise _Failed("d_h_prev skips the tanh': it is Whh.T @ d_a, with d_a = (1 - h**2) * d_h")
        raise _Failed("d_h_prev wrong: it is Whh.T @ d_a")

    def in_place(fn):
        d_h, cache = _step_case(34)
        args = (np.array(d_h, copy=True), tuple(np.array(c, copy=True) for c in cache))
        before = _snapshot(args[0], *args[1])
        _call(fn, *args)
        if not _unchanged(before, [args[0], *args[1]]):
            raise _Failed(f"{_shown_name(fn, 'bptt_step')} changed d_h or the cache in place: return new arrays")

    return _run("bptt_step", bptt_step, [shapes, tanh_prime, weights, transpose, in_place],
                step_backward, strict)


def reference_bptt(model, xs, hs, d_y):
    """BPTT for the many-to-one model: ``(grads, d_hs)`` as ``model.backward(d_y, return_hidden_grads=True)``.

    ``xs``: T one-hot (V, 1) columns; ``hs``: (T+1, H, 1), hs[0] = h_0; ``d_y``: (O, 1), dL/dy.
    ``grads``: a dict keyed "Wxh", "Whh", "Why", "bh", "by", each of its parameter's shape.
    ``d_hs``: (T+1, H, 1), one entry per hidden state, h_0 first: ``d_hs[t] = dL/dh_t``, so
    ``d_hs[T] = Why.T @ d_y`` and ``d_hs[0] = dL/dh_0``, what step 1 passes back.
    """
    return _bptt(model, xs, hs, [None] * (len(xs) - 1) + [d_y])


def reference_bptt_many_to_many(model, xs, hs, d_ys):
    """BPTT with an output y_t = Why h_t + by and a loss at every step; ``d_ys[t-1] = dL_t/dy_t``.

    The gradient reaching h_t has two paths, ``Why.T @ d_ys[t-1]`` (through y_t) plus
    ``Whh.T @ d_a_{t+1}`` (through h_{t+1}). Returns ``(grads, d_hs)``, grads summed over the steps.
    """
    if len(d_ys) != len(xs):
        raise ValueError(f"d_ys has {len(d_ys)} entries for {len(xs)} time steps: one (O, 1) gradient per step")
    return _bptt(model, xs, hs, list(d_ys))


def _reference_bptt_many_grads(model, xs, hs, d_ys):
    """``reference_bptt_many_to_many``'s gradient dict alone, as notebook 3's ``bptt_many`` returns it."""
    return reference_bptt_many_to_many(model, xs, hs, d_ys)[0]


def _bptt_case(seed, T, symmetric=False, h0=False, many=False, V=5, H=4, O=3):
    """A small model (V=5, H=4, O=3: every shape differs) with random weights and a forward pass."""
    rng = np.random.default_rng(seed)
    model = RNN(V, O, H, rng=rng, init=0.6)
    model.bh = 0.3 * rng.standard_normal((H, 1))
    model.by = 0.3 * rng.standard_normal((O, 1))
    if symmetric:
        model.Whh = (model.Whh + model.Whh.T) / 2
    xs = _columns(rng.permutation(V)[:T] if T <= V else rng.integers(V, size=T), V)
    start = np.tanh(rng.standard_normal((H, 1))) if h0 else None
    model.forward(xs, start)
    hs = model.last_hs
    if many:
        d_ys = [softmax_cross_entropy(model.Why @ hs[t] + model.by, int(rng.integers(O)))[2] for t in range(1, T + 1)]
    else:
        y = model.Why @ hs[T] + model.by
        d_ys = [None] * (T - 1) + [softmax_cross_entropy(y, int(rng.integers(O)))[2]]
    return model, xs, hs, d_ys


def _after_forward(model, xs, hs):
    """A copy of ``model`` that has just run ``forward(xs)`` from h_0 = ``hs[0]`` (``last_hs`` is ``hs``)."""
    copy = model.copy()
    copy.forward([np.array(x, copy=True) for x in xs], np.array(hs[0], copy=True))
    return copy


def _check_d_hs(d_hs, expected, T):
    """The learner's d_hs against the reference's: T+1 entries, h_0 first, ``d_hs[t] = dL/dh_t``."""
    d_hs = _array(d_hs, "d_hs")
    shape = expected.shape
    if _close(d_hs, expected):
        return
    if d_hs.shape == (T,) + shape[1:]:
        hint = ("it lacks dL/dh_0: append what step 1 passes back" if _close(d_hs, expected[1:]) else
                "it is reversed and lacks dL/dh_0" if _close(d_hs, expected[:0:-1]) else "")
        raise _Failed(f"d_hs has shape {d_hs.shape}, expected {shape}: T+1 entries, d_hs[t] = dL/dh_t for "
                      f"t = 0..T, h_0 first" + (f" — {hint}" if hint else ""))
    _shaped(d_hs, shape, "d_hs", hint="T+1 entries, d_hs[t] = dL/dh_t for t = 0..T, each (H, 1)")
    if _close(d_hs, expected[::-1]):
        raise _Failed("d_hs is reversed: d_hs[t] = dL/dh_t, so d_hs[0] = dL/dh_0 comes first and "
                      "d_hs[T] = Why.T @ d_y last (d_hs[::-1] if you appended from step T down)")
    wrong = [t for t in range(shape[0]) if not _close(d_hs[t], expected[t])]
    raise _Failed(f"d_hs[{wrong[0]}] wrong (the gradients are right): d_hs[t] = dL/dh_t, the d_h reaching h_t, "
                  "with d_hs[T] = Why.T @ d_y and d_hs[0] = dL/dh_0")


def _bptt_checks(many, returned):
    """The six checks shared by ``check_bptt`` and ``check_bptt_many_to_many``.

    ``returned`` (a set) collects the kinds of value the learner's function returned ("dict", "pair"
    ``(grads, d_hs)``, another "tuple"). For ``bptt``, a returned pair's d_hs is compared too.
    """
    def call(fn, model, xs, hs, d_ys):
        """The learner's ``(grads, d_hs)``: grads checked for keys and shapes, d_hs None unless a pair was returned."""
        arg = [np.array(d, copy=True) for d in d_ys] if many else np.array(d_ys[-1], copy=True)
        learners = _after_forward(model, xs, hs)  # a copy: what the learner's code does to it stays there
        value = _call(fn, learners, [np.array(x, copy=True) for x in xs], np.array(hs, copy=True), arg)
        kind = "dict" if isinstance(value, dict) else "pair" if isinstance(value, (tuple, list)) and len(value) == 2 \
            else "tuple"
        returned.add(kind)
        grads = _check_grads(_first_of(value), model.shapes)
        return {n: np.array(g, copy=True) for n, g in grads.items()}, (value[1] if kind == "pair" else None)

    def compare(fn, case, default):
        model, xs, hs, d_ys = case
        got, d_hs = call(fn, model, xs, hs, d_ys)
        expected, expected_d_hs = _bptt(model, xs, hs, d_ys)
        eps = _eps(*got.values())
        if not all(_close(got[n], expected[n], eps) for n in PARAM_NAMES):
            again, _ = call(fn, model, xs, hs, d_ys)
            if not all(_close(again[n], got[n], eps) for n in PARAM_NAMES):
                raise _Failed(f"{shown(fn)} gives other gradients when called again with the same arguments — "
                              "are they kept outside the function (a global dict)? Create the zeros inside it, "
                              "at each call")
        _diagnose(got, expected, PARAM_NAMES, _bptt_mistakes(model, xs, hs, d_ys) + extra_mistakes(model, xs, hs, d_ys),
                  default)
        if d_hs is not None and not many:
            _check_d_hs(d_hs, expected_d_hs, len(xs))

    def shown(fn):
        return _shown_name(fn, "bptt_many" if many else "bptt")

    def extra_mistakes(model, xs, hs, d_ys):
        if not many:
            return []
        last_only = [None] * (len(xs) - 1) + [d_ys[-1]]
        local_only = {n: np.zeros_like(p) for n, p in model.params.items()}
        for t, d_y in enumerate(d_ys, start=1):  # each loss through its own step only: no recurrent path
            single = _bptt(model, xs[t - 1:t], hs[t - 1:t + 1], [d_y])[0]
            for n in PARAM_NAMES:
                local_only[n] += single[n]
        return [
            (_bptt(model, xs, hs, last_only)[0],
             "only the last step's loss reaches the weights — add Why.T @ d_ys[t-1] to the gradient "
             "reaching every h_t"),
            (local_only,
             "the gradient reaching h_t lacks the recurrent path: d_h = Why.T @ d_ys[t-1] + Whh.T @ d_a_{t+1}, "
             "add both"),
        ]

    def wrong_params(what):
        return lambda wrong: f"{', '.join(_d(n) for n in wrong)} wrong {what}"

    def shapes(fn):
        model, xs, hs, d_ys = _bptt_case(40, 2, many=many)
        call(fn, model, xs, hs, d_ys)

    def one_word(fn):
        compare(fn, _bptt_case(41, 1, symmetric=True, h0=True, many=many),
                lambda wrong: (f"{', '.join(_d(n) for n in wrong)} wrong for a one-word phrase"
                               + (" — dL/dWhy = d_y @ hs[-1].T, dL/dby = d_y" if set(wrong) & {"Why", "by"}
                                  else " — is the tanh' factor there, (1 - hs[t]**2) with hs[t] = h_t?")))

    def two_words(fn):
        compare(fn, _bptt_case(42, 2, symmetric=True, many=many),
                wrong_params("for two words (right for one) — off by one? hs[0] is h_0, hs[t] is h_t, "
                             "xs[t - 1] is x_t"))

    def summed(fn):
        compare(fn, _bptt_case(43, 3, symmetric=True, many=many),
                wrong_params("for three words (right for one) — add every time step's share, and pass d_h back "
                             "to the step before"))

    def transpose(fn):
        compare(fn, _bptt_case(44, 3, symmetric=False, many=many),
                wrong_params("when Whh is not symmetric — is the hidden gradient passed back through Whh.T?"))

    def in_place(fn):
        model, xs, hs, d_ys = _bptt_case(45, 3, many=many)
        arg = [np.array(d, copy=True) for d in d_ys] if many else np.array(d_ys[-1], copy=True)
        args = ([np.array(x, copy=True) for x in xs], np.array(hs, copy=True), arg)
        model = _after_forward(model, xs, hs)
        before = _snapshot(model.flat, *args[0], args[1], *(arg if many else [arg]))
        _call(fn, model, *args)
        after = [model.flat, *args[0], args[1], *(arg if many else [arg])]
        if not np.array_equal(before[0], model.flat):
            raise _Failed(f"{shown(fn)} changed the model's weights: return the gradients, "
                          "the optimiser updates the weights")
        if not _unchanged(before, after):
            raise _Failed(f"{shown(fn)} changed xs, hs or d_y in place: work on new arrays")

    return [shapes, in_place, one_word, two_words, summed, transpose]


def check_bptt(bptt, strict=None):
    """Check ``bptt(model, xs, hs, d_y) -> (grads, d_hs)`` (or grads alone), BPTT for one output (notebook 3).

    ``xs``: T one-hot (V, 1) columns; ``hs = model.last_hs``, (T+1, H, 1), hs[0] = h_0; ``d_y``:
    (O, 1), dL/dy. It returns ``grads``, a dict keyed "Wxh", "Whh", "Why", "bh", "by" like
    ``RNN.backward``, and ``d_hs``: the gradient reaching every hidden state, T+1 entries with h_0
    first, ``d_hs[t] = dL/dh_t`` (shape (T+1, H, 1): ``d_hs[T] = Why.T @ d_y``, and ``d_hs[0] =
    dL/dh_0`` is what step 1 passes back). Six checks, each a case that isolates one mistake (V=5,
    H=4, O=3, random weights): the keys and shapes; the weights and arguments unchanged (compared
    before and after); a one-word phrase from a nonzero h_0 (the tanh' factor, an off-by-one in hs
    or in the time loop, the output layer); two words (an off-by-one in hs or xs); three words with
    a symmetric Whh (every step's share summed); three words with a non-symmetric Whh (the missing
    transpose, the classic article's bug). In each case d_hs is compared entry by entry (reversed,
    or without dL/dh_0, is named), and a function that gives other gradients when called again
    (gradients kept in a global) is named. An answer equal to a known mistake's gets that mistake's
    hint. A right ``bptt`` that returns the dict alone passes, but ``use(bptt)`` then gives the
    library's ``(grads, d_hs)`` (notebook 3's cells below unpack both), and the line says so.
    """
    returned = set()

    def after():  # the notebook's cells below unpack (grads, d_hs)
        if returned == {"dict"}:
            return True, "it returns the gradient dict alone: the cells below use rnn_lib's, which also returns d_hs"
        return returned != {"pair"}, "it does not return the pair (grads, d_hs): the cells below use rnn_lib's"

    return _run("bptt", bptt, _bptt_checks(False, returned), reference_bptt, strict, after)


def check_bptt_many_to_many(bptt_many, strict=None):
    """Check ``bptt_many(model, xs, hs, d_ys) -> grads`` (or ``(grads, ...)``): a loss at every step (notebook 3).

    The network outputs y_t = Why h_t + by after every word and the loss is L = sum_t L_t;
    ``d_ys[t - 1]`` is dL_t/dy_t, (O, 1), for t = 1..T. The gradient reaching h_t is
    ``Why.T @ d_ys[t - 1] + Whh.T @ d_a_{t+1}``: through y_t and through h_{t+1}. The same six
    checks as ``check_bptt``; answers equal to known mistakes (only the last loss used; the
    recurrent path dropped; no transpose; no tanh'; off by one; not summed) get their hint. A right
    function that returns a tuple passes, but ``use(bptt_many)`` then gives the library's gradient
    dict (notebook 3's cells below index it), and the line says so.
    """
    returned = set()

    def after():  # the notebook's cells below index the gradient dict
        return returned != {"dict"}, "it returns a tuple: the cells below use rnn_lib's gradient dict"

    return _run("bptt_many_to_many", bptt_many, _bptt_checks(True, returned), _reference_bptt_many_grads, strict,
                after, notebook_name="bptt_many")


CHECKER_OF.update({"loss_and_grad": check_softmax_cross_entropy, "bptt_step": check_bptt_step, "bptt": check_bptt,
                   "bptt_many": check_bptt_many_to_many})
REFERENCES.update({"softmax_cross_entropy": softmax_cross_entropy, "bptt_step": step_backward, "bptt": reference_bptt,
                   "bptt_many_to_many": _reference_bptt_many_grads})

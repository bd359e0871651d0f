"""Notebook 06's exercises: the masked loss of a padded batch, and sampling with a temperature."""

import random

import numpy as np

from ..lm import sample_next as reference_sample_next
from ..losses import logsumexp
from ._core import CHECKER_OF, REFERENCES, _Failed, _LearnerRaised, _array, _call, _kind, _note_precision, _run

#: Tolerances when the learner's answer is float32 (float64 answers use the library's tighter ones):
#: float32 keeps about 7 digits, and scores near 1000 rounded to float32 keep about 4 after the point.
RTOL32, ATOL32 = 1e-4, 1e-5


def _near(got, expected, rtol=1e-7, atol=1e-10):
    """``got`` equals ``expected`` up to rounding; float32 answers get float32's tolerance."""
    got_dtype = getattr(got, "dtype", None)
    if got_dtype == np.float32:
        rtol, atol = max(rtol, RTOL32), max(atol, ATOL32)
    got, expected = np.asarray(got, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    if got.shape != expected.shape or not (np.all(np.isfinite(got)) and np.all(np.isfinite(expected))):
        return False
    return bool(np.allclose(got, expected, rtol=rtol, atol=atol * max(1.0, float(np.abs(expected).max(initial=0)))))


# --------------------------------------------------------------------------------------------------
# The masked loss of a padded batch


def _parts(ys, targets):
    """Each step's loss -ln p_t[c_t] (T, B) and ``p - e_c`` (T, V, B), the softmax over axis 1 (the V characters)."""
    ys = np.asarray(ys, dtype=np.float64)
    T, V, B = ys.shape
    lse = logsumexp(ys, axis=1)
    t_ix, b_ix = np.meshgrid(np.arange(T), np.arange(B), indexing="ij")
    step_loss = lse - ys[t_ix, targets, b_ix]
    d_ys = np.exp(ys - lse[:, None, :])
    d_ys[t_ix, targets, b_ix] -= 1.0
    return step_loss, d_ys


def reference_masked_loss(ys, targets, mask):
    """Mean cross-entropy over the real (mask = 1) steps of a padded batch, and its gradient.

    Args:
        ys: (T, V, B) scores, ``ys[t, :, b]`` those of the character after step t of name b;
        targets: (T, B) ints, the true next characters; mask: (T, B), 1.0 on real steps and 0.0
            on padding (``rnn_lib.batching.pad_names``).
    Returns:
        ``(L, d_ys)``: ``L = sum(mask * -ln p[target]) / mask.sum()``, the loss per real character
        (``CharLM.loss``'s sum divided by ``mask.sum()``), and ``d_ys = dL/dys``, (T, V, B):
        ``mask * (p - e_target) / mask.sum()``, zero on padding.
    """
    mask = np.asarray(mask, dtype=np.float64)
    step_loss, d_ys = _parts(ys, np.asarray(targets))
    n = mask.sum()
    return float((step_loss * mask).sum() / n), d_ys * (mask[:, None, :] / n)


def _mask_case(seed, T, V, B, lengths=None, scale=1.5, offset=0.0):
    """Scores, targets and a mask: name b has ``lengths[b]`` real steps (all T when None), padded after."""
    rng = np.random.default_rng(seed)
    ys = offset + scale * rng.standard_normal((T, V, B))
    targets = rng.integers(V, size=(T, B))
    mask = np.ones((T, B))
    for b, n in enumerate(lengths or ()):
        mask[n:, b] = 0.0
        targets[n:, b] = 0  # padding's target is the end token, as pad_names writes it
    return ys, targets, mask


def _loss_mistakes(ys, targets, mask):
    """``(L, d_ys, hint)`` of each classic mistake on this case (a None part is not judged)."""
    step_loss, g = _parts(ys, targets)
    M = mask[:, None, :]
    T, V, B = ys.shape
    n, lengths = mask.sum(), mask.sum(axis=0)
    right_L = float((step_loss * mask).sum() / n)
    padding = ("the padded steps count: multiply each step's loss by mask and d_ys by mask[:, None, :], so the "
               "padding adds nothing")

    def wrong_axis(axis):
        p = np.exp(ys - logsumexp(ys, axis=axis)[(slice(None),) * axis + (None,)])
        t_ix, b_ix = np.meshgrid(np.arange(T), np.arange(B), indexing="ij")
        d = p.copy()
        d[t_ix, targets, b_ix] -= 1.0
        return float((-np.log(p[t_ix, targets, b_ix]) * mask).sum() / n), d * M / n

    mistakes = [
        (float(step_loss.sum() / (T * B)), g / (T * B), padding),
        (float(step_loss.sum() / n), g / n, padding),
        (float((step_loss * mask).sum() / (T * B)), g * M / (T * B),
         f"divided by T * B = {T * B}, every position with the padding: the mean is over the real characters, "
         f"divide by mask.sum() = {n:.0f}"),
        (float((step_loss * mask).sum() / B), g * M / B,
         f"divided by the batch size B = {B}: the mean is per real character, divide by mask.sum() = {n:.0f}"),
        (float((step_loss * mask).sum() / T), g * M / T,
         f"divided by T = {T}: the mean is per real character, divide by mask.sum() = {n:.0f}"),
        (float((step_loss * mask).sum()), g * M,
         "L is the sum over the real characters (CharLM.loss's): divide L and d_ys by mask.sum() for the mean"),
        (float(((step_loss * mask).sum(axis=0) / lengths).mean()), g * M / (lengths * B),
         "you averaged each name's own mean: the mean is over all real characters of the batch, "
         "sum(loss * mask) / mask.sum(), so a longer name weighs more"),
        (right_L, g / n, "L leaves the padding out but d_ys does not: multiply d_ys by mask[:, None, :] too"),
        (right_L, g * M, "d_ys is the gradient of the sum: divide it by mask.sum(), as L"),
        (right_L, -g * M / n, "d_ys has the wrong sign: dL/dy = (p - e_target) * mask / mask.sum()"),
        (right_L, (g + (np.arange(V)[None, :, None] == targets[:, None, :])) * M / n,
         "d_ys is p: subtract 1 at each target, d_ys = (p - e_target) * mask / mask.sum()"),
    ]
    for axis, what in ((0, "time steps (axis 0)"), (2, "names (axis 2)")):
        L, d = wrong_axis(axis)
        mistakes.append((L, d, f"the softmax runs over the {what}: it is over the V characters, axis 1 of ys "
                               "(T, V, B), e.g. ys.max(axis=1, keepdims=True)"))
    return mistakes


def _loss_answer(value):
    """``(L, d_ys)`` or ``(L, p, d_ys)`` -> (L as a 0-d array keeping its dtype, d_ys)."""
    if not isinstance(value, (tuple, list)) or len(value) not in (2, 3):
        raise _Failed(f"should return (L, d_ys), got {_kind(value)}")
    L = value[0]
    if L is None:
        raise _Failed("L is None — is a `return` missing?")
    L_arr = np.asarray(L)
    if L_arr.size != 1 or not np.issubdtype(L_arr.dtype, np.number):
        raise _Failed(f"L should be one number (the mean over the real characters), got {_kind(L)}")
    return L_arr.reshape(()), value[-1]


def check_masked_loss(masked_loss, strict=None):
    """Check ``masked_loss(ys, targets, mask) -> (L, d_ys)`` on padded batches (notebook 6).

    ``ys`` (T, V, B) scores, ``targets`` (T, B) ints, ``mask`` (T, B) 1.0/0.0; ``L`` is the mean of
    ``-ln softmax(ys[t, :, b])[targets[t, b]]`` over the real steps (mask = 1), ``d_ys = dL/dys``.
    Checks, in order: it returns one number and a (T, V, B) gradient; with no padding, L (the
    softmax over axis 1, the mean not the sum, not divided by B) and d_ys; with padding, L (the
    mask, divided by mask.sum(), not by T * B or B, not a mean of the names' means) and d_ys (masked
    too, divided as L); scores near 1000 stay finite, also when only some steps' are (the max is
    taken per step and name); its arguments are not changed. A right
    ``(L, p, d_ys)`` passes, but ``use(masked_loss)`` then gives the library's ``(L, d_ys)``; so does
    a right answer in float32 (compared with float32's tolerance), the library's in float64.
    """
    sizes = set()

    def answer(fn, case):
        ys, targets, mask = case
        value = _call(fn, ys.copy(), targets.copy(), mask.copy())
        if isinstance(value, (tuple, list)):
            sizes.add(len(value))
            if len(value) == 3 and all(isinstance(v, np.ndarray) and v.shape == ys.shape for v in value[1:]):
                second, third = (np.abs(v.sum(axis=1) - 1).max() for v in value[1:])
                if second > 0.5 and third < 1e-4:  # the third sums to 1 over the characters: it is p
                    raise _Failed("it returns (L, d_ys, p): the order is (L, d_ys), or (L, p, d_ys)")
        L, d_ys = _loss_answer(value)
        T, V, B = ys.shape
        d_ys = np.asarray(d_ys) if isinstance(d_ys, np.ndarray) else _array(d_ys, "d_ys")
        if d_ys.shape != (T, V, B):
            raise _Failed(f"d_ys has shape {d_ys.shape}, expected {(T, V, B)}: dL/dys has the shape of ys (T, V, B)")
        if d_ys.dtype == np.float32:  # computed in float32: L (perhaps a Python float) is compared as float32
            L = L.astype(np.float32)
        _note_precision(L, d_ys)  # right in float32: the cells below use the library's float64 version
        return L, d_ys

    def after():  # the notebook's cell below unpacks L, d_ys
        return 3 in sizes, "it returns (L, p, d_ys): the cells below use rnn_lib's (L, d_ys)"

    def judge_L(L, case, what):
        ref_L, _ = reference_masked_loss(*case)
        if _near(L, ref_L):
            return
        if not np.isfinite(float(L)):
            raise _Failed(f"L is {float(L)} {what}")
        for wrong_L, _, hint in _loss_mistakes(*case):
            if _near(L, wrong_L) and not _near(wrong_L, ref_L):
                raise _Failed(f"L wrong {what} — {hint}")
        off = abs(float(L) - ref_L) / max(abs(ref_L), 1e-300)
        if off < 1e-4:  # the same as printed with a few digits: say how far
            raise _Failed(f"L = {float(L):.10g} {what}, expected {ref_L:.10g}, off by a relative {off:.1g}: is an "
                          "epsilon added inside the log (np.log(p + 1e-8))? Take the log of p as it is: it is never "
                          "0 once the max is subtracted")
        raise _Failed(f"L = {float(L):.4f} {what}, expected {ref_L:.4f}: the mean of -ln p[target] over the steps "
                      "where mask = 1")

    def judge_d(d_ys, case, what):
        ref_L, ref_d = reference_masked_loss(*case)
        if _near(d_ys, ref_d):
            return
        mistakes = _loss_mistakes(*case)  # those with a right L first: their hints are about d_ys alone
        for _, wrong_d, hint in sorted(mistakes, key=lambda m: not _near(m[0], ref_L)):
            if _near(d_ys, wrong_d) and not _near(wrong_d, ref_d):
                raise _Failed(f"d_ys wrong {what} — {hint}")
        raise _Failed(f"d_ys wrong {what}: dL/dys = (p - e_target) * mask[:, None, :] / mask.sum()")

    full = _mask_case(60, T=3, V=5, B=2)
    padded = _mask_case(61, T=5, V=6, B=4, lengths=[5, 2, 4, 1])  # 12 real steps of 20: not T, B or T * B

    def returns(fn):
        answer(fn, full)

    def no_padding(fn):
        L, _ = answer(fn, full)
        judge_L(L, full, "with no padding (mask all 1)")

    def no_padding_gradient(fn):
        _, d_ys = answer(fn, full)
        judge_d(d_ys, full, "with no padding (mask all 1)")

    def with_padding(fn):
        L, _ = answer(fn, padded)
        judge_L(L, padded, "on a padded batch")

    def with_padding_gradient(fn):
        _, d_ys = answer(fn, padded)
        judge_d(d_ys, padded, "on a padded batch")

    def large_scores(fn):
        case = _mask_case(62, T=3, V=4, B=2, lengths=[3, 2], scale=3.0, offset=1000.0)
        L, d_ys = answer(fn, case)
        ref_L, ref_d = reference_masked_loss(*case)
        if not (np.isfinite(float(L)) and np.all(np.isfinite(np.asarray(d_ys, dtype=np.float64)))):
            raise _Failed("not finite for scores near 1000: subtract ys.max(axis=1, keepdims=True) before np.exp "
                          "(the softmax is unchanged)")
        if not (_near(L, ref_L) and _near(d_ys, ref_d)):
            raise _Failed(f"wrong for scores near 1000 (L should be {ref_L:.4f}): subtract "
                          "ys.max(axis=1, keepdims=True) before np.exp")
        mixed = _mask_case(63, T=3, V=4, B=2, lengths=[3, 2], scale=3.0)  # some steps' scores near 1000, others near 0
        mixed[0][0, :, 0] += 1000.0
        mixed[0][1, :, 1] += 1000.0
        L, d_ys = answer(fn, mixed)
        ref_L, ref_d = reference_masked_loss(*mixed)
        if not (_near(L, ref_L) and _near(d_ys, ref_d)):
            finite = np.isfinite(float(L)) and np.all(np.isfinite(np.asarray(d_ys, dtype=np.float64)))
            raise _Failed(("not finite" if not finite else "wrong") + " when some steps' scores are near 1000 and "
                          "others near 0: subtract the max over the V characters of each step and name, "
                          "ys.max(axis=1, keepdims=True), not one max of the whole array")

    def unchanged(fn):
        ys, targets, mask = padded
        given = (ys.copy(), targets.copy(), mask.copy())
        _call(fn, *given)
        for name, before, after in zip(("ys", "targets", "mask"), padded, given):
            if not np.array_equal(before, after):
                raise _Failed(f"{name} changed in place: compute in new arrays (e.g. ys - ys.max(...), not ys -= ...)")

    return _run("masked_loss", masked_loss, [returns, no_padding, no_padding_gradient, with_padding,
                                             with_padding_gradient, large_scores, unchanged],
                reference_masked_loss, strict, after)


# --------------------------------------------------------------------------------------------------
# Sampling with a temperature


class _WatchedGenerator(np.random.Generator):
    """A ``np.random.Generator`` that records each ``choice``: ``seen`` holds ``(p, what it drew)``."""

    def __init__(self, seed):
        super().__init__(np.random.PCG64(seed))
        self.seen = []

    def choice(self, a, size=None, replace=True, p=None, axis=0, shuffle=True):
        p_given = None if p is None else np.array(p, dtype=np.float64, copy=True).ravel()
        self.seen.append((p_given, None))
        drawn = super().choice(a, size, replace, p, axis, shuffle)
        self.seen[-1] = (p_given, drawn)
        return drawn


def _softmax(z):
    z = np.asarray(z, dtype=np.float64)
    return np.exp(z - logsumexp(z))


#: Draws per distribution: enough that each mistake's frequencies are many standard deviations
#: away from the right ones (at least 11 at one of the temperatures checked), few enough to stay fast.
N_DRAWS = 800
#: A frequency this many standard deviations from its probability fails a distribution check.
Z_LIMIT = 5.0
_Y = np.array([1.0, 0.0, -1.0, 2.0, 0.5])  # the most likely is index 3, not 0


def _index(value, V):
    """The learner's draw as an int in 0..V-1, or a failed check saying what it returned."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, np.ndarray) and value.size == V and np.issubdtype(value.dtype, np.floating):
        raise _Failed("returned the probabilities: draw one index from them, rng.choice(len(p), p=p)")
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        if value is None:
            raise _Failed("returned None — is a `return` missing?")
        raise _Failed(f"should return the index drawn (an int), got {_kind(value)}")
    if not 0 <= int(value) < V:
        raise _Failed(f"returned {int(value)}: the index drawn is in 0..{V - 1}")
    return int(value)


def _fits(counts, p):
    """Whether ``counts`` are plausible draws from ``p``: every frequency within Z_LIMIT standard deviations."""
    n = counts.sum()
    z = np.abs(counts - n * p) / np.sqrt(n * p * (1 - p) + 1.0)
    return bool(z.max() < Z_LIMIT)


def _temperature_mistakes(y, T):
    """The distributions of the classic mistakes at temperature T, each with its hint."""
    return [
        (_softmax(y * T), "the scores are multiplied by the temperature: divide them, softmax(y / temperature)"),
        (_softmax(y), "the temperature changes nothing: draw from softmax(y / temperature)"),
        (_softmax(y / T ** 2), "the temperature is applied twice: softmax(y / temperature), once"),
    ]


def check_sample_next(sample_next, strict=None):
    """Check ``sample_next(y, temperature, rng) -> index`` (notebook 6).

    ``y`` (V,) scores; the index is drawn from ``softmax(y / temperature)`` with ``rng``. Checks, in
    order: it returns an int in 0..V-1; it samples (not always the most likely index); it draws
    with the ``rng`` it is given (np.random's and random's global state untouched, the same seed
    gives the same draws, another seed others); at temperature 1 the draws follow softmax(y); at
    0.5 not always the most likely index, and at 0.5 and 2 they follow softmax(y / temperature)
    (not y * temperature, not p / temperature or p**(1/temperature) left unnormalised); scores near 1000 work; y is not changed. Where the
    function returns what ``rng.choice(..., p=p)`` drew, ``p`` itself is compared with
    softmax(y / temperature); otherwise the frequencies of 800 seeded draws are.
    """
    def draws(fn, y, T, seed, n=N_DRAWS):
        rng = _WatchedGenerator(seed)

        def run():  # one guarded call for all n draws: cheaper than n
            return [fn(np.array(y, copy=True), T, rng) for _ in range(n)]

        try:
            values = _call(run)
        except _LearnerRaised as raised:
            _explain_raise(raised, rng.seen, y, T)
            raise
        return np.array([_index(v, len(y)) for v in values]), rng.seen

    def returns(fn):
        draws(fn, _Y, 1.0, 70, n=1)

    def samples(fn):
        flat = np.array([0.2, 0.0, -0.1, 0.3, 0.1])  # nearly uniform: any draw is likely
        answers = []
        for y, seed in ((flat, 71), (flat[::-1], 72)):
            got, _ = draws(fn, y, 1.0, seed, n=50)
            if len(set(got.tolist())) > 1:
                return
            answers.append((int(got[0]), int(np.argmax(y))))
        if all(got == best for got, best in answers):
            raise _Failed("always the most likely index (argmax): draw from p with rng.choice(len(p), p=p)")
        raise _Failed(f"every draw gave {answers[0][0]}: draw a new index each call, from p, with the rng you are "
                      "given (a generator made inside the function starts over each time)")

    def its_rng(fn):
        np_state, py_state = np.random.get_state(), random.getstate()
        first, _ = draws(fn, _Y, 1.0, 72, n=50)
        after_np, after_py = np.random.get_state(), random.getstate()
        np.random.set_state(np_state)
        random.setstate(py_state)
        if not (np.array_equal(after_np[1], np_state[1]) and after_np[2:] == np_state[2:]):
            raise _Failed("it draws with np.random (the global generator): draw with the rng argument, "
                          "rng.choice(len(p), p=p), so a seed reproduces the names")
        if after_py != py_state:
            raise _Failed("it draws with Python's random module: draw with the rng argument, rng.choice(len(p), p=p)")
        again, _ = draws(fn, _Y, 1.0, 72, n=50)
        if not np.array_equal(first, again):
            raise _Failed("the same seed gave other draws: draw with the rng you are given (not a new generator), "
                          "so a seed reproduces the names")
        other, _ = draws(fn, _Y, 1.0, 73, n=50)
        if np.array_equal(first, other):
            raise _Failed("another seed gave the same draws: draw with the rng you are given, "
                          "not a generator of your own")

    def distribution(fn, y, T, seed, what):
        expected = _softmax(np.asarray(y) / T)
        got, seen = draws(fn, y, T, seed, n=20)
        if len(seen) == len(got) and all(p is not None for p, _ in seen):  # rng.choice(..., p=p): compare p
            p = seen[-1][0]
            if p.shape != expected.shape or not _near(p, expected, rtol=1e-6, atol=1e-9):
                for wrong, hint in _temperature_mistakes(y, T):
                    if _near(p, wrong, rtol=1e-6, atol=1e-9):
                        raise _Failed(f"{what}: {hint}")
                raise _Failed(f"{what}: rng.choice was given p = {np.round(p, 3).tolist()}, expected softmax(y / "
                              f"temperature) = {np.round(expected, 3).tolist()}")
            if all(np.ndim(drawn) == 0 and int(drawn) == g for (_, drawn), g in zip(seen, got)):
                return  # each answer is rng.choice's own draw, from the right p
        got, _ = draws(fn, y, T, seed)  # else judge the draws: N_DRAWS of them
        counts = np.bincount(got, minlength=len(y))
        if _fits(counts, expected):
            return
        for wrong, hint in _temperature_mistakes(y, T):
            if _fits(counts, wrong):
                raise _Failed(f"{what}: {hint}")
        raise _Failed(f"{what}: the draws' frequencies {np.round(counts / counts.sum(), 3).tolist()} are not "
                      f"softmax(y / temperature) = {np.round(expected, 3).tolist()}")

    def temperature_1(fn):
        distribution(fn, _Y, 1.0, 74, "wrong at temperature 1")

    def temperatures(fn):
        greedy, _ = draws(fn, _Y, 0.5, 79, n=100)  # a right sampler gives another index about once in 6 draws
        if np.all(greedy == np.argmax(_Y)):
            raise _Failed("at temperature 0.5 it always returns the most likely index: sample at every "
                          "temperature, from softmax(y / temperature) with rng.choice")
        for T, seed in ((0.5, 75), (2.0, 76)):
            distribution(fn, _Y, T, seed, f"wrong at temperature {T}")

    def large_scores(fn):
        y = np.array([1000.0, 999.0, 997.5, 1000.5])
        try:
            distribution(fn, y, 0.5, 77, "wrong for scores near 1000 at temperature 0.5")
        except _Failed:
            raise _Failed("wrong for scores near 1000 (y / temperature near 2000): subtract the largest score "
                          "before np.exp, exp(z - z.max()) (the softmax is unchanged)") from None

    def unchanged(fn):
        y = np.array(_Y, copy=True)
        _call(fn, y, 0.5, np.random.default_rng(78))
        if not np.array_equal(y, _Y):
            raise _Failed("y changed in place: compute in a new array (z = y / temperature, not y /= temperature)")

    np_state, py_state = np.random.get_state(), random.getstate()
    try:
        return _run("sample_next", sample_next, [returns, samples, its_rng, temperature_1, temperatures,
                                                 large_scores, unchanged], reference_sample_next, strict)
    finally:  # the learner's global generators are as they were: checking draws nothing from them
        np.random.set_state(np_state)
        random.setstate(py_state)


def _explain_raise(raised, seen, y, T):
    """A numpy error from ``rng.choice(p=...)`` with a p that is no distribution -> a failed check naming why."""
    exc = raised.args[0]
    if not (isinstance(exc, ValueError) and seen and seen[-1][0] is not None):
        return
    p = seen[-1][0]
    if np.all(np.isfinite(p)) and np.all(p >= 0) and np.isclose(p.sum(), 1.0):
        return  # a distribution: the error is not about p
    if not np.all(np.isfinite(p)):
        raise _Failed(f"the probabilities are not finite for y / temperature up to {np.max(y) / T:.0f}: subtract "
                      "the largest score before np.exp, exp(z - z.max()) (the softmax is unchanged)")
    if np.any(p < 0):
        raise _Failed("rng.choice was given negative probabilities: turn the scores into probabilities first, "
                      "p = softmax(y / temperature)")
    if p.shape == (len(y),):
        p1 = _softmax(y)
        if _near(p, p1 / T, rtol=1e-6):
            raise _Failed("p / temperature is not a distribution (it sums to 1 / temperature): the temperature "
                          "divides the scores, before the softmax: softmax(y / temperature)")
        if _near(p, p1 ** (1 / T), rtol=1e-6):
            raise _Failed("p**(1/temperature) does not sum to 1: divide the scores before the softmax, "
                          "softmax(y / temperature) (or renormalise)")
    raise _Failed(f"the probabilities given to rng.choice sum to {p.sum():.3f}, not 1: draw from "
                  "softmax(y / temperature)")


CHECKER_OF.update({"masked_loss": check_masked_loss, "sample_next": check_sample_next})
REFERENCES.update({"masked_loss": reference_masked_loss, "sample_next": reference_sample_next})

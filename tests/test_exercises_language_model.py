"""Notebook 06's exercises, ``masked_loss`` and ``sample_next``: right answers pass, each slip gets its hint.

One table per exercise holds each variant (right ones in several styles, wrong ones written the way
learners get them wrong) and the status and hint substring its check must give. The masked loss's
reference, whose gradient the checker judges answers by, is itself checked against finite
differences, against ``CharLM.loss`` and (where installed) against PyTorch's autograd.
"""

import random

import numpy as np
import pytest

import rnn_lib
from rnn_lib import CharLM, numerical_gradient, rel_error
from rnn_lib import exercises as ex
from rnn_lib.exercises import language_model as lm_ex
from rnn_lib.batching import pad_names
from helpers import TORCH_REASON

#: What a line adds until the learner's function passes: the cells below use the library's version.
BELOW = "(the cells below use rnn_lib's version until this passes)"
#: The note of a right answer in float32: the cells below compare with the library to float64 precision.
NOTE_F32 = "(it computes in float32: the cells below use rnn_lib's float64 version)"

# --------------------------------------------------------------------------------------------------
# masked_loss: right answers


def masked_loss(ys, targets, mask):  # the notebook's, vectorised
    T, V, B = ys.shape
    z = ys - ys.max(axis=1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    t_ix, b_ix = np.meshgrid(np.arange(T), np.arange(B), indexing="ij")
    n = mask.sum()
    L = -(np.log(p[t_ix, targets, b_ix]) * mask).sum() / n
    d_ys = p.copy()
    d_ys[t_ix, targets, b_ix] -= 1.0
    return L, d_ys * mask[:, None, :] / n


def masked_loss_loop(ys, targets, mask):
    T, V, B = ys.shape
    n = mask.sum()
    L, d_ys = 0.0, np.zeros_like(ys)
    for t in range(T):
        for b in range(B):
            if mask[t, b] == 0:
                continue
            y = ys[t, :, b]
            p = np.exp(y - y.max())
            p /= p.sum()
            L -= np.log(p[targets[t, b]])
            d_ys[t, :, b] = p
            d_ys[t, targets[t, b], b] -= 1.0
    return L / n, d_ys / n


def masked_loss_float32(ys, targets, mask):
    L, d_ys = masked_loss(ys.astype(np.float32), targets, mask.astype(np.float32))
    return np.float32(L), d_ys.astype(np.float32)


def masked_loss_float32_python_float(ys, targets, mask):  # L as a Python float from float32 arithmetic
    L, d_ys = masked_loss_float32(ys, targets, mask)
    return float(L), d_ys


def masked_loss_in_place(ys, targets, mask):  # in place on its own arrays
    T, V, B = ys.shape
    p = ys - ys.max(axis=1, keepdims=True)
    np.exp(p, out=p)
    p /= p.sum(axis=1, keepdims=True)
    t_ix, b_ix = np.meshgrid(np.arange(T), np.arange(B), indexing="ij")
    n = mask.sum()
    L = float(-(np.log(p[t_ix, targets, b_ix]) * mask).sum() / n)
    p[t_ix, targets, b_ix] -= 1.0
    p *= mask[:, None, :]
    p /= n
    return L, p


def masked_loss_logsumexp(ys, targets, mask):  # log-softmax form, take_along_axis
    m = ys.max(axis=1, keepdims=True)
    log_p = ys - m - np.log(np.exp(ys - m).sum(axis=1, keepdims=True))
    picked = np.take_along_axis(log_p, targets[:, None, :], axis=1)[:, 0, :]
    n = mask.sum()
    onehot = np.arange(ys.shape[1])[None, :, None] == targets[:, None, :]
    return -(picked * mask).sum() / n, (np.exp(log_p) - onehot) * mask[:, None, :] / n


def masked_loss_with_p(ys, targets, mask):  # (L, p, d_ys): passes, with a note
    L, d_ys = masked_loss(ys, targets, mask)
    z = np.exp(ys - ys.max(axis=1, keepdims=True))
    return L, z / z.sum(axis=1, keepdims=True), d_ys


# --------------------------------------------------------------------------------------------------
# masked_loss: wrong answers


def _masked(ys, targets, mask, loss_mask=True, grad_mask=True, divide="n", grad_divide=True, sign=1.0,
            axis=1, stable=True):
    T, V, B = ys.shape
    z = ys - ys.max(axis=axis, keepdims=True) if stable else ys
    p = np.exp(z) / np.exp(z).sum(axis=axis, keepdims=True)
    t_ix, b_ix = np.meshgrid(np.arange(T), np.arange(B), indexing="ij")
    n = {"n": mask.sum(), "TB": T * B, "B": B, "sum": 1.0}[divide]
    step = -np.log(p[t_ix, targets, b_ix])
    L = (step * mask).sum() / n if loss_mask else step.sum() / n
    d_ys = p.copy()
    d_ys[t_ix, targets, b_ix] -= 1.0
    if grad_mask:
        d_ys *= mask[:, None, :]
    return L, sign * d_ys / (n if grad_divide else 1.0)


def masked_loss_no_mask(ys, targets, mask):
    return _masked(ys, targets, mask, loss_mask=False, grad_mask=False, divide="TB")


def masked_loss_mean_over_all(ys, targets, mask):
    return _masked(ys, targets, mask, divide="TB")


def masked_loss_grad_not_masked(ys, targets, mask):
    return _masked(ys, targets, mask, grad_mask=False)


def masked_loss_by_batch_size(ys, targets, mask):
    return _masked(ys, targets, mask, divide="B")


def masked_loss_summed(ys, targets, mask):
    return _masked(ys, targets, mask, divide="sum")


def masked_loss_grad_of_sum(ys, targets, mask):
    return _masked(ys, targets, mask, grad_divide=False)


def masked_loss_wrong_sign(ys, targets, mask):
    return _masked(ys, targets, mask, sign=-1.0)


def masked_loss_softmax_over_time(ys, targets, mask):
    return _masked(ys, targets, mask, axis=0)


def masked_loss_naive_softmax(ys, targets, mask):
    return _masked(ys, targets, mask, stable=False)


def masked_loss_mean_of_names(ys, targets, mask):
    L, d_ys = _masked(ys, targets, mask, divide="sum")
    lengths = mask.sum(axis=0)
    step_sums = np.zeros(ys.shape[2])
    for b in range(ys.shape[2]):
        step_sums[b] = _masked(ys[:, :, b:b + 1], targets[:, b:b + 1], mask[:, b:b + 1], divide="sum")[0]
    return (step_sums / lengths).mean(), d_ys / (lengths * ys.shape[2])


def masked_loss_modifies_ys(ys, targets, mask):
    ys -= ys.max(axis=1, keepdims=True)
    return masked_loss(ys, targets, mask)


def masked_loss_batch_major(ys, targets, mask):
    L, d_ys = masked_loss(ys, targets, mask)
    return L, d_ys.transpose(0, 2, 1)  # (T, B, V)


def masked_loss_raises(ys, targets, mask):
    p = np.exp(ys) / np.exp(ys).sum(axis=1)  # (T, V, B) / (T, B): the learner forgot keepdims
    return p


def _one_hot(ys, targets):
    return np.arange(ys.shape[1])[None, :, None] == targets[:, None, :]


def masked_loss_global_max(ys, targets, mask):  # one max for the whole array: 0 / 0 where scores differ by 1000
    z = ys - ys.max()
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    hot, n = _one_hot(ys, targets), mask.sum()
    return -(np.log((p * hot).sum(axis=1)) * mask).sum() / n, (p - hot) * mask[:, None, :] / n


def masked_loss_log_epsilon(ys, targets, mask):  # np.log(p + 1e-8): off by a relative 1e-7
    z = ys - ys.max(axis=1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    hot, n = _one_hot(ys, targets), mask.sum()
    return -(np.log((p * hot).sum(axis=1) + 1e-8) * mask).sum() / n, (p - hot) * mask[:, None, :] / n


def masked_loss_p_last(ys, targets, mask):  # (L, d_ys, p)
    L, d_ys = masked_loss(ys, targets, mask)
    z = ys - ys.max(axis=1, keepdims=True)
    return L, d_ys, np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)


def masked_loss_not_written(ys, targets, mask):
    raise ex.NotWritten()


MASKED = [
    (masked_loss, "passed", "all 7 checks passed"),
    (masked_loss_loop, "passed", "all 7 checks passed"),
    (masked_loss_float32, "passed", f"all 7 checks passed {NOTE_F32}"),
    (masked_loss_float32_python_float, "passed", f"all 7 checks passed {NOTE_F32}"),
    (masked_loss_in_place, "passed", "all 7 checks passed"),
    (masked_loss_logsumexp, "passed", "all 7 checks passed"),
    (ex.reference_masked_loss, "passed", "all 7 checks passed"),
    (masked_loss_with_p, "passed", "all 7 checks passed (it returns (L, p, d_ys): the cells below use rnn_lib's"),
    (masked_loss_no_mask, "failed", "L wrong on a padded batch — the padded steps count: multiply each step's loss "
                                    "by mask and d_ys by mask[:, None, :]"),
    (masked_loss_mean_over_all, "failed", "L wrong on a padded batch — divided by T * B = 20, every position with "
                                          "the padding: the mean is over the real characters, divide by "
                                          "mask.sum() = 12"),
    (masked_loss_grad_not_masked, "failed", "d_ys wrong on a padded batch — L leaves the padding out but d_ys does "
                                            "not: multiply d_ys by mask[:, None, :] too"),
    (masked_loss_by_batch_size, "failed", "L wrong with no padding (mask all 1) — divided by the batch size B = 2: "
                                          "the mean is per real character, divide by mask.sum() = 6"),
    (masked_loss_summed, "failed", "L is the sum over the real characters (CharLM.loss's): divide L and d_ys by "
                                   "mask.sum()"),
    (masked_loss_grad_of_sum, "failed", "d_ys wrong with no padding (mask all 1) — d_ys is the gradient of the sum: "
                                        "divide it by mask.sum(), as L"),
    (masked_loss_wrong_sign, "failed", "d_ys has the wrong sign"),
    (masked_loss_softmax_over_time, "failed", "the softmax runs over the time steps (axis 0): it is over the V "
                                              "characters, axis 1"),
    (masked_loss_naive_softmax, "failed", "not finite for scores near 1000: subtract ys.max(axis=1, keepdims=True)"),
    (masked_loss_mean_of_names, "failed", "L wrong on a padded batch — you averaged each name's own mean"),
    (masked_loss_modifies_ys, "failed", "ys changed in place: compute in new arrays"),
    (masked_loss_batch_major, "failed", "d_ys has shape (3, 2, 5), expected (3, 5, 2): dL/dys has the shape of ys"),
    (masked_loss_raises, "error", "your code raised ValueError: operands could not be broadcast"),
    (masked_loss_not_written, "not written", "not written yet"),
    (masked_loss_global_max, "failed", "not finite when some steps' scores are near 1000 and others near 0: subtract "
                                       "the max over the V characters of each step and name, ys.max(axis=1, "
                                       "keepdims=True)"),
    (masked_loss_log_epsilon, "failed", "L = 2.804651776 with no padding (mask all 1), expected 2.804652153, off by a "
                                        "relative 1e-07: is an epsilon added inside the log"),
    (masked_loss_p_last, "failed", "it returns (L, d_ys, p): the order is (L, d_ys), or (L, p, d_ys)"),
]


# --------------------------------------------------------------------------------------------------
# sample_next: right answers


def sample_next(y, temperature, rng):  # the notebook's
    z = y / temperature
    p = np.exp(z - z.max())
    p /= p.sum()
    return rng.choice(len(p), p=p)


def sample_next_cumsum(y, temperature, rng):  # no rng.choice: the checker sees only the draws
    z = y / temperature
    p = np.exp(z - z.max())
    cdf = np.cumsum(p / p.sum())
    return min(int(np.searchsorted(cdf, rng.random(), side="right")), len(y) - 1)


def sample_next_power(y, temperature, rng):  # p ** (1 / T), renormalised, is softmax(y / T)
    p = np.exp(y - y.max())
    q = (p / p.sum()) ** (1 / temperature)
    return int(rng.choice(len(q), p=q / q.sum()))


def sample_next_float32(y, temperature, rng):
    z = (y / temperature).astype(np.float32)
    p = np.exp(z - z.max())
    return int(rng.choice(len(p), p=p / p.sum()))


def sample_next_in_place(y, temperature, rng):  # in place on its own array
    z = y / temperature
    z -= z.max()
    np.exp(z, out=z)
    z /= z.sum()
    return rng.choice(len(z), p=z)


def sample_next_multinomial(y, temperature, rng):
    z = np.exp((y - y.max()) / temperature)
    return int(rng.multinomial(1, z / z.sum()).argmax())


# --------------------------------------------------------------------------------------------------
# sample_next: wrong answers


def _softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def sample_next_greedy_when_cold(y, temperature, rng):  # argmax below temperature 1
    if temperature < 1:
        return int(np.argmax(y))
    return rng.choice(len(y), p=_softmax(y / temperature))


def sample_next_one_too_few(y, temperature, rng):  # numpy raises inside its compiled rng.choice
    return rng.choice(len(y) - 1, p=_softmax(y / temperature))


def sample_next_p_over_t(y, temperature, rng):
    return rng.choice(len(y), p=_softmax(y) / temperature)


def sample_next_power_unnormalised(y, temperature, rng):
    return rng.choice(len(y), p=_softmax(y) ** (1 / temperature))


def sample_next_times_t(y, temperature, rng):
    return rng.choice(len(y), p=_softmax(y * temperature))


def sample_next_times_t_cumsum(y, temperature, rng):  # the same slip, seen through the draws only
    cdf = np.cumsum(_softmax(y * temperature))
    return min(int(np.searchsorted(cdf, rng.random(), side="right")), len(y) - 1)


def sample_next_no_temperature(y, temperature, rng):
    return rng.choice(len(y), p=_softmax(y))


def sample_next_argmax(y, temperature, rng):
    return int(np.argmax(y / temperature))


def sample_next_global(y, temperature, rng):
    return np.random.choice(len(y), p=_softmax(y / temperature))


def sample_next_random_module(y, temperature, rng):
    return random.choices(range(len(y)), weights=_softmax(y / temperature))[0]


def sample_next_own_generator(y, temperature, rng):
    return np.random.default_rng().choice(len(y), p=_softmax(y / temperature))


def sample_next_seeded_inside(y, temperature, rng):
    return np.random.default_rng(0).choice(len(y), p=_softmax(y / temperature))


def sample_next_naive_softmax(y, temperature, rng):
    e = np.exp(y / temperature)
    return rng.choice(len(y), p=e / e.sum())


def sample_next_scores_as_p(y, temperature, rng):
    return rng.choice(len(y), p=y / temperature)


def sample_next_divides_y(y, temperature, rng):
    y /= temperature
    return rng.choice(len(y), p=_softmax(y))


def sample_next_returns_p(y, temperature, rng):
    return _softmax(y / temperature)


def sample_next_returns_char(y, temperature, rng):
    return rnn_lib.lm.ALPHABET[int(rng.choice(len(y), p=_softmax(y / temperature)))]


def sample_next_raises(y, temperature, rng):
    return rng.choice(len(y), p=_softmax(y / temperature), size=(1, 2)).item()


def sample_next_not_written(y, temperature, rng):
    raise ex.NotWritten()


SAMPLE = [
    (sample_next, "passed", "all 7 checks passed"),
    (sample_next_cumsum, "passed", "all 7 checks passed"),
    (sample_next_power, "passed", "all 7 checks passed"),
    (sample_next_float32, "passed", "all 7 checks passed"),
    (sample_next_in_place, "passed", "all 7 checks passed"),
    (sample_next_multinomial, "passed", "all 7 checks passed"),
    (ex.reference_sample_next, "passed", "all 7 checks passed"),
    (sample_next_p_over_t, "failed", "p / temperature is not a distribution (it sums to 1 / temperature): the "
                                     "temperature divides the scores, before the softmax"),
    (sample_next_power_unnormalised, "failed", "p**(1/temperature) does not sum to 1"),
    (sample_next_times_t, "failed", "wrong at temperature 0.5: the scores are multiplied by the temperature: divide"),
    (sample_next_times_t_cumsum, "failed", "wrong at temperature 0.5: the scores are multiplied by the temperature"),
    (sample_next_no_temperature, "failed", "wrong at temperature 0.5: the temperature changes nothing"),
    (sample_next_argmax, "failed", "always the most likely index (argmax): draw from p with rng.choice"),
    (sample_next_global, "failed", "it draws with np.random (the global generator): draw with the rng argument"),
    (sample_next_random_module, "failed", "it draws with Python's random module"),
    (sample_next_own_generator, "failed", "the same seed gave other draws: draw with the rng you are given"),
    (sample_next_seeded_inside, "failed", "every draw gave 3: draw a new index each call, from p, with the rng you "
                                          "are given (a generator made inside the function starts over each time)"),
    (sample_next_naive_softmax, "failed", "wrong for scores near 1000 (y / temperature near 2000): subtract the "
                                          "largest score before np.exp"),
    (sample_next_scores_as_p, "failed", "rng.choice was given negative probabilities: turn the scores into "
                                        "probabilities first"),
    (sample_next_divides_y, "failed", "y changed in place: compute in a new array"),
    (sample_next_returns_p, "failed", "returned the probabilities: draw one index from them"),
    (sample_next_returns_char, "failed", "should return the index drawn (an int), got a str"),
    (sample_next_raises, "error", "your code raised ValueError: can only convert an array of size 1"),
    (sample_next_not_written, "not written", "not written yet"),
    (sample_next_greedy_when_cold, "failed", "at temperature 0.5 it always returns the most likely index: sample at "
                                             "every temperature"),
    (sample_next_one_too_few, "error", "your code raised ValueError: a and p must have same size — at line "
                                       f"{sample_next_one_too_few.__code__.co_firstlineno + 1} of "
                                       "sample_next_one_too_few(): return rng.choice(len(y) - 1,"),
]

TABLE = [(ex.check_masked_loss, *v) for v in MASKED] + [(ex.check_sample_next, *v) for v in SAMPLE]


@pytest.mark.parametrize("check, fn, status, hint", TABLE, ids=[v[1].__name__ for v in TABLE])
def test_each_variant_gets_its_status_and_hint(check, fn, status, hint):
    random.seed(0)
    result = check(fn, strict=False)
    assert result.status == status, result.line
    assert hint in result.line, result.line
    assert "\n" not in result.line and "Traceback" not in result.line
    assert bool(result) == (status == "passed")
    assert result.line.startswith(f"{result.ICONS[status]} {fn.__name__}: "), result.line
    assert result.exercise == check.__name__.removeprefix("check_")
    noted = status == "passed" and "checks passed (" in hint  # passed with a note: the cells below use rnn_lib's
    if status != "passed":
        assert result.line.endswith(BELOW), result.line
    elif not noted:
        assert result.line.endswith("checks passed"), result.line
    assert (ex.use(fn) is fn) == (status == "passed" and not noted)


def test_the_line_names_the_function_as_the_learner_named_it():
    assert ex.check_masked_loss(masked_loss).line == "✅ masked_loss: all 7 checks passed"
    assert ex.check_sample_next(sample_next).line == "✅ sample_next: all 7 checks passed"
    anonymous = ex.check_masked_loss(lambda ys, targets, mask: masked_loss_not_written(ys, targets, mask))
    assert anonymous.line == f"⏳ masked_loss: not written yet {BELOW}"


@pytest.mark.parametrize("check, fn", [(ex.check_sample_next, sample_next_own_generator),
                                       (ex.check_sample_next, sample_next_global),
                                       (ex.check_sample_next, sample_next_cumsum),
                                       (ex.check_masked_loss, masked_loss_float32)])
def test_a_check_gives_the_same_line_every_time(check, fn):
    assert check(fn, strict=False).line == check(fn, strict=False).line


def test_the_checks_leave_the_global_generators_alone():
    np_state, py_state = np.random.get_state(), random.getstate()
    ex.check_sample_next(sample_next_global, strict=False)
    ex.check_sample_next(sample_next_random_module, strict=False)
    after = np.random.get_state()
    assert np.array_equal(after[1], np_state[1]) and after[2:] == np_state[2:]
    assert random.getstate() == py_state


def test_use_gives_the_notebooks_forms():
    ex.check_masked_loss(masked_loss_with_p)
    assert ex.use(masked_loss_with_p) is ex.reference_masked_loss
    ex.check_masked_loss(masked_loss)
    assert ex.use(masked_loss) is masked_loss
    ex.check_sample_next(sample_next_argmax)
    assert ex.use(sample_next_argmax) is ex.reference_sample_next is ex.REFERENCES["sample_next"]
    for name in ("masked_loss", "sample_next"):
        assert ex.CHECKER_OF[name] is getattr(ex, f"check_{name}")


def test_the_distribution_cases_separate_right_from_each_mistake():
    """At N_DRAWS draws, each mistake's distribution is far (in standard deviations) from the right one
    at one temperature at least (both are checked), and the right one far from each mistake's."""
    n = lm_ex.N_DRAWS
    distances = {}
    for T in (0.5, 2.0):
        right = lm_ex._softmax(lm_ex._Y / T)
        for wrong, hint in lm_ex._temperature_mistakes(lm_ex._Y, T):
            z = np.abs(wrong - right) * n / np.sqrt(n * np.maximum(right * (1 - right), wrong * (1 - wrong)) + 1)
            distances[hint] = max(distances.get(hint, 0.0), z.max())
    assert len(distances) == 3 and min(distances.values()) > 2 * lm_ex.Z_LIMIT, distances


# --------------------------------------------------------------------------------------------------
# The references


def test_the_masked_loss_reference_matches_finite_differences():
    ys, targets, mask = lm_ex._mask_case(61, T=5, V=6, B=4, lengths=[5, 2, 4, 1])
    L, d_ys = ex.reference_masked_loss(ys, targets, mask)
    numerical = numerical_gradient(lambda: ex.reference_masked_loss(ys, targets, mask)[0], ys)
    assert rel_error(d_ys, numerical) < 1e-7
    assert np.all(d_ys.transpose(0, 2, 1)[mask == 0] == 0)  # nothing on the padding


def test_the_masked_loss_reference_is_the_library_loss_per_real_character():
    model = CharLM(hidden_size=6, rng=3, init=0.5)
    x, t, mask = pad_names(model, ["ava", "olivia", "jo"])
    ys, states = model.forward(x)[:2]
    L, d_ys = ex.reference_masked_loss(ys, t, mask)
    total, grads = model.loss(x, t, mask)
    n = mask.sum()
    assert np.isclose(L, total / n, rtol=1e-12)
    hs = np.stack([s[0] for s in states[1:]])  # (T, H, B)
    np.testing.assert_allclose((d_ys @ hs.transpose(0, 2, 1)).sum(axis=0), grads["Why"] / n, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(d_ys.sum(axis=(0, 2))[:, None], grads["by"] / n, rtol=1e-10, atol=1e-14)


@pytest.mark.torch
def test_the_masked_loss_reference_matches_torch_autograd():
    torch = pytest.importorskip("torch", reason=TORCH_REASON)
    ys, targets, mask = lm_ex._mask_case(63, T=6, V=7, B=3, lengths=[6, 3, 1])
    L, d_ys = ex.reference_masked_loss(ys, targets, mask)
    y = torch.tensor(ys, dtype=torch.float64, requires_grad=True)
    m = torch.tensor(mask, dtype=torch.float64)
    # (T, V, B) scores with (T, B) targets: the class axis is 1, as cross_entropy expects
    per_step = torch.nn.functional.cross_entropy(y, torch.tensor(targets), reduction="none")
    loss = (per_step * m).sum() / m.sum()
    loss.backward()
    assert np.isclose(L, loss.item(), rtol=1e-12)
    np.testing.assert_allclose(d_ys, y.grad.numpy(), rtol=1e-10, atol=1e-14)


def test_the_sample_next_reference_is_what_charlm_sample_draws_with():
    model = CharLM(hidden_size=8, rng=1, init=0.5)
    for temperature in (0.5, 1.0, 2.0):
        names = model.sample(12, temperature=temperature, seed=4)
        assert model.sample(12, temperature=temperature, seed=4, draw=ex.reference_sample_next) == names
        assert model.sample(12, temperature=temperature, seed=4, draw=sample_next) == names  # same rng.choice
    greedy = model.sample(3, seed=0, draw=sample_next_argmax, max_length=5)
    assert len(set(greedy)) == 1
    with pytest.raises(TypeError, match="draw must be a function"):
        model.sample(2, draw="argmax")


def test_the_sample_next_reference_draws_softmax_over_temperature():
    y, T, n = np.array([0.3, -1.0, 1.2, 0.0]), 0.7, 20000
    rng = np.random.default_rng(5)
    counts = np.bincount([ex.reference_sample_next(y, T, rng) for _ in range(n)], minlength=4)
    p = np.exp(y / T) / np.exp(y / T).sum()
    assert np.abs(counts / n - p).max() < 4 * np.sqrt(p * (1 - p) / n).max()


def test_this_modules_checkers_are_in_the_table_with_right_and_wrong_answers():
    checkers = {getattr(ex, n) for n in ex.__all__ if n.startswith("check_")}
    assert {c for c in checkers if c.__module__ == lm_ex.__name__} == {c for c, *_ in TABLE}
    for checker in {c for c, *_ in TABLE}:
        statuses = [s for c, _, s, _ in TABLE if c is checker]
        assert statuses.count("passed") >= 4 and statuses.count("failed") >= 2, checker.__name__
        assert checker.__doc__ and "Check" in checker.__doc__

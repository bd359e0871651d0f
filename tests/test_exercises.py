"""The exercise checkers: each passes right answers and names the mistake in wrong ones.

For every checker: at least one correct implementation passes, and each wrong one (written the way
learners get it wrong) fails with its own hint. The article's transpose-free BPTT is one of them.
Also: "not written yet", one line for an exception with the learner's line, strict mode, truthiness,
the display, ``use`` and the many-to-many reference, checked against finite differences. The
``VARIANTS`` table holds learners' sources (float32 answers, endless loops, a set, a reversed d_hs,
...) with the status and hint each must get; then the time limit and Ctrl-C.
"""

import signal
import threading
import time
import warnings
from pathlib import Path

import numpy as np
import pytest

import rnn_lib
from rnn_lib import CLIP, LEARN_RATE, PARAM_NAMES, numerical_gradient, softmax, softmax_cross_entropy
from rnn_lib import exercises as ex
from rnn_lib.exercises import preprocessing, training
from rnn_lib.article import backward_without_transpose
from helpers import TORCH_REASON

#: What a line adds until the learner's function passes: the cells below use the library's version.
_BELOW = "(the cells below use rnn_lib's version until this passes)"

# --------------------------------------------------------------------------------------------------
# Learners' answers: right ones, written as the notebooks write them, and wrong ones.


def encode(text, word_to_idx):
    return [word_to_idx[w] for w in text.split()]


def encode_reversed(text, word_to_idx):
    return [word_to_idx[w] for w in text.split()][::-1]


def encode_no_repeats(text, word_to_idx):
    return list(dict.fromkeys(word_to_idx[w] for w in text.split()))


def encode_split_on_space(text, word_to_idx):
    return [word_to_idx[w] for w in text.split(" ")]


GLOBAL_WORD_TO_IDX = dict(preprocessing._WORD_TO_IDX)


def encode_global_vocabulary(text, word_to_idx):
    return [GLOBAL_WORD_TO_IDX[w] for w in text.split()]


def encode_words(text, word_to_idx):
    return text.split()


def one_hot(index, V):
    x = np.zeros((V, 1))
    x[index, 0] = 1.0
    return x


def one_hot_flat(index, V):
    x = np.zeros(V)
    x[index] = 1.0
    return x


def one_hot_one_based(index, V):
    x = np.zeros((V + 1, 1))
    x[index + 1, 0] = 1.0
    return x[:V]


def one_hot_global_v(index, V):
    x = np.zeros((7, 1))
    x[index, 0] = 1.0
    return x


_SHARED = np.zeros((64, 1))


def one_hot_shared(index, V):
    x = _SHARED[:V]
    x[:] = 0.0
    x[index, 0] = 1.0
    return x


def step_forward(x, h_prev, Wxh, Whh, bh):
    return np.tanh(Wxh @ x + Whh @ h_prev + bh)


def step_forward_no_tanh(x, h_prev, Wxh, Whh, bh):
    return Wxh @ x + Whh @ h_prev + bh


def step_forward_transposed(x, h_prev, Wxh, Whh, bh):
    return np.tanh(Wxh @ x + Whh.T @ h_prev + bh)


def step_forward_no_bias(x, h_prev, Wxh, Whh, bh):
    return np.tanh(Wxh @ x + Whh @ h_prev)


def step_forward_in_place(x, h_prev, Wxh, Whh, bh):
    h_prev[...] = np.tanh(Wxh @ x + Whh @ h_prev + bh)
    return h_prev


def rnn_forward(xs, Wxh, Whh, Why, bh, by):
    h = np.zeros((Whh.shape[0], 1))
    hs = [h]
    for x in xs:
        h = np.tanh(Wxh @ x + Whh @ h + bh)
        hs.append(h)
    y = Why @ h + by
    return y, np.array(hs)


def rnn_forward_without_h0(xs, Wxh, Whh, Why, bh, by):
    y, hs = rnn_forward(xs, Wxh, Whh, Why, bh, by)
    return y, hs[1:]


def rnn_forward_no_memory(xs, Wxh, Whh, Why, bh, by):
    h = np.zeros((Whh.shape[0], 1))
    hs = [h]
    for x in xs:
        h = np.tanh(Wxh @ x + Whh @ hs[0] + bh)  # always from h_0
        hs.append(h)
    return Why @ h + by, np.array(hs)


def rnn_forward_backwards(xs, Wxh, Whh, Why, bh, by):
    return rnn_forward(xs[::-1], Wxh, Whh, Why, bh, by)


def rnn_forward_first_state(xs, Wxh, Whh, Why, bh, by):
    _, hs = rnn_forward(xs, Wxh, Whh, Why, bh, by)
    return Why @ hs[1] + by, hs


def loss_and_grad(y, c):
    p = softmax(y)
    e_c = np.zeros_like(p)
    e_c[c] = 1.0
    return -np.log(p[c, 0]), p, p - e_c


def loss_and_grad_sign(y, c):
    L, p, d_y = loss_and_grad(y, c)
    return L, p, -d_y


def loss_and_grad_no_target(y, c):
    L, p, _ = loss_and_grad(y, c)
    return L, p, p


def loss_and_grad_naive(y, c):
    p = np.exp(y) / np.exp(y).sum()
    e_c = np.zeros_like(p)
    e_c[c] = 1.0
    return -np.log(p[c, 0]), p, p - e_c


def loss_and_grad_two_classes(y, c):
    p1 = 1 / (1 + np.exp(-(y[1, 0] - y[0, 0])))
    p = np.array([[1 - p1], [p1]])
    e_c = np.zeros((2, 1))
    e_c[c] = 1.0
    return -np.log(p[c, 0]), p, p - e_c


def loss_and_grad_in_place(y, c):
    y -= y.max()
    return loss_and_grad(y, c)


def step_backward(d_h, cache):
    x, h_prev, h, Whh = cache
    d_a = (1 - h ** 2) * d_h
    return Whh.T @ d_a, {"Wxh": d_a @ x.T, "Whh": d_a @ h_prev.T, "bh": d_a}


def step_backward_no_tanh(d_h, cache):
    x, h_prev, h, Whh = cache
    return Whh.T @ d_h, {"Wxh": d_h @ x.T, "Whh": d_h @ h_prev.T, "bh": d_h}


def step_backward_h_for_whh(d_h, cache):
    x, h_prev, h, Whh = cache
    d_a = (1 - h ** 2) * d_h
    return Whh.T @ d_a, {"Wxh": d_a @ x.T, "Whh": d_a @ h.T, "bh": d_a}


def step_backward_no_transpose(d_h, cache):
    x, h_prev, h, Whh = cache
    d_a = (1 - h ** 2) * d_h
    return Whh @ d_a, {"Wxh": d_a @ x.T, "Whh": d_a @ h_prev.T, "bh": d_a}


def bptt(model, xs, hs, d_y):  # notebook 3's loop
    grads = {"Why": d_y @ hs[-1].T, "by": d_y.copy()}
    grads.update({n: np.zeros_like(model.params[n]) for n in ("Wxh", "Whh", "bh")})
    d_h = model.Why.T @ d_y
    d_hs = [d_h]
    for t in range(len(xs), 0, -1):
        d_a = (1 - hs[t] ** 2) * d_h
        grads["Wxh"] += d_a @ xs[t - 1].T
        grads["Whh"] += d_a @ hs[t - 1].T
        grads["bh"] += d_a
        d_h = model.Whh.T @ d_a
        d_hs.append(d_h)
    return grads, np.array(d_hs[::-1])


def bptt_with_steps(model, xs, hs, d_y):  # the library's step, a dict only
    grads = {"Why": d_y @ hs[-1].T, "by": d_y.copy()}
    grads.update({n: np.zeros_like(model.params[n]) for n in ("Wxh", "Whh", "bh")})
    d_h = model.Why.T @ d_y
    for t in range(len(xs), 0, -1):
        _, cache = rnn_lib.step_forward(xs[t - 1], hs[t - 1], model.Wxh, model.Whh, model.bh)
        d_h, step_grads = rnn_lib.step_backward(d_h, cache)
        for n, g in step_grads.items():
            grads[n] += g
    return grads


def bptt_article(model, xs, hs, d_y):  # the article's transpose-free version, adapted to the signature
    return backward_without_transpose(model, d_y)


def _bptt_variant(model, xs, hs, d_y, tanh=True, shift=0, add=True, transpose=True, whh_state=-1):
    grads = {"Why": d_y @ hs[-1].T, "by": d_y.copy()}
    grads.update({n: np.zeros_like(model.params[n]) for n in ("Wxh", "Whh", "bh")})
    d_h = model.Why.T @ d_y
    for t in range(len(xs), 0, -1):
        d_a = (1 - hs[t - shift] ** 2) * d_h if tanh else d_h
        step = {"Wxh": d_a @ xs[t - 1].T, "Whh": d_a @ hs[t + whh_state].T, "bh": d_a}
        for n, g in step.items():
            grads[n] = grads[n] + g if add else g
        d_h = (model.Whh.T if transpose else model.Whh) @ d_a
    return grads


def bptt_no_tanh_prime(model, xs, hs, d_y):
    return _bptt_variant(model, xs, hs, d_y, tanh=False)


def bptt_off_by_one(model, xs, hs, d_y):
    return _bptt_variant(model, xs, hs, d_y, shift=1)  # hs[t - 1] in the tanh' factor


def bptt_xs_off_by_one(model, xs, hs, d_y):
    grads = {"Why": d_y @ hs[-1].T, "by": d_y.copy()}
    grads.update({n: np.zeros_like(model.params[n]) for n in ("Wxh", "Whh", "bh")})
    d_h = model.Why.T @ d_y
    for t in range(len(xs), 0, -1):
        d_a = (1 - hs[t] ** 2) * d_h
        grads["Wxh"] += d_a @ xs[-t].T  # xs counted from the wrong end: right only when T = 1
        grads["Whh"] += d_a @ hs[t - 1].T
        grads["bh"] += d_a
        d_h = model.Whh.T @ d_a
    return grads


def bptt_whh_with_h_t(model, xs, hs, d_y):
    return _bptt_variant(model, xs, hs, d_y, whh_state=0)  # hs[t] where hs[t - 1] belongs


def bptt_not_summed(model, xs, hs, d_y):
    return _bptt_variant(model, xs, hs, d_y, add=False)


def bptt_wrong_shapes(model, xs, hs, d_y):
    grads = _bptt_variant(model, xs, hs, d_y)
    grads["Wxh"] = grads["Wxh"].T
    return grads


def bptt_updates_weights(model, xs, hs, d_y):
    grads = _bptt_variant(model, xs, hs, d_y)
    model.Whh -= 0.1 * grads["Whh"]
    return grads


def bptt_many(model, xs, hs, d_ys):
    grads = {n: np.zeros_like(p) for n, p in model.params.items()}
    d_next = np.zeros_like(hs[0])                     # dL/dh_{T+1} path: nothing after h_T
    for t in range(len(xs), 0, -1):
        grads["Why"] += d_ys[t - 1] @ hs[t].T
        grads["by"] += d_ys[t - 1]
        d_h = model.Why.T @ d_ys[t - 1] + d_next      # the two paths into h_t
        d_a = (1 - hs[t] ** 2) * d_h
        grads["Wxh"] += d_a @ xs[t - 1].T
        grads["Whh"] += d_a @ hs[t - 1].T
        grads["bh"] += d_a
        d_next = model.Whh.T @ d_a
    return grads


def bptt_many_last_loss_only(model, xs, hs, d_ys):
    return bptt(model, xs, hs, d_ys[-1])


def bptt_many_no_recurrent_path(model, xs, hs, d_ys):
    grads = {n: np.zeros_like(p) for n, p in model.params.items()}
    for t in range(len(xs), 0, -1):
        grads["Why"] += d_ys[t - 1] @ hs[t].T
        grads["by"] += d_ys[t - 1]
        d_a = (1 - hs[t] ** 2) * (model.Why.T @ d_ys[t - 1])
        grads["Wxh"] += d_a @ xs[t - 1].T
        grads["Whh"] += d_a @ hs[t - 1].T
        grads["bh"] += d_a
    return grads


def bptt_many_no_transpose(model, xs, hs, d_ys):
    grads = {n: np.zeros_like(p) for n, p in model.params.items()}
    d_next = np.zeros_like(hs[0])
    for t in range(len(xs), 0, -1):
        grads["Why"] += d_ys[t - 1] @ hs[t].T
        grads["by"] += d_ys[t - 1]
        d_a = (1 - hs[t] ** 2) * (model.Why.T @ d_ys[t - 1] + d_next)
        grads["Wxh"] += d_a @ xs[t - 1].T
        grads["Whh"] += d_a @ hs[t - 1].T
        grads["bh"] += d_a
        d_next = model.Whh @ d_a
    return grads


def train_epoch(model, inputs, targets, rng):  # notebook 4's loop
    loss = correct = 0
    for i in rng.permutation(len(inputs)):
        y, _ = model.forward(inputs[i])
        l, p, d_y = softmax_cross_entropy(y, targets[i])
        loss += l
        correct += int(np.argmax(p) == targets[i])
        grads = model.backward(d_y)
        for name in PARAM_NAMES:
            model.params[name] -= LEARN_RATE * np.clip(grads[name], -CLIP, CLIP)
    return loss / len(inputs), correct / len(inputs)


def _epoch(model, inputs, targets, rng, order=True, clip=True, sign=1.0, total=False, rebind=False):
    loss = correct = 0
    indices = rng.permutation(len(inputs)) if order else range(len(inputs))
    for i in indices:
        y, _ = model.forward(inputs[i])
        l, p, d_y = softmax_cross_entropy(y, targets[i])
        loss += l
        correct += int(np.argmax(p) == targets[i])
        grads = model.backward(d_y)
        for name in PARAM_NAMES:
            g = np.clip(grads[name], -CLIP, CLIP) if clip else grads[name]
            if rebind:
                params = model.params[name]
                params = params - LEARN_RATE * g  # noqa: F841 - the mistake: a new array, the model unchanged
            else:
                model.params[name] -= sign * LEARN_RATE * g
    return (loss, correct / len(inputs)) if total else (loss / len(inputs), correct / len(inputs))


def train_epoch_no_clip(model, inputs, targets, rng):
    return _epoch(model, inputs, targets, rng, clip=False)


def train_epoch_uphill(model, inputs, targets, rng):
    return _epoch(model, inputs, targets, rng, sign=-1.0)


def train_epoch_in_order(model, inputs, targets, rng):
    return _epoch(model, inputs, targets, rng, order=False)


def train_epoch_summed_loss(model, inputs, targets, rng):
    return _epoch(model, inputs, targets, rng, total=True)


def train_epoch_rebinds(model, inputs, targets, rng):
    return _epoch(model, inputs, targets, rng, rebind=True)


# --------------------------------------------------------------------------------------------------
# Every checker: right answers pass, each wrong one gets its hint.

RIGHT = [
    (ex.check_encode, encode),
    (ex.check_encode, ex.reference_encode),
    (ex.check_one_hot, one_hot),
    (ex.check_one_hot, ex.reference_one_hot),
    (ex.check_step_forward, step_forward),
    (ex.check_step_forward, rnn_lib.step_forward),  # returns (h, cache): accepted
    (ex.check_step_forward, ex.reference_step_forward),
    (ex.check_forward, rnn_forward),
    (ex.check_forward, ex.reference_forward),
    (ex.check_softmax_cross_entropy, loss_and_grad),
    (ex.check_softmax_cross_entropy, rnn_lib.softmax_cross_entropy),
    (ex.check_bptt_step, step_backward),
    (ex.check_bptt_step, rnn_lib.step_backward),
    (ex.check_bptt, bptt),
    (ex.check_bptt, bptt_with_steps),
    (ex.check_bptt, ex.reference_bptt),
    (ex.check_bptt_many_to_many, bptt_many),
    (ex.check_bptt_many_to_many, ex.reference_bptt_many_to_many),
    (ex.check_train_epoch, train_epoch),
    (ex.check_train_epoch, ex.reference_train_epoch),
]

WRONG = [
    (ex.check_encode, encode_reversed, "the indices must follow the words' order"),
    (ex.check_encode, encode_no_repeats, "a repeated word gets its index each time — don't remove repeated words "
                                         "(no set"),
    (ex.check_encode, encode_split_on_space, "split on any whitespace with text.split() (no argument)"),
    (ex.check_encode, encode_global_vocabulary, "use the word_to_idx argument, not a global vocabulary"),
    (ex.check_encode, encode_words, "returned words ('i', ...): look each word up in word_to_idx"),
    (ex.check_one_hot, one_hot_flat, "has shape (7,): make a column of shape (V, 1)"),
    (ex.check_one_hot, one_hot_one_based, "has its 1 in row 3: rows count from 0"),
    (ex.check_one_hot, one_hot_global_v, "use the V argument, not a global"),
    (ex.check_one_hot, one_hot_shared, "create a new array each call"),
    (ex.check_step_forward, step_forward_no_tanh, "h is Wxh @ x without the tanh"),
    (ex.check_step_forward, step_forward_transposed, "h uses Whh.T @ h_prev: the recurrent term is Whh @ h_prev"),
    (ex.check_step_forward, step_forward_no_bias, "h ignores bh"),
    (ex.check_step_forward, step_forward_in_place, "❌ step_forward_in_place: step_forward_in_place changed h_prev "
                                                   "in place"),
    (ex.check_forward, rnn_forward_without_h0, "it must hold h_0 too, T+1 states"),
    (ex.check_forward, rnn_forward_no_memory, "every h_t starts from zeros: carry h from one step to the next"),
    (ex.check_forward, rnn_forward_backwards, "the words are read backwards"),
    (ex.check_forward, rnn_forward_first_state, "y comes from an earlier state: y = Why @ h_T + by"),
    (ex.check_softmax_cross_entropy, loss_and_grad_sign, "d_y has the wrong sign"),
    (ex.check_softmax_cross_entropy, loss_and_grad_no_target, "d_y is p: subtract 1 at the true class"),
    (ex.check_softmax_cross_entropy, loss_and_grad_two_classes, "nothing may assume two classes"),
    (ex.check_softmax_cross_entropy, loss_and_grad_naive, "not finite for scores 1000 and 998: subtract y.max()"),
    (ex.check_softmax_cross_entropy, loss_and_grad_in_place, "y changed in place"),
    (ex.check_bptt_step, step_backward_no_tanh, "dL/dbh is d_h: go through the tanh first"),
    (ex.check_bptt_step, step_backward_h_for_whh, "dL/dWhh uses h: the state coming in, d_a @ h_prev.T"),
    (ex.check_bptt_step, step_backward_no_transpose, "d_h_prev wrong when Whh is not symmetric — pass the gradient "
                                                     "back through Whh.T"),
    (ex.check_bptt, bptt_article, "❌ bptt_article: dL/dWhh wrong when Whh is not symmetric — is the hidden "
                                  "gradient passed back through Whh.T?"),
    (ex.check_bptt, bptt_no_tanh_prime, "is the tanh' factor there, (1 - hs[t]**2)"),
    (ex.check_bptt, bptt_off_by_one, "off by one in hs: step t's tanh' factor uses hs[t] (h_t)"),
    (ex.check_bptt, bptt_xs_off_by_one, "wrong for two words (right for one) — off by one?"),
    (ex.check_bptt, bptt_whh_with_h_t, "dL/dWhh at step t is d_a @ hs[t - 1].T"),
    (ex.check_bptt, bptt_not_summed, "hold one step only — add every time step's share (+=)"),
    (ex.check_bptt, bptt_wrong_shapes, "grads['Wxh'] has shape (5, 4), expected (4, 5)"),
    (ex.check_bptt, bptt_updates_weights, "bptt_updates_weights changed the model's weights"),
    (ex.check_bptt_many_to_many, bptt_many_last_loss_only, "only the last step's loss reaches the weights"),
    (ex.check_bptt_many_to_many, bptt_many_no_recurrent_path, "lacks the recurrent path: d_h = Why.T @ d_ys[t-1] "
                                                              "+ Whh.T @ d_a_{t+1}"),
    (ex.check_bptt_many_to_many, bptt_many_no_transpose, "passed back through Whh.T?"),
    (ex.check_train_epoch, train_epoch_no_clip, "the gradients are not clipped"),
    (ex.check_train_epoch, train_epoch_uphill, "the weights moved uphill"),
    (ex.check_train_epoch, train_epoch_in_order, "the phrases are visited in order: use i in rng.permutation"),
    (ex.check_train_epoch, train_epoch_summed_loss, "the loss is the epoch's sum: return the mean"),
    (ex.check_train_epoch, train_epoch_rebinds, "the model's weights did not change: update them in place"),
]


def _id(case):
    return f"{case[0].__name__}-{case[1].__name__}"


@pytest.mark.parametrize("case", RIGHT, ids=[_id(c) for c in RIGHT])
def test_a_right_answer_passes(case):
    checker, fn = case
    result = checker(fn, strict=False)
    assert result, result.line
    assert result.status == "passed" and result.n_passed == result.n_checks >= 4
    assert result.line.startswith(f"✅ {result.name}: all {result.n_checks} checks passed")
    if result.line.endswith("checks passed"):
        assert result.function is fn
    else:  # passed, in another form than the notebook's cells below expect: they use the reference
        assert result.function is ex.REFERENCES[result.exercise]


def test_a_right_answer_in_another_form_passes_and_the_cells_below_get_the_reference():
    result = ex.check_bptt(bptt_with_steps)  # the dict alone; notebook 3 unpacks (grads, d_hs) below
    assert result and result.line == ("✅ bptt_with_steps: all 6 checks passed (it returns the gradient dict alone: "
                                      "the cells below use rnn_lib's, which also returns d_hs)")
    assert ex.use(bptt_with_steps) is ex.reference_bptt
    assert ex.use(bptt) is bptt and ex.check_bptt(bptt).line == "✅ bptt: all 6 checks passed"
    many = ex.check_bptt_many_to_many(ex.reference_bptt_many_to_many)  # (grads, d_hs); notebook 3 wants grads
    assert many and many.line.endswith("(it returns a tuple: the cells below use rnn_lib's gradient dict)")
    assert ex.use(ex.reference_bptt_many_to_many) is ex.REFERENCES["bptt_many_to_many"]
    assert ex.check_bptt_many_to_many(bptt_many).line == "✅ bptt_many: all 6 checks passed"

    def loss_and_d_y(y, c):
        L, _, d_y = loss_and_grad(y, c)
        return L, d_y

    pair = ex.check_softmax_cross_entropy(loss_and_d_y)
    assert pair.line == ("✅ loss_and_d_y: all 7 checks passed (it returns (L, d_y): the cells below use rnn_lib's "
                         "(L, p, d_y))")
    assert ex.use(loss_and_d_y) is rnn_lib.softmax_cross_entropy


@pytest.mark.parametrize("case", WRONG, ids=[_id(c) for c in WRONG])
def test_a_wrong_answer_fails_with_its_hint(case):
    checker, fn, hint = case
    result = checker(fn, strict=False)
    assert not result
    assert result.status == "failed", result.line
    assert hint in result.line, result.line
    assert result.line.startswith("❌ ") and "\n" not in result.line


def _own_test_file(checker):
    """tests/test_exercises_<module>.py, where a checker's module keeps its own table of variants, if it exists."""
    return (Path(__file__).parent / f"test_exercises_{checker.__module__.rsplit('.', 1)[-1]}.py").exists()


def test_every_checker_has_a_right_and_two_wrong_answers_here():
    checkers = {getattr(ex, name) for name in ex.__all__ if name.startswith("check_")}
    checkers = {c for c in checkers if not _own_test_file(c)}
    assert checkers == {c for c, _ in RIGHT}
    for checker in checkers:
        assert sum(1 for c, *_ in WRONG if c is checker) >= 2, checker.__name__
        assert checker.__doc__ and "Check" in checker.__doc__


def test_the_article_bptt_is_caught_only_by_the_non_symmetric_case():
    result = ex.check_bptt(bptt_article, strict=False)
    assert result.line == ("❌ bptt_article: dL/dWhh wrong when Whh is not symmetric — is the hidden gradient "
                           "passed back through Whh.T? (the cells below use rnn_lib's version until this passes)")
    assert result.n_passed == 5  # shapes, in place, one word, h_0, three words with a symmetric Whh: all right


def test_the_bptt_exercise_has_six_checks():
    assert ex.check_bptt(bptt).line == "✅ bptt: all 6 checks passed"


# --------------------------------------------------------------------------------------------------
# Not written yet, exceptions, strict mode, display.


def not_written(*args):
    raise ex.NotWritten()


def nbgrader_template(*args):
    raise NotImplementedError()


@pytest.mark.parametrize("checker", sorted({c for c, _ in RIGHT}, key=lambda c: c.__name__))
@pytest.mark.parametrize("fn", [not_written, nbgrader_template])
def test_an_unwritten_exercise_is_not_written_yet(checker, fn):
    result = checker(fn, strict=False)
    assert not result and result.status == "not written"
    assert result.line == f"⏳ {fn.__name__}: not written yet {_BELOW}"


def bptt_that_raises(model, xs, hs, d_y):
    d_h = model.Why.T @ d_y
    d_a = (1 - hs[-1] ** 2) * d_h
    return {"Wxh": d_a @ xs[0]}  # (H, 1) @ (V, 1): the learner forgot .T


def test_an_exception_is_one_line_naming_the_learners_line():
    result = ex.check_bptt(bptt_that_raises, strict=False)
    assert result.status == "error" and not result
    assert "\n" not in result.line and "Traceback" not in result.line
    assert result.line.startswith("❌ bptt_that_raises: your code raised ValueError: matmul")
    assert result.line.endswith("of bptt_that_raises(): return {\"Wxh\": d_a @ xs[0]}  # (H, 1) @ (V, 1): "
                                "the learner forgot .T (the cells below use rnn_lib's version until this passes)")
    line = bptt_that_raises.__code__.co_firstlineno + 3
    assert f"at line {line} of bptt_that_raises()" in result.line


def test_an_exception_raised_through_the_library_names_the_learners_call():
    def train_epoch_bad_targets(model, inputs, targets, rng):
        for i in rng.permutation(len(inputs)):
            y, _ = model.forward(inputs[i])
            softmax_cross_entropy(y, str(targets[i]))  # a str class: the library raises
        return 0.0, 0.0

    result = ex.check_train_epoch(train_epoch_bad_targets, strict=False)
    assert result.line.startswith("❌ train_epoch_bad_targets: your code raised TypeError: target must be a "
                                  "class index")
    assert result.line.endswith("softmax_cross_entropy(y, str(targets[i]))  # a str class: the library raises "
                                "(the cells below use rnn_lib's version until this passes)")


def test_the_learners_warnings_stay_silent(recwarn):
    def noisy_one_hot(index, V):
        np.log(np.zeros(1))  # a RuntimeWarning: divide by zero
        warnings.warn("a learner's debugging warning")
        return one_hot(index, V)

    assert ex.check_one_hot(noisy_one_hot, strict=False)
    assert "not finite" in ex.check_softmax_cross_entropy(loss_and_grad_naive, strict=False).line  # exp(1000)
    assert not recwarn.list


def test_a_missing_return_is_named():
    def bptt_no_return(model, xs, hs, d_y):
        grads = {n: np.zeros_like(p) for n, p in model.params.items()}  # noqa: F841

    result = ex.check_bptt(bptt_no_return, strict=False)
    assert result.line == ("❌ bptt_no_return: should return the gradient dict (or a tuple whose first item is it), "
                           f"got None (is a `return` missing?) {_BELOW}")


def test_a_returned_value_is_shown_on_one_short_line():
    class Odd:
        def __repr__(self):
            raise RuntimeError("no repr")

    assert ex._core._short(Odd()) == "a Odd"
    assert ex._core._short(np.zeros((3, 2))) == "array([[0., 0.], [0., 0.], [0., 0.]])"
    long = ex._core._short("x" * 500)
    assert len(long) == ex._core.MAX_MESSAGE and long.endswith("…")

    def choose_setting(scores):
        return "\n".join(map(str, scores))

    line = ex.check_choose_setting(choose_setting).line
    assert "\n" not in line and line.startswith("❌ choose_setting: returned '32\\n128\\n8")


def test_not_a_function():
    assert ex.check_bptt(None, strict=False).line == "❌ bptt: expected your function, got None"
    line = ex.check_bptt(np.zeros(3), strict=False).line
    assert line == "❌ bptt: expected your function, got an array of shape (3,)"


def test_strict_raises_the_same_line(monkeypatch):
    monkeypatch.delenv(ex.STRICT_ENV, raising=False)
    with pytest.raises(AssertionError) as info:
        ex.check_bptt(bptt_article, strict=True)
    assert str(info.value) == ex.check_bptt(bptt_article).line
    with pytest.raises(AssertionError, match="⏳ not_written: not written yet"):
        ex.check_bptt(not_written, strict=True)
    assert ex.check_bptt(bptt, strict=True)


@pytest.mark.parametrize("value, raises", [("1", True), ("yes", True), ("0", False), ("", False)])
def test_strict_from_the_environment(monkeypatch, value, raises):
    monkeypatch.setenv(ex.STRICT_ENV, value)
    if raises:
        with pytest.raises(AssertionError, match="wrong when Whh is not symmetric"):
            ex.check_bptt(bptt_article)
    else:
        assert not ex.check_bptt(bptt_article)
    assert not ex.check_bptt(bptt_article, strict=False)  # the argument wins


def test_the_result_displays_as_its_line():
    result = ex.check_bptt(bptt_article, strict=False)
    assert repr(result) == str(result) == result.line
    assert result.line in result._repr_html_().replace("&#x27;", "'")
    shown = []

    class Printer:
        def text(self, s):
            shown.append(s)

    result._repr_pretty_(Printer(), False)
    assert shown == [result.line]
    assert "<" not in ex.check_bptt(not_written)._repr_html_().split(">", 1)[1].rsplit("<", 1)[0]


def test_use_gives_the_learners_function_once_it_passes_else_the_reference():
    def my_bptt(model, xs, hs, d_y):
        raise ex.NotWritten()

    with pytest.raises(ValueError, match="my_bptt has not been checked yet"):
        ex.use(my_bptt)  # not a notebook's name: use cannot tell which exercise it is
    ex.check_bptt(my_bptt, strict=False)
    assert ex.use(my_bptt) is ex.reference_bptt is ex.REFERENCES["bptt"]
    ex.check_bptt(bptt)
    assert ex.use(bptt) is bptt
    for name, reference in ex.REFERENCES.items():
        assert callable(reference), name


def test_use_checks_a_function_redefined_since_its_check():
    def train_epoch(model, inputs, targets, rng):  # the notebook's name, never checked
        raise ex.NotWritten()

    assert ex.use(train_epoch) is ex.reference_train_epoch
    redefined = _epoch  # a right epoch under another name, then renamed as the notebook names it

    def train_epoch(model, inputs, targets, rng):  # noqa: F811 - the learner redefines it
        return redefined(model, inputs, targets, rng)

    assert ex.use(train_epoch) is train_epoch


def test_the_many_to_many_fallback_returns_the_dict_as_the_notebook_does():
    def my_bptt_many(model, xs, hs, d_ys):
        raise ex.NotWritten()

    ex.check_bptt_many_to_many(my_bptt_many)
    model, xs, targets = _many_to_many_case()
    model.forward(xs)
    hs = model.last_hs
    d_ys = [softmax_cross_entropy(model.Why @ hs[t] + model.by, c)[2] for t, c in enumerate(targets, start=1)]
    grads = ex.use(my_bptt_many)(model, xs, hs, d_ys)
    assert isinstance(grads, dict) and set(grads) == set(PARAM_NAMES)
    assert ex.check_bptt_many_to_many(ex.use(my_bptt_many))


# --------------------------------------------------------------------------------------------------
# The references themselves.


def _many_to_many_case(seed=7, T=4, V=5, H=4, O=3):
    rng = np.random.default_rng(seed)
    model = rnn_lib.RNN(V, O, H, rng=rng, init=0.5)
    model.bh = 0.2 * rng.standard_normal((H, 1))
    model.by = 0.2 * rng.standard_normal((O, 1))
    xs = [ex.reference_one_hot(int(i), V) for i in rng.integers(V, size=T)]
    targets = [int(c) for c in rng.integers(O, size=T)]
    return model, xs, targets


def _many_to_many_loss(model, xs, targets):
    model.forward(xs)
    hs = model.last_hs
    return sum(softmax_cross_entropy(model.Why @ hs[t] + model.by, c)[0] for t, c in enumerate(targets, start=1))


def test_the_many_to_many_reference_matches_finite_differences():
    model, xs, targets = _many_to_many_case()
    model.forward(xs)
    hs = model.last_hs
    d_ys = [softmax_cross_entropy(model.Why @ hs[t] + model.by, c)[2] for t, c in enumerate(targets, start=1)]
    grads, d_hs = ex.reference_bptt_many_to_many(model, xs, hs, d_ys)
    assert d_hs.shape == (len(xs) + 1, 4, 1)
    for name in PARAM_NAMES:
        numerical = numerical_gradient(lambda: _many_to_many_loss(model, xs, targets), model.params[name])
        assert rnn_lib.rel_error(grads[name], numerical) < 1e-7, name
    # the two paths: the gradient reaching h_1 differs from its local path alone
    assert not np.allclose(d_hs[1], model.Why.T @ d_ys[0])


@pytest.mark.torch
def test_the_many_to_many_reference_matches_torch_autograd():
    torch = pytest.importorskip("torch", reason=TORCH_REASON)
    model, xs, targets = _many_to_many_case(seed=8, T=5)
    model.forward(xs)
    hs = model.last_hs
    d_ys = [softmax_cross_entropy(model.Why @ hs[t] + model.by, c)[2] for t, c in enumerate(targets, start=1)]
    grads, _ = ex.reference_bptt_many_to_many(model, xs, hs, d_ys)
    p = {n: torch.tensor(model.params[n], dtype=torch.float64, requires_grad=True) for n in PARAM_NAMES}
    h = torch.zeros((4, 1), dtype=torch.float64)
    loss = 0
    for x, c in zip(xs, targets):
        h = torch.tanh(p["Wxh"] @ torch.tensor(x) + p["Whh"] @ h + p["bh"])
        y = (p["Why"] @ h + p["by"]).T
        loss = loss + torch.nn.functional.cross_entropy(y, torch.tensor([c]))
    loss.backward()
    for name in PARAM_NAMES:
        np.testing.assert_allclose(grads[name], p[name].grad.numpy(), rtol=1e-10, atol=1e-12)


def test_the_many_to_one_reference_equals_rnn_backward():
    model, xs, targets = _many_to_many_case(seed=9)
    y, _ = model.forward(xs)
    d_y = softmax_cross_entropy(y, targets[-1])[2]
    grads, d_hs = ex.reference_bptt(model, xs, model.last_hs, d_y)
    lib_grads, lib_d_hs = model.backward(d_y, return_hidden_grads=True)
    for name in PARAM_NAMES:
        np.testing.assert_allclose(grads[name], lib_grads[name], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(d_hs, lib_d_hs, rtol=1e-12, atol=1e-15)


def test_the_many_to_many_reference_checks_its_argument():
    model, xs, _ = _many_to_many_case()
    model.forward(xs)
    with pytest.raises(ValueError, match="d_ys has 1 entries for 4 time steps"):
        ex.reference_bptt_many_to_many(model, xs, model.last_hs, [np.zeros((3, 1))])


def test_the_clipping_case_needs_clipping_and_the_sgd_case_does_not():
    """The cases of check_train_epoch isolate clipping: only the large-weight case clips."""
    for seed, scale, clips in ((52, 0.1, False), (53, 1.0, True)):
        model, inputs, targets = training._epoch_case(seed, scale)
        m = model.copy()
        largest = 0.0
        for i in np.random.default_rng(seed).permutation(len(inputs)):
            y, _ = m.forward(inputs[i])
            g = m.backward(softmax_cross_entropy(y, targets[i])[2])
            largest = max(largest, max(np.abs(v).max() for v in g.values()))
            rnn_lib.sgd_step(m, g)
        assert (largest > CLIP) == clips, (seed, largest)


# --------------------------------------------------------------------------------------------------
# Variants from a review of the checkers: each row is (checker, variant, the learner's source, expected
# status, expected hint). The source defines the function under the notebook's name and runs in a fresh
# namespace (a global it keeps lives there), so the line names the function as the learner would see it.

_BPTT_HEAD = '''
def bptt(model, xs, hs, d_y):
    grads = {"Why": d_y @ hs[-1].T, "by": d_y.copy()}
    grads.update({n: np.zeros_like(model.params[n]) for n in ("Wxh", "Whh", "bh")})
    d_h = model.Why.T @ d_y
    d_hs = [d_h]
'''
_BPTT_BODY = '''
        d_a = (1 - hs[t] ** 2) * d_h
        grads["Wxh"] += d_a @ xs[t - 1].T
        grads["Whh"] += d_a @ hs[t - 1].T
        grads["bh"] += d_a
        d_h = model.Whh.T @ d_a
        d_hs.append(d_h)
'''
_LOOP = "    for t in range(len(xs), 0, -1):"
_EPOCH = '''
def train_epoch(model, inputs, targets, rng):
    loss = correct = 0
    for i in rng.permutation(len(inputs)):
        y, _ = model.forward(inputs[i])
        {loss}
        loss += l
        correct += int(np.argmax(p) == targets[i])
        grads = model.backward(d_y)
        for name in PARAM_NAMES:
            model.params[name] -= {step}
    return loss / len(inputs), correct / len(inputs)
'''
_F32_STEP = "(LEARN_RATE * np.clip(grads[name], -CLIP, CLIP)).astype(np.float32)"
_F32_LOSS = ("y = y.astype(np.float32); p = np.exp(y - y.max()); p = p / p.sum(); l = -np.log(p[targets[i], 0]); "
             "d_y = p - np.eye(len(p), 1, -targets[i], dtype=np.float32)")
_F32 = "f = np.float32\n"
_NOTE_F32 = "it computes in float32: the cells below use rnn_lib's float64 version"

VARIANTS = [
    # 01: a set gives its words in hash order, which changes from run to run: the hint must not
    (ex.check_encode, "set of words", "def encode(text, word_to_idx):\n"
     "    return [word_to_idx[w] for w in set(text.split())]", "failed",
     "gave 2 indices, expected 3 ([4, 4, 2]): a repeated word gets its index each time — don't remove repeated "
     "words (no set: it drops them and loses the words' order) " + _BELOW),
    (ex.check_encode, "endless loop", "def encode(text, word_to_idx):\n    while True:\n        pass", "timeout",
     "⏱\ufe0f encode: took longer than"),
    # 02
    (ex.check_step_forward, "float32", "def step_forward(x, h_prev, Wxh, Whh, bh):\n" + "    " + _F32 +
     "    return np.tanh(Wxh.astype(f) @ x.astype(f) + Whh.astype(f) @ h_prev.astype(f) + bh.astype(f))",
     "passed", _NOTE_F32),
    (ex.check_forward, "the last word dropped", "def rnn_forward(xs, Wxh, Whh, Why, bh, by):\n"
     "    h = np.zeros((Whh.shape[0], 1))\n    hs = [h]\n    for x in xs[:-1]:\n"
     "        h = np.tanh(Wxh @ x + Whh @ h + bh)\n        hs.append(h)\n    return Why @ h + by, np.array(hs)",
     "failed", "stops at h_2: the last word is missing — loop over every x in xs"),
    (ex.check_forward, "float32", "def rnn_forward(xs, Wxh, Whh, Why, bh, by):\n    " + _F32 +
     "    h = np.zeros((Whh.shape[0], 1), f)\n    hs = [h]\n    for x in xs:\n"
     "        h = np.tanh(Wxh.astype(f) @ x + Whh.astype(f) @ h + bh.astype(f)).astype(f)\n        hs.append(h)\n"
     "    return (Why @ h + by).astype(f), np.array(hs)", "passed", _NOTE_F32),
    # 03: the loss
    (ex.check_softmax_cross_entropy, "float32", "def loss_and_grad(y, c):\n"
     "    y = y.astype(np.float32)\n    p = np.exp(y - y.max())\n    p = p / p.sum()\n"
     "    return -np.log(p[c, 0]), p, p - np.eye(len(y), 1, -c, dtype=np.float32)", "passed", _NOTE_F32),
    (ex.check_bptt_step, "float32", "def bptt_step(d_h, cache):\n"
     "    x, h_prev, h, Whh = (np.asarray(a, np.float32) for a in cache)\n"
     "    d_a = (1 - h ** 2) * d_h.astype(np.float32)\n"
     "    return Whh.T @ d_a, {'Wxh': d_a @ x.T, 'Whh': d_a @ h_prev.T, 'bh': d_a}", "passed", _NOTE_F32),
    (ex.check_softmax_cross_entropy, "p not normalised", "def loss_and_grad(y, c):\n"
     "    e = np.exp(y - y.max())\n    p = e / e.sum()\n    return -np.log(p[c, 0]), e, p - np.eye(len(y), 1, -c)",
     "failed", "❌ loss_and_grad: p sums to 1.183, not 1: divide by the sum"),
    (ex.check_softmax_cross_entropy, "L of shape (1,)", "def loss_and_grad(y, c):\n"
     "    p = softmax(y)\n    return -np.log(p[c]), p, p - np.eye(len(y), 1, -c)",
     "failed", "L is an array of shape (1,): return one number, e.g. -np.log(p[c, 0])"),
    (ex.check_softmax_cross_entropy, "0-d L", "def loss_and_grad(y, c):\n"
     "    p = softmax(y)\n    return -np.log(p[c, 0:1]).sum(keepdims=False), p, p - np.eye(len(y), 1, -c)",
     "passed", "✅ loss_and_grad: all 7 checks passed"),
    (ex.check_softmax_cross_entropy, "a flat p", "def loss_and_grad(y, c):\n"
     "    p = softmax(y)\n    return -np.log(p[c, 0]), p.ravel(), p - np.eye(len(y), 1, -c)",
     "passed", "✅ loss_and_grad: all 7 checks passed"),
    (ex.check_softmax_cross_entropy, "naive softmax", "def loss_and_grad(y, c):\n"
     "    p = np.exp(y) / np.exp(y).sum()\n    return -np.log(p[c, 0]), p, p - np.eye(len(y), 1, -c)",
     "failed", "❌ loss_and_grad: not finite for scores 1000 and 998"),
    # 03: BPTT
    (ex.check_bptt, "d_hs reversed", _BPTT_HEAD + _LOOP + _BPTT_BODY + "    return grads, np.array(d_hs)",
     "failed", "❌ bptt: d_hs is reversed: d_hs[t] = dL/dh_t, so d_hs[0] = dL/dh_0 comes first"),
    (ex.check_bptt, "d_hs without dL/dh_0",
     _BPTT_HEAD + _LOOP + _BPTT_BODY + "    return grads, np.array(d_hs[-2::-1])",
     "failed", "d_hs has shape (1, 4, 1), expected (2, 4, 1): T+1 entries, d_hs[t] = dL/dh_t for t = 0..T, h_0 "
     "first — it lacks dL/dh_0"),
    (ex.check_bptt, "d_hs a list", _BPTT_HEAD + _LOOP + _BPTT_BODY + "    return grads, d_hs[::-1]",
     "passed", "✅ bptt: all 6 checks passed"),
    (ex.check_bptt, "range(T, 1, -1)", _BPTT_HEAD + "    for t in range(len(xs), 1, -1):" + _BPTT_BODY
     + "    return grads, np.array(d_hs[::-1])", "failed", "off by one in the time loop: it must visit every step"),
    (ex.check_bptt, "0-based loop, hs[t] as h_t", _BPTT_HEAD + "    for t in reversed(range(len(xs))):"
     + _BPTT_BODY.replace("xs[t - 1]", "xs[t]") + "    return grads, np.array(d_hs[::-1])", "failed",
     "wrong hs index: hs[0] is h_0, so step t (x_t = xs[t - 1]) uses h_t = hs[t]"),
    (ex.check_bptt, "0-based loop, right", _BPTT_HEAD + "    for t in reversed(range(len(xs))):"
     + _BPTT_BODY.replace("xs[t - 1]", "xs[t]").replace("hs[t - 1]", "hs[t]").replace("hs[t] ** 2", "hs[t + 1] ** 2")
     + "    return grads, np.array(d_hs[::-1])", "passed", "✅ bptt: all 6 checks passed"),
    (ex.check_bptt, "gradients in a global dict", "grads = {}\n\n" + _BPTT_HEAD.replace(
        '    grads = {"Why": d_y @ hs[-1].T, "by": d_y.copy()}\n'
        '    grads.update({n: np.zeros_like(model.params[n]) for n in ("Wxh", "Whh", "bh")})\n',
        '    for n in PARAM_NAMES:\n        grads.setdefault(n, np.zeros_like(model.params[n]))\n'
        '    grads["Why"] += d_y @ hs[-1].T\n    grads["by"] += d_y\n') + _LOOP + _BPTT_BODY
     + "    return grads, np.array(d_hs[::-1])", "failed",
     "gives other gradients when called again with the same arguments — are they kept outside the function"),
    (ex.check_bptt, "float32", "def bptt(model, xs, hs, d_y):\n    " + _F32 +
     "    hs, d_y, xs = hs.astype(f), d_y.astype(f), [x.astype(f) for x in xs]\n"
     "    Whh, Why = model.Whh.astype(f), model.Why.astype(f)\n"
     "    grads = {\"Why\": d_y @ hs[-1].T, \"by\": d_y.copy()}\n"
     "    grads.update({n: np.zeros(model.params[n].shape, f) for n in (\"Wxh\", \"Whh\", \"bh\")})\n"
     "    d_h = Why.T @ d_y\n    d_hs = [d_h]\n" + _LOOP + _BPTT_BODY.replace("model.Whh", "Whh")
     + "    return grads, np.array(d_hs[::-1])", "passed", _NOTE_F32),
    (ex.check_bptt, "float32, no transpose", "def bptt(model, xs, hs, d_y):\n    " + _F32 +
     "    hs, d_y, xs = hs.astype(f), d_y.astype(f), [x.astype(f) for x in xs]\n"
     "    Whh, Why = model.Whh.astype(f), model.Why.astype(f)\n"
     "    grads = {\"Why\": d_y @ hs[-1].T, \"by\": d_y.copy()}\n"
     "    grads.update({n: np.zeros(model.params[n].shape, f) for n in (\"Wxh\", \"Whh\", \"bh\")})\n"
     "    d_h = Why.T @ d_y\n    d_hs = [d_h]\n" + _LOOP + _BPTT_BODY.replace("model.Whh.T", "Whh")
     + "    return grads, np.array(d_hs[::-1])", "failed",
     "❌ bptt: dL/dWhh wrong when Whh is not symmetric — is the hidden gradient passed back through Whh.T?"),
    (ex.check_bptt_many_to_many, "float32", "def bptt_many(model, xs, hs, d_ys):\n    " + _F32 +
     "    hs, xs, d_ys = hs.astype(f), [x.astype(f) for x in xs], [d.astype(f) for d in d_ys]\n"
     "    grads = {n: np.zeros(p.shape, f) for n, p in model.params.items()}\n"
     "    Whh, Why = model.Whh.astype(f), model.Why.astype(f)\n    d_next = np.zeros_like(hs[0])\n"
     + _LOOP + "\n        grads['Why'] += d_ys[t - 1] @ hs[t].T\n        grads['by'] += d_ys[t - 1]\n"
     "        d_a = (1 - hs[t] ** 2) * (Why.T @ d_ys[t - 1] + d_next)\n        grads['Wxh'] += d_a @ xs[t - 1].T\n"
     "        grads['Whh'] += d_a @ hs[t - 1].T\n        grads['bh'] += d_a\n        d_next = Whh.T @ d_a\n"
     "    return grads", "passed", "✅ bptt_many: all 6 checks passed (" + _NOTE_F32),
    (ex.check_bptt_many_to_many, "only the last loss", "def bptt_many(model, xs, hs, d_ys):\n"
     "    return rnn_lib.RNN.backward(model, d_ys[-1])", "failed", "❌ bptt_many: only the last step's loss"),
    # 04
    (ex.check_train_epoch, "float32", _EPOCH.format(loss=_F32_LOSS, step=_F32_STEP), "passed", _NOTE_F32),
    (ex.check_train_epoch, "its own -log p[c]", _EPOCH.format(
        loss="_, p, d_y = softmax_cross_entropy(y, targets[i]); l = -np.log(p[targets[i], 0])",
        step="LEARN_RATE * np.clip(grads[name], -CLIP, CLIP)"), "passed", "✅ train_epoch: all 5 checks passed"),
    (ex.check_train_epoch, "its own softmax", _EPOCH.format(
        loss="p = np.exp(y - y.max()); p = p / p.sum(); l = -np.log(p[targets[i], 0]); "
             "d_y = p.copy(); d_y[targets[i]] -= 1",
        step="LEARN_RATE * np.clip(grads[name], -CLIP, CLIP)"), "passed", "✅ train_epoch: all 5 checks passed"),
    (ex.check_train_epoch, "an array for the accuracy", "def train_epoch(model, inputs, targets, rng):\n"
     "    return 0.5, np.zeros((3, 2))", "failed",
     "should return two numbers (mean loss, accuracy), got (0.5, array([[0., 0.], [0., 0.], [0., 0.]]))"),
    (ex.check_train_epoch, "endless loop", "def train_epoch(model, inputs, targets, rng):\n"
     "    i = 0\n    while i < len(inputs):\n        model.forward(inputs[i])\n    return 0.0, 0.0", "timeout",
     "took longer than 0.5 s — is there a loop that never ends?"),
]


def _learners(source):
    """The function the learner's ``source`` defines, run in a fresh namespace like a notebook's."""
    namespace = {"np": np, "rnn_lib": rnn_lib, "softmax": softmax, "softmax_cross_entropy": softmax_cross_entropy,
                 "PARAM_NAMES": PARAM_NAMES, "LEARN_RATE": LEARN_RATE, "CLIP": CLIP}
    exec(compile(source, "<learner's cell>", "exec"), namespace)  # noqa: S102 - the test's own sources
    return [v for k, v in namespace.items() if callable(v) and getattr(v, "__module__", None) is None
            and k not in ("np",)][-1]


@pytest.mark.parametrize("checker, variant, source, status, hint", VARIANTS,
                         ids=[f"{row[0].__name__}-{row[1]}" for row in VARIANTS])
def test_a_variant_gets_its_verdict(checker, variant, source, status, hint, monkeypatch):
    monkeypatch.setattr(ex._core, "TIME_LIMIT", 0.5)
    fn = _learners(source)
    result = checker(fn, strict=False)
    assert result.status == status, result.line
    assert hint in result.line, result.line
    assert "\n" not in result.line and result.line.startswith(f"{result.ICONS[status]} {fn.__name__}: ")
    assert (ex.use(fn) is fn) == (status == "passed" and result.line.endswith("checks passed"))


def test_the_many_to_one_reference_d_hs_matches_finite_differences():
    """d_hs[t] = dL/dh_t: the loss of the rest of the phrase run from h_t, nudged, for every t = 0..T."""
    model, xs, targets = _many_to_many_case(seed=10)
    start = np.tanh(np.random.default_rng(10).standard_normal((4, 1)))
    y, _ = model.forward(xs, start)
    hs = model.last_hs.copy()
    _, d_hs = ex.reference_bptt(model, xs, hs, softmax_cross_entropy(y, targets[-1])[2])
    assert d_hs.shape == (len(xs) + 1, 4, 1)
    for t in range(len(xs) + 1):
        h_t = hs[t].copy()
        rest = xs[t:]
        loss = (lambda: softmax_cross_entropy(model.forward(rest, h_t)[0], targets[-1])[0]) if rest else \
            (lambda: softmax_cross_entropy(model.Why @ h_t + model.by, targets[-1])[0])
        assert rnn_lib.rel_error(d_hs[t], numerical_gradient(loss, h_t)) < 1e-7, t


def test_a_set_gets_the_same_hint_whatever_its_order():
    """A set's order depends on the run (string hashes are salted): the hint must not."""
    lines = set()
    for seed in range(8):
        def encode(text, word_to_idx, seed=seed):
            words = list(dict.fromkeys(text.split()))
            np.random.default_rng(seed).shuffle(words)  # some order a set may give
            return [word_to_idx[w] for w in words]
        lines.add(ex.check_encode(encode).line)
    assert len(lines) == 1 and "no set" in lines.pop()


def test_an_endless_loop_is_stopped_within_the_limit_and_the_alarm_restored(monkeypatch):
    monkeypatch.setattr(ex._core, "TIME_LIMIT", 0.2)

    def encode(text, word_to_idx):
        while True:
            try:
                pass
            except Exception:  # a learner's catch-all does not swallow the time limit
                pass

    def outer(signum, frame):
        raise AssertionError("the outer alarm fired during the check")

    previous = signal.signal(signal.SIGALRM, outer)
    try:
        signal.setitimer(signal.ITIMER_REAL, 30)  # someone else's timer, running
        start = time.monotonic()
        result = ex.check_encode(encode, strict=False)
        took = time.monotonic() - start
        left, _ = signal.setitimer(signal.ITIMER_REAL, 0)
        assert signal.getsignal(signal.SIGALRM) is outer
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert result.status == "timeout" and not result
    assert result.line == f"⏱\ufe0f encode: took longer than 0.2 s — is there a loop that never ends? {_BELOW}"
    assert took < 2 and 25 < left <= 30
    assert ex.use(encode) is ex.reference_encode


def test_no_time_limit_outside_the_main_thread(monkeypatch):
    monkeypatch.setattr(ex._core, "TIME_LIMIT", 0.01)

    def slow_one_hot(index, V):
        time.sleep(0.02)
        return one_hot(index, V)

    results = []
    thread = threading.Thread(target=lambda: results.append(ex.check_one_hot(slow_one_hot)))
    thread.start()
    thread.join()
    assert results[0].status == "passed"
    assert ex.check_one_hot(slow_one_hot).status == "timeout"  # the main thread has one


def test_ctrl_c_in_the_learners_code_is_a_one_line_verdict():
    def bptt(model, xs, hs, d_y):
        raise KeyboardInterrupt

    result = ex.check_bptt(bptt, strict=False)
    assert result.status == "interrupted" and not result
    assert result.line == ("⏹\ufe0f bptt: interrupted while your code ran (the cells below use rnn_lib's version until "
                           "this passes)")


@pytest.mark.parametrize("variant", ["its own -log p[c]", "its own softmax"])
def test_a_right_epoch_runs_through_notebook_4s_comparison_with_the_library(variant):
    """Notebook 4 compares ten epochs of the learner's loop with rnn_lib.fit, to rounding (rtol 1e-12)."""
    (source,) = [row[2] for row in VARIANTS if row[0] is ex.check_train_epoch and row[1] == variant]
    train_epoch = _learners(source)
    assert ex.use(train_epoch) is train_epoch
    vocab = rnn_lib.Vocabulary.from_texts(rnn_lib.train_data)
    inputs = [vocab.text_to_inputs(text) for text in rnn_lib.train_data]
    targets = [int(label) for label in rnn_lib.train_data.values()]
    rng = np.random.default_rng(rnn_lib.SEED)
    ours = rnn_lib.RNN(len(vocab), 2, rnn_lib.HIDDEN_SIZE, rng=rng)
    losses = [train_epoch(ours, inputs, targets, rng)[0] for _ in range(3)]
    lib_model, _, history = rnn_lib.fit(seed=rnn_lib.SEED, epochs=3)
    np.testing.assert_allclose(ours.flat, lib_model.flat, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(losses, history.train_loss, rtol=1e-12)


def test_a_compiled_modules_relative_file_is_not_the_learners():
    """numpy's rng.choice raises in "numpy/random/_generator.pyx", a relative name: the line named is the learner's."""
    from rnn_lib.exercises import _core

    assert _core._is_library_file("numpy/random/_generator.pyx")
    assert _core._is_library_file("numpy/random/mtrand.pyx") and _core._is_library_file("some/module.pxd")
    assert _core._is_library_file(np.__file__) and _core._is_library_file(_core.__file__)
    assert not _core._is_library_file(__file__) and not _core._is_library_file("<ipython-input-3-x>")

    def sample_next_one_too_few(y, temperature, rng):
        return rng.choice(len(y) - 1, p=np.exp(y) / np.exp(y).sum())

    result = ex.check_sample_next(sample_next_one_too_few, strict=False)
    line = sample_next_one_too_few.__code__.co_firstlineno + 1
    assert result.status == "error" and "at line 884" not in result.line
    assert f"at line {line} of sample_next_one_too_few(): return rng.choice(len(y) - 1," in result.line

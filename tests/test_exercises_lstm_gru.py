"""Notebook 07's checkers: one LSTM step back, one GRU step back.

A table of learners' answers per exercise, written as learners write them: right ones in several
forms (the notebook's, the cell's return form, float32, gate by gate, with in-place updates of new
arrays) pass; each classic slip fails with the hint naming it. The references are checked against
centred differences (and, where PyTorch is installed, against its autograd), and every slip the
checkers model really is wrong.
"""

import numpy as np
import pytest

from rnn_lib import exercises as ex, numerical_gradient
from rnn_lib.cells import GRUCell, LSTMCell
from rnn_lib.exercises import lstm_gru
from helpers import TORCH_REASON

#: What a line adds until the learner's function passes: the cells below use the library's version.
BELOW = "(the cells below use rnn_lib's version until this passes)"
#: The note of a right answer in float32: the cells below compare with the library to float64 precision.
NOTE_F32 = "(it computes in float32: the cells below use rnn_lib's float64 version)"

# --------------------------------------------------------------------------------------------------
# Learners' LSTM steps: (d_h, d_c, cache, P) -> (d_h_prev, d_c_prev, grads)


def lstm_step_backward(d_h, d_c, cache, P):  # notebook 7's solution
    x, h_prev, c_prev, i, f, g, o, tanh_c = cache
    d_o = d_h * tanh_c
    d_c = d_c + d_h * o * (1 - tanh_c**2)
    d_i, d_g, d_f = d_c * g, d_c * i, d_c * c_prev
    da = np.concatenate([d_i * i * (1 - i), d_f * f * (1 - f), d_g * (1 - g**2), d_o * o * (1 - o)])
    grads = {"Wx": da @ x.T, "Wh": da @ h_prev.T, "bx": da, "bh": da}
    return P["Wh"].T @ da, d_c * f, grads


def _lstm(d_h, d_c, cache, P, keep_dc=True, tanh_prime=True, o_factor="tanh_c", s_prime=("i", "f", "o"),
          f_c_prev=True, order="ifgo", dc_prev_total=True, bh=True):
    """The notebook's solution with one slip switched on (each flag off is a learner's mistake)."""
    x, h_prev, c_prev, i, f, g, o, tanh_c = cache
    c = f * c_prev + i * g
    d_o = d_h * {"tanh_c": tanh_c, "tanh_twice": np.tanh(tanh_c), "c": c, "tanh_prime": 1 - tanh_c**2}[o_factor]
    from_h = d_h * o * ((1 - tanh_c**2) if tanh_prime else 1.0)
    d_c_all = d_c + from_h if keep_dc else from_h
    d_i, d_g, d_f = d_c_all * g, d_c_all * i, d_c_all * (c_prev if f_c_prev else 1.0)
    sp = {gate: (s * (1 - s) if gate in s_prime else s) for gate, s in (("i", i), ("f", f), ("o", o))}
    blocks = {"i": d_i * sp["i"], "f": d_f * sp["f"], "g": d_g * (1 - g**2), "o": d_o * sp["o"]}
    da = np.concatenate([blocks[k] for k in order])
    grads = {"Wx": da @ x.T, "Wh": da @ h_prev.T, "bx": da, "bh": da if bh else np.zeros_like(da)}
    return P["Wh"].T @ da, (d_c_all if dc_prev_total else d_c) * f, grads


def lstm_float32(d_h, d_c, cache, P):
    cache = tuple(np.asarray(c, dtype=np.float32) for c in cache)
    P = {k: v.astype(np.float32) for k, v in P.items()}
    return lstm_step_backward(d_h.astype(np.float32), d_c.astype(np.float32), cache, P)


def lstm_cell_form(d_h, d_c, cache, P):  # the cell's ((d_h_prev, d_c_prev), grads)
    d_h_prev, d_c_prev, grads = lstm_step_backward(d_h, d_c, cache, P)
    return (d_h_prev, d_c_prev), grads


def lstm_gate_by_gate(d_h, d_c, cache, P):  # c recomputed, each gate's rows and products written out
    x, h_prev, c_prev, i, f, g, o, tanh_c = cache
    H = h_prev.shape[0]
    c = f * c_prev + i * g
    d_c_all = d_c.copy()
    d_c_all += d_h * o * (1 - np.tanh(c) ** 2)  # in place, on a new array
    da = np.empty((4 * H, 1))
    for k, (d_gate, local) in enumerate([(d_c_all * g, i * (1 - i)), (d_c_all * c_prev, f * (1 - f)),
                                         (d_c_all * i, 1 - g * g), (d_h * np.tanh(c), o * (1 - o))]):
        da[k * H:(k + 1) * H] = d_gate * local
    Wh = P["Wh"]
    d_h_prev = sum(Wh[k * H:(k + 1) * H].T @ da[k * H:(k + 1) * H] for k in range(4))
    grads = {"Wx": np.outer(da, x), "Wh": np.outer(da, h_prev), "bx": da.copy(), "bh": da.copy()}
    return d_h_prev, f * d_c_all, grads


def lstm_changes_d_c(d_h, d_c, cache, P):
    x, h_prev, c_prev, i, f, g, o, tanh_c = cache
    d_c += d_h * o * (1 - tanh_c**2)  # the learner's d_c argument, changed
    return lstm_step_backward(d_h, d_c - d_h * o * (1 - tanh_c**2), cache, P)


def lstm_no_dc(*a):
    return _lstm(*a, keep_dc=False)


def lstm_no_tanh_prime_c(*a):
    return _lstm(*a, tanh_prime=False)


def lstm_o_tanh_twice(*a):
    return _lstm(*a, o_factor="tanh_twice")


def lstm_o_with_c(*a):
    return _lstm(*a, o_factor="c")


def lstm_o_tanh_prime(*a):
    return _lstm(*a, o_factor="tanh_prime")


def lstm_sigmoid_s(*a):
    return _lstm(*a, s_prime=())


def lstm_forget_sigmoid_s(*a):
    return _lstm(*a, s_prime=("i", "o"))


def lstm_f_no_c_prev(*a):
    return _lstm(*a, f_c_prev=False)


def lstm_ifog(*a):  # CS231n's order
    return _lstm(*a, order="ifog")


def lstm_ifog_float32(d_h, d_c, cache, P):  # a wrong answer in float32 gets its hint too
    cache = tuple(np.asarray(c, dtype=np.float32) for c in cache)
    return _lstm(d_h.astype(np.float32), d_c.astype(np.float32), cache, {k: v.astype(np.float32) for k, v in P.items()},
                 order="ifog")


def lstm_dc_prev_incoming(*a):
    return _lstm(*a, dc_prev_total=False)


def lstm_bh_zero(*a):
    return _lstm(*a, bh=False)


def lstm_bx_zero(d_h, d_c, cache, P):  # dL/dbh right, dL/dbx zeros: not a gate's mistake
    d_h_prev, d_c_prev, grads = lstm_step_backward(d_h, d_c, cache, P)
    grads["bx"] = np.zeros_like(grads["bh"])
    return d_h_prev, d_c_prev, grads


def lstm_bias_halves(d_h, d_c, cache, P):  # "one bias would do": da shared between the two
    d_h_prev, d_c_prev, grads = lstm_step_backward(d_h, d_c, cache, P)
    grads["bx"] = grads["bh"] = grads["bx"] / 2
    return d_h_prev, d_c_prev, grads


def lstm_bx_doubled(d_h, d_c, cache, P):  # dL/dbx alone wrong, in no modelled way
    d_h_prev, d_c_prev, grads = lstm_step_backward(d_h, d_c, cache, P)
    grads["bx"] = 2 * grads["bx"]
    return d_h_prev, d_c_prev, grads


def lstm_flat_grads(d_h, d_c, cache, P):
    d_h_prev, d_c_prev, grads = lstm_step_backward(d_h, d_c, cache, P)
    return d_h_prev, d_c_prev, {**grads, "bx": grads["bx"].ravel()}


def lstm_raises(d_h, d_c, cache, P):
    x, h_prev, c_prev, i, f, g, o, tanh_c = cache
    return d_h @ tanh_c  # (H, 1) @ (H, 1)


# --------------------------------------------------------------------------------------------------
# Learners' GRU steps: (d_h, cache, P) -> (d_h_prev, grads)


def gru_step_backward(d_h, cache, P):  # notebook 7's solution
    x, h_prev, r, z, n, hn = cache
    d_n, d_z = d_h * (1 - z), d_h * (h_prev - n)
    d_an = d_n * (1 - n**2)
    d_ar = d_an * hn * r * (1 - r)
    d_az = d_z * z * (1 - z)
    d_ax = np.concatenate([d_ar, d_az, d_an])
    d_ah = np.concatenate([d_ar, d_az, r * d_an])
    grads = {"Wx": d_ax @ x.T, "bx": d_ax, "Wh": d_ah @ h_prev.T, "bh": d_ah}
    return d_h * z + P["Wh"].T @ d_ah, grads


def _gru(d_h, cache, P, reset_side="hidden", z_swapped=False, reset_grad="hn", direct=True, order="rzn",
         n_prime=True, bh="d_ah"):
    """The notebook's solution with one slip switched on."""
    x, h_prev, r, z, n, hn = cache
    H = h_prev.shape[0]
    if z_swapped:  # h_t = z * n + (1 - z) * h_prev
        d_n, d_z, d_direct = d_h * z, d_h * (n - h_prev), d_h * (1 - z)
    else:
        d_n, d_z, d_direct = d_h * (1 - z), d_h * (h_prev - n), d_h * z
    d_an = d_n * (1 - n**2) if n_prime else d_n
    xn = P["Wx"][2 * H:] @ x + P["bx"][2 * H:]
    scaled = {"hn": hn, "none": 0.0, "1": 1.0, "no_bias": P["Wh"][2 * H:] @ h_prev, "xn": xn}[reset_grad]
    d_ar = d_an * scaled * r * (1 - r)
    d_az = d_z * z * (1 - z)
    x_n, h_n = (r * d_an, d_an) if reset_side == "input" else (d_an, r * d_an)
    blocks_x, blocks_h = {"r": d_ar, "z": d_az, "n": x_n}, {"r": d_ar, "z": d_az, "n": h_n}
    d_ax = np.concatenate([blocks_x[k] for k in order])
    d_ah = np.concatenate([blocks_h[k] for k in order])
    grads = {"Wx": d_ax @ x.T, "bx": d_ax, "Wh": d_ah @ h_prev.T, "bh": d_ah if bh == "d_ah" else d_ax.copy()}
    return (d_direct if direct else 0.0) + P["Wh"].T @ d_ah, grads


def gru_float32(d_h, cache, P):
    cache = tuple(np.asarray(c, dtype=np.float32) for c in cache)
    return gru_step_backward(d_h.astype(np.float32), cache, {k: v.astype(np.float32) for k, v in P.items()})


def gru_cell_form(d_h, cache, P):
    d_h_prev, grads = gru_step_backward(d_h, cache, P)
    return (d_h_prev,), grads


def gru_gate_by_gate(d_h, cache, P):  # each gate's weights apart, d_h_prev summed over the gates
    x, h_prev, r, z, n, hn = cache
    H = h_prev.shape[0]
    W_hr, W_hz, W_hn = P["Wh"][:H], P["Wh"][H:2 * H], P["Wh"][2 * H:]
    d_an = d_h * (1 - z) * (1 - n * n)
    d_ar = d_an * hn * r * (1 - r)
    d_az = d_h * (h_prev - n) * z * (1 - z)
    d_h_prev = d_h * z
    d_h_prev = d_h_prev + W_hr.T @ d_ar + W_hz.T @ d_az + W_hn.T @ (r * d_an)
    grads = {"Wx": np.vstack([np.outer(d, x) for d in (d_ar, d_az, d_an)]),
             "Wh": np.vstack([np.outer(d, h_prev) for d in (d_ar, d_az, r * d_an)]),
             "bx": np.vstack([d_ar, d_az, d_an]), "bh": np.vstack([d_ar, d_az, r * d_an])}
    return d_h_prev, grads


def gru_changes_cache(d_h, cache, P):
    result = gru_step_backward(d_h, cache, P)
    cache[3][...] = 0.0  # the learner's scratch work in z
    return result


def gru_reset_on_input(*a):  # the reset gate applied to x's term
    return _gru(*a, reset_side="input")


def gru_reset_on_input_xn(*a):  # ... and its gradient from x's term as well
    return _gru(*a, reset_side="input", reset_grad="xn")


def gru_bx_like_bh(d_h, cache, P):
    d_h_prev, grads = gru_step_backward(d_h, cache, P)
    grads["bx"] = grads["bh"].copy()
    return d_h_prev, grads


def gru_bx_zero(d_h, cache, P):
    d_h_prev, grads = gru_step_backward(d_h, cache, P)
    grads["bx"] = np.zeros_like(grads["bh"])
    return d_h_prev, grads


def gru_d_z_sign(d_h, cache, P):  # d_z = d_h * (n - h_prev), the rest right
    x, h_prev, r, z, n, hn = cache
    d_h_prev, grads = gru_step_backward(d_h, cache, P)
    H = h_prev.shape[0]
    d_az = d_h * (n - h_prev) * z * (1 - z)
    old = grads["bx"][H:2 * H].copy()
    for name in ("bx", "bh"):
        grads[name] = grads[name].copy()
        grads[name][H:2 * H] = d_az
    grads["Wx"] = grads["bx"] @ x.T
    grads["Wh"] = grads["bh"] @ h_prev.T
    return d_h_prev + P["Wh"][H:2 * H].T @ (d_az - old), grads


def gru_z_swapped(*a):
    return _gru(*a, z_swapped=True)


def gru_no_reset_grad(*a):
    return _gru(*a, reset_grad="none")


def gru_reset_no_hn(*a):
    return _gru(*a, reset_grad="1")


def gru_reset_no_bias(*a):
    return _gru(*a, reset_grad="no_bias")


def gru_no_direct(*a):
    return _gru(*a, direct=False)


def gru_zrn(*a):  # Keras's order
    return _gru(*a, order="zrn")


def gru_zrn_float32(d_h, cache, P):
    cache = tuple(np.asarray(c, dtype=np.float32) for c in cache)
    return _gru(d_h.astype(np.float32), cache, {k: v.astype(np.float32) for k, v in P.items()}, order="zrn")


def gru_no_tanh_prime(*a):
    return _gru(*a, n_prime=False)


def gru_bh_like_bx(*a):
    return _gru(*a, bh="d_ax")


def gru_raises(d_h, cache, P):
    x, h_prev, r, z, n, hn = cache
    return P["Wh"].T @ d_h, {}


# --------------------------------------------------------------------------------------------------
# The tables

LSTM, GRU = ex.check_lstm_step_backward, ex.check_gru_step_backward

RIGHT = [
    (LSTM, lstm_step_backward),
    (LSTM, lstm_float32),
    (LSTM, lstm_gate_by_gate),
    (LSTM, ex.reference_lstm_step_backward),
    (LSTM, lstm_cell_form),
    (GRU, gru_step_backward),
    (GRU, gru_float32),
    (GRU, gru_gate_by_gate),
    (GRU, ex.reference_gru_step_backward),
    (GRU, gru_cell_form),
]

WRONG = [
    (LSTM, lstm_no_dc, "the d_c coming from later steps is not added"),
    (LSTM, lstm_dc_prev_incoming, "d_c_prev uses the incoming d_c alone"),
    (LSTM, lstm_no_tanh_prime_c, "the path from h_t to c_t lacks tanh'(c_t)"),
    (LSTM, lstm_o_tanh_twice, "the output gate's gradient takes tanh twice"),
    (LSTM, lstm_o_with_c, "the output gate's gradient uses c_t"),
    (LSTM, lstm_o_tanh_prime, "the output gate's gradient uses tanh'(c_t)"),
    (LSTM, lstm_sigmoid_s, "the o gate's σ' is written as o: the derivative of a sigmoid is o * (1 - o)"),
    (LSTM, lstm_forget_sigmoid_s, "the f gate's σ' is written as f: the derivative of a sigmoid is f * (1 - f)"),
    (LSTM, lstm_f_no_c_prev, "the forget gate's gradient lacks c_prev"),
    (LSTM, lstm_ifog, "da's gate blocks are in the wrong order, g's rows (2H:3H) hold o's, o's rows (3H:4H) hold "
                      "g's: stack them i, f, g, o"),
    (LSTM, lstm_ifog_float32, "da's gate blocks are in the wrong order, g's rows (2H:3H) hold o's"),
    (LSTM, lstm_bh_zero, "dL/dbh is zeros: bx and bh are added in the same sum"),
    (LSTM, lstm_changes_d_c, "lstm_changes_d_c changed d_h, d_c, the cache or P in place"),
    (LSTM, lstm_flat_grads, "grads['bx'] has shape (12,), expected (12, 1)"),
    (LSTM, lstm_bx_zero, "dL/dbx is zeros: bx and bh are added in the same sum, so each gets the gradient da"),
    (LSTM, lstm_bias_halves, "dL/dbx and dL/dbh are each half of da"),
    (LSTM, lstm_bx_doubled, "dL/dbx is wrong while dL/dbh is right"),
    (GRU, gru_bx_like_bh, "dL/dbx's candidate rows are r * d_an, as dL/dbh's: b_in sits outside the reset gate"),
    (GRU, gru_bx_zero, "dL/dbx is zeros: bx is added to Wx @ x"),
    (GRU, gru_d_z_sign, "d_z has the wrong sign: h_t = (1 - z) * n + z * h_prev, so d_z = d_h * (h_prev - n)"),
    (GRU, gru_reset_on_input, "the reset gate is applied on the input side"),
    (GRU, gru_reset_on_input_xn, "the reset gate is applied on the input side"),
    (GRU, gru_z_swapped, "z and 1 - z are swapped"),
    (GRU, gru_no_reset_grad, "the reset gate gets no gradient"),
    (GRU, gru_reset_no_hn, "the reset gate's gradient lacks hn"),
    (GRU, gru_reset_no_bias, "the reset gate's gradient lacks b_hn"),
    (GRU, gru_no_direct, "d_h_prev lacks the direct path: h_t = (1 - z) * n + z * h_prev, so add d_h * z"),
    (GRU, gru_zrn, "d_ax's gate blocks are in the wrong order, r's rows (0:H) hold z's, z's rows (H:2H) hold r's"),
    (GRU, gru_zrn_float32, "d_ax's gate blocks are in the wrong order, r's rows (0:H) hold z's"),
    (GRU, gru_no_tanh_prime, "the candidate's rows lack tanh'"),
    (GRU, gru_bh_like_bx, "dL/dbh's candidate rows are d_an, as dL/dbx's: b_hn sits inside the reset gate"),
    (GRU, gru_changes_cache, "gru_changes_cache changed d_h, the cache or P in place"),
]


def _id(case):
    return f"{case[0].__name__}-{case[1].__name__}"


@pytest.mark.parametrize("case", RIGHT, ids=[_id(c) for c in RIGHT])
def test_a_right_answer_passes(case):
    checker, fn = case
    result = checker(fn, strict=False)
    assert result, result.line
    assert result.status == "passed" and result.n_passed == result.n_checks == 8
    assert result.exercise == checker.__name__.removeprefix("check_")
    assert result.line.startswith(f"✅ {fn.__name__}: all 8 checks passed")
    if fn in (lstm_cell_form, gru_cell_form):  # the cell's form: right, but the cells below unpack the other
        assert result.line.endswith("the cell's form: the cells below use rnn_lib's (d_h_prev, d_c_prev, grads))"
                                    if fn is lstm_cell_form else
                                    "the cell's form: the cells below use rnn_lib's (d_h_prev, grads))")
        assert ex.use(fn) is ex.REFERENCES[result.exercise]
    elif fn in (lstm_float32, gru_float32):  # right to float32's rounding: the cells below compare to float64's
        assert result.line == f"✅ {fn.__name__}: all 8 checks passed {NOTE_F32}"
        assert ex.use(fn) is ex.REFERENCES[result.exercise]
    else:
        assert result.line == f"✅ {fn.__name__}: all 8 checks passed"
        assert result.function is fn and ex.use(fn) is fn


@pytest.mark.parametrize("checker, name", [(LSTM, "lstm_step_backward"), (GRU, "gru_step_backward")])
def test_the_line_names_the_function_as_the_learner_named_it(checker, name):
    right = next(fn for c, fn in RIGHT if c is checker)  # the notebook's solution
    mine = lambda *args: right(*args)  # noqa: E731 - no name of its own: the line uses the notebook's
    assert checker(mine).line == f"✅ {name}: all 8 checks passed"
    assert checker(mine).name == name == checker(right).name == checker(right).exercise


@pytest.mark.parametrize("case", WRONG, ids=[_id(c) for c in WRONG])
def test_a_wrong_answer_fails_with_its_hint(case):
    checker, fn, hint = case
    result = checker(fn, strict=False)
    assert result.status == "failed", result.line
    assert hint in result.line, result.line
    assert result.line.startswith(f"❌ {fn.__name__}: ") and result.line.endswith(BELOW), result.line
    assert "\n" not in result.line
    assert ex.use(fn) is ex.REFERENCES[result.exercise]


def test_every_checker_here_has_right_and_wrong_answers_and_is_registered():
    for checker, name, fn_name in ((LSTM, "lstm_step_backward", "lstm_step_backward"),
                                   (GRU, "gru_step_backward", "gru_step_backward")):
        assert sum(1 for c, _ in RIGHT if c is checker) >= 3
        assert sum(1 for c, *_ in WRONG if c is checker) >= 8
        assert ex.CHECKER_OF[fn_name] is checker and name in ex.REFERENCES
        assert checker.__doc__.startswith("Check") and checker.__name__ in ex.__all__


@pytest.mark.parametrize("checker, slips, make", [
    (LSTM, lstm_gru.LSTM_SLIPS, lambda s: lambda d_h, d_c, cache, P: lstm_gru._lstm_backward(d_h, d_c, cache, P, s)),
    (GRU, lstm_gru.GRU_SLIPS, lambda s: lambda d_h, cache, P: lstm_gru._gru_backward(d_h, cache, P, s)),
], ids=["lstm", "gru"])
def test_every_modelled_slip_gets_its_own_hint(checker, slips, make):
    for slip, hint in slips.items():
        result = checker(make(slip), strict=False)
        assert result.status == "failed" and result.message == f"{hint} {BELOW}", (slip, result.line)


@pytest.mark.parametrize("checker", [LSTM, GRU])
@pytest.mark.parametrize("error", [ex.NotWritten, NotImplementedError])
def test_an_unwritten_step_is_not_written_yet(checker, error):
    def fn(*args):
        raise error()

    result = checker(fn, strict=False)
    assert result.status == "not written" and result.line == f"⏳ fn: not written yet {BELOW}"
    assert ex.use(fn) is ex.REFERENCES[result.exercise]


@pytest.mark.parametrize("checker, fn, code", [
    (LSTM, lstm_raises, "return d_h @ tanh_c  # (H, 1) @ (H, 1)"),
    (GRU, gru_raises, 'return P["Wh"].T @ d_h, {}'),
])
def test_an_exception_is_one_line_naming_the_learners_line(checker, fn, code):
    result = checker(fn, strict=False)
    assert result.status == "error" and "\n" not in result.line and "Traceback" not in result.line
    assert "your code raised ValueError: matmul" in result.line
    assert result.line.startswith(f"❌ {fn.__name__}: your code raised ValueError: matmul")
    assert result.line.endswith(f"at line {fn.__code__.co_firstlineno + 2} of {fn.__name__}(): {code} {BELOW}")
    assert ex.use(fn) is ex.REFERENCES[result.exercise]


def test_strict_raises_the_line():
    with pytest.raises(AssertionError, match="the reset gate gets no gradient"):
        GRU(gru_no_reset_grad, strict=True)


# --------------------------------------------------------------------------------------------------
# The references: centred differences (and PyTorch), and the slips really are wrong


def _rel(a, b):
    return np.abs(a - b).max() / max(np.abs(a).max(), np.abs(b).max(), 1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_lstm_reference_is_the_derivative_of_the_step(seed):
    d_h, d_c, cache, P = lstm_gru._lstm_case(seed)
    x, h_prev, c_prev = cache[0], np.array(cache[1]), np.array(cache[2])

    def loss():  # L = d_h . h_t + d_c . c_t: its gradients at h_t and c_t are d_h and d_c
        h, c = LSTMCell().step_forward(P, x, (h_prev, c_prev))[0]
        return float(np.sum(d_h * h) + np.sum(d_c * c))

    d_h_prev, d_c_prev, grads = ex.reference_lstm_step_backward(d_h, d_c, cache, P)
    for name in ("Wx", "Wh", "bx", "bh"):
        assert _rel(grads[name], numerical_gradient(loss, P[name])) < 1e-7, name
    assert _rel(d_h_prev, numerical_gradient(loss, h_prev)) < 1e-7
    assert _rel(d_c_prev, numerical_gradient(loss, c_prev)) < 1e-7


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_gru_reference_is_the_derivative_of_the_step(seed):
    d_h, cache, P = lstm_gru._gru_case(seed)
    x, h_prev = cache[0], np.array(cache[1])

    def loss():
        (h,), _ = GRUCell().step_forward(P, x, (h_prev,))
        return float(np.sum(d_h * h))

    d_h_prev, grads = ex.reference_gru_step_backward(d_h, cache, P)
    for name in ("Wx", "Wh", "bx", "bh"):
        assert _rel(grads[name], numerical_gradient(loss, P[name])) < 1e-7, name
    assert _rel(d_h_prev, numerical_gradient(loss, h_prev)) < 1e-7


def test_the_slip_free_answers_are_the_references_and_every_slip_differs():
    for seed in (70, 71, 72, 73, 74, 75, 76):
        d_h, d_c, cache, P = lstm_gru._lstm_case(seed)
        ref = lstm_gru._lstm_views(d_h, d_c, cache, P)
        lib = ex.reference_lstm_step_backward(d_h, d_c, cache, P)
        np.testing.assert_allclose(ref["d_h_prev"], lib[0], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(ref["d_c_prev"], lib[1], rtol=1e-12, atol=1e-15)
        for name in lib[2]:
            np.testing.assert_allclose(ref[name], lib[2][name], rtol=1e-12, atol=1e-15)
        for slip in [*lstm_gru.LSTM_SLIPS, "sigmoid_s"]:
            wrong = lstm_gru._lstm_views(d_h, d_c, cache, P, slip)
            assert any(not np.allclose(wrong[k], ref[k], rtol=1e-3) for k in ref), slip
    for seed in (80, 81, 82, 83, 84, 85, 86):
        d_h, cache, P = lstm_gru._gru_case(seed)
        ref = lstm_gru._gru_views(d_h, cache, P)
        lib = ex.reference_gru_step_backward(d_h, cache, P)
        np.testing.assert_allclose(ref["d_h_prev"], lib[0], rtol=1e-12, atol=1e-15)
        for name in lib[1]:
            np.testing.assert_allclose(ref[name], lib[1][name], rtol=1e-12, atol=1e-15)
        for slip in [*lstm_gru.GRU_SLIPS, "sigmoid_s"]:
            wrong = lstm_gru._gru_views(d_h, cache, P, slip)
            assert any(not np.allclose(wrong[k], ref[k], rtol=1e-3) for k in ref), slip


def test_the_tolerance_fits_the_dtype():
    assert lstm_gru._tolerance(np.zeros(2)) == 1e-7
    assert 1e-4 < lstm_gru._tolerance(np.zeros(2), np.zeros(2, dtype=np.float32)) < 2e-4
    assert lstm_gru._near(np.float32(1 + 5e-6), 1.0, lstm_gru._tolerance(np.float32(1)))
    assert not lstm_gru._near(1 + 5e-6, 1.0, lstm_gru._tolerance(np.float64(1)))


@pytest.mark.torch
@pytest.mark.parametrize("kind", ["lstm", "gru"])
def test_the_references_agree_with_pytorchs_autograd(kind):
    torch = pytest.importorskip("torch", reason=TORCH_REASON)
    if kind == "lstm":
        d_h, d_c, cache, P = lstm_gru._lstm_case(5)
        module = torch.nn.LSTMCell(lstm_gru.V_CASE, lstm_gru.H_CASE, dtype=torch.float64)
    else:
        d_h, cache, P = lstm_gru._gru_case(5)
        module = torch.nn.GRUCell(lstm_gru.V_CASE, lstm_gru.H_CASE, dtype=torch.float64)
    with torch.no_grad():  # our cells use PyTorch's layout: the weights are copies
        for param, name in ((module.weight_ih, "Wx"), (module.weight_hh, "Wh"), (module.bias_ih, "bx"),
                            (module.bias_hh, "bh")):
            param.copy_(torch.from_numpy(P[name].reshape(param.shape)))
    x = torch.from_numpy(cache[0].T.copy())
    h_prev = torch.from_numpy(cache[1].T.copy()).requires_grad_(True)
    if kind == "lstm":
        c_prev = torch.from_numpy(cache[2].T.copy()).requires_grad_(True)
        h, c = module(x, (h_prev, c_prev))
        (h * torch.from_numpy(d_h.T.copy())).sum().add((c * torch.from_numpy(d_c.T.copy())).sum()).backward()
        d_h_prev, d_c_prev, grads = ex.reference_lstm_step_backward(d_h, d_c, cache, P)
        np.testing.assert_allclose(d_c_prev.T, c_prev.grad.numpy(), rtol=1e-10, atol=1e-12)
    else:
        h = module(x, h_prev)
        (h * torch.from_numpy(d_h.T.copy())).sum().backward()
        d_h_prev, grads = ex.reference_gru_step_backward(d_h, cache, P)
    np.testing.assert_allclose(d_h_prev.T, h_prev.grad.numpy(), rtol=1e-10, atol=1e-12)
    for param, name in ((module.weight_ih, "Wx"), (module.weight_hh, "Wh"), (module.bias_ih, "bx"),
                        (module.bias_hh, "bh")):
        np.testing.assert_allclose(grads[name], param.grad.numpy().reshape(grads[name].shape), rtol=1e-10,
                                   atol=1e-12)

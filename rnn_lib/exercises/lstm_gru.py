"""Notebook 07's exercises: one LSTM step backward, one GRU step backward.

Each checker runs the learner's step on small seeded cases (V=5 words, H=3 units, random weights of
sensible scale, every gradient coming in nonzero), compares one quantity at a time with the
library's cell (``LSTMCell.step_backward``, ``GRUCell.step_backward``): the output gate, the memory,
the other gates, the hidden side, the weights, d_h_prev. Where the learner's quantity equals what a
classic slip gives (``_lstm_backward``/``_gru_backward`` with ``slip=...`` build those answers), the
line names the slip. Answers in float32 are compared with a tolerance fit for float32; a right one
passes, and the cells below then use the library's float64 version.
"""

import numpy as np

from ..cells import GRUCell, LSTMCell
from ._gated_slips import GRU_BX_WRONG, GRU_SLIPS, LSTM_BX_WRONG, LSTM_SLIPS, _sigmoid_hint  # noqa: F401
from ._core import (CHECKER_OF, REFERENCES, RTOL, _Failed, _call, _kind, _note_precision, _run, _shown_name, _snapshot,
                    _unchanged)

V_CASE, H_CASE = 5, 3  # every shape differs: (4H, V) = (12, 5), (4H, H) = (12, 3), (3H, V) = (9, 5)
LSTM_GATES, GRU_GATES = LSTMCell.GATES, GRUCell.GATES


# --------------------------------------------------------------------------------------------------
# Comparing with a tolerance fit for the learner's dtype (shared with notebook 08's checker)


def _tolerance(*values):
    """The relative tolerance for the least precise float dtype among ``values``: 1e-7 in float64, ~1e-4 in float32."""
    eps = np.finfo(np.float64).eps
    for value in values:
        dtype = getattr(value, "dtype", None)
        if dtype is not None and np.issubdtype(dtype, np.floating):
            eps = max(eps, float(np.finfo(dtype).eps))
    return min(max(RTOL, 1000 * eps), 1e-3)


def _near(a, b, tol):
    """``a`` equals ``b`` within ``tol`` (relative, and absolute at the scale of ``b``); same shape, finite."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape or not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        return False
    return bool(np.allclose(a, b, rtol=tol, atol=tol / 100 * max(1.0, float(np.abs(b).max(initial=0.0)))))


def _as_array(value, what):
    """``value`` as a float64 array, or a failed check; a float32 answer is noted (the cells below use rnn_lib's)."""
    if value is None:
        raise _Failed(f"{what} is None — is a `return` missing?")
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise _Failed(f"{what} should be a numpy array, got {_kind(value)}") from None
    _note_precision(value)
    return arr


def _rows(k):
    return {0: "0:H", 1: "H:2H"}.get(k, f"{k}H:{k + 1}H")


def _block_order(got, expected, gates, H, tol):
    """Which blocks moved, ``"g's rows (2H:3H) hold o's, ..."``, if ``got``'s blocks of H rows are ``expected``'s
    in another order, else ``None``."""
    if got.shape != expected.shape or got.shape[0] != len(gates) * H:
        return None
    found = []
    for k in range(len(gates)):
        block = got[k * H:(k + 1) * H]
        same = [j for j in range(len(gates)) if _near(block, expected[j * H:(j + 1) * H], tol)]
        found.append(gates[same[0]] if same and k not in same else None)
    moved = [f"{gates[k]}'s rows ({_rows(k)}) hold {g}'s" for k, g in enumerate(found) if g is not None]
    return ", ".join(moved) if moved else None


def _judge(got, expected, slips, default, tol):
    """No failure if ``got`` matches ``expected``; else the hint of the first slip whose answer it matches.

    ``slips`` is a list of ``(answer_of_a_slip, hint)``; a slip whose answer equals the right one is skipped.
    """
    if _near(got, expected, tol):
        return
    for answer, hint in slips:
        if _near(got, answer, tol) and not _near(answer, expected, tol):
            raise _Failed(hint)
    raise _Failed(default)


def _bias_alone(got, ref, tol, slips, default, split=False):
    """Fail, naming the bias, when dL/dbx is wrong while dL/dbh is right, or (``split``) the two share
    dL/dbx's right value between them (the gate checks read dL/dbx's blocks: they would blame a gate).
    ``slips``: ``(views_of_a_slip, hint)``."""
    if _near(got["bx"], ref["bx"], tol):
        return
    if not (_near(got["bh"], ref["bh"], tol) or split and _near(got["bx"] + got["bh"], ref["bx"], tol)):
        return
    for views, hint in slips:
        if _near(got["bx"], views["bx"], tol) and _near(got["bh"], views["bh"], tol):
            raise _Failed(hint)
    raise _Failed(default)


def _left_unchanged(fn, name, d_state, cache, P, what, hint):
    """A step backward's check: called on copies of ``d_state``, ``cache`` and ``P``, it must change none of them."""
    d_in, cache_in, P_in = _copies(d_state, cache, P)
    before = _snapshot(*d_in, *cache_in, *P_in.values())
    _call(fn, *d_in, cache_in, P_in)
    if not _unchanged(before, [*d_in, *cache_in, *P_in.values()]):
        raise _Failed(f"{_shown_name(fn, name)} changed {what} in place: compute new arrays{hint}")


def _copies(d_grads, cache, P):
    return ([np.array(d, copy=True) for d in d_grads], tuple(np.array(c, copy=True) for c in cache),
            {k: np.array(v, copy=True) for k, v in P.items()})


def _params(rng, G, scale=0.6):
    """Random weights and biases of a gated cell with G gates: Wx (G*H, V), Wh (G*H, H), bx, bh (G*H, 1)."""
    shapes = {"Wx": (G * H_CASE, V_CASE), "Wh": (G * H_CASE, H_CASE), "bx": (G * H_CASE, 1), "bh": (G * H_CASE, 1)}
    return {name: scale * rng.standard_normal(shape) for name, shape in shapes.items()}


def _one_hot(rng):
    x = np.zeros((V_CASE, 1))
    x[int(rng.integers(V_CASE)), 0] = 1.0
    return x


def _grads_of(grads, shapes, what="grads"):
    if not isinstance(grads, dict):
        raise _Failed(f"{what} should be a dict keyed {', '.join(map(repr, shapes))}, got {_kind(grads)}")
    missing = [n for n in shapes if n not in grads]
    if missing:
        raise _Failed(f"{what} lacks {', '.join(map(repr, missing))}: expected the keys {', '.join(map(repr, shapes))}")
    out = {}
    for name, shape in shapes.items():
        arr = _as_array(grads[name], f"{what}[{name!r}]")
        if arr.shape != shape:
            raise _Failed(f"{what}[{name!r}] has shape {arr.shape}, expected {shape} — a gradient has its "
                          f"parameter's shape")
        out[name] = arr
    return out


def _views(d_prev, grads, gates, H):
    """The quantities the checks compare one at a time: the returned arrays, dL/dbx's block of each gate, and
    dL/dbh's block of the last gate as ``"hidden_<gate>"`` (the GRU's b_hn rows, inside the reset gate)."""
    views = {**d_prev, **grads}
    for k, gate in enumerate(gates):
        views[gate] = grads["bx"][k * H:(k + 1) * H]
    views["hidden_" + gates[-1]] = grads["bh"][(len(gates) - 1) * H:]
    return views


# --------------------------------------------------------------------------------------------------
# The LSTM


def _lstm_backward(d_h, d_c, cache, P, slip=None):
    """One LSTM step back as ``LSTMCell.step_backward``; ``slip`` names a classic mistake to make instead.

    Returns ``(d_h_prev, d_c_prev, grads)``. The slips: see ``LSTM_SLIPS``.
    """
    x, h_prev, c_prev, i, f, g, o, tanh_c = cache
    d_o = d_h * {"o_tanh_twice": np.tanh(tanh_c), "o_tanh_prime": 1 - tanh_c ** 2,
                 "o_c": f * c_prev + i * g}.get(slip, tanh_c)
    from_h = d_h * {"no_tanh_prime_c": o, "no_o_in_c": 1 - tanh_c ** 2}.get(slip, o * (1 - tanh_c ** 2))
    d_c_total = from_h if slip == "no_dc" else d_c + from_h
    d_i, d_g, d_f = d_c_total * g, d_c_total * i, d_c_total * c_prev
    if slip == "f_no_c_prev":
        d_f = d_c_total
    elif slip == "i_g_swapped":
        d_i, d_g = d_c_total * i, d_c_total * g
    d_c_prev = {"dc_prev_incoming": d_c * f, "dc_prev_no_f": d_c_total}.get(slip, d_c_total * f)
    s_prime = (lambda s: s) if slip == "sigmoid_s" else (lambda s: s * (1 - s))
    g_prime = {"g_sigmoid_prime": g * (1 - g), "g_no_prime": 1.0}.get(slip, 1 - g ** 2)
    da = np.concatenate([d_i * s_prime(i), d_f * s_prime(f), d_g * g_prime, d_o * s_prime(o)])
    d_b = da.sum(axis=1, keepdims=True)
    grads = {"Wx": da @ x.T, "Wh": da @ h_prev.T, "bx": np.zeros_like(d_b) if slip == "bx_zero" else d_b,
             "bh": np.zeros_like(d_b) if slip == "bh_zero" else d_b.copy()}
    if slip == "bias_split":
        grads["bx"], grads["bh"] = d_b / 2, d_b / 2
    return P["Wh"].T @ da, d_c_prev, grads


def reference_lstm_step_backward(d_h, d_c, cache, P):
    """``LSTMCell.step_backward`` with notebook 7's signature: ``(d_h_prev, d_c_prev, grads)``.

    ``cache`` is ``LSTMCell.step_forward``'s, ``(x, h_prev, c_prev, i, f, g, o, tanh_c)``; ``P`` the
    parameters by name; grads keyed "Wx", "Wh", "bx", "bh".
    """
    (d_h_prev, d_c_prev), grads = LSTMCell().step_backward(P, (d_h, d_c), cache)
    return d_h_prev, d_c_prev, grads


def _lstm_case(seed):
    """``(d_h, d_c, cache, P)``: random weights, a one-hot x, h_prev and c_prev nonzero, d_h and d_c nonzero."""
    rng = np.random.default_rng(seed)
    P = _params(rng, 4)
    x, h_prev, c_prev = _one_hot(rng), np.tanh(rng.standard_normal((H_CASE, 1))), rng.standard_normal((H_CASE, 1))
    _, cache = LSTMCell().step_forward(P, x, (h_prev, c_prev))
    d_h, d_c = rng.standard_normal((2, H_CASE, 1))
    return d_h, d_c, cache, P


def check_lstm_step_backward(lstm_step_backward, strict=None):
    """Check ``lstm_step_backward(d_h, d_c, cache, P) -> (d_h_prev, d_c_prev, grads)`` (notebook 7).

    ``d_h``, ``d_c``: (H, 1), dL/dh_t and dL/dc_t from later steps; ``cache``: what
    ``LSTMCell.step_forward`` returns, ``(x, h_prev, c_prev, i, f, g, o, tanh_c)``; ``P``: the
    parameters by name. grads keyed "Wx", "Wh", "bx", "bh" like the cell's. Checks, in order (V=5,
    H=3, random weights, d_h and d_c nonzero): the shapes; the gate blocks of da stacked i, f, g, o;
    the output gate (d_o = d_h * tanh_c, σ'); d_c_prev (d_c from later steps added, tanh'(c_t) and
    o on the path from h_t, the forget gate); the i, f and g rows (c_prev in d_f, σ' and tanh');
    dL/dWx, dL/dWh and both biases; d_h_prev = Wh.T @ da; nothing changed in place. Answers equal to
    a classic slip's get its hint (``LSTM_SLIPS``). The cell's own form ``((d_h_prev, d_c_prev),
    grads)`` passes too, and the cells below then use the library's.
    """
    forms = set()
    shapes = {"Wx": (4 * H_CASE, V_CASE), "Wh": (4 * H_CASE, H_CASE), "bx": (4 * H_CASE, 1), "bh": (4 * H_CASE, 1)}

    def answer(fn, seed):
        d_h, d_c, cache, P = _lstm_case(seed)
        (d_h_in, d_c_in), cache_in, P_in = _copies((d_h, d_c), cache, P)
        value = _call(fn, d_h_in, d_c_in, cache_in, P_in)
        if isinstance(value, (tuple, list)) and len(value) == 2 and isinstance(value[1], dict) \
                and isinstance(value[0], (tuple, list)) and len(value[0]) == 2:
            forms.add("cell")
            value = (*value[0], value[1])
        elif isinstance(value, (tuple, list)) and len(value) == 3 and isinstance(value[2], dict):
            forms.add("flat")
        else:
            raise _Failed(f"should return (d_h_prev, d_c_prev, grads), grads a dict keyed 'Wx', 'Wh', 'bx', 'bh'; "
                          f"got {_kind(value)}")
        tol = _tolerance(*value[:2], *value[2].values())
        d_prev = {"d_h_prev": _as_array(value[0], "d_h_prev"), "d_c_prev": _as_array(value[1], "d_c_prev")}
        for name, arr in d_prev.items():
            if arr.shape != (H_CASE, 1):
                raise _Failed(f"{name} has shape {arr.shape}, expected {(H_CASE, 1)}, the shape of "
                              f"{name[2:].replace('_prev', '_{t-1}')}")
        got = _views(d_prev, _grads_of(value[2], shapes), LSTM_GATES, H_CASE)
        return got, (d_h, d_c, cache, P), tol

    def compare(fn, seed, names, slips, default):
        got, case, tol = answer(fn, seed)
        ref = _lstm_views(*case)
        for name in names:
            hints = [(_lstm_views(*case, slip=s)[name], h if s != "sigmoid_s" else _sigmoid_hint(name))
                     for s, h in slips]
            _judge(got[name], ref[name], hints, default(name) if callable(default) else default, tol)

    def slips(*names):
        return [(s, LSTM_SLIPS.get(s)) for s in names]

    def returns(fn):
        answer(fn, 70)

    def order(fn):
        got, case, tol = answer(fn, 71)
        _bias_alone(got, _lstm_views(*case), tol,
                    [(_lstm_views(*case, slip=s), LSTM_SLIPS[s]) for s in ("bx_zero", "bias_split")], LSTM_BX_WRONG,
                    split=True)
        moved = _block_order(got["bx"], _lstm_views(*case)["bx"], LSTM_GATES, H_CASE, tol)
        if moved:
            raise _Failed(f"da's gate blocks are in the wrong order, {moved}: stack them i, f, g, o, as the "
                          f"forward's a[0:H], a[H:2H], a[2H:3H], a[3H:4H]")

    def output_gate(fn):
        compare(fn, 72, ["o"], slips("o_tanh_twice", "o_tanh_prime", "o_c", "sigmoid_s"),
                "the output gate's rows of da (3H:4H) are wrong: d_o = d_h * tanh_c, then d_o * o * (1 - o)")

    def memory(fn):
        compare(fn, 73, ["d_c_prev"], slips("no_dc", "no_tanh_prime_c", "no_o_in_c", "dc_prev_incoming",
                                            "dc_prev_no_f"),
                "d_c_prev is wrong: (d_c + d_h * o * (1 - tanh_c**2)) * f")

    def gates(fn):
        formula = {"i": "d_c * g * i * (1 - i)", "f": "d_c * c_prev * f * (1 - f)", "g": "d_c * i * (1 - g**2)"}
        compare(fn, 74, ["i", "f", "g"], slips("no_dc", "no_tanh_prime_c", "no_o_in_c", "f_no_c_prev",
                                                "i_g_swapped", "sigmoid_s", "g_sigmoid_prime", "g_no_prime"),
                lambda gate: f"the {gate} gate's rows of da are wrong: {formula[gate]}, with d_c all that "
                             f"reaches c_t")

    def weights(fn):
        compare(fn, 75, ["Wx", "Wh", "bx", "bh"], slips("bh_zero"),
                lambda name: f"dL/d{name} is wrong: dL/dWx = da @ x.T, dL/dWh = da @ h_prev.T, dL/dbx = dL/dbh = da")

    def hidden(fn):
        compare(fn, 76, ["d_h_prev"], [], "d_h_prev is wrong: P['Wh'].T @ da, the four gates' shares through Wh")

    def in_place(fn):
        d_h, d_c, cache, P = _lstm_case(77)
        _left_unchanged(fn, "lstm_step_backward", (d_h, d_c), cache, P, "d_h, d_c, the cache or P",
                        " (d_c = d_c + ..., not d_c += ...)")

    def after():
        return "cell" in forms, ("it returns ((d_h_prev, d_c_prev), grads), the cell's form: the cells below use "
                                 "rnn_lib's (d_h_prev, d_c_prev, grads)")

    return _run("lstm_step_backward", lstm_step_backward,
                [returns, order, output_gate, memory, gates, weights, hidden, in_place],
                reference_lstm_step_backward, strict, after)


def _lstm_views(d_h, d_c, cache, P, slip=None):
    d_h_prev, d_c_prev, grads = _lstm_backward(d_h, d_c, cache, P, slip)
    return _views({"d_h_prev": d_h_prev, "d_c_prev": d_c_prev}, grads, LSTM_GATES, H_CASE)


# --------------------------------------------------------------------------------------------------
# The GRU


def _gru_backward(d_h, cache, P, slip=None):
    """One GRU step back as ``GRUCell.step_backward``; ``slip`` names a classic mistake to make instead.

    Returns ``(d_h_prev, grads)``. The slips: see ``GRU_SLIPS``.
    """
    x, h_prev, r, z, n, hn = cache
    H = h_prev.shape[0]
    if slip == "z_swapped":  # as if h_t = z * n + (1 - z) * h_prev
        d_n, d_z, direct = d_h * z, d_h * (n - h_prev), d_h * (1 - z)
    else:
        d_n, d_z, direct = d_h * (1 - z), d_h * (h_prev - n), d_h * z
    if slip == "d_z_sign":
        d_z = -d_z
    d_an = d_n if slip == "n_no_prime" else d_n * (1 - n ** 2)
    input_side = slip in ("reset_input_side", "reset_input_side_xn")
    xn = P["Wx"][2 * H:] @ x + P["bx"][2 * H:]
    scaled = {"reset_no_hn": 1.0, "reset_hn_no_bias": hn - P["bh"][2 * H:], "reset_input_side_xn": xn}.get(slip, hn)
    s_prime = (lambda s: s) if slip == "sigmoid_s" else (lambda s: s * (1 - s))
    d_ar = np.zeros_like(d_an) if slip == "no_reset_grad" else d_an * scaled * s_prime(r)
    d_az = d_z * s_prime(z)
    d_ax = np.concatenate([d_ar, d_az, r * d_an if input_side else d_an])
    d_ah = np.concatenate([d_ar, d_az, d_an if input_side else r * d_an])
    grads = {"Wx": d_ax @ x.T, "Wh": d_ah @ h_prev.T, "bx": d_ax.sum(axis=1, keepdims=True),
             "bh": d_ah.sum(axis=1, keepdims=True)}
    if slip == "bh_like_bx":
        grads["bh"] = grads["bx"].copy()
    elif slip == "bx_like_bh":
        grads["bx"] = grads["bh"].copy()
    elif slip == "bx_zero":
        grads["bx"] = np.zeros_like(grads["bx"])
    d_h_prev = P["Wh"].T @ d_ah + (0.0 if slip == "no_direct" else direct)
    return d_h_prev, grads


def reference_gru_step_backward(d_h, cache, P):
    """``GRUCell.step_backward`` with notebook 7's signature: ``(d_h_prev, grads)``.

    ``cache`` is ``GRUCell.step_forward``'s, ``(x, h_prev, r, z, n, hn)`` with hn = W_hn h_prev + b_hn.
    """
    (d_h_prev,), grads = GRUCell().step_backward(P, (d_h,), cache)
    return d_h_prev, grads


def _gru_case(seed):
    rng = np.random.default_rng(seed)
    P = _params(rng, 3)
    x, h_prev = _one_hot(rng), np.tanh(rng.standard_normal((H_CASE, 1)))
    _, cache = GRUCell().step_forward(P, x, (h_prev,))
    return rng.standard_normal((H_CASE, 1)), cache, P


def _gru_views(d_h, cache, P, slip=None):
    d_h_prev, grads = _gru_backward(d_h, cache, P, slip)
    return _views({"d_h_prev": d_h_prev}, grads, GRU_GATES, H_CASE)


def check_gru_step_backward(gru_step_backward, strict=None):
    """Check ``gru_step_backward(d_h, cache, P) -> (d_h_prev, grads)`` (notebook 7).

    ``d_h``: (H, 1), dL/dh_t; ``cache``: what ``GRUCell.step_forward`` returns, ``(x, h_prev, r, z,
    n, hn)`` with hn = W_hn h_prev + b_hn; ``P``: the parameters by name. grads keyed "Wx", "Wh",
    "bx", "bh". Checks, in order (V=5, H=3, random weights): the shapes; the gate blocks stacked
    r, z, n; the candidate's and the update gate's rows (z against 1 - z, tanh', which side the
    reset gate is on); the reset gate's rows (its gradient d_an * hn, σ'); the hidden side's
    candidate rows r * d_an; dL/dWx, dL/dWh and both biases; d_h_prev with the direct path d_h * z;
    nothing changed in place. Answers equal to a classic slip's get its hint (``GRU_SLIPS``). The
    cell's own form ``((d_h_prev,), grads)`` passes too, and the cells below then use the library's.
    """
    forms = set()
    shapes = {"Wx": (3 * H_CASE, V_CASE), "Wh": (3 * H_CASE, H_CASE), "bx": (3 * H_CASE, 1), "bh": (3 * H_CASE, 1)}

    def answer(fn, seed):
        d_h, cache, P = _gru_case(seed)
        (d_h_in,), cache_in, P_in = _copies((d_h,), cache, P)
        value = _call(fn, d_h_in, cache_in, P_in)
        if not (isinstance(value, (tuple, list)) and len(value) == 2 and isinstance(value[1], dict)):
            raise _Failed(f"should return (d_h_prev, grads), grads a dict keyed 'Wx', 'Wh', 'bx', 'bh'; "
                          f"got {_kind(value)}")
        d_h_prev = value[0]
        if isinstance(d_h_prev, (tuple, list)) and len(d_h_prev) == 1:
            forms.add("cell")
            d_h_prev = d_h_prev[0]
        tol = _tolerance(d_h_prev, *value[1].values())
        d_h_prev = _as_array(d_h_prev, "d_h_prev")
        if d_h_prev.shape != (H_CASE, 1):
            raise _Failed(f"d_h_prev has shape {d_h_prev.shape}, expected {(H_CASE, 1)}, the shape of h_{{t-1}}")
        got = _views({"d_h_prev": d_h_prev}, _grads_of(value[1], shapes), GRU_GATES, H_CASE)
        return got, (d_h, cache, P), tol

    def compare(fn, seed, names, slips, default):
        got, case, tol = answer(fn, seed)
        ref = _gru_views(*case)
        for name in names:
            hints = [(_gru_views(*case, slip=s)[name],
                      GRU_SLIPS[s] if s != "sigmoid_s" else _sigmoid_hint(name)) for s in slips]
            _judge(got[name], ref[name], hints, default(name) if callable(default) else default, tol)

    def returns(fn):
        answer(fn, 80)

    def order(fn):
        got, case, tol = answer(fn, 81)
        _bias_alone(got, _gru_views(*case), tol,
                    [(_gru_views(*case, slip=s), GRU_SLIPS[s]) for s in ("bx_zero", "bx_like_bh")], GRU_BX_WRONG)
        moved = _block_order(got["bx"], _gru_views(*case)["bx"], GRU_GATES, H_CASE, tol)
        if moved:
            raise _Failed(f"d_ax's gate blocks are in the wrong order, {moved}: stack them r, z, n, as the "
                          f"forward's ax[0:H], ax[H:2H], ax[2H:3H]")

    def candidate_and_update(fn):
        formula = {"n": "d_an = d_h * (1 - z) * (1 - n**2)", "z": "d_h * (h_prev - n) * z * (1 - z)"}
        compare(fn, 82, ["n", "z"], ["reset_input_side", "d_z_sign", "z_swapped", "n_no_prime",
                                                   "sigmoid_s"],
                lambda gate: f"the {gate} rows of dL/dbx are wrong: {formula[gate]}")

    def reset_gate(fn):
        compare(fn, 83, ["r"], ["no_reset_grad", "reset_no_hn", "reset_hn_no_bias", "reset_input_side_xn",
                                "sigmoid_s"],
                "the reset gate's rows of dL/dbx are wrong: d_an * hn * r * (1 - r)")

    def hidden_side(fn):
        compare(fn, 84, ["hidden_n"], ["bh_like_bx", "reset_input_side"],
                "dL/dbh's candidate rows (2H:3H) are wrong: r * d_an, as b_hn sits inside the reset gate")

    def weights(fn):
        compare(fn, 85, ["Wx", "Wh", "bx", "bh"], ["bh_like_bx"],
                lambda name: f"dL/d{name} is wrong: dL/dWx = d_ax @ x.T, dL/dWh = d_ah @ h_prev.T, dL/dbx = d_ax, "
                             f"dL/dbh = d_ah")

    def hidden(fn):
        compare(fn, 86, ["d_h_prev"], ["no_direct", "z_swapped"],
                "d_h_prev is wrong: d_h * z + P['Wh'].T @ d_ah")

    def in_place(fn):
        d_h, cache, P = _gru_case(87)
        _left_unchanged(fn, "gru_step_backward", (d_h,), cache, P, "d_h, the cache or P", "")

    def after():
        return "cell" in forms, ("it returns ((d_h_prev,), grads), the cell's form: the cells below use rnn_lib's "
                                 "(d_h_prev, grads)")

    return _run("gru_step_backward", gru_step_backward,
                [returns, order, candidate_and_update, reset_gate, hidden_side, weights, hidden, in_place],
                reference_gru_step_backward, strict, after)


CHECKER_OF.update({"lstm_step_backward": check_lstm_step_backward, "gru_step_backward": check_gru_step_backward})
REFERENCES.update({"lstm_step_backward": reference_lstm_step_backward,
                   "gru_step_backward": reference_gru_step_backward})

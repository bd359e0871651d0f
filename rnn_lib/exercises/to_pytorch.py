"""Notebook 08's exercise: our weights in PyTorch's layout, ``to_torch_state(cell, params)``, checked without PyTorch.

The reference is ``rnn_lib.torch_bridge.torch_state_dict``, the numpy mapping that ``to_torch`` itself
copies into the modules. Every answer that gives PyTorch the same network passes: PyTorch adds
``bias_ih_l0`` and ``bias_hh_l0`` in the vanilla cell and in the LSTM, so any split of their sum is
right there; in the GRU the candidate's hidden bias b_hn sits inside the reset gate, so its rows
2H:3H are not interchangeable (the r and z rows are).
"""

import numpy as np

from ..cells import GRUCell, LSTMCell
from ..torch_bridge import TORCH_STATE_KEYS, torch_state_dict
from ._core import CHECKER_OF, REFERENCES, _Failed, _call, _kind, _run, _shown_name, _snapshot, _unchanged
from .lstm_gru import _as_array, _block_order, _near, _tolerance

V_CASE, H_CASE, O_CASE = 5, 3, 2  # (4H, V) = (12, 5) and (4H, H) = (12, 3): a transpose or a swap shows
GATES = {"rnn": ("h",), "lstm": LSTMCell.GATES, "gru": GRUCell.GATES}
#: Our names of what goes to weight_ih_l0, weight_hh_l0 and the biases.
OURS = {"rnn": ("Wxh", "Whh", "bh"), "lstm": ("Wx", "Wh", "bx", "bh"), "gru": ("Wx", "Wh", "bx", "bh")}
WHAT = {"rnn": "the vanilla RNN (nn.RNN)", "lstm": "the LSTM (nn.LSTM)", "gru": "the GRU (nn.GRU)"}


def _case(cell, seed, scale=0.6):
    """A model's ``params`` for ``cell`` (V=5, H=3, O=2): every weight and bias random and nonzero."""
    rng = np.random.default_rng(seed)
    G, H = len(GATES[cell]), H_CASE
    if cell == "rnn":
        shapes = {"Wxh": (H, V_CASE), "Whh": (H, H), "Why": (O_CASE, H), "bh": (H, 1), "by": (O_CASE, 1)}
    else:
        shapes = {"Wx": (G * H, V_CASE), "Wh": (G * H, H), "Why": (O_CASE, H), "bx": (G * H, 1), "bh": (G * H, 1),
                  "by": (O_CASE, 1)}
    return {name: scale * rng.standard_normal(shape) for name, shape in shapes.items()}


def _fail(cell, message):
    raise _Failed(f"for {WHAT[cell]}: {message}")


def _state_of(cell, value):
    """The four arrays of the learner's dict, and the tolerance for their dtype."""
    if not isinstance(value, dict):
        raise _Failed(f"should return a dict keyed {', '.join(map(repr, TORCH_STATE_KEYS))}, got {_kind(value)}")
    missing = [k for k in TORCH_STATE_KEYS if k not in value]
    if missing == ["bias_hh_l0"]:
        ours = "our one bh goes to one of them, zeros to the other" if cell == "rnn" else "ours are bx and bh"
        _fail(cell, f"no 'bias_hh_l0': PyTorch has two bias vectors, bias_ih_l0 and bias_hh_l0 ({ours})")
    if missing:
        _fail(cell, f"the dict lacks {', '.join(map(repr, missing))}: PyTorch's keys are "
                    f"{', '.join(map(repr, TORCH_STATE_KEYS))}")
    tol = _tolerance(*(value[k] for k in TORCH_STATE_KEYS))
    return {k: _as_array(value[k], f"[{k!r}]") for k in TORCH_STATE_KEYS}, tol


def _judge_weights(cell, state, params, tol):
    gates, H = GATES[cell], H_CASE
    n_ih, n_hh = OURS[cell][:2]
    for key, name, other_key, other in (("weight_ih_l0", n_ih, "weight_hh_l0", n_hh),
                                        ("weight_hh_l0", n_hh, "weight_ih_l0", n_ih)):
        got, ours = state[key], params[name]
        if _near(got, ours, tol):
            continue
        if _near(got, ours.T, tol):
            _fail(cell, f"{key} is {name}.T: PyTorch's {key} has {name}'s shape {ours.shape}, copy it without .T")
        if _near(got, params[other], tol) or _near(got, params[other].T, tol):
            _fail(cell, f"{key} holds {other}: the input and hidden weights are swapped — weight_ih_l0 is the "
                        f"input's {n_ih} {params[n_ih].shape}, weight_hh_l0 the hidden state's {n_hh} "
                        f"{params[n_hh].shape}")
        moved = _block_order(got, ours, gates, H, tol) if len(gates) > 1 else None
        if moved:
            _fail(cell, f"{key}'s gate blocks are in the wrong order, {moved} — PyTorch stacks them "
                        f"{', '.join(gates)}, the order {name} has already: copy it as it is")
        if got.shape != ours.shape:
            _fail(cell, f"{key} has shape {got.shape}, expected {ours.shape} ({name}'s)")
        _fail(cell, f"{key} is not {name}: PyTorch's {key} is our {name} as it is")


def _judge_biases(cell, state, params, tol):
    gates, H = GATES[cell], H_CASE
    G = len(gates)
    for key in TORCH_STATE_KEYS[2:]:
        got = state[key]
        if got.shape == (G * H, 1):
            _fail(cell, f"{key} has shape {got.shape}, a column: PyTorch's biases are vectors of shape ({G * H},), "
                        f"e.g. {OURS[cell][2]}[:, 0]")
        if got.shape != (G * H,):
            _fail(cell, f"{key} has shape {got.shape}, expected ({G * H},)")
    b_ih, b_hh = state["bias_ih_l0"], state["bias_hh_l0"]
    if cell == "rnn":
        b_x, b_h, total, total_name = params["bh"][:, 0], np.zeros(H), params["bh"][:, 0], "bh"
    else:
        b_x, b_h = params["bx"][:, 0], params["bh"][:, 0]
        total, total_name = b_x + b_h, "bx + bh"
    free = slice(0, 2 * H) if cell == "gru" else slice(None)  # rows where only the sum counts
    if not _near((b_ih + b_hh)[free], total[free], tol):
        moved = _block_order(b_ih + b_hh, total, gates, H, tol) if G > 1 else None
        if moved:
            _fail(cell, f"the biases' gate blocks are in the wrong order, {moved} — PyTorch stacks them "
                        f"{', '.join(gates)}, the order bx and bh have already: copy them as they are")
        if cell == "rnn" and _near(b_ih, total, tol) and _near(b_hh, total, tol):
            _fail(cell, "bh is counted twice: nn.RNN adds bias_ih_l0 and bias_hh_l0, so put bh in one and zeros "
                        "in the other")
        if cell != "rnn" and (_near(b_ih, total, tol) or _near(b_hh, total, tol)):
            _fail(cell, "a bias is counted twice: PyTorch adds bias_ih_l0 and bias_hh_l0, so their sum must be "
                        "bx + bh (bx in bias_ih_l0 and bh in bias_hh_l0)")
        if cell != "rnn" and _near(b_ih, b_x, tol) and not np.any(b_hh):
            _fail(cell, "bias_hh_l0 is zeros, so bh is lost: PyTorch has two biases, and ours are bx and bh — "
                        "bh goes to bias_hh_l0")
        _fail(cell, f"bias_ih_l0 + bias_hh_l0 must be {total_name}: PyTorch adds the two biases")
    if cell == "gru":
        n = slice(2 * H, 3 * H)
        if not (_near(b_ih[n], b_x[n], tol) and _near(b_hh[n], b_h[n], tol)):
            _fail(cell, "the candidate's two biases are not interchangeable: b_hn (bh[2H:3H]) sits inside the "
                        "reset gate, r * (W_hn h + b_hn), so bias_hh_l0[2H:3H] must be bh[2H:3H] and "
                        "bias_ih_l0[2H:3H] bx[2H:3H] (the r and z rows may be split any way, only their sum counts)")


def check_to_torch_state(to_torch_state, strict=None):
    """Check ``to_torch_state(cell, params) -> dict`` (notebook 8): our weights in PyTorch's layout.

    ``cell`` is "rnn", "lstm" or "gru" and ``params`` a model's ``params``; the answer maps
    "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0" to numpy arrays of PyTorch's shapes
    ((G*H, V), (G*H, H), (G*H,), (G*H,); G = 1, 4, 3), as ``rnn_lib.torch_bridge.torch_state_dict``.
    Checks, in order (V=5, H=3, random weights): a dict; the LSTM, the GRU, the vanilla cell (weights
    not transposed, input and hidden not swapped, the gate blocks in PyTorch's order i, f, g, o /
    r, z, n, the biases as vectors whose sum is ours, the GRU's candidate biases each in its place);
    ``params`` unchanged. Every equivalent split of the biases passes (any split for the vanilla
    cell and the LSTM, and for the GRU's r and z rows); float32 arrays pass with float32's tolerance, and
    ``use(to_torch_state)`` then gives the library's float64 version (the cells below compare to 1e-10).
    """
    def answer(fn, cell, seed):
        params = _case(cell, seed)
        value = _call(fn, cell, {k: np.array(v, copy=True) for k, v in params.items()})
        return _state_of(cell, value), params

    def returns(fn):
        answer(fn, "lstm", 90)

    def layout(cell, seed):
        def check(fn):
            (state, tol), params = answer(fn, cell, seed)
            _judge_weights(cell, state, params, tol)
            _judge_biases(cell, state, params, tol)
        check.__name__ = cell
        return check

    def in_place(fn):
        for cell in ("rnn", "lstm", "gru"):
            params = {k: np.array(v, copy=True) for k, v in _case(cell, 94).items()}
            before = _snapshot(*params.values())
            _call(fn, cell, params)
            if not _unchanged(before, params.values()):
                _fail(cell, f"{_shown_name(fn, 'to_torch_state')} changed params in place: copy or reshape, leave "
                            "the model's weights alone")

    return _run("to_torch_state", to_torch_state,
                [returns, layout("lstm", 91), layout("gru", 92), layout("rnn", 93), in_place],
                torch_state_dict, strict)


CHECKER_OF.update({"to_torch_state": check_to_torch_state})
REFERENCES.update({"to_torch_state": torch_state_dict})

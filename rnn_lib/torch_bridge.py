"""From scratch to a framework: the same network as ``torch.nn.RNN``/``LSTM``/``GRU`` plus ``torch.nn.Linear``.

The cells use PyTorch's layout (``rnn_lib.cells``), so the weights are copied,
not translated (V words, H hidden units, O outputs):

    ours                  PyTorch (one layer)           RNN       LSTM (i,f,g,o)   GRU (r,z,n)
    Wxh / Wx              rnn.weight_ih_l0              (H, V)    (4H, V)          (3H, V)
    Whh / Wh              rnn.weight_hh_l0              (H, H)    (4H, H)          (3H, H)
    bh  / bx              rnn.bias_ih_l0                (H,)      (4H,)            (3H,)
    (none) / bh           rnn.bias_hh_l0                zeros     (4H,)            (3H,)
    Why                   linear.weight                 (O, H)
    by                    linear.bias                   (O,)

Our columns (H, 1) are PyTorch's vectors (H,). The vanilla cell has one bias
where ``nn.RNN`` has two that are always added: ``to_torch`` puts ``bh`` in
``bias_ih_l0`` and zeros in ``bias_hh_l0``; ``from_torch`` adds them.

The modules are float64 and ``batch_first=True``: a batch of B phrases of T
words is a (B, T, V) tensor of one-hot rows, and ``linear(rnn(x)[0][:, -1])``
(the output at the last step) gives the scores, (B, O).

PyTorch is optional: it is imported when ``to_torch`` or ``read_torch`` is called.
``torch_state_dict`` (the mapping alone, as numpy arrays) needs no PyTorch.
``model.to_torch()`` calls ``to_torch``; ``rnn_lib.from_torch`` (the class
method ``RNN.from_torch``) builds the model from what ``read_torch`` reads, so
that this module needs nothing from ``rnn_lib.model``.
"""

import numpy as np

#: Our cell's name -> the name of the PyTorch module with the same equations.
TORCH_MODULES = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}


def _torch():
    try:
        import torch
    except ImportError:
        raise ImportError("to_torch and from_torch need PyTorch, which is optional: install the CPU build "
                          "with pip install torch --index-url https://download.pytorch.org/whl/cpu "
                          "(or pip install -e '.[torch]')") from None
    return torch


def _cell_name(model):
    name = getattr(model.cell, "name", None)
    if name not in TORCH_MODULES:
        raise ValueError(f"to_torch knows the cells {', '.join(map(repr, TORCH_MODULES))}; "
                         f"this model's cell is {model.cell!r}")
    return name


def to_torch(model, batch_first=True):
    """The same network in PyTorch: ``(rnn, linear)``, a one-layer float64 ``nn.RNN``/``LSTM``/``GRU``
    and an ``nn.Linear(H, O)``, holding copies of the model's weights.

    ``linear(rnn(x)[0][:, -1])`` equals ``model.forward`` for every phrase of
    the batch x (B, T, V). Changing the PyTorch weights does not change the model.
    ``batch_first=False`` makes the module time-major, (T, B, V), as the language
    model's batches are; the recurrent layer's input width is that of the
    model's input weights (V one-hot, or D after a learned embedding).
    """
    torch = _torch()
    cell = _cell_name(model)
    H, O = model.hidden_size, model.output_size
    p = model.params
    state = torch_state_dict(cell, p)
    module = getattr(torch.nn, TORCH_MODULES[cell])
    kwargs = {"nonlinearity": "tanh"} if cell == "rnn" else {}
    rnn = module(state["weight_ih_l0"].shape[1], H, num_layers=1, bias=True, batch_first=batch_first,
                 dtype=torch.float64, **kwargs)
    linear = torch.nn.Linear(H, O, dtype=torch.float64)
    with torch.no_grad():
        for param, value in ((rnn.weight_ih_l0, state["weight_ih_l0"]), (rnn.weight_hh_l0, state["weight_hh_l0"]),
                             (rnn.bias_ih_l0, state["bias_ih_l0"]), (rnn.bias_hh_l0, state["bias_hh_l0"]),
                             (linear.weight, p["Why"]), (linear.bias, p["by"][:, 0])):
            param.copy_(torch.from_numpy(np.ascontiguousarray(value)))
    return rnn, linear


#: The names of a one-layer ``nn.RNN``/``LSTM``/``GRU``'s tensors, in its ``state_dict`` order.
TORCH_STATE_KEYS = ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")


def torch_state_dict(cell, params):
    """The recurrent layer's weights in PyTorch's layout, as numpy: what ``to_torch`` copies, no PyTorch needed.

    Args:
        cell: "rnn", "lstm" or "gru".
        params: the model's parameters by name (``model.params``; the output head's are ignored).
    Returns:
        ``{"weight_ih_l0": (G*H, V), "weight_hh_l0": (G*H, H), "bias_ih_l0": (G*H,), "bias_hh_l0": (G*H,)}``,
        float64 copies, G = 1, 4 (gates i, f, g, o) or 3 (r, z, n): the keys and shapes of the
        module's ``state_dict()``. Our gated cells are stacked in PyTorch's order already, so the
        weights are copies and the biases columns made vectors; the vanilla cell's one bias ``bh``
        goes to ``bias_ih_l0`` and ``bias_hh_l0`` is zeros (``nn.RNN`` adds the two).
    """
    if cell not in TORCH_MODULES:
        raise ValueError(f"cell must be one of {', '.join(map(repr, TORCH_MODULES))}, got {cell!r}")
    if cell == "rnn":
        W_ih, W_hh, b_ih, b_hh = params["Wxh"], params["Whh"], params["bh"], np.zeros_like(params["bh"])
    else:
        W_ih, W_hh, b_ih, b_hh = params["Wx"], params["Wh"], params["bx"], params["bh"]
    values = (W_ih, W_hh, np.asarray(b_ih)[:, 0], np.asarray(b_hh)[:, 0])
    return {key: np.array(value, dtype=np.float64) for key, value in zip(TORCH_STATE_KEYS, values)}


def _numpy(tensor, name):
    """A parameter tensor -> a float64 numpy copy; a tensor without values or with a non-finite one is refused."""
    if tensor.is_meta:
        raise ValueError(f"from_torch: {name} is on the meta device: its weights have no values (build the "
                         "module on the CPU, or load a state_dict into it first)")
    a = tensor.detach().double().cpu().numpy().copy()
    if not np.isfinite(a).all():
        raise ValueError(f"from_torch: {name} holds {int(np.size(a) - np.isfinite(a).sum())} NaN or infinite "
                         "values: only finite weights can be copied")
    return a


def read_torch(rnn, linear):
    """The way back, as arrays: ``(cell, input_size, output_size, hidden_size, {name: array})``.

    ``rnn`` is a one-layer, one-directional ``nn.RNN`` (tanh), ``nn.LSTM``
    (without ``proj_size``) or ``nn.GRU`` (or a subclass), with or without biases; ``linear``
    an ``nn.Linear(hidden_size, O)``. Weights on the meta device (no values) or holding NaN
    or infinity are a one-line ``ValueError`` naming the tensor. The arrays are float64 copies, named and
    shaped as our model's parameters. For ``nn.RNN`` our one bias ``bh`` is
    ``bias_ih_l0 + bias_hh_l0``. ``rnn_lib.from_torch`` makes the model.
    """
    torch = _torch()
    cell = next((c for c, m in TORCH_MODULES.items() if isinstance(rnn, getattr(torch.nn, m))), None)
    if cell is None:
        raise TypeError(f"from_torch takes a torch.nn.RNN, LSTM or GRU, got {type(rnn).__name__}")
    if not isinstance(linear, torch.nn.Linear):
        raise TypeError(f"from_torch takes a torch.nn.Linear as the output head, got {type(linear).__name__}")
    if rnn.num_layers != 1 or rnn.bidirectional or getattr(rnn, "proj_size", 0):
        raise ValueError(f"from_torch takes one layer, one direction and no projection; this {type(rnn).__name__} "
                         f"has num_layers={rnn.num_layers}, bidirectional={rnn.bidirectional}, "
                         f"proj_size={getattr(rnn, 'proj_size', 0)}")
    if cell == "rnn" and rnn.nonlinearity != "tanh":
        raise ValueError(f"from_torch takes an nn.RNN with nonlinearity='tanh', got {rnn.nonlinearity!r}")
    V, H = rnn.input_size, rnn.hidden_size
    if linear.in_features != H:
        raise ValueError(f"the Linear head reads {linear.in_features} features but the {type(rnn).__name__} "
                         f"has hidden_size {H}")
    O = linear.out_features
    gates = rnn.weight_ih_l0.shape[0]
    zeros = np.zeros(gates)
    b_ih = _numpy(rnn.bias_ih_l0, "bias_ih_l0") if rnn.bias else zeros
    b_hh = _numpy(rnn.bias_hh_l0, "bias_hh_l0") if rnn.bias else zeros
    W_ih, W_hh = _numpy(rnn.weight_ih_l0, "weight_ih_l0"), _numpy(rnn.weight_hh_l0, "weight_hh_l0")
    weights = {"Why": _numpy(linear.weight, "linear.weight"),
               "by": (_numpy(linear.bias, "linear.bias") if linear.bias is not None else np.zeros(O))[:, None]}
    if cell == "rnn":
        weights.update(Wxh=W_ih, Whh=W_hh, bh=(b_ih + b_hh)[:, None])
    else:
        weights.update(Wx=W_ih, Wh=W_hh, bx=b_ih[:, None], bh=b_hh[:, None])
    return cell, V, O, H, weights


__all__ = ["TORCH_MODULES", "TORCH_STATE_KEYS", "read_torch", "to_torch", "torch_state_dict"]

"""Recurrent cells: one time step forward and backward, behind one interface.

A cell is a small class with four methods (the model, the sequence loop,
training, gradient checking and saving never look inside it):

    shapes(V, H)                            -> {name: shape}: weights first (drawn at
                                               initialisation, in this order), then the
                                               biases listed in ``cell.biases`` (zeros)
    zero_state(H)                           -> the state before the first word, a tuple
                                               whose first entry is h, (H, 1): ``(h,)``, or
                                               ``(h, c)`` for a cell with a memory
    step_forward(params, x, state)          -> (state_t, cache)
    step_backward(params, d_state, cache)   -> (d_state_prev, grads)

``d_state`` holds dL/d(each entry of state_t); ``grads`` this step's share of
dL/d(each parameter). ``CELLS`` maps a cell's name to its class.

The vanilla cell's step is the article's equation, written as a function pair
(``step_forward``/``step_backward``) that the notebooks call directly:

    h_t = tanh(Wxh x_t + Whh h_{t-1} + bh)
"""

import numpy as np


def step_forward(x, h_prev, Wxh, Whh, bh):
    """One time step: ``h = tanh(Wxh @ x + Whh @ h_prev + bh)``.

    Args:
        x: (V, 1) input column (one-hot for a word).
        h_prev: (H, 1) previous hidden state h_{t-1}.
        Wxh: (H, V); Whh: (H, H); bh: (H, 1).
    Returns:
        ``(h, cache)``: h is the (H, 1) new state h_t; cache holds what
        ``step_backward`` needs.
    """
    h = np.tanh(Wxh @ x + Whh @ h_prev + bh)
    return h, (x, h_prev, h, Whh)


def step_backward(d_h, cache):
    """Backward through one time step.

    Args:
        d_h: (H, 1) gradient of the loss with respect to this step's output h_t.
        cache: from ``step_forward``.
    Returns:
        ``(d_h_prev, grads)``: d_h_prev is the (H, 1) gradient with respect to
        h_{t-1}, ``Whh.T @ (da)``; grads is ``{"Wxh": (H, V), "Whh": (H, H),
        "bh": (H, 1)}``, this step's contribution.
    """
    x, h_prev, h, Whh = cache
    da = (1 - h**2) * d_h  # through tanh: d tanh(a)/da = 1 - tanh(a)^2
    grads = {"Wxh": da @ x.T, "Whh": da @ h_prev.T, "bh": da}
    return Whh.T @ da, grads


class RNNCell:
    """The vanilla (Elman) cell of the article: state ``(h,)``, parameters Wxh (H, V), Whh (H, H), bh (H, 1)."""

    name = "rnn"
    biases = ("bh",)

    def shapes(self, V, H):
        return {"Wxh": (H, V), "Whh": (H, H), "bh": (H, 1)}

    def zero_state(self, H):
        return (np.zeros((H, 1)),)

    def step_forward(self, params, x, state):
        h, cache = step_forward(x, state[0], params["Wxh"], params["Whh"], params["bh"])
        return (h,), cache

    def step_backward(self, params, d_state, cache):
        d_h_prev, grads = step_backward(d_state[0], cache)
        return (d_h_prev,), grads

    def __repr__(self):
        return "RNNCell()"


#: The cells by name, as ``RNN(..., cell=name)``, ``fit(cell=name)`` and model files spell them.
CELLS = {"rnn": RNNCell}


def get_cell(cell):
    """A cell name from ``CELLS`` -> a new cell; a cell object (with the four methods) is returned as is."""
    if isinstance(cell, str):
        if cell not in CELLS:
            raise ValueError(f"cell must be one of {', '.join(map(repr, CELLS))} or a cell object, got {cell!r}")
        return CELLS[cell]()
    missing = [m for m in ("shapes", "zero_state", "step_forward", "step_backward") if not hasattr(cell, m)]
    if missing:
        raise TypeError(f"cell must be one of {', '.join(map(repr, CELLS))} or an object with "
                        f"shapes, zero_state, step_forward and step_backward; {cell!r} lacks {', '.join(missing)}")
    return cell

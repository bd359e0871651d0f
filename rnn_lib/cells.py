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

A cell whose steps also take B phrases at once, x (V, B) and every state entry
(H, B), and return gradients summed over the B columns, says so with
``columns = True`` (all three cells here): the fast and batched training
path runs it too (``RNN.batch_loss``, ``rnn_lib.base``'s contract; the vanilla
cell also has a written-out kernel, ``rnn_lib.kernels.VanillaKernel``), and so does
the language model (``rnn_lib.lm``).

Three cells live here: the vanilla cell ``RNNCell``, ``LSTMCell`` and
``GRUCell``. The gated cells follow PyTorch's ``nn.LSTM``/``nn.GRU`` exactly
(gate order, two bias vectors), so that ``rnn_lib.torch_bridge`` copies their
weights into PyTorch without translating them.

The vanilla cell's step is the article's equation, written as a function pair
(``step_forward``/``step_backward``) that the notebooks call directly:

    h_t = tanh(Wxh x_t + Whh h_{t-1} + bh)
"""

import numpy as np


def step_forward(x, h_prev, Wxh, Whh, bh):
    """One time step: ``h = tanh(Wxh @ x + Whh @ h_prev + bh)``.

    Args:
        x: (V, 1) input column (one-hot for a word), or (V, B): B sequences at once.
        h_prev: (H, 1) previous hidden state h_{t-1}, or (H, B).
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
        "bh": (H, 1)}``, this step's contribution (summed over the B columns
        when x is (V, B) and d_h (H, B)).
    """
    x, h_prev, h, Whh = cache
    da = (1 - h**2) * d_h  # through tanh: d tanh(a)/da = 1 - tanh(a)^2
    grads = {"Wxh": da @ x.T, "Whh": da @ h_prev.T, "bh": da.sum(axis=1, keepdims=True)}  # summed over columns
    return Whh.T @ da, grads


class RNNCell:
    """The vanilla (Elman) cell of the article: state ``(h,)``, parameters Wxh (H, V), Whh (H, H), bh (H, 1).

    x may be (V, B) and h (H, B): B sequences at once (``columns``).
    """

    name = "rnn"
    biases = ("bh",)
    columns = True
    #: No gates; the state's entries and the step cache's, by name (``rnn_lib.analysis.gate_values`` reads them).
    GATES = ()
    STATE = ("h",)
    CACHE = ("x", "h_prev", "h", "Whh")

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


def sigmoid(a):
    """The logistic function 1 / (1 + e^(-a)), written as (1 + tanh(a / 2)) / 2: the same values, no overflow."""
    return 0.5 * (1.0 + np.tanh(0.5 * a))


class LSTMCell:
    """The long short-term memory cell, as PyTorch's ``nn.LSTM``: state ``(h, c)``, gates i, f, g, o.

    Equations (σ the logistic function, ⊙ element-wise), for one step:

        a   = Wx x_t + bx + Wh h_{t-1} + bh              (4H, 1): the four gates' inputs, stacked
        i   = σ(a[0:H])       input gate                  (H, 1)
        f   = σ(a[H:2H])      forget gate                 (H, 1)
        g   = tanh(a[2H:3H])  candidate cell values       (H, 1)
        o   = σ(a[3H:4H])     output gate                 (H, 1)
        c_t = f ⊙ c_{t-1} + i ⊙ g                         (H, 1)
        h_t = o ⊙ tanh(c_t)                               (H, 1)

    Parameters (V words, H hidden units), the gates stacked in the order
    i, f, g, o, as PyTorch's ``weight_ih_l0``, ``weight_hh_l0``,
    ``bias_ih_l0``, ``bias_hh_l0``:

        Wx (4H, V), Wh (4H, H), bx (4H, 1), bh (4H, 1)

    The two biases always appear as a sum, so they get the same gradient;
    there are two only so that PyTorch's layout is a copy. x may be (V, B)
    and h, c (H, B): B phrases at once (``columns``).
    """

    name = "lstm"
    biases = ("bx", "bh")
    columns = True
    #: The gates in the order they are stacked in Wx, Wh, bx, bh; the state's entries; the step cache's.
    GATES = ("i", "f", "g", "o")
    STATE = ("h", "c")
    CACHE = ("x", "h_prev", "c_prev", "i", "f", "g", "o", "tanh_c")

    def shapes(self, V, H):
        return {"Wx": (4 * H, V), "Wh": (4 * H, H), "bx": (4 * H, 1), "bh": (4 * H, 1)}

    def zero_state(self, H):
        return (np.zeros((H, 1)), np.zeros((H, 1)))

    def step_forward(self, params, x, state):
        """``(h_t, c_t), cache`` from x (V, B) and ``(h_{t-1}, c_{t-1})``, each (H, B); B = 1 for one phrase."""
        h_prev, c_prev = state
        H = h_prev.shape[0]
        a = params["Wx"] @ x + params["bx"] + params["Wh"] @ h_prev + params["bh"]
        i = sigmoid(a[:H])
        f = sigmoid(a[H:2 * H])
        g = np.tanh(a[2 * H:3 * H])
        o = sigmoid(a[3 * H:])
        c = f * c_prev + i * g
        tanh_c = np.tanh(c)
        h = o * tanh_c
        return (h, c), (x, h_prev, c_prev, i, f, g, o, tanh_c)

    def step_backward(self, params, d_state, cache):
        """``(d_h_prev, d_c_prev), grads`` from ``(d_h, d_c)``, the gradients reaching h_t and c_t (H, B).

        Through the equations backwards:

            d_o  = d_h ⊙ tanh(c_t)
            d_c' = d_c + d_h ⊙ o ⊙ (1 - tanh²(c_t))       everything reaching c_t
            d_i  = d_c' ⊙ g,   d_g = d_c' ⊙ i,   d_f = d_c' ⊙ c_{t-1}
            d_c_prev = d_c' ⊙ f
            da   = [d_i ⊙ i(1-i); d_f ⊙ f(1-f); d_g ⊙ (1-g²); d_o ⊙ o(1-o)]     (4H, B)
            dWx = da x_tᵀ,  dWh = da h_{t-1}ᵀ,  dbx = dbh = Σ_columns da,  d_h_prev = Whᵀ da
        """
        d_h, d_c = d_state
        x, h_prev, c_prev, i, f, g, o, tanh_c = cache
        d_o = d_h * tanh_c
        d_c = d_c + d_h * o * (1 - tanh_c**2)
        d_i, d_g, d_f = d_c * g, d_c * i, d_c * c_prev
        da = np.concatenate([d_i * i * (1 - i), d_f * f * (1 - f), d_g * (1 - g**2), d_o * o * (1 - o)])
        d_b = da.sum(axis=1, keepdims=True)
        grads = {"Wx": da @ x.T, "Wh": da @ h_prev.T, "bx": d_b, "bh": d_b.copy()}
        return (params["Wh"].T @ da, d_c * f), grads

    def __repr__(self):
        return "LSTMCell()"


class GRUCell:
    """The gated recurrent unit, as PyTorch's ``nn.GRU``: state ``(h,)``, gates r, z, n.

    Equations (σ the logistic function, ⊙ element-wise), for one step:

        ax  = Wx x_t + bx,   ah = Wh h_{t-1} + bh         (3H, 1) each, the gates stacked r, z, n
        r   = σ(ax[0:H] + ah[0:H])         reset gate     (H, 1)
        z   = σ(ax[H:2H] + ah[H:2H])       update gate    (H, 1)
        n   = tanh(ax[2H:3H] + r ⊙ ah[2H:3H])   candidate (H, 1): the reset gate scales
                                                          W_hn h_{t-1} + b_hn, inside the tanh
        h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}                   (H, 1)

    Parameters (V words, H hidden units), the gates stacked in the order
    r, z, n, as PyTorch's ``weight_ih_l0``, ``weight_hh_l0``, ``bias_ih_l0``,
    ``bias_hh_l0``:

        Wx (3H, V), Wh (3H, H), bx (3H, 1), bh (3H, 1)

    Two biases are needed: b_hn sits inside ``r ⊙ (...)`` and b_in outside.
    x may be (V, B) and h (H, B): B phrases at once (``columns``).
    """

    name = "gru"
    biases = ("bx", "bh")
    columns = True
    #: The gates in the order they are stacked in Wx, Wh, bx, bh; the state's entries; the step cache's.
    GATES = ("r", "z", "n")
    STATE = ("h",)
    CACHE = ("x", "h_prev", "r", "z", "n", "hn")

    def shapes(self, V, H):
        return {"Wx": (3 * H, V), "Wh": (3 * H, H), "bx": (3 * H, 1), "bh": (3 * H, 1)}

    def zero_state(self, H):
        return (np.zeros((H, 1)),)

    def step_forward(self, params, x, state):
        """``(h_t,), cache`` from x (V, B) and ``(h_{t-1},)`` (H, B); B = 1 for one phrase."""
        (h_prev,) = state
        H = h_prev.shape[0]
        ax = params["Wx"] @ x + params["bx"]
        ah = params["Wh"] @ h_prev + params["bh"]
        r = sigmoid(ax[:H] + ah[:H])
        z = sigmoid(ax[H:2 * H] + ah[H:2 * H])
        hn = ah[2 * H:]
        n = np.tanh(ax[2 * H:] + r * hn)
        h = (1 - z) * n + z * h_prev
        return (h,), (x, h_prev, r, z, n, hn)

    def step_backward(self, params, d_state, cache):
        """``(d_h_prev,), grads`` from ``(d_h,)``, the gradient reaching h_t (H, B).

        Through the equations backwards:

            d_n  = d_h ⊙ (1 - z),   d_z = d_h ⊙ (h_{t-1} - n)
            d_an = d_n ⊙ (1 - n²)                          at n's tanh input
            d_r  = d_an ⊙ ah[2H:3H]
            d_ar = d_r ⊙ r(1-r),    d_az = d_z ⊙ z(1-z)
            dax  = [d_ar; d_az; d_an],   dah = [d_ar; d_az; r ⊙ d_an]     (3H, B)
            dWx = dax x_tᵀ,  dbx = Σ_columns dax,  dWh = dah h_{t-1}ᵀ,  dbh = Σ_columns dah
            d_h_prev = d_h ⊙ z + Whᵀ dah
        """
        (d_h,) = d_state
        x, h_prev, r, z, n, hn = cache
        d_n = d_h * (1 - z)
        d_z = d_h * (h_prev - n)
        d_an = d_n * (1 - n**2)
        d_ar = d_an * hn * r * (1 - r)
        d_az = d_z * z * (1 - z)
        d_ax = np.concatenate([d_ar, d_az, d_an])
        d_ah = np.concatenate([d_ar, d_az, r * d_an])
        grads = {"Wx": d_ax @ x.T, "Wh": d_ah @ h_prev.T,
                 "bx": d_ax.sum(axis=1, keepdims=True), "bh": d_ah.sum(axis=1, keepdims=True)}
        return (d_h * z + params["Wh"].T @ d_ah,), grads

    def __repr__(self):
        return "GRUCell()"


#: The cells by name, as ``RNN(..., cell=name)``, ``fit(cell=name)`` and model files spell them.
CELLS = {"rnn": RNNCell, "lstm": LSTMCell, "gru": GRUCell}


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


def register_cell(cls):
    """Add a cell class to ``CELLS`` under its ``name``, so models, ``fit(cell=name)``, ``save`` and ``load`` find it.

    Usable as a class decorator; returns ``cls``. A name already taken by another class is a ``ValueError``.
    """
    name = getattr(cls, "name", None)
    if not isinstance(name, str) or not name:
        raise ValueError(f"a registered cell needs a class attribute name (a non-empty str), got {name!r}")
    if CELLS.get(name, cls) is not cls:
        raise ValueError(f"the cell name {name!r} is taken by {CELLS[name].__name__}")
    get_cell(cls())  # the four methods are there
    CELLS[name] = cls
    return cls

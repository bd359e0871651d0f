"""The many-to-one RNN classifier, with the classic article's names and shapes.

    h_t = tanh(Wxh x_t + Whh h_{t-1} + bh)        t = 1..T, h_0 given (zeros by default)
    y   = Why h_T + by

Shapes (V words, H hidden units, O outputs):
    Wxh (H, V), Whh (H, H), Why (O, H), bh (H, 1), by (O, 1),
    x_t (V, 1) one-hot column, h_t (H, 1), y (O, 1).

The first line is the cell's (``rnn_lib.cells``, the vanilla cell by default);
the time loop is ``rnn_lib.sequence``'s; this module adds what makes the model
a classifier, the output head ``y = Why h_T + by``, and owns the parameters.
``LSTM`` and ``GRU`` are this same model with the LSTM or GRU cell fixed
(``MODELS`` maps a cell's name to its class).
``backward`` returns gradients and never changes the weights: updating them is
the optimiser's job (``rnn_lib.optim``).
"""

import numpy as np

from . import checks
from .cells import get_cell, step_backward, step_forward  # noqa: F401  (re-exported: rnn_lib.model.step_forward)
from .losses import softmax_cross_entropy
from .sequence import bptt, unroll

HIDDEN_SIZE = 64
#: The article's initialisation: standard normal weights divided by this.
ARTICLE_INIT_DIVISOR = 1000
DEFAULT_SEED = 0
#: The vanilla model's parameters, in the order of ``model.flat``.
PARAM_NAMES = ("Wxh", "Whh", "Why", "bh", "by")


def as_rng(rng):
    """``None`` (seed 0), an int seed or a ``np.random.Generator`` -> a Generator."""
    if rng is None:
        return np.random.default_rng(DEFAULT_SEED)
    if isinstance(rng, np.random.Generator):
        return rng
    if checks.is_int(rng):
        return np.random.default_rng(checks.int_at_least(rng, "seed", 0))
    raise TypeError(f"rng must be None, an int seed or a numpy Generator, got {type(rng).__name__}")


def flat_views(flat, shapes):
    """``{name: view}``: consecutive pieces of the 1-D array ``flat`` reshaped to ``shapes`` (in its order)."""
    views, start = {}, 0
    for name, shape in shapes.items():
        n = int(np.prod(shape))
        views[name] = flat[start:start + n].reshape(shape)
        start += n
    return views


class _Params(dict):
    """``{name: view into model.flat}``; assigning ``params[name] = a`` copies ``a`` into the view."""

    def __setitem__(self, name, value):
        if name not in self:
            raise KeyError(f"{name!r} is not a parameter of this model: it has {', '.join(self)}")
        view = self[name]
        if value is view:  # params[name] -= g: already updated in place
            return
        value = np.asarray(value, dtype=np.float64)
        if value.shape != view.shape:
            raise ValueError(f"{name} must have shape {view.shape}, got {value.shape}")
        view[...] = value


class _Forward:
    """What one forward pass leaves for ``backward``: inputs, states, step caches, and the weights it used."""

    __slots__ = ("xs", "states", "caches", "weights")

    def __init__(self, xs, states, caches, weights):
        self.xs, self.states, self.caches, self.weights = xs, states, caches, weights


class ParamModel:
    """What every model of the library shares: float64 parameters as views into one flat buffer.

    A subclass calls ``_init_params(shapes, rng, init, weights)``: ``shapes``
    ``{name: shape}`` in the buffer's order, ``weights`` the names drawn at
    initialisation (the others, the biases, start at zero). Then ``model.flat``
    is the buffer, ``model.params`` maps names to views into it, and
    ``model.Wxh`` (any parameter's name) reads one; ``model.Whh = W``,
    ``model.params["Whh"] = W`` or ``model.flat = a`` copies values in (shapes
    checked). The classifier (``RNN``) and the language model
    (``rnn_lib.lm.CharLM``) are both this.
    """

    def _init_params(self, shapes, rng, init, weights):
        self.shapes = dict(shapes)
        self._flat = np.zeros(sum(int(np.prod(s)) for s in self.shapes.values()))
        self.params = _Params(flat_views(self._flat, self.shapes))
        self._init_weights(as_rng(rng), init, tuple(weights))

    def _init_weights(self, rng, init, names):
        if isinstance(init, str):
            ok = init in ("article", "xavier")
        else:
            try:
                ok = checks.positive_number(init, "init") > 0
            except (TypeError, ValueError):
                ok = False
        if not ok:
            raise ValueError(f"init must be 'article', 'xavier' or a positive float scale, got {init!r}")
        for name in names:
            shape = self.shapes[name]
            if init == "article":
                scale = 1 / ARTICLE_INIT_DIVISOR
            elif init == "xavier":
                scale = np.sqrt(2.0 / (shape[0] + shape[1]))
            else:
                scale = float(init)
            self.params[name][...] = rng.standard_normal(shape) * scale

    # --- parameters: model.Wxh reads params["Wxh"]; model.Wxh = W copies W in ---------------
    def __getattr__(self, name):
        params = self.__dict__.get("params")
        if params is not None and name in params:
            return params[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __setattr__(self, name, value):
        params = self.__dict__.get("params")
        if params is not None and name in params:
            params[name] = value
        else:
            object.__setattr__(self, name, value)

    @property
    def flat(self):
        """All parameters in one 1-D float64 buffer; ``params`` are views into it."""
        return self._flat

    @flat.setter
    def flat(self, value):
        if value is self._flat:  # model.flat -= g: already updated in place
            return
        value = np.asarray(value, dtype=np.float64)
        if value.shape != self._flat.shape:
            raise ValueError(f"flat must have shape {self._flat.shape}, got {value.shape}")
        self._flat[...] = value  # copied in: the parameter views stay valid


class RNN(ParamModel):
    """A many-to-one RNN classifier: a sequence of word vectors in, O scores out.

    Args:
        input_size: V, the vocabulary size.
        output_size: O, the number of classes (2 for positive/negative).
        hidden_size: H (64, as the article).
        rng: ``None`` (seed 0), an int seed or a ``np.random.Generator``, used
            for the initial weights.
        init: ``"article"`` (standard normal / 1000, biases zero), ``"xavier"``
            (normal with variance 2 / (fan_in + fan_out)), or a positive float
            ``s`` (standard normal times ``s``).
        cell: ``"rnn"`` (the vanilla cell, default), ``"lstm"``, ``"gru"``
            or a cell object (``rnn_lib.cells``). ``LSTM(...)`` and ``GRU(...)``
            are this model with the cell fixed (``make_model`` picks the class).

    The parameters are float64 views into one flat buffer, ``model.flat``, so an
    optimiser can clip and update all of them in one call; ``model.params`` maps
    their names to the views and ``model.Wxh`` (any parameter's name) reads one.
    Assigning ``model.Whh = W``, ``model.params["Whh"] = W`` or ``model.flat = a``
    copies the values into the buffer (shapes are checked).
    """

    #: The cell this class builds by default (``LSTM`` and ``GRU`` fix theirs).
    CELL = "rnn"

    def __init__(self, input_size, output_size, hidden_size=HIDDEN_SIZE, rng=None, init="article", cell="rnn"):
        V = checks.positive_int(input_size, "input_size")
        O = checks.positive_int(output_size, "output_size")
        H = checks.positive_int(hidden_size, "hidden_size")
        self.cell = get_cell(cell)
        self.input_size, self.output_size, self.hidden_size = V, O, H
        cell_shapes = self.cell.shapes(V, H)
        if {"Why", "by"} & set(cell_shapes):
            raise ValueError(f"the cell's parameters {sorted(cell_shapes)} must not use the names of the "
                             "output head, Why and by")
        biases = tuple(getattr(self.cell, "biases", ()))
        weights = {n: s for n, s in cell_shapes.items() if n not in biases}
        weights["Why"] = (O, H)
        # weights (drawn at initialisation, in this order), then biases (zeros): for the
        # vanilla cell Wxh, Whh, Why, bh, by, the article's order (PARAM_NAMES)
        self._init_params({**weights, **{n: cell_shapes[n] for n in biases}, "by": (O, 1)}, rng, init, weights)
        self._last = None
        self.last_probs = None

    def __repr__(self):
        name = getattr(self.cell, "name", None)
        cell = "" if name == type(self).CELL else f", cell={name or self.cell!r}"
        return (f"{type(self).__name__}(input_size={self.input_size}, output_size={self.output_size}, "
                f"hidden_size={self.hidden_size}{cell})")

    def copy(self):
        """An independent copy with the same weights (and the same class and cell)."""
        other = type(self).__new__(type(self))
        RNN.__init__(other, self.input_size, self.output_size, self.hidden_size, rng=0, cell=self.cell)
        other.flat[...] = self.flat
        return other

    def to_torch(self):
        """The same network in PyTorch: ``(rnn, linear)``, see ``rnn_lib.torch_bridge.to_torch``."""
        from .torch_bridge import to_torch
        return to_torch(self)

    @classmethod
    def from_torch(cls, rnn, linear):
        """The way back: the model holding the weights of a PyTorch ``nn.RNN``/``LSTM``/``GRU`` and ``nn.Linear``.

        ``RNN.from_torch`` (also ``rnn_lib.from_torch``) returns an ``RNN``,
        ``LSTM`` or ``GRU`` as the module is; ``LSTM.from_torch`` and
        ``GRU.from_torch`` take only their own kind. ``from_torch(*to_torch(m))``
        equals ``m`` exactly. See ``rnn_lib.torch_bridge.read_torch``.
        """
        from .torch_bridge import read_torch
        cell, V, O, H, weights = read_torch(rnn, linear)
        if cls is not RNN and cell != cls.CELL:
            raise TypeError(f"{cls.__name__}.from_torch takes a torch.nn.{cls.__name__}, got {type(rnn).__name__}: "
                            f"use rnn_lib.from_torch for any kind")
        model = MODELS[cell](V, O, H, rng=0)
        for name, value in weights.items():
            model.params[name] = value
        return model

    # --- checks at the entrance -------------------------------------------------------------
    def inputs_to_columns(self, inputs):
        """Validate ``inputs`` and return them as (V, 1) float64 columns (a tuple).

        ``inputs`` is a non-empty list of (V, 1) columns of finite numbers
        (one-hot, as the article's ``createInputs`` makes), or a non-empty
        sequence of word indices in ``0..V-1``. What this returns is accepted
        by ``forward`` and ``loss`` without a second check.
        """
        return checks.input_columns(inputs, self.input_size)

    def initial_state(self, h0=None):
        """The state before the first word: the cell's zeros, with h_0 = ``h0`` (H, 1) if given (checked).

        ``h0`` may also be a whole state, a tuple like ``zero_state``'s (for the
        LSTM ``(h_0, c_0)``), each entry (H, 1).
        """
        state = self.cell.zero_state(self.hidden_size)
        if h0 is None:
            return state
        shape = (self.hidden_size, 1)
        if isinstance(h0, tuple):
            if len(h0) != len(state):
                raise ValueError(f"h0 as a tuple must be the whole state, {len(state)} arrays of shape {shape} "
                                 f"for this cell, got {len(h0)}")
            return tuple(checks.finite_array(s, f"h0[{k}]", shape) for k, s in enumerate(h0))
        return (checks.finite_array(h0, "h0", shape),) + tuple(state[1:])

    # --- the model ----------------------------------------------------------------------------
    def output(self, h):
        """The output head: scores ``y = Why @ h + by``, (O, 1) for h (H, 1), or (O, N) for N columns."""
        return self.params["Why"] @ h + self.params["by"]

    def _forward(self, xs, state0, weights):
        states, caches = unroll(self.cell, self.params, xs, state0)
        self._last = _Forward(xs, states, caches, weights)
        h = states[-1][0]
        return self.output(h), h

    def _backward(self, d_y):
        last = self._last
        h_T = last.states[-1][0]
        d_hs = np.zeros((len(last.xs),) + h_T.shape)  # only h_T feeds the output; (T, H, 1), or (T, H, B)
        d_hs[-1] = self.params["Why"].T @ d_y
        cell_grads, d_states = bptt(self.cell, self.params, last.caches, d_hs)
        head = {"Why": d_y @ h_T.T, "by": d_y.sum(axis=1, keepdims=True)}  # summed over B columns, if any
        grads = {name: cell_grads[name] if name in cell_grads else head[name] for name in self.shapes}
        return grads, d_states

    def forward(self, inputs, h0=None):
        """Run the sequence through the network and remember what ``backward`` needs.

        Args:
            inputs: list of T one-hot (V, 1) columns, or a sequence of T word indices.
            h0: optional (H, 1) initial hidden state; zeros by default.
        Returns:
            ``(y, h)``: the (O, 1) output scores (logits) and the (H, 1) last hidden state h_T.
        """
        return self._forward(self.inputs_to_columns(inputs), self.initial_state(h0), self._flat.tobytes())

    def backward(self, d_y, return_hidden_grads=False):
        """Backpropagation through time for the last ``forward``.

        Args:
            d_y: (O, 1) gradient of the loss with respect to y (``p - onehot(c)``
                for softmax with cross-entropy).
            return_hidden_grads: also return ``d_hs``, shape (T+1, H, 1), where
                ``d_hs[t]`` is dL/dh_t (``d_hs[0]`` is the gradient for h_0).
        Returns:
            ``grads``, a dict keyed "Wxh", "Whh", "Why", "bh", "by" with arrays of
            the parameters' shapes, or ``(grads, d_hs)``. The weights are not changed.

        The weights must be those of the last ``forward``: after an update
        (``sgd_step``) or any change of ``flat``, run ``forward`` again.
        """
        if self._last is None:
            raise RuntimeError("backward() called before forward(): run forward(inputs) first")
        if self._last.weights is None:
            raise RuntimeError("backward() needs a forward(): loss() already returned this pass's gradients")
        if self._flat.tobytes() != self._last.weights:
            raise RuntimeError("the weights changed since the last forward() (an update or an in-place edit): "
                               "backward() would mix the old hidden states with the new weights; "
                               "run forward(inputs) again first")
        d_y = checks.finite_array(d_y, "d_y", (self.output_size, 1), ", the shape of y")
        grads, d_states = self._backward(d_y)
        if return_hidden_grads:
            return grads, np.array([d[0] for d in d_states])
        return grads

    def loss(self, inputs, target, h0=None):
        """Softmax cross-entropy loss of one sequence and its gradients, in one call (CS231n's ``loss``).

        Args:
            inputs, h0: as for ``forward``; target: the true class c (an int;
                ``True`` counts as 1).
        Returns:
            ``(loss, grads)``: the float ``-ln p_c`` and the gradients, keyed as
            ``backward``'s. ``last_probs`` keeps p, (O, 1); the weights are not changed.
        """
        xs = self.inputs_to_columns(inputs)
        c = checks.class_index(target, self.output_size)
        y, _ = self._forward(xs, self.initial_state(h0), None)
        loss, self.last_probs, d_y = softmax_cross_entropy(y, c)
        return loss, self._backward(d_y)[0]

    @property
    def last_hs(self):
        """Hidden states of the last forward, shape (T+1, H, 1): ``last_hs[0]`` is h_0."""
        if self._last is None:
            raise RuntimeError("no forward pass yet: call forward(inputs) first")
        return np.array([s[0] for s in self._last.states])

    @property
    def last_xs(self):
        """The inputs of the last forward as (V, 1) columns, x_1..x_T (a tuple)."""
        if self._last is None:
            raise RuntimeError("no forward pass yet: call forward(inputs) first")
        return self._last.xs


class LSTM(RNN):
    """The many-to-one classifier with the LSTM cell (``rnn_lib.cells.LSTMCell``): ``RNN`` with ``cell="lstm"``.

    Parameters (V words, H hidden units, O outputs), the gates stacked i, f, g, o:
    Wx (4H, V), Wh (4H, H), Why (O, H), bx (4H, 1), bh (4H, 1), by (O, 1).
    The state is ``(h, c)``; ``forward`` returns ``(y, h_T)``, and ``h0`` may be
    an (H, 1) h_0 (c_0 zeros) or the tuple ``(h_0, c_0)``.
    """

    CELL = "lstm"

    def __init__(self, input_size, output_size, hidden_size=HIDDEN_SIZE, rng=None, init="article"):
        super().__init__(input_size, output_size, hidden_size, rng=rng, init=init, cell=self.CELL)


class GRU(RNN):
    """The many-to-one classifier with the GRU cell (``rnn_lib.cells.GRUCell``): ``RNN`` with ``cell="gru"``.

    Parameters (V words, H hidden units, O outputs), the gates stacked r, z, n:
    Wx (3H, V), Wh (3H, H), Why (O, H), bx (3H, 1), bh (3H, 1), by (O, 1).
    """

    CELL = "gru"

    def __init__(self, input_size, output_size, hidden_size=HIDDEN_SIZE, rng=None, init="article"):
        super().__init__(input_size, output_size, hidden_size, rng=rng, init=init, cell=self.CELL)


#: The model classes by cell name; ``make_model`` and ``load`` build through it.
MODELS = {"rnn": RNN, "lstm": LSTM, "gru": GRU}


def make_model(input_size, output_size, hidden_size=HIDDEN_SIZE, rng=None, init="article", cell="rnn"):
    """A new model for ``cell``: an ``RNN``, ``LSTM`` or ``GRU`` for a name in ``MODELS``, else ``RNN(cell=cell)``."""
    if isinstance(cell, str) and cell in MODELS:
        return MODELS[cell](input_size, output_size, hidden_size, rng=rng, init=init)
    return RNN(input_size, output_size, hidden_size, rng=rng, init=init, cell=cell)

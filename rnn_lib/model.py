"""The vanilla many-to-one RNN, with the classic article's names and shapes.

    h_t = tanh(Wxh x_t + Whh h_{t-1} + bh)        t = 1..T, h_0 given (zeros by default)
    y   = Why h_T + by

Shapes (V words, H hidden units, O outputs):
    Wxh (H, V), Whh (H, H), Why (O, H), bh (H, 1), by (O, 1),
    x_t (V, 1) one-hot column, h_t (H, 1), y (O, 1).

A time step is a forward/backward pair (``step_forward`` / ``step_backward``)
passing a cache; ``RNN.forward`` and ``RNN.backward`` chain them over the
sequence. ``backward`` returns gradients and never changes the weights:
updating them is the optimiser's job (``rnn_lib.optim``).
"""

import numpy as np

HIDDEN_SIZE = 64
#: The article's initialisation: standard normal weights divided by this.
ARTICLE_INIT_DIVISOR = 1000
DEFAULT_SEED = 0
PARAM_NAMES = ("Wxh", "Whh", "Why", "bh", "by")


def as_rng(rng):
    """``None`` (seed 0), an int seed or a ``np.random.Generator`` -> a Generator."""
    if rng is None:
        return np.random.default_rng(DEFAULT_SEED)
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    raise TypeError(f"rng must be None, an int seed or a numpy Generator, got {type(rng).__name__}")


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


class RNN:
    """A many-to-one vanilla RNN: a sequence of word vectors in, O scores out.

    Args:
        input_size: V, the vocabulary size.
        output_size: O, the number of classes (2 for positive/negative).
        hidden_size: H (64, as the article).
        rng: ``None`` (seed 0), an int seed or a ``np.random.Generator``, used
            for the initial weights.
        init: ``"article"`` (standard normal / 1000, biases zero), ``"xavier"``
            (normal with variance 2 / (fan_in + fan_out)), or a positive float
            ``s`` (standard normal times ``s``).

    The parameters are float64 views into one flat buffer, ``model.flat``, so an
    optimiser can clip and update all of them in one call. Assigning
    ``model.Whh = W`` copies ``W`` into the buffer (its shape is checked).
    """

    def __init__(self, input_size, output_size, hidden_size=HIDDEN_SIZE, rng=None, init="article"):
        for name, value in (("input_size", input_size), ("output_size", output_size), ("hidden_size", hidden_size)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{name} must be a positive int, got {value!r}")
        V, O, H = int(input_size), int(output_size), int(hidden_size)
        self.input_size, self.output_size, self.hidden_size = V, O, H
        self.shapes = {"Wxh": (H, V), "Whh": (H, H), "Why": (O, H), "bh": (H, 1), "by": (O, 1)}
        self.flat = np.zeros(sum(int(np.prod(s)) for s in self.shapes.values()))
        self.params = {}
        start = 0
        for name in PARAM_NAMES:
            n = int(np.prod(self.shapes[name]))
            self.params[name] = self.flat[start:start + n].reshape(self.shapes[name])
            start += n
        self._init_weights(as_rng(rng), init)
        self._cache = None

    def _init_weights(self, rng, init):
        for name in ("Wxh", "Whh", "Why"):
            shape = self.shapes[name]
            if isinstance(init, str) and init == "article":
                scale = 1 / ARTICLE_INIT_DIVISOR
            elif isinstance(init, str) and init == "xavier":
                scale = np.sqrt(2.0 / (shape[0] + shape[1]))
            elif isinstance(init, (int, float, np.floating)) and not isinstance(init, bool) and init > 0:
                scale = float(init)
            else:
                raise ValueError(f"init must be 'article', 'xavier' or a positive float scale, got {init!r}")
            self.params[name][...] = rng.standard_normal(shape) * scale

    def __repr__(self):
        return f"RNN(input_size={self.input_size}, output_size={self.output_size}, hidden_size={self.hidden_size})"

    def _get(name):  # noqa: N805 - property factory used in the class body
        def getter(self):
            return self.params[name]

        def setter(self, value):
            value = np.asarray(value, dtype=np.float64)
            if value.shape != self.shapes[name]:
                raise ValueError(f"{name} must have shape {self.shapes[name]}, got {value.shape}")
            self.params[name][...] = value

        return property(getter, setter, doc=f"The {name} parameter, shape as in ``self.shapes['{name}']``.")

    Wxh = _get("Wxh")
    Whh = _get("Whh")
    Why = _get("Why")
    bh = _get("bh")
    by = _get("by")
    del _get

    def copy(self):
        """An independent copy with the same weights."""
        other = RNN(self.input_size, self.output_size, self.hidden_size, rng=0)
        other.flat[...] = self.flat
        return other

    def inputs_to_columns(self, inputs):
        """Validate ``inputs`` and return them as a list of (V, 1) float64 columns.

        ``inputs`` is a non-empty list of (V, 1) columns (one-hot, as the
        article's ``createInputs`` makes), or a non-empty sequence of word
        indices in ``0..V-1``.
        """
        V = self.input_size
        if isinstance(inputs, (str, bytes)):
            raise TypeError("inputs must be word indices or one-hot columns, not text: "
                            "encode it first, e.g. vocab.encode(text)")
        if isinstance(inputs, np.ndarray) and inputs.ndim == 1:
            inputs = list(inputs)
        try:
            items = list(inputs)
        except TypeError:
            raise TypeError(f"inputs must be a sequence, got {type(inputs).__name__}") from None
        if not items:
            raise ValueError("inputs is an empty sequence: an RNN needs at least one time step")
        columns = []
        for t, item in enumerate(items):
            if isinstance(item, (int, np.integer)) and not isinstance(item, (bool, np.bool_)):
                if not 0 <= item < V:
                    raise ValueError(f"word index {item} at t={t + 1} is out of range 0..{V - 1}")
                col = np.zeros((V, 1))
                col[item, 0] = 1.0
            elif isinstance(item, np.ndarray):
                if item.shape != (V, 1):
                    raise ValueError(f"input x_{t + 1} has shape {item.shape}, expected a ({V}, 1) column "
                                     f"(input_size is {V})")
                col = item.astype(np.float64, copy=False)
            else:
                raise TypeError(f"input at t={t + 1} must be a word index (int) or a ({V}, 1) array, "
                                f"got {type(item).__name__}")
            columns.append(col)
        return columns

    def forward(self, inputs, h0=None):
        """Run the sequence through the network and remember what ``backward`` needs.

        Args:
            inputs: list of T one-hot (V, 1) columns, or a sequence of T word indices.
            h0: optional (H, 1) initial hidden state; zeros by default.
        Returns:
            ``(y, h)``: the (O, 1) output scores (logits) and the (H, 1) last hidden state h_T.
        """
        xs = self.inputs_to_columns(inputs)
        H = self.hidden_size
        if h0 is None:
            h = np.zeros((H, 1))
        else:
            h = np.asarray(h0, dtype=np.float64)
            if h.shape != (H, 1):
                raise ValueError(f"h0 must have shape ({H}, 1), got {h.shape}")
        hs = [h]
        caches = []
        for x in xs:
            h, cache = step_forward(x, h, self.Wxh, self.Whh, self.bh)
            hs.append(h)
            caches.append(cache)
        y = self.Why @ h + self.by
        self._cache = (caches, hs)
        return y, h

    @property
    def last_hs(self):
        """Hidden states of the last forward, shape (T+1, H, 1): ``last_hs[0]`` is h_0."""
        if self._cache is None:
            raise RuntimeError("no forward pass yet: call forward(inputs) first")
        return np.array(self._cache[1])

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
        """
        if self._cache is None:
            raise RuntimeError("backward() called before forward(): run forward(inputs) first")
        O = self.output_size
        d_y = np.asarray(d_y, dtype=np.float64)
        if d_y.shape != (O, 1):
            raise ValueError(f"d_y must have shape ({O}, 1), the shape of y, got {d_y.shape}")
        caches, hs = self._cache
        grads = {name: np.zeros(shape) for name, shape in self.shapes.items()}
        grads["Why"] = d_y @ hs[-1].T
        grads["by"] = d_y.copy()
        d_h = self.Why.T @ d_y
        d_hs = [d_h]
        for cache in reversed(caches):
            d_h, step_grads = step_backward(d_h, cache)
            for name, g in step_grads.items():
                grads[name] += g
            d_hs.append(d_h)
        if return_hidden_grads:
            return grads, np.array(d_hs[::-1])
        return grads

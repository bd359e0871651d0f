"""The contract every model of the library keeps: parameters, input layer, cell, time loop, head, batched loss.

A model is, from the bottom up (``rnn_lib.model.RNN`` and ``rnn_lib.lm.CharLM``
are both a ``SequenceModel``):

    x_t     = input layer(token_t)        ``OneHot``: column token_t of the identity, (V, B)
    state_t = cell(x_t, state_{t-1})      a cell from ``rnn_lib.cells`` looked up by name (``CELLS``)
    y       = Why h + by                  the head, on the last step (``head_on="last"``: a
                                          classifier) or on every step (``"every"``: a language model)

What a model offers (and all that training, gradient checking, saving and the
widgets use):

* ``model.flat``, ``model.params``, ``model.shapes``: float64 parameters,
  views into one flat buffer (``ParamModel``);
* ``model.cell``, ``model.input_layer``, ``model.head(h)``,
  ``model.head_backward(d_y, hs)``;
* ``model.batch_loss(batch, grads=True) -> (loss, grads, stats)`` on one
  batch of the model's own kind (the classifier's ``(idx, targets, mask)``,
  the language model's ``(inputs, targets, mask, state0)``): the summed loss,
  the gradients as a ``Grads`` (``{name: view}`` into ``grads.flat``, laid out
  as ``model.flat``; ``None`` when ``grads=False``) and ``stats``, a dict with
  ``"correct"`` (predictions whose argmax is right), ``"count"`` (how many
  predictions) and ``"state"`` (the state after the last step: truncated BPTT
  passes it as the next batch's ``state0``).

``rnn_lib.training.run_epochs`` with ``rnn_lib.training.ModelEngine`` and an
optimiser from ``rnn_lib.optim`` trains any model through ``batch_loss``.
"""

import numpy as np

from . import checks
from .cells import get_cell
from .sequence import bptt, unroll

#: The article's initialisation: standard normal weights divided by this.
ARTICLE_INIT_DIVISOR = 1000
DEFAULT_SEED = 0
#: The head's parameter names: ``y = Why h + by``.
HEAD = ("Why", "by")

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
        self._weight_names = tuple(weights)
        self._init_weights(as_rng(rng), init, self._weight_names)

    def reinitialise(self, rng=None, init="article"):
        """Draw fresh weights in place (biases back to zero), as a new model of this kind and cell would get them.

        ``rng``: ``None`` (seed 0), an int seed or a Generator; ``init`` as the
        constructor's. The buffer stays the same, so views and optimisers stay valid.
        """
        self._flat[...] = 0.0
        self._init_weights(as_rng(rng), init, self._weight_names)

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


class Grads(dict):
    """``{name: view}`` into one flat gradient ``flat``, laid out as the model's ``flat`` (what optimisers take)."""

    def __init__(self, shapes, flat=None):
        self.flat = np.zeros(sum(int(np.prod(s)) for s in shapes.values())) if flat is None else flat
        super().__init__(flat_views(self.flat, shapes))

    @classmethod
    def of(cls, shapes, grads):
        """A fresh ``Grads`` holding the arrays of the dict ``grads`` (keyed as ``shapes``)."""
        out = cls(shapes)
        for name, view in out.items():
            view[...] = grads[name]
        return out


class OneHot:
    """The input layer by default: token i becomes column i of the identity, x_t (V, B) for B sequences.

    An input layer has ``size`` (D, what the cell reads), ``shapes()`` (its
    parameters, drawn first at initialisation: none here) and
    ``columns(params, idx)``: (T, B) token indices -> (T, D, B) inputs for the
    cell, and ``backward(params, idx, caches, d_states)``: its parameters'
    gradients from the cell's caches and ``bptt``'s ``d_states``. A learned
    embedding is another input layer, with a parameter E (V, D).
    """

    def __init__(self, V):
        self.eye = np.eye(V)  # row i: the one-hot x for token i
        self.size = V

    def shapes(self):
        return {}

    def columns(self, params, idx):
        """(T, B) indices -> (T, V, B) one-hot columns."""
        return self.eye[idx].transpose(0, 2, 1)

    def backward(self, params, idx, caches, d_states):
        """No parameters, no gradients: ``{}``."""
        return {}


def one_hot(idx, V):
    """Token indices (T, B) -> (T, V, B) one-hot columns: the batching every model uses."""
    return np.eye(V)[idx].transpose(0, 2, 1)


class SequenceModel(ParamModel):
    """A cell between an input layer and an output head: the base of the classifier and the language model.

    A subclass calls ``_build(V, O, H, cell, rng, init)`` and sets
    ``head_on`` (``"last"`` or ``"every"``); it implements ``batch_loss``.
    """

    head_on = "last"

    def _build(self, V, O, H, cell, rng, init, input_layer=None):
        self.input_size, self.output_size, self.hidden_size = V, O, H
        self.cell = get_cell(cell)
        self.input_layer = OneHot(V) if input_layer is None else input_layer
        input_shapes = self.input_layer.shapes()
        cell_shapes = self.cell.shapes(self.input_layer.size, H)
        if (set(HEAD) | set(input_shapes)) & set(cell_shapes):
            raise ValueError(f"the cell's parameters {sorted(cell_shapes)} must not use the names of the "
                             f"output head, Why and by, nor the input layer's {sorted(input_shapes)}")
        biases = tuple(getattr(self.cell, "biases", ()))
        weights = {**input_shapes, **{n: s for n, s in cell_shapes.items() if n not in biases}}
        weights["Why"] = (O, H)
        # weights (drawn at initialisation, in this order), then biases (zeros): for the
        # vanilla cell Wxh, Whh, Why, bh, by, the article's order
        self._init_params({**weights, **{n: cell_shapes[n] for n in biases}, "by": (O, 1)}, rng, init, weights)

    @property
    def eye(self):
        """The identity whose row i is the one-hot input of token i."""
        return np.eye(self.input_size) if not isinstance(self.input_layer, OneHot) else self.input_layer.eye

    def zero_state(self, B=1):
        """The state before the first step for B sequences: the cell's zeros, each entry (H, B)."""
        return tuple(np.repeat(s, B, axis=1) for s in self.cell.zero_state(self.hidden_size))

    def columns(self, idx):
        """(T, B) token indices -> (T, V, B) inputs of the cell, through the input layer."""
        return self.input_layer.columns(self.params, idx)

    def run(self, xs, state0):
        """The cell over ``xs`` from ``state0``: ``(states, caches)`` as ``rnn_lib.sequence.unroll``."""
        return unroll(self.cell, self.params, xs, state0)

    def head(self, h):
        """The output head, ``y = Why @ h + by``: (O, B) for h (H, B), or (T, O, B) for (T, H, B)."""
        return self.params["Why"] @ h + self.params["by"]

    def head_backward(self, d_y, hs):
        """The head's backward: its gradients, and the gradient it sends into every h_t.

        On the last step (``head_on = "last"``): d_y (O, B) is dL/dy, hs the hidden
        states h_1..h_T (each (H, B)); only h_T feeds the output. On every step
        (``"every"``): d_y (T, O, B) holds dL/dy_t, hs (T, H, B), and every h_t
        feeds its own output. Returns ``(d_hs (T, H, B), {"Why": ..., "by": ...})``,
        the head's gradients summed over the steps and the B columns.
        """
        Why = self.params["Why"]
        if self.head_on == "every":
            d_hs = Why.T @ d_y  # the first path into every h_t: from its own output y_t
            return d_hs, {"Why": (d_y @ hs.transpose(0, 2, 1)).sum(axis=0), "by": d_y.sum(axis=(0, 2))[:, None]}
        h_T = hs[-1]
        d_hs = np.zeros((len(hs),) + h_T.shape)  # only h_T feeds the output
        d_hs[-1] = Why.T @ d_y
        return d_hs, {"Why": d_y @ h_T.T, "by": d_y.sum(axis=1, keepdims=True)}  # summed over B columns

    def backprop(self, caches, d_hs, head_grads, idx=None):
        """BPTT from the head's ``d_hs``: ``(grads {name: array} in the order of shapes, d_states)``.

        ``rnn_lib.sequence.bptt`` adds the second path into every h_t (through the
        next step). With ``idx`` (the (T, B) tokens read), an input layer with
        parameters (a learned embedding) adds its gradients too.
        """
        grads, d_states = bptt(self.cell, self.params, caches, d_hs)
        grads.update(head_grads)
        if idx is not None:
            grads.update(self.input_layer.backward(self.params, idx, caches, d_states))
        return {n: grads[n] for n in self.shapes}, d_states

    def batch_loss(self, batch, grads=True):
        """``(loss, grads, stats)`` of one batch; see the module's docstring."""
        raise NotImplementedError

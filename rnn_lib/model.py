"""The many-to-one RNN classifier, with the classic article's names and shapes.

    h_t = tanh(Wxh x_t + Whh h_{t-1} + bh)        t = 1..T, h_0 given (zeros by default)
    y   = Why h_T + by

Shapes (V words, H hidden units, O outputs):
    Wxh (H, V), Whh (H, H), Why (O, H), bh (H, 1), by (O, 1),
    x_t (V, 1) one-hot column, h_t (H, 1), y (O, 1).

The first line is the cell's (``rnn_lib.cells``, the vanilla cell by default);
the time loop is ``rnn_lib.sequence``'s; the parameters, the input layer and
the head ``y = Why h + by`` are the contract every model shares
(``rnn_lib.base.SequenceModel``). This module makes it a classifier: the head
reads h_T only, ``forward``/``backward``/``loss`` take one phrase with the
article's names (checked where they enter), and ``batch_loss`` takes B phrases
(the vanilla cell through its written-out kernel, ``rnn_lib.kernels``);
``batch_gradients`` is that batched loss for B phrases of any lengths, checked.
``LSTM`` and ``GRU`` are this same model with the LSTM or GRU cell fixed
(``MODELS`` maps a cell's name to its class).
``backward`` returns gradients and never changes the weights: updating them is
the optimiser's job (``rnn_lib.optim``).
"""

import numpy as np

from . import checks
from .base import Grads, SequenceModel
from .batching import pad_sequences
from .cells import RNNCell
from .kernels import VanillaKernel
from .losses import column_softmax_cross_entropy, rows_cross_entropy, rows_softmax_cross_entropy

HIDDEN_SIZE = 64
#: The vanilla model's parameters, in the order of ``model.flat``.
PARAM_NAMES = ("Wxh", "Whh", "Why", "bh", "by")


class _Forward:
    """What one forward pass leaves for ``backward``: inputs, states, step caches, and the weights it used."""

    __slots__ = ("xs", "states", "caches", "weights")

    def __init__(self, xs, states, caches, weights):
        self.xs, self.states, self.caches, self.weights = xs, states, caches, weights


class RNN(SequenceModel):
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
        self._build(V, O, H, cell, rng, init)  # for the vanilla cell: Wxh, Whh, Why, bh, by (PARAM_NAMES)
        self._last = None
        self._kernel = None
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
        return self.head(h)

    def _forward(self, xs, state0, weights):
        states, caches = self.run(xs, state0)
        self._last = _Forward(xs, states, caches, weights)
        h = states[-1][0]
        return self.head(h), h

    def _backward(self, d_y):
        last = self._last
        d_hs, head = self.head_backward(d_y, [s[0] for s in last.states[1:]])
        return self.backprop(last.caches, d_hs, head)

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
        loss, self.last_probs, grads = self.phrase_loss(xs, c, self.initial_state(h0))
        return loss, grads

    def phrase_loss(self, xs, c, state0=None):
        """``loss`` without its checks: ``(loss, p, grads)`` for columns ``xs`` (as ``inputs_to_columns``
        returns them), the class index c and the initial state (zeros by default); the teaching loop's step.
        """
        y, _ = self._forward(xs, self.zero_state() if state0 is None else state0, None)
        loss, p, d_y = column_softmax_cross_entropy(y, c)
        return loss, p, self._backward(d_y)[0]

    def scores(self, xs, state0=None):
        """The (O, 1) scores of one phrase given as checked columns ``xs``, without keeping anything for backward."""
        states, _ = self.run(xs, self.zero_state() if state0 is None else state0)
        return self.head(states[-1][0])

    # --- the batched path (rnn_lib.base's contract): B phrases at once --------------------------
    @property
    def kernel(self):
        """The written-out vectorised kernel for this cell (``rnn_lib.kernels.VanillaKernel``, vanilla), or ``None``."""
        if self._kernel is None and type(self.cell) is RNNCell:  # the vanilla cell itself, not a variant
            self._kernel = VanillaKernel(self)
        return self._kernel

    @property
    def takes_padding(self):
        """Whether ``batch_loss`` takes phrases of different lengths (left-padded, with a mask)."""
        return self.kernel is not None

    def batch_loss(self, batch, grads=True):
        """Summed loss, gradients and stats of B phrases: ``batch = (idx (L, B), targets (B,), mask or None)``.

        The vanilla cell runs the written-out kernel (``rnn_lib.kernels``), which
        also takes left-padded phrases with a (L, B, 1) mask; any cell whose
        steps take (H, B) columns runs the cell through ``rnn_lib.sequence``
        on phrases of one length. ``grads`` is a ``Grads`` laid out as ``flat``
        (``None`` with ``grads=False``); ``stats`` has ``correct`` and ``count``.
        """
        idx, targets, mask = batch
        kernel = self.kernel
        if kernel is not None:
            if not grads:
                loss, correct = kernel.loss(idx, targets, mask)
                return loss, None, {"correct": correct, "count": len(targets)}
            loss, correct = kernel.loss_and_grads(idx, targets, mask)
            return loss, kernel.grads(), {"correct": correct, "count": len(targets)}
        checks.general_batch(self.cell, mask)  # (H, B) columns, phrases of one length
        B = idx.shape[1]
        y, _ = self._forward(self.columns(idx), self.zero_state(B), None)
        if not grads:
            loss, correct = rows_cross_entropy(y.T, targets)
            return loss, None, {"correct": correct, "count": B}
        d_y = np.empty((B, y.shape[0]))
        loss, correct = rows_softmax_cross_entropy(y.T, targets, d_y)
        g, _ = self._backward(d_y.T)
        return loss, Grads.of(self.shapes, g), {"correct": correct, "count": B}

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


def batch_gradients(model, sequences, targets):
    """Summed loss and gradients of a batch of phrases of any lengths, computed in one vectorised pass.

    Args:
        model: an ``RNN`` with the vanilla cell; sequences: B sequences of word
        indices or one-hot (V, 1) columns (any lengths); targets: B classes (ints or bools).
    Returns:
        ``(loss, grads)``: the summed cross-entropy over the batch (float) and a
        dict of fresh arrays keyed like ``model.backward``'s, equal to the sum of
        the per-example gradients. The weights are not changed. The phrases are
        left-padded (``rnn_lib.batching.pad_sequences``) for ``model.batch_loss``.
    """
    seqs = [checks.one_hot_indices(model.inputs_to_columns(s), b) for b, s in enumerate(sequences, 1)]
    targets = np.asarray([int(t) for t in targets], dtype=np.int64)
    if len(targets) != len(seqs):
        raise ValueError(f"got {len(seqs)} sequences but {len(targets)} targets")
    if model.kernel is None:
        raise ValueError(f"batch_gradients pads phrases of any lengths, which only the vanilla cell's kernel "
                         f"takes; this model's cell is {model.cell!r}: use model.batch_loss on phrases of one length")
    idx, mask = pad_sequences(seqs)
    loss, grads, _ = model.batch_loss((idx, targets, mask))
    return loss, {name: g.copy() for name, g in grads.items()}


def make_model(input_size, output_size, hidden_size=HIDDEN_SIZE, rng=None, init="article", cell="rnn"):
    """A new model for ``cell``: an ``RNN``, ``LSTM`` or ``GRU`` for a name in ``MODELS``, else ``RNN(cell=cell)``."""
    if isinstance(cell, str) and cell in MODELS:
        return MODELS[cell](input_size, output_size, hidden_size, rng=rng, init=init)
    return RNN(input_size, output_size, hidden_size, rng=rng, init=init, cell=cell)

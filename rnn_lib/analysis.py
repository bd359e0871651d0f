"""Looking inside a network: its state after every word, and how gradients flow back in time.

These are the computations behind the course's figures and widgets, kept out of
the drawing code so that they can be tested and reused:

    step_outputs        h_t and the output probabilities "if the phrase ended at t", t = 0..T
    hidden_grad_norms   ||dL/dh_t|| for t = 0..T: vanishing (or exploding) gradients
    gate_values         a gated cell's gates and states after every word (LSTM: i, f, g, o, c, h)
    occlusion           P(positive) of a phrase with each word left out in turn
    hidden_states       every h_t (t = 1..T) of a list of phrases, stacked: what PCA is fitted on
    PCA2D, pca_2d       a 2-D projection of hidden states (principal components, by numpy's SVD)
    trajectory          the 2-D path h_0, h_1, ..., h_T of one phrase in such a projection
"""

from dataclasses import dataclass

import numpy as np

from .cells import CELLS
from .losses import softmax, softmax_cross_entropy
from .sequence import unroll
from .data.sentiment import POSITIVE


def step_outputs(model, inputs, h0=None):
    """Hidden states and output probabilities after every time step, t = 0..T.

    The network's weights are read, never changed, and the model's cache for
    ``backward`` is left as it was (the steps are run with ``rnn_lib.sequence.unroll``).

    Args:
        model: an ``RNN``.
        inputs: T one-hot (V, 1) columns or T word indices (as ``RNN.forward``).
        h0: optional (H, 1) initial state; zeros by default.
    Returns:
        ``(hs, probs)``: ``hs`` of shape (T+1, H), row t is h_t (row 0 is h_0);
        ``probs`` of shape (T+1, O), row t is ``softmax(Why h_t + by)``, the
        output the network would give if the phrase ended after word t (row 0:
        before reading any word). ``probs[-1]`` is the model's prediction.
    """
    states, _ = unroll(model.cell, model.params, model.inputs_to_columns(inputs), model.initial_state(h0))
    hs = np.concatenate([s[0] for s in states], axis=1).T  # (T+1, H)
    probs = softmax(model.output(hs.T)).T  # (T+1, O)
    return hs, probs


def hidden_grad_norms(model, inputs, target, h0=None):
    """``||dL/dh_t||`` for t = 0..T: the size of the loss gradient reaching each hidden state.

    Runs ``model.forward`` and ``model.backward`` (the weights are not changed)
    with the softmax cross-entropy loss of the true class ``target``. Going
    back in time each step multiplies the gradient by ``Whh.T`` and by
    ``1 - h_t**2``, so with small weights (or saturated tanh units) the norms
    shrink geometrically towards t = 0: vanishing gradients.

    For the LSTM and the GRU (any cell) this is the total gradient reaching
    h_t, through the gates and, for the LSTM, through the cell state too.

    Args:
        model: an ``RNN``, ``LSTM`` or ``GRU``.
        inputs: T one-hot (V, 1) columns or T word indices.
        target: the true class c (int; ``True`` counts as 1, positive).
        h0: optional (H, 1) initial state.
    Returns:
        A float64 array of shape (T+1,): entry t is the Euclidean norm of
        dL/dh_t (entry 0 is the gradient for h_0, entry T for the last state).
    """
    y, _ = model.forward(inputs, h0)
    _, _, d_y = softmax_cross_entropy(y, target)
    _, d_hs = model.backward(d_y, return_hidden_grads=True)
    return np.linalg.norm(d_hs[:, :, 0], axis=1)


def gate_names(cell):
    """What ``gate_values`` returns for ``cell``, in order: its gates (as stacked in the weights), then its
    state's entries with h last; read from the cell's ``GATES`` and ``STATE`` (``rnn_lib.cells``)."""
    state = tuple(getattr(cell, "STATE", ("h",)))
    return tuple(getattr(cell, "GATES", ())) + tuple(s for s in state if s != "h") + ("h",)


#: The quantities ``gate_values`` returns for each of the library's cells.
GATE_NAMES = {name: gate_names(cls) for name, cls in CELLS.items()}
#: The values that lie in [0, 1] (outputs of the logistic function σ); the others lie in [-1, 1]
#: (tanh outputs), except the LSTM's cell state c, which is unbounded.
SIGMOID_GATES = ("i", "f", "o", "r", "z")


def gate_values(model, inputs, h0=None):
    """Every gate's values and the states after every word, t = 1..T, for a vanilla, LSTM or GRU model.

    The weights are read, never changed, and the model's cache for ``backward``
    is left as it was (the steps are run with ``rnn_lib.sequence.unroll``).

    Args:
        model: an ``RNN``, ``LSTM`` or ``GRU``, or a model of any cell that names its
            ``GATES``, ``STATE`` and ``CACHE`` entries.
        inputs: T one-hot (V, 1) columns or T word indices (as ``forward``).
        h0: optional initial state, as ``forward``'s.
    Returns:
        ``{name: (T, H) array}``, row t - 1 the value at step t, in the order of
        ``GATE_NAMES[cell]``: for the LSTM the input, forget and output gates
        i, f, o and the candidate g, then the cell state c and h; for the GRU
        the reset and update gates r, z, the candidate n, then h; for the
        vanilla cell only h.
    """
    cell = model.cell
    names = gate_names(cell)
    fields, state = tuple(getattr(cell, "CACHE", ())), tuple(getattr(cell, "STATE", ("h",)))
    missing = [g for g in names if g not in state and g not in fields]
    missing = missing or ([] if hasattr(cell, "STATE") else ["STATE"])
    if missing:
        raise ValueError(f"gate_values reads a cell's GATES, STATE and CACHE names; this model's cell "
                         f"{cell!r} does not name {', '.join(missing)}")
    states, caches = unroll(cell, model.params, model.inputs_to_columns(inputs), model.initial_state(h0))
    values = {}
    for gate in names:
        if gate in state:
            column = [s[state.index(gate)] for s in states[1:]]
        else:
            column = [cache[fields.index(gate)] for cache in caches]
        values[gate] = np.concatenate(column, axis=1).T.copy()  # (T, H)
    return values


def _p_positive(model, indices):
    return float(step_outputs(model, indices)[1][-1, POSITIVE])


def occlusion(model, vocab, text):
    """P(positive) of ``text``, and of ``text`` with each of its words left out in turn.

    Leaving a word out and watching the prediction move shows which words the
    decision rests on: a word whose removal changes nothing was ignored.

    Args:
        model: a two-class ``RNN`` (negative, positive); its weights are only read.
        vocab: the ``Vocabulary`` that reads ``text`` (unknown words raise its ValueError).
        text: the phrase.
    Returns:
        ``(words, p, p_without)``: the T words as the vocabulary reads them,
        P(positive) of the whole phrase (float), and a (T,) float array whose
        entry t is P(positive) of the phrase without word t (NaN for a
        one-word phrase, which leaves nothing to read).
    """
    indices = list(vocab.encode(text))
    words = vocab.decode(indices).split()
    p_without = np.full(len(indices), np.nan)
    for t in range(len(indices)):
        rest = indices[:t] + indices[t + 1:]
        if rest:
            p_without[t] = _p_positive(model, rest)
    return words, _p_positive(model, indices), p_without


def hidden_states(model, vocab, texts):
    """Every hidden state h_t, t = 1..T, of every phrase in ``texts``, stacked as rows: (sum of T, H).

    ``h_0`` (zeros for every phrase) is left out, so that it does not weigh on
    a projection fitted to these rows.
    """
    texts = list(texts)
    if not texts:
        raise ValueError("texts is empty: give at least one phrase")
    return np.concatenate([step_outputs(model, vocab.encode(t))[0][1:] for t in texts], axis=0)


@dataclass(frozen=True)
class PCA2D:
    """A projection of H-dimensional hidden states onto their two principal directions.

    Attributes:
        mean: (H,) the mean of the states it was fitted on (subtracted first).
        axes: (2, H) unit rows, the first two principal directions (the right
            singular vectors of the centred states), each signed so that its
            largest entry in absolute value is positive (the same axes every run).
        explained: (2,) the fraction of the states' variance along each axis.
    """

    mean: np.ndarray
    axes: np.ndarray
    explained: np.ndarray

    def __call__(self, states):
        """States (n, H), or one state (H,), -> their coordinates (n, 2) or (2,)."""
        states = np.asarray(states, dtype=np.float64)
        if states.shape[-1] != self.mean.shape[0]:
            raise ValueError(f"states have {states.shape[-1]} units, the projection was fitted on "
                             f"{self.mean.shape[0]}")
        return (states - self.mean) @ self.axes.T


def pca_2d(states):
    """Fit a ``PCA2D`` to ``states`` (n, H), n >= 2, by the SVD of the centred states (``np.linalg.svd``)."""
    states = np.asarray(states, dtype=np.float64)
    if states.ndim != 2 or states.shape[0] < 2 or states.shape[1] < 2:
        raise ValueError(f"states must be (n, H) with n >= 2 and H >= 2, got shape {states.shape}")
    mean = states.mean(axis=0)
    _, s, vt = np.linalg.svd(states - mean, full_matrices=False)
    axes = vt[:2].copy()
    signs = np.sign(axes[np.arange(2), np.argmax(np.abs(axes), axis=1)])
    axes *= signs[:, None]
    variance = s ** 2
    total = variance.sum()
    explained = variance[:2] / total if total > 0 else np.zeros(2)
    return PCA2D(mean, axes, explained)


def trajectory(model, vocab, text, projection):
    """The path of one phrase in a 2-D projection: ``(words, points (T+1, 2), P(positive) after each word)``.

    Row 0 of ``points`` is h_0 (the start, the same for every phrase), row t is
    h_t after word t; the probabilities are those of ``step_outputs`` (T+1,).
    """
    indices = vocab.encode(text)
    hs, probs = step_outputs(model, indices)
    return vocab.decode(indices).split(), projection(hs), probs[:, POSITIVE]

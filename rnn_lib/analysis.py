"""Looking inside a network: its state after every word, and how gradients flow back in time.

These are the computations behind the course's figures and widgets, kept out of
the drawing code so that they can be tested and reused:

    step_outputs        h_t and the output probabilities "if the phrase ended at t", t = 0..T
    hidden_grad_norms   ||dL/dh_t|| for t = 0..T: vanishing (or exploding) gradients
"""

import numpy as np

from .losses import softmax, softmax_cross_entropy
from .sequence import unroll


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

    Args:
        model: an ``RNN``.
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

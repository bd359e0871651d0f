r"""A learned embedding layer: each character's input is a row of a trained table E, not a one-hot column.

With a one-hot input x_t = e_{w_t} (V, 1), the first product of the cell,
``Wxh @ x_t``, only picks column w_t of Wxh: a V-symbol alphabet costs H * V
input weights, one H-vector per symbol. An embedding puts a smaller table in
front of the cell (CS231n's ``word_embedding_forward``, makemore's ``C[ix]``,
PyTorch's ``nn.Embedding``):

    x_t = E[w_t]            E (V, D), one learned D-vector per symbol, D < V
    h_t = tanh(Wxh x_t + Whh h_{t-1} + bh)      Wxh now (H, D)

The lookup is a product with the one-hot, ``E[w] = E^T e_w``, so its backward
is ``dE = sum_t e_{w_t} dx_t^T``: the gradient of row w is the sum of dx_t over
every step that read w. Written as a scatter, ``np.add.at(dE, idx, dx)``.
``dE[idx] += dx`` is *not* the same when a symbol repeats in ``idx``: numpy
runs it as ``dE[idx] = dE[idx] + dx``, which writes a repeated row once per
occurrence, each write from the old value, so the last one wins and the
others' gradients are lost (notebook 6 shows the difference).

Shapes follow the language model (``rnn_lib.lm``): ``idx`` (T, B) time-major
indices, inputs as columns ``xs`` (T, D, B).
"""

import numpy as np

from .cells import RNNCell

#: Where the vanilla cell's step cache keeps h_t.
_H = RNNCell.CACHE.index("h")


def embedding_forward(E, idx):
    """The lookup x_t = E[w_t] for a batch: ``(xs, cache)``.

    Args:
        E: (V, D) the embedding table, one row per symbol.
        idx: (T, B) int indices in 0..V-1 (time-major, as ``rnn_lib.batching.pad_names``).
    Returns:
        ``xs`` (T, D, B): step t's inputs as B columns, and the cache
        ``(idx, V)`` for ``embedding_backward``.
    """
    idx = np.asarray(idx)
    return E[idx].transpose(0, 2, 1), (idx, E.shape[0])


def embedding_backward(d_xs, cache):
    """dL/dE from dL/dxs (T, D, B): row w is the sum of the d_x columns of every step that read w.

    Args:
        d_xs: (T, D, B) gradient of the loss with respect to ``embedding_forward``'s xs.
        cache: from ``embedding_forward``.
    Returns:
        ``dE`` (V, D). ``np.add.at`` adds once per occurrence, so a symbol read
        at several steps (or by several names) gets all of their gradients.
    """
    idx, V = cache
    d_xs = np.asarray(d_xs, dtype=np.float64)
    dE = np.zeros((V, d_xs.shape[1]))
    np.add.at(dE, idx, d_xs.transpose(0, 2, 1))  # dE[idx[t, b]] += d_xs[t, :, b], repeats included
    return dE


def vanilla_input_grads(Wxh, hs, d_hs):
    """dL/dx_t of the vanilla cell at every step: ``Wxh^T da_t`` with ``da_t = (1 - h_t^2) * dL/dh_t``.

    Args:
        Wxh: (H, D); hs: (T, H, B) the states h_1..h_T; d_hs: (T, H, B) the
            total gradient reaching each h_t (both paths: ``rnn_lib.sequence.bptt``'s
            ``d_states[1:]``).
    Returns:
        (T, D, B): the gradient reaching each step's input x_t.
    """
    return Wxh.T @ ((1 - hs**2) * d_hs)


class Embedding:
    """The embedding as a model's input layer (``rnn_lib.base``): a parameter E (V, D), columns E[w_t] (D, B).

    ``CharLM(embed_dim=D)`` builds its model with it in place of the one-hot
    layer; the cell then reads D inputs. Its backward needs dL/dx_t, which it
    computes for the vanilla cell (``vanilla_input_grads``), the only cell it serves.
    """

    def __init__(self, V, D):
        self.vocab_size, self.size = V, D

    def shapes(self):
        return {"E": (self.vocab_size, self.size)}

    def columns(self, params, idx):
        """(T, B) indices -> (T, D, B): the rows of E as columns."""
        return embedding_forward(params["E"], idx)[0]

    def backward(self, params, idx, caches, d_states):
        """``{"E": dL/dE}``: dx_t = Wxh^T da_t through the vanilla cell, scattered into the rows read (idx (T, B)).

        ``caches`` are the vanilla cell's steps (``rnn_lib.sequence.unroll``'s),
        ``d_states`` ``rnn_lib.sequence.bptt``'s: ``d_states[t][0]`` the total dL/dh_t.
        """
        hs = np.stack([c[_H] for c in caches])  # h_1..h_T, (T, H, B)
        d_xs = vanilla_input_grads(params["Wxh"], hs, np.stack([d[0] for d in d_states[1:]]))
        return {"E": embedding_backward(d_xs, (idx, self.vocab_size))}


__all__ = ["Embedding", "embedding_backward", "embedding_forward", "vanilla_input_grads"]

r"""Additive (Bahdanau) attention: a forward/backward layer pair, derived line by line.

A decoder that reads only the encoder's last state must squeeze the whole input
into H numbers. With attention, the decoder looks back at *every* encoder state
h_1..h_T at each of its own steps t, and reads a weighted average of them, the
context c_t, with weights it computes from its previous state s_{t-1}
(Bahdanau, Cho and Bengio, 2015, "Neural machine translation by jointly
learning to align and translate"):

    k_j   = U_a h_j                       (A, 1)  the key of encoder step j, j = 1..T
    q     = W_a s_{t-1}                   (A, 1)  the query of decoder step t
    z_j   = tanh(q + k_j)                 (A, 1)
    e_j   = v^T z_j                       scalar  the score of step j
    α_j   = exp(e_j) / Σ_k exp(e_k)       scalar  softmax over the encoder steps j (masked ones get 0)
    c_t   = Σ_j α_j h_j                   (H, 1)  the context

Parameters (H encoder units, S decoder units, A attention units):

    Wa (A, S),   Ua (A, H),   v (A, 1)

Layout: column vectors, as every step of ``rnn_lib.cells``; B sequences at
once are B columns, the batched path of the cells and of the language model
(``rnn_lib.lm``): s_{t-1} (S, B), the encoder states time-major hs (T, H, B)
(``np.stack([state[0] for state in states[1:]])`` from ``rnn_lib.sequence.unroll``),
the mask (T, B) (1 on real steps, 0 on padding, as ``rnn_lib.batching.pad_names``),
the weights α (T, B): each column sums to 1 over the T steps, and is the
column of the attention map for one output character. Gradients of the
parameters are summed over the B columns, as the cells' are.

A padded step j gets the score e_j = -inf, so α_j = exp(-inf) = 0 exactly:
it adds nothing to the context and, below, receives no gradient.

Backward. Given d_c = dL/dc_t (H, 1), through the lines above from the last
to the first (one column; every line is summed over the columns for the
parameters' gradients):

    d_α_j = h_j^T d_c                                  c_t = Σ_j α_j h_j is linear in α_j ...
    d_h_j = α_j d_c                                    ... and in h_j: the first path into h_j
    d_e_j = α_j (d_α_j - Σ_k α_k d_α_k)                the softmax's Jacobian, ∂α_k/∂e_j = α_k (δ_jk - α_j)
    d_v   = Σ_j d_e_j z_j                              e_j = v^T z_j
    d_z_j = v d_e_j
    d_a_j = d_z_j ⊙ (1 - z_j²)                         through the tanh, at its input a_j = q + k_j
    d_q   = Σ_j d_a_j                                  q is added at every j
    d_k_j = d_a_j
    d_W_a = d_q s_{t-1}^T,     d_s = W_a^T d_q         q = W_a s_{t-1}
    d_U_a = Σ_j d_k_j h_j^T,   d_h_j += U_a^T d_k_j    k_j = U_a h_j: the second path into h_j

At a masked step α_j = 0, so d_h_j's first path and d_e_j are 0, hence d_k_j
= 0 and d_h_j = 0 exactly.

The keys k_j do not depend on the decoder step: a decoder computes them once
per input (``keys_forward``), runs ``attend_forward`` at every one of its
steps, adds up the d_k from every ``attend_backward`` and passes the sum once
through ``keys_backward``. ``attention_forward``/``attention_backward`` are the
two composed, the whole layer for one decoder step (what the tests check
against finite differences and PyTorch's autograd).
"""

import numpy as np

from .losses import softmax

#: The attention parameters, in the order ``shapes`` lists them.
PARAMS = ("Wa", "Ua", "v")


def shapes(H, S, A):
    """The parameters' shapes for H encoder units, S decoder units and A attention units."""
    return {"Wa": (A, S), "Ua": (A, H), "v": (A, 1)}


def check_inputs(params, s_prev, hs, mask=None):
    """One-line ``ValueError`` for shapes that do not fit, or a sequence whose every step is masked.

    For arrays made outside the library (your own experiments with these
    functions); ``Seq2Seq`` builds its arrays itself and does not call it, and
    no step calls it.
    Returns the mask as a float64 (T, B) array, or ``None``.
    """
    Wa, Ua, v = (np.asarray(params[n]) for n in PARAMS)
    A = v.shape[0]
    if v.shape != (A, 1) or Wa.ndim != 2 or Ua.ndim != 2 or Wa.shape[0] != A or Ua.shape[0] != A:
        raise ValueError(f"attention parameters must be Wa (A, S), Ua (A, H), v (A, 1), "
                         f"got {Wa.shape}, {Ua.shape}, {v.shape}")
    S, H = Wa.shape[1], Ua.shape[1]
    s_prev, hs = np.asarray(s_prev), np.asarray(hs)
    if s_prev.ndim != 2 or s_prev.shape[0] != S:
        raise ValueError(f"s_prev must be the decoder state, ({S}, B) columns, got shape {s_prev.shape}")
    B = s_prev.shape[1]
    if hs.ndim != 3 or hs.shape[0] < 1 or hs.shape[1:] != (H, B):
        raise ValueError(f"hs must be the encoder states, time-major (T, {H}, {B}), got shape {hs.shape}")
    if mask is None:
        return None
    m = np.asarray(mask, dtype=np.float64)
    if m.shape != (hs.shape[0], B):
        raise ValueError(f"mask must be ({hs.shape[0]}, {B}), one row per encoder step, got shape {m.shape}")
    if not np.isin(m, (0.0, 1.0)).all():
        raise ValueError("mask must hold 1 (a real step) and 0 (padding) only, got "
                         f"{sorted(set(np.unique(m).tolist()) - {0.0, 1.0})[:3]}")
    if not m.any(axis=0).all():
        raise ValueError("mask leaves a sequence with no step to attend to: every column needs a 1")
    return m


def keys_forward(params, hs):
    """The keys k_j = U_a h_j of every encoder step: ``(keys, cache)``, keys (T, A, B)."""
    return params["Ua"] @ hs, (params["Ua"], hs)


def keys_backward(d_keys, cache):
    """``(d_hs, {"Ua": ...})`` from d_keys (T, A, B): d_h_j = U_a^T d_k_j, d_U_a = Σ_j d_k_j h_j^T."""
    Ua, hs = cache
    d_Ua = np.tensordot(d_keys, hs, axes=([0, 2], [0, 2]))  # Σ over steps j and columns: one matrix product
    return Ua.T @ d_keys, {"Ua": d_Ua}


def attend_forward(params, s_prev, hs, keys, mask=None):
    """One decoder step's attention from precomputed keys.

    Args:
        params: ``{"Wa": (A, S), "v": (A, 1), ...}``; s_prev: (S, B) the
            decoder's previous state s_{t-1}; hs: (T, H, B) the encoder states;
            keys: (T, A, B) from ``keys_forward``; mask: optional (T, B), 1 on
            real steps and 0 on padding.
    Returns:
        ``(context, alphas, cache)``: the context c_t (H, B); the weights
        α (T, B), each column summing to 1 (0 on padded steps).
    """
    q = params["Wa"] @ s_prev  # (A, B)
    z = np.tanh(q + keys)  # (T, A, B)
    e = np.einsum("a,tab->tb", params["v"][:, 0], z)  # (T, B): e_j = v^T z_j
    if mask is not None:
        e = np.where(mask > 0, e, -np.inf)
    alphas = softmax(e)  # over axis 0, the encoder steps: the library's one softmax
    context = np.einsum("tb,thb->hb", alphas, hs)  # c_t = Σ_j α_j h_j
    return context, alphas, (params["Wa"], params["v"], s_prev, hs, z, alphas)


def attend_backward(d_context, cache):
    """Backward through ``attend_forward``: ``(d_s, d_hs, d_keys, grads)``, grads ``{"Wa", "v"}``.

    d_context: (H, B), dL/dc_t. d_hs (T, H, B) holds the context's path only
    (α_j d_c); the keys' path comes through d_keys (T, A, B) and ``keys_backward``.
    """
    Wa, v, s_prev, hs, z, alphas = cache
    d_alphas = np.einsum("thb,hb->tb", hs, d_context)  # d_α_j = h_j^T d_c
    d_hs = alphas[:, None, :] * d_context[None]  # d_h_j = α_j d_c
    d_e = alphas * (d_alphas - (alphas * d_alphas).sum(axis=0, keepdims=True))  # softmax backward
    d_v = np.einsum("tb,tab->a", d_e, z)[:, None]  # d_v = Σ_j d_e_j z_j
    d_a = v[None] * d_e[:, None, :] * (1 - z**2)  # d_z_j = v d_e_j, then through the tanh
    d_q = d_a.sum(axis=0)  # (A, B)
    grads = {"Wa": d_q @ s_prev.T, "v": d_v}
    return Wa.T @ d_q, d_hs, d_a, grads


def attention_forward(params, s_prev, hs, mask=None):
    """The whole layer for one decoder step: keys, scores, weights and context.

    Args:
        params: ``{"Wa": (A, S), "Ua": (A, H), "v": (A, 1)}``; s_prev: (S, B);
            hs: (T, H, B); mask: optional (T, B) of 1 (real) and 0 (padding).
    Returns:
        ``(context, alphas, cache)``: c_t (H, B) and α (T, B).
    """
    keys, k_cache = keys_forward(params, hs)
    context, alphas, a_cache = attend_forward(params, s_prev, hs, keys, mask)
    return context, alphas, (k_cache, a_cache)


def attention_backward(d_context, cache):
    """Backward through ``attention_forward``: ``(d_s, d_hs, grads)``.

    d_context: (H, B). Returns d_s (S, B), d_hs (T, H, B) (both paths into
    every h_j) and ``{"Wa": (A, S), "Ua": (A, H), "v": (A, 1)}``, summed over
    the B columns.
    """
    k_cache, a_cache = cache
    d_s, d_hs, d_keys, grads = attend_backward(d_context, a_cache)
    d_hs_keys, k_grads = keys_backward(d_keys, k_cache)
    return d_s, d_hs + d_hs_keys, {"Wa": grads["Wa"], "Ua": k_grads["Ua"], "v": grads["v"]}

"""Notebook 09's checkers: additive attention forward and backward.

A table of learners' answers: right ones (the notebook's, float32, einsum or loops) pass; wrong
ones fail with the hint naming the mistake.
"""

import numpy as np
import pytest

from rnn_lib import exercises as ex
from rnn_lib.exercises import NotWritten, use


# --------------------------------------------------------------------------------------------------
# Learners' forwards

def attention_forward(s_prev, hs, P, mask=None):  # notebook 9's solution
    q = P["Wa"] @ s_prev
    z = np.tanh(q + P["Ua"] @ hs)
    e = (P["v"].T @ z)[:, 0, :]
    if mask is not None:
        e = np.where(mask > 0, e, -np.inf)
    w = np.exp(e - e.max(axis=0, keepdims=True))
    alphas = w / w.sum(axis=0, keepdims=True)
    context = (alphas[:, None, :] * hs).sum(axis=0)
    return context, alphas, (s_prev, hs, z, alphas)


def forward_float32(s_prev, hs, P, mask=None):
    c, a, cache = attention_forward(s_prev.astype(np.float32), hs.astype(np.float32),
                                    {k: v.astype(np.float32) for k, v in P.items()}, mask)
    return c, a, cache


def forward_loops(s_prev, hs, P, mask=None):  # one column and one step at a time
    T, H, B = hs.shape
    context, alphas, z = np.zeros((H, B)), np.zeros((T, B)), np.zeros((T, P["v"].shape[0], B))
    for b in range(B):
        scores = []
        for j in range(T):
            z[j, :, b] = np.tanh(P["Wa"] @ s_prev[:, b] + P["Ua"] @ hs[j, :, b])
            scores.append(float(P["v"][:, 0] @ z[j, :, b]) if mask is None or mask[j, b] else -np.inf)
        w = np.exp(np.array(scores) - max(scores))
        alphas[:, b] = w / w.sum()
        context[:, b] = alphas[:, b] @ hs[:, :, b]
    return context, alphas, (s_prev, hs, z, alphas)


def _forward_edit(change):
    def fn(s_prev, hs, P, mask=None):
        return change(s_prev, hs, P, mask)
    return fn


def forward_no_tanh(s_prev, hs, P, mask=None):
    z = P["Wa"] @ s_prev + P["Ua"] @ hs
    e = (P["v"].T @ z)[:, 0, :]
    if mask is not None:
        e = np.where(mask > 0, e, -np.inf)
    w = np.exp(e - e.max(axis=0, keepdims=True))
    a = w / w.sum(axis=0, keepdims=True)
    return (a[:, None, :] * hs).sum(axis=0), a, (s_prev, hs, np.tanh(z), a)


def forward_softmax_over_columns(s_prev, hs, P, mask=None):
    z = np.tanh(P["Wa"] @ s_prev + P["Ua"] @ hs)
    e = (P["v"].T @ z)[:, 0, :]
    w = np.exp(e - e.max(axis=1, keepdims=True))
    a = w / w.sum(axis=1, keepdims=True)
    return (a[:, None, :] * hs).sum(axis=0), a, (s_prev, hs, z, a)


def forward_mask_ignored(s_prev, hs, P, mask=None):
    return attention_forward(s_prev, hs, P, None)


def forward_mask_after_softmax(s_prev, hs, P, mask=None):
    c, a, (s, h, z, _) = attention_forward(s_prev, hs, P, None)
    if mask is not None:
        a = a * mask
    return (a[:, None, :] * hs).sum(axis=0), a, (s, h, z, a)


def forward_mean_context(s_prev, hs, P, mask=None):
    c, a, cache = attention_forward(s_prev, hs, P, mask)
    return hs.mean(axis=0), a, cache


def forward_sum_of_z(s_prev, hs, P, mask=None):
    z = np.tanh(P["Wa"] @ s_prev + P["Ua"] @ hs)
    e = z.sum(axis=1)
    if mask is not None:
        e = np.where(mask > 0, e, -np.inf)
    w = np.exp(e - e.max(axis=0, keepdims=True))
    a = w / w.sum(axis=0, keepdims=True)
    return (a[:, None, :] * hs).sum(axis=0), a, (s_prev, hs, z, a)


def forward_two_things(s_prev, hs, P, mask=None):
    return attention_forward(s_prev, hs, P, mask)[:2]


def forward_in_place(s_prev, hs, P, mask=None):
    hs *= 1.0
    s_prev += 0.0
    hs[0] += 1e-3
    hs[0] -= 1e-3
    out = attention_forward(s_prev, hs, P, mask)
    hs[...] = 0
    return out


def forward_not_written(s_prev, hs, P, mask=None):
    raise NotWritten()


FORWARDS = [
    (attention_forward, "passed", "all 6 checks passed"),
    (forward_float32, "passed", "float32"),
    (forward_loops, "passed", "all 6 checks passed"),
    (forward_no_tanh, "failed", "no tanh"),
    (forward_sum_of_z, "failed", "weighted sum with v"),
    (forward_softmax_over_columns, "failed", "over the columns (axis 1)"),
    (forward_mask_ignored, "failed", "the mask is ignored"),
    (forward_mask_after_softmax, "failed", "masked after the softmax"),
    (forward_mean_context, "failed", "plain mean"),
    (forward_two_things, "failed", "should return (context, alphas, cache)"),
    (forward_in_place, "failed", "changed in place"),
    (forward_not_written, "not written", "not written yet"),
]


@pytest.mark.parametrize("fn, status, words", FORWARDS, ids=[f[0].__name__ for f in FORWARDS])
def test_forward_checker(fn, status, words):
    result = ex.check_attention_forward(fn, strict=False)
    assert result.status == status, result.line
    assert words in result.line, result.line
    assert (use(fn) is fn) == (status == "passed" and "float32" not in words)


# --------------------------------------------------------------------------------------------------
# Learners' backwards

def attention_backward(d_context, cache, P):  # notebook 9's solution
    s_prev, hs, z, alphas = cache
    d_alphas = (hs * d_context[None]).sum(axis=1)
    d_hs = alphas[:, None, :] * d_context[None]
    d_e = alphas * (d_alphas - (alphas * d_alphas).sum(axis=0, keepdims=True))
    d_v = (d_e[:, None, :] * z).sum(axis=(0, 2))[:, None]
    d_a = P["v"][None] * d_e[:, None, :] * (1 - z**2)
    d_q = d_a.sum(axis=0)
    d_hs = d_hs + P["Ua"].T @ d_a
    grads = {"Wa": d_q @ s_prev.T, "Ua": (d_a @ hs.transpose(0, 2, 1)).sum(axis=0), "v": d_v}
    return P["Wa"].T @ d_q, d_hs, grads


def _backward_variant(**switches):
    from rnn_lib.exercises.attention import _backward

    def fn(d_context, cache, P):
        return _backward(d_context, cache, P, **switches)
    return fn


def backward_float32(d_context, cache, P):
    return attention_backward(d_context.astype(np.float32), tuple(np.asarray(a, np.float32) for a in cache),
                              {k: v.astype(np.float32) for k, v in P.items()})


def backward_transposed_Wa(d_context, cache, P):
    d_s, d_hs, g = attention_backward(d_context, cache, P)
    return d_s, d_hs, {**g, "Wa": g["Wa"].T}


def backward_no_v(d_context, cache, P):
    d_s, d_hs, g = attention_backward(d_context, cache, P)
    return d_s, d_hs, {k: g[k] for k in ("Wa", "Ua")}


def backward_padding_leaks(d_context, cache, P):
    d_s, d_hs, g = attention_backward(d_context, cache, P)
    return d_s, d_hs + 1e-3, g


BACKWARDS = [
    (attention_backward, "passed", "all 6 checks passed"),
    (backward_float32, "passed", "float32"),
    (_backward_variant(jacobian=False), "failed", "the softmax's Jacobian is missing"),
    (_backward_variant(tanh=False), "failed", "the tanh's derivative is missing"),
    (_backward_variant(keys_path=False), "failed", "add the keys' path"),
    (_backward_variant(context_path=False), "failed", "add the context's"),
    (_backward_variant(sum_q=False), "failed", "d_q is the sum of d_a_j"),
    (backward_transposed_Wa, "failed", "grads['Wa'] has shape (3, 2), expected (2, 3)"),
    (backward_no_v, "failed", "grads lacks 'v'"),
    (backward_padding_leaks, "failed", "d_hs wrong"),
]


@pytest.mark.parametrize("fn, status, words", BACKWARDS,
                         ids=[getattr(f[0], "__name__", "variant") + str(i) for i, f in enumerate(BACKWARDS)])
def test_backward_checker(fn, status, words):
    result = ex.check_attention_backward(fn, strict=False)
    assert result.status == status, result.line
    assert words in result.line, result.line


def test_the_references_are_the_library_layer():
    from rnn_lib import attention as att
    from rnn_lib.exercises.attention import _case, reference_attention_backward, reference_attention_forward
    s_prev, hs, P, mask = _case(5, T=4, B=2, lengths=[4, 2])
    c, a, cache = reference_attention_forward(s_prev, hs, P, mask)
    c2, a2, lib_cache = att.attention_forward(P, s_prev, hs, mask)
    assert np.array_equal(c, c2) and np.array_equal(a, a2)
    d_c = np.ones_like(c)
    d_s, d_hs, g = reference_attention_backward(d_c, cache, P)
    l_s, l_hs, l_g = att.attention_backward(d_c, lib_cache)
    assert np.allclose(d_s, l_s, atol=1e-14) and np.allclose(d_hs, l_hs, atol=1e-14)
    assert all(np.allclose(g[n], l_g[n], atol=1e-14) for n in g)

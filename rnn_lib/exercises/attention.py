"""Notebook 09's exercises: additive attention forward, and its backward.

The notebook writes them with the parameters in a dict ``P = {"Wa": (A, S), "Ua": (A, H), "v": (A, 1)}``
and B sequences as columns (``rnn_lib.attention``'s layout):

* ``attention_forward(s_prev, hs, P, mask=None) -> (context, alphas, cache)``: s_prev (S, B), hs
  (T, H, B), mask (T, B) of 1 and 0 or ``None``; context (H, B), alphas (T, B), cache
  ``(s_prev, hs, z, alphas)`` with z = tanh(W_a s + U_a h_j), (T, A, B);
* ``attention_backward(d_context, cache, P) -> (d_s, d_hs, grads)``: d_s (S, B), d_hs (T, H, B) with
  both paths into every h_j, grads ``{"Wa", "Ua", "v"}`` summed over the columns.

Each checker runs the learner's function on small seeded cases (S != H != A, so that a transpose or a
swapped matrix shows), compares with the library's (``rnn_lib.attention``) and, where the answer
equals a classic mistake's, names it.
"""

import numpy as np

from .. import attention as att
from ._core import CHECKER_OF, REFERENCES, _call, _close, _Failed, _kind, _note_precision, _run, _snapshot

S_CASE, H_CASE, A_CASE = 3, 4, 2


def reference_attention_forward(s_prev, hs, P, mask=None):
    """The library's layer: ``(context, alphas, cache)``, cache ``(s_prev, hs, z, alphas)``."""
    context, alphas, (_, a_cache) = att.attention_forward(P, s_prev, hs, mask)
    z = a_cache[4]
    return context, alphas, (s_prev, hs, z, alphas)


def reference_attention_backward(d_context, cache, P):
    """The library's backward from the notebook's cache: ``(d_s, d_hs, grads)``."""
    return _backward(d_context, cache, P)


def _backward(d_c, cache, P, jacobian=True, tanh=True, context_path=True, keys_path=True, sum_q=True):
    """The backward, with switches that make the classic mistakes."""
    s_prev, hs, z, alphas = (np.asarray(a, dtype=np.float64) for a in cache)
    Wa, Ua, v = P["Wa"], P["Ua"], P["v"]
    d_alphas = np.einsum("thb,hb->tb", hs, d_c)
    d_e = alphas * (d_alphas - (alphas * d_alphas).sum(axis=0, keepdims=True)) if jacobian else d_alphas
    d_v = np.einsum("tb,tab->a", d_e, z)[:, None]
    d_a = v[None] * d_e[:, None, :] * ((1 - z**2) if tanh else 1.0)
    d_q = d_a.sum(axis=0) if sum_q else d_a[-1]
    d_hs = np.zeros_like(hs)
    if context_path:
        d_hs = d_hs + alphas[:, None, :] * d_c[None]
    if keys_path:
        d_hs = d_hs + Ua.T @ d_a
    grads = {"Wa": d_q @ s_prev.T, "Ua": np.tensordot(d_a, hs, axes=([0, 2], [0, 2])), "v": d_v}
    return Wa.T @ d_q, d_hs, grads


def _case(seed, T=4, B=1, lengths=None, scale=0.8):
    rng = np.random.default_rng(seed)
    P = {"Wa": scale * rng.standard_normal((A_CASE, S_CASE)), "Ua": scale * rng.standard_normal((A_CASE, H_CASE)),
         "v": 1.5 * rng.standard_normal((A_CASE, 1))}
    s_prev = rng.standard_normal((S_CASE, B))
    hs = rng.standard_normal((T, H_CASE, B))
    mask = None
    if lengths is not None:
        mask = (np.arange(T)[:, None] < np.asarray(lengths)[None]).astype(np.float64)
    return s_prev, hs, P, mask


def _forward_mistakes(s_prev, hs, P, mask):
    """``(context, alphas, hint)`` of each classic mistake."""
    q = P["Wa"] @ s_prev
    keys = P["Ua"] @ hs
    z = np.tanh(q + keys)

    def soft(e, axis=0):
        if mask is not None:
            e = np.where(mask > 0, e, -np.inf)
        e = np.exp(e - e.max(axis=axis, keepdims=True))
        return e / e.sum(axis=axis, keepdims=True)

    def ctx(a):
        return np.einsum("tb,thb->hb", a, hs)

    e = np.einsum("a,tab->tb", P["v"][:, 0], z)
    out = []
    a = soft(np.einsum("a,tab->tb", P["v"][:, 0], q + keys))
    out.append((ctx(a), a, "no tanh: z_j = tanh(W_a s + U_a h_j), then e_j = v^T z_j"))
    a = soft(z.sum(axis=1))
    out.append((ctx(a), a, "the scores sum z_j's entries: e_j = v^T z_j, a weighted sum with v"))
    if mask is None:
        a = soft(e, axis=1)
        out.append((ctx(a), a, "the softmax runs over the columns (axis 1): it is over the T encoder steps, "
                                   "axis 0 of e (T, B)"))
    a = np.exp(e - e.max(axis=0, keepdims=True))
    a = a / a.sum(axis=0, keepdims=True)
    if mask is not None:
        out.append((ctx(a), a, "the mask is ignored: a padded step (mask 0) must get the weight 0; set its "
                               "score to -inf before the softmax"))
        am = a * mask
        out.append((ctx(am), am, "the weights are masked after the softmax, so they no longer sum to 1: set "
                                 "the padded scores to -inf before it"))
    a = soft(e)
    out.append((hs.mean(axis=0), a, "the context is the plain mean of the h_j: weigh each by alpha_j"))
    out.append((hs[-1], a, "the context is the last state h_T: weigh every h_j by alpha_j"))
    return out


def _forward_answer(value, T, B):
    if not isinstance(value, (tuple, list)) or len(value) != 3:
        raise _Failed(f"should return (context, alphas, cache), got {_kind(value)}")
    context, alphas, cache = value
    for what, a, shape in (("context", context, (H_CASE, B)), ("alphas", alphas, (T, B))):
        if a is None:
            raise _Failed(f"{what} is None — is it computed?")
        a = np.asarray(a)
        if a.shape != shape:
            raise _Failed(f"{what} has shape {a.shape}, expected {shape}")
    _note_precision(np.asarray(context), np.asarray(alphas))
    return np.asarray(context), np.asarray(alphas), cache


def check_attention_forward(attention_forward, strict=None):
    """Check ``attention_forward(s_prev, hs, P, mask=None) -> (context, alphas, cache)`` (notebook 9).

    Checks, in order: it returns three things shaped (H, B) and (T, B); one column (B = 1): the
    weights (the tanh, v, the softmax over the T steps), then the context (the states weighed, not
    the keys, not a plain mean); three columns; a mask (padded steps weigh 0, the others still sum to
    1); the cache holds z (T, A, B) for the backward; its arguments are not changed.
    """
    one = _case(90, T=4, B=1)
    many = _case(91, T=5, B=3)
    masked = _case(92, T=5, B=3, lengths=[5, 2, 3])

    def judge(fn, case, what):
        s_prev, hs, P, mask = case
        args = (s_prev.copy(), hs.copy(), {k: v.copy() for k, v in P.items()})
        value = _call(fn, *args) if mask is None else _call(fn, *args, mask.copy())
        context, alphas, cache = _forward_answer(value, hs.shape[0], hs.shape[2])
        ref_c, ref_a, _ = reference_attention_forward(s_prev, hs, P, mask)
        if _close(alphas, ref_a) and _close(context, ref_c):
            return cache
        wrong = "the weights alphas" if not _close(alphas, ref_a) else "the context"
        for c, a, hint in _forward_mistakes(s_prev, hs, P, mask):
            if _close(alphas, a) and _close(context, c) and not (_close(a, ref_a) and _close(c, ref_c)):
                raise _Failed(f"{wrong} wrong {what} — {hint}")
        if wrong == "the weights alphas" and np.all(np.isfinite(alphas)) and \
                not np.allclose(alphas.sum(axis=0), 1, atol=1e-4):
            raise _Failed(f"the weights do not sum to 1 over the T steps {what}: a softmax over axis 0 of the scores")
        raise _Failed(f"{wrong} wrong {what}: e_j = v^T tanh(W_a s + U_a h_j), alphas = softmax over j, "
                      "c = sum_j alpha_j h_j")

    def shapes(fn):
        s_prev, hs, P, _ = one
        _forward_answer(_call(fn, s_prev.copy(), hs.copy(), dict(P)), hs.shape[0], 1)

    def one_column(fn):
        judge(fn, one, "for one sequence (B = 1)")

    def columns(fn):
        judge(fn, many, "for B = 3 columns")

    def with_mask(fn):
        judge(fn, masked, "with a mask (padded steps)")

    def cache(fn):
        s_prev, hs, P, _ = many
        cache = judge(fn, many, "for B = 3 columns")
        if not isinstance(cache, (tuple, list)) or len(cache) != 4:
            raise _Failed(f"cache should be (s_prev, hs, z, alphas), got {_kind(cache)}")
        z = np.asarray(cache[2])
        _, _, ref = reference_attention_forward(s_prev, hs, P)
        if z.shape != ref[2].shape or not _close(z, ref[2]):
            raise _Failed(f"cache's z should be tanh(W_a s + U_a h_j) for every j, shape {ref[2].shape}")

    def unchanged(fn):
        s_prev, hs, P, mask = masked
        given = _snapshot(s_prev, hs, mask, *P.values())
        Pc = {k: v.copy() for k, v in P.items()}
        args = [s_prev.copy(), hs.copy(), Pc, mask.copy()]
        _call(fn, *args)
        if not all(np.array_equal(a, b) for a, b in zip(given, [*args[:2], args[3], *Pc.values()])):
            raise _Failed("an argument changed in place: compute in new arrays")

    return _run("attention_forward", attention_forward, [shapes, one_column, columns, with_mask, cache, unchanged],
                reference_attention_forward, strict)


def _backward_mistakes(d_c, cache, P):
    return [
        (_backward(d_c, cache, P, jacobian=False), "the softmax's Jacobian is missing: d_e_j = alpha_j (d_alpha_j "
                                                   "- sum_k alpha_k d_alpha_k), not d_alpha_j"),
        (_backward(d_c, cache, P, tanh=False), "the tanh's derivative is missing: d_a_j = d_z_j * (1 - z_j**2)"),
        (_backward(d_c, cache, P, keys_path=False), "d_hs has only the context's path alpha_j d_c: add the keys' "
                                                    "path, U_a^T d_a_j"),
        (_backward(d_c, cache, P, context_path=False), "d_hs has only the keys' path: add the context's, "
                                                       "alpha_j * d_c"),
        (_backward(d_c, cache, P, sum_q=False), "d_q is the sum of d_a_j over every step j: the query is added "
                                                "at each of them"),
    ]


def check_attention_backward(attention_backward, strict=None):
    """Check ``attention_backward(d_context, cache, P) -> (d_s, d_hs, grads)`` (notebook 9).

    Checks, in order: what it returns and the shapes; one column: d_v (the softmax's Jacobian),
    d_Wa and d_s (the tanh's derivative, the sum over the steps), d_Ua and d_hs (both paths into
    h_j); three columns with a mask (summed over the columns; padded steps get no gradient); its
    arguments are not changed.
    """
    def case(seed, B, lengths=None):
        s_prev, hs, P, mask = _case(seed, T=5, B=B, lengths=lengths)
        _, _, cache = reference_attention_forward(s_prev, hs, P, mask)
        d_c = np.random.default_rng(seed + 1).standard_normal((H_CASE, B))
        return d_c, cache, P

    one, masked = case(95, 1), case(96, 3, [5, 2, 4])

    def answer(fn, c):
        d_c, cache, P = c
        value = _call(fn, d_c.copy(), tuple(np.copy(a) for a in cache), {k: v.copy() for k, v in P.items()})
        if not isinstance(value, (tuple, list)) or len(value) != 3 or not isinstance(value[2], dict):
            raise _Failed(f"should return (d_s, d_hs, grads) with grads a dict, got {_kind(value)}")
        d_s, d_hs, grads = value
        out = {"s": d_s, "hs": d_hs, **{n: grads.get(n) for n in att.PARAMS}}
        ref_s, ref_hs, ref_g = reference_attention_backward(*c)
        for name, ref in (("s", ref_s), ("hs", ref_hs), *((n, ref_g[n]) for n in att.PARAMS)):
            if out[name] is None:
                raise _Failed(f"grads lacks {name!r}: expected the keys 'Wa', 'Ua', 'v'")
            out[name] = np.asarray(out[name])
            if out[name].shape != ref.shape:
                what = f"d_{name}" if name in ("s", "hs") else f"grads[{name!r}]"
                raise _Failed(f"{what} has shape {out[name].shape}, expected {ref.shape}")
        _note_precision(*out.values())
        return out

    def judge(fn, c, names, what):
        got = answer(fn, c)
        ref_s, ref_hs, ref_g = reference_attention_backward(*c)
        ref = {"s": ref_s, "hs": ref_hs, **ref_g}
        wrong = [n for n in names if not _close(got[n], ref[n])]
        if not wrong:
            return
        for (m_s, m_hs, m_g), hint in _backward_mistakes(*c):
            m = {"s": m_s, "hs": m_hs, **m_g}
            if all(_close(got[n], m[n]) for n in wrong) and not all(_close(m[n], ref[n]) for n in wrong):
                raise _Failed(f"{_label(wrong[0])} wrong {what} — {hint}")
        raise _Failed(f"{_label(wrong[0])} wrong {what}")

    def shapes(fn):
        answer(fn, one)

    def d_v(fn):
        judge(fn, one, ["v"], "for one sequence")

    def d_query(fn):
        judge(fn, one, ["Wa", "s"], "for one sequence")

    def d_keys(fn):
        judge(fn, one, ["Ua", "hs"], "for one sequence")

    def columns(fn):
        judge(fn, masked, ["s", "hs", "Wa", "Ua", "v"], "for B = 3 columns with a mask")
        got = answer(fn, masked)
        if np.abs(got["hs"][2:, :, 1]).max() > 0:
            raise _Failed("a padded step gets a gradient: its alpha is 0, so its d_hs must be 0")

    def unchanged(fn):
        d_c, cache, P = masked
        given = [d_c.copy(), tuple(np.copy(a) for a in cache), {k: v.copy() for k, v in P.items()}]
        _call(fn, *given)
        before = [d_c, *cache, *P.values()]
        after = [given[0], *given[1], *given[2].values()]
        if not all(np.array_equal(a, b) for a, b in zip(before, after)):
            raise _Failed("an argument changed in place: compute in new arrays")

    return _run("attention_backward", attention_backward, [shapes, d_v, d_query, d_keys, columns, unchanged],
                reference_attention_backward, strict)


def _label(name):
    return f"d_{name}" if name in ("s", "hs") else f"grads[{name!r}]"


CHECKER_OF.update({"attention_forward": check_attention_forward, "attention_backward": check_attention_backward})
REFERENCES.update({"attention_forward": reference_attention_forward,
                   "attention_backward": reference_attention_backward})

"""Additive attention: golden values, masks, columns, and every gradient against finite differences and PyTorch."""

import math

import numpy as np
import pytest

from helpers import TORCH_REASON
from rnn_lib import attention as att
from rnn_lib.gradcheck import FLOOR, numerical_gradient, rel_error

T, H, S, A, B = 5, 4, 3, 6, 2


def case(seed=0, T=T, B=B, scale=0.5):
    """Random parameters, decoder state, encoder states and d_context: no zeros to hide a bug."""
    rng = np.random.default_rng(seed)
    params = {n: scale * rng.standard_normal(shape) for n, shape in att.shapes(H, S, A).items()}
    s_prev = rng.standard_normal((S, B))
    hs = np.tanh(rng.standard_normal((T, H, B)))  # encoder states live in [-1, 1]
    d_context = rng.standard_normal((H, B))
    return params, s_prev, hs, d_context


def padded_mask(T=T, lengths=(T, 3)):
    """(T, B) mask: column b has ``lengths[b]`` real steps, then padding."""
    return (np.arange(T)[:, None] < np.array(lengths)[None, :]).astype(np.float64)


# --- forward ----------------------------------------------------------------------------------------
def test_one_column_matches_plain_python():
    params, s_prev, hs, _ = case(seed=1, B=1)
    Wa, Ua, v = (params[n].tolist() for n in att.PARAMS)
    s = s_prev[:, 0].tolist()
    h = [hs[j, :, 0].tolist() for j in range(T)]
    q = [sum(Wa[a][k] * s[k] for k in range(S)) for a in range(A)]
    e = []
    for j in range(T):
        k = [sum(Ua[a][i] * h[j][i] for i in range(H)) for a in range(A)]
        e.append(sum(v[a][0] * math.tanh(q[a] + k[a]) for a in range(A)))
    total = sum(math.exp(x) for x in e)
    alpha = [math.exp(x) / total for x in e]
    c = [sum(alpha[j] * h[j][i] for j in range(T)) for i in range(H)]
    context, alphas, _ = att.attention_forward(params, s_prev, hs)
    np.testing.assert_allclose(alphas[:, 0], alpha, rtol=0, atol=1e-15)
    np.testing.assert_allclose(context[:, 0], c, rtol=0, atol=1e-15)
    assert context.shape == (H, 1) and alphas.shape == (T, 1)


def test_weights_sum_to_one_and_a_padded_step_gets_none():
    params, s_prev, hs, _ = case(seed=2)
    mask = padded_mask()
    context, alphas, _ = att.attention_forward(params, s_prev, hs, mask)
    np.testing.assert_allclose(alphas.sum(axis=0), 1.0, rtol=0, atol=1e-15)
    assert np.all(alphas[3:, 1] == 0.0) and np.all(alphas[:, 0] > 0)
    # the padded steps' states do not matter at all: change them, nothing changes
    hs2 = hs.copy()
    hs2[3:, :, 1] = 7.0
    context2, alphas2, _ = att.attention_forward(params, s_prev, hs2, mask)
    np.testing.assert_array_equal(context2, context)
    np.testing.assert_array_equal(alphas2, alphas)
    # and the short column is the same as that sequence alone, unpadded
    c_alone, a_alone, _ = att.attention_forward(params, s_prev[:, 1:], hs[:3, :, 1:])
    np.testing.assert_allclose(context[:, 1:], c_alone, rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(alphas[:3, 1:], a_alone, rtol=1e-14, atol=1e-15)


def test_columns_are_independent_sequences_with_summed_parameter_gradients():
    params, s_prev, hs, d_context = case(seed=3, B=3)
    mask = padded_mask(lengths=(T, 2, 4))
    context, alphas, cache = att.attention_forward(params, s_prev, hs, mask)
    d_s, d_hs, grads = att.attention_backward(d_context, cache)
    summed = {n: np.zeros_like(p) for n, p in params.items()}
    for b in range(3):
        cb, ab, cache_b = att.attention_forward(params, s_prev[:, b:b + 1], hs[:, :, b:b + 1], mask[:, b:b + 1])
        np.testing.assert_allclose(context[:, b:b + 1], cb, rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(alphas[:, b:b + 1], ab, rtol=1e-13, atol=1e-15)
        ds_b, dhs_b, g_b = att.attention_backward(d_context[:, b:b + 1], cache_b)
        np.testing.assert_allclose(d_s[:, b:b + 1], ds_b, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(d_hs[:, :, b:b + 1], dhs_b, rtol=1e-12, atol=1e-15)
        for n in summed:
            summed[n] += g_b[n]
    for n in params:
        np.testing.assert_allclose(grads[n], summed[n], rtol=1e-12, atol=1e-15)


# --- gradients ----------------------------------------------------------------------------------------
def numerical_gradients(params, s_prev, hs, d_context, mask):
    """Centred differences of L = Σ d_context ⊙ c_t for s_prev, hs and every parameter."""
    def loss():
        return float((d_context * att.attention_forward(params, s_prev, hs, mask)[0]).sum())
    out = {"s_prev": numerical_gradient(loss, s_prev), "hs": numerical_gradient(loss, hs)}
    out.update({n: numerical_gradient(loss, p) for n, p in params.items()})
    return out


@pytest.mark.parametrize("masked", [False, True], ids=["no mask", "padded"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_every_gradient_matches_centred_differences(masked, seed):
    params, s_prev, hs, d_context = case(seed)
    mask = padded_mask() if masked else None
    _, _, cache = att.attention_forward(params, s_prev, hs, mask)
    d_s, d_hs, grads = att.attention_backward(d_context, cache)
    analytic = {"s_prev": d_s, "hs": d_hs, **grads}
    numeric = numerical_gradients(params, s_prev, hs, d_context, mask)
    assert set(grads) == set(att.PARAMS)
    for name, g in analytic.items():
        assert g.shape == numeric[name].shape, name
        assert np.abs(g).max() > 1e-3, f"{name}'s gradient is trivially small: the check would compare nothing"
        assert rel_error(g, numeric[name], floor=FLOOR) < 1e-7, name
    if masked:  # a padded step: zero weight, hence exactly zero gradient
        assert np.all(d_hs[3:, :, 1] == 0.0)
        assert np.abs(d_hs[:3, :, 1]).min() > 0


def test_keys_computed_once_give_the_layers_gradients_summed_over_decoder_steps():
    """A decoder runs keys_forward once, attend_forward at every step, and keys_backward once on the summed d_keys."""
    params, _, hs, _ = case(seed=4)
    rng = np.random.default_rng(40)
    mask = padded_mask()
    steps = [(rng.standard_normal((S, B)), rng.standard_normal((H, B))) for _ in range(3)]
    keys, k_cache = att.keys_forward(params, hs)
    d_keys, d_hs, grads = np.zeros_like(keys), np.zeros_like(hs), {n: np.zeros_like(p) for n, p in params.items()}
    expected = {n: np.zeros_like(p) for n, p in params.items()}
    expected_d_hs = np.zeros_like(hs)
    for s_prev, d_context in steps:
        context, alphas, cache = att.attend_forward(params, s_prev, hs, keys, mask)
        c_full, a_full, cache_full = att.attention_forward(params, s_prev, hs, mask)
        np.testing.assert_array_equal(context, c_full)
        np.testing.assert_array_equal(alphas, a_full)
        d_s, d_hs_step, d_keys_step, g = att.attend_backward(d_context, cache)
        d_s_full, d_hs_full, g_full = att.attention_backward(d_context, cache_full)
        np.testing.assert_array_equal(d_s, d_s_full)
        d_keys += d_keys_step
        d_hs += d_hs_step
        for n in g:
            grads[n] += g[n]
        for n in g_full:
            expected[n] += g_full[n]
        expected_d_hs += d_hs_full
    d_hs_keys, k_grads = att.keys_backward(d_keys, k_cache)
    grads["Ua"] += k_grads["Ua"]
    np.testing.assert_allclose(d_hs + d_hs_keys, expected_d_hs, rtol=1e-12, atol=1e-15)
    for n in params:
        np.testing.assert_allclose(grads[n], expected[n], rtol=1e-12, atol=1e-15)


def test_backward_changes_nothing_it_is_given():
    params, s_prev, hs, d_context = case(seed=5)
    before = [a.copy() for a in (*params.values(), s_prev, hs, d_context)]
    _, _, cache = att.attention_forward(params, s_prev, hs, padded_mask())
    att.attention_backward(d_context, cache)
    for a, b in zip((*params.values(), s_prev, hs, d_context), before):
        np.testing.assert_array_equal(a, b)


# --- bad inputs -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("change, message", [
    (lambda p, s, h, m: (p, s[:2], h, m), r"s_prev must be the decoder state, \(3, B\) columns"),
    (lambda p, s, h, m: (p, s, h[:, :3], m), r"hs must be the encoder states, time-major \(T, 4, 2\)"),
    (lambda p, s, h, m: ({**p, "v": p["v"][:, 0]}, s, h, m), r"attention parameters must be Wa \(A, S\)"),
    (lambda p, s, h, m: (p, s, h, m[:4]), r"mask must be \(5, 2\), one row per encoder step, got shape \(4, 2\)"),
    (lambda p, s, h, m: (p, s, h, 0.5 * m), r"mask must hold 1 \(a real step\) and 0 \(padding\) only, got \[0.5\]"),
    (lambda p, s, h, m: (p, s, h, m * [1, 0]), "mask leaves a sequence with no step to attend to"),
])
def test_bad_inputs_are_one_line_errors(change, message):
    params, s_prev, hs, _ = case()
    args = change(params, s_prev, hs, padded_mask())
    with pytest.raises(ValueError, match=message) as info:
        att.check_inputs(*args)
    assert "\n" not in str(info.value)


def test_good_inputs_pass_the_check():
    params, s_prev, hs, _ = case()
    assert att.check_inputs(params, s_prev, hs) is None
    assert att.check_inputs(params, s_prev.tolist(), hs.tolist()) is None
    np.testing.assert_array_equal(att.check_inputs(params, s_prev, hs, padded_mask() > 0), padded_mask())


# --- PyTorch's autograd ----------------------------------------------------------------------------------
@pytest.mark.torch
@pytest.mark.parametrize("masked", [False, True], ids=["no mask", "padded"])
def test_every_gradient_matches_torch_autograd(masked):
    torch = pytest.importorskip("torch", reason=TORCH_REASON)
    params, s_prev, hs, d_context = case(seed=6)
    mask = padded_mask() if masked else None
    context, alphas, cache = att.attention_forward(params, s_prev, hs, mask)
    d_s, d_hs, grads = att.attention_backward(d_context, cache)

    t = {n: torch.tensor(a, dtype=torch.float64, requires_grad=True)
         for n, a in {**params, "s_prev": s_prev, "hs": hs}.items()}
    # the same equations in PyTorch's batch-first layout: (B, T, H) encoder states, (B, S) decoder state
    h_b = t["hs"].permute(2, 0, 1)  # (B, T, H)
    q = t["s_prev"].T @ t["Wa"].T  # (B, A)
    k = h_b @ t["Ua"].T  # (B, T, A)
    e = (torch.tanh(q[:, None, :] + k) @ t["v"])[..., 0]  # (B, T)
    if mask is not None:
        e = e.masked_fill(torch.tensor(mask.T == 0), float("-inf"))
    a = torch.softmax(e, dim=1)  # (B, T)
    c = (a[:, :, None] * h_b).sum(dim=1)  # (B, H)
    np.testing.assert_allclose(c.detach().numpy().T, context, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(a.detach().numpy().T, alphas, rtol=1e-12, atol=1e-15)
    (c * torch.tensor(d_context.T)).sum().backward()
    np.testing.assert_allclose(d_s, t["s_prev"].grad.numpy(), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(d_hs, t["hs"].grad.numpy(), rtol=1e-10, atol=1e-14)
    for n in att.PARAMS:
        np.testing.assert_allclose(grads[n], t[n].grad.numpy(), rtol=1e-10, atol=1e-14)

"""rnn_lib.sequence: one time loop for every task. A gradient at every step (many-to-many) is checked
numerically; zeros except at t = T (many-to-one) gives exactly model.backward."""

import numpy as np

from rnn_lib import numerical_gradient
from rnn_lib.cells import RNNCell
from rnn_lib.sequence import bptt, unroll

from helpers import random_model

V, H, T = 6, 5, 7


def setup(seed=0):
    rng = np.random.default_rng(seed)
    cell = RNNCell()
    params = {name: 0.5 * rng.standard_normal(shape) for name, shape in cell.shapes(V, H).items()}
    xs = [np.eye(V)[:, [i]] for i in rng.integers(0, V, size=T)]
    h0 = 0.3 * rng.standard_normal((H, 1))
    weights = rng.standard_normal((T, H, 1))  # a linear loss on every h_t: L = sum_t w_t . h_t
    return cell, params, xs, h0, weights


def many_to_many_loss(cell, params, xs, h0, weights):
    states, _ = unroll(cell, params, xs, (h0,))
    return float(sum((w * s[0]).sum() for w, s in zip(weights, states[1:])))


def test_unroll_returns_every_state_and_a_cache_per_step():
    cell, params, xs, h0, _ = setup()
    states, caches = unroll(cell, params, xs, (h0,))
    assert len(states) == T + 1 and len(caches) == T and states[0][0] is h0
    h = h0
    for t, x in enumerate(xs, start=1):
        h = np.tanh(params["Wxh"] @ x + params["Whh"] @ h + params["bh"])
        np.testing.assert_allclose(states[t][0], h, rtol=1e-15)


def test_bptt_with_a_gradient_at_every_step_matches_finite_differences():
    cell, params, xs, h0, weights = setup()
    _, caches = unroll(cell, params, xs, (h0,))
    grads, d_states = bptt(cell, params, caches, weights)  # dL/dh_t = w_t from outside the recurrence
    assert len(d_states) == T + 1
    for name, p in params.items():
        numeric = numerical_gradient(lambda: many_to_many_loss(cell, params, xs, h0, weights), p)
        np.testing.assert_allclose(grads[name], numeric, rtol=1e-7, atol=1e-9, err_msg=name)
    numeric_h0 = numerical_gradient(lambda: many_to_many_loss(cell, params, xs, h0, weights), h0)
    np.testing.assert_allclose(d_states[0][0], numeric_h0, rtol=1e-7, atol=1e-9)
    np.testing.assert_array_equal(d_states[T][0], weights[-1])  # nothing comes after h_T


def test_many_to_one_is_bptt_with_zeros_except_at_the_last_step():
    model = random_model(V=V, H=H)
    model.forward([0, 3, 5, 1])
    d_y = np.array([[0.4], [-0.4]])
    grads, d_hs = model.backward(d_y, return_hidden_grads=True)
    _, caches = unroll(model.cell, model.params, model.last_xs, (np.zeros((H, 1)),))
    d_out = np.zeros((4, H, 1))
    d_out[-1] = model.Why.T @ d_y
    cell_grads, d_states = bptt(model.cell, model.params, caches, d_out)
    for name in ("Wxh", "Whh", "bh"):
        np.testing.assert_array_equal(cell_grads[name], grads[name])
    np.testing.assert_array_equal(np.array([d[0] for d in d_states]), d_hs)

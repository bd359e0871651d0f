"""An independent oracle: PyTorch's nn.RNN and autograd, in float64, with the same weights."""

import numpy as np
import pytest

from rnn_lib import softmax_cross_entropy

from helpers import TORCH_REASON, random_model

pytestmark = pytest.mark.torch
torch = pytest.importorskip("torch", reason=TORCH_REASON)


def torch_forward_backward(model, inputs, target, h0):
    V, H = model.input_size, model.hidden_size
    rnn = torch.nn.RNN(V, H, nonlinearity="tanh", bias=True, dtype=torch.float64)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.from_numpy(model.Wxh))
        rnn.weight_hh_l0.copy_(torch.from_numpy(model.Whh))
        rnn.bias_ih_l0.copy_(torch.from_numpy(model.bh[:, 0]))
        rnn.bias_hh_l0.zero_()
    Why = torch.tensor(model.Why, requires_grad=True)
    by = torch.tensor(model.by[:, 0], requires_grad=True)
    x = torch.nn.functional.one_hot(torch.tensor(inputs), V).to(torch.float64)[:, None, :]  # (T, 1, V)
    out, h_T = rnn(x, torch.from_numpy(h0[:, 0]).reshape(1, 1, H))
    y = Why @ h_T[0, 0] + by
    loss = torch.nn.functional.cross_entropy(y[None], torch.tensor([target]))
    loss.backward()
    grads = {"Wxh": rnn.weight_ih_l0.grad, "Whh": rnn.weight_hh_l0.grad, "Why": Why.grad,
             "bh": rnn.bias_ih_l0.grad[:, None], "by": by.grad[:, None]}
    return y.detach().numpy()[:, None], out.detach().numpy()[:, 0, :], loss.item(), {
        k: v.numpy() for k, v in grads.items()}


@pytest.mark.parametrize("T", [1, 3, 12])
def test_forward_and_every_gradient_match_pytorch(T):
    model = random_model(V=7, H=6, scale=0.6, seed=T)
    rng = np.random.default_rng(T)
    inputs = [int(i) for i in rng.integers(0, 7, size=T)]
    h0 = rng.standard_normal((6, 1)) * 0.4
    target = T % 2
    y_t, hs_t, loss_t, grads_t = torch_forward_backward(model, inputs, target, h0)
    y, _ = model.forward(inputs, h0=h0)
    loss, _, d_y = softmax_cross_entropy(y, target)
    grads = model.backward(d_y)
    np.testing.assert_allclose(y, y_t, rtol=0, atol=1e-10)
    np.testing.assert_allclose(model.last_hs[1:, :, 0], hs_t, rtol=0, atol=1e-10)
    assert abs(loss - loss_t) < 1e-10
    for name in grads:
        np.testing.assert_allclose(grads[name], grads_t[name], rtol=0, atol=1e-10, err_msg=name)

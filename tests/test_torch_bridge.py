"""to_torch/from_torch: the same network as torch.nn.RNN/LSTM/GRU + Linear, checked against PyTorch's autograd."""

import builtins
import subprocess
import sys

import numpy as np
import pytest

import rnn_lib
from rnn_lib import GRU, LSTM, RNN, from_torch, softmax_cross_entropy, to_torch
from helpers import TORCH_REASON

pytestmark = pytest.mark.torch  # CI runs these after installing PyTorch (.ci/run: pytest -m torch)
torch = pytest.importorskip("torch", reason=TORCH_REASON)

CLASSES = {"rnn": RNN, "lstm": LSTM, "gru": GRU}


def random_model(cell, V=7, O=2, H=6, scale=0.5, seed=1):
    """Every parameter, biases included, from N(0, scale^2)."""
    model = CLASSES[cell](V, O, H, rng=seed)
    model.flat = np.random.default_rng(seed + 50).standard_normal(model.flat.size) * scale
    return model


def torch_forward_backward(model, inputs, target, state0):
    """Scores, hidden states, loss and every parameter's gradient, by PyTorch's autograd on ``to_torch``'s modules."""
    rnn, linear = model.to_torch()
    x = torch.nn.functional.one_hot(torch.tensor(inputs), model.input_size).to(torch.float64)[None]  # (1, T, V)
    hx = [torch.from_numpy(s[:, 0]).reshape(1, 1, -1) for s in state0]
    out, _ = rnn(x, tuple(hx) if len(hx) == 2 else hx[0])
    y = linear(out[:, -1])  # (1, O)
    loss = torch.nn.functional.cross_entropy(y, torch.tensor([target]))
    loss.backward()
    g = {"Why": linear.weight.grad, "by": linear.bias.grad[:, None]}
    names = ("Wxh", "Whh", "bh") if model.cell.name == "rnn" else ("Wx", "Wh", "bx", "bh")
    for name, param in zip(names, (rnn.weight_ih_l0, rnn.weight_hh_l0, rnn.bias_ih_l0, rnn.bias_hh_l0)):
        g[name] = param.grad if param.grad.ndim == 2 else param.grad[:, None]
    return (y.detach().numpy().T, out.detach().numpy()[0], loss.item(), {k: v.numpy() for k, v in g.items()})


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("T", [1, 3, 12])
def test_outputs_and_every_gradient_equal_pytorchs(cell, T):
    model = random_model(cell, seed=T)
    rng = np.random.default_rng(T)
    inputs = [int(i) for i in rng.integers(0, 7, size=T)]
    state0 = tuple(0.4 * rng.standard_normal((6, 1)) for _ in model.cell.zero_state(6))  # h0, and c0 for the LSTM
    target = T % 2
    y_t, hs_t, loss_t, grads_t = torch_forward_backward(model, inputs, target, state0)
    y, _ = model.forward(inputs, h0=state0)
    loss, _, d_y = softmax_cross_entropy(y, target)
    grads = model.backward(d_y)
    np.testing.assert_allclose(y, y_t, rtol=0, atol=1e-10)
    np.testing.assert_allclose(model.last_hs[1:, :, 0], hs_t, rtol=0, atol=1e-10)
    assert abs(loss - loss_t) < 1e-10
    assert set(grads) == set(grads_t) == set(model.params)
    for name in grads:
        np.testing.assert_allclose(grads[name], grads_t[name], rtol=0, atol=1e-10, err_msg=name)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_to_torch_copies_into_real_modules_and_from_torch_round_trips_exactly(cell):
    model = random_model(cell)
    rnn, linear = to_torch(model)
    assert type(rnn) is getattr(torch.nn, cell.upper()) and type(linear) is torch.nn.Linear
    assert rnn.batch_first and rnn.num_layers == 1 and rnn.weight_ih_l0.dtype == torch.float64
    back = from_torch(rnn, linear)
    assert type(back) is type(model) and back.hidden_size == model.hidden_size
    assert np.array_equal(back.flat, model.flat)
    with torch.no_grad():
        rnn.weight_hh_l0.add_(1.0)  # a copy: changing PyTorch's weights leaves ours alone
    assert np.array_equal(back.flat, model.flat) and np.array_equal(random_model(cell).flat, model.flat)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_from_torch_reads_a_pytorch_initialised_network(cell):
    torch.manual_seed(0)
    rnn = getattr(torch.nn, cell.upper())(5, 4, batch_first=True, dtype=torch.float64)  # two nonzero biases
    linear = torch.nn.Linear(4, 3, dtype=torch.float64)
    model = from_torch(rnn, linear)
    inputs = [3, 0, 4, 4]
    x = torch.nn.functional.one_hot(torch.tensor(inputs), 5).to(torch.float64)[None]
    y_t = linear(rnn(x)[0][:, -1]).detach().numpy().T
    np.testing.assert_allclose(model.forward(inputs)[0], y_t, rtol=0, atol=1e-12)


def test_from_torch_refuses_what_it_cannot_copy():
    linear = torch.nn.Linear(4, 2, dtype=torch.float64)
    with pytest.raises(ValueError, match="num_layers=2"):
        from_torch(torch.nn.LSTM(5, 4, num_layers=2), linear)
    with pytest.raises(ValueError, match="bidirectional=True"):
        from_torch(torch.nn.GRU(5, 4, bidirectional=True), linear)
    with pytest.raises(ValueError, match="nonlinearity='tanh'"):
        from_torch(torch.nn.RNN(5, 4, nonlinearity="relu"), linear)
    with pytest.raises(ValueError, match="reads 4 features but the GRU has hidden_size 3"):
        from_torch(torch.nn.GRU(5, 3), linear)
    with pytest.raises(TypeError, match="torch.nn.RNN, LSTM or GRU, got Linear"):
        from_torch(linear, linear)
    with pytest.raises(TypeError, match="torch.nn.Linear"):
        from_torch(torch.nn.GRU(5, 4), torch.nn.GRU(4, 2))
    model = from_torch(torch.nn.GRU(5, 4, bias=False), linear)  # no biases: zeros
    assert not model.bx.any() and not model.bh.any()
    assert type(GRU.from_torch(torch.nn.GRU(5, 4), linear)) is GRU
    with pytest.raises(TypeError, match="LSTM.from_torch takes a torch.nn.LSTM, got GRU"):
        LSTM.from_torch(torch.nn.GRU(5, 4), linear)


def test_to_torch_refuses_a_cell_pytorch_does_not_have():
    class Renamed(rnn_lib.RNNCell):
        name = "mine"
    with pytest.raises(ValueError, match="this model's cell is"):
        to_torch(RNN(4, 2, 3, cell=Renamed()))


def test_without_pytorch_a_clear_error(monkeypatch):
    real_import = builtins.__import__

    def no_torch(name, *args, **kwargs):
        if name == "torch" or name.startswith("torch."):
            raise ImportError("No module named 'torch'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_torch)
    with pytest.raises(ImportError, match="need PyTorch, which is optional"):
        LSTM(4, 2, 3).to_torch()


def test_importing_rnn_lib_does_not_import_pytorch():
    code = "import sys, rnn_lib; rnn_lib.LSTM(3, 2, 2); assert 'torch' not in sys.modules, 'torch was imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("where", ["weight_hh_l0", "bias_ih_l0", "linear.weight"])
def test_from_torch_refuses_a_non_finite_weight_naming_it(where):
    rnn, linear = to_torch(random_model("rnn"))
    with torch.no_grad():
        (linear.weight if where == "linear.weight" else getattr(rnn, where)).view(-1)[0] = float("nan")
    with pytest.raises(ValueError, match=where.replace(".", r"\.")) as info:
        from_torch(rnn, linear)
    assert "\n" not in str(info.value)


def test_from_torch_accepts_a_subclass_of_the_torch_modules():
    class MyRNN(torch.nn.RNN):
        pass

    class MyLinear(torch.nn.Linear):
        pass

    model = random_model("rnn")
    rnn, linear = to_torch(model)
    mine = MyRNN(rnn.input_size, rnn.hidden_size, batch_first=True, dtype=torch.float64)
    head = MyLinear(linear.in_features, linear.out_features, dtype=torch.float64)
    mine.load_state_dict(rnn.state_dict())
    head.load_state_dict(linear.state_dict())
    np.testing.assert_array_equal(from_torch(mine, head).flat, model.flat)


def test_from_torch_refuses_a_module_on_the_meta_device_in_one_line():
    rnn = torch.nn.RNN(4, 3, batch_first=True, device="meta")
    linear = torch.nn.Linear(3, 2, device="meta")
    with pytest.raises(ValueError, match="meta") as info:
        from_torch(rnn, linear)
    assert "\n" not in str(info.value)

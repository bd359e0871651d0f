"""The learned embedding layer (rnn_lib.embedding) and the language model that reads through it."""

import io

import numpy as np
import pytest

from rnn_lib import CharLM, check_loss_gradients
from rnn_lib.cli import main
from rnn_lib.embedding import embedding_backward, embedding_forward
from rnn_lib.gradcheck import numerical_gradient
from rnn_lib.batching import pad_names
from rnn_lib.serialization import ModelFileError, load, save
from rnn_lib.torch_bridge import to_torch
from rnn_lib.training import train_lm
from helpers import TORCH_REASON

ALPHA = ".abcde"
#: A batch in which symbols repeat, within a name and across names: the case ``dE[idx] += g`` gets wrong.
REPEATS = np.array([[0, 0, 0], [1, 2, 1], [1, 3, 5], [4, 1, 1]])


def table(V=7, D=3, seed=0):
    """A random (V, D) table; with V = 7 the last row is never read by ``REPEATS``."""
    return np.random.default_rng(seed).standard_normal((V, D))


def test_forward_reads_one_row_per_index_as_columns():
    E = table()
    xs, cache = embedding_forward(E, REPEATS)
    T, B = REPEATS.shape
    assert xs.shape == (T, 3, B)
    for t in range(T):
        for b in range(B):
            np.testing.assert_array_equal(xs[t, :, b], E[REPEATS[t, b]])
    np.testing.assert_allclose(xs, (np.eye(7)[REPEATS] @ E).transpose(0, 2, 1))  # E[w] = E^T e_w


def test_backward_matches_finite_differences_with_repeated_indices():
    E = table()
    d_xs = np.random.default_rng(1).standard_normal((4, 3, 3))
    dE = embedding_backward(d_xs, embedding_forward(E, REPEATS)[1])
    numeric = numerical_gradient(lambda: float((embedding_forward(E, REPEATS)[0] * d_xs).sum()), E)
    np.testing.assert_allclose(dE, numeric, rtol=1e-7, atol=1e-9)
    assert not dE[6].any()  # a row never read gets no gradient


def test_fancy_index_addition_loses_repeated_rows():
    d_xs = np.random.default_rng(1).standard_normal((4, 3, 3))
    wrong = np.zeros((6, 3))
    wrong[REPEATS] += d_xs.transpose(0, 2, 1)
    right = embedding_backward(d_xs, (REPEATS, 6))
    assert not np.allclose(wrong[1], right[1])  # index 1 is read 5 times
    np.testing.assert_allclose(wrong[5], right[5])  # index 5 once: the same


@pytest.mark.parametrize("T", [1, 2, 7])
@pytest.mark.parametrize("masked", [False, True])
def test_the_embedded_language_model_matches_finite_differences(T, masked):
    model = CharLM(ALPHA, 5, rng=T, init=0.5, embed_dim=3)
    rng = np.random.default_rng(20 + T)
    inputs, targets = rng.integers(0, 6, (T, 4)), rng.integers(0, 6, (T, 4))
    mask = None
    if masked:
        lengths = rng.integers(1, T + 1, 4)
        lengths[0] = T
        mask = (np.arange(T)[:, None] < lengths[None, :]).astype(float)
    report = check_loss_gradients(model, inputs, targets, mask)
    assert report.passed(tol=1e-6), report


def test_shapes_and_the_parameter_count():
    one_hot, embedded = CharLM(ALPHA, 5, rng=0), CharLM(ALPHA, 5, rng=0, embed_dim=2)
    assert embedded.params["E"].shape == (6, 2) and embedded.params["Wxh"].shape == (5, 2)
    assert one_hot.flat.size - embedded.flat.size == 5 * 6 - (6 * 2 + 5 * 2)
    assert "embed_dim=2" in repr(embedded) and "embed" not in repr(one_hot)


def test_embed_dim_is_checked_and_needs_the_vanilla_cell():
    with pytest.raises(ValueError, match="embed_dim works with the vanilla cell 'rnn' only"):
        CharLM(ALPHA, 5, cell="gru", embed_dim=3)
    with pytest.raises(ValueError, match="embed_dim"):
        CharLM(ALPHA, 5, embed_dim=0)


def test_sampling_copy_and_training_use_the_embedding():
    model = CharLM(ALPHA, 6, rng=0, embed_dim=3)
    twin = model.copy()
    assert twin.embed_dim == 3 and np.array_equal(twin.flat, model.flat)
    assert model.sample(5, seed=3) == twin.sample(5, seed=3)
    before = model.E.copy()
    history = train_lm(model, ["abe", "bad", "dab", "cab", "ace"], epochs=3, batch_size=2, rng=0)
    assert history.train_loss[-1] < history.train_loss[0]
    assert not np.array_equal(model.E, before)
    probs = model.next_probs("ab")
    assert probs.shape == (6,) and probs.sum() == pytest.approx(1.0)


def test_save_and_load_keep_the_embedding(tmp_path):
    model = CharLM(ALPHA, 4, rng=2, embed_dim=3)
    loaded, _ = load(save(tmp_path / "emb.npz", model))
    assert loaded.embed_dim == 3 and np.array_equal(loaded.flat, model.flat)
    x, t, m = pad_names(model, ["abc", "e"])
    assert loaded.loss(x, t, m)[0] == model.loss(x, t, m)[0]


def test_an_embedding_with_a_gated_cell_is_refused_on_loading(tmp_path):
    path = save(tmp_path / "gru.npz", CharLM(ALPHA, 4, rng=2, cell="gru"))
    arrays = dict(np.load(path))
    arrays["E"] = np.ones((6, 2))
    np.savez(path, **arrays)
    with pytest.raises(ModelFileError, match="vanilla cell"):
        load(path)


def test_cli_refuses_embed_with_a_gated_cell():
    out, err = io.StringIO(), io.StringIO()
    assert main(["lm", "train", "--cell", "gru", "--embed", "4"], out=out, err=err) == 2
    assert err.getvalue() == "error: --embed works with --cell rnn only, not gru\n" and out.getvalue() == ""


def test_cli_trains_and_saves_an_embedded_model(tmp_path):
    out, err = io.StringIO(), io.StringIO()
    path = tmp_path / "emb.npz"
    assert main(["lm", "train", "--epochs", "1", "--hidden", "8", "--embed", "4", "--save", str(path)],
                out=out, err=err) == 0, err.getvalue()
    assert out.getvalue().startswith("val loss ") and load(path)[0].embed_dim == 4


@pytest.mark.torch
def test_forward_and_backward_match_pytorch_embedding():
    torch = pytest.importorskip("torch", reason=TORCH_REASON)
    E = table(V=6, D=4, seed=3)
    d_xs = np.random.default_rng(4).standard_normal((4, 4, 3))
    emb = torch.nn.Embedding(6, 4, dtype=torch.float64)
    with torch.no_grad():
        emb.weight.copy_(torch.from_numpy(E))
    out = emb(torch.from_numpy(REPEATS))  # (T, B, D)
    (out * torch.from_numpy(d_xs.transpose(0, 2, 1))).sum().backward()
    xs, cache = embedding_forward(E, REPEATS)
    np.testing.assert_allclose(xs, out.detach().numpy().transpose(0, 2, 1), rtol=0, atol=0)
    np.testing.assert_allclose(embedding_backward(d_xs, cache), emb.weight.grad.numpy(), rtol=1e-13, atol=1e-14)


@pytest.mark.torch
def test_the_embedded_language_model_matches_pytorch_autograd():
    torch = pytest.importorskip("torch", reason=TORCH_REASON)
    model = CharLM(ALPHA, 5, rng=4, init=0.6, embed_dim=3)
    rng = np.random.default_rng(5)
    inputs, targets = rng.integers(0, 6, (6, 3)), rng.integers(0, 6, (6, 3))
    V, D = 6, 3
    emb = torch.nn.Embedding(V, D, dtype=torch.float64)
    rnn, head = to_torch(model, batch_first=False)  # the recurrent layer reads D-wide inputs
    with torch.no_grad():
        emb.weight.copy_(torch.from_numpy(model.E))
    y = head(rnn(emb(torch.from_numpy(inputs)))[0])  # (T, B, V)
    loss = torch.nn.functional.cross_entropy(y.reshape(-1, V), torch.from_numpy(targets).reshape(-1),
                                             reduction="sum")
    loss.backward()
    ours, grads = model.loss(inputs, targets)
    assert ours == pytest.approx(loss.item(), rel=1e-13)
    expected = {"E": emb.weight.grad, "Wxh": rnn.weight_ih_l0.grad, "Whh": rnn.weight_hh_l0.grad,
                "bh": rnn.bias_ih_l0.grad[:, None], "Why": head.weight.grad, "by": head.bias.grad[:, None]}
    for name, g in expected.items():
        np.testing.assert_allclose(grads[name], g.numpy(), rtol=1e-10, atol=1e-12, err_msg=name)

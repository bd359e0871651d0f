"""The optimisers of rnn_lib.optim (SGD, Adam, Adagrad on a flat buffer) and the two gradient clips."""

import numpy as np
import pytest

from rnn_lib.optim import Adam, clip_global_norm, clip_gradients
from helpers import TORCH_REASON


def test_element_wise_clipping_clips_each_entry_alone():
    grads = {"a": np.array([[-3.0, 0.5], [2.0, -0.25]]), "b": np.array([[7.0]])}
    clipped = clip_gradients(grads, 1.0)
    np.testing.assert_array_equal(clipped["a"], [[-1.0, 0.5], [1.0, -0.25]])
    np.testing.assert_array_equal(clipped["b"], [[1.0]])
    assert grads["a"][0, 0] == -3.0  # a new dict: the input is left alone


def test_global_norm_clipping_scales_everything_by_one_factor():
    g = np.array([3.0, 4.0, 0.0])  # norm 5
    assert clip_global_norm(g, 10.0) == 5.0
    np.testing.assert_array_equal(g, [3.0, 4.0, 0.0])  # under the limit: untouched
    assert clip_global_norm(g, 1.0) == 5.0
    np.testing.assert_allclose(g, [0.6, 0.8, 0.0], rtol=1e-15)  # the direction kept, the norm 1
    grads = {"a": np.array([[6.0]]), "b": np.array([8.0, 0.0])}  # together: norm 10
    assert clip_global_norm(grads, 5.0) == 10.0
    np.testing.assert_allclose(grads["a"], [[3.0]])
    np.testing.assert_allclose(grads["b"], [4.0, 0.0])
    with pytest.raises(ValueError, match="max_norm"):
        clip_global_norm(g, 0)


@pytest.mark.torch
def test_adam_makes_the_updates_of_torch_optim_adam():
    torch = pytest.importorskip("torch", reason=TORCH_REASON)
    rng = np.random.default_rng(0)
    flat = rng.standard_normal(7)
    theta = torch.tensor(flat.copy(), requires_grad=True)
    ours, theirs = Adam(flat, 0.01), torch.optim.Adam([theta], lr=0.01)
    for _ in range(5):
        g = rng.standard_normal(7)
        ours.step(g)
        theta.grad = torch.from_numpy(g.copy())
        theirs.step()
    np.testing.assert_allclose(flat, theta.detach().numpy(), rtol=1e-13, atol=1e-15)


def test_adam_first_step_is_the_learning_rate_times_the_sign():
    flat = np.zeros(3)
    Adam(flat, 0.1).step(np.array([2.0, -0.1, 50.0]))
    np.testing.assert_allclose(flat, [-0.1, 0.1, -0.1], rtol=1e-6)


def test_adam_arguments_are_checked():
    with pytest.raises(ValueError, match="learn_rate"):
        Adam(np.zeros(2), 0)
    with pytest.raises(ValueError, match="betas"):
        Adam(np.zeros(2), 0.1, betas=(1.0, 0.9))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_sgd_step_refuses_a_non_finite_gradient_naming_it_and_updates_nothing(bad):
    from helpers import random_model
    from rnn_lib import sgd_step
    model = random_model()
    before = model.flat.copy()
    grads = {n: np.zeros_like(p) for n, p in model.params.items()}
    grads["Whh"][1, 2] = bad
    with pytest.raises(ValueError, match="Whh") as info:
        sgd_step(model, grads)
    assert "\n" not in str(info.value)
    np.testing.assert_array_equal(model.flat, before)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_adam_step_refuses_a_non_finite_gradient_naming_the_parameter_and_updates_nothing(bad):
    from rnn_lib import CharLM
    model = CharLM(".ab", 3, rng=0)
    adam = Adam(model.flat, 0.1, shapes=model.shapes)
    before = model.flat.copy()
    g = np.zeros_like(model.flat)
    g[-1] = bad  # the last entry: by
    with pytest.raises(ValueError, match="by") as info:
        adam.step(g)
    assert "\n" not in str(info.value)
    np.testing.assert_array_equal(model.flat, before)
    assert adam.t == 0 and not adam.m.any() and not adam.v.any()
    plain = Adam(np.zeros(4), 0.1)
    with pytest.raises(ValueError, match="entry 2"):
        plain.step(np.array([0.0, 0.0, bad, 0.0]))
    with pytest.raises(ValueError, match="shape"):
        plain.step(np.zeros(3))


# --- the pluggable optimisers on a flat buffer: SGD, Adam, Adagrad -------------------------------
def test_adagrad_divides_by_the_root_of_the_summed_squares():
    from rnn_lib.optim import Adagrad
    flat = np.zeros(2)
    opt = Adagrad(flat, 0.5)
    opt.step(np.array([2.0, -1.0]))  # G = [4, 1]: steps of lr * g / sqrt(G) = lr * sign(g)
    np.testing.assert_allclose(flat, [-0.5, 0.5], rtol=0, atol=1e-9)
    opt.step(np.array([0.0, 3.0]))  # G = [4, 10]: the second entry moves by 0.5 * 3 / sqrt(10)
    np.testing.assert_allclose(flat, [-0.5, 0.5 - 1.5 / np.sqrt(10)], rtol=0, atol=1e-9)  # eps: 1e-10


@pytest.mark.torch
def test_adagrad_makes_the_updates_of_torch_optim_adagrad():
    torch = pytest.importorskip("torch", reason=TORCH_REASON)
    from rnn_lib.optim import Adagrad
    rng = np.random.default_rng(1)
    flat = rng.standard_normal(7)
    theta = torch.tensor(flat.copy(), requires_grad=True)
    ours, theirs = Adagrad(flat, 0.05), torch.optim.Adagrad([theta], lr=0.05)
    for _ in range(5):
        g = rng.standard_normal(7)
        ours.step(g)
        theta.grad = torch.from_numpy(g.copy())
        theirs.step()
    np.testing.assert_allclose(flat, theta.detach().numpy(), rtol=1e-13, atol=1e-15)


def test_sgd_on_the_flat_buffer_is_the_articles_update():
    from rnn_lib.optim import SGD, sgd_update
    rng = np.random.default_rng(2)
    flat, g = rng.standard_normal(6), rng.standard_normal(6) * 3
    params = {"a": flat[:4].copy().reshape(2, 2), "b": flat[4:].copy()}
    sgd_update(params, {"a": g[:4].reshape(2, 2), "b": g[4:]}, 0.02, 1.0)
    SGD(flat, 0.02, 1.0).step(g)
    np.testing.assert_array_equal(flat, np.concatenate([params["a"].ravel(), params["b"]]))


@pytest.mark.parametrize("optimizer", ["sgd", "adam", "adagrad"])
def test_one_trainer_takes_any_optimiser_for_either_model(optimizer):
    """train (batched) and train_lm run the same ModelEngine with the optimiser asked for; both learn."""
    import rnn_lib
    from rnn_lib.lm import CharLM
    from rnn_lib.training import train_lm
    rate = {"sgd": 0.02, "adam": 0.005, "adagrad": 0.05}[optimizer]
    _, _, h = rnn_lib.fit(seed=0, epochs=15, hidden_size=16, engine="batched", learn_rate=rate, init="xavier",
                          optimizer=optimizer)
    assert h.train_loss[-1] < h.train_loss[0]
    lm = CharLM(hidden_size=8, rng=0)
    names = ["emma", "olivia", "ava", "mia", "noah", "liam", "eva", "leo"]
    h = train_lm(lm, names, epochs=15, batch_size=4, rng=0, learn_rate=rate * 2, optimizer=optimizer)
    assert h.train_loss[-1] < h.train_loss[0]


def test_an_optimiser_is_checked_once_where_it_is_chosen():
    import rnn_lib
    from rnn_lib.optim import SGD
    model = rnn_lib.RNN(18, 2, 4, rng=0)
    with pytest.raises(ValueError, match="optimizer must be one of 'sgd', 'adam', 'adagrad'"):
        rnn_lib.train(model, rnn_lib.Vocabulary.from_texts(rnn_lib.train_data), epochs=1, engine="fast",
                      optimizer="rmsprop")
    with pytest.raises(ValueError, match="teaching loop"):
        rnn_lib.fit(epochs=1, optimizer="adam")
    with pytest.raises(ValueError, match="another buffer"):
        rnn_lib.train(model, rnn_lib.Vocabulary.from_texts(rnn_lib.train_data), epochs=1, engine="fast",
                      optimizer=SGD(np.zeros(3), 0.1))

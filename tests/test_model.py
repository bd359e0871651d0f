import numpy as np
import pytest

from rnn_lib import RNN, Vocabulary, sgd_step, softmax_cross_entropy, step_backward, step_forward

from helpers import random_model


def linspace_model():
    model = RNN(4, 2, 3)
    model.Wxh = np.linspace(-0.5, 0.5, 12).reshape(3, 4)
    model.Whh = np.linspace(-0.4, 0.6, 9).reshape(3, 3)
    model.Why = np.linspace(-0.3, 0.3, 6).reshape(2, 3)
    model.bh = np.linspace(-0.1, 0.1, 3).reshape(3, 1)
    model.by = np.array([[0.05], [-0.05]])
    return model


def test_golden_forward_with_nonzero_h0():
    """Expected values computed separately with plain Python floats and math.tanh."""
    model = linspace_model()
    h0 = np.linspace(-0.2, 0.2, 3).reshape(3, 1)
    y, h = model.forward([0, 3, 1, 2], h0=h0)
    expected_hs = np.array([
        [-0.2, 0.0, 0.2],
        [-0.5005202111902353, -0.08614955553577519, 0.3603366465266731],
        [-0.15613633112909966, 0.21779242437760135, 0.5371199205985848],
        [-0.5278047312508121, 0.10073723722711739, 0.6579881810548616],
        [-0.32162710667744565, 0.21343803534561923, 0.6451829881298622],
    ])
    np.testing.assert_allclose(model.last_hs[:, :, 0], expected_hs, rtol=0, atol=1e-15)
    np.testing.assert_allclose(h[:, 0], expected_hs[-1], rtol=0, atol=1e-15)
    np.testing.assert_allclose(y[:, 0], [0.06935830635323051, 0.16267611640052337], rtol=0, atol=1e-15)


def test_shapes_dtypes_and_article_initialisation():
    model = RNN(18, 2)
    assert model.hidden_size == 64
    shapes = {"Wxh": (64, 18), "Whh": (64, 64), "Why": (2, 64), "bh": (64, 1), "by": (2, 1)}
    for name, shape in shapes.items():
        p = getattr(model, name)
        assert p.shape == shape and p.dtype == np.float64
    assert not model.bh.any() and not model.by.any()
    # standard normal / 1000: the sample standard deviation of 1152 weights is close to 1e-3
    assert 0.9e-3 < model.Wxh.std() < 1.1e-3 and 0.9e-3 < model.Whh.std() < 1.1e-3


def test_seeds_reproduce_and_differ():
    assert np.array_equal(RNN(5, 2, 4, rng=3).flat, RNN(5, 2, 4, rng=np.random.default_rng(3)).flat)
    assert not np.array_equal(RNN(5, 2, 4, rng=3).flat, RNN(5, 2, 4, rng=4).flat)


def test_xavier_and_scale_initialisation():
    x = RNN(18, 2, 64, rng=0, init="xavier")
    assert 0.8 * np.sqrt(2 / 82) < x.Wxh.std() < 1.2 * np.sqrt(2 / 82)
    s = RNN(18, 2, 64, rng=0, init=0.5)
    assert 0.45 < s.Whh.std() < 0.55
    with pytest.raises(ValueError, match="init must be"):
        RNN(18, 2, init="he")


def test_parameters_are_views_of_one_flat_buffer():
    model = RNN(3, 2, 4)
    model.flat[:] = 7.0
    assert (model.Wxh == 7).all() and (model.by == 7).all()
    model.Whh = np.eye(4)
    assert np.array_equal(model.params["Whh"], np.eye(4))
    with pytest.raises(ValueError, match=r"Whh must have shape \(4, 4\)"):
        model.Whh = np.eye(3)


def test_indices_and_one_hot_columns_give_the_same_forward():
    model = random_model()
    vocab = Vocabulary(list("abcdef"))
    y1, h1 = model.forward([2, 0, 5])
    hs1 = model.last_hs
    y2, h2 = model.forward(vocab.one_hot([2, 0, 5]))
    np.testing.assert_array_equal(y1, y2)
    np.testing.assert_array_equal(h1, h2)
    np.testing.assert_array_equal(hs1, model.last_hs)
    assert model.last_hs.shape == (4, 5, 1) and not model.last_hs[0].any()


def test_step_pair_matches_forward_and_backward():
    model = random_model()
    xs = model.inputs_to_columns([1, 4])
    h1, c1 = step_forward(xs[0], np.zeros((5, 1)), model.Wxh, model.Whh, model.bh)
    h2, c2 = step_forward(xs[1], h1, model.Wxh, model.Whh, model.bh)
    y, h = model.forward([1, 4])
    np.testing.assert_array_equal(h, h2)
    d_y = np.array([[0.3], [-0.3]])
    grads = model.backward(d_y)
    d_h1, g2 = step_backward(model.Why.T @ d_y, c2)
    _, g1 = step_backward(d_h1, c1)
    for name in ("Wxh", "Whh", "bh"):
        np.testing.assert_allclose(grads[name], g1[name] + g2[name], rtol=1e-14)


def test_backward_does_not_change_the_weights_and_returns_every_gradient():
    model = random_model()
    before = model.flat.copy()
    model.forward([0, 1, 2])
    grads = model.backward(np.array([[0.5], [-0.5]]))
    assert np.array_equal(model.flat, before)
    assert set(grads) == {"Wxh", "Whh", "Why", "bh", "by"}
    for name, g in grads.items():
        assert g.shape == model.params[name].shape


def test_hidden_gradients_have_one_entry_per_state():
    model = random_model()
    model.forward([0, 1, 2, 3])
    grads, d_hs = model.backward(np.array([[0.5], [-0.5]]), return_hidden_grads=True)
    assert d_hs.shape == (5, 5, 1)
    np.testing.assert_allclose(d_hs[-1], model.Why.T @ np.array([[0.5], [-0.5]]))


def test_backward_before_forward_is_a_clear_error():
    with pytest.raises(RuntimeError, match="before forward"):
        RNN(3, 2, 4).backward(np.zeros((2, 1)))
    with pytest.raises(RuntimeError, match="no forward pass yet"):
        RNN(3, 2, 4).last_hs


@pytest.mark.parametrize("inputs, error, match", [
    ([], ValueError, "empty sequence"),
    ("i am happy", TypeError, "not text"),
    ([0, 6], ValueError, r"word index 6 at t=2 is out of range 0..5"),
    ([np.zeros((5, 1))], ValueError, r"shape \(5, 1\), expected a \(6, 1\) column"),
    ([np.zeros(6)], ValueError, r"shape \(6,\)"),
    ([0.5], TypeError, "must be a word index"),
    ([True], TypeError, "must be a word index"),
    (7, TypeError, "must be a sequence"),
])
def test_bad_inputs_raise_clear_errors(inputs, error, match):
    with pytest.raises(error, match=match):
        random_model().forward(inputs)


def test_bad_h0_and_d_y():
    model = random_model()
    with pytest.raises(ValueError, match=r"h0 must have shape \(5, 1\)"):
        model.forward([0], h0=np.zeros(5))
    model.forward([0])
    with pytest.raises(ValueError, match=r"d_y must have shape \(2, 1\)"):
        model.backward(np.zeros((1, 2)))


@pytest.mark.parametrize("args", [(0, 2), (3, 2, -1), (3.0, 2), (3, True)])
def test_bad_sizes(args):
    with pytest.raises(ValueError, match="must be a positive int"):
        RNN(*args)


def test_copy_is_independent():
    model = random_model()
    other = model.copy()
    other.Whh[0, 0] += 1
    assert model.Whh[0, 0] != other.Whh[0, 0]
    assert np.array_equal(model.Wxh, other.Wxh)


def test_loss_is_forward_softmax_cross_entropy_and_backward_in_one_call():
    model = random_model()
    h0 = np.linspace(-0.3, 0.3, 5).reshape(5, 1)
    loss, grads = model.loss([1, 4, 2], 1, h0=h0)
    y, _ = model.forward([1, 4, 2], h0=h0)
    expected_loss, p, d_y = softmax_cross_entropy(y, 1)
    assert loss == expected_loss
    np.testing.assert_array_equal(model.last_probs, p)
    for name, g in model.backward(d_y).items():
        np.testing.assert_array_equal(grads[name], g)
    assert list(grads) == list(model.params)


def test_backward_after_loss_asks_for_a_forward():
    model = random_model()
    model.loss([1, 2], 0)
    with pytest.raises(RuntimeError, match="needs a forward"):
        model.backward(np.zeros((2, 1)))


def test_backward_after_an_update_is_an_error_not_a_mix_of_old_and_new():
    model = random_model()
    y, _ = model.forward([1, 2, 3])
    d_y = softmax_cross_entropy(y, 1)[2]
    sgd_step(model, model.backward(d_y), learn_rate=0.5)
    with pytest.raises(RuntimeError, match="the weights changed since the last forward"):
        model.backward(d_y)
    model.forward([1, 2, 3])  # a new forward: fine again
    model.backward(d_y)


@pytest.mark.parametrize("edit", [
    lambda m: m.Whh.__setitem__((0, 0), m.Whh[0, 0] + 1e-9),  # in place, through a view
    lambda m: m.flat.__setitem__(-1, 2.0),
    lambda m: setattr(m, "bh", np.ones((5, 1))),
])
def test_backward_after_any_weight_change_is_an_error(edit):
    model = random_model()
    model.forward([0, 5])
    edit(model)
    with pytest.raises(RuntimeError, match="weights changed"):
        model.backward(np.ones((2, 1)))


def test_assigning_flat_copies_into_the_buffer_so_every_view_sees_it():
    model = random_model()
    buffer = model.flat
    new = np.arange(model.flat.size, dtype=float) / model.flat.size
    model.flat = new
    assert model.flat is buffer and np.array_equal(model.flat, new)
    new[0] = 99.0  # a copy, not an alias
    assert model.flat[0] == 0.0
    assert model.Wxh[0, 0] == 0.0 and model.params["by"][-1, 0] == model.flat[-1]
    y, _ = model.forward([1])
    np.testing.assert_allclose(y, model.Why @ np.tanh(model.Wxh[:, [1]] + model.bh) + model.by, rtol=1e-15)
    with pytest.raises(ValueError, match=r"flat must have shape \(\d+,\), got \(3,\)"):
        model.flat = np.zeros(3)


def test_params_by_name_are_views_for_any_assignment():
    model = random_model()
    model.params["Whh"] = np.eye(5)
    np.testing.assert_array_equal(model.Whh, np.eye(5))
    model.params["Whh"] -= np.eye(5)  # in place, as an optimiser writes
    assert not model.Whh.any() and not model.flat[30:55].any()
    with pytest.raises(ValueError, match=r"Whh must have shape \(5, 5\)"):
        model.params["Whh"] = np.eye(4)
    with pytest.raises(KeyError, match="'W' is not a parameter"):
        model.params["W"] = np.eye(5)
    with pytest.raises(AttributeError, match="no attribute 'Wxy'"):
        model.Wxy


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_or_inf_in_inputs_h0_or_d_y_is_a_clear_error(bad):
    model = random_model()
    x = np.zeros((6, 1))
    x[2, 0] = bad
    with pytest.raises(ValueError, match="input x_2 contains NaN or inf"):
        model.forward([np.eye(6)[:, [0]], x])
    h0 = np.zeros((5, 1))
    h0[1, 0] = bad
    with pytest.raises(ValueError, match="h0 contains"):
        model.forward([0], h0=h0)
    with pytest.raises(ValueError, match="h0 contains"):
        model.loss([0], 1, h0=h0)
    model.forward([0])
    with pytest.raises(ValueError, match="d_y contains"):
        model.backward(np.array([[bad], [0.0]]))


def test_checked_columns_are_accepted_without_a_second_check():
    model = random_model()
    xs = model.inputs_to_columns([3, 1])
    assert model.inputs_to_columns(xs) is xs
    y1, _ = model.forward(xs)
    hs = model.last_hs
    y2, _ = model.forward([3, 1])
    np.testing.assert_array_equal(y1, y2)
    np.testing.assert_array_equal(hs, model.last_hs)
    assert model.last_xs[0][3, 0] == 1.0 and len(model.last_xs) == 2

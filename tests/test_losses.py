import numpy as np
import pytest

from rnn_lib import clip_gradients, cross_entropy, sgd_step, softmax, softmax_cross_entropy

from helpers import random_model


def test_softmax_is_stable_and_sums_to_one():
    p = softmax(np.array([[1000.0], [1001.0]]))
    assert np.all(np.isfinite(p))
    np.testing.assert_allclose(p[:, 0], [1 / (1 + np.e), np.e / (1 + np.e)], rtol=1e-15)
    np.testing.assert_allclose(softmax(np.zeros((2, 1))), [[0.5], [0.5]])


def test_cross_entropy_value_and_type():
    p = np.array([[0.25], [0.75]])
    loss = cross_entropy(p, 1)
    assert isinstance(loss, float)
    assert f"{loss:.3f}" == "0.288"  # a float formats; a 1-element array would not on numpy >= 2.4


def test_softmax_cross_entropy_gradient_is_p_minus_onehot():
    y = np.array([[0.3], [-1.2]])
    loss, p, d_y = softmax_cross_entropy(y, 0)
    np.testing.assert_allclose(loss, -np.log(softmax(y)[0, 0]), rtol=1e-14)
    np.testing.assert_allclose(d_y, p - np.array([[1.0], [0.0]]))
    # numerical derivative of the loss with respect to y
    eps = 1e-6
    for i in range(2):
        e = np.zeros((2, 1))
        e[i] = eps
        num = (softmax_cross_entropy(y + e, 0)[0] - softmax_cross_entropy(y - e, 0)[0]) / (2 * eps)
        assert abs(num - d_y[i, 0]) < 1e-9


def test_loss_stays_finite_for_huge_scores():
    loss, p, _ = softmax_cross_entropy(np.array([[800.0], [-800.0]]), 1)
    assert loss == pytest.approx(1600.0) and np.isfinite(loss)


def test_bool_target_and_bad_targets():
    y = np.zeros((2, 1))
    assert softmax_cross_entropy(y, True)[2][1, 0] == -0.5
    with pytest.raises(ValueError, match="out of range 0..1"):
        softmax_cross_entropy(y, 2)
    with pytest.raises(TypeError, match="class index"):
        softmax_cross_entropy(y, "positive")
    with pytest.raises(ValueError, match=r"\(O, 1\) column"):
        softmax_cross_entropy(np.zeros(2), 0)


def test_clipping_is_elementwise_and_returns_new_arrays():
    g = {"a": np.array([[-3.0, 0.5], [2.0, -0.25]])}
    c = clip_gradients(g, 1.0)
    np.testing.assert_array_equal(c["a"], [[-1.0, 0.5], [1.0, -0.25]])
    assert g["a"][0, 0] == -3.0
    with pytest.raises(ValueError, match="positive"):
        clip_gradients(g, 0)


def test_sgd_step_updates_with_clipped_gradients():
    model = random_model()
    before = {k: v.copy() for k, v in model.params.items()}
    grads = {k: np.full(v.shape, 5.0) for k, v in model.params.items()}
    grads["bh"][:] = -0.5
    sgd_step(model, grads, learn_rate=0.1, clip=1.0)
    np.testing.assert_allclose(model.Wxh, before["Wxh"] - 0.1)
    np.testing.assert_allclose(model.bh, before["bh"] + 0.05)
    with pytest.raises(ValueError, match="lacks"):
        sgd_step(model, {"Wxh": grads["Wxh"]})

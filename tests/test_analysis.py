"""rnn_lib.analysis: the state after every word, and the gradient norms through time."""

import numpy as np
import pytest

from rnn_lib import RNN, Vocabulary, numerical_gradient, softmax, softmax_cross_entropy, train_data
from rnn_lib.analysis import hidden_grad_norms, step_outputs

VOCAB = Vocabulary.from_texts(train_data)
PHRASE = "i am not at all happy right now"


def model_with_scale(scale, seed=3):
    return RNN(len(VOCAB), 2, hidden_size=16, rng=seed, init=scale)


def test_step_outputs_match_forward_at_every_prefix():
    model = model_with_scale(0.3)
    indices = VOCAB.encode(PHRASE)
    hs, probs = step_outputs(model, indices)
    T = len(indices)
    assert hs.shape == (T + 1, 16) and probs.shape == (T + 1, 2)
    np.testing.assert_array_equal(hs[0], 0.0)
    model.forward(indices)
    np.testing.assert_allclose(hs, model.last_hs[:, :, 0], rtol=0, atol=1e-15)
    for t in range(1, T + 1):  # probs[t] is what the network says about the first t words
        y, _ = model.forward(indices[:t])
        np.testing.assert_allclose(probs[t], softmax(y)[:, 0], rtol=1e-13)
    np.testing.assert_allclose(probs[0], softmax(model.by)[:, 0])
    np.testing.assert_allclose(probs.sum(axis=1), 1.0)


def test_step_outputs_leave_the_models_backward_cache_alone():
    model = model_with_scale(0.3)
    y, _ = model.forward(VOCAB.encode("not good"))
    grads_before = model.backward(softmax_cross_entropy(y, 1)[2])
    step_outputs(model, VOCAB.encode(PHRASE))  # e.g. a widget redrawing between forward and backward
    grads_after = model.backward(softmax_cross_entropy(y, 1)[2])
    for name in grads_before:
        np.testing.assert_array_equal(grads_before[name], grads_after[name])


def test_step_outputs_with_h0_and_bad_h0():
    model = model_with_scale(0.3)
    h0 = np.linspace(-0.5, 0.5, 16).reshape(16, 1)
    hs, _ = step_outputs(model, [1, 2], h0=h0)
    np.testing.assert_array_equal(hs[0], h0[:, 0])
    with pytest.raises(ValueError, match=r"h0 must have shape \(16, 1\)"):
        step_outputs(model, [1, 2], h0=np.zeros(16))


def test_hidden_grad_norms_agree_with_backward_and_with_finite_differences():
    model = model_with_scale(0.4)
    indices = VOCAB.encode(PHRASE)
    h0 = np.random.default_rng(0).uniform(-0.5, 0.5, size=(16, 1))
    norms = hidden_grad_norms(model, indices, 1, h0=h0)
    assert norms.shape == (len(indices) + 1,)
    y, _ = model.forward(indices, h0)
    _, p, d_y = softmax_cross_entropy(y, 1)
    _, d_hs = model.backward(d_y, return_hidden_grads=True)
    np.testing.assert_allclose(norms, np.linalg.norm(d_hs[:, :, 0], axis=1), rtol=1e-14)
    # an independent oracle at both ends: dL/dh_T = Why.T (p - e_c), and dL/dh_0 by finite differences
    np.testing.assert_allclose(norms[-1], np.linalg.norm(model.Why.T @ d_y), rtol=1e-13)

    def loss():  # numerical_gradient perturbs h0 in place
        return softmax_cross_entropy(model.forward(indices, h0)[0], 1)[0]

    numeric = numerical_gradient(loss, h0)
    np.testing.assert_allclose(norms[0], np.linalg.norm(numeric), rtol=1e-6)


def test_small_weights_make_the_gradient_vanish_going_back_in_time():
    indices = VOCAB.encode(PHRASE)  # T = 8
    small = hidden_grad_norms(model_with_scale(0.01), indices, 1)
    assert np.all(np.diff(small) > 0), "with small weights the norm must grow from h_0 to h_T"
    assert small[0] / small[-1] < 1e-10
    moderate = hidden_grad_norms(model_with_scale(0.3), indices, 1)
    assert moderate[0] / moderate[-1] > 1e-3  # much less decay with larger weights


# --- occlusion, PCA and trajectories --------------------------------------------------------------

from rnn_lib import predict_proba  # noqa: E402
from rnn_lib.analysis import PCA2D, hidden_states, occlusion, pca_2d, trajectory  # noqa: E402


def test_occlusion_is_the_probability_of_each_shortened_phrase():
    model = model_with_scale(0.5)
    words, p, p_without = occlusion(model, VOCAB, "I am not  happy")
    assert words == ["i", "am", "not", "happy"]
    assert p == pytest.approx(predict_proba(model, VOCAB, "i am not happy"), abs=1e-15)
    for t, rest in enumerate(["am not happy", "i not happy", "i am happy", "i am not"]):
        assert p_without[t] == pytest.approx(predict_proba(model, VOCAB, rest), abs=1e-15)
    _, _, single = occlusion(model, VOCAB, "happy")
    assert np.isnan(single).all() and single.shape == (1,)
    with pytest.raises(ValueError, match="great"):
        occlusion(model, VOCAB, "i am great")


def test_pca_2d_finds_the_directions_of_largest_variance():
    rng = np.random.default_rng(0)
    basis = np.linalg.qr(rng.standard_normal((6, 6)))[0]  # orthonormal columns
    coords = rng.standard_normal((500, 6)) * np.array([5.0, 2.0, 0.3, 0.2, 0.1, 0.05])
    states = coords @ basis.T + 3.0
    pca = pca_2d(states)
    assert isinstance(pca, PCA2D) and pca.axes.shape == (2, 6)
    for k in range(2):  # the true directions, up to sign (fixed: the largest entry is positive)
        assert abs(pca.axes[k] @ basis[:, k]) > 0.999
        assert pca.axes[k][np.argmax(np.abs(pca.axes[k]))] > 0
    np.testing.assert_allclose(pca.axes @ pca.axes.T, np.eye(2), atol=1e-12)
    variances = coords.var(axis=0)
    assert pca.explained[0] == pytest.approx(25 / (variances / variances[0] * 25).sum(), rel=0.2)
    assert pca.explained[0] > pca.explained[1] and pca.explained.sum() < 1
    projected = pca(states)
    assert projected.shape == (500, 2) and abs(projected.mean(axis=0)).max() < 1e-12
    np.testing.assert_allclose(projected[:, 0].var(), variances[0], rtol=0.15)
    with pytest.raises(ValueError, match="shape"):
        pca_2d(states[:1])
    with pytest.raises(ValueError, match="units"):
        pca(np.zeros((3, 5)))


def test_hidden_states_stack_every_h_t_without_h0_and_trajectory_projects_them():
    model = model_with_scale(0.5)
    texts = ["i am happy", "not bad"]
    states = hidden_states(model, VOCAB, texts)
    assert states.shape == (5, 16)
    np.testing.assert_array_equal(states[:3], step_outputs(model, VOCAB.encode("i am happy"))[0][1:])
    pca = pca_2d(states)
    words, points, probs = trajectory(model, VOCAB, "not bad", pca)
    assert words == ["not", "bad"] and points.shape == (3, 2) and probs.shape == (3,)
    np.testing.assert_allclose(points[0], pca(np.zeros(16)))
    np.testing.assert_allclose(points[1:], pca(states[3:]))
    assert probs[-1] == pytest.approx(predict_proba(model, VOCAB, "not bad"))
    with pytest.raises(ValueError, match="empty"):
        hidden_states(model, VOCAB, [])

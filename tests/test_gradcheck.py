import numpy as np
import pytest

from rnn_lib import check_gradients, numerical_gradient, rel_error
from rnn_lib.article import backward_without_transpose

from helpers import random_model

PARAMS = ("Wxh", "Whh", "Why", "bh", "by")


@pytest.mark.parametrize("T", [1, 2, 10])
@pytest.mark.parametrize("target", [0, 1])
def test_every_gradient_matches_centred_differences(T, target):
    model = random_model(scale=0.5, seed=T)
    rng = np.random.default_rng(100 + T)
    inputs = list(rng.integers(0, model.input_size, size=T))
    h0 = rng.standard_normal((model.hidden_size, 1)) * 0.3
    report = check_gradients(model, inputs, target, h0=h0)
    assert set(report) == set(PARAMS)
    for name, row in report.items():
        assert row.max_rel_error < 1e-6, f"{name}: {row.max_rel_error:.2e} (T={T})"


def test_check_leaves_the_weights_unchanged():
    model = random_model()
    before = model.flat.copy()
    check_gradients(model, [0, 1, 2], 1)
    assert np.array_equal(model.flat, before)


@pytest.mark.parametrize("T", [2, 10])
def test_the_articles_transpose_free_step_fails_the_same_check(T):
    """The article's d_h = Whh @ temp: Why, by and the last step are right, Whh and Wxh are not."""
    model = random_model(scale=0.5, seed=T)
    rng = np.random.default_rng(7)
    inputs = list(rng.integers(0, model.input_size, size=T))
    h0 = rng.standard_normal((model.hidden_size, 1)) * 0.3  # with h0 = 0, T = 2 would hide the Whh error
    report = check_gradients(model, inputs, 1, h0=h0, backward=backward_without_transpose)
    assert report["Why"].max_rel_error < 1e-6 and report["by"].max_rel_error < 1e-6
    assert report["Whh"].max_rel_error > 1e-2
    assert report["Wxh"].max_rel_error > 1e-2
    assert not report.passed()


def test_with_one_step_the_articles_version_is_right():
    """With T = 1 no gradient flows through Whh between steps, so the defect cannot show."""
    model = random_model()
    assert check_gradients(model, [3], 0, backward=backward_without_transpose).passed()


def test_report_prints_a_table():
    text = str(check_gradients(random_model(), [0, 1], 0))
    lines = text.splitlines()
    assert lines[0].split()[:2] == ["param", "max"] and len(lines) == 6
    assert all(line.split()[-1] in ("close", "exact") for line in lines[1:])


def test_numerical_gradient_of_a_known_function():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    g = numerical_gradient(lambda: float((x**3).sum()), x)
    np.testing.assert_allclose(g, 3 * x**2, rtol=1e-8)
    assert x[0, 1] == -2.0  # restored


def test_rel_error():
    assert rel_error([1.0, 0.0], [1.0, 0.0]) == 0.0
    assert rel_error([1.0], [3.0]) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="shapes differ"):
        rel_error([1.0], [1.0, 2.0])


def test_tiny_gradients_of_the_articles_initialisation_are_not_false_alarms():
    """With randn/1000 weights some entries are ~1e-12, below the estimate's rounding (~1e-11)."""
    import rnn_lib

    model, vocab, _ = rnn_lib.fit(seed=0, epochs=3)
    inputs = vocab.encode("this is not bad")
    report = check_gradients(model, inputs, 1)
    assert report.passed(), str(report)
    # measured entry by entry relative to themselves, the same gradients look wrong
    assert check_gradients(model, inputs, 1, floor=1e-12).max_rel_error() > 1e-3


def test_floor_still_catches_small_wrong_entries():
    a = np.array([1e-4, 0.5])
    assert rel_error(a, a * [2.0, 1.0], floor=1e-3) > 1e-2  # 1e-4 vs 2e-4: caught
    assert rel_error(a, a + [1e-12, 0.0], floor=1e-3) < 1e-8  # rounding-size difference: not


# ---- non-finite values are failures, never passes ----

def test_rel_error_with_nan_or_inf_is_infinite_not_zero():
    """rel_error(nan, x) used to return 0.0: every comparison with NaN is False, so nothing was counted."""
    assert rel_error([np.nan], [1.0]) == np.inf
    assert rel_error([1.0, 2.0], [1.0, np.nan]) == np.inf
    assert rel_error([np.nan], [np.nan]) == np.inf
    assert rel_error([np.inf], [np.inf]) == np.inf  # equal, but not a gradient
    assert rel_error([0.0], [-np.inf], floor=1e-3) == np.inf


def test_a_nan_weight_fails_the_check():
    """A NaN weight made every gradient NaN, and the check said passed() with error 0.0."""
    model = random_model()
    model.Whh[0, 0] = np.nan
    try:
        report = check_gradients(model, [0, 1, 2], 1)
    except ValueError as e:  # a model that refuses NaN weights in forward is as good
        assert "nan" in str(e).lower() or "finite" in str(e).lower()
        return
    assert not report.passed()
    assert report.max_rel_error() == np.inf
    assert report["Whh"].verdict == "NOT FINITE" and not report["Whh"].finite
    assert "NOT FINITE" in str(report)


def test_a_backward_that_returns_nan_fails_with_its_own_verdict():
    model = random_model()

    def nan_backward(model, d_y):
        grads = model.backward(d_y)
        grads["Wxh"] = grads["Wxh"] * np.nan
        return grads

    report = check_gradients(model, [0, 1, 2], 1, backward=nan_backward)
    assert not report.passed() and not report.passed(tol=np.inf)
    assert report["Wxh"].verdict == "NOT FINITE"
    assert [row.verdict for name, row in report.items() if name != "Wxh"] == ["close"] * 4
    line = [l for l in str(report).splitlines() if l.startswith("Wxh")][0]
    assert line.endswith("NOT FINITE") and "nan" in line
    assert report.max_rel_error() == np.inf


def test_an_infinite_analytic_gradient_is_not_exact():
    """inf == inf, so the "exact" verdict must look at finiteness first."""
    model = random_model()

    def inf_backward(model, d_y):
        grads = model.backward(d_y)
        grads["by"] = np.full_like(grads["by"], np.inf)
        return grads

    report = check_gradients(model, [0], 0, backward=inf_backward)
    assert report["by"].verdict == "NOT FINITE" and not report["by"].exact and not report.passed()


def test_an_infinite_weight_that_leaves_the_gradients_finite_still_fails():
    """Wxh[0, 0] = inf: tanh saturates, both gradients are finite (0), yet nothing was measured there."""
    model = random_model()
    model.Wxh[0, 0] = np.inf
    report = check_gradients(model, [0], 1)
    assert report["Wxh"].max_abs_diff < 1e-9  # tanh(inf) = 1: both gradients finite, and they agree
    assert report["Wxh"].verdict == "NOT FINITE" and not report.passed()


def test_check_gradients_refuses_unknown_or_no_parameter_names():
    with pytest.raises(ValueError, match="unknown parameter 'W'"):
        check_gradients(random_model(), [0], 0, names=["W"])
    with pytest.raises(ValueError, match="names is empty"):
        check_gradients(random_model(), [0], 0, names=[])


def test_a_nan_weight_gives_not_finite_rows_not_an_error_about_d_y():
    model = random_model()
    model.Whh[0, 0] = np.nan
    report = check_gradients(model, [0, 1, 2], 1)
    assert not report.passed()
    assert report["Whh"].verdict == "NOT FINITE"
    assert "NOT FINITE" in str(report)


@pytest.mark.parametrize("eps", [0, -1e-5, np.nan, np.inf])
def test_a_meaningless_eps_is_one_line(eps):
    model = random_model()
    with pytest.raises(ValueError, match="eps must be") as info:
        check_gradients(model, [0, 1], 1, eps=eps)
    assert "\n" not in str(info.value)
    with pytest.raises(ValueError, match="eps must be"):
        numerical_gradient(lambda: 0.0, np.zeros(2), eps=eps)


def test_a_backward_missing_gradients_says_which():
    model = random_model()
    with pytest.raises(ValueError, match="Wxh, Whh, Why, bh, by"):
        check_gradients(model, [0, 1], 1, backward=lambda m, d_y: {})
    with pytest.raises(ValueError, match="bh"):
        check_gradients(model, [0, 1], 1, backward=lambda m, d_y: {n: g for n, g in m.backward(d_y).items()
                                                                   if n != "bh"})
    with pytest.raises(ValueError, match="Whh.*shape"):
        check_gradients(model, [0, 1], 1, backward=lambda m, d_y: {**m.backward(d_y), "Whh": np.zeros(3)})


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_every_model_checks_its_batch_gradients_through_the_contract(cell):
    """The classifier (bucketed and, for the vanilla kernel, padded) and the language model, every cell."""
    from rnn_lib import CharLM, make_model
    from rnn_lib.batching import Phrases
    from rnn_lib.gradcheck import check_batch_gradients
    from rnn_lib.batching import pad_names

    clf = make_model(6, 2, 4, rng=1, init=0.5, cell=cell)
    phrases = Phrases([np.array(s) for s in ([0, 3, 5], [2, 2, 1], [4, 0])], [1, 0, 1])
    assert check_batch_gradients(clf, phrases.get([0, 1])).passed()
    if clf.takes_padding:
        assert check_batch_gradients(clf, phrases.get([0, 1, 2])).passed()
    lm = CharLM("." + "abc", 4, rng=2, cell=cell)
    assert check_batch_gradients(lm, pad_names(lm, ["ab", "cab", "c"]) + (None,)).passed()


def test_an_input_layer_with_parameters_checks_through_the_contract():
    """The embedding is the language model's input layer: its E is a parameter like any other."""
    from rnn_lib import CharLM
    from rnn_lib.embedding import Embedding
    from rnn_lib.gradcheck import check_batch_gradients
    from rnn_lib.batching import pad_names

    lm = CharLM("." + "abc", 4, rng=3, embed_dim=2)
    assert isinstance(lm.input_layer, Embedding) and list(lm.shapes)[0] == "E"
    report = check_batch_gradients(lm, pad_names(lm, ["ab", "cab"]) + (None,))
    assert report.passed() and "E" in report

"""Nothing silent: bad arguments are refused up front, the same way by every engine, and divergence stops training.

One test per behaviour; each of them failed before the checks moved into ``rnn_lib.checks``.
"""

import math

import numpy as np
import pytest

import rnn_lib
from rnn_lib import checks
from rnn_lib.training import History, TrainingDiverged

ENGINES = ("loop", "fast", "batched")


# --- the checks themselves -------------------------------------------------------------------
@pytest.mark.parametrize("value", [0, -3, 2.0, True, "4", None])
def test_positive_int_refuses_everything_but_a_positive_int(value):
    with pytest.raises(ValueError, match="n must be a positive int"):
        checks.positive_int(value, "n")


def test_int_checks_accept_numpy_ints_and_say_what_is_allowed():
    assert checks.positive_int(np.int64(3), "n") == 3 and type(checks.positive_int(np.int64(3), "n")) is int
    assert checks.int_at_least(0, "epochs", 0) == 0
    with pytest.raises(ValueError, match="epochs must be a non-negative int, got -1"):
        checks.int_at_least(-1, "epochs", 0)
    with pytest.raises(ValueError, match=r"the string '10' \(write the number without quotes\)"):
        checks.int_at_least("10", "epochs", 0)


@pytest.mark.parametrize("value, error", [(0, ValueError), (-0.1, ValueError), (math.inf, ValueError),
                                          (math.nan, ValueError), ("0.1", TypeError), (True, TypeError),
                                          (None, TypeError), ([0.1], TypeError)])
def test_learn_rate_must_be_a_finite_positive_number(value, error):
    with pytest.raises(error, match="learn_rate must be"):
        checks.learn_rate(value)


def test_clip_limit_is_none_or_a_finite_positive_number():
    assert checks.clip_limit(None) is None and checks.clip_limit(1) == 1.0
    for bad in (0, -1, math.nan, math.inf):
        with pytest.raises(ValueError, match="clip must be a positive number or None"):
            checks.clip_limit(bad)
    with pytest.raises(TypeError, match="the string '1'"):
        checks.clip_limit("1")


def test_finite_array_checks_shape_then_values():
    np.testing.assert_array_equal(checks.finite_array([[1], [2]], "h0", (2, 1)), [[1.0], [2.0]])
    with pytest.raises(ValueError, match=r"h0 must have shape \(3, 1\), got \(2, 1\)"):
        checks.finite_array([[1], [2]], "h0", (3, 1))
    with pytest.raises(ValueError, match="h0 contains NaN"):
        checks.finite_array([[1], [np.nan]], "h0", (2, 1))
    with pytest.raises(ValueError, match="h0 contains inf"):
        checks.finite_array([[np.inf], [-np.inf]], "h0")
    big = np.full(4, 1e308)  # its sum overflows, but every entry is finite
    assert checks.all_finite(big) and not checks.all_finite(np.array([1.0, np.nan]))


def test_word_index_is_one_rule_for_the_model_and_the_vocabulary():
    vocab = rnn_lib.Vocabulary(["a", "b", "c"])
    model = rnn_lib.RNN(3, 2, 4)
    with pytest.raises(ValueError, match=r"word index 3 at t=2 is out of range 0..2"):
        model.forward([0, 3])
    with pytest.raises(ValueError, match=r"word index 3 is out of range 0..2"):
        vocab.decode([0, 3])
    with pytest.raises(TypeError, match="word indices must be ints, got float"):
        vocab.decode([0.0])


# --- issue points: every engine checks the same arguments, before training -------------------
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("clip", [0, -1.0, math.nan])
def test_every_engine_refuses_a_meaningless_clip(engine, clip):
    with pytest.raises(ValueError, match="clip must be a positive number or None"):
        rnn_lib.fit(0, epochs=1, clip=clip, engine=engine)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("kwargs, error, match", [
    (dict(learn_rate=math.inf), ValueError, "learn_rate must be a finite positive number, got inf"),
    (dict(learn_rate=math.nan), ValueError, "learn_rate must be a finite positive number"),
    (dict(learn_rate="0.1"), TypeError, r"learn_rate must be a number, got the string '0.1'"),
    (dict(clip="1"), TypeError, r"clip must be a positive number or None \(no clipping\), got the string '1'"),
    (dict(epochs="10"), ValueError, "epochs must be a non-negative int, got the string '10'"),
    (dict(stop_at="1.0"), TypeError, "stop_at must be a number, got the string '1.0'"),
])
def test_every_engine_gives_one_clear_line_for_bad_numbers(engine, kwargs, error, match):
    kwargs = {"epochs": 1, **kwargs}
    with pytest.raises(error, match=match) as e:
        rnn_lib.fit(0, engine=engine, **kwargs)
    assert "\n" not in str(e.value)


def test_a_bad_argument_is_found_before_any_update():
    vocab = rnn_lib.Vocabulary.from_texts(rnn_lib.train_data)
    model = rnn_lib.RNN(len(vocab), 2)
    before = model.flat.copy()
    for kwargs in (dict(clip=0), dict(stop_at=2.0), dict(engine="batched", batch_size=0)):
        with pytest.raises(ValueError):
            rnn_lib.train(model, vocab, epochs=3, **kwargs)
        np.testing.assert_array_equal(model.flat, before)


# --- issue points: divergence is never silent --------------------------------------------------
@pytest.mark.parametrize("engine", ENGINES)
def test_divergence_stops_training_with_the_epoch_and_the_likely_cause(engine):
    with pytest.raises(TrainingDiverged, match=r"training diverged in epoch 1: the loss became NaN or inf; "
                                               r"the learning rate 1e\+308 is probably too large and "
                                               r"clipping is off \(clip=None\)"):
        rnn_lib.fit(0, epochs=3, learn_rate=1e308, clip=None, engine=engine)


def test_divergence_in_a_later_epoch_keeps_the_history_and_the_last_finite_weights():
    vocab = rnn_lib.Vocabulary.from_texts(rnn_lib.train_data)
    model = rnn_lib.RNN(len(vocab), 2, rng=0)
    kept = {}

    def callback(history):
        if len(history) == 3:  # after epoch 3 a weight overflows (as a far too large step makes it)
            model.Why[0, 0] = np.inf
            kept["weights"] = model.flat.copy()

    with pytest.raises(TrainingDiverged, match="in epoch 4: the loss became NaN or inf") as e:
        rnn_lib.train(model, vocab, epochs=10, callback=callback)
    assert e.value.history.epoch == [1, 2, 3]
    assert all(math.isfinite(v) for v in e.value.history.train_loss)
    np.testing.assert_array_equal(model.flat, kept["weights"])  # back to the weights before epoch 4


def test_an_empty_history_reports_that_it_is_empty():
    _, _, history = rnn_lib.fit(0, epochs=0)
    assert len(history) == 0
    assert history.report() == "No epochs trained yet: the history is empty."
    assert History().report() == history.report()


def test_checked_columns_skip_the_check_only_for_the_same_vocabulary_size():
    xs = checks.input_columns([0, 2], 3)
    assert checks.input_columns(xs, 3) is xs
    with pytest.raises(ValueError, match=r"input x_1 has shape \(3, 1\), expected a \(4, 1\) column"):
        checks.input_columns(xs, 4)
    with pytest.raises(ValueError, match=r"input x_1 has shape \(3, 1\), expected a \(4, 1\) column"):
        rnn_lib.RNN(4, 2, 3).forward(xs)

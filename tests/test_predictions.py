"""rnn_lib.predictions: probabilities match the model, margins order the phrases, the table prints them."""

import numpy as np
import pytest

import rnn_lib
from rnn_lib.predictions import Prediction, hardest, prediction_table, predictions


@pytest.fixture
def model_and_vocab():
    vocab = rnn_lib.Vocabulary("i am not happy sad".split())
    return rnn_lib.RNN(len(vocab), 2, hidden_size=8, rng=3, init=0.5), vocab


def test_probabilities_are_the_models(model_and_vocab):
    model, vocab = model_and_vocab
    data = {"i am happy": True, "i am not happy": False, "sad": False}
    preds = predictions(model, vocab, data)
    assert [p.text for p in preds] == list(data)
    assert [p.label for p in preds] == [True, False, False]
    for p in preds:
        assert p.p_positive == pytest.approx(rnn_lib.predict_proba(model, vocab, p.text), abs=1e-15)
        assert 0 < p.p_positive < 1


def test_predictions_agree_with_evaluate(model_and_vocab):
    model, vocab = model_and_vocab
    data = {"i am happy": True, "i am not happy": False, "sad": False, "happy": True, "not sad": True}
    preds = predictions(model, vocab, data)
    _, accuracy = rnn_lib.evaluate(model, vocab, data)
    assert np.mean([p.correct for p in preds]) == accuracy


def test_margin_sign_and_range():
    assert Prediction("a", True, 0.9).margin == pytest.approx(0.8)
    assert Prediction("a", False, 0.9).margin == pytest.approx(-0.8)
    assert Prediction("a", False, 0.25).margin == pytest.approx(0.5)
    assert not Prediction("a", True, 0.5).predicted  # a tie is negative, like argmax
    assert Prediction("a", False, 0.9).correct is False


def test_hardest_puts_wrong_and_unsure_first():
    preds = [Prediction("sure", True, 0.99), Prediction("wrong", False, 0.7),
             Prediction("unsure", True, 0.55), Prediction("fine", False, 0.1)]
    assert [p.text for p in hardest(preds, 2)] == ["wrong", "unsure"]
    assert [p.text for p in hardest(preds, 10)] == ["wrong", "unsure", "fine", "sure"]
    with pytest.raises(ValueError, match="k must be"):
        hardest(preds, -1)


def test_table_has_one_line_per_phrase():
    preds = [Prediction("i am happy", True, 0.9876), Prediction("sad", True, 0.2)]
    lines = prediction_table(preds).splitlines()
    assert len(lines) == 3
    assert lines[0].split() == ["phrase", "label", "P(positive)", "predicted", "margin"]
    assert lines[1].split() == ["i", "am", "happy", "positive", "0.988", "positive", "0.975", "ok"]
    assert lines[2].split() == ["sad", "positive", "0.200", "negative", "-0.600", "WRONG"]


def test_bad_data_is_a_clear_error(model_and_vocab):
    model, vocab = model_and_vocab
    with pytest.raises(TypeError, match="mapping"):
        predictions(model, vocab, ["i am happy"])
    with pytest.raises(ValueError, match="unknown word"):
        predictions(model, vocab, {"i am glad": True})

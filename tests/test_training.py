import numpy as np
import pytest

import rnn_lib
from rnn_lib import RNN, Vocabulary, evaluate, fit, predict_proba, train


def test_same_seed_same_history_and_weights():
    m1, _, h1 = fit(seed=5, epochs=20)
    m2, _, h2 = fit(seed=5, epochs=20)
    assert h1 == h2
    assert np.array_equal(m1.flat, m2.flat)
    _, _, h3 = fit(seed=6, epochs=20)
    assert h3.train_loss != h1.train_loss


@pytest.mark.parametrize("seed", range(10))
def test_recipe_reaches_full_test_accuracy_for_every_seed(seed):
    """The article's recipe (lr 0.02, clip 1, H 64, randn/1000) on our data, seeds 0-9.

    The issue asks for 9 of 10 seeds; on this dataset all 10 get there (epochs 500-650). Seed 0 runs
    the teaching loop; seeds 1-9 the fast engine, which makes the same updates (tests/test_kernels.py
    checks the two agree to 1e-12 and draw the same random numbers).
    """
    # A measurement of the test accuracy, so the run stops by a callback (stop_at reads validation data)
    _, _, history = fit(seed=seed, engine="loop" if seed == 0 else "fast",
                        callback=lambda h: h.test_acc[-1] >= 1.0)
    assert history.test_acc[-1] == 1.0
    assert len(history) <= 1000
    if seed == 0:  # notebook 04 and the README quote it
        assert history.epoch[-1] == 613


def test_history_records_every_epoch_and_the_callback_can_stop():
    seen = []

    def callback(history):
        seen.append(history.epoch[-1])
        return len(history) == 3

    _, _, history = fit(seed=0, epochs=10, callback=callback)
    assert seen == [1, 2, 3] and history.epoch == [1, 2, 3]
    for series in (history.train_loss, history.train_acc, history.test_loss, history.test_acc):
        assert len(series) == 3 and all(isinstance(v, float) for v in series)
    assert history.report().splitlines()[0] == "--- Epoch 3"


def test_report_uses_the_articles_format():
    h = rnn_lib.History()
    h.append(100, 0.6875, 0.5166, 0.70012, 0.5)
    assert h.report() == ("--- Epoch 100\n"
                          "Train:\tLoss 0.688 | Accuracy: 0.517\n"
                          "Test:\tLoss 0.700 | Accuracy: 0.500")
    assert h.first_epoch_reaching(1.0) is None and h.first_epoch_reaching(0.5) == 100


def test_training_lowers_the_loss_and_the_untrained_model_is_near_uniform():
    vocab = Vocabulary.from_texts(rnn_lib.train_data)
    model = RNN(len(vocab), 2, rng=0)
    p = predict_proba(model, vocab, "i am happy")
    assert abs(p - 0.5) < 1e-3
    assert evaluate(model, vocab, rnn_lib.train_data)[0] == pytest.approx(np.log(2), abs=1e-6)
    model = RNN(len(vocab), 2, rng=0, init="xavier")  # leaves the article's slow start at once
    loss0, _ = evaluate(model, vocab, rnn_lib.train_data)
    train(model, vocab, epochs=30, rng=0)
    loss1, _ = evaluate(model, vocab, rnn_lib.train_data)
    assert loss1 < loss0 - 0.05


def test_bad_arguments():
    vocab = Vocabulary.from_texts(rnn_lib.train_data)
    model = RNN(len(vocab), 2)
    with pytest.raises(ValueError, match="input_size is 5"):
        train(RNN(5, 2), vocab, epochs=1)
    with pytest.raises(ValueError, match="epochs must be"):
        train(model, vocab, epochs=-1)
    with pytest.raises(ValueError, match="learn_rate must be a finite positive number"):
        train(model, vocab, learn_rate=0)
    with pytest.raises(ValueError, match="unknown word 'great'"):
        train(model, vocab, {"i am great": True}, epochs=1)
    with pytest.raises(ValueError, match="labels must be True/False"):
        train(model, vocab, {"i am happy": "yes"}, epochs=1)
    with pytest.raises(TypeError, match="mapping"):
        evaluate(model, vocab, ["i am happy"])
    with pytest.raises(ValueError, match="unknown word 'great'"):
        predict_proba(model, vocab, "i am great")


# --- the validation set: stop_at reads it, the test set is only reported -------------------------

PHRASES = dict(list(rnn_lib.train_data.items())[:12])
FLIPPED = {text: not label for text, label in PHRASES.items()}  # no network gets all of these right


def xavier_fit(**kwargs):
    return fit(seed=1, epochs=60, init="xavier", engine="fast", train_data=rnn_lib.train_data, **kwargs)


def test_stop_at_reads_the_validation_set_and_never_the_test_set():
    # The validation set is learnable and the test set is not: stopping must follow the validation set.
    _, _, h = xavier_fit(validation_data=PHRASES, test_data=FLIPPED, stop_at=1.0)
    assert len(h) < 60 and h.validation_acc[-1] == 1.0
    assert all(a < 1.0 for a in h.validation_acc[:-1]) and h.test_acc[-1] < 1.0
    # The other way round: the test set reaches 1.000, yet training runs every epoch.
    _, _, h = xavier_fit(validation_data=FLIPPED, test_data=PHRASES, stop_at=1.0)
    assert len(h) == 60 and max(h.validation_acc) < 1.0
    assert h.test_acc.index(1.0) < 59  # a stop on the test set would have ended the run here


def test_stop_at_without_validation_data_is_an_error_and_names_the_fix():
    with pytest.raises(ValueError, match=r"stop_at needs validation_data.*never at a test accuracy"):
        fit(seed=0, epochs=5, stop_at=1.0)


def test_history_has_validation_columns_and_the_report_a_valid_line():
    model, vocab, h = xavier_fit(validation_data=PHRASES, test_data=rnn_lib.test_data)
    assert len(h.validation_loss) == len(h.validation_acc) == len(h) == 60
    loss, acc = evaluate(model, vocab, PHRASES)
    assert h.validation_loss[-1] == pytest.approx(loss) and h.validation_acc[-1] == acc
    lines = h.report().splitlines()
    assert [line.split(":")[0] for line in lines] == ["--- Epoch 60", "Train", "Valid", "Test"]
    assert lines[2] == f"Valid:\tLoss {loss:.3f} | Accuracy: {acc:.3f}"
    _, _, plain = fit(seed=0, epochs=3)  # without validation data: the columns hold None, the report is the article's
    assert plain.validation_loss == plain.validation_acc == [None] * 3
    assert [line.split(":")[0] for line in plain.report().splitlines()] == ["--- Epoch 3", "Train", "Test"]


@pytest.mark.parametrize("label", [True, False])
def test_training_data_with_one_class_is_refused_with_counts(label):
    data = {t: label for t in rnn_lib.train_data}
    vocab = Vocabulary.from_texts(data)
    model = RNN(len(vocab), 2, 8, rng=0)
    before = model.flat.copy()
    with pytest.raises(ValueError, match="both classes") as info:
        train(model, vocab, data, None, epochs=1)
    message = str(info.value)
    assert f"{len(data)} {'positive' if label else 'negative'}" in message and "0 " in message
    np.testing.assert_array_equal(model.flat, before)
    with pytest.raises(ValueError, match="both classes"):
        fit(epochs=1, train_data=data, test_data=None)


def test_loop_engine_checks_clip_as_train_does():
    from rnn_lib.training import LoopEngine
    with pytest.raises(ValueError, match="clip must be"):
        LoopEngine(RNN(18, 2, 8, rng=0), 0.02, 0)

"""engine="fast" with SGD runs ``rnn_lib.kernels.SGDStep``: the updates of the model's contract, bit for bit.

``SGDStep`` inlines ``VanillaKernel.loss_and_grads`` (one phrase) and ``SGD.update``. Passing an ``SGD``
object as the optimiser makes ``train`` take the general path (``ModelEngine``: ``model.batch_loss``,
then ``optimizer.update``), so the two can be compared run for run: weights and every figure of the
history must be *equal*, not close. ``tests/test_kernels.py`` checks engine="fast" against the teaching loop.
"""

import numpy as np
import pytest

import rnn_lib
from rnn_lib import load_dataset
from rnn_lib.kernels import SGDStep
from rnn_lib.optim import SGD
from rnn_lib.training import ModelEngine, TrainingDiverged

SENTIMENT = load_dataset("sentiment")
COMP = load_dataset("compositional")


def train_both(train_data, test_data=None, *, seed=0, hidden_size=64, init="article", learn_rate=0.02, clip=1.0,
               **kwargs):
    """The same run twice: engine="fast" with optimizer="sgd" (SGDStep) and with an SGD object (ModelEngine)."""
    out = []
    for general in (False, True):
        rng = np.random.default_rng(seed)
        vocab = rnn_lib.Vocabulary.from_texts(train_data)
        model = rnn_lib.make_model(len(vocab), 2, hidden_size, rng=rng, init=init)
        optimizer = SGD(model.flat, learn_rate, clip=clip) if general else "sgd"
        history = rnn_lib.train(model, vocab, train_data, test_data, rng=rng, engine="fast", learn_rate=learn_rate,
                                clip=clip, optimizer=optimizer, **kwargs)
        out.append((model, history))
    return out


def assert_same_run(a, b):
    (m_a, h_a), (m_b, h_b) = a, b
    np.testing.assert_array_equal(m_a.flat, m_b.flat)
    assert h_a.epoch == h_b.epoch
    for name in ("train_loss", "train_acc", "test_loss", "test_acc", "validation_loss", "validation_acc"):
        assert getattr(h_a, name) == getattr(h_b, name), name


@pytest.mark.parametrize("case", [
    dict(seed=0, epochs=40),                                    # the article's recipe, clipping active early
    dict(seed=3, epochs=15, clip=None),                         # no clipping
    dict(seed=1, epochs=20, hidden_size=8, init="xavier"),      # another hidden size
    dict(seed=2, epochs=10, learn_rate=0.5),                    # large steps: clipping all the time
], ids=["article", "no-clip", "H8-xavier", "large-steps"])
def test_sgd_step_makes_the_general_paths_updates_bit_for_bit_on_sentiment(case):
    a, b = train_both(SENTIMENT.train, SENTIMENT.test, **case)
    assert_same_run(a, b)


def test_sgd_step_is_bit_equal_on_long_phrases_with_repeated_words_and_stops_at_the_same_epoch():
    a, b = train_both(COMP.train, COMP.test, seed=1, init="xavier", epochs=100, stop_at=1.0,
                      validation_data=COMP.validation)
    assert_same_run(a, b)
    assert len(a[1]) < 100  # it stopped on the validation set, in the same epoch
    assert any(len(set(t.split())) < len(t.split()) for t in COMP.train)  # a word twice in a phrase: dWxh sums


def test_sgd_step_diverges_like_the_general_path():
    runs = []
    for general in (False, True):
        vocab = rnn_lib.Vocabulary.from_texts(SENTIMENT.train)
        model = rnn_lib.make_model(len(vocab), 2, 64, rng=0)
        with pytest.raises(TrainingDiverged) as e:
            rnn_lib.train(model, vocab, SENTIMENT.train, None, epochs=5, rng=0, engine="fast", learn_rate=1e308,
                          clip=None, optimizer=SGD(model.flat, 1e308, clip=None) if general else "sgd")
        runs.append((str(e.value), e.value.history.epoch, model.flat.copy()))
    assert runs[0][:2] == runs[1][:2]
    np.testing.assert_array_equal(runs[0][2], runs[1][2])


def test_train_chooses_sgd_step_only_for_the_vanilla_cell_with_plain_sgd(monkeypatch):
    used = []
    for name in ("step", "evaluate"):
        for cls in (SGDStep, ModelEngine):
            original = getattr(cls, name)
            monkeypatch.setattr(cls, name, lambda self, *a, _o=original, _c=cls: used.append(_c) or _o(self, *a))
    cases = [(dict(engine="fast"), SGDStep), (dict(engine="fast", optimizer="adam"), ModelEngine),
             (dict(engine="batched"), ModelEngine), (dict(engine="fast", cell="gru"), ModelEngine)]
    for kwargs, expected in cases:
        used.clear()
        rnn_lib.fit(0, epochs=1, **kwargs)
        assert set(used) == {expected}, kwargs


def test_sgd_step_refuses_a_model_without_the_vanilla_kernel():
    model = rnn_lib.make_model(5, 2, 4, rng=0, cell="lstm")
    with pytest.raises(ValueError, match="vanilla cell's kernel"):
        SGDStep(model, 0.02, 1.0)

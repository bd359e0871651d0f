"""The fast engines equal the teaching loop: same updates, same gradients, same stopping.

Speed is measured by benchmarks/bench_training.py, never asserted here.
"""

import numpy as np
import pytest

import rnn_lib
from rnn_lib.batching import RECOMMENDED_BATCH_SIZE, Phrases, make_batches, pad_sequences
from rnn_lib.kernels import VanillaKernel
from rnn_lib.model import batch_gradients
from rnn_lib.optim import SGD
from rnn_lib.training import ModelEngine

RTOL = 1e-12


def rel_diff(a, b):
    """Largest |a - b| relative to the largest |a|."""
    return float(np.max(np.abs(a - b)) / np.max(np.abs(a)))


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_fast_equals_loop_after_one_epoch(seed):
    m_loop, _, h_loop = rnn_lib.fit(seed, epochs=1, engine="loop")
    m_fast, _, h_fast = rnn_lib.fit(seed, epochs=1, engine="fast")
    assert rel_diff(m_loop.flat, m_fast.flat) < RTOL
    for name in rnn_lib.PARAM_NAMES:  # every parameter, not just the largest ones
        np.testing.assert_allclose(m_fast.params[name], m_loop.params[name], rtol=RTOL,
                                   atol=RTOL * np.max(np.abs(m_loop.params[name])))
    np.testing.assert_allclose(h_fast.train_loss, h_loop.train_loss, rtol=RTOL)
    np.testing.assert_allclose(h_fast.test_loss, h_loop.test_loss, rtol=RTOL)
    assert h_fast.train_acc == h_loop.train_acc and h_fast.test_acc == h_loop.test_acc


def test_fast_draws_the_same_random_numbers():
    vocab = rnn_lib.Vocabulary.from_texts(rnn_lib.train_data)
    states = []
    for engine in ("loop", "fast", "batched"):
        rng = np.random.default_rng(3)
        model = rnn_lib.RNN(len(vocab), 2, rng=rng)
        rnn_lib.train(model, vocab, epochs=2, rng=rng, engine=engine)
        states.append(rng.bit_generator.state)
    assert states[0] == states[1] == states[2]


def test_fast_equals_loop_when_clipping_is_active():
    # large weights: many gradient entries are clipped to [-1, 1]. (With learn_rate 0.1 this run is
    # chaotic enough to amplify the two engines' rounding differences to about 1e-12 in one epoch.)
    kwargs = dict(epochs=1, hidden_size=16, init=0.5, learn_rate=0.05)
    m_loop, vocab, _ = rnn_lib.fit(5, engine="loop", **kwargs)
    m_fast, _, _ = rnn_lib.fit(5, engine="fast", **kwargs)
    assert rel_diff(m_loop.flat, m_fast.flat) < RTOL
    # the clip really acted: an unclipped gradient of this model exceeds 1 somewhere
    model = rnn_lib.RNN(len(vocab), 2, 16, rng=5, init=0.5)
    y, _ = model.forward(vocab.encode("i am not at all happy right now"))
    grads = model.backward(rnn_lib.softmax_cross_entropy(y, 0)[2])
    assert max(np.max(np.abs(g)) for g in grads.values()) > 1


def test_fast_equals_loop_without_clipping():
    m_loop, _, _ = rnn_lib.fit(2, epochs=1, clip=None, engine="loop")
    m_fast, _, _ = rnn_lib.fit(2, epochs=1, clip=None, engine="fast")
    assert rel_diff(m_loop.flat, m_fast.flat) < RTOL


def _random_model(seed=0, H=12):
    V = len(rnn_lib.Vocabulary.from_texts(rnn_lib.train_data))
    model = rnn_lib.RNN(V, 2, H, rng=seed, init=0.5)  # sensible, non-zero weights
    model.bh = np.random.default_rng(seed + 1).normal(0, 0.3, (H, 1))
    model.by = np.random.default_rng(seed + 2).normal(0, 0.3, (2, 1))
    return model


def test_batched_gradient_equals_sum_of_per_example_gradients():
    model = _random_model()
    vocab = rnn_lib.Vocabulary.from_texts(rnn_lib.train_data)
    texts = ["i am not at all happy right now", "good", "this is very bad", "i am good", "sad or happy"]
    labels = [0, 1, 0, 1, 0]
    seqs = [vocab.encode(t) for t in texts]  # lengths 8, 1, 4, 3, 3: padding is exercised
    loss, grads = batch_gradients(model, seqs, labels)
    total_loss, total = 0.0, {name: 0.0 for name in rnn_lib.PARAM_NAMES}
    for s, c in zip(seqs, labels):
        y, _ = model.forward(s)
        l, _, d_y = rnn_lib.softmax_cross_entropy(y, c)
        total_loss += l
        for name, g in model.backward(d_y).items():
            total[name] = total[name] + g
    assert abs(loss - total_loss) <= RTOL * abs(total_loss)
    for name in rnn_lib.PARAM_NAMES:
        assert grads[name].shape == model.params[name].shape
        assert rel_diff(total[name], grads[name]) < RTOL, name
    assert np.max(np.abs(grads["Wxh"])) > 0 and np.max(np.abs(grads["Whh"])) > 0


def test_one_phrase_gradient_equals_backward():
    model = _random_model(seed=4)
    seq = [3, 1, 4, 1, 5, 9, 2, 6]  # a repeated word: its column collects two contributions
    y, _ = model.forward(seq)
    _, _, d_y = rnn_lib.softmax_cross_entropy(y, 1)
    expected = model.backward(d_y)
    _, grads = batch_gradients(model, [seq], [1])
    for name in rnn_lib.PARAM_NAMES:
        assert rel_diff(expected[name], grads[name]) < RTOL, name


def test_padding_leaves_hidden_states_exactly_zero_then_equal():
    model = _random_model(seed=8)
    engine = VanillaKernel(model)  # the kernel: no update is made
    idx, mask = pad_sequences([np.array([1, 2, 3, 4]), np.array([5, 6])])
    assert idx.shape == (4, 2) and mask.shape == (4, 2, 1)
    hs = engine.forward(idx, mask).copy()
    assert np.all(hs[:3, 1] == 0.0)  # h_0 and the two padded steps
    model.forward([5, 6])
    assert rel_diff(model.last_hs[1:, :, 0], hs[3:, 1]) < RTOL
    assert pad_sequences([np.array([1, 2]), np.array([3, 4])])[1] is None


def test_fast_evaluate_equals_evaluate():
    model = _random_model(seed=9, H=rnn_lib.HIDDEN_SIZE)
    vocab = rnn_lib.Vocabulary.from_texts(rnn_lib.train_data)
    seqs = [np.array(vocab.encode(t)) for t in rnn_lib.test_data]
    targets = np.array([int(v) for v in rnn_lib.test_data.values()])
    idx, mask = pad_sequences(seqs)
    loss, correct = VanillaKernel(model).loss(idx, targets, mask)
    loss, acc = loss / len(targets), correct / len(targets)
    loss_ref, acc_ref = rnn_lib.evaluate(model, vocab, rnn_lib.test_data)
    assert abs(loss - loss_ref) <= RTOL * loss_ref and acc == acc_ref


def _batched_epoch_the_teaching_way(seed, batching):
    """The reference: one epoch of mini-batches through model.forward/backward, gradients summed, sgd_step."""
    rng = np.random.default_rng(seed)
    vocab = rnn_lib.Vocabulary.from_texts(rnn_lib.train_data)
    model = rnn_lib.RNN(len(vocab), 2, rng=rng)
    seqs = [vocab.encode(t) for t in rnn_lib.train_data]
    targets = [int(v) for v in rnn_lib.train_data.values()]
    loss = 0.0
    for batch in make_batches(rng.permutation(len(seqs)), [len(s) for s in seqs], RECOMMENDED_BATCH_SIZE, batching):
        total = None
        for i in batch:
            y, _ = model.forward(seqs[i])
            l, _, d_y = rnn_lib.softmax_cross_entropy(y, targets[i])
            loss += l
            g = model.backward(d_y)
            total = g if total is None else {k: total[k] + g[k] for k in g}
        rnn_lib.sgd_step(model, total)
    return model, loss / len(seqs), seqs, targets


@pytest.mark.parametrize("batching", ["bucket", "pad"])
def test_batched_engine_equals_batched_teaching_loop_after_one_epoch(batching):
    m_loop, loss_loop, seqs, targets = _batched_epoch_the_teaching_way(4, batching)
    rng = np.random.default_rng(4)
    model = rnn_lib.RNN(m_loop.input_size, 2, rng=rng)
    engine = ModelEngine(model, SGD(model.flat, rnn_lib.LEARN_RATE, rnn_lib.CLIP))
    data = Phrases([np.array(s) for s in seqs], targets)
    loss = 0.0
    for batch in make_batches(rng.permutation(len(seqs)), [len(s) for s in seqs], RECOMMENDED_BATCH_SIZE, batching):
        loss += engine.step(data, batch)[0]
    assert rel_diff(m_loop.flat, model.flat) < RTOL
    assert abs(loss / len(seqs) - loss_loop) <= RTOL * loss_loop
    if batching == "bucket":  # what train(engine="batched") does
        m_fit, _, h = rnn_lib.fit(4, epochs=1, engine="batched")
        np.testing.assert_array_equal(m_fit.flat, model.flat)
        assert h.train_loss == [loss / len(seqs)]


def test_make_batches():
    rng = np.random.default_rng(0)
    lengths = list(rng.integers(1, 5, size=30))
    order = rng.permutation(30)
    bucket = make_batches(order, lengths, 4)
    assert sorted(i for b in bucket for i in b) == list(range(30))
    assert all(1 <= len(b) <= 4 and len({lengths[i] for i in b}) == 1 for b in bucket)
    firsts = [list(order).index(b[0]) for b in bucket]
    assert firsts == sorted(firsts)  # batches run in the shuffled order of their first phrase
    pad = make_batches(order, lengths, 4, "pad")
    assert [i for b in pad for i in b] == list(order) and [len(b) for b in pad] == [4] * 7 + [2]
    assert make_batches(order, lengths, 1) == [[int(i)] for i in order]


def test_batched_reaches_full_test_accuracy_for_ten_seeds():
    reached = {}
    for seed in range(10):
        _, _, h = rnn_lib.fit(seed, engine="batched",  # RECOMMENDED_BATCH_SIZE by default; a measurement:
                              callback=lambda hist: hist.test_acc[-1] >= 1.0)  # stop when it is taken
        reached[seed] = h.first_epoch_reaching(1.0)
    assert all(e is not None for e in reached.values()), reached


@pytest.mark.parametrize("engine, stop_at", [("fast", 0.6), ("batched", 1.0)])
def test_stop_at_stops_at_the_first_epoch_reaching_it(engine, stop_at):
    """train's one epoch loop stops every engine alike on the validation accuracy (here the course's
    20 held-out phrases serve as the validation set, and there is no test set)."""
    epochs = 700 if stop_at == 1.0 else 250
    seen = []
    _, _, h = rnn_lib.fit(1, epochs=epochs, engine=engine, stop_at=stop_at, test_data=None,
                          validation_data=rnn_lib.test_data,
                          callback=lambda hist: seen.append(hist.validation_acc[-1]))
    first = h.epoch[-1]
    assert first < epochs and h.validation_acc[-1] >= stop_at
    assert all(a < stop_at for a in h.validation_acc[:-1]) and seen == h.validation_acc  # none earlier
    _, _, more = rnn_lib.fit(1, epochs=first + 1, engine=engine)  # the same run, not stopped
    assert more.test_acc[:first] == h.validation_acc and more.train_loss[:first] == h.train_loss


def test_callback_can_stop_the_fast_engines():
    for engine in ("fast", "batched"):
        _, _, h = rnn_lib.fit(0, epochs=50, engine=engine, callback=lambda hist: len(hist) == 3)
        assert len(h) == 3


@pytest.mark.parametrize("kwargs, message", [
    (dict(engine="quick"), "engine must be one of 'loop', 'fast', 'batched'"),
    (dict(method="fast"), "method"),
    (dict(engine="batched", batch_size=0), "batch_size"),
    (dict(engine="batched", batch_size=2.5), "batch_size"),
    (dict(batch_size=4), "batch_size is for engine='batched'"),
    (dict(engine="fast", batch_size=1), "batch_size is for engine='batched'"),
    (dict(stop_at=1.5), "stop_at"),
    (dict(stop_at=1.0), "stop_at needs validation_data"),
    (dict(stop_at=1.0, test_data=None), "stop_at needs validation_data"),
])
def test_bad_arguments_raise_clear_errors(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        rnn_lib.fit(0, epochs=1, **kwargs)


def test_fast_engines_refuse_another_cell_clearly():
    class Renamed(rnn_lib.RNNCell):
        name = "renamed"

    model = rnn_lib.RNN(4, 2, 3, cell=Renamed())
    with pytest.raises(ValueError, match="vanilla cell only.*batch_loss"):
        VanillaKernel(model)
    assert model.kernel is None  # the general path runs it


@pytest.mark.parametrize("clip", [0, -1.0, float("nan"), float("inf")])
def test_the_optimisers_check_clip_as_train_does(clip):
    model = rnn_lib.RNN(18, 2, 8, rng=0)
    with pytest.raises(ValueError, match="clip must be a positive number or None"):
        SGD(model.flat, 0.02, clip)
    with pytest.raises(ValueError, match="clip must be a positive number or None"):
        rnn_lib.Adam(rnn_lib.LSTM(18, 2, 8, rng=0).flat, 0.02, clip=clip)
    with pytest.raises(ValueError, match="learn_rate"):
        SGD(model.flat, 0, 1.0)


def test_batch_gradients_refuses_a_column_that_is_not_one_hot():
    model = rnn_lib.RNN(4, 2, 3, rng=0)
    eye = np.eye(4)
    good = [eye[:, [1]], eye[:, [2]]]
    batch_gradients(model, [good], [1])
    for bad in (0.5 * eye[:, [1]], eye[:, [1]] + eye[:, [2]], np.zeros((4, 1)), 2 * eye[:, [3]]):
        with pytest.raises(ValueError, match="one-hot") as info:
            batch_gradients(model, [good, [eye[:, [0]], bad]], [1, 0])
        assert "sequence 2" in str(info.value) and "x_2" in str(info.value)

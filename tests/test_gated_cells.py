"""The LSTM and GRU cells and models: golden values, numerical gradients, and everything shared with the RNN."""

import math

import numpy as np
import pytest

import rnn_lib
from rnn_lib import (GRU, LSTM, RNN, GRUCell, LSTMCell, ModelFileError, RNNCell,
                     Vocabulary, check_gradients, fit, load, predict_proba, save, softmax_cross_entropy, train)
from rnn_lib.cli import main
from rnn_lib.batching import Phrases
from rnn_lib.kernels import VanillaKernel
from rnn_lib.model import batch_gradients

MODEL_CLASSES = {"lstm": LSTM, "gru": GRU}


def gated_model(cell, V=6, O=2, H=5, scale=0.5, seed=1):
    """A model with every parameter, biases included, drawn from N(0, scale^2): no zeros to hide bugs."""
    model = MODEL_CLASSES[cell](V, O, H, rng=seed)
    model.flat = np.random.default_rng(seed + 100).standard_normal(model.flat.size) * scale
    return model


# --- golden values: one step, computed here in plain Python floats ----------------------------------
H, V = 2, 3
X = [0.5, -1.0, 2.0]  # any column, not only one-hot
H_PREV, C_PREV = [0.3, -0.6], [-0.4, 0.8]


def _matrix(rows, cols, a, b):
    return [[round(math.sin(a * (r + 1) + b * (c + 2)), 6) for c in range(cols)] for r in range(rows)]


def _golden_params(gates):
    G = gates * H
    return {"Wx": _matrix(G, V, 0.7, 1.3), "Wh": _matrix(G, H, 1.1, -0.9),
            "bx": [round(0.1 * math.cos(k), 6) for k in range(G)], "bh": [round(0.1 - 0.05 * k, 6) for k in range(G)]}


def _sigmoid(v):
    return 1 / (1 + math.exp(-v))


def _matvec(W, v):
    return [sum(w * u for w, u in zip(row, v)) for row in W]


def _as_numpy(p):
    return {k: np.array(v, dtype=np.float64).reshape(len(v), -1) for k, v in p.items()}


def test_one_lstm_step_matches_plain_python():
    p = _golden_params(4)
    a = [s + t + u + w for s, t, u, w in zip(_matvec(p["Wx"], X), p["bx"], _matvec(p["Wh"], H_PREV), p["bh"])]
    i = [_sigmoid(v) for v in a[0:H]]
    f = [_sigmoid(v) for v in a[H:2 * H]]
    g = [math.tanh(v) for v in a[2 * H:3 * H]]
    o = [_sigmoid(v) for v in a[3 * H:]]
    c = [fk * ck + ik * gk for fk, ck, ik, gk in zip(f, C_PREV, i, g)]
    h = [ok * math.tanh(ck) for ok, ck in zip(o, c)]
    # pinned, so that a change of this test's reference shows too
    np.testing.assert_allclose(h, [-0.112621064100140, 0.005340133512368], rtol=0, atol=1e-14)
    np.testing.assert_allclose(c, [-0.448738259116505, 0.024639660595343], rtol=0, atol=1e-14)
    (h_np, c_np), _ = LSTMCell().step_forward(_as_numpy(p), np.array(X)[:, None],
                                              (np.array(H_PREV)[:, None], np.array(C_PREV)[:, None]))
    np.testing.assert_allclose(h_np[:, 0], h, rtol=0, atol=1e-14)
    np.testing.assert_allclose(c_np[:, 0], c, rtol=0, atol=1e-14)


def test_one_gru_step_matches_plain_python():
    p = _golden_params(3)
    ax = [s + t for s, t in zip(_matvec(p["Wx"], X), p["bx"])]
    ah = [s + t for s, t in zip(_matvec(p["Wh"], H_PREV), p["bh"])]
    r = [_sigmoid(ax[k] + ah[k]) for k in range(H)]
    z = [_sigmoid(ax[H + k] + ah[H + k]) for k in range(H)]
    n = [math.tanh(ax[2 * H + k] + r[k] * ah[2 * H + k]) for k in range(H)]  # reset gate inside, on W_hn h + b_hn
    h = [(1 - z[k]) * n[k] + z[k] * H_PREV[k] for k in range(H)]
    np.testing.assert_allclose(h, [0.231921978648818, -0.595824121508426], rtol=0, atol=1e-14)
    (h_np,), _ = GRUCell().step_forward(_as_numpy(p), np.array(X)[:, None], (np.array(H_PREV)[:, None],))
    np.testing.assert_allclose(h_np[:, 0], h, rtol=0, atol=1e-14)


# --- gradients ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("cell", ["lstm", "gru"])
@pytest.mark.parametrize("T", [1, 2, 10])
def test_every_gradient_matches_centred_differences(cell, T):
    model = gated_model(cell, seed=T)
    rng = np.random.default_rng(T)
    inputs = [int(i) for i in rng.integers(0, 6, size=T)]
    state0 = tuple(0.4 * rng.standard_normal((5, 1)) for _ in model.cell.zero_state(5))  # (h0,) or (h0, c0)
    report = check_gradients(model, inputs, T % 2, h0=state0)
    assert tuple(report) == tuple(model.params) == ("Wx", "Wh", "Why", "bx", "bh", "by")
    assert report.passed(1e-6), str(report)
    # no parameter's gradient is trivially zero: the check compared something
    grads = model.loss(inputs, T % 2, h0=state0)[1]
    assert all(np.abs(g).max() > 1e-4 for g in grads.values())


@pytest.mark.parametrize("cell", [RNNCell(), LSTMCell(), GRUCell()])
def test_a_step_on_columns_is_the_steps_on_each_column_with_summed_gradients(cell):
    rng = np.random.default_rng(3)
    Vc, Hc, B = 4, 3, 5
    params = {n: rng.standard_normal(s) * 0.5 for n, s in cell.shapes(Vc, Hc).items()}
    x = np.eye(Vc)[:, rng.integers(0, Vc, B)]
    state = tuple(rng.standard_normal((Hc, B)) for _ in cell.zero_state(Hc))
    d_state = tuple(rng.standard_normal((Hc, B)) for _ in state)
    out, cache = cell.step_forward(params, x, state)
    d_prev, grads = cell.step_backward(params, d_state, cache)
    summed = {n: 0 for n in params}
    for b in range(B):
        col = slice(b, b + 1)
        out_b, cache_b = cell.step_forward(params, x[:, col], tuple(s[:, col] for s in state))
        d_prev_b, grads_b = cell.step_backward(params, tuple(d[:, col] for d in d_state), cache_b)
        for s, s_b in zip(out + d_prev, out_b + d_prev_b):
            np.testing.assert_allclose(s[:, col], s_b, rtol=0, atol=1e-14)
        for n in params:
            summed[n] = summed[n] + grads_b[n]
    for n, shape in cell.shapes(Vc, Hc).items():
        assert grads[n].shape == shape
        np.testing.assert_allclose(grads[n], summed[n], rtol=0, atol=1e-13, err_msg=n)


# --- the model's contract, shared with RNN -----------------------------------------------------------
@pytest.mark.parametrize("cell, gates", [("lstm", 4), ("gru", 3)])
def test_the_model_is_the_shared_model_with_its_cell(cell, gates):
    cls = MODEL_CLASSES[cell]
    model = cls(7, 3, 4)
    assert isinstance(model, RNN) and model.cell.name == cell and cls.CELL == cell
    assert {n: p.shape for n, p in model.params.items()} == {
        "Wx": (gates * 4, 7), "Wh": (gates * 4, 4), "Why": (3, 4), "bx": (gates * 4, 1), "bh": (gates * 4, 1),
        "by": (3, 1)}
    assert model.Wx.base is not None  # a view into model.flat
    assert not model.bx.any() and not model.bh.any() and np.abs(model.Wx).max() < 0.01  # randn/1000, zero biases
    assert repr(model) == f"{cls.__name__}(input_size=7, output_size=3, hidden_size=4)"
    assert type(rnn_lib.make_model(7, 3, 4, cell=cell)) is cls
    assert repr(RNN(7, 3, 4, cell=cell)) == f"RNN(input_size=7, output_size=3, hidden_size=4, cell={cell!r})"


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_forward_backward_loss_and_copy_keep_the_rnn_contract(cell):
    model = gated_model(cell)
    before = model.flat.copy()
    y, h = model.forward([1, 4, 2])
    assert y.shape == (2, 1) and h.shape == (5, 1) and model.last_hs.shape == (4, 5, 1)
    np.testing.assert_array_equal(h, model.last_hs[-1])
    _, _, d_y = softmax_cross_entropy(y, 1)
    grads, d_hs = model.backward(d_y, return_hidden_grads=True)
    assert d_hs.shape == (4, 5, 1) and set(grads) == set(model.params)
    loss, grads2 = model.loss([1, 4, 2], 1)
    for n in grads:
        np.testing.assert_array_equal(grads[n], grads2[n])
    assert np.array_equal(model.flat, before)  # backward and loss never change the weights
    other = model.copy()
    assert type(other) is type(model) and np.array_equal(other.flat, model.flat)
    other.flat[0] += 1.0
    assert model.flat[0] == before[0]
    with pytest.raises(ValueError, match="h0 must have shape"):
        model.forward([1], h0=np.zeros((4, 1)))
    with pytest.raises(ValueError, match="whole state"):
        model.forward([1], h0=(np.zeros((5, 1)),) * 3)


def test_the_lstm_takes_h0_alone_or_with_c0():
    model = gated_model("lstm")
    h0, c0 = np.full((5, 1), 0.3), np.full((5, 1), -0.2)
    y_h, _ = model.forward([2, 3], h0=h0)
    y_hc0, _ = model.forward([2, 3], h0=(h0, np.zeros((5, 1))))
    y_hc, _ = model.forward([2, 3], h0=(h0, c0))
    np.testing.assert_array_equal(y_h, y_hc0)
    assert not np.allclose(y_hc, y_h)  # the memory c_0 is read


# --- training: every engine ----------------------------------------------------------------------------
@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_the_fast_engine_makes_the_loops_updates(cell):
    vocab = Vocabulary.from_texts(rnn_lib.train_data)
    a, b = (MODEL_CLASSES[cell](len(vocab), 2, 8, rng=2, init=0.3) for _ in range(2))
    ha = train(a, vocab, epochs=2, rng=4)
    hb = train(b, vocab, epochs=2, rng=4, engine="fast")
    np.testing.assert_allclose(b.flat, a.flat, rtol=0, atol=1e-12)
    np.testing.assert_allclose(hb.train_loss, ha.train_loss, rtol=1e-12)
    np.testing.assert_allclose(hb.test_loss, ha.test_loss, rtol=1e-12)
    assert hb.test_acc == ha.test_acc


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_a_batch_gradient_is_the_sum_of_the_phrases_gradients(cell):
    model = gated_model(cell)
    seqs = [np.array(s) for s in ([0, 3, 5], [2, 2, 1], [4, 0, 0], [1, 5, 3])]
    targets = np.array([1, 0, 0, 1])
    loss, grads, stats = model.batch_loss(Phrases(seqs, targets).get([0, 1, 2, 3]))
    assert stats["count"] == 4 and grads.flat.shape == model.flat.shape
    total_loss, total = 0.0, {n: 0 for n in model.params}
    for s, c in zip(seqs, targets):
        l, g = model.loss(list(s), int(c))
        total_loss += l
        total = {n: total[n] + g[n] for n in g}
    assert abs(loss - total_loss) < 1e-12
    for n in total:
        np.testing.assert_allclose(grads[n], total[n], rtol=0, atol=1e-12, err_msg=n)


def test_the_engines_refuse_what_they_cannot_compute():
    with pytest.raises(ValueError, match="vanilla cell only"):
        VanillaKernel(gated_model("gru"))
    with pytest.raises(ValueError, match="only the vanilla cell's kernel takes"):
        batch_gradients(gated_model("lstm"), [[0, 1]], [1])
    with pytest.raises(ValueError, match="columns = True"):
        RNN(4, 2, 3, cell=OneColumnCell()).batch_loss((np.zeros((2, 1), np.int64), np.zeros(1, np.int64), None))
    with pytest.raises(ValueError, match="one length"):
        gated_model("gru").batch_loss((np.zeros((2, 2), np.int64), np.zeros(2, np.int64), np.ones((2, 2, 1))))


class OneColumnCell(RNNCell):
    """A cell that does not declare ``columns``: the vanilla cell's steps, one phrase at a time."""

    columns = False


# Epochs to test accuracy 1.000 for the default seed 0 (the article's recipe: H 64, randn/1000,
# lr 0.02, clip 1), with the batched engine (16 phrases of one length per update).
EPOCHS_TO_FULL_ACCURACY = {"lstm": 637, "gru": 656}


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_the_sentiment_recipe_reaches_full_test_accuracy(cell):
    # a measurement of the test accuracy, so a callback stops the run (stop_at reads validation data only)
    model, vocab, history = fit(cell=cell, engine="batched", callback=lambda h: h.test_acc[-1] >= 1.0)
    assert type(model) is MODEL_CLASSES[cell]
    assert history.test_acc[-1] == 1.0
    assert history.epoch[-1] == EPOCHS_TO_FULL_ACCURACY[cell]
    assert rnn_lib.evaluate(model, vocab, rnn_lib.test_data)[1] == 1.0
    assert predict_proba(model, vocab, "i am very happy") > 0.5 > predict_proba(model, vocab, "i am not happy")


# --- save and load ---------------------------------------------------------------------------------
@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_save_and_load_round_trip_each_cell(cell, tmp_path):
    vocab = Vocabulary(list("abcdef"))
    model = rnn_lib.make_model(6, 2, 5, rng=3, init=0.5, cell=cell)
    model.flat = np.random.default_rng(4).standard_normal(model.flat.size)
    path = save(tmp_path / cell, model, vocab)
    with np.load(path, allow_pickle=False) as f:
        assert str(f["cell"]) == cell
    loaded, loaded_vocab = load(path)
    assert type(loaded) is type(model) and loaded_vocab == vocab
    assert np.array_equal(loaded.flat, model.flat)
    np.testing.assert_array_equal(loaded.forward([0, 3, 5])[0], model.forward([0, 3, 5])[0])
    assert load(path, expect=cell)[0].cell.name == cell
    assert type(load(path, expect=type(model))[0]) is type(model)


def test_loading_the_wrong_kind_is_a_clear_error(tmp_path):
    path = save(tmp_path / "g", gated_model("gru"), Vocabulary(list("abcdef")))
    with pytest.raises(ModelFileError, match=r"holds a GRU \(cell 'gru'\), not a LSTM \(cell 'lstm'\)"):
        load(path, expect=LSTM)
    with pytest.raises(ModelFileError, match="not a RNN"):
        load(path, expect="rnn")
    with pytest.raises(ValueError, match="expect must be one of"):
        load(path, expect="transformer")


def test_a_file_without_a_cell_is_a_vanilla_rnn_and_a_relabelled_file_is_refused(tmp_path):
    vocab = Vocabulary(list("abcdef"))
    model = RNN(6, 2, 5, rng=1, init=0.5)
    path = save(tmp_path / "old", model, vocab)
    with np.load(path, allow_pickle=False) as f:
        arrays = {k: f[k] for k in f.files if k != "cell"}
    np.savez(tmp_path / "old.npz", **arrays)  # as written before the cell was recorded
    loaded, _ = load(tmp_path / "old.npz", expect="rnn")
    assert type(loaded) is RNN and np.array_equal(loaded.flat, model.flat)
    np.savez(tmp_path / "lie.npz", **arrays, cell=np.array("lstm"))
    with pytest.raises(ModelFileError, match="lacks Wx, Wh, bx"):
        load(tmp_path / "lie.npz")
    np.savez(tmp_path / "odd.npz", **arrays, cell=np.array("transformer"))
    with pytest.raises(ModelFileError, match="the cell must be one of 'rnn', 'lstm', 'gru'"):
        load(tmp_path / "odd.npz")


# --- the command line and the time stepper -------------------------------------------------------------
def test_the_cli_trains_saves_and_predicts_with_a_gated_cell(tmp_path, capsys):
    path = tmp_path / "gru.npz"
    assert main(["train", "--cell", "gru", "--epochs", "3", "--batch-size", "16", "--save", str(path)]) == 0
    assert "saved the model" in capsys.readouterr().out
    model, _ = load(path, expect="gru")
    assert type(model) is GRU and model.hidden_size == rnn_lib.HIDDEN_SIZE
    assert main(["predict", str(path), "i am happy"]) == 0
    assert "P(positive)" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["train", "--cell", "transformer"])
    assert "invalid choice: 'transformer'" in capsys.readouterr().err


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_the_time_stepper_steps_through_a_gated_model(cell):
    from rnn_lib.widgets import TimeStepper
    vocab = Vocabulary.from_texts(rnn_lib.train_data)
    model = MODEL_CLASSES[cell](len(vocab), 2, 8, rng=0, init=0.5)
    stepper = TimeStepper(model, vocab, phrase="i am not happy")
    stepper.slider.value = 3
    hs, probs = rnn_lib.analysis.step_outputs(model, vocab.encode("i am not happy"))
    model.forward(vocab.encode("i am not happy"))
    np.testing.assert_array_equal(hs, model.last_hs[:, :, 0])
    assert probs.shape == (5, 2)


def test_the_general_batched_path_refuses_padding_and_a_cell_without_columns_in_one_line():
    idx, targets = np.array([[0, 1], [2, 3]]), np.array([1, 0])
    mask = np.ones((2, 2, 1))
    with pytest.raises(ValueError, match="phrases of one length"):
        gated_model("lstm").batch_loss((idx, targets, mask))

    class OneColumn(LSTMCell):
        columns = False

    with pytest.raises(ValueError, match=r"\(H, B\) columns.*engine='loop'"):
        RNN(6, 2, 5, cell=OneColumn()).batch_loss((idx, targets, None))

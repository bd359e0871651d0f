"""The encoder-decoder (rnn_lib.seq2seq): gradients by finite differences and PyTorch, masks, decoding, the contract."""

import numpy as np
import pytest

from rnn_lib.gradcheck import numerical_gradient
from rnn_lib.seq2seq import DatePairs, Seq2Seq, input_backward
from rnn_lib.cells import get_cell

CHARS = "abc ,"
OUT = "-123"
#: Three inputs of different lengths (padding and masks), their 4-character targets.
EXAMPLES = [("ab c", "12-3"), ("ca", "3-21"), ("bb,baa", "--11")]


def small(cell="gru", attention=True, seed=1, init=1.0):
    return Seq2Seq(CHARS, OUT, hidden_size=3, attention=attention, attention_size=2, cell=cell, output_length=4,
                   rng=seed, init=init)


def worst_error(model, batch):
    """The largest relative error, over the parameters, between the analytic and the centred-difference gradient."""
    _, g, _ = model.batch_loss(batch)
    worst = {}
    for name in model.shapes:
        num = numerical_gradient(lambda: model.batch_loss(batch, grads=False)[0], model.params[name])
        worst[name] = float(np.abs(g[name] - num).max() / max(np.abs(g[name]).max() + np.abs(num).max(), 1e-3))
    return worst


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("attention", [True, False])
def test_the_whole_model_passes_the_centred_difference_check(cell, attention):
    model = small(cell, attention)
    batch = DatePairs(model, EXAMPLES).get([0, 1, 2])
    assert batch[1] is not None  # different lengths: padded, with a mask
    worst = worst_error(model, batch)
    assert max(worst.values()) < 1e-7, worst


@pytest.mark.parametrize("attention", [True, False])
def test_the_contracts_gradient_check_and_engine_take_the_translator(attention):
    """The library's own tools for any model (rnn_lib.gradcheck, training.ModelEngine, optim) take it as it is."""
    from rnn_lib.base import Grads, ParamModel
    from rnn_lib.gradcheck import check_batch_gradients
    from rnn_lib.optim import make_optimizer
    from rnn_lib.training import ModelEngine
    model = small("lstm", attention)
    data = DatePairs(model, EXAMPLES)
    report = check_batch_gradients(model, data.get([0, 1, 2]))
    assert report.passed(), str(report)  # the library's tolerance, 1e-6 (small entries reach 1.5e-7)
    _, grads, stats = model.batch_loss(data.get([0, 1]))
    assert isinstance(model, ParamModel) and isinstance(grads, Grads) and grads.flat.shape == model.flat.shape
    assert {"correct", "count", "state"} <= set(stats)
    before = model.flat.copy()
    engine = ModelEngine(model, make_optimizer("adam", model, 0.01, clip_norm=5.0))
    loss, correct = engine.step(data, [0, 1, 2])
    assert np.isfinite(loss) and 0 <= correct <= 12 and not np.array_equal(before, model.flat)


def test_the_gradient_check_catches_a_wrong_attention_backward(monkeypatch):
    import rnn_lib.attention as att
    real = att.attend_backward

    def wrong_keys(d_context, cache):  # a slip in the keys' gradient
        d_s, d_hs, d_keys, grads = real(d_context, cache)
        return d_s, d_hs, d_keys * 1.5, grads

    monkeypatch.setattr(att, "attend_backward", wrong_keys)
    model = small("gru")
    worst = worst_error(model, DatePairs(model, EXAMPLES).get([0, 1, 2]))
    assert max(worst[n] for n in ("Ua", "v", "enc_Wx")) > 1e-3


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_input_backward_is_the_gradient_of_the_cells_input(cell):
    c = get_cell(cell)
    rng = np.random.default_rng(0)
    params = {n: rng.standard_normal(s) for n, s in c.shapes(4, 3).items()}
    x = rng.standard_normal((4, 2))
    state = tuple(rng.standard_normal((3, 2)) for _ in c.zero_state(3))
    weights = [rng.standard_normal((3, 2)) for _ in state]

    def loss():
        new, _ = c.step_forward(params, x, state)
        return sum(float((w * s).sum()) for w, s in zip(weights, new))

    _, cache = c.step_forward(params, x, state)
    _, grads, d_x = input_backward(c, params, tuple(weights), cache)
    assert np.allclose(d_x, numerical_gradient(loss, x), atol=1e-8)
    first = next(iter(params))
    assert grads[first].shape == params[first].shape
    assert np.allclose(grads[first], numerical_gradient(loss, params[first]), atol=1e-8)


@pytest.mark.parametrize("attention", [True, False])
def test_a_padded_batch_is_the_sum_of_its_dates_alone(attention):
    model = small("lstm", attention)
    pairs = DatePairs(model, EXAMPLES)
    loss, g, stats = model.batch_loss(pairs.get([0, 1, 2]))
    singles = [model.batch_loss(pairs.get([i])) for i in range(3)]
    assert pairs.get([1])[1] is None  # one date alone: no padding
    assert loss == pytest.approx(sum(s[0] for s in singles), rel=1e-12)
    assert np.allclose(g.flat, sum(s[1].flat for s in singles), rtol=1e-10, atol=1e-13)
    assert stats["count"] == 12 and stats["correct"] == sum(s[2]["correct"] for s in singles)


def test_greedy_translation_of_a_batch_equals_each_alone_and_attention_sums_to_one():
    model = small("gru", seed=3)
    texts = [t for t, _ in EXAMPLES]
    words, maps = model.translate(texts)
    for text, word, a in zip(texts, words, maps):
        alone, alone_maps = model.translate([text])
        assert alone == [word] and np.allclose(alone_maps[0], a, atol=1e-12)
        assert len(word) == 4 and set(word) <= set(OUT)
        assert a.shape == (4, len(text)) and np.allclose(a.sum(axis=1), 1)


def test_the_bottleneck_has_no_attention_parameters_and_no_maps():
    model = small("gru", attention=False)
    assert not {"Wa", "Ua", "v"} & set(model.shapes)
    assert model.shapes["dec_Wx"] == (9, 8)  # 3 gates x H; the start token, 4 characters and the context h_T
    assert model.translate(["abc"])[1] == [None]


@pytest.mark.parametrize("text, message", [("", "empty"), ("abd", "'d'")])
def test_bad_text_is_one_clear_error(text, message):
    with pytest.raises(ValueError, match=message):
        small().translate([text])


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="distinct"):
        Seq2Seq("aab", OUT)
    with pytest.raises(ValueError, match="start token"):
        Seq2Seq(CHARS, "^12")
    with pytest.raises(ValueError, match="target"):
        DatePairs(small(), [("abc", "12")])


@pytest.mark.torch
@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("attention", [True, False])
def test_loss_and_gradients_match_pytorch_autograd(cell, attention):
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle of this test")
    model = small(cell, attention, seed=4)
    src, mask, targets = DatePairs(model, EXAMPLES).get([0, 1, 2])
    loss, g, _ = model.batch_loss((src, mask, targets))
    P = {n: torch.tensor(a, requires_grad=True) for n, a in model.params.items()}
    H = model.hidden_size
    cls = {"rnn": torch.nn.RNNCell, "lstm": torch.nn.LSTMCell, "gru": torch.nn.GRUCell}[cell]

    def torch_cell(prefix, D):
        c = cls(D, H, dtype=torch.float64)
        names = ("Wxh", "Whh", "bh") if cell == "rnn" else ("Wx", "Wh", "bx", "bh")
        w = [P[prefix + n] for n in names]
        if cell == "rnn":  # one bias: PyTorch's two are summed, the second set to zero
            w = [w[0], w[1], w[2][:, 0], torch.zeros(H, dtype=torch.float64)]
        else:
            w = [w[0], w[1], w[2][:, 0], w[3][:, 0]]
        return lambda x, s: torch.func.functional_call(
            c, dict(zip(("weight_ih", "weight_hh", "bias_ih", "bias_hh"), w)), (x, s))

    enc = torch_cell("enc_", len(CHARS))
    n_tok = len(OUT) + 1
    dec = torch_cell("dec_", n_tok + H)
    B = src.shape[1]
    zero = torch.zeros(B, H, dtype=torch.float64)
    state = (zero, zero) if cell == "lstm" else zero
    m = torch.tensor(mask)
    hs = []
    for t in range(src.shape[0]):  # rows: (B, D), as PyTorch's cells
        new = enc(torch.eye(len(CHARS), dtype=torch.float64)[src[t]], state)
        keep = m[t][:, None]
        state = tuple(keep * a + (1 - keep) * b for a, b in zip(new, state)) if cell == "lstm" \
            else keep * new + (1 - keep) * state
        hs.append(state[0] if cell == "lstm" else state)
    hs, hs_T = torch.stack(hs), hs[-1]  # (T, B, H); the state after the last real character
    total = 0
    prev = torch.zeros(B, dtype=torch.long)
    for t in range(4):
        x = torch.eye(n_tok, dtype=torch.float64)[prev]
        s = state[0] if cell == "lstm" else state
        if attention:
            z = torch.tanh(s @ P["Wa"].T + hs @ P["Ua"].T)  # (T, B, A)
            e = (z @ P["v"])[..., 0].masked_fill(m == 0, float("-inf"))  # (T, B)
            alpha = torch.softmax(e, dim=0)
            x = torch.cat([x, (alpha[..., None] * hs).sum(dim=0)], dim=1)
        else:  # the bottleneck: the context is the last state h_T at every step
            x = torch.cat([x, hs_T], dim=1)
        state = dec(x, state)
        y = (state[0] if cell == "lstm" else state) @ P["Why"].T + P["by"][:, 0]
        total = total + torch.nn.functional.cross_entropy(y, torch.tensor(targets[t]), reduction="sum")
        prev = torch.tensor(targets[t]) + 1
    total.backward()
    assert float(total.detach()) == pytest.approx(loss, rel=1e-12)
    for n in model.shapes:
        assert np.allclose(g[n], P[n].grad.numpy(), rtol=1e-9, atol=1e-12), n


def test_the_learning_rate_decays_every_epoch_and_training_learns():
    from rnn_lib.translator import by_length, exact_match, train_translator
    model = small("gru", seed=0, init="xavier")
    data = EXAMPLES * 4
    seen = []
    history = train_translator(model, data, epochs=3, batch_size=3, learn_rate=0.05, decay=0.5, rng=0,
                               callback=lambda h: seen.append(h.train_loss[-1]))
    assert len(history) == 3 and seen[-1] < seen[0]
    score, predictions = exact_match(model, EXAMPLES)
    rows = by_length(EXAMPLES, predictions, edges=(1, 3, None))
    assert [(lo, hi, n) for lo, hi, n, _ in rows] == [(1, 3, 1), (3, 7, 2)]
    assert sum(n * f for *_, n, f in rows) == pytest.approx(3 * score)
    with pytest.raises(ValueError, match="decay"):
        train_translator(model, data, decay=0)

"""The character-level language model (rnn_lib.lm): its gradients, batches, truncated BPTT, training, sampling."""

import re

import numpy as np
import pytest

import rnn_lib
from rnn_lib import CharLM, check_loss_gradients, load_dataset
from rnn_lib.baselines import Bigram
from rnn_lib.batching import Names, pad_names, stream_batches
from rnn_lib.lm import ALPHABET
from rnn_lib.training import evaluate_lm, tbptt_epoch, train_lm
from rnn_lib.optim import Adam
from rnn_lib.serialization import ModelFileError, load, save
from helpers import TORCH_REASON

CELLS = ("rnn", "lstm", "gru")


def small_model(cell="rnn", H=5, alphabet=".abcde", seed=1, scale=0.5):
    return CharLM(alphabet, H, rng=seed, init=scale, cell=cell)


def random_batch(T, B, V, seed, masked):
    """(T, B) inputs and targets; with ``masked`` the names have lengths 1..T (at least one of length T)."""
    rng = np.random.default_rng(seed)
    inputs, targets = rng.integers(0, V, (T, B)), rng.integers(0, V, (T, B))
    mask = None
    if masked:
        lengths = rng.integers(1, T + 1, B)
        lengths[0] = T
        mask = (np.arange(T)[:, None] < lengths[None, :]).astype(float)
    return inputs, targets, mask


# --- gradients: finite differences ---------------------------------------------------------------
@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("T", [1, 2, 10])
@pytest.mark.parametrize("masked", [False, True])
def test_every_gradient_matches_finite_differences(cell, T, masked):
    model = small_model(cell, seed=T)
    inputs, targets, mask = random_batch(T, 3, 6, seed=T, masked=masked)
    report = check_loss_gradients(model, inputs, targets, mask)
    # the loss sums up to 30 steps: centred differences carry rounding of about 1e-16 * |L| / eps
    assert report.passed(tol=1e-5), str(report)


def test_a_wrong_gradient_fails_the_check():
    model = small_model()
    inputs, targets, _ = random_batch(4, 2, 6, seed=0, masked=False)
    real = model.loss

    def wrong(*args, **kwargs):
        loss, grads = real(*args, **kwargs)
        grads["Whh"] = grads["Whh"].T
        return loss, grads

    model.loss = wrong
    assert not check_loss_gradients(model, inputs, targets).passed(tol=1e-5)


# --- gradients: PyTorch autograd, an independent oracle -----------------------------------------
def torch_loss_and_grads(model, inputs, targets, mask):
    torch = pytest.importorskip("torch", reason=TORCH_REASON)
    V, H = model.input_size, model.hidden_size
    rnn = torch.nn.RNN(V, H, nonlinearity="tanh", bias=True, dtype=torch.float64)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.from_numpy(model.Wxh))
        rnn.weight_hh_l0.copy_(torch.from_numpy(model.Whh))
        rnn.bias_ih_l0.copy_(torch.from_numpy(model.bh[:, 0]))
        rnn.bias_hh_l0.zero_()
    head = torch.nn.Linear(H, V, dtype=torch.float64)
    with torch.no_grad():
        head.weight.copy_(torch.from_numpy(model.Why))
        head.bias.copy_(torch.from_numpy(model.by[:, 0]))
    x = torch.nn.functional.one_hot(torch.from_numpy(inputs), V).to(torch.float64)  # (T, B, V)
    out, _ = rnn(x)  # (T, B, H), h_0 = 0
    y = head(out)  # (T, B, V)
    steps = torch.nn.functional.cross_entropy(y.reshape(-1, V), torch.from_numpy(targets).reshape(-1),
                                              reduction="none")
    if mask is not None:
        steps = steps * torch.from_numpy(mask).reshape(-1)
    loss = steps.sum()
    loss.backward()
    grads = {"Wxh": rnn.weight_ih_l0.grad, "Whh": rnn.weight_hh_l0.grad, "Why": head.weight.grad,
             "bh": rnn.bias_ih_l0.grad[:, None], "by": head.bias.grad[:, None]}
    return loss.item(), {k: v.numpy() for k, v in grads.items()}


@pytest.mark.torch
@pytest.mark.parametrize("T", [1, 2, 10])
@pytest.mark.parametrize("masked", [False, True])
def test_loss_and_every_gradient_match_pytorch_autograd(T, masked):
    model = small_model(H=6, seed=T, scale=0.6)
    inputs, targets, mask = random_batch(T, 4, 6, seed=10 + T, masked=masked)
    expected_loss, expected = torch_loss_and_grads(model, inputs, targets, mask)
    loss, grads = model.loss(inputs, targets, mask)
    assert loss == pytest.approx(expected_loss, rel=1e-13)
    for name in model.params:
        np.testing.assert_allclose(grads[name], expected[name], rtol=1e-10, atol=1e-12, err_msg=name)


# --- batches: padding and the mask ------------------------------------------------------------------
def test_pad_names_pads_at_the_end_with_a_mask():
    model = small_model()
    inputs, targets, mask = pad_names(model, ["abc", "e"])
    assert inputs.T.tolist() == [[0, 1, 2, 3], [0, 5, 0, 0]]
    assert targets.T.tolist() == [[1, 2, 3, 0], [5, 0, 0, 0]]
    assert mask.T.tolist() == [[1, 1, 1, 1], [1, 1, 0, 0]]
    assert pad_names(model, ["ab", "cd"])[2] is None


@pytest.mark.parametrize("cell", CELLS)
def test_the_masked_batch_gradient_is_the_sum_of_the_per_name_gradients(cell):
    model = small_model(cell, H=7, seed=4)
    names = ["abc", "e", "deadbee", "ba", "cab"]
    inputs, targets, mask = pad_names(model, names)
    loss, grads = model.loss(inputs, targets, mask)
    total_loss, total = 0.0, {n: 0.0 for n in model.params}
    for name in names:
        l, g = model.loss(*model.encode(name))
        total_loss += l
        for n in total:
            total[n] = total[n] + g[n]
    assert loss == pytest.approx(total_loss, rel=1e-13)
    for n in model.params:
        np.testing.assert_allclose(grads[n], total[n], rtol=0, atol=1e-12, err_msg=n)
    # without the mask the padded steps would count: the test can fail
    assert not np.allclose(model.loss(inputs, targets)[1]["Why"], total["Why"], rtol=0, atol=1e-6)


def test_bad_batches_are_clear_errors():
    model = small_model()
    with pytest.raises(ValueError, match="targets must be ints shaped as inputs"):
        model.loss(np.zeros((3, 2), int), np.zeros((3, 1), int))
    with pytest.raises(ValueError, match="indices in 0..5"):
        model.loss(np.full((3, 1), 6), np.zeros((3, 1), int))
    with pytest.raises(ValueError, match="mask must be shaped"):
        model.loss(np.zeros((3, 2), int), np.zeros((3, 2), int), np.ones((2, 2)))
    with pytest.raises(ValueError, match="'X'"):
        model.encode("aXb")


# --- truncated BPTT -----------------------------------------------------------------------------------
def test_truncated_bptt_carries_the_state_and_cuts_the_gradient():
    model = small_model(H=6, seed=2)
    stream = stream_batches(model, ["abc", "de", "eab", "bcd", "a", "cc"], batch_size=2)
    assert stream.shape == (2, 10) and stream[0, 0] == 0  # 21 characters: .abc.de.eab.bcd.a.cc.
    whole_loss, (whole_grad,) = tbptt_epoch(model, stream, chunk_length=100)
    chunked_loss, grads = tbptt_epoch(model, stream, chunk_length=3)
    assert len(grads) == 3
    # the state is carried: every character is predicted from the same history, so the same loss
    assert chunked_loss == pytest.approx(whole_loss, rel=1e-13)
    # the gradient is cut: the chunks' gradients ignore how chunk k's start state depends on the weights
    assert not np.allclose(sum(grads), whole_grad, rtol=0, atol=1e-6)
    # ... and each chunk's gradient is exactly that of its loss with the start state held fixed
    inputs, targets = stream[:, 3:6].T, stream[:, 4:7].T
    model.loss(stream[:, :3].T, stream[:, 1:4].T)
    state = model.last_state
    report = check_loss_gradients(model, inputs, targets, state0=state)
    assert report.passed(tol=1e-5), str(report)
    g = model.loss(inputs, targets, state0=state)[1]
    np.testing.assert_allclose(np.concatenate([g[n].ravel() for n in model.shapes]), grads[1], rtol=0, atol=1e-14)


def test_truncated_bptt_trains():
    ds = load_dataset("names")
    model = CharLM(ds.alphabet, 16, rng=0)
    stream = stream_batches(model, ds.train[:600], batch_size=16)
    adam = Adam(model.flat, 1e-2)
    first, _ = tbptt_epoch(model, stream, 8, adam, clip_norm=5.0)
    second, _ = tbptt_epoch(model, stream, 8, adam, clip_norm=5.0)
    assert second < first - 0.1


# --- data, training and the baselines -------------------------------------------------------------------
def test_the_names_dataset_is_the_census_first_names_split_seeded():
    ds = load_dataset("names")
    assert (len(ds.train), len(ds.validation), len(ds.test)) == (4131, 516, 516)
    every = set(ds.train) | set(ds.validation) | set(ds.test)
    assert len(every) == 5163 and len(ds.train) + len(ds.validation) + len(ds.test) == 5163
    assert {"mary", "james", "jean"} <= every
    assert ds.alphabet == ALPHABET and all(n.islower() and n.isalpha() for n in every)
    assert load_dataset("names") == ds  # seeded: the same split every time
    assert rnn_lib.DATASETS == ("sentiment", "compositional", "systematic")  # the labelled ones, unchanged


def test_a_short_training_run_beats_the_bigram_on_validation():
    ds = load_dataset("names")
    model = CharLM(ds.alphabet, 32, rng=0)
    before = evaluate_lm(model, ds.validation)
    history = train_lm(model, ds.train, ds.validation, epochs=3, rng=0)
    bigram = Bigram(ds.train, ds.alphabet).loss(ds.validation)
    assert history.test_loss[-1] == pytest.approx(evaluate_lm(model, ds.validation), rel=1e-12)
    assert history.test_loss[-1] < bigram < before
    assert 0 < history.test_acc[-1] < 1 and len(history) == 3


def test_the_engine_reports_losses_per_character():
    model = small_model()
    data = Names(model, ["ab", "cde"])
    assert data.count == 7 and data.lengths == [3, 4]
    inputs, targets, mask, state0 = data.whole
    assert state0 is None
    assert evaluate_lm(model, ["ab", "cde"]) == pytest.approx(model.loss(inputs, targets, mask)[0] / 7)


def test_names_encoded_once_give_the_batches_pad_names_gives():
    model = small_model()
    names = ["ab", "cde", "e", "dab"]
    data = Names(model, names)
    for batch in ([0], [1, 3], [3, 2, 0]):
        got, want = data.get(batch), pad_names(model, [names[i] for i in batch])
        assert got[3] is None and len(got) == 4
        for g, w in zip(got[:3], want):
            assert (g is None and w is None) or np.array_equal(g, w)
    with pytest.raises(ValueError, match="not in the model's alphabet"):
        Names(model, ["ab", "xyz"])  # checked when laid out, not at every batch


# --- sampling -----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def trained():
    ds = load_dataset("names")
    model = CharLM(ds.alphabet, 24, rng=0)
    train_lm(model, ds.train[:1000], epochs=2, rng=0)
    return model


def test_sampling_is_reproducible_from_its_seed(trained):
    a = trained.sample(15, seed=3)
    assert a == trained.sample(15, seed=3)
    assert a != trained.sample(15, seed=4)
    assert all(re.fullmatch("[a-z]*", n) for n in a)
    assert all(n.startswith("ma") for n in trained.sample(5, prefix="ma"))


def greedy(model, prefix=""):
    text = prefix
    while len(text) < 30:
        i = int(np.argmax(model.next_probs(text)))
        if i == 0:
            return text
        text += model.alphabet[i]
    return text


def test_a_temperature_near_zero_is_argmax(trained):
    for prefix in ("", "a", "jo"):
        expected = greedy(trained, prefix)
        assert trained.sample(5, temperature=1e-4, seed=1, prefix=prefix) == [expected] * 5
    assert len(set(trained.sample(20, temperature=1.0, seed=1))) > 1


def test_sampling_arguments_are_checked(trained):
    with pytest.raises(ValueError, match=r"prefix 'aB' has the character 'B', not in the model's alphabet "
                                         r"'abcdefghijklmnopqrstuvwxyz'"):
        trained.sample(2, prefix="aB")
    with pytest.raises(ValueError, match="temperature"):
        trained.sample(2, temperature=0)


# --- files ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("cell", CELLS)
def test_save_and_load_give_the_same_model(tmp_path, cell):
    model = small_model(cell)
    path = save(tmp_path / "lm", model)
    assert path.endswith("lm.npz")
    back, alphabet = load(path)
    assert alphabet == model.alphabet
    assert back.alphabet == model.alphabet and back.cell.name == cell
    np.testing.assert_array_equal(back.flat, model.flat)


def test_a_language_model_file_is_not_a_classifier_and_back(tmp_path):
    path = save(tmp_path / "lm.npz", small_model())
    assert isinstance(load(path)[0], CharLM)  # one load reads every file
    with pytest.raises(ModelFileError, match="holds a character language model, not a classifier"):
        rnn_lib.load(path, expect="classifier")
    clf = rnn_lib.RNN(3, 2, 4)
    clf_path = rnn_lib.save(tmp_path / "clf.npz", clf, rnn_lib.Vocabulary(["a", "b", "c"]))
    with pytest.raises(ModelFileError, match="holds a classifier, not a character language model"):
        load(clf_path, expect="lm")


@pytest.mark.torch
@pytest.mark.parametrize("cell", ["lstm", "gru"])
@pytest.mark.parametrize("masked", [False, True])
def test_gated_cells_match_pytorch_autograd_through_to_torch(cell, masked):
    torch = pytest.importorskip("torch", reason=TORCH_REASON)
    model = small_model(cell, H=5, seed=7, scale=0.6)
    inputs, targets, mask = random_batch(10, 3, 6, seed=21, masked=masked)
    rnn, linear = rnn_lib.to_torch(model)  # batch_first: (B, T, V)
    x = torch.nn.functional.one_hot(torch.from_numpy(inputs.T.copy()), 6).to(torch.float64)
    y = linear(rnn(x)[0])  # (B, T, V)
    steps = torch.nn.functional.cross_entropy(y.reshape(-1, 6), torch.from_numpy(targets.T.copy()).reshape(-1),
                                              reduction="none")
    if mask is not None:
        steps = steps * torch.from_numpy(mask.T.copy()).reshape(-1)
    steps.sum().backward()
    expected = {"Wx": rnn.weight_ih_l0.grad, "Wh": rnn.weight_hh_l0.grad, "bx": rnn.bias_ih_l0.grad[:, None],
                "bh": rnn.bias_hh_l0.grad[:, None], "Why": linear.weight.grad, "by": linear.bias.grad[:, None]}
    loss, grads = model.loss(inputs, targets, mask)
    assert loss == pytest.approx(steps.sum().item(), rel=1e-13)
    for name in model.params:
        np.testing.assert_allclose(grads[name], expected[name].numpy(), rtol=1e-10, atol=1e-12, err_msg=name)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -0.5, 2.0])
def test_a_mask_that_is_not_finite_and_in_0_1_is_refused(bad):
    model = small_model()
    inputs, targets, mask = pad_names(model, ["ab", "abcd"])
    mask[0, 0] = bad
    with pytest.raises(ValueError, match="mask") as info:
        model.loss(inputs, targets, mask)
    assert "\n" not in str(info.value)


def test_a_string_where_a_list_of_names_belongs_is_refused():
    model = small_model()
    before = model.flat.copy()
    for call in (lambda: train_lm(model, "abba", epochs=1), lambda: train_lm(model, ["ab"], "abba", epochs=1),
                 lambda: evaluate_lm(model, "abba"), lambda: pad_names(model, "abba"),
                 lambda: stream_batches(model, "abba", 1), lambda: Names(model, "abba")):
        with pytest.raises(TypeError, match="not one str"):
            call()
    np.testing.assert_array_equal(model.flat, before)

"""Property-based tests: random text, arrays (with NaN and inf) and numbers fed to the public functions.

Each call must either succeed or raise one of the library's documented errors:
``TypeError`` or ``ValueError`` (and subclasses such as ``ModelFileError``), with
a message; for the command line, an exit status of 0, 1 or 2 (argparse's
``SystemExit`` included) and no traceback. Anything else (an ``IndexError``, a
``KeyError``, numpy's ``AxisError`` escaping raw, a traceback) fails.

The last tests check that the model refuses non-finite inputs (``h0``, input
columns, ``d_y``) with a ``ValueError``.
"""

import contextlib
import io
import os
import tempfile

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import rnn_lib
from rnn_lib import (RNN, ModelFileError, Vocabulary, check_gradients, load, predict_proba, save,
                     softmax_cross_entropy)
from rnn_lib.cli import main

# NaN and inf weights make numpy warn; the warnings are expected here, the outcomes are checked.
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

DOCUMENTED = (TypeError, ValueError)
VOCAB = Vocabulary.from_texts(rnn_lib.train_data)
WORDS = list(VOCAB.words)
# Small, fast runs, the same examples on every run (derandomize), no example database written.
FAST = settings(max_examples=40, deadline=None, database=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def outcome(f, *args, **kwargs):
    """``f(*args, **kwargs)``, or the documented error it raised; any other exception fails the test."""
    try:
        return f(*args, **kwargs)
    except DOCUMENTED as e:
        assert str(e).strip(), f"{type(e).__name__} without a message"
        return e


@contextlib.contextmanager
def working_directory(path):
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


# ---- strategies ----

floats = st.floats(allow_nan=True, allow_infinity=True, width=64)
#: Words of the vocabulary, in any case, mixed with random unicode words.
word = st.one_of(st.sampled_from(WORDS), st.sampled_from(WORDS).map(str.upper),
                 st.sampled_from(WORDS).map(str.title), st.text(min_size=1, max_size=8))
phrase = st.one_of(st.lists(word, max_size=8).map(" ".join), st.text(max_size=40))
anything = st.one_of(st.none(), st.booleans(), st.integers(), floats, st.text(max_size=10), st.binary(max_size=10),
                     st.lists(st.integers(-3, 30), max_size=5), hnp.arrays(np.float64, st.integers(0, 4), elements=floats))


def arrays(shape, elements=floats):
    return hnp.arrays(np.float64, shape, elements=elements)


def small_model(V=5, O=2, H=3, seed=0):
    return RNN(V, O, H, rng=seed, init=0.5)


# ---- text ----

@FAST
@given(phrase, st.booleans())
def test_encode_succeeds_or_says_why(text, lowercase):
    result = outcome(VOCAB.encode, text, lowercase=lowercase)
    if isinstance(result, Exception):
        msg = str(result)
        assert isinstance(result, ValueError)
        assert msg.isascii(), "words are shown escaped, so no look-alike letter hides"
        assert len(msg) < 1000, "the message is capped"
    else:
        assert all(0 <= i < len(VOCAB) for i in result) and len(result) == len(text.split())
        assert VOCAB.decode(result) == " ".join(w if w in VOCAB or not lowercase else w.lower() for w in text.split())


@FAST
@given(anything)
def test_encode_and_decode_of_anything(value):
    if not isinstance(value, str):
        assert isinstance(outcome(VOCAB.encode, value), TypeError)
    outcome(VOCAB.decode, value)
    outcome(VOCAB.one_hot_matrix, value)


@FAST
@given(st.lists(st.text(max_size=20), max_size=6))
def test_a_vocabulary_from_any_texts_encodes_them_all(texts):
    vocab = outcome(Vocabulary.from_texts, texts)
    if isinstance(vocab, Exception):
        assert any(not t.split() for t in texts) or not texts
        return
    assert list(vocab.words) == sorted(set(vocab.words))
    for t in texts:
        for lowercase in (False, True):
            assert vocab.decode(vocab.encode(t, lowercase=lowercase)) == " ".join(t.split())


@FAST
@given(st.one_of(anything, st.lists(anything, max_size=3)))
def test_vocabulary_of_anything(words):
    outcome(Vocabulary, words)
    outcome(Vocabulary.from_texts, words)


# ---- the model and the loss ----

inputs = st.one_of(
    st.lists(st.integers(-2, 7), max_size=5),
    st.lists(arrays(st.sampled_from([(5, 1), (4, 1), (5,), (1, 5)])), max_size=3),
    anything,
)
h0s = st.one_of(st.none(), arrays(st.sampled_from([(3, 1), (3,), (1, 3), ()])), anything)


@FAST
@given(inputs, h0s)
def test_forward_succeeds_or_says_why(xs, h0):
    model = small_model()
    result = outcome(model.forward, xs, h0)
    if not isinstance(result, Exception):
        y, h = result
        assert y.shape == (2, 1) and h.shape == (3, 1)


@FAST
@given(st.lists(st.integers(0, 4), min_size=1, max_size=4),
       st.one_of(arrays(st.sampled_from([(2, 1), (1, 2), (2,), (3, 1)])), anything))
def test_backward_succeeds_or_says_why(xs, d_y):
    model = small_model()
    model.forward(xs)
    grads = outcome(model.backward, d_y)
    if not isinstance(grads, Exception):
        assert {k: v.shape for k, v in grads.items()} == model.shapes


@FAST
@given(st.one_of(arrays(st.sampled_from([(2, 1), (3, 1), (1, 1), (0, 1), (2,), (2, 2)])), anything),
       st.one_of(st.integers(-3, 4), st.booleans(), floats, st.none(), st.text(max_size=3)))
def test_softmax_cross_entropy_succeeds_or_says_why(y, target):
    result = outcome(softmax_cross_entropy, y, target)
    if not isinstance(result, Exception) and np.all(np.isfinite(y)):
        loss, p, d_y = result
        assert loss >= 0 and np.isclose(p.sum(), 1) and np.allclose(d_y.sum(), 0)


@FAST
@given(phrase, arrays(st.just((3 * 18 + 9 + 6 + 3 + 2,)), elements=st.one_of(
    st.floats(-5, 5), st.sampled_from([np.nan, np.inf, -np.inf, 1e300]))))
def test_predict_proba_succeeds_or_says_why(text, flat):
    model = RNN(18, 2, 3, rng=0)
    model.flat[...] = flat
    result = outcome(predict_proba, model, VOCAB, text)
    if isinstance(result, float) and np.all(np.isfinite(flat)):
        assert 0 <= result <= 1


# ---- gradient checking ----

@settings(FAST, max_examples=25)
@given(arrays(st.just((3 * 4 + 9 + 6 + 3 + 2,)), elements=st.one_of(
           st.floats(-2, 2), st.sampled_from([np.nan, np.inf, -np.inf]))),
       st.lists(st.integers(0, 3), min_size=1, max_size=3), st.integers(0, 1))
def test_check_gradients_never_passes_a_non_finite_value(flat, xs, target):
    model = RNN(4, 2, 3, rng=0)
    model.flat[...] = flat
    report = outcome(check_gradients, model, xs, target)
    if isinstance(report, Exception):
        return
    if not np.all(np.isfinite(flat)):
        assert not report.passed()
        assert any(row.verdict == "NOT FINITE" for row in report.values())
    for row in report.values():
        assert row.finite == (row.verdict != "NOT FINITE")
        assert row.finite or row.max_rel_error == np.inf


# ---- files ----

ZIP_MAGIC, NPY_MAGIC = b"PK\x03\x04", b"\x93NUMPY"


@pytest.fixture(scope="module")
def model_bytes(tmp_path_factory):
    path = save(tmp_path_factory.mktemp("props") / "m.npz", RNN(18, 2, 3, rng=1), VOCAB)
    return open(path, "rb").read()


@FAST
@given(data=st.data())
def test_load_of_any_bytes_is_a_model_or_a_model_file_error(model_bytes, data):
    content = data.draw(st.one_of(
        st.binary(max_size=200),
        st.binary(max_size=200).map(lambda b: ZIP_MAGIC + b),
        st.binary(max_size=200).map(lambda b: NPY_MAGIC + b),
        st.text(max_size=50).map(lambda t: t.encode("utf-8", "surrogatepass")),
        # a real model file with some bytes changed, or cut short
        st.lists(st.tuples(st.integers(0, len(model_bytes) - 1), st.integers(0, 255)), min_size=1, max_size=8)
          .map(lambda edits: bytes(_edit(model_bytes, edits))),
        st.integers(0, len(model_bytes) - 1).map(lambda n: model_bytes[:n]),
    ), label="content")
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "x.npz")
        with open(path, "wb") as f:
            f.write(content)
        try:
            model, vocab = load(path)
        except ModelFileError as e:
            assert "unsafe" not in str(e) and str(e).strip()
            return
    assert np.all(np.isfinite(model.flat)) and len(vocab) == model.input_size


def _edit(data, edits):
    data = bytearray(data)
    for i, b in edits:
        data[i] = b
    return data


@FAST
@given(arrays(st.just((3 * 18 + 9 + 6 + 3 + 2,)), elements=st.one_of(
    floats, st.floats(-1, 1))))
def test_save_writes_a_loadable_model_or_refuses_a_non_finite_one(flat):
    model = RNN(18, 2, 3, rng=0)
    model.flat[...] = flat
    with tempfile.TemporaryDirectory() as folder:
        result = outcome(save, os.path.join(folder, "m"), model, VOCAB)
        if np.all(np.isfinite(flat)):
            loaded, vocab = load(result)
            assert np.array_equal(loaded.flat, flat) and vocab == VOCAB
            assert os.listdir(folder) == ["m.npz"]
        else:
            assert isinstance(result, ValueError) and "NaN or infinite" in str(result)
            assert os.listdir(folder) == []


#: Relative names only: a test must never write outside its temporary folder.
local_name = st.text(st.characters(blacklist_characters="/\\", blacklist_categories=["Cs"]), max_size=12)


@FAST
@given(st.one_of(local_name, anything))
def test_save_and_load_with_any_path(path):
    with tempfile.TemporaryDirectory() as folder, working_directory(folder):
        outcome(save, path, small_model(V=18), VOCAB)
        result = outcome(load, path)
        assert not isinstance(result, Exception) or isinstance(result, (ModelFileError, TypeError))


# ---- the command line ----

FLAGS = ["--seed", "--epochs", "--hidden", "--lr", "--batch-size", "--fast", "--stop-at", "--save", "-h"]
#: Values for any option: often a bad one (negative, NaN, infinite, not a number, empty).
value = st.one_of(st.sampled_from(["-1", "0", "1", "2", "0.5", "1.5", "nan", "inf", "-inf", "1e308", "x", "", " "]),
                  st.integers(-5, 100).map(str), floats.map(str), st.text(max_size=6))
token = st.one_of(st.sampled_from(FLAGS), value)
save_name = st.one_of(st.sampled_from(["m", "m.npz", "missing/m.npz", ".", "..", "", "m/"]),
                      local_name.filter(lambda name: name not in ("train", "predict")))


def run_cli(argv):
    """``main(argv)`` in a temporary folder: its exit status (argparse's SystemExit included) and output."""
    out, err = io.StringIO(), io.StringIO()
    with tempfile.TemporaryDirectory() as folder, working_directory(folder):
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                status = main(argv)
            except SystemExit as e:
                status = e.code
    return status, out.getvalue() + err.getvalue()


def assert_clean_exit(argv):
    status, printed = run_cli(argv)
    assert status in (0, 1, 2), (status, printed)
    assert "Traceback" not in printed, printed


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli-props")
    model_path = save(folder / "model.npz", RNN(18, 2, 3, rng=1), VOCAB)
    (folder / "text.npz").write_text("not a model")
    np.save(folder / "array.npy", np.zeros(3))
    np.savez(folder / "version.npz", format_version=np.array(1.7))
    return {"model": model_path, "text": str(folder / "text.npz"), "npy": str(folder / "array.npy"),
            "version": str(folder / "version.npz"), "folder": str(folder), "missing": str(folder / "none")}


@settings(FAST, max_examples=50)
@given(st.fixed_dictionaries({}, optional={flag: value for flag in ("--seed", "--lr", "--batch-size", "--stop-at",
                                                                      "--epochs", "--hidden")}),
       st.booleans(), st.one_of(st.none(), save_name))
def test_train_with_any_options_exits_0_1_or_2_without_a_traceback(options, fast, save_to):
    argv = ["train", *(["--fast"] if fast else []), *(["--save", save_to] if save_to is not None else [])]
    for flag, v in options.items():
        argv += [flag, v] if not v.startswith("-") else [f"{flag}={v}"]  # "--seed=-1": a value, not an option
    assert_clean_exit([*argv, "--epochs", "1", "--hidden", "3"])  # a short run: the last --epochs wins


@pytest.mark.parametrize("which", ["model", "text", "npy", "version", "folder", "missing"])
@settings(FAST, max_examples=10)
@given(texts=st.lists(phrase, min_size=1, max_size=3))
def test_predict_with_any_file_and_texts_exits_0_or_2_without_a_traceback(files, which, texts):
    status, printed = run_cli(["predict", files[which], *texts])
    assert status in (0, 2) and "Traceback" not in printed, printed
    assert status == 0 or "error: " in printed


@settings(FAST, max_examples=20)
@given(local_name, st.lists(phrase, min_size=1, max_size=2))
def test_predict_with_any_model_name_exits_2_without_a_traceback(name, texts):
    status, printed = run_cli(["predict", name, *texts])
    assert status == 2 and "Traceback" not in printed, printed


@FAST
@given(st.lists(token, max_size=6))
def test_any_argv_exits_0_1_or_2_without_a_traceback(argv):
    assume("train" not in argv)  # a default train run takes 1000 epochs: the test above covers train
    assert_clean_exit(argv)


# ---- the model refuses non-finite inputs (rnn_lib/model.py) ----

non_finite = st.sampled_from([np.nan, np.inf, -np.inf])


@settings(FAST, max_examples=10)
@given(non_finite, st.integers(0, 2))
def test_forward_refuses_a_non_finite_h0(value, i):
    h0 = np.zeros((3, 1))
    h0[i, 0] = value
    with pytest.raises(ValueError):
        small_model().forward([0, 1], h0)


@settings(FAST, max_examples=10)
@given(non_finite, st.integers(0, 4))
def test_forward_refuses_a_non_finite_input_column(value, i):
    x = np.zeros((5, 1))
    x[i, 0] = value
    with pytest.raises(ValueError):
        small_model().forward([x])


@settings(FAST, max_examples=10)
@given(non_finite, st.integers(0, 1))
def test_backward_refuses_a_non_finite_d_y(value, i):
    model = small_model()
    model.forward([0, 1])
    d_y = np.zeros((2, 1))
    d_y[i, 0] = value
    with pytest.raises(ValueError):
        model.backward(d_y)

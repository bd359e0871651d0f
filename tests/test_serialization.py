import zipfile

import numpy as np
import pytest

import rnn_lib
from rnn_lib import ModelFileError, Vocabulary, load, save

from helpers import random_model


@pytest.fixture
def saved(tmp_path):
    vocab = Vocabulary(list("abcdef"))
    model = random_model()
    path = save(tmp_path / "m", model, vocab)
    return path, model, vocab


def test_round_trip_is_exact(saved):
    path, model, vocab = saved
    assert path.endswith("m.npz")
    loaded, loaded_vocab = load(path)
    assert loaded_vocab == vocab
    assert np.array_equal(loaded.flat, model.flat)
    assert (loaded.input_size, loaded.output_size, loaded.hidden_size) == (6, 2, 5)
    np.testing.assert_array_equal(loaded.forward([0, 3])[0], model.forward([0, 3])[0])


def test_loads_without_pickle(saved):
    with np.load(saved[0], allow_pickle=False) as f:
        assert set(f.files) == {"format_version", "cell", "vocab", "Wxh", "Whh", "Why", "bh", "by"}
        assert str(f["cell"]) == "rnn"


def test_missing_file(tmp_path):
    with pytest.raises(ModelFileError, match="does not exist"):
        load(tmp_path / "nope.npz")


def test_truncated_file(saved, tmp_path):
    data = open(saved[0], "rb").read()
    bad = tmp_path / "truncated.npz"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelFileError, match="not a readable rnn_lib model file"):
        load(bad)


def test_not_an_npz(tmp_path):
    bad = tmp_path / "text.npz"
    bad.write_text("hello")
    with pytest.raises(ModelFileError, match="not a readable"):
        load(bad)


def test_corrupted_member(saved, tmp_path):
    """Flip bytes inside the archive: the zip CRC check or the array header refuses it."""
    data = bytearray(open(saved[0], "rb").read())
    for i in range(200, 260):
        data[i] ^= 0xFF
    bad = tmp_path / "corrupt.npz"
    bad.write_bytes(bytes(data))
    with pytest.raises(ModelFileError):
        load(bad)


def _rewrite(path, tmp_path, **changes):
    with np.load(path, allow_pickle=False) as f:
        arrays = {k: f[k] for k in f.files}
    arrays.update(changes)
    for k in [k for k, v in changes.items() if v is None]:
        del arrays[k]
    out = tmp_path / "changed.npz"
    np.savez(out, **arrays)
    return out


def test_missing_array(saved, tmp_path):
    with pytest.raises(ModelFileError, match="lacks Whh"):
        load(_rewrite(saved[0], tmp_path, Whh=None))


def test_mismatched_shapes(saved, tmp_path):
    with pytest.raises(ModelFileError, match=r"Whh has shape \(4, 4\), expected \(5, 5\)"):
        load(_rewrite(saved[0], tmp_path, Whh=np.zeros((4, 4))))
    with pytest.raises(ModelFileError, match="Wxh has shape"):
        load(_rewrite(saved[0], tmp_path, vocab=np.array(list("abcdefg"))))


def test_bad_values_and_version(saved, tmp_path):
    W = np.full((5, 5), np.nan)
    with pytest.raises(ModelFileError, match="finite"):
        load(_rewrite(saved[0], tmp_path, Whh=W))
    with pytest.raises(ModelFileError, match="format version"):
        load(_rewrite(saved[0], tmp_path, format_version=np.array(99)))
    with pytest.raises(ModelFileError, match="sorted"):
        load(_rewrite(saved[0], tmp_path, vocab=np.array(list("fedcba"))))


def test_save_refuses_a_mismatched_vocabulary(tmp_path):
    with pytest.raises(ValueError, match="input_size"):
        save(tmp_path / "x.npz", random_model(), Vocabulary.from_texts(rnn_lib.train_data))


def test_model_file_error_is_a_value_error():
    assert issubclass(ModelFileError, ValueError)
    assert zipfile  # the module handles zipfile.BadZipFile

import os
import sys
import zipfile

import numpy as np
import pytest

import rnn_lib
from rnn_lib import ModelFileError, Vocabulary, load, save
from rnn_lib.files import check_writable

from helpers import random_model, unwritable_folder


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
    """A text file named .npz: numpy's own message advises loading it "unsafely"; a learner must not read that."""
    bad = tmp_path / "text.npz"
    bad.write_text("hello")
    with pytest.raises(ModelFileError, match="is not an rnn_lib model file") as e:
        load(bad)
    assert "unsafe" not in str(e.value) and "pickle" not in str(e.value)


def test_a_pickle_inside_the_archive_is_refused_without_advice_to_unpickle(tmp_path):
    bad = tmp_path / "objects.npz"
    np.savez(bad, format_version=np.array(1), vocab=np.array([{"a": 1}], dtype=object))
    with pytest.raises(ModelFileError, match="pickled Python objects, which rnn_lib never writes") as e:
        load(bad)
    assert "unsafe" not in str(e.value) and "allow_pickle" not in str(e.value)


def test_a_single_npy_array_is_a_model_file_error(tmp_path):
    """np.load returns an ndarray for .npy: it used to escape as a TypeError (no context manager)."""
    bad = tmp_path / "weights.npy"
    np.save(bad, np.zeros(3))
    with pytest.raises(ModelFileError, match=r"single numpy array \(\.npy\), not an rnn_lib model file"):
        load(bad)


def test_a_folder_or_an_unreadable_file_is_a_model_file_error(tmp_path, monkeypatch, saved):
    with pytest.raises(ModelFileError, match="is a folder, not a model file"):
        load(tmp_path)

    def no_permission(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(rnn_lib.serialization.os, "open", no_permission)  # the file is opened with os.open
    with pytest.raises(ModelFileError, match="cannot be read: Permission denied"):
        load(saved[0])


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


@pytest.mark.parametrize("version", [np.array(1.7), np.array(1.0), np.array("1"), np.array("abc"),
                                     np.array([1]), np.array(True), np.array(2)])
def test_only_format_version_1_is_read(saved, tmp_path, version):
    """1.7 used to be read as version 1 (int(1.7)), and a string version escaped as a raw ValueError."""
    with pytest.raises(ModelFileError, match="format version .*this rnn_lib reads format version 1 only"):
        load(_rewrite(saved[0], tmp_path, format_version=version))


def test_save_and_load_agree_on_a_name_without_npz(tmp_path):
    """save("noext") writes noext.npz; load("noext") finds it (it used to say the file does not exist)."""
    model, vocab = random_model(), Vocabulary(list("abcdef"))
    assert save(tmp_path / "noext", model, vocab) == str(tmp_path / "noext.npz")
    loaded, _ = load(tmp_path / "noext")
    assert np.array_equal(loaded.flat, model.flat)
    assert np.array_equal(load(str(tmp_path / "noext"))[0].flat, model.flat)
    with pytest.raises(ModelFileError, match="does not exist"):
        load(tmp_path / "other")


def test_a_file_named_as_given_is_read_before_the_npz_name(saved, tmp_path):
    """An existing file is read as named, whatever its suffix (a model copied to 'model.bak')."""
    backup = tmp_path / "model.bak"
    backup.write_bytes(open(saved[0], "rb").read())
    assert np.array_equal(load(backup)[0].flat, saved[1].flat)


# ---- atomic saves ----

def _fail_part_way(monkeypatch, after=3):
    """Make numpy's array writer raise after writing ``after`` arrays of the archive."""
    real = np.lib.format.write_array
    calls = []

    def write_array(*args, **kwargs):
        calls.append(1)
        if len(calls) > after:
            raise OSError(28, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(np.lib.format, "write_array", write_array)
    return calls


def test_a_save_that_fails_part_way_leaves_the_old_file_intact(saved, tmp_path, monkeypatch):
    path, model, vocab = saved
    before = open(path, "rb").read()
    other = random_model(seed=9)
    calls = _fail_part_way(monkeypatch)
    with pytest.raises(OSError, match="No space left"):
        save(path, other, vocab)
    assert len(calls) == 4  # three arrays were written before the failure: it really was part-way
    monkeypatch.undo()
    assert open(path, "rb").read() == before
    loaded, loaded_vocab = load(path)
    assert np.array_equal(loaded.flat, model.flat) and loaded_vocab == vocab
    assert sorted(os.listdir(tmp_path)) == ["m.npz"]  # no temporary file left behind


def test_ctrl_c_during_a_save_leaves_the_old_file_intact(saved, tmp_path, monkeypatch):
    path, model, vocab = saved
    real = np.lib.format.write_array

    def interrupted(*args, **kwargs):
        real(*args, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(np.lib.format, "write_array", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save(path, random_model(seed=9), vocab)
    monkeypatch.undo()
    assert np.array_equal(load(path)[0].flat, model.flat)
    assert sorted(os.listdir(tmp_path)) == ["m.npz"]


def test_a_first_save_that_fails_leaves_nothing(tmp_path, monkeypatch):
    _fail_part_way(monkeypatch, after=1)
    with pytest.raises(OSError):
        save(tmp_path / "new.npz", random_model(), Vocabulary(list("abcdef")))
    assert os.listdir(tmp_path) == []


POSIX_ONLY = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file permissions")


@POSIX_ONLY
def test_save_replaces_an_existing_file_and_keeps_its_permissions(saved, tmp_path):
    path, _, vocab = saved
    os.chmod(path, 0o640)
    other = random_model(seed=9)
    save(path, other, vocab)
    assert np.array_equal(load(path)[0].flat, other.flat)
    assert os.stat(path).st_mode & 0o777 == 0o640
    assert sorted(os.listdir(tmp_path)) == ["m.npz"]


@POSIX_ONLY
def test_a_new_file_gets_the_usual_permissions(tmp_path):
    """Not 0600, as a file from tempfile.mkstemp would be: the umask applies, as for open()."""
    umask = os.umask(0o022)
    try:
        path = save(tmp_path / "fresh", random_model(), Vocabulary(list("abcdef")))
    finally:
        os.umask(umask)
    assert os.stat(path).st_mode & 0o777 == 0o644


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_save_refuses_non_finite_weights_and_writes_nothing(tmp_path, value):
    model = random_model()
    model.Whh[1, 2] = value
    with pytest.raises(ValueError, match="cannot save the model: Whh holds 1 NaN or infinite value") as e:
        save(tmp_path / "bad.npz", model, Vocabulary(list("abcdef")))
    assert "learning rate" in str(e.value)
    assert os.listdir(tmp_path) == []


def test_save_into_a_missing_folder_or_onto_a_folder_says_so(tmp_path):
    model, vocab = random_model(), Vocabulary(list("abcdef"))
    with pytest.raises(ValueError, match="the folder .* does not exist"):
        save(tmp_path / "missing" / "m.npz", model, vocab)
    with pytest.raises(ValueError, match="it is a folder"):
        save(tmp_path, model, vocab)
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match="is not a folder"):
        save(tmp_path / "file" / "m.npz", model, vocab)
    assert os.listdir(tmp_path) == ["file"]


def test_save_into_a_folder_that_cannot_be_written_says_so(tmp_path):
    folder = unwritable_folder(tmp_path)
    with pytest.raises(ValueError, match="cannot write in the folder"):
        save(os.path.join(folder, "m.npz"), random_model(), Vocabulary(list("abcdef")))
    with pytest.raises(ValueError, match="cannot write in the folder"):
        check_writable(os.path.join(folder, "m.npz"))


def test_check_writable_leaves_nothing_behind(tmp_path):
    assert check_writable(tmp_path / "m") == str(tmp_path / "m.npz")
    assert os.listdir(tmp_path) == []
    with pytest.raises(ValueError, match="does not exist"):
        check_writable(tmp_path / "no" / "m.npz")
    with pytest.raises(ValueError, match="empty"):
        check_writable("")


@pytest.mark.parametrize("model, vocab", [("model", Vocabulary(["a"])), (None, None)])
def test_save_refuses_arguments_of_the_wrong_type(tmp_path, model, vocab):
    with pytest.raises(TypeError, match="model must be an rnn_lib RNN"):
        save(tmp_path / "m.npz", model, vocab)


def test_save_refuses_a_mismatched_vocabulary(tmp_path):
    with pytest.raises(ValueError, match="input_size"):
        save(tmp_path / "x.npz", random_model(), Vocabulary.from_texts(rnn_lib.train_data))


def test_model_file_error_is_a_value_error():
    assert issubclass(ModelFileError, ValueError)
    assert zipfile  # the module handles zipfile.BadZipFile


# ---- the second reliability round: links, devices, pipes, full disks, long names, leftovers ----
import errno  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

import rnn_lib.serialization  # noqa: E402

POSIX_ONLY = pytest.mark.skipif(sys.platform == "win32", reason="symlinks, FIFOs and devices of POSIX")


@POSIX_ONLY
def test_a_dangling_symlink_is_checked_at_its_real_folder(tmp_path):
    """A link into a missing folder used to pass the early check: 1000 epochs, then a failure."""
    link = tmp_path / "link.npz"
    link.symlink_to(tmp_path / "nowhere" / "m.npz")
    with pytest.raises(ValueError, match=r"does not exist") as e:
        check_writable(link)
    assert "nowhere" in str(e.value) and "link.npz" in str(e.value)


@POSIX_ONLY
def test_a_symlink_loop_is_reported_as_a_loop(tmp_path):
    (tmp_path / "a.npz").symlink_to(tmp_path / "b.npz")
    (tmp_path / "b.npz").symlink_to(tmp_path / "a.npz")
    for action in (lambda: check_writable(tmp_path / "a.npz"),
                   lambda: save(tmp_path / "a.npz", random_model(), Vocabulary(list("abcdef")))):
        with pytest.raises(ValueError, match="symlink loop"):
            action()
    with pytest.raises(ModelFileError, match="symlink loop"):
        load(tmp_path / "a.npz")


@POSIX_ONLY
def test_only_regular_files_are_written(tmp_path):
    """``--save /dev/full`` used to write /dev/full.npz; a link to a FIFO was replaced by a regular file."""
    with pytest.raises(ValueError, match="not a regular file"):
        check_writable("/dev/full")
    fifo = tmp_path / "pipe.npz"
    os.mkfifo(fifo)
    link = tmp_path / "link.npz"
    link.symlink_to(fifo)
    for target in (fifo, link, tmp_path / "pipe"):
        with pytest.raises(ValueError, match="named pipe.*not a regular file"):
            save(target, random_model(), Vocabulary(list("abcdef")))
    assert os.path.islink(link) and not os.path.isfile(fifo) and sorted(os.listdir(tmp_path)) == ["link.npz", "pipe.npz"]


def _in_time(action, fifo, seconds=10):
    """``action()``'s exception, or fail if it blocks (then unblock it by opening the FIFO's other end)."""
    box = {}

    def run():
        try:
            action()
        except BaseException as e:  # noqa: BLE001
            box["error"] = e
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        thread.join(5)
        pytest.fail("reading a named pipe blocked")
    return box.get("error")


@POSIX_ONLY
def test_loading_a_named_pipe_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.npz"
    os.mkfifo(fifo)
    for action in (lambda: load(fifo), lambda: rnn_lib.load(fifo, expect="lm"), lambda: load(tmp_path / "pipe")):
        error = _in_time(action, fifo)
        assert isinstance(error, ModelFileError) and "named pipe" in str(error) and "not a regular" in str(error)


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EFBIG])
def test_a_full_disk_or_a_file_size_limit_names_the_file(tmp_path, monkeypatch, code):
    """Used to be ``[Errno 28] No space left on device``, naming no file."""
    def full(*args, **kwargs):
        raise OSError(code, os.strerror(code))
    monkeypatch.setattr(rnn_lib.serialization.np, "savez", full)
    with pytest.raises(OSError) as e:
        save(tmp_path / "m.npz", random_model(), Vocabulary(list("abcdef")))
    message = str(e.value)
    assert e.value.errno == code and "m.npz" in message and os.strerror(code) in message
    assert "\n" not in message and "[Errno" not in message and os.listdir(tmp_path) == []


def test_free_space_is_checked_against_the_models_size(tmp_path, monkeypatch):
    import collections
    usage = collections.namedtuple("usage", "total used free")
    monkeypatch.setattr(rnn_lib.files.shutil, "disk_usage", lambda p: usage(10 ** 9, 10 ** 9 - 500, 500))
    with pytest.raises(ValueError, match=r"only 500 bytes free") as e:
        check_writable(tmp_path / "m.npz", nbytes=rnn_lib.serialization.expected_size(random_model(), Vocabulary(list("abcdef"))))
    assert "m.npz" in str(e.value) and os.listdir(tmp_path) == []
    assert check_writable(tmp_path / "m.npz") == str(tmp_path / "m.npz")  # without a size: no space check


def test_a_long_file_name_is_not_refused_for_its_temporary_name(tmp_path):
    """A valid 250-character name used to fail: the temporary name added 14 characters."""
    name = "a" * 246 + ".npz"
    path = save(tmp_path / name, random_model(), Vocabulary(list("abcdef")))
    assert os.listdir(tmp_path) == [name] and list(load(path)[1].words) == list("abcdef")


def test_the_npz_suffix_is_matched_in_any_case(tmp_path):
    """``--save x.NPZ`` used to write x.NPZ.npz."""
    assert save(tmp_path / "x.NPZ", random_model(), Vocabulary(list("abcdef"))) == str(tmp_path / "x.NPZ")
    assert os.listdir(tmp_path) == ["x.NPZ"] and check_writable(tmp_path / "y.Npz") == str(tmp_path / "y.Npz")


def test_stale_temporary_files_of_the_target_are_removed_by_the_next_save(tmp_path):
    """``kill -9`` during a save leaves a hidden temporary file; the next save of that target removes it."""
    old = time.time() - 3600
    stale = [rnn_lib.files.temporary_name("m.npz", "0123abcd"), ".m.npz.0123abcd.tmp"]
    kept = [rnn_lib.files.temporary_name("other.npz", "0123abcd"), ".notes.tmp", "m.npz.bak"]
    for name in stale + kept:
        (tmp_path / name).write_bytes(b"PK")
        os.utime(tmp_path / name, (old, old))
    fresh = rnn_lib.files.temporary_name("m.npz", "feedbeef")  # another process's save, now
    (tmp_path / fresh).write_bytes(b"PK")
    save(tmp_path / "m.npz", random_model(), Vocabulary(list("abcdef")))
    assert sorted(os.listdir(tmp_path)) == sorted(["m.npz", fresh, *kept])
    assert len(rnn_lib.files.temporary_name("a" * 250, "0123abcd")) < 40


def test_a_registered_custom_cell_is_saved_and_loaded_by_name(tmp_path):
    """A cell class added to CELLS by name is rebuilt by load; an unregistered one is refused in one line."""
    from rnn_lib import RNN, Vocabulary, load, save
    from rnn_lib.cells import CELLS, RNNCell, register_cell

    class LeakyCell(RNNCell):
        name = "leaky-test"

    vocab = Vocabulary(["a", "b", "c"])
    model = RNN(3, 2, 4, rng=1, cell=LeakyCell())
    with pytest.raises(ValueError, match="register its class"):
        save(tmp_path / "m", model, vocab)
    register_cell(LeakyCell)
    try:
        back, words = load(save(tmp_path / "m", model, vocab))
        assert type(back.cell) is LeakyCell and words.words == vocab.words
        np.testing.assert_array_equal(back.flat, model.flat)
    finally:
        del CELLS["leaky-test"]

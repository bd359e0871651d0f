"""python -m rnn_lib lm train | sample: the output lines, and every mistake as one line."""

import io
import re

import pytest

import rnn_lib
from rnn_lib.cli import main
from helpers import interrupted_after_one_epoch


def call(*args):
    """``main(args)`` in this process: ``(status, stdout, stderr)``."""
    out, err = io.StringIO(), io.StringIO()
    status = main(list(args), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def lm_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("lm") / "names.npz"
    status, out, err = call("lm", "train", "--epochs", "2", "--hidden", "16", "--save", str(path))
    assert status == 0, err
    return path, out, err


def test_train_ends_with_the_validation_loss_and_the_bigram(lm_file):
    path, out, err = lm_file
    lines = out.splitlines()
    m = re.fullmatch(r"val loss (\d\.\d{3}) nats/char \(bigram baseline (\d\.\d{3})\)", lines[0])
    assert m, out
    assert float(m.group(1)) < float(m.group(2)) == 2.380
    assert lines[1] == f"saved the language model to {path}"
    assert "lm train" in err and "2/2" in err  # tqdm's progress bar, on stderr


def test_sample_prints_one_name_a_line_reproducibly(lm_file):
    path = str(lm_file[0])
    status, out, err = call("lm", "sample", path, "--n", "7", "--seed", "5", "--prefix", "ka")
    assert (status, err) == (0, "")
    names = out.splitlines()
    assert len(names) == 7 and all(re.fullmatch("ka[a-z]*", n) for n in names)
    assert call("lm", "sample", path, "--n", "7", "--seed", "5", "--prefix", "ka")[1] == out
    assert call("lm", "sample", path, "--temperature", "0.5")[1].count("\n") == 20


def test_a_prefix_outside_the_alphabet_names_the_character_and_the_alphabet(lm_file):
    status, out, err = call("lm", "sample", str(lm_file[0]), "--prefix", "jo3")
    assert (status, out) == (2, "")
    assert err == ("error: prefix 'jo3' has the character '3', not in the model's alphabet "
                   "'abcdefghijklmnopqrstuvwxyz'\n")


@pytest.mark.parametrize("t", ["0", "-1", "nan", "hot"])
def test_the_temperature_must_be_positive(lm_file, t, capsys):
    with pytest.raises(SystemExit) as e:
        main(["lm", "sample", str(lm_file[0]), "--temperature", t])
    assert e.value.code == 2
    assert "--temperature" in capsys.readouterr().err


def test_files_of_the_other_kind_are_refused_in_one_line(lm_file, tmp_path):
    status, out, err = call("predict", str(lm_file[0]), "i am happy")
    assert status == 2 and "holds a character language model, not a classifier" in err and err.count("\n") == 1
    clf = rnn_lib.save(tmp_path / "clf.npz", rnn_lib.RNN(3, 2, 4), rnn_lib.Vocabulary(["a", "b", "c"]))
    status, out, err = call("lm", "sample", clf)
    assert status == 2 and "holds a classifier, not a character language model" in err and err.count("\n") == 1
    status, out, err = call("lm", "sample", str(tmp_path / "missing.npz"))
    assert status == 2 and "does not exist" in err


def test_save_is_checked_before_training(tmp_path):
    status, out, err = call("lm", "train", "--epochs", "50", "--save", str(tmp_path / "no" / "lm.npz"))
    assert (status, out) == (2, "")
    assert err.startswith("error: cannot save to") and "does not exist" in err and "lm train" not in err


def test_ctrl_c_saves_the_last_complete_epoch_said_to_be_partly_trained(tmp_path, monkeypatch):
    import rnn_lib.training
    monkeypatch.setattr(rnn_lib.training, "train_lm", interrupted_after_one_epoch(rnn_lib.training.train_lm))
    path = tmp_path / "lm.npz"
    status, out, err = call("lm", "train", "--epochs", "5", "--hidden", "8", "--save", str(path))
    assert status == 130
    assert "interrupted: stopped after 1 of 5 epochs" in err
    partial = tmp_path / "lm.partial.npz"
    assert out == (f"saved the PARTLY TRAINED model (after epoch 1 of 5) to {partial}, "
                   f"not to {path} (kept for finished models)\n")
    assert rnn_lib.load(partial, expect="lm")[0].hidden_size == 8 and not path.exists()
    status, out, err = call("lm", "train", "--epochs", "5", "--hidden", "8")
    assert status == 130 and "nothing was saved (no --save given)" in err and out == ""


def test_a_temperature_too_small_for_the_model_is_one_line(lm_file):
    """5e-324 used to print numpy RuntimeWarnings, then 'Probabilities contain NaN'."""
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        status, out, err = call("lm", "sample", str(lm_file[0]), "--temperature", "5e-324")
    assert status == 2 and out == "" and len(err.splitlines()) == 1
    assert err.startswith("error: the temperature 5e-324 is too small") and "smallest usable" in err
    status, out, err = call("lm", "sample", str(lm_file[0]), "--temperature", "1e-200", "--n", "3")
    assert status == 0 and len(out.splitlines()) == 3  # tiny but usable: the most likely characters


def test_n_has_a_clear_limit(lm_file, capsys):
    """``--n 10000000`` used to print nothing for 25 s."""
    with pytest.raises(SystemExit) as e:
        main(["lm", "sample", str(lm_file[0]), "--n", "10000000"])
    assert e.value.code == 2 and "at most 100000" in capsys.readouterr().err


def test_names_are_printed_as_they_are_sampled(lm_file, monkeypatch):
    """The same names as ``model.sample(n)``, each written (and flushed) before the next is drawn."""
    path = lm_file[0]
    expected = rnn_lib.load(path)[0].sample(5, temperature=0.8, seed=3)
    lines = []

    class Out(io.StringIO):
        def write(self, text):
            lines.append(text)
            return super().write(text)
    out = Out()
    status = main(["lm", "sample", str(path), "--n", "5", "--temperature", "0.8", "--seed", "3"], out=out,
                  err=io.StringIO())
    assert status == 0 and out.getvalue().splitlines() == expected


def test_sample_from_a_named_pipe_is_refused(tmp_path):
    import os
    import subprocess
    import sys
    fifo = tmp_path / "pipe.npz"
    os.mkfifo(fifo)
    result = subprocess.run([sys.executable, "-m", "rnn_lib", "lm", "sample", str(fifo)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "named pipe" in result.stderr and len(result.stderr.splitlines()) == 1

"""python -m rnn_lib dates train | translate: the output lines, saving and loading, every mistake as one line."""

import io
import re

import numpy as np
import pytest

from rnn_lib.cli import main
from rnn_lib.serialization import load, save
from helpers import interrupted_after_one_epoch

TRAIN = ("dates", "train", "--epochs", "1", "--train-dates", "200", "--hidden", "8")


def call(*args):
    """``main(args)`` in this process: ``(status, stdout, stderr)``."""
    out, err = io.StringIO(), io.StringIO()
    status = main(list(args), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def dates_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("dates") / "dates.npz"
    status, out, err = call(*TRAIN, "--save", str(path))
    assert status == 0, err
    return path, out, err


def test_train_saves_and_ends_with_the_exact_match_on_held_out_dates(dates_file):
    path, out, err = dates_file
    lines = out.splitlines()
    assert lines[0] == f"saved the translator to {path}"
    assert lines[1].startswith("exact match by input length: ")
    assert re.fullmatch(r"held-out format dd-MMM-yy: exact match \d\.\d{3} on 1000 test dates", lines[2])
    assert re.match(r"baseline without attention: exact match \d\.\d{3} on 1000 held-out dates; by input length",
                    lines[3])
    assert re.fullmatch(r"exact match \d\.\d{3} on 1000 held-out dates", lines[-1])
    assert "dates train (attention)" in err and "dates train (no attention)" in err and "1/1" in err


def test_translate_prints_each_text_and_its_iso_date(dates_file):
    status, out, err = call("dates", "translate", str(dates_file[0]), "Tuesday, 10 March 2009", "10/03/09")
    assert status == 0 and err == ""
    lines = out.splitlines()
    assert len(lines) == 2 and lines[0].startswith("Tuesday, 10 March 2009 -> ")
    assert all(re.fullmatch(r".* -> [-0-9]{10}", line) for line in lines)


@pytest.mark.parametrize("text, message", [
    ("", "error: empty text"),
    ("   ", "error: empty text"),
    ("3 июля 2021", "error: '3 июля 2021' has the character 'и', which the model never read"),
    ("1" * 61, "is 61 characters long: a date has at most 60"),
])
def test_bad_text_is_one_line_and_the_others_are_still_translated(dates_file, text, message):
    status, out, err = call("dates", "translate", str(dates_file[0]), text, "1 may 2001")
    assert status == 2 and len(err.splitlines()) == 1 and message in err
    assert out.startswith("1 may 2001 -> ") and len(out.splitlines()) == 1


def test_files_of_another_kind_are_refused_in_one_line(tmp_path):
    import rnn_lib
    clf = rnn_lib.save(tmp_path / "clf.npz", rnn_lib.RNN(3, 2, 4), rnn_lib.Vocabulary(["a", "b", "c"]))
    status, out, err = call("dates", "translate", clf, "1 may 2001")
    assert status == 2 and out == "" and "holds a classifier, not a date translator" in err
    assert err.count("\n") == 1
    status, out, err = call("dates", "translate", str(tmp_path / "missing.npz"), "1 may 2001")
    assert status == 2 and "does not exist" in err


def test_save_is_checked_before_training(tmp_path):
    status, out, err = call(*TRAIN, "--save", str(tmp_path / "no" / "d.npz"))
    assert (status, out) == (2, "")
    assert err.startswith("error: cannot save to") and "does not exist" in err and "dates train" not in err


def test_ctrl_c_saves_the_last_complete_epoch_beside_the_file(tmp_path, monkeypatch):
    import rnn_lib.translator
    monkeypatch.setattr(rnn_lib.translator, "train_translator", interrupted_after_one_epoch(rnn_lib.translator.train_translator))
    path = tmp_path / "d.npz"
    status, out, err = call("dates", "train", "--epochs", "3", "--train-dates", "100", "--hidden", "4",
                            "--save", str(path))
    assert status == 130 and "interrupted: stopped after 1 of 3 epochs" in err
    partial = tmp_path / "d.partial.npz"
    assert out == (f"saved the PARTLY TRAINED model (after epoch 1 of 3) to {partial}, "
                   f"not to {path} (kept for finished models)\n")
    assert load(partial, expect="dates")[0].hidden_size == 4 and not path.exists()


def test_ctrl_c_during_the_baseline_keeps_the_saved_translator(tmp_path, monkeypatch):
    import rnn_lib.translator
    real, calls = rnn_lib.translator.train_translator, []

    def baseline_interrupted(*args, callback, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            return real(*args, callback=callback, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(rnn_lib.translator, "train_translator", baseline_interrupted)
    path = tmp_path / "d.npz"
    status, out, err = call("dates", "train", "--epochs", "1", "--train-dates", "100", "--hidden", "4",
                            "--save", str(path))
    assert status == 130 and out == f"saved the translator to {path}\n"
    assert err.splitlines()[-1] == f"interrupted while training the baseline; the translator is saved in {path}"
    assert load(path, expect="dates")[0].hidden_size == 4


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("attention", [True, False])
def test_save_and_load_give_the_same_model(tmp_path, cell, attention):
    from rnn_lib.seq2seq import Seq2Seq
    model = Seq2Seq("abc -", "-12", hidden_size=3, attention=attention, attention_size=2, cell=cell,
                    output_length=4, rng=2)
    loaded, chars = load(save(tmp_path / "m", model))
    assert chars == model.input_chars
    assert repr(loaded) == repr(model) and loaded.shapes == model.shapes
    assert np.array_equal(loaded.flat, model.flat)
    assert loaded.translate(["ab", "c -a"])[0] == model.translate(["ab", "c -a"])[0]


def test_a_damaged_file_is_one_model_file_error(tmp_path):
    from rnn_lib.serialization import ModelFileError
    from rnn_lib.seq2seq import Seq2Seq
    path = save(tmp_path / "m", Seq2Seq("ab", "12", hidden_size=2, output_length=3))
    arrays = dict(np.load(path))
    arrays["sizes"] = np.array([2, 2, 3])
    np.savez(tmp_path / "bad.npz", **arrays)
    with pytest.raises(ModelFileError, match="sizes must be four whole numbers"):
        load(tmp_path / "bad.npz")
    arrays = dict(np.load(path))
    del arrays["Why"]
    np.savez(tmp_path / "bad.npz", **arrays)
    with pytest.raises(ModelFileError, match="lacks Why"):
        load(tmp_path / "bad.npz")


def test_one_load_reads_a_translator_and_every_other_command_refuses_it_in_one_line(tmp_path):
    from rnn_lib.seq2seq import Seq2Seq
    from rnn_lib.serialization import ModelFileError
    path = str(save(tmp_path / "m", Seq2Seq("ab", "12", hidden_size=2, output_length=3)))
    assert isinstance(load(path, expect=Seq2Seq)[0], Seq2Seq)
    for expect, what in (("classifier", "a classifier"), ("lm", "a character language model"),
                         ("rnn", "a classifier")):
        with pytest.raises(ModelFileError, match=f"holds a date translator, not {what}"):
            load(path, expect=expect)
    for args in (("predict", path, "good"), ("lm", "sample", path)):
        status, out, err = call(*args)
        assert (status, out) == (2, "")
        assert err.count("\n") == 1 and err.startswith("error: ") and "holds a date translator" in err
        assert "'python -m rnn_lib dates translate' reads it" in err


def test_translate_refuses_a_classifier_and_a_language_model_in_one_line(tmp_path):
    from rnn_lib import RNN, Vocabulary
    from rnn_lib.lm import CharLM
    classifier = save(tmp_path / "c", RNN(2, 2, 3, rng=0), Vocabulary(["a", "b"]))
    lm = save(tmp_path / "l", CharLM(".ab", 3, rng=0))
    for path, what in ((classifier, "a classifier"), (lm, "a character language model")):
        status, out, err = call("dates", "translate", str(path), "1/2/03")
        assert (status, out) == (2, "")
        assert err == (f"error: {str(path)!r} holds {what}, not a date translator: train one with "
                       "'python -m rnn_lib dates train --save PATH'\n")

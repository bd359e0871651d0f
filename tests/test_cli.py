import io
import os
import re
import signal
import subprocess
import sys

import numpy as np
import pytest

import rnn_lib
import rnn_lib.cli
import rnn_lib.cli_train
from rnn_lib.cli import main

from helpers import unwritable_folder


def run(*args):
    return subprocess.run([sys.executable, "-m", "rnn_lib", *args], capture_output=True, text=True, timeout=600)


def call(*args):
    """``main(args)`` in this process: ``(status, stdout, stderr)``."""
    out, err = io.StringIO(), io.StringIO()
    status = main(list(args), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """One full default run (seed 0, 1000 epochs) on the fast path, saved for the predict tests.

    ``--fast`` trains the same per-example SGD as the teaching loop, with weights equal
    to rounding (tests/test_kernels.py), about 3x faster.
    """
    path = tmp_path_factory.mktemp("cli") / "model.npz"
    result = run("train", "--fast", "--save", str(path))
    assert result.returncode == 0, result.stderr
    return result.stdout, path


def test_train_prints_the_articles_table_every_100_epochs(trained):
    out, path = trained
    lines = out.splitlines()
    assert lines[-1] == f"saved the model to {path}"
    table = lines[:-1]
    assert len(table) == 30
    for k in range(10):
        epoch, tr, te = table[3 * k: 3 * k + 3]
        assert epoch == f"--- Epoch {100 * (k + 1)}"
        assert re.fullmatch(r"Train:\tLoss \d\.\d{3} \| Accuracy: \d\.\d{3}", tr), tr
        assert re.fullmatch(r"Test:\tLoss \d\.\d{3} \| Accuracy: \d\.\d{3}", te), te
    assert table[-1].endswith("Accuracy: 1.000")
    assert table[-2].endswith("Accuracy: 1.000")


def test_predict_prints_probability_and_label(trained):
    _, path = trained
    result = run("predict", str(path), "i am not at all sad", "this was bad earlier")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    m = re.fullmatch(r"'i am not at all sad': P\(positive\) = (\d\.\d{3}) -> positive", lines[0])
    assert m and float(m.group(1)) > 0.5
    m = re.fullmatch(r"'this was bad earlier': P\(positive\) = (\d\.\d{3}) -> negative", lines[1])
    assert m and float(m.group(1)) < 0.5


def test_predict_unknown_word_is_a_one_line_error_with_status_2(trained):
    _, path = trained
    result = run("predict", str(path), "i am happy", "i am ecstatic")
    assert result.returncode == 2
    assert result.stdout.startswith("'i am happy': P(positive) = ") and len(result.stdout.splitlines()) == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "unknown word 'ecstatic'" in result.stderr and "all am and at bad" in result.stderr


def test_predict_missing_model_file(tmp_path):
    result = run("predict", str(tmp_path / "none.npz"), "i am happy")
    assert result.returncode == 2 and "does not exist" in result.stderr
    assert "Traceback" not in result.stderr


# ---- predict: every text gets its line, every mistake one line ----

def test_predict_prints_every_good_text_and_an_error_line_for_each_bad_one(trained):
    """`predict good fantastic` used to print nothing for "good" before failing on "fantastic"."""
    _, path = trained
    status, out, err = call("predict", str(path), "good", "fantastic", "not bad", "", "so so")
    assert status == 2
    assert [l.split(":")[0] for l in out.splitlines()] == ["'good'", "'not bad'"]
    errors = err.splitlines()
    assert len(errors) == 3 and all(l.startswith("error: ") for l in errors)
    assert "'fantastic'" in errors[0] and "empty" in errors[1] and "unknown word 'so'" in errors[2]


def test_predict_lower_cases_as_the_library_and_the_widgets_do(trained):
    _, path = trained
    status, out, err = call("predict", str(path), "I am Happy", "i am happy")
    assert status == 0, err
    first, second = out.splitlines()
    assert first.startswith("'I am Happy': P(positive) = ")
    assert first.split("= ")[1] == second.split("= ")[1]


def test_predict_shows_a_look_alike_escaped_with_a_hint(trained):
    _, path = trained
    result = run("predict", str(path), "g\u043e\u043ed")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("error: unknown word 'g\\u043e\\u043ed' (looks like 'good')")
    assert len(result.stderr.splitlines()) == 1


def test_predict_with_ten_thousand_unknown_words_is_one_short_line(trained):
    _, path = trained
    status, out, err = call("predict", str(path), " ".join(f"w{i}" for i in range(10_000)))
    assert status == 2 and out == ""
    assert len(err.splitlines()) == 1 and len(err) < 600 and "and 9990 more" in err


@pytest.mark.parametrize("make, message", [
    (lambda d: d, "is a folder, not a model file"),
    (lambda d: (np.save(d / "w.npy", np.zeros(2)), d / "w.npy")[1], "single numpy array (.npy)"),
    (lambda d: ((d / "t.npz").write_text("hello"), d / "t.npz")[1], "is not an rnn_lib model file"),
    (lambda d: (np.savez(d / "v.npz", format_version=np.array(1.7)), d / "v.npz")[1], "format version"),
    (lambda d: d / "none.npz", "does not exist"),
], ids=["folder", "npy", "text", "version-1.7", "missing"])
def test_predict_on_a_bad_model_file_is_one_line(tmp_path, make, message):
    result = run("predict", str(make(tmp_path)), "good")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("error: ") and len(result.stderr.splitlines()) == 1, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr and "unsafe" not in result.stderr


def test_predict_finds_a_model_saved_without_the_npz_suffix(tmp_path):
    model, vocab = rnn_lib.RNN(18, 2, 4, rng=1), rnn_lib.Vocabulary.from_texts(rnn_lib.train_data)
    rnn_lib.save(tmp_path / "noext", model, vocab)
    status, out, err = call("predict", str(tmp_path / "noext"), "good")
    assert status == 0 and out.startswith("'good': P(positive) = "), err


def test_predict_refuses_a_model_that_is_not_a_two_class_classifier(tmp_path):
    vocab = rnn_lib.Vocabulary.from_texts(rnn_lib.train_data)
    rnn_lib.save(tmp_path / "one", rnn_lib.RNN(18, 1, 4, rng=1), vocab)
    status, out, err = call("predict", str(tmp_path / "one.npz"), "good")
    assert status == 2 and out == "" and "2-class" in err and len(err.splitlines()) == 1


# ---- train: checks first, divergence and Ctrl-C reported in one line ----

def _must_not_train(*args, **kwargs):
    raise AssertionError("training started although the arguments were bad")


@pytest.mark.parametrize("where", ["missing", "file", "folder", "unwritable"])
def test_train_checks_the_save_path_before_training(tmp_path, monkeypatch, where):
    """A missing folder used to be found after the whole run: a traceback, the trained model lost."""
    (tmp_path / "a_file").write_text("x")
    target = {"missing": tmp_path / "no" / "such" / "model.npz",
              "file": tmp_path / "a_file" / "model.npz",
              "folder": tmp_path,
              "unwritable": lambda: os.path.join(unwritable_folder(tmp_path), "model.npz")}[where]
    target = target() if callable(target) else target
    monkeypatch.setattr(rnn_lib.cli_train, "train", _must_not_train)
    status, out, err = call("train", "--save", str(target))
    assert status == 2 and out == ""
    assert err.startswith("error: cannot save to ") and len(err.splitlines()) == 1, err


def test_train_into_a_missing_folder_exits_at_once(tmp_path):
    result = run("train", "--save", str(tmp_path / "missing" / "model.npz"))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == f"error: cannot save to '{tmp_path}/missing/model.npz': the folder " \
                            f"'{tmp_path}/missing' does not exist\n"


def test_train_refuses_a_negative_seed_and_non_finite_learning_rates():
    for args, message in ((["--seed", "-1"], "seed of at least 0"), (["--lr", "inf"], "finite"),
                          (["--lr", "nan"], "finite"), (["--seed", "1.5"], "whole number")):
        result = run("train", "--epochs", "2", *args)
        assert result.returncode == 2 and result.stdout == "" and "Traceback" not in result.stderr
        last = result.stderr.splitlines()[-1]
        assert last.startswith(f"python -m rnn_lib train: error: argument {args[0]}: ") and message in last, last


def test_the_cli_trains_exactly_what_fit_trains(tmp_path):
    """The command line builds the vocabulary and model itself; one generator, as in fit."""
    for extra in ([], ["--fast"], ["--batch-size", "4"]):
        status, out, err = call("train", "--epochs", "3", "--hidden", "6", "--seed", "5", *extra,
                                "--save", str(tmp_path / "m.npz"))
        assert status == 0, err
        options = ({"engine": "batched", "batch_size": int(extra[1])} if extra[:1] == ["--batch-size"]
                   else {"engine": "fast" if extra else "loop"})
        expected, _, _ = rnn_lib.fit(seed=5, epochs=3, hidden_size=6, **options)
        assert np.array_equal(rnn_lib.load(tmp_path / "m.npz")[0].flat, expected.flat)


def _interrupt_after(epoch):
    """A stand-in for ``train`` whose run is interrupted (Ctrl-C) right after ``epoch``."""
    real = rnn_lib.training.train

    def train(*args, callback, **kwargs):
        def interrupting(history):
            callback(history)
            if history.epoch[-1] == epoch:
                raise KeyboardInterrupt

        return real(*args, callback=interrupting, **kwargs)

    return train


def test_ctrl_c_during_train_saves_the_last_complete_epoch_and_says_so(tmp_path, monkeypatch):
    """Ctrl-C used to print a 25-36-line traceback and keep nothing."""
    monkeypatch.setattr(rnn_lib.cli_train, "train", _interrupt_after(5))
    path = tmp_path / "m.npz"
    status, out, err = call("train", "--epochs", "1000", "--hidden", "6", "--save", str(path))
    assert status == 130
    assert err == "interrupted: stopped after 5 of 1000 epochs\n"
    partial = tmp_path / "m.partial.npz"
    assert out == (f"saved the PARTLY TRAINED model (after epoch 5 of 1000) to {partial}, "
                   f"not to {path} (kept for finished models)\n")
    expected, _, _ = rnn_lib.fit(seed=0, epochs=5, hidden_size=6)
    assert np.array_equal(rnn_lib.load(partial)[0].flat, expected.flat) and not path.exists()


def test_ctrl_c_never_replaces_a_finished_model(tmp_path, monkeypatch):
    """Ctrl-C used to write the partly trained model OVER an existing good.npz."""
    good = tmp_path / "good.NPZ"
    rnn_lib.save(good, *rnn_lib.fit(seed=1, epochs=2, hidden_size=3)[:2])
    before = good.read_bytes()
    monkeypatch.setattr(rnn_lib.cli_train, "train", _interrupt_after(3))
    status, out, err = call("train", "--epochs", "50", "--hidden", "6", "--save", str(good))
    assert status == 130 and good.read_bytes() == before
    assert out.endswith(f"to {tmp_path / 'good.partial.npz'}, not to {good} (kept for finished models)\n")
    assert rnn_lib.load(tmp_path / "good.partial.npz")[0].hidden_size == 6


def test_ctrl_c_without_save_or_before_an_epoch_saves_nothing_and_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr(rnn_lib.cli_train, "train", _interrupt_after(2))
    status, out, err = call("train", "--epochs", "10", "--hidden", "4")
    assert status == 130 and out == ""
    assert err == "interrupted: stopped after 2 of 10 epochs; nothing was saved (no --save given)\n"

    def interrupted_at_once(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(rnn_lib.cli_train, "train", interrupted_at_once)
    status, out, err = call("train", "--epochs", "10", "--save", str(tmp_path / "m.npz"))
    assert status == 130 and out == "" and os.listdir(tmp_path) == []
    assert err == "interrupted: stopped after 0 of 10 epochs; nothing was saved (no epoch was complete)\n"


POSIX_ONLY = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and shell pipes")


@POSIX_ONLY
def test_sigint_during_train_stops_cleanly_and_keeps_the_model(tmp_path):
    """A real Ctrl-C (SIGINT) in the middle of an epoch: no traceback, the last complete epoch saved."""
    path = tmp_path / "m.npz"
    rnn_lib.save(path, *rnn_lib.fit(epochs=1, hidden_size=3)[:2])  # a finished model, which Ctrl-C must keep
    finished = path.read_bytes()
    proc = subprocess.Popen(
        [sys.executable, "-m", "rnn_lib", "train", "--fast", "--epochs", "100000", "--save", str(path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # a background job may ignore it
    try:
        assert proc.stdout.readline() == "--- Epoch 100\n"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    m = re.fullmatch(r"interrupted: stopped after (\d+) of 100000 epochs\n", err)
    assert m and int(m.group(1)) >= 100, err
    partial = tmp_path / "m.partial.npz"
    assert out.splitlines()[-1] == (f"saved the PARTLY TRAINED model (after epoch {m.group(1)} of 100000) to "
                                    f"{partial}, not to {path} (kept for finished models)")
    model, _ = rnn_lib.load(partial)
    assert np.all(np.isfinite(model.flat)) and path.read_bytes() == finished


def test_a_training_error_is_one_line_and_nothing_is_saved(tmp_path, monkeypatch):
    """What the training loop raises when it diverges (non-finite loss) is printed as one line."""
    def diverging(*args, **kwargs):
        raise FloatingPointError("the loss became nan at epoch 3: the learning rate is too large\n"
                                 "(or clipping is off)")

    monkeypatch.setattr(rnn_lib.cli_train, "train", diverging)
    status, out, err = call("train", "--lr", "1e6", "--save", str(tmp_path / "m.npz"))
    assert status == 1 and out == "" and os.listdir(tmp_path) == []
    assert err == ("error: the loss became nan at epoch 3: the learning rate is too large (or clipping is off); "
                   "nothing was saved\n")


def test_a_diverged_model_is_never_saved(tmp_path):
    """lr 1e308 overflows the weights to inf, then NaN: the file that load refused is never written."""
    result = run("train", "--lr", "1e308", "--epochs", "20", "--save", str(tmp_path / "m.npz"))
    assert result.returncode in (1, 2) and "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("error: ")
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("save", [False, True])
def test_divergence_stops_training_with_an_error_naming_the_epoch(tmp_path, save):
    args = ["--save", str(tmp_path / "m.npz")] if save else []
    result = run("train", "--lr", "1e308", "--epochs", "300", *args)
    assert result.returncode in (1, 2) and "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1 and "epoch" in result.stderr
    assert "--- Epoch" not in result.stdout  # stopped in the first epochs, not after all 300
    assert os.listdir(tmp_path) == []


@POSIX_ONLY
def test_train_output_into_a_closed_pipe_is_quiet():
    """`python -m rnn_lib train | head -1`: no BrokenPipeError traceback."""
    proc = subprocess.run(f"{sys.executable} -m rnn_lib train --fast --epochs 300 | head -1", shell=True,
                          capture_output=True, text=True, timeout=120)
    assert proc.stdout == "--- Epoch 100\n" and "Traceback" not in proc.stderr and "Error" not in proc.stderr


def test_train_options():
    result = run("train", "--epochs", "200", "--hidden", "8", "--lr", "0.05", "--seed", "3")
    assert result.returncode == 0, result.stderr
    assert [l for l in result.stdout.splitlines() if l.startswith("---")] == ["--- Epoch 100", "--- Epoch 200"]


@pytest.mark.parametrize("args", [["train", "--epochs", "0"], ["train", "--lr", "-1"], ["train", "--hidden", "x"],
                                  ["predict"], ["fly"]])
def test_bad_arguments_exit_2(args):
    result = run(*args)
    assert result.returncode == 2 and "usage:" in result.stderr


def test_help_documents_both_commands():
    out = run("--help").stdout
    assert "train" in out and "predict" in out
    train_help = run("train", "--help").stdout
    for flag in ("--seed", "--epochs", "--hidden", "--lr", "--save"):
        assert flag in train_help
    assert "PATH" in run("predict", "--help").stdout


# --fast and --batch-size: the engines of rnn_lib.train (engine="fast" / "batched")
from rnn_lib import cli  # noqa: E402
from rnn_lib.batching import RECOMMENDED_BATCH_SIZE  # noqa: E402


def test_cli_batch_size_and_stop_at_stops_on_a_validation_split_and_says_so():
    out = io.StringIO()
    assert cli.main(["train", "--batch-size", str(RECOMMENDED_BATCH_SIZE), "--stop-at", "0.7"], out=out) == 0
    lines = out.getvalue().splitlines()
    train, validation = rnn_lib.split_validation(rnn_lib.train_data, rnn_lib.data.sentiment.VALIDATION_FRACTION)
    assert lines[0] == (f"validation: {len(validation)} of the 60 training phrases of sentiment.json held out "
                        f"(15%, seeded), not trained on; training on {len(train)}")
    assert lines[-1].startswith("stopped after epoch ") and lines[-1].endswith("validation accuracy reached 0.700")
    epoch = int(lines[-1].split()[3].rstrip(":"))
    assert lines[-5] == f"--- Epoch {epoch}"
    assert lines[-3].startswith("Valid:\tLoss ") and float(lines[-3].split()[-1]) >= 0.7
    assert lines[-2].startswith("Test:\tLoss ")
    _, _, h = rnn_lib.fit(rnn_lib.SEED, engine="batched", batch_size=RECOMMENDED_BATCH_SIZE, stop_at=0.7,
                          train_data=train, validation_data=validation)
    assert epoch == h.epoch[-1]
    assert sum(line.startswith("--- Epoch") for line in lines) == epoch // 100 + (epoch % 100 > 0)


def test_cli_says_when_stop_at_was_not_reached():
    status, out, _ = call("train", "--fast", "--epochs", "3", "--stop-at", "1.0")
    assert status == 0
    assert re.fullmatch(r"validation accuracy 0\.\d{3} after 3 epochs: --stop-at 1\.000 was not reached",
                        out.splitlines()[-1])


def test_cli_fast_prints_the_teaching_loops_table():
    outs = []
    for extra in ([], ["--fast"]):
        out = io.StringIO()
        assert cli.main(["train", "--epochs", "200", "--seed", "3"] + extra, out=out) == 0
        outs.append(out.getvalue())
    assert outs[0] == outs[1] and outs[0].count("--- Epoch") == 2


@pytest.mark.parametrize("argv", [["--batch-size", "0"], ["--batch-size", "x"], ["--stop-at", "0"],
                                  ["--stop-at", "1.5"], ["--stop-at", "all"]])
def test_cli_rejects_bad_batch_size_and_stop_at(argv, capsys):
    with pytest.raises(SystemExit) as e:
        cli.main(["train"] + argv)
    assert e.value.code == 2
    assert "error: argument --" in capsys.readouterr().err


# --- train --dataset, --data and --test-data ------------------------------------------------------

from rnn_lib.data import load_dataset  # noqa: E402

COMPOSITIONAL = load_dataset("compositional")


def test_train_dataset_compositional_then_predict_new_compositions(tmp_path):
    path = tmp_path / "comp.npz"
    status, out, err = call("train", "--dataset", "compositional", "--save", str(path))
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("dataset 'compositional': 322 phrases to train on, 56 phrases for validation")
    assert lines[1].startswith("recipe: hidden size 64, xavier initialisation, learning rate 0.02")
    assert any(line.startswith("stopped after epoch ") and line.endswith("validation accuracy reached 1.000")
               for line in lines)
    probe = [line.split() for line in lines if line.startswith("  ")]
    assert [row[0] for row in probe] == ["plain", "negation", "negation", "X", "coordination", "all"]
    assert all(float(row[-3]) >= 0.9 for row in probe), probe
    # phrases the course never showed: in no training, validation or test set
    seen = {**rnn_lib.train_data, **rnn_lib.test_data, **COMPOSITIONAL.train, **COMPOSITIONAL.validation,
            **COMPOSITIONAL.test}
    new = {"i am not bad right now": True, "i am not at all happy right now": False, "i was not bad": True,
           "i am bad not happy right now": False, "happy and not at all bad": True, "i was very good": True}
    assert not set(new) & set(seen) and set(new) <= set(COMPOSITIONAL.probe_phrases)
    status, out, err = call("predict", str(path), *new)
    assert status == 0, err
    got = [line.rsplit(" ", 1)[-1] for line in out.splitlines()]
    assert got == ["positive" if label else "negative" for label in new.values()]


def test_explicit_options_override_the_recipe(tmp_path):
    path = tmp_path / "small.npz"
    status, out, _ = call("train", "--dataset", "compositional", "--hidden", "8", "--epochs", "2",
                          "--lr", "0.05", "--save", str(path))
    assert status == 0
    assert "recipe: hidden size 8, xavier initialisation, learning rate 0.05, clip 1, up to 2 epochs" in out
    assert rnn_lib.load(path)[0].hidden_size == 8


def write_csv(path, data, labels=("negative", "positive")):
    lines = ["text,label"] + [f"{text},{labels[int(label)]}" for text, label in data.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_json(path, data):
    import json
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_train_data_round_trip_with_csv_and_json(tmp_path):
    """The same phrases as CSV and as JSON train the same model; it predicts the test file's phrases."""
    train, test = COMPOSITIONAL.train, COMPOSITIONAL.test
    csv_train = write_csv(tmp_path / "train.csv", train)
    csv_test = write_csv(tmp_path / "test.csv", test, labels=("0", "1"))
    json_train = write_json(tmp_path / "train.json", train)
    json_test = write_json(tmp_path / "test.json", test)
    outs = []
    for kind, (tr, te) in {"csv": (csv_train, csv_test), "json": (json_train, json_test)}.items():
        status, out, err = call("train", "--data", str(tr), "--test-data", str(te),
                                "--save", str(tmp_path / f"{kind}.npz"))
        assert status == 0, err
        assert out.splitlines()[0] == f"{tr}: 322 phrases: 274 phrases to train on, 48 phrases for validation, " \
                                      f"54 phrases to test; 18 words"
        assert "Probe" not in out and re.search(r"\nTest:\tLoss \d\.\d{3} \| Accuracy: \d\.\d{3}\n", out)
        outs.append([line for line in out.splitlines() if str(tmp_path) not in line])
    assert outs[0] == outs[1]  # the same training, line for line
    m_csv, v_csv = rnn_lib.load(tmp_path / "csv.npz")
    m_json, v_json = rnn_lib.load(tmp_path / "json.npz")
    assert v_csv.words == v_json.words and np.array_equal(m_csv.flat, m_json.flat)
    assert rnn_lib.evaluate(m_csv, v_csv, test)[1] >= 0.95
    status, out, _ = call("predict", str(tmp_path / "json.npz"), "i am not sad", "this is not happy")
    assert status == 0 and out.splitlines()[0].endswith("positive") and out.splitlines()[1].endswith("negative")


GOOD = {"i am happy": True, "i am sad": False, "this is good": True, "this is bad": False,
        "i am not sad": True, "i am not happy": False, "this is very good": True, "this is very bad": False,
        "i am good": True, "i am bad": False, "this is happy": True, "this is sad": False}


@pytest.mark.parametrize("name, content, where, message", [
    ("no_label.csv", "text,sentiment\ni am happy,positive\n", "line 1", "no 'label' column"),
    ("empty_text.csv", "text,label\ni am happy,positive\n  ,negative\n", "line 3", "empty text"),
    ("bad_label.csv", "text,label\ni am happy,positive\ni am sad,maybe\n", "line 3", "unknown label 'maybe'"),
    ("twice.csv", "text,label\ni am happy,positive\ni am sad,0\nI am  happy,negative\n", "line 2 and line 4",
     "'i am happy' has two labels"),
    ("bad_label.json", '{"i am happy": true, "i am sad": "meh"}', "key 'i am sad'", 'unknown label "meh"'),
    ("broken.json", '{"i am happy": true,', "line 1", "not valid JSON"),
    ("list.json", '["i am happy"]', None, "expected one JSON object"),
    ("data.txt", "i am happy", None, "unknown file type '.txt'"),
    ("missing.csv", None, None, "no such file"),
])
def test_a_bad_training_file_is_a_one_line_error_and_nothing_is_trained_or_saved(tmp_path, name, content, where,
                                                                                  message):
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    save = tmp_path / "model.npz"
    status, out, err = call("train", "--data", str(path), "--save", str(save))
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith(f"error: {path}: ")
    assert message in err and (where is None or f": {where}: " in err), err
    assert err.rstrip().endswith("nothing was trained or saved")
    assert not save.exists() and list(tmp_path.glob("*.npz")) == []


@pytest.mark.parametrize("test_phrases, message", [
    ({"i am happy": True}, "'i am happy' is in both"),
    ({"i am glad": True}, "has word 'glad' not in the vocabulary of"),
])
def test_a_bad_test_file_is_a_one_line_error_naming_both_files(tmp_path, test_phrases, message):
    train = write_csv(tmp_path / "train.csv", GOOD)
    test = write_json(tmp_path / "test.json", test_phrases)
    save = tmp_path / "model.npz"
    status, out, err = call("train", "--data", str(train), "--test-data", str(test), "--save", str(save))
    assert status == 2 and out == "" and err.count("\n") == 1
    assert message in err and str(test) in err and str(train) in err, err
    assert not save.exists()


def test_test_data_needs_data_and_data_excludes_dataset(tmp_path, capsys):
    test = write_json(tmp_path / "test.json", GOOD)
    status, out, err = call("train", "--test-data", str(test))
    assert status == 2 and out == "" and err == "error: --test-data needs --data FILE: the training phrases " \
                                                "it is tested against; nothing was trained\n"
    with pytest.raises(SystemExit) as e:
        call("train", "--data", str(test), "--dataset", "compositional")
    assert e.value.code == 2 and "not allowed with argument" in capsys.readouterr().err


def test_a_file_too_small_for_a_validation_split_is_refused_before_training(tmp_path):
    path = write_csv(tmp_path / "tiny.csv", {"i am happy": True, "i am sad": False})
    status, out, err = call("train", "--data", str(path))
    assert status == 2 and out == "" and err.startswith(f"error: {path}: 2 phrases are too few to hold out 15%")


# ---- the second reliability round: links, devices, pipes, option values, leftovers ----
def test_a_dangling_symlink_is_refused_before_training(tmp_path, monkeypatch):
    link = tmp_path / "link.npz"
    link.symlink_to(tmp_path / "nowhere" / "m.npz")
    monkeypatch.setattr(rnn_lib.cli_train, "train", _must_not_train)
    status, out, err = call("train", "--save", str(link))
    assert status == 2 and out == "" and len(err.splitlines()) == 1 and "does not exist" in err


@POSIX_ONLY
def test_save_to_a_device_is_refused_before_training(monkeypatch):
    monkeypatch.setattr(rnn_lib.cli_train, "train", _must_not_train)
    status, out, err = call("train", "--save", "/dev/full")
    assert status == 2 and out == "" and err.startswith("error: cannot save to '/dev/full'") and "regular" in err
    assert not os.path.exists("/dev/full.npz")


def test_too_little_free_space_is_refused_before_training(tmp_path, monkeypatch):
    import collections
    import rnn_lib.serialization
    usage = collections.namedtuple("usage", "total used free")
    monkeypatch.setattr(rnn_lib.files.shutil, "disk_usage", lambda p: usage(10 ** 9, 10 ** 9, 100))
    monkeypatch.setattr(rnn_lib.cli_train, "train", _must_not_train)
    status, out, err = call("train", "--save", str(tmp_path / "m.npz"))
    assert status == 2 and out == "" and "only 100 bytes free" in err and len(err.splitlines()) == 1


@POSIX_ONLY
def test_predict_on_a_named_pipe_is_refused_at_once(tmp_path):
    fifo = tmp_path / "pipe.npz"
    os.mkfifo(fifo)
    result = subprocess.run([sys.executable, "-m", "rnn_lib", "predict", str(fifo), "i am happy"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("error: ") and "named pipe" in result.stderr
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize("argv", [["--lr", "-inf"], ["--lr", "-1e-3"], ["--lr=-inf"], ["--epochs", "-nan"]])
def test_a_negative_or_infinite_value_gets_the_real_message(argv, capsys):
    """``--lr -inf`` used to get argparse's 'expected one argument'."""
    with pytest.raises(SystemExit) as e:
        main(["train", *argv])
    err = capsys.readouterr().err
    assert e.value.code == 2 and "expected one argument" not in err
    assert re.search(r"error: argument --(lr|epochs): expected a (positive, finite number|whole number)", err), err


def test_an_option_still_missing_its_value_says_so(capsys):
    with pytest.raises(SystemExit):
        main(["train", "--save", "--fast"])
    assert "expected one argument" in capsys.readouterr().err


@POSIX_ONLY
@pytest.mark.parametrize("module", ["numpy", "rnn_lib.cli"])
def test_ctrl_c_while_the_package_imports_is_one_line_and_status_130(tmp_path, module):
    """Ctrl-C during ``import`` used to print a traceback (the import is most of a short run's time)."""
    (tmp_path / "sitecustomize.py").write_text(
        "import os, signal, sys\n"
        "class Interrupt:  # a real Ctrl-C (SIGINT) just as the module is imported\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        f"        if name == {module!r}:\n"
        "            os.kill(os.getpid(), signal.SIGINT)\n"
        "sys.meta_path.insert(0, Interrupt())\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([sys.executable, "-m", "rnn_lib", "train"], capture_output=True, text=True,
                            timeout=60, env=env, cwd=os.path.dirname(os.path.dirname(rnn_lib.__file__)),
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert result.returncode == 130 and result.stdout == ""
    assert result.stderr == "interrupted (while starting)\n"


def test_train_data_of_one_class_is_refused_before_anything_is_printed_or_saved(tmp_path):
    """A file whose phrases are all positive trains a network that always answers "positive": one line, exit 2."""
    data = tmp_path / "one.csv"
    data.write_text("text,label\ni am happy,1\ni am good,1\nthis is good,1\n", encoding="utf-8")
    status, out, err = call("train", "--data", str(data), "--save", str(tmp_path / "m.npz"))
    assert (status, out) == (2, "")
    assert err == (f"error: {data} has 3 positive and 0 negative phrases: training needs both classes (a network "
                   "shown one class only learns to answer it always); nothing was trained or saved\n")
    assert not (tmp_path / "m.npz").exists()

import re
import subprocess
import sys

import pytest


def run(*args):
    return subprocess.run([sys.executable, "-m", "rnn_lib", *args], capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """One full default run (seed 0, 1000 epochs), saved for the predict tests."""
    path = tmp_path_factory.mktemp("cli") / "model.npz"
    result = run("train", "--save", str(path))
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
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "unknown word 'ecstatic'" in result.stderr and "all am and at bad" in result.stderr


def test_predict_missing_model_file(tmp_path):
    result = run("predict", str(tmp_path / "none.npz"), "i am happy")
    assert result.returncode == 2 and "does not exist" in result.stderr
    assert "Traceback" not in result.stderr


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
import io  # noqa: E402

import rnn_lib  # noqa: E402
from rnn_lib import cli  # noqa: E402
from rnn_lib.fast import RECOMMENDED_BATCH_SIZE  # noqa: E402


def test_cli_batch_size_and_stop_at():
    out = io.StringIO()
    assert cli.main(["train", "--batch-size", str(RECOMMENDED_BATCH_SIZE), "--stop-at", "1.0"], out=out) == 0
    lines = out.getvalue().splitlines()
    assert lines[-1].startswith("stopped after epoch ") and lines[-1].endswith("test accuracy reached 1.000")
    epoch = int(lines[-1].split()[3].rstrip(":"))
    assert lines[-4] == f"--- Epoch {epoch}"
    assert lines[-2].startswith("Test:\tLoss ") and lines[-2].endswith("| Accuracy: 1.000")
    _, _, h = rnn_lib.fit(rnn_lib.SEED, engine="batched", batch_size=RECOMMENDED_BATCH_SIZE, stop_at=1.0)
    assert epoch == h.epoch[-1]
    assert sum(line.startswith("--- Epoch") for line in lines) == epoch // 100 + (epoch % 100 > 0)


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

"""``python -m rnn_lib.notebooks``: re-execute notebooks cleanly; find and strip stored timestamps and widget state.

One command line runs two tiny notebooks (a kernel start each, about 3 s in all): one that succeeds,
stored with the noise a run of nbconvert leaves, and one whose second code cell raises.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from rnn_lib import files, notebooks, slides

ROOT = Path(__file__).resolve().parents[1]
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
STORED_ID = "0" * 32
CHUNKS = """import sys, time
for i in range(3):
    print(i, flush=True)
    time.sleep(0.1)
for percent in (10, 50, 100):
    print(f"\\r{percent}%", end="", file=sys.stderr, flush=True)
    time.sleep(0.1)
print(file=sys.stderr)"""


def notebook(*cells):
    nb = nbformat.v4.new_notebook()
    nb.metadata.kernelspec = dict(KERNELSPEC)
    nb.cells = [nbformat.v4.new_markdown_cell("# A tiny notebook"), *cells,
                nbformat.v4.new_markdown_cell("## The end")]
    return nb


def noisy_notebook():
    """Stored as nbconvert leaves it: timestamps, widget state, a widget view's id, streams in pieces."""
    chunks = nbformat.v4.new_code_cell(CHUNKS, execution_count=1, outputs=[
        nbformat.v4.new_output("stream", name="stdout", text=f"{i}\n") for i in range(3)])
    chunks.metadata["execution"] = {"iopub.status.busy": "2026-12-03T14:52:34.941362Z"}
    widget = nbformat.v4.new_code_cell("import ipywidgets\nipywidgets.IntSlider(value=3)", outputs=[
        nbformat.v4.new_output("display_data", data={
            notebooks.WIDGET_VIEW: {"model_id": STORED_ID, "version_major": 2, "version_minor": 0},
            "text/plain": "IntSlider(value=3)"})])
    nb = notebook(chunks,
                  nbformat.v4.new_code_cell("import os\nprint(os.path.basename(os.getcwd()))"),
                  nbformat.v4.new_code_cell("1 / 0", metadata={"tags": ["raises-exception"]}),
                  widget)
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    return nb


def failing_notebook():
    return notebook(nbformat.v4.new_code_cell("x = 1"),
                    nbformat.v4.new_code_cell("raise ValueError('bad value\\nsecond line')"),
                    nbformat.v4.new_code_cell("print('never')"))


@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    """Both notebooks run by one command line, in a folder of their own."""
    folder = tmp_path_factory.mktemp("course")
    good, bad = folder / "01_good.ipynb", folder / "02_bad.ipynb"
    nbformat.write(noisy_notebook(), good)
    nbformat.write(failing_notebook(), bad)
    before = bad.read_bytes()
    run = subprocess.run([sys.executable, "-m", "rnn_lib.notebooks", "run", str(good), str(bad)],
                         capture_output=True, text=True, timeout=300, cwd=ROOT)
    return {"run": run, "good": good, "bad": bad, "bad_before": before, "folder": folder}


def test_a_run_stores_coalesced_outputs_without_timestamps_or_widget_state(ran):
    nb = json.loads(ran["good"].read_text(encoding="utf-8"))
    code = [cell for cell in nb["cells"] if cell["cell_type"] == "code"]
    assert [cell["execution_count"] for cell in code] == [1, 2, 3, 4]
    assert code[0]["outputs"] == [  # one output a stream, the carriage returns resolved
        {"name": "stdout", "output_type": "stream", "text": ["0\n", "1\n", "2\n"]},
        {"name": "stderr", "output_type": "stream", "text": ["100%\n"]}]
    assert code[1]["outputs"][0]["text"] == [ran["folder"].name + "\n"], "not run in the notebook's folder"
    assert code[2]["outputs"][0]["ename"] == "ZeroDivisionError"  # tagged raises-exception: allowed
    assert not any("execution" in cell["metadata"] for cell in nb["cells"])
    assert "widgets" not in nb["metadata"], "the widget state the run stored is not stripped"
    view = code[3]["outputs"][0]["data"][notebooks.WIDGET_VIEW]
    assert view["model_id"] == STORED_ID, "a widget view's random id changed: a noisy diff"
    assert slides.is_up_to_date(nb) and nb["cells"][0]["metadata"]["slideshow"] == {"slide_type": "slide"}
    assert notebooks.problems(nb) == []


def test_the_file_keeps_nbformats_layout(ran):
    text = ran["good"].read_text(encoding="utf-8")
    assert text.endswith("}\n") and text.startswith('{\n "cells": [\n')
    assert text == nbformat.writes(nbformat.reads(text, as_version=4)) + "\n"


def test_a_failing_cell_is_one_line_and_leaves_the_file_unchanged(ran):
    run = ran["run"]
    assert run.returncode == 1, run.stderr
    assert ran["bad"].read_bytes() == ran["bad_before"]
    errors = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(errors) == 1, run.stderr  # no traceback, no kernel chatter
    assert errors[0].startswith(f"error: {ran['bad']}, cell [2] (\"raise ValueError(") and \
        errors[0].endswith("): ValueError: bad value; the file is unchanged"), errors[0]


def test_each_notebook_that_ran_gets_one_line_with_its_time(ran):
    lines = ran["run"].stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{ran['good']}: ran in ") and lines[0].endswith(" s, written")


# --- check and strip: no kernel ---------------------------------------------------------------------

def test_check_names_each_notebook_with_timestamps_or_widget_state_and_strip_removes_them(tmp_path, capsys):
    nbformat.write(noisy_notebook(), tmp_path / "01_noisy.ipynb")
    nbformat.write(failing_notebook(), tmp_path / "02_clean.ipynb")
    clean_before = (tmp_path / "02_clean.ipynb").read_bytes()
    assert notebooks.main(["check", str(tmp_path)]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2 and all(line.startswith(str(tmp_path / "01_noisy.ipynb")) for line in lines), lines
    assert "1 cell stores execution timestamps (metadata.execution)" in lines[0]
    assert "widget state (metadata.widgets)" in lines[1]
    assert f"python -m rnn_lib.notebooks strip {tmp_path}" in lines[0]

    assert notebooks.main(["strip", str(tmp_path)]) == 0
    assert capsys.readouterr().out.splitlines() == [f"{tmp_path / '01_noisy.ipynb'}: stripped",
                                                    f"{tmp_path / '02_clean.ipynb'}: clean"]
    assert (tmp_path / "02_clean.ipynb").read_bytes() == clean_before
    stripped = nbformat.read(tmp_path / "01_noisy.ipynb", as_version=4)
    expected = noisy_notebook()
    del expected.metadata["widgets"], expected.cells[1].metadata["execution"]
    for a, b in zip(stripped.cells, expected.cells):
        a.pop("id"), b.pop("id")
    assert stripped == expected, "strip changed more than the timestamps and the widget state"
    assert notebooks.main(["check", str(tmp_path)]) == 0
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("args, message", [
    (["check", "no_such_folder"], "error: no_such_folder does not exist"),
    (["run", "no_such.ipynb"], "error: no_such.ipynb does not exist"),
    (["strip", "{tmp}"], "error: no notebooks [0-9][0-9]_*.ipynb in {tmp}"),
    (["run", "{tmp}/notes.txt"], "error: {tmp}/notes.txt is not a notebook (.ipynb)"),
    (["check", "{tmp}/01_broken.ipynb"], "error: {tmp}/01_broken.ipynb is not a notebook (Expecting value: "),
])
def test_bad_input_is_one_line_and_exit_status_2(tmp_path, capsys, args, message):
    (tmp_path / "notes.txt").write_text("notes\n")
    broken = tmp_path / "01_broken.ipynb"
    if "01_broken" in " ".join(args):
        broken.write_text("not json\n")
    args = [a.format(tmp=tmp_path) for a in args]
    assert notebooks.main(args) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and err.startswith(message.format(tmp=tmp_path)), err


def test_run_refuses_a_timeout_that_is_not_positive(capsys):
    with pytest.raises(SystemExit) as exit_:
        notebooks.main(["run", "--timeout", "0", "notebooks"])
    assert exit_.value.code == 2 and "--timeout must be a positive number" in capsys.readouterr().err


# --- the atomic write of a file of any name ---------------------------------------------------------

def test_write_file_atomically_keeps_the_name_and_the_earlier_file_on_failure(tmp_path):
    target = tmp_path / "01_x.ipynb"
    assert files.write_file_atomically(target, lambda f: f.write(b"first\n")) == str(target)
    assert target.read_bytes() == b"first\n" and not (tmp_path / "01_x.ipynb.npz").exists()

    def fails(f):
        f.write(b"half")
        raise RuntimeError("stopped")

    with pytest.raises(RuntimeError):
        files.write_file_atomically(target, fails)
    assert target.read_bytes() == b"first\n" and os.listdir(tmp_path) == ["01_x.ipynb"]
    link = tmp_path / "link.ipynb"
    link.symlink_to(target)
    files.write_file_atomically(link, lambda f: f.write(b"second\n"))
    assert link.is_symlink() and target.read_bytes() == b"second\n"

"""Grading with nbgrader: the notebooks' nbgrader metadata, grading mode, and the whole pipeline.

* every notebook stores exactly the metadata ``rnn_lib.grading`` derives from its content (so a new
  exercise cannot be left without its grade cell), and the tool is idempotent and touches nothing
  else;
* while nbgrader executes a notebook (``NBGRADER_EXECUTION``), a check that does not pass raises
  ``CheckFailed``, which IPython shows as its one line;
* end to end, with nbgrader itself in a temporary course folder: ``generate_assignment`` releases
  the same code cells as ``make student``; three submissions of notebook 03 (the instructor's
  solutions, the release as it is, the classic article's BPTT bug) are autograded and get their
  feedback, and the gradebook holds the scores each deserves.
"""

import copy
import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from test_notebooks import NOTEBOOKS

from rnn_lib import exercises, grading, student
from rnn_lib.exercises import _core
from rnn_lib.exercises.loss_and_gradients import reference_bptt

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENT = "03_loss_and_gradients"
#: The classic article's BPTT: the hidden gradient goes back through Whh instead of Whh.T.
RIGHT_LINE, ARTICLE_LINE = "d_h = model.Whh.T @ d_a", "d_h = model.Whh @ d_a"
#: What a line adds until the learner's function passes: the cells below use the library's version.
BELOW = "(the cells below use rnn_lib's version until this passes)"
ARTICLE_VERDICT = ("❌ bptt: dL/dWhh wrong when Whh is not symmetric — is the hidden gradient passed back through "
                   f"Whh.T? {BELOW}")

needs_notebooks = pytest.mark.skipif(not NOTEBOOKS, reason="no notebooks yet")


# --------------------------------------------------------------------------------------------------
# The metadata


@needs_notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_a_notebook_stores_the_derived_nbgrader_metadata(path):
    nb = student.read_notebook(path)
    assert grading.stored(nb) == grading.derive(nb, path.name), (
        f"{path.name}: run `python -m rnn_lib.grading --write notebooks` (or `make grading`)")


@needs_notebooks
def test_each_exercise_is_a_solution_cell_followed_by_its_check_cell():
    """In 01-04 (and any notebook with exercises) a solution cell's next code cell is a grade cell."""
    for path in NOTEBOOKS:
        nb = student.read_notebook(path)
        code = [(c, m) for c, m in zip(nb["cells"], grading.stored(nb)) if c["cell_type"] == "code"]
        for (cell, meta), (_, after) in zip(code, code[1:]):
            if meta and meta["solution"]:
                assert after and after["grade"] and after["locked"], f"{path.name}: {meta['grade_id']} has no check cell"
    expected = [("encode", None), ("check_encode", 1), ("one_hot", None), ("check_one_hot", 1)]
    first = student.read_notebook(NOTEBOOKS[0])
    assert [(m["grade_id"], m.get("points")) for m in grading.stored(first) if m] == expected


def _bare(nb):
    nb = copy.deepcopy(nb)
    for cell in nb["cells"]:
        cell.get("metadata", {}).pop("nbgrader", None)
    return nb


@needs_notebooks
def test_the_tool_is_idempotent_and_writes_only_the_nbgrader_metadata(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    for path in NOTEBOOKS:  # the notebooks without their nbgrader metadata
        student.write_notebook(_bare(student.read_notebook(path)), folder / path.name)
    with_exercises = [p.name for p in NOTEBOOKS if any(grading.stored(student.read_notebook(p)))]
    assert grading.main(["--check", str(folder)]) == (1 if with_exercises else 0)
    assert sorted(p.name for p in grading.write_metadata(folder)) == with_exercises
    for path in NOTEBOOKS:  # byte for byte the committed notebooks: sources, outputs, ids, other metadata
        assert (folder / path.name).read_bytes() == path.read_bytes(), path.name
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert grading.write_metadata(folder) == []
    assert grading.main(["--check", str(folder)]) == 0
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == before


def _notebook(*cells):
    return {"cells": [{"cell_type": kind, "id": f"c{i}", "metadata": {}, "source": text}
                      for i, (kind, text) in enumerate(cells)], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


SOLVED = "def one_hot(index, V):\n    ### BEGIN SOLUTION\n    return np.eye(V)[:, [index]]\n    ### END SOLUTION"


def test_solution_and_check_cells_get_their_ids_and_points(monkeypatch):
    nb = _notebook(("markdown", "**Exercise.** Write `one_hot`."), ("code", "import numpy as np"),
                   ("code", SOLVED), ("code", "check_one_hot(one_hot)"),
                   ("code", "result = check_one_hot(one_hot)"), ("code", "check_gradients(model, xs, 1)"))
    solution = {"grade": False, "grade_id": "one_hot", "locked": False, "schema_version": 3,
                "solution": True, "task": False}
    check = {"grade": True, "grade_id": "check_one_hot", "locked": True, "points": 1, "schema_version": 3,
             "solution": False, "task": False}
    assert grading.derive(nb) == [None, None, solution, check, None, None]
    monkeypatch.setitem(grading.POINTS, "check_one_hot", 3)
    assert grading.derive(nb)[3]["points"] == 3


def test_stale_metadata_is_removed_and_names_come_from_the_cells():
    top_level = "### BEGIN SOLUTION\nanswer = 42\n### END SOLUTION"
    nb = _notebook(("code", top_level), ("code", "check_encode(answer)"), ("code", "print(1)"),
                   ("markdown", "Why?\n### BEGIN SOLUTION\nBecause.\n### END SOLUTION"))
    nb["cells"][2]["metadata"]["nbgrader"] = {"grade": True, "grade_id": "old", "points": 5}
    nb, changed = grading.with_metadata(nb)
    assert changed
    metas = grading.stored(nb)
    assert metas[0]["grade_id"] == "answer" and metas[1]["grade_id"] == "check_encode" and metas[2] is None
    assert metas[3] == {"grade": True, "grade_id": "answer_c3", "locked": False, "points": 1, "schema_version": 3,
                        "solution": True, "task": False}  # markdown: a manually graded answer
    assert grading.with_metadata(nb)[1] is False


@pytest.mark.parametrize("cells, message", [
    ([("markdown", "the solution sits between `### BEGIN SOLUTION` and `### END SOLUTION`")], "reword it"),
    ([("code", "x = 1  # END SOLUTION of the last exercise")], "reword it"),
    ([("code", "def f():\n    ### BEGIN SOLUTION\n    return 1")], "never closed"),
    ([("code", "check_spelling(f)")], "not a checker of rnn_lib.exercises"),
    ([("code", "### BEGIN SOLUTION\nx = 1\n### END SOLUTION"), ("code", "print(x)")], "no check cell after it"),
    ([("code", "### BEGIN HIDDEN TESTS\nassert x\n### END HIDDEN TESTS")], "hidden tests"),
])
def test_what_nbgrader_would_misread_is_an_error(cells, message):
    with pytest.raises(grading.GradingError, match=message):
        grading.derive(_notebook(*cells), "nb")


# --------------------------------------------------------------------------------------------------
# Grading mode


def bptt(model, xs, hs, d_y):
    return reference_bptt(model, xs, hs, d_y)


def bptt_not_written(model, xs, hs, d_y):
    raise exercises.NotWritten()


def bptt_article(model, xs, hs, d_y):
    """The classic article's BPTT: the hidden gradient goes back through Whh, not Whh.T."""
    grads = {"Why": d_y @ hs[-1].T, "by": d_y.copy()}
    grads.update({n: np.zeros_like(model.params[n]) for n in ("Wxh", "Whh", "bh")})
    d_h = model.Why.T @ d_y
    for t in range(len(xs), 0, -1):
        d_a = (1 - hs[t] ** 2) * d_h
        grads["Wxh"] += d_a @ xs[t - 1].T
        grads["Whh"] += d_a @ hs[t - 1].T
        grads["bh"] += d_a
        d_h = model.Whh @ d_a
    return grads


@pytest.mark.parametrize("mode", ["autograde", "validate"])
def test_under_nbgrader_a_check_that_does_not_pass_raises_its_line(monkeypatch, mode):
    monkeypatch.delenv(exercises.STRICT_ENV, raising=False)
    monkeypatch.setenv(_core.GRADING_ENV, mode)
    with pytest.raises(_core.CheckFailed) as info:
        exercises.check_bptt(bptt_not_written)
    assert isinstance(info.value, AssertionError)
    assert info.value._render_traceback_() == [f"⏳ bptt_not_written: not written yet {BELOW}"]
    assert exercises.check_bptt(bptt)  # a pass does not raise
    assert not exercises.check_bptt(bptt_not_written, strict=False)  # the argument wins
    assert exercises.use(bptt_not_written) is exercises.REFERENCES["bptt"]  # cells below keep running


@pytest.mark.parametrize("value", ["", "feedback", "0"])
def test_outside_nbgrader_nothing_raises(monkeypatch, value):
    monkeypatch.delenv(exercises.STRICT_ENV, raising=False)
    monkeypatch.setenv(_core.GRADING_ENV, value)
    assert exercises.check_bptt(bptt_not_written).line == f"⏳ bptt_not_written: not written yet {BELOW}"


def test_strict_mode_raises_the_same_one_line_error(monkeypatch):
    monkeypatch.delenv(_core.GRADING_ENV, raising=False)
    monkeypatch.setenv(exercises.STRICT_ENV, "1")
    with pytest.raises(_core.CheckFailed) as info:
        exercises.check_bptt(bptt_article)
    assert info.value._render_traceback_() == [str(info.value)]
    assert str(info.value).startswith("❌ bptt_article: dL/dWhh wrong when Whh is not symmetric")
    assert str(info.value).endswith(BELOW)



def endless(*args):
    while True:
        pass


def interrupted(*args):
    raise KeyboardInterrupt  # Ctrl-C, the stop button, or nbgrader interrupting a cell that ran too long


def raises(*args):
    raise ValueError("the learner's bug")


CHECKERS = [getattr(exercises, n) for n in sorted(exercises.__all__) if n.startswith("check_")]
NOT_PASSED = [
    (endless, "timeout", "⏱\ufe0f endless: took longer than 0.1 s — is there a loop that never ends?"),
    (interrupted, "interrupted", "⏹\ufe0f interrupted: interrupted while your code ran"),
    (raises, "error", f"❌ raises: your code raised ValueError: the learner's bug — at line "
                      f"{raises.__code__.co_firstlineno + 1} of raises(): raise ValueError(\"the learner's bug\")"),
]


@pytest.mark.parametrize("fn, status, line", NOT_PASSED, ids=[row[1] for row in NOT_PASSED])
@pytest.mark.parametrize("checker", CHECKERS, ids=[c.__name__ for c in CHECKERS])
def test_a_timeout_an_interruption_or_an_error_is_not_a_pass(monkeypatch, checker, fn, status, line):
    """Every checker: one line naming the learner's function, the cells below use the reference, and
    grading and strict mode raise that line (no point), as for a wrong answer."""
    monkeypatch.setattr(_core, "TIME_LIMIT", 0.1)
    for variable in (_core.GRADING_ENV, exercises.STRICT_ENV):
        monkeypatch.delenv(variable, raising=False)
    result = checker(fn)
    assert result.status == status and not result
    assert result.line == f"{line} {BELOW}"
    assert exercises.use(fn) is exercises.REFERENCES[result.exercise]
    for variable, value in ((_core.GRADING_ENV, "autograde"), (_core.GRADING_ENV, "validate"),
                            (exercises.STRICT_ENV, "1")):
        monkeypatch.setenv(variable, value)
        with pytest.raises(_core.CheckFailed) as info:
            checker(fn)
        assert info.value._render_traceback_() == [result.line], (variable, value)
        monkeypatch.delenv(variable)

# --------------------------------------------------------------------------------------------------
# nbgrader, end to end


def _nbgrader(course, *args):
    """Run the nbgrader command in ``course``; its output on failure."""
    env = {k: v for k, v in os.environ.items() if k not in (exercises.STRICT_ENV, _core.GRADING_ENV)}
    # nbgrader runs `alembic` (and the kernel) from PATH: the environment's own
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}"
    return done.stdout + done.stderr


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course folder made by ``rnn_lib.grading --course``, every assignment generated by nbgrader."""
    pytest.importorskip("nbgrader", reason="nbgrader is a test dependency: pip install -e '.[test]'")
    folder = tmp_path_factory.mktemp("course")
    grading.make_course(folder, ROOT / "notebooks")
    assert (folder / "nbgrader_config.py").read_text() == grading.CONFIG.read_text()
    _nbgrader(folder, "generate_assignment", "*")
    return folder


def _read(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


@needs_notebooks
@pytest.mark.slow
def test_nbgrader_releases_the_same_cells_as_make_student(course):
    """``make student`` (no nbgrader needed) and nbgrader's release give the learners the same notebook."""
    for path in NOTEBOOKS:
        mine = student.student_version(student.read_notebook(path), path.name)
        released = _read(course / "release" / path.stem / path.name)
        ours = [(c["cell_type"], student._source(c)) for c in mine["cells"]]
        theirs = [(c["cell_type"], student._source(c)) for c in released["cells"]]
        assert theirs == ours, (f"{path.name}: nbgrader's release differs from `make student`'s "
                                "(does the setup cell import NotWritten?)")


def _submit(course, name, nb):
    folder = course / "submitted" / name / ASSIGNMENT
    folder.mkdir(parents=True)
    (folder / f"{ASSIGNMENT}.ipynb").write_text(json.dumps(nb, indent=1, ensure_ascii=False), encoding="utf-8")


def _error_lines(html_text):
    """The text of every error output in nbgrader's feedback HTML."""
    blocks = re.findall(r'class="output_subarea output_text output_error">\s*<pre>(.*?)</pre>', html_text, re.DOTALL)
    return [html.unescape(re.sub(r"<[^>]+>", "", block)).strip() for block in blocks]


@needs_notebooks
@pytest.mark.slow
def test_autograde_scores_solved_blank_and_buggy_submissions(course, capsys):
    from nbgrader.api import Gradebook

    release = _read(course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    source = _read(course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    solutions = {c["metadata"]["nbgrader"]["grade_id"]: student._source(c) for c in source["cells"]
                 if c["metadata"].get("nbgrader", {}).get("solution")}
    checks = [c["metadata"]["nbgrader"]["grade_id"] for c in source["cells"]
              if c["metadata"].get("nbgrader", {}).get("grade")]
    assert "check_bptt" in checks and solutions["bptt"].count(RIGHT_LINE) == 1

    def answered(bug=False):
        nb = copy.deepcopy(release)
        for cell in nb["cells"]:
            grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
            if grade_id in solutions:
                text = solutions[grade_id]
                cell["source"] = text.replace(RIGHT_LINE, ARTICLE_LINE) if bug and grade_id == "bptt" else text
            elif bug and grade_id == "check_bptt":  # an edited check cell: autograde runs the released one
                cell["source"] = 'print("✅ bptt: all 6 checks passed")'
        return nb

    _submit(course, "solved", answered())
    _submit(course, "blank", release)
    _submit(course, "article_bug", answered(bug=True))
    log = _nbgrader(course, "autograde", ASSIGNMENT)
    _nbgrader(course, "generate_feedback", ASSIGNMENT)
    # a passing check is display data under nbgrader, so nbgrader finds no value to read as partial credit
    assert "cannot be converted to a float" not in log

    points = float(len(checks))  # one point per exercise
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        scores = {name: gb.find_submission(ASSIGNMENT, name) for name in ("solved", "blank", "article_bug")}
        scores = {name: (s.score, s.max_score) for name, s in scores.items()}
        lost = [g for g in checks if gb.find_grade(g, ASSIGNMENT, ASSIGNMENT, "article_bug").score == 0]
    with capsys.disabled():
        print(f"\nnbgrader scores of {ASSIGNMENT}: {scores}")
    assert scores == {"solved": (points, points), "blank": (0.0, points), "article_bug": (points - 1, points)}
    assert lost == ["check_bptt"]

    expected_errors = {
        "solved": [],
        "blank": [f"⏳ {name}: not written yet {BELOW}" for name in  # the learner's names, as notebook 03's
                  ("loss_and_grad", "bptt_step", "bptt", "bptt_many")],
        "article_bug": [ARTICLE_VERDICT],
    }
    for name, lines in expected_errors.items():
        graded = _read(course / "autograded" / name / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
        errors = [o for c in graded["cells"] if c["cell_type"] == "code" for o in c["outputs"]
                  if o["output_type"] == "error"]
        assert [o["traceback"] for o in errors] == [[line] for line in lines], name  # the notebook: one line each
        feedback = (course / "feedback" / name / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text(encoding="utf-8")
        assert _error_lines(feedback) == lines, name
        page = re.sub(r"<style.*?</style>", "", feedback, flags=re.DOTALL)  # its CSS names a "Generic.Traceback" colour
        assert "Traceback" not in page and "CheckFailed" not in page, name
        shown = [o for c in graded["cells"] if c["metadata"].get("nbgrader", {}).get("grade") for o in c["outputs"]
                 if o["output_type"] != "error"]
        assert all(o["output_type"] == "display_data" and "".join(o["data"]["text/plain"]).startswith("✅")
                   for o in shown), name

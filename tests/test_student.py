"""The student versions: solutions out, outputs cleared, and they still run top to bottom.

``rnn_lib.student`` (``make student``) is tested on a small fixture notebook built here, with every
kind of marker, and on the course notebooks: their student versions contain no solution text, and
execute in a fresh kernel with every check cell saying "not written yet" and no error output.
"""

import json
import re

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from helpers import execute_notebook as execute, notebook_needs_torch
from test_notebooks import NOTEBOOKS

from rnn_lib import exercises, student

SOLUTION = '''def one_hot(index, V):
    """The (V, 1) one-hot column of word ``index``."""
    ### BEGIN SOLUTION
    column = np.zeros((V, 1))
    column[index, 0] = 1.0
    return column
    ### END SOLUTION'''

STUB = '''from rnn_lib.exercises import NotWritten
def one_hot(index, V):
    """The (V, 1) one-hot column of word ``index``."""
    # YOUR CODE HERE
    raise NotWritten()'''

ANSWER = "<details><summary>Answer</summary>\n\nSix: the shape is (6, 1).\n</details>\n"
ASIDE = "<details><summary>How numpy stores it (optional)</summary>\n\nRow-major.\n</details>\n"
#: What a check cell adds when the learner's function has not passed: the cells below use the library's.
BELOW = "(the cells below use rnn_lib's version until this passes)"
#: A check cell calls one of the exercise checkers (not, say, rnn_lib.check_gradients).
CHECKERS = sorted(name for name in exercises.__all__ if name.startswith("check_"))
CHECK_CALL = re.compile(rf"^\s*(?:\w+\s*=\s*)?(?:{'|'.join(CHECKERS)})\(", re.MULTILINE)


def fixture_notebook():
    """A small instructor notebook: an exercise, its check, a cell using it, prose with answers."""
    cells = [
        new_markdown_cell("# A fixture notebook"),
        new_code_cell("import numpy as np\nfrom rnn_lib.exercises import check_one_hot, use"),
        new_markdown_cell("**Exercise.** Write `one_hot(index, V)`."),
        new_code_cell(SOLUTION),
        new_code_cell("check_one_hot(one_hot)"),
        new_code_cell("print(use(one_hot)(2, 4).ravel())  # yours once it passes, the library's until then"),
        new_markdown_cell("**Question.** How many rows has `one_hot(0, 6)`?\n\n" + ANSWER + "\n" + ASIDE
                          + "\nYour reasoning:\n### BEGIN SOLUTION\nV rows, one per word.\n### END SOLUTION"),
        new_code_cell("x = 1\n### BEGIN HIDDEN TESTS\nassert x == 1\n### END HIDDEN TESTS\nprint(x)"),
    ]
    nb = new_notebook(cells=cells)
    for count, cell in enumerate((c for c in nb.cells if c.cell_type == "code"), start=1):
        cell.execution_count = count
        cell.outputs = [new_output("stream", name="stdout", text="stored output\n")]
    nb.metadata["widgets"] = {"state": {}}
    return nb


@pytest.fixture
def course_like(tmp_path):
    """A folder with the fixture as ``01_fixture.ipynb``."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    nbformat.write(fixture_notebook(), folder / "01_fixture.ipynb")
    return folder


def test_a_solution_becomes_the_stub_at_its_indentation_with_the_import():
    nb = student.student_version(json.loads(nbformat.writes(fixture_notebook())))
    code = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    assert code[1] == STUB
    assert "column[index, 0] = 1.0" not in json.dumps(nb)
    assert code[0].count("NotWritten") == 0 and code[1].count("import NotWritten") == 1


def test_the_import_is_not_added_twice():
    nb = fixture_notebook()
    nb.cells[1].source += "\nfrom rnn_lib.exercises import NotWritten"
    version = student.student_version(json.loads(nbformat.writes(nb)))
    assert "".join(version["cells"][3]["source"]).startswith("def one_hot")


def test_outputs_counts_and_widget_state_are_cleared():
    nb = student.student_version(json.loads(nbformat.writes(fixture_notebook())))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
    assert "widgets" not in nb["metadata"]
    nbformat.validate(nbformat.from_dict(nb))


def test_hidden_tests_go_and_markdown_solutions_become_a_prompt():
    nb = student.student_version(json.loads(nbformat.writes(fixture_notebook())))
    assert "".join(nb["cells"][7]["source"]) == "x = 1\nprint(x)"
    prose = "".join(nb["cells"][6]["source"])
    assert prose.endswith("Your reasoning:\nYOUR ANSWER HERE") and "one per word" not in prose


def test_answers_are_kept_by_default_and_dropped_on_request_but_not_asides():
    nb = json.loads(nbformat.writes(fixture_notebook()))
    kept = "".join(student.student_version(nb)["cells"][6]["source"])
    dropped = "".join(student.student_version(nb, answers=False)["cells"][6]["source"])
    assert ANSWER in kept and ASIDE in kept
    assert "Six: the shape" not in dropped and "<summary>Answer" not in dropped
    assert ASIDE in dropped and "How many rows" in dropped


@pytest.mark.parametrize("source, message", [
    ("### BEGIN SOLUTION\nx = 1", "'### BEGIN SOLUTION' at line 1 is never closed"),
    ("x = 1\n### END SOLUTION", "line 2 has '### END SOLUTION' without '### BEGIN SOLUTION'"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", "line 2 opens '### BEGIN SOLUTION' inside"),
])
def test_unpaired_markers_are_a_clear_error_and_nothing_is_written(tmp_path, course_like, source, message):
    bad = fixture_notebook()
    bad.cells.append(new_code_cell(source))
    nbformat.write(bad, course_like / "02_bad.ipynb")
    out = tmp_path / "student"
    with pytest.raises(student.MarkerError, match=re.escape("02_bad.ipynb, cell 8: ") + ".*" + re.escape(message)):
        student.make_student_versions(course_like, out)
    assert not out.exists()
    assert student.main(["--source", str(course_like), "--out", str(out)]) == 1
    assert not out.exists()


def test_the_command_writes_every_notebook(tmp_path, course_like, capsys):
    out = tmp_path / "student"
    assert student.main(["--source", str(course_like), "--out", str(out), "--no-answers"]) == 0
    assert capsys.readouterr().out.split() == [str(out / "01_fixture.ipynb")]
    written = nbformat.read(out / "01_fixture.ipynb", as_version=4)
    nbformat.validate(written)
    assert "Six: the shape" not in json.dumps(written)
    with pytest.raises(ValueError, match="the output folder .* is the source folder"):
        student.make_student_versions(course_like, course_like)


def _check_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code" and CHECK_CALL.search(c.source)]


def _text(cell):
    parts = []
    for out in cell.outputs:
        parts.append(out.get("text", ""))
        parts.append(out.get("data", {}).get("text/plain", ""))
    return "".join(parts)


def _errors(nb):
    """Error outputs, except in cells tagged to raise (notebook 01 shows an unknown word's error)."""
    return [(i, o.ename) for i, c in enumerate(nb.cells)
            if c.cell_type == "code" and "raises-exception" not in c.metadata.get("tags", [])
            for o in c.outputs if o.output_type == "error"]


def test_the_fixture_runs_in_both_versions(tmp_path, course_like, monkeypatch):
    monkeypatch.delenv(exercises.STRICT_ENV, raising=False)
    out = tmp_path / "student"
    (path,) = student.make_student_versions(course_like, out)
    ran = execute(path)
    assert not _errors(ran)
    assert [_text(c) for c in _check_cells(ran)] == [f"⏳ one_hot: not written yet {BELOW}"]
    assert _text(ran.cells[5]) == "[0. 0. 1. 0.]\n"  # the library's one_hot, used below the exercise
    instructor = execute(course_like / "01_fixture.ipynb")
    assert [_text(c) for c in _check_cells(instructor)] == ["✅ one_hot: all 5 checks passed"]


# --------------------------------------------------------------------------------------------------
# The course notebooks


@pytest.fixture(scope="module")
def course_student_versions(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    return student.make_student_versions(NOTEBOOKS[0].parent, out, answers=False)


@pytest.mark.skipif(not NOTEBOOKS, reason="no notebooks yet")
@pytest.mark.parametrize("index", range(len(NOTEBOOKS)), ids=[p.stem for p in NOTEBOOKS])
def test_a_course_student_version_has_no_solution_text(course_student_versions, index):
    instructor = student.read_notebook(NOTEBOOKS[index])
    version = student.read_notebook(course_student_versions[index])
    everything = "\n".join("".join(c["source"]) for c in version["cells"])
    code = "\n".join("".join(c["source"]) for c in version["cells"] if c["cell_type"] == "code")
    for text in student.solution_texts(instructor):
        assert text not in everything
        assert text not in code
        for line in text.split("\n"):
            if len(line.strip()) >= 25 and not line.strip().startswith(("#", '"""')):
                assert line.strip() not in everything, f"{NOTEBOOKS[index].name}: solution line left: {line.strip()}"
    assert "### BEGIN SOLUTION" not in code and "### END SOLUTION" not in code
    # the learners' text never speaks of the instructors' version ("in this version the solution ...")
    assert "make student" not in everything and "this version" not in everything, NOTEBOOKS[index].name


def _runs_with_every_check_not_written_yet(course_student_versions, index, monkeypatch):
    """A course notebook's student version runs top to bottom, every check "not written yet"; the instructor's pass."""
    monkeypatch.delenv(exercises.STRICT_ENV, raising=False)
    instructor = nbformat.read(NOTEBOOKS[index], as_version=4)
    ran = execute(course_student_versions[index])
    assert not _errors(ran), f"{NOTEBOOKS[index].name}: error outputs {_errors(ran)}"
    stubs = len(student.solution_texts(student.read_notebook(NOTEBOOKS[index])))
    checks = _check_cells(ran)
    assert len(checks) == len(_check_cells(instructor))
    if stubs:
        assert checks, f"{NOTEBOOKS[index].name} has exercises but no check cell"
    for cell in checks:
        assert re.fullmatch(r"⏳ \w+: not written yet " + re.escape(BELOW), _text(cell).strip()), cell.source
    for cell in _check_cells(instructor):  # the instructor's solutions pass
        assert _text(cell).strip().startswith("✅"), cell.source


def _student_version_class(index, path):
    """``TestStudentVersionNN_name``: the test above for one notebook, in a class of its own.

    ``make test`` runs pytest-xdist with ``--dist loadscope``, which keeps a scope (a class, a module, a
    notebook's cells) on one process: one class per notebook lets the long student runs go to both processes.
    """
    def test_runs_with_every_check_not_written_yet(self, course_student_versions, monkeypatch):
        _runs_with_every_check_not_written_yet(course_student_versions, index, monkeypatch)

    marks = [pytest.mark.torch] if notebook_needs_torch(path) else []
    return type(f"TestStudentVersion{path.stem}", (), {
        "test_runs_with_every_check_not_written_yet": test_runs_with_every_check_not_written_yet,
        "pytestmark": marks, "__doc__": f"The student version of {path.name}."})


for _index, _path in enumerate(NOTEBOOKS):
    globals()[f"TestStudentVersion{_path.stem}"] = _student_version_class(_index, _path)

"""Grading with nbgrader: each notebook's nbgrader cell metadata, derived from its content.

    python -m rnn_lib.grading --write notebooks    # set the nbgrader metadata of notebooks/NN_*.ipynb
    python -m rnn_lib.grading --check notebooks    # exit 1 if a notebook's metadata is not the derived one
    python -m rnn_lib.grading --course DIR         # an nbgrader course folder: its config and source/

The exercises are recognised by what the cells hold, so the metadata never has to be set by hand:

* a code cell holding a solution region (the lines ``### BEGIN SOLUTION`` / ``### END SOLUTION``)
  is an autograded answer: ``solution: true, grade: false``, ``grade_id`` the name of the function
  the region sits in (``bptt``);
* a check cell, whose code is one call ``check_xxx(fn)`` of a checker of ``rnn_lib.exercises``, is
  a locked autograded-tests cell: ``grade: true, locked: true, solution: false``, ``grade_id`` the
  checker's name (``check_bptt``), worth ``POINTS.get(name, POINTS_PER_EXERCISE)`` points;
* a markdown cell holding a solution region (none in the course so far) is a manually graded
  answer worth ``POINTS_PER_EXERCISE``, ``grade_id`` ``answer_<cell id>``;
* every other cell has no nbgrader metadata.

One point per exercise: under nbgrader a check cell passes or raises (``rnn_lib.exercises`` raises on
anything but a full pass while nbgrader executes the notebook), so a point says "this exercise passes
every check". How many checks a checker runs counts the mistakes it can name, not the exercise's
weight. To weight an exercise, give its checker's points in ``POINTS`` and run ``--write`` again.

``--write`` replaces only the ``nbgrader`` entry of each cell's metadata (other metadata, sources,
outputs and cell ids are left as they are) and writes a notebook only if that changes it, so running
it twice changes nothing. Notebooks are handled as plain JSON, like ``rnn_lib.student``.
"""

import argparse
import ast
import shutil
import sys
from pathlib import Path

from rnn_lib import student

POINTS_PER_EXERCISE = 1
#: Points of a check cell, by checker name, where an exercise is worth more than ``POINTS_PER_EXERCISE``.
POINTS = {}
SCHEMA_VERSION = 3
#: nbgrader reads any line holding these texts as a marker (it tests ``"BEGIN SOLUTION" in line``).
MARKER_TEXTS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
MARKER_LINES = (student.BEGIN, student.END, student.BEGIN_HIDDEN, student.END_HIDDEN)
#: The course's nbgrader settings (docs/TEACHING.md), copied into a course folder by ``--course``.
CONFIG = Path(__file__).resolve().parents[1] / "grading" / "nbgrader_config.py"


class GradingError(ValueError):
    """A notebook whose exercises cannot be given nbgrader metadata (the message says why and where)."""


def checkers():
    """The names of the exercise checkers (``check_bptt``, ...) that ``rnn_lib.exercises`` exports."""
    from rnn_lib import exercises
    return sorted(name for name in exercises.__all__ if name.startswith("check_"))


def check_call(source):
    """``(checker, argument)`` if ``source`` is one call ``check_xxx(fn)``, else ``None``."""
    try:
        tree = ast.parse(source)
    except SyntaxError:  # IPython magics, say: not a check cell
        return None
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Expr):
        return None
    call = tree.body[0].value
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id.startswith("check_")
            and len(call.args) == 1 and isinstance(call.args[0], ast.Name) and not call.keywords):
        return None
    return call.func.id, call.args[0].id


def _function_around(source, line_number):
    """The name of the top-level ``def`` (or ``class``) of ``source`` that spans ``line_number`` (1-based)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if node.lineno <= line_number <= node.end_lineno:
                return node.name
    return None


def _check_marker_lines(text, where):
    """Every line nbgrader would read as a marker is one; the regions are paired."""
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        if any(marker in line for marker in MARKER_TEXTS) and line.strip() not in MARKER_LINES:
            raise GradingError(f"{where}, line {number}: nbgrader reads any line holding "
                               f"{' or '.join(repr(m) for m in MARKER_TEXTS[:2])} as a marker; reword it: {line.strip()}")
    try:
        student._regions(lines, student.BEGIN_HIDDEN, student.END_HIDDEN, where)
        return student._regions(lines, student.BEGIN, student.END, where)
    except student.MarkerError as exc:
        raise GradingError(str(exc)) from None


def _meta(grade_id, grade, solution, locked, points=None):
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": SCHEMA_VERSION,
            "solution": solution, "task": False}
    if grade:
        meta["points"] = points
    return meta


def derive(nb, name="notebook"):
    """The nbgrader metadata of each cell of ``nb`` (a notebook's JSON dict): a list of dicts or ``None``."""
    known = set(checkers())
    cells = nb["cells"]
    derived, ids = [], set()

    def unique(grade_id):
        base, n = grade_id, 1
        while grade_id in ids:
            n += 1
            grade_id = f"{base}_{n}"
        ids.add(grade_id)
        return grade_id

    for index, cell in enumerate(cells):
        where = f"{name}, cell {index}"
        text = student._source(cell)
        regions = _check_marker_lines(text, where)
        meta = None
        if cell["cell_type"] == "code":
            if any(line.strip() == student.BEGIN_HIDDEN for line in text.split("\n")):
                raise GradingError(f"{where}: hidden tests are not supported (a check cell is one checker call)")
            call = check_call(text)
            if regions:
                meta = _meta(unique(_exercise_name(cells, index, regions[0][0], where)),
                             grade=False, solution=True, locked=False)
            elif call is not None:
                if call[0] not in known:
                    raise GradingError(f"{where}: {call[0]}({call[1]}) is not a checker of rnn_lib.exercises "
                                       f"(known: {', '.join(sorted(known))})")
                meta = _meta(unique(call[0]), grade=True, solution=False, locked=True,
                             points=POINTS.get(call[0], POINTS_PER_EXERCISE))
        elif cell["cell_type"] == "markdown" and regions:
            meta = _meta(unique(f"answer_{cell.get('id', index)}"), grade=True, solution=True, locked=False,
                         points=POINTS_PER_EXERCISE)
        derived.append(meta)
    return derived


def _exercise_name(cells, index, begin_line, where):
    """The exercise's function: the ``def`` around the solution, else the one the next check cell checks."""
    name = _function_around(student._source(cells[index]), begin_line + 1)
    if name is None:
        following = [c for c in cells[index + 1:] if c["cell_type"] == "code"][:1]
        call = check_call(student._source(following[0])) if following else None
        name = call[1] if call else None
    if name is None:
        raise GradingError(f"{where}: a solution region outside a function, and no check cell after it "
                           "to name the exercise")
    return name


def stored(nb):
    """The nbgrader metadata stored in each cell of ``nb`` (``None`` where there is none)."""
    return [cell.get("metadata", {}).get("nbgrader") for cell in nb["cells"]]


def with_metadata(nb, name="notebook"):
    """``(nb, changed)``: ``nb`` with each cell's nbgrader metadata set to the derived one, in place."""
    changed = False
    for cell, meta in zip(nb["cells"], derive(nb, name)):
        metadata = cell.setdefault("metadata", {})
        if metadata.get("nbgrader") != meta:
            changed = True
            if meta is None:
                del metadata["nbgrader"]
            else:
                metadata["nbgrader"] = meta
    return nb, changed


def notebooks(folder):
    paths = sorted(Path(folder).glob(student.NOTEBOOK_GLOB))
    if not paths:
        raise FileNotFoundError(f"no notebooks {student.NOTEBOOK_GLOB} in {folder}")
    return paths


def write_metadata(folder="notebooks", check=False):
    """Set (or with ``check``, only compare) the metadata of every ``folder/NN_*.ipynb``; returns the changed paths.

    Every notebook is derived before any is written, so an error in one writes nothing.
    """
    results = [(path, *with_metadata(student.read_notebook(path), path.name)) for path in notebooks(folder)]
    changed = [path for path, _, differs in results if differs]
    if not check:
        for path, nb, differs in results:
            if differs:
                student.write_notebook(nb, path)
    return changed


def make_course(course, source="notebooks", config=CONFIG):
    """An nbgrader course folder: ``course/nbgrader_config.py`` (kept if there) and ``source/NN_x/NN_x.ipynb``.

    Each notebook becomes one assignment named after it, with the derived metadata. Returns the written paths.
    """
    course = Path(course)
    versions = [(path.stem, with_metadata(student.read_notebook(path), path.name)[0]) for path in notebooks(source)]
    course.mkdir(parents=True, exist_ok=True)
    written = []
    if not (course / "nbgrader_config.py").exists():
        if not Path(config).exists():
            raise FileNotFoundError(f"{config} not found: --course needs the repository's grading/ folder")
        shutil.copyfile(config, course / "nbgrader_config.py")
        written.append(course / "nbgrader_config.py")
    for assignment, nb in versions:
        path = course / "source" / assignment / f"{assignment}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        student.write_notebook(nb, path)
        written.append(path)
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m rnn_lib.grading", description=__doc__.split("\n\n")[0])
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--write", metavar="FOLDER", help="set the nbgrader metadata of FOLDER/NN_*.ipynb")
    what.add_argument("--check", metavar="FOLDER", help="exit 1 if a notebook's nbgrader metadata is not the derived one")
    what.add_argument("--course", metavar="DIR", help="make (or update) an nbgrader course folder DIR")
    parser.add_argument("--source", default="notebooks", help="with --course: the instructor notebooks (default: notebooks)")
    args = parser.parse_args(argv)
    try:
        if args.course:
            for path in make_course(args.course, args.source):
                print(path)
            return 0
        changed = write_metadata(args.write or args.check, check=bool(args.check))
    except (GradingError, FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for path in changed:
        print(f"{path}: {'nbgrader metadata out of date' if args.check else 'nbgrader metadata written'}")
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())

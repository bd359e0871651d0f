"""Make the student versions of the course notebooks: the solutions taken out, the outputs cleared.

    python -m rnn_lib.student                 # notebooks/NN_*.ipynb -> student/NN_*.ipynb
    python -m rnn_lib.student --no-answers    # also drop the folded answers of the prose exercises
    python -m rnn_lib.student --source notebooks --out student

In an instructor notebook (``notebooks/``) each solution sits between nbgrader's markers::

    def bptt(model, xs, hs, d_y):
        ### BEGIN SOLUTION
        ...
        ### END SOLUTION

The student version keeps everything else and replaces each region, at the markers' indentation, by
``# YOUR CODE HERE`` and ``raise NotWritten()`` (``rnn_lib.exercises.NotWritten``, which the checkers
report as "⏳ not written yet"); an import of ``NotWritten`` is added to the first such cell if the
notebook has none. In markdown cells a region becomes ``YOUR ANSWER HERE``. nbgrader's hidden tests
(``### BEGIN HIDDEN TESTS`` / ``### END HIDDEN TESTS``) are removed. Every output, execution count
and stored widget state is cleared. ``--no-answers`` also removes each folded answer of the prose
exercises: a ``<details>`` block whose ``<summary>`` says "Answer" (or "Solution").

Every notebook is read and checked (markers paired, not nested) before any file is written. The
notebooks are handled as plain JSON (nbformat 4), so this needs nothing beyond the standard library.
"""

import argparse
import copy
import json
import re
import sys
from pathlib import Path

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
CODE_STUB = ("# YOUR CODE HERE", "raise NotWritten()")
MARKDOWN_STUB = "YOUR ANSWER HERE"
IMPORT = "from rnn_lib.exercises import NotWritten"
NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"
_IMPORTS_NOT_WRITTEN = re.compile(r"^\s*from\s+rnn_lib\.exercises\s+import\s+[^#\n]*\bNotWritten\b", re.MULTILINE)
_ANSWER = re.compile(r"[ \t]*<details>\s*<summary>\s*(?:answers?|solutions?)\b.*?</details>[ \t]*\n?",
                     re.IGNORECASE | re.DOTALL)


class MarkerError(ValueError):
    """A notebook's solution markers are not paired."""


def _regions(lines, begin, end, where):
    """``[(start, stop)]`` line indices of the marker pairs (the marker lines included)."""
    regions, start = [], None
    for i, line in enumerate(lines):
        text = line.strip()
        if text == begin:
            if start is not None:
                raise MarkerError(f"{where}: line {i + 1} opens {begin!r} inside the region opened at line {start + 1}")
            start = i
        elif text == end:
            if start is None:
                raise MarkerError(f"{where}: line {i + 1} has {end!r} without {begin!r} before it")
            regions.append((start, i))
            start = None
    if start is not None:
        raise MarkerError(f"{where}: {begin!r} at line {start + 1} is never closed by {end!r}")
    return regions


def strip_code(source, where="cell"):
    """``(new_source, n_solutions)``: solutions replaced by the stub, hidden tests removed."""
    lines = source.split("\n")
    for start, stop in reversed(_regions(lines, BEGIN_HIDDEN, END_HIDDEN, where)):
        del lines[start:stop + 1]
    regions = _regions(lines, BEGIN, END, where)
    for start, stop in reversed(regions):
        indent = lines[start][:len(lines[start]) - len(lines[start].lstrip())]
        lines[start:stop + 1] = [indent + stub for stub in CODE_STUB]
    return "\n".join(lines), len(regions)


def strip_markdown(source, where="cell"):
    """``(new_source, n_solutions)``: solution regions in a markdown cell become ``YOUR ANSWER HERE``."""
    lines = source.split("\n")
    regions = _regions(lines, BEGIN, END, where)
    for start, stop in reversed(regions):
        lines[start:stop + 1] = [MARKDOWN_STUB]
    return "\n".join(lines), len(regions)


def drop_answers(source):
    """Remove every folded answer (``<details><summary>Answer</summary> ... </details>``)."""
    return _ANSWER.sub("", source)


def _source(cell):
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _set_source(cell, text):
    cell["source"] = text.splitlines(keepends=True)  # as nbformat writes it


def read_notebook(path):
    """A notebook file -> its JSON dict (nbformat 4)."""
    with open(path, encoding="utf-8") as f:
        nb = json.load(f)
    if nb.get("nbformat") != 4 or not isinstance(nb.get("cells"), list):
        raise ValueError(f"{path} is not an nbformat 4 notebook")
    return nb


def write_notebook(nb, path):
    """Write ``nb`` as nbformat does (one-space indent, UTF-8, a final newline), atomically."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(path)


def solution_texts(nb):
    """The text of every solution region in ``nb`` (markers excluded), for checking a student version."""
    texts = []
    for index, cell in enumerate(nb["cells"]):
        lines = _source(cell).split("\n")
        for start, stop in _regions(lines, BEGIN, END, f"cell {index}"):
            texts.append("\n".join(lines[start + 1:stop]))
    return texts


def student_version(nb, name="notebook", answers=True):
    """A new notebook: ``nb`` with solutions replaced, outputs cleared and, unless ``answers``, no folded answers."""
    nb = copy.deepcopy(nb)
    first_changed, imported = None, False
    for index, cell in enumerate(nb["cells"]):
        where = f"{name}, cell {index}"
        metadata = cell.setdefault("metadata", {})
        if cell["cell_type"] == "code":
            text, n = strip_code(_source(cell), where)
            _set_source(cell, text)
            if n and first_changed is None:
                first_changed = cell
            imported = imported or bool(_IMPORTS_NOT_WRITTEN.search(text))
            cell["outputs"] = []
            cell["execution_count"] = None
            metadata.pop("execution", None)
        elif cell["cell_type"] == "markdown":
            text, _ = strip_markdown(_source(cell), where)
            _set_source(cell, text if answers else drop_answers(text))
        metadata.pop("collapsed", None)
    if first_changed is not None and not imported:
        _set_source(first_changed, f"{IMPORT}\n{_source(first_changed)}")
    nb.get("metadata", {}).pop("widgets", None)
    return nb


def make_student_versions(source="notebooks", out="student", answers=True):
    """Write ``out/NN_*.ipynb`` for every ``source/NN_*.ipynb``; returns the written paths.

    All notebooks are converted in memory first, so a marker error in one writes nothing.
    """
    source, out = Path(source), Path(out)
    paths = sorted(source.glob(NOTEBOOK_GLOB))
    if not paths:
        raise FileNotFoundError(f"no notebooks {NOTEBOOK_GLOB} in {source}")
    if out.resolve() == source.resolve():
        raise ValueError(f"the output folder {out} is the source folder: the instructor notebooks would be lost")
    versions = [(path.name, student_version(read_notebook(path), path.name, answers)) for path in paths]
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for filename, nb in versions:
        write_notebook(nb, out / filename)
        written.append(out / filename)
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m rnn_lib.student", description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", default="notebooks", help="folder of the instructor notebooks (default: notebooks)")
    parser.add_argument("--out", default="student", help="folder to write the student versions to (default: student)")
    parser.add_argument("--no-answers", action="store_true",
                        help="also drop the folded answers (<details><summary>Answer</summary>) of the prose exercises")
    args = parser.parse_args(argv)
    try:
        written = make_student_versions(args.source, args.out, answers=not args.no_answers)
    except (MarkerError, FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Give every course notebook its slide metadata, so that a teacher can present it with jupyterlab-rise.

    python -m rnn_lib.slides --write notebooks     # set each cell's metadata.slideshow.slide_type
    python -m rnn_lib.slides --check notebooks     # exit 1, naming the notebooks, if one is not up to date

The slides follow the notebook's structure, so they never need to be edited by hand:

* the first cell (title, "You will learn") and every cell that starts with a ``#`` or ``##`` heading
  begin a **slide**: one slide a section;
* a ``###`` heading, and a paragraph of prose that follows a code cell, begin a **subslide** (below the
  section's slide: the section's steps, each prose-then-code);
* a code cell that draws a figure (a stored PNG, widgets included) is a **fragment**: the question or
  the code is shown first, the figure on the next key press;
* every other cell continues the slide it is in (RISE's default, ``-``, written as no ``slideshow``
  metadata at all). No cell is skipped: the set-up cells must run
  when the teacher runs the slides' code from the top.

The notebook's ``metadata.rise`` lets long slides scroll, starts the deck at its first slide and
picks a theme that loads nothing from the internet. Only
metadata is written: sources and outputs are untouched (nbval ignores metadata).
"""

import argparse
import sys
from pathlib import Path

from rnn_lib import student

SLIDE, SUBSLIDE, FRAGMENT, CONTINUE = "slide", "subslide", "fragment", "-"
#: Long slides scroll; the deck starts at its first slide; reveal.js's "white" theme, whose fonts ship
#: with RISE (its default, "simple", fetches web fonts: a classroom is often offline).
RISE_SETTINGS = {"scroll": True, "start_slideshow_at": "beginning", "theme": "white"}


def _first_line(cell):
    text = student._source(cell).lstrip()
    return text.split("\n", 1)[0] if text else ""


def _has_figure(cell):
    return any("image/png" in output.get("data", {}) for output in cell.get("outputs", []))


def slide_types(nb):
    """The slide type of each cell of ``nb`` (a list, in cell order), by the rules in the module's docstring."""
    types, previous = [], None
    for index, cell in enumerate(nb["cells"]):
        line = _first_line(cell)
        if index == 0 or (cell["cell_type"] == "markdown" and (line.startswith("# ") or line.startswith("## "))):
            kind = SLIDE
        elif cell["cell_type"] == "markdown" and (line.startswith("### ") or previous == "code"):
            kind = SUBSLIDE
        elif cell["cell_type"] == "code" and _has_figure(cell):
            kind = FRAGMENT
        else:
            kind = CONTINUE
        types.append(kind)
        previous = cell["cell_type"]
    return types


def count_slides(nb):
    """How many slides (slides and subslides) the deck of ``nb`` has, by its stored metadata."""
    return sum(1 for cell in nb["cells"]
               if cell.get("metadata", {}).get("slideshow", {}).get("slide_type") in (SLIDE, SUBSLIDE))


def with_slides(nb):
    """``nb`` with the slide metadata set (in place); returns ``nb``."""
    for cell, kind in zip(nb["cells"], slide_types(nb)):
        metadata = cell.setdefault("metadata", {})
        if kind == CONTINUE:
            metadata.pop("slideshow", None)  # RISE's default: the fewest lines in the notebook's diff
        else:
            metadata["slideshow"] = {"slide_type": kind}
    nb.setdefault("metadata", {})["rise"] = dict(RISE_SETTINGS)
    return nb


def is_up_to_date(nb):
    """Whether every cell and the notebook carry the metadata ``with_slides`` would write."""
    if nb.get("metadata", {}).get("rise") != RISE_SETTINGS:
        return False
    return all(cell.get("metadata", {}).get("slideshow") == (None if kind == CONTINUE else {"slide_type": kind})
               for cell, kind in zip(nb["cells"], slide_types(nb)))


def _paths(folder):
    paths = sorted(Path(folder).glob(student.NOTEBOOK_GLOB))
    if not paths:
        raise FileNotFoundError(f"no notebooks {student.NOTEBOOK_GLOB} in {folder}")
    return paths


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m rnn_lib.slides", description=__doc__.split("\n\n")[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", action="store_true", help="set the slide metadata of every notebook")
    action.add_argument("--check", action="store_true", help="exit 1 if a notebook's slide metadata is not up to date")
    parser.add_argument("folder", nargs="?", default="notebooks", help="folder of the notebooks (default: notebooks)")
    args = parser.parse_args(argv)
    try:
        paths = _paths(args.folder)
        notebooks = [(path, student.read_notebook(path)) for path in paths]
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    stale = [path for path, nb in notebooks if not is_up_to_date(nb)]
    if args.check:
        for path in stale:
            print(f"{path}: slide metadata not up to date: run `python -m rnn_lib.slides --write {args.folder}`",
                  file=sys.stderr)
        return 1 if stale else 0
    for path, nb in notebooks:
        if path in stale:
            student.write_notebook(with_slides(nb), path)
        print(f"{path}: {count_slides(nb)} slides{' (written)' if path in stale else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Re-execute the course notebooks cleanly, and keep run-to-run noise out of their stored JSON.

    python -m rnn_lib.notebooks run notebooks/05_what_did_it_learn.ipynb [...]   # execute, store the outputs
    python -m rnn_lib.notebooks check notebooks    # exit 1, one line a problem, if a notebook stores noise
    python -m rnn_lib.notebooks strip notebooks    # remove that noise without executing anything

``run`` executes each notebook top to bottom in a fresh kernel (the notebook's own,
``metadata.kernelspec``), in the notebook's folder, with nbclient, as nbval re-executes it:

* stream outputs are coalesced, a cell's stdout into one output and its stderr into one, with the
  carriage returns resolved (a progress bar's many pieces become the one line a reader sees), which
  is how nbval compares them;
* no per-cell timestamps (``metadata.execution``) and no widget state (``metadata.widgets``, random
  ids each run): the noise that makes a diff of every re-execution; a widget's view keeps the
  ``model_id`` stored in its place (random each run, it points at no stored state);
* the slide metadata is set by ``rnn_lib.slides.with_slides`` (a cell that now draws a figure is a
  fragment).

A notebook is written (atomically, ``files.write_file_atomically``, and only if its text changes)
only when every cell ran; cells tagged ``raises-exception`` may raise. A cell that raises or times
out gives one line naming the notebook and the cell (``cell [3]`` is the third code cell, ``In [3]``
of a clean run), the file is left unchanged and the exit status is 1; the other notebooks still run.
Bad input (a missing file, not a notebook) is one line and exit status 2, before anything runs.

``check`` finds the noise above in stored notebooks (tests/test_notebooks.py forbids it too);
``strip`` removes it as a plain JSON edit, every other byte of the file unchanged.
"""

import argparse
import copy
import sys
import time
from pathlib import Path

from rnn_lib import files, slides, student

#: Seconds a cell may run before ``run`` gives up (a course notebook runs in about a minute in all).
CELL_TIMEOUT = 600
#: The mime type of a widget's view in a stored output (its ``model_id`` is random each run).
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
#: Where ``check`` and ``strip`` look when given no path.
DEFAULT_FOLDER = "notebooks"


class NotebookRunError(RuntimeError):
    """A notebook did not run to its end: the message is one line naming the notebook and the cell."""


# --- the noise: per-cell timestamps and widget state ----------------------------------------------

def problems(nb):
    """What ``nb`` (a notebook's JSON dict) stores that a clean, quiet run does not: a list of phrases."""
    found = []
    timed = [index for index, cell in enumerate(nb["cells"]) if "execution" in cell.get("metadata", {})]
    if timed:
        found.append(f"{len(timed)} {'cell stores' if len(timed) == 1 else 'cells store'} execution timestamps "
                     "(metadata.execution)")
    if "widgets" in nb.get("metadata", {}):
        found.append("stores widget state (metadata.widgets)")
    return found


def keep_widget_ids(nb, stored):
    """Give each widget view of ``nb`` the ``model_id`` of the view ``stored`` had in its place (same cell,
    same output position), in place; returns ``nb``. The id is random each run and, with no widget
    state stored, points at nothing: keeping it keeps a re-execution's diff to what changed."""
    if len(nb["cells"]) != len(stored["cells"]):
        return nb
    for cell, old in zip(nb["cells"], stored["cells"]):
        for output, old_output in zip(cell.get("outputs", []), old.get("outputs", [])):
            view, old_view = (o.get("data", {}).get(WIDGET_VIEW) for o in (output, old_output))
            if view and old_view and "model_id" in view and "model_id" in old_view:
                view["model_id"] = old_view["model_id"]
    return nb


def strip_noise(nb):
    """``nb`` without per-cell timestamps and widget state (in place); returns ``nb``."""
    for cell in nb["cells"]:
        cell.get("metadata", {}).pop("execution", None)
    nb.get("metadata", {}).pop("widgets", None)
    return nb


# --- run ------------------------------------------------------------------------------------------

def _first_line(source, width=40):
    line = source.strip().split("\n", 1)[0]
    return line if len(line) <= width else line[:width - 3] + "..."


def execute(path, timeout=CELL_TIMEOUT):
    """The notebook at ``path`` executed in a fresh kernel in its folder: an nbformat notebook, stripped of
    noise, with its slide metadata. Raises ``NotebookRunError`` (one line) if a cell fails."""
    import nbformat
    from jupyter_client.kernelspec import NoSuchKernel
    from nbclient import NotebookClient
    from nbclient.exceptions import CellControlSignal, CellExecutionError, CellTimeoutError, DeadKernelError

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    stored = copy.deepcopy(nb)
    spec = nb.metadata.get("kernelspec", {})
    kernel = spec.get("name", "python3")
    # ipykernel's warnings at start-up ("running over TCP without encryption") say nothing about the notebook
    quiet = ["--IPKernelApp.log_level=ERROR"] if spec.get("language", "python") == "python" else []
    code = [index for index, cell in enumerate(nb.cells) if cell.cell_type == "code"]
    running = {}

    def where():
        index = running.get("index")
        if index is None:
            return f"{path}"
        return f"{path}, cell [{code.index(index) + 1}] ({_first_line(nb.cells[index].source)!r})"

    client = NotebookClient(nb, timeout=timeout, kernel_name=kernel, record_timing=False, coalesce_streams=True,
                            extra_arguments=quiet,
                            resources={"metadata": {"path": str(path.parent.resolve())}},
                            on_cell_execute=lambda cell, cell_index: running.update(index=cell_index))
    try:
        client.execute()
    except CellTimeoutError:
        raise NotebookRunError(f"{where()}: still running after {timeout} s (--timeout)") from None
    except CellExecutionError as exc:
        message = (exc.evalue or "").strip().split("\n", 1)[0]
        raise NotebookRunError(f"{where()}: {exc.ename}: {message}" if message else f"{where()}: {exc.ename}") \
            from None
    except DeadKernelError:
        raise NotebookRunError(f"{where()}: the kernel died (out of memory?)") from None
    except NoSuchKernel:
        raise NotebookRunError(f"{path}: no Jupyter kernel named {kernel!r} (its metadata.kernelspec); "
                               "install ipykernel in this environment") from None
    except RuntimeError as exc:  # "Kernel didn't respond in 60 seconds", at start-up
        reason = (str(exc).strip() or "the kernel failed").split("\n", 1)[0]
        raise NotebookRunError(f"{where()}: {reason}") from None
    except CellControlSignal as exc:  # any other way nbclient stops at a cell
        raise NotebookRunError(f"{where()}: {type(exc).__name__}") from None
    return slides.with_slides(keep_widget_ids(strip_noise(nb), stored))


def notebook_text(nb):
    """``nb`` (an nbformat notebook) as the file's text: nbformat's layout, with a final newline."""
    import nbformat
    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"


def run(path, timeout=CELL_TIMEOUT):
    """Execute the notebook at ``path`` and store the result if it differs; ``(seconds, written)``."""
    start = time.perf_counter()
    text = notebook_text(execute(path, timeout))
    seconds = time.perf_counter() - start
    if Path(path).read_text(encoding="utf-8") == text:
        return seconds, False
    files.write_file_atomically(path, lambda f: f.write(text.encode("utf-8")))
    return seconds, True


# --- the command line -----------------------------------------------------------------------------

def _notebook_paths(names):
    """Each name, or the ``NN_*.ipynb`` notebooks of a folder, in order; ``ValueError`` for bad input."""
    paths = []
    for name in names:
        path = Path(name)
        if path.is_dir():
            found = sorted(path.glob(student.NOTEBOOK_GLOB))
            if not found:
                raise ValueError(f"no notebooks {student.NOTEBOOK_GLOB} in {path}")
            paths.extend(found)
        elif not path.is_file():
            raise ValueError(f"{path} does not exist")
        elif path.suffix != ".ipynb":
            raise ValueError(f"{path} is not a notebook (.ipynb)")
        else:
            paths.append(path)
    return paths


def _read(path):
    try:
        return student.read_notebook(path)
    except UnicodeDecodeError:
        raise ValueError(f"{path} is not a notebook (not UTF-8 text)") from None
    except ValueError as exc:  # json.JSONDecodeError included
        raise ValueError(str(exc) if str(path) in str(exc) else f"{path} is not a notebook ({exc})") from None


def _run(paths, timeout):
    failed = 0
    for path in paths:
        try:
            seconds, written = run(path, timeout)
        except KeyboardInterrupt:
            print(f"interrupted: {path} is unchanged", file=sys.stderr)
            return 130
        except NotebookRunError as exc:
            print(f"error: {exc}; the file is unchanged", file=sys.stderr)
            failed += 1
            continue
        except (OSError, ValueError) as exc:  # writing failed: the earlier file is kept
            print(f"error: {exc}", file=sys.stderr)
            failed += 1
            continue
        print(f"{path}: ran in {seconds:.1f} s, {'written' if written else 'unchanged'}", flush=True)
    return 1 if failed else 0


def _check(notebooks, shown):
    found = 0
    for path, nb in notebooks:
        for problem in problems(nb):
            print(f"{path}: {problem}: run `python -m rnn_lib.notebooks strip {shown}`", file=sys.stderr)
            found += 1
    return 1 if found else 0


def _strip(notebooks):
    for path, nb in notebooks:
        count = len(problems(nb))
        if count:
            student.write_notebook(strip_noise(nb), path)
        print(f"{path}: {'stripped' if count else 'clean'}")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m rnn_lib.notebooks", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="{run,check,strip}")
    run_parser = commands.add_parser("run", help="execute notebooks in fresh kernels and store their outputs")
    run_parser.add_argument("paths", nargs="+", metavar="NOTEBOOK", help="a notebook, or a folder of notebooks")
    run_parser.add_argument("--timeout", type=int, default=CELL_TIMEOUT, metavar="SECONDS",
                            help=f"seconds a cell may run (default: {CELL_TIMEOUT})")
    for name, text in (("check", "exit 1 if a notebook stores timestamps or widget state"),
                       ("strip", "remove stored timestamps and widget state, without executing")):
        sub = commands.add_parser(name, help=text)
        sub.add_argument("paths", nargs="*", default=[DEFAULT_FOLDER], metavar="PATH",
                         help=f"a notebook, or a folder of notebooks (default: {DEFAULT_FOLDER})")
    args = parser.parse_args(argv)
    if args.command == "run" and args.timeout <= 0:
        parser.error(f"--timeout must be a positive number of seconds, got {args.timeout}")
    try:
        paths = _notebook_paths(args.paths)
        notebooks = [(path, _read(path)) for path in paths]
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.command == "run":
        return _run(paths, args.timeout)
    if args.command == "check":
        return _check(notebooks, " ".join(args.paths))
    return _strip(notebooks)


if __name__ == "__main__":
    sys.exit(main())

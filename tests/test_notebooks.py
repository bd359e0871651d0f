"""The course notebooks: deterministic, self-contained, committed cleanly, and tested strictly.

Strict nbval (configured in pyproject.toml) re-executes every notebook once and compares the
fresh outputs with the stored ones; the repository's conftest.py makes it compare the PNG figures
too, byte for byte. The stored outputs come from a clean run (checked here: execution counts
1, 2, 3, ...), so that one fresh execution proves determinism: two executions agree, text and
figures. The tests here check that set-up, and add what nbval does not check:

* nbval compares figures (a changed stored PNG fails) and keeps them out, with a warning, only
  where the stored figures cannot be reproduced byte for byte (another matplotlib);
* every notebook imports ``rnn_lib`` and installs nothing (no ``!pip install``);
* the shape of the series: a title first, links to the previous and next notebooks last,
  stored execution counts 1, 2, 3, ..., no error outputs except in cells tagged to raise, and no
  stored widget state or per-cell timestamps (``python -m rnn_lib.notebooks`` runs them without).

The notebooks are found by glob (``notebooks/NN_*.ipynb``), so a new notebook is covered as soon
as it exists. See docs/TESTING.md.
"""

import base64
import importlib.util
import re
import shlex
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import nbformat
import pytest

try:
    import tomllib
except ImportError:  # Python 3.10
    tomllib = None

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))
SANITIZE_FILE = Path(__file__).resolve().parent / "nbval_sanitize.cfg"
#: The hook that makes nbval compare figures (stored PNG bytes against the fresh run's).
FIGURES_HOOK = ROOT / "conftest.py"

needs_notebooks = pytest.mark.skipif(not NOTEBOOKS, reason="no notebooks/NN_*.ipynb yet")


def ids(paths):
    return [p.stem for p in paths]


def read(path):
    return nbformat.read(path, as_version=4)


def sanitize_patterns():
    """The (regex, replacement) pairs of the committed nbval sanitize file."""
    text = SANITIZE_FILE.read_text(encoding="utf-8")
    return re.findall(r"^regex: (.*)$\n^replace: (.*)$", text, flags=re.MULTILINE)


def figures_hook():
    spec = importlib.util.spec_from_file_location("figures_hook", FIGURES_HOOK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_series_is_numbered_from_01_without_gaps():
    if not NOTEBOOKS:
        pytest.skip("no notebooks/NN_*.ipynb yet")
    numbers = [int(p.name[:2]) for p in NOTEBOOKS]
    assert numbers == list(range(1, len(NOTEBOOKS) + 1)), [p.name for p in NOTEBOOKS]


def test_pytest_runs_strict_nbval_with_the_sanitize_file():
    """The README's test command (bare ``pytest``) must compare notebook outputs, not just run them."""
    if tomllib is None:
        pytest.skip("tomllib needs Python 3.11")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]
    addopts = shlex.split(config["addopts"])
    assert "--nbval" in addopts and "--nbval-lax" not in addopts
    assert "--nbval-current-env" in addopts
    sanitize = [a.split("=", 1)[1] for a in addopts if a.startswith("--nbval-sanitize-with=")]
    assert sanitize and (ROOT / sanitize[0]).resolve() == SANITIZE_FILE
    assert sanitize_patterns(), "the sanitize file has no regex/replace pairs"
    assert "notebooks" in config["testpaths"]


def test_the_sanitize_rules_take_linear_time_on_a_figure():
    """nbval applies every rule to every compared output, figures' base64 text included: a rule that
    tries each start position to the end of the text (quadratic) makes a 50 KB figure cost seconds."""
    import time

    figure_text = base64.b64encode(bytes(range(256)) * 150).decode()  # 51 KB of base64, no whitespace
    for regex, replacement in sanitize_patterns():
        start = time.perf_counter()
        re.sub(regex, replacement, figure_text)
        seconds = time.perf_counter() - start
        assert seconds < 0.5, f"sanitize rule {regex!r} took {seconds:.1f} s on 51 KB of base64 (~1 ms if linear)"


def test_make_test_runs_the_slow_tests_too():
    """``slow`` is a registered marker for quick local runs (-m "not slow"); nothing deselects it by default."""
    if tomllib is None:
        pytest.skip("tomllib needs Python 3.11")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]
    assert any(m.startswith("slow:") for m in config.get("markers", [])), "register the slow marker"
    assert not any(a == "-m" or a.startswith("-m") for a in shlex.split(config["addopts"])), config["addopts"]
    test_recipe = re.search(r"^test:.*\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(), flags=re.MULTILINE)
    assert test_recipe and "pytest" in test_recipe.group(1), "make test must run pytest"
    assert " -m" not in test_recipe.group(1).split("pytest", 1)[1], test_recipe.group(1)
    assert "make test" in (ROOT / ".ci" / "run").read_text()


@needs_notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_imports_rnn_lib_and_installs_nothing(path):
    code = "\n".join(c.source for c in read(path).cells if c.cell_type == "code")
    assert re.search(r"^\s*(import rnn_lib|from rnn_lib\b)", code, flags=re.MULTILINE), \
        f"{path.name} does not import rnn_lib"
    installs = re.findall(r"^\s*[!%]+\s*(?:pip|pip3|conda|mamba)\s+install.*$", code, flags=re.MULTILINE)
    assert not installs, f"{path.name} installs packages itself: {installs}"


@needs_notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_opens_with_a_title_and_ends_with_links_to_its_neighbours(path):
    cells = read(path).cells
    assert cells[0].cell_type == "markdown" and re.match(r"#\s+\S", cells[0].source), \
        f"{path.name} must open with a markdown title (# ...)"
    last = cells[-1]
    assert last.cell_type == "markdown", f"{path.name} must end with a markdown cell of links"
    links = set(re.findall(r"\]\(([^)#\s]+\.ipynb)\)", last.source))
    number = int(path.name[:2])
    for neighbour in (number - 1, number + 1):
        existing = sorted(NOTEBOOK_DIR.glob(f"{neighbour:02d}_*.ipynb"))
        if existing:
            assert existing[0].name in links, f"{path.name} must end with a link to {existing[0].name}"
    for link in links:  # every link resolves, except one to a next notebook not written yet
        to_next = re.match(rf"{number + 1:02d}_", link)
        assert (NOTEBOOK_DIR / link).is_file() or to_next, f"{path.name} links to {link}, which does not exist"


@needs_notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_stored_after_a_clean_run(path):
    nb = read(path)
    code = [c for c in nb.cells if c.cell_type == "code"]
    counts = [c.execution_count for c in code]
    assert counts == list(range(1, len(code) + 1)), \
        f"{path.name}: execution counts {counts} are not 1..{len(code)}: restart and run all"
    for i, cell in enumerate(code, start=1):
        tags = cell.metadata.get("tags", [])
        errors = [o for o in cell.outputs if o.output_type == "error"]
        if "raises-exception" in tags:
            assert errors, f"{path.name} cell [{i}] is tagged raises-exception but stored no error"
        else:
            assert not errors, f"{path.name} cell [{i}] stored an error: {errors[0].ename}"
    fix = ("run `python -m rnn_lib.notebooks strip notebooks` (after an edit, "
           f"`python -m rnn_lib.notebooks run notebooks/{path.name}` re-executes it without them)")
    assert "widgets" not in nb.metadata, f"{path.name}: stored widget state (random ids, noisy diffs): {fix}"
    timed = [i for i, cell in enumerate(nb.cells) if "execution" in cell.metadata]
    assert not timed, f"{path.name}: {len(timed)} cells store execution timestamps (noisy diffs): {fix}"


# --- figures: nbval compares them (conftest.py) ---------------------------------------------------

def tiny_png(rgb, software=None):
    """A valid 1x1 PNG of colour ``rgb``, with a ``Software`` text chunk if given."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    text = chunk(b"tEXt", b"Software\0" + software.encode("latin-1")) if software else b""
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)) + text
            + chunk(b"IDAT", zlib.compress(b"\0" + bytes(rgb))) + chunk(b"IEND", b""))


def figure_notebook(drawn, stored):
    """A one-cell notebook whose cell shows the PNG ``drawn`` and whose stored output is ``stored``."""
    nb = nbformat.v4.new_notebook()
    source = (f"from IPython.display import Image\n"
              f"Image(data=__import__('base64').b64decode({base64.b64encode(drawn).decode()!r}))")
    cell = nbformat.v4.new_code_cell(source, execution_count=1)
    cell.outputs = [nbformat.v4.new_output("execute_result", execution_count=1, data={
        "image/png": base64.b64encode(stored).decode(), "text/plain": "<IPython.core.display.Image object>"})]
    nb.cells = [cell]
    return nb


def test_nbval_fails_on_a_stored_figure_the_fresh_run_does_not_draw(tmp_path):
    """Without the hook, nbval passes a notebook whose stored figure differs from what it draws."""
    red, blue = tiny_png((255, 0, 0)), tiny_png((0, 0, 255))
    (tmp_path / "conftest.py").write_text(FIGURES_HOOK.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = --nbval --nbval-current-env -p no:cacheprovider\n")
    nbformat.write(figure_notebook(red, red), tmp_path / "same.ipynb")
    nbformat.write(figure_notebook(red, blue), tmp_path / "changed.ipynb")
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rf", "same.ipynb", "changed.ipynb"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=300,
                         env={k: v for k, v in __import__("os").environ.items() if k != "CI"})
    report = run.stdout + run.stderr
    assert "1 failed, 1 passed" in report, report
    assert "FAILED changed.ipynb::Cell 0" in report and "image/png" in report, report


def test_figures_are_compared_only_where_they_can_be_reproduced():
    hook = figures_hook()
    here = "3.11.2"

    def notebook(*pngs):
        return {"cells": [{"cell_type": "code", "outputs": [
            {"output_type": "display_data", "data": {"image/png": base64.b64encode(p).decode()}} for p in pngs]}]}

    ours = tiny_png((1, 2, 3), software=f"Matplotlib version{here}, https://matplotlib.org/")
    older = tiny_png((1, 2, 3), software="Matplotlib version3.10.0, https://matplotlib.org/")
    other_tool = tiny_png((1, 2, 3), software="some other drawing program")
    assert hook.png_software(ours) == f"Matplotlib version{here}, https://matplotlib.org/"
    assert hook.png_software(tiny_png((1, 2, 3))) is None
    assert hook.why_figures_differ(notebook(ours, other_tool, tiny_png((0, 0, 0))), here, "local") is None
    reason = hook.why_figures_differ(notebook(ours, older), here, "local")
    assert "matplotlib 3.10.0" in reason and here in reason
    # a patch release is another version: its PNGs name it, so they differ in bytes
    assert hook.why_figures_differ(notebook(ours), "3.11.20", "local") is not None
    assert "FreeType" in hook.why_figures_differ(notebook(ours), here, "system")


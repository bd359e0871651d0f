"""The course notebooks: deterministic, self-contained, committed cleanly, and tested strictly.

Strict nbval (configured in pyproject.toml) re-executes every notebook once and compares the
fresh outputs with the stored ones. The tests here add what nbval does not check:

* determinism: two fresh executions give identical outputs (so the stored outputs are not luck);
* every notebook imports ``rnn_lib`` and installs nothing (no ``!pip install``);
* the shape of the series: a title first, links to the previous and next notebooks last,
  stored execution counts 1, 2, 3, ... and no error outputs except in cells tagged to raise.

The notebooks are found by glob (``notebooks/NN_*.ipynb``), so a new notebook is covered as soon
as it exists. See docs/TESTING.md.
"""

import hashlib
import re
import shlex
import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

try:
    import tomllib
except ImportError:  # Python 3.10
    tomllib = None

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))
SANITIZE_FILE = NOTEBOOK_DIR / "nbval_sanitize.cfg"
CELL_TIMEOUT = 600  # seconds, generous: the machine may be busy
KERNEL_NAME = "rnn-course-current-env"
#: Output keys that differ between runs by design (widget model ids are random).
UNCOMPARED_DATA = {"application/vnd.jupyter.widget-view+json"}
#: Figures are compared by the SHA-256 of their bytes: measured byte-identical between runs.
IMAGE_TYPES = {"image/png", "image/jpeg"}
#: Cells whose output nbval does not compare (docs/TESTING.md lists every use and its reason).
IGNORE_TAGS = {"nbval-ignore-output", "nbval-skip"}
IGNORE_COMMENT = re.compile(r"^\s*#\s*(NBVAL_IGNORE_OUTPUT|NBVAL_SKIP)\s*$", flags=re.MULTILINE)

needs_notebooks = pytest.mark.skipif(not NOTEBOOKS, reason="no notebooks/NN_*.ipynb yet")


def ids(paths):
    return [p.stem for p in paths]


def read(path):
    return nbformat.read(path, as_version=4)


class CurrentEnvKernelSpecManager(KernelSpecManager):
    """Starts kernels with this interpreter (as nbval's --nbval-current-env does)."""

    def get_kernel_spec(self, kernel_name):
        if kernel_name == KERNEL_NAME:
            return KernelSpec(argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                              display_name="Python (current environment)", language="python")
        return super().get_kernel_spec(kernel_name)


def sanitize_patterns():
    """The (regex, replacement) pairs of the committed nbval sanitize file."""
    text = SANITIZE_FILE.read_text(encoding="utf-8")
    return re.findall(r"^regex: (.*)$\n^replace: (.*)$", text, flags=re.MULTILINE)


def execute(path):
    """Execute a copy of the notebook at ``path`` in a fresh kernel, in the notebooks folder."""
    nb = read(path)
    km = KernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=CurrentEnvKernelSpecManager())
    client = NotebookClient(nb, km=km, timeout=CELL_TIMEOUT, kernel_name=KERNEL_NAME,
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
    finally:
        if km.has_kernel:
            km.shutdown_kernel(now=True)
    return nb


def ignored_by_nbval(cell):
    return bool(IGNORE_TAGS & set(cell.metadata.get("tags", []))) or bool(IGNORE_COMMENT.search(cell.source))


def comparable_outputs(nb, patterns=()):
    """Per code cell, its outputs reduced to what must repeat: text (sanitized) and image hashes.

    Consecutive stream outputs are joined first (how a cell's printing is split into outputs
    depends on timing), and cells that nbval is told not to compare are left out.
    """

    def clean(text):
        if isinstance(text, list):
            text = "".join(text)
        for regex, replacement in patterns:
            text = re.sub(regex, replacement, text)
        return text

    cells = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or ignored_by_nbval(cell):
            continue
        outputs = []
        for out in cell.outputs:
            if out.output_type == "stream":
                if outputs and outputs[-1][:2] == ("stream", out.name):
                    outputs[-1] = ("stream", out.name, outputs[-1][2] + clean(out.text))
                else:
                    outputs.append(("stream", out.name, clean(out.text)))
            elif out.output_type == "error":
                outputs.append(("error", out.ename, clean(out.evalue)))
            else:
                data = {}
                for key, value in out.get("data", {}).items():
                    if key in UNCOMPARED_DATA:
                        continue
                    if key in IMAGE_TYPES:
                        data[key] = hashlib.sha256(value.encode("ascii")).hexdigest()
                    else:
                        data[key] = clean(value)
                outputs.append((out.output_type, tuple(sorted(data.items()))))
        cells.append((index, outputs))
    return cells


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
    assert "widgets" not in nb.metadata, f"{path.name}: strip metadata.widgets (random ids, noisy diffs)"


@needs_notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_two_fresh_runs_give_identical_outputs(path):
    patterns = sanitize_patterns()
    first = comparable_outputs(execute(path), patterns)
    second = comparable_outputs(execute(path), patterns)
    for (index, a), (_, b) in zip(first, second):
        assert a == b, f"{path.name} cell {index} gave different outputs in two fresh runs"
    assert len(first) == len(second)

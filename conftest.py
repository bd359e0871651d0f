"""Strict nbval compares the notebooks' figures too, so one fresh execution proves determinism.

nbval re-executes every notebook once and compares each fresh output with the stored one, but by
default it leaves PNG and JPEG figures out (``IPyNbFile.skip_compare``). This hook takes them out of
that list, nbval's documented way to choose what it compares: a figure must then come out of the
fresh run byte for byte as stored. The stored outputs come from a clean run (``tests/
test_notebooks.py`` checks execution counts 1, 2, 3, ...), so this one comparison shows that two
executions agree, text and figures, without executing any notebook a second time.

PNG bytes are only reproducible with the same drawing code: matplotlib writes its version into every
PNG it saves, and its wheels draw text with the FreeType they bundle. So the figures of a notebook
are compared when every stored PNG that names a matplotlib names the one running here, and that
matplotlib uses its bundled FreeType. Otherwise (a learner with another matplotlib, a conda build
linked to the system's FreeType) the figures are left out with a warning saying why, and the text
is still compared; with ``CI=true`` they are compared regardless, so CI fails until the notebooks
are re-executed with the declared environment. See docs/TESTING.md.
"""

import base64
import binascii
import importlib.util
import json
import os
import re
import struct

import pytest

FIGURE_TYPES = ("image/png", "image/jpeg")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MATPLOTLIB_SOFTWARE = "Matplotlib version"


def png_software(png):
    """The ``Software`` text chunk of a PNG (``None`` if it has none)."""
    if not png.startswith(PNG_SIGNATURE):
        return None
    i = len(PNG_SIGNATURE)
    while i + 8 <= len(png):
        (length,), kind = struct.unpack(">I", png[i:i + 4]), png[i + 4:i + 8]
        if kind == b"tEXt":
            key, _, value = png[i + 8:i + 8 + length].partition(b"\0")
            if key == b"Software":
                return value.decode("latin-1")
        if kind == b"IDAT":  # text chunks written by matplotlib come before the image data
            return None
        i += 12 + length
    return None


def stored_pngs(notebook):
    """The PNG figures stored in a notebook (a parsed .ipynb), as bytes."""
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []):
            data = output.get("data", {}).get("image/png")
            if data:
                try:
                    yield base64.b64decode("".join(data) if isinstance(data, list) else data)
                except (binascii.Error, ValueError):
                    yield b""


def running_matplotlib():
    """``(version, FreeType build)`` of the matplotlib the kernels import (``--nbval-current-env``)."""
    import matplotlib
    from matplotlib import ft2font

    return matplotlib.__version__, getattr(ft2font, "__freetype_build_type__", "unknown")


def why_figures_differ(notebook, matplotlib_version, freetype_build):
    """Why the stored figures cannot be reproduced byte for byte here, or ``None`` if they can."""
    expected = f"{MATPLOTLIB_SOFTWARE}{matplotlib_version},"
    others = sorted({s.split(",")[0][len(MATPLOTLIB_SOFTWARE):] for s in map(png_software, stored_pngs(notebook))
                     if s and s.startswith(MATPLOTLIB_SOFTWARE) and not s.startswith(expected)})
    if others:
        return (f"its figures were drawn by matplotlib {', '.join(others)}, this is {matplotlib_version}: "
                "re-execute the notebook with the declared environment to compare them")
    if freetype_build != "local":
        return (f"this matplotlib draws text with a {freetype_build} FreeType, not the one its wheels "
                "bundle, so its PNGs differ from the stored ones")
    return None


def pytest_collectstart(collector):
    try:
        from nbval.plugin import IPyNbFile
    except ImportError:  # nbval not installed: nothing to configure
        return
    if not isinstance(collector, IPyNbFile) or not collector.compare_outputs:  # --nbval-lax compares nothing
        return
    try:
        notebook = json.loads(collector.path.read_text(encoding="utf-8"))
    except ValueError:  # not a notebook: nbval reports it
        return
    reason = why_figures_differ(notebook, *running_matplotlib())
    if reason and os.environ.get("CI") != "true":
        collector.warn(pytest.PytestWarning(f"{collector.path.name}: figures not compared: {reason}"))
        return
    collector.skip_compare = tuple(key for key in collector.skip_compare if key not in FIGURE_TYPES)


TORCH_MISSING = ("needs PyTorch, which is optional and not installed: "
                 ".venv/bin/pip install torch (or pip install -e '.[torch]')")


def torch_installed():
    return importlib.util.find_spec("torch") is not None


def pytest_configure(config):
    """``-m torch`` selects the tests that need PyTorch; without it installed that is a mistake, said in one line."""
    if config.option.markexpr.strip() == "torch" and not torch_installed():
        raise pytest.UsageError(f"-m torch runs only the tests that need PyTorch, and this environment {TORCH_MISSING}")


@pytest.hookimpl(tryfirst=True)  # before pytest's -m selects
def pytest_collection_modifyitems(config, items):
    """Every test that needs PyTorch carries the ``torch`` marker; where PyTorch is missing they skip, one line each.

    PyTorch is optional for the course (notebooks 01-07 never import it): a newcomer's ``make test`` passes without
    it, and CI runs the same ``make test`` first, then installs PyTorch and runs ``pytest -m torch`` (``.ci/run``).
    The marker is added here to nbval's items of the notebooks that import PyTorch (notebook 08); test functions
    carry it themselves (``tests/test_markers.py`` checks that every test that imports torch does).
    """
    for item in items:
        path = getattr(item, "path", None)
        if path is not None and path.suffix == ".ipynb" and not item.nodeid.startswith("tests/") \
                and notebook_needs_torch(path):
            item.add_marker(pytest.mark.torch)
    if torch_installed():
        return
    skip = pytest.mark.skip(reason=f"this test {TORCH_MISSING}")
    for item in items:
        if item.get_closest_marker("torch") is not None:
            item.add_marker(skip)


def notebook_needs_torch(path):
    """Whether the notebook at ``path`` imports PyTorch in a code cell (notebook 08 does).

    Such a notebook's executions carry the ``torch`` marker: nbval's here, the student version's in
    ``tests/test_student.py`` (which reads this function through ``tests/helpers.py``).
    """
    if path not in _TORCH_VERDICTS:
        try:
            notebook = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:  # not a notebook: nbval reports it
            notebook = {}
        _TORCH_VERDICTS[path] = any(
            cell.get("cell_type") == "code" and re.search(r"^\s*(import torch|from torch)\b",
                                                          "".join(cell.get("source", "")), re.MULTILINE)
            for cell in notebook.get("cells", []))
    return _TORCH_VERDICTS[path]


_TORCH_VERDICTS = {}

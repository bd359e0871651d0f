"""The slide metadata (``rnn_lib.slides``): written by its rules, up to date in every notebook, metadata only.

The deck itself is checked in a browser by tests/browser/test_lab_slides.py.
"""

import copy
import json

import pytest

from rnn_lib import slides, student
from rnn_lib.website import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob(student.NOTEBOOK_GLOB))


def _md(text):
    return {"cell_type": "markdown", "metadata": {}, "source": text}


def _code(text, figure=False):
    outputs = [{"output_type": "display_data", "metadata": {}, "data": {"image/png": "iVBOR", "text/plain": "F"}}]
    return {"cell_type": "code", "metadata": {}, "source": text, "outputs": outputs if figure else [],
            "execution_count": 1}


def test_the_rules_on_a_small_notebook():
    nb = {"metadata": {}, "cells": [
        _md("# Title\n\n**You will learn**"), _code("import numpy as np"),
        _md("## 1. A section"), _md("More prose."), _code("x = 1"),
        _md("Why does the curve fall?"), _code("plot()", figure=True), _code("print(1)"),
        _md("### A subsection"), _code("y = 2"), _md("\n## 2. Heading after a blank line"),
    ]}
    assert slides.slide_types(nb) == ["slide", "-", "slide", "-", "-", "subslide", "fragment", "-",
                                      "subslide", "-", "slide"]
    slides.with_slides(nb)
    assert slides.count_slides(nb) == 5
    assert [c["metadata"].get("slideshow", {}).get("slide_type") for c in nb["cells"]][:3] == ["slide", None, "slide"]
    assert nb["metadata"]["rise"] == slides.RISE_SETTINGS and slides.is_up_to_date(nb)
    nb["cells"][3]["metadata"]["slideshow"] = {"slide_type": "skip"}
    assert not slides.is_up_to_date(nb)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem[:2])
def test_every_notebook_has_its_slide_metadata(path):
    nb = student.read_notebook(path)
    assert slides.is_up_to_date(nb), f"{path.name}: run `python -m rnn_lib.slides --write notebooks`"
    assert slides.count_slides(nb) >= 5, f"{path.name}: a deck of fewer than 5 slides"


def test_writing_slides_changes_only_metadata():
    nb = student.read_notebook(NOTEBOOKS[2])
    before = copy.deepcopy(nb)
    for cell in nb["cells"]:
        cell["metadata"].pop("slideshow", None)
    slides.with_slides(nb)
    strip = lambda n: [{k: v for k, v in c.items() if k != "metadata"} for c in n["cells"]]  # noqa: E731
    assert strip(nb) == strip(before)
    assert json.dumps(nb, sort_keys=True) == json.dumps(before, sort_keys=True)  # and the same metadata again


def test_the_command_line(tmp_path, capsys):
    for path in NOTEBOOKS[:2]:
        nb = student.read_notebook(path)
        for cell in nb["cells"]:
            cell["metadata"].pop("slideshow", None)
        student.write_notebook(nb, tmp_path / path.name)
    assert slides.main(["--check", str(tmp_path)]) == 1
    assert "slide metadata not up to date" in capsys.readouterr().err
    assert slides.main(["--write", str(tmp_path)]) == 0
    assert slides.main(["--check", str(tmp_path)]) == 0
    for path in NOTEBOOKS[:2]:
        assert (tmp_path / path.name).read_text(encoding="utf-8") == path.read_text(encoding="utf-8")
    assert slides.main(["--check", str(tmp_path / "missing")]) == 2
    assert capsys.readouterr().err.startswith("error: no notebooks")

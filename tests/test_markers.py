"""Every test that needs PyTorch carries the ``torch`` marker, so CI's ``pytest -m torch`` runs every one of them.

A newcomer's ``make test`` runs without PyTorch and skips these; CI then installs PyTorch and runs only
``pytest -m torch`` (``.ci/run``). A test that imports torch without the marker would be skipped in the first
run and never selected in the second: this test finds such a test from the source, before it is lost.
"""

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent


def mentions_torch(node):
    """Whether ``node`` imports torch (``import torch``, ``from torch ...``, ``pytest.importorskip("torch")``)."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Import) and any(a.name.split(".")[0] == "torch" for a in sub.names):
            return True
        if isinstance(sub, ast.ImportFrom) and (sub.module or "").split(".")[0] == "torch":
            return True
        if isinstance(sub, ast.Call) and getattr(sub.func, "attr", None) == "importorskip" and sub.args \
                and isinstance(sub.args[0], ast.Constant) and sub.args[0].value == "torch":
            return True
    return False


def is_torch_mark(node):
    """``pytest.mark.torch`` (or a list holding it)."""
    return any(isinstance(sub, ast.Attribute) and sub.attr == "torch" and isinstance(sub.value, ast.Attribute)
               and sub.value.attr == "mark" for sub in ast.walk(node))


def unmarked_torch_tests(source):
    """Names of the test functions in ``source`` that need torch, directly or through a helper, without the marker."""
    tree = ast.parse(source)
    if any(isinstance(n, ast.Assign) and any(getattr(t, "id", None) == "pytestmark" for t in n.targets)
           and is_torch_mark(n.value) for n in tree.body):
        return []
    functions = {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    needs = {name for name, fn in functions.items() if mentions_torch(fn)}
    while True:  # a function that calls one that needs torch needs it too
        more = {name for name, fn in functions.items() if name not in needs and any(
            isinstance(c, ast.Call) and getattr(c.func, "id", None) in needs for c in ast.walk(fn))}
        if not more:
            break
        needs |= more
    return sorted(name for name in needs if name.startswith("test_")
                  and not any(is_torch_mark(d) for d in functions[name].decorator_list))


@pytest.mark.parametrize("path", sorted(TESTS.rglob("test_*.py")), ids=lambda p: str(p.relative_to(TESTS)))
def test_every_test_that_imports_torch_is_marked(path):
    assert unmarked_torch_tests(path.read_text(encoding="utf-8")) == [], \
        f"{path.name}: mark these @pytest.mark.torch, so `pytest -m torch` runs them where PyTorch is installed"


@pytest.mark.parametrize("source, expected", [
    ("import pytest\ndef test_a():\n    torch = pytest.importorskip('torch')\n", ["test_a"]),
    ("import pytest\ndef helper():\n    import torch\ndef test_b():\n    helper()\n", ["test_b"]),
    ("import pytest\n@pytest.mark.torch\ndef test_c():\n    from torch import nn\n", []),
    ("import pytest\npytestmark = pytest.mark.torch\ndef test_d():\n    import torch\n", []),
    ("import pytest\ndef test_e():\n    assert 'torch' in 'a torch'\n", []),
])
def test_the_finder_finds_unmarked_tests(source, expected):
    assert unmarked_torch_tests(source) == expected

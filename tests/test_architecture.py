"""The package's shape: no import cycle anywhere, and a new cell is one class.

The cell below is defined here, in the test, and nowhere in rnn_lib: the model,
the time loop, training, evaluation and gradient checking take it as they take
the vanilla cell.
"""

import ast
from pathlib import Path

import numpy as np
import pytest

import rnn_lib
from rnn_lib import RNN, Vocabulary, check_gradients, evaluate, fit, train

PACKAGE = Path(rnn_lib.__file__).resolve().parent


# --- no import cycle -----------------------------------------------------------------------------
def module_names(package_dir):
    """``{dotted module name: file}`` for every .py file of the package (``__init__`` is the package)."""
    root = package_dir.name
    names = {}
    for path in sorted(package_dir.rglob("*.py")):
        parts = [root, *path.relative_to(package_dir).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names[".".join(parts)] = path
    return names


def imports_of(name, path, modules):
    """The package's modules that module ``name`` imports, at any level (functions included)."""
    is_package = path.name == "__init__.py"
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")
                base = base[:len(base) - node.level + (1 if is_package else 0)]
                base = ".".join(base + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            # "from base import x": x is a module of its own, or a name defined in base
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
        else:
            continue
        found.update(t for t in targets if t in modules and t != name)
    return found


def find_cycle(package_dir):
    """One import cycle among the package's modules, as a list of names, or ``None``."""
    modules = module_names(package_dir)
    graph = {name: sorted(imports_of(name, path, modules)) for name, path in modules.items()}
    state, stack = {}, []

    def visit(m):
        state[m] = "open"
        stack.append(m)
        for n in graph[m]:
            if state.get(n) == "open":
                return stack[stack.index(n):] + [n]
            if n not in state:
                cycle = visit(n)
                if cycle:
                    return cycle
        stack.pop()
        state[m] = "done"
        return None

    for m in sorted(graph):
        if m not in state:
            cycle = visit(m)
            if cycle:
                return cycle
    return None


def test_rnn_lib_has_no_import_cycle():
    cycle = find_cycle(PACKAGE)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


# --- layers --------------------------------------------------------------------------------------
#: The bottom of the package: what the data sets may use besides each other.
BOTTOM = {"rnn_lib.checks", "rnn_lib.vocab", "rnn_lib.files"}
#: How long a module may grow: a reader takes one in at a sitting.
MAX_MODULE_LINES = 500


def import_graph(package_dir):
    modules = module_names(package_dir)
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def test_the_data_sets_sit_at_the_bottom_and_use_nothing_above_them():
    graph = import_graph(PACKAGE)
    data = {m for m in graph if m == "rnn_lib.data" or m.startswith("rnn_lib.data.")}
    assert {"rnn_lib.data.sentiment", "rnn_lib.data.names", "rnn_lib.data.your_files", "rnn_lib.data.grammar",
            "rnn_lib.data.longrange", "rnn_lib.data.dates"} <= data
    for m in sorted(data):
        above = sorted(graph[m] - data - BOTTOM)
        assert not above, f"{m} imports {above}: the data sets use only each other and {sorted(BOTTOM)}"
    for m in sorted(BOTTOM):
        assert not graph[m] - BOTTOM, f"{m} is at the bottom but imports {sorted(graph[m] - BOTTOM)}"


def test_the_data_sets_ship_with_the_package():
    """``pip install`` (not only an editable install) copies the JSON files of rnn_lib.data."""
    tomllib = pytest.importorskip("tomllib", reason="reading pyproject.toml needs Python 3.11's tomllib")
    config = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    packages = {".".join(p.parent.relative_to(PACKAGE.parent).parts) for p in PACKAGE.rglob("__init__.py")}
    assert packages == set(config["packages"])
    for path in sorted(PACKAGE.rglob("*.json")):
        owner = ".".join(path.parent.relative_to(PACKAGE.parent).parts)
        assert any(path.match(pattern) for pattern in config["package-data"].get(owner, [])), path


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_is_longer_than_a_reader_takes_in_at_once(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{path.relative_to(PACKAGE)} has {lines} lines: split it by job"


def test_the_cycle_finder_sees_imports_inside_functions_and_from_the_package(tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("from .a import f\n")
    (pkg / "a.py").write_text("import numpy\n\ndef f():\n    from .b import g\n    return g()\n")
    (pkg / "b.py").write_text("def g():\n    return 1\n")
    assert find_cycle(pkg) is None
    (pkg / "b.py").write_text("def g():\n    from . import a\n    return a\n")  # a -> b -> a, at call time
    assert find_cycle(pkg) == ["pkg.a", "pkg.b", "pkg.a"]
    (pkg / "b.py").write_text("from pkg import f\n")  # b -> the package, which imports a -> b
    assert find_cycle(pkg) is not None


# --- a cell is one class -------------------------------------------------------------------------
class DecayingMemoryCell:
    """A toy cell with a two-part state (h, m), written only against the cell interface.

        m_t = m_{t-1} / 2 + Wxm x_t
        h_t = tanh(Wxh x_t + Whh h_{t-1} + m_t + bh)
    """

    name = "decaying-memory"
    biases = ("bh",)

    def shapes(self, V, H):
        return {"Wxh": (H, V), "Whh": (H, H), "Wxm": (H, V), "bh": (H, 1)}

    def zero_state(self, H):
        return (np.zeros((H, 1)), np.zeros((H, 1)))

    def step_forward(self, params, x, state):
        h_prev, m_prev = state
        m = 0.5 * m_prev + params["Wxm"] @ x
        h = np.tanh(params["Wxh"] @ x + params["Whh"] @ h_prev + m + params["bh"])
        return (h, m), (x, h_prev, h)

    def step_backward(self, params, d_state, cache):
        d_h, d_m = d_state
        x, h_prev, h = cache
        da = (1 - h**2) * d_h
        d_m = d_m + da  # m_t enters h_t's sum directly
        grads = {"Wxh": da @ x.T, "Whh": da @ h_prev.T, "Wxm": d_m @ x.T, "bh": da}
        return (params["Whh"].T @ da, 0.5 * d_m), grads


def toy_model(seed=0, H=5, V=6, scale=0.5):
    model = RNN(V, 2, H, rng=seed, init=scale, cell=DecayingMemoryCell())
    model.bh = np.random.default_rng(seed + 1).normal(0, 0.2, (H, 1))
    model.by = np.random.default_rng(seed + 2).normal(0, 0.2, (2, 1))
    return model


def test_a_new_cell_gets_parameters_a_state_and_names_from_its_one_class():
    model = toy_model()
    assert tuple(model.params) == ("Wxh", "Whh", "Wxm", "Why", "bh", "by")
    assert model.Wxm.shape == (5, 6) and model.Wxm.base is not None  # a view into model.flat
    y, h = model.forward([1, 2, 3])
    assert y.shape == (2, 1) and h.shape == (5, 1) and model.last_hs.shape == (4, 5, 1)
    assert "decaying" in repr(model)


@pytest.mark.parametrize("T", [1, 4, 9])
def test_a_new_cell_passes_the_gradient_check_through_the_shared_code(T):
    model = toy_model(seed=T)
    rng = np.random.default_rng(T)
    inputs = [int(i) for i in rng.integers(0, 6, size=T)]
    h0 = 0.3 * rng.standard_normal((5, 1))
    report = check_gradients(model, inputs, T % 2, h0=h0, names=tuple(model.params))
    assert report.passed(1e-6), str(report)
    # the memory really is used: its weights get a gradient
    assert np.abs(model.loss(inputs, T % 2, h0=h0)[1]["Wxm"]).max() > 1e-3


def test_a_new_cell_trains_with_the_one_training_loop():
    _, _, history = fit(seed=0, epochs=30, init="xavier", hidden_size=16, cell=DecayingMemoryCell())
    assert history.train_loss[-1] < history.train_loss[0] - 0.1
    vocab = Vocabulary.from_texts(rnn_lib.train_data)
    model = RNN(len(vocab), 2, 16, rng=0, init="xavier", cell=DecayingMemoryCell())
    loss0, _ = evaluate(model, vocab, rnn_lib.test_data)
    train(model, vocab, epochs=30, rng=1)
    assert evaluate(model, vocab, rnn_lib.test_data)[0] < loss0
    with pytest.raises(ValueError, match="columns = True.*engine=.loop."):
        train(model, vocab, epochs=1, engine="fast")

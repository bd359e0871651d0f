"""pyproject.toml (pip) and environment.yml (conda, Binder) list the same dependencies."""

import re
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib", reason="tomllib needs Python 3.11+")

ROOT = Path(__file__).resolve().parents[1]
CONDA_ONLY = {"python", "pip"}
PIP_ONLY_EXTRAS = {"torch"}  # optional oracle, installed by .ci/run, not part of the course environment
RENAMES = {}  # pip name -> conda-forge name, where they differ


def split(req):
    m = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)\s*(.*)", req)
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def pyproject_requirements():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(meta["dependencies"])
    for extra, items in meta["optional-dependencies"].items():
        if extra not in PIP_ONLY_EXTRAS:
            reqs += items
    return dict(split(r) for r in reqs)


def conda_requirements():
    """environment.yml's dependencies, the conda ones and those of its ``pip:`` section (not on conda-forge)."""
    deps = {}
    in_deps = False
    for line in (ROOT / "environment.yml").read_text().splitlines():
        if line.startswith("dependencies:"):
            in_deps = True
            continue
        m = re.fullmatch(r"  - ([^\s].*)", line) or re.fullmatch(r"      - ([^\s].*)", line)
        if in_deps and m and not m.group(1).startswith("pip:"):
            name, spec = split(m.group(1))
            deps[name] = spec
    return deps


def test_pip_section_is_read():
    """A package only on PyPI (``names``, the census first names) is listed under ``pip:`` and counted."""
    assert conda_requirements()["names"] == ">=0.3.0,<0.4"


def test_environment_yml_matches_pyproject():
    pip = {RENAMES.get(k, k): v for k, v in pyproject_requirements().items()}
    conda = {k: v for k, v in conda_requirements().items() if k not in CONDA_ONLY}
    assert conda == pip


def test_binder_and_conda_users_install_the_package_itself():
    """repo2docker builds environment.yml before the repository is there: postBuild installs rnn_lib."""
    assert "pip install --no-deps -e ." in (ROOT / "postBuild").read_text()
    assert "pip install --no-deps -e ." in (ROOT / "README.md").read_text()
    assert (ROOT / "postBuild").stat().st_mode & 0o111, "postBuild must be executable"


def test_python_versions_agree():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert conda_requirements()["python"] == meta["requires-python"]


def test_ranges_not_exact_pins():
    for name, spec in pyproject_requirements().items():
        assert "==" not in spec, f"{name} is pinned exactly ({spec}): give a range"

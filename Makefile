# Two commands do all set-up: `make lab` opens the course, `make test` runs every test.
# Both create a local virtual environment in .venv on first use (Python >= 3.10 needed).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: lab test bench install clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[lab,test]'
	touch $(STAMP)

# JupyterLab refuses to run as root unless told to (containers often run as root).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: $(STAMP)
	$(BIN)/jupyter lab $(ROOT_FLAG) --ServerApp.root_dir=. \
		--LabApp.default_url=/lab/tree/notebooks/01_preprocessing.ipynb

# Every test, the ones marked slow included (`pytest -m "not slow"` is for quick iterations only).
test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_training.py

clean:
	rm -rf $(VENV) artifacts .pytest_cache

# Two commands do all set-up: `make lab` opens the course, `make test` runs every test.
# Both create a local virtual environment in .venv on first use (Python >= 3.10 needed).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# MathJax and reveal.js for the offline website, from npm (website/package-lock.json); `make test` installs them
# when npm is there, for the site's browser test (defined here, before the rules that name it).
SITE_DEPS := website/node_modules/.package-lock.json

.PHONY: lab test bench install clean student grading course site notebook

# The course's JupyterLab settings (jupyter-config/README.md): no news popup, no news feed and no
# update check, since a classroom is often offline. Copied into the environment, for `make lab`.
LAB_CONFIG := $(VENV)/etc/jupyter/jupyter_lab_config.json $(VENV)/etc/jupyter/labconfig/page_config.json \
	$(VENV)/share/jupyter/lab/settings/overrides.d/rnns-from-scratch.json

install: $(STAMP) $(LAB_CONFIG)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[lab,test]'
	touch $(STAMP)

$(VENV)/etc/jupyter/%: jupyter-config/% $(STAMP)
	mkdir -p $(@D)
	cp $< $@

$(VENV)/share/jupyter/%: jupyter-config/% $(STAMP)
	mkdir -p $(@D)
	cp $< $@

# JupyterLab refuses to run as root unless told to (containers often run as root).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: install
	$(BIN)/jupyter lab $(ROOT_FLAG) --ServerApp.root_dir=. \
		--LabApp.default_url=/lab/tree/notebooks/01_preprocessing.ipynb

# Every test, the ones marked slow included (`pytest -m "not slow"` is for quick iterations only), in two
# processes (pytest-xdist) that share out the test files: a notebook's cells run in order in one kernel.
test: install $(if $(shell command -v npm),$(SITE_DEPS))
	$(BIN)/python -m pytest -n 2 --dist loadscope

# Student versions of the notebooks (docs/TEACHING.md): student/NN_*.ipynb without the solutions
# and outputs; `make student NO_ANSWERS=1` also drops the folded answers of the prose exercises.
student: $(STAMP)
	$(BIN)/python -m rnn_lib.student --source notebooks --out student $(if $(NO_ANSWERS),--no-answers)

# nbgrader (docs/TEACHING.md): `make grading` sets each notebook's nbgrader metadata from its cells
# (run it after adding an exercise); `make course COURSE=DIR` makes an nbgrader course folder DIR.
grading: $(STAMP)
	$(BIN)/python -m rnn_lib.grading --write notebooks

course: $(STAMP)
	$(if $(COURSE),,$(error give the course folder: make course COURSE=../rnn-course))
	$(BIN)/python -m rnn_lib.grading --course $(COURSE)

# Re-execute notebooks after an edit (docs/TESTING.md): `make notebook NB=05` runs notebooks/05_*.ipynb in a
# fresh kernel and stores its outputs (no timestamps, no widget state, the slide metadata set); NB="05 06" runs
# two, no NB runs them all. A cell that fails leaves its notebook unchanged.
notebook: $(STAMP)
	$(BIN)/python -m rnn_lib.notebooks run $(if $(NB),$(foreach n,$(NB),notebooks/$(n)_*.ipynb),notebooks)

# The course as an offline website (docs/SITE.md): site/index.html and one page per notebook, from the
# stored outputs (nothing is executed). MathJax comes from npm (website/package-lock.json), copied into site/.
$(SITE_DEPS): website/package.json website/package-lock.json
	@command -v npm >/dev/null || { echo "error: make site needs node and npm (apt-get install npm)" >&2; exit 1; }
	npm ci --prefix website --no-audit --no-fund

site: $(STAMP) $(SITE_DEPS)
	$(BIN)/python -m rnn_lib.website --source notebooks --out site $(if $(BINDER_REPO),--binder-repo $(BINDER_REPO))

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_training.py
	$(BIN)/python benchmarks/bench_lm.py

clean:
	rm -rf $(VENV) artifacts .pytest_cache student site website/node_modules

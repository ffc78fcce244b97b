# The workbook's commands. `make` alone lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
KERNEL := workbook

.PHONY: help venv reports test test-fast check sample lab lab-user lint format lock clean bench

help: ## Show this list of commands
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# The installer of the lock: uv (from the package registry, pinned here, installed into .venv by
# pip) when it installs, pip otherwise. `make venv INSTALLER=pip` uses pip only. Both read the
# same requirements.lock and install the same versions. uv compiles the bytecode at install, as
# pip does (without it every process compiles the modules it imports when PYTHONDONTWRITEBYTECODE
# is set: 8-11 s instead of 4 s to import what a report kernel needs).
UV_VERSION := 0.13.9
INSTALLER ?= auto
PIP := $(BIN)/python -m pip --disable-pip-version-check
UV := $(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python

# The environment is (re)built from the lock file whenever the lock or pyproject.toml is newer.
$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@if [ "$(INSTALLER)" != pip ] && $(PIP) install --quiet "uv==$(UV_VERSION)" \
	    && $(UV) -r requirements.lock && $(UV) --no-deps -e . ; then \
	  echo "installed requirements.lock with uv $(UV_VERSION)"; \
	else \
	  echo "installing requirements.lock with pip"; \
	  $(PIP) install --quiet --upgrade "pip>=24" \
	    && $(PIP) install --quiet -r requirements.lock && $(PIP) install --quiet --no-deps -e . ; \
	fi
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Workbook (Region Jönköpings län)" >/dev/null
	@touch $(STAMP)

venv: $(STAMP) ## Create .venv from requirements.lock (uv when it installs, else pip)

reports: $(STAMP) ## Build every HTML report into outputs/ (real data in data/raw, else the sample)
	$(BIN)/workbook run
	@echo "Open outputs/index.html"

# Lint first (formatting is held); then the tests and, with nbval, every notebook as a user opens it
# (its own kernel, default parameters); tests/test_notebooks.py runs them with other parameters.
test: $(STAMP) lint ## Lint, then run all tests, including every notebook on the sample data
	$(BIN)/python -m pytest -n 2 --dist loadfile --nbval-lax tests notebooks

test-fast: $(STAMP) ## Run the tests except notebooks, browser, cluster and fault injection
	$(BIN)/python -m pytest -m "not notebooks and not browser and not cluster and not faults"

check: $(STAMP) ## Check the data folder (data/raw, else the sample) and list every problem
	$(BIN)/workbook check

sample: $(STAMP) ## Regenerate the synthetic sample data in data/sample
	$(BIN)/workbook sample

# JupyterLab refuses to start as root ("Running as root is not recommended"): say why and what to
# do before anything is installed or started. In a container where root is the only user:
# make lab ALLOW_ROOT=1.
lab-user:
	@if [ "$$(id -u)" = "0" ] && [ -z "$(ALLOW_ROOT)" ]; then \
	  echo "make lab: JupyterLab does not start as root (the superuser)." >&2; \
	  echo "  Run it as your ordinary user: exit the root shell (or sudo -u <user> make lab)," >&2; \
	  echo "  or, in a container where root is the only user: make lab ALLOW_ROOT=1" >&2; \
	  exit 2; fi

lab: lab-user $(STAMP) ## Open JupyterLab in notebooks/ with the project's kernel (as root: ALLOW_ROOT=1)
	$(BIN)/jupyter lab --notebook-dir=notebooks --ServerApp.open_browser=True --LabApp.news_url=None \
	  --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate $(if $(ALLOW_ROOT),--allow-root)

lint: $(STAMP) ## ruff on the package, tests and notebooks
	$(BIN)/ruff check analysis tests benchmarks notebooks
	$(BIN)/ruff format --check analysis tests benchmarks

format: $(STAMP) ## Format the code with ruff
	$(BIN)/ruff format analysis tests benchmarks
	$(BIN)/ruff check --fix analysis tests benchmarks

bench: $(STAMP) ## Run the benchmarks (prints times and ratios) and the effect-verdict calibration study (~50 min)
	$(BIN)/python benchmarks/spc_many.py
	$(BIN)/python benchmarks/figures.py
	$(BIN)/python benchmarks/dataset_load.py
	$(BIN)/python benchmarks/surveys.py
	$(BIN)/python benchmarks/privacy.py
	$(BIN)/python benchmarks/waves_calibration.py
	$(BIN)/python benchmarks/ihi_rules.py
	$(BIN)/python benchmarks/reports.py
	$(BIN)/python benchmarks/baseline_scale.py
	$(BIN)/python benchmarks/explore_headless.py
	$(BIN)/python benchmarks/calibration.py
	$(BIN)/python benchmarks/county_sample.py
	$(BIN)/python benchmarks/posters.py
	$(BIN)/python benchmarks/county_scale.py
	bash benchmarks/setup.sh

lock: ## Regenerate requirements.lock from pyproject.toml in a clean environment
	rm -rf .lockenv && $(PYTHON) -m venv .lockenv
	.lockenv/bin/python -m pip install --quiet --upgrade "pip>=24"
	.lockenv/bin/python -m pip install --quiet ".[dev,cluster,lab]"
	( echo "# Exact versions of every package (make lock). Python 3.11."; \
	  .lockenv/bin/python -m pip freeze --exclude-editable | grep -v -i '^workbook-analysis' ) > requirements.lock
	rm -rf .lockenv

clean: ## Remove outputs, processed data and caches (keeps .venv and data)
	rm -rf outputs/* data/processed/* .pytest_cache .ruff_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

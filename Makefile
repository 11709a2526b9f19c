# Two commands for a new user (see README.md):
#   make run    set up .venv and run the main job
#   make test   set up .venv with the test tools and run the whole test suite
# Everything installs into ./.venv from pyproject.toml, at the exact versions of constraints.txt (written by
# scripts/lock_environment.py); only python3.12 (or newer), with its headers (Python.h), and a C compiler must be
# present (the compiler builds the model's kernels, sim/_kernels.pyx and sim/_weekly.pyx).

SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
# python3.12 on PATH (pyenv shims read .python-version), else python3.13, else a pyenv install.
PYTHON ?= $(shell for p in python3.12 python3.13 $$HOME/.pyenv/versions/3.12*/bin/python3.12; do \
            $$p -c 'import sys; assert sys.version_info >= (3, 12)' 2>/dev/null && { echo $$p; break; }; done)
PYTEST_ARGS ?= -n 2 --dist loadfile
PIP_INSTALL := $(BIN)/pip install --quiet -c constraints.txt

.PHONY: run compare test bench lint docs calibrate lock clean-venv

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "error: Python 3.12+ not found (install python3.12)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The compiled kernels (sim/_kernels.pyx, sim/_weekly.pyx) are built against the venv's own pinned numpy, whose random-number
# routines they call, so the project installs without build isolation, after its build tools.
KERNELS := setup.py $(wildcard sim/*.pyx sim/*.pxd sim/*.pxi)

$(VENV)/.build-tools: constraints.txt | $(BIN)/python
	@command -v $${CC:-cc} >/dev/null || command -v gcc >/dev/null || { \
	  echo "error: no C compiler (cc or gcc) found: it is needed to build the model's kernels (sim/*.pyx)"; exit 1; }
	@$(BIN)/python -c 'import os, sysconfig; assert os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h"))' || { \
	  echo "error: Python.h not found: install the headers of $(PYTHON) (for example python3.12-dev) to build the kernels"; exit 1; }
	$(PIP_INSTALL) setuptools cython numpy
	@touch $@

$(VENV)/.installed-base: pyproject.toml constraints.txt $(KERNELS) | $(VENV)/.build-tools
	$(PIP_INSTALL) --no-build-isolation -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml constraints.txt $(KERNELS) | $(VENV)/.build-tools
	$(PIP_INSTALL) --no-build-isolation -e ".[dev]"
	@touch $@ $(VENV)/.installed-base

run: $(VENV)/.installed-base
	$(BIN)/sim reproduce

compare: $(VENV)/.installed-base
	$(BIN)/sim compare --seeds 5 --out results/compare

test: $(VENV)/.installed-dev
	@if [ -x scripts/install_browser.sh ]; then scripts/install_browser.sh; fi
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/run_all.py

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check sim tests benchmarks scripts setup.py
	$(BIN)/ruff format --check sim tests benchmarks scripts setup.py
	$(BIN)/mypy

docs: $(VENV)/.installed-dev
	$(BIN)/python scripts/gen_parameters.py

calibrate: $(VENV)/.installed-dev
	$(BIN)/python scripts/calibrate.py --seeds 20

# Re-lock constraints.txt after a change of pyproject.toml's dependencies (see the script for upgrades).
lock:
	$(PYTHON) scripts/lock_environment.py

clean-venv:
	rm -rf $(VENV)

# The two commands of the README:
#   make docs   build the documentation site (runs every lesson)   -> docs/_build/html
#               in English, and in Chinese                          -> docs/_build/html/zh_CN
#   make test   build the site, then run the whole test suite (what CI runs)
# Each creates a virtual environment in .venv and installs what it needs the first time.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Two install steps: the docs build needs only the "docs" extra (no PyTorch, no dask);
# the tests add the "test" extra (PyTorch 2.13, dask, Playwright, a Jupyter kernel, ...).
DOCS_STAMP := $(VENV)/.installed-docs
STAMP := $(VENV)/.installed
export MPLBACKEND := Agg
# One BLAS thread: minigrad's matrices are small, and two BLAS threads on a 2-core machine
# that is doing anything else run many times slower (see the notes in bench/).
export OPENBLAS_NUM_THREADS ?= 1
export OMP_NUM_THREADS ?= 1
export MKL_NUM_THREADS ?= 1

.PHONY: docs test pytest lessons gradcheck bench clean mutants

$(DOCS_STAMP): setup.cfg pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[docs]"
	touch $(DOCS_STAMP)

$(STAMP): $(DOCS_STAMP)
	$(PY) -m pip install --quiet -e ".[docs,test]"
	touch $(STAMP)

docs: $(DOCS_STAMP)
	$(PY) docs/fetch_mathjax.py
	$(PY) docs/build.py

# The tests read the built site, so the site is built first.
test: $(STAMP)
	$(MAKE) docs
	$(MAKE) pytest

pytest: $(STAMP)
	MINIGRAD_DOCS_STRICT=1 $(PY) -m pytest -q

lessons: $(DOCS_STAMP)
	$(PY) lessons/run_all.py

gradcheck: $(DOCS_STAMP)
	$(PY) -m minigrad.gradcheck

bench: $(STAMP)
	$(PY) -m pip install --quiet -e ".[bench]"
	$(PY) bench/run.py

clean:
	rm -rf docs/_build docs/auto_lessons docs/_static/mathjax

# Mutation testing (tools/mutants.py, CONTRIBUTING.md): each hand-made bug must fail a test,
# with PyTorch installed and with it hidden. Minutes, so not part of `make test`.
mutants: $(STAMP)
	$(PY) tools/mutants.py --fail-under 95
	$(PY) tools/mutants.py --without-torch --fail-under 95

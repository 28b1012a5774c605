# Commands for a fresh machine with Python 3.11+:
#   make run   - set up .venv, install myokine_sim, simulate the marathon scenario into out/marathon/
#   make test  - same environment plus the test extras, then run the tests
#   make docs  - the documentation site, built strictly into site/ (open site/index.html)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SCENARIO ?= marathon
# Test processes (pytest-xdist): one per core by default; `make test TEST_WORKERS=0` runs the suite in this process.
TEST_WORKERS ?= auto
# Cross-validation refit processes (`make crossvalidate`): one per core by default.
CV_WORKERS ?= $(shell nproc 2>/dev/null || echo 1)

.PHONY: run test test-without-fast lint venv bench docs lessons docs-sensitivity crossvalidate posterior clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

$(VENV)/.installed-docs: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[docs]'
	touch $@ $(VENV)/.installed

venv: $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/myokine run $(SCENARIO) --out out/$(SCENARIO)

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile

# The tests as without the fast extra (numba hidden): kernel tests skip, batches run on the NumPy path.
# The suite (or the files in PYTEST_ARGS) with numba hidden: the NumPy path must stand on its own.
test-without-fast: $(VENV)/.installed-test
	$(BIN)/python -c "import sys; sys.modules['numba'] = None; import pytest; sys.exit(pytest.main(['-q', *sys.argv[1:]]))" $(PYTEST_ARGS)

# The linter over the package, tests, benchmarks, examples and doc scripts (rules in pyproject.toml's [tool.ruff]).
lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks examples docs

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/simulate.py

# The documentation site (mkdocs.yml, pages in docs/), strict: a broken link, a page missing from the
# navigation or an API reference that does not resolve fails the build. Output: site/index.html.
docs: $(VENV)/.installed-docs
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

# Rerun every command of the teaching guide (docs/teaching/): redraw its figures in
# docs/teaching/figures/ and print the numbers its answers quote.
lessons: $(VENV)/.installed
	MPLBACKEND=Agg $(BIN)/python docs/make_lessons.py

# Regenerate docs/sensitivity.md and its figures from the current parameter values (needs SALib: the test extra).
docs-sensitivity: $(VENV)/.installed-test
	$(BIN)/python docs/make_sensitivity.py

# Leave-one-study-out cross-validation (long: one refit per study, about 2 min of a core each, so the 107 studies
# take about 1.8 h on two cores); results in docs/crossvalidation.json, which docs/validation.md reports (rerun
# `myokine validate --report docs/validation.md --uncertainty 50` after it). Each study keeps its result while its
# fingerprint holds: a new check target that is not fitted reruns one study, and an interrupted run keeps the
# studies it finished.
crossvalidate: $(VENV)/.installed
	$(BIN)/myokine crossvalidate --out docs/crossvalidation.json --workers $(CV_WORKERS)

# The posterior of the fitted parameters from the current default set (56 min on a busy 2-core machine): writes
# out/posterior/, the shipped sample models/posterior/default.npz and .json, docs/generated/posterior.inc (included
# by docs/validation.md) and docs/figures/posterior/. Rerun after every refit; an interrupted run resumes.
posterior: $(VENV)/.installed
	$(BIN)/myokine posterior --out out/posterior --update-default --report docs/generated/posterior.inc

clean:
	rm -rf $(VENV) out build dist site .pytest_cache .ruff_cache

# Maintainers: refit the shipped default parameter set (long). Writes out/fit/ and models/parameters/default.toml;
# then regenerate the posterior with `make posterior` and docs/validation.md with
# `myokine validate --report docs/validation.md --uncertainty 50`. This fit starts from the code defaults; after a
# change of the model the shipped set may instead be refitted from the set before it (`myokine fit
# --parameter-set`), as its provenance's start values record (the set of 2026-12-07 was; from the code defaults
# the same model reaches another minimum, cost 47.38 against 46.88).
.PHONY: refit
refit: $(VENV)/.installed
	$(BIN)/myokine fit --update-default --out out/fit

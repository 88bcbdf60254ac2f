# roundabout: one entry point for set-up, checks and the demo, shared by local work and CI.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
ROUNDABOUT_DB ?= out/demo.duckdb
export ROUNDABOUT_DB

.PHONY: all setup demo test test-fast lint typecheck pytest pytest-fast bench clean

all: test

setup: $(STAMP)

# Creates .venv when missing, installs system packages (apt-get) and the pinned dependencies.
$(STAMP): requirements.lock pyproject.toml scripts/bootstrap.sh
	bash scripts/bootstrap.sh
	touch $(STAMP)

demo: $(STAMP)
	bash scripts/demo.sh

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/python -m pytest -q

# Every test but those that start Spark (Java): the `spark` marker (tests/conftest.py).
pytest-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not spark"

# The one check command: lint, types, all tests (DuckDB and Spark).
test: lint typecheck pytest

# The same without Spark: for the edit-test loop (CI runs `make test`).
test-fast: lint typecheck pytest-fast

bench: $(STAMP)
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache

# roundabout: one entry point for set-up, checks and the demo, shared by local work and CI.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
ROUNDABOUT_DB ?= out/demo.duckdb
export ROUNDABOUT_DB

.PHONY: all setup demo test lint typecheck pytest bench clean

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

# The one check command: lint, types, all tests.
test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache

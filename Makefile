# Two commands do everything on a fresh machine:
#   make report   the main job: runs the parity suite and writes report/parity.md
#   make test     the test suite (what CI runs, after the lint)
# Each creates .venv and installs the project with its extras on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST_WORKERS ?= auto

.PHONY: setup test report lint format clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

test: setup
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS)

report: setup
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -q --parity-report=report

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) report .hypothesis .pytest_cache .ruff_cache *.egg-info

# Two commands do everything on a fresh machine:
#   make report   the main job: runs the parity suite and writes report/parity.md, then times the
#                 benchmarks (bench/, a few minutes, one process on one thread) and writes
#                 report/benchmarks.md, report/benchmarks.png and report/benchmarks_conv.png
#   make test     the test suite (what CI runs, after the lint)
#   make reproduce  the seed course's experiments with all three implementations (a few minutes): writes
#                 report/experiments.md, its figures report/experiments_*.png and report/experiments.json
#   make docs     the side-by-side site, built strict and offline into build/docs (open build/docs/index.html)
#   make mutation mutmut over scratch/manual and scratch/autograd (about half an hour on 2 cores): writes
#                 report/mutation.md
#   make wheel-check  build the wheel, install it with the check extra in a fresh virtualenv outside the
#                 checkout, and run scratch-check from there (what CI does after the tests; about a minute)
# Each creates .venv and installs the project with its extras on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST_WORKERS ?= auto
# One BLAS/torch thread per pytest worker: xdist already runs a worker per core, and two thread pools
# per core fight (whole-model tests ran 3 to 5 times slower that way on 2 cores).
ONE_THREAD := OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1

.PHONY: setup test report reproduce docs mutation wheel-check lint format clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

test: setup
	$(ONE_THREAD) $(BIN)/python -m pytest -n $(PYTEST_WORKERS)

# The benchmarks run without xdist (pytest-benchmark turns itself off under it), after 2 untimed
# warm-up calls. BENCH_MODE=quick (the default, a few minutes) times five of the nine conv cases
# with at most 0.5 s of rounds each (at least 3); BENCH_MODE=full times all nine, with at most 2 s
# of rounds (at least 5): make report BENCH_MODE=full
BENCH_MODE ?= quick
BENCH_ROUNDS_quick := --benchmark-max-time=0.5 --benchmark-min-rounds=3
BENCH_ROUNDS_full := --benchmark-max-time=2.0 --benchmark-min-rounds=5

report: setup
	$(ONE_THREAD) $(BIN)/python -m pytest -n $(PYTEST_WORKERS) -q --parity-report=report
	BENCH_MODE=$(BENCH_MODE) $(BIN)/python -m pytest bench --benchmark-only -q -p no:xdist \
		--benchmark-json=report/benchmarks.json $(BENCH_ROUNDS_$(BENCH_MODE)) \
		--benchmark-warmup=on --benchmark-warmup-iterations=2
	$(BIN)/python -m bench.report report/benchmarks.json report

reproduce: setup
	OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 $(BIN)/scratch-reproduce

# -W --keep-going: every warning (a renamed object behind a literalinclude, a broken cross-reference)
# fails the build, and all of them are listed first.
docs: setup
	$(BIN)/python -m sphinx -W --keep-going -q -b html docs/site build/docs

mutation: setup
	$(ONE_THREAD) CI=1 $(BIN)/python -m tools.mutation --report report

wheel-check:
	PYTHON=$(PYTHON) bash .ci/wheel

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) report build dist mutants .hypothesis .pytest_cache .ruff_cache *.egg-info

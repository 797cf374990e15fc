# sabio — every target sets itself up from a clean clone (a local .venv, nothing global).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck imports unit bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# torch first and pinned: this takes the CPU build on this disk instead of a CUDA one.
	$(BIN)/python -m pip install --quiet "torch==2.13.0" "xgboost-cpu"
	$(BIN)/python -m pip install --quiet -e ".[dev,s3,nn,server,text,containers,ray]"
	touch $(STAMP)

## The main job: an end-to-end run on data that ships with scikit-learn.
demo: $(STAMP)
	$(BIN)/python examples/demo/run.py

## All gates, exactly as CI runs them.
test: lint typecheck imports unit

lint: $(STAMP)
	$(BIN)/ruff check --no-cache src tests bench examples docs
	$(BIN)/ruff format --no-cache --check src tests bench examples docs

typecheck: $(STAMP)
	$(BIN)/mypy

imports: $(STAMP)
	$(BIN)/lint-imports

unit: $(STAMP)
	# Two workers, one test file each at a time: most tests wait on job processes, not the CPU.
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

bench: $(STAMP)
	$(BIN)/python bench/job_overhead.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache

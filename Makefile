# kb: the README's two commands are `make run` and `make test`; everything else is optional.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DATA ?= kb-data
HOST ?= 127.0.0.1
PORT ?= 8000
SAMPLES ?= samples
# setuptools reminds every editable install that folders named like the packages take precedence: they are ours.
INSTALL := PYTHONWARNINGS="ignore:Editable installation:UserWarning" $(BIN)/pip install --quiet

.PHONY: run test lint typecheck unit integration e2e browser ingest serve bench bench-full clean

$(BIN)/kb: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(INSTALL) -e .
	@touch $@

$(VENV)/.test-deps: $(BIN)/kb
	$(INSTALL) -e '.[test]'
	@touch $@

$(VENV)/.bench-deps: $(BIN)/kb
	$(INSTALL) -e '.[bench]'
	@touch $@

## run: set up, ingest the bundled sample articles into ./kb-data (only when it holds no knowledge base yet:
## a knowledge base you built is never replaced; to start over, `rm -rf kb-data` or `make clean`), serve on :8000
run: ingest serve

ingest: $(BIN)/kb
	$(BIN)/kb ingest $(SAMPLES) --data-dir $(DATA) --if-empty

serve: $(BIN)/kb
	$(BIN)/kb serve --data-dir $(DATA) --host $(HOST) --port $(PORT)

## test: lint, type-check, and every tier of tests (browser tests need Debian's chromium: scripts/ensure-chromium)
test: $(VENV)/.test-deps
	scripts/ensure-chromium
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest -q

## unit: tests/unit only (pure functions, tiny indexes): starts no server, no subprocess, no browser
unit: $(VENV)/.test-deps
	$(BIN)/pytest -q -m unit tests/unit

## integration: tests/integration (the samples, the corpora, killed `kb ingest` processes; no server)
integration: $(VENV)/.test-deps
	$(BIN)/pytest -q -m integration tests/integration

## e2e: tests/e2e (a real `kb serve`, and Debian's chromium through Playwright)
e2e: $(VENV)/.test-deps
	scripts/ensure-chromium
	$(BIN)/pytest -q -m e2e tests/e2e

## bench: the benchmark suite at 10k articles (BENCH_ARGS="--sizes 1000,10000,100000" for more)
bench: $(VENV)/.bench-deps
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(DATA) .pytest_cache .mypy_cache .ruff_cache build *.egg-info

# prep-talk developer commands. Needs only python3 (3.11+) and make.
#
#   make run    install, migrate the SQLite file, serve the playground on http://127.0.0.1:3978
#   make test   install, then ruff, mypy, import-linter and the whole pytest suite
#   make bench  install, then the engine/coach benchmark (BENCH_ARGS="--preps 60 --skip-postgres")
#   make constraints  re-pin constraints.txt after a dependency change in pyproject.toml
#
# The install is skipped when nothing changed: its stamp file is named after a hash of
# pyproject.toml and constraints.txt, so editing either (or a fresh clone) reinstalls.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INSTALL_KEY := $(shell cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)
STAMP := $(VENV)/.installed-$(INSTALL_KEY)
BENCH_ARGS ?= --preps 60

.PHONY: install run lint test bench constraints clean

install: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

run: install
	$(BIN)/prep-talk db upgrade
	PREPTALK_PLAYGROUND=$${PREPTALK_PLAYGROUND:-true} $(BIN)/prep-talk serve

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python -m benchmarks.engine_turns $(BENCH_ARGS)

# Resolve the project's dependencies in a scratch venv, keeping today's pins where they still
# fit, and freeze exactly that set (nothing else that happens to sit in .venv).
constraints:
	scratch=$$(mktemp -d) \
	&& $(PYTHON) -m venv "$$scratch" \
	&& "$$scratch/bin/python" -m pip install --quiet -c constraints.txt -e '.[dev]' \
	&& "$$scratch/bin/python" -m pip freeze --exclude-editable > constraints.txt \
	; status=$$?; rm -rf "$$scratch"; exit $$status

clean:
	rm -rf .pytest_cache .mypy_cache .ruff_cache .import_linter_cache .hypothesis

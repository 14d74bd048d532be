# prep-talk developer commands. Needs only python3 (3.11+) and make.
#
#   make run    install, migrate the SQLite file, serve the playground on http://127.0.0.1:3978
#   make test   install, then ruff, mypy, import-linter, hadolint and the whole pytest suite
#   make bench  install, then the engine/coach benchmark (BENCH_ARGS="--preps 60 --skip-postgres")
#   make constraints  re-pin constraints.txt after a dependency change in pyproject.toml
#   make teams-schema fetch Microsoft's Teams manifest schema (npm) for the package test
#   make card-renderer install Microsoft's Adaptive Cards renderer (npm) for the card test
#
# The install is skipped when nothing changed: its stamp file is named after a hash of
# pyproject.toml and constraints.txt, so editing either (or a fresh clone) reinstalls.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INSTALL_KEY := $(shell cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)
STAMP := $(VENV)/.installed-$(INSTALL_KEY)
BENCH_ARGS ?= --preps 60
# Microsoft publishes the Teams app manifest JSON schemas in this npm package; the package
# test validates our manifest against v1.30 (the newest this package version ships). Pinned by version and by the file's SHA-256.
TEAMS_SCHEMA_PACKAGE := @microsoft/app-manifest@1.1.2
TEAMS_SCHEMA_IN_PACKAGE := package/build/json-schemas/teams/v1.30/MicrosoftTeams.schema.json
TEAMS_SCHEMA := .cache/teams/MicrosoftTeams.v1.30.schema.json
CARD_RENDERER := tests/teams/cardrender
TEAMS_SCHEMA_SHA256 := 3339690aacd9049bc65ade66b258982803d8c6c6d3897a23f8a057b6ebe35479

.PHONY: install run lint test bench constraints teams-schema card-renderer clean

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
	$(BIN)/hadolint Dockerfile

test: lint teams-schema card-renderer
	$(BIN)/python -m pytest

# Microsoft's Adaptive Cards JavaScript renderer (pinned in package-lock.json), for the test
# that no Teams card cuts an action title. Without npm that test skips (and fails when CI=true).
card-renderer:
	@if [ -d $(CARD_RENDERER)/node_modules/adaptivecards ]; then exit 0; fi; \
	if ! command -v npm >/dev/null; then echo "npm not found: no card renderer"; exit 0; fi; \
	npm ci --prefix $(CARD_RENDERER) --no-audit --no-fund --silent

# Without npm the schema test skips (and fails when CI=true).
teams-schema:
	@if [ -f $(TEAMS_SCHEMA) ]; then exit 0; fi; \
	if ! command -v npm >/dev/null; then echo "npm not found: no Teams manifest schema"; exit 0; fi; \
	scratch=$$(mktemp -d) \
	&& (cd "$$scratch" && npm pack --silent $(TEAMS_SCHEMA_PACKAGE) >/dev/null \
	    && tar xzf *.tgz $(TEAMS_SCHEMA_IN_PACKAGE)) \
	&& echo "$(TEAMS_SCHEMA_SHA256)  $$scratch/$(TEAMS_SCHEMA_IN_PACKAGE)" | sha256sum --check --quiet \
	&& mkdir -p $(dir $(TEAMS_SCHEMA)) \
	&& cp "$$scratch/$(TEAMS_SCHEMA_IN_PACKAGE)" $(TEAMS_SCHEMA) \
	; status=$$?; rm -rf "$$scratch"; exit $$status

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

# Mutualis — `make run` serves the app with demo data; `make test` runs every check.
# Both do all the set-up on a fresh machine (Python 3.11+, git, make; npm for the assets).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MUTUALIS := $(BIN)/mutualis
DEMO_MUTUALS ?= 60
DEMO_HOUSEHOLDS ?= 30
DEMO_PAPER_MUTUALS ?= 12
HOST ?= 127.0.0.1
PORT ?= 8000
# processes sharing the tests (pytest-xdist): one per processor; 0 runs them in pytest's own
TEST_WORKERS ?= auto
# Production settings as check --deploy sees them in a real deployment.
DEPLOY_ENV := MUTUALIS_DEBUG=0 MUTUALIS_SECRET_KEY=check-deploy-$$(date +%s)-not-a-real-secret-0123456789abcdefghijklmnopqrstuvwxyz MUTUALIS_ALLOWED_HOSTS=mutualis.example.org

export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help install run serve-production test test-postgres lint check bench messages system-deps clean

help:
	@echo "make run            set up, load demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test           set up and run every check and test on SQLite"
	@echo "make test-postgres  the same tests on a throw-away PostgreSQL cluster"
	@echo "make bench          run the benchmarks, write var/bench/results.json"
	@echo "make install        set up only (virtualenv, packages, assets, migrations)"
	@echo "make messages       refresh the French and English catalogues"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Mutualis needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

var:
	mkdir -p var

install: $(VENV)/.installed node_modules/.installed | var
	$(BIN)/python scripts/compile_messages.py
	MUTUALIS_DEBUG=0 $(MUTUALIS) collectstatic --noinput --verbosity 0
	$(MUTUALIS) migrate --noinput --verbosity 0

run: install
	$(MUTUALIS) demo --if-empty --mutuals $(DEMO_MUTUALS) --households-per-mutual $(DEMO_HOUSEHOLDS) --paper-mutuals $(DEMO_PAPER_MUTUALS) --seed 1
	# the consumers of the event log work beside the server, and stop with it
	$(MUTUALIS) work & trap 'kill $$!' EXIT; \
	MUTUALIS_DEBUG=0 MUTUALIS_HTTPS=0 $(MUTUALIS) serve --bind $(HOST):$(PORT)

serve-production: install
	MUTUALIS_HTTPS=0 $(MUTUALIS) serve --production --bind $(HOST):$(PORT)

system-deps:
	@scripts/system-deps.sh

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

check: install
	$(MUTUALIS) check --fail-level WARNING
	$(MUTUALIS) makemigrations --check --dry-run
	$(DEPLOY_ENV) $(MUTUALIS) check --deploy --fail-level WARNING

test: system-deps install lint check
	$(BIN)/pytest -n $(TEST_WORKERS) --cov --cov-report=term:skip-covered $(PYTEST_ARGS)

test-postgres: system-deps install
	scripts/with-postgres.sh $(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

bench: system-deps install
	$(BIN)/python bench/run.py $(BENCH_ARGS)

messages: $(VENV)/.installed
	cd src/mutualis && ../../$(MUTUALIS) makemessages -l fr -l en --no-obsolete --no-location --ignore 'static/*'
	$(BIN)/python scripts/french_typography.py
	$(BIN)/python scripts/compile_messages.py --fill-source-language en

clean:
	rm -rf $(VENV) node_modules var/static

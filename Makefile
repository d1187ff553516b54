# Gangway: `make dev` runs the product, `make test` runs every check. Both set up what they need.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BACKEND := backend
FRONTEND := frontend
E2E := tests/e2e
DATA := data
# The emulator and the BFF share this secret in `make dev` only; it signs nothing real.
DEV_WEBHOOK_SECRET := whsec_gangway_dev_only_not_a_secret
DEV_ENV := GANGWAY_DATABASE_URL=sqlite+aiosqlite:///$(CURDIR)/$(DATA)/gangway.db \
	GANGWAY_STRIPE_WEBHOOK_SECRETS=$(DEV_WEBHOOK_SECRET) \
	GANGWAY_LOG_FORMAT=console

.PHONY: help setup dev test lint format openapi migrate migration build frontend-dev bench \
	test-python test-postgres test-frontend test-e2e check-frontend clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

# --- setup (idempotent: re-runs only when the dependency files change)

$(VENV)/.installed: $(BACKEND)/pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip==25.3
	$(PY) -m pip install --quiet -e "$(BACKEND)[dev]"
	touch $@

$(FRONTEND)/node_modules/.installed: $(FRONTEND)/package-lock.json
	cd $(FRONTEND) && npm ci --no-audit --no-fund
	touch $@

$(E2E)/node_modules/.installed: $(E2E)/package-lock.json
	cd $(E2E) && npm ci --no-audit --no-fund
	touch $@

setup: $(VENV)/.installed ## Create the virtualenv and install dependencies
	@if [ -f $(FRONTEND)/package-lock.json ]; then $(MAKE) --no-print-directory $(FRONTEND)/node_modules/.installed; fi

build: setup ## Build the SPA into frontend/dist
	@if [ -f $(FRONTEND)/package.json ]; then cd $(FRONTEND) && npm run --silent build; fi

migrate: setup ## Upgrade the dev database to the latest migration
	mkdir -p $(DATA)
	cd $(BACKEND) && $(DEV_ENV) ../$(PY) -m alembic upgrade head

migration: setup ## Autogenerate a migration: make migration m="what changed"
	cd $(BACKEND) && $(DEV_ENV) ../$(PY) -m alembic revision --autogenerate -m "$(m)"

# --- run

dev: setup build migrate ## Run the product on http://127.0.0.1:8000 with the Stripe emulator
	@echo "Gangway: http://127.0.0.1:8000  (API docs: /docs, emulator: http://127.0.0.1:12111)"
	@$(PY) -m stripe_emulator --port 12111 \
		--webhook-url http://127.0.0.1:8000/webhooks/stripe \
		--webhook-secret $(DEV_WEBHOOK_SECRET) & emulator=$$!; \
	trap 'kill $$emulator 2>/dev/null' EXIT INT TERM; \
	$(DEV_ENV) $(PY) -m uvicorn gangway.main:app --host 127.0.0.1 --port 8000 --no-proxy-headers

frontend-dev: setup ## Vite with hot reload on :5173, proxying the API to `make dev`'s BFF
	cd $(FRONTEND) && npm run dev

# --- checks

lint: setup ## ruff, ruff format --check, mypy --strict, import contracts, dead code
	$(VENV)/bin/ruff check $(BACKEND) tests scripts bench
	$(VENV)/bin/ruff format --check $(BACKEND) tests scripts bench
	cd $(BACKEND) && ../$(VENV)/bin/mypy gangway stripe_emulator
	cd $(BACKEND) && ../$(VENV)/bin/lint-imports --no-cache
	cd $(BACKEND) && ../$(VENV)/bin/vulture

format: setup ## Apply ruff's fixes and formatting
	$(VENV)/bin/ruff check --fix $(BACKEND) tests scripts bench
	$(VENV)/bin/ruff format $(BACKEND) tests scripts bench

bench: setup ## Benchmarks against a bare FastAPI app (printed, not asserted): bench/results.*, README
	@command -v wrk >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then apt-get install -y wrk || { apt-get update && apt-get install -y wrk; }; \
		else sudo apt-get install -y wrk || { sudo apt-get update && sudo apt-get install -y wrk; }; fi; }
	$(PY) bench/bench.py

openapi: setup ## Regenerate openapi.json and the SPA's typed client
	$(PY) scripts/openapi.py openapi.json
	@if [ -f $(FRONTEND)/package.json ]; then $(MAKE) --no-print-directory $(FRONTEND)/node_modules/.installed && cd $(FRONTEND) && npm run --silent generate; fi

test-python: setup ## Every Python test on SQLite
	env -u GANGWAY_TEST_POSTGRES_URL $(PY) -m pytest -q

test-postgres: setup ## Every database test on PostgreSQL (needs GANGWAY_TEST_POSTGRES_URL)
	@test -n "$$GANGWAY_TEST_POSTGRES_URL" || { echo "GANGWAY_TEST_POSTGRES_URL is not set"; exit 1; }
	$(PY) scripts/wait_for_postgres.py
	$(PY) -m pytest -q tests --ignore=tests/emulator --ignore=tests/e2e

check-frontend: setup ## tsc --noEmit, eslint, client staleness, component tests
	@if [ -f $(FRONTEND)/package.json ]; then \
		$(MAKE) --no-print-directory $(FRONTEND)/node_modules/.installed && cd $(FRONTEND) && \
		npm run --silent typecheck && npm run --silent lint && npm run --silent check:client && \
		npm run --silent test; \
	else echo "no frontend yet"; fi

test-e2e: build ## End-to-end tests in headless Chromium against the BFF and the emulator
	@test -x "$${CHROMIUM_PATH:-/usr/bin/chromium}" || { echo "Chromium not found: apt-get install chromium (or set CHROMIUM_PATH)"; exit 1; }
	@if [ -f $(E2E)/package.json ]; then \
		$(MAKE) --no-print-directory $(E2E)/node_modules/.installed && cd $(E2E) && npm run --silent e2e; \
	else echo "no e2e suite yet"; fi

test: lint test-python check-frontend test-e2e ## Everything: lint, schema drift, tests on SQLite (+ PostgreSQL when configured), SPA, E2E
	@if [ -n "$$GANGWAY_TEST_POSTGRES_URL" ]; then $(MAKE) --no-print-directory test-postgres; \
	else echo "GANGWAY_TEST_POSTGRES_URL not set: PostgreSQL pass skipped (CI always runs it)"; fi

clean: ## Remove the virtualenv, node_modules, builds and the dev database
	rm -rf $(VENV) $(FRONTEND)/node_modules $(FRONTEND)/dist $(E2E)/node_modules $(DATA)

# HandyWriterz. `make run` starts the product, `make test` runs every check; both set up what they need.
SHELL := /bin/bash
PY := .venv/bin/python
export WEB_PORT ?= 8000
export FLOWER_PORT ?= 5555
export FLOWER_BASIC_AUTH ?= ops:handywriterz-ops
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
# Settings default to production (DEBUG off); the commands a developer runs locally turn it on.
run migrate services bench: export DEBUG ?= true

.PHONY: run test lint format typecheck bench setup setup-dev services migrate deploy-check

setup:
	@scripts/system.sh
	@scripts/bootstrap.sh requirements.txt

setup-dev:
	@scripts/system.sh --dev
	@scripts/bootstrap.sh requirements-dev.txt

services: setup
	@scripts/services.sh

migrate: services
	@$(PY) manage.py migrate --noinput -v0

run: migrate
	@$(PY) manage.py collectstatic --noinput -v0
	@$(PY) manage.py ensure_demo_user
	@echo "==> HandyWriterz:  http://127.0.0.1:$(WEB_PORT)/   (admin: /admin/, create a staff login with: DEBUG=true $(PY) manage.py createsuperuser)"
	@echo "==> Flower:        http://127.0.0.1:$(FLOWER_PORT)/  (login $(FLOWER_BASIC_AUTH))"
	@exec .venv/bin/honcho start

lint: setup-dev
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports --no-cache

format: setup-dev
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

typecheck: setup-dev
	.venv/bin/mypy .

test: setup-dev
	@scripts/services.sh
	@scripts/browser.sh
	@$(MAKE) --no-print-directory lint
	@scripts/deploy_check.sh
	.venv/bin/mypy .
	.venv/bin/pytest

deploy-check: setup-dev
	@scripts/deploy_check.sh

bench: migrate setup-dev
	$(PY) -m benchmarks.stream_latency
	$(PY) -m benchmarks.exports

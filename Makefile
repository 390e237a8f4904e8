# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
SCENARIO ?= shropshire-2025
export DEBUG ?= 1

.PHONY: install assets demo serve worker test check lint layers typecheck migrations-check pytest bench soak clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed assets

# GOV.UK Frontend and htmx are fetched from npm and copied into static/vendor, never committed.
static/vendor/.installed: package.json
	npm install --no-audit --no-fund --silent
	rm -rf static/vendor && mkdir -p static/vendor/govuk-frontend static/vendor/htmx static/vendor/axe
	cp -r node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css \
	      node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js \
	      node_modules/govuk-frontend/dist/govuk/assets static/vendor/govuk-frontend/
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/
	cp node_modules/axe-core/axe.min.js static/vendor/axe/
	touch $@

assets: static/vendor/.installed

demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_scenario $(SCENARIO)
	$(PY) manage.py plan_meetings $(SCENARIO) --publish --unless-published --time-limit 15
	@# a second copy dated so that today falls in its first week: a dashboard that is live today
	$(PY) manage.py load_scenario $(SCENARIO) --live
	$(PY) manage.py plan_meetings $(SCENARIO)-live --publish --unless-published --time-limit 15
	$(PY) manage.py demo_user
	@echo "Starting the web server on http://$(HOST):$(PORT)/ and the background worker (Ctrl-C stops both)."
	@trap 'kill 0' INT TERM EXIT; \
	  $(PY) manage.py qcluster & \
	  $(PY) manage.py runserver $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy config inspections scheduling evidence calendars annex_a council aftermath desk notify planner

migrations-check: install
	$(PY) manage.py makemigrations --check --dry-run

# One test process per core (pytest-xdist): the suite is CPU-bound (solver, scenario loads).
pytest: install
	$(BIN)/pytest -n auto --dist worksteal

check: lint typecheck migrations-check

test: check pytest

bench: install
	$(PY) -m benchmarks

# Not part of `make test`: 50 users for 2 minutes against gunicorn, qcluster, PostgreSQL (its own
# cluster, restarted midway) and Redis DB 9; exits non-zero if a check fails (README).
soak: install
	$(PY) -m benchmarks.soak

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles db.sqlite3

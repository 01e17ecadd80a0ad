# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# One way to write both locks, so anyone can redo them after a rebase: `make lock`.
UV_COMPILE := $(VENV)/bin/uv pip compile --quiet --universal --python-version 3.11 \
	--custom-compile-command "make lock"

# Test processes (pytest-xdist): one per core; PYTEST_WORKERS=0 runs everything in one.
PYTEST_WORKERS ?= auto

.PHONY: run test setup lint messages lock upgrade docs

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# `make run` needs the runtime lock only (what the production image installs).
$(VENV)/.runtime: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

# Tests and tooling: the development lock, which holds the runtime lock's versions.
$(VENV)/.dev: requirements-dev.txt requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

setup: $(VENV)/.runtime
	$(PY) manage.py compiletranslations
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py seed_demo_data

## Create the virtualenv, migrate SQLite, load demo data, serve http://127.0.0.1:8000
run: setup
	$(PY) manage.py runserver 127.0.0.1:8000

## The whole test suite (PostgreSQL/Redis tests skip unless DATABASE_URL/CELERY_BROKER_URL are set)
test: $(VENV)/.dev
	$(PY) manage.py compiletranslations
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

## Re-write requirements.txt and requirements-dev.txt from the .in files, keeping every
## version already locked unless asked: `make lock UPGRADE="--upgrade-package celery"`.
lock: $(VENV)/.dev
	$(UV_COMPILE) $(UPGRADE) requirements.in -o requirements.txt
	$(UV_COMPILE) $(UPGRADE) requirements-dev.in -o requirements-dev.txt

## Every package to its newest version allowed by the .in files.
upgrade:
	$(MAKE) lock UPGRADE=--upgrade

## Re-write the generated docs (docs/workflow.md from tickets/workflow.py)
docs:
	$(PY) manage.py workflow_doc

## Re-extract translation strings, from the project root: each file's strings go to the
## catalogue of its own app (the nearest locale/ directory), templates/ and config/ to locale/.
## (Not per app from inside it: Celery's Django fix-up puts the working directory on
## sys.path, where an app's rules.py or errors.py would shadow a package of that name.)
messages:
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete -i '.venv/*' -i 'tests/*' -i 'benchmarks/*' -i 'test-output/*'

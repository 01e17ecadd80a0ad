# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
APPS := core tickets objections accounting workhours insight demo

.PHONY: run test setup lint messages check-deploy

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

setup: $(VENV)/.installed
	$(PY) manage.py compiletranslations
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py seed_demo_data

## Create the virtualenv, migrate SQLite, load demo data, serve http://127.0.0.1:8000
run: setup
	$(PY) manage.py runserver 127.0.0.1:8000

## The whole test suite (PostgreSQL/Redis tests skip unless DATABASE_URL/CELERY_BROKER_URL are set)
test: $(VENV)/.installed
	$(PY) manage.py compiletranslations
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint:
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

## Re-extract translation strings: one catalogue per app, one for templates/ and config/
messages:
	for app in $(APPS); do [ -d $$app/locale ] && (cd $$app && ../$(PY) ../manage.py makemessages -l zh_Hans --no-obsolete) || true; done
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete $(foreach a,$(APPS),-i '$(a)/*') -i '.venv/*' -i 'tests/*'

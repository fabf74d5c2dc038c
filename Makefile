# Sabeel — the commands a fresh machine needs. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
SCALE ?= full
ONLY ?=
HOST ?= 127.0.0.1
PORT ?= 8000
AUDIT_EVERY ?= 300
FUNNEL_EVERY ?= 3600
PULL_EVERY ?= 300
DEMO_SETTINGS := sabeel.config.settings.demo

.PHONY: setup system-check demo serve migrate messages test check bench clean permissions-doc

## setup: install everything into .venv (needs python3-venv, gettext and make)
setup: system-check $(VENV)/.installed messages

system-check:
	@missing=""; \
	command -v $(PYTHON) >/dev/null || missing="$$missing python3"; \
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null || missing="$$missing python3(>=3.11)"; \
	$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || missing="$$missing python3-venv"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf || missing="$$missing fonts-dejavu-core"; \
	if [ -n "$$missing" ]; then \
	  echo "Missing system packages:$$missing"; \
	  echo "Install them with: sudo apt-get install$$missing" | sed 's/python3(>=3.11)/python3.11/'; \
	  exit 1; \
	fi

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

messages: $(VENV)/.installed
	@if ls src/sabeel/locale/*/LC_MESSAGES/django.po >/dev/null 2>&1; then \
	  cd src/sabeel && ../../$(PY) ../../manage.py compilemessages --settings=sabeel.config.settings.test -v 0; \
	fi

migrate: setup
	DJANGO_SETTINGS_MODULE=$(DEMO_SETTINGS) $(MANAGE) migrate --noinput -v 0

## demo: set up, load the demo data set on SQLite, serve on http://127.0.0.1:8000 with the task worker
demo: setup
	@mkdir -p var
	DJANGO_SETTINGS_MODULE=$(DEMO_SETTINGS) $(MANAGE) migrate --noinput -v 0
	DJANGO_SETTINGS_MODULE=$(DEMO_SETTINGS) $(MANAGE) collectstatic --noinput -v 0
	DJANGO_SETTINGS_MODULE=$(DEMO_SETTINGS) $(MANAGE) demo_load
	@$(MAKE) --no-print-directory serve

## serve: gunicorn, the task worker, and every AUDIT_EVERY seconds audit_verify (seals the read log,
## checks the chain against the newest anchor file in var/audit-anchors/, writes a new one); every
## PULL_EVERY seconds the survey pulls that are due; every FUNNEL_EVERY seconds a full refresh of the
## funnel snapshot (verdicts change with time alone: cooling-off ends, consents expire)
serve:
	@echo "Serving Sabeel on http://$(HOST):$(PORT)/ (demo settings, DEBUG off). Ctrl-C stops the server, the worker and the audit check."
	@export DJANGO_SETTINGS_MODULE=$(DEMO_SETTINGS); \
	$(MANAGE) db_worker --queue-name default >var/worker.log 2>&1 & worker=$$!; \
	( trap 'kill $$nap 2>/dev/null; exit 0' INT TERM; \
	  while true; do \
	    $(MANAGE) audit_verify >>var/audit-verify.log 2>&1 \
	      || echo "audit_verify FAILED at $$(date -u +%FT%TZ): the audit trail does not hold; see var/audit-verify.log" >&2; \
	    sleep $(AUDIT_EVERY) & nap=$$!; wait $$nap; \
	  done ) & auditor=$$!; \
	( trap 'kill $$nap 2>/dev/null; exit 0' INT TERM; \
	  while true; do \
	    $(MANAGE) intention_pull_due >>var/schedule.log 2>&1; \
	    sleep $(PULL_EVERY) & nap=$$!; wait $$nap; \
	  done ) & puller=$$!; \
	( trap 'kill $$nap 2>/dev/null; exit 0' INT TERM; \
	  sleep $(FUNNEL_EVERY) & nap=$$!; wait $$nap; \
	  while true; do \
	    $(MANAGE) funnel_refresh >>var/schedule.log 2>&1; \
	    sleep $(FUNNEL_EVERY) & nap=$$!; wait $$nap; \
	  done ) & refresher=$$!; \
	trap 'kill $$worker $$auditor $$puller $$refresher 2>/dev/null' EXIT INT TERM; \
	PYTHONPATH=src $(VENV)/bin/gunicorn sabeel.config.wsgi --bind $(HOST):$(PORT) --workers 2 --access-logfile - --access-logformat '%(t)s "%(r)s" %(s)s'

## test: set up and run the whole suite (DATABASE_URL selects the database; SQLite by default)
test: setup
	$(VENV)/bin/pytest $(PYTEST_ARGS)

## check: ruff, mypy, import-linter
check: setup
	$(VENV)/bin/ruff check src bench tests conftest.py manage.py
	$(VENV)/bin/mypy src/sabeel
	$(VENV)/bin/lint-imports

## bench: run the benchmarks (ONLY=name SCALE=small for one, smaller); results in bench/results/
bench: setup
	$(PY) bench/run.py --scale $(SCALE) $(if $(ONLY),--only $(ONLY),)

permissions-doc: setup
	$(MANAGE) permissions_doc --settings=sabeel.config.settings.test

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache

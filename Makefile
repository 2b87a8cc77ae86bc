# Two commands set up everything: `make run` (the demo site) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-fast install system-packages migrate messages bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Debian's chromium and gettext, installed through apt-get when missing (as root), or a clear message.
system-packages:
	@scripts/system-packages

# The compiled catalogue is committed, so running the site needs no gettext tools; after changing
# strings run `make messages`, translate the new entries in django.po, and `make messages` again.
messages: $(STAMP)
	$(BIN)/python manage.py makemessages --locale=zh_Hans --ignore=.venv --ignore=staticfiles --ignore=tests --no-location --no-wrap
	$(BIN)/python manage.py makemessages --domain=djangojs --locale=zh_Hans --ignore=.venv --ignore=staticfiles --ignore=tests --no-location --no-wrap
	$(BIN)/python manage.py compilemessages --ignore=.venv --locale=zh_Hans

migrate: $(STAMP)
	$(BIN)/python manage.py migrate --no-input

# The site and, beside it, the task worker that runs large imports in the background and the
# scheduler that runs the periodic commands (settings.PERIODIC_COMMANDS) on their intervals.
run: migrate
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py db_worker --interval 1 & worker=$$!; \
	$(BIN)/python manage.py run_periodic & scheduler=$$!; \
	trap "kill $$worker $$scheduler" EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The whole suite, in parallel; DATABASE_URL selects PostgreSQL, SQLite otherwise.
test: $(STAMP) system-packages
	$(BIN)/python -m pytest -n auto --dist loadgroup $(PYTEST_ARGS)

bench: $(STAMP)
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) staticfiles db.sqlite3

# Common Ground: `make run` to serve it, `make test` to test it. Both work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 4

# make check's part of the suite: the tests that run in seconds (about a minute together on 2 cores).
# The browser journeys, the whole-site harness, the API conformance run, the two-server test and the
# slower feature folders wait for `make test`.
CHECK_TESTS := tests/test_structure.py tests/test_config.py tests/test_markup.py tests/test_templating.py \
	tests/test_security_headers.py tests/test_mail.py tests/test_migrations.py \
	tests/themes tests/library tests/moderation tests/collections tests/exports tests/notifications tests/ops

.PHONY: run dev setup test check lint typecheck format browser bench clean

# The stamp files make a second `make run` reuse the venv instead of reinstalling; a change to the
# dependencies or to their pins installs again. constraints.txt pins every package to the versions
# the suite last passed with (see CONTRIBUTING.md, "Dependencies").
$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/activate
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml constraints.txt | $(BIN)/activate
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	touch $@ $(VENV)/.installed

setup: $(VENV)/.installed
	$(FLASK) db upgrade
	$(FLASK) kb seed
	$(FLASK) kb index init

run: setup
	@echo "Serving Common Ground on http://$(HOST):$(PORT) with $(WORKERS) workers (Ctrl+C stops it)"
	$(BIN)/gunicorn --preload --no-control-socket --workers $(WORKERS) --bind $(HOST):$(PORT) --access-logfile - \
		--access-logformat '%(h)s "%(r)s" %(s)s %(b)s %(M)sms' wsgi:app

dev: setup
	$(FLASK) run --debug --host $(HOST) --port $(PORT)

# Debian's Chromium drives the browser tests (Playwright's own download cannot work offline); Java
# runs the W3C Nu HTML checker on the pages the browser and the whole-site harness visit.
browser:
	@if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian's chromium for the browser tests..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "Chromium is missing: install it with 'sudo apt-get install chromium' to run the browser tests."; \
	fi
	@if command -v java >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Java for the Nu HTML checker..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null; \
	else \
		echo "Java is missing: install it with 'sudo apt-get install openjdk-17-jre-headless' to check the HTML."; \
	fi

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff format .

# Strict on the platform layer (kb/platform), as [tool.mypy] in pyproject.toml says.
typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

# The fast loop while you work: lint, then the quick tests on SQLite only, stopping at the first failure.
check: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/mypy
	KB_TEST_POSTGRES_URL= $(BIN)/pytest -q -x $(CHECK_TESTS)

test: $(VENV)/.installed-test browser lint typecheck
	$(BIN)/pytest

bench: $(VENV)/.installed-test
	$(BIN)/python bench/pages_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache

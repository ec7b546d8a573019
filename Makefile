# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test test-fast test-sqlite test-postgres lint bench install chromium postgresql axe screenshots clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

run: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py runstack

# Style, then which way imports may point (pyproject.toml [tool.importlinter], tools/import_contracts.py).
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

# The browser tests drive Debian's Chromium; installed here when missing and running as root (CI).
chromium:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "The browser tests need Chromium: sudo apt-get install chromium"; exit 1; fi; }

# axe-core (npm) checks every page in the browser tests; kept out of git in node_modules/.
AXE := node_modules/axe-core/axe.min.js
$(AXE):
	npm install --no-save --no-package-lock --silent axe-core@4.14.1
axe: $(AXE)

# PostgreSQL for the second run of the suite: Debian's server binaries, installed when missing and root (CI).
# The tests start their own throwaway server from them (tests/postgres.py); no system service is used.
postgresql:
	@ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || command -v postgres >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; \
	  else echo "The PostgreSQL run needs PostgreSQL: sudo apt-get install postgresql"; exit 1; fi; }

# Lint, then the suite in two runs side by side, each with its own valkey, ports, test database and media
# directory. SQLite runs every test; PostgreSQL every test of the database but the browser tests that only
# read (the `postgres` mark, set by tests/conftest.py). The installs go first, one at a time (apt-get takes
# a lock); -O prints each run whole once it ends.
PYTEST := $(VENV)/bin/pytest -p no:cacheprovider

test: lint chromium postgresql $(AXE)
	$(MAKE) --no-print-directory -j2 -O test-sqlite test-postgres

test-sqlite: $(VENV)/.installed chromium $(AXE)
	TEST_DATABASE=sqlite $(PYTEST)

test-postgres: $(VENV)/.installed chromium postgresql $(AXE)
	TEST_DATABASE=postgres $(PYTEST) -m postgres

# The edit loop: every test but the browser ones, on SQLite.
test-fast: $(VENV)/.installed
	TEST_DATABASE=sqlite $(VENV)/bin/pytest -m "not browser"

# PNGs of the gallery, viewer, person and upload pages at desktop and phone size, in var/screenshots/.
screenshots: $(VENV)/.installed chromium $(AXE)
	SCREENSHOTS_DIR=var/screenshots $(VENV)/bin/pytest tests/e2e/test_pages.py -q -p no:cacheprovider
	@ls var/screenshots/*.png

bench: $(VENV)/.installed
	$(PY) bench/index_and_search.py

clean:
	rm -rf $(VENV) var

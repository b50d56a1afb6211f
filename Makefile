# The two commands of the README: `make run` and `make test`.
# Everything they need is installed by the targets below, on a fresh machine.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Two install stamps: serving needs the package alone; the checks need its
# test extra too (pytest, Playwright, ruff, mypy…), which `make run` never installs.
SERVE_STAMP := $(VENV)/.installed-serve
TEST_STAMP := $(VENV)/.installed-test
PORT ?= 8000
HOST ?= 127.0.0.1

.PHONY: run test test-pg lint typecheck unit browser-check messages bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(SERVE_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

## run: install what serving needs, migrate, add sample data on first run, serve on http://localhost:$(PORT)
run: $(SERVE_STAMP)
	$(BIN)/outings demo --if-empty
	OUTINGS_ORIGIN="$${OUTINGS_ORIGIN:-http://localhost:$(PORT)}" $(BIN)/outings serve --host $(HOST) --port $(PORT)

## test: install (Chromium included), then ruff, mypy and every test
test: $(TEST_STAMP) browser-check lint typecheck unit

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(TEST_STAMP)
	$(BIN)/mypy

# Two processes, a test file each at a time; the API's schemathesis test goes on
# its own: its cases share one test id, which xdist would run only once.
# The tests that need PostgreSQL are skipped here: `make test-pg` runs them,
# with every other test, on a throwaway cluster (see the README's Tests).
unit: $(TEST_STAMP)
	$(BIN)/pytest -n 2 --dist loadfile --ignore=tests/test_api_schema.py
	$(BIN)/pytest tests/test_api_schema.py

browser-check:
	@sh scripts/ensure-chromium.sh

## test-pg: every test, browser ones included, on a throwaway PostgreSQL cluster (issue 15)
test-pg: $(TEST_STAMP) browser-check
	sh scripts/with-postgres.sh $(BIN)/python sh -c '$(BIN)/pytest -n 2 --dist loadfile --ignore=tests/test_api_schema.py && $(BIN)/pytest tests/test_api_schema.py'

## bench: the benchmark table (wrk from Debian's packages; about twelve minutes)
bench: $(TEST_STAMP) browser-check
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null; } || { echo "bench needs Debian's package 'wrk'" >&2; exit 1; }
	$(BIN)/python -m bench.run

## messages: extract every marked string into the one catalogue and update each language
messages: $(SERVE_STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -o outings/locale/messages.pot --no-location --sort-output --project Outings .
	for lang in fr pl zh sw; do \
	  if [ -f outings/locale/$$lang/LC_MESSAGES/messages.po ]; then \
	    $(BIN)/pybabel update -i outings/locale/messages.pot -d outings/locale -l $$lang --no-fuzzy-matching; \
	  else \
	    $(BIN)/pybabel init -i outings/locale/messages.pot -d outings/locale -l $$lang; \
	  fi; \
	done

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache

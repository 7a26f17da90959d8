# One command each: `make run` (API + web page on the embedded store with demo data) and
# `make test` (local Neo4j + the whole suite against both stores).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install run test check bench neo4j-fetch browser wrk clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/matchmaker serve --demo --host 127.0.0.1 --port 8000

neo4j-fetch: install
	$(BIN)/matchmaker neo4j fetch

browser:
	scripts/ensure-chromium.sh

wrk:
	scripts/ensure-wrk.sh

test: install neo4j-fetch browser
	$(BIN)/python -m pytest -p no:cacheprovider

check: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy matchmaker graph api benchmarks

bench: install wrk
	$(BIN)/python -m benchmarks.match --actors 100000 --queries 200 --seed 1
	$(BIN)/python -m benchmarks.schedule --instances fixtures/b2b/originals --out out/schedules --time-limit 60
	$(BIN)/python -m benchmarks.load --actors 100000 --seconds 60 --clients 50 --workers 2 --loader wrk

clean:
	rm -rf $(VENV) .cache .mypy_cache .ruff_cache .pytest_cache

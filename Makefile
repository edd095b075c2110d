# Climbing Frame: the two commands are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
DEMO_PORT ?= 5000
DEMO_FEEDS_PORT ?= 8765

.PHONY: demo test test-postgres install system-packages lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

NODE_STAMP := node_modules/.installed

# The accessibility tests drive Debian's chromium with Playwright and inject axe-core from npm.
$(NODE_STAMP): package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

system-packages:
	bash scripts/install-test-packages.sh

install: $(STAMP)

## Set up, harvest the demo consortium from a local feed server, serve the directory on :5000.
## The demo's secret key (sessions, sealed secrets, the audit chain's key) is made once and kept in var/.
demo: $(STAMP)
	@mkdir -p var && [ -s var/demo-secret-key ] || $(BIN)/python -c "import secrets; print(secrets.token_hex(32))" > var/demo-secret-key
	CF_SECRET_KEY="$${CF_SECRET_KEY:-$$(cat var/demo-secret-key)}" CF_HARVEST_ALLOW_PRIVATE=1 $(BIN)/climbing-frame demo --port $(DEMO_PORT) --feeds-port $(DEMO_FEEDS_PORT)

## The whole suite on the embedded default (SQLite + tantivy).
test: $(STAMP) $(NODE_STAMP) system-packages
	$(BIN)/python -m pytest

## The whole suite against PostgreSQL (starts the local server if it is down).
test-postgres: $(STAMP) $(NODE_STAMP) system-packages
	@command -v pg_isready >/dev/null || { echo "PostgreSQL is not installed on this machine: the suite must run on it"; exit 1; }
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@for i in 1 2 3 4 5 6 7 8 9 10; do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
	@pg_isready -q -h 127.0.0.1 -p 5432 || { echo "PostgreSQL did not start on 127.0.0.1:5432"; exit 1; }
	@psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'test'" | grep -q 1 \
		|| createdb -h 127.0.0.1 -U postgres test
	CF_TEST_DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python benchmarks/harvest.py --courses 20000 --feeds 10

clean:
	rm -rf $(VENV) var .pytest_cache node_modules

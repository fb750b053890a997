# AfterSales: `make run` serves the demo, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
export UV_PROJECT_ENVIRONMENT := $(abspath $(VENV))

.PHONY: run test setup lint typecheck messages bench clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check "uv==0.13.9"

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --quiet
	touch $@

# Browser libraries (ECharts) from npm, exactly as locked; again only when the lock changes.
node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# Only the built file is served (build/static is a STATICFILES_DIRS entry): the package's
# whole dist/ folder would put 100 MB of sources and maps into collectstatic.
VENDOR := build/static/vendor
$(VENDOR)/echarts/echarts.min.js: node_modules/.installed
	mkdir -p $(dir $@)
	cp node_modules/echarts/dist/echarts.min.js $@

setup: $(VENV)/.synced $(VENDOR)/echarts/echarts.min.js
	$(PY) manage.py compilemessages --ignore=.venv --ignore=.tools -v 0

## Serve the demo on http://127.0.0.1:8000 with the job consumer beside the web server.
run: setup
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py load_demo --if-empty
	@bash scripts/run.sh

## Lint, type-check and run every test on SQLite, then on PostgreSQL when it is reachable.
test: setup lint typecheck
	bash scripts/test.sh

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck:
	$(VENV)/bin/mypy aftersales e2e

## Extract new strings into the catalogues (then translate them in locale/zh_Hans).
messages: $(VENV)/.synced
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=.tools --ignore=tests --ignore=bench

bench: setup
	bash bench/run.sh

clean:
	rm -rf $(VENV) $(TOOLS) staticfiles test-results build node_modules

# `make run` starts the dashboard on the bundled data; `make test` runs the whole test suite.
# Both create the virtual environment (.venv) from the pinned requirements on first use.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run test validate chromium postgresql bench clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.installed
	$(PY) -m streamlit run dashboard.py --server.port $(PORT) --server.headless true

# Browser tests and PNG export need Debian's Chromium; as root (CI) it is installed here.
chromium:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null; \
	else echo "Chromium missing: run 'sudo apt-get install chromium' for browser tests and PNG export"; fi

# The store tests run against a real PostgreSQL (a throwaway cluster per test session); as root it is installed here.
postgresql:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >/dev/null; \
	else echo "PostgreSQL missing: run 'sudo apt-get install postgresql' for the store tests"; fi

test: $(VENV)/.installed chromium postgresql
	$(PY) -m pytest

validate: $(VENV)/.installed
	$(PY) -m compliance validate

bench: $(VENV)/.installed
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache

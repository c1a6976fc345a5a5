# `make run` starts the dashboard on the bundled data; `make test` runs the whole test suite.
# Both create the virtual environment (.venv) from the pinned requirements on first use.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run test validate chromium postgresql bench mutants clean

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
	$(PY) -m ruff check .
	$(PY) -m pytest

validate: $(VENV)/.installed
	$(PY) -m compliance validate

bench: $(VENV)/.installed
	$(PY) bench/run.py

# Mutation testing of the domain rules (compliance/ scoring, metrics, data, importer, timeline; configured in
# pyproject.toml): slow, so not part of `make test`. Starts afresh every time, so the score is that of the tests as
# they are now; mutmut's own output goes to mutants/mutmut.log, the score is the last line. Survivors that cannot
# change any result are listed in tests/MUTANTS.md.
MUTANT_JOBS ?= 2

$(VENV)/.mutmut: $(VENV)/.installed requirements-mutants.txt
	$(PY) -m pip install --quiet -r requirements-mutants.txt
	touch $@

mutants: $(VENV)/.mutmut
	rm -rf mutants && mkdir mutants
	@start=$$(date +%s); \
	$(VENV)/bin/mutmut run --max-children $(MUTANT_JOBS) > mutants/mutmut.log 2>&1 \
		|| { tail -c 3000 mutants/mutmut.log; echo "mutmut run failed (log: mutants/mutmut.log)"; exit 1; }; \
	echo "mutmut run: $$(( $$(date +%s) - start )) s with $(MUTANT_JOBS) workers (log: mutants/mutmut.log)"
	@$(PY) scripts/mutation_score.py

clean:
	rm -rf $(VENV) .pytest_cache mutants

# Two entry points for a fresh machine: `make gate` (the main job) and `make test`.
# Both create .venv from requirements.txt on first use.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
OUT ?= out

.PHONY: gate test lint docs clean

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

# Offline gate of the reference stack (stack/) with the evidence bundle in $(OUT)/.
gate: $(STAMP)
	$(VENV)/bin/ferpaguard gate . --output-dir $(OUT) \
		--format json --format sarif --format junit --format markdown --format html --format csv --format oscal \
		--bundle

# checkov runs in an environment of its own (created once under ~/.cache/ferpaguard; the tests use it).
test: $(STAMP)
	$(PY) -m ferpaguard.checkov.environment
	$(PY) -m pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check .

docs: $(STAMP)
	$(VENV)/bin/ferpaguard rules --format markdown > docs/rules.md

clean:
	rm -rf $(VENV) $(OUT)

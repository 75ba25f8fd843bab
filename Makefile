# Two entry points for a fresh machine: `make gate` (the main job) and `make test`.
# Both create .venv from requirements.txt on first use.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
OUT ?= out

.PHONY: gate test lint docs clean pulumi-cli pulumi-cli-oldest e2e e2e-oldest e2e-project

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

test: $(STAMP)
	$(PY) -m pytest -q

# The real Pulumi CLI for tests/e2e/, built from its Go modules into .tools/bin/
# (cached; a cold build takes minutes). PULUMI_OLDEST is the oldest CLI the
# pack claims to support: the first release with `pulumi policy analyze --file`
# that the Go module proxy serves.
PULUMI_OLDEST := v3.250.0

pulumi-cli:
	tools/pulumi-cli/build.sh

pulumi-cli-oldest:
	PULUMI_CLI_VERSION=$(PULUMI_OLDEST) tools/pulumi-cli/build.sh

# End-to-end tests with the real engine: .tools/bin/pulumi, else `pulumi` on PATH.
e2e: $(STAMP)
	FERPAGUARD_REQUIRE_PULUMI=1 $(PY) -m pytest -q tests/e2e

e2e-oldest: $(STAMP) pulumi-cli-oldest
	FERPAGUARD_PULUMI=.tools/pulumi-$(PULUMI_OLDEST)/bin/pulumi FERPAGUARD_REQUIRE_PULUMI=1 \
		$(PY) -m pytest -q tests/e2e

# Your own project: a real preview with this pack against `ferpaguard gate`.
STACK ?= dev
e2e-project: $(STAMP)
	@test -n "$(PROJECT)" || { echo "usage: make e2e-project PROJECT=path/to/project [STACK=dev] [POLICY_CONFIG=file]"; exit 2; }
	$(PY) tests/e2e/check_project.py $(PROJECT) --stack $(STACK) $(if $(POLICY_CONFIG),--policy-config $(POLICY_CONFIG))

lint: $(STAMP)
	$(VENV)/bin/ruff check .

docs: $(STAMP)
	$(VENV)/bin/ferpaguard rules --format markdown > docs/rules.md

clean:
	rm -rf $(VENV) $(OUT) .tools

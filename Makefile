# Two commands matter: `make demo` and `make test`. Both install what they need (uv from PyPI if absent).
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := $(or $(shell command -v uv 2>/dev/null),$(CURDIR)/.tools/bin/uv)
RUN := $(UV) run --frozen --no-sync

export MELTANO_SEND_ANONYMOUS_USAGE_STATS := false
export MELTANO_CLI_DISABLE_VERSION_CHECK := true
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

.PHONY: help install demo test lint bench clean

help:
	@echo "make demo   set everything up and run the pipeline against the local sandbox"
	@echo "make test   run the test suite"
	@echo "make lint   ruff + mypy"
	@echo "make bench  run the benchmarks (bench/)"

$(CURDIR)/.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

# The workspace venv holds every package of the repo (editable) plus meltano, dbt and the dev tools.
.venv/.synced: $(UV) pyproject.toml uv.lock */pyproject.toml */*/pyproject.toml
	$(UV) sync --frozen --all-packages
	@touch $@

install: .venv/.synced

demo: install
	$(RUN) python scripts/demo.py

test: install
	$(RUN) pytest

lint: install
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) mypy tap-cliniko/tap_cliniko sandbox/clinic_sandbox plugins/staging/cliniko_staging targets

bench: install
	$(RUN) python -m bench $(BENCH_ARGS)

clean:
	rm -rf .venv .tools .meltano output transform/target transform/logs

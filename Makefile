# SIMEDSOS JDIH — every target sets itself up from nothing.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
# Bumped when the install step changes; the stamp also depends on the dependency files.
STAMP := $(VENV)/.installed

# Find a Python 3.12+ by itself: explicit PYTHON, then python3.13/3.12 on PATH, then pyenv's
# versions, then python3 if it is new enough.
PYTHON ?= $(shell bash scripts/find-python.sh)

.PHONY: help run test e2e bench lint install frontend messages clean

help:
	@echo "make run    - jalankan aplikasi dengan data demo (http://127.0.0.1:8000)"
	@echo "make test   - jalankan seluruh pengujian"
	@echo "make e2e    - jalankan pengujian peramban saja"
	@echo "make lint   - periksa gaya kode (ruff)"

$(STAMP): pyproject.toml package.json
	@if [ -z "$(PYTHON)" ]; then \
	  echo "Python 3.12 atau lebih baru tidak ditemukan. Pasang python3.12/python3.13 (mis. 'apt-get install python3.12' atau 'pyenv install 3.12'), lalu ulangi, atau tentukan PYTHON=/path/ke/python3.12." >&2; exit 1; fi
	@echo "Memakai $(PYTHON)"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(MAKE) --no-print-directory frontend
	touch $(STAMP)

install: $(STAMP) messages

frontend:
	@command -v npm >/dev/null || { echo "npm tidak ditemukan: pasang Node.js (mis. 'apt-get install nodejs npm')." >&2; exit 1; }
	npm install --no-audit --no-fund --loglevel=error

messages: $(STAMP)
	$(BIN)/simedsos compilemessages_py

run: install
	$(BIN)/simedsos demo
	$(BIN)/simedsos serve

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

e2e: install
	$(BIN)/python -m pytest tests/e2e $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m bench $(BENCH_ARGS)

lint: install
	$(BIN)/ruff check src tests $(wildcard bench)
	$(BIN)/ruff format --check src tests $(wildcard bench)

clean:
	rm -rf $(VENV) node_modules staticfiles

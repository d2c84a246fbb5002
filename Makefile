# Two commands: `make book` builds the executed web book, `make test` runs every test.
# Both create or update the local virtual environment (.venv) first, and skip that when
# pyproject.toml and constraints.txt have not changed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.microfab-installed
JOBS ?= 2

.PHONY: book test lint gate venv clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24" "setuptools>=77" wheel
	# torch first and exactly: a loose request would pull a multi-GB CUDA build.
	$(BIN)/python -m pip install --quiet -c constraints.txt torch==2.13.0
	$(BIN)/python -m pip install --quiet -c constraints.txt --no-build-isolation -e ".[dev,lab,arm,data,dask]"
	touch $(STAMP)

venv: $(STAMP)

book: $(STAMP)
	$(BIN)/microfab book build

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

gate: $(STAMP)
	$(BIN)/microfab unit check --jobs $(JOBS)

clean:
	rm -rf _build .jupyter_cache

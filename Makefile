# Two commands: `make book` builds the executed web book, `make test` runs every test.
# Both create or update the local virtual environment (.venv) first, and skip that when
# pyproject.toml and constraints.txt have not changed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Optional extras: vendor camera SDKs with their emulators, the arm twin, a real data set, Dask.
EXTRAS ?= dev,lab,arm,data,dask
comma := ,
STAMP := $(VENV)/.installed-$(subst $(comma),-,$(EXTRAS))

NPM_STAMP := node_modules/.package-lock.json

.PHONY: book test lint gate venv system-packages clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24" "setuptools>=77" wheel
	# torch first and exactly: a loose request would pull a multi-GB CUDA build.
	$(BIN)/python -m pip install --quiet -c constraints.txt torch==2.13.0
	$(BIN)/python -m pip install --quiet -c constraints.txt --no-build-isolation -e ".[$(EXTRAS)]"
	# aravis:// needs PyGObject, which builds against the system's GObject introspection
	if pkg-config --exists gobject-introspection-1.0 2>/dev/null; then \
	  $(BIN)/python -m pip install --quiet -c constraints.txt "PyGObject<3.51"; fi
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

venv: $(STAMP)

# MathJax, RequireJS and the ipywidgets HTML manager, vendored into the book (no CDN)
$(NPM_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund

system-packages:
	bash scripts/system-packages.sh

book: $(STAMP) $(NPM_STAMP)
	$(BIN)/microfab book build

test: system-packages $(STAMP) $(NPM_STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

gate: $(STAMP)
	$(BIN)/microfab unit check --jobs 2

clean:
	rm -rf _build .jupyter_cache book/generated

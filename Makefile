# Two commands: `make book` builds the executed web book, `make test` runs every test.
# Both first set up the same complete environment, whichever runs first: the system packages
# (as root on Debian), the local virtual environment (.venv, skipped when pyproject.toml and
# constraints.txt have not changed) and the book's npm packages.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Optional extras: vendor camera SDKs with their emulators, the arm twin, a real data set, Dask,
# JupyterHub, the inspection database's migrations and PostgreSQL driver, the model registry.
EXTRAS ?= dev,lab,arm,data,dask,hub,db,cloud
comma := ,
STAMP := $(VENV)/.installed-$(subst $(comma),-,$(EXTRAS))
GI_STAMP := $(VENV)/.installed-pygobject

NPM_STAMP := node_modules/.package-lock.json

.PHONY: book test lint gate venv env tools system-packages constraints clean

$(STAMP): pyproject.toml constraints.txt | tools
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24" "setuptools>=77" wheel
	# torch first and exactly: a loose request would pull a multi-GB CUDA build.
	$(BIN)/python -m pip install --quiet -c constraints.txt torch==2.13.0
	$(BIN)/python -m pip install --quiet -c constraints.txt --no-build-isolation -e ".[$(EXTRAS)]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

# aravis:// needs PyGObject, which builds against the system's GObject introspection. Its own
# stamp, written only once it is installed, so a later command retries until it is.
$(GI_STAMP): $(STAMP) | system-packages
	@if pkg-config --exists gobject-introspection-1.0 2>/dev/null; then \
	  $(BIN)/python -m pip install --quiet -c constraints.txt "PyGObject<3.51" && touch $@; \
	else echo "PyGObject not installed: GObject introspection is missing (make system-packages" \
	  "as root, or apt-get install libgirepository1.0-dev libcairo2-dev pkg-config)"; fi

venv: $(STAMP)

# MathJax, RequireJS and the ipywidgets HTML manager, vendored into the book (no CDN)
$(NPM_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund

tools:
	@bash scripts/check-tools.sh $(PYTHON)

system-packages: tools
	bash scripts/system-packages.sh

# The one environment both commands end in, whichever runs first.
env: tools system-packages $(STAMP) $(GI_STAMP) $(NPM_STAMP)

# Rewrite constraints.txt from .venv: name==version only (see scripts/pins.py).
constraints: $(STAMP)
	$(BIN)/python scripts/pins.py freeze --python $(BIN)/python --out constraints.txt

book: env
	$(BIN)/microfab book build

test: env
	$(BIN)/python -m pytest --durations=15  # the slowest tests, to keep within the CI budget

lint: $(STAMP)
	$(BIN)/ruff check .

gate: $(STAMP)
	$(BIN)/microfab unit check --jobs 2

clean:
	rm -rf _build .jupyter_cache book/generated

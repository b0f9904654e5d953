# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
CONFIG ?= config.toml

.PHONY: run serve test lint demo install bench docs docs-check docs-serve graph lock clean pywb check-installed

$(VENV)/.created:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	touch $@

# Installs are reproducible: the pinned, hash-checked versions of the lock files (`make lock`
# writes them from pyproject.toml), then the project itself, editable, without resolving again.
# The tool alone (what `make run` needs)...
$(VENV)/.installed-run: pyproject.toml requirements-run.lock | $(VENV)/.created
	$(BIN)/pip install --quiet --require-hashes -r requirements-run.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

# ...and with every extra and the test tools (what `make test` and CI need).
$(VENV)/.installed: pyproject.toml requirements.lock | $(VENV)/.created
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@ $(VENV)/.installed-run

install: $(VENV)/.installed

## pywb: the replay test's pywb, in a virtualenv of its own (pywb pins brotlipy, whose `brotli`
## package would shadow the Brotli module the project's decoder needs). With brotlicffi (its own
## `brotlicffi` module, shadowing nothing): pywb's warcio decodes br records only through it, and
## refuses versions below 1.2.1.0; without it a brotli capture replays as raw compressed bytes.
## Rebuilt when this file changes, so an existing .venv-pywb gets what was added here.
PYWB_VENV ?= .venv-pywb
$(PYWB_VENV)/.installed: Makefile
	test -x $(PYWB_VENV)/bin/python || $(PYTHON) -m venv $(PYWB_VENV)
	$(PYWB_VENV)/bin/pip install --quiet 'pywb==2.10.0' 'brotlicffi>=1.2.1.0'
	touch $@

pywb: $(PYWB_VENV)/.installed

## run: install the tool (the daemon and the review desk; no test extras), then start the daemon on $(CONFIG)
run: $(VENV)/.installed-run
	$(BIN)/takedowns --config $(CONFIG) run

## serve: the review desk on $(CONFIG) (after `make demo`: make serve CONFIG=demo-data/config.toml)
serve: $(VENV)/.installed-run
	$(BIN)/takedowns --config $(CONFIG) serve

## test: install with test extras, lint and type-check, then run the whole suite
## (two pytest-xdist workers: CI has two cores; JOBS=1 runs it serially)
JOBS ?= 2
test: install lint pywb
	$(BIN)/python -m pytest -q -n $(JOBS)

## lint: ruff (rules in pyproject.toml) and mypy over scraper/ and archive/; both must be clean
lint: install
	$(BIN)/ruff check
	$(BIN)/ruff format --check
	$(BIN)/mypy

## demo: offline demo against bundled fixture sites on 127.0.0.1; it ends with the command that
## opens the demo's stubs in the review desk (the desk is part of the default install)
demo: $(VENV)/.installed-run
	$(BIN)/takedowns demo

## check-installed: build the wheel, install it with every feature into a fresh virtualenv in a
## temp folder (no checkout, no ../shared) and run the quickstart there (CI runs this too)
check-installed: install
	tests/packaging/check_installed.sh

## bench: the benchmarks (print ratios; see docs/benchmarks.md)
bench: install
	for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

## docs: regenerate docs/cli.md from the commands' --help (a test fails when it is stale)
docs: install
	$(BIN)/python -m scraper.cli.reference > docs/cli.md

## docs-check: build the documentation site (mkdocs.yml) with --strict: a broken link or anchor
## between pages, or a page missing from the nav, fails (tests/test_docs.py runs the same build)
docs-check: install
	site=$$(mktemp -d) && $(BIN)/mkdocs build --strict --site-dir $$site; status=$$?; rm -rf $$site; exit $$status

## docs-serve: the documentation site on http://127.0.0.1:8000/, rebuilt as pages change
docs-serve: install
	$(BIN)/mkdocs serve

## lock: rewrite requirements.lock (every extra and the test tools: `make install`, CI) and
## requirements-run.lock (the tool alone: `make run`) from pyproject.toml, with hashes, for any
## platform on Python 3.11+. Versions already locked are kept unless pyproject.toml rules them
## out; `make lock UPGRADE=--upgrade` takes the newest allowed. tests/test_lock.py checks both.
UV_VERSION ?= 0.13.8
UPGRADE ?=
LOCK = $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes \
	--no-emit-package takedown-archiver --quiet $(UPGRADE)
lock: | $(VENV)/.created
	$(BIN)/pip install --quiet 'uv==$(UV_VERSION)'
	$(LOCK) --extra test --extra all -o requirements.lock
	$(LOCK) --constraint requirements.lock -o requirements-run.lock

## graph: regenerate docs/imports.md, the import graph by layer (tests/test_layering.py fails when it is stale)
graph: install
	$(BIN)/python -m tests.layering > docs/imports.md

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache

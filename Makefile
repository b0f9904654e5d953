# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
CONFIG ?= config.toml

.PHONY: run test demo install bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

## run: install, then start the daemon on $(CONFIG)
run: install
	$(BIN)/takedowns --config $(CONFIG) run

## test: install with test extras, then run the whole suite
test: install
	$(BIN)/python -m pytest -q

## demo: offline demo against bundled fixture sites on 127.0.0.1
demo: install
	$(BIN)/takedowns demo

## bench: the benchmarks (print ratios; see README)
bench: install
	for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache

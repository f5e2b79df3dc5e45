# luat — the two commands a fresh machine needs: `make demo` (set up, ingest the default library, show
# a provision) and `make test` (set up, run the tests). LUAT_DATA defaults to ../shared/data.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export LUAT_DATA ?= $(abspath ../shared/data)

.PHONY: setup demo ingest train test lint bench serve screenshots clean

$(BIN)/luat: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(BIN)/luat

setup: $(BIN)/luat

ingest: setup
	$(BIN)/luat ingest
	$(BIN)/luat train

train: setup
	$(BIN)/luat train

demo: ingest
	$(BIN)/luat stats
	$(BIN)/luat show "khoản 1 Điều 60 Luật 58/2014/QH13"
	$(BIN)/luat ask "Tôi nghỉ việc thì có được rút BHXH một lần không?"

test: setup
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy src/luat
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy src/luat

screenshots: setup
	LUAT_SCREENSHOTS=1 $(BIN)/python -m pytest -q tests/test_browser.py

serve: setup
	test -f "$${LUAT_HOME:-$$HOME/.local/share/luat}/libraries/default.sqlite" || $(BIN)/luat ingest
	$(BIN)/luat serve

bench: setup
	$(BIN)/python -m luat.bench ingest learned validity cite search ask web load consult

clean:
	rm -rf $(VENV) build *.egg-info

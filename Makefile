# gkaudit: `make demo` installs and runs the main job on the bundled corpus; `make test` installs and runs the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= out

.PHONY: demo test lint bench install clean

$(BIN)/gkaudit: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/gkaudit

demo: install
	mkdir -p $(OUT)
	$(BIN)/gkaudit audit corpus/sample --db sqlite:///$(OUT)/gkaudit.db
	$(BIN)/gkaudit rank --db sqlite:///$(OUT)/gkaudit.db --format html --out $(OUT)/ranking.html
	$(BIN)/gkaudit rank --db sqlite:///$(OUT)/gkaudit.db --format csv --out $(OUT)/ranking.csv
	@echo "open $(OUT)/ranking.html"

test: install
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check extractor workers models

bench: install
	$(BIN)/python bench/parse_bench.py
	$(BIN)/python bench/reader_bench.py
	$(BIN)/python bench/check_bench.py
	$(BIN)/python bench/queue_bench.py
	$(BIN)/python bench/cli_bench.py
	$(BIN)/python bench/corpus_checks_bench.py

clean:
	rm -rf $(VENV) $(OUT) *.egg-info

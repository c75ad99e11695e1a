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

# The demo is a district's year (corpus/district: 39 invented bodies, 2024 and 2025 reports, formats as
# published) ranked with its groups file; it also writes the workbook and one body's 整改 notice.
DEMO_CORPUS ?= corpus/district
DEMO_DB := sqlite:///$(OUT)/gkaudit.db
DEMO_RANK := $(BIN)/gkaudit rank --db $(DEMO_DB) --groups $(DEMO_CORPUS)/groups.csv
DEMO_NOTICE ?= 凤栖市澄川区发展和改革局

demo: install
	mkdir -p $(OUT)
	$(BIN)/gkaudit audit $(DEMO_CORPUS) --db $(DEMO_DB)
	$(DEMO_RANK) --format html --out $(OUT)/ranking.html
	$(DEMO_RANK) --format csv --out $(OUT)/ranking.csv
	$(DEMO_RANK) --format xlsx --out $(OUT)/ranking.xlsx
	$(BIN)/gkaudit notice $(DEMO_NOTICE) --db $(DEMO_DB) --out $(OUT)/notice.docx
	@echo "open $(OUT)/ranking.html (also $(OUT)/ranking.xlsx and $(OUT)/notice.docx)"

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
	$(BIN)/python bench/rank_bench.py
	$(BIN)/python bench/audit_scale_bench.py

clean:
	rm -rf $(VENV) $(OUT) *.egg-info

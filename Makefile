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
	$(BIN)/gkaudit parse corpus/sample/*.txt corpus/sample/*.docx corpus/sample/*.pdf corpus/sample/*.html > $(OUT)/parsed.jsonl
	@$(BIN)/python -c "import json,sys; rows=[json.loads(l) for l in open('$(OUT)/parsed.jsonl')]; \
	print(f'parsed {len(rows)} documents -> $(OUT)/parsed.jsonl'); \
	[print(f\"  {r['file']}: format {r['format_version']}, {len(r['sections'])} sections, {len(r['tables'])} table fields\") for r in rows]"

test: install
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check extractor workers models

bench: install
	$(BIN)/python bench/parse_bench.py
	$(BIN)/python bench/check_bench.py

clean:
	rm -rf $(VENV) $(OUT) *.egg-info

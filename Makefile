# The two commands a new user types: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test check fmt bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# constraints.txt pins every version the tests and the golden files were made with.
$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@

## demo: install, build the demo site, import demo subscribers, preview and send the issue to the outbox
demo: $(VENV)/.installed
	$(BIN)/python demo/build.py
	$(BIN)/digest subscribers import subscribers/demo.csv
	$(BIN)/digest preview
	$(BIN)/digest run
	@echo "Open preview/preview.html in a browser; the sent messages are the .eml files under outbox/."

## test: install with the dev extras and run ruff, mypy and pytest
test: $(VENV)/.installed /usr/bin/chromium
	$(BIN)/ruff check digest tests bench demo/build.py
	$(BIN)/ruff format --check digest tests bench demo/build.py
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

# The browser tests drive Debian's Chromium (Playwright never downloads a browser of its own).
/usr/bin/chromium:
	DEBIAN_FRONTEND=noninteractive apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y chromium

check: test

## fmt: format and auto-fix lint findings
fmt: $(VENV)/.installed
	$(BIN)/ruff format digest tests bench demo/build.py
	$(BIN)/ruff check --fix digest tests bench demo/build.py

## bench: the benchmarks that need nothing but this repository
bench: $(VENV)/.installed
	$(BIN)/python bench/render.py
	$(BIN)/python bench/collect.py

clean:
	rm -rf $(VENV) outbox preview subscribers/*.sqlite3* .pytest_cache .mypy_cache .ruff_cache

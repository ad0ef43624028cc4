# The README's two commands are `make run` and `make test`; the other targets are for developers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# pipefail: the install's progress goes through sed, and a failed install must still stop make.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c

.PHONY: run test lint bench install translations

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@echo "Installing Python packages into $(VENV) (the first run only; a few minutes)..."
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --progress-bar off -r requirements-dev.txt | sed -n -e '/^Collecting/p' -e '/^Successfully/p'
	touch $@

install: $(VENV)/.installed

run: install
	@$(BIN)/python scripts/run.py

test: install
	bash scripts/test.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: install
	$(BIN)/python bench/seed.py

# After changing user-facing text: refresh the catalogue, translate the new entries in
# sidebar/translations/zh/LC_MESSAGES/messages.po, then run this again to compile.
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o sidebar/translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching -i sidebar/translations/messages.pot -d sidebar/translations -l zh
	$(BIN)/pybabel compile -d sidebar/translations

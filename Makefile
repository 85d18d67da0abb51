# RelayDesk developer entry points. `make run` and `make test` work on a fresh machine:
# they install the Debian packages (when root), build .venv and go. `make run` installs what the
# app needs and nothing else (no test tools, no services touched); `make test` adds the tests'.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CKSUM := $(shell cksum pyproject.toml | cut -d' ' -f1)
STAMP_RUN := $(VENV)/.installed-run-$(CKSUM)
STAMP := $(VENV)/.installed-test-$(CKSUM)
PYTEST_ARGS ?=

.PHONY: run test bench build screenshots translations system-deps system-deps-run venv venv-run \
	clean

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "RelayDesk needs Python 3.11+"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e .
	rm -f $(VENV)/.installed-run-*
	touch $@

# The test and build tools on top; a venv with them has everything `make run` needs too.
$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[test,build]'
	rm -f $(VENV)/.installed-*
	touch $@ $(STAMP_RUN)

venv-run: $(STAMP_RUN)
venv: $(STAMP)

system-deps-run:
	@./.ci/system-deps run

system-deps:
	@./.ci/system-deps test

run: system-deps-run venv-run
	$(BIN)/relaydesk

# Lint and type-check first (config in pyproject.toml): they take seconds, the tests minutes.
test: system-deps venv
	$(BIN)/ruff check .
	$(BIN)/mypy
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

bench: system-deps venv
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.scaleout
	$(BIN)/python -m bench.litellm
	$(BIN)/python -m bench.export
	$(BIN)/python -m bench.purge
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m bench.gui_logs
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m bench.gui_relay

# The desktop bundle: dist/RelayDesk/RelayDesk (build.spec says what goes in and why).
build: venv
	$(BIN)/pyinstaller --noconfirm --clean build.spec

screenshots: system-deps venv
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m docs.screenshots

# After adding or changing interface strings in gui/: refresh the Chinese catalogue (new strings
# arrive untranslated; translate them in the .ts, e.g. with pyside6-linguist), then compile the
# .qm the app loads. tests/gui/test_i18n.py fails while any string is untranslated.
TS := resources/i18n/relaydesk_zh_CN.ts
translations: venv
	$(BIN)/pyside6-lupdate -no-obsolete $(shell find gui -name '*.py' | sort) -ts $(TS)
	$(BIN)/pyside6-lrelease $(TS) -qm $(TS:.ts=.qm)

clean:
	rm -rf $(VENV) build dist .pytest_cache .hypothesis

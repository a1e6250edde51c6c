# The emulator's web console in a real browser: included from the top-level Makefile.
#
#   make test-console         headless Chromium (Debian's chromium + chromium-driver) driven by Selenium
#   make console-screenshots  the same run, writing the three main views into docs/console/
#
# Chromium is installed from Debian's packages when missing (as valgrind is);
# Selenium goes into a venv of its own.

CONSOLE_PYTHON ?= python3
CONSOLE_VENV   := $(CURDIR)/.venv-console
CONSOLE_BIN    := $(CONSOLE_VENV)/bin
CONSOLE_TEST   := $(CURDIR)/tests/console/browser_test.py
CONSOLE_DEPS   := "selenium>=4.20,<5"

.PHONY: deps-chromium console-venv test-console console-screenshots

deps-chromium:
	@{ command -v chromium && command -v chromedriver; } >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium chromium-driver; }

$(CONSOLE_BIN)/python:
	$(CONSOLE_PYTHON) -m venv $(CONSOLE_VENV)

console-venv: $(CONSOLE_BIN)/python
	$(CONSOLE_BIN)/python -m pip install --quiet --disable-pip-version-check $(CONSOLE_DEPS)

test-console: build deps-chromium console-venv
	$(CONSOLE_BIN)/python $(CONSOLE_TEST) --binary $(RELEASE)/livechat-bots

console-screenshots: build deps-chromium console-venv
	mkdir -p docs/console
	$(CONSOLE_BIN)/python $(CONSOLE_TEST) --binary $(RELEASE)/livechat-bots --screenshots docs/console

# The emulator's web console in a real browser: included from the top-level Makefile.
#
#   make test-console         headless Chromium (Debian's chromium + chromium-driver) driven by Selenium
#   make console-screenshots  the same run, writing the main views into docs/console/
#
# Chromium is installed from Debian's packages when missing (as valgrind is).
# The test runs in the Python test venv (bindings/python/python.mk), with the
# package installed there and Selenium added to it.

CONSOLE_TEST := $(CURDIR)/tests/console/browser_test.py
CONSOLE_DEPS := "selenium>=4.20,<5"

.PHONY: deps-chromium console-deps test-console console-screenshots

deps-chromium:
	@{ command -v chromium && command -v chromedriver; } >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium chromium-driver; }

console-deps: python-install deps-chromium
	$(PY_BIN)/python -m pip install --quiet --disable-pip-version-check $(CONSOLE_DEPS)

test-console: console-deps
	cd /tmp && env -u LIVECHAT_BOTS_LIB -u LIVECHAT_TOKEN $(PY_BIN)/python $(CONSOLE_TEST)

console-screenshots: console-deps
	mkdir -p docs/console
	cd /tmp && env -u LIVECHAT_BOTS_LIB -u LIVECHAT_TOKEN $(PY_BIN)/python $(CONSOLE_TEST) --screenshots $(CURDIR)/docs/console

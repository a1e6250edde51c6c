# Python package livechat_bots: included from the top-level Makefile.
#
#   make test-python         venv, install the package (builds the Rust library), mypy --strict, pytest
#   make python-sdist-check  build an sdist, then a wheel from it, and smoke-test that wheel
#
# Needs only Rust, Python 3 (3.10+) and access to PyPI.

PY_PYTHON     ?= python3
PY_VENV       := $(CURDIR)/.venv-python
PY_BIN        := $(PY_VENV)/bin
PY_PKG_DIR    := $(CURDIR)/bindings/python
PY_DIST_DIR   := $(CURDIR)/target/python-dist
PY_BUILD_DEPS := "setuptools>=77" "setuptools-rust>=1.9"
# The official LiveChat SDK, for tests/test_official_sdk.py (the emulator against an
# unmodified official client). It imports loguru without declaring it, so loguru is
# listed too. The SDK pins httpx and websocket-client exactly; nothing else here uses them.
PY_SDK_DEPS   ?= "lc-sdk-python==0.4.2" loguru
# examples/echo_bot_async.py's webhook receiver (tests/test_echo_bot_async.py); the
# package itself does not use it.
PY_EXAMPLE_DEPS ?= aiohttp

.PHONY: test-python python-venv python-install python-sdist-check

$(PY_BIN)/python:
	$(PY_PYTHON) -m venv $(PY_VENV)

python-venv: $(PY_BIN)/python
	$(PY_BIN)/python -m pip install --quiet --disable-pip-version-check pytest mypy build $(PY_BUILD_DEPS) $(PY_SDK_DEPS) $(PY_EXAMPLE_DEPS)

# The build requirements are in the venv, so no isolated build env is needed;
# CARGO_TARGET_DIR reuses the Rust build of the rest of the project.
python-install: python-venv
	CARGO_TARGET_DIR=$(CURDIR)/target LIVECHAT_BOTS_CARGO_FEATURES=$(CARGO_FEATURES) \
		$(PY_BIN)/python -m pip install --quiet --disable-pip-version-check \
		--no-build-isolation --force-reinstall --no-deps $(PY_PKG_DIR)

# pytest runs the installed package (the `pytest` script does not put the
# source folder on sys.path), so the tests see the library pip placed in it.
test-python: python-install
	cd $(PY_PKG_DIR) && $(PY_BIN)/mypy --strict livechat_bots tests
	cd $(PY_PKG_DIR) && env -u LIVECHAT_BOTS_LIB -u LIVECHAT_TOKEN $(PY_BIN)/pytest -q tests
	@echo "== Python: fork, cancel, timeouts, token renewal and asyncio again, over HTTPS"
	cd $(PY_PKG_DIR) && env -u LIVECHAT_BOTS_LIB -u LIVECHAT_TOKEN LCBOT_TEST_TLS=1 $(PY_BIN)/pytest -q \
		tests/test_fork.py tests/test_credentials.py tests/test_options.py tests/test_sigint.py tests/test_threads.py tests/test_aio.py

# `python -m build` makes the sdist, then the wheel from that sdist, each in a
# fresh isolated env with only the declared build requirements.
python-sdist-check: python-venv
	rm -rf $(PY_DIST_DIR) $(PY_VENV)-wheel-check
	CARGO_TARGET_DIR=$(CURDIR)/target $(PY_BIN)/python -m build --outdir $(PY_DIST_DIR) $(PY_PKG_DIR)
	tar -tzf $(PY_DIST_DIR)/livechat_bots-*.tar.gz | grep -q '/rust/Cargo.toml$$'
	tar -tzf $(PY_DIST_DIR)/livechat_bots-*.tar.gz | grep -q '/rust/src/lib.rs$$'
	$(PY_BIN)/python -m zipfile -l $(PY_DIST_DIR)/livechat_bots-*.whl | grep -q 'livechat_bots/liblivechat_bots.so'
	$(PY_PYTHON) -m venv $(PY_VENV)-wheel-check
	$(PY_VENV)-wheel-check/bin/python -m pip install --quiet --disable-pip-version-check $(PY_DIST_DIR)/livechat_bots-*.whl
	cd /tmp && env -u LIVECHAT_BOTS_LIB -u LIVECHAT_TOKEN $(PY_VENV)-wheel-check/bin/python $(CURDIR)/examples/quickstart.py
	rm -rf $(PY_VENV)-wheel-check
	@echo "python-sdist-check: sdist and wheel OK in $(PY_DIST_DIR)"

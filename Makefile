# livechat-bots: build, demo, test, install.
#   make demo   build the library, run examples/quickstart.c, examples/many_calls.c and the echo bot (examples/echo_bot.c) on the embedded emulator
#   make test   every test suite: Rust, header check, C under valgrind, Python, Go, the emulator
#               console in Chromium, the installed library (pkg-config, CMake) and the wheel
#   make wheel  a Python wheel that installs without Rust (bindings/python/wheel.mk)
#   make console-screenshots   the emulator console's main views into docs/console/

PREFIX    ?= /usr/local
CARGO     ?= cargo
CC        ?= cc
RELEASE   := target/release
LIB_SO    := $(RELEASE)/liblivechat_bots.so
LIB_A     := $(RELEASE)/liblivechat_bots.a
HEADER    := include/livechat_bots.h
VERSION   := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
# The soname's number is the C ABI's version (build.rs sets it from the same constant).
ABI       := $(shell sed -n 's/^pub const LCBOT_ABI_VERSION: u32 = \([0-9]*\);/\1/p' src/ffi/strings.rs)
SONAME    := liblivechat_bots.so.$(ABI)
# `make test` builds with the test-only panic hook; `make build` and `make install` never do.
CARGO_FEATURES ?=
BUILD_DIR := target/c
CFLAGS_C  := -std=c99 -Wall -Wextra -Werror -Iinclude
VALGRIND  := valgrind --leak-check=full --error-exitcode=1 --errors-for-leak-kinds=definite,indirect,possible --quiet

.PHONY: all build demo test test-rust check-layout check-docs check-header check-symbols install uninstall clean bench deps-valgrind

all: build

build:
	$(CARGO) build --release $(if $(CARGO_FEATURES),--features $(CARGO_FEATURES))
	ln -sf liblivechat_bots.so $(RELEASE)/$(SONAME)

$(BUILD_DIR):
	mkdir -p $(BUILD_DIR)

$(BUILD_DIR)/quickstart: examples/quickstart.c build | $(BUILD_DIR)
	$(CC) $(CFLAGS_C) examples/quickstart.c -o $@ -L$(RELEASE) -llivechat_bots -Wl,-rpath,$(abspath $(RELEASE))

$(BUILD_DIR)/many_calls: examples/many_calls.c build | $(BUILD_DIR)
	$(CC) $(CFLAGS_C) examples/many_calls.c -o $@ -L$(RELEASE) -llivechat_bots -Wl,-rpath,$(abspath $(RELEASE))

$(BUILD_DIR)/echo_bot: examples/echo_bot.c build | $(BUILD_DIR)
	$(CC) $(CFLAGS_C) examples/echo_bot.c -o $@ -pthread -L$(RELEASE) -llivechat_bots -Wl,-rpath,$(abspath $(RELEASE))

demo: $(BUILD_DIR)/quickstart $(BUILD_DIR)/echo_bot $(BUILD_DIR)/many_calls
	./$(BUILD_DIR)/quickstart
	./$(BUILD_DIR)/many_calls
	@echo
	env -u LIVECHAT_TOKEN ./$(BUILD_DIR)/echo_bot

# The tests never see the LIVECHAT_* settings of the shell that runs them
# (a client would take what its config leaves out from them); the tests
# of that reading set them themselves.
ifneq ($(filter test test-% console-screenshots bench%,$(MAKECMDGOALS)),)
unexport LIVECHAT_BASE_URL LIVECHAT_TOKEN LIVECHAT_API_VERSION LIVECHAT_REGION
endif

# Every test target (and the build it depends on) has the test-only hook.
test test-rust test-c test-python test-go test-console console-screenshots test-install: export CARGO_FEATURES = test-hooks
# test-wheel last: its release build (no test hook) replaces the library the others link.
test: check-layout test-rust check-docs check-header check-symbols test-c test-python test-go test-console test-install test-wheel

test-rust:
	$(CARGO) test --release --features test-hooks
	@echo "== Rust: the long-running suite and the soak again, over HTTPS"
	LCBOT_TEST_TLS=1 $(CARGO) test --release --features test-hooks --test long_running --test soak --test queue

# The floor plan: rooms import one way, no circle between files, and the
# command line uses only the curated Rust surface (tests/check_imports.py).
check-layout:
	python3 tests/check_imports.py src

# The Rust API as `cargo doc` shows it: every public item documented, no
# broken link (lib.rs warns on missing docs; here a warning fails).
check-docs:
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --no-deps --lib --release --features test-hooks

# The committed header must be what build.rs generates from the sources, and
# declare nothing outside the lcbot_ / LCBOT_ prefix.
check-header: build
	git diff --exit-code -- $(HEADER) || (echo "$(HEADER) differs from the generated header: commit it" >&2; exit 1)
	bash tests/check_header_names.sh $(HEADER)
	$(CC) -std=c99 -Wall -Wextra -Werror -pedantic -Iinclude -fsyntax-only -x c $(HEADER)
	$(CXX) -std=c++17 -Wall -Wextra -Werror -pedantic -Iinclude -fsyntax-only -x c++ $(HEADER)

# The shared library exports the C ABI and nothing else (no Rust symbol leaks out).
check-symbols: build
	@bad=$$(nm -D --defined-only $(LIB_SO) | awk '{print $$3}' | grep -v '^lcbot_' || true); \
	if [ -n "$$bad" ]; then echo "exported outside lcbot_: $$bad" >&2; exit 1; fi; \
	echo "check-symbols: $$(nm -D --defined-only $(LIB_SO) | grep -c ' lcbot_') symbols, all lcbot_"
	readelf -d $(LIB_SO) | grep -q 'SONAME.*\[$(SONAME)\]' || (echo "soname is not $(SONAME)" >&2; exit 1)

# valgrind is installed from Debian's packages when missing.
deps-valgrind:
	@command -v valgrind >/dev/null || { apt-get update -qq && apt-get install -y -qq valgrind; }

# The CMake package config (find_package(livechat_bots)) beside the pkg-config file.
CMAKE_DIR := lib/cmake/livechat_bots
CMAKE_SUBST := -e 's|@SONAME@|$(SONAME)|g' -e 's|@VERSION@|$(VERSION)|g' -e 's|@LONG_BIT@|$(shell getconf LONG_BIT)|g' \
               -e 's|@VERSION_MAJOR@|$(word 1,$(subst ., ,$(VERSION)))|g' -e 's|@VERSION_MINOR@|$(word 2,$(subst ., ,$(VERSION)))|g'

install: build
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/$(CMAKE_DIR)
	install -m 755 $(RELEASE)/livechat-bots $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(LIB_A) $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(LIB_SO) $(DESTDIR)$(PREFIX)/lib/$(SONAME).$(VERSION)
	ln -sf $(SONAME).$(VERSION) $(DESTDIR)$(PREFIX)/lib/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(PREFIX)/lib/liblivechat_bots.so
	install -m 644 $(HEADER) include/livechat_bots.hpp $(DESTDIR)$(PREFIX)/include/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' livechat-bots.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/livechat-bots.pc
	sed $(CMAKE_SUBST) cmake/livechat_botsConfig.cmake.in > $(DESTDIR)$(PREFIX)/$(CMAKE_DIR)/livechat_botsConfig.cmake
	sed $(CMAKE_SUBST) cmake/livechat_botsConfigVersion.cmake.in > $(DESTDIR)$(PREFIX)/$(CMAKE_DIR)/livechat_botsConfigVersion.cmake

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/lib/liblivechat_bots.* $(DESTDIR)$(PREFIX)/include/livechat_bots.h $(DESTDIR)$(PREFIX)/include/livechat_bots.hpp $(DESTDIR)$(PREFIX)/lib/pkgconfig/livechat-bots.pc
	rm -rf $(DESTDIR)$(PREFIX)/$(CMAKE_DIR)
	rm -f $(DESTDIR)$(PREFIX)/bin/livechat-bots

clean:
	$(CARGO) clean
	rm -rf $(BUILD_DIR)

-include tests/c/c.mk
-include tests/cmake/cmake.mk
-include bindings/python/python.mk
-include bindings/python/wheel.mk
-include bindings/go/go.mk
-include benches/bench.mk
-include tests/console/console.mk

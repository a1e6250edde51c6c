# tests/cmake/cmake.mk: the installed library as a C or C++ application
# sees it, included by the top Makefile.
#
#   make test-install  `make install` into a temporary prefix, then
#                      - the command line runs from its bin/;
#                      - pkg-config: examples/quickstart.c and tests/cmake/consumer.cpp (the C++ wrapper)
#                        built with `pkg-config --cflags --libs`;
#                      - the prefix is moved elsewhere (the CMake config must not depend on where
#                        it was installed), and tests/cmake/ is configured with find_package,
#                        built (C++ wrapper on the shared library, C on the static one) and run;
#                      - find_package asking for an incompatible version must fail.
#
# cmake comes from Debian's packages when missing, as valgrind does.

INSTALL_TEST_DIR := $(CURDIR)/target/install-test
INSTALL_TEST_PC  := PKG_CONFIG_PATH=$(INSTALL_TEST_DIR)/staged/lib/pkgconfig pkg-config

.PHONY: test-install deps-cmake

deps-cmake:
	@command -v cmake >/dev/null || { apt-get update -qq && apt-get install -y -qq cmake; }
	@command -v pkg-config >/dev/null || { apt-get update -qq && apt-get install -y -qq pkg-config; }

test-install: deps-cmake
	rm -rf $(INSTALL_TEST_DIR)
	$(MAKE) --no-print-directory install PREFIX=$(INSTALL_TEST_DIR)/staged
	$(INSTALL_TEST_DIR)/staged/bin/livechat-bots --version | grep -qx 'livechat-bots $(VERSION)'
	@echo "== pkg-config"
	$(INSTALL_TEST_PC) --modversion livechat-bots | grep -qx '$(VERSION)'
	$(CC) -std=c99 -Wall -Wextra -Werror examples/quickstart.c -o $(INSTALL_TEST_DIR)/quickstart $$($(INSTALL_TEST_PC) --cflags --libs livechat-bots)
	LD_LIBRARY_PATH=$(INSTALL_TEST_DIR)/staged/lib $(INSTALL_TEST_DIR)/quickstart > $(INSTALL_TEST_DIR)/quickstart.out
	$(CXX) -std=c++17 -Wall -Wextra -Werror -pedantic tests/cmake/consumer.cpp -o $(INSTALL_TEST_DIR)/consumer_cxx_pc $$($(INSTALL_TEST_PC) --cflags --libs livechat-bots)
	LD_LIBRARY_PATH=$(INSTALL_TEST_DIR)/staged/lib $(INSTALL_TEST_DIR)/consumer_cxx_pc
	@echo "== CMake, from a moved prefix"
	mv $(INSTALL_TEST_DIR)/staged $(INSTALL_TEST_DIR)/moved
	cmake -S tests/cmake -B $(INSTALL_TEST_DIR)/build -DCMAKE_PREFIX_PATH=$(INSTALL_TEST_DIR)/moved -DCMAKE_BUILD_TYPE=Release > /dev/null
	cmake --build $(INSTALL_TEST_DIR)/build
	$(INSTALL_TEST_DIR)/build/consumer_cxx
	$(INSTALL_TEST_DIR)/build/consumer_c_static
	@if cmake -S tests/cmake -B $(INSTALL_TEST_DIR)/build-0.2 -DCMAKE_PREFIX_PATH=$(INSTALL_TEST_DIR)/moved \
		-DLIVECHAT_BOTS_WANT=0.2 > $(INSTALL_TEST_DIR)/want-0.2.log 2>&1; then \
		echo "find_package(livechat_bots 0.2) accepted version $(VERSION)" >&2; exit 1; fi
	grep -q 'compatible with requested version "0.2"' $(INSTALL_TEST_DIR)/want-0.2.log
	@echo "== test-install: pkg-config and CMake (shared, static, C++ wrapper) passed"

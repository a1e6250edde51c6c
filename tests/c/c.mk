# tests/c/c.mk: the C and C++ test programs, included by the top Makefile.
#
#   make test-c   build the library, compile every program into $(BUILD_DIR)/c/,
#                 run each natively, then each again under valgrind.
#
# Each program prints "N passed, M failed" last and exits non-zero on any
# failure. test_threads takes its calls per thread as argv[1]: full size
# natively, smaller under valgrind (which serialises the 16 threads).
# test_hostile runs its full set both ways (20 MB strings and 100 000-deep
# nesting are built once and reused: a few seconds under valgrind).
# valgrind.supp holds only proven false positives of third-party runtime
# code, each with its reason.

C_TEST_SRC      := tests/c
C_TEST_OUT      := $(BUILD_DIR)/c
C_TEST_PROGRAMS := test_abi test_validation test_roundtrip test_threads test_hostile test_cxx
C_TEST_BINS     := $(addprefix $(C_TEST_OUT)/,$(C_TEST_PROGRAMS))
C_TEST_LINK     := -L$(RELEASE) -llivechat_bots -Wl,-rpath,$(abspath $(RELEASE))
C_TEST_CXXFLAGS := -std=c++17 -Wall -Wextra -Werror -Iinclude
C_TEST_VALGRIND := $(VALGRIND) --suppressions=$(C_TEST_SRC)/valgrind.supp
C_TEST_THREAD_CALLS          ?= 1000
C_TEST_THREAD_CALLS_VALGRIND ?= 200

.PHONY: test-c

$(C_TEST_OUT):
	mkdir -p $@

# `build` first: the programs link the freshly built shared library.
$(C_TEST_OUT)/%: $(C_TEST_SRC)/%.c $(C_TEST_SRC)/check.h $(HEADER) build | $(C_TEST_OUT)
	$(CC) $(CFLAGS_C) -I$(C_TEST_SRC) $< -o $@ -pthread $(C_TEST_LINK)

$(C_TEST_OUT)/test_cxx: $(C_TEST_SRC)/test_cxx.cpp $(C_TEST_SRC)/check.h $(HEADER) build | $(C_TEST_OUT)
	$(CXX) $(C_TEST_CXXFLAGS) -I$(C_TEST_SRC) $< -o $@ $(C_TEST_LINK)

test-c: build deps-valgrind $(C_TEST_BINS)
	@echo "== C tests: native"
	./$(C_TEST_OUT)/test_abi
	./$(C_TEST_OUT)/test_validation
	./$(C_TEST_OUT)/test_roundtrip
	./$(C_TEST_OUT)/test_threads $(C_TEST_THREAD_CALLS)
	./$(C_TEST_OUT)/test_hostile
	./$(C_TEST_OUT)/test_cxx
	@echo "== C tests: under valgrind"
	$(C_TEST_VALGRIND) ./$(C_TEST_OUT)/test_abi
	$(C_TEST_VALGRIND) ./$(C_TEST_OUT)/test_validation
	$(C_TEST_VALGRIND) ./$(C_TEST_OUT)/test_roundtrip
	$(C_TEST_VALGRIND) ./$(C_TEST_OUT)/test_threads $(C_TEST_THREAD_CALLS_VALGRIND)
	$(C_TEST_VALGRIND) ./$(C_TEST_OUT)/test_hostile
	$(C_TEST_VALGRIND) ./$(C_TEST_OUT)/test_cxx
	@echo "== C tests: all passed, natively and under valgrind"

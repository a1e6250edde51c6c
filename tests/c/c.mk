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
# test_lifecycle takes the fork test's iterations per thread and the token
# expiry in ms: under valgrind fewer iterations and a later expiry (its
# threads start long after the emulator, whose clock the expiry runs on).
# Under valgrind its forked children end by exec'ing `sh -c 'exit N'`
# (valgrind does not follow an exec: --trace-children=no, the default), so
# no leak check runs in a child of a multi-threaded process, where the
# parent's threads' memory is unreachable by construction; their memory
# errors still fail them.
# test_soak takes its total calls and the margin in ms a call may overrun
# its timeout_ms by: 4000 calls natively, 800 and a wider margin under
# valgrind (which serialises the 16 threads).
# test_bots takes the emulator's bot token lifetime in ms for its shared
# renewal test: longer under valgrind, whose threads start slowly.
# valgrind.supp holds only proven false positives of third-party runtime
# code, each with its reason.

C_TEST_SRC      := tests/c
C_TEST_OUT      := $(BUILD_DIR)/c
C_TEST_PROGRAMS := test_abi test_validation test_roundtrip test_threads test_hostile test_cxx test_lifecycle test_soak test_webhooks test_bots test_templates test_environment test_conversation test_queue
C_TEST_BINS     := $(addprefix $(C_TEST_OUT)/,$(C_TEST_PROGRAMS))
C_TEST_LINK     := -L$(RELEASE) -llivechat_bots -Wl,-rpath,$(abspath $(RELEASE))
C_TEST_CXXFLAGS := -std=c++17 -Wall -Wextra -Werror -Iinclude
# The C++ wrapper promises pedantic C++17.
C_TEST_HPPFLAGS := $(C_TEST_CXXFLAGS) -pedantic
C_TEST_VALGRIND := $(VALGRIND) --suppressions=$(C_TEST_SRC)/valgrind.supp
C_TEST_THREAD_CALLS          ?= 1000
C_TEST_THREAD_CALLS_VALGRIND ?= 200
C_TEST_LIFECYCLE_ARGS          ?= 40 300
C_TEST_LIFECYCLE_ARGS_VALGRIND ?= 4 3000
C_TEST_SOAK_ARGS               ?= 4000 500
C_TEST_SOAK_ARGS_VALGRIND      ?= 800 3000
C_TEST_BOTS_ARGS               ?= 1000
C_TEST_BOTS_ARGS_VALGRIND      ?= 3000

.PHONY: test-c

# The echo bot example, built as users build it, and run by test_echo_bot.sh.
$(C_TEST_OUT)/echo_bot: examples/echo_bot.c $(HEADER) build | $(C_TEST_OUT)
	$(CC) $(CFLAGS_C) $< -o $@ -pthread $(C_TEST_LINK)

# The many-calls example (a hundred calls in flight from one thread), built as users build it.
$(C_TEST_OUT)/many_calls: examples/many_calls.c $(HEADER) build | $(C_TEST_OUT)
	$(CC) $(CFLAGS_C) $< -o $@ $(C_TEST_LINK)

$(C_TEST_OUT):
	mkdir -p $@

# `build` first: the programs link the freshly built shared library.
$(C_TEST_OUT)/%: $(C_TEST_SRC)/%.c $(C_TEST_SRC)/check.h $(C_TEST_SRC)/over_tls.h $(HEADER) build | $(C_TEST_OUT)
	$(CC) $(CFLAGS_C) -I$(C_TEST_SRC) $< -o $@ -pthread $(C_TEST_LINK)

$(C_TEST_OUT)/test_cxx: $(C_TEST_SRC)/test_cxx.cpp $(C_TEST_SRC)/check.h $(HEADER) build | $(C_TEST_OUT)
	$(CXX) $(C_TEST_CXXFLAGS) -I$(C_TEST_SRC) $< -o $@ $(C_TEST_LINK)

$(C_TEST_OUT)/test_cxx_wrapper: $(C_TEST_SRC)/test_cxx_wrapper.cpp $(C_TEST_SRC)/check.h include/livechat_bots.hpp $(HEADER) build | $(C_TEST_OUT)
	$(CXX) $(C_TEST_HPPFLAGS) -I$(C_TEST_SRC) $< -o $@ $(C_TEST_LINK)

test-c: build deps-valgrind $(C_TEST_BINS) $(C_TEST_OUT)/test_cxx_wrapper $(C_TEST_OUT)/echo_bot $(C_TEST_OUT)/many_calls
	@echo "== C tests: native"
	./$(C_TEST_OUT)/test_abi
	./$(C_TEST_OUT)/test_validation
	./$(C_TEST_OUT)/test_roundtrip
	./$(C_TEST_OUT)/test_threads $(C_TEST_THREAD_CALLS)
	./$(C_TEST_OUT)/test_hostile
	./$(C_TEST_OUT)/test_cxx
	./$(C_TEST_OUT)/test_cxx_wrapper
	./$(C_TEST_OUT)/test_lifecycle $(C_TEST_LIFECYCLE_ARGS)
	./$(C_TEST_OUT)/test_soak $(C_TEST_SOAK_ARGS)
	./$(C_TEST_OUT)/test_webhooks
	./$(C_TEST_OUT)/test_bots $(C_TEST_BOTS_ARGS)
	./$(C_TEST_OUT)/test_templates
	./$(C_TEST_OUT)/test_environment
	./$(C_TEST_OUT)/test_conversation
	./$(C_TEST_OUT)/test_queue
	./$(C_TEST_OUT)/many_calls
	bash $(C_TEST_SRC)/test_echo_bot.sh ./$(C_TEST_OUT)/echo_bot
	@echo "== C tests: under valgrind"
	$(C_TEST_VALGRIND) ./$(C_TEST_OUT)/test_abi
	$(C_TEST_VALGRIND) ./$(C_TEST_OUT)/test_validation
	$(C_TEST_VALGRIND) ./$(C_TEST_OUT)/test_roundtrip
	$(C_TEST_VALGRIND) ./$(C_TEST_OUT)/test_threads $(C_TEST_THREAD_CALLS_VALGRIND)
	$(C_TEST_VALGRIND) ./$(C_TEST_OUT)/test_hostile
	$(C_TEST_VALGRIND) ./$(C_TEST_OUT)/test_cxx
	$(C_TEST_VALGRIND) ./$(C_TEST_OUT)/test_cxx_wrapper
	$(C_TEST_VALGRIND) ./$(C_TEST_OUT)/test_lifecycle $(C_TEST_LIFECYCLE_ARGS_VALGRIND)
	$(C_TEST_VALGRIND) ./$(C_TEST_OUT)/test_soak $(C_TEST_SOAK_ARGS_VALGRIND)
	$(C_TEST_VALGRIND) ./$(C_TEST_OUT)/test_webhooks
	$(C_TEST_VALGRIND) ./$(C_TEST_OUT)/test_bots $(C_TEST_BOTS_ARGS_VALGRIND)
	$(C_TEST_VALGRIND) ./$(C_TEST_OUT)/test_templates
	$(C_TEST_VALGRIND) ./$(C_TEST_OUT)/test_environment
	$(C_TEST_VALGRIND) ./$(C_TEST_OUT)/test_conversation
	$(C_TEST_VALGRIND) ./$(C_TEST_OUT)/test_queue
	$(C_TEST_VALGRIND) ./$(C_TEST_OUT)/many_calls
	bash $(C_TEST_SRC)/test_echo_bot.sh ./$(C_TEST_OUT)/echo_bot $(C_TEST_VALGRIND)
	@echo "== C tests: the long-running ones again over HTTPS (over_tls.h)"
	LCBOT_TEST_TLS=1 ./$(C_TEST_OUT)/test_lifecycle $(C_TEST_LIFECYCLE_ARGS)
	LCBOT_TEST_TLS=1 ./$(C_TEST_OUT)/test_soak $(C_TEST_SOAK_ARGS)
	LCBOT_TEST_TLS=1 $(C_TEST_VALGRIND) ./$(C_TEST_OUT)/test_lifecycle $(C_TEST_LIFECYCLE_ARGS_VALGRIND)
	@# Not the soak under valgrind over TLS: there a handshake takes longer
	@# than the soak's 400 ms attempt timeout, so every call would time out.
	@echo "== C tests: all passed, natively and under valgrind"

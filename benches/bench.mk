# benches/bench.mk: `make bench`, included by the top-level Makefile.
#
#   make bench   build every contender, run them all against one emulator
#                process, write BENCHMARKS.md and benches/results/latest.json
#
# Installs what it needs when missing: wrk and valgrind from Debian's
# packages, lc-sdk-python and loguru from PyPI into .venv-bench (with our
# Python package, built from bindings/python). Needs cargo, go, cc, python3.
# Sizes: make bench BENCH_N=10000 BENCH_N_SLOW=3000 BENCH_ROUNDS=3 BENCH_SOAK=100000
# (calls per phase for most contenders / for lc-sdk-python, rounds whose
# median is reported, calls of the RSS-growth run).

BENCH_N          ?= 10000
BENCH_N_SLOW     ?= 3000
BENCH_ROUNDS     ?= 3
BENCH_SOAK       ?= 100000
BENCH_WRK_SECS   ?= 10
# 0 skips the `make demo` build of a fresh clone (2 to 15 minutes, with the
# machine's load) and keeps the figure of the last run that measured it.
BENCH_BUILD_TIME ?= 1
BENCH_PYTHON     ?= python3
BENCH_VENV       := $(CURDIR)/.venv-bench
BENCH_BIN        := target/bench
BENCH_CFLAGS     := -O2 -std=c11 -Wall -Wextra -Werror -Iinclude -Ibenches/c
# When make started, so that the report can give the whole run's time.
BENCH_T0         := $(shell date +%s.%N)
# Pinned so that runs compare: lc-sdk-python pins httpx itself.
BENCH_PEERS_PY   := lc-sdk-python==0.4.2 loguru==0.7.3

.PHONY: bench bench-deps bench-build bench-rust bench-c bench-go bench-gomod bench-python bench-release-profile bench-tls bench-many-calls bench-go-many-calls

bench: build bench-deps bench-build
	$(BENCH_PYTHON) benches/feel.py --venv $(BENCH_VENV) --runs 10 $(if $(filter 0,$(BENCH_BUILD_TIME)),--keep-build --no-build-time) > /dev/null
	$(MAKE) --no-print-directory bench-tls
	@# Many calls at once from one asyncio loop (its table goes into the report).
	$(MAKE) --no-print-directory bench-many-calls
	$(MAKE) --no-print-directory bench-go-many-calls
	$(BENCH_PYTHON) benches/run.py --venv $(BENCH_VENV) --n $(BENCH_N) --n-slow $(BENCH_N_SLOW) \
		--rounds $(BENCH_ROUNDS) --soak $(BENCH_SOAK) --wrk-seconds $(BENCH_WRK_SECS) --started-at $(BENCH_T0) \
		--command "make bench$(BENCH_OVERRIDES)"
	@# Two side-by-side ratios the report does not hold: a Go context deadline
	@# per call, and Python's Ctrl-C machinery per call.
	$(BENCH_GO_BUILD) -o $(abspath $(BENCH_BIN))/ctxratio ./cmd/ctxratio
	$(BENCH_BIN)/ctxratio --n $(BENCH_N) --rounds 5 | tee benches/results/go-ctx-timeout.txt
	$(BENCH_VENV)/bin/python benches/python/bench_sigint.py --n 5000 --rounds 5 | tee benches/results/python-ctrl-c.txt

# The sizes that differ from the defaults, for the report's command line.
BENCH_OVERRIDES = $(if $(BENCH_SET), $(BENCH_SET))
BENCH_SET = $(strip $(foreach v,BENCH_N BENCH_N_SLOW BENCH_ROUNDS BENCH_SOAK BENCH_WRK_SECS BENCH_BUILD_TIME,$(if $(filter command line environment,$(origin $(v))),$(v)=$($(v)))))

bench-deps: deps-valgrind
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
	@command -v go >/dev/null || { echo "bench: go is needed (Go 1.24 or later)" >&2; exit 1; }

bench-build: bench-rust bench-c bench-go bench-python

# What a calling thread and a call cost over TLS beside plain HTTP, ours and
# lc-sdk-python (benches/python/bench_tls.py); runnable on its own. run.py
# puts benches/results/tls.json into BENCHMARKS.md.
BENCH_TLS_ARGS ?= --threads 64,256 --n 3000 --rounds 5
bench-tls: build bench-python bench-go $(BENCH_BIN)/thread_cost
	$(BENCH_VENV)/bin/python benches/python/bench_tls.py --cli $(RELEASE)/livechat-bots $(BENCH_TLS_ARGS) \
		--thread-cost $(BENCH_BIN)/thread_cost --go-bin $(BENCH_BIN) --json benches/results/tls.json --command "make bench-tls"

# Its own cargo project with a path dependency on the crate. The crate's
# Cargo.lock is copied in so the core is built with the versions it ships
# with. Its own target dir: its profile (debug = 1) compiles every crate
# apart anyway, and the crate's library files have no hash in their names
# (it is also a cdylib), so a shared dir had this build overwrite the
# liblivechat_bots.rlib that `make build` links its binary with (a later
# `make build` then failed with two serde_json builds in one binary). The
# two programs are copied to target/release, where run.py runs them.
BENCH_RUST_TARGET := $(CURDIR)/target/bench-rust
bench-rust: build
	cp Cargo.lock benches/rust/Cargo.lock
	CARGO_TARGET_DIR=$(BENCH_RUST_TARGET) $(CARGO) build --release --manifest-path benches/rust/Cargo.toml
	cp $(BENCH_RUST_TARGET)/release/rust_core $(BENCH_RUST_TARGET)/release/webhooks_core $(RELEASE)/

$(BENCH_BIN):
	mkdir -p $@

$(BENCH_BIN)/bench_c: benches/c/bench_c.c benches/c/bench_common.h $(HEADER) build | $(BENCH_BIN)
	$(CC) $(BENCH_CFLAGS) $< -o $@ -pthread -L$(RELEASE) -llivechat_bots -Wl,-rpath,$(abspath $(RELEASE))

$(BENCH_BIN)/floor: benches/c/floor.c benches/c/bench_common.h | $(BENCH_BIN)
	$(CC) $(BENCH_CFLAGS) $< -o $@ -pthread

$(BENCH_BIN)/maxrss: benches/c/maxrss.c | $(BENCH_BIN)
	$(CC) $(BENCH_CFLAGS) $< -o $@

$(BENCH_BIN)/thread_cost: benches/c/thread_cost.c $(HEADER) build | $(BENCH_BIN)
	$(CC) $(BENCH_CFLAGS) $< -o $@ -pthread -L$(RELEASE) -llivechat_bots -Wl,-rpath,$(abspath $(RELEASE))

bench-c: $(BENCH_BIN)/bench_c $(BENCH_BIN)/floor $(BENCH_BIN)/maxrss $(BENCH_BIN)/thread_cost

# The Go programs are built through a temporary modfile (go build -modfile),
# so that benches/go/go.mod stays what a user of lc-sdk-go has: when
# ../shared/peers/lc-sdk-go-v3 exists (its source; the module proxy here does
# not serve it), the copy replaces the module with that folder; when it does
# not, the copy drops the requirement and the lc-sdk-go contender is skipped
# (said on stderr here, and in BENCHMARKS.md).
BENCH_LCSDK_GO   := $(abspath ../shared/peers/lc-sdk-go-v3)
BENCH_GOMOD      := $(abspath $(BENCH_BIN))/gomod/go.mod
BENCH_GO_BUILD    = cd benches/go && CGO_ENABLED=1 $(GO) build -modfile=$(BENCH_GOMOD)

bench-gomod: | $(BENCH_BIN)
	mkdir -p $(dir $(BENCH_GOMOD))
	cp benches/go/go.mod $(BENCH_GOMOD)
	cp benches/go/go.sum $(basename $(BENCH_GOMOD)).sum
	@if [ -d "$(BENCH_LCSDK_GO)" ]; then \
		$(GO) mod edit -replace=github.com/livechat/lc-sdk-go/v3=$(BENCH_LCSDK_GO) $(BENCH_GOMOD); \
		echo "bench: lc-sdk-go from $(BENCH_LCSDK_GO) (replace in $(BENCH_GOMOD))"; \
	else \
		$(GO) mod edit -droprequire=github.com/livechat/lc-sdk-go/v3 $(BENCH_GOMOD); \
		echo "bench: $(BENCH_LCSDK_GO) is absent: the lc-sdk-go contender is SKIPPED" >&2; \
	fi

# go build relinks every time, so the binaries have the fresh static library.
bench-go: build bench-gomod | $(BENCH_BIN)
	$(BENCH_GO_BUILD) -o $(abspath $(BENCH_BIN))/go-ours ./cmd/ours
	$(BENCH_GO_BUILD) -o $(abspath $(BENCH_BIN))/script-ours ./cmd/script-ours
	$(BENCH_GO_BUILD) -o $(abspath $(BENCH_BIN))/hello ./cmd/hello
	$(BENCH_GO_BUILD) -o $(abspath $(BENCH_BIN))/echo ./cmd/echo
	rm -f $(BENCH_BIN)/go-lc-sdk $(BENCH_BIN)/script-lcsdk
	if [ -d "$(BENCH_LCSDK_GO)" ]; then ($(BENCH_GO_BUILD) -o $(abspath $(BENCH_BIN))/go-lc-sdk ./cmd/lcsdk); fi
	if [ -d "$(BENCH_LCSDK_GO)" ]; then ($(BENCH_GO_BUILD) -o $(abspath $(BENCH_BIN))/script-lcsdk ./cmd/script-lcsdk); fi

$(BENCH_VENV)/bin/python:
	$(BENCH_PYTHON) -m venv $(BENCH_VENV)

# Our package is reinstalled every run (the library may have changed); the
# build requirements are in the venv, and CARGO_TARGET_DIR reuses the build.
bench-python: $(BENCH_VENV)/bin/python
	$(BENCH_VENV)/bin/python -m pip install --quiet --disable-pip-version-check \
		"setuptools>=77" "setuptools-rust>=1.9" $(BENCH_PEERS_PY)
	CARGO_TARGET_DIR=$(CURDIR)/target $(BENCH_VENV)/bin/python -m pip install --quiet --disable-pip-version-check \
		--no-build-isolation --force-reinstall --no-deps ./bindings/python

# Python asyncio with 256 tasks, every call held 20 ms: AsyncClient against
# httpx.AsyncClient and our blocking client via asyncio.to_thread. Runnable
# alone (after bench-python); writes benches/results/many-calls.md, which
# run.py puts in BENCHMARKS.md ("Many calls at once").
BENCH_MANY_CALLS ?= 5120
bench-many-calls: build
	$(BENCH_VENV)/bin/python benches/python/bench_many_calls.py --calls $(BENCH_MANY_CALLS) --slow 1024 --tasks 256 \
		--delay-ms 20 | tee benches/results/many-calls.md

# Go goroutines sharing one client, ours against lc-sdk-go: 256 with every
# call held 20 ms, and 1, 4 and 16 without latency; calls/s, peak OS
# threads and sockets (benches/go/cmd/manycalls). Runnable alone; writes
# benches/results/go-many-calls.md, which report.py puts in BENCHMARKS.md
# ("Many calls at once").
BENCH_GO_MANY_ROUNDS ?= 3
bench-go-many-calls: bench-go
	$(BENCH_GO_BUILD) -o $(abspath $(BENCH_BIN))/manycalls ./cmd/manycalls
	$(BENCH_BIN)/manycalls --bin $(BENCH_BIN) --emulator $(RELEASE)/livechat-bots --rounds $(BENCH_GO_MANY_ROUNDS) \
		--json benches/results/go-many-calls.json | tee benches/results/go-many-calls.md

# Release-profile variants (lto, codegen-units) side by side: build time,
# sizes, C ABI CPU per call; writes benches/results/release-profile.json,
# which the next `make bench` (or run.py --render-only) puts in BENCHMARKS.md.
# Not part of `make bench`: it builds the dependency tree once per variant.
bench-release-profile: build
	$(BENCH_PYTHON) benches/release_profile.py

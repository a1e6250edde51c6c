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
BENCH_PYTHON     ?= python3
BENCH_VENV       := $(CURDIR)/.venv-bench
BENCH_BIN        := target/bench
BENCH_CFLAGS     := -O2 -std=c11 -Wall -Wextra -Werror -Iinclude -Ibenches/c
# When make started, so that the report can give the whole run's time.
BENCH_T0         := $(shell date +%s.%N)
# Pinned so that runs compare: lc-sdk-python pins httpx itself.
BENCH_PEERS_PY   := lc-sdk-python==0.4.2 loguru==0.7.3

.PHONY: bench bench-deps bench-build bench-rust bench-c bench-go bench-python

bench: build bench-deps bench-build
	$(BENCH_PYTHON) benches/run.py --venv $(BENCH_VENV) --n $(BENCH_N) --n-slow $(BENCH_N_SLOW) \
		--rounds $(BENCH_ROUNDS) --soak $(BENCH_SOAK) --wrk-seconds $(BENCH_WRK_SECS) --started-at $(BENCH_T0) \
		--command "make bench$(BENCH_OVERRIDES)"
	@# Two side-by-side ratios the report does not hold: a Go context deadline
	@# per call, and Python's Ctrl-C machinery per call.
	cd benches/go && $(GO) build -o $(CURDIR)/$(BENCH_BIN)/ctxratio ./cmd/ctxratio
	$(BENCH_BIN)/ctxratio --n $(BENCH_N) --rounds 5 | tee benches/results/go-ctx-timeout.txt
	$(BENCH_VENV)/bin/python benches/python/bench_sigint.py --n 5000 --rounds 5 | tee benches/results/python-ctrl-c.txt

# The sizes that differ from the defaults, for the report's command line.
BENCH_OVERRIDES = $(if $(BENCH_SET), $(BENCH_SET))
BENCH_SET = $(strip $(foreach v,BENCH_N BENCH_N_SLOW BENCH_ROUNDS BENCH_SOAK BENCH_WRK_SECS,$(if $(filter command line environment,$(origin $(v))),$(v)=$($(v)))))

bench-deps: deps-valgrind
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
	@command -v go >/dev/null || { echo "bench: go is needed (Go 1.24 or later)" >&2; exit 1; }

bench-build: bench-rust bench-c bench-go bench-python

# Its own cargo project with a path dependency on the crate. The crate's
# Cargo.lock is copied in so the core is built with the versions it ships
# with; the shared target dir reuses the dependencies `build` compiled.
bench-rust: build
	cp Cargo.lock benches/rust/Cargo.lock
	CARGO_TARGET_DIR=$(CURDIR)/target $(CARGO) build --release --manifest-path benches/rust/Cargo.toml

$(BENCH_BIN):
	mkdir -p $@

$(BENCH_BIN)/bench_c: benches/c/bench_c.c benches/c/bench_common.h $(HEADER) build | $(BENCH_BIN)
	$(CC) $(BENCH_CFLAGS) $< -o $@ -pthread -L$(RELEASE) -llivechat_bots -Wl,-rpath,$(abspath $(RELEASE))

$(BENCH_BIN)/floor: benches/c/floor.c benches/c/bench_common.h | $(BENCH_BIN)
	$(CC) $(BENCH_CFLAGS) $< -o $@ -pthread

bench-c: $(BENCH_BIN)/bench_c $(BENCH_BIN)/floor

# go build relinks every time, so the binaries have the fresh static library.
bench-go: build | $(BENCH_BIN)
	cd benches/go && CGO_ENABLED=1 $(GO) build -o $(abspath $(BENCH_BIN))/go-ours ./cmd/ours
	cd benches/go && CGO_ENABLED=1 $(GO) build -o $(abspath $(BENCH_BIN))/go-nethttp ./cmd/nethttp

$(BENCH_VENV)/bin/python:
	$(BENCH_PYTHON) -m venv $(BENCH_VENV)

# Our package is reinstalled every run (the library may have changed); the
# build requirements are in the venv, and CARGO_TARGET_DIR reuses the build.
bench-python: $(BENCH_VENV)/bin/python
	$(BENCH_VENV)/bin/python -m pip install --quiet --disable-pip-version-check \
		"setuptools>=77" "setuptools-rust>=1.9" $(BENCH_PEERS_PY)
	CARGO_TARGET_DIR=$(CURDIR)/target $(BENCH_VENV)/bin/python -m pip install --quiet --disable-pip-version-check \
		--no-build-isolation --force-reinstall --no-deps ./bindings/python

# Go binding targets; included by the top-level Makefile
# (`include bindings/go/go.mk`), which defines `build` (cargo build --release).
#
#   make test-go          gofmt check, go vet and go test -race against the
#                         static library in target/release
#   make test-go-system   the same tests, linked through pkg-config
#                         (-tags livechat_bots_system; run `make install` first)
#   make example-go       build and run the Go quickstart (offline emulator
#                         unless LIVECHAT_TOKEN is set)
#
# The paths below are relative to this file, so the fragment works from any
# directory make is run in.

GO ?= go
GOFMT ?= gofmt
GO_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
GO_TEST_FLAGS ?= -race -count=1
# Where example-go puts its binary (go build, not go run: `go run` may reuse
# a binary linked against an older build of the Rust library).
GO_EXAMPLE_BIN ?= $(abspath $(GO_DIR)/../../target/go/quickstart)

.PHONY: test-go test-go-system example-go

test-go: build
	@unformatted="$$(cd $(GO_DIR) && $(GOFMT) -l .)"; \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed on: $$unformatted" >&2; exit 1; fi
	cd $(GO_DIR) && CGO_ENABLED=1 $(GO) vet ./...
	cd $(GO_DIR) && CGO_ENABLED=1 $(GO) test $(GO_TEST_FLAGS) ./...
	@echo "== Go: deadlines, cancel, idle connections and token renewal again, over HTTPS"
	cd $(GO_DIR) && LCBOT_TEST_TLS=1 CGO_ENABLED=1 $(GO) test $(GO_TEST_FLAGS) -run '$(GO_TLS_TESTS)' ./...

# The long-running tests that run a second time over HTTPS.
GO_TLS_TESTS := ^(TestDeadline|TestCancel|TestIdleConnectionsClosedByTheServer|TestTokenProviderAcrossExpiry|TestSetCredentialsWhileCalling|TestSharedClientManyGoroutines|TestBotTokenRenewedOnceForManyGoroutines)

test-go-system:
	cd $(GO_DIR) && CGO_ENABLED=1 $(GO) vet -tags livechat_bots_system ./...
	cd $(GO_DIR) && CGO_ENABLED=1 $(GO) test -tags livechat_bots_system $(GO_TEST_FLAGS) ./...

example-go: build
	cd $(GO_DIR) && CGO_ENABLED=1 $(GO) build -o $(GO_EXAMPLE_BIN) ./examples/quickstart
	$(GO_EXAMPLE_BIN)

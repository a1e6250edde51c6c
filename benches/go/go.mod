module livechat-bots-bench

// Same as bindings/go (encoding/json's omitzero).
go 1.24

require (
	github.com/livechat-bots/livechat-bots/bindings/go v0.0.0
	// LiveChat's Go SDK, the peer of cmd/lcsdk, required as a user requires it.
	// `make bench` builds through a temporary modfile that replaces it with
	// ../shared/peers/lc-sdk-go-v3 when that folder exists (benches/bench.mk).
	github.com/livechat/lc-sdk-go/v3 v3.0.1
)

require github.com/google/go-querystring v1.1.0 // indirect

replace github.com/livechat-bots/livechat-bots/bindings/go => ../../bindings/go

module livechat-bots-bench

// Same as bindings/go (encoding/json's omitzero).
go 1.24

require github.com/livechat-bots/livechat-bots/bindings/go v0.0.0

replace github.com/livechat-bots/livechat-bots/bindings/go => ../../bindings/go

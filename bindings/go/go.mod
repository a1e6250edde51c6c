module github.com/livechat-bots/livechat-bots/bindings/go

// 1.24: encoding/json's `omitzero` tag, used so that a nil slice is left out
// of a request while an empty one is sent as [].
go 1.24

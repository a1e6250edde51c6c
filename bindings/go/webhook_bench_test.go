package livechatbots_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	lcbot "github.com/livechat-bots/livechat-bots/bindings/go"
)

// benchBody is the core benchmark's body (benches/rust/src/webhooks.rs): a
// v3.6 message event, checked against two secrets.
const benchBody = `{"webhook_id":"5d2c8a0f1e6b4c79b3a8d4e2f0c1b756","secret_key":"rotated-new-key","action":"incoming_event","organization_id":"0b8e5f21-c6a4-4d39-b7e2-5f1a9c3d8e64","payload":{"chat_id":"TF2W9KCJ8M","thread_id":"TF2W9KCJ9N","event":{"id":"TF2W9KCJ9N_7","custom_id":"msg-4f1c2a","created_at":"2025-02-18T09:17:02.114000Z","visibility":"all","type":"message","text":"Hi! Where is my order 4712? It was supposed to arrive yesterday.","author_id":"c1a2b3c4-d5e6-4f70-8a91-b2c3d4e5f607"}},"additional_data":{"chat_presence_user_ids":["c1a2b3c4-d5e6-4f70-8a91-b2c3d4e5f607","8d3f1e2a9b4c5d6e7f80a1b2c3d4e5f6"],"chat_properties":{"routing":{"continuous":false}}}}`

var benchSecrets = []string{"rotated-new-key", "rotated-old-key"}

// VerifyWebhook alone: the cgo call, the core's check and the event's
// decoding.
func BenchmarkVerifyWebhook(b *testing.B) {
	body := []byte(benchBody)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := lcbot.VerifyWebhook(body, benchSecrets, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// VerifyWebhook and Typed.
func BenchmarkVerifyWebhookTyped(b *testing.B) {
	body := []byte(benchBody)
	b.ReportAllocs()
	for b.Loop() {
		ev, err := lcbot.VerifyWebhook(body, benchSecrets, nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := ev.Typed(); err != nil {
			b.Fatal(err)
		}
	}
}

// The handler without the network: reading the body, verifying, the
// callback and the answer.
func BenchmarkWebhookHandler(b *testing.B) {
	h := lcbot.WebhookHandler(benchSecrets, func(context.Context, *lcbot.WebhookEvent) error { return nil })
	body := []byte(benchBody)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body)))
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}

package livechatbots_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	lcbot "github.com/livechat-bots/livechat-bots/bindings/go"
)

func TestEmulatorConfigWebhookKeys(t *testing.T) {
	b, err := json.Marshal(lcbot.EmulatorConfig{
		WebhookTries: 2, WebhookBackoff: lcbot.Ptr(time.Duration(0)), WebhookTimeout: 1500 * time.Microsecond, WebhookAllowRemote: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"webhook_tries":2,"webhook_allow_remote":true,"webhook_backoff_ms":0,"webhook_timeout_ms":2}`
	if string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
	if b, _ := json.Marshal(lcbot.EmulatorConfig{}); string(b) != `{}` {
		t.Fatalf("default: %s", b)
	}
	// And back, as a config file holds it.
	var back lcbot.EmulatorConfig
	doc := `{"webhook_tries":2,"webhook_backoff_ms":7,"webhook_timeout_ms":300,"idle_timeout_ms":5,
		"tokens":[{"token":"t","client_id":"c","scopes":[],"expires_in_ms":1000}]}`
	if err := json.Unmarshal([]byte(doc), &back); err != nil {
		t.Fatal(err)
	}
	if back.WebhookTries != 2 || *back.WebhookBackoff != 7*time.Millisecond || back.WebhookTimeout != 300*time.Millisecond ||
		back.IdleTimeout != 5*time.Millisecond || back.Tokens[0].ExpiresIn != time.Second {
		t.Fatalf("read back: %+v", back)
	}
	for _, bad := range []string{`{"webhook_retries":2}`, `{"tokens":[{"token":"t","client_id":"c","scopes":[],"expires":1}]}`} {
		if err := json.Unmarshal([]byte(bad), &back); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
	// The library checks the ranges.
	for _, cfg := range []lcbot.EmulatorConfig{{WebhookTries: 11}, {WebhookBackoff: lcbot.Ptr(-time.Millisecond)}} {
		if _, err := lcbot.StartEmulator(&cfg); !lcbot.IsValidation(err) {
			t.Errorf("%+v: %v", cfg, err)
		}
	}
}

func TestDeliveryFaultJSON(t *testing.T) {
	for f, want := range map[lcbot.Fault]string{
		{Action: "incoming_event", DuplicateDelivery: true}: `{"action":"incoming_event","duplicate_delivery":true}`,
		{Action: "incoming_event", LostAnswer: true}:        `{"action":"incoming_event","lost_answer":true}`,
	} {
		b, err := json.Marshal(f)
		if err != nil || string(b) != want {
			t.Errorf("%+v: %s, %v", f, b, err)
		}
		var back lcbot.Fault
		if err := json.Unmarshal(b, &back); err != nil || back != f {
			t.Errorf("read back %s: %+v, %v", b, back, err)
		}
	}
}

// TestDeliveries runs a v3.6 bot with a registered webhook to an
// httptest receiver that fails the first try: the log shows both tries.
func TestDeliveries(t *testing.T) {
	emu := startEmulator(t, &lcbot.EmulatorConfig{WebhookBackoff: lcbot.Ptr(2 * time.Millisecond)})
	log, err := emu.Deliveries()
	if err != nil || log.Deliveries == nil || len(log.Deliveries) != 0 || log.Delivered != 0 {
		t.Fatalf("empty log: %+v, %v", log, err)
	}
	var calls atomic.Int32
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if calls.Add(1) == 1 {
			w.WriteHeader(503)
		}
	}))
	defer receiver.Close()

	c := newClient(t, emu, func(c *lcbot.Config) { c.APIVersion = "3.6" })
	ctx := context.Background()
	created, err := c.CreateBotAgent(ctx, lcbot.CreateBotAgentRequest{Name: "Hooked", Groups: []lcbot.Group{{ID: 0, Priority: lcbot.PriorityFirst}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.RegisterWebhook(ctx, lcbot.RegisterWebhookRequest{
		Action: lcbot.ActionIncomingChat, SecretKey: "s3cret-key", URL: receiver.URL + "/hook", Type: lcbot.WebhookTypeBot, OwnerClientID: "dev-client",
	}); err != nil {
		t.Fatal(err)
	}
	bot, err := c.NewBot(lcbot.BotIdentity{BotAgentID: created.ID, BotSecret: created.Secret, ClientID: "dev-client", OrganizationID: emu.OrganizationID()})
	if err != nil {
		t.Fatal(err)
	}
	defer bot.Close()
	if err := bot.SetRoutingStatus(ctx, lcbot.RoutingAcceptingChats); err != nil {
		t.Fatal(err)
	}
	chat, err := emu.StartChat(lcbot.StartChatRequest{Text: "Hi"})
	if err != nil || chat.BotID != created.ID {
		t.Fatalf("%+v, %v", chat, err)
	}
	waitFor(t, 10*time.Second, "the delivery", func() bool {
		log, err = emu.Deliveries()
		return err == nil && log.Delivered == 1
	})
	d := log.Deliveries[0]
	if len(log.Deliveries) != 1 || log.Retried != 1 || log.Failed != 0 || log.Pending != 0 || log.Refused != 0 {
		t.Fatalf("log: %+v", log)
	}
	if d.Seq != 1 || d.Action != "incoming_chat" || d.Version != "3.6" || d.BotID != created.ID || d.URL != receiver.URL+"/hook" ||
		d.State != lcbot.DeliveryDelivered || d.Duplicate || d.Error != "" || d.WebhookID == "" || time.Since(d.Time()) > time.Minute {
		t.Fatalf("delivery: %+v", d)
	}
	if len(d.Tries) != 2 || d.Tries[0].Attempt != 1 || d.Tries[0].Status != 503 || d.Tries[1].Status != 200 || d.Tries[1].Error != "" ||
		d.Tries[1].DurationMS < 0 || d.Tries[1].TimeMS < d.Tries[0].TimeMS {
		t.Fatalf("tries: %+v", d.Tries)
	}
	if strings.Contains(string(d.Body), "s3cret-key") || !strings.Contains(string(d.Body), `"secret_key":"[redacted]"`) {
		t.Fatalf("body: %s", d.Body)
	}

	if err := emu.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := emu.Deliveries(); !errors.Is(err, lcbot.ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
}

func TestDeliveryRefused(t *testing.T) {
	emu := startEmulator(t, nil)
	c := newClient(t, emu, func(c *lcbot.Config) { c.APIVersion = "3.2" })
	ctx := context.Background()
	created, err := c.CreateBotAgent(ctx, lcbot.CreateBotAgentRequest{Name: "Remote", Groups: []lcbot.Group{{ID: 0, Priority: lcbot.PriorityFirst}},
		Webhooks: &lcbot.Webhooks{URL: "http://192.0.2.1/hook", SecretKey: "k", Actions: []lcbot.WebhookAction{{Name: "incoming_chat"}}}})
	if err != nil {
		t.Fatal(err)
	}
	bot, err := c.NewBot(lcbot.BotIdentity{BotAgentID: created.ID})
	if err != nil {
		t.Fatal(err)
	}
	defer bot.Close()
	if err := bot.SetRoutingStatus(ctx, lcbot.RoutingAcceptingChats); err != nil {
		t.Fatal(err)
	}
	if _, err := emu.StartChat(lcbot.StartChatRequest{}); err != nil {
		t.Fatal(err)
	}
	var log *lcbot.DeliveryLog
	waitFor(t, 10*time.Second, "the refusal", func() bool {
		log, err = emu.Deliveries()
		return err == nil && log.Refused == 1
	})
	if d := log.Deliveries[0]; d.State != lcbot.DeliveryRefused || !strings.Contains(d.Error, "loopback") || len(d.Tries) != 0 {
		t.Fatalf("delivery: %+v", d)
	}
}

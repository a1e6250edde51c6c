package livechatbots_test

import (
	"encoding/json"
	"testing"
	"time"

	lcbot "github.com/livechat-bots/livechat-bots/bindings/go"
)

// TestCustomerPressesButtons: on v3.2 (the bot's config webhooks) and v3.6
// (registered ones), a press reaches the bot as
// incoming_rich_message_postback and, for a message button, as the
// customer's message carrying its postback (read from the delivery log: the
// webhooks go to a closed port).
func TestCustomerPressesButtons(t *testing.T) {
	for _, version := range []string{"3.2", "3.6"} {
		t.Run("v"+version, func(t *testing.T) { pressButtons(t, version) })
	}
}

func pressButtons(t *testing.T, version string) {
	const closed = "http://127.0.0.1:1/hook"
	actions := []string{"incoming_rich_message_postback", "incoming_event"}
	w := newBotWorld(t, version, &lcbot.EmulatorConfig{WebhookBackoff: lcbot.Ptr(20 * time.Millisecond)})
	ctx := ctxTimeout(t, 20*time.Second)
	if since(version, "3.3") {
		for _, a := range actions {
			if _, err := w.client.RegisterWebhook(ctx, lcbot.RegisterWebhookRequest{Action: a, URL: closed, SecretKey: "k", Type: "bot", OwnerClientID: "dev-client"}); err != nil {
				t.Fatalf("RegisterWebhook(%s): %v", a, err)
			}
		}
	} else {
		hooks := &lcbot.Webhooks{URL: closed, SecretKey: "k", Actions: []lcbot.WebhookAction{{Name: actions[0]}, {Name: actions[1]}}}
		if err := w.client.UpdateBotAgent(ctx, lcbot.UpdateBotAgentRequest{ID: w.online.ID(), Webhooks: hooks}); err != nil {
			t.Fatalf("UpdateBotAgent(webhooks): %v", err)
		}
	}
	started, err := w.emu.StartChat(lcbot.StartChatRequest{GroupID: scenarioGroup, Text: "Hi"})
	if err != nil {
		t.Fatalf("StartChat: %v", err)
	}
	menu, err := w.online.SendEvent(ctx, started.ChatID, lcbot.QuickReplies("Pick one", "Orders", "Agent"))
	if err != nil {
		t.Fatalf("SendEvent: %v", err)
	}
	press, err := w.emu.PressButton(started.ChatID, menu, "Agent")
	if err != nil || !press.Toggled || press.EventID == "" {
		t.Fatalf("PressButton = %+v, %v; want a toggled press and the customer's message", press, err)
	}
	var said lcbot.TranscriptEntry
	for _, e := range w.chat(started.ChatID).Transcript {
		if e.EventID == press.EventID {
			said = e
		}
	}
	if said.AuthorType != "customer" || said.Text != "Agent" || said.Postback["id"] != "Agent" || said.Postback["event_id"] != menu {
		t.Fatalf("the customer's message = %+v", said)
	}
	want := map[string]any{"user_id": started.CustomerID, "chat_id": started.ChatID, "thread_id": started.ThreadID, "event_id": menu,
		"postback": map[string]any{"id": "Agent", "toggled": true}}
	if version == "3.6" { // v3.6 names the button's type and value
		want["postback"] = map[string]any{"id": "Agent", "toggled": true, "button_type": "message", "button_value": "Agent"}
	}
	waitForDelivery(t, w.emu, "incoming_rich_message_postback", func(payload map[string]any) bool {
		got, _ := json.Marshal(payload)
		expected, _ := json.Marshal(want)
		return string(got) == string(expected)
	})
	waitForDelivery(t, w.emu, "incoming_event", func(payload map[string]any) bool {
		event, _ := payload["event"].(map[string]any)
		return event["id"] == press.EventID
	})
	again, err := w.emu.PressButton(started.ChatID, menu, "Agent")
	if err != nil || again.Toggled || again.EventID != "" {
		t.Fatalf("a second press = %+v, %v; want it taken back", again, err)
	}
	_, err = w.emu.PressButton(started.ChatID, menu, "nope")
	wantRefused(t, err, "button_id")
}

// waitForDelivery polls the delivery log until a delivery of action has a
// payload match accepts.
func waitForDelivery(t *testing.T, emu *lcbot.Emulator, action string, match func(map[string]any) bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		log, err := emu.Deliveries()
		if err != nil {
			t.Fatalf("Deliveries: %v", err)
		}
		for _, d := range log.Deliveries {
			var body struct {
				Payload map[string]any `json:"payload"`
			}
			if d.Action == action && json.Unmarshal(d.Body, &body) == nil && match(body.Payload) {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s delivery as expected within 10 s: %+v", action, log.Deliveries)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

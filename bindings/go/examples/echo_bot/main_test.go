package main

// The echo bot (package echobot) against the emulator, on API v3.0, v3.2
// and v3.6: plainly, with a delivery whose answer is lost (retried), and
// with a delivery sent twice. The tests poll with deadlines; no fixed
// sleeps.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	lcbot "github.com/livechat-bots/livechat-bots/bindings/go"
	"github.com/livechat-bots/livechat-bots/bindings/go/examples/echo_bot/echobot"
)

var versions = []string{"3.0", "3.2", "3.6"}

// start runs an emulator with cfg and the echo bot on it.
func start(t *testing.T, version string, cfg lcbot.EmulatorConfig) (*lcbot.Emulator, *echobot.Bot) {
	t.Helper()
	emu, err := lcbot.StartEmulator(&cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { emu.Close() })
	clientCfg := emu.ClientConfig()
	clientCfg.APIVersion = version
	client, err := lcbot.NewClient(clientCfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	bot, err := echobot.Start(ctx, echobot.Config{
		Client: client, APIVersion: version, ClientID: "dev-client", OrganizationID: emu.OrganizationID(),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := bot.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return emu, bot
}

// converse plays the customer: a chat started with the first message, each
// next one written after the echo of the one before.
func converse(t *testing.T, emu *lcbot.Emulator, messages ...string) string {
	t.Helper()
	chat, err := emu.StartChat(lcbot.StartChatRequest{Text: messages[0]})
	if err != nil {
		t.Fatal(err)
	}
	for i := range messages {
		if i > 0 {
			if _, err := emu.SendMessage(chat.ChatID, messages[i]); err != nil {
				t.Fatal(err)
			}
		}
		if err := waitForEchoes(context.Background(), emu, chat.ChatID, i+1, 10*time.Second); err != nil {
			t.Fatal(err)
		}
	}
	return chat.ChatID
}

// checkTranscript requires the chat's messages to be each customer
// message followed by its echo, by the bot, and nothing else.
func checkTranscript(t *testing.T, emu *lcbot.Emulator, bot *echobot.Bot, chatID string, messages ...string) {
	t.Helper()
	got, err := messagesOf(emu, chatID)
	if err != nil {
		t.Fatal(err)
	}
	var want, have []string
	for _, m := range messages {
		want = append(want, "customer: "+m, "bot "+bot.ID+": echo: "+m)
	}
	for _, e := range got {
		who := e.AuthorType
		if who == "bot" {
			who += " " + e.AuthorID
		}
		have = append(have, who+": "+e.Text)
	}
	if strings.Join(have, "\n") != strings.Join(want, "\n") {
		t.Fatalf("transcript:\n%s\nwant:\n%s", strings.Join(have, "\n"), strings.Join(want, "\n"))
	}
}

// customerEvents are the incoming_event deliveries of customer messages
// (on v3.0, which has no filters, the bot's own come too).
func customerEvents(t *testing.T, emu *lcbot.Emulator) []lcbot.Delivery {
	t.Helper()
	log, err := emu.Deliveries()
	if err != nil {
		t.Fatal(err)
	}
	var out []lcbot.Delivery
	for _, d := range log.Deliveries {
		var body struct {
			Data, Payload struct {
				Event struct {
					AuthorID string `json:"author_id"`
				} `json:"event"`
			}
		}
		if err := json.Unmarshal(d.Body, &body); err != nil {
			t.Fatalf("delivery %d body: %v", d.Seq, err)
		}
		author := body.Payload.Event.AuthorID + body.Data.Event.AuthorID // data in v3.0
		if d.Action == lcbot.ActionIncomingEvent && author != d.BotID {
			out = append(out, d)
		}
	}
	return out
}

// waitDeliveries polls the delivery log until done says so.
func waitDeliveries(t *testing.T, emu *lcbot.Emulator, what string, done func([]lcbot.Delivery) bool) []lcbot.Delivery {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		d := customerEvents(t, emu)
		if done(d) {
			return d
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not after 10 s; deliveries: %+v", what, d)
		}
		time.Sleep(5 * time.Millisecond) // a poll interval, not a wait for an outcome
	}
}

func states(ds []lcbot.Delivery) string {
	var s []string
	for _, d := range ds {
		s = append(s, fmt.Sprintf("%s/%d tries/dup=%v", d.State, len(d.Tries), d.Duplicate))
	}
	return strings.Join(s, ", ")
}

func TestEchoBot(t *testing.T) {
	for _, v := range versions {
		t.Run("v"+v, func(t *testing.T) {
			emu, bot := start(t, v, lcbot.EmulatorConfig{})
			messages := []string{"Hello!", "How are you?", "Bye!"}
			chatID := converse(t, emu, messages...)
			checkTranscript(t, emu, bot, chatID, messages...)
			ds := waitDeliveries(t, emu, "three deliveries", func(ds []lcbot.Delivery) bool { return len(ds) == 3 })
			for _, d := range ds {
				if d.State != lcbot.DeliveryDelivered || len(d.Tries) != 1 || d.Tries[0].Status != 200 || d.Version != v || d.BotID != bot.ID {
					t.Fatalf("delivery: %+v", d)
				}
			}
		})
	}
}

func TestEchoBotLostAnswer(t *testing.T) {
	for _, v := range versions {
		t.Run("v"+v, func(t *testing.T) {
			emu, bot := start(t, v, lcbot.EmulatorConfig{
				WebhookBackoff: lcbot.Ptr(5 * time.Millisecond),
				Faults:         []lcbot.Fault{{Action: lcbot.ActionIncomingEvent, LostAnswer: true}},
			})
			chatID := converse(t, emu, "Hello!", "Again")
			// The first message's delivery: answered 200 twice, the
			// first answer lost; the second answer is the one that counts.
			ds := waitDeliveries(t, emu, "a retried delivery", func(ds []lcbot.Delivery) bool {
				return len(ds) == 2 && ds[0].State == lcbot.DeliveryDelivered && ds[1].State == lcbot.DeliveryDelivered
			})
			if len(ds[0].Tries) != 2 || ds[0].Tries[0].Status != 200 || ds[0].Tries[1].Status != 200 || len(ds[1].Tries) != 1 {
				t.Fatalf("deliveries: %s", states(ds))
			}
			log, err := emu.Deliveries()
			if err != nil || log.Retried != 1 || log.Failed != 0 {
				t.Fatalf("log: %+v, %v", log, err)
			}
			checkTranscript(t, emu, bot, chatID, "Hello!", "Again")
		})
	}
}

func TestEchoBotDuplicateDelivery(t *testing.T) {
	for _, v := range versions {
		t.Run("v"+v, func(t *testing.T) {
			emu, bot := start(t, v, lcbot.EmulatorConfig{})
			if _, err := emu.Inject(lcbot.Fault{Action: lcbot.ActionIncomingEvent, DuplicateDelivery: true}); err != nil {
				t.Fatal(err)
			}
			chatID := converse(t, emu, "Hello!", "Again")
			ds := waitDeliveries(t, emu, "a duplicated delivery", func(ds []lcbot.Delivery) bool {
				n := 0
				for _, d := range ds {
					if d.State == lcbot.DeliveryDelivered {
						n++
					}
				}
				return n == 3
			})
			if len(ds) != 3 || !ds[1].Duplicate || ds[0].Duplicate || ds[2].Duplicate || !bytes.Equal(ds[0].Body, ds[1].Body) {
				t.Fatalf("deliveries: %s", states(ds))
			}
			checkTranscript(t, emu, bot, chatID, "Hello!", "Again")
		})
	}
}

// The example's own offline run, as `go run` does it.
func TestOffline(t *testing.T) {
	var out bytes.Buffer
	if err := offline(context.Background(), "3.6", &lcbot.EmulatorConfig{}, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"customer: Hello!", "bot:     echo: Hello!", "bot:     echo: Bye!", "3 delivered, 0 retried, 0 failed, 0 pending"} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("no %q in:\n%s", want, out.String())
		}
	}
}

func TestEmulatorConfigFromEnvironment(t *testing.T) {
	var cfg lcbot.EmulatorConfig
	doc := `{"webhook_backoff_ms": 0, "webhook_tries": 2, "faults": [{"action": "incoming_event", "duplicate_delivery": true}]}`
	if err := json.Unmarshal([]byte(doc), &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.WebhookBackoff == nil || *cfg.WebhookBackoff != 0 || cfg.WebhookTries != 2 || len(cfg.Faults) != 1 || !cfg.Faults[0].DuplicateDelivery {
		t.Fatalf("%+v", cfg)
	}
	if err := json.Unmarshal([]byte(`{"webhook_backof_ms": 1}`), &cfg); err == nil {
		t.Fatal("a misspelt key was accepted")
	}
}

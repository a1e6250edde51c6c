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
		if err := poll(context.Background(), fmt.Sprintf("echo %d", i+1), func() (bool, error) {
			n, err := echoes(emu, chat.ChatID)
			return n > i, err
		}); err != nil {
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

// deliveries is the emulator's delivery log, polled until done says so.
func deliveries(t *testing.T, emu *lcbot.Emulator, what string, done func([]lcbot.Delivery) bool) []lcbot.Delivery {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		log, err := emu.Deliveries()
		if err != nil {
			t.Fatal(err)
		}
		if done(log.Deliveries) {
			return log.Deliveries
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not after 10 s; deliveries: %s", what, states(log.Deliveries))
		}
		time.Sleep(5 * time.Millisecond) // a poll interval, not a wait for an outcome
	}
}

func states(ds []lcbot.Delivery) string {
	var s []string
	for _, d := range ds {
		var tries []string
		for _, try := range d.Tries {
			tries = append(tries, fmt.Sprintf("%d %s", try.Status, try.Error))
		}
		s = append(s, fmt.Sprintf("\n  %d %s %s dup=%v tries=%q", d.Seq, d.Action, d.State, d.Duplicate, tries))
	}
	return strings.Join(s, "")
}

// settled reports whether every delivery is done and one satisfies faulty.
func settled(faulty func(lcbot.Delivery) bool) func([]lcbot.Delivery) bool {
	return func(ds []lcbot.Delivery) bool {
		found := false
		for _, d := range ds {
			if d.State == lcbot.DeliveryPending {
				return false
			}
			found = found || faulty(d)
		}
		return found
	}
}

var messages = []string{"Hello!", "How are you?", "Bye!"}

func TestEchoBot(t *testing.T) {
	for _, v := range versions {
		t.Run("v"+v, func(t *testing.T) {
			emu, bot := start(t, v, lcbot.EmulatorConfig{})
			chatID := converse(t, emu, messages...)
			checkTranscript(t, emu, bot, chatID, messages...)
			// The chat with "Hello!", then the two other messages; and on
			// v3.0, which has no filters, the bot's three echoes too.
			want := 3
			if v == "3.0" {
				want = 6
			}
			ds := deliveries(t, emu, "the deliveries", func(ds []lcbot.Delivery) bool {
				return len(ds) == want && settled(func(lcbot.Delivery) bool { return true })(ds)
			})
			if ds[0].Action != map[string]string{"3.0": "incoming_chat_thread"}[v] && ds[0].Action != lcbot.ActionIncomingChat {
				t.Fatalf("first delivery: %s", states(ds))
			}
			for _, d := range ds {
				if d.State != lcbot.DeliveryDelivered || len(d.Tries) != 1 || d.Tries[0].Status != 200 || d.Version != v || d.BotID != bot.ID {
					t.Fatalf("deliveries: %s", states(ds))
				}
			}
		})
	}
}

// A customer who does not wait for the echoes gets them in order: the
// emulator delivers one receiver's webhooks one at a time.
func TestEchoBotInOrder(t *testing.T) {
	for _, v := range versions {
		t.Run("v"+v, func(t *testing.T) {
			emu, bot := start(t, v, lcbot.EmulatorConfig{})
			texts := []string{"1", "2", "3", "4", "5"}
			chat, err := emu.StartChat(lcbot.StartChatRequest{Text: texts[0]})
			if err != nil {
				t.Fatal(err)
			}
			for _, text := range texts[1:] {
				if _, err := emu.SendMessage(chat.ChatID, text); err != nil {
					t.Fatal(err)
				}
			}
			if err := poll(context.Background(), "the echoes", func() (bool, error) {
				n, err := echoes(emu, chat.ChatID)
				return n == len(texts), err
			}); err != nil {
				t.Fatal(err)
			}
			got, err := messagesOf(emu, chat.ChatID)
			if err != nil {
				t.Fatal(err)
			}
			var echoed []string
			for _, e := range got {
				if e.AuthorID == bot.ID {
					echoed = append(echoed, e.Text)
				}
			}
			if strings.Join(echoed, ",") != "echo: 1,echo: 2,echo: 3,echo: 4,echo: 5" {
				t.Fatalf("echoes: %q", echoed)
			}
		})
	}
}

// The first incoming_event's first answer is lost: the bot gets it twice
// and answers once. (It is "How are you?", or on v3.0 the bot's own "echo:
// Hello!", which it ignores both times.)
func TestEchoBotLostAnswer(t *testing.T) {
	for _, v := range versions {
		t.Run("v"+v, func(t *testing.T) {
			emu, bot := start(t, v, lcbot.EmulatorConfig{
				WebhookBackoff: lcbot.Ptr(5 * time.Millisecond),
				Faults:         []lcbot.Fault{{Action: lcbot.ActionIncomingEvent, LostAnswer: true}},
			})
			chatID := converse(t, emu, messages...)
			ds := deliveries(t, emu, "a retried delivery", settled(func(d lcbot.Delivery) bool {
				return d.State == lcbot.DeliveryDelivered && len(d.Tries) == 2
			}))
			retried := 0
			for _, d := range ds {
				if len(d.Tries) == 2 {
					retried++
					if d.Action != lcbot.ActionIncomingEvent || d.Tries[0].Status != 200 || d.Tries[0].Error == "" || d.Tries[1].Status != 200 {
						t.Fatalf("deliveries: %s", states(ds))
					}
				}
			}
			log, err := emu.Deliveries()
			if err != nil || retried != 1 || log.Retried != 1 || log.Failed != 0 {
				t.Fatalf("deliveries: %s\nlog: %+v, %v", states(ds), log, err)
			}
			checkTranscript(t, emu, bot, chatID, messages...)
		})
	}
}

// The first incoming_event is delivered twice, and answered once.
func TestEchoBotDuplicateDelivery(t *testing.T) {
	for _, v := range versions {
		t.Run("v"+v, func(t *testing.T) {
			emu, bot := start(t, v, lcbot.EmulatorConfig{})
			if _, err := emu.Inject(lcbot.Fault{Action: lcbot.ActionIncomingEvent, DuplicateDelivery: true}); err != nil {
				t.Fatal(err)
			}
			chatID := converse(t, emu, messages...)
			ds := deliveries(t, emu, "a duplicated delivery", settled(func(d lcbot.Delivery) bool {
				return d.State == lcbot.DeliveryDelivered && d.Duplicate
			}))
			var dups []lcbot.Delivery
			for _, d := range ds {
				if d.Duplicate {
					dups = append(dups, d)
				}
			}
			if len(dups) != 1 || dups[0].Action != lcbot.ActionIncomingEvent {
				t.Fatalf("deliveries: %s", states(ds))
			}
			n := 0
			for _, d := range ds {
				if bytes.Equal(d.Body, dups[0].Body) {
					n++
				}
			}
			if n != 2 {
				t.Fatalf("the duplicate's body is sent %d times: %s", n, states(ds))
			}
			checkTranscript(t, emu, bot, chatID, messages...)
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

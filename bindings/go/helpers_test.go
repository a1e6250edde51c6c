package livechatbots_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"testing"
	"time"

	lcbot "github.com/livechat-bots/livechat-bots/bindings/go"
)

// startEmulator starts an emulator that the test stops; with
// LCBOT_TEST_TLS=1 it speaks HTTPS (and newClient trusts its CA), so that
// the same tests run over TLS.
func startEmulator(t testing.TB, cfg *lcbot.EmulatorConfig) *lcbot.Emulator {
	t.Helper()
	if os.Getenv("LCBOT_TEST_TLS") == "1" {
		withTLS := lcbot.EmulatorConfig{}
		if cfg != nil {
			withTLS = *cfg
		}
		withTLS.TLS = true
		cfg = &withTLS
	}
	emu, err := lcbot.StartEmulator(cfg)
	if err != nil {
		t.Fatalf("StartEmulator: %v", err)
	}
	t.Cleanup(func() { emu.Close() })
	return emu
}

// newClient makes a client of emu that the test closes; edit adjusts the
// emulator's default client config first.
func newClient(t testing.TB, emu *lcbot.Emulator, edit func(*lcbot.Config)) *lcbot.Client {
	t.Helper()
	cfg := emu.ClientConfig()
	if edit != nil {
		edit(&cfg)
	}
	c, err := lcbot.NewClient(cfg)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// setup is a default emulator and a client of it.
func setup(t testing.TB) (*lcbot.Emulator, *lcbot.Client) {
	emu := startEmulator(t, nil)
	return emu, newClient(t, emu, nil)
}

// asError fails the test unless err holds an *lcbot.Error.
func asError(t testing.TB, err error) *lcbot.Error {
	t.Helper()
	var e *lcbot.Error
	if !errors.As(err, &e) {
		t.Fatalf("expected an *livechatbots.Error, got %T: %v", err, err)
	}
	return e
}

// requestsFor is the emulator's log entries for one action.
func requestsFor(t testing.TB, emu *lcbot.Emulator, action string) []lcbot.RequestLogEntry {
	t.Helper()
	all, err := emu.Requests()
	if err != nil {
		t.Fatalf("Requests: %v", err)
	}
	var out []lcbot.RequestLogEntry
	for _, r := range all {
		if r.Action == action {
			out = append(out, r)
		}
	}
	return out
}

// payloadOf is the request document of a logged v3.0 body ({"payload": ...}).
func payloadOf(t testing.TB, r lcbot.RequestLogEntry) map[string]any {
	t.Helper()
	var body struct {
		Payload map[string]any `json:"payload"`
	}
	if err := json.Unmarshal(r.Body, &body); err != nil || body.Payload == nil {
		t.Fatalf("body %s: not a v3.0 payload (%v)", r.Body, err)
	}
	return body.Payload
}

func ctxTimeout(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func mustCreate(t testing.TB, c *lcbot.Client, name string) string {
	t.Helper()
	created, err := c.CreateBotAgent(context.Background(), lcbot.CreateBotAgentRequest{Name: name, Status: lcbot.StatusAcceptingChats})
	if err != nil {
		t.Fatalf("CreateBotAgent(%q): %v", name, err)
	}
	return created.ID
}

// waitFor polls cond every few milliseconds until it holds, and fails the
// test if it does not within limit: for what another goroutine, the
// emulator or the garbage collector does in its own time, instead of a fixed
// sleep that is too short on a slow machine and wasted on a fast one.
func waitFor(t testing.TB, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, limit)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

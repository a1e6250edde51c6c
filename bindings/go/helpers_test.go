package livechatbots_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	lcb "github.com/livechat-bots/livechat-bots/bindings/go"
)

// startEmulator starts an emulator that the test stops.
func startEmulator(t testing.TB, cfg *lcb.EmulatorConfig) *lcb.Emulator {
	t.Helper()
	emu, err := lcb.StartEmulator(cfg)
	if err != nil {
		t.Fatalf("StartEmulator: %v", err)
	}
	t.Cleanup(func() { emu.Close() })
	return emu
}

// newClient makes a client of emu that the test closes; edit adjusts the
// emulator's default client config first.
func newClient(t testing.TB, emu *lcb.Emulator, edit func(*lcb.Config)) *lcb.Client {
	t.Helper()
	cfg := emu.ClientConfig()
	if edit != nil {
		edit(&cfg)
	}
	c, err := lcb.NewClient(cfg)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// setup is a default emulator and a client of it.
func setup(t testing.TB) (*lcb.Emulator, *lcb.Client) {
	emu := startEmulator(t, nil)
	return emu, newClient(t, emu, nil)
}

// asError fails the test unless err holds an *lcb.Error.
func asError(t testing.TB, err error) *lcb.Error {
	t.Helper()
	var e *lcb.Error
	if !errors.As(err, &e) {
		t.Fatalf("expected an *livechatbots.Error, got %T: %v", err, err)
	}
	return e
}

// requestsFor is the emulator's log entries for one action.
func requestsFor(t testing.TB, emu *lcb.Emulator, action string) []lcb.RequestLogEntry {
	t.Helper()
	all, err := emu.Requests()
	if err != nil {
		t.Fatalf("Requests: %v", err)
	}
	var out []lcb.RequestLogEntry
	for _, r := range all {
		if r.Action == action {
			out = append(out, r)
		}
	}
	return out
}

// payloadOf is the request document of a logged v3.0 body ({"payload": ...}).
func payloadOf(t testing.TB, r lcb.RequestLogEntry) map[string]any {
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

func mustCreate(t testing.TB, c *lcb.Client, name string) string {
	t.Helper()
	id, err := c.CreateBotAgent(context.Background(), lcb.CreateBotAgentRequest{Name: name, Status: lcb.StatusAcceptingChats})
	if err != nil {
		t.Fatalf("CreateBotAgent(%q): %v", name, err)
	}
	return id
}

package livechatbots_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	lcbot "github.com/livechat-bots/livechat-bots/bindings/go"
)

// predicates lists every predicate, so that each case checks that exactly
// the expected ones hold.
var predicates = map[string]func(error) bool{
	"IsNotFound":       lcbot.IsNotFound,
	"IsAuthentication": lcbot.IsAuthentication,
	"IsAuthorization":  lcbot.IsAuthorization,
	"IsValidation":     lcbot.IsValidation,
	"IsTimeout":        lcbot.IsTimeout,
	"IsCancelled":      lcbot.IsCancelled,
	"IsTransport":      lcbot.IsTransport,
	"IsSecretMismatch": lcbot.IsSecretMismatch,
	"IsTooLarge":       lcbot.IsTooLarge,
}

func checkPredicates(t *testing.T, what string, err error, want ...string) {
	t.Helper()
	for name, p := range predicates {
		expected := false
		for _, w := range want {
			expected = expected || w == name
		}
		if got := p(err); got != expected {
			t.Errorf("%s: %s(%v) = %v, want %v", what, name, err, got, expected)
		}
	}
}

func TestPredicates(t *testing.T) {
	emu := startEmulator(t, &lcbot.EmulatorConfig{Tokens: []lcbot.EmulatorToken{
		{Token: "dev-token", ClientID: "dev-client", Scopes: []string{"agents-bot--my:rw", "agents-bot--all:rw"}},
		{Token: "read-only", ClientID: "dev-client", Scopes: []string{"agents-bot--my:ro"}},
	}})
	ctx := context.Background()
	c := newClient(t, emu, nil)

	_, err := c.GetBotAgentDetails(ctx, "ffffffffffffffffffffffffffffffff")
	checkPredicates(t, "unknown bot", err, "IsNotFound")
	if e := asError(t, err); e.Code != lcbot.CodeAPI || e.CodeName != "api" || e.HTTPStatus != 404 || e.APIType != "not_found" ||
		!strings.Contains(e.APIMessage, "not found") || e.Attempts != 1 || e.OutcomeUnknown || e.Op != "get_bot_agent_details" {
		t.Errorf("not found: %#v", e)
	}
	if want := "livechatbots: get_bot_agent_details: api: "; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("message %q does not start with %q", err, want)
	}

	bad := newClient(t, emu, func(c *lcbot.Config) { c.Token = "wrong-token" })
	_, err = bad.GetBotAgents(ctx, false)
	checkPredicates(t, "bad token", err, "IsAuthentication")
	if e := asError(t, err); e.HTTPStatus != 401 || e.APIType != "authentication" || e.APIMessage != "Invalid access token" || strings.Contains(e.Error(), "wrong-token") {
		t.Errorf("unauthorized: %#v", e)
	}

	ro := newClient(t, emu, func(c *lcbot.Config) { c.Token = "read-only" })
	_, err = ro.CreateBotAgent(ctx, lcbot.CreateBotAgentRequest{Name: "x", Status: lcbot.StatusOffline})
	checkPredicates(t, "missing scope", err, "IsAuthorization")
	if e := asError(t, err); e.HTTPStatus != 403 || e.APIType != "authorization" {
		t.Errorf("forbidden: %#v", e)
	}

	// Checked by the library: nothing is sent.
	before := len(requestsFor(t, emu, "update_bot_agent"))
	err = c.UpdateBotAgent(ctx, lcbot.UpdateBotAgentRequest{ID: "x", Groups: []lcbot.Group{{ID: 1, Priority: lcbot.PriorityFirst}, {ID: 2, Priority: lcbot.PrioritySupervisor}}})
	checkPredicates(t, "bad priority", err, "IsValidation")
	e := asError(t, err)
	if e.Code != lcbot.CodeValidation || e.Attempts != 0 || e.HTTPStatus != 0 ||
		e.Message != `groups[1].priority: expected one of first, normal, last; got "supervisor"` {
		t.Errorf("validation: %#v", e)
	}
	if after := len(requestsFor(t, emu, "update_bot_agent")); after != before {
		t.Errorf("a refused request was sent")
	}
	for name, req := range map[string]lcbot.CreateBotAgentRequest{
		"no name":        {Status: lcbot.StatusOffline},
		"no status":      {Name: "x"},
		"bad status":     {Name: "x", Status: "busy"},
		"too many chats": {Name: "x", Status: lcbot.StatusOffline, MaxChatsCount: lcbot.Ptr(501)},
		"no actions":     {Name: "x", Status: lcbot.StatusOffline, Webhooks: &lcbot.Webhooks{URL: "https://h", SecretKey: "k"}},
	} {
		if _, err := c.CreateBotAgent(ctx, req); !lcbot.IsValidation(err) {
			t.Errorf("%s: %v", name, err)
		}
	}

	// Refused by the API (the emulator checks as LiveChat does).
	err = c.Call(ctx, "update_bot_agent", map[string]any{"id": "x", "status": "busy"}, nil)
	checkPredicates(t, "API validation", err, "IsValidation")

	// A stall longer than the timeout.
	slow := newClient(t, emu, func(c *lcbot.Config) {
		c.Timeout = 100 * time.Millisecond
		c.Retry = &lcbot.RetryPolicy{MaxAttempts: 1}
	})
	if _, err := emu.Inject(lcbot.Fault{Action: "get_bot_agents", Delay: 400 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	_, err = slow.GetBotAgents(ctx, false)
	checkPredicates(t, "stall", err, "IsTimeout")
	if e := asError(t, err); e.Code != lcbot.CodeTimeout || errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("timeout: %#v", e)
	}

	// A dropped connection, on a read: retried, then reported.
	if _, err := emu.Inject(lcbot.Fault{Action: "get_bot_agents", Times: 2, DropConnection: true}); err != nil {
		t.Fatal(err)
	}
	two := newClient(t, emu, func(c *lcbot.Config) { c.Retry.MaxAttempts = 2 })
	_, err = two.GetBotAgents(ctx, false)
	checkPredicates(t, "dropped", err, "IsTransport")
	if e := asError(t, err); e.Attempts != 2 || e.OutcomeUnknown {
		t.Errorf("transport: %#v", e)
	}

	// Nothing listening.
	closed := newClient(t, emu, func(c *lcbot.Config) { c.BaseURL = "http://" + freeAddr(t); c.Retry.MaxAttempts = 1 })
	_, err = closed.GetBotAgents(ctx, false)
	checkPredicates(t, "refused", err, "IsTransport")

	checkPredicates(t, "nil", nil)
	checkPredicates(t, "plain error", errors.New("other"))
	checkPredicates(t, "already past deadline", context.DeadlineExceeded, "IsTimeout")
	checkPredicates(t, "cancelled before the start", context.Canceled, "IsCancelled")
	checkPredicates(t, "wrapped", fmt.Errorf("listing: %w", err), "IsTransport")
}

// freeAddr is a loopback address where nothing listens.
func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestWriteWithUnknownOutcome(t *testing.T) {
	emu, c := setup(t)
	ctx := context.Background()
	if _, err := emu.Inject(lcbot.Fault{Action: "create_bot_agent", DropConnection: true}); err != nil {
		t.Fatal(err)
	}
	_, err := c.CreateBotAgent(ctx, lcbot.CreateBotAgentRequest{Name: "Maybe", Status: lcbot.StatusOffline})
	e := asError(t, err)
	if !lcbot.IsTransport(err) || !e.OutcomeUnknown || e.Attempts != 1 || !strings.Contains(e.Message, "may have been applied") {
		t.Fatalf("dropped create: %#v", e)
	}
	// A write is never repeated after it may have reached the server.
	if n := len(requestsFor(t, emu, "create_bot_agent")); n != 1 {
		t.Fatalf("create sent %d times", n)
	}
}

func TestRetries(t *testing.T) {
	emu, c := setup(t)
	ctx := context.Background()

	// Reads are retried on 5xx.
	if n, err := emu.Inject(lcbot.Fault{Action: "get_bot_agents", Times: 2, Status: 503}); err != nil || n != 1 {
		t.Fatalf("Inject: %d, %v", n, err)
	}
	if _, err := c.GetBotAgents(ctx, false); err != nil {
		t.Fatalf("after two 503s: %v", err)
	}
	log := requestsFor(t, emu, "get_bot_agents")
	if len(log) != 3 || log[0].Status != 503 || log[0].Fault == nil || log[0].Fault.Status != 503 || log[2].Status != 200 || log[2].Fault != nil {
		t.Fatalf("log: %+v", log)
	}

	// Writes are not retried on 5xx: the server may have acted.
	if _, err := emu.Inject(lcbot.Fault{Action: "create_bot_agent", Status: 500, ErrorType: "internal", Message: "boom"}); err != nil {
		t.Fatal(err)
	}
	_, err := c.CreateBotAgent(ctx, lcbot.CreateBotAgentRequest{Name: "x", Status: lcbot.StatusOffline})
	if e := asError(t, err); e.HTTPStatus != 500 || e.APIMessage != "boom" || e.Attempts != 1 {
		t.Fatalf("500 on create: %#v", e)
	}

	// 429 is retried for writes too, honouring Retry-After (capped by MaxDelay).
	if _, err := emu.Inject(lcbot.Fault{Action: "create_bot_agent", Status: 429, RetryAfter: time.Second}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := c.CreateBotAgent(ctx, lcbot.CreateBotAgentRequest{Name: "x", Status: lcbot.StatusOffline}); err != nil {
		t.Fatalf("after 429: %v", err)
	}
	if time.Since(start) > 900*time.Millisecond {
		t.Fatalf("Retry-After was not capped by MaxDelay (10ms): %v", time.Since(start))
	}
	log = requestsFor(t, emu, "create_bot_agent")
	if f := log[len(log)-2].Fault; f == nil || f.Status != 429 || f.RetryAfter != time.Second {
		t.Fatalf("429 log: %+v", log[len(log)-2])
	}

	// Exhausted retries report every attempt.
	if _, err := emu.Inject(lcbot.Fault{Action: "get_bot_agents", Times: 3, Status: 502}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetBotAgents(ctx, false)
	if e := asError(t, err); e.Attempts != 3 || e.HTTPStatus != 502 || e.APIType != "internal" {
		t.Fatalf("exhausted: %#v", e)
	}
}

func TestErrorCodeNames(t *testing.T) {
	want := map[lcbot.ErrorCode]string{
		lcbot.CodeNullArgument: "null_argument", lcbot.CodeInvalidUTF8: "invalid_utf8", lcbot.CodeInvalidJSON: "invalid_json",
		lcbot.CodeValidation: "validation", lcbot.CodeTransport: "transport", lcbot.CodeTimeout: "timeout",
		lcbot.CodeAPI: "api", lcbot.CodeDecode: "decode", lcbot.CodePanic: "panic", lcbot.CodeCancelled: "cancelled",
		lcbot.CodeSecretMismatch: "secret_mismatch", lcbot.CodeTooLarge: "too_large",
		lcbot.ErrorCode(42): "code(42)",
	}
	for code, name := range want {
		if code.String() != name {
			t.Errorf("%d: %q, want %q", int(code), code.String(), name)
		}
	}
	if lcbot.CodeNullArgument != 1 || lcbot.CodePanic != 9 || lcbot.CodeSecretMismatch != 11 || lcbot.CodeTooLarge != 12 {
		t.Error("codes renumbered")
	}
}

package livechatbots_test

// Long-running services: credentials replaced in flight, a token provider
// for expiring tokens, and notices of retiring API versions.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	lcbot "github.com/livechat-bots/livechat-bots/bindings/go"
)

var myRW = []string{"agents-bot--my:rw"}

// 16 goroutines call through a token's expiry: every call succeeds, and
// the provider ran exactly once for all of them.
func TestTokenProviderAcrossExpiry(t *testing.T) {
	const expiresIn = time.Second
	emu := startEmulator(t, &lcbot.EmulatorConfig{Tokens: []lcbot.EmulatorToken{
		{Token: "old-token", ClientID: "dev-client", Scopes: myRW, ExpiresIn: expiresIn},
		{Token: "new-token", ClientID: "dev-client", Scopes: myRW},
	}})
	// The token expires at most expiresIn after now.
	expired := time.Now().Add(expiresIn)
	var provided atomic.Int32
	c := newClient(t, emu, func(cfg *lcbot.Config) {
		cfg.Token = "old-token"
		cfg.TokenProvider = func() (string, error) {
			provided.Add(1)
			return "new-token", nil
		}
	})
	ctx := context.Background()
	if _, err := c.GetBotAgents(ctx, false); err != nil || provided.Load() != 0 {
		t.Fatalf("before the expiry: %v, provider ran %d times", err, provided.Load())
	}

	const goroutines = 16
	var wg sync.WaitGroup
	var calls atomic.Int64
	errs := make(chan error, goroutines)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			// Calls before the expiry, then at least one after it.
			for i := 0; ; i++ {
				after := time.Now().After(expired.Add(100 * time.Millisecond))
				var err error
				if i%2 == 0 {
					_, err = c.GetBotAgents(ctx, false)
				} else {
					_, err = c.CreateBotAgent(ctx, lcbot.CreateBotAgentRequest{Name: fmt.Sprintf("g%d-%d", g, i), Status: lcbot.StatusOffline})
				}
				calls.Add(1)
				if err != nil {
					errs <- fmt.Errorf("goroutine %d call %d: %w", g, i, err)
					return
				}
				if after {
					return
				}
				time.Sleep(5 * time.Millisecond)
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := provided.Load(); n != 1 {
		t.Fatalf("the provider ran %d times, want 1", n)
	}
	// The expiry happened: requests were refused with the old token, then
	// repeated with the new one, whose text never shows in the log.
	log, err := emu.Requests()
	if err != nil {
		t.Fatal(err)
	}
	refused := 0
	for _, r := range log {
		if r.Status == 401 {
			refused++
		}
		if r.Headers["authorization"] != "Bearer [redacted]" {
			t.Fatalf("logged authorization %q", r.Headers["authorization"])
		}
	}
	if refused == 0 || refused > goroutines {
		t.Fatalf("%d requests refused with the expired token; want 1 to %d", refused, goroutines)
	}
	if want := int(calls.Load()) + 1 + refused; len(log) != want {
		t.Fatalf("%d requests logged, want %d (%d calls, %d refused)", len(log), want, calls.Load()+1, refused)
	}
}

// A provider that has no new token (an error, an empty token, a panic)
// leaves the call's authentication error; the provider's handle is gone
// after Close.
func TestTokenProviderWithoutAToken(t *testing.T) {
	emu := startEmulator(t, nil)
	before := lcbot.LiveCallbackHandles()
	for name, provider := range map[string]func() (string, error){
		"error": func() (string, error) { return "", errors.New("vault unreachable") },
		"empty": func() (string, error) { return "", nil },
		"panic": func() (string, error) { panic("provider bug") },
		"nul":   func() (string, error) { return "a\x00b", nil },
		"long":  func() (string, error) { return strings.Repeat("t", 9000), nil },
	} {
		var ran atomic.Int32
		c, err := lcbot.NewClient(lcbot.Config{
			Token: "revoked-token", BaseURL: emu.URL(),
			TokenProvider: func() (string, error) { ran.Add(1); return provider() },
		})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.GetBotAgents(context.Background(), false)
		if !lcbot.IsAuthentication(err) || ran.Load() != 1 {
			t.Errorf("%s: %v; the provider ran %d times", name, err, ran.Load())
		}
		c.Close()
	}
	if after := lcbot.LiveCallbackHandles(); after != before {
		t.Fatalf("callback handles: %d before, %d after Close", before, after)
	}
	// A provided token the server refuses too: the call fails, and the token
	// shows neither in the error nor in a print of the config nor in the log.
	cfg := lcbot.Config{
		Token: "revoked-token", BaseURL: emu.URL(),
		TokenProvider: func() (string, error) { return "provided-secret-xyz", nil },
	}
	c := newClient(t, emu, func(c *lcbot.Config) { *c = cfg })
	_, err := c.GetBotAgents(context.Background(), false)
	log, _ := emu.Requests()
	prints := []string{fmt.Sprint(err), fmt.Sprintf("%#v", err), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg), fmt.Sprintf("%+v", log)}
	for _, p := range prints {
		if strings.Contains(p, "provided-secret") || strings.Contains(p, "revoked-token") {
			t.Errorf("token printed: %s", p)
		}
	}
	if !lcbot.IsAuthentication(err) || !strings.Contains(fmt.Sprint(cfg), "TokenProvider: set") {
		t.Errorf("refused provided token: %v; config %v", err, cfg)
	}
}

// SetCredentials switches the token of calls that start afterwards.
func TestSetCredentials(t *testing.T) {
	emu := startEmulator(t, &lcbot.EmulatorConfig{Tokens: []lcbot.EmulatorToken{
		{Token: "token-a", ClientID: "app-a", Scopes: myRW},
		{Token: "token-b", ClientID: "app-b", Scopes: myRW},
		{Token: "acc:pat", ClientID: "app-pat", Scopes: myRW},
	}})
	c := newClient(t, emu, func(cfg *lcbot.Config) { cfg.Token = "token-a" })
	ctx := context.Background()
	clientOfLastCall := func() string {
		t.Helper()
		if _, err := c.GetBotAgents(ctx, false); err != nil {
			t.Fatal(err)
		}
		log := requestsFor(t, emu, "get_bot_agents")
		return log[len(log)-1].ClientID
	}
	if got := clientOfLastCall(); got != "app-a" {
		t.Fatalf("first token: %s", got)
	}
	if err := c.SetCredentials("token-b", ""); err != nil {
		t.Fatal(err)
	}
	if got := clientOfLastCall(); got != "app-b" {
		t.Fatalf("after SetCredentials: %s", got)
	}
	// Basic, with the ready credential.
	if err := c.SetCredentials("acc:pat", lcbot.TokenBasic); err != nil {
		t.Fatal(err)
	}
	if got := clientOfLastCall(); got != "app-pat" {
		t.Fatalf("after SetCredentials Basic: %s", got)
	}
	// The config's rules, and the token never in the message.
	for name, tc := range map[string]struct {
		token     string
		tokenType lcbot.TokenType
	}{"empty": {"", ""}, "bad type": {"secret-x", "Digest"}, "newline": {"secret\nx", ""}, "nul": {"secret\x00x", ""}} {
		err := c.SetCredentials(tc.token, tc.tokenType)
		if !lcbot.IsValidation(err) || (tc.token != "" && strings.Contains(err.Error(), "secret")) {
			t.Errorf("%s: %v", name, err)
		}
	}
	// The refused ones changed nothing.
	if got := clientOfLastCall(); got != "app-pat" {
		t.Fatalf("after refused credentials: %s", got)
	}
	c.Close()
	if err := c.SetCredentials("token-a", ""); !errors.Is(err, lcbot.ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
	if _, err := c.Notices(); !errors.Is(err, lcbot.ErrClosed) {
		t.Fatalf("Notices after Close: %v", err)
	}
}

// SetCredentials while other goroutines call: every call succeeds with one
// of the two tokens.
func TestSetCredentialsWhileCalling(t *testing.T) {
	emu := startEmulator(t, &lcbot.EmulatorConfig{Tokens: []lcbot.EmulatorToken{
		{Token: "token-a", ClientID: "app", Scopes: myRW},
		{Token: "token-b", ClientID: "app", Scopes: myRW},
	}})
	c := newClient(t, emu, func(cfg *lcbot.Config) { cfg.Token = "token-a" })
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := c.GetBotAgents(context.Background(), false); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	for i := 0; i < 50; i++ {
		token := []string{"token-a", "token-b"}[i%2]
		if err := c.SetCredentials(token, lcbot.TokenBearer); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
}

// A deprecated API version is reported once per client, to OnNotice and in
// Notices; a stable one is not.
func TestDeprecationNotices(t *testing.T) {
	emu := startEmulator(t, &lcbot.EmulatorConfig{Versions: map[string]lcbot.VersionStage{
		"3.3": {Stage: lcbot.NoticeDeprecated, Until: "2027-01-31"},
		"3.4": {Stage: lcbot.NoticeLegacy, Until: "2026-12-31"},
	}})
	var mu sync.Mutex
	var told []lcbot.Notice
	c := newClient(t, emu, func(cfg *lcbot.Config) {
		cfg.APIVersion = "3.3"
		cfg.OnNotice = func(n lcbot.Notice) {
			mu.Lock()
			told = append(told, n)
			mu.Unlock()
		}
	})
	ctx := context.Background()
	if n, err := c.Notices(); err != nil || n == nil || len(n) != 0 {
		t.Fatalf("before any call: %#v, %v", n, err)
	}
	for i := 0; i < 3; i++ {
		if _, err := c.GetBotAgents(ctx, false); err != nil {
			t.Fatal(err)
		}
	}
	want := lcbot.Notice{Kind: lcbot.NoticeDeprecated, APIVersion: "3.3", Until: "2027-01-31"}
	notices, err := c.Notices()
	if err != nil || len(notices) != 1 {
		t.Fatalf("Notices: %+v, %v", notices, err)
	}
	got := notices[0]
	if msg := got.Message; !strings.Contains(msg, "3.3") || !strings.Contains(msg, "2027-01-31") || got.String() != msg {
		t.Fatalf("message %q", msg)
	}
	got.Message = ""
	if got != want {
		t.Fatalf("notice %+v, want %+v", got, want)
	}
	mu.Lock()
	if len(told) != 1 || told[0] != notices[0] {
		t.Fatalf("OnNotice was told %+v", told)
	}
	mu.Unlock()

	// Legacy, without a hook: only in Notices. A hook that panics does not
	// break the call.
	legacy := newClient(t, emu, func(cfg *lcbot.Config) {
		cfg.APIVersion = "3.4"
		cfg.OnNotice = func(lcbot.Notice) { panic("hook bug") }
	})
	if _, err := legacy.GetBotAgents(ctx, false); err != nil {
		t.Fatalf("with a panicking hook: %v", err)
	}
	if n, err := legacy.Notices(); err != nil || len(n) != 1 || n[0].Kind != lcbot.NoticeLegacy || n[0].Until != "2026-12-31" {
		t.Fatalf("legacy: %+v, %v", n, err)
	}
	// A stable version gets none.
	stable := newClient(t, emu, func(cfg *lcbot.Config) { cfg.APIVersion = "3.6" })
	if _, err := stable.GetBotAgents(ctx, false); err != nil {
		t.Fatal(err)
	}
	if n, err := stable.Notices(); err != nil || len(n) != 0 {
		t.Fatalf("stable: %+v, %v", n, err)
	}
}

package livechatbots_test

import (
	"context"
	"errors"
	"testing"
	"time"

	lcbot "github.com/livechat-bots/livechat-bots/bindings/go"
)

func TestDoneContextStartsNothing(t *testing.T) {
	emu, c := setup(t)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	expired, cancel2 := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel2()

	for _, tc := range []struct {
		ctx  context.Context
		want error
	}{{cancelled, context.Canceled}, {expired, context.DeadlineExceeded}} {
		calls := map[string]error{}
		_, calls["create"] = c.CreateBotAgent(tc.ctx, lcbot.CreateBotAgentRequest{Name: "x", Status: lcbot.StatusOffline})
		calls["remove"] = c.RemoveBotAgent(tc.ctx, "x")
		calls["update"] = c.UpdateBotAgent(tc.ctx, lcbot.UpdateBotAgentRequest{ID: "x"})
		_, calls["list"] = c.GetBotAgents(tc.ctx, false)
		_, calls["details"] = c.GetBotAgentDetails(tc.ctx, "x")
		calls["call"] = c.Call(tc.ctx, "get_bot_agents", nil, nil)
		for name, err := range calls {
			// Returned as is, not wrapped.
			if err != tc.want {
				t.Errorf("%s: %v, want %v", name, err, tc.want)
			}
		}
	}
	if log, _ := emu.Requests(); len(log) != 0 {
		t.Fatalf("%d requests were sent", len(log))
	}
	// A deadline in the past also counts as a timeout.
	if !lcbot.IsTimeout(context.DeadlineExceeded) || lcbot.IsTimeout(context.Canceled) {
		t.Fatal("IsTimeout and context errors")
	}
}

func TestDeadlineShortensTheTimeout(t *testing.T) {
	emu := startEmulator(t, nil)
	// Per-attempt timeout 20 s; the context allows 300 ms; no retries so
	// that the deadline is a hard bound.
	c := newClient(t, emu, func(c *lcbot.Config) { c.Timeout = 20 * time.Second; c.Retry = &lcbot.RetryPolicy{MaxAttempts: 1} })
	if _, err := emu.Inject(lcbot.Fault{Action: "get_bot_agents", Delay: 2 * time.Second}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err := c.GetBotAgents(ctxTimeout(t, 300*time.Millisecond), false)
	elapsed := time.Since(start)
	if !lcbot.IsTimeout(err) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	if e := asError(t, err); e.Code != lcbot.CodeTimeout || e.Op != "get_bot_agents" {
		t.Fatalf("err = %#v", e)
	}
	if elapsed < 250*time.Millisecond || elapsed > 1500*time.Millisecond {
		t.Fatalf("returned after %v; the deadline was 300ms", elapsed)
	}

	// A deadline later than the timeout leaves the client's own timeout.
	fast := newClient(t, emu, func(c *lcbot.Config) { c.Timeout = 200 * time.Millisecond; c.Retry = &lcbot.RetryPolicy{MaxAttempts: 1} })
	if _, err := emu.Inject(lcbot.Fault{Action: "get_bot_agents", Delay: time.Second}); err != nil {
		t.Fatal(err)
	}
	_, err = fast.GetBotAgents(ctxTimeout(t, time.Minute), false)
	if !lcbot.IsTimeout(err) || errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("client timeout: %v", err)
	}

	// A deadline that is not reached changes nothing.
	if _, err := c.GetBotAgents(ctxTimeout(t, 5*time.Second), false); err != nil {
		t.Fatal(err)
	}
}

func TestCancelDoesNotInterruptACallInFlight(t *testing.T) {
	emu, c := setup(t)
	if _, err := emu.Inject(lcbot.Fault{Action: "get_bot_agents", Delay: 300 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	if _, err := c.GetBotAgents(ctx, false); err != nil {
		t.Fatalf("a started call completes despite cancel: %v", err)
	}
	if ctx.Err() == nil {
		t.Fatal("cancel did not run")
	}
}

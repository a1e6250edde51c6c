package livechatbots_test

import (
	"context"
	"errors"
	"runtime"
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

// A context deadline bounds the whole call: a read retried after stalls
// returns at the deadline, not after every attempt.
func TestDeadlineBoundsTheWholeCall(t *testing.T) {
	emu := startEmulator(t, nil)
	// The client allows 20 s and three attempts of 2 s each; the context
	// allows 300 ms.
	c := newClient(t, emu, func(c *lcbot.Config) {
		c.Timeout = 20 * time.Second
		c.AttemptTimeout = 2 * time.Second
		c.Retry.MaxAttempts = 3
	})
	if _, err := emu.Inject(lcbot.Fault{Action: "get_bot_agents", Times: 3, Delay: 2 * time.Second}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err := c.GetBotAgents(ctxTimeout(t, 300*time.Millisecond), false)
	elapsed := time.Since(start)
	if !lcbot.IsTimeout(err) || !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) || lcbot.IsCancelled(err) {
		t.Fatalf("err = %v", err)
	}
	if e := asError(t, err); e.Code != lcbot.CodeTimeout || e.CodeName != "timeout" || e.Op != "get_bot_agents" {
		t.Fatalf("err = %#v", e)
	}
	if elapsed < 250*time.Millisecond || elapsed > 1500*time.Millisecond {
		t.Fatalf("returned after %v; the deadline was 300ms", elapsed)
	}

	// A deadline later than the client's timeout leaves the client's
	// timeout, which is not the context's doing.
	fast := newClient(t, emu, func(c *lcbot.Config) { c.Timeout = 200 * time.Millisecond; c.Retry.MaxAttempts = 1 })
	if _, err := emu.Inject(lcbot.Fault{Action: "get_bot_agents", Delay: time.Second}); err != nil {
		t.Fatal(err)
	}
	_, err = fast.GetBotAgents(ctxTimeout(t, time.Minute), false)
	if e := asError(t, err); !lcbot.IsTimeout(err) || e.Code != lcbot.CodeTimeout || errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("client timeout: %v", err)
	}

	// A deadline that is not reached changes nothing.
	if _, err := c.GetBotAgents(ctxTimeout(t, 5*time.Second), false); err != nil {
		t.Fatal(err)
	}
	checkNoTokenLeft(t)
}

// Calls with a context deadline run on the client's own handle: they reuse
// its connection, as calls without one do. The emulator numbers the
// connections in its request log.
//
// The library keeps a connection per OS thread that calls (each thread
// drives its own requests), and a goroutine may change threads between
// calls: the test goroutine is locked to its thread so that all its calls
// should share one connection.
func TestDeadlineReusesTheConnection(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	emu := startEmulator(t, nil)
	a := newClient(t, emu, nil)
	b := newClient(t, emu, nil)
	const calls = 10
	for i := 0; i < calls; i++ {
		ctx := context.Background()
		if i%2 == 0 {
			// Sooner than the client's 30 s: the call's timeout is shortened.
			ctx = ctxTimeout(t, 10*time.Second)
		}
		if _, err := a.GetBotAgents(ctx, false); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := b.GetBotAgents(ctxTimeout(t, 10*time.Second), false); err != nil {
		t.Fatal(err)
	}
	log, err := emu.Requests()
	if err != nil || len(log) != calls+1 {
		t.Fatalf("log: %d entries, %v", len(log), err)
	}
	// One thread's calls on client a: one connection for all of them.
	for i, r := range log[:calls] {
		if r.Connection != log[0].Connection {
			t.Fatalf("call %d came on connection %d, call 0 on %d: the connection was not reused", i, r.Connection, log[0].Connection)
		}
	}
	// Client b has connections of its own: the numbers say which is which
	// (this is also what shows that the log numbers connections at all).
	if log[calls].Connection == log[0].Connection {
		t.Fatalf("clients a and b share connection %d: the log does not tell connections apart", log[0].Connection)
	}
}

// Cancelling the context stops a call in flight: a request stalled for 5 s
// returns within a second of the cancel, as a read and as a write.
func TestCancelStopsAStalledCall(t *testing.T) {
	for _, tc := range []struct {
		action string
		call   func(ctx context.Context, c *lcbot.Client) error
		write  bool
	}{
		{"get_bot_agents", func(ctx context.Context, c *lcbot.Client) error { _, err := c.GetBotAgents(ctx, false); return err }, false},
		{"create_bot_agent", func(ctx context.Context, c *lcbot.Client) error {
			_, err := c.CreateBotAgent(ctx, lcbot.CreateBotAgentRequest{Name: "Stalled", Status: lcbot.StatusOffline})
			return err
		}, true},
	} {
		t.Run(tc.action, func(t *testing.T) {
			emu, c := setup(t)
			stall := lcbot.Fault{Action: tc.action, Delay: 5 * time.Second}
			if n, err := emu.Inject(stall); err != nil || n != 1 {
				t.Fatalf("Inject: %d, %v", n, err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			type outcome struct {
				err error
				at  time.Time
			}
			done := make(chan outcome, 1)
			go func() {
				err := tc.call(ctx, c)
				done <- outcome{err, time.Now()}
			}()
			waitForStalled(t, emu)
			select {
			case o := <-done:
				t.Fatalf("the call returned before the cancel: %v", o.err)
			default:
			}
			cancelled := time.Now()
			cancel()
			var o outcome
			select {
			case o = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("the call did not return after the cancel")
			}
			if took := o.at.Sub(cancelled); took > time.Second {
				t.Fatalf("the call returned %v after the cancel; the stall was 5s", took)
			}
			if !errors.Is(o.err, context.Canceled) || !lcbot.IsCancelled(o.err) || errors.Is(o.err, context.DeadlineExceeded) || lcbot.IsTimeout(o.err) {
				t.Fatalf("err = %v", o.err)
			}
			e := asError(t, o.err)
			if e.Code != lcbot.CodeCancelled || e.CodeName != "cancelled" || e.Op != tc.action || e.Attempts != 1 {
				t.Fatalf("err = %#v", e)
			}
			// A write cancelled after it was sent may still be applied.
			if e.OutcomeUnknown != tc.write {
				t.Fatalf("OutcomeUnknown = %v for %s", e.OutcomeUnknown, tc.action)
			}
		})
	}
	checkNoTokenLeft(t)
}

// waitForStalled waits, within 3 s (well inside the 5 s stall), until the
// emulator has taken the stall fault, the only one queued: the emulator takes
// a fault when the request it applies to arrives, before stalling it. (The
// request log cannot show it: an entry is written when the request is
// answered, after the stall.) Inject answers how many faults are pending,
// so each look queues a probe fault for an action nobody calls: with k
// probes queued, k+1 pending means the stall fault is still waiting for its
// request, k that the request has arrived.
func waitForStalled(t *testing.T, emu *lcbot.Emulator) {
	t.Helper()
	probes := 0
	waitFor(t, 3*time.Second, "the stalled request at the emulator", func() bool {
		probes++
		n, err := emu.Inject(lcbot.Fault{Action: "probe_never_called", Status: 500})
		if err != nil {
			t.Fatalf("probe: %v", err)
		}
		return n == probes
	})
}

// checkNoTokenLeft fails the test if a call's cancel token was not freed.
func checkNoTokenLeft(t *testing.T) {
	t.Helper()
	if n := lcbot.LiveCancelTokens(); n != 0 {
		t.Fatalf("%d cancel tokens not freed", n)
	}
}

// Cancelling also ends a call waiting to retry (here on a 429 whose
// Retry-After asks for 3 s).
func TestCancelDuringRetryWait(t *testing.T) {
	emu := startEmulator(t, nil)
	c := newClient(t, emu, func(cfg *lcbot.Config) { cfg.Retry.MaxDelay = 5 * time.Second })
	if _, err := emu.Inject(lcbot.Fault{Action: "get_bot_agents", Status: 429, RetryAfter: 3 * time.Second}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := c.GetBotAgents(ctx, false)
		done <- err
	}()
	// The 429 was answered (and logged): the call is now waiting.
	waitFor(t, 3*time.Second, "the 429 answer", func() bool {
		log := requestsFor(t, emu, "get_bot_agents")
		return len(log) == 1 && log[0].Status == 429
	})
	cancelled := time.Now()
	cancel()
	var err error
	select {
	case err = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the call did not return after the cancel")
	}
	if took := time.Since(cancelled); took > time.Second {
		t.Fatalf("returned %v after the cancel; the wait was 3s", took)
	}
	if e := asError(t, err); e.Code != lcbot.CodeCancelled || !errors.Is(err, context.Canceled) || e.Attempts != 1 || e.OutcomeUnknown {
		t.Fatalf("err = %#v", e)
	}
	if n := len(requestsFor(t, emu, "get_bot_agents")); n != 1 {
		t.Fatalf("%d requests: the cancelled call retried", n)
	}
	checkNoTokenLeft(t)
}

// Connections the server closes for being idle are not reused: the next
// call opens a new one and succeeds.
// (One thread, so that the calls would share a connection were it not
// closed.)
func TestIdleConnectionsClosedByTheServer(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	// Wide margins: on a loaded machine the server's idle timer and two
	// "quick" calls may each run late.
	emu := startEmulator(t, &lcbot.EmulatorConfig{IdleTimeout: time.Second})
	c := newClient(t, emu, func(cfg *lcbot.Config) { cfg.Retry.MaxAttempts = 1 })
	for i := 0; i < 3; i++ {
		if i > 0 {
			// Time passing is the point here: longer than the idle timeout.
			time.Sleep(2500 * time.Millisecond)
		}
		// A write, which is never retried once it may have been sent.
		if _, err := c.CreateBotAgent(context.Background(), lcbot.CreateBotAgentRequest{Name: "after idle", Status: lcbot.StatusOffline}); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	log := requestsFor(t, emu, "create_bot_agent")
	if len(log) != 3 || log[0].Connection == log[1].Connection || log[1].Connection == log[2].Connection {
		t.Fatalf("connections: %+v", log)
	}
	// Calls in quick succession keep theirs.
	for i := 0; i < 2; i++ {
		if _, err := c.GetBotAgents(context.Background(), false); err != nil {
			t.Fatal(err)
		}
	}
	if log := requestsFor(t, emu, "get_bot_agents"); len(log) != 2 || log[0].Connection != log[1].Connection {
		t.Fatalf("quick calls: %+v", log)
	}
}

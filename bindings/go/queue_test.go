package livechatbots_test

// Many calls in flight at once through the completion queue: goroutines
// sharing a client, contexts cancelled and expiring mid-flight, Close with
// calls in flight, many clients over the process's one dispatcher, and the
// OS threads a crowd of waiting goroutines holds.

import (
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	lcbot "github.com/livechat-bots/livechat-bots/bindings/go"
)

// stallAll makes the next n requests of action wait delay at the emulator.
func stallAll(t *testing.T, emu *lcbot.Emulator, action string, n int, delay time.Duration) {
	t.Helper()
	if _, err := emu.Inject(lcbot.Fault{Action: action, Times: n, Delay: delay}); err != nil {
		t.Fatalf("Inject: %v", err)
	}
}

// waitAllStalled waits until every stalled request has arrived: the
// emulator takes a fault's use when the request comes, so the fault is
// gone from Faults once all n came.
func waitAllStalled(t *testing.T, emu *lcbot.Emulator) {
	t.Helper()
	waitFor(t, 20*time.Second, "every stalled request at the emulator", func() bool {
		faults, err := emu.Faults()
		if err != nil {
			t.Fatalf("Faults: %v", err)
		}
		return len(faults) == 0
	})
}

// callsAll runs call from n goroutines and returns their errors, by index.
func callsAll(n int, call func(i int) error) (wait func() []error) {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = call(i)
		}()
	}
	return func() []error { wg.Wait(); return errs }
}

// Many goroutines on one client and one bot, every call a different bot's
// details or a message: each gets its own answer, whatever order the calls
// end in.
func TestQueuedCallsGetTheirOwnAnswers(t *testing.T) {
	emu, c := setup(t)
	const n = 48
	ids := make([]string, n)
	for i := range ids {
		ids[i] = mustCreate(t, c, "bot-"+strconv.Itoa(i))
	}
	// Answers held a little, in an order unlike the calls'.
	stallAll(t, emu, "get_bot_agent_details", n/2, 30*time.Millisecond)
	errs := callsAll(n*4, func(i int) error {
		id := ids[i%n]
		d, err := c.GetBotAgentDetails(context.Background(), id)
		if err != nil {
			return err
		}
		if d.ID != id || d.Name != "bot-"+strconv.Itoa(i%n) {
			return errors.New("got " + d.ID + " " + d.Name + " for " + id)
		}
		return nil
	})()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if got := len(requestsFor(t, emu, "get_bot_agent_details")); got != n*4 {
		t.Fatalf("%d details requests logged, want %d", got, n*4)
	}
}

// Cancelling contexts while their calls are in flight: each call ends as
// cancelled, the writes with an unknown outcome (they may have been
// applied), the reads without; a deadline shared by calls in flight (well
// before their stall ends) ends them as timeouts. No cancel token is left.
func TestQueuedCallsCancelledAndExpiredInFlight(t *testing.T) {
	emu, c := setup(t)
	const n = 32
	stallAll(t, emu, "", 2*n, 5*time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	wait := callsAll(2*n, func(i int) error {
		if i%2 == 0 {
			_, err := c.CreateBotAgent(ctx, lcbot.CreateBotAgentRequest{Name: "w" + strconv.Itoa(i), Status: lcbot.StatusOffline})
			return err
		}
		_, err := c.GetBotAgents(ctx, false)
		return err
	})
	waitAllStalled(t, emu)
	cancel()
	for i, err := range wait() {
		if !errors.Is(err, context.Canceled) || !lcbot.IsCancelled(err) {
			t.Fatalf("call %d: err = %v", i, err)
		}
		write := i%2 == 0
		if e := asError(t, err); e.OutcomeUnknown != write {
			t.Fatalf("call %d (write %v): OutcomeUnknown = %v", i, write, e.OutcomeUnknown)
		}
	}

	stallAll(t, emu, "get_bot_agents", n, 5*time.Second)
	deadline, stop := context.WithTimeout(context.Background(), 2*time.Second)
	defer stop()
	for i, err := range callsAll(n, func(int) error { _, err := c.GetBotAgents(deadline, false); return err })() {
		if !errors.Is(err, context.DeadlineExceeded) || !lcbot.IsTimeout(err) {
			t.Fatalf("call %d: err = %v", i, err)
		}
	}
	if _, err := emu.ClearFaults(); err != nil {
		t.Fatal(err)
	}
	checkNoTokenLeft(t)
}

// Close with calls in flight waits for them (each answered), then later
// calls get ErrClosed; a Bot likewise.
func TestCloseWaitsForQueuedCalls(t *testing.T) {
	emu := startEmulator(t, nil)
	c, err := lcbot.NewClient(emu.ClientConfig())
	if err != nil {
		t.Fatal(err)
	}
	const n = 64
	stallAll(t, emu, "get_bot_agents", n, 200*time.Millisecond)
	wait := callsAll(n, func(int) error { _, err := c.GetBotAgents(context.Background(), false); return err })
	waitAllStalled(t, emu)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	for i, err := range wait() {
		if err != nil {
			t.Fatalf("call %d in flight at Close: %v", i, err)
		}
	}
	if _, err := c.GetBotAgents(context.Background(), false); !errors.Is(err, lcbot.ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}

	w := newBotWorld(t, "3.6", nil)
	b := w.createBot("Closing", lcbot.PriorityNormal, 6)
	stallAll(t, w.emu, "set_routing_status", n, 200*time.Millisecond)
	wait = callsAll(n, func(int) error { return b.SetRoutingStatus(context.Background(), lcbot.RoutingAcceptingChats) })
	waitAllStalled(t, w.emu)
	b.Close()
	for i, err := range wait() {
		if err != nil {
			t.Fatalf("bot call %d in flight at Close: %v", i, err)
		}
	}
	if err := b.SetRoutingStatus(context.Background(), lcbot.RoutingOffline); !errors.Is(err, lcbot.ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
}

// The process's one dispatcher serves client after client: made, used from
// several goroutines and closed, two hundred times, some of them at once.
func TestDispatcherOutlivesManyClients(t *testing.T) {
	emu := startEmulator(t, nil)
	clients0, _ := lcbot.LiveHandles()
	errs := callsAll(8, func(g int) error {
		for i := 0; i < 25; i++ {
			c, err := lcbot.NewClient(emu.ClientConfig())
			if err != nil {
				return err
			}
			inner := callsAll(3, func(int) error { _, err := c.GetBotAgents(context.Background(), false); return err })()
			c.Close()
			if err := errors.Join(inner...); err != nil {
				return err
			}
		}
		return nil
	})()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if clients, _ := lcbot.LiveHandles(); clients != clients0 {
		t.Fatalf("%d client handles live, %d before", clients, clients0)
	}
	c := newClient(t, emu, nil)
	if _, err := c.GetBotAgents(context.Background(), false); err != nil {
		t.Fatalf("after 200 clients: %v", err)
	}
}

// threads is this process's OS thread count.
func threads(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc/self/status: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "Threads:"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(rest))
			if err != nil {
				t.Fatalf("Threads: %q", rest)
			}
			return n
		}
	}
	t.Fatal("no Threads line in /proc/self/status")
	return 0
}

// 256 goroutines with their calls held at the emulator wait on channels,
// not in C: the process's OS threads stay about where they were, where a
// thread per call would add 256. (The bound is loose on purpose: it is the
// Go runtime's and the library's few threads, not a count to the thread.)
func TestCallsInFlightHoldNoThreadEach(t *testing.T) {
	emu, c := setup(t)
	if _, err := c.GetBotAgents(context.Background(), false); err != nil {
		t.Fatal(err) // the dispatcher and the I/O thread are up
	}
	before := threads(t)
	const n = 256
	stallAll(t, emu, "get_bot_agents", n, time.Second)
	var peak atomic.Int64
	sampling, stopSampling := context.WithCancel(context.Background())
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for sampling.Err() == nil {
			peak.Store(max(peak.Load(), int64(threads(t))))
			time.Sleep(time.Millisecond)
		}
	}()
	wait := callsAll(n, func(int) error { _, err := c.GetBotAgents(context.Background(), false); return err })
	waitAllStalled(t, emu)
	peak.Store(max(peak.Load(), int64(threads(t)))) // all 256 in flight now
	for i, err := range wait() {
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	stopSampling()
	<-sampled
	t.Logf("OS threads: %d before, %d at the peak with %d calls in flight", before, peak.Load(), n)
	if added := int(peak.Load()) - before; added > 48 {
		t.Fatalf("%d OS threads before, %d at the peak with %d calls in flight: %d added", before, peak.Load(), n, added)
	}
}

package livechatbots_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	lcbot "github.com/livechat-bots/livechat-bots/bindings/go"
)

// Many goroutines share one client: each runs the whole lifecycle of its
// own bots, some with context deadlines (a per-call timeout and cancel
// token on the shared handle) and some without.
func TestSharedClientManyGoroutines(t *testing.T) {
	emu, c := setup(t)
	const workers, rounds = 24, 4
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			errs <- worker(c, w, rounds)
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	left, err := c.GetBotAgents(context.Background(), true)
	if err != nil || len(left) != 0 {
		t.Fatalf("bots left: %d, %v", len(left), err)
	}
	log, err := emu.Requests()
	if err != nil {
		t.Fatal(err)
	}
	// create, details, update, list, remove per round, plus the last list.
	if want := workers*rounds*5 + 1; len(log) != want {
		t.Fatalf("%d requests logged, want %d", len(log), want)
	}
}

func worker(c *lcbot.Client, w, rounds int) error {
	for r := 0; r < rounds; r++ {
		ctx := context.Background()
		if r%2 == 1 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
		}
		name := fmt.Sprintf("bot-%d-%d", w, r)
		created, err := c.CreateBotAgent(ctx, lcbot.CreateBotAgentRequest{Name: name, Status: lcbot.StatusAcceptingChats})
		if err != nil {
			return fmt.Errorf("%s: create: %w", name, err)
		}
		id := created.ID
		d, err := c.GetBotAgentDetails(ctx, id)
		if err != nil || d.Name != name {
			return fmt.Errorf("%s: details: %+v, %w", name, d, err)
		}
		if err := c.UpdateBotAgent(ctx, lcbot.UpdateBotAgentRequest{ID: id, Status: lcbot.StatusOffline}); err != nil {
			return fmt.Errorf("%s: update: %w", name, err)
		}
		list, err := c.GetBotAgents(ctx, false)
		if err != nil {
			return fmt.Errorf("%s: list: %w", name, err)
		}
		found := false
		for _, b := range list {
			found = found || (b.ID == id && b.Status == lcbot.StatusOffline)
		}
		if !found {
			return fmt.Errorf("%s: not listed as offline", name)
		}
		if err := c.RemoveBotAgent(ctx, id); err != nil {
			return fmt.Errorf("%s: remove: %w", name, err)
		}
	}
	return nil
}

// Close while calls are in flight: it waits for them, and later calls get
// ErrClosed. Nothing crashes, nothing is reported twice.
func TestCloseRacesWithCalls(t *testing.T) {
	emu := startEmulator(t, nil)
	c, err := lcbot.NewClient(emu.ClientConfig())
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, closed := 0, 0
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				_, err := c.GetBotAgents(context.Background(), false)
				mu.Lock()
				switch {
				case err == nil:
					ok++
				case errors.Is(err, lcbot.ErrClosed):
					closed++
				default:
					t.Errorf("unexpected: %v", err)
				}
				mu.Unlock()
			}
		}()
	}
	// Close once calls are under way (some answered, others in flight).
	waitFor(t, 10*time.Second, "a first call answered", func() bool {
		log, err := emu.Requests()
		return err == nil && len(log) > 0
	})
	var cw sync.WaitGroup
	for i := 0; i < 3; i++ {
		cw.Add(1)
		go func() { defer cw.Done(); c.Close() }()
	}
	cw.Wait()
	wg.Wait()
	if ok+closed != 160 {
		t.Fatalf("ok %d + closed %d != 160", ok, closed)
	}
	log, _ := emu.Requests()
	if len(log) != ok {
		t.Fatalf("%d requests logged, %d calls succeeded", len(log), ok)
	}
}

// Clients and emulators dropped without Close are freed by their
// finalizers without harm: the count of live C handles comes back to what
// it was, which only the finalizers can do.
func TestFinalizers(t *testing.T) {
	emu := startEmulator(t, nil)
	clients0, emulators0 := lcbot.LiveHandles()
	// Every earlier test closes what it opens (t.Cleanup): only emu is open,
	// so the counts below cannot come back through another test's handles.
	if clients0 != 0 || emulators0 != 1 || lcbot.LiveCallbackHandles() != 0 {
		t.Fatalf("live handles at the start: %d clients, %d emulators, %d callback handles; an earlier test leaked",
			clients0, emulators0, lcbot.LiveCallbackHandles())
	}
	const nClients, nEmulators = 20, 3
	dropHandles(t, emu, nClients, nEmulators)
	waitFor(t, 10*time.Second, "finalizers of the dropped clients and emulators", func() bool {
		runtime.GC()
		c, e := lcbot.LiveHandles()
		return c == 0 && e == 1 && lcbot.LiveCallbackHandles() == 0
	})
	// The shared emulator still serves.
	c := newClient(t, emu, nil)
	if _, err := c.GetBotAgents(context.Background(), false); err != nil {
		t.Fatal(err)
	}
}

// dropHandles makes clients (each used once) and emulators, checks they are
// all live, and returns keeping no reference to them. A function of its own,
// so that no variable of the caller's frame keeps one alive. The handles are
// held in a slice until the check: a GC during the loop may otherwise
// finalize the first ones before they are counted.
func dropHandles(t *testing.T, emu *lcbot.Emulator, nClients, nEmulators int) {
	held := make([]any, 0, nClients+nEmulators)
	defer runtime.KeepAlive(held)
	for i := 0; i < nClients; i++ {
		cfg := emu.ClientConfig()
		if i%2 == 0 {
			// Half with callbacks: their cgo.Handle goes with the client.
			cfg.OnNotice = func(lcbot.Notice) {}
		}
		c, err := lcbot.NewClient(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.GetBotAgents(context.Background(), false); err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	for i := 0; i < nEmulators; i++ {
		e, err := lcbot.StartEmulator(nil)
		if err != nil {
			t.Fatal(err)
		}
		_ = e.URL()
		held = append(held, e)
	}
	runtime.GC()
	if c, e := lcbot.LiveHandles(); c != int64(nClients) || e != int64(1+nEmulators) || lcbot.LiveCallbackHandles() != int64(nClients/2) {
		t.Fatalf("after creating: %d clients, %d emulators, %d callback handles", c, e, lcbot.LiveCallbackHandles())
	}
}

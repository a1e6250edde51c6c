package livechatbots_test

import (
	"context"
	"errors"
	"testing"
	"time"

	lcbot "github.com/livechat-bots/livechat-bots/bindings/go"
)

// A call waiting while another renews the bot token (here a stalled
// issue_bot_token) still ends at its own deadline, or when its context is
// cancelled, not when the renewal does.
func TestBotRenewalWaitHonoursContext(t *testing.T) {
	for _, cancelIt := range []bool{false, true} {
		name := "deadline"
		if cancelIt {
			name = "cancel"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			w := newBotWorld(t, "3.6", nil)
			fresh := w.newBot(w.online.ID(), true)
			if _, err := w.emu.Inject(lcbot.Fault{Action: "issue_bot_token", Delay: 3 * time.Second}); err != nil {
				t.Fatal(err)
			}
			renewing := make(chan error, 1)
			go func() {
				_, err := fresh.ListChats(context.Background(), lcbot.ListChatsRequest{})
				renewing <- err
			}()
			waitForStalled(t, w.emu)
			var ctx context.Context
			var cancel context.CancelFunc
			if cancelIt {
				ctx, cancel = context.WithCancel(context.Background())
			} else {
				ctx, cancel = context.WithTimeout(context.Background(), 200*time.Millisecond)
			}
			defer cancel()
			done := make(chan error, 1)
			go func() {
				_, err := fresh.ListChats(ctx, lcbot.ListChatsRequest{})
				done <- err
			}()
			start := time.Now()
			if cancelIt {
				// The renewal holds the lock for 3 s: by 100 ms the call is
				// (on any machine but a stalled one) waiting for it.
				time.AfterFunc(100*time.Millisecond, cancel)
			}
			var err error
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("the waiting call did not return")
			}
			if waited := time.Since(start); waited > 1500*time.Millisecond {
				t.Fatalf("the waiting call returned after %v (%v): it waited for the renewal", waited, err)
			}
			if cancelIt && (!lcbot.IsCancelled(err) || !errors.Is(err, context.Canceled)) {
				t.Fatalf("cancelled while waiting: %v", err)
			}
			if !cancelIt && (!lcbot.IsTimeout(err) || !errors.Is(err, context.DeadlineExceeded)) {
				t.Fatalf("deadline while waiting: %v", err)
			}
			if err := <-renewing; err != nil {
				t.Fatalf("the renewing call: %v", err)
			}
		})
	}
}

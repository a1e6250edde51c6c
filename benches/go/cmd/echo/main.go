// End-to-end benchmark of the Go echo bot (bindings/go/examples/echo_bot)
// on one emulator: --chats customers in parallel, each writing --messages
// messages, the next one once the bot has sent the echo of the previous
// one (echobot.Config.Echoed: reading the transcripts to find out costs
// more than the echo as they grow). It prints one JSON document:
//
//	{"impl": "go", "messages", "seconds", "messages_per_s", "p50_ms", "p99_ms"}
//
// where a message's time is from the customer's message to the bot's echo,
// both read from the transcript's created_at (microseconds), and seconds
// runs from the first message to the last echo.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"sort"
	"sync"
	"time"

	lcbot "github.com/livechat-bots/livechat-bots/bindings/go"
	"github.com/livechat-bots/livechat-bots/bindings/go/examples/echo_bot/echobot"
)

func main() {
	chats := flag.Int("chats", 4, "customers writing in parallel (1 to 6, the bot's max_chats_count)")
	messages := flag.Int("messages", 500, "messages each customer writes")
	version := flag.String("api-version", "3.6", "API version")
	timeout := flag.Duration("timeout", 60*time.Second, "give up after this long")
	flag.Parse()
	if *chats < 1 || *chats > 6 || *messages < 1 {
		fmt.Fprintln(os.Stderr, "echo: --chats is 1 to 6, --messages at least 1")
		os.Exit(2)
	}
	if err := run(*chats, *messages, *version, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "echo:", err)
		os.Exit(1)
	}
}

func run(chats, messages int, version string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	emu, err := lcbot.StartEmulator(nil)
	if err != nil {
		return err
	}
	defer emu.Close()
	cfg := emu.ClientConfig()
	cfg.APIVersion = version
	client, err := lcbot.NewClient(cfg)
	if err != nil {
		return err
	}
	defer client.Close()
	w := newWatcher()
	bot, err := echobot.Start(ctx, echobot.Config{
		Client: client, APIVersion: version, ClientID: "dev-client", OrganizationID: emu.OrganizationID(), Echoed: w.echoed,
	})
	if err != nil {
		return err
	}
	defer bot.Close()

	errs := make(chan error, chats)
	for c := range chats {
		go func() { errs <- customer(ctx, emu, w, c, messages) }()
	}
	for range chats {
		if err := <-errs; err != nil {
			return err
		}
	}

	all, err := emu.Chats()
	if err != nil {
		return err
	}
	var lat []float64
	first, last := math.Inf(1), math.Inf(-1)
	for _, chat := range all {
		asked := map[string]float64{} // text -> when the customer wrote it
		for _, e := range chat.Transcript {
			at, err := time.Parse(time.RFC3339Nano, e.CreatedAt)
			if err != nil {
				return err
			}
			t := float64(at.UnixMicro()) / 1000
			switch {
			case e.Type != "message":
			case e.AuthorType == "customer":
				asked[e.Text] = t
				first = math.Min(first, t)
			case e.AuthorID == bot.ID:
				q, ok := asked[e.Text[len("echo: "):]]
				if !ok {
					return fmt.Errorf("chat %s: an echo of nothing: %q", chat.ChatID, e.Text)
				}
				lat = append(lat, t-q)
				last = math.Max(last, t)
			}
		}
	}
	if len(lat) != chats*messages {
		return fmt.Errorf("%d echoes in the transcripts; %d expected", len(lat), chats*messages)
	}
	sort.Float64s(lat)
	seconds := (last - first) / 1000
	return json.NewEncoder(os.Stdout).Encode(struct {
		Impl         string  `json:"impl"`
		Messages     int     `json:"messages"`
		Seconds      float64 `json:"seconds"`
		MessagesPerS float64 `json:"messages_per_s"`
		P50MS        float64 `json:"p50_ms"`
		P99MS        float64 `json:"p99_ms"`
	}{"go", len(lat), round(seconds, 3), round(float64(len(lat))/seconds, 1), round(quantile(lat, 0.50), 3), round(quantile(lat, 0.99), 3)})
}

// customer starts chat c and writes its messages, each after the echo of
// the one before.
func customer(ctx context.Context, emu *lcbot.Emulator, w *watcher, c, messages int) error {
	text := func(i int) string { return fmt.Sprintf("chat %d, message %d", c, i+1) }
	chat, err := emu.StartChat(lcbot.StartChatRequest{Text: text(0)})
	if err != nil {
		return err
	}
	if chat.State != lcbot.ChatAssigned {
		return fmt.Errorf("chat %d: %s, not assigned", c, chat.State)
	}
	for i := range messages {
		if i > 0 {
			if _, err := emu.SendMessage(chat.ChatID, text(i)); err != nil {
				return err
			}
		}
		if err := w.wait(ctx, chat.ChatID, i+1); err != nil {
			return fmt.Errorf("chat %d, message %d: %w", c, i+1, err)
		}
	}
	return nil
}

// watcher counts the bot's echoes per chat, for the customers waiting.
type watcher struct {
	mu      sync.Mutex
	echoes  map[string]int // chat id -> echoes sent
	changed chan struct{}  // closed (and replaced) at each echo
}

func newWatcher() *watcher {
	return &watcher{echoes: map[string]int{}, changed: make(chan struct{})}
}

func (w *watcher) echoed(chatID, _ string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.echoes[chatID]++
	close(w.changed)
	w.changed = make(chan struct{})
}

// wait returns once chat has n echoes.
func (w *watcher) wait(ctx context.Context, chatID string, n int) error {
	for {
		w.mu.Lock()
		got, changed := w.echoes[chatID], w.changed
		w.mu.Unlock()
		if got >= n {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("%d echoes, %d expected: %w", got, n, ctx.Err())
		}
	}
}

func quantile(sorted []float64, q float64) float64 {
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func round(v float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(v*p) / p
}

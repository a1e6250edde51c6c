package livechatbots_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	lcbot "github.com/livechat-bots/livechat-bots/bindings/go"
)

// The emulator's bot tokens live this long in the renewal tests.
const shortTokenLife = 1200 * time.Millisecond

// crowd runs call on n goroutines released at once, and fails the test
// with their errors.
func crowd(t *testing.T, n int, call func() error) {
	t.Helper()
	start := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for g := 0; g < n; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs <- call()
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("a goroutine failed: %v", err)
		}
	}
}

// waitPastExpiry waits until the last token issued (by the log's clock)
// has expired.
func waitPastExpiry(t *testing.T, emu *lcbot.Emulator) {
	t.Helper()
	issued := requestsFor(t, emu, "issue_bot_token")
	if len(issued) == 0 {
		t.Fatal("no token issued")
	}
	expiry := issued[len(issued)-1].Time().Add(shortTokenLife)
	waitFor(t, 2*shortTokenLife+5*time.Second, "the bot token's expiry", func() bool { return time.Now().After(expiry) })
}

// A bot token expires and the bot gets a new one; 16 goroutines sharing
// the bot when its token is due cause exactly one issue_bot_token, and no
// request is refused.
func TestBotTokenRenewedOnceForManyGoroutines(t *testing.T) {
	w := newBotWorld(t, "3.6", &lcbot.EmulatorConfig{BotTokenLifetime: shortTokenLife})
	bot := w.online
	ctx := ctxTimeout(t, 30*time.Second)
	if n := len(requestsFor(t, w.emu, "issue_bot_token")); n != 3 {
		t.Fatalf("%d tokens issued for 3 bots", n)
	}

	// A new Bot used by 16 goroutines at once gets one token.
	fresh := w.newBot(w.online.ID(), true)
	crowd(t, 16, func() error { _, err := fresh.ListChats(ctx, lcbot.ListChatsRequest{}); return err })
	if n := len(requestsFor(t, w.emu, "issue_bot_token")); n != 4 {
		t.Fatalf("%d tokens issued after a new Bot's first calls, want 4", n)
	}

	// One goroutine: the token is renewed after it expired.
	waitPastExpiry(t, w.emu)
	if _, err := bot.ListChats(ctx, lcbot.ListChatsRequest{}); err != nil {
		t.Fatalf("ListChats after the expiry: %v", err)
	}
	if n := len(requestsFor(t, w.emu, "issue_bot_token")); n != 5 {
		t.Fatalf("%d tokens issued, want 5", n)
	}

	// Sixteen at once.
	waitPastExpiry(t, w.emu)
	var turn sync.Mutex
	odd := false
	crowd(t, 16, func() error {
		turn.Lock()
		odd = !odd
		listRouting := odd
		turn.Unlock()
		if listRouting {
			_, err := bot.ListRoutingStatuses(ctx)
			return err
		}
		_, err := bot.ListChats(ctx, lcbot.ListChatsRequest{Limit: 1})
		return err
	})
	if n := len(requestsFor(t, w.emu, "issue_bot_token")); n != 6 {
		t.Fatalf("%d tokens issued after 16 goroutines crossed an expiry, want 6 (one more)", n)
	}
	log, err := w.emu.Requests()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range log {
		if r.Status == 401 {
			t.Errorf("a request was refused: %s %s", r.Action, r.Body)
		}
	}
}

// A token LiveChat refuses is renewed once and the call repeated; after
// reset_bot_secret the old secret gets no token, and a Bot with the new
// secret works.
func TestBotTokenRefusedAndSecretReset(t *testing.T) {
	w := newBotWorld(t, "3.6", nil)
	ctx := ctxTimeout(t, 20*time.Second)
	bot := w.online
	if _, err := w.emu.Inject(lcbot.Fault{Action: "list_chats", Status: 401, ErrorType: "authentication"}); err != nil {
		t.Fatal(err)
	}
	if _, err := bot.ListChats(ctx, lcbot.ListChatsRequest{}); err != nil {
		t.Fatalf("ListChats after one refusal: %v", err)
	}
	if n := len(requestsFor(t, w.emu, "issue_bot_token")); n != 4 {
		t.Fatalf("%d tokens issued, want 3 + 1 renewal", n)
	}

	secret, err := w.client.ResetBotSecret(ctx, lcbot.ResetBotSecretRequest{ID: bot.ID()})
	if err != nil {
		t.Fatalf("ResetBotSecret: %v", err)
	}
	if secret.IsZero() || secret.Reveal() == w.secrets[bot.ID()].Reveal() {
		t.Fatal("ResetBotSecret gave no new secret")
	}
	// The refused token's 401, whose message says why renewing failed
	// (the old secret: 403).
	_, err = bot.ListChats(ctx, lcbot.ListChatsRequest{})
	if !lcbot.IsAuthentication(err) || !strings.Contains(err.Error(), "renewing the credentials failed") {
		t.Fatalf("a bot whose secret was reset: %v", err)
	}
	for _, s := range []string{secret.Reveal(), w.secrets[bot.ID()].Reveal()} {
		if strings.Contains(err.Error(), s) || strings.Contains(fmt.Sprintf("%+v %#v", err, err), s) {
			t.Fatalf("a secret in the error: %v", err)
		}
	}
	w.secrets[bot.ID()] = secret
	fresh := w.newBot(bot.ID(), true)
	if _, err := fresh.ListChats(ctx, lcbot.ListChatsRequest{}); err != nil {
		t.Fatalf("a Bot with the new secret: %v", err)
	}
}

// The token issue_bot_token answers is usable and never printed.
func TestIssueBotTokenIsRedacted(t *testing.T) {
	w := newBotWorld(t, "3.6", nil)
	ctx := ctxTimeout(t, 10*time.Second)
	secret := w.secrets[w.online.ID()]
	req := lcbot.IssueBotTokenRequest{
		BotID: w.online.ID(), ClientID: "dev-client", BotSecret: secret, OrganizationID: w.emu.OrganizationID(),
	}
	token, err := w.client.IssueBotToken(ctx, req)
	if err != nil {
		t.Fatalf("IssueBotToken: %v", err)
	}
	if parts := strings.Split(token.Reveal(), "."); len(parts) != 3 {
		t.Fatalf("not a JWT-shaped token (%d parts)", len(parts))
	}
	identity := lcbot.BotIdentity{BotAgentID: w.online.ID(), BotSecret: secret, ClientID: "dev-client", OrganizationID: "o"}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		for _, v := range []any{token, &token, req, &req, identity, &identity, w.online, struct{ T lcbot.BotToken }{token}} {
			out := fmt.Sprintf(verb, v)
			if strings.Contains(out, token.Reveal()) || strings.Contains(out, secret.Reveal()) {
				t.Fatalf("%s of %T shows a secret: %s", verb, v, out)
			}
		}
	}
	if b, _ := token.MarshalJSON(); strings.Contains(string(b), token.Reveal()) {
		t.Fatal("MarshalJSON shows the token")
	}

	// A wrong secret, organization or client: refused, saying nothing secret.
	for name, bad := range map[string]lcbot.IssueBotTokenRequest{
		"secret":       {BotID: req.BotID, ClientID: req.ClientID, BotSecret: lcbot.NewBotSecret("0123456789abcdef0123456789abcdef"), OrganizationID: req.OrganizationID},
		"organization": {BotID: req.BotID, ClientID: req.ClientID, BotSecret: secret, OrganizationID: "another"},
		"client":       {BotID: req.BotID, ClientID: "another", BotSecret: secret, OrganizationID: req.OrganizationID},
	} {
		_, err := w.client.IssueBotToken(ctx, bad)
		if !lcbot.IsAuthorization(err) {
			t.Errorf("a wrong %s: %v", name, err)
		} else if strings.Contains(fmt.Sprintf("%v %+v", err, err), secret.Reveal()) || strings.Contains(err.Error(), "0123456789abcdef") {
			t.Errorf("a wrong %s: the error shows a secret: %v", name, err)
		}
	}
	_, err = w.client.IssueBotToken(ctx, lcbot.IssueBotTokenRequest{BotID: "nobody", ClientID: "dev-client", BotSecret: secret, OrganizationID: req.OrganizationID})
	if !lcbot.IsNotFound(err) {
		t.Errorf("an unknown bot: %v", err)
	}
}

// 16 goroutines share one Bot for a whole scenario each, with and without
// context deadlines.
func TestBotSharedByManyGoroutines(t *testing.T) {
	w := newBotWorld(t, "3.6", &lcbot.EmulatorConfig{})
	ctx := ctxTimeout(t, 60*time.Second)
	big := w.createBotInGroup(3)
	if err := big.SetRoutingStatus(ctx, lcbot.RoutingAcceptingChats); err != nil {
		t.Fatal(err)
	}
	const goroutines = 16
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			errs <- func() error {
				started, err := w.emu.StartChat(lcbot.StartChatRequest{GroupID: 3, Text: fmt.Sprintf("customer %d", g)})
				if err != nil {
					return err
				}
				if started.State == lcbot.ChatQueued {
					// max_chats_count 6: the others wait.
					return nil
				}
				c := ctx
				if g%2 == 0 {
					var cancel context.CancelFunc
					c, cancel = context.WithTimeout(ctx, 10*time.Second)
					defer cancel()
				}
				if _, err := big.SendMessage(c, started.ChatID, fmt.Sprintf("answer %d", g)); err != nil {
					return err
				}
				chat, err := big.GetChat(c, started.ChatID)
				if err != nil {
					return err
				}
				if n := len(chat.Thread.Events); n != 2 {
					return fmt.Errorf("chat %s: %d events", started.ChatID, n)
				}
				return big.DeactivateChat(c, started.ChatID)
			}()
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := len(requestsFor(t, w.emu, "issue_bot_token")); n != 4 {
		t.Errorf("%d issue_bot_token for 4 bots", n)
	}
}

// Input the library refuses before sending anything.
func TestBotBadInput(t *testing.T) {
	w := newBotWorld(t, "3.6", nil)
	ctx := ctxTimeout(t, 10*time.Second)
	bot := w.online
	before, err := w.emu.Requests()
	if err != nil {
		t.Fatal(err)
	}
	check := func(name string, err error) {
		t.Helper()
		e := asError(t, err)
		if e.Code != lcbot.CodeValidation || e.Attempts != 0 {
			t.Errorf("%s: %v (code %v, attempts %d)", name, err, e.Code, e.Attempts)
		}
	}
	_, err = bot.SendMessage(ctx, "C1", "")
	check("empty text", err)
	_, err = bot.SendMessage(ctx, "C1", strings.Repeat("x", lcbot.MaxMessageBytes+1))
	check("16 KB + 1 text", err)
	_, err = bot.SendMessage(ctx, "", "hi")
	check("no chat id", err)
	_, err = bot.SendEvent(ctx, "C1", lcbot.Event{Type: "file"})
	check("event type", err)
	_, err = bot.SendEvent(ctx, "C1", lcbot.Event{Type: lcbot.EventMessage, Text: "a", Visibility: "me"})
	check("visibility", err)
	_, err = bot.SendEvent(ctx, "C1", lcbot.Event{Type: lcbot.EventRichMessage, TemplateID: "cards"})
	check("rich message without elements", err)
	check("routing status", bot.SetRoutingStatus(ctx, "accepting chats"))
	check("agent id", bot.SetAgentRoutingStatus(ctx, "", lcbot.RoutingOffline))
	_, err = bot.ListChats(ctx, lcbot.ListChatsRequest{Limit: 101})
	check("limit", err)
	_, err = bot.ListChats(ctx, lcbot.ListChatsRequest{PageID: "p", Limit: 5})
	check("page id with a limit", err)
	_, err = bot.ListChats(ctx, lcbot.ListChatsRequest{SortOrder: "up"})
	check("sort order", err)
	_, err = bot.ListChats(ctx, lcbot.ListChatsRequest{Filters: &lcbot.ChatFilters{GroupIDs: make([]uint64, 201)}})
	check("201 group ids", err)
	_, err = bot.GetChat(ctx, "")
	check("get_chat without an id", err)
	_, err = bot.GetChatThread(ctx, "C1", "")
	check("get_chat with an empty thread id", err)
	check("transfer to agents and groups", bot.TransferChat(ctx, lcbot.TransferChatRequest{ID: "C1", AgentIDs: []string{"a"}, GroupIDs: []uint64{1}}))
	check("transfer to nobody", bot.TransferChat(ctx, lcbot.TransferChatRequest{ID: "C1", AgentIDs: []string{}}))
	check("transfer to an empty id", bot.TransferChat(ctx, lcbot.TransferChatRequest{ID: "C1", AgentIDs: []string{""}}))
	check("deactivate without an id", bot.DeactivateChat(ctx, ""))
	check("bad action name", bot.Call(ctx, "Send-Event", nil, nil))
	err = bot.Call(ctx, "send_event", []int{1}, nil)
	check("payload not an object", err)

	_, err = w.client.RegisterWebhook(ctx, lcbot.RegisterWebhookRequest{Action: "incoming_mail", SecretKey: "k", URL: "https://example.com/h", Type: lcbot.WebhookTypeBot, OwnerClientID: "dev-client"})
	check("webhook action", err)
	_, err = w.client.RegisterWebhook(ctx, lcbot.RegisterWebhookRequest{Action: lcbot.ActionIncomingEvent, SecretKey: "k", URL: "ftp://example.com/h", Type: lcbot.WebhookTypeBot, OwnerClientID: "dev-client"})
	check("webhook url", err)
	_, err = w.client.ResetBotSecret(ctx, lcbot.ResetBotSecretRequest{})
	check("reset without an id", err)
	_, err = w.client.IssueBotToken(ctx, lcbot.IssueBotTokenRequest{BotID: bot.ID()})
	check("issue without a secret", err)

	after, err := w.emu.Requests()
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) {
		t.Fatalf("%d requests sent for bad input", len(after)-len(before))
	}

	// Identities the version does not take.
	if _, err := w.client.NewBot(lcbot.BotIdentity{BotAgentID: bot.ID()}); !lcbot.IsValidation(err) || !strings.Contains(err.Error(), "bot_secret") {
		t.Errorf("v3.6 without a secret: %v", err)
	}
	if _, err := w.client.NewBot(lcbot.BotIdentity{}); !lcbot.IsValidation(err) {
		t.Errorf("no bot id: %v", err)
	}
	if _, err := w.client.NewBot(lcbot.BotIdentity{BotAgentID: "b", BotSecret: lcbot.NewBotSecret("s")}); !lcbot.IsValidation(err) || !strings.Contains(err.Error(), "client_id") {
		t.Errorf("a secret without a client id: %v", err)
	}
	if _, err := w.client.NewBot(lcbot.BotIdentity{BotAgentID: "b\x00"}); !lcbot.IsValidation(err) {
		t.Errorf("a NUL byte: %v", err)
	}
	old := newClient(t, w.emu, func(c *lcbot.Config) { c.APIVersion = "3.4" })
	secret := lcbot.NewBotSecret("s3cr3t-value")
	_, err = old.NewBot(lcbot.BotIdentity{BotAgentID: "b", BotSecret: secret, ClientID: "c", OrganizationID: "o"})
	if !lcbot.IsValidation(err) || strings.Contains(err.Error(), "s3cr3t-value") {
		t.Errorf("v3.4 with a secret: %v", err)
	}
	_, err = old.IssueBotToken(ctx, lcbot.IssueBotTokenRequest{BotID: "b", ClientID: "c", BotSecret: secret, OrganizationID: "o"})
	if !lcbot.IsValidation(err) || !strings.Contains(err.Error(), "3.5") || strings.Contains(err.Error(), "s3cr3t-value") {
		t.Errorf("issue_bot_token on v3.4: %v", err)
	}
	v30 := newClient(t, w.emu, func(c *lcbot.Config) { c.APIVersion = "3.0" })
	b30, err := v30.NewBot(lcbot.BotIdentity{BotAgentID: bot.ID()})
	if err != nil {
		t.Fatal(err)
	}
	defer b30.Close()
	if _, err := b30.ListRoutingStatuses(ctx); !lcbot.IsValidation(err) {
		t.Errorf("list_routing_statuses on v3.0: %v", err)
	}
	if _, err := v30.ListWebhooks(ctx, "dev-client"); !lcbot.IsValidation(err) {
		t.Errorf("list_webhooks on v3.0: %v", err)
	}
}

// Errors from the emulator map as the Client's do.
func TestBotAPIErrors(t *testing.T) {
	scopes := []string{"agents-bot--my:rw", "agents-bot--all:rw", "webhooks.configuration:rw"}
	w := newBotWorld(t, "3.4", &lcbot.EmulatorConfig{Tokens: []lcbot.EmulatorToken{
		{Token: lcbot.DefaultEmulatorToken, ClientID: "dev-client", Scopes: scopes},
		{Token: "other-token", ClientID: "other-client", Scopes: scopes},
	}})
	ctx := ctxTimeout(t, 10*time.Second)
	if _, err := w.online.GetChat(ctx, "NOSUCHCHAT"); !lcbot.IsNotFound(err) {
		t.Errorf("an unknown chat: %v", err)
	}
	if err := w.online.DeactivateChat(ctx, "NOSUCHCHAT"); !lcbot.IsNotFound(err) {
		t.Errorf("deactivating an unknown chat: %v", err)
	}
	// A bot of another client.
	stranger := newClient(t, w.emu, func(c *lcbot.Config) { c.APIVersion = "3.4"; c.Token = "other-token" })
	theirs, err := stranger.NewBot(lcbot.BotIdentity{BotAgentID: w.online.ID()})
	if err != nil {
		t.Fatal(err)
	}
	defer theirs.Close()
	if _, err := theirs.ListChats(ctx, lcbot.ListChatsRequest{}); !lcbot.IsAuthorization(err) {
		t.Errorf("a bot of another client: %v", err)
	}
	// A bot that does not exist is refused.
	ghost, err := w.client.NewBot(lcbot.BotIdentity{BotAgentID: "no-such-bot"})
	if err != nil {
		t.Fatal(err)
	}
	defer ghost.Close()
	if _, err := ghost.ListChats(ctx, lcbot.ListChatsRequest{}); !lcbot.IsAuthorization(err) {
		t.Errorf("an author that is no bot: %v", err)
	}
	// A chat of another group is not the bot's to read.
	started, err := w.emu.StartChat(lcbot.StartChatRequest{GroupID: 9})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.online.GetChat(ctx, started.ChatID); !lcbot.IsAuthorization(err) {
		t.Errorf("a chat of another group: %v", err)
	}
	// A write is sent once when the server fails (the outcome is unknown).
	if _, err := w.emu.Inject(lcbot.Fault{Action: "send_event", Status: 503}); err != nil {
		t.Fatal(err)
	}
	started, err = w.emu.StartChat(lcbot.StartChatRequest{GroupID: scenarioGroup})
	if err != nil || started.BotID != w.online.ID() {
		t.Fatalf("StartChat: %+v %v", started, err)
	}
	_, err = w.online.SendMessage(ctx, started.ChatID, "once")
	if e := asError(t, err); e.HTTPStatus != 503 || e.Attempts != 1 || !e.OutcomeUnknown {
		t.Errorf("send_event on a 503: %v (attempts %d, unknown %v)", err, e.Attempts, e.OutcomeUnknown)
	}
	// A 429 surely did nothing: the write is sent again, and posted once.
	if _, err := w.emu.Inject(lcbot.Fault{Action: "send_event", Status: 429}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.online.SendMessage(ctx, started.ChatID, "after a 429"); err != nil {
		t.Errorf("send_event after a 429: %v", err)
	}
	// A dropped connection may have posted it: not sent again.
	if _, err := w.emu.Inject(lcbot.Fault{Action: "send_event", DropConnection: true}); err != nil {
		t.Fatal(err)
	}
	_, err = w.online.SendMessage(ctx, started.ChatID, "dropped")
	if e := asError(t, err); e.Attempts != 1 || !e.OutcomeUnknown {
		t.Errorf("send_event on a dropped connection: %v (attempts %d, unknown %v)", err, e.Attempts, e.OutcomeUnknown)
	}
	var texts []string
	for _, line := range w.chat(started.ChatID).Transcript {
		texts = append(texts, line.Text)
	}
	// The emulator's faults answer instead of the action: the 503'd and the
	// dropped messages were not posted, the retried one was, once.
	if got := strings.Join(texts, "|"); got != "after a 429" {
		t.Errorf("transcript %q, want the retried message once", got)
	}
	// A read is retried.
	if _, err := w.emu.Inject(lcbot.Fault{Action: "list_chats", Status: 503}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.online.ListChats(ctx, lcbot.ListChatsRequest{}); err != nil {
		t.Errorf("list_chats after one 503: %v", err)
	}
	// The emulator's control calls.
	_, err = w.emu.SendMessage("NOSUCHCHAT", "hi")
	if e := asError(t, err); e.APIType != "not_found" {
		t.Errorf("emulator SendMessage to an unknown chat: %v", err)
	}
	err = w.emu.CloseChat("NOSUCHCHAT")
	if e := asError(t, err); e.APIType != "not_found" {
		t.Errorf("emulator CloseChat of an unknown chat: %v", err)
	}
}

// Bot calls follow the context rules of Client calls.
func TestBotContext(t *testing.T) {
	w := newBotWorld(t, "3.4", nil)
	bot := w.online
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := bot.ListChats(gone, lcbot.ListChatsRequest{}); err != context.Canceled {
		t.Errorf("a cancelled context: %v", err)
	}
	if _, err := w.emu.Inject(lcbot.Fault{Action: "list_chats", Delay: 3 * time.Second}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	_, err := bot.ListChats(ctx, lcbot.ListChatsRequest{})
	if !lcbot.IsTimeout(err) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a deadline: %v", err)
	}
	if _, err := w.emu.Inject(lcbot.Fault{Action: "list_chats", Delay: 3 * time.Second}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := bot.ListChats(ctx, lcbot.ListChatsRequest{})
		done <- err
	}()
	waitForStalled(t, w.emu)
	cancelled := time.Now()
	cancel()
	select {
	case err = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the call did not return after the cancel")
	}
	if !lcbot.IsCancelled(err) || !errors.Is(err, context.Canceled) || time.Since(cancelled) > 2*time.Second {
		t.Errorf("cancelled in flight: %v, %v after the cancel", err, time.Since(cancelled))
	}
	waitFor(t, 5*time.Second, "the cancel tokens to be freed", func() bool { return lcbot.LiveCancelTokens() == 0 })
}

// A Bot outlives its Client, keeps the client's callbacks until it is
// closed, and Close and the finalizer free it.
func TestBotHandleLifecycle(t *testing.T) {
	emu := startEmulator(t, nil)
	baseBots := lcbot.LiveBots()
	baseCallbacks := lcbot.LiveCallbackHandles()
	provided := 0
	var mu sync.Mutex
	client := newClient(t, emu, func(c *lcbot.Config) {
		c.APIVersion = "3.4"
		c.TokenProvider = func() (string, error) {
			mu.Lock()
			defer mu.Unlock()
			provided++
			return lcbot.DefaultEmulatorToken, nil
		}
	})
	ctx := ctxTimeout(t, 10*time.Second)
	created, err := client.CreateBotAgent(ctx, lcbot.CreateBotAgentRequest{Name: "Keeper"})
	if err != nil {
		t.Fatal(err)
	}
	bot, err := client.NewBot(lcbot.BotIdentity{BotAgentID: created.ID})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprintf("%v %#v", bot, bot); !strings.Contains(got, created.ID) {
		t.Errorf("a Bot prints as %s", got)
	}
	if lcbot.LiveBots() != baseBots+1 || lcbot.LiveCallbackHandles() != baseCallbacks+1 {
		t.Fatalf("live bots %d, callbacks %d", lcbot.LiveBots(), lcbot.LiveCallbackHandles())
	}
	client.Close()
	if _, err := client.NewBot(lcbot.BotIdentity{BotAgentID: created.ID}); err != lcbot.ErrClosed {
		t.Errorf("NewBot on a closed client: %v", err)
	}
	// The client's callbacks stay while the bot may call them: a refused
	// token asks the provider, through the bot.
	if lcbot.LiveCallbackHandles() != baseCallbacks+1 {
		t.Fatal("the callbacks were freed while a bot uses them")
	}
	if _, err := emu.Inject(lcbot.Fault{Action: "set_routing_status", Status: 401, ErrorType: "authentication"}); err != nil {
		t.Fatal(err)
	}
	if err := bot.SetRoutingStatus(ctx, lcbot.RoutingAcceptingChats); err != nil {
		t.Fatalf("a bot of a closed client: %v", err)
	}
	mu.Lock()
	if provided != 1 {
		t.Errorf("the provider was asked %d times, want 1", provided)
	}
	mu.Unlock()
	bot.Close()
	bot.Close()
	if err := bot.SetRoutingStatus(ctx, lcbot.RoutingOffline); err != lcbot.ErrClosed {
		t.Errorf("a closed bot: %v", err)
	}
	if lcbot.LiveBots() != baseBots || lcbot.LiveCallbackHandles() != baseCallbacks {
		t.Fatalf("after Close: live bots %d, callbacks %d", lcbot.LiveBots(), lcbot.LiveCallbackHandles())
	}

	// Forgotten bots are freed by their finalizer.
	c2 := newClient(t, emu, func(c *lcbot.Config) { c.APIVersion = "3.4" })
	for i := 0; i < 4; i++ {
		if _, err := c2.NewBot(lcbot.BotIdentity{BotAgentID: created.ID}); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, 10*time.Second, "the finalizers of forgotten bots", func() bool {
		runtime.GC()
		return lcbot.LiveBots() == baseBots
	})
}

// The webhook registry (v3.3+): register, list, unregister; the secret
// key never prints.
func TestWebhookRegistry(t *testing.T) {
	emu := startEmulator(t, nil)
	client := newClient(t, emu, func(c *lcbot.Config) { c.APIVersion = "3.6" })
	ctx := ctxTimeout(t, 10*time.Second)
	req := lcbot.RegisterWebhookRequest{
		Action:         lcbot.ActionIncomingEvent,
		SecretKey:      "webhook-key-123",
		URL:            "https://example.com/livechat",
		Type:           lcbot.WebhookTypeBot,
		OwnerClientID:  "dev-client",
		AdditionalData: []string{"chat_properties"},
		Description:    "messages",
		Filters:        map[string]any{"author_type": "customer"},
	}
	if out := fmt.Sprintf("%v %+v %#v", req, &req, req); strings.Contains(out, req.SecretKey) {
		t.Fatalf("the request prints its secret key: %s", out)
	}
	id, err := client.RegisterWebhook(ctx, req)
	if err != nil {
		t.Fatalf("RegisterWebhook: %v", err)
	}
	if len(id) != 32 {
		t.Fatalf("webhook id %q", id)
	}
	hooks, err := client.ListWebhooks(ctx, "dev-client")
	if err != nil {
		t.Fatalf("ListWebhooks: %v", err)
	}
	if len(hooks) != 1 || hooks[0].ID != id || hooks[0].URL != req.URL || hooks[0].SecretKey != req.SecretKey ||
		hooks[0].Action != req.Action || hooks[0].Type != lcbot.WebhookTypeBot || hooks[0].Description != "messages" {
		t.Fatalf("ListWebhooks: %+v", hooks)
	}
	if out := fmt.Sprintf("%v %+v %#v", hooks, hooks[0], &hooks[0]); strings.Contains(out, req.SecretKey) {
		t.Fatalf("a listed webhook prints its secret key: %s", out)
	}
	for _, r := range requestsFor(t, emu, "register_webhook") {
		if strings.Contains(string(r.Body), req.SecretKey) {
			t.Fatalf("the secret key is in the request log: %s", r.Body)
		}
	}
	// Three per owner and action.
	for i := 0; i < 2; i++ {
		if _, err := client.RegisterWebhook(ctx, req); err != nil {
			t.Fatal(err)
		}
	}
	_, err = client.RegisterWebhook(ctx, req)
	if e := asError(t, err); e.HTTPStatus != 400 || e.APIType != "limit_reached" {
		t.Fatalf("a fourth webhook: %v", err)
	}
	// Another client's webhooks are not this one's.
	if _, err := client.ListWebhooks(ctx, "another-client"); !lcbot.IsAuthorization(err) {
		t.Errorf("another owner: %v", err)
	}
	if err := client.UnregisterWebhook(ctx, id, "dev-client"); err != nil {
		t.Fatalf("UnregisterWebhook: %v", err)
	}
	if err := client.UnregisterWebhook(ctx, id, "dev-client"); !lcbot.IsNotFound(err) {
		t.Fatalf("unregistering twice: %v", err)
	}
	hooks, err = client.ListWebhooks(ctx, "dev-client")
	if err != nil || len(hooks) != 2 {
		t.Fatalf("after unregistering: %d, %v", len(hooks), err)
	}
}

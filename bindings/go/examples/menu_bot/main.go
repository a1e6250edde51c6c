// Menu bot: greets each customer with quick replies, answers each choice
// (showing "typing..." first), tags the thread with it, and hands the chat
// to the humans' group (1) on "agent", queued when nobody there is free.
// The Go twin of examples/menu_bot.py.
//
// Offline (no LIVECHAT_TOKEN) it starts the emulator with Anna, a human
// agent of group 1, plays a customer who presses every button and then Anna
// answering the handed-off chat, prints the transcript and exits. With LIVECHAT_TOKEN it runs where the
// environment says (LIVECHAT_BASE_URL: a running emulator) until
// interrupted; it then needs LIVECHAT_CLIENT_ID, LIVECHAT_ORGANIZATION_ID
// and MENU_BOT_PUBLIC_URL, where its receiver on MENU_BOT_LISTEN (default
// 127.0.0.1:8080) is reached. LIVECHAT_API_VERSION: 3.2 to 3.6 (default 3.6).
//
//	go build -o menu_bot ./examples/menu_bot && ./menu_bot
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"time"

	lcbot "github.com/livechat-bots/livechat-bots/bindings/go"
)

// The menu: each choice's tag, its button's text, and the answer (empty:
// the handoff).
var menu = []struct{ Tag, Text, Answer string }{
	{"hours", "Opening hours", "We are open Monday to Friday, 9:00 to 17:00."},
	{"order", "Order status", "Your last order left our warehouse yesterday; it arrives within 2 days."},
	{"agent", "Talk to an agent", ""},
}

const anna = "anna@example.com"

const (
	greeting    = "Hi! What can I do for you?"
	handoff     = "I am handing you to one of our people; please wait a moment."
	humansGroup = 1
)

func menuEvent(prompt string) lcbot.Event {
	texts := make([]string, len(menu))
	for i, m := range menu {
		texts[i] = m.Text
	}
	return lcbot.QuickReplies(prompt, texts...)
}

// menuBot is a running bot: its agent, its receiver and what it handled.
type menuBot struct {
	client     *lcbot.Client
	clientID   string
	id         string
	bot        *lcbot.Bot
	srv        *http.Server
	webhookIDs []string
	mu         sync.Mutex
	seen       map[string]bool
}

func start(ctx context.Context, client *lcbot.Client, version, clientID, organizationID, listen, publicURL string) (_ *menuBot, err error) {
	b := &menuBot{client: client, clientID: clientID, seen: map[string]bool{}}
	defer func() {
		if err != nil {
			b.close()
		}
	}()
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return nil, err
	}
	url := publicURL
	if url == "" {
		url = "http://" + ln.Addr().String() + "/webhook"
	}
	secret := rand.Text()
	b.srv = &http.Server{Handler: lcbot.WebhookHandler([]string{secret}, b.handle)}
	go b.srv.Serve(ln)
	hooks := map[string]map[string]any{lcbot.ActionIncomingChat: nil, lcbot.ActionIncomingEvent: {"author_type": "customer"}}
	req := lcbot.CreateBotAgentRequest{Name: "Menu bot", Groups: []lcbot.Group{{ID: 0, Priority: lcbot.PriorityFirst}}}
	if version < "3.3" { // v3.2: the webhooks are part of the bot
		req.Webhooks = &lcbot.Webhooks{URL: url, SecretKey: secret}
		for action, filters := range hooks {
			req.Webhooks.Actions = append(req.Webhooks.Actions, lcbot.WebhookAction{Name: action, Filters: filters})
		}
	} else {
		req.OwnerClientID = clientID
	}
	created, err := client.CreateBotAgent(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("create the bot: %w", err)
	}
	b.id = created.ID
	for action, filters := range hooks {
		if version < "3.3" {
			break
		}
		if filters == nil {
			filters = map[string]any{}
		}
		filters["chat_presence"] = map[string]any{"my_bots": true}
		id, err := client.RegisterWebhook(ctx, lcbot.RegisterWebhookRequest{
			Action: action, SecretKey: secret, URL: url, Type: lcbot.WebhookTypeBot, OwnerClientID: clientID, Filters: filters,
		})
		if err != nil {
			return nil, fmt.Errorf("register the %s webhook: %w", action, err)
		}
		b.webhookIDs = append(b.webhookIDs, id)
	}
	identity := lcbot.BotIdentity{BotAgentID: created.ID}
	if !created.Secret.IsZero() {
		identity.BotSecret, identity.ClientID, identity.OrganizationID = created.Secret, clientID, organizationID
	}
	if b.bot, err = client.NewBot(identity); err != nil {
		return nil, err
	}
	return b, b.bot.SetRoutingStatus(ctx, lcbot.RoutingAcceptingChats)
}

// handle greets a new chat and answers each customer message (a pressed
// button says its text). An error answers 500: LiveChat delivers again.
func (b *menuBot) handle(ctx context.Context, e *lcbot.WebhookEvent) error {
	typed, err := e.Typed()
	if err != nil || !b.firstTime(e.DedupeKey) {
		return nil
	}
	switch p := typed.(type) {
	case *lcbot.IncomingChatPayload:
		return b.say(ctx, p.Chat.ID, "", menuEvent(greeting))
	case *lcbot.IncomingEventPayload:
		if p.Event.Type != "message" || p.Event.AuthorID == b.id {
			return nil
		}
		return b.answer(ctx, p.ChatID, p.ThreadID, p.Event.Text)
	}
	return nil
}

func (b *menuBot) answer(ctx context.Context, chatID, threadID, text string) error {
	for _, m := range menu {
		wanted := strings.ToLower(strings.TrimSpace(text))
		if wanted != strings.ToLower(m.Text) && wanted != m.Tag && !(m.Tag == "agent" && strings.Contains(wanted, "human")) {
			continue
		}
		if err := b.bot.TagThread(ctx, chatID, threadID, m.Tag); err != nil {
			return err
		}
		if m.Answer == "" {
			if err := b.say(ctx, chatID, handoff); err != nil {
				return err
			}
			return b.bot.TransferChat(ctx, lcbot.TransferChatRequest{ID: chatID, GroupIDs: []uint64{humansGroup}, IgnoreAgentsAvailability: true})
		}
		return b.say(ctx, chatID, m.Answer, menuEvent("Anything else?"))
	}
	return b.say(ctx, chatID, "Sorry, I did not get that. Please pick one:", menuEvent(greeting))
}

// say shows "typing..." then sends text (when not empty) and the events.
func (b *menuBot) say(ctx context.Context, chatID, text string, events ...lcbot.Event) error {
	if err := b.bot.SendTypingIndicator(ctx, chatID, true, ""); err != nil {
		return err
	}
	if text != "" {
		events = append([]lcbot.Event{{Type: lcbot.EventMessage, Text: text}}, events...)
	}
	for _, e := range events {
		if _, err := b.bot.SendEvent(ctx, chatID, e); err != nil {
			return err
		}
	}
	return nil
}

func (b *menuBot) firstTime(key string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.seen[key] {
		return false
	}
	b.seen[key] = true
	return true
}

func (b *menuBot) close() error {
	ctx := context.Background()
	var errs []error
	if b.bot != nil {
		errs = append(errs, b.bot.Close())
	}
	for _, id := range b.webhookIDs {
		errs = append(errs, b.client.UnregisterWebhook(ctx, id, b.clientID))
	}
	if b.id != "" {
		errs = append(errs, b.client.RemoveBotAgent(ctx, b.id))
	}
	if b.srv != nil {
		errs = append(errs, b.srv.Close())
	}
	return errors.Join(errs...)
}

// offline plays a customer through every button on the emulator, then
// Anna answering the handed-off chat, and prints the transcript.
func offline(ctx context.Context, version string, out io.Writer) error {
	emu, err := lcbot.StartEmulator(&lcbot.EmulatorConfig{Agents: []lcbot.HumanAgent{{ID: anna, Name: "Anna", Groups: []uint64{humansGroup}}}})
	if err != nil {
		return err
	}
	defer emu.Close()
	client, err := lcbot.NewClient(lcbot.Config{Token: "dev-token", BaseURL: emu.URL(), APIVersion: version})
	if err != nil {
		return err
	}
	defer client.Close()
	bot, err := start(ctx, client, version, "dev-client", emu.OrganizationID(), "127.0.0.1:0", "")
	if err != nil {
		return err
	}
	defer bot.close()
	started, err := emu.StartChat(lcbot.StartChatRequest{GroupID: 0, Text: "Hi"})
	if err != nil {
		return err
	}
	chat, err := waitFor(emu, started.ChatID, func(c lcbot.EmulatorChat) bool { return lastMenu(c) != "" })
	for _, m := range menu {
		if err != nil {
			return err
		}
		menuID, answered := lastMenu(chat), len(botTexts(chat))
		if _, err := emu.PressButton(started.ChatID, menuID, m.Text); err != nil {
			return err
		}
		chat, err = waitFor(emu, started.ChatID, func(c lcbot.EmulatorChat) bool {
			return len(botTexts(c)) > answered && (m.Answer == "" || lastMenu(c) != menuID)
		})
	}
	if err != nil {
		return err
	}
	if _, err = waitFor(emu, started.ChatID, func(c lcbot.EmulatorChat) bool { return c.BotID == anna }); err != nil {
		return err
	}
	if _, err = emu.AgentSendMessage(started.ChatID, anna, "Hi, Anna here. How can I help?"); err != nil {
		return err
	}
	chat, err = waitFor(emu, started.ChatID, func(lcbot.EmulatorChat) bool { return true })
	fmt.Fprintf(out, "menu bot on API v%s; transcript of chat %s:\n", version, chat.ChatID)
	for _, e := range chat.Transcript {
		shown := e.Text
		if e.Type != "message" {
			shown = "[" + e.TemplateID + "]"
		}
		fmt.Fprintf(out, "  %-8s %s\n", e.AuthorType, shown)
	}
	fmt.Fprintf(out, "thread tags: %v; chat now %s to %s in group %d\n", chat.Talk.Tags[started.ThreadID], chat.State, chat.BotID, chat.GroupID)
	return err
}

func lastMenu(c lcbot.EmulatorChat) string {
	id := ""
	for _, e := range c.Transcript {
		if e.AuthorType == "bot" && e.TemplateID == "quick_replies" {
			id = e.EventID
		}
	}
	return id
}

func botTexts(c lcbot.EmulatorChat) []string {
	var texts []string
	for _, e := range c.Transcript {
		if e.AuthorType == "bot" && e.Type == "message" {
			texts = append(texts, e.Text)
		}
	}
	return texts
}

// waitFor polls the chat until done holds, for 10 s at most.
func waitFor(emu *lcbot.Emulator, chatID string, done func(lcbot.EmulatorChat) bool) (lcbot.EmulatorChat, error) {
	deadline := time.Now().Add(10 * time.Second)
	for {
		chats, err := emu.Chats()
		if err != nil {
			return lcbot.EmulatorChat{}, err
		}
		for _, c := range chats {
			if c.ChatID == chatID && done(c) {
				return c, nil
			}
		}
		if time.Now().After(deadline) {
			return lcbot.EmulatorChat{}, fmt.Errorf("chat %s: not within 10 s: %+v", chatID, chats)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func main() {
	log.SetFlags(0)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	version := os.Getenv("LIVECHAT_API_VERSION")
	if version == "" {
		version = "3.6"
	}
	if os.Getenv("LIVECHAT_TOKEN") == "" {
		if err := offline(ctx, version, os.Stdout); err != nil {
			log.Fatal(err)
		}
		return
	}
	for _, name := range []string{"LIVECHAT_CLIENT_ID", "LIVECHAT_ORGANIZATION_ID", "MENU_BOT_PUBLIC_URL"} {
		if os.Getenv(name) == "" {
			log.Fatalf("with LIVECHAT_TOKEN, %s is needed too", name)
		}
	}
	// Token, base URL and region come from the environment (LIVECHAT_*).
	client, err := lcbot.NewClient(lcbot.Config{APIVersion: version})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	listen := os.Getenv("MENU_BOT_LISTEN")
	if listen == "" {
		listen = "127.0.0.1:8080"
	}
	bot, err := start(ctx, client, version, os.Getenv("LIVECHAT_CLIENT_ID"), os.Getenv("LIVECHAT_ORGANIZATION_ID"), listen, os.Getenv("MENU_BOT_PUBLIC_URL"))
	if err != nil {
		log.Fatal(err)
	}
	defer bot.close()
	log.Print("The menu bot answers in group 0. Ctrl-C stops it.")
	<-ctx.Done()
}

// Package echobot is the bot of examples/echo_bot: it answers every
// customer message with "echo: <text>". It creates its bot agent, serves
// its own webhook receiver, gives the bot that webhook and sets it
// accepting chats; Close undoes all of it.
package echobot

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"sync"

	lcbot "github.com/livechat-bots/livechat-bots/bindings/go"
)

// Config says where the bot lives.
type Config struct {
	// Client acts for the application that owns the bot; APIVersion is
	// its Config.APIVersion ("3.0" to "3.6").
	Client     *lcbot.Client
	APIVersion string
	// ClientID is the application's client id, and OrganizationID its
	// organization (for the bot's own token, API v3.5+).
	ClientID       string
	OrganizationID string
	// Echoed, when set, is told of each echo once it is sent (the
	// benchmark paces its customers with it).
	Echoed func(chatID, text string)
	// Listen is the receiver's address (default "127.0.0.1:0", a free port).
	Listen string
	// PublicURL is where LiveChat reaches the receiver, e.g. a tunnel to
	// Listen; empty means the receiver's own URL (enough for the emulator).
	PublicURL string
}

// Bot is a running echo bot.
type Bot struct {
	ID  string
	cfg Config
	bot *lcbot.Bot
	ln  net.Listener
	srv *http.Server

	webhookIDs []string // registered webhooks (v3.3+)

	mu   sync.Mutex
	seen map[string]bool // DedupeKeys answered (or being answered)
}

// Start creates the bot and makes it ready for chats of group 0.
func Start(ctx context.Context, cfg Config) (_ *Bot, err error) {
	if cfg.Listen == "" {
		cfg.Listen = "127.0.0.1:0"
	}
	b := &Bot{cfg: cfg, seen: map[string]bool{}}
	defer func() {
		if err != nil {
			b.Close() // undo what was done
		}
	}()

	// 1. The webhook receiver's address and a fresh secret.
	secret := rand.Text()
	if b.ln, err = net.Listen("tcp", cfg.Listen); err != nil {
		return nil, err
	}
	url := cfg.PublicURL
	if url == "" {
		url = "http://" + b.ln.Addr().String() + "/webhook"
	}

	// 2. The bot, first in group 0. Up to v3.2 its webhook is part of it.
	req := lcbot.CreateBotAgentRequest{
		Name:   "Echo bot",
		Groups: []lcbot.Group{{ID: 0, Priority: lcbot.PriorityFirst}},
	}
	// Its webhooks: a chat routed to it (with the customer's first
	// messages) and each event after that, only the customer's.
	chatAction, events := lcbot.ActionIncomingChat, map[string]any{"author_type": "customer"}
	switch {
	case cfg.APIVersion < "3.2":
		req.Status = lcbot.StatusNotAcceptingChats // required before v3.2
		chatAction = "incoming_chat_thread"        // its name before v3.2
		if cfg.APIVersion < "3.1" {
			events = nil // no filters in v3.0
		}
		fallthrough
	case cfg.APIVersion < "3.3":
		req.Webhooks = &lcbot.Webhooks{URL: url, SecretKey: secret, Actions: []lcbot.WebhookAction{
			{Name: chatAction}, {Name: lcbot.ActionIncomingEvent, Filters: events},
		}}
	default:
		req.OwnerClientID = cfg.ClientID
	}
	created, err := cfg.Client.CreateBotAgent(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("create the bot: %w", err)
	}
	b.ID = created.ID

	// From v3.3 webhooks are registered for the application's bots.
	if cfg.APIVersion >= "3.3" {
		mine := map[string]any{"my_bots": true}
		for action, filters := range map[string]map[string]any{
			lcbot.ActionIncomingChat:  {"chat_presence": mine},
			lcbot.ActionIncomingEvent: {"author_type": "customer", "chat_presence": mine},
		} {
			id, err := cfg.Client.RegisterWebhook(ctx, lcbot.RegisterWebhookRequest{
				Action: action, SecretKey: secret, URL: url, Type: lcbot.WebhookTypeBot, OwnerClientID: cfg.ClientID, Filters: filters,
			})
			if err != nil {
				return nil, fmt.Errorf("register the %s webhook: %w", action, err)
			}
			b.webhookIDs = append(b.webhookIDs, id)
		}
	}

	// 3. Act as the bot (with its own token from v3.5), and take chats.
	identity := lcbot.BotIdentity{BotAgentID: created.ID}
	if !created.Secret.IsZero() {
		identity.BotSecret, identity.ClientID, identity.OrganizationID = created.Secret, cfg.ClientID, cfg.OrganizationID
	}
	if b.bot, err = cfg.Client.NewBot(identity); err != nil {
		return nil, err
	}
	b.srv = &http.Server{Handler: lcbot.WebhookHandler([]string{secret}, b.handle)}
	go b.srv.Serve(b.ln)
	if err = b.bot.SetRoutingStatus(ctx, lcbot.RoutingAcceptingChats); err != nil {
		return nil, fmt.Errorf("accept chats: %w", err)
	}
	return b, nil
}

// handle answers a chat's customer messages: those a new chat comes with,
// then each one written. An error makes the receiver answer 500, and
// LiveChat delivers the webhook again.
func (b *Bot) handle(ctx context.Context, e *lcbot.WebhookEvent) error {
	var chatID string
	var messages []lcbot.ChatEvent
	typed, err := e.Typed()
	switch p := typed.(type) {
	case *lcbot.IncomingChatPayload:
		chatID = p.Chat.ID
		if p.Chat.Thread != nil {
			messages = p.Chat.Thread.Events
		}
	case *lcbot.IncomingEventPayload:
		chatID, messages = p.ChatID, []lcbot.ChatEvent{p.Event}
	}
	if err != nil || chatID == "" || !b.firstTime(e.DedupeKey) {
		return nil // not for us, or a delivery already answered
	}
	for _, m := range messages {
		if m.Type != "message" || m.AuthorID == b.ID {
			continue // not a message, or our own
		}
		if _, err := b.bot.SendMessage(ctx, chatID, "echo: "+m.Text); err != nil {
			b.forget(e.DedupeKey) // so that the redelivery is answered
			log.Printf("echo in chat %s: %v", chatID, err)
			return err
		}
		if b.cfg.Echoed != nil {
			b.cfg.Echoed(chatID, m.Text)
		}
	}
	return nil
}

// firstTime records key and reports whether it is new. (A long-running bot
// would forget keys after a while: LiveChat retries within about a minute.)
func (b *Bot) firstTime(key string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.seen[key] {
		return false
	}
	b.seen[key] = true
	return true
}

func (b *Bot) forget(key string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.seen, key)
}

// Close takes the bot offline, removes it and its webhook, and stops the
// receiver.
func (b *Bot) Close() error {
	ctx := context.Background()
	var errs []error
	if b.bot != nil {
		errs = append(errs, b.bot.SetRoutingStatus(ctx, lcbot.RoutingOffline), b.bot.Close())
	}
	for _, id := range b.webhookIDs {
		errs = append(errs, b.cfg.Client.UnregisterWebhook(ctx, id, b.cfg.ClientID))
	}
	if b.ID != "" {
		errs = append(errs, b.cfg.Client.RemoveBotAgent(ctx, b.ID))
	}
	if b.srv != nil {
		errs = append(errs, b.srv.Close())
	}
	if b.ln != nil {
		b.ln.Close() // if it was not served yet
	}
	return errors.Join(errs...)
}

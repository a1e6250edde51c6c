// Echo bot: a LiveChat bot that answers every customer message with
// "echo: <text>". The bot itself is package echobot (echobot/echobot.go):
// it creates a bot agent, serves its own webhook receiver, and answers.
//
// Without LIVECHAT_TOKEN it runs offline: it starts the emulator, plays a
// customer who writes three messages, prints the transcript and exits (0
// when the three echoes came). LCBOT_EMULATOR_CONFIG (the emulator's JSON
// config) may add faults or change webhook retries.
//
// With LIVECHAT_TOKEN it talks to LiveChat until interrupted; it then
// needs LIVECHAT_CLIENT_ID, LIVECHAT_ORGANIZATION_ID and
// ECHO_BOT_PUBLIC_URL, the public address (e.g. a tunnel) of the receiver
// it serves on ECHO_BOT_LISTEN (default 127.0.0.1:8080).
//
// LIVECHAT_API_VERSION picks the API version (default 3.6). From
// bindings/go, after `cargo build --release` at the root:
//
//	go build -o echo_bot ./examples/echo_bot && ./echo_bot
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"strings"
	"time"

	lcbot "github.com/livechat-bots/livechat-bots/bindings/go"
	"github.com/livechat-bots/livechat-bots/bindings/go/examples/echo_bot/echobot"
)

func main() {
	log.SetFlags(0)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	version := env("LIVECHAT_API_VERSION", "3.6")
	var err error
	if token := os.Getenv("LIVECHAT_TOKEN"); token != "" {
		err = online(ctx, token, version)
	} else {
		var cfg lcbot.EmulatorConfig
		if doc := os.Getenv("LCBOT_EMULATOR_CONFIG"); doc != "" {
			if err := json.Unmarshal([]byte(doc), &cfg); err != nil {
				log.Fatal("LCBOT_EMULATOR_CONFIG: ", err)
			}
		}
		err = offline(ctx, version, &cfg, os.Stdout)
	}
	if err != nil {
		log.Fatal(err)
	}
}

// online runs the bot on LiveChat until ctx is cancelled (Ctrl-C).
func online(ctx context.Context, token, version string) error {
	for _, name := range []string{"LIVECHAT_CLIENT_ID", "LIVECHAT_ORGANIZATION_ID", "ECHO_BOT_PUBLIC_URL"} {
		if os.Getenv(name) == "" {
			return fmt.Errorf("with LIVECHAT_TOKEN, %s is needed too", name)
		}
	}
	client, err := lcbot.NewClient(lcbot.Config{Token: token, APIVersion: version})
	if err != nil {
		return err
	}
	defer client.Close()
	bot, err := echobot.Start(ctx, echobot.Config{
		Client:         client,
		APIVersion:     version,
		ClientID:       os.Getenv("LIVECHAT_CLIENT_ID"),
		OrganizationID: os.Getenv("LIVECHAT_ORGANIZATION_ID"),
		Listen:         env("ECHO_BOT_LISTEN", "127.0.0.1:8080"),
		PublicURL:      os.Getenv("ECHO_BOT_PUBLIC_URL"),
	})
	if err != nil {
		return err
	}
	defer bot.Close()
	log.Printf("echo bot %s is accepting chats; Ctrl-C to stop", bot.ID)
	<-ctx.Done()
	return nil
}

// offline runs the bot on the emulator, plays a customer, and writes the
// transcript and the webhook deliveries' summary to out.
func offline(ctx context.Context, version string, cfg *lcbot.EmulatorConfig, out io.Writer) error {
	emu, err := lcbot.StartEmulator(cfg)
	if err != nil {
		return err
	}
	defer emu.Close()
	clientCfg := emu.ClientConfig()
	clientCfg.APIVersion = version
	client, err := lcbot.NewClient(clientCfg)
	if err != nil {
		return err
	}
	defer client.Close()

	bot, err := echobot.Start(ctx, echobot.Config{
		Client:         client,
		APIVersion:     version,
		ClientID:       "dev-client", // the emulator's DefaultEmulatorToken's
		OrganizationID: emu.OrganizationID(),
	})
	if err != nil {
		return err
	}
	defer bot.Close()

	// The customer: each message after the echo of the one before.
	messages := []string{"Hello!", "How are you?", "Bye!"}
	chat, err := emu.StartChat(lcbot.StartChatRequest{GroupID: 0, Text: messages[0]})
	if err != nil {
		return err
	}
	for i := range messages {
		if i > 0 {
			if _, err := emu.SendMessage(chat.ChatID, messages[i]); err != nil {
				return err
			}
		}
		if err := poll(ctx, fmt.Sprintf("echo %d", i+1), func() (bool, error) {
			n, err := echoes(emu, chat.ChatID)
			return n > i, err
		}); err != nil {
			return err
		}
	}

	transcript, err := messagesOf(emu, chat.ChatID)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "chat %s (API v%s):\n", chat.ChatID, version)
	for _, e := range transcript {
		fmt.Fprintf(out, "  %-8s %s\n", e.AuthorType+":", e.Text)
	}
	var d *lcbot.DeliveryLog
	if err := poll(ctx, "the webhook deliveries", func() (bool, error) {
		d, err = emu.Deliveries()
		return err == nil && d.Pending == 0, err
	}); err != nil {
		return err
	}
	fmt.Fprintf(out, "webhook deliveries: %d delivered, %d retried, %d failed, %d pending\n",
		d.Delivered, d.Retried, d.Failed, d.Pending)
	return nil
}

// messagesOf is a chat's messages in the emulator.
func messagesOf(emu *lcbot.Emulator, chatID string) ([]lcbot.TranscriptEntry, error) {
	chats, err := emu.Chats()
	if err != nil {
		return nil, err
	}
	for _, c := range chats {
		if c.ChatID == chatID {
			var messages []lcbot.TranscriptEntry
			for _, e := range c.Transcript {
				if e.Type == "message" {
					messages = append(messages, e)
				}
			}
			return messages, nil
		}
	}
	return nil, fmt.Errorf("no chat %s", chatID)
}

// echoes counts the bot's echoes in a chat.
func echoes(emu *lcbot.Emulator, chatID string) (int, error) {
	messages, err := messagesOf(emu, chatID)
	n := 0
	for _, e := range messages {
		if e.AuthorType == "bot" && strings.HasPrefix(e.Text, "echo: ") {
			n++
		}
	}
	return n, err
}

// poll calls done until it reports true, for up to 10 seconds.
func poll(ctx context.Context, what string, done func() (bool, error)) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		ok, err := done()
		if ok || err != nil {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("waited 10 s for %s", what)
		}
		select {
		case <-ctx.Done():
			return errors.New("interrupted")
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func env(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

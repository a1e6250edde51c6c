// Quickstart: create, inspect, update, list and remove a LiveChat bot
// agent from Go.
//
// With LIVECHAT_TOKEN set (a token with the agents-bot--my:rw scope) it
// talks to LiveChat; otherwise it starts the offline emulator and talks to
// that. From bindings/go, after `cargo build --release` at the root:
//
//	go build -o quickstart ./examples/quickstart && ./quickstart
//
// (`go run` works too, but may reuse a binary linked against an older
// build of the Rust library: see the README.)
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	lcbot "github.com/livechat-bots/livechat-bots/bindings/go"
)

func main() {
	log.SetFlags(0)
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

func run() error {
	cfg := lcbot.Config{Token: os.Getenv("LIVECHAT_TOKEN")}
	if cfg.Token == "" {
		emu, err := lcbot.StartEmulator(nil)
		if err != nil {
			return err
		}
		defer emu.Close()
		cfg = emu.ClientConfig()
		fmt.Println("LIVECHAT_TOKEN is not set: using the emulator at", emu.URL())
	}

	client, err := lcbot.NewClient(cfg)
	if err != nil {
		return err
	}
	defer client.Close()

	// Every call takes a context; its deadline bounds the whole call, and
	// cancelling it stops a call in flight.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	created, err := client.CreateBotAgent(ctx, lcbot.CreateBotAgentRequest{
		Name:          "Quickstart bot",
		Status:        lcbot.StatusNotAcceptingChats,
		MaxChatsCount: lcbot.Ptr(3),
	})
	if err != nil {
		return fmt.Errorf("create: %w", err)
	}
	// From API v3.5 created.Secret holds the bot's secret; it prints as
	// [redacted] (created.Secret.Reveal() gives it).
	id := created.ID
	fmt.Println("created bot", id)
	// Whatever happens next, leave nothing behind.
	defer func() {
		if err := client.RemoveBotAgent(context.Background(), id); err != nil && !lcbot.IsNotFound(err) {
			log.Print("remove: ", err)
		}
	}()

	// Only the fields set are sent.
	if err := client.UpdateBotAgent(ctx, lcbot.UpdateBotAgentRequest{ID: id, Status: lcbot.StatusAcceptingChats}); err != nil {
		return fmt.Errorf("update: %w", err)
	}

	bot, err := client.GetBotAgentDetails(ctx, id)
	if err != nil {
		return fmt.Errorf("details: %w", err)
	}
	fmt.Printf("%s: %s, up to %d chats, application %s\n", bot.Name, bot.Status, bot.MaxChatsCount, bot.Application.ClientID)

	bots, err := client.GetBotAgents(ctx, false)
	if err != nil {
		return fmt.Errorf("list: %w", err)
	}
	fmt.Println("bots of this application:", len(bots))

	// Errors carry the API's answer; predicates sort them.
	_, err = client.GetBotAgentDetails(ctx, "00000000000000000000000000000000")
	var lerr *lcbot.Error
	switch {
	case lcbot.IsNotFound(err) && errors.As(err, &lerr):
		fmt.Printf("unknown bot: HTTP %d %s (%s)\n", lerr.HTTPStatus, lerr.APIType, lerr.APIMessage)
	case err != nil:
		return fmt.Errorf("details of an unknown bot: %w", err)
	}
	return nil
}

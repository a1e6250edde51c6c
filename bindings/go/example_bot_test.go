package livechatbots_test

import (
	"context"
	"fmt"
	"log"

	lcbot "github.com/livechat-bots/livechat-bots/bindings/go"
)

// A bot goes online, is routed a customer's chat, answers and closes it,
// against the offline emulator, which plays the customer. On API v3.6 the
// bot acts with its own token, obtained from its secret (shown only when
// the bot is created); the Bot renews it as needed.
func ExampleBot() {
	emu, err := lcbot.StartEmulator(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer emu.Close()
	cfg := emu.ClientConfig()
	cfg.APIVersion = "3.6"
	client, err := lcbot.NewClient(cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	ctx := context.Background()

	created, err := client.CreateBotAgent(ctx, lcbot.CreateBotAgentRequest{
		Name:   "Helper",
		Groups: []lcbot.Group{{ID: 0, Priority: lcbot.PriorityNormal}},
	})
	if err != nil {
		log.Fatal(err)
	}
	bot, err := client.NewBot(lcbot.BotIdentity{
		BotAgentID:     created.ID,
		BotSecret:      created.Secret,
		ClientID:       "dev-client", // the application owning the bot
		OrganizationID: emu.OrganizationID(),
	})
	if err != nil {
		log.Fatal(err)
	}
	defer bot.Close()
	if err := bot.SetRoutingStatus(ctx, lcbot.RoutingAcceptingChats); err != nil {
		log.Fatal(err)
	}

	// The customer writes; the chat is routed to the bot.
	started, err := emu.StartChat(lcbot.StartChatRequest{GroupID: 0, Text: "Hello!"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("routed to the bot:", started.BotID == bot.ID())

	for chat, err := range bot.AllChats(ctx, lcbot.ListChatsRequest{Filters: &lcbot.ChatFilters{Active: lcbot.Ptr(true)}}) {
		if err != nil {
			log.Fatal(err)
		}
		if _, err := bot.SendMessage(ctx, chat.ID, "Hi! How can I help?"); err != nil {
			log.Fatal(err)
		}
		if err := bot.DeactivateChat(ctx, chat.ID); err != nil {
			log.Fatal(err)
		}
	}

	chats, err := emu.Chats()
	if err != nil {
		log.Fatal(err)
	}
	for _, line := range chats[0].Transcript {
		fmt.Printf("%s: %s\n", line.AuthorType, line.Text)
	}
	fmt.Println("chat", chats[0].State)
	// Output:
	// routed to the bot: true
	// customer: Hello!
	// bot: Hi! How can I help?
	// chat closed
}

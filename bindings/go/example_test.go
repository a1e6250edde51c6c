package livechatbots_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	lcbot "github.com/livechat-bots/livechat-bots/bindings/go"
)

// The whole life of a bot, against the offline emulator. With a real
// token, leave BaseURL unset.
func Example() {
	emu, err := lcbot.StartEmulator(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer emu.Close()

	client, err := lcbot.NewClient(lcbot.Config{Token: lcbot.DefaultEmulatorToken, BaseURL: emu.URL()})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	ctx := context.Background()

	created, err := client.CreateBotAgent(ctx, lcbot.CreateBotAgentRequest{
		Name:   "Helper",
		Status: lcbot.StatusAcceptingChats,
		Groups: []lcbot.Group{{ID: 0, Priority: lcbot.PriorityNormal}},
	})
	if err != nil {
		log.Fatal(err)
	}
	id := created.ID
	fmt.Println("created an id of", len(id), "hex digits")

	err = client.UpdateBotAgent(ctx, lcbot.UpdateBotAgentRequest{ID: id, Status: lcbot.StatusOffline})
	if err != nil {
		log.Fatal(err)
	}
	bot, err := client.GetBotAgentDetails(ctx, id)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s is %s, takes up to %d chats, in %d group(s)\n", bot.Name, bot.Status, bot.MaxChatsCount, len(bot.Groups))

	if err := client.RemoveBotAgent(ctx, id); err != nil {
		log.Fatal(err)
	}
	bots, err := client.GetBotAgents(ctx, false)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("bots left:", len(bots))
	// Output:
	// created an id of 32 hex digits
	// Helper is offline, takes up to 6 chats, in 1 group(s)
	// bots left: 0
}

func ExampleNewClient() {
	client, err := lcbot.NewClient(lcbot.Config{
		Token:   "fra-0123456789", // the fra- prefix selects the fra region
		Timeout: 10 * time.Second, // the whole call, retries included
		Retry:   &lcbot.RetryPolicy{MaxAttempts: 5},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	fmt.Println(client)

	// Settings are checked at once, before anything is sent.
	_, err = lcbot.NewClient(lcbot.Config{Token: "t", BaseURL: "http://example.com"})
	fmt.Println(lcbot.IsValidation(err))
	// Output:
	// livechatbots.Client{BaseURL: https://api.livechatinc.com, Timeout: 10s, closed: false}
	// true
}

func ExampleClient_UpdateBotAgent() {
	emu, _ := lcbot.StartEmulator(nil)
	defer emu.Close()
	client, _ := lcbot.NewClient(emu.ClientConfig())
	defer client.Close()
	ctx := context.Background()
	created, _ := client.CreateBotAgent(ctx, lcbot.CreateBotAgentRequest{Name: "Night shift", Status: lcbot.StatusAcceptingChats})
	id := created.ID

	// Only the fields set are sent: the name and the status stay.
	err := client.UpdateBotAgent(ctx, lcbot.UpdateBotAgentRequest{
		ID:            id,
		MaxChatsCount: lcbot.Ptr(0), // a pointer, since 0 is a value
		Avatar:        lcbot.Ptr("https://example.com/owl.png"),
	})
	if err != nil {
		log.Fatal(err)
	}
	bot, _ := client.GetBotAgentDetails(ctx, id)
	fmt.Println(bot.Name, "|", bot.Status, "|", bot.MaxChatsCount, "|", bot.Avatar)
	// Output:
	// Night shift | accepting chats | 0 | https://example.com/owl.png
}

func ExampleClient_GetBotAgents() {
	emu, _ := lcbot.StartEmulator(&lcbot.EmulatorConfig{
		Bots: []lcbot.BotAgentDetails{
			{ID: "00000000000000000000000000000001", Name: "Greeter", Status: lcbot.StatusAcceptingChats},
			{ID: "00000000000000000000000000000002", Name: "Archivist", Status: lcbot.StatusOffline},
		},
	})
	defer emu.Close()
	client, _ := lcbot.NewClient(emu.ClientConfig())
	defer client.Close()

	bots, err := client.GetBotAgents(context.Background(), false)
	if err != nil {
		log.Fatal(err)
	}
	for _, b := range bots {
		fmt.Printf("%s %-9s %s\n", b.ID, b.Name, b.Status)
	}
	// Output:
	// 00000000000000000000000000000001 Greeter   accepting chats
	// 00000000000000000000000000000002 Archivist offline
}

func ExampleClient_Call() {
	emu, _ := lcbot.StartEmulator(nil)
	defer emu.Close()
	client, _ := lcbot.NewClient(emu.ClientConfig())
	defer client.Close()

	// Any action, with any payload; the answer decodes into result.
	var created struct {
		BotAgentID string `json:"bot_agent_id"`
	}
	err := client.Call(context.Background(), "create_bot_agent",
		map[string]any{"name": "Raw", "status": "offline"}, &created)
	fmt.Println(len(created.BotAgentID), err)
	// Output:
	// 32 <nil>
}

func ExampleError() {
	emu, _ := lcbot.StartEmulator(nil)
	defer emu.Close()
	client, _ := lcbot.NewClient(lcbot.Config{Token: "not-a-valid-token", BaseURL: emu.URL()})
	defer client.Close()

	_, err := client.GetBotAgents(context.Background(), false)
	var lerr *lcbot.Error
	if errors.As(err, &lerr) {
		fmt.Println(lerr.Code, lerr.HTTPStatus, lerr.APIType, lerr.APIMessage)
	}
	fmt.Println(lcbot.IsAuthentication(err))
	fmt.Println(err)
	// Output:
	// api 401 authentication Invalid access token
	// true
	// livechatbots: get_bot_agents: api: LiveChat answered HTTP 401 authentication: Invalid access token
}

func ExampleIsNotFound() {
	emu, _ := lcbot.StartEmulator(nil)
	defer emu.Close()
	client, _ := lcbot.NewClient(emu.ClientConfig())
	defer client.Close()

	_, err := client.GetBotAgentDetails(context.Background(), "0123456789abcdef0123456789abcdef")
	if lcbot.IsNotFound(err) {
		fmt.Println("no such bot")
	}
	// Output:
	// no such bot
}

func ExampleIsValidation() {
	client, _ := lcbot.NewClient(lcbot.Config{Token: "t"})
	defer client.Close()

	// Checked before anything is sent: the message says what and where.
	err := client.UpdateBotAgent(context.Background(), lcbot.UpdateBotAgentRequest{
		ID:     "0123456789abcdef0123456789abcdef",
		Groups: []lcbot.Group{{ID: 1, Priority: lcbot.PriorityFirst}, {ID: 2, Priority: lcbot.PrioritySupervisor}},
	})
	fmt.Println(lcbot.IsValidation(err))
	fmt.Println(err)
	// Output:
	// true
	// livechatbots: update_bot_agent: validation: groups[1].priority: expected one of first, normal, last; got "supervisor"
}

func ExampleIsTimeout() {
	emu, _ := lcbot.StartEmulator(nil)
	defer emu.Close()
	cfg := emu.ClientConfig()
	cfg.Retry.MaxAttempts = 1
	client, _ := lcbot.NewClient(cfg)
	defer client.Close()

	// The emulator stalls; the context's deadline bounds the whole call.
	emu.Inject(lcbot.Fault{Action: "get_bot_agents", Delay: time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := client.GetBotAgents(ctx, false)
	fmt.Println(lcbot.IsTimeout(err), errors.Is(err, context.DeadlineExceeded))
	// Output:
	// true true
}

func ExampleEmulator_Inject() {
	emu, _ := lcbot.StartEmulator(nil)
	defer emu.Close()
	client, _ := lcbot.NewClient(emu.ClientConfig())
	defer client.Close()

	// Two 503s on the next reads: the client retries them.
	pending, _ := emu.Inject(lcbot.Fault{Action: "get_bot_agents", Times: 2, Status: 503})
	fmt.Println("pending faults:", pending)
	_, err := client.GetBotAgents(context.Background(), false)
	fmt.Println("error:", err)

	requests, _ := emu.Requests()
	for _, r := range requests {
		fmt.Println(r.Seq, r.Action, r.Status)
	}
	// Output:
	// pending faults: 1
	// error: <nil>
	// 1 get_bot_agents 503
	// 2 get_bot_agents 503
	// 3 get_bot_agents 200
}

func ExampleIsCancelled() {
	emu, _ := lcbot.StartEmulator(nil)
	defer emu.Close()
	client, _ := lcbot.NewClient(emu.ClientConfig())
	defer client.Close()

	// The emulator stalls for 5 s; cancelling the context stops the call.
	emu.Inject(lcbot.Fault{Action: "get_bot_agents", Delay: 5 * time.Second})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := client.GetBotAgents(ctx, false)
	fmt.Println(lcbot.IsCancelled(err), errors.Is(err, context.Canceled), time.Since(start) < 2*time.Second)
	// Output:
	// true true true
}

package livechatbots_test

import (
	"context"
	"testing"
	"time"

	lcbot "github.com/livechat-bots/livechat-bots/bindings/go"
)

// Routing beyond the scenario: queued chats are served first in, first out
// when a slot frees; a transfer that ignores availability queues the chat.
func TestBotRoutingRules(t *testing.T) {
	emu := startEmulator(t, nil)
	client := newClient(t, emu, func(c *lcbot.Config) { c.APIVersion = "3.6" })
	ctx := ctxTimeout(t, 10*time.Second)
	newBot := func(name string, groups []lcbot.Group, maxChats int) *lcbot.Bot {
		t.Helper()
		created, err := client.CreateBotAgent(ctx, lcbot.CreateBotAgentRequest{
			Name: name, Groups: groups, MaxChatsCount: lcbot.Ptr(maxChats),
		})
		if err != nil {
			t.Fatalf("CreateBotAgent(%s): %v", name, err)
		}
		b, err := client.NewBot(lcbot.BotIdentity{BotAgentID: created.ID, BotSecret: created.Secret, ClientID: "dev-client", OrganizationID: emu.OrganizationID()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { b.Close() })
		if err := b.SetRoutingStatus(ctx, lcbot.RoutingAcceptingChats); err != nil {
			t.Fatal(err)
		}
		return b
	}
	// Group 5: a bot taking one chat at a time.
	single := newBot("Single", []lcbot.Group{{ID: 5, Priority: lcbot.PriorityLast}}, 1)
	var chats []string
	for i := 0; i < 3; i++ {
		started, err := emu.StartChat(lcbot.StartChatRequest{GroupID: 5})
		if err != nil {
			t.Fatal(err)
		}
		chats = append(chats, started.ChatID)
		wantBot, wantState := "", lcbot.ChatQueued
		if i == 0 {
			wantBot, wantState = single.ID(), lcbot.ChatAssigned
		}
		if started.BotID != wantBot || started.State != wantState {
			t.Fatalf("chat %d: %+v", i, started)
		}
	}
	chatOf := func(id string) lcbot.EmulatorChat {
		all, err := emu.Chats()
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range all {
			if c.ChatID == id {
				return c
			}
		}
		t.Fatalf("no chat %s", id)
		return lcbot.EmulatorChat{}
	}
	if err := single.DeactivateChat(ctx, chats[0]); err != nil {
		t.Fatal(err)
	}
	if c := chatOf(chats[1]); c.State != lcbot.ChatAssigned || c.BotID != single.ID() {
		t.Fatalf("the first queued chat after a slot freed: %+v", c)
	}
	if c := chatOf(chats[2]); c.State != lcbot.ChatQueued {
		t.Fatalf("the second queued chat: %+v", c)
	}

	// Group 6: another bot.
	normal := newBot("Normal", []lcbot.Group{{ID: 6, Priority: lcbot.PriorityNormal}}, 6)
	started, err := emu.StartChat(lcbot.StartChatRequest{GroupID: 6})
	if err != nil || started.BotID != normal.ID() {
		t.Fatalf("group 6: %+v, %v", started, err)
	}

	// A transfer ignoring availability to a full bot.
	err = normal.TransferChat(ctx, lcbot.TransferChatRequest{ID: started.ChatID, AgentIDs: []string{single.ID()}})
	if !lcbot.IsValidation(err) {
		t.Fatalf("a transfer to a full bot: %v", err)
	}
	if err := normal.TransferChat(context.Background(), lcbot.TransferChatRequest{ID: started.ChatID, AgentIDs: []string{single.ID()}, IgnoreAgentsAvailability: true}); err != nil {
		t.Fatalf("a transfer ignoring availability: %v", err)
	}
	if c := chatOf(started.ChatID); c.State != lcbot.ChatQueued {
		t.Fatalf("after a transfer ignoring availability: %+v", c)
	}
}

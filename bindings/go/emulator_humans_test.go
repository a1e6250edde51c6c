package livechatbots_test

import (
	"slices"
	"testing"
	"time"

	lcbot "github.com/livechat-bots/livechat-bots/bindings/go"
)

// TestHandoffToAHuman: a bot transfers two chats to the humans' group; the
// first goes to its agent, the second waits while she is busy, she
// answers, and the waiting chat is hers once the first one ends.
func TestHandoffToAHuman(t *testing.T) {
	const anna = "anna@example.com"
	w := newBotWorld(t, "3.6", &lcbot.EmulatorConfig{Agents: []lcbot.HumanAgent{{ID: anna, Name: "Anna", Groups: []uint64{7}, MaxChats: 1}}})
	ctx := ctxTimeout(t, 20*time.Second)
	var chats []string
	for range 2 {
		started, err := w.emu.StartChat(lcbot.StartChatRequest{GroupID: scenarioGroup, Text: "A human, please"})
		if err != nil || started.BotID != w.online.ID() {
			t.Fatalf("StartChat = %+v, %v", started, err)
		}
		if err := w.online.TransferChat(ctx, lcbot.TransferChatRequest{ID: started.ChatID, GroupIDs: []uint64{7}, IgnoreAgentsAvailability: true}); err != nil {
			t.Fatalf("TransferChat: %v", err)
		}
		chats = append(chats, started.ChatID)
	}
	hers := func() []string {
		agents, err := w.emu.Agents()
		if err != nil || len(agents) != 1 || agents[0].ID != anna {
			t.Fatalf("Agents = %+v, %v", agents, err)
		}
		return agents[0].Chats
	}
	if got := hers(); !slices.Equal(got, chats[:1]) {
		t.Fatalf("Anna's chats = %v; want the first only", got)
	}
	if c := w.chat(chats[1]); c.State != lcbot.ChatQueued || c.GroupID != 7 {
		t.Fatalf("the second chat = %+v; want it queued in group 7", c)
	}
	if _, err := w.emu.AgentSendMessage(chats[0], anna, "Anna here"); err != nil {
		t.Fatalf("AgentSendMessage: %v", err)
	}
	_, err := w.emu.AgentSendMessage(chats[1], anna, "not mine yet")
	wantRefused(t, err, "is not in chat")
	if err := w.emu.CloseChat(chats[0]); err != nil {
		t.Fatalf("CloseChat: %v", err)
	}
	if got := hers(); !slices.Equal(got, chats[1:]) {
		t.Fatalf("Anna's chats = %v; want the second now", got)
	}
	last := w.chat(chats[0]).Transcript
	if e := last[len(last)-1]; e.AuthorType != "agent" || e.Text != "Anna here" {
		t.Fatalf("the first chat ends with %+v; want Anna's message", e)
	}
}

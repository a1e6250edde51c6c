package livechatbots_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	lcbot "github.com/livechat-bots/livechat-bots/bindings/go"
)

// conversationScene is a botWorld whose online bot has a chat routed to it.
func conversationScene(t *testing.T, version string) (*botWorld, *lcbot.StartedChat) {
	w := newBotWorld(t, version, nil)
	started, err := w.emu.StartChat(lcbot.StartChatRequest{GroupID: scenarioGroup, Text: "Hi"})
	if err != nil || started.BotID != w.online.ID() {
		t.Fatalf("v%s: StartChat = %+v, %v; want it routed to the online bot", version, started, err)
	}
	return w, started
}

func wantRefused(t *testing.T, err error, needle string) {
	t.Helper()
	var e *lcbot.Error
	if !errors.As(err, &e) || e.Code != lcbot.CodeValidation || !strings.Contains(e.Message, needle) {
		t.Fatalf("err = %v; want a validation error containing %q", err, needle)
	}
}

func TestBotConversationPerVersion(t *testing.T) {
	for _, version := range []string{"3.2", "3.6"} {
		t.Run("v"+version, func(t *testing.T) { conversation(t, version) })
	}
}

func conversation(t *testing.T, version string) {
	w, started := conversationScene(t, version)
	bot, chatID, threadID := w.online, started.ChatID, started.ThreadID
	ctx := ctxTimeout(t, 20*time.Second)

	// A rich message from the builders, kept in the transcript.
	menu := lcbot.QuickReplies("Pick one", "Orders", "Agent")
	eventID, err := bot.SendEvent(ctx, chatID, menu)
	if err != nil {
		t.Fatalf("SendEvent(quick replies): %v", err)
	}
	var sent lcbot.TranscriptEntry
	for _, e := range w.chat(chatID).Transcript {
		if e.EventID == eventID {
			sent = e
		}
	}
	if sent.TemplateID != "quick_replies" || len(sent.Elements) != 1 {
		t.Fatalf("transcript entry = %+v; want the quick replies", sent)
	}
	bad := lcbot.Cards(lcbot.Card{Title: "x", Buttons: []lcbot.Button{{Text: "x", Type: "file", Value: "v", PostbackID: "p"}}})
	_, err = bot.SendEvent(ctx, chatID, bad)
	wantRefused(t, err, "event.elements[0].buttons[0].type")
	card := lcbot.Cards(lcbot.Card{Title: "Shoes", ImageURL: "https://example.com/s.png", AlternativeText: "red shoes",
		Buttons: []lcbot.Button{lcbot.URLButton("Open", "https://example.com"), lcbot.PhoneButton("Call", "+100"),
			lcbot.WebviewButton("Size", "https://example.com/w", "tall")}})
	_, err = bot.SendEvent(ctx, chatID, card)
	if version == "3.2" {
		wantRefused(t, err, "alternative_text: not in API v3.2; it exists from v3.3")
	} else if err != nil {
		t.Fatalf("SendEvent(card): %v", err)
	}

	// Indicators show until the bot writes.
	if err := bot.SendTypingIndicator(ctx, chatID, true, ""); err != nil {
		t.Fatalf("SendTypingIndicator: %v", err)
	}
	if ind := w.chat(chatID).Talk.Indicator; ind == nil || ind.Kind != "typing" || ind.AuthorID != bot.ID() {
		t.Fatalf("indicator = %+v; want the bot typing", ind)
	}
	if _, err := bot.SendMessage(ctx, chatID, "Here"); err != nil {
		t.Fatalf("SendMessage: %v", err)
	}
	if ind := w.chat(chatID).Talk.Indicator; ind != nil {
		t.Fatalf("indicator = %+v after the bot wrote; want none", ind)
	}
	thinking := lcbot.ThinkingIndicator{ChatID: chatID, Title: "Checking"}
	if version == "3.6" {
		if err := bot.SendThinkingIndicator(ctx, thinking); err != nil {
			t.Fatalf("SendThinkingIndicator: %v", err)
		}
		if ind := w.chat(chatID).Talk.Indicator; ind == nil || ind.Kind != "thinking" || ind.Title != "Checking" {
			t.Fatalf("indicator = %+v; want thinking", ind)
		}
		if err := bot.SendEventPreview(ctx, chatID, "Your ord"); err != nil {
			t.Fatalf("SendEventPreview: %v", err)
		}
	} else {
		wantRefused(t, bot.SendThinkingIndicator(ctx, thinking), "send_thinking_indicator: not in API v3.2; it exists from v3.6")
		wantRefused(t, bot.SendEventPreview(ctx, chatID, "x"), "it exists from v3.6")
		if n := len(agentRequests(t, w.emu, "send_thinking_indicator")); n != 0 {
			t.Fatalf("%d thinking indicators were sent; want none", n)
		}
	}

	// Tags, properties, seen events and the customer.
	for _, step := range []error{
		bot.TagThread(ctx, chatID, threadID, "menu"),
		bot.TagThread(ctx, chatID, threadID, "vip"),
		bot.UntagThread(ctx, chatID, threadID, "menu"),
		bot.UpdateChatProperties(ctx, chatID, lcbot.Properties{"menu": {"step": "start", "visits": 2}}),
		bot.DeleteChatProperties(ctx, chatID, lcbot.PropertyNames{"menu": {"visits"}}),
		bot.UpdateThreadProperties(ctx, chatID, threadID, lcbot.Properties{"menu": {"choice": "orders"}}),
		bot.MarkEventsAsSeen(ctx, chatID, "2030-01-01T00:00:00.000000Z"),
	} {
		if step != nil {
			t.Fatalf("a conversation action failed: %v", step)
		}
	}
	talk := w.chat(chatID).Talk
	if tags := talk.Tags[threadID]; len(tags) != 1 || tags[0] != "vip" {
		t.Errorf("tags = %v; want [vip]", talk.Tags)
	}
	if talk.Properties["menu"]["step"] != "start" || len(talk.Properties["menu"]) != 1 {
		t.Errorf("properties = %v; want menu.step only", talk.Properties)
	}
	if talk.ThreadProperties[threadID]["menu"]["choice"] != "orders" {
		t.Errorf("thread properties = %v", talk.ThreadProperties)
	}
	if talk.SeenUpTo[bot.ID()] != "2030-01-01T00:00:00.000000Z" {
		t.Errorf("seen_up_to = %v", talk.SeenUpTo)
	}
	customer, err := bot.GetCustomer(ctx, started.CustomerID)
	if err != nil || customer.ID != started.CustomerID || len(customer.ChatIDs) != 1 || customer.ChatIDs[0] != chatID {
		t.Fatalf("GetCustomer = %+v, %v", customer, err)
	}
	wantRefused(t, bot.MarkEventsAsSeen(ctx, chatID, "yesterday"), "seen_up_to: expected an RFC 3339")
}

package livechatbots_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	lcbot "github.com/livechat-bots/livechat-bots/bindings/go"
)

// Call sends any Agent Chat action in the version's own names, the bot
// named the version's way (v3.0: author_id beside the wrapped payload).
func TestBotCallAnyAction(t *testing.T) {
	for _, tc := range []struct{ version, action string }{{"3.0", "get_chats_summary"}, {"3.6", "list_chats"}} {
		t.Run("v"+tc.version, func(t *testing.T) {
			w := newBotWorld(t, tc.version, nil)
			ctx := ctxTimeout(t, 10*time.Second)
			started, err := w.emu.StartChat(lcbot.StartChatRequest{GroupID: scenarioGroup, Text: "hi"})
			if err != nil {
				t.Fatal(err)
			}
			var page lcbot.ChatPage
			if err := w.online.Call(ctx, tc.action, json.RawMessage(`{"limit": 1}`), &page); err != nil {
				t.Fatalf("Call(%s): %v", tc.action, err)
			}
			if len(page.Chats) != 1 || page.Chats[0].ID != started.ChatID {
				t.Fatalf("Call(%s): %+v", tc.action, page)
			}
			var raw json.RawMessage
			if err := w.online.Call(ctx, tc.action, map[string]any{"limit": 1}, &raw); err != nil || !bytes.Contains(raw, []byte(started.ChatID)) {
				t.Fatalf("Call into a RawMessage: %s, %v", raw, err)
			}
			if err := w.online.Call(ctx, tc.action, nil, nil); err != nil {
				t.Fatalf("Call with no payload: %v", err)
			}
			logged := agentRequests(t, w.emu, tc.action)
			if len(logged) != 3 {
				t.Fatalf("%d %s logged", len(logged), tc.action)
			}
			if tc.version == "3.0" {
				if p := payloadOf(t, logged[0]); p["limit"] != float64(1) {
					t.Fatalf("v3.0 payload %v", p)
				}
				if !strings.Contains(string(logged[0].Body), `"author_id":"`+w.online.ID()+`"`) {
					t.Fatalf("v3.0 body without author_id: %s", logged[0].Body)
				}
			}
			// An action the API does not have.
			if err := w.online.Call(ctx, "no_such_action", nil, nil); !lcbot.IsNotFound(err) {
				t.Fatalf("an unknown action: %v", err)
			}
		})
	}
}

// The event types and reads beyond the scenario's: rich and system
// messages, a thread by id, list filters.
func TestBotEventsAndReads(t *testing.T) {
	w := newBotWorld(t, "3.6", nil)
	ctx := ctxTimeout(t, 10*time.Second)
	first, err := w.emu.StartChat(lcbot.StartChatRequest{GroupID: scenarioGroup, Text: "one"})
	if err != nil {
		t.Fatal(err)
	}
	rich := lcbot.Event{
		Type:       lcbot.EventRichMessage,
		TemplateID: "quick_replies",
		Elements:   []map[string]any{{"title": "Pick one", "buttons": []map[string]any{{"type": "message", "text": "Yes", "value": "Yes", "postback_id": "yes", "user_ids": []string{}}}}},
	}
	richID, err := w.online.SendEvent(ctx, first.ChatID, rich)
	if err != nil {
		t.Fatalf("a rich message: %v", err)
	}
	noteID, err := w.online.SendEvent(ctx, first.ChatID, lcbot.Event{Type: lcbot.EventMessage, Text: "for agents", Visibility: lcbot.VisibilityAgents, CustomID: "note-1"})
	if err != nil {
		t.Fatalf("a message for agents: %v", err)
	}
	sysID, err := w.online.SendEvent(ctx, first.ChatID, lcbot.Event{Type: lcbot.EventSystemMessage, Text: "Routing to sales", SystemMessageType: "routing"})
	if err != nil {
		t.Fatalf("a system message: %v", err)
	}
	chat, err := w.online.GetChatThread(ctx, first.ChatID, first.ThreadID)
	if err != nil {
		t.Fatalf("GetChatThread: %v", err)
	}
	if chat.Thread == nil || chat.Thread.ID != first.ThreadID {
		t.Fatalf("GetChatThread: %+v", chat)
	}
	byID := map[string]lcbot.ChatEvent{}
	for _, ev := range chat.Thread.Events {
		byID[ev.ID] = ev
	}
	if ev := byID[richID]; ev.Type != lcbot.EventRichMessage || !bytes.Contains(ev.Raw, []byte("quick_replies")) {
		t.Errorf("the rich message: %+v (raw %s)", ev, ev.Raw)
	}
	if ev := byID[noteID]; ev.Visibility != lcbot.VisibilityAgents || ev.CustomID != "note-1" {
		t.Errorf("the message for agents: %+v", ev)
	}
	if ev := byID[sysID]; ev.Type != lcbot.EventSystemMessage || ev.Text != "Routing to sales" {
		t.Errorf("the system message: %+v", ev)
	}

	second, err := w.emu.StartChat(lcbot.StartChatRequest{GroupID: scenarioGroup, Text: "two"})
	if err != nil || second.BotID != w.online.ID() {
		t.Fatalf("StartChat: %+v, %v", second, err)
	}
	if err := w.emu.CloseChat(first.ChatID); err != nil {
		t.Fatal(err)
	}
	active, err := w.online.ListChats(ctx, lcbot.ListChatsRequest{Filters: &lcbot.ChatFilters{Active: lcbot.Ptr(true)}})
	if err != nil || len(active.Chats) != 1 || active.Chats[0].ID != second.ChatID {
		t.Fatalf("active chats: %+v, %v", active, err)
	}
	s := active.Chats[0]
	if s.LastThreadSummary == nil || s.LastThreadSummary.ID != second.ThreadID || !s.LastThreadSummary.Active || len(s.Raw) == 0 {
		t.Fatalf("the summary: %+v", s)
	}
	if last, ok := s.LastEventPerType["message"]; !ok || last.Event.Text != "two" || last.ThreadID != second.ThreadID {
		t.Fatalf("last_event_per_type: %+v", s.LastEventPerType)
	}
	all, err := w.online.ListChats(ctx, lcbot.ListChatsRequest{SortOrder: lcbot.SortAsc})
	if err != nil || len(all.Chats) != 2 || all.Chats[0].ID != first.ChatID {
		t.Fatalf("every chat, oldest first: %+v, %v", all, err)
	}
	none, err := w.online.ListChats(ctx, lcbot.ListChatsRequest{Filters: &lcbot.ChatFilters{GroupIDs: []uint64{42}}})
	if err != nil || len(none.Chats) != 0 || none.Chats == nil {
		t.Fatalf("chats of group 42: %+v, %v", none, err)
	}
}

// An identity prints and logs without its secret.
func TestBotIdentityIsRedacted(t *testing.T) {
	id := lcbot.BotIdentity{BotAgentID: "b1", BotSecret: lcbot.NewBotSecret("very-secret"), ClientID: "c", OrganizationID: "o"}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("bot", "identity", id, "token", lcbot.BotToken{})
	if strings.Contains(buf.String(), "very-secret") || !strings.Contains(buf.String(), "b1") {
		t.Fatalf("slog: %s", buf.String())
	}
	if b, err := json.Marshal(struct{ Secret lcbot.BotSecret }{id.BotSecret}); err != nil || strings.Contains(string(b), "very-secret") {
		t.Fatalf("json: %s, %v", b, err)
	}
}

// The options older versions name or lack: a transfer's
// ignore_agents_availability is force before v3.4, a list's active false
// is include_active false before v3.6, and what an older version cannot
// say is refused before sending.
func TestBotOptionsPerVersion(t *testing.T) {
	for _, version := range []string{"3.2", "3.4", "3.6"} {
		t.Run("v"+version, func(t *testing.T) {
			w := newBotWorld(t, version, nil)
			ctx := ctxTimeout(t, 10*time.Second)
			first, err := w.emu.StartChat(lcbot.StartChatRequest{GroupID: scenarioGroup, Text: "one"})
			if err != nil {
				t.Fatal(err)
			}
			second, err := w.emu.StartChat(lcbot.StartChatRequest{GroupID: scenarioGroup, Text: "two"})
			if err != nil {
				t.Fatal(err)
			}
			if err := w.emu.CloseChat(first.ChatID); err != nil {
				t.Fatal(err)
			}
			inactive, err := w.online.ListChats(ctx, lcbot.ListChatsRequest{Filters: &lcbot.ChatFilters{Active: lcbot.Ptr(false)}})
			if err != nil || len(inactive.Chats) != 1 || inactive.Chats[0].ID != first.ChatID {
				t.Fatalf("inactive chats: %+v, %v", inactive, err)
			}
			_, err = w.online.ListChats(ctx, lcbot.ListChatsRequest{Filters: &lcbot.ChatFilters{Active: lcbot.Ptr(true)}})
			if since(version, "3.6") != (err == nil) || (err != nil && !lcbot.IsValidation(err)) {
				t.Fatalf("active chats only: %v", err)
			}
			// The offline bot takes the chat queued.
			transfer := lcbot.TransferChatRequest{ID: second.ChatID, AgentIDs: []string{w.offline.ID()}, IgnoreAgentsAvailability: true, IgnoreRequesterPresence: true}
			err = w.online.TransferChat(ctx, transfer)
			if since(version, "3.4") != (err == nil) || (err != nil && !lcbot.IsValidation(err)) {
				t.Fatalf("ignore_requester_presence: %v", err)
			}
			if !since(version, "3.4") {
				transfer.IgnoreRequesterPresence = false
				if err := w.online.TransferChat(ctx, transfer); err != nil {
					t.Fatalf("ignore_agents_availability: %v", err)
				}
			}
			sent := agentRequests(t, w.emu, "transfer_chat")
			if len(sent) != 1 {
				t.Fatalf("%d transfer_chat sent", len(sent))
			}
			body := string(sent[0].Body)
			if since(version, "3.4") == strings.Contains(body, `"force":true`) {
				t.Fatalf("v%s transfer body %s", version, body)
			}
			if c := w.chat(second.ChatID); c.State != lcbot.ChatQueued {
				t.Fatalf("after the transfer: %+v", c)
			}
			for _, r := range agentRequests(t, w.emu, "list_chats") {
				body := string(r.Body)
				if since(version, "3.6") == strings.Contains(body, "include_active") {
					t.Fatalf("v%s list_chats body %s", version, body)
				}
			}
		})
	}
}

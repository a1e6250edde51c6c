package livechatbots_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	lcbot "github.com/livechat-bots/livechat-bots/bindings/go"
)

// The versions the chat scenario runs in: 3.0 (author_id), 3.2 and 3.4
// (X-Author-Id, before and after the visibility rename), 3.6 (a bot token),
// and the others for their own renames (3.1: get_chat_threads and
// update_bot_agent's status; 3.3: id for chat_id; 3.5: X-Author-Id
// without a secret).
var scenarioVersions = []string{"3.0", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6"}

// since reports whether version is at least min ("3.x", one digit each).
func since(version, min string) bool { return version >= min }

// botWorld is an emulator, a client of one API version and three bots of
// group 1: one online, one offline (with the best priority) and one online
// but full (max_chats_count 0, also first).
type botWorld struct {
	t                     testing.TB
	emu                   *lcbot.Emulator
	client                *lcbot.Client
	version               string
	online, offline, full *lcbot.Bot
	secrets               map[string]lcbot.BotSecret
}

const scenarioGroup = 1

func newBotWorld(t testing.TB, version string, cfg *lcbot.EmulatorConfig) *botWorld {
	t.Helper()
	emu := startEmulator(t, cfg)
	client := newClient(t, emu, func(c *lcbot.Config) { c.APIVersion = version })
	w := &botWorld{t: t, emu: emu, client: client, version: version, secrets: map[string]lcbot.BotSecret{}}
	w.online = w.createBot("Online", lcbot.PriorityNormal, 6)
	w.offline = w.createBot("Offline", lcbot.PriorityFirst, 6)
	w.full = w.createBot("Full", lcbot.PriorityFirst, 0)
	ctx := ctxTimeout(t, 10*time.Second)
	for _, b := range []*lcbot.Bot{w.online, w.full} {
		if err := b.SetRoutingStatus(ctx, lcbot.RoutingAcceptingChats); err != nil {
			t.Fatalf("v%s: SetRoutingStatus(%s): %v", version, b.ID(), err)
		}
	}
	if err := w.offline.SetRoutingStatus(ctx, lcbot.RoutingOffline); err != nil {
		t.Fatalf("v%s: SetRoutingStatus(offline): %v", version, err)
	}
	return w
}

// createBot creates a bot of group 1 (offline) and a Bot acting as it:
// with its secret on v3.6, by its id elsewhere.
func (w *botWorld) createBot(name string, priority lcbot.Priority, maxChats int) *lcbot.Bot {
	w.t.Helper()
	req := lcbot.CreateBotAgentRequest{
		Name:          name,
		MaxChatsCount: lcbot.Ptr(maxChats),
		Groups:        []lcbot.Group{{ID: scenarioGroup, Priority: priority}},
	}
	if !since(w.version, "3.2") {
		req.Status = lcbot.StatusOffline // required before v3.2
	}
	created, err := w.client.CreateBotAgent(context.Background(), req)
	if err != nil {
		w.t.Fatalf("v%s: CreateBotAgent(%s): %v", w.version, name, err)
	}
	w.secrets[created.ID] = created.Secret
	return w.newBot(created.ID, since(w.version, "3.6"))
}

func (w *botWorld) newBot(id string, withSecret bool) *lcbot.Bot {
	w.t.Helper()
	identity := lcbot.BotIdentity{BotAgentID: id}
	if withSecret {
		identity.BotSecret = w.secrets[id]
		identity.ClientID = "dev-client"
		identity.OrganizationID = w.emu.OrganizationID()
	}
	b, err := w.client.NewBot(identity)
	if err != nil {
		w.t.Fatalf("v%s: NewBot(%s): %v", w.version, id, err)
	}
	w.t.Cleanup(func() { b.Close() })
	return b
}

// chat is the emulator's record of chatID.
func (w *botWorld) chat(chatID string) lcbot.EmulatorChat {
	w.t.Helper()
	chats, err := w.emu.Chats()
	if err != nil {
		w.t.Fatalf("Chats: %v", err)
	}
	for _, c := range chats {
		if c.ChatID == chatID {
			return c
		}
	}
	w.t.Fatalf("no chat %s in the emulator's %d", chatID, len(chats))
	return lcbot.EmulatorChat{}
}

// agentRequests are the log's Agent Chat API entries of one action (as
// sent on the wire).
func agentRequests(t testing.TB, emu *lcbot.Emulator, action string) []lcbot.RequestLogEntry {
	t.Helper()
	var out []lcbot.RequestLogEntry
	for _, r := range requestsFor(t, emu, action) {
		if r.API == "agent" {
			out = append(out, r)
		}
	}
	return out
}

// The same scenario in each version: a chat is routed to the online bot of
// the group (not to the offline one nor to the full one, both of a better
// priority), the bot answers, the transcript shows both, the bot transfers
// the chat, the new bot deactivates it; and the request log shows the bot
// named the version's way.
func TestBotScenarioPerVersion(t *testing.T) {
	for _, version := range scenarioVersions {
		t.Run("v"+version, func(t *testing.T) {
			t.Parallel()
			runScenario(t, version)
		})
	}
}

func runScenario(t *testing.T, version string) {
	w := newBotWorld(t, version, nil)
	emu := w.emu
	ctx := ctxTimeout(t, 20*time.Second)

	// Routing.
	started, err := emu.StartChat(lcbot.StartChatRequest{GroupID: scenarioGroup, Text: "Hello, anyone there?", Customer: &lcbot.Customer{Name: "Ada"}})
	if err != nil {
		t.Fatalf("StartChat: %v", err)
	}
	if started.State != lcbot.ChatAssigned || started.BotID != w.online.ID() {
		t.Fatalf("routed to %q (%s), want the online bot %s (offline %s, full %s)",
			started.BotID, started.State, w.online.ID(), w.offline.ID(), w.full.ID())
	}
	if started.EventID == "" || started.ThreadID == "" || started.CustomerID == "" {
		t.Fatalf("StartChat answer incomplete: %+v", started)
	}

	// The bot answers; the customer writes again.
	reply, err := w.online.SendMessage(ctx, started.ChatID, "Hi Ada, how can I help?")
	if err != nil {
		t.Fatalf("SendMessage: %v", err)
	}
	if !strings.HasPrefix(reply, started.ThreadID+"_") {
		t.Fatalf("event id %q, want %s_<n>", reply, started.ThreadID)
	}
	if _, err := emu.SendMessage(started.ChatID, "Where is my order?"); err != nil {
		t.Fatalf("emulator SendMessage: %v", err)
	}
	rec := w.chat(started.ChatID)
	var lines []string
	for _, e := range rec.Transcript {
		lines = append(lines, e.AuthorType+"("+e.AuthorID+"): "+e.Text)
	}
	want := []string{
		"customer(" + started.CustomerID + "): Hello, anyone there?",
		"bot(" + w.online.ID() + "): Hi Ada, how can I help?",
		"customer(" + started.CustomerID + "): Where is my order?",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Fatalf("transcript:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	if rec.Transcript[1].EventID != reply || rec.Transcript[1].Visibility != lcbot.VisibilityAll {
		t.Fatalf("the bot's transcript entry: %+v", rec.Transcript[1])
	}

	// The bot reads the chat: the same events, visibility whatever the version.
	chat, err := w.online.GetChat(ctx, started.ChatID)
	if err != nil {
		t.Fatalf("GetChat: %v", err)
	}
	if chat.ID != started.ChatID || chat.Thread == nil || !chat.Thread.Active || len(chat.Thread.Events) != 3 {
		t.Fatalf("GetChat: %+v", chat)
	}
	if ev := chat.Thread.Events[1]; ev.ID != reply || ev.AuthorID != w.online.ID() || ev.Visibility != "all" || ev.Text != "Hi Ada, how can I help?" {
		t.Fatalf("the bot's event in get_chat: %+v (raw %s)", ev, ev.Raw)
	}
	if !hasUser(chat.Users, w.online.ID()) || !hasUser(chat.Users, started.CustomerID) {
		t.Fatalf("users: %+v", chat.Users)
	}
	if len(chat.Raw) == 0 {
		t.Fatal("Chat.Raw is empty")
	}
	page, err := w.online.ListChats(ctx, lcbot.ListChatsRequest{})
	if err != nil {
		t.Fatalf("ListChats: %v", err)
	}
	if len(page.Chats) != 1 || page.Chats[0].ID != started.ChatID || page.FoundChats != 1 {
		t.Fatalf("ListChats: %+v", page)
	}
	if since(version, "3.2") {
		statuses, err := w.online.ListRoutingStatuses(ctx, scenarioGroup)
		if err != nil {
			t.Fatalf("ListRoutingStatuses: %v", err)
		}
		got := map[string]lcbot.RoutingStatus{}
		for _, s := range statuses {
			got[s.AgentID] = s.Status
		}
		if got[w.online.ID()] != lcbot.RoutingAcceptingChats || got[w.offline.ID()] != lcbot.RoutingOffline {
			t.Fatalf("routing statuses: %+v", statuses)
		}
	}

	// Transfer: nobody else of the group can take the chat now.
	err = w.online.TransferChat(ctx, lcbot.TransferChatRequest{ID: started.ChatID, GroupIDs: []uint64{scenarioGroup}})
	if e := asError(t, err); !lcbot.IsValidation(err) || e.HTTPStatus != 400 {
		t.Fatalf("transfer with nobody available: %v", err)
	}
	if err := w.offline.SetRoutingStatus(ctx, lcbot.RoutingAcceptingChats); err != nil {
		t.Fatalf("SetRoutingStatus: %v", err)
	}
	second := w.offline // online now
	if err := w.online.TransferChat(ctx, lcbot.TransferChatRequest{ID: started.ChatID, AgentIDs: []string{second.ID()}}); err != nil {
		t.Fatalf("TransferChat: %v", err)
	}
	rec = w.chat(started.ChatID)
	if rec.BotID != second.ID() || rec.State != lcbot.ChatAssigned {
		t.Fatalf("after the transfer: bot %q state %s", rec.BotID, rec.State)
	}
	if last := rec.Routing[len(rec.Routing)-1]; last.What != "transferred" || last.BotID != second.ID() {
		t.Fatalf("routing history: %+v", rec.Routing)
	}
	// The first bot left the chat; from v3.4 a bot writes only in chats it
	// is in (before, access to the chat's group was enough).
	after, err := second.GetChat(ctx, started.ChatID)
	if err != nil || hasUser(after.Users, w.online.ID()) || !hasUser(after.Users, second.ID()) {
		t.Fatalf("users after the transfer: %+v, %v", after, err)
	}
	if since(version, "3.4") {
		if _, err := w.online.SendMessage(ctx, started.ChatID, "still here?"); !lcbot.IsAuthorization(err) {
			t.Fatalf("a bot that left the chat wrote in it: %v", err)
		}
	}
	if _, err := second.SendMessage(ctx, started.ChatID, "I'll take it from here."); err != nil {
		t.Fatalf("SendMessage after the transfer: %v", err)
	}

	// Deactivate.
	if err := second.DeactivateChat(ctx, started.ChatID); err != nil {
		t.Fatalf("DeactivateChat: %v", err)
	}
	if rec = w.chat(started.ChatID); rec.State != lcbot.ChatClosed {
		t.Fatalf("after deactivate_chat: state %s", rec.State)
	}
	_, err = second.SendMessage(ctx, started.ChatID, "bye")
	if e := asError(t, err); e.APIType != "chat_inactive" || e.HTTPStatus != 400 {
		t.Fatalf("a message to an inactive chat: %v", err)
	}
	if _, err := emu.SendMessage(started.ChatID, "hello?"); !lcbot.IsValidation(err) || !strings.Contains(err.Error(), "chat_inactive") {
		t.Fatalf("the customer wrote to an inactive chat: %v", err)
	}
	chat, err = second.GetChat(ctx, started.ChatID)
	if err != nil || chat.Thread == nil || chat.Thread.Active || len(chat.Thread.Events) != 4 {
		t.Fatalf("GetChat after deactivate: %+v, %v", chat, err)
	}

	byThread, err := second.GetChatThread(ctx, started.ChatID, started.ThreadID)
	if err != nil || byThread.Thread == nil || byThread.Thread.ID != started.ThreadID || len(byThread.Thread.Events) != 4 {
		t.Fatalf("GetChatThread: %+v, %v", byThread, err)
	}
	if !since(version, "3.2") && len(agentRequests(t, emu, "get_chat_threads")) != 4 {
		t.Fatalf("v%s: get_chat is get_chat_threads", version)
	}

	checkAuthorPerVersion(t, w)
}

func hasUser(users []lcbot.ChatUser, id string) bool {
	for _, u := range users {
		if u.ID == id {
			return true
		}
	}
	return false
}

// checkAuthorPerVersion reads the request log: every Agent Chat request
// names its bot as the version wants, under the version's action names.
func checkAuthorPerVersion(t *testing.T, w *botWorld) {
	t.Helper()
	log, err := w.emu.Requests()
	if err != nil {
		t.Fatal(err)
	}
	agent := 0
	for _, r := range log {
		if r.API != "agent" {
			continue
		}
		agent++
		if r.Version != w.version {
			t.Errorf("%s sent in v%s", r.Action, r.Version)
		}
		var body map[string]json.RawMessage
		if err := json.Unmarshal(r.Body, &body); err != nil {
			t.Fatalf("%s: body %s", r.Action, r.Body)
		}
		header, hasHeader := r.Headers["x-author-id"]
		switch w.version {
		case "3.0":
			var author string
			_ = json.Unmarshal(body["author_id"], &author)
			if author == "" || body["payload"] == nil || hasHeader {
				t.Errorf("v3.0 %s: want author_id and payload in the body and no X-Author-Id: headers %v body %s", r.Action, r.Headers, r.Body)
			}
		case "3.6":
			// The log shows a token's scheme only: the bot token is told
			// from the client's by the absence of any author (the emulator
			// refuses a chat write without one) and by issue_bot_token.
			if hasHeader || body["author_id"] != nil || !strings.HasPrefix(r.Headers["authorization"], "Bearer ") {
				t.Errorf("v3.6 %s: want a Bearer (bot) token alone: headers %v body %s", r.Action, r.Headers, r.Body)
			}
		default:
			if header == "" || body["author_id"] != nil || body["payload"] != nil {
				t.Errorf("v%s %s: want X-Author-Id and a flat body: headers %v body %s", w.version, r.Action, r.Headers, r.Body)
			}
		}
	}
	if agent == 0 {
		t.Fatal("no Agent Chat request logged")
	}

	// The action names and shapes of the version.
	listName, deactivateName := "list_chats", "deactivate_chat"
	if !since(w.version, "3.2") {
		listName, deactivateName = "get_chats_summary", "close_thread"
	}
	if len(agentRequests(t, w.emu, listName)) == 0 || len(agentRequests(t, w.emu, deactivateName)) == 0 {
		t.Errorf("v%s: no %s or %s logged", w.version, listName, deactivateName)
	}
	sends := agentRequests(t, w.emu, "send_event")
	if len(sends) == 0 {
		t.Fatal("no send_event logged")
	}
	raw := string(sends[0].Body)
	audience := "visibility"
	if !since(w.version, "3.4") {
		audience = "recipients"
	}
	if !strings.Contains(raw, `"`+audience+`"`) {
		t.Errorf("v%s send_event body %s: want %q", w.version, raw, audience)
	}
	if !since(w.version, "3.2") {
		// No set_routing_status before v3.2: update_bot_agent's status, with spaces.
		updates := requestsFor(t, w.emu, "update_bot_agent")
		if len(updates) == 0 || !strings.Contains(string(updates[0].Body), `"accepting chats"`) {
			t.Errorf("v%s routing status: %v", w.version, updates)
		}
	}
	issued := requestsFor(t, w.emu, "issue_bot_token")
	switch {
	case w.version == "3.6" && len(issued) != 3:
		t.Errorf("v3.6: %d issue_bot_token, want one per bot (3)", len(issued))
	case w.version != "3.6" && len(issued) != 0:
		t.Errorf("v%s: %d issue_bot_token, want none", w.version, len(issued))
	}
	for _, r := range issued {
		for id, secret := range w.secrets {
			if strings.Contains(string(r.Body), secret.Reveal()) {
				t.Errorf("the secret of %s is in the request log: %s", id, r.Body)
			}
		}
	}
}

// v3.5 names the bot by X-Author-Id without a secret and by its own token
// with one.
func TestBotV35EitherWay(t *testing.T) {
	w := newBotWorld(t, "3.5", nil)
	ctx := ctxTimeout(t, 10*time.Second)
	withToken := w.newBot(w.online.ID(), true)
	started, err := w.emu.StartChat(lcbot.StartChatRequest{GroupID: scenarioGroup, Text: "hi"})
	if err != nil || started.BotID != w.online.ID() {
		t.Fatalf("StartChat: %+v, %v", started, err)
	}
	if _, err := w.online.SendMessage(ctx, started.ChatID, "by header"); err != nil {
		t.Fatal(err)
	}
	if _, err := withToken.SendMessage(ctx, started.ChatID, "by token"); err != nil {
		t.Fatal(err)
	}
	sends := agentRequests(t, w.emu, "send_event")
	if len(sends) != 2 {
		t.Fatalf("%d send_event logged", len(sends))
	}
	if sends[0].Headers["x-author-id"] != w.online.ID() {
		t.Errorf("without a secret: headers %v", sends[0].Headers)
	}
	if _, ok := sends[1].Headers["x-author-id"]; ok {
		t.Errorf("with a secret: headers %v", sends[1].Headers)
	}
	if n := len(requestsFor(t, w.emu, "issue_bot_token")); n != 1 {
		t.Errorf("%d issue_bot_token, want 1", n)
	}
}

// The iterator follows next_page_id to the last page, and stops when the
// loop breaks.
func TestBotAllChatsPages(t *testing.T) {
	for _, version := range []string{"3.0", "3.6"} {
		t.Run("v"+version, func(t *testing.T) { allChatsPages(t, version) })
	}
}

func allChatsPages(t *testing.T, version string) {
	w := newBotWorld(t, version, nil)
	listName := "list_chats"
	if !since(version, "3.2") {
		listName = "get_chats_summary"
	}
	ctx := ctxTimeout(t, 20*time.Second)
	// Nobody of group 2 is online: the chats wait queued, readable by the
	// bots of the group.
	reader := w.createBotInGroup(2)
	const n = 23
	want := map[string]bool{}
	for i := 0; i < n; i++ {
		started, err := w.emu.StartChat(lcbot.StartChatRequest{GroupID: 2, Text: fmt.Sprintf("chat %d", i)})
		if err != nil || started.State != lcbot.ChatQueued {
			t.Fatalf("StartChat %d: %+v, %v", i, started, err)
		}
		want[started.ChatID] = true
	}
	before := len(agentRequests(t, w.emu, listName))
	got := map[string]bool{}
	for chat, err := range reader.AllChats(ctx, lcbot.ListChatsRequest{Limit: 5, SortOrder: lcbot.SortAsc}) {
		if err != nil {
			t.Fatalf("AllChats: %v", err)
		}
		if got[chat.ID] {
			t.Fatalf("chat %s twice", chat.ID)
		}
		got[chat.ID] = true
	}
	if len(got) != n {
		t.Fatalf("%d chats iterated, want %d", len(got), n)
	}
	for id := range want {
		if !got[id] {
			t.Fatalf("chat %s missing", id)
		}
	}
	pages := agentRequests(t, w.emu, listName)[before:]
	if len(pages) != 5 {
		t.Fatalf("%d list_chats requests for %d chats by 5, want 5", len(pages), n)
	}
	if !strings.Contains(string(pages[1].Body), "page_id") || strings.Contains(string(pages[1].Body), `"limit"`) {
		t.Fatalf("the second page's request: %s", pages[1].Body)
	}

	// Breaking out of the loop stops the requests.
	before = len(agentRequests(t, w.emu, listName))
	seen := 0
	for _, err := range reader.AllChats(ctx, lcbot.ListChatsRequest{Limit: 5}) {
		if err != nil {
			t.Fatal(err)
		}
		if seen++; seen == 7 {
			break
		}
	}
	if got := len(agentRequests(t, w.emu, listName)) - before; got != 2 {
		t.Fatalf("%d list_chats requests for 7 chats by 5, want 2", got)
	}

	// An error ends the iteration as its last pair.
	pairs, failed := 0, 0
	for _, err := range reader.AllChats(ctx, lcbot.ListChatsRequest{Limit: 500}) {
		pairs++
		if err != nil {
			failed++
			if !lcbot.IsValidation(err) {
				t.Fatalf("limit 500: %v", err)
			}
		}
	}
	if pairs != 1 || failed != 1 {
		t.Fatalf("limit 500: %d pairs, %d errors", pairs, failed)
	}
}

func (w *botWorld) createBotInGroup(group uint64) *lcbot.Bot {
	w.t.Helper()
	req := lcbot.CreateBotAgentRequest{Name: fmt.Sprintf("Group %d", group), Groups: []lcbot.Group{{ID: group, Priority: lcbot.PriorityNormal}}}
	if !since(w.version, "3.2") {
		req.Status = lcbot.StatusOffline
	}
	created, err := w.client.CreateBotAgent(context.Background(), req)
	if err != nil {
		w.t.Fatal(err)
	}
	w.secrets[created.ID] = created.Secret
	return w.newBot(created.ID, since(w.version, "3.6"))
}

// A queued chat is routed when a bot of its group comes online, and when a
// slot frees.
func TestBotQueuedChatIsRoutedLater(t *testing.T) {
	w := newBotWorld(t, "3.6", nil)
	ctx := ctxTimeout(t, 10*time.Second)
	if err := w.online.SetRoutingStatus(ctx, lcbot.RoutingNotAcceptingChats); err != nil {
		t.Fatal(err)
	}
	started, err := w.emu.StartChat(lcbot.StartChatRequest{GroupID: scenarioGroup, Text: "anyone?"})
	if err != nil || started.State != lcbot.ChatQueued || started.BotID != "" {
		t.Fatalf("StartChat with nobody accepting: %+v, %v", started, err)
	}
	if err := w.offline.SetRoutingStatus(ctx, lcbot.RoutingAcceptingChats); err != nil {
		t.Fatal(err)
	}
	if rec := w.chat(started.ChatID); rec.State != lcbot.ChatAssigned || rec.BotID != w.offline.ID() {
		t.Fatalf("after a bot came online: %+v", rec)
	}
}

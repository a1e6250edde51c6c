package livechatbots_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	lcbot "github.com/livechat-bots/livechat-bots/bindings/go"
)

// fixturesDir holds webhook bodies by API version: v3.1-v3.3 are
// LiveChat's own (from its Go SDK's test data), the others the project's.
var fixturesDir = filepath.Join("..", "..", "tests", "fixtures", "webhooks")

// renamed is the plan's table of action names before v3.2 and after.
var renamed = map[string]string{
	"incoming_chat_thread":           "incoming_chat",
	"thread_closed":                  "chat_deactivated",
	"agent_status_changed":           "routing_status_set",
	"chat_user_added":                "user_added_to_chat",
	"chat_user_removed":              "user_removed_from_chat",
	"access_granted":                 "chat_access_granted",
	"access_revoked":                 "chat_access_revoked",
	"chat_thread_properties_updated": "thread_properties_updated",
	"chat_thread_properties_deleted": "thread_properties_deleted",
	"chat_thread_tagged":             "thread_tagged",
	"chat_thread_untagged":           "thread_untagged",
}

// typedActions are the actions Typed decodes, with the Go type it gives.
var typedActions = map[string]reflect.Type{
	"incoming_chat":                  reflect.TypeOf(&lcbot.IncomingChatPayload{}),
	"incoming_event":                 reflect.TypeOf(&lcbot.IncomingEventPayload{}),
	"event_updated":                  reflect.TypeOf(&lcbot.EventUpdatedPayload{}),
	"incoming_rich_message_postback": reflect.TypeOf(&lcbot.RichMessagePostbackPayload{}),
	"chat_deactivated":               reflect.TypeOf(&lcbot.ChatDeactivatedPayload{}),
	"chat_transferred":               reflect.TypeOf(&lcbot.ChatTransferredPayload{}),
	"routing_status_set":             reflect.TypeOf(&lcbot.RoutingStatusSetPayload{}),
	"user_added_to_chat":             reflect.TypeOf(&lcbot.ChatUserPayload{}),
	"user_removed_from_chat":         reflect.TypeOf(&lcbot.ChatUserPayload{}),
}

// body builds a webhook body of API v3.1+ (payload) with the given secret.
func body(t testing.TB, secret, action string, payload any, extra ...any) []byte {
	t.Helper()
	doc := map[string]any{"webhook_id": "0123456789abcdef0123456789abcdef", "secret_key": secret, "action": action, "payload": payload, "additional_data": map[string]any{}}
	for i := 0; i+1 < len(extra); i += 2 {
		doc[extra[i].(string)] = extra[i+1]
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// jsonEqual compares two JSON texts by value.
func jsonEqual(t testing.TB, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatalf("not JSON: %s: %v", a, err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatalf("not JSON: %s: %v", b, err)
	}
	return reflect.DeepEqual(x, y)
}

// str is doc[path...] when it is a string.
func str(doc map[string]any, path ...string) (string, bool) {
	var v any = doc
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return "", false
		}
		v = m[k]
	}
	s, ok := v.(string)
	return s, ok
}

// wantDedupeKey is the plan's rule, computed from the payload as the test
// reads it.
func wantDedupeKey(action string, payload map[string]any, payloadText []byte) string {
	// Events that happen once per id are keyed by it.
	var chat, id string
	var ok1, ok2 bool
	switch action {
	case "incoming_event":
		chat, ok1 = str(payload, "chat_id")
		id, ok2 = str(payload, "event", "id")
	case "incoming_chat":
		chat, ok1 = str(payload, "chat", "id")
		id, ok2 = str(payload, "chat", "thread", "id")
	case "chat_deactivated":
		chat, ok1 = str(payload, "chat_id")
		id, ok2 = str(payload, "thread_id")
	}
	if ok1 && ok2 {
		return action + "/" + chat + "/" + id
	}
	// Every other action: its chat ("-" without one) and a hash of the
	// payload with every object's keys sorted (what encoding/json does for
	// maps), numbers kept as sent, no HTML escaping.
	chat, ok := str(payload, "chat_id")
	if !ok {
		if chat, ok = str(payload, "chat", "id"); !ok {
			chat = "-"
		}
	}
	dec := json.NewDecoder(bytes.NewReader(payloadText))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		panic(err)
	}
	var canonical bytes.Buffer
	enc := json.NewEncoder(&canonical)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err)
	}
	h := fnv.New64a()
	h.Write(bytes.TrimSuffix(canonical.Bytes(), []byte("\n")))
	return fmt.Sprintf("%s/%s/%016x", action, chat, h.Sum64())
}

// noSecretIn fails the test when any of the secrets shows in any of the
// texts.
func noSecretIn(t testing.TB, what string, secrets []string, texts ...string) {
	t.Helper()
	for _, text := range texts {
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("%s shows the secret %q: %s", what, s, text)
				return
			}
		}
	}
}

// prints is every way an event or error may be printed or logged.
func prints(v any) []string {
	out := []string{fmt.Sprintf("%v", v), fmt.Sprintf("%+v", v), fmt.Sprintf("%#v", v), fmt.Sprintf("%s", v)}
	if b, err := json.Marshal(v); err == nil {
		out = append(out, string(b))
	}
	if ev, ok := v.(*lcbot.WebhookEvent); ok && ev != nil {
		out = append(out, string(ev.Payload), string(ev.AdditionalData), fmt.Sprint(ev.Extra))
		for _, raw := range ev.Extra {
			out = append(out, string(raw))
		}
	}
	return out
}

// Every fixture of every version present: the action normalized, the
// fields moved, the typed payload decoded, the dedupe key by the plan.
func TestWebhookFixtures(t *testing.T) {
	if _, err := os.Stat(fixturesDir); err != nil {
		t.Fatalf("the project's webhook fixtures are missing: %v", err)
	}
	seenTyped := map[string]int{}
	total := 0
	for _, version := range []string{"3.0", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6"} {
		t.Run("v"+version, func(t *testing.T) {
			dir := filepath.Join(fixturesDir, "v"+version)
			if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
				t.Skipf("no fixtures for API v%s yet: %s is absent", version, dir)
			}
			files, err := filepath.Glob(filepath.Join(dir, "*.json"))
			if err != nil || len(files) == 0 {
				t.Fatalf("no *.json in %s (%v)", dir, err)
			}
			for _, file := range files {
				t.Run(strings.TrimSuffix(filepath.Base(file), ".json"), func(t *testing.T) {
					checkFixture(t, version, file, seenTyped)
				})
				total++
			}
		})
	}
	t.Logf("%d fixtures", total)
	for action := range typedActions {
		if seenTyped[action] == 0 {
			t.Errorf("no fixture of %s, a typed action", action)
		}
	}
}

func checkFixture(t *testing.T, version, file string, seenTyped map[string]int) {
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("fixture is not a JSON object: %v", err)
	}
	var secret, sent, webhookID, organizationID string
	var licenseID *int64
	json.Unmarshal(doc["secret_key"], &secret)
	json.Unmarshal(doc["action"], &sent)
	json.Unmarshal(doc["webhook_id"], &webhookID)
	json.Unmarshal(doc["organization_id"], &organizationID)
	json.Unmarshal(doc["license_id"], &licenseID)
	if secret == "" || sent == "" {
		t.Fatalf("fixture without secret_key or action")
	}
	payloadKey := "payload"
	if version == "3.0" {
		payloadKey = "data"
	}
	payloadText, ok := doc[payloadKey]
	if !ok {
		t.Fatalf("a v%s body without %q", version, payloadKey)
	}

	// The fixture's secret second: the list of a key rotation.
	secrets := []string{"the-new-secret-nobody-sent", secret}
	ev, err := lcbot.VerifyWebhook(raw, secrets, nil)
	if err != nil {
		t.Fatalf("VerifyWebhook: %v", err)
	}
	wantAction := sent
	if n, ok := renamed[sent]; ok {
		wantAction = n
	}
	if ev.Action != wantAction || ev.ActionAsSent != sent {
		t.Errorf("action %q as sent %q; want %q as sent %q", ev.Action, ev.ActionAsSent, wantAction, sent)
	}
	if ev.WebhookID != webhookID || ev.OrganizationID != organizationID {
		t.Errorf("webhook_id %q organization_id %q; want %q, %q", ev.WebhookID, ev.OrganizationID, webhookID, organizationID)
	}
	if (ev.LicenseID == nil) != (licenseID == nil) || (licenseID != nil && *ev.LicenseID != *licenseID) {
		t.Errorf("license_id %v; want %v", ev.LicenseID, licenseID)
	}
	// What each version's real bodies carry.
	switch version {
	case "3.2", "3.3":
		if ev.LicenseID == nil || ev.OrganizationID != "" {
			t.Errorf("a v%s body has license_id (an integer) and no organization_id: %v, %q", version, ev.LicenseID, ev.OrganizationID)
		}
	case "3.4", "3.5", "3.6":
		if ev.OrganizationID == "" || ev.LicenseID != nil {
			t.Errorf("a v%s body has organization_id and no license_id: %v, %q", version, ev.LicenseID, ev.OrganizationID)
		}
	}
	if !jsonEqual(t, ev.Payload, payloadText) {
		t.Errorf("payload changed:\n got %s\nwant %s", ev.Payload, payloadText)
	}
	wantAdditional := doc["additional_data"]
	if wantAdditional == nil {
		wantAdditional = json.RawMessage(`{}`)
	}
	if !jsonEqual(t, ev.AdditionalData, wantAdditional) {
		t.Errorf("additional_data %s; want %s", ev.AdditionalData, wantAdditional)
	}
	// Unknown top-level fields pass through in Extra; known ones do not.
	var wantExtra []string
	for k := range doc {
		switch k {
		case "webhook_id", "secret_key", "action", "payload", "data", "license_id", "organization_id", "additional_data":
		default:
			wantExtra = append(wantExtra, k)
		}
	}
	var gotExtra []string
	for k := range ev.Extra {
		gotExtra = append(gotExtra, k)
		if !jsonEqual(t, ev.Extra[k], doc[k]) {
			t.Errorf("extra %s: %s; want %s", k, ev.Extra[k], doc[k])
		}
	}
	sort.Strings(wantExtra)
	sort.Strings(gotExtra)
	if !reflect.DeepEqual(gotExtra, wantExtra) {
		t.Errorf("extra fields %v; want %v", gotExtra, wantExtra)
	}
	var payload map[string]any
	if err := json.Unmarshal(ev.Payload, &payload); err != nil {
		t.Fatalf("payload: %v", err)
	}
	if want := wantDedupeKey(wantAction, payload, ev.Payload); ev.DedupeKey != want {
		t.Errorf("dedupe key %q; want %q", ev.DedupeKey, want)
	}
	noSecretIn(t, "the event", []string{secret}, prints(ev)...)

	typed, err := ev.Typed()
	if err != nil {
		t.Fatalf("Typed: %v", err)
	}
	want, isTyped := typedActions[ev.Action]
	if !isTyped {
		if rm, ok := typed.(json.RawMessage); !ok || !bytes.Equal(rm, ev.Payload) {
			t.Errorf("Typed of %s: %T; want the payload as json.RawMessage", ev.Action, typed)
		}
		return
	}
	seenTyped[ev.Action]++
	if reflect.TypeOf(typed) != want {
		t.Fatalf("Typed of %s: %T; want %v", ev.Action, typed, want)
	}
	checkTyped(t, typed, payload)
}

// checkTyped compares the typed payload's fields with the JSON's.
func checkTyped(t *testing.T, typed any, p map[string]any) {
	t.Helper()
	eq := func(field, got string, path ...string) {
		t.Helper()
		want, _ := str(p, path...)
		if got != want {
			t.Errorf("%s = %q; want %q", field, got, want)
		}
	}
	raw := reflect.ValueOf(typed).Elem().FieldByName("Raw").Bytes()
	b, _ := json.Marshal(p)
	if !jsonEqual(t, raw, b) {
		t.Errorf("Raw is not the payload: %s", raw)
	}
	checkEvent := func(e lcbot.ChatEvent) {
		t.Helper()
		eq("event.id", e.ID, "event", "id")
		eq("event.type", e.Type, "event", "type")
		eq("event.text", e.Text, "event", "text")
		eq("event.author_id", e.AuthorID, "event", "author_id")
		eb, _ := json.Marshal(p["event"])
		if e.ID == "" || e.Type == "" || !jsonEqual(t, e.Raw, eb) {
			t.Errorf("event %+v", e)
		}
	}
	switch v := typed.(type) {
	case *lcbot.IncomingChatPayload:
		eq("chat.id", v.Chat.ID, "chat", "id")
		if v.Chat.ID == "" || v.Chat.Thread == nil || v.Chat.Thread.ID == "" || len(v.Chat.Users) == 0 {
			t.Fatalf("chat %+v", v.Chat)
		}
		eq("chat.thread.id", v.Chat.Thread.ID, "chat", "thread", "id")
		users := p["chat"].(map[string]any)["users"].([]any)
		for i, u := range v.Chat.Users {
			want := users[i].(map[string]any)
			if u.ID != want["id"] || u.Type != want["type"] || u.ID == "" {
				t.Errorf("users[%d] %+v; want %v", i, u, want)
			}
		}
		events, _ := p["chat"].(map[string]any)["thread"].(map[string]any)["events"].([]any)
		if len(v.Chat.Thread.Events) != len(events) {
			t.Errorf("%d thread events; want %d", len(v.Chat.Thread.Events), len(events))
		}
		for i, e := range v.Chat.Thread.Events {
			if e.ID != events[i].(map[string]any)["id"] || e.Type == "" {
				t.Errorf("thread event %d: %+v", i, e)
			}
		}
	case *lcbot.IncomingEventPayload:
		eq("chat_id", v.ChatID, "chat_id")
		eq("thread_id", v.ThreadID, "thread_id")
		checkEvent(v.Event)
	case *lcbot.EventUpdatedPayload:
		eq("chat_id", v.ChatID, "chat_id")
		eq("thread_id", v.ThreadID, "thread_id")
		checkEvent(v.Event)
	case *lcbot.RichMessagePostbackPayload:
		eq("user_id", v.UserID, "user_id")
		eq("chat_id", v.ChatID, "chat_id")
		eq("thread_id", v.ThreadID, "thread_id")
		eq("event_id", v.EventID, "event_id")
		eq("postback.id", v.Postback.ID, "postback", "id")
		if toggled, _ := p["postback"].(map[string]any)["toggled"].(bool); v.Postback.Toggled != toggled || v.Postback.ID == "" {
			t.Errorf("postback %+v", v.Postback)
		}
	case *lcbot.ChatDeactivatedPayload:
		eq("chat_id", v.ChatID, "chat_id")
		eq("thread_id", v.ThreadID, "thread_id")
		eq("user_id", v.UserID, "user_id")
		if v.ChatID == "" {
			t.Errorf("%+v", v)
		}
	case *lcbot.ChatTransferredPayload:
		eq("chat_id", v.ChatID, "chat_id")
		eq("thread_id", v.ThreadID, "thread_id")
		eq("requester_id", v.RequesterID, "requester_id")
		eq("reason", v.Reason, "reason")
		to, _ := p["transferred_to"].(map[string]any)
		if v.ChatID == "" || len(v.TransferredTo.AgentIDs)+len(v.TransferredTo.GroupIDs) == 0 ||
			len(v.TransferredTo.AgentIDs) != len(asSlice(to["agent_ids"])) || len(v.TransferredTo.GroupIDs) != len(asSlice(to["group_ids"])) {
			t.Errorf("transferred_to %+v; want %v", v.TransferredTo, to)
		}
		if q, ok := p["queue"].(map[string]any); ok {
			if v.Queue == nil || float64(v.Queue.Position) != q["position"] || float64(v.Queue.WaitTime) != q["wait_time"] {
				t.Errorf("queue %+v; want %v", v.Queue, q)
			}
		} else if v.Queue != nil {
			t.Errorf("queue %+v; want none", v.Queue)
		}
	case *lcbot.RoutingStatusSetPayload:
		eq("agent_id", v.AgentID, "agent_id")
		eq("status", v.Status, "status")
		if v.AgentID == "" || v.Status == "" {
			t.Errorf("%+v", v)
		}
	case *lcbot.ChatUserPayload:
		eq("chat_id", v.ChatID, "chat_id")
		eq("thread_id", v.ThreadID, "thread_id")
		eq("user_id", v.UserID, "user_id")
		eq("user_type", v.UserType, "user_type")
		eq("reason", v.Reason, "reason")
		eq("requester_id", v.RequesterID, "requester_id")
		if _, ok := p["user"]; ok {
			if v.User == nil || v.User.ID == "" {
				t.Fatalf("user %+v", v.User)
			}
			eq("user.id", v.User.ID, "user", "id")
			eq("user.type", v.User.Type, "user", "type")
		}
		if v.ChatID == "" || v.AffectedUserID() == "" {
			t.Errorf("%+v: no chat or user", v)
		}
	default:
		t.Fatalf("unexpected %T", typed)
	}
}

func asSlice(v any) []any { s, _ := v.([]any); return s }

func TestWebhookSecretRotation(t *testing.T) {
	secrets := []string{"new-secret-2026", "old-secret-2025"}
	payload := map[string]any{"agent_id": "a1", "status": "accepting_chats"}
	for _, s := range secrets {
		if ev, err := lcbot.VerifyWebhook(body(t, s, "routing_status_set", payload), secrets, nil); err != nil || ev.Action != "routing_status_set" {
			t.Errorf("secret %q refused: %v", s, err)
		}
	}
	// Only exactly one of them: not a prefix, an extension, another case,
	// an empty string, a missing key or another type.
	for name, b := range map[string][]byte{
		"other":     body(t, "older-secret-2024", "routing_status_set", payload),
		"prefix":    body(t, "new-secret-202", "routing_status_set", payload),
		"longer":    body(t, "new-secret-20266", "routing_status_set", payload),
		"case":      body(t, "NEW-SECRET-2026", "routing_status_set", payload),
		"empty":     body(t, "", "routing_status_set", payload),
		"both":      body(t, "new-secret-2026old-secret-2025", "routing_status_set", payload),
		"missing":   []byte(`{"webhook_id":"w","action":"routing_status_set","payload":{}}`),
		"a number":  []byte(`{"webhook_id":"w","secret_key":2026,"action":"routing_status_set","payload":{}}`),
		"an array":  []byte(`{"webhook_id":"w","secret_key":["new-secret-2026"],"action":"routing_status_set","payload":{}}`),
		"null":      []byte(`{"webhook_id":"w","secret_key":null,"action":"routing_status_set","payload":{}}`),
		"no action": []byte(`{"secret_key":"wrong"}`), // the secret is checked first
	} {
		_, err := lcbot.VerifyWebhook(b, secrets, nil)
		if !lcbot.IsSecretMismatch(err) {
			t.Errorf("%s: %v; want a secret mismatch", name, err)
			continue
		}
		checkPredicates(t, name, err, "IsSecretMismatch")
		e := asError(t, err)
		if e.Code != lcbot.CodeSecretMismatch || e.CodeName != "secret_mismatch" || e.Op != "webhook_verify" {
			t.Errorf("%s: %#v", name, e)
		}
		noSecretIn(t, name, secrets, prints(err)...)
	}
	// One secret alone, and the old one dropped after the rotation.
	if _, err := lcbot.VerifyWebhook(body(t, "old-secret-2025", "x", payload), secrets[:1], nil); !lcbot.IsSecretMismatch(err) {
		t.Errorf("a dropped secret: %v", err)
	}
}

func TestWebhookWrongSecretShowsNoSecret(t *testing.T) {
	accepted := []string{"accepted-secret-AAAA", "accepted-secret-BBBB"}
	received := "received-secret-CCCC"
	all := append([]string{received}, accepted...)
	_, err := lcbot.VerifyWebhook(body(t, received, "incoming_event", map[string]any{"chat_id": "c"}), accepted, nil)
	if !lcbot.IsSecretMismatch(err) {
		t.Fatalf("%v", err)
	}
	noSecretIn(t, "the mismatch error", all, prints(err)...)
	noSecretIn(t, "the mismatch error", all, prints(asError(t, err))...)
	noSecretIn(t, "the wrapped error", all, prints(fmt.Errorf("webhook: %w", err))...)

	// Malformed bodies that carry a secret: the errors do not quote it.
	// (Once the secret matched, the payload's values are the sender's own
	// data and may be quoted: they are not secrets.)
	for name, b := range map[string][]byte{
		"cut short":       []byte(`{"secret_key":"accepted-secret-AAAA","action":"incoming_ev`),
		"bad escape":      []byte(`{"secret_key":"received-secret-CCCC\q"}`),
		"duplicate key":   []byte(`{"secret_key":"accepted-secret-AAAA","secret_key":"received-secret-CCCC","action":"a","payload":{}}`),
		"control char":    []byte("{\"secret_key\":\"accepted-secret-AAAA\x01\",\"action\":\"a\",\"payload\":{}}"),
		"bad UTF-8":       []byte("{\"secret_key\":\"received-secret-CCCC\xff\",\"action\":\"a\",\"payload\":{}}"),
		"trailing":        []byte(`{"secret_key":"accepted-secret-AAAA","action":"a","payload":{}} "received-secret-CCCC"`),
		"action a number": []byte(`{"secret_key":"accepted-secret-AAAA","action":1,"payload":{}}`),
	} {
		_, err := lcbot.VerifyWebhook(b, accepted, nil)
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		noSecretIn(t, name, all, prints(err)...)
	}

	// A good event prints no secret either, whatever the verb.
	ev, err := lcbot.VerifyWebhook(body(t, accepted[1], "incoming_event", map[string]any{"chat_id": "c", "event": map[string]any{"id": "e", "type": "message"}}, "brand_new_field", "x"), accepted, nil)
	if err != nil {
		t.Fatal(err)
	}
	noSecretIn(t, "the event", all, prints(ev)...)
	noSecretIn(t, "the event", all, prints(*ev)...)
}

func TestWebhookBadSecrets(t *testing.T) {
	b := body(t, "s", "incoming_event", map[string]any{})
	for name, secrets := range map[string][]string{
		"nil":          nil,
		"empty list":   {},
		"empty secret": {""},
		"one empty":    {"s", ""},
	} {
		ev, err := lcbot.VerifyWebhook(b, secrets, nil)
		if ev != nil || !lcbot.IsValidation(err) || lcbot.IsSecretMismatch(err) {
			t.Errorf("%s: %v, %v; want a validation error, never an event", name, ev, err)
			continue
		}
		if e := asError(t, err); !strings.HasPrefix(e.Message, "secrets") || e.Op != "webhook_verify" {
			t.Errorf("%s: %#v", name, e)
		}
	}
	// Not UTF-8: refused here rather than mangled by encoding/json (which
	// would make "\xff" and "\xfe" one secret, U+FFFD).
	_, err := lcbot.VerifyWebhook(body(t, "\ufffd", "a", map[string]any{}), []string{"\xff"}, nil)
	if e := asError(t, err); e.Code != lcbot.CodeInvalidUTF8 || e.Message != "secrets[0]: not valid UTF-8" {
		t.Errorf("invalid UTF-8 secret: %#v", e)
	}
	// A secret with a NUL or quotes is still just a string.
	odd := "a\x00b\"c\\d\u2028"
	if _, err := lcbot.VerifyWebhook(body(t, odd, "a", map[string]any{}), []string{odd}, nil); err != nil {
		t.Errorf("odd secret: %v", err)
	}
}

// padded is a valid body of exactly n bytes (JSON allows trailing spaces).
func padded(t *testing.T, secret string, n int) []byte {
	b := body(t, secret, "incoming_event", map[string]any{"chat_id": "c"})
	if len(b) > n {
		t.Fatalf("body of %d bytes already over %d", len(b), n)
	}
	return append(b, bytes.Repeat([]byte{' '}, n-len(b))...)
}

func TestWebhookSizeCap(t *testing.T) {
	secrets := []string{"s"}
	for _, limit := range []int{200, 4096} {
		opts := &lcbot.WebhookOptions{MaxBodyBytes: limit}
		if _, err := lcbot.VerifyWebhook(padded(t, "s", limit), secrets, opts); err != nil {
			t.Errorf("%d bytes with a cap of %d: %v", limit, limit, err)
		}
		_, err := lcbot.VerifyWebhook(padded(t, "s", limit+1), secrets, opts)
		checkPredicates(t, "over the cap", err, "IsTooLarge")
		if e := asError(t, err); e.CodeName != "too_large" || e.Code != lcbot.CodeTooLarge || e.Op != "webhook_verify" {
			t.Errorf("%d bytes with a cap of %d: %#v", limit+1, limit, e)
		}
		// Over the cap is said before anything else, even to a sender
		// without the secret.
		if _, err := lcbot.VerifyWebhook(padded(t, "wrong", limit+1), secrets, opts); !lcbot.IsTooLarge(err) {
			t.Errorf("too large and the wrong secret: %v", err)
		}
	}
	// The default: 1 MiB.
	if lcbot.DefaultWebhookMaxBodyBytes != 1<<20 {
		t.Fatalf("DefaultWebhookMaxBodyBytes = %d", lcbot.DefaultWebhookMaxBodyBytes)
	}
	for _, opts := range []*lcbot.WebhookOptions{nil, {}} {
		if _, err := lcbot.VerifyWebhook(padded(t, "s", 1<<20), secrets, opts); err != nil {
			t.Errorf("1 MiB by default (%v): %v", opts, err)
		}
		if _, err := lcbot.VerifyWebhook(padded(t, "s", 1<<20+1), secrets, opts); !lcbot.IsTooLarge(err) {
			t.Errorf("1 MiB + 1 by default (%v): %v", opts, err)
		}
	}
	// A cap the C type cannot hold.
	bad := []int{-1}
	if strconv.IntSize == 64 { // an int over the C type's uint32
		over := int64(math.MaxUint32) + 1
		bad = append(bad, int(over), math.MaxInt)
	}
	for _, n := range bad {
		_, err := lcbot.VerifyWebhook(padded(t, "s", 200), secrets, &lcbot.WebhookOptions{MaxBodyBytes: n})
		if !lcbot.IsValidation(err) || !strings.Contains(err.Error(), "MaxBodyBytes") {
			t.Errorf("MaxBodyBytes %d: %v", n, err)
		}
	}
}

func TestWebhookMalformed(t *testing.T) {
	secrets := []string{"s"}
	for name, tc := range map[string]struct {
		body []byte
		code lcbot.ErrorCode
	}{
		"empty":            {nil, lcbot.CodeInvalidJSON},
		"not JSON":         {[]byte("secret_key=s&action=a"), lcbot.CodeInvalidJSON},
		"not UTF-8":        {[]byte("{\"secret_key\":\"s\",\"action\":\"a\xff\",\"payload\":{}}"), lcbot.CodeInvalidUTF8},
		"an array":         {[]byte(`[{"secret_key":"s"}]`), lcbot.CodeValidation},
		"no action":        {[]byte(`{"secret_key":"s","payload":{}}`), lcbot.CodeValidation},
		"empty action":     {[]byte(`{"secret_key":"s","action":"","payload":{}}`), lcbot.CodeValidation},
		"no payload":       {[]byte(`{"secret_key":"s","action":"a"}`), lcbot.CodeValidation},
		"payload and data": {[]byte(`{"secret_key":"s","action":"a","payload":{},"data":{}}`), lcbot.CodeValidation},
		"payload an array": {[]byte(`{"secret_key":"s","action":"a","payload":[]}`), lcbot.CodeValidation},
		"license a string": {[]byte(`{"secret_key":"s","action":"a","payload":{},"license_id":"21377312"}`), lcbot.CodeValidation},
		// The body is a length and bytes, not a C string: what follows a
		// NUL is read, and refused.
		"NUL then more": {append(body(t, "s", "a", map[string]any{}), 0, '{'), lcbot.CodeInvalidJSON},
		"NUL inside":    {[]byte("{\"secret_key\":\"s\x00\",\"action\":\"a\",\"payload\":{}}"), lcbot.CodeInvalidJSON},
	} {
		_, err := lcbot.VerifyWebhook(tc.body, secrets, nil)
		if e := asError(t, err); e.Code != tc.code || e.Op != "webhook_verify" || e.Message == "" {
			t.Errorf("%s: %v; want %v", name, err, tc.code)
		}
	}
}

func TestWebhookUnknownPassesThrough(t *testing.T) {
	payload := map[string]any{"bot_id": "b1", "some_future_field": map[string]any{"nested": []any{1.0, "two"}}}
	b := body(t, "s", "bot_created_in_v4", payload, "region", "dal", "delivery", map[string]any{"attempt": 2.0})
	ev, err := lcbot.VerifyWebhook(b, []string{"s"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Action != "bot_created_in_v4" || ev.ActionAsSent != "bot_created_in_v4" {
		t.Errorf("action %q / %q", ev.Action, ev.ActionAsSent)
	}
	want, _ := json.Marshal(payload)
	if !jsonEqual(t, ev.Payload, want) {
		t.Errorf("payload %s", ev.Payload)
	}
	if len(ev.Extra) != 2 || string(ev.Extra["region"]) != `"dal"` || !jsonEqual(t, ev.Extra["delivery"], []byte(`{"attempt":2}`)) {
		t.Errorf("extra %v", ev.Extra)
	}
	if _, ok := ev.Extra["secret_key"]; ok {
		t.Error("secret_key in Extra")
	}
	if typed, err := ev.Typed(); err != nil || !bytes.Equal(typed.(json.RawMessage), ev.Payload) {
		t.Errorf("Typed: %v, %v", typed, err)
	}

	// Unknown fields of a typed payload stay in Raw, at every level.
	b = body(t, "s", "incoming_event", map[string]any{
		"chat_id": "C1", "thread_id": "T1", "new_top": true,
		"event": map[string]any{"id": "E1", "type": "file", "url": "https://cdn/x.png", "visibility": "all"},
	})
	ev, err = lcbot.VerifyWebhook(b, []string{"s"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	typed, err := ev.Typed()
	p, ok := typed.(*lcbot.IncomingEventPayload)
	if err != nil || !ok {
		t.Fatalf("Typed: %T, %v", typed, err)
	}
	var ext struct {
		NewTop bool `json:"new_top"`
	}
	var file struct {
		URL string `json:"url"`
	}
	if json.Unmarshal(p.Raw, &ext) != nil || !ext.NewTop || json.Unmarshal(p.Event.Raw, &file) != nil || file.URL != "https://cdn/x.png" ||
		p.Event.Visibility != "all" || p.Event.Type != "file" || p.ChatID != "C1" {
		t.Errorf("%+v", p)
	}
	if ev.WebhookID == "" || ev.LicenseID != nil || ev.OrganizationID != "" || string(ev.AdditionalData) != "{}" {
		t.Errorf("%+v", ev)
	}

	// A typed payload whose fields have other types: an error from Typed,
	// the event itself still good.
	ev, err = lcbot.VerifyWebhook(body(t, "s", "incoming_event", map[string]any{"chat_id": 42}), []string{"s"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ev.Typed(); asError(t, err).Code != lcbot.CodeDecode || ev.DedupeKey == "" {
		t.Errorf("Typed of a bad payload: %v", err)
	}
}

// API v3.0's shape, whatever fixtures exist: the event under "data", no
// license or organization, additional_data absent, old action names.
func TestWebhookV30Shape(t *testing.T) {
	b := []byte(`{"webhook_id":"w30","secret_key":"s","action":"thread_closed","data":{"chat_id":"C","thread_id":"T","user_id":"u@x"}}`)
	ev, err := lcbot.VerifyWebhook(b, []string{"s"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Action != "chat_deactivated" || ev.ActionAsSent != "thread_closed" || ev.WebhookID != "w30" || ev.LicenseID != nil ||
		string(ev.AdditionalData) != "{}" || ev.DedupeKey != "chat_deactivated/C/T" || ev.Extra != nil {
		t.Errorf("%+v", ev)
	}
	typed, err := ev.Typed()
	if p, ok := typed.(*lcbot.ChatDeactivatedPayload); err != nil || !ok || p.ChatID != "C" || p.UserID != "u@x" {
		t.Errorf("%#v, %v", typed, err)
	}
	// v3.4+: organization_id.
	b = body(t, "s", "chat_deactivated", map[string]any{"chat_id": "C"}, "organization_id", "390e44e6-f1e6-0368c-z6ddb-74g14508c2ax")
	if ev, err := lcbot.VerifyWebhook(b, []string{"s"}, nil); err != nil || ev.OrganizationID != "390e44e6-f1e6-0368c-z6ddb-74g14508c2ax" || ev.LicenseID != nil || !regexp.MustCompile(`^chat_deactivated/C/[0-9a-f]{16}$`).MatchString(ev.DedupeKey) {
		t.Errorf("%+v, %v", ev, err)
	}
}

func TestWebhookDedupeKey(t *testing.T) {
	secrets := []string{"s"}
	key := func(b []byte) string {
		t.Helper()
		ev, err := lcbot.VerifyWebhook(b, secrets, nil)
		if err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		return ev.DedupeKey
	}
	event := map[string]any{"chat_id": "C", "thread_id": "T", "event": map[string]any{"id": "T_3", "type": "message", "text": "hi"}}
	first := body(t, "s", "incoming_event", event)
	if k := key(first); k != "incoming_event/C/T_3" || key(first) != k {
		t.Errorf("redelivery: %q", k)
	}
	// A redelivery laid out differently, or with other additional data,
	// is the same event.
	var indented bytes.Buffer
	json.Indent(&indented, first, "", "\t")
	if key(indented.Bytes()) != key(first) || key(body(t, "s", "incoming_event", event, "additional_data", map[string]any{"chat_properties": 1})) != key(first) {
		t.Error("a redelivery got another key")
	}
	// Another event of the same chat is not.
	other := map[string]any{"chat_id": "C", "thread_id": "T", "event": map[string]any{"id": "T_4", "type": "message"}}
	if key(body(t, "s", "incoming_event", other)) == key(first) {
		t.Error("two events, one key")
	}
	// v3.1's name and v3.2's give one key (the action is normalized).
	chat := map[string]any{"chat": map[string]any{"id": "C", "thread": map[string]any{"id": "T"}}}
	if a, b := key(body(t, "s", "incoming_chat_thread", chat)), key(body(t, "s", "incoming_chat", chat)); a != b || a != "incoming_chat/C/T" {
		t.Errorf("%q, %q", a, b)
	}
	// Without a chat: "-" and a hash of the payload, the same for a redelivery.
	bare := map[string]any{"agent_id": "a", "status": "offline"}
	k := key(body(t, "s", "routing_status_set", bare))
	if !regexp.MustCompile(`^routing_status_set/-/[0-9a-f]{16}$`).MatchString(k) || key(body(t, "s", "routing_status_set", bare)) != k ||
		key(body(t, "s", "routing_status_set", map[string]any{"agent_id": "a", "status": "accepting_chats"})) == k {
		t.Errorf("hashed key %q", k)
	}
}

func TestWebhookConcurrent(t *testing.T) {
	secrets := []string{"s1", "s2"}
	done := make(chan error)
	for g := 0; g < 8; g++ {
		go func() {
			for i := 0; i < 200; i++ {
				id := fmt.Sprintf("E%d_%d", g, i)
				ev, err := lcbot.VerifyWebhook(body(t, secrets[i%2], "incoming_event", map[string]any{"chat_id": "C", "event": map[string]any{"id": id}}), secrets, nil)
				if err == nil && ev.DedupeKey != "incoming_event/C/"+id {
					err = fmt.Errorf("key %q for %s", ev.DedupeKey, id)
				}
				if err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for g := 0; g < 8; g++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

package livechatbots_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	lcbot "github.com/livechat-bots/livechat-bots/bindings/go"
)

// jsonNames are the JSON field names of a struct type, from its tags.
func jsonNames(t reflect.Type) []string {
	var names []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// The Go models carry exactly the fields the core knows (lcbot_schema), so
// that a field the core learns cannot be missing here, nor one it drops
// stay.
func TestModelsMatchTheCoreSchema(t *testing.T) {
	doc, err := lcbot.Schema()
	if err != nil {
		t.Fatal(err)
	}
	var schema struct {
		Requests map[string][]string            `json:"requests"`
		Results  map[string][]string            `json:"results"`
		Versions map[string]map[string][]string `json:"versions"`
	}
	if err := json.Unmarshal([]byte(doc), &schema); err != nil {
		t.Fatalf("schema %s: %v", doc, err)
	}
	// Fields the typed methods do not offer, on purpose: the reads' "fields"
	// (v3.3+) changes which fields come back, and the typed reads want the
	// models' fields; Client.Call sends it.
	notInGo := map[string][]string{
		"get_bot_agents":        {"fields"},
		"get_bot_agent_details": {"fields"},
	}
	check := func(kind string, core map[string][]string, goTypes map[string]any, skip map[string][]string) {
		if got, want := sortedKeys(goTypes), sortedKeys(core); !slices.Equal(got, want) {
			t.Errorf("%s: Go has models for %v, the core for %v", kind, got, want)
		}
		for name, fields := range core {
			model, ok := goTypes[name]
			if !ok {
				continue
			}
			want := []string{}
			for _, f := range fields {
				if !slices.Contains(skip[name], f) {
					want = append(want, f)
				}
			}
			for _, f := range skip[name] {
				if !slices.Contains(fields, f) {
					t.Errorf("%s %s: the core no longer has %q: drop it from notInGo", kind, name, f)
				}
			}
			sort.Strings(want)
			if got := jsonNames(reflect.TypeOf(model)); !slices.Equal(got, want) {
				t.Errorf("%s %s (%T):\n   Go %v\n core %v", kind, name, model, got, want)
			}
		}
	}
	check("request", schema.Requests, lcbot.Models.Requests, notInGo)
	check("result", schema.Results, lcbot.Models.Results, nil)
	// Every version's fields are among the request's.
	for v, actions := range schema.Versions {
		for action, fields := range actions {
			for _, f := range fields {
				if !slices.Contains(schema.Requests[action], f) {
					t.Errorf("version %s %s: %q is not in requests", v, action, f)
				}
			}
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// The v3.3+ fields are sent and come back in the details, on every version
// that has them.
func TestNewerFieldsRoundTrip(t *testing.T) {
	ctx := context.Background()
	scheduler := lcbot.WorkScheduler{"timezone": "Europe/Warsaw", "schedule": []any{
		map[string]any{"day": "monday", "enabled": true, "start": "08:00", "end": "16:00"},
	}}
	for _, version := range []string{"3.3", "3.5", "3.6"} {
		t.Run(version, func(t *testing.T) {
			emu := startEmulator(t, &lcbot.EmulatorConfig{Tokens: []lcbot.EmulatorToken{
				{Token: "dev-token", ClientID: "dev-client", Scopes: []string{"agents-bot--my:rw"}},
				{Token: "acc-1:pat-1", ClientID: "pat-app", Scopes: []string{"agents-bot--my:rw"}},
			}})
			// Before v3.6 owner_client_id goes with a personal access token
			// only (the emulator checks it as LiveChat does).
			owner := "dev-client"
			c := newClient(t, emu, func(cfg *lcbot.Config) {
				cfg.APIVersion = version
				if version < "3.6" {
					owner = "pat-app"
					cfg.Token, cfg.PersonalAccessToken = "", &lcbot.PersonalAccessToken{AccountID: "acc-1", PAT: "pat-1"}
				}
			})
			req := lcbot.CreateBotAgentRequest{
				Name: "Full", Avatar: "https://example.com/f.png", MaxChatsCount: lcbot.Ptr(2),
				Groups:               []lcbot.Group{{ID: 1, Priority: lcbot.PriorityFirst}},
				DefaultGroupPriority: lcbot.PriorityLast,
				JobTitle:             "Greeter", Timezone: "Europe/Warsaw", WorkScheduler: scheduler,
				OwnerClientID: owner,
			}
			if version == "3.6" {
				req.Type = "assistant"
			}
			created, err := c.CreateBotAgent(ctx, req)
			if err != nil {
				t.Fatalf("CreateBotAgent: %v", err)
			}
			want := lcbot.BotAgentDetails{
				ID: created.ID, Name: "Full", Avatar: "https://example.com/f.png",
				Application: lcbot.Application{ClientID: owner}, MaxChatsCount: 2,
				Groups: []lcbot.Group{{ID: 1, Priority: lcbot.PriorityFirst}}, DefaultGroupPriority: lcbot.PriorityLast,
				JobTitle: "Greeter", Timezone: "Europe/Warsaw", WorkScheduler: scheduler, Type: req.Type,
			}
			got, err := c.GetBotAgentDetails(ctx, created.ID)
			if err != nil {
				t.Fatalf("GetBotAgentDetails: %v", err)
			}
			if !reflect.DeepEqual(*got, want) {
				t.Fatalf("details:\n got %+v\nwant %+v", *got, want)
			}

			// Update sends what is set: Ptr("") clears the job title.
			err = c.UpdateBotAgent(ctx, lcbot.UpdateBotAgentRequest{ID: created.ID, JobTitle: lcbot.Ptr(""), Timezone: lcbot.Ptr("UTC")})
			if err != nil {
				t.Fatalf("UpdateBotAgent: %v", err)
			}
			log := requestsFor(t, emu, "update_bot") // v3.3+ names it so
			var body map[string]any
			if err := json.Unmarshal(log[len(log)-1].Body, &body); err != nil {
				t.Fatal(err)
			}
			if want := map[string]any{"id": created.ID, "job_title": "", "timezone": "UTC"}; !reflect.DeepEqual(body, want) {
				t.Fatalf("update sent %v, want %v", body, want)
			}
			got, err = c.GetBotAgentDetails(ctx, created.ID)
			if err != nil || got.JobTitle != "" || got.Timezone != "UTC" || !reflect.DeepEqual(got.WorkScheduler, scheduler) {
				t.Fatalf("after update: %+v, %v", got, err)
			}
		})
	}
	// Before v3.3 the library refuses them, naming the field.
	emu := startEmulator(t, nil)
	c := newClient(t, emu, nil)
	_, err := c.CreateBotAgent(ctx, lcbot.CreateBotAgentRequest{Name: "x", Status: lcbot.StatusOffline, JobTitle: "Greeter"})
	if e := asError(t, err); e.Code != lcbot.CodeValidation || !strings.Contains(e.Message, "job_title") {
		t.Fatalf("job_title on 3.0: %v", err)
	}
}

// The bot secret of v3.5+ never shows in a print, a log record or JSON;
// Reveal gives it.
func TestBotSecretIsNotPrinted(t *testing.T) {
	emu := startEmulator(t, nil)
	c := newClient(t, emu, func(cfg *lcbot.Config) { cfg.APIVersion = "3.5" })
	created, err := c.CreateBotAgent(context.Background(), lcbot.CreateBotAgentRequest{Name: "Secretive"})
	if err != nil {
		t.Fatal(err)
	}
	secret := created.Secret.Reveal()
	if len(secret) < 16 || created.Secret.IsZero() {
		t.Fatalf("secret %d bytes", len(secret))
	}
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("created", "result", created, "secret", created.Secret)
	asJSON, _ := json.Marshal(created)
	prints := []string{
		fmt.Sprint(created), fmt.Sprintf("%v", created), fmt.Sprintf("%+v", created), fmt.Sprintf("%#v", created),
		fmt.Sprintf("%v", &created), fmt.Sprintf("%+v", &created), fmt.Sprintf("%#v", &created),
		fmt.Sprintf("%s", created.Secret), fmt.Sprintf("%q", created.Secret), fmt.Sprintf("%x", created.Secret),
		fmt.Sprintf("%v", []lcbot.BotSecret{created.Secret}), fmt.Sprintf("%#v", map[string]lcbot.BotSecret{"s": created.Secret}),
		created.Secret.String(), created.Secret.GoString(), logged.String(), string(asJSON),
	}
	for _, p := range prints {
		if strings.Contains(p, secret) {
			t.Errorf("secret printed: %s", p)
		}
		if !strings.Contains(p, "[redacted]") {
			t.Errorf("no [redacted] in %s", p)
		}
	}
	if !strings.Contains(fmt.Sprintf("%+v", created), created.ID) {
		t.Errorf("the id is printed: %+v", created)
	}
	// The zero secret (before v3.5) prints as nothing.
	if s := fmt.Sprintf("%v|%#v", lcbot.BotSecret{}, lcbot.BotSecret{}); s != "|" {
		t.Errorf("zero secret: %q", s)
	}
	if lcbot.NewBotSecret("x").Reveal() != "x" {
		t.Error("NewBotSecret")
	}
}

// A webhook secret key does not show in prints of the models either.
func TestWebhookSecretIsNotPrinted(t *testing.T) {
	d := lcbot.BotAgentDetails{Name: "n", Webhooks: &lcbot.Webhooks{URL: "https://h", SecretKey: "hook-secret-key", Actions: []lcbot.WebhookAction{{Name: "incoming_chat"}}}}
	for _, p := range []string{fmt.Sprint(d), fmt.Sprintf("%+v", d), fmt.Sprintf("%#v", d), fmt.Sprintf("%v", *d.Webhooks), fmt.Sprintf("%#v", d.Webhooks)} {
		if strings.Contains(p, "hook-secret-key") {
			t.Errorf("secret printed: %s", p)
		}
	}
	if p := fmt.Sprintf("%v", *d.Webhooks); !strings.Contains(p, "https://h") || !strings.Contains(p, "incoming_chat") {
		t.Errorf("webhooks print: %s", p)
	}
	// JSON still carries it: it is the request's.
	if b, _ := json.Marshal(d.Webhooks); !strings.Contains(string(b), "hook-secret-key") {
		t.Errorf("JSON: %s", b)
	}
}

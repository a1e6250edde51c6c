package livechatbots_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	lcbot "github.com/livechat-bots/livechat-bots/bindings/go"
)

var botID = regexp.MustCompile(`^[0-9a-f]{32}$`)

func TestVersion(t *testing.T) {
	if lcbot.ABIVersion() != lcbot.SupportedABIVersion {
		t.Fatalf("ABIVersion %d, want %d", lcbot.ABIVersion(), lcbot.SupportedABIVersion)
	}
	if !regexp.MustCompile(`^\d+\.\d+\.\d+`).MatchString(lcbot.Version()) {
		t.Fatalf("Version %q is not semver", lcbot.Version())
	}
}

func TestBotLifecycle(t *testing.T) {
	emu, c := setup(t)
	ctx := context.Background()

	created, err := c.CreateBotAgent(ctx, lcbot.CreateBotAgentRequest{
		Name:          "Helper",
		Status:        lcbot.StatusAcceptingChats,
		Avatar:        "https://example.com/helper.png",
		MaxChatsCount: lcbot.Ptr(0),
		Groups:        []lcbot.Group{{ID: 0, Priority: lcbot.PriorityFirst}, {ID: 7, Priority: lcbot.PriorityLast}},
		Webhooks: &lcbot.Webhooks{
			URL:       "https://example.com/hook",
			SecretKey: "s3cret",
			Actions: []lcbot.WebhookAction{
				{Name: "incoming_chat"},
				{Name: "incoming_event", Filters: map[string]any{"only_my_chats": true}, AdditionalData: []string{"chat_properties"}},
			},
		},
	})
	if err != nil {
		t.Fatalf("CreateBotAgent: %v", err)
	}
	id := created.ID
	// v3.0 has no bot secret.
	if !botID.MatchString(id) || !created.Secret.IsZero() {
		t.Fatalf("id %q is not 32 hex", id)
	}
	// MaxChatsCount Ptr(0) is sent; an unset pointer would not be.
	create := requestsFor(t, emu, "create_bot_agent")
	if len(create) != 1 || payloadOf(t, create[0])["max_chats_count"] != float64(0) {
		t.Fatalf("create request: %+v", create)
	}

	d, err := c.GetBotAgentDetails(ctx, id)
	if err != nil {
		t.Fatalf("GetBotAgentDetails: %v", err)
	}
	want := &lcbot.BotAgentDetails{
		ID: id, Name: "Helper", Avatar: "https://example.com/helper.png", Status: lcbot.StatusAcceptingChats,
		Application:   lcbot.Application{ClientID: "dev-client"},
		MaxChatsCount: 0,
		Groups:        []lcbot.Group{{ID: 0, Priority: lcbot.PriorityFirst}, {ID: 7, Priority: lcbot.PriorityLast}},
		Webhooks: &lcbot.Webhooks{
			URL: "https://example.com/hook", SecretKey: "s3cret",
			Actions: []lcbot.WebhookAction{
				{Name: "incoming_chat"},
				{Name: "incoming_event", Filters: map[string]any{"only_my_chats": true}, AdditionalData: []string{"chat_properties"}},
			},
		},
	}
	if !reflect.DeepEqual(d, want) {
		t.Fatalf("details:\n got %+v\nwant %+v", d, want)
	}

	if err := c.UpdateBotAgent(ctx, lcbot.UpdateBotAgentRequest{
		ID: id, Status: lcbot.StatusOffline, MaxChatsCount: lcbot.Ptr(3), DefaultGroupPriority: lcbot.PrioritySupervisor,
	}); err != nil {
		t.Fatalf("UpdateBotAgent: %v", err)
	}
	d, err = c.GetBotAgentDetails(ctx, id)
	if err != nil {
		t.Fatalf("GetBotAgentDetails: %v", err)
	}
	if d.Status != lcbot.StatusOffline || d.MaxChatsCount != 3 || d.DefaultGroupPriority != lcbot.PrioritySupervisor || d.Name != "Helper" || len(d.Groups) != 2 {
		t.Fatalf("after update: %+v", d)
	}

	list, err := c.GetBotAgents(ctx, false)
	if err != nil {
		t.Fatalf("GetBotAgents: %v", err)
	}
	if want := []lcbot.BotAgent{{ID: id, Name: "Helper", Avatar: "https://example.com/helper.png", Status: lcbot.StatusOffline}}; !reflect.DeepEqual(list, want) {
		t.Fatalf("list: %+v", list)
	}

	if err := c.RemoveBotAgent(ctx, id); err != nil {
		t.Fatalf("RemoveBotAgent: %v", err)
	}
	list, err = c.GetBotAgents(ctx, true)
	if err != nil || list == nil || len(list) != 0 {
		t.Fatalf("list after remove: %#v, %v", list, err)
	}
	if _, err := c.GetBotAgentDetails(ctx, id); !lcbot.IsNotFound(err) {
		t.Fatalf("details after remove: %v", err)
	}
}

func TestUpdateSendsOnlyWhatIsSet(t *testing.T) {
	emu, c := setup(t)
	ctx := context.Background()
	id := mustCreate(t, c, "Partial")

	steps := []struct {
		req  lcbot.UpdateBotAgentRequest
		want map[string]any
	}{
		{lcbot.UpdateBotAgentRequest{ID: id, Name: "Renamed"}, map[string]any{"id": id, "name": "Renamed"}},
		{lcbot.UpdateBotAgentRequest{ID: id, Avatar: lcbot.Ptr("")}, map[string]any{"id": id, "avatar": ""}},
		{lcbot.UpdateBotAgentRequest{ID: id, MaxChatsCount: lcbot.Ptr(0)}, map[string]any{"id": id, "max_chats_count": float64(0)}},
		// An empty, non-nil slice clears the groups; nil leaves them.
		{lcbot.UpdateBotAgentRequest{ID: id, Groups: []lcbot.Group{}}, map[string]any{"id": id, "groups": []any{}}},
		{lcbot.UpdateBotAgentRequest{ID: id}, map[string]any{"id": id}},
	}
	for i, s := range steps {
		if err := c.UpdateBotAgent(ctx, s.req); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		log := requestsFor(t, emu, "update_bot_agent")
		if got := payloadOf(t, log[len(log)-1]); !reflect.DeepEqual(got, s.want) {
			t.Fatalf("step %d sent %v, want %v", i, got, s.want)
		}
	}
	d, err := c.GetBotAgentDetails(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if d.Name != "Renamed" || d.Avatar != "" || d.MaxChatsCount != 0 || len(d.Groups) != 0 || d.Status != lcbot.StatusAcceptingChats {
		t.Fatalf("details: %+v", d)
	}
}

func TestGetBotAgentsAllAndSeededBots(t *testing.T) {
	emu := startEmulator(t, &lcbot.EmulatorConfig{
		Tokens: []lcbot.EmulatorToken{
			{Token: "mine", ClientID: "app-1", Scopes: []string{"agents-bot--my:rw", "agents-bot--all:ro"}},
			{Token: "other", ClientID: "app-2", Scopes: []string{"agents-bot--my:rw"}},
		},
		Bots: []lcbot.BotAgentDetails{
			{ID: "0123456789abcdef0123456789abcdef", Name: "Seeded", Status: lcbot.StatusOffline},
			{Name: "Foreign", Status: lcbot.StatusAcceptingChats, Application: lcbot.Application{ClientID: "app-2"}},
		},
	})
	mine := newClient(t, emu, func(c *lcbot.Config) { c.Token = "mine" })
	ctx := context.Background()

	own, err := mine.GetBotAgents(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(own) != 1 || own[0].ID != "0123456789abcdef0123456789abcdef" || own[0].Name != "Seeded" {
		t.Fatalf("own bots: %+v", own)
	}
	all, err := mine.GetBotAgents(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[1].Name != "Foreign" || !botID.MatchString(all[1].ID) {
		t.Fatalf("all bots: %+v", all)
	}
	d, err := mine.GetBotAgentDetails(ctx, all[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Application.ClientID != "app-2" || d.MaxChatsCount != 6 {
		t.Fatalf("foreign details: %+v", d)
	}

	// "other" may not list every bot, nor touch app-1's.
	other := newClient(t, emu, func(c *lcbot.Config) { c.Token = "other" })
	if _, err := other.GetBotAgents(ctx, true); !lcbot.IsAuthorization(err) {
		t.Fatalf("all without the scope: %v", err)
	}
	if err := other.RemoveBotAgent(ctx, own[0].ID); !lcbot.IsAuthorization(err) {
		t.Fatalf("remove another app's bot: %v", err)
	}
}

func TestCall(t *testing.T) {
	emu, c := setup(t)
	ctx := context.Background()

	// A typed payload and a typed result.
	var created struct {
		BotAgentID string `json:"bot_agent_id"`
	}
	err := c.Call(ctx, "create_bot_agent", map[string]any{"name": "Raw", "status": "offline"}, &created)
	if err != nil || !botID.MatchString(created.BotAgentID) {
		t.Fatalf("Call create: %+v, %v", created, err)
	}

	// A raw payload, sent as given, and a raw result.
	var raw json.RawMessage
	payload := json.RawMessage(fmt.Sprintf(`{"bot_agent_id": %q}`, created.BotAgentID))
	if err := c.Call(ctx, "get_bot_agent_details", payload, &raw); err != nil {
		t.Fatalf("Call details: %v", err)
	}
	if !strings.Contains(string(raw), `"name":"Raw"`) {
		t.Fatalf("raw answer: %s", raw)
	}

	// nil payload sends {}; nil result discards the answer.
	if err := c.Call(ctx, "get_bot_agents", nil, nil); err != nil {
		t.Fatalf("Call list: %v", err)
	}
	log := requestsFor(t, emu, "get_bot_agents")
	if len(log) != 1 || string(log[0].Body) != `{"payload":{}}` {
		t.Fatalf("logged: %+v", log)
	}

	// The API's own validation of an unchecked payload.
	err = c.Call(ctx, "create_bot_agent", map[string]any{"name": "x"}, nil)
	if e := asError(t, err); !lcbot.IsValidation(err) || e.Code != lcbot.CodeAPI || e.HTTPStatus != 400 || e.Op != "create_bot_agent" {
		t.Fatalf("API validation: %#v", e)
	}
	// The library's checks of the action name and payload shape.
	for _, tc := range []struct {
		action  string
		payload any
		code    lcbot.ErrorCode
	}{
		{"Bad/Action", nil, lcbot.CodeValidation},
		{"nul\x00byte", nil, lcbot.CodeValidation},
		{"get_bot_agents", []int{1}, lcbot.CodeValidation},
		{"get_bot_agents", json.RawMessage(`{"a": 1, "a": 2}`), lcbot.CodeInvalidJSON},
		{"get_bot_agents", json.RawMessage("{\x00}"), lcbot.CodeInvalidJSON},
		{"get_bot_agents", map[string]any{"c": make(chan int)}, lcbot.CodeInvalidJSON},
		{"bad\xffutf8", nil, lcbot.CodeInvalidUTF8},
	} {
		err := c.Call(ctx, tc.action, tc.payload, nil)
		if e := asError(t, err); e.Code != tc.code || e.CodeName != tc.code.String() {
			t.Errorf("Call(%q, %v): %v, want code %v", tc.action, tc.payload, err, tc.code)
		}
	}
	// A result that does not fit is a decode error.
	var wrong struct {
		BotAgents string `json:"bot_agents"`
	}
	if err := c.Call(ctx, "get_bot_agents", nil, &wrong); asError(t, err).Code != lcbot.CodeDecode {
		t.Fatalf("decode mismatch: %v", err)
	}
}

func TestAPIVersion31SendsBareBodies(t *testing.T) {
	emu := startEmulator(t, nil)
	c := newClient(t, emu, func(c *lcbot.Config) { c.APIVersion = "3.1" })
	if _, err := c.GetBotAgents(context.Background(), true); err != nil {
		t.Fatal(err)
	}
	log := requestsFor(t, emu, "get_bot_agents")
	if len(log) != 1 || log[0].Version != "3.1" || string(log[0].Body) != `{"all":true}` {
		t.Fatalf("logged: %+v", log)
	}
}

func TestConfigIsSent(t *testing.T) {
	emu := startEmulator(t, &lcbot.EmulatorConfig{Tokens: []lcbot.EmulatorToken{
		{Token: "fra-token", ClientID: "eu", Scopes: []string{"agents-bot--my:rw"}, Region: lcbot.RegionFra},
		{Token: "acc-1:pat-1", ClientID: "pat-app", Scopes: []string{"agents-bot--my:ro"}},
	}})
	ctx := context.Background()

	// The fra- prefix selects the region; the user agent is ours.
	fra := newClient(t, emu, func(c *lcbot.Config) {
		c.Token = "fra-token"
		c.UserAgent = "go-test/1.0"
		c.Timeout = 5 * time.Second
		c.ConnectTimeout = time.Second
	})
	if _, err := fra.GetBotAgents(ctx, false); err != nil {
		t.Fatal(err)
	}
	r := requestsFor(t, emu, "get_bot_agents")[0]
	if r.Headers["x-region"] != "fra" || r.Headers["user-agent"] != "go-test/1.0" || r.Headers["authorization"] != "Bearer [redacted]" || r.ClientID != "eu" {
		t.Fatalf("headers: %v, client %q", r.Headers, r.ClientID)
	}

	// An explicit region wins over the prefix: the emulator answers 421
	// with the token's region in the error data.
	dal := newClient(t, emu, func(c *lcbot.Config) { c.Token = "fra-token"; c.Region = lcbot.RegionDal })
	_, err := dal.GetBotAgents(ctx, false)
	if e := asError(t, err); e.HTTPStatus != 421 || e.APIType != "misdirected_request" || string(e.APIData) != `{"region":"fra"}` {
		t.Fatalf("misdirected: %#v", e)
	}

	// A personal access token goes as Basic.
	pat := newClient(t, emu, func(c *lcbot.Config) {
		c.Token = ""
		c.PersonalAccessToken = &lcbot.PersonalAccessToken{AccountID: "acc-1", PAT: "pat-1"}
	})
	if _, err := pat.GetBotAgents(ctx, false); err != nil {
		t.Fatalf("PAT: %v", err)
	}
	log := requestsFor(t, emu, "get_bot_agents")
	if got := log[len(log)-1]; got.Headers["authorization"] != "Basic [redacted]" || got.ClientID != "pat-app" {
		t.Fatalf("PAT request: %+v", got)
	}
}

func TestNewClientValidation(t *testing.T) {
	for name, cfg := range map[string]lcbot.Config{
		"no token":           {},
		"token and PAT":      {Token: "t", PersonalAccessToken: &lcbot.PersonalAccessToken{AccountID: "a", PAT: "p"}},
		"bad region":         {Token: "t", Region: "mars"},
		"bad version":        {Token: "t", APIVersion: "2.0"},
		"bad token type":     {Token: "t", TokenType: "Digest"},
		"PAT without Basic":  {PersonalAccessToken: &lcbot.PersonalAccessToken{AccountID: "a", PAT: "p"}, TokenType: lcbot.TokenBearer},
		"insecure http":      {Token: "t", BaseURL: "http://example.com"},
		"negative timeout":   {Token: "t", Timeout: -time.Second},
		"too many attempts":  {Token: "t", Retry: &lcbot.RetryPolicy{MaxAttempts: 11}},
		"base delay too big": {Token: "t", Retry: &lcbot.RetryPolicy{BaseDelay: 2 * time.Second, MaxDelay: time.Second}},
		"token with newline": {Token: "sec\nret"},
	} {
		c, err := lcbot.NewClient(cfg)
		if c != nil || !lcbot.IsValidation(err) {
			t.Errorf("%s: %v, %v", name, c, err)
			continue
		}
		if e := asError(t, err); e.Op != "client_new" || e.Attempts != 0 || strings.Contains(e.Error(), "ret") && name == "token with newline" {
			t.Errorf("%s: %#v", name, e)
		}
	}
	// Allowed explicitly, http:// to any host is accepted (nothing is sent).
	c, err := lcbot.NewClient(lcbot.Config{Token: "t", BaseURL: "http://example.com", AllowInsecureHTTP: true, TokenType: lcbot.TokenBasic})
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
}

func TestSecretsAreNotPrinted(t *testing.T) {
	emu := startEmulator(t, nil)
	cfg := lcbot.Config{Token: "top-secret-token", BaseURL: emu.URL(), PersonalAccessToken: &lcbot.PersonalAccessToken{AccountID: "acc", PAT: "pat-secret"}}
	c := newClient(t, emu, func(c *lcbot.Config) { c.Token = "top-secret-token" })
	for _, s := range []string{
		fmt.Sprint(cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg), fmt.Sprintf("%v", &cfg),
		fmt.Sprintf("%+v", *cfg.PersonalAccessToken), fmt.Sprintf("%#v", cfg.PersonalAccessToken),
		fmt.Sprint(c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c),
	} {
		if strings.Contains(s, "top-secret") || strings.Contains(s, "pat-secret") {
			t.Errorf("secret printed: %s", s)
		}
	}
	if !strings.Contains(fmt.Sprint(c), emu.URL()) {
		t.Errorf("client string: %s", c)
	}
}

func TestCloseIsIdempotentAndFinal(t *testing.T) {
	_, c := setup(t)
	ctx := context.Background()
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	checks := map[string]error{}
	_, checks["create"] = c.CreateBotAgent(ctx, lcbot.CreateBotAgentRequest{Name: "x", Status: lcbot.StatusOffline})
	checks["remove"] = c.RemoveBotAgent(ctx, "x")
	checks["update"] = c.UpdateBotAgent(ctx, lcbot.UpdateBotAgentRequest{ID: "x"})
	_, checks["list"] = c.GetBotAgents(ctx, false)
	_, checks["details"] = c.GetBotAgentDetails(ctx, "x")
	checks["call"] = c.Call(ctx, "get_bot_agents", nil, nil)
	for name, err := range checks {
		if !errors.Is(err, lcbot.ErrClosed) {
			t.Errorf("%s after Close: %v", name, err)
		}
	}
	if !strings.Contains(c.String(), "closed: true") {
		t.Errorf("String: %s", c)
	}
}

// Call returns whatever JSON value the API answered: a v3.3+ list is a
// bare array.
func TestCallReturnsArrays(t *testing.T) {
	emu := startEmulator(t, nil)
	c := newClient(t, emu, func(cfg *lcbot.Config) { cfg.APIVersion = "3.6" })
	ctx := context.Background()
	created, err := c.CreateBotAgent(ctx, lcbot.CreateBotAgentRequest{Name: "Listed"})
	if err != nil {
		t.Fatal(err)
	}
	var bots []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	if err := c.Call(ctx, "list_bots", map[string]any{"all": false}, &bots); err != nil {
		t.Fatal(err)
	}
	if len(bots) != 1 || bots[0].ID != created.ID || bots[0].Name != "Listed" {
		t.Fatalf("list_bots: %+v", bots)
	}
}

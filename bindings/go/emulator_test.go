package livechatbots_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"reflect"
	"strings"
	"testing"
	"time"

	lcbot "github.com/livechat-bots/livechat-bots/bindings/go"
)

func TestEmulatorRequestLog(t *testing.T) {
	emu, c := setup(t)
	if !strings.HasPrefix(emu.URL(), "http://127.0.0.1:") {
		t.Fatalf("URL %q", emu.URL())
	}
	log, err := emu.Requests()
	if err != nil || log == nil || len(log) != 0 {
		t.Fatalf("empty log: %#v, %v", log, err)
	}
	before := time.Now().Add(-time.Second)
	id := mustCreate(t, c, "Logged")
	if _, err := c.GetBotAgentDetails(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	log, err = emu.Requests()
	if err != nil || len(log) != 2 {
		t.Fatalf("log: %+v, %v", log, err)
	}
	r := log[0]
	if r.Seq != 1 || log[1].Seq != 2 || r.Method != "POST" || r.Path != "/v3.0/configuration/action/create_bot_agent" ||
		r.Version != "3.0" || r.Action != "create_bot_agent" || r.ClientID != "dev-client" || r.Status != 200 || r.Fault != nil {
		t.Fatalf("entry: %+v", r)
	}
	if r.Headers["authorization"] != "Bearer [redacted]" || !strings.HasPrefix(r.Headers["user-agent"], "livechat-bots/") {
		t.Fatalf("headers: %v", r.Headers)
	}
	if string(r.Body) != `{"payload":{"name":"Logged","status":"accepting chats"}}` {
		t.Fatalf("body: %s", r.Body)
	}
	if r.Time().Before(before) || r.Time().After(time.Now().Add(time.Second)) {
		t.Fatalf("time: %v", r.Time())
	}
}

func TestEmulatorFaults(t *testing.T) {
	emu, c := setup(t)
	n, err := emu.Inject(lcbot.Fault{Action: "get_bot_agents", Status: 503})
	if err != nil || n != 1 {
		t.Fatalf("Inject: %d, %v", n, err)
	}
	n, err = emu.Inject(lcbot.Fault{Action: "remove_bot_agent", Status: 404, ErrorType: "not_found", Message: "gone", Times: 2})
	if err != nil || n != 2 {
		t.Fatalf("Inject: %d, %v", n, err)
	}
	// A fault needs something to do; the library says so.
	_, err = emu.Inject(lcbot.Fault{Action: "get_bot_agents"})
	if e := asError(t, err); !lcbot.IsValidation(err) || e.Op != "emulator_inject" {
		t.Fatalf("empty fault: %#v", err)
	}
	_, err = emu.Inject(lcbot.Fault{Status: 200})
	if !lcbot.IsValidation(err) {
		t.Fatalf("status 200: %v", err)
	}

	for i := 0; i < 2; i++ {
		err := c.RemoveBotAgent(context.Background(), "abc")
		if e := asError(t, err); !lcbot.IsNotFound(err) || e.APIMessage != "gone" {
			t.Fatalf("remove %d: %#v", i, e)
		}
	}
}

func TestEmulatorFaultsAtStart(t *testing.T) {
	emu := startEmulator(t, &lcbot.EmulatorConfig{
		Faults:   []lcbot.Fault{{Status: 401, Times: 2}},
		LogLimit: 1,
	})
	c := newClient(t, emu, nil)
	for i := 0; i < 2; i++ {
		if _, err := c.GetBotAgents(context.Background(), false); !lcbot.IsAuthentication(err) {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if _, err := c.GetBotAgents(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	log, err := emu.Requests()
	if err != nil || len(log) != 1 || log[0].Seq != 3 {
		t.Fatalf("log limited to 1: %+v, %v", log, err)
	}
}

func TestEmulatorPortAndBadConfig(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	emu := startEmulator(t, &lcbot.EmulatorConfig{Port: port})
	if emu.URL() != fmt.Sprintf("http://127.0.0.1:%d", port) {
		t.Fatalf("URL %s, port %d", emu.URL(), port)
	}
	// The port is taken now.
	if _, err := lcbot.StartEmulator(&lcbot.EmulatorConfig{Port: port}); !lcbot.IsTransport(err) {
		t.Fatalf("port in use: %v", err)
	}
	for name, cfg := range map[string]*lcbot.EmulatorConfig{
		"token without client": {Tokens: []lcbot.EmulatorToken{{Token: "t", Scopes: []string{"agents-bot--my:rw"}}}},
		"bad bot":              {Bots: []lcbot.BotAgentDetails{{Name: "x", Status: "busy"}}},
		"bad port":             {Port: 70000},
		"bad fault":            {Faults: []lcbot.Fault{{Times: 3}}},
	} {
		e, err := lcbot.StartEmulator(cfg)
		if e != nil || !lcbot.IsValidation(err) || asError(t, err).Op != "emulator_start" {
			t.Errorf("%s: %v, %v", name, e, err)
		}
	}
}

func TestEmulatorClose(t *testing.T) {
	emu, c := setup(t)
	url := emu.URL()
	if err := emu.Close(); err != nil {
		t.Fatal(err)
	}
	if err := emu.Close(); err != nil {
		t.Fatal(err)
	}
	if emu.URL() != url {
		t.Fatal("URL changed after Close")
	}
	if _, err := emu.Inject(lcbot.Fault{Status: 500}); !errors.Is(err, lcbot.ErrClosed) {
		t.Fatalf("Inject after Close: %v", err)
	}
	if _, err := emu.Requests(); !errors.Is(err, lcbot.ErrClosed) {
		t.Fatalf("Requests after Close: %v", err)
	}
	if _, err := c.GetBotAgents(context.Background(), false); !lcbot.IsTransport(err) {
		t.Fatalf("call to a stopped emulator: %v", err)
	}
}

func TestFaultJSON(t *testing.T) {
	f := lcbot.Fault{
		Action: "get_bot_agents", Times: 2, Status: 429, ErrorType: "too_many_requests", Message: "slow down",
		RetryAfter: 1500 * time.Millisecond, Delay: 2500 * time.Microsecond, DropConnection: true,
	}
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"action":"get_bot_agents","times":2,"status":429,"error_type":"too_many_requests","message":"slow down","retry_after_s":2,"delay_ms":3,"drop_connection":true}`
	if string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
	if b, _ := json.Marshal(lcbot.Fault{Delay: time.Second}); string(b) != `{"delay_ms":1000}` {
		t.Fatalf("minimal: %s", b)
	}
	var back lcbot.Fault
	if err := json.Unmarshal([]byte(`{"status":503,"retry_after_s":null,"delay_ms":20,"drop_connection":false}`), &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, lcbot.Fault{Status: 503, Delay: 20 * time.Millisecond}) {
		t.Fatalf("read back: %+v", back)
	}
}

package livechatbots_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	lcbot "github.com/livechat-bots/livechat-bots/bindings/go"
)

// environmentVariables are what a client takes from the environment: no
// test sees the shell's (the tests below set them with t.Setenv).
var environmentVariables = []string{"LIVECHAT_BASE_URL", "LIVECHAT_TOKEN", "LIVECHAT_API_VERSION", "LIVECHAT_REGION"}

func init() {
	for _, name := range environmentVariables {
		os.Unsetenv(name)
	}
}

func TestTheEnvironmentAimsAClientGivenNothing(t *testing.T) {
	emu := startEmulator(t, nil)
	t.Setenv("LIVECHAT_BASE_URL", emu.URL())
	t.Setenv("LIVECHAT_TOKEN", "dev-token")
	t.Setenv("LIVECHAT_API_VERSION", "3.6")
	client, err := lcbot.NewClient(lcbot.Config{})
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	defer client.Close()
	settings, err := client.Settings()
	want := lcbot.Settings{APIVersion: "3.6", BaseURL: emu.URL(), TokenType: lcbot.TokenBearer}
	if err != nil || settings != want {
		t.Fatalf("Settings() = %+v, %v; want %+v", settings, err, want)
	}
	if !strings.Contains(client.String(), emu.URL()) {
		t.Errorf("String() = %s; want the environment's base URL", client)
	}
	if _, err := client.GetBotAgents(context.Background(), false); err != nil {
		t.Fatalf("GetBotAgents: %v", err)
	}
	requests, _ := emu.Requests()
	if len(requests) == 0 || requests[len(requests)-1].Action != "list_bots" {
		t.Errorf("the v3.6 call did not reach the emulator: %+v", requests)
	}
}

func TestWhatTheConfigSaysWins(t *testing.T) {
	t.Setenv("LIVECHAT_BASE_URL", "https://example.com")
	t.Setenv("LIVECHAT_TOKEN", "env-token")
	t.Setenv("LIVECHAT_API_VERSION", "3.6")
	t.Setenv("LIVECHAT_REGION", "fra")
	client, err := lcbot.NewClient(lcbot.Config{Token: "t", BaseURL: "http://127.0.0.1:1", APIVersion: "3.2", Region: lcbot.RegionDal})
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	defer client.Close()
	settings, _ := client.Settings()
	want := lcbot.Settings{APIVersion: "3.2", BaseURL: "http://127.0.0.1:1", Region: lcbot.RegionDal, TokenType: lcbot.TokenBearer}
	if settings != want {
		t.Fatalf("Settings() = %+v; want %+v", settings, want)
	}
}

func TestWithoutTheEnvironmentTheDefaultsHold(t *testing.T) {
	client, err := lcbot.NewClient(lcbot.Config{Token: "t"})
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	settings, _ := client.Settings()
	client.Close()
	if settings.APIVersion != "3.0" || settings.BaseURL != "https://api.livechatinc.com" || settings.Region != "" {
		t.Fatalf("Settings() = %+v; want the defaults", settings)
	}
	if _, err := client.Settings(); !errors.Is(err, lcbot.ErrClosed) {
		t.Errorf("Settings after Close = %v; want ErrClosed", err)
	}
	_, err = lcbot.NewClient(lcbot.Config{})
	var e *lcbot.Error
	if !errors.As(err, &e) || e.Code != lcbot.CodeValidation || !strings.Contains(e.Message, "token: required field is missing") {
		t.Fatalf("NewClient without a token = %v; want a validation error", err)
	}
}

func TestABadVariableIsNamedAndATokenNeverShown(t *testing.T) {
	t.Setenv("LIVECHAT_API_VERSION", "2.9")
	_, err := lcbot.NewClient(lcbot.Config{Token: "t"})
	if err == nil || !strings.Contains(err.Error(), "(from LIVECHAT_API_VERSION)") {
		t.Fatalf("NewClient = %v; want the variable named", err)
	}
	t.Setenv("LIVECHAT_API_VERSION", "")
	t.Setenv("LIVECHAT_TOKEN", "se\ncret")
	_, err = lcbot.NewClient(lcbot.Config{})
	if err == nil || !strings.Contains(err.Error(), "(from LIVECHAT_TOKEN)") || strings.Contains(err.Error(), "se\ncret") {
		t.Fatalf("NewClient = %v; want LIVECHAT_TOKEN named, the token not shown", err)
	}
}

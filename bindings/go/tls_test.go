package livechatbots_test

import (
	"strings"
	"testing"

	lcbot "github.com/livechat-bots/livechat-bots/bindings/go"
)

func TestEmulatorOverTLS(t *testing.T) {
	emu := startEmulator(t, &lcbot.EmulatorConfig{TLS: true})
	if !strings.HasPrefix(emu.URL(), "https://127.0.0.1:") {
		t.Fatalf("URL %q", emu.URL())
	}
	if !strings.HasPrefix(emu.CAPEM(), "-----BEGIN CERTIFICATE-----") {
		t.Fatalf("CAPEM %q", emu.CAPEM())
	}
	c := newClient(t, emu, nil)
	if _, err := c.GetBotAgents(t.Context(), false); err != nil {
		t.Fatalf("trusting the emulator's CA: %v", err)
	}
	// Without its CA: refused at once, saying why.
	untrusting := newClient(t, emu, func(cfg *lcbot.Config) { cfg.CAPEM = "" })
	_, err := untrusting.GetBotAgents(t.Context(), false)
	e := asError(t, err)
	if e.Code != lcbot.CodeTransport || !strings.Contains(e.Message, "unknown issuer") || e.Attempts != 1 {
		t.Fatalf("without the CA: %+v", e)
	}
	// Not PEM: a validation error from NewClient.
	cfg := emu.ClientConfig()
	cfg.CAPEM = "not a certificate"
	if _, err := lcbot.NewClient(cfg); asError(t, err).Code != lcbot.CodeValidation {
		t.Fatalf("bad CAPEM: %v", err)
	}
}

func TestPlainEmulatorHasNoCA(t *testing.T) {
	emu, err := lcbot.StartEmulator(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer emu.Close()
	if emu.CAPEM() != "" || !strings.HasPrefix(emu.URL(), "http://") {
		t.Fatalf("%q %q", emu.URL(), emu.CAPEM())
	}
}

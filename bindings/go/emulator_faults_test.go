package livechatbots_test

import (
	"testing"

	lcbot "github.com/livechat-bots/livechat-bots/bindings/go"
)

func TestEmulatorFaultsListAndClear(t *testing.T) {
	emu := startEmulator(t, nil)
	if _, err := emu.Inject(lcbot.Fault{Action: "get_bot_agents", Times: 2, Status: 503}); err != nil {
		t.Fatal(err)
	}
	if _, err := emu.Inject(lcbot.Fault{Action: "incoming_event", LostAnswer: true}); err != nil {
		t.Fatal(err)
	}
	faults, err := emu.Faults()
	if err != nil {
		t.Fatal(err)
	}
	if len(faults) != 2 || faults[0].Action != "get_bot_agents" || faults[0].Times != 2 || faults[0].Status != 503 || !faults[1].LostAnswer {
		t.Fatalf("faults: %+v", faults)
	}
	cleared, err := emu.ClearFaults()
	if err != nil || cleared != 2 {
		t.Fatalf("ClearFaults: %d, %v", cleared, err)
	}
	if faults, err := emu.Faults(); err != nil || len(faults) != 0 {
		t.Fatalf("after clearing: %+v, %v", faults, err)
	}
	emu.Close()
	if _, err := emu.Faults(); err == nil {
		t.Fatal("Faults on a closed emulator gave no error")
	}
}

package livechatbots

// The emulator's pending faults: list them, drop them
// (lcbot_emulator_faults, lcbot_emulator_clear_faults).

/*
#include <stdlib.h>
#include "livechat_bots.h"
*/
import "C"

// Faults lists the faults still waiting for a request (or a delivery), in
// the order they were injected, each with the Times it has left.
func (e *Emulator) Faults() ([]Fault, error) {
	var r struct {
		Faults []Fault `json:"faults"`
	}
	if err := e.control("emulator_faults", func(h *cEmulator) (string, *Error) { return h.faults() }, &r); err != nil {
		return nil, err
	}
	return r.Faults, nil
}

// ClearFaults drops every pending fault and says how many there were.
func (e *Emulator) ClearFaults() (int, error) {
	var r struct {
		Cleared int `json:"cleared"`
	}
	if err := e.control("emulator_clear_faults", func(h *cEmulator) (string, *Error) { return h.clearFaults() }, &r); err != nil {
		return 0, err
	}
	return r.Cleared, nil
}

func (e *cEmulator) faults() (string, *Error) {
	var out *C.char
	status := C.lcbot_emulator_faults(e.p, &out)
	return result("emulator_faults", status, out)
}

func (e *cEmulator) clearFaults() (string, *Error) {
	var out *C.char
	status := C.lcbot_emulator_clear_faults(e.p, &out)
	return result("emulator_clear_faults", status, out)
}

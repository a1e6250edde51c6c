package livechatbots

// The customer pressing a rich message's button on the emulator.

/*
#include <stdlib.h>
#include "livechat_bots.h"
*/
import "C"

// Press is what Emulator.PressButton answers.
type Press struct {
	// Toggled is true when the press put the customer on the button, false
	// when it took a previous press back.
	Toggled bool `json:"toggled"`
	// EventID is the customer's message a message button made; empty for
	// other buttons and a press taken back.
	EventID string `json:"event_id"`
}

// PressButton plays the customer pressing the button buttonID (its
// PostbackID) of the rich message eventID: the chat's bots are told
// incoming_rich_message_postback, and a message button makes the customer
// write its value in a message that carries postback.
func (e *Emulator) PressButton(chatID, eventID, buttonID string) (*Press, error) {
	const op = "emulator_press_button"
	doc, err := encode(op, "request", struct {
		ChatID   string `json:"chat_id"`
		EventID  string `json:"event_id"`
		ButtonID string `json:"button_id"`
	}{chatID, eventID, buttonID})
	if err != nil {
		return nil, err
	}
	var r Press
	if err := e.control(op, func(h *cEmulator) (string, *Error) { return h.pressButton(doc) }, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

func (e *cEmulator) pressButton(request string) (string, *Error) {
	req := cString(request)
	defer free(req)
	var out *C.char
	status := C.lcbot_emulator_press_button(e.p, req, &out)
	return result("emulator_press_button", status, out)
}

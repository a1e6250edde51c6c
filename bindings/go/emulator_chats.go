package livechatbots

// The emulator's chats: control calls that play the customer (not part of
// LiveChat's API), and the transcript of everything written.

/*
#include <stdlib.h>
#include "livechat_bots.h"
*/
import "C"

import "runtime"

// DefaultEmulatorOrganizationID is the organization of an emulator whose
// EmulatorConfig.OrganizationID is empty.
const DefaultEmulatorOrganizationID = "7d2f9c1e-4b3a-4e8d-9f60-2a1b3c4d5e6f"

// OrganizationID is the organization id the emulator's issue_bot_token
// expects (BotIdentity.OrganizationID).
func (e *Emulator) OrganizationID() string { return e.org }

// Customer is who starts an emulator chat.
type Customer struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
}

// StartChatRequest is the request of Emulator.StartChat.
type StartChatRequest struct {
	// GroupID is the group the chat is routed in (default 0).
	GroupID uint64 `json:"group_id"`
	// Text, when not empty, is the customer's first message.
	Text string `json:"text,omitempty"`
	// Customer defaults to one named "Customer".
	Customer *Customer `json:"customer,omitempty"`
}

// Emulator chat states.
const (
	ChatQueued   = "queued"
	ChatAssigned = "assigned"
	ChatClosed   = "closed"
)

// StartedChat is what Emulator.StartChat made.
type StartedChat struct {
	ChatID     string `json:"chat_id"`
	ThreadID   string `json:"thread_id"`
	CustomerID string `json:"customer_id"`
	// EventID is the first message's, when there was one.
	EventID string `json:"event_id,omitempty"`
	// BotID is the bot the chat was routed to; empty when it is queued.
	BotID string `json:"bot_id"`
	// State is ChatAssigned or ChatQueued.
	State string `json:"state"`
}

// EmulatorChat is a chat of the emulator with its routing history and
// transcript (Emulator.Chats).
type EmulatorChat struct {
	ChatID     string `json:"chat_id"`
	GroupID    uint64 `json:"group_id"`
	CustomerID string `json:"customer_id"`
	// State is ChatQueued, ChatAssigned or ChatClosed.
	State string `json:"state"`
	// BotID is the bot the chat is (or was last) assigned to; empty when
	// none.
	BotID      string            `json:"bot_id"`
	Routing    []RoutingStep     `json:"routing"`
	Transcript []TranscriptEntry `json:"transcript"`
	// Talk is what the bots' conversation actions left on the chat.
	Talk ChatTalk `json:"talk"`
}

// RoutingStep is an entry of a chat's routing history.
type RoutingStep struct {
	// TimeMS is when, in milliseconds since the Unix epoch.
	TimeMS float64 `json:"time_ms"`
	// What is "queued", "assigned", "transferred" or "closed".
	What  string `json:"what"`
	BotID string `json:"bot_id"`
}

// TranscriptEntry is an event written in an emulator chat, by the
// customer, a bot or an agent.
type TranscriptEntry struct {
	EventID   string `json:"event_id"`
	ThreadID  string `json:"thread_id"`
	CreatedAt string `json:"created_at"`
	AuthorID  string `json:"author_id"`
	// AuthorType is "customer", "bot" or "agent".
	AuthorType string `json:"author_type"`
	Type       string `json:"type"`
	Text       string `json:"text"`
	Visibility string `json:"visibility"`
	// TemplateID and Elements are a rich message's, as the customer sees it.
	TemplateID string           `json:"template_id,omitempty"`
	Elements   []map[string]any `json:"elements,omitempty"`
	// Postback is on the customer's message a button click made.
	Postback map[string]any `json:"postback,omitempty"`
}

// control runs one of the emulator's control calls.
func (e *Emulator) control(op string, send func(h *cEmulator) (string, *Error), result any) error {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if e.h == nil {
		return ErrClosed
	}
	out, err := send(e.h)
	runtime.KeepAlive(e)
	if err != nil {
		return err
	}
	if result == nil {
		return nil
	}
	if derr := decode(op, out, result); derr != nil {
		return derr
	}
	return nil
}

// StartChat plays a customer starting a chat in a group, and routes it at
// once: to the best online bot of the group with a free slot, or to the
// queue.
func (e *Emulator) StartChat(req StartChatRequest) (*StartedChat, error) {
	const op = "emulator_start_chat"
	doc, err := encode(op, "request", req)
	if err != nil {
		return nil, err
	}
	var r StartedChat
	if err := e.control(op, func(h *cEmulator) (string, *Error) { return h.startChat(doc) }, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// SendMessage plays the customer writing text in a chat; it returns the
// event's id. An inactive chat is a validation error whose message names
// chat_inactive; an unknown chat one whose APIType is "not_found".
func (e *Emulator) SendMessage(chatID, text string) (string, error) {
	const op = "emulator_send_message"
	doc, err := encode(op, "request", struct {
		ChatID string `json:"chat_id"`
		Text   string `json:"text"`
	}{chatID, text})
	if err != nil {
		return "", err
	}
	var r struct {
		EventID string `json:"event_id"`
	}
	if err := e.control(op, func(h *cEmulator) (string, *Error) { return h.sendMessage(doc) }, &r); err != nil {
		return "", err
	}
	return r.EventID, nil
}

// CloseChat plays the customer leaving: the chat is no longer active, and
// its bot's slot is free for a queued chat. An unknown chat is a validation
// error whose APIType is "not_found".
func (e *Emulator) CloseChat(chatID string) error {
	const op = "emulator_close_chat"
	doc, err := encode(op, "request", struct {
		ChatID string `json:"chat_id"`
	}{chatID})
	if err != nil {
		return err
	}
	return e.control(op, func(h *cEmulator) (string, *Error) { return h.closeChat(doc) }, nil)
}

// Chats returns every chat of the emulator, in creation order, with its
// routing history and transcript.
func (e *Emulator) Chats() ([]EmulatorChat, error) {
	const op = "emulator_chats"
	var r struct {
		Chats []EmulatorChat `json:"chats"`
	}
	if err := e.control(op, func(h *cEmulator) (string, *Error) { return h.chats() }, &r); err != nil {
		return nil, err
	}
	if r.Chats == nil {
		r.Chats = []EmulatorChat{}
	}
	return r.Chats, nil
}

func (e *cEmulator) startChat(request string) (string, *Error) {
	req := cString(request)
	defer free(req)
	var out *C.char
	status := C.lcbot_emulator_start_chat(e.p, req, &out)
	return result("emulator_start_chat", status, out)
}

func (e *cEmulator) sendMessage(request string) (string, *Error) {
	req := cString(request)
	defer free(req)
	var out *C.char
	status := C.lcbot_emulator_send_message(e.p, req, &out)
	return result("emulator_send_message", status, out)
}

func (e *cEmulator) closeChat(request string) (string, *Error) {
	req := cString(request)
	defer free(req)
	var out *C.char
	status := C.lcbot_emulator_close_chat(e.p, req, &out)
	return result("emulator_close_chat", status, out)
}

func (e *cEmulator) chats() (string, *Error) {
	var out *C.char
	status := C.lcbot_emulator_chats(e.p, &out)
	return result("emulator_chats", status, out)
}

package livechatbots

// The emulator's human agents: people in groups to whom a chat goes when no
// bot of its group can take it (a handoff), queued while all are busy.

/*
#include <stdlib.h>
#include "livechat_bots.h"
*/
import "C"

// HumanAgent is a human agent of EmulatorConfig.Agents.
type HumanAgent struct {
	// ID is the agent's id (an email, as LiveChat's agents have).
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	// Groups are the groups whose chats the agent takes.
	Groups []uint64 `json:"groups"`
	// MaxChats is how many chats the agent takes at once (1 to 100;
	// default 2); more wait in the queue.
	MaxChats int `json:"max_chats,omitempty"`
	// Chats are the active chats the agent has (Emulator.Agents only).
	Chats []string `json:"chats,omitempty"`
}

// AgentSendMessage plays the human agent agentID writing text in a chat
// routed to them; it returns the event's id.
func (e *Emulator) AgentSendMessage(chatID, agentID, text string) (string, error) {
	const op = "emulator_agent_send_message"
	doc, err := encode(op, "request", struct {
		ChatID  string `json:"chat_id"`
		AgentID string `json:"agent_id"`
		Text    string `json:"text"`
	}{chatID, agentID, text})
	if err != nil {
		return "", err
	}
	var r struct {
		EventID string `json:"event_id"`
	}
	if err := e.control(op, func(h *cEmulator) (string, *Error) { return h.agentSendMessage(doc) }, &r); err != nil {
		return "", err
	}
	return r.EventID, nil
}

// Agents returns the human agents with the active chats each has now.
func (e *Emulator) Agents() ([]HumanAgent, error) {
	var r struct {
		Agents []HumanAgent `json:"agents"`
	}
	if err := e.control("emulator_agents", func(h *cEmulator) (string, *Error) { return h.agents() }, &r); err != nil {
		return nil, err
	}
	return r.Agents, nil
}

func (e *cEmulator) agentSendMessage(request string) (string, *Error) {
	req := cString(request)
	defer free(req)
	var out *C.char
	status := C.lcbot_emulator_agent_send_message(e.p, req, &out)
	return result("emulator_agent_send_message", status, out)
}

func (e *cEmulator) agents() (string, *Error) {
	var out *C.char
	status := C.lcbot_emulator_agents(e.p, &out)
	return result("emulator_agents", status, out)
}

package livechatbots

// The cgo glue of bots (lcbot_bot_*) and of the Configuration API actions a
// bot needs (lcbot_issue_bot_token, lcbot_reset_bot_secret and the webhook
// registry). Same rules as ffi.go: every Go input is copied into C memory
// that is freed before returning (wiped first when it may hold a secret),
// every owned string the library returns is copied and freed, and no Go
// pointer is left with the library.

/*
#include <stdint.h>
#include <stdlib.h>
#include "livechat_bots.h"
*/
import "C"

import "sync/atomic"

// liveBots counts the lcbot_bot handles this package holds (see live in
// ffi.go).
var liveBots atomic.Int64

// cBot is a live lcbot_bot handle.
type cBot struct{ p *C.lcbot_bot }

// ffiBotNew makes a bot of client from its identity document, which may
// hold the bot's secret: the C copy is wiped before it is freed.
func ffiBotNew(client *cClient, identityJSON string) (*cBot, *Error) {
	id := cString(identityJSON)
	defer freeSecret(id, len(identityJSON))
	var h *C.lcbot_bot
	var errOut *C.char
	status := C.lcbot_bot_new(client.p, id, &h, &errOut)
	if _, err := result("bot_new", status, errOut); err != nil {
		C.lcbot_bot_free(h) // NULL on failure
		return nil, err
	}
	liveBots.Add(1)
	return &cBot{p: h}, nil
}

func (b *cBot) free() {
	C.lcbot_bot_free(b.p)
	b.p = nil
	liveBots.Add(-1)
}

// botAction names one of the bot's typed actions (today's, v3.6, names).
type botAction int

const (
	botSetRoutingStatus botAction = iota
	botSendEvent
	botListChats
	botGetChat
	botTransferChat
	botDeactivateChat
	botListRoutingStatuses
	botSendTypingIndicator
	botSendThinkingIndicator
	botSendEventPreview
	botTagThread
	botUntagThread
	botUpdateChatProperties
	botDeleteChatProperties
	botUpdateThreadProperties
	botDeleteThreadProperties
	botMarkEventsAsSeen
	botGetCustomer
)

var botActionNames = [...]string{
	botSetRoutingStatus:       "set_routing_status",
	botSendEvent:              "send_event",
	botListChats:              "list_chats",
	botGetChat:                "get_chat",
	botTransferChat:           "transfer_chat",
	botDeactivateChat:         "deactivate_chat",
	botListRoutingStatuses:    "list_routing_statuses",
	botSendTypingIndicator:    "send_typing_indicator",
	botSendThinkingIndicator:  "send_thinking_indicator",
	botSendEventPreview:       "send_event_preview",
	botTagThread:              "tag_thread",
	botUntagThread:            "untag_thread",
	botUpdateChatProperties:   "update_chat_properties",
	botDeleteChatProperties:   "delete_chat_properties",
	botUpdateThreadProperties: "update_thread_properties",
	botDeleteThreadProperties: "delete_thread_properties",
	botMarkEventsAsSeen:       "mark_events_as_seen",
	botGetCustomer:            "get_customer",
}

func (a botAction) String() string { return botActionNames[a] }

// run sends a typed bot action's request document.
func (b *cBot) run(a botAction, request string, o *callOptions) (string, *Error) {
	return b.submit(a.String(), a.String(), request, o)
}

// call sends any Agent Chat action as the bot.
func (b *cBot) call(actionName, payload string, o *callOptions) (string, *Error) {
	return b.submit(actionName, "call:"+actionName, payload, o)
}

// adminAction names one of the Configuration API actions a bot needs.
type adminAction int

const (
	adminIssueBotToken adminAction = iota
	adminResetBotSecret
	adminRegisterWebhook
	adminListWebhooks
	adminUnregisterWebhook
)

var adminActionNames = [...]string{
	adminIssueBotToken:     "issue_bot_token",
	adminResetBotSecret:    "reset_bot_secret",
	adminRegisterWebhook:   "register_webhook",
	adminListWebhooks:      "list_webhooks",
	adminUnregisterWebhook: "unregister_webhook",
}

func (a adminAction) String() string { return adminActionNames[a] }

// admin sends one of them on the client's handle. Every request may hold
// a secret (a bot secret, a webhook's secret_key), so its C copy is wiped;
// the answer is returned as is (the caller wraps a token or a secret in it
// at once).
func (c *cClient) admin(a adminAction, request string, o *callOptions) (string, *Error) {
	return c.submit(a.String(), a.String(), request, o, true)
}

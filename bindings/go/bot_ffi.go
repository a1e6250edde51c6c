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

// run sends a typed bot action's request document; blocking.
func (b *cBot) run(a botAction, request string, o *callOptions) (string, *Error) {
	req := cString(request)
	defer free(req)
	var co C.lcbot_call_options
	opts := o.c(&co)
	var out *C.char
	var status C.lcbot_status
	switch a {
	case botSetRoutingStatus:
		status = C.lcbot_bot_set_routing_status(b.p, req, opts, &out)
	case botSendEvent:
		status = C.lcbot_bot_send_event(b.p, req, opts, &out)
	case botListChats:
		status = C.lcbot_bot_list_chats(b.p, req, opts, &out)
	case botGetChat:
		status = C.lcbot_bot_get_chat(b.p, req, opts, &out)
	case botTransferChat:
		status = C.lcbot_bot_transfer_chat(b.p, req, opts, &out)
	case botDeactivateChat:
		status = C.lcbot_bot_deactivate_chat(b.p, req, opts, &out)
	case botListRoutingStatuses:
		status = C.lcbot_bot_list_routing_statuses(b.p, req, opts, &out)
	case botSendTypingIndicator:
		status = C.lcbot_bot_send_typing_indicator(b.p, req, opts, &out)
	case botSendThinkingIndicator:
		status = C.lcbot_bot_send_thinking_indicator(b.p, req, opts, &out)
	case botSendEventPreview:
		status = C.lcbot_bot_send_event_preview(b.p, req, opts, &out)
	case botTagThread:
		status = C.lcbot_bot_tag_thread(b.p, req, opts, &out)
	case botUntagThread:
		status = C.lcbot_bot_untag_thread(b.p, req, opts, &out)
	case botUpdateChatProperties:
		status = C.lcbot_bot_update_chat_properties(b.p, req, opts, &out)
	case botDeleteChatProperties:
		status = C.lcbot_bot_delete_chat_properties(b.p, req, opts, &out)
	case botUpdateThreadProperties:
		status = C.lcbot_bot_update_thread_properties(b.p, req, opts, &out)
	case botDeleteThreadProperties:
		status = C.lcbot_bot_delete_thread_properties(b.p, req, opts, &out)
	case botMarkEventsAsSeen:
		status = C.lcbot_bot_mark_events_as_seen(b.p, req, opts, &out)
	case botGetCustomer:
		status = C.lcbot_bot_get_customer(b.p, req, opts, &out)
	default:
		panic("livechatbots: unknown bot action")
	}
	return result(a.String(), status, out)
}

// call sends any Agent Chat action as the bot; blocking.
func (b *cBot) call(actionName, payload string, o *callOptions) (string, *Error) {
	act := cString(actionName)
	defer free(act)
	pl := cString(payload)
	defer free(pl)
	var co C.lcbot_call_options
	opts := o.c(&co)
	var out *C.char
	status := C.lcbot_bot_call(b.p, act, pl, opts, &out)
	return result(actionName, status, out)
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

// admin sends one of them on the client's handle; blocking. Every request
// may hold a secret (a bot secret, a webhook's secret_key), so its C copy
// is wiped; the answer is returned as is (the caller wraps a token or a
// secret in it at once).
func (c *cClient) admin(a adminAction, request string, o *callOptions) (string, *Error) {
	req := cString(request)
	defer freeSecret(req, len(request))
	var co C.lcbot_call_options
	opts := o.c(&co)
	var out *C.char
	var status C.lcbot_status
	switch a {
	case adminIssueBotToken:
		status = C.lcbot_issue_bot_token(c.p, req, opts, &out)
	case adminResetBotSecret:
		status = C.lcbot_reset_bot_secret(c.p, req, opts, &out)
	case adminRegisterWebhook:
		status = C.lcbot_register_webhook(c.p, req, opts, &out)
	case adminListWebhooks:
		status = C.lcbot_list_webhooks(c.p, req, opts, &out)
	case adminUnregisterWebhook:
		status = C.lcbot_unregister_webhook(c.p, req, opts, &out)
	default:
		panic("livechatbots: unknown admin action")
	}
	return result(a.String(), status, out)
}

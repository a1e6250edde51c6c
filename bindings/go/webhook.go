package livechatbots

// Receiving webhooks: what LiveChat POSTs to a bot, checked and normalized
// by the library (lcbot_webhook_verify); see also webhook_handler.go.

import (
	"encoding/json"
	"math"
	"unicode/utf8"
)

// DefaultWebhookMaxBodyBytes is the cap on a webhook body when
// WebhookOptions.MaxBodyBytes is 0: 1 MiB (the library's
// LCBOT_WEBHOOK_DEFAULT_MAX_BODY).
const DefaultWebhookMaxBodyBytes = webhookDefaultMaxBody

// WebhookOptions are VerifyWebhook's and WebhookHandler's settings; the
// zero value (or nil) keeps the defaults.
type WebhookOptions struct {
	// MaxBodyBytes is the largest body accepted, in bytes: 0 means
	// DefaultWebhookMaxBodyBytes; at most math.MaxUint32.
	MaxBodyBytes int
}

// maxBody is the cap the library is given (0: its default) and the cap in
// force.
func (o *WebhookOptions) maxBody() (uint32, int, *Error) {
	if o == nil || o.MaxBodyBytes == 0 {
		return 0, DefaultWebhookMaxBodyBytes, nil
	}
	if o.MaxBodyBytes < 0 || int64(o.MaxBodyBytes) > math.MaxUint32 {
		return 0, 0, newError("webhook_verify", CodeValidation,
			"options.MaxBodyBytes: expected 0 (the default, %d) to %d; got %d", DefaultWebhookMaxBodyBytes, uint64(math.MaxUint32), o.MaxBodyBytes)
	}
	return uint32(o.MaxBodyBytes), o.MaxBodyBytes, nil
}

// The actions whose payloads WebhookEvent.Typed decodes into a struct (the
// names of API v3.2 and later, which WebhookEvent.Action always uses).
const (
	ActionIncomingChat                = "incoming_chat"                  // *IncomingChatPayload
	ActionIncomingEvent               = "incoming_event"                 // *IncomingEventPayload
	ActionEventUpdated                = "event_updated"                  // *EventUpdatedPayload
	ActionIncomingRichMessagePostback = "incoming_rich_message_postback" // *RichMessagePostbackPayload
	ActionChatDeactivated             = "chat_deactivated"               // *ChatDeactivatedPayload
	ActionChatTransferred             = "chat_transferred"               // *ChatTransferredPayload
	ActionRoutingStatusSet            = "routing_status_set"             // *RoutingStatusSetPayload
	ActionUserAddedToChat             = "user_added_to_chat"             // *ChatUserPayload
	ActionUserRemovedFromChat         = "user_removed_from_chat"         // *ChatUserPayload
)

// WebhookEvent is one webhook, checked and normalized: the same shape
// whatever API version LiveChat sent it in (3.0 to 3.6). It never holds
// the body's secret_key.
type WebhookEvent struct {
	// Action is today's name of the action (API v3.2 and later), whatever
	// version sent it: "incoming_chat" for v3.1's "incoming_chat_thread",
	// "chat_deactivated" for "thread_closed", "routing_status_set" for
	// "agent_status_changed", and so on. An action the library does not
	// know is given as sent.
	Action string
	// ActionAsSent is the action's name in the body.
	ActionAsSent string
	// WebhookID identifies the webhook's registration (not the delivery);
	// "" when the body had none.
	WebhookID string
	// LicenseID is the license the event belongs to (API v3.2-v3.3); nil
	// when the body had none.
	LicenseID *int64
	// OrganizationID is the organization the event belongs to (API v3.4
	// and later, in place of LicenseID); "" when the body had none.
	OrganizationID string
	// Payload is the event as sent (the body's "payload", or "data" in API
	// v3.0), unknown fields included. Typed decodes the common ones.
	Payload json.RawMessage
	// AdditionalData is the body's "additional_data", {} when absent.
	AdditionalData json.RawMessage
	// DedupeKey is the same for every delivery of one event (LiveChat
	// retries a webhook that was not answered 200 in time, so one event can
	// arrive more than once): "{action}/{chat_id}/{event id}" for an event
	// with an id, else "{action}/{chat_id}/{thread_id or -}" for a chat's
	// event, else "{action}/{16 hex digits hashing the payload}".
	DedupeKey string
	// Extra holds the body's top-level fields that the library does not
	// know (a later API version's), as sent; nil when there are none.
	Extra map[string]json.RawMessage
}

// VerifyWebhook checks a webhook body that LiveChat POSTed and returns its
// normalized event.
//
// secrets are the accepted secret keys: the one the webhook was registered
// with, or several while a key is rotated (register the new one, deploy
// with both, then drop the old one). The body's secret_key must equal one
// of them; each is compared in constant time. An empty list, or an empty
// secret, is a configuration error (CodeValidation), never "accept
// anything".
//
// The body is the request's bytes as received; it is read, not kept, and
// may be reused once VerifyWebhook returns.
//
// Errors are *Error values:
//   - CodeTooLarge (IsTooLarge): the body is over the cap; answer 413.
//   - CodeSecretMismatch (IsSecretMismatch): secret_key is missing or none
//     of secrets; answer 401. Nothing else of the body has been read.
//   - CodeInvalidUTF8, CodeInvalidJSON, CodeValidation: a malformed body;
//     answer 400.
//   - CodeValidation, CodeInvalidUTF8 also for bad secrets or options (see
//     above): a configuration error, to answer 500 so that LiveChat tries
//     again once it is fixed. WebhookHandler tells the two apart.
//
// No secret, accepted or received, is ever in an error's text, nor in the
// event.
func VerifyWebhook(body []byte, secrets []string, opts *WebhookOptions) (*WebhookEvent, error) {
	if abiErr != nil {
		return nil, abiErr
	}
	limit, _, err := opts.maxBody()
	if err != nil {
		return nil, err
	}
	secretsJSON, err := encodeSecrets(secrets)
	if err != nil {
		return nil, err
	}
	doc, err := webhookVerify(secretsJSON, body, limit)
	if err != nil {
		return nil, err
	}
	return decodeWebhookEvent(doc)
}

// encodeSecrets is the JSON array of the secrets; nil is [] (which the
// library refuses with a message saying a secret is needed). A secret that
// is not valid UTF-8 is refused here: encoding/json would replace its bad
// bytes with U+FFFD, and two different secrets could become one.
func encodeSecrets(secrets []string) ([]byte, *Error) {
	if secrets == nil {
		secrets = []string{}
	}
	for i, s := range secrets {
		if !utf8.ValidString(s) {
			return nil, newError("webhook_verify", CodeInvalidUTF8, "secrets[%d]: not valid UTF-8", i)
		}
	}
	b, jerr := json.Marshal(secrets)
	if jerr != nil { // cannot happen for a []string
		return nil, newError("webhook_verify", CodeInvalidJSON, "secrets: cannot be encoded")
	}
	return b, nil
}

// decodeWebhookEvent reads the library's event document.
func decodeWebhookEvent(doc string) (*WebhookEvent, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal([]byte(doc), &fields); err != nil {
		return nil, newError("webhook_verify", CodeDecode, "unreadable event document: %v", err)
	}
	e := &WebhookEvent{}
	var webhookID, organizationID *string
	for _, f := range []struct {
		key string
		to  any
	}{
		{"action", &e.Action},
		{"action_as_sent", &e.ActionAsSent},
		{"webhook_id", &webhookID},
		{"license_id", &e.LicenseID},
		{"organization_id", &organizationID},
		{"payload", &e.Payload},
		{"additional_data", &e.AdditionalData},
		{"dedupe_key", &e.DedupeKey},
	} {
		raw, ok := fields[f.key]
		if !ok {
			continue
		}
		delete(fields, f.key)
		if err := json.Unmarshal(raw, f.to); err != nil {
			return nil, newError("webhook_verify", CodeDecode, "event document: %s: %v", f.key, err)
		}
	}
	if webhookID != nil {
		e.WebhookID = *webhookID
	}
	if organizationID != nil {
		e.OrganizationID = *organizationID
	}
	if len(fields) > 0 {
		e.Extra = fields
	}
	return e, nil
}

// Typed decodes the payload of the common actions into its struct, chosen
// by Action (so whatever version sent it):
//
//	incoming_chat                   *IncomingChatPayload
//	incoming_event                  *IncomingEventPayload
//	event_updated                   *EventUpdatedPayload
//	incoming_rich_message_postback  *RichMessagePostbackPayload
//	chat_deactivated                *ChatDeactivatedPayload
//	chat_transferred                *ChatTransferredPayload
//	routing_status_set              *RoutingStatusSetPayload
//	user_added_to_chat              *ChatUserPayload
//	user_removed_from_chat          *ChatUserPayload
//
// For any other action it returns Payload itself (a json.RawMessage). Use
// a type switch:
//
//	switch p := typed.(type) {
//	case *livechatbots.IncomingEventPayload:
//		fmt.Println(p.ChatID, p.Event.Type, p.Event.Text)
//	case json.RawMessage:
//		// an action without a struct: decode what you need
//	}
//
// Every struct keeps the fields it does not name: its Raw is the object as
// sent. A payload whose known fields have another type than the struct's
// gives an *Error of CodeDecode; the event itself stays valid.
func (e *WebhookEvent) Typed() (any, error) {
	var v any
	switch e.Action {
	case ActionIncomingChat:
		v = new(IncomingChatPayload)
	case ActionIncomingEvent:
		v = new(IncomingEventPayload)
	case ActionEventUpdated:
		v = new(EventUpdatedPayload)
	case ActionIncomingRichMessagePostback:
		v = new(RichMessagePostbackPayload)
	case ActionChatDeactivated:
		v = new(ChatDeactivatedPayload)
	case ActionChatTransferred:
		v = new(ChatTransferredPayload)
	case ActionRoutingStatusSet:
		v = new(RoutingStatusSetPayload)
	case ActionUserAddedToChat, ActionUserRemovedFromChat:
		v = new(ChatUserPayload)
	default:
		return e.Payload, nil
	}
	if err := json.Unmarshal(e.Payload, v); err != nil {
		return nil, newError("webhook_typed", CodeDecode, "payload of %s: %v", e.Action, err)
	}
	return v, nil
}

// IncomingChatPayload is incoming_chat's (v3.1's incoming_chat_thread): a
// chat started or a new thread of it, with the thread's first events.
type IncomingChatPayload struct {
	Chat WebhookChat `json:"chat"`
	// Raw is the payload as sent.
	Raw json.RawMessage `json:"-"`
}

// IncomingEventPayload is incoming_event's: an event (a message, a file,
// a form ...) sent to a chat.
type IncomingEventPayload struct {
	ChatID   string    `json:"chat_id"`
	ThreadID string    `json:"thread_id"`
	Event    ChatEvent `json:"event"`
	// Raw is the payload as sent.
	Raw json.RawMessage `json:"-"`
}

// EventUpdatedPayload is event_updated's: an event that was changed.
type EventUpdatedPayload struct {
	ChatID   string    `json:"chat_id"`
	ThreadID string    `json:"thread_id"`
	Event    ChatEvent `json:"event"`
	// Raw is the payload as sent.
	Raw json.RawMessage `json:"-"`
}

// RichMessagePostbackPayload is incoming_rich_message_postback's: a user
// chose a button of a rich message.
type RichMessagePostbackPayload struct {
	UserID   string   `json:"user_id"`
	ChatID   string   `json:"chat_id"`
	ThreadID string   `json:"thread_id"`
	EventID  string   `json:"event_id"`
	Postback Postback `json:"postback"`
	// Raw is the payload as sent.
	Raw json.RawMessage `json:"-"`
}

// Postback is the button chosen in a rich message.
type Postback struct {
	ID      string `json:"id"`
	Toggled bool   `json:"toggled"`
}

// ChatDeactivatedPayload is chat_deactivated's (v3.1's thread_closed): a
// chat's thread ended.
type ChatDeactivatedPayload struct {
	ChatID   string `json:"chat_id"`
	ThreadID string `json:"thread_id"`
	// UserID is who ended it; "" when the body does not say.
	UserID string `json:"user_id,omitempty"`
	// Raw is the payload as sent.
	Raw json.RawMessage `json:"-"`
}

// ChatTransferredPayload is chat_transferred's (API v3.3 and later).
type ChatTransferredPayload struct {
	ChatID        string         `json:"chat_id"`
	ThreadID      string         `json:"thread_id,omitempty"`
	RequesterID   string         `json:"requester_id,omitempty"`
	Reason        string         `json:"reason,omitempty"`
	TransferredTo TransferTarget `json:"transferred_to"`
	// Queue is set when the chat was queued.
	Queue *TransferQueue `json:"queue,omitempty"`
	// Raw is the payload as sent.
	Raw json.RawMessage `json:"-"`
}

// TransferTarget is where a chat was transferred.
type TransferTarget struct {
	AgentIDs []string `json:"agent_ids,omitempty"`
	GroupIDs []int64  `json:"group_ids,omitempty"`
}

// TransferQueue is the queue a transferred chat waits in.
type TransferQueue struct {
	Position int    `json:"position"`
	WaitTime int    `json:"wait_time"`
	QueuedAt string `json:"queued_at,omitempty"`
}

// RoutingStatusSetPayload is routing_status_set's (v3.1's
// agent_status_changed): an agent's or bot's routing status changed.
type RoutingStatusSetPayload struct {
	AgentID string `json:"agent_id"`
	// Status as sent: "accepting chats" with spaces in real bodies of API
	// v3.1-v3.2, "accepting_chats" in the set_routing_status style.
	Status string `json:"status"`
	// Raw is the payload as sent.
	Raw json.RawMessage `json:"-"`
}

// ChatUserPayload is user_added_to_chat's and user_removed_from_chat's
// (v3.1's chat_user_added and chat_user_removed).
type ChatUserPayload struct {
	ChatID   string `json:"chat_id"`
	ThreadID string `json:"thread_id,omitempty"`
	// User is the user added, when the body carries the whole user (an
	// addition); nil otherwise.
	User *ChatUser `json:"user,omitempty"`
	// UserID is the user's id when the body carries only the id (a
	// removal); see AffectedUserID.
	UserID string `json:"user_id,omitempty"`
	// UserType is "agent" or "customer".
	UserType    string `json:"user_type,omitempty"`
	Reason      string `json:"reason,omitempty"`
	RequesterID string `json:"requester_id,omitempty"`
	// Raw is the payload as sent.
	Raw json.RawMessage `json:"-"`
}

// AffectedUserID is the id of the user added or removed: UserID, or
// User.ID when the body carries the whole user.
func (p *ChatUserPayload) AffectedUserID() string {
	if p.UserID == "" && p.User != nil {
		return p.User.ID
	}
	return p.UserID
}

// WebhookChat is a chat in a webhook (incoming_chat).
type WebhookChat struct {
	ID    string     `json:"id"`
	Users []ChatUser `json:"users,omitempty"`
	// Thread is the chat's new thread, with its events so far.
	Thread     *ChatThread     `json:"thread,omitempty"`
	Properties json.RawMessage `json:"properties,omitempty"`
	Access     json.RawMessage `json:"access,omitempty"`
	// Raw is the chat as sent.
	Raw json.RawMessage `json:"-"`
}

// ChatThread is a chat's thread.
type ChatThread struct {
	ID         string          `json:"id"`
	Active     bool            `json:"active"`
	UserIDs    []string        `json:"user_ids,omitempty"`
	Events     []ChatEvent     `json:"events,omitempty"`
	Properties json.RawMessage `json:"properties,omitempty"`
	Access     json.RawMessage `json:"access,omitempty"`
	// Raw is the thread as sent.
	Raw json.RawMessage `json:"-"`
}

// ChatUser is a chat's participant: an agent (a bot is one) or a customer.
type ChatUser struct {
	ID      string `json:"id"`
	Type    string `json:"type"` // "agent" or "customer"
	Name    string `json:"name,omitempty"`
	Email   string `json:"email,omitempty"`
	Present bool   `json:"present,omitempty"`
	// Raw is the user as sent (the customer's visit, statistics, ...).
	Raw json.RawMessage `json:"-"`
}

// ChatEvent is an event of a chat: a message, a file, a filled form, a
// rich message, a system message ...; its type-specific fields are in Raw.
type ChatEvent struct {
	ID       string `json:"id"`
	CustomID string `json:"custom_id,omitempty"`
	Type     string `json:"type"`
	// Text is a message's or system message's text.
	Text      string `json:"text,omitempty"`
	AuthorID  string `json:"author_id,omitempty"`
	CreatedAt string `json:"created_at,omitempty"`
	// Recipients ("all", "agents") is API v3.3 and earlier; Visibility
	// the same from v3.4.
	Recipients string          `json:"recipients,omitempty"`
	Visibility string          `json:"visibility,omitempty"`
	Properties json.RawMessage `json:"properties,omitempty"`
	// Raw is the event as sent.
	Raw json.RawMessage `json:"-"`
}

func keepRaw(b []byte) json.RawMessage { return append(json.RawMessage(nil), b...) }

// UnmarshalJSON decodes the known fields and keeps the whole object in Raw.
func (p *IncomingChatPayload) UnmarshalJSON(b []byte) error {
	type plain IncomingChatPayload
	if err := json.Unmarshal(b, (*plain)(p)); err != nil {
		return err
	}
	p.Raw = keepRaw(b)
	return nil
}

// UnmarshalJSON decodes the known fields and keeps the whole object in Raw.
func (p *IncomingEventPayload) UnmarshalJSON(b []byte) error {
	type plain IncomingEventPayload
	if err := json.Unmarshal(b, (*plain)(p)); err != nil {
		return err
	}
	p.Raw = keepRaw(b)
	return nil
}

// UnmarshalJSON decodes the known fields and keeps the whole object in Raw.
func (p *EventUpdatedPayload) UnmarshalJSON(b []byte) error {
	type plain EventUpdatedPayload
	if err := json.Unmarshal(b, (*plain)(p)); err != nil {
		return err
	}
	p.Raw = keepRaw(b)
	return nil
}

// UnmarshalJSON decodes the known fields and keeps the whole object in Raw.
func (p *RichMessagePostbackPayload) UnmarshalJSON(b []byte) error {
	type plain RichMessagePostbackPayload
	if err := json.Unmarshal(b, (*plain)(p)); err != nil {
		return err
	}
	p.Raw = keepRaw(b)
	return nil
}

// UnmarshalJSON decodes the known fields and keeps the whole object in Raw.
func (p *ChatDeactivatedPayload) UnmarshalJSON(b []byte) error {
	type plain ChatDeactivatedPayload
	if err := json.Unmarshal(b, (*plain)(p)); err != nil {
		return err
	}
	p.Raw = keepRaw(b)
	return nil
}

// UnmarshalJSON decodes the known fields and keeps the whole object in Raw.
func (p *ChatTransferredPayload) UnmarshalJSON(b []byte) error {
	type plain ChatTransferredPayload
	if err := json.Unmarshal(b, (*plain)(p)); err != nil {
		return err
	}
	p.Raw = keepRaw(b)
	return nil
}

// UnmarshalJSON decodes the known fields and keeps the whole object in Raw.
func (p *RoutingStatusSetPayload) UnmarshalJSON(b []byte) error {
	type plain RoutingStatusSetPayload
	if err := json.Unmarshal(b, (*plain)(p)); err != nil {
		return err
	}
	p.Raw = keepRaw(b)
	return nil
}

// UnmarshalJSON decodes the known fields and keeps the whole object in Raw.
func (p *ChatUserPayload) UnmarshalJSON(b []byte) error {
	type plain ChatUserPayload
	if err := json.Unmarshal(b, (*plain)(p)); err != nil {
		return err
	}
	p.Raw = keepRaw(b)
	return nil
}

// UnmarshalJSON decodes the known fields and keeps the whole object in Raw.
func (c *WebhookChat) UnmarshalJSON(b []byte) error {
	type plain WebhookChat
	if err := json.Unmarshal(b, (*plain)(c)); err != nil {
		return err
	}
	c.Raw = keepRaw(b)
	return nil
}

// UnmarshalJSON decodes the known fields and keeps the whole object in Raw.
func (t *ChatThread) UnmarshalJSON(b []byte) error {
	type plain ChatThread
	if err := json.Unmarshal(b, (*plain)(t)); err != nil {
		return err
	}
	t.Raw = keepRaw(b)
	return nil
}

// UnmarshalJSON decodes the known fields and keeps the whole object in Raw.
func (u *ChatUser) UnmarshalJSON(b []byte) error {
	type plain ChatUser
	if err := json.Unmarshal(b, (*plain)(u)); err != nil {
		return err
	}
	u.Raw = keepRaw(b)
	return nil
}

// UnmarshalJSON decodes the known fields and keeps the whole object in Raw.
func (ev *ChatEvent) UnmarshalJSON(b []byte) error {
	type plain ChatEvent
	if err := json.Unmarshal(b, (*plain)(ev)); err != nil {
		return err
	}
	ev.Raw = keepRaw(b)
	return nil
}

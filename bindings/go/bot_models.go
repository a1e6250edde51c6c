package livechatbots

// The models of bots in chats: the Agent Chat Web API documents a Bot
// sends and reads, in today's (v3.6) names and shapes whatever the API
// version (the library translates on the wire), and the Configuration API
// requests a bot needs (its token, its webhooks). Same encoding rule as
// models.go: unset optional fields are left out.

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
)

// BotIdentity names the bot a Bot acts as. BotAgentID is always required.
// BotSecret, ClientID (the client id of the application that owns the bot)
// and OrganizationID are what issue_bot_token needs: required on API v3.6,
// where a bot acts only with its own token; optional on v3.5 (given, the
// bot uses its own token; not given, it is named by X-Author-Id); refused
// before v3.5. Printing a BotIdentity never shows the secret.
type BotIdentity struct {
	BotAgentID     string
	BotSecret      BotSecret
	ClientID       string
	OrganizationID string
}

// Format prints the identity with the secret redacted, for every verb.
func (id BotIdentity) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "livechatbots.BotIdentity{BotAgentID: %q, BotSecret: %s, ClientID: %q, OrganizationID: %q}",
		id.BotAgentID, id.BotSecret.redacted(), id.ClientID, id.OrganizationID)
}

// LogValue keeps the secret out of log/slog records.
func (id BotIdentity) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("bot_agent_id", id.BotAgentID),
		slog.String("bot_secret", id.BotSecret.redacted()),
		slog.String("client_id", id.ClientID),
		slog.String("organization_id", id.OrganizationID),
	)
}

// wireIdentity is the identity document of lcbot_bot_new, secret included.
type wireIdentity struct {
	BotAgentID     string `json:"bot_agent_id"`
	BotSecret      string `json:"bot_secret,omitempty"`
	ClientID       string `json:"client_id,omitempty"`
	OrganizationID string `json:"organization_id,omitempty"`
}

// RoutingStatus is a bot's routing status as the Agent Chat API spells it
// (with underscores; the bot models' Status has spaces).
type RoutingStatus string

const (
	RoutingAcceptingChats    RoutingStatus = "accepting_chats"
	RoutingNotAcceptingChats RoutingStatus = "not_accepting_chats"
	RoutingOffline           RoutingStatus = "offline"
)

// AgentRoutingStatus is an entry of Bot.ListRoutingStatuses.
type AgentRoutingStatus struct {
	AgentID string        `json:"agent_id"`
	Status  RoutingStatus `json:"status"`
}

// MaxMessageBytes is the longest text of a message event, in bytes.
const MaxMessageBytes = 16 * 1024

// Event types a bot may send.
const (
	EventMessage       = "message"
	EventRichMessage   = "rich_message"
	EventSystemMessage = "system_message"
)

// Event visibilities ("recipients" before API v3.4; the library renames).
const (
	VisibilityAll    = "all"
	VisibilityAgents = "agents"
)

// Event is an event a bot sends with Bot.SendEvent: a message (Type
// EventMessage, Text of 1 to 16384 bytes), a rich message (TemplateID and
// Elements) or a system message (Text, SystemMessageType, TextVars). The
// library checks it before sending.
type Event struct {
	Type string `json:"type"`
	Text string `json:"text,omitempty"`
	// Visibility is VisibilityAll (LiveChat's default) or VisibilityAgents.
	Visibility string         `json:"visibility,omitempty"`
	CustomID   string         `json:"custom_id,omitempty"`
	Properties map[string]any `json:"properties,omitzero"`
	// TemplateID ("cards", "sticker", "quick_replies") and Elements (the
	// API's objects) make a rich message.
	TemplateID string           `json:"template_id,omitempty"`
	Elements   []map[string]any `json:"elements,omitzero"`
	// SystemMessageType and TextVars are a system message's.
	SystemMessageType string            `json:"system_message_type,omitempty"`
	TextVars          map[string]string `json:"text_vars,omitzero"`
}

// sendEventRequest is send_event's request.
type sendEventRequest struct {
	ChatID string `json:"chat_id"`
	Event  Event  `json:"event"`
}

// Sort orders of ListChatsRequest.
const (
	SortAsc  = "asc"
	SortDesc = "desc"
)

// ListChatsRequest is the request of Bot.ListChats: either the first
// page's Filters, SortOrder and Limit, or the PageID of a page before (a
// page keeps the first request's filters, order and limit: the library
// refuses them with PageID).
type ListChatsRequest struct {
	Filters *ChatFilters `json:"filters,omitempty"`
	// SortOrder is SortDesc (the default: newest first) or SortAsc.
	SortOrder string `json:"sort_order,omitempty"`
	// Limit is the page size, 1 to 100 (default 10).
	Limit  int    `json:"limit,omitempty"`
	PageID string `json:"page_id,omitempty"`
}

// ChatFilters narrows ListChats.
type ChatFilters struct {
	// Active, when set, keeps only active (true) or inactive (false)
	// chats. Before API v3.6 LiveChat can only leave active chats out:
	// false is sent as include_active false there, and true is refused.
	Active *bool `json:"active,omitempty"`
	// GroupIDs keeps the chats of these groups (at most 200).
	GroupIDs                   []uint64       `json:"group_ids,omitzero"`
	IncludeChatsWithoutThreads *bool          `json:"include_chats_without_threads,omitempty"`
	Properties                 map[string]any `json:"properties,omitzero"`
}

// ChatPage is one page of Bot.ListChats.
type ChatPage struct {
	Chats      []ChatSummary `json:"chats_summary"`
	FoundChats int           `json:"found_chats"`
	// NextPageID asks for the next page (ListChatsRequest.PageID); empty
	// on the last page.
	NextPageID     string `json:"next_page_id,omitempty"`
	PreviousPageID string `json:"previous_page_id,omitempty"`
}

// ChatSummary is a chat as ListChats gives it.
type ChatSummary struct {
	ID                string               `json:"id"`
	Users             []ChatUser           `json:"users,omitempty"`
	LastThreadSummary *ThreadSummary       `json:"last_thread_summary,omitempty"`
	LastEventPerType  map[string]LastEvent `json:"last_event_per_type,omitempty"`
	Properties        json.RawMessage      `json:"properties,omitempty"`
	Access            json.RawMessage      `json:"access,omitempty"`
	IsFollowed        bool                 `json:"is_followed,omitempty"`
	// Raw is the summary as sent.
	Raw json.RawMessage `json:"-"`
}

// ThreadSummary is a chat's latest thread in a ChatSummary.
type ThreadSummary struct {
	ID         string          `json:"id"`
	CreatedAt  string          `json:"created_at,omitempty"`
	Active     bool            `json:"active"`
	UserIDs    []string        `json:"user_ids,omitempty"`
	Properties json.RawMessage `json:"properties,omitempty"`
	Access     json.RawMessage `json:"access,omitempty"`
	// Raw is the thread summary as sent.
	Raw json.RawMessage `json:"-"`
}

// LastEvent is the latest event of one type in a ChatSummary, with its
// thread.
type LastEvent struct {
	ThreadID        string    `json:"thread_id"`
	ThreadCreatedAt string    `json:"thread_created_at,omitempty"`
	Event           ChatEvent `json:"event"`
}

// Chat is a chat with one thread, as Bot.GetChat gives it (API v3.0 and
// v3.1's get_chat_threads answer is converted to this shape).
type Chat struct {
	ID    string     `json:"id"`
	Users []ChatUser `json:"users,omitempty"`
	// Thread is the thread asked for (the latest by default); nil for a
	// chat without threads.
	Thread     *ChatThread     `json:"thread,omitempty"`
	Properties json.RawMessage `json:"properties,omitempty"`
	Access     json.RawMessage `json:"access,omitempty"`
	IsFollowed bool            `json:"is_followed,omitempty"`
	// Raw is the chat as the library gave it.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the known fields and keeps the whole object in Raw.
func (s *ChatSummary) UnmarshalJSON(b []byte) error {
	type plain ChatSummary
	if err := json.Unmarshal(b, (*plain)(s)); err != nil {
		return err
	}
	s.Raw = keepRaw(b)
	return nil
}

// UnmarshalJSON decodes the known fields and keeps the whole object in Raw.
func (t *ThreadSummary) UnmarshalJSON(b []byte) error {
	type plain ThreadSummary
	if err := json.Unmarshal(b, (*plain)(t)); err != nil {
		return err
	}
	t.Raw = keepRaw(b)
	return nil
}

// UnmarshalJSON decodes the known fields and keeps the whole object in Raw.
func (c *Chat) UnmarshalJSON(b []byte) error {
	type plain Chat
	if err := json.Unmarshal(b, (*plain)(c)); err != nil {
		return err
	}
	c.Raw = keepRaw(b)
	return nil
}

// TransferChatRequest is the request of Bot.TransferChat. Set at most one
// of AgentIDs (bots or agents to hand the chat to) and GroupIDs (route it
// in these groups); with neither, the chat is routed in its own group to
// someone else.
type TransferChatRequest struct {
	ID       string
	AgentIDs []string
	GroupIDs []uint64
	// IgnoreAgentsAvailability transfers (queues) the chat even when no
	// target can take it now (sent as force before API v3.4).
	IgnoreAgentsAvailability bool
	// IgnoreRequesterPresence lets a bot transfer a chat it is not in (API
	// v3.4 and later; refused before).
	IgnoreRequesterPresence bool
}

type wireTransferTarget struct {
	Type string `json:"type"`
	IDs  any    `json:"ids"`
}

type wireTransferRequest struct {
	ID                       string              `json:"id"`
	Target                   *wireTransferTarget `json:"target,omitempty"`
	IgnoreAgentsAvailability bool                `json:"ignore_agents_availability,omitempty"`
	IgnoreRequesterPresence  bool                `json:"ignore_requester_presence,omitempty"`
}

// MarshalJSON writes transfer_chat's request ({"id", "target": {"type",
// "ids"}, ...}).
func (r TransferChatRequest) MarshalJSON() ([]byte, error) {
	w := wireTransferRequest{
		ID:                       r.ID,
		IgnoreAgentsAvailability: r.IgnoreAgentsAvailability,
		IgnoreRequesterPresence:  r.IgnoreRequesterPresence,
	}
	switch {
	case r.AgentIDs != nil && r.GroupIDs != nil:
		return nil, fmt.Errorf("set one of AgentIDs and GroupIDs, not both")
	case r.AgentIDs != nil:
		w.Target = &wireTransferTarget{Type: "agent", IDs: r.AgentIDs}
	case r.GroupIDs != nil:
		w.Target = &wireTransferTarget{Type: "group", IDs: r.GroupIDs}
	}
	return json.Marshal(w)
}

// deactivateRequest is deactivate_chat's request.
type deactivateRequest struct {
	ID string `json:"id"`
}

// getChatRequest is get_chat's request.
type getChatRequest struct {
	ChatID   string `json:"chat_id"`
	ThreadID string `json:"thread_id,omitempty"`
}

// setRoutingStatusRequest is set_routing_status's request.
type setRoutingStatusRequest struct {
	Status  RoutingStatus `json:"status"`
	AgentID string        `json:"agent_id,omitempty"`
}

// listRoutingStatusesRequest is list_routing_statuses' request.
type listRoutingStatusesRequest struct {
	Filters *struct {
		GroupIDs []uint64 `json:"group_ids"`
	} `json:"filters,omitempty"`
}

// BotToken is a bot's access token from Client.IssueBotToken. It never
// shows in a print: String, GoString, Format (every verb), MarshalJSON and
// LogValue give "[redacted]"; Reveal returns it. A Bot gets and renews its
// own token: this is for handing one to another program.
type BotToken struct{ token string }

// Reveal returns the token itself.
func (t BotToken) Reveal() string { return t.token }

// IsZero reports whether there is no token.
func (t BotToken) IsZero() bool { return t.token == "" }

func (t BotToken) redacted() string {
	if t.token == "" {
		return ""
	}
	return "[redacted]"
}

// String returns "[redacted]" ("" for the zero BotToken).
func (t BotToken) String() string { return t.redacted() }

// GoString is String, for %#v.
func (t BotToken) GoString() string { return t.redacted() }

// Format writes "[redacted]" for every verb.
func (t BotToken) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, t.redacted()) }

// LogValue keeps the token out of log/slog records.
func (t BotToken) LogValue() slog.Value { return slog.StringValue(t.redacted()) }

// MarshalJSON writes "[redacted]".
func (t BotToken) MarshalJSON() ([]byte, error) { return json.Marshal(t.redacted()) }

// IssueBotTokenRequest is the request of Client.IssueBotToken (API v3.5
// and later); every field is required.
type IssueBotTokenRequest struct {
	BotID          string
	ClientID       string
	BotSecret      BotSecret
	OrganizationID string
}

// Format prints the request with the secret redacted, for every verb.
func (r IssueBotTokenRequest) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "livechatbots.IssueBotTokenRequest{BotID: %q, ClientID: %q, BotSecret: %s, OrganizationID: %q}",
		r.BotID, r.ClientID, r.BotSecret.redacted(), r.OrganizationID)
}

type wireIssueBotToken struct {
	BotID          string `json:"bot_id"`
	ClientID       string `json:"client_id"`
	BotSecret      string `json:"bot_secret"`
	OrganizationID string `json:"organization_id"`
}

// ResetBotSecretRequest is the request of Client.ResetBotSecret (API v3.5
// and later).
type ResetBotSecretRequest struct {
	// ID is the bot's.
	ID string `json:"id"`
	// OwnerClientID is the client id of the application owning the bot
	// (required with a personal access token).
	OwnerClientID string `json:"owner_client_id,omitempty"`
}

// Webhook types of RegisterWebhookRequest.
const (
	WebhookTypeBot     = "bot"
	WebhookTypeLicense = "license"
)

// RegisterWebhookRequest is the request of Client.RegisterWebhook (API
// v3.3 and later): LiveChat POSTs Action's events to URL with SecretKey in
// the body. Its SecretKey prints as [redacted] (it is still sent).
type RegisterWebhookRequest struct {
	// Action is a triggering action: ActionIncomingChat,
	// ActionIncomingEvent, ActionChatDeactivated ...
	Action    string `json:"action"`
	SecretKey string `json:"secret_key"`
	// URL is http:// or https://, at most 500 characters.
	URL string `json:"url"`
	// Type is WebhookTypeBot or WebhookTypeLicense.
	Type string `json:"type"`
	// OwnerClientID is the client id of the application the webhook
	// belongs to (the token's).
	OwnerClientID string `json:"owner_client_id"`
	// AdditionalData asks for "chat_properties" or
	// "chat_presence_user_ids" with each event.
	AdditionalData []string       `json:"additional_data,omitzero"`
	Description    string         `json:"description,omitempty"`
	Filters        map[string]any `json:"filters,omitzero"`
}

// Format prints the request with SecretKey redacted, for every verb.
func (r RegisterWebhookRequest) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "livechatbots.RegisterWebhookRequest{Action: %q, SecretKey: %s, URL: %q, Type: %q, OwnerClientID: %q, AdditionalData: %q, Description: %q, Filters: %v}",
		r.Action, redactedKey(r.SecretKey), r.URL, r.Type, r.OwnerClientID, r.AdditionalData, r.Description, r.Filters)
}

// RegisteredWebhook is an entry of Client.ListWebhooks. Its SecretKey
// prints as [redacted].
type RegisteredWebhook struct {
	ID             string          `json:"id"`
	URL            string          `json:"url"`
	Description    string          `json:"description,omitempty"`
	Action         string          `json:"action"`
	SecretKey      string          `json:"secret_key"`
	Type           string          `json:"type"`
	OwnerClientID  string          `json:"owner_client_id"`
	AdditionalData []string        `json:"additional_data,omitempty"`
	Filters        json.RawMessage `json:"filters,omitempty"`
}

// Format prints the webhook with SecretKey redacted, for every verb.
func (w RegisteredWebhook) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "livechatbots.RegisteredWebhook{ID: %q, URL: %q, Description: %q, Action: %q, SecretKey: %s, Type: %q, OwnerClientID: %q, AdditionalData: %q, Filters: %s}",
		w.ID, w.URL, w.Description, w.Action, redactedKey(w.SecretKey), w.Type, w.OwnerClientID, w.AdditionalData, string(w.Filters))
}

func redactedKey(k string) string {
	if k == "" {
		return `""`
	}
	return "[redacted]"
}

type listWebhooksRequest struct {
	OwnerClientID string `json:"owner_client_id"`
}

type unregisterWebhookRequest struct {
	ID            string `json:"id"`
	OwnerClientID string `json:"owner_client_id"`
}

package livechatbots

// The Bot Agents models, shaped as the Configuration API's v3.0
// specification (whatever the configured API version: the library converts).
//
// Encoding rule: the library refuses explicit nulls and unknown fields, so
// every optional field is left out of the JSON when unset: `omitempty` where
// the zero value is never a valid value (an empty name or status), a pointer
// where it is (Avatar "", MaxChatsCount 0), and `omitzero` on slices so that
// nil is left out while an empty, non-nil slice is sent as [] (to clear a
// list in an update).

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
)

// Status is a bot's routing status.
type Status string

const (
	StatusAcceptingChats    Status = "accepting chats"
	StatusNotAcceptingChats Status = "not accepting chats"
	StatusOffline           Status = "offline"
)

// Priority is a bot's routing priority in a group. PrioritySupervisor is
// valid only as UpdateBotAgentRequest.DefaultGroupPriority.
type Priority string

const (
	PriorityFirst      Priority = "first"
	PriorityNormal     Priority = "normal"
	PriorityLast       Priority = "last"
	PrioritySupervisor Priority = "supervisor"
)

// Group is a bot's membership of a group, with its priority there.
type Group struct {
	ID       uint64   `json:"id"`
	Priority Priority `json:"priority"`
}

// WebhookAction is one action a bot's webhooks fire on.
type WebhookAction struct {
	Name string `json:"name"`
	// Filters is sent as given when non-nil.
	Filters map[string]any `json:"filters,omitzero"`
	// AdditionalData lists extra data to send with the webhook.
	AdditionalData []string `json:"additional_data,omitzero"`
}

// Webhooks are where and how LiveChat calls the bot.
type Webhooks struct {
	URL       string          `json:"url"`
	SecretKey string          `json:"secret_key"`
	Actions   []WebhookAction `json:"actions,omitzero"`
}

// Format prints the webhooks with SecretKey redacted, for every verb
// (%v, %+v, %#v, %s ...): a webhook secret key never shows in a print.
func (w Webhooks) Format(f fmt.State, verb rune) {
	secret := "[redacted]"
	if w.SecretKey == "" {
		secret = ""
	}
	fmt.Fprintf(f, "livechatbots.Webhooks{URL: %q, SecretKey: %s, Actions: %+v}", w.URL, secret, w.Actions)
}

// Application is the application a bot belongs to.
type Application struct {
	ClientID string `json:"client_id"`
}

// WorkScheduler is a bot's working hours (API v3.3 and later), sent and
// read as the API's JSON object, whose shape changed in v3.5: for example
// {"timezone": "Europe/Warsaw", "schedule": [{"day": "monday", "enabled":
// true, "start": "08:00", "end": "16:00"}]}. The library checks only that it
// is an object.
type WorkScheduler map[string]any

// BotAgent is an entry of GetBotAgents.
type BotAgent struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Avatar string `json:"avatar,omitempty"`
	Status Status `json:"status,omitempty"`
}

// BotAgentDetails is the answer of GetBotAgentDetails. It is also the shape
// of a bot seeded into the emulator (EmulatorConfig.Bots). Every field the
// library reads for some API version is here; a field the bot does not have
// in the configured version is left zero (Status and Webhooks before v3.3,
// JobTitle, Timezone and WorkScheduler from v3.3, Type from v3.6).
type BotAgentDetails struct {
	ID                   string      `json:"id,omitempty"`
	Name                 string      `json:"name"`
	Avatar               string      `json:"avatar,omitempty"`
	Status               Status      `json:"status,omitempty"`
	Application          Application `json:"application,omitzero"`
	MaxChatsCount        int         `json:"max_chats_count,omitempty"`
	Groups               []Group     `json:"groups,omitzero"`
	DefaultGroupPriority Priority    `json:"default_group_priority,omitempty"`
	Webhooks             *Webhooks   `json:"webhooks,omitempty"`
	// JobTitle, Timezone and WorkScheduler exist from API v3.3.
	JobTitle      string        `json:"job_title,omitempty"`
	Timezone      string        `json:"timezone,omitempty"`
	WorkScheduler WorkScheduler `json:"work_scheduler,omitzero"`
	// Type categorizes the bot (API v3.6; LiveChat's default is "chatbot").
	Type string `json:"type,omitempty"`
}

// CreateBotAgentRequest is the request of CreateBotAgent. Name is required;
// every other field is left out when unset. The library refuses a field the
// configured API version does not have, saying where it went.
type CreateBotAgentRequest struct {
	Name string `json:"name"`
	// Status is required up to API v3.1, optional in v3.2 and refused from
	// v3.3 (the routing status is set through the Agent Chat API).
	Status Status `json:"status,omitempty"`
	// Avatar is the URL of the bot's avatar.
	Avatar string `json:"avatar,omitempty"`
	// MaxChatsCount is from 0 to 500; nil leaves LiveChat's default (6).
	MaxChatsCount *int    `json:"max_chats_count,omitempty"`
	Groups        []Group `json:"groups,omitzero"`
	// Webhooks exist up to API v3.2 (later they are registered through the
	// Webhooks API).
	Webhooks *Webhooks `json:"webhooks,omitempty"`
	// DefaultGroupPriority exists from API v3.2.
	DefaultGroupPriority Priority `json:"default_group_priority,omitempty"`
	// JobTitle, Timezone, WorkScheduler and OwnerClientID exist from API
	// v3.3. LiveChat wants Timezone with a WorkScheduler. OwnerClientID is
	// required with a personal access token and overrides a Bearer token's
	// client.
	JobTitle      string        `json:"job_title,omitempty"`
	Timezone      string        `json:"timezone,omitempty"`
	WorkScheduler WorkScheduler `json:"work_scheduler,omitzero"`
	OwnerClientID string        `json:"owner_client_id,omitempty"`
	// Type categorizes the bot (API v3.6; LiveChat's default is "chatbot").
	Type string `json:"type,omitempty"`
}

// CreateBotAgentResult is what CreateBotAgent returns: the new bot's id
// and, from API v3.5, its secret.
type CreateBotAgentResult struct {
	ID string `json:"bot_agent_id"`
	// Secret is the bot's secret (API v3.5 and later; empty before). It
	// prints as [redacted]: call Secret.Reveal() to use it.
	Secret BotSecret `json:"bot_secret,omitzero"`
}

// BotSecret is a bot's secret. It never shows in a print: String,
// GoString and Format (every verb: %v, %+v, %#v, %s, %q ...) give
// "[redacted]", as do MarshalJSON and LogValue (log/slog); Reveal returns
// it. The zero BotSecret (no secret) prints as "".
type BotSecret struct{ secret string }

// NewBotSecret wraps a secret, e.g. one read back from storage.
func NewBotSecret(secret string) BotSecret { return BotSecret{secret} }

// Reveal returns the secret itself.
func (s BotSecret) Reveal() string { return s.secret }

// IsZero reports whether there is no secret (API versions before v3.5).
func (s BotSecret) IsZero() bool { return s.secret == "" }

func (s BotSecret) redacted() string {
	if s.secret == "" {
		return ""
	}
	return "[redacted]"
}

// String returns "[redacted]" ("" when there is no secret).
func (s BotSecret) String() string { return s.redacted() }

// GoString is String, for %#v.
func (s BotSecret) GoString() string { return s.redacted() }

// Format writes "[redacted]" for every verb.
func (s BotSecret) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, s.redacted()) }

// LogValue keeps the secret out of log/slog records.
func (s BotSecret) LogValue() slog.Value { return slog.StringValue(s.redacted()) }

// MarshalJSON writes "[redacted]": a secret does not leave the process
// through a JSON log line either. Store Reveal() instead.
func (s BotSecret) MarshalJSON() ([]byte, error) { return json.Marshal(s.redacted()) }

// UnmarshalJSON reads the secret from a JSON string.
func (s *BotSecret) UnmarshalJSON(b []byte) error { return json.Unmarshal(b, &s.secret) }

// UpdateBotAgentRequest is the request of UpdateBotAgent: ID is required,
// and only the fields set are sent (the others stay as they are).
//
//	client.UpdateBotAgent(ctx, livechatbots.UpdateBotAgentRequest{
//		ID:            id,
//		Name:          "Night shift",
//		MaxChatsCount: livechatbots.Ptr(0),
//	})
type UpdateBotAgentRequest struct {
	ID string `json:"id"`
	// Name is left unchanged when empty.
	Name string `json:"name,omitempty"`
	// Avatar is left unchanged when nil; Ptr("") sends an empty avatar.
	Avatar *string `json:"avatar,omitempty"`
	// Status is left unchanged when empty; refused from API v3.3.
	Status Status `json:"status,omitempty"`
	// MaxChatsCount is left unchanged when nil.
	MaxChatsCount *int `json:"max_chats_count,omitempty"`
	// Groups is left unchanged when nil; an empty non-nil slice sends [].
	Groups []Group `json:"groups,omitzero"`
	// DefaultGroupPriority is left unchanged when empty.
	DefaultGroupPriority Priority `json:"default_group_priority,omitempty"`
	// Webhooks are left unchanged when nil; refused from API v3.3.
	Webhooks *Webhooks `json:"webhooks,omitempty"`
	// JobTitle and Timezone (API v3.3 and later) are left unchanged when
	// nil; Ptr("") sends an empty value.
	JobTitle *string `json:"job_title,omitempty"`
	Timezone *string `json:"timezone,omitempty"`
	// WorkScheduler (API v3.3 and later) is left unchanged when nil.
	WorkScheduler WorkScheduler `json:"work_scheduler,omitzero"`
}

// Ptr returns a pointer to a copy of v, for the optional pointer fields:
// Ptr(0), Ptr("https://example.com/bot.png").
func Ptr[T any](v T) *T { return &v }

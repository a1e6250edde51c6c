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

// Application is the application a bot belongs to.
type Application struct {
	ClientID string `json:"client_id"`
}

// BotAgent is an entry of GetBotAgents.
type BotAgent struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Avatar string `json:"avatar,omitempty"`
	Status Status `json:"status,omitempty"`
}

// BotAgentDetails is the answer of GetBotAgentDetails. It is also the shape
// of a bot seeded into the emulator (EmulatorConfig.Bots).
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
}

// CreateBotAgentRequest is the request of CreateBotAgent. Name is required;
// Status is required up to API v3.1, optional in v3.2 and refused from v3.3
// (the routing status is set through the Agent Chat API), so it is left out
// when empty.
type CreateBotAgentRequest struct {
	Name   string `json:"name"`
	Status Status `json:"status,omitempty"`
	// Avatar is the URL of the bot's avatar; left out when empty.
	Avatar string `json:"avatar,omitempty"`
	// MaxChatsCount is from 0 to 500; nil leaves LiveChat's default (6).
	MaxChatsCount *int      `json:"max_chats_count,omitempty"`
	Groups        []Group   `json:"groups,omitzero"`
	Webhooks      *Webhooks `json:"webhooks,omitempty"`
	// DefaultGroupPriority exists from API v3.2.
	DefaultGroupPriority Priority `json:"default_group_priority,omitempty"`
	// JobTitle and OwnerClientID exist from API v3.3.
	JobTitle      string `json:"job_title,omitempty"`
	OwnerClientID string `json:"owner_client_id,omitempty"`
}

// UpdateBotAgentRequest is the request of UpdateBotAgent: ID is required,
// and only the fields set are sent (the others stay as they are).
//
//	client.UpdateBotAgent(ctx, livechatbots.UpdateBotAgentRequest{
//		ID:            id,
//		Status:        livechatbots.StatusOffline,
//		MaxChatsCount: livechatbots.Ptr(0),
//	})
type UpdateBotAgentRequest struct {
	ID string `json:"id"`
	// Name is left unchanged when empty.
	Name string `json:"name,omitempty"`
	// Avatar is left unchanged when nil; Ptr("") sends an empty avatar.
	Avatar *string `json:"avatar,omitempty"`
	// Status is left unchanged when empty.
	Status Status `json:"status,omitempty"`
	// MaxChatsCount is left unchanged when nil.
	MaxChatsCount *int `json:"max_chats_count,omitempty"`
	// Groups is left unchanged when nil; an empty non-nil slice sends [].
	Groups []Group `json:"groups,omitzero"`
	// DefaultGroupPriority is left unchanged when empty.
	DefaultGroupPriority Priority  `json:"default_group_priority,omitempty"`
	Webhooks             *Webhooks `json:"webhooks,omitempty"`
}

// Ptr returns a pointer to a copy of v, for the optional pointer fields:
// Ptr(0), Ptr("https://example.com/bot.png").
func Ptr[T any](v T) *T { return &v }

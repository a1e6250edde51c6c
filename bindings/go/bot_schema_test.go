package livechatbots_test

import (
	"encoding/json"
	"slices"
	"testing"

	lcbot "github.com/livechat-bots/livechat-bots/bindings/go"
)

// The bot actions, routing statuses, event types, visibilities, message
// size and webhook types of this package are the core's (lcbot_schema).
func TestBotModelsMatchTheCoreSchema(t *testing.T) {
	doc, err := lcbot.Schema()
	if err != nil {
		t.Fatal(err)
	}
	var schema struct {
		Webhooks struct {
			Actions []string `json:"actions"`
			Types   []string `json:"types"`
		} `json:"webhooks"`
		Bots struct {
			Actions         []string `json:"actions"`
			RoutingStatuses []string `json:"routing_statuses"`
			EventTypes      []string `json:"event_types"`
			Visibilities    []string `json:"visibilities"`
			MaxMessageBytes int      `json:"max_message_bytes"`
		} `json:"bots"`
	}
	if err := json.Unmarshal([]byte(doc), &schema); err != nil {
		t.Fatalf("schema: %v", err)
	}
	same := func(what string, core []string, goSide ...string) {
		t.Helper()
		a, b := slices.Clone(core), slices.Clone(goSide)
		slices.Sort(a)
		slices.Sort(b)
		if !slices.Equal(a, b) {
			t.Errorf("%s: the core has %v, Go %v", what, core, goSide)
		}
	}
	same("bot actions", schema.Bots.Actions, lcbot.BotActionNames...)
	same("routing statuses", schema.Bots.RoutingStatuses,
		string(lcbot.RoutingAcceptingChats), string(lcbot.RoutingNotAcceptingChats), string(lcbot.RoutingOffline))
	same("event types", schema.Bots.EventTypes, lcbot.EventMessage, lcbot.EventRichMessage, lcbot.EventSystemMessage)
	same("visibilities", schema.Bots.Visibilities, lcbot.VisibilityAll, lcbot.VisibilityAgents)
	same("webhook types", schema.Webhooks.Types, lcbot.WebhookTypeBot, lcbot.WebhookTypeLicense)
	if schema.Bots.MaxMessageBytes != lcbot.MaxMessageBytes {
		t.Errorf("max message bytes: the core %d, Go %d", schema.Bots.MaxMessageBytes, lcbot.MaxMessageBytes)
	}
	// The Action… constants name webhook actions the core accepts.
	for _, a := range []string{lcbot.ActionIncomingChat, lcbot.ActionIncomingEvent, lcbot.ActionEventUpdated,
		lcbot.ActionIncomingRichMessagePostback, lcbot.ActionChatDeactivated, lcbot.ActionChatTransferred,
		lcbot.ActionRoutingStatusSet, lcbot.ActionUserAddedToChat, lcbot.ActionUserRemovedFromChat} {
		if !slices.Contains(schema.Webhooks.Actions, a) {
			t.Errorf("webhook action %q is not one register_webhook takes", a)
		}
	}
}

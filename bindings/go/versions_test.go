package livechatbots_test

import (
	"context"
	"reflect"
	"testing"

	lcbot "github.com/livechat-bots/livechat-bots/bindings/go"
)

// Every API version gives the same models; only the routing status, which
// v3.3 moved out of the Configuration API, differs.
func TestEveryAPIVersionGivesTheSameModels(t *testing.T) {
	ctx := context.Background()
	for _, version := range []string{"3.0", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6"} {
		t.Run(version, func(t *testing.T) {
			emu := startEmulator(t, nil)
			c := newClient(t, emu, func(cfg *lcbot.Config) { cfg.APIVersion = version })
			status := lcbot.StatusAcceptingChats
			if version >= "3.3" {
				status = ""
			}
			created, err := c.CreateBotAgent(ctx, lcbot.CreateBotAgentRequest{
				Name: "Versioned", Status: status, Avatar: "https://example.com/v.png",
				MaxChatsCount: lcbot.Ptr(4), Groups: []lcbot.Group{{ID: 2, Priority: lcbot.PriorityNormal}},
			})
			if err != nil {
				t.Fatalf("CreateBotAgent: %v", err)
			}
			id := created.ID
			// The bot secret comes with v3.5 and later.
			if created.Secret.IsZero() != (version < "3.5") {
				t.Fatalf("secret on %s: present %v", version, !created.Secret.IsZero())
			}
			want := lcbot.BotAgentDetails{
				ID: id, Name: "Versioned", Avatar: "https://example.com/v.png", Status: status,
				Application: lcbot.Application{ClientID: "dev-client"}, MaxChatsCount: 4,
				Groups: []lcbot.Group{{ID: 2, Priority: lcbot.PriorityNormal}},
			}
			got, err := c.GetBotAgentDetails(ctx, id)
			if err != nil {
				t.Fatalf("GetBotAgentDetails: %v", err)
			}
			if !reflect.DeepEqual(*got, want) {
				t.Fatalf("details on %s:\n got %+v\nwant %+v", version, *got, want)
			}
			list, err := c.GetBotAgents(ctx, false)
			if err != nil || len(list) != 1 || list[0] != (lcbot.BotAgent{ID: id, Name: "Versioned", Avatar: want.Avatar, Status: status}) {
				t.Fatalf("GetBotAgents on %s: %+v, %v", version, list, err)
			}
			if err := c.UpdateBotAgent(ctx, lcbot.UpdateBotAgentRequest{ID: id, Name: "Renamed"}); err != nil {
				t.Fatalf("UpdateBotAgent: %v", err)
			}
			if err := c.RemoveBotAgent(ctx, id); err != nil {
				t.Fatalf("RemoveBotAgent: %v", err)
			}
			if _, err := c.GetBotAgentDetails(ctx, id); !lcbot.IsNotFound(err) {
				t.Fatalf("details after remove on %s: %v", version, err)
			}
			if version >= "3.3" {
				_, err := c.CreateBotAgent(ctx, lcbot.CreateBotAgentRequest{Name: "x", Status: lcbot.StatusOffline})
				if !lcbot.IsValidation(err) {
					t.Fatalf("a status on %s must be refused: %v", version, err)
				}
			}
		})
	}
}

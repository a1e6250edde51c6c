package livechatbots_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	lcbot "github.com/livechat-bots/livechat-bots/bindings/go"
)

func clientOn(t *testing.T, emu *lcbot.Emulator, version string) *lcbot.Client {
	return newClient(t, emu, func(c *lcbot.Config) {
		c.APIVersion = version
		c.Retry = &lcbot.RetryPolicy{MaxAttempts: 3, BaseDelay: 1}
	})
}

func TestTemplateLifecycleAndInstallation(t *testing.T) {
	for _, version := range []string{"3.5", "3.6"} {
		t.Run(version, func(t *testing.T) {
			ctx := context.Background()
			emu := startEmulator(t, nil)
			c := clientOn(t, emu, version)
			created, err := c.CreateBotTemplate(ctx, lcbot.CreateBotTemplateRequest{Name: "Greeter", JobTitle: "Concierge"})
			if err != nil {
				t.Fatal(err)
			}
			if s := fmt.Sprintf("%v %+v %#v", created, created, created); strings.Contains(s, created.Secret.Reveal()) {
				t.Fatalf("the secret shows in a print: %s", s)
			}
			list, err := c.ListBotTemplates(ctx, "")
			if err != nil || len(list) != 1 || list[0].ID != created.ID || list[0].JobTitle != "Concierge" || list[0].OwnerClientID != "dev-client" {
				t.Fatalf("ListBotTemplates = %+v, %v", list, err)
			}
			if err := c.UpdateBotTemplate(ctx, lcbot.UpdateBotTemplateRequest{ID: created.ID, Name: "Greeter 2"}); err != nil {
				t.Fatal(err)
			}
			ids, err := emu.InstallApplication("dev-client")
			if err != nil || len(ids) != 1 || ids[0] != created.ID {
				t.Fatalf("InstallApplication = %v, %v", ids, err)
			}
			bot, err := c.GetBotAgentDetails(ctx, created.ID)
			if err != nil || bot.Name != "Greeter 2" {
				t.Fatalf("the template's bot: %+v, %v", bot, err)
			}
			secret, err := c.ResetBotTemplateSecret(ctx, lcbot.BotTemplateRef{ID: created.ID, AffectExistingInstallations: true})
			if err != nil || secret.Reveal() == created.Secret.Reveal() {
				t.Fatalf("ResetBotTemplateSecret: %v", err)
			}
			if err := c.DeleteBotTemplate(ctx, lcbot.BotTemplateRef{ID: created.ID, AffectExistingInstallations: true}); err != nil {
				t.Fatal(err)
			}
			if _, err := c.GetBotAgentDetails(ctx, created.ID); !lcbot.IsNotFound(err) {
				t.Fatalf("the bot went with its template: %v", err)
			}
			state, err := emu.Templates()
			if err != nil || len(state.Installed) != 1 || len(state.Templates) != 0 {
				t.Fatalf("Templates = %+v, %v", state, err)
			}
			if err := c.DeleteBotTemplate(ctx, lcbot.BotTemplateRef{ID: "nope"}); !lcbot.IsNotFound(err) {
				t.Fatalf("an unknown template: %v", err)
			}
			for i := 0; i < 5; i++ {
				if _, err := c.CreateBotTemplate(ctx, lcbot.CreateBotTemplateRequest{Name: "T"}); err != nil {
					t.Fatal(err)
				}
			}
			_, err = c.CreateBotTemplate(ctx, lcbot.CreateBotTemplateRequest{Name: "Sixth"})
			if e := asError(t, err); e.APIType != "limit_reached" || e.HTTPStatus != 400 {
				t.Fatalf("a sixth template: %v", err)
			}
		})
	}
}

func TestMixedBatchGivesOneItemPerRequest(t *testing.T) {
	ctx := context.Background()
	emu := startEmulator(t, nil)
	c := clientOn(t, emu, "3.6")
	created, err := c.BatchCreateBotAgents(ctx, []lcbot.CreateBotAgentRequest{{Name: "One"}, {Name: "Two"}})
	if err != nil || len(created) != 2 || created[0].Err != nil || created[1].Err != nil || created[0].Value.Secret.Reveal() == "" {
		t.Fatalf("BatchCreateBotAgents = %+v, %v", created, err)
	}
	updated, err := c.BatchUpdateBotAgents(ctx, []lcbot.UpdateBotAgentRequest{{ID: created[0].Value.ID, Name: "One+"}, {ID: "ghost", Name: "G"}})
	if err != nil || updated[0].Err != nil || !lcbot.IsNotFound(updated[1].Err) {
		t.Fatalf("BatchUpdateBotAgents = %+v, %v", updated, err)
	}
	single := asError(t, c.RemoveBotAgent(ctx, "ghost"))
	item := asError(t, updated[1].Err)
	if item.Code != single.Code || item.HTTPStatus != single.HTTPStatus || item.APIType != single.APIType || !strings.HasPrefix(item.Message, "requests[1]: ") {
		t.Fatalf("the item's error %+v is not the single call's %+v", item, single)
	}
	removed, err := c.BatchRemoveBotAgents(ctx, []string{created[1].Value.ID, "ghost", created[0].Value.ID})
	if err != nil || removed[0].Err != nil || removed[1].Err == nil || removed[2].Err != nil {
		t.Fatalf("BatchRemoveBotAgents = %+v, %v", removed, err)
	}
}

func TestBatchItemsAreCheckedBeforeSending(t *testing.T) {
	ctx := context.Background()
	emu := startEmulator(t, nil)
	c := clientOn(t, emu, "3.6")
	_, err := c.BatchCreateBotAgents(ctx, []lcbot.CreateBotAgentRequest{{Name: "A"}, {Name: "B"}, {Name: "C"}, {Name: ""}})
	if e := asError(t, err); e.Code != lcbot.CodeValidation || e.Message != "requests[3].name: must not be empty" {
		t.Fatalf("an empty name: %v", err)
	}
	old := clientOn(t, emu, "3.4")
	_, err = old.ListBotTemplates(ctx, "")
	if e := asError(t, err); e.Message != "list_bot_templates: not in API v3.4; it exists from v3.5" {
		t.Fatalf("v3.4: %v", err)
	}
	if n := len(requestsFor(t, emu, "batch_create_bots")) + len(requestsFor(t, emu, "list_bot_templates")); n != 0 {
		t.Fatalf("%d requests were sent", n)
	}
}

func TestLostBatchIsSentOnceAndUnknownPerItem(t *testing.T) {
	emu := startEmulator(t, nil)
	c := clientOn(t, emu, "3.6")
	if _, err := emu.Inject(lcbot.Fault{Action: "batch_create_bots", DropConnection: true}); err != nil {
		t.Fatal(err)
	}
	items, err := c.BatchCreateBotAgents(context.Background(), []lcbot.CreateBotAgentRequest{{Name: "A"}, {Name: "B"}})
	if err != nil || len(items) != 2 {
		t.Fatalf("BatchCreateBotAgents = %+v, %v", items, err)
	}
	for _, item := range items {
		if e := asError(t, item.Err); !e.OutcomeUnknown {
			t.Fatalf("an item of a lost batch: %v", e)
		}
	}
	waitFor(t, 10*time.Second, "the batch in the log", func() bool { return len(requestsFor(t, emu, "batch_create_bots")) > 0 })
	if n := len(requestsFor(t, emu, "batch_create_bots")); n != 1 {
		t.Fatalf("sent %d times", n)
	}
}

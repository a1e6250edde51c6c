// Benchmark of our Go package (cgo over the C ABI) against the emulator.
package main

import (
	"context"
	"fmt"
	"os"

	lcbot "github.com/livechat-bots/livechat-bots/bindings/go"

	"livechat-bots-bench/harness"
)

type ops struct {
	c   *lcbot.Client
	ctx context.Context
}

func (o ops) Create() (string, error) {
	created, err := o.c.CreateBotAgent(o.ctx, lcbot.CreateBotAgentRequest{
		Name:          "bench-bot",
		MaxChatsCount: lcbot.Ptr(5),
		Groups:        []lcbot.Group{{ID: 0, Priority: lcbot.PriorityNormal}},
	})
	return created.ID, err
}

func (o ops) Details(id string) error {
	bot, err := o.c.GetBotAgentDetails(o.ctx, id)
	if err == nil && bot.ID != id {
		err = fmt.Errorf("details: got bot %s for %s", bot.ID, id)
	}
	return err
}

func (o ops) Update(id string) error {
	return o.c.UpdateBotAgent(o.ctx, lcbot.UpdateBotAgentRequest{ID: id, Name: "bench-bot-renamed", MaxChatsCount: lcbot.Ptr(4)})
}

func (o ops) List() error {
	bots, err := o.c.GetBotAgents(o.ctx, false)
	if err == nil && len(bots) == 0 {
		err = fmt.Errorf("list: no bots")
	}
	return err
}

func (o ops) Remove(id string) error { return o.c.RemoveBotAgent(o.ctx, id) }

func main() {
	a := harness.ParseArgs()
	c, err := lcbot.NewClient(lcbot.Config{Token: "dev-token", APIVersion: "3.6", BaseURL: a.URL})
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-ours:", err)
		os.Exit(2)
	}
	defer c.Close()
	harness.Run("go-ours", lcbot.Version(), ops{c: c, ctx: context.Background()}, a)
}

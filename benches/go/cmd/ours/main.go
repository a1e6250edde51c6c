// Benchmark of our Go package (cgo over the C ABI) against the emulator.
//
// With --ctx-timeout D every call gets its own context.WithTimeout(D) (the
// way a service bounds its calls): the call then passes the time remaining
// as its timeout and a cancel token wired to the context, on the client's
// own handle. The contender is then named go-ours-ctx, so that it can run
// beside go-ours (see cmd/ctxratio). With --ca-file it trusts that CA too,
// for an emulator serving HTTPS (benches/python/bench_tls.py).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	lcbot "github.com/livechat-bots/livechat-bots/bindings/go"

	"livechat-bots-bench/harness"
)

type ops struct {
	c *lcbot.Client
	// timeout is each call's context timeout; 0: context.Background().
	timeout time.Duration
}

// ctx is one call's context.
func (o ops) ctx() (context.Context, context.CancelFunc) {
	if o.timeout == 0 {
		return context.Background(), func() {}
	}
	return context.WithTimeout(context.Background(), o.timeout)
}

func (o ops) Create() (string, error) {
	ctx, cancel := o.ctx()
	defer cancel()
	created, err := o.c.CreateBotAgent(ctx, lcbot.CreateBotAgentRequest{
		Name:          "bench-bot",
		MaxChatsCount: lcbot.Ptr(5),
		Groups:        []lcbot.Group{{ID: 0, Priority: lcbot.PriorityNormal}},
	})
	return created.ID, err
}

func (o ops) Details(id string) error {
	ctx, cancel := o.ctx()
	defer cancel()
	bot, err := o.c.GetBotAgentDetails(ctx, id)
	if err == nil && bot.ID != id {
		err = fmt.Errorf("details: got bot %s for %s", bot.ID, id)
	}
	return err
}

func (o ops) Update(id string) error {
	ctx, cancel := o.ctx()
	defer cancel()
	return o.c.UpdateBotAgent(ctx, lcbot.UpdateBotAgentRequest{ID: id, Name: "bench-bot-renamed", MaxChatsCount: lcbot.Ptr(4)})
}

func (o ops) List() error {
	ctx, cancel := o.ctx()
	defer cancel()
	bots, err := o.c.GetBotAgents(ctx, false)
	if err == nil && len(bots) == 0 {
		err = fmt.Errorf("list: no bots")
	}
	return err
}

func (o ops) Remove(id string) error {
	ctx, cancel := o.ctx()
	defer cancel()
	return o.c.RemoveBotAgent(ctx, id)
}

func main() {
	timeout := flag.Duration("ctx-timeout", 0, "give every call a context.WithTimeout of this length (0: context.Background())")
	caFile := flag.String("ca-file", "", "PEM file of a CA to trust beside the system's roots (Config.CAPEM), for an emulator over TLS")
	a := harness.ParseArgs()
	var caPEM []byte
	if *caFile != "" {
		var err error
		if caPEM, err = os.ReadFile(*caFile); err != nil {
			fmt.Fprintln(os.Stderr, "go-ours:", err)
			os.Exit(2)
		}
	}
	name := "go-ours"
	if *timeout > 0 {
		name = "go-ours-ctx"
		// Sooner than the client's 30 s: every call takes the shortened
		// timeout path, as well as the cancel token.
		if *timeout >= lcbot.DefaultTimeout {
			fmt.Fprintln(os.Stderr, "go-ours: --ctx-timeout must be under", lcbot.DefaultTimeout)
			os.Exit(2)
		}
	}
	c, err := lcbot.NewClient(lcbot.Config{Token: "dev-token", APIVersion: a.API, BaseURL: a.URL, CAPEM: string(caPEM)})
	if err != nil {
		fmt.Fprintln(os.Stderr, name+":", err)
		os.Exit(2)
	}
	defer c.Close()
	harness.Run(name, lcbot.Version(), ops{c: c, timeout: *timeout}, a)
}

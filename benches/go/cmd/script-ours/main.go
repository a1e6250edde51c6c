// A whole script's run with our Go package, for the "figures users feel" of
// BENCHMARKS.md: make a client (API 3.3, as lc-sdk-go speaks), list the bots
// once, exit. benches/feel.py times 10 runs of this binary and of
// cmd/script-lcsdk, which does the same with lc-sdk-go.
package main

import (
	"context"
	"fmt"
	"os"

	lcbot "github.com/livechat-bots/livechat-bots/bindings/go"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: script-ours EMULATOR_URL")
		os.Exit(2)
	}
	c, err := lcbot.NewClient(lcbot.Config{Token: "dev-token", APIVersion: "3.3", BaseURL: os.Args[1]})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer c.Close()
	bots, err := c.GetBotAgents(context.Background(), false)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(len(bots))
}

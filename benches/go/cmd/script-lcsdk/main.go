// A whole script's run with lc-sdk-go (v3.0.1, API 3.3): make its
// configuration API client, list the bots once, exit. See cmd/script-ours.
package main

import (
	"fmt"
	"os"

	"github.com/livechat/lc-sdk-go/v3/authorization"
	"github.com/livechat/lc-sdk-go/v3/configuration"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: script-lcsdk EMULATOR_URL")
		os.Exit(2)
	}
	token := func() *authorization.Token {
		return &authorization.Token{AccessToken: "dev-token", Type: authorization.BearerToken, Region: "dal"}
	}
	api, err := configuration.NewAPI(token, nil, "livechat-bots-bench")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	api.SetCustomHost(os.Args[1])
	bots, err := api.ListBots(false, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(len(bots))
}

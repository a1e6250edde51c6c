// The Go peer: LiveChat's own Go SDK, github.com/livechat/lc-sdk-go/v3
// (v3.0.1, Configuration API v3.3), used the way its README shows: one
// configuration.API made with NewAPI(tokenGetter, nil, clientID) (nil: the
// SDK's default http.Client, 20 s timeout, net/http's default transport)
// and pointed at the emulator with SetCustomHost. Every call's answer is
// decoded by the SDK into its typed structs.
//
// The module is required in go.mod as a user would require it; `make bench`
// builds this program through a temporary modfile that replaces it with
// ../shared/peers/lc-sdk-go-v3 when that folder exists (see benches/bench.mk).
package main

import (
	"fmt"
	"os"

	"github.com/livechat/lc-sdk-go/v3/authorization"
	"github.com/livechat/lc-sdk-go/v3/configuration"

	"livechat-bots-bench/harness"
)

// sdkVersion is the version go.mod requires (the SDK does not report one).
const sdkVersion = "3.0.1"

type ops struct{ api *configuration.API }

func (o ops) Create() (string, error) {
	return o.api.CreateBot("bench-bot", "", 5, "", []*configuration.GroupConfig{{ID: 0, Priority: configuration.Normal}}, "", "", nil)
}

func (o ops) Details(id string) error {
	bot, err := o.api.GetBot(id, nil)
	if err == nil && bot.ID != id {
		err = fmt.Errorf("details: got bot %s for %s", bot.ID, id)
	}
	return err
}

func (o ops) Update(id string) error {
	return o.api.UpdateBot(id, "bench-bot-renamed", "", 4, "", nil, "", nil)
}

func (o ops) List() error {
	bots, err := o.api.ListBots(false, nil)
	if err == nil && len(bots) == 0 {
		err = fmt.Errorf("list: no bots")
	}
	return err
}

func (o ops) Remove(id string) error { return o.api.DeleteBot(id) }

func main() {
	a := harness.ParseArgs()
	if a.API != "3.3" {
		fmt.Fprintln(os.Stderr, "go-lc-sdk: lc-sdk-go v3 speaks API 3.3 only; pass --api 3.3")
		os.Exit(2)
	}
	token := func() *authorization.Token {
		return &authorization.Token{AccessToken: "dev-token", Type: authorization.BearerToken, Region: "dal"}
	}
	api, err := configuration.NewAPI(token, nil, "livechat-bots-bench")
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-lc-sdk:", err)
		os.Exit(2)
	}
	api.SetCustomHost(a.URL)
	harness.Run("go-lc-sdk", sdkVersion, ops{api: api}, a)
}

// The Go peer: a Configuration API v3.6 client written the way Go SDKs for
// this API are (lc-sdk-go's pattern): typed request structs marshalled with
// encoding/json, one POST per action through a shared *http.Client with
// keep-alive, Authorization / Content-Type / User-Agent / X-Region headers,
// the whole answer read, a non-200 decoded into an error, a 200 unmarshalled
// into a typed struct. Standard library only. It stands in for lc-sdk-go
// where the Go module proxy does not serve that module.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"livechat-bots-bench/harness"
)

type group struct {
	ID       int    `json:"id"`
	Priority string `json:"priority"`
}

type bot struct {
	ID                   string  `json:"id"`
	Name                 string  `json:"name"`
	AvatarPath           string  `json:"avatar_path,omitempty"`
	DefaultGroupPriority string  `json:"default_group_priority,omitempty"`
	OwnerClientID        string  `json:"owner_client_id,omitempty"`
	MaxChatsCount        int     `json:"max_chats_count,omitempty"`
	Groups               []group `json:"groups,omitempty"`
	JobTitle             string  `json:"job_title,omitempty"`
	Timezone             string  `json:"timezone,omitempty"`
}

type createRequest struct {
	Name          string  `json:"name"`
	MaxChatsCount *int    `json:"max_chats_count,omitempty"`
	Groups        []group `json:"groups,omitempty"`
}

type updateRequest struct {
	ID            string `json:"id"`
	Name          string `json:"name,omitempty"`
	MaxChatsCount *int   `json:"max_chats_count,omitempty"`
}

type idRequest struct {
	ID string `json:"id"`
}

type listRequest struct {
	All bool `json:"all"`
}

type apiError struct {
	Status int
	Body   struct {
		Error struct {
			Type    string `json:"type"`
			Message string `json:"message"`
		} `json:"error"`
	}
}

func (e *apiError) Error() string {
	return fmt.Sprintf("HTTP %d: %s: %s", e.Status, e.Body.Error.Type, e.Body.Error.Message)
}

type client struct {
	http  *http.Client
	base  string
	token string
}

func (c *client) call(action string, request, result any) error {
	body, err := json.Marshal(request)
	if err != nil {
		return err
	}
	req, err := http.NewRequest(http.MethodPost, c.base+"/v3.6/configuration/action/"+action, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("User-Agent", "bench-go-nethttp")
	req.Header.Set("X-Region", "dal")
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		e := &apiError{Status: resp.StatusCode}
		_ = json.Unmarshal(data, &e.Body)
		return e
	}
	return json.Unmarshal(data, result)
}

func (c *client) Create() (string, error) {
	five := 5
	var r struct {
		ID string `json:"id"`
	}
	err := c.call("create_bot", createRequest{
		Name: "bench-bot", MaxChatsCount: &five,
		Groups: []group{{ID: 0, Priority: "normal"}},
	}, &r)
	return r.ID, err
}

func (c *client) Details(id string) error {
	var b bot
	err := c.call("get_bot", idRequest{ID: id}, &b)
	if err == nil && b.ID != id {
		err = fmt.Errorf("details: got bot %s for %s", b.ID, id)
	}
	return err
}

func (c *client) Update(id string) error {
	four := 4
	var r struct{}
	return c.call("update_bot", updateRequest{ID: id, Name: "bench-bot-renamed", MaxChatsCount: &four}, &r)
}

func (c *client) List() error {
	var bots []bot
	err := c.call("list_bots", listRequest{All: false}, &bots)
	if err == nil && len(bots) == 0 {
		err = fmt.Errorf("list: no bots")
	}
	return err
}

func (c *client) Remove(id string) error {
	var r struct{}
	return c.call("delete_bot", idRequest{ID: id}, &r)
}

func main() {
	a := harness.ParseArgs()
	// Keep-alive for as many goroutines as the widest phase.
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 64
	c := &client{http: &http.Client{Transport: transport, Timeout: 30 * time.Second}, base: a.URL, token: "dev-token"}
	if a.URL == "" {
		os.Exit(2)
	}
	harness.Run("go-nethttp", "", c, a)
}

package livechatbots

// Hooks for the external tests (package livechatbots_test); compiled only
// into the test binary.

// LiveHandles is how many client and emulator handles the package holds.
func LiveHandles() (clients, emulators int64) {
	return live.clients.Load(), live.emulators.Load()
}

// LiveCancelTokens is how many per-call cancel tokens are not freed.
func LiveCancelTokens() int64 { return live.tokens.Load() }

// LiveCallbackHandles is how many cgo.Handles of callbacks are not deleted.
func LiveCallbackHandles() int64 { return live.callbacks.Load() }

// Schema is the core's field lists (lcbot_schema).
func Schema() (string, error) {
	doc, err := schema()
	if err != nil {
		return "", err
	}
	return doc, nil
}

// Models are the Go types of the core's field lists (lcbot_schema): the
// requests by action, and the results.
var Models = struct {
	Requests map[string]any
	Results  map[string]any
}{
	Requests: map[string]any{
		"create_bot_agent":      CreateBotAgentRequest{},
		"remove_bot_agent":      removeRequest{},
		"update_bot_agent":      UpdateBotAgentRequest{},
		"get_bot_agents":        listRequest{},
		"get_bot_agent_details": detailsRequest{},
	},
	Results: map[string]any{
		"create_bot_agent":  CreateBotAgentResult{},
		"bot_agent":         BotAgent{},
		"bot_agent_details": BotAgentDetails{},
	},
}

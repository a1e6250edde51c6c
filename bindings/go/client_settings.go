package livechatbots

import "runtime"

// Settings is what a Client was made with once the environment filled what
// its Config left out (see Config). It holds no secret.
type Settings struct {
	APIVersion string    `json:"api_version"`
	BaseURL    string    `json:"base_url"`
	Region     Region    `json:"region"`
	TokenType  TokenType `json:"token_type"`
}

// Settings returns the API version, base URL, region and token type the
// client uses.
func (c *Client) Settings() (Settings, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.h == nil {
		return Settings{}, ErrClosed
	}
	settings, err := readSettings(c.h)
	runtime.KeepAlive(c)
	if err != nil {
		return Settings{}, err
	}
	return settings, nil
}

func readSettings(h *cClient) (Settings, *Error) {
	doc, err := h.settings()
	if err != nil {
		return Settings{}, err
	}
	var settings Settings
	if derr := decode("settings", doc, &settings); derr != nil {
		return Settings{}, derr
	}
	return settings, nil
}

package livechatbots

import "context"

// The Configuration API actions a bot needs beyond the Bot Agents ones:
// its token and secret (API v3.5 and later) and its webhooks (v3.3 and
// later). The library checks each request before sending and refuses an
// action the client's API version does not have.

// admin sends one of them with request encoded as JSON.
func (c *Client) admin(ctx context.Context, a adminAction, request any) (string, error) {
	body, err := encode(a.String(), "request", request)
	if err != nil {
		return "", err
	}
	return c.do(ctx, a.String(), func(h *cClient, o *callOptions) (string, *Error) { return h.admin(a, body, o) })
}

// IssueBotToken obtains an access token for a bot from its secret (API
// v3.5 and later), valid 24 hours. A Bot gets and renews its own: use this
// only to hand a token to another program. The token never shows in a
// print (see BotToken).
func (c *Client) IssueBotToken(ctx context.Context, req IssueBotTokenRequest) (BotToken, error) {
	doc, err := c.admin(ctx, adminIssueBotToken, wireIssueBotToken{
		BotID:          req.BotID,
		ClientID:       req.ClientID,
		BotSecret:      req.BotSecret.Reveal(),
		OrganizationID: req.OrganizationID,
	})
	if err != nil {
		return BotToken{}, err
	}
	var r struct {
		Token string `json:"token"`
	}
	if derr := decode(adminIssueBotToken.String(), doc, &r); derr != nil {
		derr.Message = "the answer does not match the model" // never the answer: it holds the token
		return BotToken{}, derr
	}
	return BotToken{r.Token}, nil
}

// ResetBotSecret gives the bot a new secret (API v3.5 and later) and
// returns it: every token issued with the old one stops working, so make
// new Bots with the new secret.
func (c *Client) ResetBotSecret(ctx context.Context, req ResetBotSecretRequest) (BotSecret, error) {
	doc, err := c.admin(ctx, adminResetBotSecret, req)
	if err != nil {
		return BotSecret{}, err
	}
	var r struct {
		Secret string `json:"secret"`
	}
	if derr := decode(adminResetBotSecret.String(), doc, &r); derr != nil {
		derr.Message = "the answer does not match the model" // never the answer: it holds the secret
		return BotSecret{}, derr
	}
	return NewBotSecret(r.Secret), nil
}

// RegisterWebhook registers a webhook (API v3.3 and later) and returns its
// id. LiveChat keeps at most 3 per owner and action.
func (c *Client) RegisterWebhook(ctx context.Context, req RegisterWebhookRequest) (string, error) {
	doc, err := c.admin(ctx, adminRegisterWebhook, req)
	if err != nil {
		return "", err
	}
	var r struct {
		ID string `json:"id"`
	}
	if derr := decode(adminRegisterWebhook.String(), doc, &r); derr != nil {
		return "", derr
	}
	return r.ID, nil
}

// ListWebhooks returns the webhooks of the application ownerClientID (API
// v3.3 and later).
func (c *Client) ListWebhooks(ctx context.Context, ownerClientID string) ([]RegisteredWebhook, error) {
	doc, err := c.admin(ctx, adminListWebhooks, listWebhooksRequest{OwnerClientID: ownerClientID})
	if err != nil {
		return nil, err
	}
	hooks := []RegisteredWebhook{}
	if derr := decode(adminListWebhooks.String(), doc, &hooks); derr != nil {
		derr.Message = "the answer does not match the model" // never the answer: it holds secret keys
		return nil, derr
	}
	return hooks, nil
}

// UnregisterWebhook removes the webhook id of the application
// ownerClientID (API v3.3 and later).
func (c *Client) UnregisterWebhook(ctx context.Context, id, ownerClientID string) error {
	_, err := c.admin(ctx, adminUnregisterWebhook, unregisterWebhookRequest{ID: id, OwnerClientID: ownerClientID})
	return err
}

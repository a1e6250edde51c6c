package livechatbots

import (
	"context"
	"encoding/json"
)

// Bot templates and batches of bot actions (API v3.5 and later). The
// library checks each request before sending, every item of a batch too,
// and refuses them on older versions naming v3.5.

// BotTemplate is an entry of ListBotTemplates.
type BotTemplate struct {
	ID                   string   `json:"id"`
	Name                 string   `json:"name"`
	Avatar               string   `json:"avatar_path,omitempty"`
	MaxChatsCount        *int     `json:"max_chats_count,omitempty"`
	DefaultGroupPriority Priority `json:"default_group_priority,omitempty"`
	JobTitle             string   `json:"job_title,omitempty"`
	OwnerClientID        string   `json:"owner_client_id,omitempty"`
}

// CreateBotTemplateRequest is what CreateBotTemplate sends. OwnerClientID
// may be left empty with a Bearer token (the token's application is meant).
type CreateBotTemplateRequest struct {
	Name                 string   `json:"name"`
	Avatar               string   `json:"avatar,omitempty"`
	MaxChatsCount        *int     `json:"max_chats_count,omitempty"`
	DefaultGroupPriority Priority `json:"default_group_priority,omitempty"`
	JobTitle             string   `json:"job_title,omitempty"`
	OwnerClientID        string   `json:"owner_client_id,omitempty"`
	// AffectExistingInstallations also makes the template's bot on the
	// licenses that have the application installed already.
	AffectExistingInstallations bool `json:"affect_existing_installations,omitempty"`
}

// UpdateBotTemplateRequest is what UpdateBotTemplate sends: empty fields
// are left unchanged.
type UpdateBotTemplateRequest struct {
	ID                   string   `json:"id"`
	Name                 string   `json:"name,omitempty"`
	Avatar               string   `json:"avatar,omitempty"`
	MaxChatsCount        *int     `json:"max_chats_count,omitempty"`
	DefaultGroupPriority Priority `json:"default_group_priority,omitempty"`
	JobTitle             string   `json:"job_title,omitempty"`
	OwnerClientID        string   `json:"owner_client_id,omitempty"`
	// AffectExistingInstallations carries the change to the template's bots.
	AffectExistingInstallations bool `json:"affect_existing_installations,omitempty"`
}

// BotTemplateRef names a template for DeleteBotTemplate and
// ResetBotTemplateSecret.
type BotTemplateRef struct {
	ID            string `json:"id"`
	OwnerClientID string `json:"owner_client_id,omitempty"`
	// AffectExistingInstallations carries the deletion or the new secret
	// to the template's bots.
	AffectExistingInstallations bool `json:"affect_existing_installations,omitempty"`
}

// CreatedBotTemplate is what CreateBotTemplate returns: the template's id
// and the secret of its bots (prints as [redacted]).
type CreatedBotTemplate struct {
	ID     string    `json:"id"`
	Secret BotSecret `json:"secret"`
}

// BatchResult is one item of a batch: the value its single call would have
// returned, or the *Error it would have failed with.
type BatchResult[T any] struct {
	Value T
	Err   error
}

// template sends one template action or batch with request encoded as JSON.
func (c *Client) template(ctx context.Context, a templateAction, request any) (string, error) {
	body, err := encode(a.String(), "request", request)
	if err != nil {
		return "", err
	}
	return c.do(ctx, a.String(), func(h *cClient, o *callOptions) (string, *Error) { return h.template(a, body, o) })
}

// CreateBotTemplate creates a bot template (at most five per application).
// Installing the application on a license makes a bot of it there, with
// the template's id and secret.
func (c *Client) CreateBotTemplate(ctx context.Context, req CreateBotTemplateRequest) (CreatedBotTemplate, error) {
	doc, err := c.template(ctx, tplCreate, req)
	if err != nil {
		return CreatedBotTemplate{}, err
	}
	var r CreatedBotTemplate
	if derr := decode(tplCreate.String(), doc, &r); derr != nil {
		derr.Message = "the answer does not match the model" // never the answer: it holds the secret
		return CreatedBotTemplate{}, derr
	}
	return r, nil
}

// UpdateBotTemplate changes the fields of a template that req sets.
func (c *Client) UpdateBotTemplate(ctx context.Context, req UpdateBotTemplateRequest) error {
	_, err := c.template(ctx, tplUpdate, req)
	return err
}

// DeleteBotTemplate deletes a template (IsNotFound when unknown).
func (c *Client) DeleteBotTemplate(ctx context.Context, ref BotTemplateRef) error {
	_, err := c.template(ctx, tplDelete, ref)
	return err
}

// ListBotTemplates returns the templates of the application ownerClientID
// ("" for the token's own).
func (c *Client) ListBotTemplates(ctx context.Context, ownerClientID string) ([]BotTemplate, error) {
	doc, err := c.template(ctx, tplList, struct {
		OwnerClientID string `json:"owner_client_id,omitempty"`
	}{ownerClientID})
	if err != nil {
		return nil, err
	}
	templates := []BotTemplate{}
	if derr := decode(tplList.String(), doc, &templates); derr != nil {
		return nil, derr
	}
	return templates, nil
}

// ResetBotTemplateSecret gives a template a new secret and returns it.
func (c *Client) ResetBotTemplateSecret(ctx context.Context, ref BotTemplateRef) (BotSecret, error) {
	doc, err := c.template(ctx, tplResetSecret, ref)
	if err != nil {
		return BotSecret{}, err
	}
	var r struct {
		Secret string `json:"secret"`
	}
	if derr := decode(tplResetSecret.String(), doc, &r); derr != nil {
		derr.Message = "the answer does not match the model" // never the answer: it holds the secret
		return BotSecret{}, derr
	}
	return NewBotSecret(r.Secret), nil
}

// BatchCreateBotAgents creates bots in one request. Every request is
// checked before anything is sent (the error names it: "requests[3].name:
// must not be empty"). Once sent, the answer is one item per request, in
// order: the created bot, or the *Error its own CreateBotAgent would have
// returned (a batch can half succeed). When the answer is lost, every
// item's error has OutcomeUnknown.
func (c *Client) BatchCreateBotAgents(ctx context.Context, reqs []CreateBotAgentRequest) ([]BatchResult[CreateBotAgentResult], error) {
	return batch[CreateBotAgentResult](ctx, c, batchCreate, reqs)
}

// BatchUpdateBotAgents updates bots in one request; per item nil or the
// error. Otherwise as BatchCreateBotAgents.
func (c *Client) BatchUpdateBotAgents(ctx context.Context, reqs []UpdateBotAgentRequest) ([]BatchResult[struct{}], error) {
	return batch[struct{}](ctx, c, batchUpdate, reqs)
}

// BatchRemoveBotAgents removes bots in one request; per id nil or the
// error. Otherwise as BatchCreateBotAgents.
func (c *Client) BatchRemoveBotAgents(ctx context.Context, ids []string) ([]BatchResult[struct{}], error) {
	reqs := make([]detailsRequest, len(ids))
	for i, id := range ids {
		reqs[i] = detailsRequest{BotAgentID: id}
	}
	return batch[struct{}](ctx, c, batchRemove, reqs)
}

// batch sends {"requests": reqs} and reads each item of the answer.
func batch[T any, R any](ctx context.Context, c *Client, a templateAction, reqs []R) ([]BatchResult[T], error) {
	if reqs == nil {
		reqs = []R{}
	}
	doc, err := c.template(ctx, a, struct {
		Requests []R `json:"requests"`
	}{reqs})
	if err != nil {
		return nil, err
	}
	var r struct {
		Responses []struct {
			Result json.RawMessage `json:"result"`
			Error  json.RawMessage `json:"error"`
		} `json:"responses"`
	}
	if derr := decode(a.String(), doc, &r); derr != nil {
		derr.Message = "the answer does not match the model" // never the answer: it holds secrets
		return nil, derr
	}
	items := make([]BatchResult[T], len(r.Responses))
	for i, entry := range r.Responses {
		if entry.Error != nil {
			items[i].Err = errorFromDocument(a.String(), int32(CodeAPI), string(entry.Error))
			continue
		}
		if derr := decode(a.String(), string(entry.Result), &items[i].Value); derr != nil {
			items[i].Err = derr
		}
	}
	return items, nil
}

// InstallApplication plays LiveChat installing the application clientID on
// the license: each of its bot templates without a bot gets one, with the
// template's id and secret. It returns the ids of the bots made.
func (e *Emulator) InstallApplication(clientID string) ([]string, error) {
	const op = "emulator_install_application"
	body, err := encode(op, "request", map[string]string{"client_id": clientID})
	if err != nil {
		return nil, err
	}
	var r struct {
		BotsCreated []string `json:"bots_created"`
	}
	if err := e.control(op, func(h *cEmulator) (string, *Error) { return h.installApplication(body) }, &r); err != nil {
		return nil, err
	}
	return r.BotsCreated, nil
}

// EmulatorTemplates is every application's bot templates on the emulator
// (without secrets) and the applications installed on its license.
type EmulatorTemplates struct {
	Templates []BotTemplate `json:"templates"`
	Installed []string      `json:"installed"`
}

// Templates returns the emulator's bot templates and installations.
func (e *Emulator) Templates() (EmulatorTemplates, error) {
	var r EmulatorTemplates
	err := e.control("emulator_templates", func(h *cEmulator) (string, *Error) { return h.templates() }, &r)
	return r, err
}

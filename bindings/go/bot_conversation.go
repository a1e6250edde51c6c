package livechatbots

import "context"

// The conversation actions of a Bot (API v3.2 and later; the thinking
// indicator and event previews v3.6). An action the client's version lacks
// fails with a CodeValidation *Error before anything is sent, naming the
// first version that has it.

// SendTypingIndicator shows (isTyping false: hides) "typing..." to the
// customer; visibility is "" (all), VisibilityAll or VisibilityAgents.
func (b *Bot) SendTypingIndicator(ctx context.Context, chatID string, isTyping bool, visibility string) error {
	_, err := b.run(ctx, botSendTypingIndicator, typingRequest{ChatID: chatID, IsTyping: isTyping, Visibility: visibility})
	return err
}

// ThinkingIndicator is the request of Bot.SendThinkingIndicator.
type ThinkingIndicator struct {
	ChatID      string `json:"chat_id"`
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
	Visibility  string `json:"visibility,omitempty"`
	CustomID    string `json:"custom_id,omitempty"`
}

// SendThinkingIndicator shows "thinking..." until the bot's next event
// (API v3.6).
func (b *Bot) SendThinkingIndicator(ctx context.Context, req ThinkingIndicator) error {
	_, err := b.run(ctx, botSendThinkingIndicator, req)
	return err
}

// SendEventPreview shows the message the bot is writing before it is sent
// (API v3.6).
func (b *Bot) SendEventPreview(ctx context.Context, chatID, text string) error {
	_, err := b.run(ctx, botSendEventPreview, sendEventRequest{ChatID: chatID, Event: Event{Type: EventMessage, Text: text}})
	return err
}

// TagThread adds tag to a thread.
func (b *Bot) TagThread(ctx context.Context, chatID, threadID, tag string) error {
	_, err := b.run(ctx, botTagThread, tagRequest{ChatID: chatID, ThreadID: threadID, Tag: tag})
	return err
}

// UntagThread removes tag from a thread.
func (b *Bot) UntagThread(ctx context.Context, chatID, threadID, tag string) error {
	_, err := b.run(ctx, botUntagThread, tagRequest{ChatID: chatID, ThreadID: threadID, Tag: tag})
	return err
}

// Properties are chat or thread properties to set: namespace -> name -> value.
type Properties map[string]map[string]any

// PropertyNames are chat or thread properties to delete: namespace -> names.
type PropertyNames map[string][]string

// UpdateChatProperties sets chat properties.
func (b *Bot) UpdateChatProperties(ctx context.Context, chatID string, properties Properties) error {
	_, err := b.run(ctx, botUpdateChatProperties, chatPropertiesRequest{ID: chatID, Properties: properties})
	return err
}

// DeleteChatProperties deletes chat properties.
func (b *Bot) DeleteChatProperties(ctx context.Context, chatID string, names PropertyNames) error {
	_, err := b.run(ctx, botDeleteChatProperties, chatPropertiesRequest{ID: chatID, Properties: names})
	return err
}

// UpdateThreadProperties sets thread properties.
func (b *Bot) UpdateThreadProperties(ctx context.Context, chatID, threadID string, properties Properties) error {
	_, err := b.run(ctx, botUpdateThreadProperties, threadPropertiesRequest{ChatID: chatID, ThreadID: threadID, Properties: properties})
	return err
}

// DeleteThreadProperties deletes thread properties.
func (b *Bot) DeleteThreadProperties(ctx context.Context, chatID, threadID string, names PropertyNames) error {
	_, err := b.run(ctx, botDeleteThreadProperties, threadPropertiesRequest{ChatID: chatID, ThreadID: threadID, Properties: names})
	return err
}

// MarkEventsAsSeen marks the chat's events up to seenUpTo (RFC 3339) as
// seen by the bot.
func (b *Bot) MarkEventsAsSeen(ctx context.Context, chatID, seenUpTo string) error {
	_, err := b.run(ctx, botMarkEventsAsSeen, seenRequest{ChatID: chatID, SeenUpTo: seenUpTo})
	return err
}

// CustomerProfile is a customer as get_customer answers.
type CustomerProfile struct {
	ID        string   `json:"id"`
	Name      string   `json:"name,omitempty"`
	Email     string   `json:"email,omitempty"`
	CreatedAt string   `json:"created_at,omitempty"`
	ChatIDs   []string `json:"chat_ids,omitempty"`
}

// GetCustomer returns the customer customerID (of a chat the bot may read).
func (b *Bot) GetCustomer(ctx context.Context, customerID string) (*CustomerProfile, error) {
	doc, err := b.run(ctx, botGetCustomer, struct {
		ID string `json:"id"`
	}{customerID})
	if err != nil {
		return nil, err
	}
	var c CustomerProfile
	if err := decode(botGetCustomer.String(), doc, &c); err != nil {
		return nil, err
	}
	return &c, nil
}

type typingRequest struct {
	ChatID     string `json:"chat_id"`
	IsTyping   bool   `json:"is_typing"`
	Visibility string `json:"visibility,omitempty"`
}

type tagRequest struct {
	ChatID   string `json:"chat_id"`
	ThreadID string `json:"thread_id"`
	Tag      string `json:"tag"`
}

type chatPropertiesRequest struct {
	ID         string `json:"id"`
	Properties any    `json:"properties"`
}

type threadPropertiesRequest struct {
	ChatID     string `json:"chat_id"`
	ThreadID   string `json:"thread_id"`
	Properties any    `json:"properties"`
}

type seenRequest struct {
	ChatID   string `json:"chat_id"`
	SeenUpTo string `json:"seen_up_to"`
}

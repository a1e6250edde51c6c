package livechatbots

import (
	"context"
	"fmt"
	"iter"
	"runtime"
	"runtime/cgo"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Bot acts as one bot in chats, through the Agent Chat Web API, in the API
// version of the Client it was made from: how a request names the bot is
// decided once, when the Bot is made, and is nobody's mutable state:
//   - v3.0: the client's token, and author_id beside the wrapped body;
//   - v3.1 to v3.4 (and v3.5 without a secret): the client's token and an
//     X-Author-Id header;
//   - v3.6 (and v3.5 with a secret): the bot's own token, obtained with
//     issue_bot_token, kept in the library's memory only, renewed before it
//     expires and once after LiveChat refuses it, by one call at a time
//     however many goroutines share the Bot.
//
// The methods take today's (v3.6) names and shapes whatever the version;
// the library translates them for older ones (list_chats is
// get_chats_summary before v3.2, visibility is recipients before v3.4 ...).
//
// A Bot is safe for concurrent use by many goroutines: share one per bot.
// Its calls follow the Client's context rules (a deadline sooner than
// Config.Timeout is the call's timeout; cancelling the context stops the
// call). The Bot keeps what it needs of the Client: the Client may be closed
// first. Close the Bot when done (Close is idempotent and waits for calls in
// flight); a finalizer frees a Bot that was forgotten, but do not rely on
// it. Printing a Bot never shows its secret or token.
type Bot struct {
	mu      sync.RWMutex // read-held by calls in flight, write-held by Close
	h       *cBot        // nil once closed
	cb      *callbackRefs
	id      string
	timeout time.Duration
}

// callbackRefs shares a client's callbacks handle (Config.TokenProvider,
// Config.OnNotice) between the client's C handle and the bots made from
// it, which keep the library's client, and so its callbacks, alive: the
// handle is deleted when the last of them is freed.
type callbackRefs struct {
	h cgo.Handle
	n atomic.Int64
}

func newCallbackRefs(h cgo.Handle) *callbackRefs {
	r := &callbackRefs{h: h}
	r.n.Store(1)
	return r
}

func (r *callbackRefs) acquire() { r.n.Add(1) }

func (r *callbackRefs) release() {
	if r.n.Add(-1) == 0 {
		deleteCallbacksHandle(r.h)
	}
}

// NewBot makes a Bot acting as the bot identity names, through c. It sends
// nothing: a bot token is obtained on the first call that needs one. The
// library checks the identity against the client's API version (a secret
// is required on v3.6 and refused before v3.5).
func (c *Client) NewBot(identity BotIdentity) (*Bot, error) {
	const op = "bot_new"
	for _, f := range []struct{ name, v string }{
		{"bot_agent_id", identity.BotAgentID}, {"bot_secret", identity.BotSecret.Reveal()},
		{"client_id", identity.ClientID}, {"organization_id", identity.OrganizationID},
	} {
		if strings.IndexByte(f.v, 0) >= 0 {
			return nil, newError(op, CodeValidation, "%s: must not contain a NUL byte", f.name)
		}
	}
	doc, err := encode(op, "identity", wireIdentity{
		BotAgentID:     identity.BotAgentID,
		BotSecret:      identity.BotSecret.Reveal(),
		ClientID:       identity.ClientID,
		OrganizationID: identity.OrganizationID,
	})
	if err != nil {
		return nil, err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.h == nil {
		return nil, ErrClosed
	}
	h, berr := ffiBotNew(c.h, doc)
	runtime.KeepAlive(c)
	if berr != nil {
		return nil, berr
	}
	b := &Bot{h: h, cb: c.cbRefs, id: identity.BotAgentID, timeout: c.timeout}
	if b.cb != nil {
		b.cb.acquire()
	}
	runtime.SetFinalizer(b, (*Bot).finalize)
	return b, nil
}

// release frees the C handle, then the Bot's share of the client's
// callbacks.
func (b *Bot) release() {
	if b.h != nil {
		b.h.free()
		b.h = nil
	}
	if b.cb != nil {
		b.cb.release()
		b.cb = nil
	}
}

// finalize frees a Bot that became unreachable without Close (no call can
// be in flight: each keeps its Bot reachable).
func (b *Bot) finalize() { b.release() }

// Close frees the bot (and its token). It waits for calls in flight, is
// safe to call more than once, and always returns nil. Calls after Close
// return ErrClosed.
func (b *Bot) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.h != nil {
		b.release()
		runtime.SetFinalizer(b, nil)
	}
	return nil
}

// ID is the bot's agent id.
func (b *Bot) ID() string { return b.id }

// String describes the bot without its secret or token.
func (b *Bot) String() string {
	b.mu.RLock()
	closed := b.h == nil
	b.mu.RUnlock()
	return fmt.Sprintf("livechatbots.Bot{ID: %q, closed: %v}", b.id, closed)
}

// GoString is String, for %#v.
func (b *Bot) GoString() string { return b.String() }

// do runs send on the bot's handle with the options ctx asks for: the
// rules of Client.do.
func (b *Bot) do(ctx context.Context, op string, send func(h *cBot, o *callOptions) (string, *Error)) (string, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.h == nil {
		return "", ErrClosed
	}
	var opts callOptions
	var o *callOptions
	shortened := false
	if deadline, ok := ctx.Deadline(); ok {
		remaining := time.Until(deadline)
		if remaining <= 0 {
			return "", context.DeadlineExceeded
		}
		if remaining < b.timeout && remaining <= maxCallTimeout {
			opts.timeoutMS = uint32(millis(remaining))
			o, shortened = &opts, true
		}
	}
	if ctx.Done() != nil {
		tok, err := newCancel()
		if err != nil {
			err.Op = op
			return "", err
		}
		fired := make(chan struct{})
		stop := context.AfterFunc(ctx, func() {
			tok.cancel()
			close(fired)
		})
		defer func() {
			if !stop() {
				<-fired
			}
			tok.free()
		}()
		opts.cancel = tok
		o = &opts
	}
	doc, err := send(b.h, o)
	runtime.KeepAlive(b)
	if err != nil {
		return "", contextError(ctx, err, shortened)
	}
	return doc, nil
}

// run sends a typed action with request encoded as JSON.
func (b *Bot) run(ctx context.Context, a botAction, request any) (string, error) {
	body, err := encode(a.String(), "request", request)
	if err != nil {
		return "", err
	}
	return b.do(ctx, a.String(), func(h *cBot, o *callOptions) (string, *Error) { return h.run(a, body, o) })
}

// SetRoutingStatus sets the bot's routing status: RoutingAcceptingChats
// (chats are routed to it), RoutingNotAcceptingChats or RoutingOffline.
// Before API v3.2 it is sent as update_bot_agent's status.
func (b *Bot) SetRoutingStatus(ctx context.Context, status RoutingStatus) error {
	_, err := b.run(ctx, botSetRoutingStatus, setRoutingStatusRequest{Status: status})
	return err
}

// SetAgentRoutingStatus sets another agent's or bot's routing status (the
// bot needs the right to).
func (b *Bot) SetAgentRoutingStatus(ctx context.Context, agentID string, status RoutingStatus) error {
	if agentID == "" {
		return newError(botSetRoutingStatus.String(), CodeValidation, "agent_id: must not be empty")
	}
	_, err := b.run(ctx, botSetRoutingStatus, setRoutingStatusRequest{Status: status, AgentID: agentID})
	return err
}

// SendEvent sends an event to a chat the bot is in and returns its id. It
// is a write: it is not sent twice unless it surely did not reach
// LiveChat, and a failure with OutcomeUnknown may have been posted.
func (b *Bot) SendEvent(ctx context.Context, chatID string, event Event) (string, error) {
	doc, err := b.run(ctx, botSendEvent, sendEventRequest{ChatID: chatID, Event: event})
	if err != nil {
		return "", err
	}
	var r struct {
		EventID string `json:"event_id"`
	}
	if err := decode(botSendEvent.String(), doc, &r); err != nil {
		return "", err
	}
	return r.EventID, nil
}

// SendMessage sends a text message, visible to all, and returns its id.
func (b *Bot) SendMessage(ctx context.Context, chatID, text string) (string, error) {
	return b.SendEvent(ctx, chatID, Event{Type: EventMessage, Text: text, Visibility: VisibilityAll})
}

// ListChats returns one page of the chats the bot may see. Ask for the
// next page with ListChatsRequest{PageID: page.NextPageID}, or use
// AllChats.
func (b *Bot) ListChats(ctx context.Context, req ListChatsRequest) (*ChatPage, error) {
	doc, err := b.run(ctx, botListChats, req)
	if err != nil {
		return nil, err
	}
	var page ChatPage
	if err := decode(botListChats.String(), doc, &page); err != nil {
		return nil, err
	}
	if page.Chats == nil {
		page.Chats = []ChatSummary{}
	}
	return &page, nil
}

// AllChats iterates over the chats ListChats gives for req, page after
// page (following NextPageID). A failure ends the iteration with the
// error as its last pair:
//
//	for chat, err := range bot.AllChats(ctx, livechatbots.ListChatsRequest{Limit: 100}) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(chat.ID)
//	}
func (b *Bot) AllChats(ctx context.Context, req ListChatsRequest) iter.Seq2[ChatSummary, error] {
	return func(yield func(ChatSummary, error) bool) {
		for {
			page, err := b.ListChats(ctx, req)
			if err != nil {
				yield(ChatSummary{}, err)
				return
			}
			for _, chat := range page.Chats {
				if !yield(chat, nil) {
					return
				}
			}
			if page.NextPageID == "" || len(page.Chats) == 0 {
				return
			}
			req = ListChatsRequest{PageID: page.NextPageID}
		}
	}
}

// GetChat returns a chat with its latest thread.
func (b *Bot) GetChat(ctx context.Context, chatID string) (*Chat, error) {
	return b.getChat(ctx, getChatRequest{ChatID: chatID})
}

// GetChatThread returns a chat with the thread threadID.
func (b *Bot) GetChatThread(ctx context.Context, chatID, threadID string) (*Chat, error) {
	if threadID == "" {
		return nil, newError(botGetChat.String(), CodeValidation, "thread_id: must not be empty")
	}
	return b.getChat(ctx, getChatRequest{ChatID: chatID, ThreadID: threadID})
}

func (b *Bot) getChat(ctx context.Context, req getChatRequest) (*Chat, error) {
	doc, err := b.run(ctx, botGetChat, req)
	if err != nil {
		return nil, err
	}
	var chat Chat
	if err := decode(botGetChat.String(), doc, &chat); err != nil {
		return nil, err
	}
	return &chat, nil
}

// TransferChat hands a chat to other agents or bots, or to groups; the
// bot leaves the chat.
func (b *Bot) TransferChat(ctx context.Context, req TransferChatRequest) error {
	if req.AgentIDs != nil && req.GroupIDs != nil {
		return newError(botTransferChat.String(), CodeValidation, "target: set one of AgentIDs and GroupIDs, not both")
	}
	_, err := b.run(ctx, botTransferChat, req)
	return err
}

// DeactivateChat closes the chat's active thread.
func (b *Bot) DeactivateChat(ctx context.Context, chatID string) error {
	_, err := b.run(ctx, botDeactivateChat, deactivateRequest{ID: chatID})
	return err
}

// ListRoutingStatuses returns the routing status of every agent and bot,
// or of those of groupIDs when given (API v3.2 and later).
func (b *Bot) ListRoutingStatuses(ctx context.Context, groupIDs ...uint64) ([]AgentRoutingStatus, error) {
	var req listRoutingStatusesRequest
	if groupIDs != nil {
		req.Filters = &struct {
			GroupIDs []uint64 `json:"group_ids"`
		}{groupIDs}
	}
	doc, err := b.run(ctx, botListRoutingStatuses, req)
	if err != nil {
		return nil, err
	}
	statuses := []AgentRoutingStatus{}
	if err := decode(botListRoutingStatuses.String(), doc, &statuses); err != nil {
		return nil, err
	}
	return statuses, nil
}

// Call sends any Agent Chat Web API action as this bot (a name of
// lowercase letters, digits and _) with payload, named as the client's API
// version requires, and decodes the answer into result, as Client.Call
// does. Neither the action nor the payload is translated: use the
// version's own names and shapes. Treated as a write (retried only when
// the server surely did not act).
func (b *Bot) Call(ctx context.Context, action string, payload, result any) error {
	body, err := untypedBody(action, payload)
	if err != nil {
		return err
	}
	doc, err := b.do(ctx, action, func(h *cBot, o *callOptions) (string, *Error) { return h.call(action, body, o) })
	if err != nil {
		return err
	}
	return untypedResult(action, doc, result)
}

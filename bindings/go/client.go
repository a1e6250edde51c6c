package livechatbots

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"runtime/cgo"
	"strings"
	"sync"
	"time"
)

// Client is a LiveChat Configuration API client for the Bot Agents
// actions.
//
// A Client is safe for concurrent use by many goroutines: the library's
// handle is shared (with its connections), and a call in flight holds no OS
// thread: it runs on the library's I/O thread while its goroutine waits on
// a channel (see the package's "Concurrency and context"). Close it when
// done (Close is idempotent and waits for calls in flight); a finalizer
// frees a Client that was forgotten, but do not rely on it.
//
// # Context
//
// Every call takes a context.Context, and the context bounds the whole
// call, retries and the waits between them included:
//   - If ctx is already done, the call is not started and ctx.Err() is
//     returned as is (context.Canceled or context.DeadlineExceeded, not an
//     *Error).
//   - If ctx has a deadline sooner than Config.Timeout (default
//     DefaultTimeout), the call's timeout is the time remaining, on the
//     client's own handle and connections. When the deadline passes the
//     call fails with an *Error of CodeTimeout that also matches
//     errors.Is(err, context.DeadlineExceeded).
//   - If ctx is cancelled while the call is in flight, the call stops
//     within a few tens of milliseconds (also during a retry wait) with an
//     *Error of CodeCancelled that matches errors.Is(err,
//     context.Canceled). A write cancelled after its request may have been
//     sent has OutcomeUnknown set: it may still be applied, so read before
//     repeating it.
type Client struct {
	mu      sync.RWMutex  // read-held by calls in flight, write-held by Close
	h       *cClient      // nil once closed
	cb      cgo.Handle    // the callbacks' handle, 0 when there are none
	cbRefs  *callbackRefs // cb shared with the client's bots (bot.go); nil when cb is 0
	timeout time.Duration
	baseURL string
}

// NewClient validates cfg and creates a client. It sends nothing.
func NewClient(cfg Config) (*Client, error) {
	if abiErr != nil {
		return nil, abiErr
	}
	w, werr := cfg.wire()
	if werr != nil {
		return nil, werr
	}
	h, err := ffiClientNew(w.json())
	if err != nil {
		return nil, err
	}
	c := &Client{h: h, timeout: cfg.timeout(), baseURL: cfg.BaseURL}
	if settings, err := readSettings(h); err == nil {
		c.baseURL = settings.BaseURL // the environment's, when cfg left it out
	}
	if cfg.TokenProvider != nil || cfg.OnNotice != nil {
		c.cb = newCallbacksHandle(&callbacks{provider: cfg.TokenProvider, onNotice: cfg.OnNotice})
		c.cbRefs = newCallbackRefs(c.cb)
		if err := h.setCallbacks(c.cb, cfg.TokenProvider != nil, cfg.OnNotice != nil); err != nil {
			c.release()
			err.Op = "client_new"
			return nil, err
		}
	}
	runtime.SetFinalizer(c, (*Client).finalize)
	return c, nil
}

// release frees the C handle, then the client's share of the callbacks'
// handle, deleted once no bot made from the client (which keeps the
// library's client, hence its callbacks, alive) is left either.
func (c *Client) release() {
	if c.h != nil {
		c.h.free()
		c.h = nil
	}
	if c.cbRefs != nil {
		c.cbRefs.release()
		c.cbRefs = nil
		c.cb = 0
	}
}

// finalize frees a Client that became unreachable without Close. No call
// can be in flight: each one keeps its Client reachable until it returns.
func (c *Client) finalize() { c.release() }

// Close frees the client. It waits for calls in flight, is safe to call
// more than once, and always returns nil. Calls after Close return
// ErrClosed.
func (c *Client) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.h != nil {
		c.release()
		runtime.SetFinalizer(c, nil)
	}
	return nil
}

// String describes the client without its token.
func (c *Client) String() string {
	c.mu.RLock()
	closed := c.h == nil
	c.mu.RUnlock()
	base := c.baseURL
	if base == "" {
		base = "default"
	}
	return fmt.Sprintf("livechatbots.Client{BaseURL: %s, Timeout: %v, closed: %v}", base, c.timeout, closed)
}

// GoString is String, so that %#v does not show the token either.
func (c *Client) GoString() string { return c.String() }

// SetCredentials replaces the client's token (tokenType "" means Bearer),
// with the rules of Config.Token and Config.TokenType. Calls that start
// afterwards use it; calls in flight finish with the old one. Safe while
// other goroutines make calls. The token is a secret: it is not kept by
// this package, only by the library.
func (c *Client) SetCredentials(token string, tokenType TokenType) error {
	if strings.IndexByte(token, 0) >= 0 {
		return newError("set_credentials", CodeValidation, "token: must not contain a NUL byte")
	}
	doc, err := encode("set_credentials", "credentials", wireCredentials{Token: token, TokenType: string(tokenType)})
	if err != nil {
		return err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.h == nil {
		return ErrClosed
	}
	serr := c.h.setCredentials(doc)
	runtime.KeepAlive(c)
	if serr != nil {
		return serr
	}
	return nil
}

// Notices returns every notice the client has seen so far (that its API
// version is legacy or deprecated), oldest first; empty when none. Each kind
// is recorded once per client; Config.OnNotice is told of each as it comes.
func (c *Client) Notices() ([]Notice, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.h == nil {
		return nil, ErrClosed
	}
	doc, err := c.h.notices()
	runtime.KeepAlive(c)
	if err != nil {
		return nil, err
	}
	notices := []Notice{}
	if derr := decode("notices", doc, &notices); derr != nil {
		return nil, derr
	}
	return notices, nil
}

// maxCallTimeout is the longest per-call timeout the library takes.
const maxCallTimeout = time.Hour

// do runs send on the client's handle with the options ctx asks for,
// applying the context rules of Client.
func (c *Client) do(ctx context.Context, op string, send func(h *cClient, o *callOptions) (string, *Error)) (string, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.h == nil {
		return "", ErrClosed
	}
	var opts callOptions
	var o *callOptions // nil: the client's settings (context.Background, context.TODO)
	shortened := false
	if deadline, ok := ctx.Deadline(); ok {
		remaining := time.Until(deadline)
		if remaining <= 0 {
			return "", context.DeadlineExceeded
		}
		if remaining < c.timeout && remaining <= maxCallTimeout {
			opts.timeoutMS = uint32(millis(remaining))
			o, shortened = &opts, true
		}
	}
	if ctx.Done() != nil {
		// A token of the call's own, fired by ctx: the token stays
		// cancelled, and the library forbids freeing it while the call
		// runs, so it is neither shared nor reused.
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
				<-fired // cancel may be running: wait before freeing
			}
			tok.free()
		}()
		opts.cancel = tok
		o = &opts
	}
	doc, err := send(c.h, o)
	// The handle is freed only by Close (excluded by the read lock) or by
	// the finalizer, which must not run before the C call has returned.
	runtime.KeepAlive(c)
	if err != nil {
		return "", contextError(ctx, err, shortened)
	}
	return doc, nil
}

// contextError ties a failed call's error to its context: a call the
// context cancelled unwraps to ctx.Err(), and one cut short by the
// context's deadline (through the shortened timeout or the cancel token,
// whichever fired first) is CodeTimeout and unwraps to
// context.DeadlineExceeded.
func contextError(ctx context.Context, err *Error, shortened bool) *Error {
	switch err.Code {
	case CodeCancelled:
		// Only ctx fires the call's token.
		cause := ctx.Err()
		if cause == nil {
			cause = context.Canceled
		}
		if errors.Is(cause, context.DeadlineExceeded) {
			err.Code, err.CodeName = CodeTimeout, CodeTimeout.String()
			err.Message = "the context's deadline passed before the call completed (" + err.Message + ")"
		}
		err.cause = cause
	case CodeTimeout:
		if shortened || errors.Is(ctx.Err(), context.DeadlineExceeded) {
			err.cause = context.DeadlineExceeded
		}
	}
	return err
}

// The requests of the actions that take no model. (The reads' "fields" of
// v3.3 and later is not offered: the typed reads want the default fields;
// Call sends it.)
type (
	removeRequest struct {
		BotAgentID string `json:"bot_agent_id"`
	}
	listRequest struct {
		All bool `json:"all"`
	}
	detailsRequest struct {
		BotAgentID string `json:"bot_agent_id"`
	}
)

// run sends one of the typed actions with request encoded as JSON.
func (c *Client) run(ctx context.Context, a action, request any) (string, error) {
	body, err := encode(a.String(), "request", request)
	if err != nil {
		return "", err
	}
	return c.do(ctx, a.String(), func(h *cClient, o *callOptions) (string, *Error) { return h.run(a, body, o) })
}

// CreateBotAgent creates a bot and returns its id and, from API v3.5, its
// secret (LiveChat shows it only here: keep it if the bot will need its own
// token). A failure with OutcomeUnknown may still have created the bot:
// list the bots before trying again.
func (c *Client) CreateBotAgent(ctx context.Context, req CreateBotAgentRequest) (CreateBotAgentResult, error) {
	doc, err := c.run(ctx, actCreate, req)
	if err != nil {
		return CreateBotAgentResult{}, err
	}
	var r CreateBotAgentResult
	if err := decode(actCreate.String(), doc, &r); err != nil {
		return CreateBotAgentResult{}, err
	}
	return r, nil
}

// RemoveBotAgent removes the bot with the given id.
func (c *Client) RemoveBotAgent(ctx context.Context, id string) error {
	_, err := c.run(ctx, actRemove, removeRequest{id})
	return err
}

// UpdateBotAgent changes the fields set in req of the bot req.ID.
func (c *Client) UpdateBotAgent(ctx context.Context, req UpdateBotAgentRequest) error {
	_, err := c.run(ctx, actUpdate, req)
	return err
}

// GetBotAgents lists the bots of the token's application, or of the whole
// license when all is true (that needs the agents-bot--all:ro scope).
func (c *Client) GetBotAgents(ctx context.Context, all bool) ([]BotAgent, error) {
	doc, err := c.run(ctx, actList, listRequest{all})
	if err != nil {
		return nil, err
	}
	var r struct {
		BotAgents []BotAgent `json:"bot_agents"`
	}
	if err := decode(actList.String(), doc, &r); err != nil {
		return nil, err
	}
	if r.BotAgents == nil {
		r.BotAgents = []BotAgent{}
	}
	return r.BotAgents, nil
}

// GetBotAgentDetails returns everything about the bot with the given id.
func (c *Client) GetBotAgentDetails(ctx context.Context, id string) (*BotAgentDetails, error) {
	doc, err := c.run(ctx, actDetails, detailsRequest{id})
	if err != nil {
		return nil, err
	}
	var r struct {
		BotAgent *BotAgentDetails `json:"bot_agent"`
	}
	if err := decode(actDetails.String(), doc, &r); err != nil {
		return nil, err
	}
	if r.BotAgent == nil {
		return nil, newError(actDetails.String(), CodeDecode, "the answer has no bot_agent")
	}
	return r.BotAgent, nil
}

// Call sends any Configuration API action (a name of lowercase letters,
// digits and _) with payload, shaped for the configured API version, and
// decodes the answer into result: whatever JSON value LiveChat answered (an
// object, the bare array of a v3.3+ list, {} for an empty body).
//
// payload is encoded with encoding/json (it must encode to an object; nil
// sends {}), except a json.RawMessage, which is sent exactly as given.
// result may be nil (the answer is discarded), a *json.RawMessage (it gets
// the answer as sent) or anything json.Unmarshal accepts.
//
// The library does not validate the payload beyond that, and treats the
// call as a write: it is retried only when the server surely did not act.
func (c *Client) Call(ctx context.Context, action string, payload, result any) error {
	body, err := untypedBody(action, payload)
	if err != nil {
		return err
	}
	doc, err := c.do(ctx, action, func(h *cClient, o *callOptions) (string, *Error) { return h.call(action, body, o) })
	if err != nil {
		return err
	}
	return untypedResult(action, doc, result)
}

// untypedBody is the request of Client.Call and Bot.Call: {} for nil, a
// json.RawMessage as given, anything else encoded.
func untypedBody(action string, payload any) (string, error) {
	if strings.IndexByte(action, 0) >= 0 {
		return "", newError(action, CodeValidation, "action: must not contain a NUL byte")
	}
	switch p := payload.(type) {
	case nil:
		return "{}", nil
	case json.RawMessage:
		if strings.IndexByte(string(p), 0) >= 0 {
			return "", newError(action, CodeInvalidJSON, "payload: must not contain a NUL byte")
		}
		return string(p), nil
	default:
		body, err := encode(action, "payload", payload)
		if err != nil {
			return "", err
		}
		return body, nil
	}
}

// untypedResult hands the answer of Client.Call and Bot.Call to result:
// dropped for nil, as sent for a *json.RawMessage, decoded otherwise.
func untypedResult(action, doc string, result any) error {
	switch r := result.(type) {
	case nil:
		return nil
	case *json.RawMessage:
		*r = json.RawMessage(doc)
		return nil
	default:
		if err := decode(action, doc, result); err != nil {
			return err
		}
		return nil
	}
}

// encode marshals a request for op; a value encoding/json refuses (a
// channel, a NaN ...) is a CodeInvalidJSON error.
func encode(op, what string, v any) (string, *Error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", newError(op, CodeInvalidJSON, "%s: cannot be encoded as JSON: %v", what, err)
	}
	return string(b), nil
}

// decode unmarshals an answer of op; a mismatch is a CodeDecode error.
func decode(op, doc string, v any) *Error {
	if err := json.Unmarshal([]byte(doc), v); err != nil {
		return newError(op, CodeDecode, "the answer does not match the model: %v", err)
	}
	return nil
}

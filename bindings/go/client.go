package livechatbots

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"
)

// Client is a LiveChat Configuration API client for the Bot Agents
// actions.
//
// A Client is safe for concurrent use by many goroutines: the library's
// handle is shared, and every call runs on its goroutine's OS thread while
// the call blocks. Close it when done (Close is idempotent and waits for
// calls in flight); a finalizer frees a Client that was forgotten, but do
// not rely on it.
//
// # Context
//
// Every call takes a context.Context:
//   - If ctx is already done, the call is not started and ctx.Err() is
//     returned as is (context.Canceled or context.DeadlineExceeded, not an
//     *Error).
//   - If ctx has a deadline sooner than the per-attempt timeout
//     (Config.Timeout, default DefaultTimeout), the call runs on a
//     short-lived copy of the client whose timeout is the time remaining.
//     When that timeout fires the call fails with an *Error of CodeTimeout
//     that also matches errors.Is(err, context.DeadlineExceeded). Making
//     that copy costs about as much as NewClient (no connection reuse), so
//     prefer deadlines longer than Config.Timeout on hot paths.
//   - A call cannot be interrupted once started: the library's calls are
//     blocking C calls, and cancelling ctx mid-call has no effect until it
//     returns. The deadline bounds each HTTP attempt, not the whole call: a
//     read retried after its first attempt timed out can overrun the
//     deadline (at worst by Retry.MaxAttempts-1 further attempts and the
//     waits between them); set Retry.MaxAttempts to 1 for a hard bound.
type Client struct {
	mu      sync.RWMutex // read-held by calls in flight, write-held by Close
	h       *cClient     // nil once closed
	wire    wireConfig   // to make short-lived copies for context deadlines
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
	c := &Client{h: h, wire: w, timeout: cfg.timeout(), baseURL: cfg.BaseURL}
	runtime.SetFinalizer(c, (*Client).finalize)
	return c, nil
}

// finalize frees a Client that became unreachable without Close. No call
// can be in flight: each one keeps its Client reachable until it returns.
func (c *Client) finalize() {
	if c.h != nil {
		c.h.free()
		c.h = nil
	}
}

// Close frees the client. It waits for calls in flight, is safe to call
// more than once, and always returns nil. Calls after Close return
// ErrClosed.
func (c *Client) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.h != nil {
		c.h.free()
		c.h = nil
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

// do runs send on the client's handle, or on a short-lived copy whose
// timeout fits ctx's deadline, applying the context rules of Client.
func (c *Client) do(ctx context.Context, op string, send func(h *cClient) (string, *Error)) (string, error) {
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
	h, shortened := c.h, false
	if deadline, ok := ctx.Deadline(); ok {
		remaining := time.Until(deadline)
		if remaining <= 0 {
			return "", context.DeadlineExceeded
		}
		if remaining < c.timeout {
			w := c.wire
			w.TimeoutMS = millis(remaining)
			tmp, err := ffiClientNew(w.json())
			if err != nil {
				err.Op = op
				return "", err
			}
			defer tmp.free()
			h, shortened = tmp, true
		}
	}
	doc, err := send(h)
	// The handle is freed only by Close (excluded by the read lock) or by
	// the finalizer, which must not run before the C call has returned.
	runtime.KeepAlive(c)
	if err != nil {
		if err.Code == CodeTimeout && (shortened || errors.Is(ctx.Err(), context.DeadlineExceeded)) {
			err.cause = context.DeadlineExceeded
		}
		return "", err
	}
	return doc, nil
}

// run sends one of the typed actions with request encoded as JSON.
func (c *Client) run(ctx context.Context, a action, request any) (string, error) {
	body, err := encode(a.String(), "request", request)
	if err != nil {
		return "", err
	}
	return c.do(ctx, a.String(), func(h *cClient) (string, *Error) { return h.run(a, body) })
}

// CreateBotAgent creates a bot and returns its id. A failure with
// OutcomeUnknown may still have created it: list the bots before trying
// again.
func (c *Client) CreateBotAgent(ctx context.Context, req CreateBotAgentRequest) (string, error) {
	doc, err := c.run(ctx, actCreate, req)
	if err != nil {
		return "", err
	}
	var r struct {
		BotAgentID string `json:"bot_agent_id"`
	}
	if err := decode(actCreate.String(), doc, &r); err != nil {
		return "", err
	}
	return r.BotAgentID, nil
}

// RemoveBotAgent removes the bot with the given id.
func (c *Client) RemoveBotAgent(ctx context.Context, id string) error {
	_, err := c.run(ctx, actRemove, struct {
		BotAgentID string `json:"bot_agent_id"`
	}{id})
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
	doc, err := c.run(ctx, actList, struct {
		All bool `json:"all"`
	}{all})
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
	doc, err := c.run(ctx, actDetails, struct {
		BotAgentID string `json:"bot_agent_id"`
	}{id})
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
// decodes the answer into result.
//
// payload is encoded with encoding/json (it must encode to an object; nil
// sends {}), except a json.RawMessage, which is sent exactly as given.
// result may be nil (the answer is discarded), a *json.RawMessage (it gets
// the answer as sent) or anything json.Unmarshal accepts.
//
// The library does not validate the payload beyond that, and treats the
// call as a write: it is retried only when the server surely did not act.
func (c *Client) Call(ctx context.Context, action string, payload, result any) error {
	if strings.IndexByte(action, 0) >= 0 {
		return newError(action, CodeValidation, "action: must not contain a NUL byte")
	}
	var body string
	switch p := payload.(type) {
	case nil:
		body = "{}"
	case json.RawMessage:
		if strings.IndexByte(string(p), 0) >= 0 {
			return newError(action, CodeInvalidJSON, "payload: must not contain a NUL byte")
		}
		body = string(p)
	default:
		var err *Error
		if body, err = encode(action, "payload", payload); err != nil {
			return err
		}
	}
	doc, err := c.do(ctx, action, func(h *cClient) (string, *Error) { return h.call(action, body) })
	if err != nil {
		return err
	}
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

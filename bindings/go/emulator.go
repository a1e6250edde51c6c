package livechatbots

import (
	"bytes"
	"encoding/json"
	"runtime"
	"sync"
	"time"
)

// DefaultEmulatorToken is the token a default emulator accepts (client
// "dev-client", every bot scope, region dal).
const DefaultEmulatorToken = "dev-token"

// Emulator is an offline fake of the Bot Agents API, served by the library
// on 127.0.0.1 in this process. Point a Client at URL() with a token it
// knows. Safe for concurrent use; Close stops it.
type Emulator struct {
	mu  sync.RWMutex // read-held by calls in flight, write-held by Close
	h   *cEmulator   // nil once closed
	url string
	org string // the organization id issue_bot_token expects
	ca  string // the CA's PEM when it speaks TLS
}

// EmulatorConfig configures StartEmulator. Zero fields mean the defaults.
type EmulatorConfig struct {
	// Tokens the emulator accepts; nil means only DefaultEmulatorToken.
	Tokens []EmulatorToken `json:"tokens,omitzero"`
	// Bots present at start. ID and Application are optional (an id is
	// made up, and the bot belongs to the first token's client).
	Bots []BotAgentDetails `json:"bots,omitzero"`
	// Port on 127.0.0.1; 0 picks a free one.
	Port int `json:"port,omitempty"`
	// Faults queued from the start, as with Inject.
	Faults []Fault `json:"faults,omitzero"`
	// LogLimit is how many requests the log keeps (default 10000).
	LogLimit int `json:"log_limit,omitempty"`
	// IdleTimeout closes a keep-alive connection idle this long, as load
	// balancers do (default: never; millisecond precision).
	IdleTimeout time.Duration `json:"-"`
	// Versions marks API versions as retiring: their answers carry
	// LiveChat's Legacy or Deprecation header, which clients report as
	// Notices. Keyed by version ("3.3").
	Versions map[string]VersionStage `json:"versions,omitempty"`
	// OrganizationID is the license's organization, which issue_bot_token
	// checks (default DefaultEmulatorOrganizationID).
	OrganizationID string `json:"organization_id,omitempty"`
	// BotTokenLifetime is how long a bot token from issue_bot_token is
	// valid (default 24 hours, as LiveChat's; 1 ms to 24 h, millisecond
	// precision).
	BotTokenLifetime time.Duration `json:"-"`
	// WebhookTries is how many times a webhook delivery is tried, the
	// first included (1 to 10; default 3).
	WebhookTries int `json:"webhook_tries,omitempty"`
	// WebhookBackoff is the wait before a delivery's second try, doubled
	// before each next one (0 to 10 minutes; nil means 1 s; millisecond
	// precision). Tests set a few milliseconds.
	WebhookBackoff *time.Duration `json:"-"`
	// WebhookTimeout is how long one try waits for the receiver's answer
	// (1 ms to 10 minutes; default 5 s; millisecond precision).
	WebhookTimeout time.Duration `json:"-"`
	// WebhookAllowRemote lets webhooks be delivered to hosts other than
	// loopback ones (127.0.0.0/8, ::1, localhost); by default such a
	// delivery is refused (Delivery.State DeliveryRefused).
	WebhookAllowRemote bool `json:"webhook_allow_remote,omitempty"`
	// TLS serves HTTPS with a certificate for localhost and 127.0.0.1
	// signed by a CA made at start: URL is https://, and CAPEM is the CA
	// a client trusts (ClientConfig sets it).
	TLS bool `json:"tls,omitempty"`
	// Agents are human agents: a chat goes to one when no bot of its group
	// can take it (see Emulator.AgentSendMessage).
	Agents []HumanAgent `json:"agents,omitzero"`
}

// UnmarshalJSON reads a config document of lcbot_emulator_start (as a file
// or an environment variable may hold it): the *_ms keys become durations,
// and a key it does not know is an error.
func (c *EmulatorConfig) UnmarshalJSON(b []byte) error {
	type plain EmulatorConfig
	var w struct {
		plain
		IdleTimeoutMS      *int64 `json:"idle_timeout_ms"`
		BotTokenLifetimeMS *int64 `json:"bot_token_lifetime_ms"`
		WebhookBackoffMS   *int64 `json:"webhook_backoff_ms"`
		WebhookTimeoutMS   *int64 `json:"webhook_timeout_ms"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return err
	}
	*c = EmulatorConfig(w.plain)
	ms := func(v *int64) time.Duration {
		if v == nil {
			return 0
		}
		return time.Duration(*v) * time.Millisecond
	}
	c.IdleTimeout, c.BotTokenLifetime, c.WebhookTimeout = ms(w.IdleTimeoutMS), ms(w.BotTokenLifetimeMS), ms(w.WebhookTimeoutMS)
	if w.WebhookBackoffMS != nil {
		c.WebhookBackoff = Ptr(ms(w.WebhookBackoffMS))
	}
	return nil
}

// VersionStage is the stage of a retiring API version in the emulator.
type VersionStage struct {
	// Stage is NoticeLegacy or NoticeDeprecated.
	Stage NoticeKind `json:"stage"`
	// Until is the date the stage ends, "YYYY-MM-DD".
	Until string `json:"until"`
}

// MarshalJSON writes the config document of lcbot_emulator_start.
func (c EmulatorConfig) MarshalJSON() ([]byte, error) {
	type plain EmulatorConfig
	w := struct {
		plain
		IdleTimeoutMS      int64  `json:"idle_timeout_ms,omitempty"`
		BotTokenLifetimeMS int64  `json:"bot_token_lifetime_ms,omitempty"`
		WebhookBackoffMS   *int64 `json:"webhook_backoff_ms,omitempty"`
		WebhookTimeoutMS   int64  `json:"webhook_timeout_ms,omitempty"`
	}{plain: plain(c), IdleTimeoutMS: millis(c.IdleTimeout), BotTokenLifetimeMS: millis(c.BotTokenLifetime),
		WebhookTimeoutMS: millis(c.WebhookTimeout)}
	if c.WebhookBackoff != nil {
		ms := millis(*c.WebhookBackoff)
		w.WebhookBackoffMS = &ms
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads a token of a config document (expires_in_ms too).
func (t *EmulatorToken) UnmarshalJSON(b []byte) error {
	type plain EmulatorToken
	var w struct {
		plain
		ExpiresInMS int64 `json:"expires_in_ms"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return err
	}
	*t = EmulatorToken(w.plain)
	t.ExpiresIn = time.Duration(w.ExpiresInMS) * time.Millisecond
	return nil
}

// EmulatorToken is a token the emulator accepts and what it grants.
type EmulatorToken struct {
	Token    string `json:"token"`
	ClientID string `json:"client_id"`
	// Scopes such as "agents-bot--my:rw"; a :rw scope includes its :ro
	// twin. nil is sent as [] (a token that may do nothing).
	Scopes []string `json:"scopes"`
	// Region is the token's data centre (default dal): a request for the
	// other one is answered 421.
	Region Region `json:"region,omitempty"`
	// ExpiresIn makes the token expire this long after the emulator starts:
	// it is then refused with 401 authentication (default: never;
	// millisecond precision).
	ExpiresIn time.Duration `json:"-"`
}

// MarshalJSON writes the token with nil Scopes as [].
func (t EmulatorToken) MarshalJSON() ([]byte, error) {
	type plain EmulatorToken
	if t.Scopes == nil {
		t.Scopes = []string{}
	}
	w := struct {
		plain
		ExpiresInMS int64 `json:"expires_in_ms,omitempty"`
	}{plain: plain(t), ExpiresInMS: millis(t.ExpiresIn)}
	return json.Marshal(w)
}

// Fault is an injected failure, applied to the next Times requests (of
// Action, or of any action when empty). It needs at least one of Status,
// Delay and DropConnection; or it is a fault of webhook deliveries, with
// DuplicateDelivery or LostAnswer (and Action the webhook's action, e.g.
// ActionIncomingEvent), which takes none of them.
type Fault struct {
	// Action restricts the fault to one action, e.g. "get_bot_agents".
	Action string
	// Times is how many requests get the fault (default 1).
	Times int
	// Status answers this HTTP status (400 to 599) with an API error.
	Status int
	// ErrorType and Message are the API error's; by default they follow
	// Status ("internal", "Injected fault: HTTP 503").
	ErrorType string
	Message   string
	// RetryAfter is sent as Retry-After, in whole seconds (rounded up).
	RetryAfter time.Duration
	// Delay stalls the answer this long (millisecond precision).
	Delay time.Duration
	// DropConnection closes the connection without answering.
	DropConnection bool
	// DuplicateDelivery sends the next delivery of webhook Action twice
	// (two deliveries, the same body), as LiveChat's retries may: a test
	// of the receiver's deduplication.
	DuplicateDelivery bool
	// LostAnswer makes the first try of the next delivery of webhook
	// Action count as failed whatever the receiver answered, as if the
	// answer was lost: it is retried, so the receiver sees the event
	// twice.
	LostAnswer bool
}

// wireFault is a fault as the library writes and reads it.
type wireFault struct {
	Action         string `json:"action,omitempty"`
	Times          int    `json:"times,omitempty"`
	Status         *int   `json:"status,omitempty"`
	ErrorType      string `json:"error_type,omitempty"`
	Message        string `json:"message,omitempty"`
	RetryAfterS    *int64 `json:"retry_after_s,omitempty"`
	DelayMS        *int64 `json:"delay_ms,omitempty"`
	DropConnection bool   `json:"drop_connection,omitempty"`
	// Delivery faults (not in the request log's description).
	DuplicateDelivery bool `json:"duplicate_delivery,omitempty"`
	LostAnswer        bool `json:"lost_answer,omitempty"`
}

// MarshalJSON writes the fault document of lcbot_emulator_inject.
func (f Fault) MarshalJSON() ([]byte, error) {
	w := wireFault{
		Action:         f.Action,
		Times:          f.Times,
		ErrorType:      f.ErrorType,
		Message:        f.Message,
		DropConnection: f.DropConnection,

		DuplicateDelivery: f.DuplicateDelivery,
		LostAnswer:        f.LostAnswer,
	}
	if f.Status != 0 {
		w.Status = &f.Status
	}
	if f.RetryAfter != 0 {
		s := int64(f.RetryAfter / time.Second)
		if f.RetryAfter%time.Second > 0 {
			s++
		}
		w.RetryAfterS = &s
	}
	if f.Delay != 0 {
		ms := millis(f.Delay)
		w.DelayMS = &ms
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads a fault as the request log describes it (nulls for
// what the fault did not set).
func (f *Fault) UnmarshalJSON(b []byte) error {
	var w wireFault
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*f = Fault{Action: w.Action, Times: w.Times, ErrorType: w.ErrorType, Message: w.Message, DropConnection: w.DropConnection,
		DuplicateDelivery: w.DuplicateDelivery, LostAnswer: w.LostAnswer}
	if w.Status != nil {
		f.Status = *w.Status
	}
	if w.RetryAfterS != nil {
		f.RetryAfter = time.Duration(*w.RetryAfterS) * time.Second
	}
	if w.DelayMS != nil {
		f.Delay = time.Duration(*w.DelayMS) * time.Millisecond
	}
	return nil
}

// RequestLogEntry is one request the emulator received, and what it got.
type RequestLogEntry struct {
	// Seq numbers requests from 1 in arrival order.
	Seq int64 `json:"seq"`
	// TimeMS is when it arrived, in milliseconds since the Unix epoch.
	TimeMS float64 `json:"time_ms"`
	Method string  `json:"method"`
	Path   string  `json:"path"`
	// Version and Action are read from the path ("3.0",
	// "create_bot_agent"); empty for a path that is not an action's.
	Version string `json:"version"`
	Action  string `json:"action"`
	// API is "configuration" or "agent" (the Agent Chat Web API a Bot
	// uses), read from the path; empty for a path that is not an action's.
	API string `json:"api"`
	// ClientID is the client the token belongs to; empty when it was not
	// authenticated or a fault answered first.
	ClientID string `json:"client_id"`
	// Headers have lowercase names; Authorization shows its scheme only.
	Headers map[string]string `json:"headers"`
	// Body is the request body's JSON (a JSON string when it was not JSON).
	Body json.RawMessage `json:"body"`
	// Status is the HTTP status answered; 0 when the connection was dropped.
	Status int `json:"status"`
	// Fault is the injected fault that applied, or nil.
	Fault *Fault `json:"fault"`
	// Connection numbers the TCP connection the request came on: requests
	// with the same number shared a connection (a client reuses its
	// connections).
	Connection int64 `json:"connection"`
}

// Time is TimeMS as a time.Time.
func (r RequestLogEntry) Time() time.Time {
	return time.UnixMicro(int64(r.TimeMS * 1000))
}

// StartEmulator starts an emulator; nil cfg gives the default (token
// DefaultEmulatorToken on a free port).
func StartEmulator(cfg *EmulatorConfig) (*Emulator, error) {
	if abiErr != nil {
		return nil, abiErr
	}
	doc := "{}"
	if cfg != nil {
		var err *Error
		if doc, err = encode("emulator_start", "config", cfg); err != nil {
			return nil, err
		}
	}
	h, url, err := ffiEmulatorStart(doc)
	if err != nil {
		return nil, err
	}
	ca, err := h.caPEM()
	if err != nil {
		h.stop()
		return nil, err
	}
	e := &Emulator{h: h, url: url, org: DefaultEmulatorOrganizationID, ca: ca}
	if cfg != nil && cfg.OrganizationID != "" {
		e.org = cfg.OrganizationID
	}
	runtime.SetFinalizer(e, (*Emulator).finalize)
	return e, nil
}

func (e *Emulator) finalize() {
	if e.h != nil {
		e.h.stop()
		e.h = nil
	}
}

// URL is the emulator's base URL, e.g. "http://127.0.0.1:41234"; it stays
// readable after Close.
func (e *Emulator) URL() string { return e.url }

// ClientConfig is a Config for a Client of this emulator with
// DefaultEmulatorToken and no retry waits worth the name (base delay 1 ms).
func (e *Emulator) ClientConfig() Config {
	return Config{
		Token:   DefaultEmulatorToken,
		BaseURL: e.url,
		CAPEM:   e.ca,
		Retry:   &RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 10 * time.Millisecond},
	}
}

// Inject queues a fault and returns how many faults are now pending.
func (e *Emulator) Inject(f Fault) (int, error) {
	doc, err := encode("emulator_inject", "fault", f)
	if err != nil {
		return 0, err
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	if e.h == nil {
		return 0, ErrClosed
	}
	out, ierr := e.h.inject(doc)
	runtime.KeepAlive(e)
	if ierr != nil {
		return 0, ierr
	}
	var r struct {
		PendingFaults int `json:"pending_faults"`
	}
	if derr := decode("emulator_inject", out, &r); derr != nil {
		return 0, derr
	}
	return r.PendingFaults, nil
}

// Requests returns the request log, oldest first.
func (e *Emulator) Requests() ([]RequestLogEntry, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if e.h == nil {
		return nil, ErrClosed
	}
	out, err := e.h.requests()
	runtime.KeepAlive(e)
	if err != nil {
		return nil, err
	}
	var r struct {
		Requests []RequestLogEntry `json:"requests"`
	}
	if derr := decode("emulator_requests", out, &r); derr != nil {
		return nil, derr
	}
	if r.Requests == nil {
		r.Requests = []RequestLogEntry{}
	}
	return r.Requests, nil
}

// Close stops the emulator. It waits for Inject and Requests calls in
// flight, is safe to call more than once, and always returns nil. Clients
// still pointed at it then get transport errors.
func (e *Emulator) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.h != nil {
		e.h.stop()
		e.h = nil
		runtime.SetFinalizer(e, nil)
	}
	return nil
}

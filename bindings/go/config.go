package livechatbots

import (
	"encoding/json"
	"fmt"
	"time"
)

// TokenType is how the token is sent in the Authorization header.
type TokenType string

const (
	TokenBearer TokenType = "Bearer"
	TokenBasic  TokenType = "Basic"
)

// Region is a LiveChat data centre, sent as X-Region.
type Region string

const (
	RegionDal Region = "dal"
	RegionFra Region = "fra"
)

// DefaultTimeout is the library's timeout of a whole call when
// Config.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// Config is a client's settings. Zero values mean the library's defaults
// and are left out of the config document; the library validates the rest
// (an unknown region, a timeout out of range, http:// to a non-loopback
// host ...) and NewClient returns its validation error.
//
// Token, APIVersion, BaseURL and Region left empty are taken from
// LIVECHAT_TOKEN, LIVECHAT_API_VERSION, LIVECHAT_BASE_URL and
// LIVECHAT_REGION when those are set and not empty (a bot is aimed at a
// running emulator without a change to its code); what the Config says
// always wins. Client.Settings tells what was chosen.
//
// Printing a Config with fmt never shows the token.
type Config struct {
	// Token is the access token (Bearer), or the ready base64 credential
	// for TokenType Basic. A token prefixed "fra-" or "fra:" selects the
	// fra region unless Region says otherwise.
	Token string
	// PersonalAccessToken is the alternative to Token for Basic
	// authentication with an account id and a PAT; TokenType then defaults
	// to Basic. Set one of Token and PersonalAccessToken.
	PersonalAccessToken *PersonalAccessToken
	// TokenType defaults to Bearer (Basic with PersonalAccessToken).
	TokenType TokenType
	// APIVersion is the Configuration API version, "3.0" (the default) or
	// a later one the library supports.
	APIVersion string
	// BaseURL defaults to https://api.livechatinc.com. http:// is accepted
	// only for a loopback host unless AllowInsecureHTTP is set.
	BaseURL string
	// Region defaults to the token's prefix, or none.
	Region Region
	// Timeout bounds each whole call, retries and the waits between them
	// included (default DefaultTimeout); a sooner context deadline
	// shortens it for that call, see Client.
	Timeout time.Duration
	// AttemptTimeout caps one HTTP attempt (default: none, only Timeout),
	// so that a read whose first attempt stalls can still be retried
	// within Timeout.
	AttemptTimeout time.Duration
	// ConnectTimeout bounds connecting (default 10s).
	ConnectTimeout time.Duration
	// UserAgent defaults to "livechat-bots/<version>".
	UserAgent string
	// AllowInsecureHTTP allows an http:// BaseURL to any host: the token
	// then travels in clear.
	AllowInsecureHTTP bool
	// CAPEM is PEM text of more CA certificates to trust beside the
	// system's (SSL_CERT_FILE replaces those), e.g. Emulator.CAPEM().
	CAPEM string
	// Retry is the retry policy; nil means the library's (3 attempts, 200
	// ms base delay, 5 s cap).
	Retry *RetryPolicy

	// TokenProvider, when set, is asked for a new token when LiveChat
	// answers "authentication" (an expired or revoked token); the call is
	// then repeated once with it (safe for writes: a refused token means
	// nothing was done). The token type stays the client's. It runs on one
	// of the library's threads (not the caller's goroutine), at most once
	// per call, never twice at
	// once for one client, and once for all the calls refused with the same
	// token. An error (or an empty token, or a panic, which is recovered)
	// means "no new token": the call returns its authentication error. It
	// must not call methods of the same Client. Its token is a secret, kept
	// only by the library. Token must still be set: the provider is asked
	// only after a refusal.
	TokenProvider func() (string, error)
	// OnNotice, when set, is told when LiveChat marks the configured API
	// version as legacy or deprecated: once per client and kind, after the
	// answer that said so was read, on the library's I/O thread, which it
	// holds up (keep it short: hand long work to a goroutine). It must not
	// call methods of the same Client; a panic in it is recovered. Client.Notices lists the notices whether or not it is set.
	OnNotice func(Notice)
}

// A Config with a TokenProvider or an OnNotice keeps them reachable for as
// long as the Client lives; a function that refers to its own Client keeps
// the Client from being collected without Close.

// PersonalAccessToken is a LiveChat account id with a personal access
// token, sent as Basic authentication.
type PersonalAccessToken struct {
	AccountID string
	PAT       string
}

// RetryPolicy is how failed attempts are repeated: exponential backoff with
// full jitter, honouring Retry-After. Reads are retried on 429, 5xx and
// transport failures; writes only when the server surely did not act (429,
// a connection never made). Zero fields mean the library's defaults.
type RetryPolicy struct {
	// MaxAttempts counts the first attempt; 1 disables retries (1 to 10).
	MaxAttempts int
	// BaseDelay is the ceiling of the first wait, doubled at each attempt.
	BaseDelay time.Duration
	// MaxDelay caps every wait, Retry-After included.
	MaxDelay time.Duration
}

// String describes the config without its secrets.
func (c Config) String() string {
	token := "unset"
	if c.Token != "" || c.PersonalAccessToken != nil {
		token = "redacted"
	}
	return fmt.Sprintf("livechatbots.Config{Token: %s, TokenType: %q, APIVersion: %q, BaseURL: %q, Region: %q, Timeout: %v, AttemptTimeout: %v, ConnectTimeout: %v, UserAgent: %q, AllowInsecureHTTP: %v, Retry: %v, TokenProvider: %s, OnNotice: %s}",
		token, c.TokenType, c.APIVersion, c.BaseURL, c.Region, c.Timeout, c.AttemptTimeout, c.ConnectTimeout, c.UserAgent, c.AllowInsecureHTTP, c.Retry,
		setOrUnset(c.TokenProvider != nil), setOrUnset(c.OnNotice != nil))
}

// GoString is String, so that %#v does not show the token either.
func (c Config) GoString() string { return c.String() }

func setOrUnset(set bool) string {
	if set {
		return "set"
	}
	return "unset"
}

// String describes the PAT without its secret.
func (p PersonalAccessToken) String() string {
	return fmt.Sprintf("livechatbots.PersonalAccessToken{AccountID: %q, PAT: redacted}", p.AccountID)
}

// GoString is String, so that %#v does not show the PAT either.
func (p PersonalAccessToken) GoString() string { return p.String() }

// wireConfig is the config document of lcbot_client_new.
type wireConfig struct {
	Token             any        `json:"token,omitempty"`
	TokenType         string     `json:"token_type,omitempty"`
	APIVersion        string     `json:"api_version,omitempty"`
	BaseURL           string     `json:"base_url,omitempty"`
	Region            string     `json:"region,omitempty"`
	TimeoutMS         int64      `json:"timeout_ms,omitempty"`
	AttemptTimeoutMS  int64      `json:"attempt_timeout_ms,omitempty"`
	ConnectTimeoutMS  int64      `json:"connect_timeout_ms,omitempty"`
	UserAgent         string     `json:"user_agent,omitempty"`
	AllowInsecureHTTP bool       `json:"allow_insecure_http,omitempty"`
	CAPEM             string     `json:"ca_pem,omitempty"`
	Retry             *wireRetry `json:"retry,omitempty"`
}

// wireCredentials is the document of lcbot_client_set_credentials.
type wireCredentials struct {
	Token     string `json:"token"`
	TokenType string `json:"token_type,omitempty"`
}

type wireRetry struct {
	MaxAttempts int   `json:"max_attempts,omitempty"`
	BaseDelayMS int64 `json:"base_delay_ms,omitempty"`
	MaxDelayMS  int64 `json:"max_delay_ms,omitempty"`
}

type wirePAT struct {
	AccountID string `json:"account_id"`
	PAT       string `json:"pat"`
}

// millis converts a duration to whole milliseconds, rounding up so that a
// positive duration never becomes 0 ("unset"). Negative durations are kept
// negative for the library to refuse.
func millis(d time.Duration) int64 {
	ms := int64(d / time.Millisecond)
	if d%time.Millisecond > 0 {
		ms++
	}
	return ms
}

// wire converts c to its config document, or a validation error for the
// one rule only the Go shape can break (both Token and
// PersonalAccessToken set).
func (c Config) wire() (wireConfig, *Error) {
	w := wireConfig{
		TokenType:         string(c.TokenType),
		APIVersion:        c.APIVersion,
		BaseURL:           c.BaseURL,
		Region:            string(c.Region),
		TimeoutMS:         millis(c.Timeout),
		AttemptTimeoutMS:  millis(c.AttemptTimeout),
		ConnectTimeoutMS:  millis(c.ConnectTimeout),
		UserAgent:         c.UserAgent,
		AllowInsecureHTTP: c.AllowInsecureHTTP,
		CAPEM:             c.CAPEM,
	}
	switch {
	case c.PersonalAccessToken != nil && c.Token != "":
		return w, newError("client_new", CodeValidation, "token: set either Token or PersonalAccessToken, not both")
	case c.PersonalAccessToken != nil:
		w.Token = wirePAT{AccountID: c.PersonalAccessToken.AccountID, PAT: c.PersonalAccessToken.PAT}
		if w.TokenType == "" {
			w.TokenType = string(TokenBasic)
		}
	case c.Token != "":
		w.Token = c.Token
	}
	if r := c.Retry; r != nil {
		w.Retry = &wireRetry{MaxAttempts: r.MaxAttempts, BaseDelayMS: millis(r.BaseDelay), MaxDelayMS: millis(r.MaxDelay)}
	}
	return w, nil
}

// timeout is the timeout of a whole call the library will use.
func (c Config) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return DefaultTimeout
}

func (w wireConfig) json() string {
	// Every field is a string, a number, a bool or a struct of those:
	// marshalling cannot fail.
	b, _ := json.Marshal(w)
	return string(b)
}

package livechatbots

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// ErrClosed is returned by a call on a Client or Emulator after Close.
var ErrClosed = errors.New("livechatbots: closed")

// ErrIncompatibleLibrary is returned (wrapped, with both versions) by
// NewClient and StartEmulator when the linked library speaks another C ABI
// version than SupportedABIVersion: the header this package was built
// against and the library it runs with do not match. The check runs once,
// at package init, which never panics.
var ErrIncompatibleLibrary = errors.New("livechatbots: incompatible livechat-bots library")

// Error is every failure the library reports. Get at it with errors.As:
//
//	var lerr *livechatbots.Error
//	if errors.As(err, &lerr) && lerr.HTTPStatus == 429 { ... }
//
// or use the predicates IsNotFound, IsAuthentication, IsAuthorization,
// IsValidation, IsTimeout, IsCancelled, IsTransport, and for webhooks
// IsSecretMismatch and IsTooLarge. Its text never contains the token, nor a
// webhook secret.
type Error struct {
	// Code is the stable category.
	Code ErrorCode
	// CodeName is Code's machine-readable name ("validation", "api", ...).
	CodeName string
	// Op is the action that failed ("create_bot_agent", "client_new",
	// "emulator_start", ...).
	Op string
	// Message says what was wrong and where, e.g.
	// `groups[1].priority: expected one of first, normal, last; got "supervisor"`.
	Message string
	// HTTPStatus is the status LiveChat answered with, 0 when there was no
	// answer.
	HTTPStatus int
	// APIType and APIMessage are the "type" and "message" of LiveChat's
	// error body ("authentication", "Invalid access token"); empty when
	// there was none.
	APIType    string
	APIMessage string
	// APIData is the optional "data" of LiveChat's error body, as sent.
	APIData json.RawMessage
	// Attempts is how many HTTP attempts were made (0 when nothing was sent).
	Attempts int
	// OutcomeUnknown is true when a write failed after it may have reached
	// the server: check with a read before repeating it.
	OutcomeUnknown bool

	// cause is what errors.Unwrap gives: the context's error when the
	// context cut the call short (context.Canceled or
	// context.DeadlineExceeded).
	cause error
}

// Error returns "livechatbots: <op>: <code>: <message>".
func (e *Error) Error() string {
	if e.Op == "" {
		return fmt.Sprintf("livechatbots: %s: %s", e.CodeName, e.Message)
	}
	return fmt.Sprintf("livechatbots: %s: %s: %s", e.Op, e.CodeName, e.Message)
}

// Unwrap returns context.DeadlineExceeded when the call timed out because
// of its context's deadline and context.Canceled when its context was
// cancelled, so that errors.Is(err, context.DeadlineExceeded) or
// errors.Is(err, context.Canceled) holds; nil otherwise.
func (e *Error) Unwrap() error { return e.cause }

// errorDocument is the error document of the C ABI.
type errorDocument struct {
	Code       string `json:"code"`
	Status     int    `json:"status"`
	Message    string `json:"message"`
	HTTPStatus *int   `json:"http_status"`
	APIError   *struct {
		Type    string          `json:"type"`
		Message string          `json:"message"`
		Data    json.RawMessage `json:"data"`
	} `json:"api_error"`
	Attempts int    `json:"attempts"`
	Outcome  string `json:"outcome"`
}

// errorFromDocument builds an *Error from the status a C function returned
// and the error document it wrote (which may be empty if the library could
// not allocate one).
func errorFromDocument(op string, status int32, doc string) *Error {
	e := &Error{Code: ErrorCode(status), Op: op}
	var d errorDocument
	if doc == "" {
		e.Message = "the library returned no error document"
	} else if err := json.Unmarshal([]byte(doc), &d); err != nil {
		e.Message = "unreadable error document: " + doc
	} else {
		if d.Status != 0 {
			e.Code = ErrorCode(d.Status)
		}
		e.Message = d.Message
		if d.HTTPStatus != nil {
			e.HTTPStatus = *d.HTTPStatus
		}
		if d.APIError != nil {
			e.APIType = d.APIError.Type
			e.APIMessage = d.APIError.Message
			e.APIData = d.APIError.Data
		}
		e.Attempts = d.Attempts
		e.OutcomeUnknown = d.Outcome == "unknown"
		e.CodeName = d.Code
	}
	if e.CodeName == "" {
		e.CodeName = e.Code.String()
	}
	return e
}

// newError builds an *Error raised by this package itself (before or after
// the C call), in the same shape as the library's.
func newError(op string, code ErrorCode, format string, args ...any) *Error {
	return &Error{Code: code, CodeName: code.String(), Op: op, Message: fmt.Sprintf(format, args...)}
}

// asError returns the *Error in err's chain, or nil.
func asError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// The API-error predicates follow one rule, the Python package's for its
// exception classes (NotFoundError, AuthenticationError,
// AuthorizationError): an *Error of CodeAPI belongs to a category when
// LiveChat's api_error.type (APIType) names it, or, when the type names none
// of the three, when its HTTPStatus is the category's:
//
//	IsNotFound        APIType "not_found"       or HTTP 404
//	IsAuthentication  APIType "authentication"  or HTTP 401
//	IsAuthorization   APIType "authorization"   or HTTP 403
//
// So a body without a type (a proxy's bare 404) counts by its status, and
// when the type and the status disagree (type "not_found" with HTTP 401) the
// type wins: at most one of the three holds, as a Python exception has one
// class.

// IsNotFound reports whether LiveChat answered that the object does not
// exist: an API error of type "not_found", or HTTP 404 (see the rule above).
func IsNotFound(err error) bool { return apiCategory(err) == "not_found" }

// IsAuthentication reports that LiveChat refused the credentials: the
// token is missing, invalid or expired (an API error of type
// "authentication", or HTTP 401). A Config.TokenProvider, when set, has
// already been asked for a new token.
func IsAuthentication(err error) bool { return apiCategory(err) == "authentication" }

// IsAuthorization reports that the credentials are valid but lack a scope
// or a right (an API error of type "authorization", or HTTP 403).
func IsAuthorization(err error) bool { return apiCategory(err) == "authorization" }

// apiCategory is "not_found", "authentication", "authorization" or "".
func apiCategory(err error) string {
	e := asError(err)
	if e == nil || e.Code != CodeAPI {
		return ""
	}
	switch e.APIType {
	case "not_found", "authentication", "authorization":
		return e.APIType
	}
	switch e.HTTPStatus {
	case 404:
		return "not_found"
	case 401:
		return "authentication"
	case 403:
		return "authorization"
	}
	return ""
}

// IsValidation reports input that broke a rule: caught by the library
// before anything was sent (CodeValidation), or refused by LiveChat with an
// API error of type "validation".
func IsValidation(err error) bool {
	e := asError(err)
	return e != nil && (e.Code == CodeValidation || (e.Code == CodeAPI && e.APIType == "validation"))
}

// IsTimeout reports a call that timed out: the library's timeout
// (CodeTimeout, which includes a timeout shortened to fit the context's
// deadline) or a context whose deadline had already passed when the call
// was to start (context.DeadlineExceeded).
func IsTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	e := asError(err)
	return e != nil && e.Code == CodeTimeout
}

// IsCancelled reports a call stopped because its context was cancelled:
// while in flight (CodeCancelled, which also matches errors.Is(err,
// context.Canceled)) or before it started (context.Canceled itself). A
// cancelled write with OutcomeUnknown may still be applied.
func IsCancelled(err error) bool {
	if errors.Is(err, context.Canceled) {
		return true
	}
	e := asError(err)
	return e != nil && e.Code == CodeCancelled
}

// IsTransport reports a request that could not be delivered or whose answer
// was not received (connection refused or reset, DNS, TLS).
func IsTransport(err error) bool {
	e := asError(err)
	return e != nil && e.Code == CodeTransport
}

// IsSecretMismatch reports a webhook body whose secret_key is missing or is
// none of the accepted secrets (CodeSecretMismatch): not from LiveChat, or
// sent with a key this receiver does not know. Answer 401.
func IsSecretMismatch(err error) bool {
	e := asError(err)
	return e != nil && e.Code == CodeSecretMismatch
}

// IsTooLarge reports a webhook body over the size cap (CodeTooLarge).
// Answer 413.
func IsTooLarge(err error) bool {
	e := asError(err)
	return e != nil && e.Code == CodeTooLarge
}

package livechatbots

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// ErrClosed is returned by a call on a Client or Emulator after Close.
var ErrClosed = errors.New("livechatbots: closed")

// ErrIncompatibleLibrary is returned (wrapped, with both versions) by
// NewClient and StartEmulator when the linked library speaks another C ABI
// version than SupportedABIVersion: the header this package was built
// against and the library it runs with do not match. The check runs once,
// at package init, which never panics.
var ErrIncompatibleLibrary = errors.New("livechatbots: incompatible livechat-bots library")

// ErrorCode is the library's stable error category. The numbers are the C
// ABI's status codes (LCBOT_ERR_*): they are never renumbered or reused.
type ErrorCode int

const (
	// CodeNullArgument: a required pointer argument was NULL (a bug in this
	// package if it ever shows).
	CodeNullArgument ErrorCode = 1
	// CodeInvalidUTF8: a string argument was not valid UTF-8.
	CodeInvalidUTF8 ErrorCode = 2
	// CodeInvalidJSON: a JSON argument could not be parsed, or a Go value
	// could not be encoded as JSON.
	CodeInvalidJSON ErrorCode = 3
	// CodeValidation: the input broke a rule of the API or of the config;
	// nothing was sent.
	CodeValidation ErrorCode = 4
	// CodeTransport: the request could not be delivered or its answer not
	// received (connect, DNS, TLS, reset).
	CodeTransport ErrorCode = 5
	// CodeTimeout: the request timed out.
	CodeTimeout ErrorCode = 6
	// CodeAPI: LiveChat answered with an error; see HTTPStatus and APIType.
	CodeAPI ErrorCode = 7
	// CodeDecode: LiveChat answered 2xx with a body that could not be read.
	CodeDecode ErrorCode = 8
	// CodePanic: an internal error of the library (a caught panic); the
	// process may go on.
	CodePanic ErrorCode = 9
)

var codeNames = map[ErrorCode]string{
	CodeNullArgument: "null_argument",
	CodeInvalidUTF8:  "invalid_utf8",
	CodeInvalidJSON:  "invalid_json",
	CodeValidation:   "validation",
	CodeTransport:    "transport",
	CodeTimeout:      "timeout",
	CodeAPI:          "api",
	CodeDecode:       "decode",
	CodePanic:        "panic",
}

// String returns the machine-readable name used in error documents, such
// as "validation", or "code(N)" for a number this package does not know.
func (c ErrorCode) String() string {
	if name, ok := codeNames[c]; ok {
		return name
	}
	return "code(" + strconv.Itoa(int(c)) + ")"
}

// Error is every failure the library reports. Get at it with errors.As:
//
//	var lerr *livechatbots.Error
//	if errors.As(err, &lerr) && lerr.HTTPStatus == 429 { ... }
//
// or use the predicates IsNotFound, IsUnauthorized, IsForbidden,
// IsValidation, IsTimeout and IsTransport. Its text never contains the token.
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

	// cause is what errors.Unwrap gives: context.DeadlineExceeded when the
	// context's deadline is what cut the call short.
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
// of its context's deadline, so that errors.Is(err,
// context.DeadlineExceeded) holds; nil otherwise.
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

// IsNotFound reports whether LiveChat answered that the object does not
// exist (HTTP 404, or an API error of type "not_found").
func IsNotFound(err error) bool {
	e := asError(err)
	return e != nil && e.Code == CodeAPI && (e.HTTPStatus == 404 || e.APIType == "not_found")
}

// IsUnauthorized reports an authentication failure: the token is missing,
// invalid or expired (HTTP 401, or an API error of type "authentication").
func IsUnauthorized(err error) bool {
	e := asError(err)
	return e != nil && e.Code == CodeAPI && (e.HTTPStatus == 401 || e.APIType == "authentication")
}

// IsForbidden reports an authorization failure: the token is valid but
// lacks a scope or a right (HTTP 403, or an API error of type
// "authorization").
func IsForbidden(err error) bool {
	e := asError(err)
	return e != nil && e.Code == CodeAPI && (e.HTTPStatus == 403 || e.APIType == "authorization")
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

// IsTransport reports a request that could not be delivered or whose answer
// was not received (connection refused or reset, DNS, TLS).
func IsTransport(err error) bool {
	e := asError(err)
	return e != nil && e.Code == CodeTransport
}

package livechatbots

// The error codes, bound to the header's LCBOT_ERR_* constants so that the
// numbers have one source: the Rust core, through cbindgen.

/*
#include "livechat_bots.h"
*/
import "C"

import "strconv"

// ErrorCode is the library's stable error category. The numbers are the C
// ABI's status codes (LCBOT_ERR_* in livechat_bots.h, which these constants
// are compiled from): they are never renumbered or reused.
type ErrorCode int

const (
	// CodeNullArgument: a required pointer argument was NULL (a bug in this
	// package if it ever shows).
	CodeNullArgument ErrorCode = C.LCBOT_ERR_NULL_ARGUMENT
	// CodeInvalidUTF8: a string argument was not valid UTF-8.
	CodeInvalidUTF8 ErrorCode = C.LCBOT_ERR_INVALID_UTF8
	// CodeInvalidJSON: a JSON argument could not be parsed, or a Go value
	// could not be encoded as JSON.
	CodeInvalidJSON ErrorCode = C.LCBOT_ERR_INVALID_JSON
	// CodeValidation: the input broke a rule of the API or of the config;
	// nothing was sent.
	CodeValidation ErrorCode = C.LCBOT_ERR_VALIDATION
	// CodeTransport: the request could not be delivered or its answer not
	// received (connect, DNS, TLS, reset).
	CodeTransport ErrorCode = C.LCBOT_ERR_TRANSPORT
	// CodeTimeout: the call ran out of time (Config.Timeout, or the
	// context's deadline).
	CodeTimeout ErrorCode = C.LCBOT_ERR_TIMEOUT
	// CodeAPI: LiveChat answered with an error; see HTTPStatus and APIType.
	CodeAPI ErrorCode = C.LCBOT_ERR_API
	// CodeDecode: LiveChat answered 2xx with a body that could not be read.
	CodeDecode ErrorCode = C.LCBOT_ERR_DECODE
	// CodePanic: an internal error of the library (a caught panic); the
	// process may go on.
	CodePanic ErrorCode = C.LCBOT_ERR_PANIC
	// CodeCancelled: the call's context was cancelled while it was in
	// flight; the error also matches errors.Is(err, context.Canceled).
	CodeCancelled ErrorCode = C.LCBOT_ERR_CANCELLED
	// CodeSecretMismatch: a webhook body's secret_key is missing or none of
	// the accepted secrets (VerifyWebhook); answer LiveChat 401.
	CodeSecretMismatch ErrorCode = C.LCBOT_ERR_SECRET_MISMATCH
	// CodeTooLarge: a webhook body is over the size cap (VerifyWebhook);
	// answer LiveChat 413.
	CodeTooLarge ErrorCode = C.LCBOT_ERR_TOO_LARGE
)

// codeNames are the error documents' "code" strings: the constant's name
// without LCBOT_ERR_, lowercased (a test checks them against the header).
var codeNames = map[ErrorCode]string{
	CodeNullArgument:   "null_argument",
	CodeInvalidUTF8:    "invalid_utf8",
	CodeInvalidJSON:    "invalid_json",
	CodeValidation:     "validation",
	CodeTransport:      "transport",
	CodeTimeout:        "timeout",
	CodeAPI:            "api",
	CodeDecode:         "decode",
	CodePanic:          "panic",
	CodeCancelled:      "cancelled",
	CodeSecretMismatch: "secret_mismatch",
	CodeTooLarge:       "too_large",
}

// String returns the machine-readable name used in error documents, such
// as "validation", or "code(N)" for a number this package does not know.
func (c ErrorCode) String() string {
	if name, ok := codeNames[c]; ok {
		return name
	}
	return "code(" + strconv.Itoa(int(c)) + ")"
}

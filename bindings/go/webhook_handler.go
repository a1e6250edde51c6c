package livechatbots

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
)

// WebhookHandlerOption configures WebhookHandler.
type WebhookHandlerOption func(*webhookHandler)

// WithWebhookOptions sets the handler's WebhookOptions: the body cap
// (MaxBodyBytes, default DefaultWebhookMaxBodyBytes).
func WithWebhookOptions(o WebhookOptions) WebhookHandlerOption {
	return func(h *webhookHandler) { h.opts = o }
}

// WithWebhookErrorLog sets a function told of every request not answered
// 200, with the status sent and why: the *Error of VerifyWebhook (or of the
// configuration check), or the error handle returned. It runs on the
// request's goroutine before the answer is written; it must not write to
// the response. By default nothing is logged. No secret is ever in err
// (except what handle's own error may say).
func WithWebhookErrorLog(f func(r *http.Request, status int, err error)) WebhookHandlerOption {
	return func(h *webhookHandler) { h.onError = f }
}

// WebhookHandler is an http.Handler that receives LiveChat's webhooks: it
// checks each body with VerifyWebhook against secrets and calls handle with
// the event and the request's context. Answers (each a small JSON body,
// never with a secret):
//
//	200 {"ok":true}      handle returned nil
//	405 {"error":...}    a method other than POST (with "Allow: POST")
//	413 {"error":...}    a body over the cap (WithWebhookOptions), by its
//	                     Content-Length or once cap+1 bytes were read: no
//	                     more is read, nor allocated, whatever the sender
//	                     claims
//	400 {"error":...}    a malformed body (not UTF-8, not JSON, no action or
//	                     payload) or one that could not be read
//	401 {"error":...}    secret_key missing or none of secrets
//	500 {"error":...}    handle returned an error, or the secrets or options
//	                     are wrong (an empty list, an empty secret, a
//	                     negative cap): handle is then never called
//
// Anything but 200 makes LiveChat deliver the webhook again later (a few
// times within about a minute), so return an error from handle for a
// failure worth retrying, and use WebhookEvent.DedupeKey to recognize a
// redelivered event. LiveChat waits about 10 seconds for the answer: hand
// long work to another goroutine. A panic in handle is net/http's to
// recover (the connection is closed without an answer, and LiveChat
// retries).
//
// The secrets and options are checked once, here, by the library; when
// they are wrong, every request is answered 500 (and told to the
// WithWebhookErrorLog function) so that no webhook is ever accepted, nor
// lost for good, because of a configuration mistake. The secrets are copied
// and kept in memory only. handle must not be nil.
func WebhookHandler(secrets []string, handle func(context.Context, *WebhookEvent) error, opts ...WebhookHandlerOption) http.Handler {
	if handle == nil {
		panic("livechatbots: WebhookHandler: nil handle func")
	}
	h := &webhookHandler{secrets: slices.Clone(secrets), handle: handle}
	for _, o := range opts {
		o(h)
	}
	h.limit, h.configErr = h.checkConfig()
	return h
}

type webhookHandler struct {
	secrets   []string
	handle    func(context.Context, *WebhookEvent) error
	opts      WebhookOptions
	onError   func(*http.Request, int, error)
	limit     int   // the body cap in force
	configErr error // set when the secrets or options are wrong
}

// checkConfig has the library check the secrets and options, by verifying
// a well-formed body signed with the first secret: any failure but the cap
// is theirs. (VerifyWebhook cannot tell a configuration error from a
// malformed body by its code alone: both may be CodeValidation.)
func (h *webhookHandler) checkConfig() (int, error) {
	_, limit, err := h.opts.maxBody()
	if err != nil {
		return 0, err
	}
	first := ""
	if len(h.secrets) > 0 {
		first = h.secrets[0]
	}
	probe, jerr := json.Marshal(map[string]any{
		"webhook_id": "configuration-check", "secret_key": first, "action": "configuration_check",
		"payload": map[string]any{}, "additional_data": map[string]any{},
	})
	if jerr != nil {
		return 0, newError("webhook_verify", CodeInvalidJSON, "secrets: cannot be encoded")
	}
	defer clear(probe)
	_, verr := VerifyWebhook(probe, h.secrets, &h.opts)
	if IsTooLarge(verr) { // a cap smaller than the probe: check the secrets alone
		_, verr = VerifyWebhook(probe, h.secrets, nil)
	}
	if verr != nil {
		return 0, verr
	}
	return limit, nil
}

func (h *webhookHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		h.fail(w, r, http.StatusMethodNotAllowed, "method not allowed: webhooks are POSTed",
			fmt.Errorf("livechatbots: webhook: method %s not allowed", r.Method))
		return
	}
	if h.configErr != nil {
		h.fail(w, r, http.StatusInternalServerError, "the webhook receiver is misconfigured", h.configErr)
		return
	}
	if r.ContentLength > int64(h.limit) {
		// Not read at all; the connection is not kept for another request.
		w.Header().Set("Connection", "close")
		msg := fmt.Sprintf("body: %d bytes; the limit is %d", r.ContentLength, h.limit)
		h.fail(w, r, http.StatusRequestEntityTooLarge, msg, newError("webhook_verify", CodeTooLarge, "%s", msg))
		return
	}
	// At most one byte more than the cap: enough for the library to see
	// that the body is over it. io.ReadAll grows its buffer as bytes come,
	// so a false Content-Length allocates nothing.
	body, err := io.ReadAll(io.LimitReader(r.Body, int64(h.limit)+1))
	if err != nil {
		h.fail(w, r, http.StatusBadRequest, "body: cannot be read", fmt.Errorf("livechatbots: webhook: reading the body: %w", err))
		return
	}
	ev, err := VerifyWebhook(body, h.secrets, &h.opts)
	if err != nil {
		e := asError(err)
		status, msg := http.StatusInternalServerError, "internal error"
		switch {
		case e == nil:
		case e.Code == CodeTooLarge:
			w.Header().Set("Connection", "close")
			status, msg = http.StatusRequestEntityTooLarge, e.Message
		case e.Code == CodeSecretMismatch:
			status, msg = http.StatusUnauthorized, e.Message
		case e.Code == CodeInvalidUTF8 || e.Code == CodeInvalidJSON || e.Code == CodeValidation:
			// The secrets and options passed checkConfig: the body is
			// at fault.
			status, msg = http.StatusBadRequest, e.Message
		}
		h.fail(w, r, status, msg, err)
		return
	}
	if err := h.handle(r.Context(), ev); err != nil {
		h.fail(w, r, http.StatusInternalServerError, "the event was not handled", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
}

// fail tells the error log, then answers {"error": msg}.
func (h *webhookHandler) fail(w http.ResponseWriter, r *http.Request, status int, msg string, err error) {
	if h.onError != nil {
		h.onError(r, status, err)
	}
	writeJSON(w, status, map[string]string{"error": msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v) // a map of strings or bools: cannot fail
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

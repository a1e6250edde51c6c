package livechatbots

// The cgo glue: with codes.go and callbacks.go, the only code that touches
// C. Every function here copies its Go inputs into C memory that it frees
// before returning (C.CString -> C.free), copies every owned string the
// library returns into Go memory and frees it with lcbot_string_free on
// every path, and hands the library no Go pointer it could keep: the Go
// pointers passed are the addresses of local out-variables and of the call
// options (which hold no Go pointer), read or written during the call and
// forgotten after it. The callbacks' user data is a runtime/cgo.Handle, an
// integer, never a Go pointer.
//
// Keeping the Client or Emulator that owns a handle alive across a call
// (runtime.KeepAlive) is the callers' job, in client.go and emulator.go.

/*
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "livechat_bots.h"

// The Go functions of callbacks.go (//export), and C trampolines with the
// exact types of the library's function pointers.
extern int32_t lcbotGoTokenProvider(void *user_data, char *token_buf, size_t token_buf_len);
extern void lcbotGoNotice(void *user_data, char *notice_json);

static int32_t lcbot_go_token_provider(void *user_data, char *token_buf, size_t token_buf_len) {
	return lcbotGoTokenProvider(user_data, token_buf, token_buf_len);
}

static void lcbot_go_notice(void *user_data, const char *notice_json) {
	lcbotGoNotice(user_data, (char *)notice_json);
}

// The user data is a cgo.Handle: an integer, made a pointer on the C side
// only (Go code never turns an integer into a pointer).
static lcbot_status lcbot_go_set_token_provider(const lcbot_client *client, uintptr_t handle, int on, char **error_out) {
	return lcbot_client_set_token_provider(client, on ? lcbot_go_token_provider : NULL, (void *)handle, error_out);
}

static lcbot_status lcbot_go_set_notice_handler(const lcbot_client *client, uintptr_t handle, int on, char **error_out) {
	return lcbot_client_set_notice_handler(client, on ? lcbot_go_notice : NULL, (void *)handle, error_out);
}
*/
import "C"

import (
	"fmt"
	"runtime"
	"runtime/cgo"
	"sync/atomic"
	"unsafe"
)

// SupportedABIVersion is the version of the C ABI this package is written
// for; see ABIVersion.
const SupportedABIVersion = 2

// headerABIVersion is LCBOT_ABI_VERSION of the header this package was
// compiled with.
const headerABIVersion = C.LCBOT_ABI_VERSION

// webhookDefaultMaxBody is the library's webhook body cap when none is
// given (LCBOT_WEBHOOK_DEFAULT_MAX_BODY).
const webhookDefaultMaxBody = C.LCBOT_WEBHOOK_DEFAULT_MAX_BODY

// abiErr is set at init when the linked library, or the header the package
// was compiled with, speaks another C ABI; every constructor then returns
// it.
var abiErr error

func init() {
	switch got := ABIVersion(); {
	case headerABIVersion != SupportedABIVersion:
		abiErr = fmt.Errorf("%w: this package needs C ABI version %d, it was compiled with a livechat_bots.h of version %d",
			ErrIncompatibleLibrary, SupportedABIVersion, headerABIVersion)
	case got != SupportedABIVersion:
		abiErr = fmt.Errorf("%w: this package needs C ABI version %d, the linked library %s has version %d",
			ErrIncompatibleLibrary, SupportedABIVersion, Version(), got)
	}
}

// Version is the linked library's version, e.g. "0.1.0".
func Version() string {
	// Static in the library: never freed.
	return C.GoString(C.lcbot_version())
}

// ABIVersion is the C ABI version of the linked library (lcbot_abi_version).
func ABIVersion() uint32 {
	return uint32(C.lcbot_abi_version())
}

// takeString copies an owned string of the library into Go memory and frees
// it. NULL gives "".
func takeString(p *C.char) string {
	if p == nil {
		return ""
	}
	defer C.lcbot_string_free(p)
	return C.GoString(p)
}

// result turns a status and its out-document into the document or an *Error.
func result(op string, status C.lcbot_status, out *C.char) (string, *Error) {
	doc := takeString(out)
	if status != C.LCBOT_OK {
		return "", errorFromDocument(op, int32(status), doc)
	}
	return doc, nil
}

// cString copies s into C memory; the caller frees it with C.free. s must
// not contain a NUL byte (callers check text that did not come from
// encoding/json, which never writes one).
func cString(s string) *C.char { return C.CString(s) }

func free(p *C.char) { C.free(unsafe.Pointer(p)) }

// freeSecret overwrites the n bytes of a C copy of a document holding a
// credential, then frees it. (The Go string it came from cannot be wiped:
// Go strings are immutable and may be copied by the runtime.)
func freeSecret(p *C.char, n int) {
	C.memset(unsafe.Pointer(p), 0, C.size_t(n))
	free(p)
}

// secretCString copies b, a document holding a secret, into C memory with
// a NUL after it, and wipes b. Free the copy with freeSecret(p, len(b)).
// b must not contain a NUL byte (encoding/json never writes one).
func secretCString(b []byte) *C.char {
	p := (*C.char)(C.malloc(C.size_t(len(b) + 1)))
	dst := unsafe.Slice((*byte)(unsafe.Pointer(p)), len(b)+1)
	copy(dst, b)
	dst[len(b)] = 0
	clear(b)
	return p
}

// live counts the C handles (and callback handles) this package holds, by
// kind: incremented when one is made, decremented when it is freed. Tests
// read it (export_test.go) to see that finalizers run and nothing leaks.
var live struct {
	clients, emulators, tokens, callbacks atomic.Int64
}

// schema is the core's field lists (lcbot_schema).
func schema() (string, *Error) {
	var out *C.char
	status := C.lcbot_schema(&out)
	return result("schema", status, out)
}

// cClient is a live lcbot_client handle.
type cClient struct{ p *C.lcbot_client }

func ffiClientNew(configJSON string) (*cClient, *Error) {
	cfg := cString(configJSON)
	defer freeSecret(cfg, len(configJSON))
	var h *C.lcbot_client
	var errOut *C.char
	status := C.lcbot_client_new(cfg, &h, &errOut)
	if _, err := result("client_new", status, errOut); err != nil {
		C.lcbot_client_free(h) // NULL on failure; freed should that ever change
		return nil, err
	}
	live.clients.Add(1)
	return &cClient{p: h}, nil
}

func (c *cClient) free() {
	C.lcbot_client_free(c.p)
	c.p = nil
	live.clients.Add(-1)
}

// setCredentials replaces the client's credentials document.
func (c *cClient) setCredentials(credentialsJSON string) *Error {
	cred := cString(credentialsJSON)
	defer freeSecret(cred, len(credentialsJSON))
	var errOut *C.char
	status := C.lcbot_client_set_credentials(c.p, cred, &errOut)
	_, err := result("set_credentials", status, errOut)
	return err
}

// setCallbacks registers the token provider and the notice handler (each
// when on) with h as their user data.
func (c *cClient) setCallbacks(h cgo.Handle, provider, notice bool) *Error {
	var errOut *C.char
	status := C.lcbot_go_set_token_provider(c.p, C.uintptr_t(h), cBool(provider), &errOut)
	if _, err := result("set_token_provider", status, errOut); err != nil {
		return err
	}
	status = C.lcbot_go_set_notice_handler(c.p, C.uintptr_t(h), cBool(notice), &errOut)
	_, err := result("set_notice_handler", status, errOut)
	return err
}

func cBool(b bool) C.int {
	if b {
		return 1
	}
	return 0
}

// notices is the client's notices document (a JSON array).
func (c *cClient) notices() (string, *Error) {
	var out *C.char
	status := C.lcbot_client_notices(c.p, &out)
	return result("notices", status, out)
}

// settings is the client's settings document (no secret in it).
func (c *cClient) settings() (string, *Error) {
	var out *C.char
	status := C.lcbot_client_settings(c.p, &out)
	return result("settings", status, out)
}

// cCancel is a live lcbot_cancel_token.
type cCancel struct{ p *C.lcbot_cancel_token }

func newCancel() (*cCancel, *Error) {
	var p *C.lcbot_cancel_token
	if status := C.lcbot_cancel_token_new(&p); status != C.LCBOT_OK {
		return nil, newError("cancel_token_new", ErrorCode(status), "cannot make a cancel token")
	}
	live.tokens.Add(1)
	return &cCancel{p: p}, nil
}

// cancel fires the token; safe from any goroutine while a call uses it.
func (t *cCancel) cancel() { C.lcbot_cancel(t.p) }

// free releases the token; no call using it may be in flight.
func (t *cCancel) free() {
	C.lcbot_cancel_token_free(t.p)
	t.p = nil
	live.tokens.Add(-1)
}

// callOptions are one call's settings (lcbot_call_options); zero fields
// keep the client's.
type callOptions struct {
	timeoutMS        uint32
	attemptTimeoutMS uint32
	cancel           *cCancel
}

// c converts o, or gives NULL for nil. The struct holds only integers and
// a C pointer, so the library may read it through a Go pointer.
func (o *callOptions) c(co *C.lcbot_call_options) *C.lcbot_call_options {
	if o == nil {
		return nil
	}
	*co = C.lcbot_call_options{
		version:            C.LCBOT_CALL_OPTIONS_VERSION,
		timeout_ms:         C.uint32_t(o.timeoutMS),
		attempt_timeout_ms: C.uint32_t(o.attemptTimeoutMS),
	}
	if o.cancel != nil {
		co.cancel = o.cancel.p
	}
	return co
}

// action names one of the five typed actions.
type action int

const (
	actCreate action = iota
	actRemove
	actUpdate
	actList
	actDetails
)

var actionNames = [...]string{
	actCreate:  "create_bot_agent",
	actRemove:  "remove_bot_agent",
	actUpdate:  "update_bot_agent",
	actList:    "get_bot_agents",
	actDetails: "get_bot_agent_details",
}

func (a action) String() string { return actionNames[a] }

// run sends a typed action's request document.
func (c *cClient) run(a action, request string, o *callOptions) (string, *Error) {
	return c.submit(a.String(), a.String(), request, o, false)
}

// call sends any action with a payload document.
func (c *cClient) call(actionName, payload string, o *callOptions) (string, *Error) {
	return c.submit(actionName, "call:"+actionName, payload, o, false)
}

// cEmulator is a running lcbot_emulator.
type cEmulator struct{ p *C.lcbot_emulator }

// ffiEmulatorStart starts an emulator and returns it with its URL.
func ffiEmulatorStart(configJSON string) (*cEmulator, string, *Error) {
	cfg := cString(configJSON)
	defer free(cfg)
	var h *C.lcbot_emulator
	var errOut *C.char
	status := C.lcbot_emulator_start(cfg, &h, &errOut)
	if _, err := result("emulator_start", status, errOut); err != nil {
		C.lcbot_emulator_stop(h) // NULL on failure
		return nil, "", err
	}
	// Owned by the emulator: copied, not freed.
	url := C.GoString(C.lcbot_emulator_url(h))
	live.emulators.Add(1)
	return &cEmulator{p: h}, url, nil
}

func (e *cEmulator) inject(fault string) (string, *Error) {
	f := cString(fault)
	defer free(f)
	var out *C.char
	status := C.lcbot_emulator_inject(e.p, f, &out)
	return result("emulator_inject", status, out)
}

func (e *cEmulator) requests() (string, *Error) {
	var out *C.char
	status := C.lcbot_emulator_requests(e.p, &out)
	return result("emulator_requests", status, out)
}

func (e *cEmulator) stop() {
	C.lcbot_emulator_stop(e.p)
	e.p = nil
	live.emulators.Add(-1)
}

// webhookVerify checks a webhook body (lcbot_webhook_verify) and returns
// the event document. secretsJSON (a JSON array of the accepted secrets)
// is copied into C memory and wiped; the copy is wiped before it is freed.
// The body is not copied: the library reads the Go slice's bytes, which
// hold no Go pointer, during the call only (it is a length and bytes, not
// a C string, so it may hold NUL bytes). maxBodyBytes 0 is the library's
// default cap.
func webhookVerify(secretsJSON, body []byte, maxBodyBytes uint32) (string, *Error) {
	n := len(secretsJSON)
	sec := secretCString(secretsJSON)
	defer freeSecret(sec, n)
	var bodyPtr *C.uint8_t
	if len(body) > 0 {
		bodyPtr = (*C.uint8_t)(unsafe.Pointer(&body[0]))
	}
	opts := C.lcbot_webhook_options{
		version:        C.LCBOT_WEBHOOK_OPTIONS_VERSION,
		max_body_bytes: C.uint32_t(maxBodyBytes),
	}
	var out *C.char
	status := C.lcbot_webhook_verify(sec, bodyPtr, C.size_t(len(body)), &opts, &out)
	runtime.KeepAlive(body)
	return result("webhook_verify", status, out)
}

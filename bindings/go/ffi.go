package livechatbots

// The cgo glue: the only file that touches C. Every function here copies
// its Go inputs into C memory that it frees before returning (C.CString ->
// C.free), copies every owned string the library returns into Go memory and
// frees it with lcbot_string_free on every path, and hands the library no Go
// pointer it could keep (the only Go pointers passed are the addresses of
// local out-variables, which the library writes during the call and forgets).
//
// Keeping the Client or Emulator that owns a handle alive across a call
// (runtime.KeepAlive) is the callers' job, in client.go and emulator.go.

/*
#include <stdlib.h>
#include "livechat_bots.h"
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// SupportedABIVersion is the version of the C ABI this package is written
// for; see ABIVersion.
const SupportedABIVersion = 1

// abiErr is set at init when the linked library speaks another C ABI; every
// constructor then returns it.
var abiErr error

func init() {
	if got := ABIVersion(); got != SupportedABIVersion {
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
func result(op string, status C.int32_t, out *C.char) (string, *Error) {
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

// cClient is a live lcbot_client handle.
type cClient struct{ p *C.lcbot_client }

func ffiClientNew(configJSON string) (*cClient, *Error) {
	cfg := cString(configJSON)
	defer free(cfg)
	var h *C.lcbot_client
	var errOut *C.char
	status := C.lcbot_client_new(cfg, &h, &errOut)
	if _, err := result("client_new", status, errOut); err != nil {
		C.lcbot_client_free(h) // NULL on failure; freed should that ever change
		return nil, err
	}
	return &cClient{p: h}, nil
}

func (c *cClient) free() {
	C.lcbot_client_free(c.p)
	c.p = nil
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

// run sends a typed action's request document; blocking.
func (c *cClient) run(a action, request string) (string, *Error) {
	req := cString(request)
	defer free(req)
	var out *C.char
	var status C.int32_t
	switch a {
	case actCreate:
		status = C.lcbot_create_bot_agent(c.p, req, &out)
	case actRemove:
		status = C.lcbot_remove_bot_agent(c.p, req, &out)
	case actUpdate:
		status = C.lcbot_update_bot_agent(c.p, req, &out)
	case actList:
		status = C.lcbot_get_bot_agents(c.p, req, &out)
	case actDetails:
		status = C.lcbot_get_bot_agent_details(c.p, req, &out)
	default:
		panic("livechatbots: unknown action")
	}
	return result(a.String(), status, out)
}

// call sends any action with a payload document; blocking.
func (c *cClient) call(actionName, payload string) (string, *Error) {
	act := cString(actionName)
	defer free(act)
	pl := cString(payload)
	defer free(pl)
	var out *C.char
	status := C.lcbot_call(c.p, act, pl, &out)
	return result(actionName, status, out)
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
}

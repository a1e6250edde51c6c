package livechatbots

// The cgo glue of bot templates and batches (lcbot_*_bot_template*,
// lcbot_batch_*_bot_agents) and of the emulator's installation of an
// application. Same rules as ffi.go; template requests may hold nothing
// secret, but their answers do (the caller wraps them at once).

/*
#include <stdlib.h>
#include "livechat_bots.h"
*/
import "C"

// templateAction names a bot template action or a batch.
type templateAction int

const (
	tplCreate templateAction = iota
	tplUpdate
	tplDelete
	tplList
	tplResetSecret
	batchCreate
	batchUpdate
	batchRemove
)

var templateActionNames = [...]string{
	tplCreate:      "create_bot_template",
	tplUpdate:      "update_bot_template",
	tplDelete:      "delete_bot_template",
	tplList:        "list_bot_templates",
	tplResetSecret: "reset_bot_template_secret",
	batchCreate:    "batch_create_bot_agents",
	batchUpdate:    "batch_update_bot_agents",
	batchRemove:    "batch_remove_bot_agents",
}

func (a templateAction) String() string { return templateActionNames[a] }

// template sends one of them on the client's handle, through the queue.
func (c *cClient) template(a templateAction, request string, o *callOptions) (string, *Error) {
	return c.submit(a.String(), a.String(), request, o, false)
}

func (e *cEmulator) installApplication(request string) (string, *Error) {
	req := cString(request)
	defer free(req)
	var out *C.char
	status := C.lcbot_emulator_install_application(e.p, req, &out)
	return result("emulator_install_application", status, out)
}

func (e *cEmulator) templates() (string, *Error) {
	var out *C.char
	status := C.lcbot_emulator_templates(e.p, &out)
	return result("emulator_templates", status, out)
}

package livechatbots

// The emulator's HTTPS: the CA its certificate comes from
// (lcbot_emulator_ca_pem).

/*
#include <stdlib.h>
#include "livechat_bots.h"
*/
import "C"

// CAPEM is the PEM text of the CA that signed the emulator's certificate
// (EmulatorConfig.TLS), for Config.CAPEM; "" over plain HTTP. It stays
// readable after Close.
func (e *Emulator) CAPEM() string { return e.ca }

// caPEM reads the CA once, at start ("" without TLS).
func (e *cEmulator) caPEM() (string, *Error) {
	var out *C.char
	status := C.lcbot_emulator_ca_pem(e.p, &out)
	return result("emulator_ca_pem", status, out)
}

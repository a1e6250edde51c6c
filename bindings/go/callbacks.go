package livechatbots

// The Go functions the library calls back: Config.TokenProvider and
// Config.OnNotice, reached through a runtime/cgo.Handle given as the
// callbacks' user data. (A file with //export may hold only declarations in
// its preamble: the C trampolines that call these are in ffi.go.)

/*
#include <stddef.h>
#include <stdint.h>
*/
import "C"

import (
	"encoding/json"
	"runtime/cgo"
	"strings"
	"unsafe"
)

// callbacks are a client's Go callbacks, owned by one cgo.Handle from
// NewClient until the client's C handle is freed.
type callbacks struct {
	provider func() (string, error)
	onNotice func(Notice)
}

// newCallbacksHandle makes the handle the library gets as user data.
func newCallbacksHandle(cb *callbacks) cgo.Handle {
	live.callbacks.Add(1)
	return cgo.NewHandle(cb)
}

// deleteCallbacksHandle releases it, once no call of the client can run.
func deleteCallbacksHandle(h cgo.Handle) {
	h.Delete()
	live.callbacks.Add(-1)
}

func callbacksOf(userData unsafe.Pointer) *callbacks {
	cb, _ := cgo.Handle(uintptr(userData)).Value().(*callbacks)
	return cb
}

// lcbotGoTokenProvider is the lcbot_token_provider: it asks the Go provider
// for a token and writes it, NUL-terminated, into token_buf. Any failure
// (an error, an empty token, one with a NUL byte or longer than the buffer,
// a panic) is "no new token": the call then fails with the authentication
// error it got. A panic must not unwind through the library's frames, so
// it is recovered here.
//
//export lcbotGoTokenProvider
func lcbotGoTokenProvider(userData unsafe.Pointer, tokenBuf *C.char, tokenBufLen C.size_t) (status C.int32_t) {
	defer func() {
		if recover() != nil {
			status = 1
		}
	}()
	cb := callbacksOf(userData)
	if cb == nil || cb.provider == nil {
		return 1
	}
	token, err := cb.provider()
	if err != nil || token == "" || strings.IndexByte(token, 0) >= 0 || len(token) >= int(tokenBufLen) {
		return 1
	}
	buf := unsafe.Slice((*byte)(unsafe.Pointer(tokenBuf)), int(tokenBufLen))
	copy(buf, token)
	buf[len(token)] = 0
	return 0
}

// lcbotGoNotice is the lcbot_notice_handler: it decodes the notice and
// gives it to Config.OnNotice. A panic of the hook is recovered (it must
// not unwind through the library's frames) and the notice dropped; the
// notice stays in Client.Notices either way.
//
//export lcbotGoNotice
func lcbotGoNotice(userData unsafe.Pointer, noticeJSON *C.char) {
	defer func() { _ = recover() }()
	cb := callbacksOf(userData)
	if cb == nil || cb.onNotice == nil || noticeJSON == nil {
		return
	}
	var n Notice
	if json.Unmarshal([]byte(C.GoString(noticeJSON)), &n) != nil {
		return
	}
	cb.onNotice(n)
}

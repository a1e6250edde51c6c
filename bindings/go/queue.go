package livechatbots

// Every call of a Client or a Bot goes through the library's completion
// queue (lcbot_queue): the calling goroutine submits the call with a tag
// and waits on a channel, not in C, so a call in flight holds no OS thread.
// One queue and one dispatcher serve the whole process: the dispatcher
// drains the queue whenever Go's netpoller says its eventfd is readable and
// hands each completion to the channel its tag names. The netpoller rather
// than one goroutine blocked in lcbot_queue_next(q, -1): it holds no OS
// thread, and a completion wakes only the thread already waiting in epoll,
// which runs the dispatcher and then the waiting goroutine on the same P;
// side by side (benches/go/cmd/manycalls) it made 1.6x and 1.2x the calls/s
// of the blocked wait at 1 and 4 goroutines. The cgo rules of
// ffi.go apply: inputs are copied into C memory freed once the submit
// returns (the library has read them by then), answers are copied into Go
// memory and freed.

/*
#include <stdint.h>
#include <stdlib.h>
#include "livechat_bots.h"
*/
import "C"

import (
	"os"
	"sync"
	"sync/atomic"
	"syscall"
)

// answer is a completion copied into Go memory.
type answer struct {
	status C.lcbot_status
	doc    string
}

// dispatcher owns the process's queue and the calls waiting on it.
type dispatcher struct {
	q       *C.lcbot_queue
	f       *os.File // the netpoller's duplicate of the queue's fd, never closed
	mu      sync.Mutex
	nextTag uint64
	waiting map[uint64]chan<- answer
}

var (
	theDispatcher atomic.Pointer[dispatcher]
	dispatcherMu  sync.Mutex // serializes starting it
)

// getDispatcher returns the process's dispatcher, started by the first
// call. A failure to start (no file descriptor left) is that call's error;
// the next call tries again.
func getDispatcher() (*dispatcher, *Error) {
	if d := theDispatcher.Load(); d != nil {
		return d, nil
	}
	dispatcherMu.Lock()
	defer dispatcherMu.Unlock()
	if d := theDispatcher.Load(); d != nil {
		return d, nil
	}
	d, err := startDispatcher()
	if err != nil {
		return nil, err
	}
	theDispatcher.Store(d)
	return d, nil
}

// startDispatcher makes the queue and the goroutine that drains it. The
// queue lives as long as the process, so it is never freed. The netpoller
// watches a duplicate of the queue's eventfd: the queue owns its own fd,
// and the *os.File (which closes what it wraps) must not be it.
func startDispatcher() (*dispatcher, *Error) {
	var q *C.lcbot_queue
	var errOut *C.char
	status := C.lcbot_queue_new(&q, &errOut)
	if _, err := result("queue_new", status, errOut); err != nil {
		return nil, err
	}
	d := &dispatcher{q: q, waiting: map[uint64]chan<- answer{}}
	dup, _, errno := syscall.Syscall(syscall.SYS_FCNTL, uintptr(C.lcbot_queue_fd(q)), syscall.F_DUPFD_CLOEXEC, 0)
	if errno != 0 {
		C.lcbot_queue_free(q)
		return nil, newError("queue_new", CodeTransport, "cannot duplicate the queue's file descriptor: %v", errno)
	}
	// The eventfd is non-blocking, so os.NewFile registers it with the netpoller.
	f := os.NewFile(dup, "lcbot-queue")
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		C.lcbot_queue_free(q)
		return nil, newError("queue_new", CodeTransport, "cannot poll the queue's file descriptor: %v", err)
	}
	d.f = f
	go d.run(rc)
	return d, nil
}

// run drains the queue each time its eventfd turns readable, for ever:
// RawConn.Read calls drain, and on false waits for readability in the
// netpoller (an edge that came during drain is not lost: the poller keeps
// it until the next wait).
func (d *dispatcher) run(rc syscall.RawConn) {
	err := rc.Read(func(uintptr) bool { d.drain(); return false })
	panic("livechatbots: the completion queue's poller failed: " + err.Error())
}

// drain hands every waiting completion to its caller.
func (d *dispatcher) drain() {
	for {
		var comp *C.lcbot_completion
		var errOut *C.char
		if status := C.lcbot_queue_next(d.q, 0, &comp, &errOut); status != C.LCBOT_OK {
			// Only bad arguments fail, and these are not.
			panic("livechatbots: lcbot_queue_next: " + takeString(errOut))
		}
		if comp == nil {
			return
		}
		d.deliver(comp)
	}
}

// deliver hands a completion to the call waiting for it, and frees it.
func (d *dispatcher) deliver(comp *C.lcbot_completion) {
	tag := uint64(comp.tag)
	a := answer{status: comp.status, doc: C.GoString(comp.document)}
	C.lcbot_completion_free(comp)
	d.mu.Lock()
	ch := d.waiting[tag]
	delete(d.waiting, tag)
	d.mu.Unlock()
	ch <- a // buffered: never blocks
}

// submitFunc submits one call to q with tag (lcbot_client_submit or
// lcbot_bot_submit on a handle).
type submitFunc func(q *C.lcbot_queue, tag C.uint64_t, operation, request *C.char, opts *C.lcbot_call_options, errOut **C.char) C.lcbot_status

// queued runs one call through the queue and waits for its answer: the
// operation's name as lcbot_*_submit takes it, its request document
// (wiped from C memory when secret), its options. op names the call in
// errors.
func queued(op, operation, request string, o *callOptions, secret bool, submit submitFunc) (string, *Error) {
	d, err := getDispatcher()
	if err != nil {
		err.Op = op
		return "", err
	}
	ch := make(chan answer, 1)
	d.mu.Lock()
	d.nextTag++
	tag := d.nextTag
	d.waiting[tag] = ch
	d.mu.Unlock()

	name := cString(operation)
	req := cString(request)
	var co C.lcbot_call_options
	var errOut *C.char
	status := submit(d.q, C.uint64_t(tag), name, req, o.c(&co), &errOut)
	free(name)
	if secret {
		freeSecret(req, len(request))
	} else {
		free(req)
	}
	if status != C.LCBOT_OK {
		d.mu.Lock()
		delete(d.waiting, tag)
		d.mu.Unlock()
		return result(op, status, errOut)
	}
	a := <-ch
	if a.status != C.LCBOT_OK {
		return "", errorFromDocument(op, int32(a.status), a.doc)
	}
	return a.doc, nil
}

// submit runs a call of the client through the queue.
func (c *cClient) submit(op, operation, request string, o *callOptions, secret bool) (string, *Error) {
	return queued(op, operation, request, o, secret, func(q *C.lcbot_queue, tag C.uint64_t, name, req *C.char, opts *C.lcbot_call_options, errOut **C.char) C.lcbot_status {
		return C.lcbot_client_submit(c.p, q, tag, name, req, opts, errOut)
	})
}

// submit runs a call of the bot through the queue.
func (b *cBot) submit(op, operation, request string, o *callOptions) (string, *Error) {
	return queued(op, operation, request, o, false, func(q *C.lcbot_queue, tag C.uint64_t, name, req *C.char, opts *C.lcbot_call_options, errOut **C.char) C.lcbot_status {
		return C.lcbot_bot_submit(b.p, q, tag, name, req, opts, errOut)
	})
}

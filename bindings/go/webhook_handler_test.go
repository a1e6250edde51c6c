package livechatbots_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	lcbot "github.com/livechat-bots/livechat-bots/bindings/go"
)

type ctxKey struct{}

// receiver is a WebhookHandler served over real HTTP behind a middleware
// that puts a value in the request's context, recording what it is told.
type receiver struct {
	srv      *httptest.Server
	mu       sync.Mutex
	events   []*lcbot.WebhookEvent
	ctxVals  []any
	logged   []loggedError
	fail     atomic.Bool // the callback returns an error
	callback atomic.Int64
}

type loggedError struct {
	status int
	err    error
}

func newReceiver(t *testing.T, secrets []string, opts ...lcbot.WebhookHandlerOption) *receiver {
	rc := &receiver{}
	opts = append(opts, lcbot.WithWebhookErrorLog(func(r *http.Request, status int, err error) {
		rc.mu.Lock()
		defer rc.mu.Unlock()
		rc.logged = append(rc.logged, loggedError{status, err})
	}))
	h := lcbot.WebhookHandler(secrets, func(ctx context.Context, ev *lcbot.WebhookEvent) error {
		rc.callback.Add(1)
		rc.mu.Lock()
		rc.events = append(rc.events, ev)
		rc.ctxVals = append(rc.ctxVals, ctx.Value(ctxKey{}))
		rc.mu.Unlock()
		if rc.fail.Load() {
			return errors.New("database down")
		}
		return nil
	}, opts...)
	middleware := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, "set by the middleware for "+r.Header.Get("X-Request-Id"))))
	})
	rc.srv = httptest.NewServer(middleware)
	t.Cleanup(rc.srv.Close)
	return rc
}

// answer is an HTTP answer: status, headers and the decoded JSON body.
type answer struct {
	status int
	header http.Header
	body   map[string]any
	text   string
}

func (rc *receiver) do(t *testing.T, req *http.Request) answer {
	t.Helper()
	resp, err := rc.srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	text, _ := io.ReadAll(resp.Body)
	a := answer{status: resp.StatusCode, header: resp.Header, text: string(text)}
	if err := json.Unmarshal(text, &a.body); err != nil {
		t.Fatalf("answer %d is not a JSON object: %q", resp.StatusCode, text)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	return a
}

func (rc *receiver) post(t *testing.T, body []byte, requestID string) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, rc.srv.URL+"/livechat", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Request-Id", requestID)
	return rc.do(t, req)
}

// seen is what the callback was given so far.
func (rc *receiver) seen() ([]*lcbot.WebhookEvent, []any) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]*lcbot.WebhookEvent(nil), rc.events...), append([]any(nil), rc.ctxVals...)
}

func (rc *receiver) lastLogged(t *testing.T) loggedError {
	t.Helper()
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if len(rc.logged) == 0 {
		t.Fatal("nothing was logged")
	}
	return rc.logged[len(rc.logged)-1]
}

func TestWebhookHandlerStatuses(t *testing.T) {
	secrets := []string{"handler-secret-new", "handler-secret-old"}
	rc := newReceiver(t, secrets, lcbot.WithWebhookOptions(lcbot.WebhookOptions{MaxBodyBytes: 4096}))
	good := body(t, "handler-secret-old", "incoming_event", map[string]any{"chat_id": "C", "thread_id": "T", "event": map[string]any{"id": "T_1", "type": "message", "text": "hi"}})

	// 200: the callback gets the event and the request's context.
	a := rc.post(t, good, "req-1")
	if a.status != 200 || a.body["ok"] != true || a.header.Get("Allow") != "" {
		t.Fatalf("good: %d %s", a.status, a.text)
	}
	events, ctxVals := rc.seen()
	if len(events) != 1 || events[0].Action != "incoming_event" || events[0].DedupeKey != "incoming_event/C/T_1" {
		t.Fatalf("callback: %+v", events)
	}
	if ctxVals[0] != "set by the middleware for req-1" {
		t.Fatalf("the callback's context is not the request's: %v", ctxVals[0])
	}

	// 500: the callback failed, so LiveChat retries; the answer does not
	// say why, the log does.
	rc.fail.Store(true)
	a = rc.post(t, good, "req-2")
	if a.status != 500 || a.body["error"] == "" || strings.Contains(a.text, "database") {
		t.Fatalf("failing callback: %d %s", a.status, a.text)
	}
	if l := rc.lastLogged(t); l.status != 500 || l.err.Error() != "database down" {
		t.Fatalf("logged %+v", l)
	}
	if _, ctxVals := rc.seen(); len(ctxVals) != 2 || ctxVals[1] != "set by the middleware for req-2" {
		t.Fatalf("callback: %v", ctxVals)
	}
	rc.fail.Store(false)

	// The refusals: the callback is never called.
	before := rc.callback.Load()
	for _, tc := range []struct {
		name   string
		req    func() *http.Request
		status int
		check  func(*testing.T, answer, loggedError)
	}{
		{"GET", func() *http.Request { r, _ := http.NewRequest("GET", rc.srv.URL, nil); return r }, 405, func(t *testing.T, a answer, l loggedError) {
			if a.header.Get("Allow") != "POST" {
				t.Errorf("Allow %q", a.header.Get("Allow"))
			}
		}},
		{"PUT", func() *http.Request { r, _ := http.NewRequest("PUT", rc.srv.URL, bytes.NewReader(good)); return r }, 405, func(t *testing.T, a answer, l loggedError) {
			if a.header.Get("Allow") != "POST" {
				t.Errorf("Allow %q", a.header.Get("Allow"))
			}
		}},
		{"wrong secret", func() *http.Request {
			return postReq(rc, body(t, "handler-secret-older", "incoming_event", map[string]any{"chat_id": "C"}))
		}, 401, func(t *testing.T, a answer, l loggedError) {
			if !lcbot.IsSecretMismatch(l.err) {
				t.Errorf("logged %v", l.err)
			}
		}},
		{"no secret", func() *http.Request { return postReq(rc, []byte(`{"action":"incoming_event","payload":{}}`)) }, 401, nil},
		{"not JSON", func() *http.Request { return postReq(rc, []byte(`{"secret_key":"handler-secret-new",`)) }, 400, func(t *testing.T, a answer, l loggedError) {
			if asError(t, l.err).Code != lcbot.CodeInvalidJSON {
				t.Errorf("logged %v", l.err)
			}
		}},
		{"not UTF-8", func() *http.Request { return postReq(rc, []byte("{\"secret_key\":\"handler-secret-new\xff\"}")) }, 400, nil},
		{"empty", func() *http.Request { return postReq(rc, nil) }, 400, nil},
		{"no action", func() *http.Request {
			return postReq(rc, []byte(`{"secret_key":"handler-secret-new","payload":{}}`))
		}, 400, func(t *testing.T, a answer, l loggedError) {
			if !lcbot.IsValidation(l.err) || !strings.Contains(a.body["error"].(string), "action") {
				t.Errorf("%s; logged %v", a.text, l.err)
			}
		}},
		{"over the cap", func() *http.Request { return postReq(rc, padded(t, "handler-secret-new", 4097)) }, 413, func(t *testing.T, a answer, l loggedError) {
			if !lcbot.IsTooLarge(l.err) {
				t.Errorf("logged %v", l.err)
			}
		}},
		{"over the cap, chunked", func() *http.Request {
			// No Content-Length: the handler finds out by reading.
			r, _ := http.NewRequest("POST", rc.srv.URL, io.MultiReader(bytes.NewReader(padded(t, "handler-secret-new", 4097))))
			return r
		}, 413, func(t *testing.T, a answer, l loggedError) {
			if !lcbot.IsTooLarge(l.err) {
				t.Errorf("logged %v", l.err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := rc.do(t, tc.req())
			if a.status != tc.status {
				t.Fatalf("%d %s; want %d", a.status, a.text, tc.status)
			}
			if msg, _ := a.body["error"].(string); msg == "" || len(a.body) != 1 {
				t.Errorf("answer %s; want {\"error\": ...}", a.text)
			}
			l := rc.lastLogged(t)
			if l.status != tc.status {
				t.Errorf("logged status %d", l.status)
			}
			noSecretIn(t, "the answer", secrets, a.text, fmt.Sprint(a.header))
			noSecretIn(t, "the log", append(secrets, "handler-secret-older"), prints(l.err)...)
			if tc.check != nil {
				tc.check(t, a, l)
			}
		})
	}
	// Exactly the cap is accepted.
	if a := rc.post(t, padded(t, "handler-secret-new", 4096), "req-3"); a.status != 200 {
		t.Fatalf("at the cap: %d %s", a.status, a.text)
	}
	if got := rc.callback.Load(); got != before+1 {
		t.Fatalf("the callback ran %d times for the refused requests", got-before-1)
	}
}

func postReq(rc *receiver, b []byte) *http.Request {
	r, _ := http.NewRequest(http.MethodPost, rc.srv.URL, bytes.NewReader(b))
	return r
}

// Misconfigured secrets or options: every request is answered 500 (so
// LiveChat keeps the event for a retry) and the callback never runs, even
// for a body whose secret_key is the empty string.
func TestWebhookHandlerMisconfigured(t *testing.T) {
	for name, tc := range map[string]struct {
		secrets []string
		opts    []lcbot.WebhookHandlerOption
	}{
		"nil secrets":  {nil, nil},
		"no secrets":   {[]string{}, nil},
		"empty secret": {[]string{""}, nil},
		"one empty":    {[]string{"s", ""}, nil},
		"not UTF-8":    {[]string{"\xff"}, nil},
		"negative cap": {[]string{"s"}, []lcbot.WebhookHandlerOption{lcbot.WithWebhookOptions(lcbot.WebhookOptions{MaxBodyBytes: -1})}},
	} {
		t.Run(name, func(t *testing.T) {
			rc := newReceiver(t, tc.secrets, tc.opts...)
			for _, secret := range []string{"", "s", "\ufffd"} {
				a := rc.post(t, body(t, secret, "incoming_event", map[string]any{}), "r")
				if a.status != 500 || a.body["error"] == "" {
					t.Errorf("secret_key %q: %d %s", secret, a.status, a.text)
				}
			}
			if n := rc.callback.Load(); n != 0 {
				t.Errorf("the callback ran %d times", n)
			}
			if l := rc.lastLogged(t); l.status != 500 || !(lcbot.IsValidation(l.err) || asError(t, l.err).Code == lcbot.CodeInvalidUTF8) {
				t.Errorf("logged %d %v", l.status, l.err)
			}
			// A method is still checked first.
			if a := rc.do(t, mustReq(t, "GET", rc.srv.URL)); a.status != 405 {
				t.Errorf("GET: %d", a.status)
			}
		})
	}
	// A cap smaller than any body is not a configuration error: the
	// secrets are still checked, and bodies are refused as too large.
	rc := newReceiver(t, []string{"s"}, lcbot.WithWebhookOptions(lcbot.WebhookOptions{MaxBodyBytes: 10}))
	if a := rc.post(t, body(t, "s", "a", map[string]any{}), "r"); a.status != 413 {
		t.Errorf("tiny cap: %d %s", a.status, a.text)
	}
	rc = newReceiver(t, []string{""}, lcbot.WithWebhookOptions(lcbot.WebhookOptions{MaxBodyBytes: 10}))
	if a := rc.post(t, []byte(`{}`), "r"); a.status != 500 {
		t.Errorf("tiny cap, empty secret: %d %s", a.status, a.text)
	}
}

func mustReq(t *testing.T, method, url string) *http.Request {
	r, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// A sender that claims a huge Content-Length is answered 413 at once,
// before its body is read (raw HTTP: Go's client would not lie).
func TestWebhookHandlerClaimedLength(t *testing.T) {
	rc := newReceiver(t, []string{"s"})
	conn, err := net.DialTimeout("tcp", rc.srv.Listener.Addr().String(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(conn, "POST /livechat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1099511627776\r\n\r\n{\"secret_key\":\"s\"")
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	text, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 413 || !strings.Contains(string(text), "1099511627776") || !resp.Close {
		t.Fatalf("%d %v %s", resp.StatusCode, resp.Header, text)
	}
	if n := rc.callback.Load(); n != 0 {
		t.Fatal("callback ran")
	}
}

// countingReader is an endless body that counts the bytes read from it.
type countingReader struct{ n int64 }

func (c *countingReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	c.n += int64(len(p))
	return len(p), nil
}

// Without a Content-Length the handler reads at most cap+1 bytes of an
// endless body.
func TestWebhookHandlerReadsAtMostCapPlusOne(t *testing.T) {
	for _, limit := range []int{1000, 64 << 10} {
		var log []int
		h := lcbot.WebhookHandler([]string{"s"}, func(context.Context, *lcbot.WebhookEvent) error { return nil },
			lcbot.WithWebhookOptions(lcbot.WebhookOptions{MaxBodyBytes: limit}),
			lcbot.WithWebhookErrorLog(func(_ *http.Request, status int, _ error) { log = append(log, status) }))
		src := &countingReader{}
		req := httptest.NewRequest(http.MethodPost, "/", src)
		req.ContentLength = -1
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 413 || len(log) != 1 || log[0] != 413 {
			t.Errorf("cap %d: %d %s", limit, rec.Code, rec.Body)
		}
		if src.n > int64(limit)+1 {
			t.Errorf("cap %d: %d bytes read", limit, src.n)
		}
	}
}

// Many deliveries at once, through one handler.
func TestWebhookHandlerConcurrent(t *testing.T) {
	rc := newReceiver(t, []string{"s1", "s2"})
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 25; i++ {
				secret := []string{"s1", "s2", "bad"}[i%3]
				b, _ := json.Marshal(map[string]any{"secret_key": secret, "action": "incoming_event", "payload": map[string]any{"chat_id": "C", "event": map[string]any{"id": fmt.Sprint(g, "_", i)}}})
				resp, err := rc.srv.Client().Post(rc.srv.URL, "application/json", bytes.NewReader(b))
				if err != nil {
					errs <- err
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if want := map[bool]int{true: 401, false: 200}[secret == "bad"]; resp.StatusCode != want {
					errs <- fmt.Errorf("%s: %d, want %d", secret, resp.StatusCode, want)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	seen := map[string]bool{}
	for _, ev := range rc.events {
		seen[ev.DedupeKey] = true
	}
	if len(rc.events) != 8*(25-8) || len(seen) != len(rc.events) {
		t.Errorf("%d events, %d keys", len(rc.events), len(seen))
	}
}

func TestWebhookHandlerNilCallback(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "nil") {
			t.Errorf("recovered %v", r)
		}
	}()
	lcbot.WebhookHandler([]string{"s"}, nil)
}

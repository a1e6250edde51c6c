package livechatbots

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestErrorFromDocument(t *testing.T) {
	e := errorFromDocument("update_bot_agent", 7, `{"code":"api","status":7,"message":"LiveChat answered HTTP 429 too_many_requests: slow","http_status":429,"api_error":{"type":"too_many_requests","message":"slow","data":{"limit":5}},"attempts":3,"outcome":"unknown"}`)
	if e.Code != CodeAPI || e.CodeName != "api" || e.HTTPStatus != 429 || e.APIType != "too_many_requests" ||
		e.APIMessage != "slow" || string(e.APIData) != `{"limit":5}` || e.Attempts != 3 || !e.OutcomeUnknown || e.Op != "update_bot_agent" {
		t.Fatalf("%#v", e)
	}
	if got, want := e.Error(), "livechatbots: update_bot_agent: api: LiveChat answered HTTP 429 too_many_requests: slow"; got != want {
		t.Fatalf("Error() = %q, want %q", got, want)
	}
	// Nulls and a missing outcome.
	e = errorFromDocument("client_new", 4, `{"code":"validation","status":4,"message":"token: required field is missing","http_status":null,"api_error":null,"attempts":0}`)
	if e.Code != CodeValidation || e.HTTPStatus != 0 || e.APIType != "" || e.APIData != nil || e.OutcomeUnknown {
		t.Fatalf("%#v", e)
	}
	// No document, or an unreadable one: the status still gives the code.
	for _, doc := range []string{"", "not json"} {
		e = errorFromDocument("x", 9, doc)
		if e.Code != CodePanic || e.CodeName != "panic" || e.Message == "" {
			t.Fatalf("%q: %#v", doc, e)
		}
	}
	// A code this package does not know yet.
	e = errorFromDocument("", 12, `{"code":"future","status":12,"message":"m"}`)
	if e.Code != 12 || e.CodeName != "future" || e.Error() != "livechatbots: future: m" {
		t.Fatalf("%#v %q", e, e.Error())
	}
	// Unwrap gives the context error when one was attached.
	e.cause = context.DeadlineExceeded
	if !errors.Is(e, context.DeadlineExceeded) || !IsTimeout(e) {
		t.Fatal("cause")
	}
}

func TestMillis(t *testing.T) {
	for d, want := range map[time.Duration]int64{
		0: 0, time.Nanosecond: 1, time.Millisecond: 1, 1500 * time.Microsecond: 2, 2 * time.Second: 2000, -time.Millisecond: -1,
	} {
		if got := millis(d); got != want {
			t.Errorf("millis(%v) = %d, want %d", d, got, want)
		}
	}
}

func TestWireConfig(t *testing.T) {
	w, err := Config{}.wire()
	if err != nil || w.json() != `{}` {
		t.Fatalf("zero config: %s, %v", w.json(), err)
	}
	w, err = Config{
		Token: "tok", TokenType: TokenBearer, APIVersion: "3.1", BaseURL: "https://example.com", Region: RegionFra,
		Timeout: 1500 * time.Millisecond, AttemptTimeout: 500 * time.Millisecond, ConnectTimeout: time.Second, UserAgent: "ua", AllowInsecureHTTP: true,
		Retry: &RetryPolicy{MaxAttempts: 5, BaseDelay: 10 * time.Millisecond, MaxDelay: time.Second},
	}.wire()
	want := `{"token":"tok","token_type":"Bearer","api_version":"3.1","base_url":"https://example.com","region":"fra","timeout_ms":1500,"attempt_timeout_ms":500,"connect_timeout_ms":1000,"user_agent":"ua","allow_insecure_http":true,"retry":{"max_attempts":5,"base_delay_ms":10,"max_delay_ms":1000}}`
	if err != nil || w.json() != want {
		t.Fatalf("full config:\n got %s\nwant %s", w.json(), want)
	}
	w, err = Config{PersonalAccessToken: &PersonalAccessToken{AccountID: "a", PAT: "p"}, Retry: &RetryPolicy{}}.wire()
	if err != nil || w.json() != `{"token":{"account_id":"a","pat":"p"},"token_type":"Basic","retry":{}}` {
		t.Fatalf("PAT config: %s, %v", w.json(), err)
	}
	if (Config{}).timeout() != DefaultTimeout || (Config{Timeout: time.Second}).timeout() != time.Second {
		t.Fatal("timeout")
	}
}

// The codes' names agree with the header the constants are compiled from:
// every LCBOT_ERR_<NAME> = N has a Go code N named <name>, and Go has no
// other.
func TestCodesMatchTheHeader(t *testing.T) {
	header, err := os.ReadFile(filepath.Join("..", "..", "include", "livechat_bots.h"))
	if err != nil {
		t.Fatal(err)
	}
	found := map[ErrorCode]string{}
	for _, m := range regexp.MustCompile(`(?m)^\s*(?:#define\s+)?LCBOT_ERR_([A-Z0-9_]+)\s*=?\s*(\d+)`).FindAllStringSubmatch(string(header), -1) {
		n, _ := strconv.Atoi(m[2])
		found[ErrorCode(n)] = strings.ToLower(m[1])
	}
	if len(found) < 10 {
		t.Fatalf("only %d codes found in the header: %v", len(found), found)
	}
	for code, name := range found {
		if got, ok := codeNames[code]; !ok || got != name {
			t.Errorf("header code %d %q: Go has %q", int(code), name, got)
		}
	}
	for code, name := range codeNames {
		if _, ok := found[code]; !ok {
			t.Errorf("Go code %d %q is not in the header", int(code), name)
		}
	}
	if CodeCancelled != 10 || CodeTimeout != 6 || CodePanic != 9 {
		t.Error("codes renumbered")
	}
}

// The predicates' rule: the API error's type, or its HTTP status when the
// type names none of the three categories.
func TestPredicateRule(t *testing.T) {
	api := func(httpStatus int, apiType string) error {
		return &Error{Code: CodeAPI, HTTPStatus: httpStatus, APIType: apiType}
	}
	for _, tc := range []struct {
		err                                error
		notFound, authentication, authoriz bool
	}{
		{api(404, "not_found"), true, false, false},
		{api(404, ""), true, false, false},          // a bare 404 (a proxy's)
		{api(400, "not_found"), true, false, false}, // the type with another status
		{api(401, "authentication"), false, true, false},
		{api(401, ""), false, true, false},
		{api(400, "authentication"), false, true, false},
		{api(403, "authorization"), false, false, true},
		{api(403, ""), false, false, true},
		{api(400, "authorization"), false, false, true},
		{api(400, "validation"), false, false, false},
		{api(404, "validation"), true, false, false},    // a type outside the three: the status
		{api(401, "not_found"), true, false, false},     // they disagree: the type wins
		{api(404, "authorization"), false, false, true}, // (Python's rule: one class)
		{api(403, "authentication"), false, true, false},
		{&Error{Code: CodeTransport, HTTPStatus: 404}, false, false, false}, // only API errors
		{fmt.Errorf("wrapped: %w", api(404, "")), true, false, false},
	} {
		if IsNotFound(tc.err) != tc.notFound || IsAuthentication(tc.err) != tc.authentication || IsAuthorization(tc.err) != tc.authoriz {
			t.Errorf("%#v: IsNotFound %v, IsAuthentication %v, IsAuthorization %v", tc.err,
				IsNotFound(tc.err), IsAuthentication(tc.err), IsAuthorization(tc.err))
		}
	}
}

// Whichever fires first at a context's deadline (the shortened timeout or
// the cancel token), the error is CodeTimeout and DeadlineExceeded; a
// cancel is CodeCancelled and Canceled.
func TestContextError(t *testing.T) {
	expired, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	cancelled, cancel2 := context.WithCancel(context.Background())
	cancel2()
	for _, tc := range []struct {
		ctx       context.Context
		code      ErrorCode
		shortened bool
		want      ErrorCode
		cause     error
	}{
		{expired, CodeCancelled, true, CodeTimeout, context.DeadlineExceeded},
		{expired, CodeTimeout, true, CodeTimeout, context.DeadlineExceeded},
		{context.Background(), CodeTimeout, true, CodeTimeout, context.DeadlineExceeded},
		{context.Background(), CodeTimeout, false, CodeTimeout, nil},
		{cancelled, CodeCancelled, false, CodeCancelled, context.Canceled},
		{cancelled, CodeTransport, false, CodeTransport, nil},
	} {
		e := contextError(tc.ctx, &Error{Code: tc.code, CodeName: tc.code.String(), Message: "m"}, tc.shortened)
		if e.Code != tc.want || e.CodeName != tc.want.String() || e.cause != tc.cause {
			t.Errorf("%v %v shortened %v: %v %v, cause %v", tc.ctx, tc.code, tc.shortened, e.Code, e.CodeName, e.cause)
		}
	}
}

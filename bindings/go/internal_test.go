package livechatbots

import (
	"context"
	"errors"
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
		Timeout: 1500 * time.Millisecond, ConnectTimeout: time.Second, UserAgent: "ua", AllowInsecureHTTP: true,
		Retry: &RetryPolicy{MaxAttempts: 5, BaseDelay: 10 * time.Millisecond, MaxDelay: time.Second},
	}.wire()
	want := `{"token":"tok","token_type":"Bearer","api_version":"3.1","base_url":"https://example.com","region":"fra","timeout_ms":1500,"connect_timeout_ms":1000,"user_agent":"ua","allow_insecure_http":true,"retry":{"max_attempts":5,"base_delay_ms":10,"max_delay_ms":1000}}`
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

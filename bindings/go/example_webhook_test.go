package livechatbots_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	lcbot "github.com/livechat-bots/livechat-bots/bindings/go"
)

// A bot's webhook receiver. In a program, serve the handler at the URL the
// webhook was registered with:
//
//	http.Handle("/livechat/webhooks", handler)
//	log.Fatal(http.ListenAndServe(":8080", nil))
func ExampleWebhookHandler() {
	// The secret key the webhook was registered with; two while it is
	// rotated (the new one first: both are accepted).
	secrets := []string{"new-secret-key", "old-secret-key"}

	handler := lcbot.WebhookHandler(secrets, func(ctx context.Context, ev *lcbot.WebhookEvent) error {
		// ctx is the request's. An error answers 500: LiveChat will
		// deliver the event again (ev.DedupeKey recognizes it).
		typed, err := ev.Typed()
		if err != nil {
			return err
		}
		switch p := typed.(type) {
		case *lcbot.IncomingEventPayload:
			fmt.Printf("%s in chat %s: %q\n", ev.Action, p.ChatID, p.Event.Text)
		case *lcbot.IncomingChatPayload:
			fmt.Println("new chat", p.Chat.ID)
		default:
			fmt.Println("not handled:", ev.Action)
		}
		return nil
	}, lcbot.WithWebhookOptions(lcbot.WebhookOptions{MaxBodyBytes: 256 << 10}))

	srv := httptest.NewServer(handler)
	defer srv.Close()
	post := func(body string) {
		resp, err := http.Post(srv.URL, "application/json", strings.NewReader(body))
		if err != nil {
			log.Fatal(err)
		}
		defer resp.Body.Close()
		answer, _ := io.ReadAll(resp.Body)
		fmt.Print(resp.StatusCode, " ", string(answer))
	}

	// What LiveChat POSTs (API v3.2 here; any version from 3.0 works).
	event := `{"webhook_id":"1188f559c4bae6c4b9a87a1b32d78202","secret_key":"old-secret-key",
		"action":"incoming_event","license_id":21377312,
		"payload":{"chat_id":"PS0X0L086G","thread_id":"PZ070E0W1B",
		"event":{"id":"PZ070E0W1B_3","type":"message","text":"Hello, bot"}},"additional_data":{}}`
	post(event)
	post(strings.Replace(event, "old-secret-key", "a-guess", 1))
	// API v3.1's name for a chat's first thread is normalized.
	post(`{"secret_key":"new-secret-key","action":"incoming_chat_thread","payload":{"chat":{"id":"PS0X0L086G"}}}`)
	// Output:
	// incoming_event in chat PS0X0L086G: "Hello, bot"
	// 200 {"ok":true}
	// 401 {"error":"secret_key: not one of the accepted secrets"}
	// new chat PS0X0L086G
	// 200 {"ok":true}
}

// Checking a body yourself, with another HTTP stack.
func ExampleVerifyWebhook() {
	body := []byte(`{"webhook_id":"w","secret_key":"s3cret","action":"thread_closed",
		"payload":{"chat_id":"PS0X0L086G","thread_id":"PZ070E0W1B","user_id":"agent@example.com"}}`)
	ev, err := lcbot.VerifyWebhook(body, []string{"s3cret"}, nil)
	switch {
	case lcbot.IsTooLarge(err):
		// answer 413
	case lcbot.IsSecretMismatch(err):
		// answer 401
	case err != nil:
		// answer 400 (or 500 if the secrets list is wrong: see WebhookHandler)
	}
	fmt.Println(ev.Action, "as sent:", ev.ActionAsSent)
	fmt.Println("dedupe key:", ev.DedupeKey)
	// Output:
	// chat_deactivated as sent: thread_closed
	// dedupe key: chat_deactivated/PS0X0L086G/PZ070E0W1B
}

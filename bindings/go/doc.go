// Package livechatbots manages LiveChat Bot Agents (the Configuration API's
// bot actions) through the livechat-bots library, a Rust core with a C ABI,
// linked with cgo.
//
//	client, err := livechatbots.NewClient(livechatbots.Config{Token: token})
//	if err != nil { ... }
//	defer client.Close()
//	created, err := client.CreateBotAgent(ctx, livechatbots.CreateBotAgentRequest{
//		Name: "Helper", Status: livechatbots.StatusAcceptingChats,
//	})
//
// # Linking
//
// By default the package links the static library that `cargo build
// --release` writes in the repository (target/release/liblivechat_bots.a,
// with the header in include/), so programs and tests need no
// LD_LIBRARY_PATH. With the build tag livechat_bots_system it links an
// installed library found through pkg-config (livechat-bots.pc) instead.
//
// At init the package compares the library's C ABI version with
// SupportedABIVersion. It never panics: on a mismatch NewClient and
// StartEmulator return an error wrapping ErrIncompatibleLibrary.
//
// # Errors
//
// Failures are *Error values (use errors.As) with a stable Code (the C
// header's LCBOT_ERR_* constants), the HTTP status and LiveChat's error type
// and message; IsNotFound, IsAuthentication, IsAuthorization, IsValidation,
// IsTimeout, IsCancelled and IsTransport sort them. Input is validated by the
// library before anything is sent. Calls on a closed Client or Emulator
// return ErrClosed.
//
// # Concurrency and context
//
// A Client may be shared by any number of goroutines. A call in flight
// holds no OS thread: it is submitted to the library's completion queue,
// run on the library's one background I/O thread with the client's shared
// connection pool, and its goroutine waits on a channel (parked, like one
// waiting on a net.Conn) until one dispatcher goroutine, woken by Go's
// netpoller on the queue's file descriptor, hands it the answer. Hundreds
// of goroutines in flight cost a few OS threads in all. The context bounds
// the whole call: a deadline becomes the call's timeout (on the client's own
// connections), and cancelling the context stops a call in flight with an
// error matching context.Canceled. See Client for the details.
//
// # Long-running services
//
// Client.SetCredentials replaces the token while calls run;
// Config.TokenProvider is asked for a new token when LiveChat refuses an
// expired one; Config.OnNotice and Client.Notices report an API version
// that LiveChat marks as legacy or deprecated.
//
// # Bots in chats
//
// Client.NewBot makes a Bot: one bot acting in chats through the Agent Chat
// Web API (routing status, events, chats, transfers), named the way the
// client's API version wants (author_id in v3.0, X-Author-Id to v3.5, its
// own token from issue_bot_token on v3.6, renewed by the library, one
// renewal at a time). A Bot is safe for concurrent use and takes today's
// (v3.6) shapes in every version. The Client has the Configuration API
// actions a bot needs: IssueBotToken, ResetBotSecret and the webhook
// registry.
//
// # Webhooks
//
// WebhookHandler is an http.Handler receiving a bot's webhooks: it checks
// each body's secret_key against the accepted secrets (several while a key
// is rotated), normalizes the event of any API version (3.0 to 3.6) into a
// WebhookEvent and answers LiveChat 200, or 400, 401, 405, 413 or 500 so
// that a failed delivery is retried. VerifyWebhook is the check alone, for
// another HTTP stack; WebhookEvent.Typed decodes the common payloads.
//
// # Emulator
//
// StartEmulator runs an offline fake of the API in the process, with fault
// injection and a request log, for tests and examples. It also serves the
// Agent Chat Web API for bots, with chats that Emulator.StartChat,
// SendMessage and CloseChat play the customer of, routed to the bots as
// LiveChat routes them; Emulator.Chats gives their transcripts.
package livechatbots

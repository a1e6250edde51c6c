// Package livechatbots manages LiveChat Bot Agents (the Configuration API's
// bot actions) through the livechat-bots library, a Rust core with a C ABI,
// linked with cgo.
//
//	client, err := livechatbots.NewClient(livechatbots.Config{Token: token})
//	if err != nil { ... }
//	defer client.Close()
//	id, err := client.CreateBotAgent(ctx, livechatbots.CreateBotAgentRequest{
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
// Failures are *Error values (use errors.As) with a stable Code, the HTTP
// status and LiveChat's error type and message; IsNotFound, IsAuthentication,
// IsAuthorization, IsValidation, IsTimeout and IsTransport sort them. Input is
// validated by the library before anything is sent. Calls on a closed
// Client or Emulator return ErrClosed.
//
// # Concurrency and context
//
// A Client may be shared by any number of goroutines. Each call blocks its
// goroutine's OS thread for the duration of the request; a context that is
// already done stops a call from starting, and a context deadline shortens
// the request's timeout, but a started call cannot be cancelled. See Client
// for the details.
//
// # Emulator
//
// StartEmulator runs an offline fake of the API in the process, with fault
// injection and a request log, for tests and examples.
package livechatbots

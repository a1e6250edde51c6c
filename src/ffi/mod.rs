//! The C ABI: thin functions that convert pointers and JSON strings and call
//! the core. No business logic lives here. One file per handle kind
//! (`client`, `agent_chat` for the bot, `emulator`) and per API room, plus
//! the plumbing they share (`boundary`, `status`, `strings`, `options`,
//! `callbacks`).
//!
//! The order below is the header's: cbindgen writes each file's items in
//! the order the files are declared here.

mod agent_chat;
mod bot_admin;
mod boundary;
mod callbacks;
mod client;
#[cfg(feature = "emulator")]
mod emulator;
mod json;
mod options;
mod schema;
mod status;
mod strings;
#[cfg(feature = "test-hooks")]
mod test_hooks;
mod webhooks;
#[cfg(feature = "emulator")]
mod emulator_tls;
mod templates;
mod client_settings;
mod conversation;
#[cfg(feature = "emulator")]
mod emulator_postback;
#[cfg(feature = "emulator")]
mod emulator_humans;
mod queue;

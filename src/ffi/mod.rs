//! The C ABI: thin functions that convert pointers and JSON strings and call
//! the core. No business logic lives here.

pub mod boundary;
pub mod bot;
pub mod callbacks;
pub mod client;
#[cfg(feature = "emulator")]
pub mod emulator;
pub mod json;
pub mod options;
pub mod schema;
pub mod status;
pub mod strings;
#[cfg(feature = "test-hooks")]
pub mod test_hooks;
pub mod webhook;

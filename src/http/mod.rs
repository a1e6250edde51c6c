//! The client core, shared by every API room: the settings ([`config`]), the
//! [`Client`] that sends a prepared request with retries that never repeat a
//! write, its transport (a small runtime per calling thread), the
//! credentials and their renewal, the notices of a retiring version, and
//! cancellation. It knows HTTP and LiveChat's error bodies, and nothing of
//! any action: the rooms `configuration` and `agent_chat` shape the requests
//! and read the answers.
//!
//! [`Client`]: client::Client

pub(crate) mod background;
pub(crate) mod cancel;
pub(crate) mod client;
pub(crate) mod config;
pub(crate) mod credentials;
pub(crate) mod environment;
pub(crate) mod notice;
pub(crate) mod retry;
pub(crate) mod sigpipe;
pub(crate) mod tls;
pub(crate) mod transport;

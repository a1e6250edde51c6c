//! livechat-bots: manage LiveChat Bot Agents (the Configuration API's bot
//! actions) from Rust, and through the C ABI from C, C++, Python and Go.
//!
//! ```no_run
//! use livechat_bots::{Client, ClientConfig, CreateBotAgent, Status};
//! let client = Client::new(ClientConfig::new("my-token"))?;
//! let id = client.create_bot_agent(&CreateBotAgent::new("Helper", Status::AcceptingChats))?.bot_agent_id;
//! println!("{id}: {:?}", client.get_bot_agent_details(&id)?);
//! # Ok::<(), livechat_bots::Error>(())
//! ```
//!
//! What is here:
//! - [`Client`] and its [`ClientConfig`]: the Configuration API's bot
//!   actions, typed ([`Client::create_bot_agent`], ...), as JSON
//!   ([`Client::execute`]) or untyped ([`Client::call`]), in any
//!   [`ApiVersion`] from 3.0 to 3.6.
//! - [`Bot`]: the Agent Chat Web API as one bot (its chats, its events, its
//!   routing status).
//! - [`Queue`]: many calls in flight without a thread each, drained as
//!   [`Completion`]s (by `next`, or when its fd turns readable).
//! - [`verify_webhook`] and [`WebhookEvent`]: what LiveChat POSTs to a bot.
//! - [`Emulator`] (feature `emulator`, on by default): the offline LiveChat
//!   that tests and examples run against.
//!
//! Every module is private: this page is the whole Rust API, and the C ABI
//! (`include/livechat_bots.h`) is the other public surface.

#![warn(missing_docs)]

// The leaves every room uses.
mod error;
mod json;
mod secret;
mod validate;
mod version;

// One room per LiveChat API, and the client core they share.
mod agent_chat;
mod configuration;
mod http;
mod webhooks;

// Calls without a thread each, over the rooms above.
mod queue;

#[cfg(feature = "emulator")]
mod emulator;
// The C ABI: its `#[no_mangle]` functions are exported whatever the
// module's visibility; Rust callers use the items re-exported here.
mod ffi;

/// This library's version (the crate's, also `lcbot_version()` in C).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub use agent_chat::actions::ChatAction;
pub use agent_chat::bot::{Bot, BotIdentity};
pub use agent_chat::model::{Chat, ChatPage, ChatSummary, ChatUser, Event, RoutingStatus, Thread};
pub use configuration::actions::Action;
pub use configuration::batches::BatchAction;
pub use configuration::bot_admin::AdminAction;
pub use configuration::model::{
    Application, BotAgent, BotAgentDetails, CreateBotAgent, CreatedBotAgent, Group, Priority, Status, UpdateBotAgent,
    WebhookAction, Webhooks,
};
pub use configuration::templates::{BotTemplate, CreateBotTemplate, CreatedBotTemplate, TemplateAction, UpdateBotTemplate};
#[cfg(feature = "emulator")]
pub use emulator::{DeliveryConfig, Emulator, EmulatorConfig, Fault, RetiringStage, TlsOptions, TokenGrant};
pub use error::{ApiError, Error, ErrorCode, Outcome, Result};
pub use http::cancel::{CallOptions, CancelToken};
pub use http::client::Client;
pub use http::config::{ClientConfig, Region, TokenType};
pub use http::credentials::TokenProvider;
pub use http::notice::{Notice, NoticeHandler, NoticeKind, Notices};
pub use http::retry::RetryPolicy;
pub use queue::completion::{Completion, Queue};
pub use queue::operation::CALL_PREFIX;
pub use secret::Secret;
pub use version::ApiVersion;
pub use webhooks::event::{
    respond as respond_to_webhook, ChatDeactivated, ChatEvent, ChatTransferred, ChatUserChange, IncomingChat,
    Payload as WebhookPayload, RichMessagePostback, RoutingStatusSet, WebhookEvent,
};
pub use webhooks::verify::{
    verify as verify_webhook, WebhookSecrets, DEFAULT_MAX_BODY_BYTES as DEFAULT_MAX_WEBHOOK_BODY_BYTES,
    RENAMED_ACTIONS as RENAMED_WEBHOOK_ACTIONS,
};

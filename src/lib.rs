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

pub mod actions;
pub mod agent_chat;
pub mod bot;
pub mod bot_admin;
pub mod cancel;
pub mod chat_model;
pub mod client;
pub mod config;
pub mod credentials;
#[cfg(feature = "emulator")]
pub mod emulator;
pub mod error;
pub mod ffi;
pub mod json;
pub mod model;
pub mod notice;
pub mod retry;
pub mod secret;
mod transport;
mod validate;
pub mod version;
pub mod webhook;
pub mod webhook_event;
pub mod wire;

pub use actions::Action;
pub use agent_chat::ChatAction;
pub use bot::{Bot, BotIdentity};
pub use bot_admin::AdminAction;
pub use cancel::{CallOptions, CancelToken};
pub use chat_model::{Chat, ChatPage, ChatSummary, ChatUser, Event, RoutingStatus, Thread};
pub use client::Client;
pub use credentials::TokenProvider;
pub use config::{ClientConfig, Region, TokenType};
#[cfg(feature = "emulator")]
pub use emulator::{Emulator, EmulatorConfig};
pub use error::{ApiError, Error, ErrorCode, Outcome, Result};
pub use model::*;
pub use notice::{Notice, NoticeHandler, NoticeKind};
pub use retry::RetryPolicy;
pub use secret::Secret;
pub use version::ApiVersion;
pub use webhook::{verify as verify_webhook, WebhookSecrets};
pub use webhook_event::{respond as respond_to_webhook, Payload as WebhookPayload, WebhookEvent};

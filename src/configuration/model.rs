//! Typed models of the Bot Agents API for Rust callers (the C ABI speaks JSON).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A bot's routing status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    #[serde(rename = "accepting chats")]
    AcceptingChats,
    #[serde(rename = "not accepting chats")]
    NotAcceptingChats,
    #[serde(rename = "offline")]
    Offline,
}

/// Routing priority in a group. `Supervisor` is valid only as
/// `default_group_priority`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    First,
    Normal,
    Last,
    Supervisor,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    pub id: u64,
    pub priority: Priority,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookAction {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filters: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_data: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Webhooks {
    pub url: String,
    pub secret_key: String,
    pub actions: Vec<WebhookAction>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    pub client_id: String,
}

/// An entry of `get_bot_agents`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BotAgent {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
}

/// The answer of `get_bot_agent_details`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BotAgentDetails {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application: Option<Application>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_chats_count: Option<u32>,
    #[serde(default)]
    pub groups: Vec<Group>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_group_priority: Option<Priority>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhooks: Option<Webhooks>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_scheduler: Option<Value>,
    /// The bot's type (v3.6).
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub bot_type: Option<String>,
}

/// The answer of `create_bot_agent`: the new bot's id and, from v3.5, its
/// secret. LiveChat shows the secret once; it is what the bot gets its own
/// token with, so keep it (it never shows in a Debug print).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CreatedBotAgent {
    pub bot_agent_id: String,
    #[serde(default)]
    pub bot_secret: Option<crate::Secret>,
}

/// The request of `create_bot_agent`. `status` is required up to v3.1,
/// optional in v3.2 and refused from v3.3; the fields after `webhooks`
/// exist from v3.2 (`default_group_priority`), v3.3 (the others) or v3.6 (`type`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CreateBotAgent {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_chats_count: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<Group>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhooks: Option<Webhooks>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_group_priority: Option<Priority>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_client_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_scheduler: Option<Value>,
    /// The bot's type (v3.6).
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub bot_type: Option<String>,
}

impl CreateBotAgent {
    /// A create with the spec's two required fields.
    pub fn new(name: impl Into<String>, status: Status) -> Self {
        CreateBotAgent { name: name.into(), status: Some(status), ..Default::default() }
    }

    /// A create without a status, as v3.3 and later take it.
    pub fn named(name: impl Into<String>) -> Self {
        CreateBotAgent { name: name.into(), ..Default::default() }
    }
}

/// The request of `update_bot_agent`: only the fields set are sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UpdateBotAgent {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_chats_count: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<Group>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_group_priority: Option<Priority>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhooks: Option<Webhooks>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_scheduler: Option<Value>,
}

impl UpdateBotAgent {
    pub fn new(id: impl Into<String>) -> Self {
        UpdateBotAgent { id: id.into(), ..Default::default() }
    }
}

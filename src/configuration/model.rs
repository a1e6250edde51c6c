//! Typed models of the Bot Agents API for Rust callers (the C ABI speaks JSON).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A bot's routing status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    /// Takes new chats.
    #[serde(rename = "accepting chats")]
    AcceptingChats,
    /// Keeps its chats but takes no new ones.
    #[serde(rename = "not accepting chats")]
    NotAcceptingChats,
    /// Takes no chats.
    #[serde(rename = "offline")]
    Offline,
}

/// Routing priority in a group. `Supervisor` is valid only as
/// `default_group_priority`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    /// Gets chats before the group's other agents.
    First,
    /// Gets chats after `first` agents.
    Normal,
    /// Gets chats only when no other agent can.
    Last,
    /// Gets no chats (only as `default_group_priority`).
    Supervisor,
}

/// A group the bot is in, with its routing priority there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    /// The group's id.
    pub id: u64,
    /// The bot's priority in this group.
    pub priority: Priority,
}

/// One action a bot's webhook fires on (up to v3.2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookAction {
    /// The name.
    pub name: String,
    /// Which events of the action are sent (the action's filter object).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filters: Option<Value>,
    /// What LiveChat adds to each delivery (`chat_properties`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_data: Option<Vec<String>>,
}

/// A bot's webhooks in the Configuration API (up to v3.2; later versions register them with `register_webhook`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Webhooks {
    /// Where LiveChat POSTs the events.
    pub url: String,
    /// The secret LiveChat puts in every delivery's body, to verify it by.
    pub secret_key: String,
    /// The actions that fire the webhook.
    pub actions: Vec<WebhookAction>,
}

/// The application (client id) that owns a bot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    /// Its client id.
    pub client_id: String,
}

/// An entry of `get_bot_agents`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BotAgent {
    /// The bot's id.
    pub id: String,
    /// The name.
    pub name: String,
    /// The avatar's URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
    /// The routing status (up to v3.2; from v3.3 set through the Agent Chat API).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
}

/// The answer of `get_bot_agent_details`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BotAgentDetails {
    /// The bot's id.
    pub id: String,
    /// The name.
    pub name: String,
    /// The avatar's URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
    /// The routing status (up to v3.2; from v3.3 set through the Agent Chat API).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// The application that owns the bot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application: Option<Application>,
    /// How many chats the bot takes at once (at most 500; LiveChat's default is 6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_chats_count: Option<u32>,
    /// The groups the bot is in.
    #[serde(default)]
    pub groups: Vec<Group>,
    /// The priority in groups the bot is not explicitly in (v3.2+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_group_priority: Option<Priority>,
    /// The bot's webhooks (up to v3.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhooks: Option<Webhooks>,
    /// The job title shown to customers (v3.3+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_title: Option<String>,
    /// The bot's time zone, as a tz name (v3.3+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// When the bot works: the work scheduler object (v3.3+).
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
    /// The new bot's id.
    pub bot_agent_id: String,
    /// The bot's secret (v3.5+), shown once.
    #[serde(default)]
    pub bot_secret: Option<crate::Secret>,
}

/// The request of `create_bot_agent`. `status` is required up to v3.1,
/// optional in v3.2 and refused from v3.3; the fields after `webhooks`
/// exist from v3.2 (`default_group_priority`), v3.3 (the others) or v3.6 (`type`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CreateBotAgent {
    /// The name.
    pub name: String,
    /// The routing status (up to v3.2; from v3.3 set through the Agent Chat API).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// The avatar's URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
    /// How many chats the bot takes at once (at most 500; LiveChat's default is 6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_chats_count: Option<u32>,
    /// The groups the bot is in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<Group>>,
    /// The bot's webhooks (up to v3.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhooks: Option<Webhooks>,
    /// The priority in groups the bot is not explicitly in (v3.2+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_group_priority: Option<Priority>,
    /// The job title shown to customers (v3.3+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_title: Option<String>,
    /// The application that will own the bot (v3.3+; required there for a token not bound to one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_client_id: Option<String>,
    /// The bot's time zone, as a tz name (v3.3+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// When the bot works: the work scheduler object (v3.3+).
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
    /// The bot's id.
    pub id: String,
    /// The new name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The avatar's URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
    /// The routing status (up to v3.2; from v3.3 set through the Agent Chat API).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// How many chats the bot takes at once (at most 500; LiveChat's default is 6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_chats_count: Option<u32>,
    /// The groups the bot is in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<Group>>,
    /// The priority in groups the bot is not explicitly in (v3.2+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_group_priority: Option<Priority>,
    /// The bot's webhooks (up to v3.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhooks: Option<Webhooks>,
    /// The job title shown to customers (v3.3+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_title: Option<String>,
    /// The bot's time zone, as a tz name (v3.3+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// When the bot works: the work scheduler object (v3.3+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_scheduler: Option<Value>,
}

impl UpdateBotAgent {
    /// An update of bot `id` that changes nothing yet: set the fields to change.
    pub fn new(id: impl Into<String>) -> Self {
        UpdateBotAgent { id: id.into(), ..Default::default() }
    }
}
